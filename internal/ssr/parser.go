package ssr

// A recursive-descent parser for ES modules that builds no syntax tree: it reads the whole grammar
// (ES2024 plus decorators and `using`), and records what the module-runner transform needs: the
// top-level import and export statements, every identifier reference with the scope it appears in,
// every declaration with its scope, `import.meta` and `import()` positions, and where expression
// statements start. References are resolved once parsing is done, so hoisted declarations (var,
// functions) shadow references that come before them.
//
// Arrow functions use a checkpoint: an assignment expression that turns out to be followed by `=>`
// is re-read from its start as parameters, after the references, scopes and other records of the
// first reading are dropped.

type scopeKind uint8

const (
	scopeModule   scopeKind = iota
	scopeFunction           // var declarations land here
	scopeBlock
)

type scopeRec struct {
	parent int32
	kind   scopeKind
}

type declRec struct {
	name  string
	scope int32
}

const (
	refShorthand uint8 = 1 << iota // { x } in an object literal or pattern
	refCall                        // callee, tag or argument of a call: rewritten as (0, binding)
)

type refRec struct {
	start, end int
	name       string
	scope      int32
	flags      uint8
}

type importSpec struct {
	imported string // "default", "*" for a namespace, or the exported name
	local    string
	isString bool // imported name written as a string literal
}

type importDecl struct {
	start, end int
	source     string
	specs      []importSpec
}

type exportKind uint8

const (
	exportDecl        exportKind = iota // export var/let/const/function/class
	exportDefaultDecl                   // export default function f() {} / class C {} (named)
	exportDefaultExpr                   // export default <expr>, or an anonymous function or class
	exportLocal                         // export { a, b as c }
	exportFrom                          // export { a } from 'm'
	exportAll                           // export * from 'm'
	exportAllAs                         // export * as ns from 'm'
)

type exportSpec struct {
	local, exported string
	localIsString   bool
}

type exportStmt struct {
	kind       exportKind
	start, end int
	declStart  int // where the declaration or default expression starts
	names      []string
	specs      []exportSpec
	source     string
	semicolon  bool // the statement ends with ';'
	// a function or class declaration (export function f, export default class C)
	funcOrClass bool
}

type dynImport struct {
	start   int // of the `import` keyword
	literal string
	hasLit  bool
}

type topStmt struct {
	start, end int
	semicolon  bool // ends with ';' or needs none after it (declarations)
	removed    bool // an import or export that the transform removes or hoists
}

type parser struct {
	lexer
	prevEnd int    // end of the last consumed token
	prevVal string // text of the last consumed punctuator

	scopes []scopeRec
	cur    int32
	decls  []declRec
	refs   []refRec

	metas      [][2]int
	dyns       []dynImport
	stmtStarts []int // starts of expression statements that follow a token ASI could join them to

	imports []importDecl
	exports []exportStmt
	top     []topStmt

	inGenerator bool
	inAsync     bool
	depth       int
}

func newParser(src string) *parser {
	p := &parser{lexer: lexer{src: src}}
	p.scopes = append(p.scopes, scopeRec{parent: -1, kind: scopeModule})
	if len(src) >= 2 && src[0] == '#' && src[1] == '!' {
		for p.pos < len(src) && src[p.pos] != '\n' && src[p.pos] != '\r' {
			p.pos++
		}
	}
	p.lexer.next()
	return p
}

// next consumes the current token.
func (p *parser) next() {
	p.prevEnd = p.tok.end
	if p.tok.kind == tPunct {
		p.prevVal = p.tok.val
	} else {
		p.prevVal = ""
	}
	p.lexer.next()
}

func (p *parser) is(punct string) bool { return p.tok.kind == tPunct && p.tok.val == punct }

func (p *parser) isName(name string) bool {
	return p.tok.kind == tName && p.tok.val == name && !p.tok.escaped
}

func (p *parser) expect(punct string) {
	if !p.is(punct) {
		p.unexpected("expected '" + punct + "'")
	}
	p.next()
}

func (p *parser) expectName(name string) {
	if !p.isName(name) {
		p.unexpected("expected '" + name + "'")
	}
	p.next()
}

func (p *parser) unexpected(why string) {
	what := "unexpected end of input"
	if p.tok.kind != tEOF {
		what = "unexpected token '" + p.src[p.tok.start:p.tok.end] + "'"
		if p.tok.end-p.tok.start > 40 {
			what = "unexpected token"
		}
	}
	if why != "" {
		what += " (" + why + ")"
	}
	p.fail(p.tok.start, what)
}

// peek returns the token after the current one without consuming anything.
func (p *parser) peek() token {
	saved, pos := p.tok, p.pos
	p.lexer.next()
	t := p.tok
	p.tok, p.pos = saved, pos
	return t
}

type checkpoint struct {
	tok                                      token
	pos, prevEnd                             int
	prevVal                                  string
	scopes, decls, refs, metas, dyns, starts int
}

func (p *parser) save() checkpoint {
	return checkpoint{p.tok, p.pos, p.prevEnd, p.prevVal, len(p.scopes), len(p.decls), len(p.refs), len(p.metas), len(p.dyns), len(p.stmtStarts)}
}

