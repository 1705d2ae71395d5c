package card

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/syndicate/internal/article"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Size of every card: the 1.91:1 that all the networks show uncropped.
const (
	Width  = 1200
	Height = 630
)

// Card is what a card shows. Title, SiteName and Section are plain text.
type Card struct {
	Title    string
	SiteName string
	Section  string
	// Date is shown as a day in the renderer's location ("18 декември
	// 2025"); zero shows no date.
	Date time.Time
	// ImageURL is the article's photo; empty for a text-only card.
	ImageURL string
	// Credit is the photo's credit ("Снимка: EPA/BGNES"), drawn on the
	// photo's bottom edge when the photo is on the card.
	Credit string
	// Scale is the width the card is served at, one of Widths (oEmbed
	// consumers ask for thumbnails no wider than they show); 0 or any
	// other value is the full Width.
	Scale int
}

// Widths are the smaller sizes a card is served at, largest first. Each is
// a multiple of 40, so the 1200×630 card scales to whole pixels
// (ScaledHeight); a short list keeps the cached variants few.
var Widths = [...]int{960, 800, 640, 480, 320, 160}

// IsWidth reports whether w is one of Widths.
func IsWidth(w int) bool {
	for _, v := range Widths {
		if v == w {
			return true
		}
	}
	return false
}

// ScaledHeight is the height of the card served w wide.
func ScaledHeight(w int) int { return w * Height / Width }

// scaled is img at c.Scale, or img itself when the card is served full size.
func scaled(img image.Image, c Card) image.Image {
	if !IsWidth(c.Scale) {
		return img
	}
	dst := image.NewRGBA(image.Rect(0, 0, c.Scale, ScaledHeight(c.Scale)))
	xdraw.CatmullRom.Scale(dst, dst.Rect, img, img.Bounds(), xdraw.Src, nil)
	return dst
}

// Images fetches a photo for a card. *Fetcher is the real one.
type Images interface {
	Fetch(ctx context.Context, rawURL string) (image.Image, error)
}

var _ Images = (*Fetcher)(nil)

// Options configure a Renderer.
type Options struct {
	// Background is the brand colour.
	Background color.RGBA
	// Location is the time zone dates are shown in; nil is UTC.
	Location *time.Location
	// Images fetches photos; nil draws text-only cards.
	Images Images
}

// Result tells what Render drew.
type Result struct {
	// WithImage is true when the photo is on the card.
	WithImage bool
	// ImageErr is why a photo the card asked for is missing, nil
	// otherwise. Such a card is right for now but not for good: it
	// should not be cached as the final card of that version.
	ImageErr error
	// Bytes is the PNG's size.
	Bytes int
}

// Renderer draws cards. It is safe for concurrent use.
type Renderer struct {
	opts Options
	// fonts parses the embedded fonts and emoji on the first card, not in
	// New: 1.5 ms that the share function's cold start would otherwise
	// pay before its first share page, which draws no card.
	fonts func() (fonts, error)
	enc   png.Encoder
}

// fonts are the parsed faces a card is drawn with.
type fonts struct {
	regular *opentype.Font
	bold    *opentype.Font
	emoji   *emojiSet
}

// parseFonts parses the embedded fonts and emoji.
func parseFonts() (fonts, error) {
	reg, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return fonts{}, fmt.Errorf("card: parse Go Regular: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return fonts{}, fmt.Errorf("card: parse Go Bold: %w", err)
	}
	emoji, err := parseEmoji(emojiIndex, emojiPNGs)
	if err != nil {
		return fonts{}, err
	}
	return fonts{regular: reg, bold: bold, emoji: emoji}, nil
}

// Revision names the drawing: it changes whenever the same Card draws a
// different picture, so that card URLs (share.Site.CardURL) and ETags
// change with it and no cache keeps the old picture as the current one.
// Revision 2: colour emoji, the drawn separator, the photo credit.
// Revision 3: a long title is set smaller before it is cut.
const Revision = 3

// New returns a renderer; the embedded fonts are parsed once, on its
// first card.
func New(opts Options) (*Renderer, error) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Background.A == 0 {
		opts.Background.A = 0xff
	}
	return &Renderer{
		opts: opts, fonts: sync.OnceValues(parseFonts),
		// BestSpeed: a card is mostly flat colour, which every level
		// compresses well; the photo region is the same size at every
		// level within a few percent, and BestSpeed is several times
		// faster (see BenchmarkCard).
		enc: png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &encoderPool{}},
	}, nil
}

// faces returns the parsed fonts, zero when they did not parse (an error
// Render answers; they are embedded, so none is expected).
func (r *Renderer) faces() fonts {
	f, _ := r.fonts()
	return f
}

