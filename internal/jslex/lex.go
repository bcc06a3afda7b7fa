// Package jslex finds the imports and exports of a JavaScript module with their byte offsets, the way
// es-module-lexer does for Vite: it tokenizes just enough of the language (strings, comments, template
// literals, regular expressions, brackets) to never mistake text inside them for an import.
//
// It reads plain JavaScript. TypeScript and JSX are first turned into JavaScript by esbuild, since JSX
// text such as <p>don't</p> cannot be tokenized as JavaScript.
package jslex

import (
	"fmt"
	"strings"
)

// Kind says what form an import has.
type Kind int

const (
	// Static is `import ... from "x"`, `import "x"` or `export ... from "x"`.
	Static Kind = iota
	// Dynamic is `import(expr)`.
	Dynamic
	// Meta is `import.meta`.
	Meta
)

// Import is one import found in a module. Offsets are byte offsets into the source.
type Import struct {
	Kind Kind
	// Start and End span the whole statement (Static), the whole `import(...)` call (Dynamic) or the
	// `import.meta` expression (Meta).
	Start, End int
	// SpecStart and SpecEnd span the specifier's string literal including its quotes (Static, and
	// Dynamic when the argument is a single string literal); -1 otherwise.
	SpecStart, SpecEnd int
	// Specifier is the literal's value, when there is one.
	Specifier string
	// ArgStart and ArgEnd span the argument(s) of a Dynamic import, without the parentheses.
	ArgStart, ArgEnd int
	// IsExport is set for `export ... from`.
	IsExport bool
	// HasBindings is false for a bare `import "x"`.
	HasBindings bool
}

// Result is what Parse found.
type Result struct {
	Imports []Import
	// Exports are the names the module exports ("default" included), in source order. `export *` is
	// not listed; see ExportStar.
	Exports    []string
	ExportStar bool
	// HasModuleSyntax is set when the source has import or export statements.
	HasModuleSyntax bool
	// Unbalanced is set for a bracket that is never closed or a closing one without its opener.
	// The lexer's regular-expression heuristic can miscount, so a caller that wants to report it
	// confirms it with a parser first.
	Unbalanced *Error
}

// Error is a lexing error with its position.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

type lexer struct {
	src string
	pos int
	res Result
	// lastTok is the kind of the last significant token, which tells whether a "/" starts a regular
	// expression or is a division.
	lastTok  tokKind
	lastWord string
	// braces tracks open brackets; a '}' that closes a template substitution resumes the template.
	braces []byte
	// parenKeyword remembers, for each open '(', whether it followed if/while/for, after which a "/"
	// starts a regular expression.
	parens []bool
	// lastParenKeyword is set when the last ')' closed a keyword condition.
	lastParenKeyword bool
	// stray is the offset of the first ')' or '}' without an opener, or -1.
	stray int
	// openAt are the offsets of the open '(' and '{' (parallel to parens and braces together, in
	// opening order), for the error on an unclosed one.
	openAt []int
}

type tokKind int

const (
	tokNone tokKind = iota
	tokWord
	tokNumber
	tokString
	tokTemplate
	tokRegex
	tokPunct    // operators and ( [ { , ; etc.
	tokClose    // ) ] }
	tokKeywordP // ) that closed if(...)/while(...)/for(...)
)

// Parse scans src.
func Parse(src string) (*Result, error) {
	l := &lexer{src: src, stray: -1}
	if err := l.run(); err != nil {
		return nil, err
	}
	switch {
	case l.stray >= 0:
		l.res.Unbalanced = &Error{Offset: l.stray, Msg: fmt.Sprintf("unexpected %q", l.src[l.stray])}
	case len(l.openAt) > 0:
		at := l.openAt[len(l.openAt)-1]
		l.res.Unbalanced = &Error{Offset: at, Msg: fmt.Sprintf("%q is never closed", l.src[at])}
	}
	return &l.res, nil
}

