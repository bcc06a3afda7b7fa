package react

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file adds React Fast Refresh to a module that esbuild has already turned into plain JavaScript.
// It does what react-refresh/babel does, on tokens instead of a syntax tree:
//
//   - every top-level component is registered: `$RefreshReg$(App, "App")` at the end of the module.
//     Components are top-level function declarations with a capitalised name, capitalised `const`/
//     `let`/`var` bindings initialised with a function, an arrow, a call of a wrapper (memo,
//     forwardRef or any other higher-order function) whose first argument is a function, or a call or
//     tagged template whose name is used as a JSX element type in the module, and anonymous
//     `export default` functions, arrows and wrapper calls ("%default%"). The functions inside wrapper
//     calls are registered too, under "Name$wrapper" (through a `_c = ` handle inserted before them).
//   - every top-level function that calls hooks gets a signature: `var _s = $RefreshSig$()` at the
//     top, `_s();` at the start of its body and `_s(App, "key", forceReset, () => [customHooks])`
//     after its declaration (functions inside wrapper calls are wrapped in place: `memo(_s(() => …,
//     "key"))`). The key lists the hook calls of the function's own body, in order, one per line, as
//     `name{binding}`: `useState{[count, setCount](0)}` (useState adds its first argument, useReducer
//     its second, so that editing an initial state remounts). Custom hooks (any use* call that is not
//     one of React's) are returned by the getCustomHooks function so that their own signatures count;
//     a custom hook that is not a top-level binding of the module (imported or declared) cannot be
//     listed and sets forceReset, as does a "@refresh reset" comment anywhere in the file.
//
// The module is then wrapped as @vitejs/plugin-react wraps it. The prologue imports the runtime
// (`import * as RefreshRuntime from "/@react-refresh"`) and, when import.meta.hot is there and we are
// not in a web worker, checks that the preamble ran and points window.$RefreshReg$ and
// window.$RefreshSig$ at this module while it runs. The epilogue registers the components, restores
// the two globals, declares the module's own $RefreshReg$ and $RefreshSig$ (the calls above use these
// local functions, so that a module also runs in a worker or without HMR) and, for a module that
// registered a component, accepts its updates: the callback hands the old and new exports to
// validateRefreshBoundaryAndEnqueueUpdate and invalidates the module when that returns a reason.
// The literal `import.meta.hot.accept(` is what the dev server looks for to find self-accepting
// modules.
//
// All insertions in the code are on a single line, so the source map only needs column shifts; the
// prologue adds whole lines before the code and the epilogue lines after it.

// refreshInput is what addRefresh needs to know besides the code.
type refreshInput struct {
	id         string // the module's id for families: "/src/App.tsx"
	runtimeURL string // the specifier the runtime is imported from
	// self is the specifier the module imports itself with ("./App.tsx"): a boundary compares its
	// exports with the next version's, and a static self-import gives them without the dynamic
	// import() per module the older plugin used (one more async module-loader job per component
	// on a cold page load).
	self string
	// forceReset makes every signature remount (a "@refresh reset" comment in the source).
	forceReset bool
	// jsxCallees are the functions compiled JSX calls with the element type first: a call of one of
	// them with a name first means the name is used as a component.
	jsxCallees []string
	// prologue is extra code put before everything (esbuild.jsxInject); one line, may be "".
	prologue string
}

// registration is one `$RefreshReg$(target, "name")` call.
type registration struct {
	Target string // the expression registered: a binding or a _c handle
	Name   string // "App", "Foo$memo", "%default%"
}

// signature is one `_s(target, "key", …)` call.
type signature struct {
	Target      string // what the signature is set on after the declaration
	Key         string
	ForceReset  bool
	CustomHooks []string
	fn          *fnInfo
	sigVar      string
}

// refreshOutput is the result of addRefresh.
type refreshOutput struct {
	Code string
	// Registrations and Signatures are what was added, in order.
	Registrations []registration
	Signatures    []signature
	// Boundary is set when the module accepts its own updates (it registers a component, or has a
	// class component); a module with hook signatures only gets them without accepting updates, so
	// that its importers are updated.
	Boundary bool
	// Changed is false when the module needs no Fast Refresh code at all (Code is the input).
	Changed bool

	// What the source map adjustment needs: lines added before the code and insertions into it
	// (at byte offsets of the input).
	prologueLines int
	inserts       []insertion
}

