package ssr

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The lexer turns JavaScript source into tokens for the parser. Like esbuild's, it is driven by the
// parser for the two context-dependent tokens: a '/' is lexed as division and the parser asks for a
// rescan as a regular expression where an expression starts, and a '}' that closes a template
// substitution is rescanned as the template's continuation.

type tokKind uint8

const (
	tEOF          tokKind = iota
	tName                 // identifier or keyword
	tPrivate              // #name
	tString               // '...' or "..."
	tNumber               // numeric or bigint literal
	tRegex                // /.../flags (after rescanRegex)
	tTemplate             // `...` without substitutions, or the tail }...`
	tTemplateHead         // `...${ or the middle }...${
	tPunct                // punctuator; val holds its text
)

type token struct {
	kind       tokKind
	nl         bool // a line terminator comes between the previous token and this one
	escaped    bool // an identifier written with \u escapes (so never a keyword)
	start, end int
	val        string // identifier name (escapes decoded) or punctuator text
}

type lexer struct {
	src string
	pos int
	tok token
}

// syntaxError is raised (as a panic, recovered by Transform) on input the parser cannot read.
type syntaxError struct {
	pos int
	msg string
}

func (l *lexer) fail(pos int, msg string) {
	panic(&syntaxError{pos, msg})
}

func isLineTerm(r rune) bool { return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 }

func isIDStartASCII(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

func isIDPartASCII(c byte) bool { return isIDStartASCII(c) || c >= '0' && c <= '9' }

func isIDStartRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isIDStartASCII(byte(r))
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIDPartRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isIDPartASCII(byte(r))
	}
	return isIDStartRune(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc) ||
		unicode.Is(unicode.Other_ID_Continue, r) || r == 0x200C || r == 0x200D
}

// skipSpace skips whitespace and comments and reports whether a line terminator was crossed.
func (l *lexer) skipSpace() bool {
	nl := false
	src := l.src
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\v' || c == '\f':
			l.pos++
		case c == '\n' || c == '\r':
			nl = true
			l.pos++
		case c == '/' && l.pos+1 < len(src) && src[l.pos+1] == '/':
			l.pos += 2
			for l.pos < len(src) {
				r, n := rune(src[l.pos]), 1
				if r >= utf8.RuneSelf {
					r, n = utf8.DecodeRuneInString(src[l.pos:])
				}
				if isLineTerm(r) {
					break
				}
				l.pos += n
			}
		case c == '/' && l.pos+1 < len(src) && src[l.pos+1] == '*':
			start := l.pos
			end := strings.Index(src[l.pos+2:], "*/")
			if end < 0 {
				l.fail(start, "unterminated comment")
			}
			body := src[l.pos+2 : l.pos+2+end]
			if strings.ContainsAny(body, "\n\r\u2028\u2029") {
				nl = true
			}
			l.pos += end + 4
		case c < utf8.RuneSelf:
			return nl
		default:
			r, n := utf8.DecodeRuneInString(src[l.pos:])
			if r == 0x2028 || r == 0x2029 {
				nl = true
			} else if !(r == 0xFEFF || r == 0xA0 || unicode.Is(unicode.Zs, r)) {
				return nl
			}
			l.pos += n
		}
	}
	return nl
}

// next lexes the token after the current one into l.tok.
func (l *lexer) next() {
	nl := l.skipSpace()
	src := l.src
	start := l.pos
	l.tok = token{nl: nl, start: start}
	if l.pos >= len(src) {
		l.tok.kind = tEOF
		l.tok.end = l.pos
		return
	}
	c := src[l.pos]
	switch {
	case isIDStartASCII(c) || c == '\\' || c >= utf8.RuneSelf:
		name, escaped := l.readName()
		l.tok.kind, l.tok.val, l.tok.escaped = tName, name, escaped
	case c >= '0' && c <= '9' || c == '.' && l.pos+1 < len(src) && src[l.pos+1] >= '0' && src[l.pos+1] <= '9':
		l.readNumber()
		l.tok.kind = tNumber
	case c == '"' || c == '\'':
		l.readString(c)
		l.tok.kind = tString
	case c == '`':
		l.pos++
		l.readTemplate()
	case c == '#':
		l.pos++
		if l.pos < len(src) && (isIDStartASCII(src[l.pos]) || src[l.pos] == '\\' || src[l.pos] >= utf8.RuneSelf) {
			name, _ := l.readName()
			l.tok.kind, l.tok.val = tPrivate, "#"+name
		} else if start == 0 && l.pos < len(src) && src[l.pos] == '!' {
			l.fail(start, "hashbang not at the start of the file")
		} else {
			l.fail(start, "unexpected character '#'")
		}
	default:
		l.tok.kind = tPunct
		l.tok.val = l.readPunct()
	}
	l.tok.end = l.pos
}