func (l *lexer) errorf(off int, format string, args ...any) error {
	return &Error{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func isIDStart(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isIDPart(c byte) bool { return isIDStart(c) || (c >= '0' && c <= '9') }

// keywords after which a "/" starts a regular expression.
var regexAfterWord = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true, "new": true, "delete": true,
	"void": true, "throw": true, "case": true, "do": true, "else": true, "yield": true, "await": true,
}

func (l *lexer) regexAllowed() bool {
	switch l.lastTok {
	case tokNone, tokPunct, tokKeywordP:
		return true
	case tokWord:
		return regexAfterWord[l.lastWord]
	case tokClose:
		return false
	}
	return false
}

func (l *lexer) run() error {
	for l.pos < len(l.src) {
		if err := l.runOnce(); err != nil {
			return err
		}
	}
	return nil
}

// runOnce reads one token.
func (l *lexer) runOnce() error {
	{
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.pos++
		case c == '/' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '/':
			l.skipLineComment()
		case c == '/' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '*':
			if err := l.skipBlockComment(); err != nil {
				return err
			}
		case c == '\'' || c == '"':
			if _, err := l.readString(); err != nil {
				return err
			}
			l.lastTok = tokString
		case c == '`':
			l.pos++
			if err := l.readTemplate(); err != nil {
				return err
			}
		case c == '/':
			if l.regexAllowed() {
				if err := l.readRegex(); err != nil {
					return err
				}
				l.lastTok = tokRegex
			} else {
				l.pos++
				l.lastTok = tokPunct
			}
		case c >= '0' && c <= '9' || (c == '.' && l.pos+1 < len(l.src) && l.src[l.pos+1] >= '0' && l.src[l.pos+1] <= '9'):
			l.readNumber()
		case isIDStart(c) || c == '\\':
			start := l.pos
			word := l.readWord()
			// A property name (a.import, a?.import) is never a keyword.
			prevDot := l.prevSignificantIs('.') && !l.prevIsSpread(start)
			if !prevDot && !l.inPropertyKey(start) {
				switch word {
				case "import":
					if err := l.readImport(start); err != nil {
						return err
					}
					return nil
				case "export":
					if len(l.braces) == 0 {
						if err := l.readExport(start); err != nil {
							return err
						}
						return nil
					}
				}
			}
			l.lastTok = tokWord
			l.lastWord = word
		case c == '(':
			l.parens = append(l.parens, l.lastTok == tokWord && (l.lastWord == "if" || l.lastWord == "while" || l.lastWord == "for" || l.lastWord == "with"))
			l.open(l.pos)
			l.pos++
			l.lastTok = tokPunct
		case c == ')':
			kw := false
			if n := len(l.parens); n > 0 {
				kw = l.parens[n-1]
				l.parens = l.parens[:n-1]
				l.close()
			} else if l.stray < 0 {
				l.stray = l.pos
			}
			l.pos++
			if kw {
				l.lastTok = tokKeywordP
			} else {
				l.lastTok = tokClose
			}
		case c == '{':
			// A block after ")" or "=>" or at statement start: a regex may follow the closing "}" of a
			// block, but not of an object literal. We treat "}" as closing a block (regex allowed) when
			// the "{" followed a ")" of a keyword, "=>" or ";"/"{"/"}" or nothing: the common cases.
			l.braces = append(l.braces, '{')
			l.open(l.pos)
			l.pos++
			l.lastTok = tokPunct
		case c == '}':
			n := len(l.braces)
			if n > 0 && l.braces[n-1] == '$' {
				// End of a template substitution: continue the template.
				l.braces = l.braces[:n-1]
				l.close()
				l.pos++
				if err := l.readTemplate(); err != nil {
					return err
				}
				return nil
			}
			if n > 0 {
				l.braces = l.braces[:n-1]
				l.close()
			} else if l.stray < 0 {
				l.stray = l.pos
			}
			l.pos++
			// After "}" a "/" is usually a regex at statement level (end of a block) and a division after
			// an object literal in an expression. Statement level is the common case in real code, but
			// division after "}" is rare either way; treat as punctuation (regex allowed).
			l.lastTok = tokPunct
		case c == ']':
			l.pos++
			l.lastTok = tokClose
		case c == '+' || c == '-':
			// "++" / "--" after an operand keep it an operand for the regex rule.
			if l.pos+1 < len(l.src) && l.src[l.pos+1] == c && (l.lastTok == tokWord || l.lastTok == tokClose || l.lastTok == tokNumber) {
				l.pos += 2
				return nil
			}
			l.pos++
			l.lastTok = tokPunct
		default:
			l.pos++
			l.lastTok = tokPunct
		}
	}
	return nil
}

// open and close keep openAt in step with parens and braces.
func (l *lexer) open(at int) { l.openAt = append(l.openAt, at) }

func (l *lexer) close() {
	if n := len(l.openAt); n > 0 {
		l.openAt = l.openAt[:n-1]
	}
}

func (l *lexer) skipLineComment() {
	i := strings.IndexAny(l.src[l.pos:], "\n\r\u2028")
	if i < 0 {
		l.pos = len(l.src)
		return
	}
	l.pos += i
}

func (l *lexer) skipBlockComment() error {
	i := strings.Index(l.src[l.pos+2:], "*/")
	if i < 0 {
		return l.errorf(l.pos, "unterminated comment")
	}
	l.pos += 2 + i + 2
	return nil
}

// skipSpace skips white space and comments.
func (l *lexer) skipSpace() error {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.pos++
		case c == '/' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '/':
			l.skipLineComment()
		case c == '/' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '*':
			if err := l.skipBlockComment(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

// readString reads a quoted string at l.pos and returns its value.
func (l *lexer) readString() (string, error) {
	start := l.pos
	quote := l.src[l.pos]
	l.pos++
	// Most strings have no escape: their value is a slice of the source, with nothing copied.
	for i := l.pos; i < len(l.src); i++ {
		c := l.src[i]
		if c == quote {
			l.pos = i + 1
			return l.src[start+1 : i], nil
		}
		if c == '\\' || c == '\n' || c == '\r' {
			break
		}
	}
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == quote:
			l.pos++
			return b.String(), nil
		case c == '\\':
			if l.pos+1 >= len(l.src) {
				return "", l.errorf(start, "unterminated string")
			}
			l.pos++
			e := l.src[l.pos]
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\n':
			case '\r':
				if l.pos+1 < len(l.src) && l.src[l.pos+1] == '\n' {
					l.pos++
				}
			default:
				b.WriteByte(e)
			}
			l.pos++
		case c == '\n' || c == '\r':
			return "", l.errorf(start, "unterminated string")
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	return "", l.errorf(start, "unterminated string")
}

// readTemplate reads template text after "`" or after the "}" of a substitution, up to the closing "`"
// or the next "${".
func (l *lexer) readTemplate() error {
	start := l.pos
	for l.pos < len(l.src) {
		switch l.src[l.pos] {
		case '\\':
			l.pos += 2
		case '`':
			l.pos++
			l.lastTok = tokTemplate
			return nil
		case '$':
			if l.pos+1 < len(l.src) && l.src[l.pos+1] == '{' {
				l.open(l.pos + 1)
				l.pos += 2
				l.braces = append(l.braces, '$')
				l.lastTok = tokPunct
				return nil
			}
			l.pos++
		default:
			l.pos++
		}
	}
	return l.errorf(start, "unterminated template literal")
}

func (l *lexer) readRegex() error {
	start := l.pos
	l.pos++
	inClass := false
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '\\':
			l.pos += 2
			continue
		case c == '\n' || c == '\r':
			return l.errorf(start, "unterminated regular expression")
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == '/' && !inClass:
			l.pos++
			for l.pos < len(l.src) && isIDPart(l.src[l.pos]) {
				l.pos++
			}
			return nil
		}
		l.pos++
	}
	return l.errorf(start, "unterminated regular expression")
}