type insertion struct {
	pos  int
	prio int // order among insertions at the same offset
	seq  int
	text string
}

// fnInfo describes a function found in the code.
type fnInfo struct {
	start, end int // first and last token
	// bodyOpen and bodyClose are the braces of a block body; for an arrow with an expression body
	// exprStart..exprEnd are the body's tokens and bodyOpen is -1.
	bodyOpen, bodyClose int
	exprStart, exprEnd  int
	// arrowBodyIsArrow marks `() => () => …`, which react-refresh does not take for a component.
	arrowBodyIsArrow bool
	generator        bool
}

// hookCall is a call of a hook found in a function's own body.
type hookCall struct {
	name    string // useState
	callee  string // useState, React.useState
	binding string // the identifier the callee starts with
	key     string // what the call is bound to, plus the initial state for useState/useReducer
}

var builtinHooks = map[string]bool{
	"useState": true, "useReducer": true, "useEffect": true, "useLayoutEffect": true, "useMemo": true,
	"useCallback": true, "useRef": true, "useContext": true, "useImperativeHandle": true,
	"useDebugValue": true, "useId": true, "useDeferredValue": true, "useTransition": true,
	"useInsertionEffect": true, "useSyncExternalStore": true, "useFormStatus": true,
	"useFormState": true, "useActionState": true, "useOptimistic": true,
}

// isHookName reports whether s names a hook: "use" and an upper-case letter.
func isHookName(s string) bool { return len(s) > 3 && s[:3] == "use" && 'A' <= s[3] && s[3] <= 'Z' }

func isComponentName(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

type analyzer struct {
	ts    *tokens
	in    refreshInput
	out   *refreshOutput
	seq   int
	taken map[string]bool // names fresh has handed out
	// top are the module's top-level bindings (imports and declarations).
	top      map[string]bool
	handles  []string
	sigCount int
	cCount   int
	// classComponent is set when the module declares a class extending (React.)(Pure)Component.
	classComponent bool
}

// addRefresh adds Fast Refresh registration, signatures and the HMR wrapper to js (esbuild's output).
func addRefresh(js string, in refreshInput) (out *refreshOutput, err error) {
	defer func() {
		// A construct the analysis does not expect must cost Fast Refresh for the module, not the
		// server.
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("analysing the module: %v", r)
		}
	}()
	ts, err := tokenize(js)
	if err != nil {
		return nil, err
	}
	a := &analyzer{ts: ts, in: in, out: &refreshOutput{Code: js}, taken: map[string]bool{}, top: map[string]bool{}}
	a.collectTopBindings()
	a.findClassComponents()
	a.walk()

	out = a.out
	out.Boundary = len(out.Registrations) > 0 || a.classComponent
	if !out.Boundary && len(out.Signatures) == 0 {
		return out, nil
	}
	out.Changed = true

	var b strings.Builder
	pro := a.prologue()
	b.WriteString(pro)
	out.prologueLines = strings.Count(pro, "\n")
	slices.SortStableFunc(a.out.inserts, func(x, y insertion) int {
		if x.pos != y.pos {
			return x.pos - y.pos
		}
		if x.prio != y.prio {
			return x.prio - y.prio
		}
		return x.seq - y.seq
	})
	last := 0
	for _, ins := range out.inserts {
		b.WriteString(js[last:ins.pos])
		b.WriteString(ins.text)
		last = ins.pos
	}
	b.WriteString(js[last:])
	if !strings.HasSuffix(js, "\n") {
		b.WriteString("\n")
	}
	b.WriteString(a.epilogue())
	out.Code = b.String()
	return out, nil
}

func (a *analyzer) insert(pos, prio int, text string) {
	a.seq++
	a.out.inserts = append(a.out.inserts, insertion{pos: pos, prio: prio, seq: a.seq, text: text})
}