func (p *parser) rewind(c checkpoint) {
	p.tok, p.pos, p.prevEnd, p.prevVal = c.tok, c.pos, c.prevEnd, c.prevVal
	p.scopes, p.decls, p.refs = p.scopes[:c.scopes], p.decls[:c.decls], p.refs[:c.refs]
	p.metas, p.dyns, p.stmtStarts = p.metas[:c.metas], p.dyns[:c.dyns], p.stmtStarts[:c.starts]
}

func (p *parser) pushScope(kind scopeKind) int32 {
	p.scopes = append(p.scopes, scopeRec{parent: p.cur, kind: kind})
	p.cur = int32(len(p.scopes) - 1)
	return p.cur
}

func (p *parser) popScope() { p.cur = p.scopes[p.cur].parent }

// declare records a declaration of name in the current scope, or for var in the nearest function.
func (p *parser) declare(name string, isVar bool) {
	s := p.cur
	if isVar {
		for p.scopes[s].kind == scopeBlock {
			s = p.scopes[s].parent
		}
	}
	p.decls = append(p.decls, declRec{name, s})
}

func (p *parser) addRef(t token) int {
	p.refs = append(p.refs, refRec{start: t.start, end: t.end, name: t.val, scope: p.cur})
	return len(p.refs) - 1
}

var reserved = map[string]bool{
	"break": true, "case": true, "catch": true, "class": true, "const": true, "continue": true,
	"debugger": true, "default": true, "delete": true, "do": true, "else": true, "enum": true,
	"export": true, "extends": true, "false": true, "finally": true, "for": true, "function": true,
	"if": true, "import": true, "in": true, "instanceof": true, "new": true, "null": true,
	"return": true, "super": true, "switch": true, "this": true, "throw": true, "true": true,
	"try": true, "typeof": true, "var": true, "void": true, "while": true, "with": true,
	// strict mode and module code
	"let": true, "static": true, "yield": true, "await": true, "implements": true, "interface": true,
	"package": true, "private": true, "protected": true, "public": true,
}

// isIdent reports whether the current token can be a binding or reference identifier.
func (p *parser) isIdent() bool {
	if p.tok.kind != tName {
		return false
	}
	if p.tok.escaped {
		return true
	}
	if p.tok.val == "yield" {
		return !p.inGenerator
	}
	return !reserved[p.tok.val]
}

// ---------------------------------------------------------------------------------------------
// Statements

func (p *parser) parseModule() {
	safe := true
	for p.tok.kind != tEOF {
		start := p.tok.start
		nImports, nExports := len(p.imports), len(p.exports)
		safe = p.parseStatement(true, !safe)
		st := topStmt{start: start, end: p.prevEnd, semicolon: safe}
		if len(p.imports) > nImports {
			st.removed = true
		} else if len(p.exports) > nExports {
			switch p.exports[len(p.exports)-1].kind {
			case exportLocal, exportFrom, exportAll, exportAllAs:
				st.removed = true
			}
		}
		p.top = append(p.top, st)
	}
}

func (p *parser) peekIsFunction() bool {
	t := p.peek()
	return t.kind == tName && t.val == "function" && !t.nl
}

// semicolon consumes a ';' or accepts automatic semicolon insertion.
func (p *parser) semicolon() {
	if p.is(";") {
		p.next()
		return
	}
	if p.is("}") || p.tok.kind == tEOF || p.tok.nl {
		return
	}
	p.unexpected("expected ';'")
}

