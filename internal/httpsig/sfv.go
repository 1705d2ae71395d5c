package httpsig

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The subset of RFC 8941 Structured Field Values that RFC 9421 and
// RFC 9530 headers use: dictionaries whose members are items or inner
// lists, items with parameters, and the bare types string, token,
// integer, boolean and byte sequence. Decimals are refused: no
// signature, digest or component parameter uses one.

// sfItem is a bare item: string (also a token, with token set), int64,
// bool or []byte.
type sfItem struct {
	value any
	token bool
}

// sfParam is one parameter, in order.
type sfParam struct {
	name string
	item sfItem
}

type sfParams []sfParam

func (ps sfParams) get(name string) (sfItem, bool) {
	for _, p := range ps {
		if p.name == name {
			return p.item, true
		}
	}
	return sfItem{}, false
}

// sfMember is one dictionary member: an item, or an inner list when
// list is not nil.
type sfMember struct {
	name   string
	item   sfItem
	list   []sfInner
	inner  bool
	params sfParams
}

// sfInner is one item of an inner list.
type sfInner struct {
	item   sfItem
	params sfParams
}

var errSF = errors.New("not a structured field")

// sfParser reads one field value; i is the next byte.
type sfParser struct {
	s string
	i int
}

func (p *sfParser) eof() bool { return p.i >= len(p.s) }

func (p *sfParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.i]
}