// fresh returns base, base2, base3, … : the first that the module does not use.
func (a *analyzer) fresh(base string, n *int) string {
	for {
		*n++
		name := base
		if *n > 1 {
			name = base + strconv.Itoa(*n)
		}
		if !a.taken[name] && !a.usesIdent(name) {
			a.taken[name] = true
			return name
		}
	}
}

// usesIdent reports whether the module has the identifier name anywhere. fresh asks a few times per
// module, so a scan costs less than a set of every identifier built up front.
func (a *analyzer) usesIdent(name string) bool {
	ts := a.ts
	for _, t := range ts.toks {
		if t.kind == tIdent && t.end-t.start == len(name) && ts.src[t.start:t.end] == name {
			return true
		}
	}
	return false
}

func (a *analyzer) register(target, name string) {
	a.out.Registrations = append(a.out.Registrations, registration{Target: target, Name: name})
}

// handle inserts a `_c = ` handle before token i and registers it under name.
func (a *analyzer) handle(i int, name string) string {
	h := a.fresh("_c", &a.cCount)
	a.handles = append(a.handles, h)
	a.insert(a.ts.toks[i].start, prioHandle, h+" = ")
	a.register(h, name)
	return h
}

// Priorities of insertions at the same offset.
const (
	prioHandle    = 0 // `_c = ` before a function or call
	prioSigOpen   = 1 // `_s(` before a function inside a wrapper call
	prioBodyOpen  = 2 // `(_s(), ` before an expression body
	prioBodyClose = 0 // `)` after an expression body
	prioSigClose  = 1 // `, "key")` after a function inside a wrapper call
	prioAfterStmt = 3 // `_s(App, "key");` after a declaration
)

// ---- top-level walk ----

func (a *analyzer) atStatementStart(i int) bool {
	return i == 0 || a.ts.is(i-1, ";") || a.ts.is(i-1, "}")
}

// next returns the index after token i, skipping a whole bracket group or template literal.
func (a *analyzer) next(i int) int {
	return a.ts.next(i)
}

func (a *analyzer) walk() {
	n := len(a.ts.toks)
	for i := 0; i < n; {
		if a.atStatementStart(i) {
			if j := a.statement(i); j > i {
				i = j
				continue
			}
		}
		i = a.next(i)
	}
}

// statement recognises the top-level statements that can declare components at token i and returns
// the index after them, or i.
func (a *analyzer) statement(i int) int {
	ts := a.ts
	switch {
	case ts.is(i, "export") && ts.is(i+1, "default"):
		k := i + 2
		if ts.is(k, "function") || (ts.is(k, "async") && ts.is(k+1, "function")) {
			return a.functionDeclaration(k)
		}
		if ts.is(k, "class") {
			return a.next(k)
		}
		end := a.exprEnd(k)
		if end < k {
			return i
		}
		a.defaultExport(k, end)
		return end + 1
	case ts.is(i, "export") && (ts.is(i+1, "function") || ts.is(i+1, "async") || ts.is(i+1, "const") || ts.is(i+1, "let") || ts.is(i+1, "var")):
		if j := a.statement(i + 1); j > i+1 {
			return j
		}
		return i
	case ts.is(i, "function") || (ts.is(i, "async") && ts.is(i+1, "function")):
		return a.functionDeclaration(i)
	case ts.is(i, "const") || ts.is(i, "let") || ts.is(i, "var"):
		return a.variableDeclaration(i)
	}
	return i
}

// functionDeclaration reads `[async] function [*] [Name](…) {…}` at i.
func (a *analyzer) functionDeclaration(i int) int {
	fn, name := a.functionAt(i)
	if fn == nil {
		return i
	}
	if name != "" && isComponentName(name) && !fn.generator {
		a.register(name, name)
	}
	if name != "" {
		a.sign(fn, name, false, fn.end)
	}
	return fn.end + 1
}