// parseStatement reads one statement. guard tells that the statement follows, in a statement list,
// one that did not end with ';' (or a declaration or block), so that an expression statement
// starting with '(' would continue it; the transform then starts such a statement with ';' where it
// makes it start with '('. The result tells the same for what follows this statement: true when the
// statement cannot be continued by a following '('.
func (p *parser) parseStatement(top, guard bool) bool {
	p.depth++
	if p.depth > 10000 {
		p.fail(p.tok.start, "nesting too deep")
	}
	defer func() { p.depth-- }()
	t := p.tok
	switch t.kind {
	case tPunct:
		switch t.val {
		case "{":
			p.pushScope(scopeBlock)
			p.parseBlockBody()
			p.popScope()
			return true
		case ";":
			p.next()
			return true
		case "@":
			p.parseDecorators()
			if top && p.isName("export") {
				return p.parseExport()
			}
			p.parseClass(true, false)
			return true
		}
	case tName:
		if t.escaped {
			break
		}
		switch t.val {
		case "var", "let", "const":
			p.next()
			p.parseVarDecls(t.val == "var", false)
			p.semicolon()
			return p.prevVal == ";"
		case "function":
			p.parseFunction(true, false, false)
			return true
		case "async":
			if p.peekIsFunction() {
				p.next()
				p.parseFunction(true, true, false)
				return true
			}
		case "class":
			p.parseClass(true, false)
			return true
		case "if":
			p.next()
			p.parseParenExpression()
			safe := p.parseStatement(false, false)
			if p.isName("else") {
				p.next()
				safe = p.parseStatement(false, false)
			}
			return safe
		case "for":
			return p.parseFor()
		case "while", "with":
			p.next()
			p.parseParenExpression()
			return p.parseStatement(false, false)
		case "do":
			p.next()
			p.parseStatement(false, false)
			p.expectName("while")
			p.parseParenExpression()
			if p.is(";") {
				p.next()
			}
			return true
		case "continue", "break":
			p.next()
			if p.tok.kind == tName && !p.tok.nl && !reserved[p.tok.val] {
				p.next() // label
			}
			p.semicolon()
			return p.prevVal == ";"
		case "return":
			p.next()
			if !p.tok.nl && !p.is(";") && !p.is("}") && p.tok.kind != tEOF {
				p.parseExpression(false)
			}
			p.semicolon()
			return p.prevVal == ";"
		case "throw":
			p.next()
			p.parseExpression(false)
			p.semicolon()
			return p.prevVal == ";"
		case "try":
			p.parseTry()
			return true
		case "switch":
			p.parseSwitch()
			return true
		case "debugger":
			p.next()
			p.semicolon()
			return p.prevVal == ";"
		case "import":
			if nt := p.peek(); nt.kind == tPunct && (nt.val == "(" || nt.val == ".") {
				break
			}
			if !top {
				p.unexpected("import declarations may only appear at the top level of a module")
			}
			p.parseImport()
			return true // removed: the transform leaves ';' if the statement before needs one
		case "export":
			if !top {
				p.unexpected("export declarations may only appear at the top level of a module")
			}
			return p.parseExport()
		case "using":
			if nt := p.peek(); nt.kind == tName && !nt.nl && nt.val != "in" && nt.val != "of" && nt.val != "instanceof" {
				p.next()
				p.parseVarDecls(false, false)
				p.semicolon()
				return p.prevVal == ";"
			}
		case "await":
			if nt := p.peek(); nt.kind == tName && nt.val == "using" && !nt.nl {
				c := p.save()
				p.next()
				p.next()
				if p.tok.kind == tName && !p.tok.nl && p.tok.val != "in" && p.tok.val != "of" {
					p.parseVarDecls(false, false)
					p.semicolon()
					return p.prevVal == ";"
				}
				p.rewind(c)
			}
		default:
			if p.isIdent() {
				if nt := p.peek(); nt.kind == tPunct && nt.val == ":" {
					p.next()
					p.next()
					return p.parseStatement(false, false)
				}
			}
		}
	}
	if guard {
		p.stmtStarts = append(p.stmtStarts, p.tok.start)
	}
	p.parseExpression(false)
	p.semicolon()
	return p.prevVal == ";"
}

// parseBlockBody reads { statements } in the current scope.
func (p *parser) parseBlockBody() {
	p.expect("{")
	safe := true
	for !p.is("}") {
		if p.tok.kind == tEOF {
			p.unexpected("expected '}'")
		}
		safe = p.parseStatement(false, !safe)
	}
	p.next()
}

func (p *parser) parseParenExpression() {
	p.expect("(")
	p.parseExpression(false)
	p.expect(")")
}

func (p *parser) parseVarDecls(isVar, noIn bool) {
	for {
		p.parseBindingTarget(isVar)
		if p.is("=") {
			p.next()
			p.parseAssignment(noIn)
		}
		if !p.is(",") {
			return
		}
		p.next()
	}
}

func (p *parser) parseFor() bool {
	p.next() // for
	if p.isName("await") {
		p.next()
	}
	p.expect("(")
	p.pushScope(scopeBlock)
	defer p.popScope()
	switch {
	case p.is(";"):
	case p.isName("var") || p.isName("let") || p.isName("const"):
		isVar := p.tok.val == "var"
		p.next()
		p.parseVarDecls(isVar, true)
	case p.isName("using") && p.peekIsBinding():
		p.next()
		p.parseVarDecls(false, true)
	case p.isName("await") && p.peek().val == "using":
		p.next()
		p.next()
		p.parseVarDecls(false, true)
	default:
		p.parseExpression(true)
	}
	if p.isName("of") || p.isName("in") {
		of := p.tok.val == "of"
		p.next()
		if of {
			p.parseAssignment(false)
		} else {
			p.parseExpression(false)
		}
	} else {
		p.expect(";")
		if !p.is(";") {
			p.parseExpression(false)
		}
		p.expect(";")
		if !p.is(")") {
			p.parseExpression(false)
		}
	}
	p.expect(")")
	return p.parseStatement(false, false)
}

func (p *parser) peekIsBinding() bool {
	t := p.peek()
	return t.kind == tName && t.val != "of" && t.val != "in" || t.kind == tPunct && (t.val == "[" || t.val == "{")
}

func (p *parser) parseTry() {
	p.next()
	p.pushScope(scopeBlock)
	p.parseBlockBody()
	p.popScope()
	if p.isName("catch") {
		p.next()
		p.pushScope(scopeBlock)
		if p.is("(") {
			p.next()
			p.parseBindingTarget(false)
			p.expect(")")
		}
		p.parseBlockBody()
		p.popScope()
	}
	if p.isName("finally") {
		p.next()
		p.pushScope(scopeBlock)
		p.parseBlockBody()
		p.popScope()
	}
}

func (p *parser) parseSwitch() {
	p.next()
	p.parseParenExpression()
	p.expect("{")
	p.pushScope(scopeBlock)
	safe := true
	for !p.is("}") {
		switch {
		case p.isName("case"):
			p.next()
			p.parseExpression(false)
			p.expect(":")
			safe = true
		case p.isName("default"):
			p.next()
			p.expect(":")
			safe = true
		case p.tok.kind == tEOF:
			p.unexpected("expected '}'")
		default:
			safe = p.parseStatement(false, !safe)
		}
	}
	p.next()
	p.popScope()
}