// ParseColor reads "#rrggbb".
func ParseColor(s string) (color.RGBA, error) {
	if len(s) != 7 || s[0] != '#' {
		return color.RGBA{}, fmt.Errorf("card: colour %q is not #rrggbb", s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.RGBA{}, fmt.Errorf("card: colour %q is not #rrggbb", s)
	}
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}, nil
}

// Render draws c and writes it to w as PNG. A photo that cannot be had
// (origin not allowed, slow, too big, broken) gives the text-only card and
// is reported in Result.ImageErr; only a failure to write is an error.
func (r *Renderer) Render(ctx context.Context, w io.Writer, c Card) (Result, error) {
	var (
		res   Result
		photo image.Image
	)
	if _, err := r.fonts(); err != nil {
		return res, err
	}
	if c.ImageURL != "" && r.opts.Images != nil {
		photo, res.ImageErr = r.opts.Images.Fetch(ctx, c.ImageURL)
		if res.ImageErr != nil {
			photo = nil
		}
	}
	img := r.Draw(c, photo)
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	if photo != nil {
		// A detailed photo can make the PNG too big for WhatsApp, which
		// drops images over about 300 KB. Fewer bits per channel in the
		// photo panel shrink it with little visible loss; past 4 bits the
		// text-only card is the better card.
		panel := image.Rect(Width-photoWidth, 0, Width, Height)
		posterize(img, panel, 5)
		// Encoding is most of a card's cost, so probe the photo panel
		// alone (40% of the pixels, nearly all of the bytes) and go
		// straight to 4 bits when 5 cannot fit, rather than encoding the
		// whole card twice.
		if err := r.encode(buf, img.SubImage(panel)); err != nil {
			return res, err
		}
		bits := []uint{5, 4}
		if buf.Len()+textBytes > MaxBytes {
			bits = bits[1:]
		}
		for _, b := range bits {
			posterize(img, panel, b)
			if err := r.encode(buf, scaled(img, c)); err != nil {
				return res, err
			}
			if buf.Len() <= MaxBytes {
				res.WithImage = true
				break
			}
		}
		if !res.WithImage {
			res.ImageErr = fmt.Errorf("card: photo %q makes a card over %d bytes", c.ImageURL, MaxBytes)
			img = r.Draw(c, nil)
		}
	}
	if !res.WithImage {
		if err := r.encode(buf, scaled(img, c)); err != nil {
			return res, err
		}
	}
	n, err := w.Write(buf.Bytes())
	res.Bytes = n
	if err != nil {
		return res, fmt.Errorf("card: write: %w", err)
	}
	return res, nil
}

// MaxBytes is the largest card Render writes with a photo.
const MaxBytes = 300_000

// textBytes is about what the text part of a card adds to its PNG.
const textBytes = 50_000

// bufPool keeps encoded cards between requests.
var bufPool = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 128<<10)) }}

func (r *Renderer) encode(buf *bytes.Buffer, img image.Image) error {
	buf.Reset()
	if err := r.enc.Encode(buf, img); err != nil {
		return fmt.Errorf("card: encode: %w", err)
	}
	return nil
}

// posterize keeps the top bits of each colour channel inside rect,
// spreading them over the full range.
func posterize(img *image.RGBA, rect image.Rectangle, bits uint) {
	mask := uint8(0xff << (8 - bits))
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		row := img.Pix[img.PixOffset(rect.Min.X, y):img.PixOffset(rect.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			for j := i; j < i+3; j++ {
				v := row[j] & mask
				row[j] = v | v>>bits
			}
		}
	}
}

// Layout, in pixels.
const (
	margin      = 64
	photoWidth  = 480
	siteSize    = 34
	titleSize   = 60
	footerSize  = 30
	titleTop    = 170 // top of the title block
	footerBase  = Height - 60
	creditSize  = 18
	creditPad   = 8
	titleBottom = footerBase - footerSize - 40
)

// titleSizes are the title's type sizes, largest first: a headline that
// does not fit the title block at one size is set at the next, and only
// at the last is it cut with "…" (4, 5, 6 and 7 lines).
var titleSizes = [...]int{titleSize, 52, 46, 40}

// lineStep is the distance between title baselines at size: 1.18 × size.
func lineStep(size int) int { return (size*118 + 50) / 100 }