// functionAt reads a function expression or declaration starting at token i (at `async` or
// `function`) and returns it with its name.
func (a *analyzer) functionAt(i int) (*fnInfo, string) {
	ts := a.ts
	f := i
	if ts.is(f, "async") {
		f++
	}
	if !ts.is(f, "function") {
		return nil, ""
	}
	g := f + 1
	gen := false
	if ts.is(g, "*") {
		gen = true
		g++
	}
	name := ""
	if ts.isIdent(g) {
		name = ts.text(g)
		g++
	}
	if !ts.is(g, "(") {
		return nil, ""
	}
	body := ts.match[g] + 1
	if !ts.is(body, "{") {
		return nil, ""
	}
	return &fnInfo{start: i, end: ts.match[body], bodyOpen: body, bodyClose: ts.match[body], generator: gen}, name
}

// arrowAt reads an arrow function starting at token i: `[async] (…) => body` or `[async] x => body`,
// and returns it when it ends exactly at token last (or anywhere when last is -1).
func (a *analyzer) arrowAt(i, last int) *fnInfo {
	ts := a.ts
	p := i
	if ts.is(p, "async") && !ts.is(p+1, "=>") {
		p++
	}
	var arrow int
	switch {
	case ts.is(p, "("):
		arrow = ts.match[p] + 1
	case ts.isIdent(p):
		arrow = p + 1
	default:
		return nil
	}
	if !ts.is(arrow, "=>") {
		return nil
	}
	fn := &fnInfo{start: i, bodyOpen: -1}
	b := arrow + 1
	if ts.is(b, "{") {
		fn.bodyOpen, fn.bodyClose, fn.end = b, ts.match[b], ts.match[b]
	} else {
		e := a.exprEnd(b)
		if e < b {
			return nil
		}
		fn.exprStart, fn.exprEnd, fn.end = b, e, e
		fn.arrowBodyIsArrow = a.arrowAt(b, e) != nil
	}
	if last >= 0 && fn.end != last {
		return nil
	}
	return fn
}

// functionExpr returns the function or arrow spanning exactly tokens a..b.
func (a *analyzer) functionExpr(first, last int) *fnInfo {
	if fn, _ := a.functionAt(first); fn != nil && fn.end == last {
		return fn
	}
	return a.arrowAt(first, last)
}

// exprEnd returns the last token of the expression starting at i: the token before the first `,` or
// `;` or closing bracket at its level (-1+i when it is empty).
func (a *analyzer) exprEnd(i int) int {
	ts := a.ts
	j := i
	for j < len(ts.toks) {
		if ts.toks[j].kind == tPunct {
			switch ts.text(j) {
			case ",", ";", ")", "]", "}":
				return j - 1
			}
		}
		j = a.next(j)
	}
	return j - 1
}

// callAt reads a call `callee(args)` spanning exactly first..last whose callee is a name or a dotted
// name, and returns the callee's source and the first argument's tokens.
func (a *analyzer) callAt(first, last int) (callee string, argFirst, argLast int, ok bool) {
	ts := a.ts
	j := first
	if !ts.isIdent(j) {
		return "", 0, 0, false
	}
	for ts.is(j+1, ".") && ts.isIdent(j+2) {
		j += 2
	}
	open := j + 1
	if !ts.is(open, "(") || ts.match[open] != last || last == open+1 {
		return "", 0, 0, false
	}
	argFirst = open + 1
	argLast = a.exprEnd(argFirst)
	if argLast < argFirst {
		return "", 0, 0, false
	}
	return ts.span(first, j), argFirst, argLast, true
}

// taggedTemplateAt tells whether first..last is a tagged template whose tag is a (dotted) name,
// maybe called: styled.div`…`, styled(Button)`…`.
func (a *analyzer) taggedTemplateAt(first, last int) bool {
	ts := a.ts
	j := first
	if !ts.isIdent(j) {
		return false
	}
	for ts.is(j+1, ".") && ts.isIdent(j+2) {
		j += 2
	}
	j++
	if ts.is(j, "(") {
		j = ts.match[j] + 1
	}
	return j <= last && ts.toks[j].kind == tTemplate && strings.HasPrefix(ts.text(j), "`") && a.next(j)-1 == last
}