// parseBindingTarget reads a binding identifier or a destructuring pattern and declares its names.
func (p *parser) parseBindingTarget(isVar bool) {
	switch {
	case p.is("["):
		p.next()
		for !p.is("]") {
			if p.is(",") {
				p.next()
				continue
			}
			if p.is("...") {
				p.next()
				p.parseBindingTarget(isVar)
			} else {
				p.parseBindingElement(isVar)
			}
			if !p.is("]") {
				p.expect(",")
			}
		}
		p.next()
	case p.is("{"):
		p.next()
		for !p.is("}") {
			if p.is("...") {
				p.next()
				p.parseBindingTarget(isVar)
			} else if p.is("[") {
				p.next()
				p.parseAssignment(false)
				p.expect("]")
				p.expect(":")
				p.parseBindingElement(isVar)
			} else if p.tok.kind == tName {
				key := p.tok
				p.next()
				if p.is(":") {
					p.next()
					p.parseBindingElement(isVar)
				} else {
					if !isBindingName(key) {
						p.fail(key.start, "unexpected keyword '"+key.val+"' in pattern")
					}
					p.declare(key.val, isVar)
					if p.is("=") {
						p.next()
						p.parseAssignment(false)
					}
				}
			} else if p.tok.kind == tString || p.tok.kind == tNumber {
				p.next()
				p.expect(":")
				p.parseBindingElement(isVar)
			} else {
				p.unexpected("in object pattern")
			}
			if !p.is("}") {
				p.expect(",")
			}
		}
		p.next()
	case p.tok.kind == tName && isBindingName(p.tok):
		p.declare(p.tok.val, isVar)
		p.next()
	default:
		p.unexpected("expected a binding name or pattern")
	}
}

func isBindingName(t token) bool {
	return t.escaped || !reserved[t.val] || t.val == "yield" || t.val == "await" || t.val == "let" || t.val == "static"
}

func (p *parser) parseBindingElement(isVar bool) {
	p.parseBindingTarget(isVar)
	if p.is("=") {
		p.next()
		p.parseAssignment(false)
	}
}

// parseParams reads ( params ) into the current (function) scope.
func (p *parser) parseParams() {
	p.expect("(")
	for !p.is(")") {
		if p.is("@") { // parameter decorators (kept by some compilers)
			p.parseDecorators()
		}
		if p.is("...") {
			p.next()
			p.parseBindingTarget(false)
		} else {
			p.parseBindingElement(false)
		}
		if !p.is(")") {
			p.expect(",")
		}
	}
	p.next()
}

// parseFunction reads a function from the `function` keyword (after `async`, if any).
func (p *parser) parseFunction(isDecl, isAsync, nameOptional bool) {
	p.next() // function
	gen := false
	if p.is("*") {
		gen = true
		p.next()
	}
	name := ""
	if p.tok.kind == tName && !p.is("(") {
		if !isBindingName(p.tok) {
			p.unexpected("expected a function name")
		}
		name = p.tok.val
		p.next()
	} else if isDecl && !nameOptional {
		p.unexpected("expected a function name")
	}
	if isDecl && name != "" {
		p.declare(name, false)
	}
	p.pushScope(scopeFunction)
	if !isDecl && name != "" {
		p.declare(name, false)
	}
	p.parseFunctionRest(isAsync, gen)
	p.popScope()
}

// parseFunctionRest reads parameters and body in the current scope.
func (p *parser) parseFunctionRest(isAsync, gen bool) {
	savedGen, savedAsync := p.inGenerator, p.inAsync
	p.inGenerator, p.inAsync = gen, isAsync
	p.parseParams()
	p.parseBlockBody()
	p.inGenerator, p.inAsync = savedGen, savedAsync
}

func (p *parser) parseDecorators() {
	for p.is("@") {
		p.next()
		if p.is("(") {
			p.parseParenExpression()
		} else {
			// @a.b.c or @a.b(args)
			if !p.isIdent() {
				p.unexpected("expected a decorator")
			}
			p.addRef(p.tok)
			p.next()
			for p.is(".") {
				p.next()
				p.next()
			}
		}
		if p.is("(") {
			p.parseArguments()
		}
	}
}

// parseClass reads a class from the `class` keyword.
func (p *parser) parseClass(isDecl, nameOptional bool) {
	p.next() // class
	name := ""
	if p.tok.kind == tName && !p.isName("extends") {
		if !isBindingName(p.tok) {
			p.unexpected("expected a class name")
		}
		name = p.tok.val
		p.next()
	} else if isDecl && !nameOptional {
		p.unexpected("expected a class name")
	}
	if isDecl && name != "" {
		p.declare(name, false)
	}
	p.pushScope(scopeBlock)
	defer p.popScope()
	if name != "" {
		p.declare(name, false)
	}
	if p.isName("extends") {
		p.next()
		p.parseLHS()
	}
	p.expect("{")
	for !p.is("}") {
		if p.tok.kind == tEOF {
			p.unexpected("expected '}'")
		}
		p.parseClassMember()
	}
	p.next()
}

// isModifier reports whether the current name token (static, get, set, async, accessor) modifies the
// member that follows rather than naming one.
func (p *parser) isModifier(allowNewline bool) bool {
	t := p.peek()
	if t.nl && !allowNewline {
		return false
	}
	switch t.kind {
	case tName, tString, tNumber, tPrivate:
		return true
	case tPunct:
		return t.val == "[" || t.val == "*" || t.val == "{"
	}
	return false
}