func (l *lexer) readNumber() {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if isIDPart(c) || c == '.' {
			l.pos++
			continue
		}
		if (c == '+' || c == '-') && (l.src[l.pos-1] == 'e' || l.src[l.pos-1] == 'E') && !strings.HasPrefix(l.src[l.numStart():l.pos], "0x") {
			l.pos++
			continue
		}
		break
	}
	l.lastTok = tokNumber
}

func (l *lexer) numStart() int {
	i := l.pos
	for i > 0 && (isIDPart(l.src[i-1]) || l.src[i-1] == '.' || l.src[i-1] == '+' || l.src[i-1] == '-') {
		i--
	}
	return i
}

func (l *lexer) readWord() string {
	start := l.pos
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if isIDPart(c) {
			l.pos++
		} else if c == '\\' {
			l.pos += 2 // unicode escape in identifier: skip the "\u" and let the loop take the rest
		} else {
			break
		}
	}
	return l.src[start:l.pos]
}

// prevSignificantIs reports whether the last non-space byte before the current word is c.
func (l *lexer) prevSignificantIs(c byte) bool {
	i := l.pos - 1
	for i >= 0 && isIDPart(l.src[i]) {
		i--
	}
	for i >= 0 && (l.src[i] == ' ' || l.src[i] == '\t' || l.src[i] == '\n' || l.src[i] == '\r') {
		i--
	}
	return i >= 0 && l.src[i] == c
}