func (a *analyzer) variableDeclaration(i int) int {
	ts := a.ts
	p := i + 1
	type decl struct {
		name        string
		first, last int
	}
	var decls []decl
	for p < len(ts.toks) {
		name := ""
		switch {
		case ts.isIdent(p):
			name = ts.text(p)
			p++
		case ts.is(p, "[") || ts.is(p, "{"):
			p = ts.match[p] + 1
		default:
			return p
		}
		if ts.is(p, "=") {
			first := p + 1
			last := a.exprEnd(first)
			if last >= first && name != "" {
				decls = append(decls, decl{name, first, last})
			}
			p = last + 1
		}
		if ts.is(p, ",") {
			p++
			continue
		}
		break
	}
	stmtEnd := p - 1
	if ts.is(p, ";") {
		stmtEnd = p
		p++
	}
	for _, d := range decls {
		a.declarator(d.name, d.first, d.last, stmtEnd)
	}
	return p
}

// declarator handles `name = init` (tokens first..last) of a top-level declaration ending at token
// stmtEnd.
func (a *analyzer) declarator(name string, first, last, stmtEnd int) {
	comp := isComponentName(name)
	if fn := a.functionExpr(first, last); fn != nil {
		if comp && !fn.generator {
			a.register(name, name)
		}
		a.sign(fn, name, false, stmtEnd)
		return
	}
	if !comp {
		return
	}
	callee, _, _, isCall := a.callAt(first, last)
	if isCall && (strings.HasPrefix(callee, "require") || strings.HasPrefix(callee, "import")) {
		return
	}
	if !isCall && !a.taggedTemplateAt(first, last) {
		return
	}
	found, fn, _ := a.inner(name, first, last, true)
	if found || a.usedAsJSXType(name) {
		a.register(name, name)
	}
	if fn != nil {
		a.sign(fn, name, true, stmtEnd)
	}
}

// defaultExport handles `export default <expression>` (tokens first..last).
func (a *analyzer) defaultExport(first, last int) {
	stmtEnd := last
	if a.ts.is(last+1, ";") {
		stmtEnd = last + 1
	}
	if fn := a.functionExpr(first, last); fn != nil {
		if fn.arrowBodyIsArrow || fn.generator {
			return
		}
		h := a.handle(first, "%default%")
		a.sign(fn, h, false, stmtEnd)
		return
	}
	if _, _, _, ok := a.callAt(first, last); !ok {
		return
	}
	if found, fn, h := a.inner("%default%", first, last, false); found && fn != nil {
		a.sign(fn, h, true, stmtEnd)
	}
}

// inner looks for the component in expression first..last, named name: a function, or a wrapper call
// with a component as first argument. Unless top (the caller registers it by its binding), what it
// finds is registered through a handle, which it returns. It also returns the function it found, if
// any. Inner components are registered before their wrappers, as react-refresh/babel does.
func (a *analyzer) inner(name string, first, last int, top bool) (found bool, fn *fnInfo, handle string) {
	ts := a.ts
	if fn := a.functionExpr(first, last); fn != nil {
		if fn.arrowBodyIsArrow || fn.generator {
			return false, nil, ""
		}
		if !top {
			handle = a.handle(first, name)
		}
		return true, fn, handle
	}
	if callee, af, al, ok := a.callAt(first, last); ok {
		if strings.HasPrefix(callee, "require") || strings.HasPrefix(callee, "import") {
			return false, nil, ""
		}
		found, fn, _ := a.inner(name+"$"+callee, af, al, false)
		if !found {
			return false, nil, ""
		}
		if !top {
			handle = a.handle(first, name)
		}
		return true, fn, handle
	}
	if !top && first == last && ts.isIdent(first) && isComponentName(ts.text(first)) {
		// hoc(Foo): Foo is registered where it is declared.
		return true, nil, ""
	}
	return false, nil, ""
}

// usedAsJSXType tells whether name is the first argument of a compiled JSX call.
func (a *analyzer) usedAsJSXType(name string) bool {
	ts := a.ts
	for i := 0; i+3 < len(ts.toks); i++ {
		if !ts.isIdent(i) || !ts.is(i+1, "(") || ts.text(i+2) != name || !ts.isIdent(i+2) {
			continue
		}
		if !ts.is(i+3, ",") && !ts.is(i+3, ")") {
			continue
		}
		callee := strings.TrimRight(ts.text(i), "0123456789")
		if slices.Contains(a.in.jsxCallees, callee) {
			return true
		}
	}
	return false
}