func (p *parser) parseClassMember() {
	if p.is(";") {
		p.next()
		return
	}
	if p.is("@") {
		p.parseDecorators()
	}
	if p.isName("static") {
		if t := p.peek(); t.kind == tPunct && t.val == "{" {
			p.next()
			p.pushScope(scopeFunction)
			saved, savedA := p.inGenerator, p.inAsync
			p.inGenerator, p.inAsync = false, false
			p.parseBlockBody()
			p.inGenerator, p.inAsync = saved, savedA
			p.popScope()
			return
		}
		if p.isModifier(true) {
			p.next()
		}
	}
	if p.isName("accessor") && p.isModifier(false) {
		p.next()
	}
	isAsync, gen := false, false
	if p.isName("async") && p.isModifier(false) {
		if t := p.peek(); !(t.kind == tPunct && t.val == "{") {
			isAsync = true
			p.next()
		}
	}
	if p.is("*") {
		gen = true
		p.next()
	}
	if (p.isName("get") || p.isName("set")) && !isAsync && !gen && p.isModifier(true) {
		if t := p.peek(); !(t.kind == tPunct && t.val == "{") {
			p.next()
		}
	}
	p.parsePropertyKey(true)
	if p.is("(") {
		p.pushScope(scopeFunction)
		p.parseFunctionRest(isAsync, gen)
		p.popScope()
		return
	}
	if p.is("=") {
		p.next()
		p.pushScope(scopeFunction)
		saved, savedA := p.inGenerator, p.inAsync
		p.inGenerator, p.inAsync = false, false
		p.parseAssignment(false)
		p.inGenerator, p.inAsync = saved, savedA
		p.popScope()
	}
	p.semicolon()
}

// parsePropertyKey reads a property name: identifier, keyword, string, number, [computed] or #private.
func (p *parser) parsePropertyKey(allowPrivate bool) {
	switch p.tok.kind {
	case tName, tString, tNumber:
		p.next()
	case tPrivate:
		if !allowPrivate {
			p.unexpected("")
		}
		p.next()
	default:
		if p.is("[") {
			p.next()
			p.parseAssignment(false)
			p.expect("]")
			return
		}
		p.unexpected("expected a property name")
	}
}

// ---------------------------------------------------------------------------------------------
// Expressions

// exprInfo tells callers about the expression just read: ref is the index of the identifier reference
// it consists of (through parentheses), or -1.
type exprInfo struct{ ref int }

var none = exprInfo{-1}

func (p *parser) parseExpression(noIn bool) exprInfo {
	e := p.parseAssignment(noIn)
	for p.is(",") {
		p.next()
		p.parseAssignment(noIn)
		e = none
	}
	return e
}

func isAssignOp(s string) bool {
	switch s {
	case "=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=", "??=":
		return true
	}
	return false
}

func (p *parser) parseAssignment(noIn bool) exprInfo {
	p.depth++
	if p.depth > 10000 {
		p.fail(p.tok.start, "nesting too deep")
	}
	defer func() { p.depth-- }()
	if p.inGenerator && p.isName("yield") {
		p.next()
		if p.is("*") {
			p.next()
			p.parseAssignment(noIn)
		} else if !p.tok.nl && p.startsExpression() {
			p.parseAssignment(noIn)
		}
		return none
	}
	// async x => ...
	if p.isName("async") {
		if t := p.peek(); t.kind == tName && !t.nl && t.val != "function" && t.val != "in" && t.val != "instanceof" && t.val != "of" {
			p.parseArrow(p.save(), noIn)
			return none
		}
	}
	c := p.save()
	e := p.parseConditional(noIn)
	if p.is("=>") && !p.tok.nl {
		p.parseArrow(c, noIn)
		return none
	}
	if p.tok.kind == tPunct && isAssignOp(p.tok.val) {
		p.next()
		p.parseAssignment(noIn)
		return none
	}
	return e
}

// startsExpression reports whether the current token can start an expression (for yield's operand).
func (p *parser) startsExpression() bool {
	switch p.tok.kind {
	case tEOF:
		return false
	case tPunct:
		switch p.tok.val {
		case ")", "]", "}", ",", ";", ":", "=>", "?", "==", "===", "!=", "!==", "=", "*", "%", "**",
			"<", ">", "<=", ">=", "&&", "||", "??", "&", "|", "^", "<<", ">>", ">>>", "?.", ".", "...":
			return false
		}
		return !isAssignOp(p.tok.val) || p.tok.val == "/="
	case tName:
		return !(p.tok.val == "in" || p.tok.val == "of" || p.tok.val == "instanceof")
	}
	return true
}

// parseArrow re-reads from c (the start of an assignment expression) as an arrow function.
func (p *parser) parseArrow(c checkpoint, noIn bool) {
	p.rewind(c)
	isAsync := false
	if p.isName("async") {
		if t := p.peek(); !(t.kind == tPunct && t.val == "=>") {
			isAsync = true
			p.next()
		}
	}
	p.pushScope(scopeFunction)
	savedGen, savedAsync := p.inGenerator, p.inAsync
	p.inGenerator, p.inAsync = false, isAsync
	if p.is("(") {
		p.parseParams()
	} else {
		if p.tok.kind != tName || !isBindingName(p.tok) {
			p.unexpected("expected arrow function parameters")
		}
		p.declare(p.tok.val, false)
		p.next()
	}
	if !p.is("=>") || p.tok.nl {
		p.unexpected("expected '=>'")
	}
	p.next()
	if p.is("{") {
		p.parseBlockBody()
	} else {
		p.parseAssignment(noIn)
	}
	p.inGenerator, p.inAsync = savedGen, savedAsync
	p.popScope()
}