// prevIsSpread reports whether the "." before the word at start belongs to a "..." spread.
func (l *lexer) prevIsSpread(start int) bool {
	i := start - 1
	for i >= 0 && (l.src[i] == ' ' || l.src[i] == '\t' || l.src[i] == '\n' || l.src[i] == '\r') {
		i--
	}
	return i >= 2 && l.src[i-2:i+1] == "..."
}

// inPropertyKey reports whether the word at start is an object key or method name ({ import: 1 }).
func (l *lexer) inPropertyKey(start int) bool {
	i := l.pos
	for i < len(l.src) && (l.src[i] == ' ' || l.src[i] == '\t' || l.src[i] == '\n' || l.src[i] == '\r') {
		i++
	}
	return i < len(l.src) && l.src[i] == ':' && len(l.braces) > 0 && l.braces[len(l.braces)-1] == '{'
}

// readImport handles the word "import" at start.
func (l *lexer) readImport(start int) error {
	if err := l.skipSpace(); err != nil {
		return err
	}
	if l.pos >= len(l.src) {
		return nil
	}
	switch c := l.src[l.pos]; {
	case c == '(':
		return l.readDynamicImport(start)
	case c == '.':
		// import.meta
		p := l.pos + 1
		for p < len(l.src) && (l.src[p] == ' ' || l.src[p] == '\n' || l.src[p] == '\t' || l.src[p] == '\r') {
			p++
		}
		if strings.HasPrefix(l.src[p:], "meta") && (p+4 >= len(l.src) || !isIDPart(l.src[p+4])) {
			l.pos = p + 4
			l.res.Imports = append(l.res.Imports, Import{Kind: Meta, Start: start, End: l.pos, SpecStart: -1, SpecEnd: -1})
			l.lastTok = tokWord
			l.lastWord = "meta"
			return nil
		}
		l.lastTok = tokWord
		l.lastWord = "import"
		return nil
	case c == '\'' || c == '"':
		// import "x"
		specStart := l.pos
		spec, err := l.readString()
		if err != nil {
			return err
		}
		imp := Import{Kind: Static, Start: start, SpecStart: specStart, SpecEnd: l.pos, Specifier: spec}
		l.skipAttributes()
		imp.End = l.pos
		l.res.Imports = append(l.res.Imports, imp)
		l.res.HasModuleSyntax = true
		l.lastTok = tokPunct
		return nil
	case isIDStart(c) || c == '{' || c == '*':
		if len(l.braces) > 0 {
			// "import" inside a block followed by an identifier is not valid module syntax; treat as a word.
			l.lastTok = tokWord
			l.lastWord = "import"
			return nil
		}
		return l.readStaticImportClause(start)
	}
	l.lastTok = tokWord
	l.lastWord = "import"
	return nil
}