// ---- signatures ----

// sign gives fn a signature when it calls hooks. target is what the signature is set on after the
// statement ending at token stmtEnd; wrapped marks a function inside a wrapper call, which is also
// wrapped in place.
func (a *analyzer) sign(fn *fnInfo, target string, wrapped bool, stmtEnd int) {
	calls := a.hookCalls(fn)
	if len(calls) == 0 {
		return
	}
	var keys []string
	sig := signature{Target: target, ForceReset: a.in.forceReset, fn: fn}
	for _, c := range calls {
		keys = append(keys, c.name+"{"+c.key+"}")
		if builtinHooks[c.name] {
			continue
		}
		if a.top[c.binding] {
			sig.CustomHooks = append(sig.CustomHooks, c.callee)
		} else {
			sig.ForceReset = true
		}
	}
	sig.Key = strings.Join(keys, "\n")
	sig.sigVar = a.fresh("_s", &a.sigCount)
	ts := a.ts
	s := sig.sigVar
	// _s() at the start of the body.
	if fn.bodyOpen >= 0 {
		a.insert(ts.toks[fn.bodyOpen].end, prioBodyOpen, s+"();")
	} else {
		// Right after the arrow, before any /* @__PURE__ */ of the body.
		a.insert(ts.toks[fn.exprStart-1].end, prioBodyOpen, " ("+s+"(),")
		a.insert(ts.toks[fn.exprEnd].end, prioBodyClose, ")")
	}
	args := sig.args()
	if wrapped {
		a.insert(ts.toks[fn.start].start, prioSigOpen, s+"(")
		a.insert(ts.toks[fn.end].end, prioSigClose, ", "+args+")")
	}
	after := s + "(" + target + ", " + args + ");"
	if !ts.is(stmtEnd, ";") && !ts.is(stmtEnd, "}") {
		after = ";" + after
	}
	a.insert(ts.toks[stmtEnd].end, prioAfterStmt, after)
	a.out.Signatures = append(a.out.Signatures, sig)
}

// args renders the arguments of a signature call after the target.
func (s *signature) args() string {
	out := jsString(s.Key)
	if s.ForceReset || len(s.CustomHooks) > 0 {
		out += ", " + strconv.FormatBool(s.ForceReset)
	}
	if len(s.CustomHooks) > 0 {
		out += ", () => [" + strings.Join(s.CustomHooks, ", ") + "]"
	}
	return out
}

// hookCalls lists the hook calls of fn's own body (not of functions nested in it), in order.
func (a *analyzer) hookCalls(fn *fnInfo) []hookCall {
	first, last := fn.exprStart, fn.exprEnd
	if fn.bodyOpen >= 0 {
		first, last = fn.bodyOpen+1, fn.bodyClose-1
	}
	var calls []hookCall
	for i := first; i <= last; {
		if skip := a.nestedFunctionEnd(i); skip > i {
			i = skip
			continue
		}
		if c, ok := a.hookCallAt(i); ok {
			calls = append(calls, c)
		}
		i++
	}
	return calls
}

// nestedFunctionEnd returns the index after the body of a function starting at token i (`function`,
// `=>`, or a method's name), or i.
func (a *analyzer) nestedFunctionEnd(i int) int {
	ts := a.ts
	switch {
	case ts.is(i, "function"):
		g := i + 1
		for g < len(ts.toks) && !ts.is(g, "(") {
			g++
		}
		if g < len(ts.toks) && ts.is(ts.match[g]+1, "{") {
			return ts.match[ts.match[g]+1] + 1
		}
	case ts.is(i, "=>"):
		if ts.is(i+1, "{") {
			return ts.match[i+1] + 1
		}
		return a.exprEnd(i+1) + 1
	case ts.is(i, "(") && ts.is(ts.match[i]+1, "{"):
		// A method: name(…) {…}, but not if/for/while/switch/catch/with (…) {…}.
		p := i - 1
		if p >= 0 && ts.isIdent(p) && conditionKeyword[ts.text(p)] && !ts.is(p-1, ".") {
			return i
		}
		return ts.match[ts.match[i]+1] + 1
	}
	return i
}