func (p *parser) parseConditional(noIn bool) exprInfo {
	e := p.parseBinary(noIn)
	if p.is("?") {
		p.next()
		p.parseAssignment(false)
		p.expect(":")
		p.parseAssignment(noIn)
		return none
	}
	return e
}

func isBinaryOp(s string) bool {
	switch s {
	case "+", "-", "*", "/", "%", "**", "<<", ">>", ">>>", "<", ">", "<=", ">=", "==", "!=", "===", "!==",
		"&", "|", "^", "&&", "||", "??":
		return true
	}
	return false
}

// parseBinary reads a chain of binary operators; precedence does not matter for what is recorded.
func (p *parser) parseBinary(noIn bool) exprInfo {
	e := p.parseUnary()
	for {
		if p.tok.kind == tPunct && isBinaryOp(p.tok.val) ||
			p.isName("instanceof") || p.isName("in") && !noIn {
			p.next()
			p.parseUnary()
			e = none
			continue
		}
		return e
	}
}

func (p *parser) parseUnary() exprInfo {
	if p.tok.kind == tPunct {
		switch p.tok.val {
		case "!", "~", "+", "-", "++", "--":
			p.next()
			p.parseUnary()
			return none
		}
	} else if p.tok.kind == tName && !p.tok.escaped {
		switch p.tok.val {
		case "typeof", "void", "delete", "await":
			p.next()
			p.parseUnary()
			return none
		}
	}
	e := p.parseLHS()
	if (p.is("++") || p.is("--")) && !p.tok.nl {
		p.next()
		return none
	}
	return e
}

func (p *parser) markCall(e exprInfo) {
	if e.ref >= 0 {
		p.refs[e.ref].flags |= refCall
	}
}

// parseLHS reads member accesses, calls, tagged templates, new, super and import().
func (p *parser) parseLHS() exprInfo {
	var e exprInfo
	switch {
	case p.isName("new"):
		p.parseNew()
		e = none
	case p.isName("super"):
		p.next()
		e = none
	case p.isName("import"):
		p.parseImportExpression()
		e = none
	default:
		e = p.parsePrimary()
	}
	for {
		switch p.tok.kind {
		case tPunct:
			switch p.tok.val {
			case ".":
				p.next()
				if p.tok.kind != tName && p.tok.kind != tPrivate {
					p.unexpected("expected a property name")
				}
				p.next()
			case "?.":
				p.next()
				switch {
				case p.is("("):
					p.markCall(e)
					p.parseArguments()
				case p.is("["):
					p.next()
					p.parseExpression(false)
					p.expect("]")
				case p.tok.kind == tName || p.tok.kind == tPrivate:
					p.next()
				case p.tok.kind == tTemplate || p.tok.kind == tTemplateHead:
					p.unexpected("tagged template in optional chain")
				default:
					p.unexpected("expected a property name")
				}
			case "[":
				p.next()
				p.parseExpression(false)
				p.expect("]")
			case "(":
				p.markCall(e)
				p.parseArguments()
			default:
				return e
			}
		case tTemplate, tTemplateHead:
			p.markCall(e)
			p.parseTemplate()
		default:
			return e
		}
		e = none
	}
}

func (p *parser) parseNew() {
	p.next() // new
	if p.is(".") {
		p.next()
		p.expectName("target")
		return
	}
	// The callee: a member expression without calls.
	switch {
	case p.isName("new"):
		p.parseNew()
	case p.isName("super"):
		p.next()
	case p.isName("import"):
		p.parseImportExpression()
	default:
		p.parsePrimary()
	}
	for {
		switch {
		case p.is("."):
			p.next()
			if p.tok.kind != tName && p.tok.kind != tPrivate {
				p.unexpected("expected a property name")
			}
			p.next()
		case p.is("["):
			p.next()
			p.parseExpression(false)
			p.expect("]")
		case p.tok.kind == tTemplate || p.tok.kind == tTemplateHead:
			p.parseTemplate()
		default:
			if p.is("(") {
				p.parseArguments()
			}
			return
		}
	}
}

// parseImportExpression reads import(...) or import.meta.
func (p *parser) parseImportExpression() {
	start := p.tok.start
	p.next() // import
	if p.is(".") {
		p.next()
		if !p.isName("meta") {
			p.unexpected("expected 'meta'")
		}
		p.metas = append(p.metas, [2]int{start, p.tok.end})
		p.next()
		return
	}
	if !p.is("(") {
		p.unexpected("expected '(' or '.' after import")
	}
	d := dynImport{start: start}
	if t := p.peek(); t.kind == tString {
		c := p.save()
		p.next()
		lit := p.tok
		p.next()
		if p.is(")") || p.is(",") {
			d.literal, d.hasLit = cookString(p.src[lit.start:lit.end]), true
		}
		p.rewind(c)
	}
	p.dyns = append(p.dyns, d)
	p.parseArgs(false)
}

