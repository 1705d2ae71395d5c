package wpcontent

import (
	"fmt"
	"regexp"
	"strings"
)

// allBlocks are wpautop's block-level elements.
const allBlocks = `(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)`

var (
	autopPre          = regexp.MustCompile(`(?s)<pre[\s\S]*?</pre>`)
	autopDoubleBr     = regexp.MustCompile(`<br\s*/?>\s*<br\s*/?>`)
	autopBlockOpen    = regexp.MustCompile(`(<` + allBlocks + `[\s/>])`)
	autopBlockClose   = regexp.MustCompile(`(</` + allBlocks + `>)`)
	autopHr           = regexp.MustCompile(`(<hr\s*?/?>)`)
	autopTags         = regexp.MustCompile(`<!--[\s\S]*?-->|<[^>]*>`)
	autopOption1      = regexp.MustCompile(`\s*<option`)
	autopOption2      = regexp.MustCompile(`</option>\s*`)
	autopObject1      = regexp.MustCompile(`(<object[^>]*>)\s*`)
	autopObject2      = regexp.MustCompile(`\s*</object>`)
	autopObject3      = regexp.MustCompile(`\s*(</?(?:param|embed)[^>]*>)\s*`)
	autopMedia1       = regexp.MustCompile(`([<\[](?:audio|video)[^>\]]*[>\]])\s*`)
	autopMedia2       = regexp.MustCompile(`\s*([<\[]/(?:audio|video)[>\]])`)
	autopMedia3       = regexp.MustCompile(`\s*(<(?:source|track)[^>]*>)\s*`)
	autopFigcap1      = regexp.MustCompile(`\s*(<figcaption[^>]*>)`)
	autopFigcap2      = regexp.MustCompile(`</figcaption>\s*`)
	autopManyNL       = regexp.MustCompile(`\n\n+`)
	autopSplit        = regexp.MustCompile(`\n\s*\n`)
	autopEmptyP       = regexp.MustCompile(`<p>\s*</p>`)
	autopCloseInDiv   = regexp.MustCompile(`<p>([^<]+)</(div|address|form)>`)
	autopUnwrapBlock  = regexp.MustCompile(`<p>\s*(</?` + allBlocks + `[^>]*>)\s*</p>`)
	autopLi           = regexp.MustCompile(`<p>(<li.+?)</p>`)
	autopBlockquote   = regexp.MustCompile(`(?i)<p><blockquote([^>]*)>`)
	autopPBeforeBlock = regexp.MustCompile(`<p>\s*(</?` + allBlocks + `[^>]*>)`)
	autopPreserve     = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<svg.*?</svg>`)
	blockTagOnly      = regexp.MustCompile(`^</?` + allBlocks + `[^>]*>$`)
	autopBrBefore     = regexp.MustCompile(`<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)`)
	autopTrailNL      = regexp.MustCompile(`\n</p>$`)
)

// Autop is WordPress's wpautop with line breaks: double line breaks make
// paragraphs, single ones <br />, never inside pre, script, style or svg,
// nor around block-level elements.
func Autop(text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	text += "\n"
	var preTags []string
	if strings.Contains(text, "<pre") {
		text = autopPre.ReplaceAllStringFunc(text, func(m string) string {
			preTags = append(preTags, m)
			return fmt.Sprintf(`<pre wp-pre-tag-%d></pre>`, len(preTags)-1)
		})
	}
	text = autopDoubleBr.ReplaceAllString(text, "\n\n")
	text = autopBlockOpen.ReplaceAllString(text, "\n\n$1")
	text = autopBlockClose.ReplaceAllString(text, "$1\n\n")
	text = autopHr.ReplaceAllString(text, "$1\n\n")
	text = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(text)
	text = autopTags.ReplaceAllStringFunc(text, func(m string) string {
		return strings.ReplaceAll(m, "\n", " <!-- wpnl --> ")
	})
	if strings.Contains(text, "<option") {
		text = autopOption1.ReplaceAllString(text, "<option")
		text = autopOption2.ReplaceAllString(text, "</option>")
	}
	if strings.Contains(text, "</object>") {
		text = autopObject1.ReplaceAllString(text, "$1")
		text = autopObject2.ReplaceAllString(text, "</object>")
		text = autopObject3.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<source") || strings.Contains(text, "<track") {
		text = autopMedia1.ReplaceAllString(text, "$1")
		text = autopMedia2.ReplaceAllString(text, "$1")
		text = autopMedia3.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<figcaption") {
		text = autopFigcap1.ReplaceAllString(text, "$1")
		text = autopFigcap2.ReplaceAllString(text, "</figcaption>")
	}
	text = autopManyNL.ReplaceAllString(text, "\n\n")
	var b strings.Builder
	for _, para := range autopSplit.Split(text, -1) {
		if para == "" {
			continue
		}
		b.WriteString("<p>" + strings.Trim(para, "\n") + "</p>\n")
	}
	text = b.String()
	text = autopEmptyP.ReplaceAllString(text, "")
	if strings.Contains(text, "</div>") || strings.Contains(text, "</address>") || strings.Contains(text, "</form>") {
		text = autopCloseInDiv.ReplaceAllString(text, "<p>$1</p></$2>")
	}
	text = autopUnwrapBlock.ReplaceAllString(text, "$1")
	text = autopLi.ReplaceAllString(text, "$1")
	text = autopBlockquote.ReplaceAllString(text, "<blockquote$1><p>")
	text = strings.ReplaceAll(text, "</blockquote></p>", "</p></blockquote>")
	text = autopPBeforeBlock.ReplaceAllString(text, "$1")
	text = afterBlock(text, "</p>")
	text = autopPreserve.ReplaceAllStringFunc(text, func(m string) string {
		return strings.ReplaceAll(m, "\n", "<WPPreserveNewline />")
	})
	text = strings.NewReplacer("<br>", "<br />", "<br/>", "<br />").Replace(text)
	text = lineBreaks(text)
	text = strings.ReplaceAll(text, "<WPPreserveNewline />", "\n")
	text = afterBlock(text, "<br />")
	text = autopBrBefore.ReplaceAllString(text, "$1")
	text = autopTrailNL.ReplaceAllString(text, "</p>")
	for i, pre := range preTags {
		text = strings.Replace(text, fmt.Sprintf(`<pre wp-pre-tag-%d></pre>`, i), pre, 1)
	}
	if strings.Contains(text, "<!-- wpnl -->") {
		text = strings.NewReplacer(" <!-- wpnl --> ", "\n", "<!-- wpnl -->", "\n").Replace(text)
	}
	return text
}

// afterBlock is preg_replace('!(</?BLOCKS[^>]*>)\s*TOKEN!', '$1'): token
// dropped, with the white space before it, where a block-level tag ends
// just before. A scan from each token back, instead of the expression,
// which Go's regexp runs slowly from every "<".
func afterBlock(text, token string) string {
	if !strings.Contains(text, token) {
		return text
	}
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(text[i:], token)
		if j < 0 {
			break
		}
		at := i + j
		k := at
		for k > last && isSpace(text[k-1]) {
			k--
		}
		if k > last && text[k-1] == '>' {
			lt := strings.LastIndexByte(text[last:k], '<')
			if lt >= 0 && blockTagOnly.MatchString(text[last+lt:k]) {
				b.WriteString(text[last:k])
				last = at + len(token)
			}
		}
		i = at + len(token)
	}
	b.WriteString(text[last:])
	return b.String()
}

// lineBreaks is preg_replace('|(?<!<br />)\s*\n|', "<br />\n"): every
// run of white space ending in a newline and not preceded by <br />
// becomes "<br />\n".
func lineBreaks(text string) string {
	var b strings.Builder
	i := 0
	for i < len(text) {
		c := text[i]
		if !isSpace(c) || strings.HasSuffix(text[:i], "<br />") {
			b.WriteByte(c)
			i++
			continue
		}
		j := i
		for j < len(text) && isSpace(text[j]) {
			j++
		}
		nl := strings.LastIndexByte(text[i:j], '\n')
		if nl < 0 {
			b.WriteString(text[i:j])
			i = j
			continue
		}
		b.WriteString("<br />\n")
		i += nl + 1
	}
	return b.String()
}

// isSpace is PCRE's \s.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
