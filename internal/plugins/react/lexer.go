package react

import (
	"fmt"
	"strings"
)

// This file is a small JavaScript tokenizer. The Fast Refresh transform reads esbuild's output (plain
// JavaScript), so it only has to tell identifiers, punctuators, strings, template literals, regular
// expressions, numbers and comments apart, and pair brackets, to find functions, their bodies and the
// hook calls in them without being fooled by text inside strings, comments or regular expressions.

type tokKind uint8

const (
	tIdent    tokKind = iota // identifiers and keywords (also #private names)
	tPunct                   // operators and brackets
	tString                  // '…' and "…"
	tTemplate                // a whole template literal, substitutions included
	tRegex                   // /…/flags
	tNumber
)

type token struct {
	kind       tokKind
	start, end int // byte offsets into the source
}

// tokens is a tokenized source with its bracket pairs.
type tokens struct {
	src  string
	toks []token
	// match[i] is the index of the bracket that closes (or opens) the bracket at i; -1 elsewhere.
	match []int
}

func (ts *tokens) text(i int) string {
	if i < 0 || i >= len(ts.toks) {
		return ""
	}
	return ts.src[ts.toks[i].start:ts.toks[i].end]
}

// is reports whether token i is the identifier or punctuator s (never a string with that content).
func (ts *tokens) is(i int, s string) bool {
	if i < 0 || i >= len(ts.toks) {
		return false
	}
	k := ts.toks[i].kind
	return (k == tIdent || k == tPunct) && ts.src[ts.toks[i].start:ts.toks[i].end] == s
}

func (ts *tokens) isIdent(i int) bool {
	return i >= 0 && i < len(ts.toks) && ts.toks[i].kind == tIdent
}

// next returns the index after token i, skipping a whole bracket group, or a whole template literal
// when i starts one.
func (ts *tokens) next(i int) int {
	m := ts.match[i]
	if m <= i {
		return i + 1
	}
	for ts.toks[m].kind == tTemplate && ts.match[m] > m {
		m = ts.match[m]
	}
	return m + 1
}

// span returns the source from the start of token a to the end of token b (inclusive).
func (ts *tokens) span(a, b int) string {
	if a > b || a < 0 || b >= len(ts.toks) {
		return ""
	}
	return ts.src[ts.toks[a].start:ts.toks[b].end]
}

// puncts are the punctuators, longest first so that the first match is the longest one.
var puncts = []string{
	">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
	"=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=",
	"&=", "|=", "^=", "<<", ">>", "**",
	"{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^", "!", "~",
	"?", ":", "=", ".", "@",
}

// punctsByFirst lists puncts by their first byte, keeping the longest-first order: the lexer tries
// only the few that can match rather than all of them.
var punctsByFirst = func() (t [256][]string) {
	for _, p := range puncts {
		t[p[0]] = append(t[p[0]], p)
	}
	return t
}()

// Keywords after which a "/" starts a regular expression rather than a division.
var regexAfterKeyword = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true, "new": true,
	"delete": true, "void": true, "throw": true, "case": true, "do": true, "else": true,
	"yield": true, "await": true, "extends": true,
}

// Keywords whose parenthesised part is a condition: a ")" closing it may be followed by a statement
// (so by a regular expression), and a "{" after it opens a block.
var conditionKeyword = map[string]bool{"if": true, "while": true, "for": true, "with": true, "switch": true, "catch": true}

type openKind uint8

const (
	openOther     openKind = iota // ( [ and object-literal {
	openBlock                     // a { that opens a block or a body
	openCondition                 // the ( of if/while/for/with/switch/catch
	openTemplate                  // ${ in a template literal
)

type lexError struct {
	off int
	msg string
}

func (e *lexError) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.msg) }

func isIDStart(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 || c == '\\'
}

func isIDPart(c byte) bool { return isIDStart(c) || (c >= '0' && c <= '9') }