// titleLines sets title at the largest of titleSizes at which it fits the
// title block whole, else at the smallest, cut with "…"; it returns the
// face used and the lines.
func (r *Renderer) titleLines(title string, maxW fixed.Int26_6) (*textFace, []string) {
	var face *textFace
	var lines []string
	for _, size := range titleSizes {
		face = r.face(r.faces().bold, size)
		var cut bool
		lines, cut = wrap(face, face.clean(title), maxW, (titleBottom-titleTop)/lineStep(size))
		if !cut {
			break
		}
	}
	return face, lines
}

// Draw paints c, with photo when it is not nil.
func (r *Renderer) Draw(c Card, photo image.Image) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, Width, Height))
	bg := r.opts.Background
	xdraw.Draw(dst, dst.Bounds(), image.NewUniform(bg), image.Point{}, xdraw.Src)

	textRight := Width - margin
	if photo != nil {
		panel := image.Rect(Width-photoWidth, 0, Width, Height)
		drawCover(dst, panel, photo)
		r.drawCredit(dst, panel, c.Credit)
		textRight = panel.Min.X - margin
	}
	fg, muted := textColors(bg)
	maxW := fixed.I(textRight - margin)

	site := r.face(r.faces().bold, siteSize)
	site.draw(dst, fg, margin, margin+siteSize, fitLine(site, site.clean(article.OneLine(c.SiteName)), maxW))
	// An accent rule under the site name.
	xdraw.Draw(dst, image.Rect(margin, margin+siteSize+22, margin+96, margin+siteSize+28), image.NewUniform(muted), image.Point{}, xdraw.Over)

	title, lines := r.titleLines(article.OneLine(c.Title), maxW)
	step := lineStep(title.size)
	for i, line := range lines {
		title.draw(dst, fg, margin, titleTop+title.size+i*step, line)
	}

	footer := r.face(r.faces().regular, footerSize)
	section := footer.clean(article.OneLine(c.Section))
	var date string
	if !c.Date.IsZero() {
		date = FormatDate(c.Date.In(r.opts.Location))
	}
	drawFooter(dst, footer, muted, margin, footerBase, section, date, maxW)
	return dst
}

// drawFooter draws "section · date" from x on baseline within maxW, the
// separator a dot centred on the x-height; the section is shortened when
// both do not fit, the date never.
func drawFooter(dst *image.RGBA, t *textFace, c color.RGBA, x, baseline int, section, date string, maxW fixed.Int26_6) {
	if section == "" || date == "" {
		t.draw(dst, c, x, baseline, fitLine(t, section+date, maxW))
		return
	}
	gap := t.size / 2
	rad := float32(t.size) / 10
	sepW := fixed.I(2*gap) + fixed.Int26_6(2*rad*64)
	dateW := t.measure(date)
	section = fitLine(t, section, maxW-dateW-sepW)
	t.draw(dst, c, x, baseline, section)
	cx := float32(x) + float32(t.measure(section))/64 + float32(gap) + rad
	cy := float32(baseline) - float32(t.face.Metrics().XHeight)/64/2
	drawDot(dst, c, cx, cy, rad)
	t.draw(dst, c, x+(t.measure(section)+sepW).Round(), baseline, date)
}

// drawCredit draws credit small in white on a dark box at the bottom right
// corner of the photo panel, so it reads on any photo.
func (r *Renderer) drawCredit(dst *image.RGBA, panel image.Rectangle, credit string) {
	t := r.face(r.faces().regular, creditSize)
	credit = t.clean(article.OneLine(credit))
	if credit == "" {
		return
	}
	credit = fitLine(t, credit, fixed.I(panel.Dx()-4*creditPad))
	w := t.measure(credit).Ceil()
	box := image.Rect(panel.Max.X-w-2*creditPad, panel.Max.Y-creditSize-2*creditPad, panel.Max.X, panel.Max.Y)
	xdraw.Draw(dst, box, image.NewUniform(color.RGBA{0, 0, 0, 0x99}), image.Point{}, xdraw.Over)
	// The baseline leaves room for descenders inside the box.
	t.draw(dst, color.RGBA{0xff, 0xff, 0xff, 0xff}, box.Min.X+creditPad, box.Max.Y-creditPad-creditSize/5, credit)
}

// face makes a face of f at size. Faces keep glyph buffers and are not
// safe for concurrent use, so each card makes its own; making one is cheap.
func (r *Renderer) face(f *opentype.Font, size int) *textFace {
	if f == nil { // the fonts did not parse: Render has said so
		return &textFace{face: basicfont.Face7x13, size: 13}
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(size), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		// Only invalid options fail, and these are constants; a plain
		// face is still better than no card.
		return &textFace{face: basicfont.Face7x13, size: 13, emoji: r.faces().emoji}
	}
	return &textFace{face: face, size: size, emoji: r.faces().emoji}
}