// readStaticImportClause reads `import <bindings> from "x"`, skipping the bindings.
func (l *lexer) readStaticImportClause(start int) error {
	for l.pos < len(l.src) {
		if err := l.skipSpace(); err != nil {
			return err
		}
		if l.pos >= len(l.src) {
			break
		}
		c := l.src[l.pos]
		switch {
		case c == '{':
			end := strings.IndexByte(l.src[l.pos:], '}')
			if end < 0 {
				return l.errorf(l.pos, "unterminated import bindings")
			}
			l.pos += end + 1
		case c == '\'' || c == '"':
			specStart := l.pos
			spec, err := l.readString()
			if err != nil {
				return err
			}
			imp := Import{Kind: Static, Start: start, SpecStart: specStart, SpecEnd: l.pos, Specifier: spec, HasBindings: true}
			l.skipAttributes()
			imp.End = l.pos
			l.res.Imports = append(l.res.Imports, imp)
			l.res.HasModuleSyntax = true
			l.lastTok = tokPunct
			return nil
		case isIDStart(c):
			l.readWord()
		case c == '*' || c == ',':
			l.pos++
		default:
			// Not an import declaration after all (e.g. a TypeScript leftover); stop here.
			l.lastTok = tokPunct
			return nil
		}
	}
	return l.errorf(start, "import declaration without a module specifier")
}

// skipAttributes skips `with { type: "json" }` / `assert {...}` after a specifier, and a ";".
func (l *lexer) skipAttributes() {
	save := l.pos
	_ = l.skipSpace()
	if strings.HasPrefix(l.src[l.pos:], "with") || strings.HasPrefix(l.src[l.pos:], "assert") {
		p := l.pos
		l.readWord()
		_ = l.skipSpace()
		if l.pos < len(l.src) && l.src[l.pos] == '{' {
			if end := strings.IndexByte(l.src[l.pos:], '}'); end >= 0 {
				l.pos += end + 1
				save = l.pos
				_ = l.skipSpace()
			}
		} else {
			l.pos = p
		}
	}
	if l.pos < len(l.src) && l.src[l.pos] == ';' {
		l.pos++
		return
	}
	l.pos = save
}

// readDynamicImport reads `import(...)` starting at the "(".
func (l *lexer) readDynamicImport(start int) error {
	open := l.pos
	l.pos++
	argStart := l.pos
	_ = l.skipSpace()
	imp := Import{Kind: Dynamic, Start: start, SpecStart: -1, SpecEnd: -1, ArgStart: argStart}
	// A single string literal argument (possibly followed by options) is a static specifier.
	if l.pos < len(l.src) && (l.src[l.pos] == '\'' || l.src[l.pos] == '"') {
		specStart := l.pos
		spec, err := l.readString()
		if err != nil {
			return err
		}
		save := l.pos
		_ = l.skipSpace()
		if l.pos < len(l.src) && (l.src[l.pos] == ')' || l.src[l.pos] == ',') {
			imp.SpecStart, imp.SpecEnd, imp.Specifier = specStart, save, spec
		}
		l.pos = save
	}
	// Scan the rest of the argument list with the full lexer until the matching ")".
	depth := len(l.parens)
	l.parens = append(l.parens, false)
	l.open(open)
	l.lastTok = tokPunct
	idx := len(l.res.Imports)
	l.res.Imports = append(l.res.Imports, imp)
	for l.pos < len(l.src) && len(l.parens) > depth {
		if err := l.step(); err != nil {
			return err
		}
	}
	if len(l.parens) > depth {
		return l.errorf(open, "unterminated import()")
	}
	l.res.Imports[idx].End = l.pos
	l.res.Imports[idx].ArgEnd = l.pos - 1
	l.lastTok = tokClose
	return nil
}