func (l *lexer) readName() (string, bool) {
	src := l.src
	start := l.pos
	escaped := false
	first := true
	for l.pos < len(src) {
		c := src[l.pos]
		if c < utf8.RuneSelf {
			if c == '\\' {
				escaped = true
				if l.pos+1 >= len(src) || src[l.pos+1] != 'u' {
					l.fail(l.pos, "invalid escape in identifier")
				}
				_, n := readUnicodeEscape(src, l.pos+2)
				if n < 0 {
					l.fail(l.pos, "invalid escape in identifier")
				}
				l.pos += 2 + n
			} else if first && isIDStartASCII(c) || !first && isIDPartASCII(c) {
				l.pos++
			} else {
				break
			}
		} else {
			r, n := utf8.DecodeRuneInString(src[l.pos:])
			if first && !isIDStartRune(r) {
				l.fail(l.pos, "unexpected character "+strconv.QuoteRune(r))
			}
			if !isIDPartRune(r) {
				break
			}
			l.pos += n
		}
		first = false
	}
	raw := src[start:l.pos]
	if !escaped {
		return raw, false
	}
	var b strings.Builder
	for i := 0; i < len(raw); {
		if raw[i] == '\\' {
			r, n := readUnicodeEscape(raw, i+2)
			b.WriteRune(r)
			i += 2 + n
		} else {
			b.WriteByte(raw[i])
			i++
		}
	}
	return b.String(), true
}

// readUnicodeEscape reads the XXXX or {X...} part of a \u escape at s[i:], returning the rune and the
// number of bytes read, or n < 0 when malformed.
func readUnicodeEscape(s string, i int) (rune, int) {
	if i < len(s) && s[i] == '{' {
		end := strings.IndexByte(s[i:], '}')
		if end < 2 {
			return 0, -1
		}
		v, err := strconv.ParseUint(s[i+1:i+end], 16, 32)
		if err != nil || v > unicode.MaxRune {
			return 0, -1
		}
		return rune(v), end + 1
	}
	if i+4 > len(s) {
		return 0, -1
	}
	v, err := strconv.ParseUint(s[i:i+4], 16, 32)
	if err != nil {
		return 0, -1
	}
	return rune(v), 4
}

func (l *lexer) readNumber() {
	src := l.src
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' || c == '_' }
	if src[l.pos] == '0' && l.pos+1 < len(src) && strings.IndexByte("xXoObB", src[l.pos+1]) >= 0 {
		l.pos += 2
		for l.pos < len(src) && (isIDPartASCII(src[l.pos])) {
			l.pos++
		}
		return
	}
	for l.pos < len(src) && isDigit(src[l.pos]) {
		l.pos++
	}
	if l.pos < len(src) && src[l.pos] == '.' {
		l.pos++
		for l.pos < len(src) && isDigit(src[l.pos]) {
			l.pos++
		}
	}
	if l.pos < len(src) && (src[l.pos] == 'e' || src[l.pos] == 'E') {
		l.pos++
		if l.pos < len(src) && (src[l.pos] == '+' || src[l.pos] == '-') {
			l.pos++
		}
		for l.pos < len(src) && isDigit(src[l.pos]) {
			l.pos++
		}
	}
	if l.pos < len(src) && src[l.pos] == 'n' {
		l.pos++
	}
	if l.pos < len(src) && (isIDStartASCII(src[l.pos]) || src[l.pos] >= '0' && src[l.pos] <= '9') {
		l.fail(l.pos, "identifier directly after number")
	}
}

func (l *lexer) readString(quote byte) {
	src := l.src
	start := l.pos
	l.pos++
	for {
		if l.pos >= len(src) {
			l.fail(start, "unterminated string literal")
		}
		c := src[l.pos]
		switch c {
		case quote:
			l.pos++
			return
		case '\\':
			l.pos += 2
			if l.pos-1 < len(src) && src[l.pos-1] == '\r' && l.pos < len(src) && src[l.pos] == '\n' {
				l.pos++
			}
		case '\n', '\r':
			l.fail(start, "unterminated string literal")
		default:
			l.pos++
		}
	}
}