func (p *parser) parseArguments() { p.parseArgs(true) }

// parseArgs reads call arguments; a bare identifier argument is marked like a callee, as Vite does.
func (p *parser) parseArgs(mark bool) {
	p.expect("(")
	for !p.is(")") {
		if p.is("...") {
			p.next()
			p.parseAssignment(false)
		} else if e := p.parseAssignment(false); mark {
			p.markCall(e)
		}
		if !p.is(")") {
			p.expect(",")
		}
	}
	p.next()
}

func (p *parser) parseTemplate() {
	for p.tok.kind == tTemplateHead {
		p.next()
		p.parseExpression(false)
		if !p.is("}") {
			p.unexpected("expected '}' in template literal")
		}
		p.lexer.rescanTemplate()
	}
	if p.tok.kind != tTemplate {
		p.unexpected("expected a template literal")
	}
	p.next()
}

func (p *parser) parsePrimary() exprInfo {
	t := p.tok
	switch t.kind {
	case tName:
		if !t.escaped {
			switch t.val {
			case "function":
				p.parseFunction(false, false, true)
				return none
			case "async":
				if p.peekIsFunction() {
					p.next()
					p.parseFunction(false, true, true)
					return none
				}
			case "class":
				p.parseClass(false, true)
				return none
			case "this", "null", "true", "false":
				p.next()
				return none
			}
		}
		if !p.isIdent() {
			p.unexpected("")
		}
		r := p.addRef(t)
		p.next()
		return exprInfo{r}
	case tString, tNumber:
		p.next()
		return none
	case tTemplate, tTemplateHead:
		p.parseTemplate()
		return none
	case tPrivate:
		p.next() // #x in obj
		return none
	case tPunct:
		switch t.val {
		case "(":
			return p.parseParenthesized()
		case "[":
			p.parseArrayLiteral()
			return none
		case "{":
			p.parseObjectLiteral()
			return none
		case "/", "/=":
			p.lexer.rescanRegex()
			p.next()
			return none
		case "@":
			p.parseDecorators()
			if !p.isName("class") {
				p.unexpected("expected a class after decorators")
			}
			p.parseClass(false, true)
			return none
		}
	}
	p.unexpected("")
	return none
}

// parseParenthesized reads ( expression ), also accepting what only arrow parameters allow: (),
// (...rest) and a trailing comma. A following => makes parseAssignment re-read it as parameters.
func (p *parser) parseParenthesized() exprInfo {
	p.next() // (
	e := none
	n := 0
	for !p.is(")") {
		if p.is("...") {
			p.next()
			p.parseAssignment(false)
			n += 2
		} else {
			e = p.parseAssignment(false)
			n++
		}
		if !p.is(")") {
			p.expect(",")
			n++
		}
	}
	p.next()
	if n != 1 {
		return none
	}
	return e
}

func (p *parser) parseArrayLiteral() {
	p.next() // [
	for !p.is("]") {
		if p.is(",") {
			p.next()
			continue
		}
		if p.is("...") {
			p.next()
		}
		p.parseAssignment(false)
		if !p.is("]") {
			p.expect(",")
		}
	}
	p.next()
}

func (p *parser) parseObjectLiteral() {
	p.next() // {
	for !p.is("}") {
		if p.is("...") {
			p.next()
			p.parseAssignment(false)
		} else {
			p.parseObjectMember()
		}
		if !p.is("}") {
			p.expect(",")
		}
	}
	p.next()
}

// isMethodModifier reports whether the current get/set/async name modifies a following key.
func (p *parser) isMethodModifier() bool {
	t := p.peek()
	switch t.kind {
	case tName, tString, tNumber:
		return true
	case tPunct:
		return t.val == "[" || t.val == "*"
	}
	return false
}