// step reads one token; used to scan the argument list of import().
func (l *lexer) step() error { return l.runOnce() }

// readExport handles the word "export" at start (top level only).
func (l *lexer) readExport(start int) error {
	l.res.HasModuleSyntax = true
	if err := l.skipSpace(); err != nil {
		return err
	}
	rest := l.src[l.pos:]
	word := func() string {
		p := l.pos
		w := l.readWord()
		if w == "" {
			l.pos = p
		}
		return w
	}
	switch {
	case strings.HasPrefix(rest, "*"):
		l.pos++
		_ = l.skipSpace()
		if strings.HasPrefix(l.src[l.pos:], "as") {
			l.readWord()
			_ = l.skipSpace()
			if l.pos < len(l.src) && (l.src[l.pos] == '"' || l.src[l.pos] == '\'') {
				name, err := l.readString()
				if err != nil {
					return err
				}
				l.res.Exports = append(l.res.Exports, name)
			} else {
				l.res.Exports = append(l.res.Exports, l.readWord())
			}
		} else {
			l.res.ExportStar = true
		}
		return l.readFrom(start, true)
	case strings.HasPrefix(rest, "{"):
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return l.errorf(l.pos, "unterminated export list")
		}
		list := rest[1:end]
		l.pos += end + 1
		for _, item := range strings.Split(list, ",") {
			item = strings.TrimSpace(stripComments(item))
			if item == "" {
				continue
			}
			name := item
			if i := strings.LastIndex(item, " as "); i >= 0 {
				name = strings.TrimSpace(item[i+4:])
			}
			name = strings.Trim(name, `"'`)
			l.res.Exports = append(l.res.Exports, name)
		}
		save := l.pos
		_ = l.skipSpace()
		if strings.HasPrefix(l.src[l.pos:], "from") && (l.pos+4 >= len(l.src) || !isIDPart(l.src[l.pos+4])) {
			return l.readFrom(start, true)
		}
		l.pos = save
		l.lastTok = tokPunct
		return nil
	}
	w := word()
	switch w {
	case "default":
		l.res.Exports = append(l.res.Exports, "default")
		l.lastTok = tokPunct // an expression follows
		return nil
	case "async":
		_ = l.skipSpace()
		word() // function
		fallthrough
	case "function", "class":
		_ = l.skipSpace()
		if l.pos < len(l.src) && l.src[l.pos] == '*' {
			l.pos++
			_ = l.skipSpace()
		}
		if name := word(); name != "" {
			l.res.Exports = append(l.res.Exports, name)
		}
		l.lastTok = tokWord
		l.lastWord = name0(w)
		return nil
	case "const", "let", "var":
		return l.readDeclarators()
	}
	l.lastTok = tokWord
	l.lastWord = w
	return nil
}

func name0(w string) string {
	if w == "async" {
		return "function"
	}
	return w
}