func (p *sfParser) skipSP() {
	for !p.eof() && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *sfParser) skipOWS() {
	for !p.eof() && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// parseDictionary reads an RFC 8941 dictionary (section 4.2.2); a later
// member of the same name replaces an earlier one, as the RFC says, but
// keeps its place.
func parseDictionary(s string) ([]sfMember, error) {
	p := &sfParser{s: s}
	p.skipSP()
	var out []sfMember
	for !p.eof() {
		name, err := p.key()
		if err != nil {
			return nil, err
		}
		m := sfMember{name: name, item: sfItem{value: true}}
		if p.peek() == '=' {
			p.i++
			if p.peek() == '(' {
				m.list, err = p.innerList()
				m.inner = true
			} else {
				m.item, err = p.bareItem()
			}
			if err != nil {
				return nil, err
			}
		}
		if m.params, err = p.parameters(); err != nil {
			return nil, err
		}
		replaced := false
		for i := range out {
			if out[i].name == name {
				out[i], replaced = m, true
			}
		}
		if !replaced {
			out = append(out, m)
		}
		p.skipOWS()
		if p.eof() {
			break
		}
		if p.peek() != ',' {
			return nil, fmt.Errorf("%w: expected a comma at byte %d", errSF, p.i)
		}
		p.i++
		p.skipOWS()
		if p.eof() {
			return nil, fmt.Errorf("%w: trailing comma", errSF)
		}
	}
	return out, nil
}

func (p *sfParser) innerList() ([]sfInner, error) {
	p.i++ // (
	list := []sfInner{}
	for !p.eof() {
		p.skipSP()
		if p.peek() == ')' {
			p.i++
			return list, nil
		}
		it, err := p.bareItem()
		if err != nil {
			return nil, err
		}
		ps, err := p.parameters()
		if err != nil {
			return nil, err
		}
		list = append(list, sfInner{item: it, params: ps})
		if c := p.peek(); c != ' ' && c != ')' {
			return nil, fmt.Errorf("%w: inner list item not followed by a space or ')'", errSF)
		}
	}
	return nil, fmt.Errorf("%w: inner list not closed", errSF)
}

func (p *sfParser) parameters() (sfParams, error) {
	var ps sfParams
	for p.peek() == ';' {
		p.i++
		p.skipSP()
		name, err := p.key()
		if err != nil {
			return nil, err
		}
		it := sfItem{value: true}
		if p.peek() == '=' {
			p.i++
			if it, err = p.bareItem(); err != nil {
				return nil, err
			}
		}
		replaced := false
		for i := range ps {
			if ps[i].name == name {
				ps[i].item, replaced = it, true
			}
		}
		if !replaced {
			ps = append(ps, sfParam{name: name, item: it})
		}
	}
	return ps, nil
}

func (p *sfParser) key() (string, error) {
	start := p.i
	if c := p.peek(); !(c >= 'a' && c <= 'z' || c == '*') {
		return "", fmt.Errorf("%w: a key must start with a-z or '*' at byte %d", errSF, p.i)
	}
	for !p.eof() {
		c := p.s[p.i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '*' {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i], nil
}

func (p *sfParser) bareItem() (sfItem, error) {
	c := p.peek()
	switch {
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		if c == '-' {
			p.i++
		}
		for !p.eof() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		if p.peek() == '.' {
			return sfItem{}, fmt.Errorf("%w: decimals are not used here", errSF)
		}
		digits := p.s[start:p.i]
		if len(strings.TrimPrefix(digits, "-")) == 0 || len(strings.TrimPrefix(digits, "-")) > 15 {
			return sfItem{}, fmt.Errorf("%w: integer %q", errSF, digits)
		}
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			return sfItem{}, fmt.Errorf("%w: integer %q", errSF, digits)
		}
		return sfItem{value: n}, nil
	case c == '"':
		p.i++
		var b strings.Builder
		for !p.eof() {
			c := p.s[p.i]
			p.i++
			switch {
			case c == '\\':
				if p.eof() || p.s[p.i] != '"' && p.s[p.i] != '\\' {
					return sfItem{}, fmt.Errorf("%w: bad escape in a string", errSF)
				}
				b.WriteByte(p.s[p.i])
				p.i++
			case c == '"':
				return sfItem{value: b.String()}, nil
			case c < 0x20 || c > 0x7e:
				return sfItem{}, fmt.Errorf("%w: a string holds a byte outside ASCII", errSF)
			default:
				b.WriteByte(c)
			}
		}
		return sfItem{}, fmt.Errorf("%w: string not closed", errSF)
	case c == ':':
		p.i++
		end := strings.IndexByte(p.s[p.i:], ':')
		if end < 0 {
			return sfItem{}, fmt.Errorf("%w: byte sequence not closed", errSF)
		}
		raw := p.s[p.i : p.i+end]
		p.i += end + 1
		b, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			// Senders may leave the padding out (RFC 8941 4.2.7).
			if b, err = base64.RawStdEncoding.DecodeString(raw); err != nil {
				return sfItem{}, fmt.Errorf("%w: byte sequence is not base64", errSF)
			}
		}
		return sfItem{value: b}, nil
	case c == '?':
		p.i++
		switch p.peek() {
		case '1':
			p.i++
			return sfItem{value: true}, nil
		case '0':
			p.i++
			return sfItem{value: false}, nil
		}
		return sfItem{}, fmt.Errorf("%w: boolean", errSF)
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '*':
		start := p.i
		for !p.eof() {
			c := p.s[p.i]
			if c > ' ' && c < 0x7f && !strings.ContainsRune(`"(),;<=>?@[\]{}`, rune(c)) || c == ':' || c == '/' {
				p.i++
				continue
			}
			break
		}
		return sfItem{value: p.s[start:p.i], token: true}, nil
	}
	return sfItem{}, fmt.Errorf("%w: unexpected %q at byte %d", errSF, c, p.i)
}

// serialize writes the item as RFC 8941 section 4.1 does.
func (it sfItem) serialize(b *strings.Builder) {
	switch v := it.value.(type) {
	case string:
		if it.token {
			b.WriteString(v)
			return
		}
		b.WriteByte('"')
		for i := 0; i < len(v); i++ {
			if v[i] == '"' || v[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(v[i])
		}
		b.WriteByte('"')
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case bool:
		if v {
			b.WriteString("?1")
		} else {
			b.WriteString("?0")
		}
	case []byte:
		b.WriteByte(':')
		b.WriteString(base64.StdEncoding.EncodeToString(v))
		b.WriteByte(':')
	}
}

// serializeInner writes list as an RFC 8941 inner list, without its
// parameters: "(" the items with theirs, space-separated, ")".
func serializeInner(b *strings.Builder, list []sfInner) {
	b.WriteByte('(')
	for i, it := range list {
		if i > 0 {
			b.WriteByte(' ')
		}
		it.item.serialize(b)
		it.params.serialize(b)
	}
	b.WriteByte(')')
}

func (ps sfParams) serialize(b *strings.Builder) {
	for _, p := range ps {
		b.WriteByte(';')
		b.WriteString(p.name)
		if v, ok := p.item.value.(bool); ok && v {
			continue
		}
		b.WriteByte('=')
		p.item.serialize(b)
	}
}