// tokenize splits src into tokens and pairs its brackets.
func tokenize(src string) (*tokens, error) {
	// esbuild's output has about one token per four bytes.
	lx := &lexer{src: src, toks: make([]token, 0, len(src)/4+16)}
	if strings.HasPrefix(src, "#!") {
		for lx.pos < len(src) && src[lx.pos] != '\n' {
			lx.pos++
		}
	}
	if err := lx.run(); err != nil {
		return nil, err
	}
	ts := &tokens{src: src, toks: lx.toks, match: make([]int, len(lx.toks))}
	var stack []int
	for i := range lx.toks {
		ts.match[i] = -1
	}
	for i, t := range lx.toks {
		if t.kind == tTemplate {
			// A template part that continues after a substitution pairs with the part before it.
			text := src[t.start:t.end]
			if text[0] == '}' {
				if len(stack) == 0 || lx.toks[stack[len(stack)-1]].kind != tTemplate {
					return nil, &lexError{t.start, "unbalanced template substitution"}
				}
				open := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				ts.match[open] = i
				ts.match[i] = open
			}
			if strings.HasSuffix(text, "${") {
				stack = append(stack, i)
			}
			continue
		}
		if t.kind != tPunct || t.end-t.start != 1 {
			continue
		}
		switch src[t.start] {
		case '(', '[', '{':
			stack = append(stack, i)
		case ')', ']', '}':
			if len(stack) == 0 {
				return nil, &lexError{t.start, "unbalanced " + src[t.start:t.end]}
			}
			open := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if !pairs(src[lx.toks[open].start], src[t.start]) {
				return nil, &lexError{t.start, "mismatched " + src[t.start:t.end]}
			}
			ts.match[open] = i
			ts.match[i] = open
		}
	}
	if len(stack) > 0 {
		return nil, &lexError{lx.toks[stack[len(stack)-1]].start, "unclosed bracket"}
	}
	return ts, nil
}

// pairs reports whether the bracket close closes open.
func pairs(open, close byte) bool {
	return open == '(' && close == ')' || open == '[' && close == ']' || open == '{' && close == '}'
}

type lexer struct {
	src  string
	pos  int
	toks []token
	// opens remembers what every open bracket is, so that a "}" closing a block or a ")" closing a
	// condition may be followed by a regular expression, and a "}" closing a template substitution
	// resumes the template.
	opens []openKind
	// closedBlock is set when the last token is a "}" that closed a block, or a ")" that closed a
	// condition (if (…) /re/.test(x) is a statement).
	closedBlock bool
}

func (lx *lexer) last() (token, bool) {
	if len(lx.toks) == 0 {
		return token{}, false
	}
	return lx.toks[len(lx.toks)-1], true
}

func (lx *lexer) lastText() string {
	t, ok := lx.last()
	if !ok {
		return ""
	}
	return lx.src[t.start:t.end]
}

// regexAllowed tells whether a "/" here starts a regular expression.
func (lx *lexer) regexAllowed() bool {
	t, ok := lx.last()
	if !ok {
		return true
	}
	switch t.kind {
	case tIdent:
		return regexAfterKeyword[lx.src[t.start:t.end]] && !lx.afterDot(len(lx.toks)-1)
	case tPunct:
		switch lx.src[t.start:t.end] {
		case ")", "]", "}":
			return lx.closedBlock
		case "++", "--":
			return false // x++ / y
		}
		return true
	case tTemplate:
		return strings.HasSuffix(lx.src[t.start:t.end], "${") // `${/re/.source}`
	}
	return false
}

func (lx *lexer) afterDot(i int) bool {
	if i <= 0 {
		return false
	}
	p := lx.toks[i-1]
	s := lx.src[p.start:p.end]
	return p.kind == tPunct && (s == "." || s == "?.")
}

// braceOpensBlock tells whether a "{" here opens a block (or a function or class body) rather than an
// object literal.
func (lx *lexer) braceOpensBlock() bool {
	t, ok := lx.last()
	if !ok {
		return true
	}
	s := lx.src[t.start:t.end]
	switch t.kind {
	case tPunct:
		switch s {
		case ";", "{", "}", "=>":
			return true
		case ")":
			return true // if (…) {, function f() {, method() {
		}
		return false
	case tIdent:
		switch s {
		case "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case",
			"yield", "await":
			return false
		}
		// else {, try {, finally {, do {, class X {, class X extends Y {
		return true
	}
	return false
}

func (lx *lexer) push(kind tokKind, start int) {
	lx.toks = append(lx.toks, token{kind: kind, start: start, end: lx.pos})
	lx.closedBlock = false
}