func (p *parser) parseObjectMember() {
	isAsync, gen := false, false
	if p.isName("async") && p.isMethodModifier() && !p.peek().nl {
		isAsync = true
		p.next()
	}
	if p.is("*") {
		gen = true
		p.next()
	}
	if (p.isName("get") || p.isName("set")) && !isAsync && !gen && p.isMethodModifier() {
		p.next()
	}
	key := p.tok
	p.parsePropertyKey(false)
	switch {
	case p.is("("):
		p.pushScope(scopeFunction)
		p.parseFunctionRest(isAsync, gen)
		p.popScope()
	case isAsync || gen:
		p.unexpected("expected '('")
	case p.is(":"):
		p.next()
		p.parseAssignment(false)
	default:
		// Shorthand { x } or, in a pattern, { x = default }.
		if key.kind != tName || !isBindingName(key) {
			p.fail(key.start, "unexpected token '"+p.src[key.start:key.end]+"' in object literal")
		}
		r := p.addRef(key)
		p.refs[r].flags |= refShorthand
		if p.is("=") {
			p.next()
			p.parseAssignment(false)
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Imports and exports

func (p *parser) readModuleName() (string, bool) {
	switch p.tok.kind {
	case tName:
		v := p.tok.val
		p.next()
		return v, false
	case tString:
		v := cookString(p.src[p.tok.start:p.tok.end])
		p.next()
		return v, true
	}
	p.unexpected("expected a name")
	return "", false
}

func (p *parser) readSource() string {
	if p.tok.kind != tString {
		p.unexpected("expected a module specifier")
	}
	s := cookString(p.src[p.tok.start:p.tok.end])
	p.next()
	// Import attributes: with { type: 'json' } (or the older assert).
	if p.isName("with") || p.isName("assert") && !p.tok.nl {
		p.next()
		p.expect("{")
		for !p.is("}") {
			if p.tok.kind != tName && p.tok.kind != tString {
				p.unexpected("in import attributes")
			}
			p.next()
			p.expect(":")
			if p.tok.kind != tString {
				p.unexpected("expected a string")
			}
			p.next()
			if !p.is("}") {
				p.expect(",")
			}
		}
		p.next()
	}
	return s
}

func (p *parser) parseImport() {
	d := importDecl{start: p.tok.start}
	p.next() // import
	if p.tok.kind != tString {
		if p.tok.kind == tName {
			if !isBindingName(p.tok) {
				p.unexpected("")
			}
			d.specs = append(d.specs, importSpec{imported: "default", local: p.tok.val})
			p.next()
			if p.is(",") {
				p.next()
			} else {
				p.expectName("from")
				goto source
			}
		}
		if p.is("*") {
			p.next()
			p.expectName("as")
			if p.tok.kind != tName {
				p.unexpected("expected a name")
			}
			d.specs = append(d.specs, importSpec{imported: "*", local: p.tok.val})
			p.next()
		} else if p.is("{") {
			p.next()
			for !p.is("}") {
				imported, isStr := p.readModuleName()
				local := imported
				if p.isName("as") {
					p.next()
					if p.tok.kind != tName || !isBindingName(p.tok) {
						p.unexpected("expected a name")
					}
					local = p.tok.val
					p.next()
				} else if isStr {
					p.unexpected("expected 'as'")
				}
				d.specs = append(d.specs, importSpec{imported: imported, local: local, isString: isStr})
				if !p.is("}") {
					p.expect(",")
				}
			}
			p.next()
		} else {
			p.unexpected("")
		}
		p.expectName("from")
	}
source:
	d.source = p.readSource()
	p.semicolon()
	d.end = p.prevEnd
	p.imports = append(p.imports, d)
}

// parseExport reads an export declaration and reports, as parseStatement does, whether what the
// transform leaves of it ends safely.
func (p *parser) parseExport() bool {
	e := exportStmt{start: p.tok.start}
	p.next() // export
	switch {
	case p.is("*"):
		p.next()
		e.kind = exportAll
		if p.isName("as") {
			p.next()
			name, _ := p.readModuleName()
			e.kind, e.names = exportAllAs, []string{name}
		}
		p.expectName("from")
		e.source = p.readSource()
		p.semicolon()
	case p.is("{"):
		p.next()
		for !p.is("}") {
			local, isStr := p.readModuleName()
			exported := local
			if p.isName("as") {
				p.next()
				exported, _ = p.readModuleName()
			}
			e.specs = append(e.specs, exportSpec{local: local, exported: exported, localIsString: isStr})
			if !p.is("}") {
				p.expect(",")
			}
		}
		p.next()
		e.kind = exportLocal
		if p.isName("from") {
			p.next()
			e.kind = exportFrom
			e.source = p.readSource()
		}
		p.semicolon()
	case p.isName("default"):
		p.next()
		e.declStart = p.tok.start
		if p.is("@") {
			p.parseDecorators()
		}
		named := func() bool {
			t := p.peek()
			return t.kind == tName && t.val != "extends"
		}
		switch {
		case p.isName("function") || p.isName("async") && p.peekIsFunction():
			isAsync := p.isName("async")
			if isAsync {
				p.next()
			}
			n := len(p.decls)
			p.parseFunction(true, isAsync, true)
			if len(p.decls) > n && p.decls[n].scope == 0 {
				e.kind, e.names, e.funcOrClass = exportDefaultDecl, []string{p.decls[n].name}, true
			} else {
				e.kind = exportDefaultExpr
			}
		case p.isName("class"):
			if named() {
				e.kind, e.funcOrClass = exportDefaultDecl, true
				e.names = []string{p.peek().val}
			} else {
				e.kind = exportDefaultExpr
			}
			p.parseClass(true, true)
		default:
			e.kind = exportDefaultExpr
			p.parseAssignment(false)
			p.semicolon()
		}
	default:
		e.kind = exportDecl
		e.declStart = p.tok.start
		if p.is("@") {
			p.parseDecorators()
		}
		n := len(p.decls)
		switch {
		case p.isName("var") || p.isName("let") || p.isName("const"):
			isVar := p.tok.val == "var"
			p.next()
			p.parseVarDecls(isVar, false)
			p.semicolon()
		case p.isName("function"):
			e.funcOrClass = true
			p.parseFunction(true, false, false)
		case p.isName("async") && p.peekIsFunction():
			e.funcOrClass = true
			p.next()
			p.parseFunction(true, true, false)
		case p.isName("class"):
			e.funcOrClass = true
			p.parseClass(true, false)
		default:
			p.unexpected("")
		}
		for _, d := range p.decls[n:] {
			if d.scope == 0 {
				e.names = append(e.names, d.name)
			}
		}
	}
	e.end = p.prevEnd
	e.semicolon = p.prevVal == ";"
	p.exports = append(p.exports, e)
	// Removed statements leave ';' where needed; a default expression gets one.
	return e.semicolon || e.funcOrClass || e.kind != exportDecl
}