// hookCallAt reads a hook call whose callee starts at token i.
func (a *analyzer) hookCallAt(i int) (hookCall, bool) {
	ts := a.ts
	if !ts.isIdent(i) {
		return hookCall{}, false
	}
	// The callee: use*( or X.use*(.
	calleeStart, name, open := i, "", 0
	switch {
	case ts.is(i+1, "(") && isHookName(ts.text(i)):
		name, open = ts.text(i), i+1
		if ts.is(i-1, ".") || ts.is(i-1, "?.") || ts.is(i-1, "function") {
			return hookCall{}, false // handled from the object, or a declaration
		}
	case ts.is(i+1, ".") && ts.isIdent(i+2) && ts.is(i+3, "(") && isHookName(ts.text(i+2)):
		name, open = ts.text(i+2), i+3
		if ts.is(i-1, ".") || ts.is(i-1, "?.") {
			return hookCall{}, false
		}
	default:
		return hookCall{}, false
	}
	close := ts.match[open]
	if ts.is(close+1, "{") {
		return hookCall{}, false // a method named use*
	}
	c := hookCall{name: name, callee: ts.span(calleeStart, open-1), binding: ts.text(calleeStart)}
	// Bound to a declarator: `const <pattern> = use*(…)` with the call as the whole initialiser.
	if calleeStart >= 2 && ts.is(calleeStart-1, "=") && (ts.is(close+1, ";") || ts.is(close+1, ",") || ts.is(close+1, "}") || close+1 >= len(ts.toks)) {
		pe := calleeStart - 2
		ps := pe
		if m := ts.match[pe]; m >= 0 && m < pe && (ts.is(pe, "]") || ts.is(pe, "}")) {
			ps = m
		} else if !ts.isIdent(pe) {
			ps = -1
		}
		if ps >= 0 && (ts.is(ps-1, "const") || ts.is(ps-1, "let") || ts.is(ps-1, "var") || ts.is(ps-1, ",")) {
			c.key = ts.span(ps, pe)
		}
	}
	// Arguments that reset state when edited.
	argIndex := -1
	switch name {
	case "useState":
		argIndex = 0
	case "useReducer":
		argIndex = 1
	}
	if argIndex >= 0 {
		j := open + 1
		for k := 0; j < close; k++ {
			e := a.exprEnd(j)
			if e < j {
				break
			}
			if k == argIndex {
				c.key += "(" + ts.span(j, e) + ")"
				break
			}
			j = e + 2 // skip the comma
		}
	}
	return c, true
}

// ---- bindings ----

// collectTopBindings records the names imported or declared at the top level.
func (a *analyzer) collectTopBindings() {
	ts := a.ts
	n := len(ts.toks)
	for i := 0; i < n; {
		if !a.atStatementStart(i) {
			i = a.next(i)
			continue
		}
		j := i
		if ts.is(j, "export") {
			j++
			if ts.is(j, "default") {
				j++
			}
		}
		switch {
		case ts.is(j, "import") && !ts.is(j+1, "(") && !ts.is(j+1, "."):
			k := j + 1
			for k < n && !ts.is(k, ";") && ts.toks[k].kind != tString {
				if ts.isIdent(k) && (ts.is(k+1, ",") || ts.is(k+1, "}") || ts.is(k+1, "from")) && ts.text(k) != "from" {
					a.top[ts.text(k)] = true
				}
				k++
			}
			i = k + 1
			continue
		case ts.is(j, "function") || (ts.is(j, "async") && ts.is(j+1, "function")) || ts.is(j, "class"):
			k := j + 1
			for ts.is(k, "function") || ts.is(k, "*") {
				k++
			}
			if ts.isIdent(k) {
				a.top[ts.text(k)] = true
			}
		case ts.is(j, "const") || ts.is(j, "let") || ts.is(j, "var"):
			k := j + 1
			for k < n {
				switch {
				case ts.isIdent(k):
					a.top[ts.text(k)] = true
					k++
				case ts.is(k, "[") || ts.is(k, "{"):
					m := ts.match[k]
					for p := k + 1; p < m; p++ {
						if ts.isIdent(p) && !ts.is(p-1, ".") && (ts.is(p+1, ",") || ts.is(p+1, "}") || ts.is(p+1, "]") || ts.is(p+1, "=")) {
							a.top[ts.text(p)] = true
						}
					}
					k = m + 1
				default:
					k = n
					continue
				}
				if ts.is(k, "=") {
					k = a.exprEnd(k+1) + 1
				}
				if !ts.is(k, ",") {
					break
				}
				k++
			}
		}
		i = a.next(i)
	}
}