// readDeclarators reads the names of `export const a = 1, b = 2`: each name is followed by "=" and an
// expression that ends at a "," or ";" at bracket depth zero, or at a line end.
func (l *lexer) readDeclarators() error {
	for {
		_ = l.skipSpace()
		if l.pos >= len(l.src) {
			return nil
		}
		if c := l.src[l.pos]; c == '{' || c == '[' {
			// A destructuring pattern: collect the identifiers that are bound (after ":" or plain).
			l.readPattern()
		} else if name := l.readWord(); name != "" {
			l.res.Exports = append(l.res.Exports, name)
		} else {
			return nil
		}
		_ = l.skipSpace()
		if l.pos < len(l.src) && l.src[l.pos] == '=' {
			l.pos++
			l.lastTok = tokPunct
			// Scan the initializer with the full lexer until a "," or ";" at the same depth.
			depthB, depthP := len(l.braces), len(l.parens)
			for l.pos < len(l.src) {
				c := l.src[l.pos]
				if len(l.braces) == depthB && len(l.parens) == depthP {
					if c == ',' {
						l.pos++
						break
					}
					if c == ';' || c == ']' {
						l.lastTok = tokPunct
						return nil
					}
					if c == '}' || c == ')' {
						return nil
					}
				}
				before := l.pos
				if err := l.runOnce(); err != nil {
					return err
				}
				if len(l.braces) == depthB && len(l.parens) == depthP && strings.ContainsAny(l.src[before:l.pos], "\n") && l.atStatementEnd() {
					return nil
				}
			}
			continue
		}
		if l.pos < len(l.src) && l.src[l.pos] == ',' {
			l.pos++
			continue
		}
		return nil
	}
}

// atStatementEnd reports whether the next token cannot continue an expression (automatic semicolon).
func (l *lexer) atStatementEnd() bool {
	p := l.pos
	_ = l.skipSpace()
	defer func() { l.pos = p }()
	if l.pos >= len(l.src) {
		return true
	}
	if isIDStart(l.src[l.pos]) {
		save := l.pos
		w := l.readWord()
		l.pos = save
		switch w {
		case "in", "instanceof", "of":
			return false
		}
		return l.lastTok != tokPunct
	}
	return false
}

// readPattern collects the names bound by a destructuring pattern.
func (l *lexer) readPattern() {
	depth := 0
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '{' || c == '[':
			depth++
			l.pos++
		case c == '}' || c == ']':
			depth--
			l.pos++
			if depth == 0 {
				return
			}
		case isIDStart(c):
			w := l.readWord()
			_ = l.skipSpace()
			if l.pos < len(l.src) && l.src[l.pos] == ':' {
				l.pos++
				continue // the key; the bound name follows
			}
			l.res.Exports = append(l.res.Exports, w)
			if l.pos < len(l.src) && l.src[l.pos] == '=' {
				// default value: skip to the next "," or closing bracket at this depth
				for l.pos < len(l.src) && !strings.ContainsRune(",}]", rune(l.src[l.pos])) {
					l.pos++
				}
			}
		default:
			l.pos++
		}
	}
}

// readFrom reads `from "x"` after an export list or `export *`.
func (l *lexer) readFrom(start int, isExport bool) error {
	_ = l.skipSpace()
	if !strings.HasPrefix(l.src[l.pos:], "from") {
		return l.errorf(l.pos, "expected \"from\"")
	}
	l.pos += 4
	_ = l.skipSpace()
	if l.pos >= len(l.src) || (l.src[l.pos] != '"' && l.src[l.pos] != '\'') {
		return l.errorf(l.pos, "expected a module specifier")
	}
	specStart := l.pos
	spec, err := l.readString()
	if err != nil {
		return err
	}
	imp := Import{Kind: Static, Start: start, SpecStart: specStart, SpecEnd: l.pos, Specifier: spec, IsExport: isExport, HasBindings: true}
	l.skipAttributes()
	imp.End = l.pos
	l.res.Imports = append(l.res.Imports, imp)
	l.lastTok = tokPunct
	return nil
}

func stripComments(s string) string {
	for {
		i := strings.Index(s, "/*")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "*/")
		if j < 0 {
			break
		}
		s = s[:i] + s[i+j+2:]
	}
	if i := strings.Index(s, "//"); i >= 0 {
		if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
			s = s[:i] + s[i+j:]
		} else {
			s = s[:i]
		}
	}
	return s
}