// readTemplate reads template characters after ` or } up to and including ` or ${.
func (l *lexer) readTemplate() {
	src := l.src
	for {
		if l.pos >= len(src) {
			l.fail(l.tok.start, "unterminated template literal")
		}
		switch src[l.pos] {
		case '`':
			l.pos++
			l.tok.kind = tTemplate
			l.tok.end = l.pos
			return
		case '\\':
			l.pos += 2
		case '$':
			if l.pos+1 < len(src) && src[l.pos+1] == '{' {
				l.pos += 2
				l.tok.kind = tTemplateHead
				l.tok.end = l.pos
				return
			}
			l.pos++
		default:
			l.pos++
		}
	}
}

// rescanTemplate re-reads the current '}' token as the continuation of a template literal.
func (l *lexer) rescanTemplate() {
	l.pos = l.tok.start + 1
	l.readTemplate()
}

// rescanRegex re-reads the current '/' or '/=' token as a regular expression literal.
func (l *lexer) rescanRegex() {
	src := l.src
	l.pos = l.tok.start + 1
	inClass := false
	for {
		if l.pos >= len(src) {
			l.fail(l.tok.start, "unterminated regular expression")
		}
		c := src[l.pos]
		if c == '\n' || c == '\r' {
			l.fail(l.tok.start, "unterminated regular expression")
		}
		l.pos++
		if c == '\\' {
			if l.pos < len(src) && src[l.pos] != '\n' && src[l.pos] != '\r' {
				l.pos++
			}
		} else if c == '[' {
			inClass = true
		} else if c == ']' {
			inClass = false
		} else if c == '/' && !inClass {
			break
		}
	}
	for l.pos < len(src) && isIDPartASCII(src[l.pos]) {
		l.pos++
	}
	l.tok.kind = tRegex
	l.tok.end = l.pos
	l.tok.val = ""
}

var puncts3 = [...]string{">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??="}

func (l *lexer) readPunct() string {
	src := l.src[l.pos:]
	for _, p := range puncts3 {
		if strings.HasPrefix(src, p) {
			l.pos += len(p)
			return p
		}
	}
	if len(src) >= 2 {
		two := src[:2]
		switch two {
		case "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "++", "--", "+=", "-=", "*=", "/=", "%=",
			"&=", "|=", "^=", "<<", ">>", "**":
			l.pos += 2
			return two
		case "?.":
			// a?.5:1 is a conditional, not optional chaining.
			if len(src) < 3 || src[2] < '0' || src[2] > '9' {
				l.pos += 2
				return two
			}
		}
	}
	c := src[0]
	if strings.IndexByte("{}()[];,<>+-*/%&|^!~?:=.@", c) >= 0 {
		l.pos++
		return src[:1]
	}
	r, _ := utf8.DecodeRuneInString(src)
	l.fail(l.pos, "unexpected character "+strconv.QuoteRune(r))
	return ""
}

// cookString decodes a string literal's source text (quotes included) to its value.
func cookString(raw string) string {
	body := raw[1 : len(raw)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 >= len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := body[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '0':
			b.WriteByte(0)
		case '\r':
			if i+1 < len(body) && body[i+1] == '\n' {
				i++
			}
		case '\n':
		case 'x':
			if i+2 < len(body) {
				if v, err := strconv.ParseUint(body[i+1:i+3], 16, 8); err == nil {
					b.WriteRune(rune(v))
					i += 2
					continue
				}
			}
			b.WriteByte(e)
		case 'u':
			r, n := readUnicodeEscape(body, i+1)
			if n < 0 {
				b.WriteByte(e)
				continue
			}
			// A surrogate pair written as two escapes.
			if r >= 0xD800 && r < 0xDC00 && i+1+n+1 < len(body) && body[i+1+n] == '\\' && body[i+2+n] == 'u' {
				if r2, n2 := readUnicodeEscape(body, i+3+n); n2 > 0 && r2 >= 0xDC00 && r2 < 0xE000 {
					b.WriteRune((r-0xD800)<<10 + (r2 - 0xDC00) + 0x10000)
					i += n + 2 + n2
					continue
				}
			}
			b.WriteRune(r)
			i += n
		default:
			if e >= utf8.RuneSelf {
				r, n := utf8.DecodeRuneInString(body[i:])
				if r != 0x2028 && r != 0x2029 {
					b.WriteString(body[i : i+n])
				}
				i += n - 1
				continue
			}
			b.WriteByte(e)
		}
	}
	return b.String()
}