// findClassComponents sets classComponent when a class extends Component or PureComponent (of React
// or imported), which react-refresh cannot preserve but which makes the module an update boundary.
func (a *analyzer) findClassComponents() {
	ts := a.ts
	for i := range ts.toks {
		if !ts.is(i, "extends") {
			continue
		}
		j := i + 1
		if ts.isIdent(j) && ts.is(j+1, ".") {
			j += 2
		}
		if t := ts.text(j); ts.isIdent(j) && (t == "Component" || t == "PureComponent") {
			a.classComponent = true
			return
		}
	}
}

// ---- prologue and epilogue ----

func (a *analyzer) prologue() string {
	var b strings.Builder
	if a.in.prologue != "" {
		b.WriteString(a.in.prologue)
		b.WriteString("\n")
	}
	id := jsString(a.in.id)
	b.WriteString("import * as RefreshRuntime from " + jsString(a.in.runtimeURL) + ";\n")
	b.WriteString(`const inWebWorker = typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope;
let prevRefreshReg, prevRefreshSig;
if (import.meta.hot && !inWebWorker) {
  if (!window.$RefreshReg$) {
    throw new Error("@vitejs/plugin-react can't detect preamble. Something is wrong.");
  }
  prevRefreshReg = window.$RefreshReg$;
  prevRefreshSig = window.$RefreshSig$;
  window.$RefreshReg$ = RefreshRuntime.getRefreshReg(` + id + `);
  window.$RefreshSig$ = RefreshRuntime.createSignatureFunctionForTransform;
}
`)
	if len(a.out.Signatures) > 0 {
		var vars []string
		for _, s := range a.out.Signatures {
			vars = append(vars, s.sigVar+" = $RefreshSig$()")
		}
		b.WriteString("var " + strings.Join(vars, ", ") + ";\n")
	}
	if len(a.handles) > 0 {
		b.WriteString("var " + strings.Join(a.handles, ", ") + ";\n")
	}
	return b.String()
}

func (a *analyzer) epilogue() string {
	var b strings.Builder
	for _, r := range a.out.Registrations {
		b.WriteString("$RefreshReg$(" + r.Target + ", " + jsString(r.Name) + ");\n")
	}
	id := jsString(a.in.id)
	b.WriteString(`if (import.meta.hot && !inWebWorker) {
  window.$RefreshReg$ = prevRefreshReg;
  window.$RefreshSig$ = prevRefreshSig;
}
function $RefreshReg$(type, id) {
  RefreshRuntime.register(type, ` + id + ` + " " + id);
}
function $RefreshSig$() {
  return RefreshRuntime.createSignatureFunctionForTransform();
}
`)
	if a.out.Boundary {
		b.WriteString("import * as __vite_react_currentExports from " + jsString(a.in.self) + ";\n")
		b.WriteString(`if (import.meta.hot && !inWebWorker) {
  const currentExports = __vite_react_currentExports;
  queueMicrotask(() => {
    RefreshRuntime.registerExportsForReactRefresh(` + id + `, currentExports);
    import.meta.hot.accept((nextExports) => {
      if (!nextExports) return;
      const invalidateMessage = RefreshRuntime.validateRefreshBoundaryAndEnqueueUpdate(` + id + `, currentExports, nextExports);
      if (invalidateMessage) import.meta.hot.invalidate(invalidateMessage);
    });
  });
}
`)
	}
	return b.String()
}

// jsString quotes s as a JavaScript string literal (JSON, without HTML escaping).
func jsString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