// textColors picks white text on a dark brand colour and near-black on a
// light one, and a muted variant of it.
func textColors(bg color.RGBA) (fg, muted color.RGBA) {
	lum := (299*int(bg.R) + 587*int(bg.G) + 114*int(bg.B)) / 1000
	if lum < 150 {
		return color.RGBA{0xff, 0xff, 0xff, 0xff}, color.RGBA{0xe6, 0xe6, 0xe6, 0xff}
	}
	return color.RGBA{0x11, 0x11, 0x11, 0xff}, color.RGBA{0x33, 0x33, 0x33, 0xff}
}

// drawCover scales photo to cover rect, cropping the overflow around the
// centre.
func drawCover(dst *image.RGBA, rect image.Rectangle, photo image.Image) {
	sb := photo.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	rw, rh := rect.Dx(), rect.Dy()
	// Crop the source to the panel's aspect ratio.
	if sw*rh > sh*rw { // source is wider
		cw := sh * rw / rh
		sb.Min.X += (sw - cw) / 2
		sb.Max.X = sb.Min.X + cw
	} else {
		ch := sw * rh / rw
		sb.Min.Y += (sh - ch) / 2
		sb.Max.Y = sb.Min.Y + ch
	}
	xdraw.ApproxBiLinear.Scale(dst, rect, photo, sb, xdraw.Src, nil)
}

const ellipsis = "…"

// wrap breaks s into at most maxLines lines no wider than maxW, breaking
// between words, inside a word only when the word alone is too wide, and
// ending the last line with "…" when text is left over; cut reports that.
func wrap(face *textFace, s string, maxW fixed.Int26_6, maxLines int) (lines []string, cut bool) {
	words := strings.Fields(s)
	lines = make([]string, 0, maxLines)
	var cur strings.Builder
	space := face.measure(" ")
	curW := fixed.Int26_6(0)
	for i := 0; i < len(words); i++ {
		w := words[i]
		ww := face.measure(w)
		if cur.Len() > 0 && curW+space+ww <= maxW {
			cur.WriteByte(' ')
			cur.WriteString(w)
			curW += space + ww
			continue
		}
		if cur.Len() > 0 {
			lines = append(lines, cur.String())
			cur.Reset()
			curW = 0
			if len(lines) == maxLines {
				lines[maxLines-1] = ellipsize(face, lines[maxLines-1]+" "+strings.Join(words[i:], " "), maxW)
				return lines, true
			}
		}
		if ww > maxW {
			// One word wider than the line: break it by characters.
			head, tail := splitWidth(face, w, maxW)
			words[i] = tail
			i--
			w, ww = head, face.measure(head)
		}
		cur.WriteString(w)
		curW = ww
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines, false
}

// splitWidth cuts w after as many characters as fit maxW (at least one).
func splitWidth(face *textFace, w string, maxW fixed.Int26_6) (head, tail string) {
	end := 0
	for i, r := range w {
		next := i + utf8.RuneLen(r)
		if end > 0 && face.measure(w[:next]) > maxW {
			break
		}
		end = next
	}
	return w[:end], w[end:]
}

// ellipsize shortens s word by word until it and "…" fit maxW.
func ellipsize(face *textFace, s string, maxW fixed.Int26_6) string {
	for {
		if face.measure(s+ellipsis) <= maxW {
			return s + ellipsis
		}
		if i := strings.LastIndexByte(s, ' '); i > 0 {
			s = strings.TrimRight(s[:i], " ,;:-–—")
			continue
		}
		// A single word: drop characters.
		_, size := utf8.DecodeLastRuneInString(s)
		if size == 0 || size >= len(s) {
			return ellipsis
		}
		s = s[:len(s)-size]
	}
}

// fitLine is s when it fits maxW and s ellipsised otherwise.
func fitLine(face *textFace, s string, maxW fixed.Int26_6) string {
	if face.measure(s) <= maxW {
		return s
	}
	return ellipsize(face, s, maxW)
}

var months = [...]string{"януари", "февруари", "март", "април", "май", "юни", "юли",
	"август", "септември", "октомври", "ноември", "декември"}

// FormatDate writes t as a Bulgarian date: "18 декември 2025".
func FormatDate(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// encoderPool reuses the PNG encoder's buffers between cards.
type encoderPool struct{ p sync.Pool }

func (e *encoderPool) Get() *png.EncoderBuffer {
	b, _ := e.p.Get().(*png.EncoderBuffer)
	return b
}

func (e *encoderPool) Put(b *png.EncoderBuffer) { e.p.Put(b) }