func (lx *lexer) run() error {
	src := lx.src
	for lx.pos < len(src) {
		c := src[lx.pos]
		start := lx.pos
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			lx.pos++
		case c == '/' && lx.pos+1 < len(src) && src[lx.pos+1] == '/':
			for lx.pos < len(src) && src[lx.pos] != '\n' {
				lx.pos++
			}
		case c == '/' && lx.pos+1 < len(src) && src[lx.pos+1] == '*':
			end := strings.Index(src[lx.pos+2:], "*/")
			if end < 0 {
				return &lexError{start, "unterminated comment"}
			}
			lx.pos += 2 + end + 2
		case c == '\'' || c == '"':
			if err := lx.readString(c); err != nil {
				return err
			}
			lx.push(tString, start)
		case c == '`':
			lx.pos++
			if err := lx.readTemplate(); err != nil {
				return err
			}
			lx.push(tTemplate, start)
		case c == '}' && len(lx.opens) > 0 && lx.opens[len(lx.opens)-1] == openTemplate:
			lx.opens = lx.opens[:len(lx.opens)-1]
			lx.pos++
			if err := lx.readTemplate(); err != nil {
				return err
			}
			lx.push(tTemplate, start)
		case c == '/' && lx.regexAllowed():
			if err := lx.readRegex(); err != nil {
				return err
			}
			lx.push(tRegex, start)
		case c >= '0' && c <= '9' || (c == '.' && lx.pos+1 < len(src) && src[lx.pos+1] >= '0' && src[lx.pos+1] <= '9'):
			lx.readNumber()
			lx.push(tNumber, start)
		case isIDStart(c) || (c == '#' && lx.pos+1 < len(src) && isIDStart(src[lx.pos+1])):
			lx.pos++
			for lx.pos < len(src) && isIDPart(src[lx.pos]) {
				if src[lx.pos] == '\\' { // \u escape
					lx.pos++
				}
				lx.pos++
			}
			if lx.pos > len(src) {
				lx.pos = len(src)
			}
			lx.push(tIdent, start)
		default:
			p := ""
			for _, cand := range punctsByFirst[c] {
				if strings.HasPrefix(src[lx.pos:], cand) {
					p = cand
					break
				}
			}
			if p == "" {
				return &lexError{start, fmt.Sprintf("unexpected character %q", c)}
			}
			// "?." followed by a digit is a conditional operator and a number (a?.5:b).
			if p == "?." && lx.pos+2 < len(src) && src[lx.pos+2] >= '0' && src[lx.pos+2] <= '9' {
				p = "?"
			}
			closed := false
			switch p {
			case "{":
				k := openOther
				if lx.braceOpensBlock() {
					k = openBlock
				}
				lx.opens = append(lx.opens, k)
			case "(":
				// A condition's ")" may be followed by a statement.
				k := openOther
				if t, ok := lx.last(); ok && t.kind == tIdent && conditionKeyword[lx.src[t.start:t.end]] && !lx.afterDot(len(lx.toks)-1) {
					k = openCondition
				}
				lx.opens = append(lx.opens, k)
			case "[":
				lx.opens = append(lx.opens, openOther)
			case "}", ")", "]":
				if n := len(lx.opens); n > 0 {
					closed = lx.opens[n-1] == openBlock || lx.opens[n-1] == openCondition
					lx.opens = lx.opens[:n-1]
				}
			}
			lx.pos += len(p)
			lx.push(tPunct, start)
			lx.closedBlock = closed
		}
	}
	return nil
}

func (lx *lexer) readString(quote byte) error {
	start := lx.pos
	lx.pos++
	for lx.pos < len(lx.src) {
		switch lx.src[lx.pos] {
		case '\\':
			lx.pos += 2
			continue
		case quote:
			lx.pos++
			return nil
		case '\n':
			return &lexError{start, "unterminated string"}
		}
		lx.pos++
	}
	return &lexError{start, "unterminated string"}
}

// readTemplate reads template text after a backquote or after the "}" that closes a substitution, up to
// and including the closing backquote or the "${" that opens the next substitution (whose code the main
// loop then tokenizes).
func (lx *lexer) readTemplate() error {
	start := lx.pos - 1
	for lx.pos < len(lx.src) {
		switch lx.src[lx.pos] {
		case '\\':
			lx.pos += 2
			continue
		case '`':
			lx.pos++
			return nil
		case '$':
			if lx.pos+1 < len(lx.src) && lx.src[lx.pos+1] == '{' {
				lx.pos += 2
				lx.opens = append(lx.opens, openTemplate)
				return nil
			}
		}
		lx.pos++
	}
	return &lexError{start, "unterminated template literal"}
}

func (lx *lexer) readRegex() error {
	start := lx.pos
	lx.pos++
	inClass := false
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == '\\':
			lx.pos += 2
			continue
		case c == '\n':
			return &lexError{start, "unterminated regular expression"}
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == '/' && !inClass:
			lx.pos++
			for lx.pos < len(lx.src) && isIDPart(lx.src[lx.pos]) {
				lx.pos++
			}
			return nil
		}
		lx.pos++
	}
	return &lexError{start, "unterminated regular expression"}
}

func (lx *lexer) readNumber() {
	src := lx.src
	for lx.pos < len(src) {
		c := src[lx.pos]
		if isIDPart(c) || c == '.' {
			lx.pos++
			continue
		}
		// Exponent signs: 1e+5, 1E-5 (not in hex literals).
		if (c == '+' || c == '-') && lx.pos > 0 && (src[lx.pos-1] == 'e' || src[lx.pos-1] == 'E') &&
			!strings.HasPrefix(strings.ToLower(numberStart(src, lx.pos)), "0x") {
			lx.pos++
			continue
		}
		break
	}
}

// numberStart returns the number literal that ends just before pos.
func numberStart(src string, pos int) string {
	i := pos
	for i > 0 && (isIDPart(src[i-1]) || src[i-1] == '.') {
		i--
	}
	return src[i:pos]
}
