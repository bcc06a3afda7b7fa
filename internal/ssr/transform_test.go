package ssr

import (
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	gosourcemap "github.com/go-sourcemap/sourcemap"
)

func transform(t *testing.T, code string) *Result {
	t.Helper()
	r, err := Transform(code, nil, "/src/mod.js")
	if err != nil {
		t.Fatalf("Transform(%q): %v", code, err)
	}
	return r
}

// body returns the transformed code without the hoisted prologue lines and blank lines.
func body(code string) string {
	var out []string
	for _, l := range strings.Split(code, "\n") {
		if strings.HasPrefix(l, "const __vite_ssr_import_") || strings.HasPrefix(l, "Object.defineProperty(__vite_ssr_exports__") ||
			strings.HasPrefix(l, "__vite_ssr_exportAll__(") || strings.TrimSpace(l) == "" {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func expectContains(t *testing.T, code string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(code, w) {
			t.Errorf("output lacks %q:\n%s", w, code)
		}
	}
}

func TestImportForms(t *testing.T) {
	r := transform(t, `import x, { a as b, c } from 'm'
import * as ns from "n"
import 'side'
import { "a-b" as ab, default as dflt } from 'o'
import y, * as ns2 from 'm'
import {} from 'empty'
console.log(x, b, c, ns.foo, ab, dflt, y, ns2)
`)
	lines := strings.Split(r.Code, "\n")
	wantPrologue := []string{
		`const __vite_ssr_import_0__ = await __vite_ssr_import__("m", {"importedNames":["default","a","c"]});`,
		`const __vite_ssr_import_1__ = await __vite_ssr_import__("n");`,
		`const __vite_ssr_import_2__ = await __vite_ssr_import__("side");`,
		`const __vite_ssr_import_3__ = await __vite_ssr_import__("o", {"importedNames":["a-b","default"]});`,
		`const __vite_ssr_import_4__ = await __vite_ssr_import__("m", {"importedNames":["default"]});`,
		`const __vite_ssr_import_5__ = await __vite_ssr_import__("empty");`,
	}
	if got := lines[:len(wantPrologue)]; !slices.Equal(got, wantPrologue) {
		t.Errorf("prologue:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantPrologue, "\n"))
	}
	if got, want := body(r.Code), `console.log((0,__vite_ssr_import_0__.default), (0,__vite_ssr_import_0__.a), (0,__vite_ssr_import_0__.c), __vite_ssr_import_1__.foo, (0,__vite_ssr_import_3__["a-b"]), (0,__vite_ssr_import_3__.default), (0,__vite_ssr_import_4__.default), (0,__vite_ssr_import_4__))`; got != want {
		t.Errorf("body:\n%s\nwant:\n%s", got, want)
	}
	if want := []string{"m", "n", "side", "o", "empty"}; !slices.Equal(r.Deps, want) {
		t.Errorf("Deps = %q, want %q", r.Deps, want)
	}
	// Line numbers of the rest of the module only move by the prologue's lines.
	if got := strings.Index(r.Code, "console.log"); strings.Count(r.Code[:got], "\n") != 6+6 {
		t.Errorf("console.log is on output line %d, want 13:\n%s", strings.Count(r.Code[:got], "\n")+1, r.Code)
	}
}

func TestReferenceForms(t *testing.T) {
	cases := []struct{ in, want string }{
		{`f()`, `(0,__vite_ssr_import_0__.f)()`},
		{`f?.()`, `(0,__vite_ssr_import_0__.f)?.()`},
		{`(f)()`, `((0,__vite_ssr_import_0__.f))()`},
		{"f`tpl`", "(0,__vite_ssr_import_0__.f)`tpl`"},
		{`new f()`, `new __vite_ssr_import_0__.f()`},
		{`new f`, `new __vite_ssr_import_0__.f`},
		{`f.x(1)`, `__vite_ssr_import_0__.f.x(1)`},
		{`f?.x`, `__vite_ssr_import_0__.f?.x`},
		{`g(...f)`, `g(...__vite_ssr_import_0__.f)`},
		{`o = { f }`, `o = { f: __vite_ssr_import_0__.f }`},
		{`o = { f, g: f, [f]: 1, f() {}, get f() { return 1 } }`, `o = { f: __vite_ssr_import_0__.f, g: __vite_ssr_import_0__.f, [__vite_ssr_import_0__.f]: 1, f() {}, get f() { return 1 } }`},
		{`o.f; o?.f; o.f.f`, `o.f; o?.f; o.f.f`},
		{"`${f}`", "`${__vite_ssr_import_0__.f}`"},
		{`typeof f === 'function'`, `typeof __vite_ssr_import_0__.f === 'function'`},
		{`class K extends f { f = f; static f = 1; f() { return f } #f = 2; m() { return this.#f } }`,
			`class K extends __vite_ssr_import_0__.f { f = __vite_ssr_import_0__.f; static f = 1; f() { return __vite_ssr_import_0__.f } #f = 2; m() { return this.#f } }`},
		{`f: for (;;) { break f }`, `f: for (;;) { break f }`},
		{`x = a ? f : f`, `x = a ? __vite_ssr_import_0__.f : __vite_ssr_import_0__.f`},
		{`x = f => f`, `x = f => f`},
		{`x = async f => f`, `x = async f => f`},
		{`x = async (a = f) => f`, `x = async (a = __vite_ssr_import_0__.f) => __vite_ssr_import_0__.f`},
		{`x = (a, { b = f }, [c = f], ...d) => [a, b, c, d, f]`, `x = (a, { b = __vite_ssr_import_0__.f }, [c = __vite_ssr_import_0__.f], ...d) => [a, b, c, d, __vite_ssr_import_0__.f]`},
		{`x = ({ f }) => f`, `x = ({ f }) => f`},
		{`x = ({ a: f }) => f`, `x = ({ a: f }) => f`},
		{`x = (a = (f) => f) => f`, `x = (a = (f) => f) => __vite_ssr_import_0__.f`},
		{`x = (a = f) => { var f; return a }`, `x = (a = f) => { var f; return a }`},
		{`function g(a = f) { return f }`, `function g(a = __vite_ssr_import_0__.f) { return __vite_ssr_import_0__.f }`},
		{`function g() { return f; function f() {} }`, `function g() { return f; function f() {} }`},
		{`function g() { { let f } return f }`, `function g() { { let f } return __vite_ssr_import_0__.f }`},
		{`try {} catch ({ f }) { f } finally { f }`, `try {} catch ({ f }) { f } finally { __vite_ssr_import_0__.f }`},
		{`for (const f of a) f; f`, "for (const f of a) f; __vite_ssr_import_0__.f"},
		{`for (var i in f) {}`, `for (var i in __vite_ssr_import_0__.f) {}`},
		{`switch (f) { case f: let f }`, `switch (__vite_ssr_import_0__.f) { case f: let f }`},
		{`x = class f { m() { return f } }; f`, "x = class f { m() { return f } }; __vite_ssr_import_0__.f"},
		{`x = function f() { return f }`, `x = function f() { return f }`},
		{`x = { f: 1 }.f`, `x = { f: 1 }.f`},
		{`[f] = [1]`, `[__vite_ssr_import_0__.f] = [1]`},
		{`f++`, `__vite_ssr_import_0__.f++`},
		{"x = a\nf()", "x = a\n;(0,__vite_ssr_import_0__.f)()"},
		{"x = a;\nf()", "x = a;\n(0,__vite_ssr_import_0__.f)()"},
		{"{\nf()\n}", "{\n(0,__vite_ssr_import_0__.f)()\n}"},
		{"function g() {}\nf()", "function g() {}\n(0,__vite_ssr_import_0__.f)()"},
		{"if (a) {}\nf()", "if (a) {}\n(0,__vite_ssr_import_0__.f)()"},
		{"if (a) b = {}\nf()", "if (a) b = {}\n;(0,__vite_ssr_import_0__.f)()"},
		{"do f(); while (a)\nf()", "do (0,__vite_ssr_import_0__.f)(); while (a)\n(0,__vite_ssr_import_0__.f)()"},
		{"if (a) b\nelse f()", "if (a) b\nelse (0,__vite_ssr_import_0__.f)()"},
		{"x = () => {\n  a\n  f()\n}", "x = () => {\n  a\n  ;(0,__vite_ssr_import_0__.f)()\n}"},
		{"switch (a) { case 1: b\nf()\ncase 2:\nf() }", "switch (a) { case 1: b\n;(0,__vite_ssr_import_0__.f)()\ncase 2:\n(0,__vite_ssr_import_0__.f)() }"},
		{"x = a / f / 2; y = /f/g.test(s)", "x = a / __vite_ssr_import_0__.f / 2; y = /f/g.test(s)"},
		{"if (a) /f/.test(f)", "if (a) /f/.test((0,__vite_ssr_import_0__.f))"},
		{"s = 'f' + \"f\" + `f${`f${f}`}` // f\n/* f */", "s = 'f' + \"f\" + `f${`f${__vite_ssr_import_0__.f}`}` // f\n/* f */"},
		{"x = { a: { f } }.a", "x = { a: { f: __vite_ssr_import_0__.f } }.a"},
		{"x = #f in this", "x = #f in this"},
		{"function* g() { yield f; yield* f; yield }", "function* g() { yield __vite_ssr_import_0__.f; yield* __vite_ssr_import_0__.f; yield }"},
		{"async function g() { for await (const x of f) await f }", "async function g() { for await (const x of __vite_ssr_import_0__.f) await __vite_ssr_import_0__.f }"},
		{"x = a?.[f]?.(f)", "x = a?.[__vite_ssr_import_0__.f]?.((0,__vite_ssr_import_0__.f))"},
		{"x = 1_000n + 0x1fn + .5e-3 + 1..toString()", "x = 1_000n + 0x1fn + .5e-3 + 1..toString()"},
		{"const café = f", "const café = __vite_ssr_import_0__.f"},
		{"x = a.default + a.class + a.f", "x = a.default + a.class + a.f"},
		{"class K { static { let f; f } static { f } }", "class K { static { let f; f } static { __vite_ssr_import_0__.f } }"},
		{"x = { get: f, set: f, async: f, get() {}, async *f() {} }", "x = { get: __vite_ssr_import_0__.f, set: __vite_ssr_import_0__.f, async: __vite_ssr_import_0__.f, get() {}, async *f() {} }"},
		{"x = new.target ?? super.f", "x = new.target ?? super.f"},
		{"x = a\n++f", "x = a\n++__vite_ssr_import_0__.f"},
		{"x = async in f", "x = async in __vite_ssr_import_0__.f"},
	}
	for _, c := range cases {
		r := transform(t, "import { f } from 'm'\n"+c.in)
		if got := body(r.Code); got != c.want {
			t.Errorf("%s\n got: %s\nwant: %s", c.in, got, c.want)
		}
	}
}

func TestExportForms(t *testing.T) {
	r := transform(t, `import { imp } from 'i'
export const a = 1, { b, c: [d] } = o
export let e
export var f
export function g() {}
export async function h() {}
export function* gen() {}
export class C {}
const l = 1
export { l, l as l2, imp, imp as "imp 2" }
export { x, y as z, default as w, "s t" as u } from 'm'
export * from 'all'
export * as ns from 'nsmod'
export default function named() {}
`)
	want := []string{
		`Object.defineProperty(__vite_ssr_exports__, "a", { enumerable: true, configurable: true, get(){ try { return a } catch {} }});`,
		`"b", { enumerable: true, configurable: true, get(){ try { return b } catch {} }});`,
		`"d", { enumerable: true, configurable: true, get(){ try { return d } catch {} }});`,
		`"e", {`, `"f", {`, `"g", {`, `"h", {`, `"gen", {`, `"C", {`, `"l", {`,
		`"l2", { enumerable: true, configurable: true, get(){ try { return l } catch {} }});`,
		`"imp", { enumerable: true, configurable: true, get(){ try { return __vite_ssr_import_0__.imp } catch {} }});`,
		`"imp 2", { enumerable: true, configurable: true, get(){ try { return __vite_ssr_import_0__.imp } catch {} }});`,
		`"x", { enumerable: true, configurable: true, get(){ try { return __vite_ssr_import_1__.x } catch {} }});`,
		`"z", { enumerable: true, configurable: true, get(){ try { return __vite_ssr_import_1__.y } catch {} }});`,
		`"w", { enumerable: true, configurable: true, get(){ try { return __vite_ssr_import_1__.default } catch {} }});`,
		`"u", { enumerable: true, configurable: true, get(){ try { return __vite_ssr_import_1__["s t"] } catch {} }});`,
		`"ns", { enumerable: true, configurable: true, get(){ try { return __vite_ssr_import_3__ } catch {} }});`,
		`"default", { enumerable: true, configurable: true, get(){ try { return named } catch {} }});`,
		`const __vite_ssr_import_1__ = await __vite_ssr_import__("m", {"importedNames":["x","y","default","s t"]});`,
		"const __vite_ssr_import_2__ = await __vite_ssr_import__(\"all\");\n__vite_ssr_exportAll__(__vite_ssr_import_2__);\n",
		`const __vite_ssr_import_3__ = await __vite_ssr_import__("nsmod");`,
		"\nconst a = 1, { b, c: [d] } = o\nlet e\nvar f\nfunction g() {}\nasync function h() {}\nfunction* gen() {}\nclass C {}\nconst l = 1\n",
		"\nfunction named() {}",
	}
	expectContains(t, r.Code, want...)
	if regexp.MustCompile(`\bexport\s`).MatchString(r.Code) {
		t.Errorf("an export keyword is left:\n%s", r.Code)
	}
	// Getters come before the imports so a cycle sees hoisted functions.
	if strings.Index(r.Code, "Object.defineProperty") > strings.Index(r.Code, "await __vite_ssr_import__") {
		t.Errorf("export getters are not first:\n%s", r.Code)
	}

	for _, c := range []struct{ in, want string }{
		{"export default 1 + 2", "const __vite_ssr_export_default__ = 1 + 2;"},
		{"export default x;\n(a)", "const __vite_ssr_export_default__ = x;\n(a)"},
		{"export default function () {}\n(a)", "const __vite_ssr_export_default__ = function () {};\n(a)"},
		{"export default async function () {}", "const __vite_ssr_export_default__ = async function () {};"},
		{"export default class {}\n[a]", "const __vite_ssr_export_default__ = class {};\n[a]"},
		{"export default class extends B {}", "const __vite_ssr_export_default__ = class extends B {};"},
		{"export default class K {}", "class K {}"},
		{"export default (function () {})", "const __vite_ssr_export_default__ = (function () {});"},
	} {
		r := transform(t, c.in)
		if got := body(r.Code); got != c.want {
			t.Errorf("%s\n got: %s\nwant: %s", c.in, got, c.want)
		}
	}
}

func TestRemovedStatementsKeepStatementsApart(t *testing.T) {
	// Without a ';' where the import was, `b` and `(c)` would become a call.
	r := transform(t, "let a = b\nimport x from 'm'\n(c)\nexport { a }\n[1].map(d)")
	if got, want := body(r.Code), "let a = b\n;\n(c)\n;\n[1].map(d)"; got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	r = transform(t, "let a = b;\nimport x from 'm'\n(c)")
	if got, want := body(r.Code), "let a = b;\n(c)"; got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestImportMetaAndDynamicImport(t *testing.T) {
	r := transform(t, `const u = import.meta.url, e = import.meta.env?.DEV
const a = await import('./a.js'), b = import("./b.js", { with: { type: 'json' } }), c = import(name), d = import('./a.js')
import.meta.hot?.accept()
function f() { return import(`+"`./${x}.js`"+`) }
`)
	expectContains(t, r.Code,
		"const u = __vite_ssr_import_meta__.url, e = __vite_ssr_import_meta__.env?.DEV",
		`const a = await __vite_ssr_dynamic_import__('./a.js'), b = __vite_ssr_dynamic_import__("./b.js", { with: { type: 'json' } }), c = __vite_ssr_dynamic_import__(name), d = __vite_ssr_dynamic_import__('./a.js')`,
		"__vite_ssr_import_meta__.hot?.accept()",
		"return __vite_ssr_dynamic_import__(`./${x}.js`)")
	if want := []string{"./a.js", "./b.js"}; !slices.Equal(r.DynamicDeps, want) {
		t.Errorf("DynamicDeps = %q, want %q", r.DynamicDeps, want)
	}
	if len(r.Deps) != 0 {
		t.Errorf("Deps = %q", r.Deps)
	}
}

func TestHashbang(t *testing.T) {
	r := transform(t, "#!/usr/bin/env node\nimport x from 'm'\nx()")
	if !strings.HasPrefix(r.Code, "///usr/bin/env node\nconst __vite_ssr_import_0__") {
		t.Errorf("got:\n%s", r.Code)
	}
	r = transform(t, "#!/usr/bin/env node")
	if r.Code != "///usr/bin/env node" {
		t.Errorf("got %q", r.Code)
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, c := range []struct {
		in         string
		line, col  int
		msgContent string
	}{
		{"let a = 1\nlet b = (\n", 3, 0, "unexpected end of input"},
		{"a = 'unterminated\n", 1, 4, "unterminated string"},
		{"function f() {\n  import x from 'm'\n}", 2, 2, "top level"},
		{"x = 1 2", 1, 6, "unexpected token '2'"},
		{"/* never closed", 1, 0, "unterminated comment"},
	} {
		_, err := Transform(c.in, nil, "/src/bad.js")
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: err = %v, want *Error", c.in, err)
			continue
		}
		if e.Line != c.line || e.Column != c.col || !strings.Contains(e.Msg, c.msgContent) || !strings.HasPrefix(e.Error(), "/src/bad.js:") {
			t.Errorf("%q: got %v (line %d col %d), want line %d col %d containing %q", c.in, e, e.Line, e.Column, c.line, c.col, c.msgContent)
		}
	}
}

// mapped returns the original line (1-based) that output line (1-based) and column map to.
func mapped(t *testing.T, m []byte, line, col int) (string, int) {
	t.Helper()
	c, err := gosourcemap.Parse("", m)
	if err != nil {
		t.Fatal(err)
	}
	file, _, l, _, ok := c.Source(line, col)
	if !ok {
		t.Fatalf("output %d:%d is not mapped", line, col)
	}
	return file, l
}

func outputPos(code, needle string) (int, int) {
	i := strings.Index(code, needle)
	line := strings.Count(code[:i], "\n") + 1
	return line, i - (strings.LastIndex(code[:i], "\n") + 1)
}

func TestSourceMap(t *testing.T) {
	src := "import { a } from 'm'\nimport {\n  b,\n} from 'n'\n\nexport const c = a + b\nconsole.log(a, 'é😀', b)\nexport default c\n"
	r := transform(t, src)
	var m struct {
		Sources        []string
		SourcesContent []string
	}
	if err := json.Unmarshal(r.Map, &m); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Sources, []string{"mod.js"}) || len(m.SourcesContent) != 1 || m.SourcesContent[0] != src {
		t.Errorf("sources = %q, content = %q", m.Sources, m.SourcesContent)
	}
	for _, c := range []struct {
		needle string
		line   int
	}{
		{"const c =", 6},
		{"console.log", 7},
		{"__vite_ssr_import_1__.b)", 7},
		{"const __vite_ssr_export_default__", 8},
		{"const __vite_ssr_import_1__", 2},
		{`"c", {`, 6},
	} {
		line, col := outputPos(r.Code, c.needle)
		if _, got := mapped(t, r.Map, line, col); got != c.line {
			t.Errorf("%q at output %d:%d maps to line %d, want %d\n%s", c.needle, line, col, got, c.line, r.Code)
		}
	}

	// With an input map (say from a TS compile that moved everything down three lines), the result
	// maps to the input map's source.
	in := `{"version":3,"sources":["orig.ts"],"names":[],"mappings":";;;AAAA;AACA;AACA;AACA;AACA;AACA;AACA;AACA"}`
	r2, err := Transform(src, []byte(in), "/src/mod.js")
	if err != nil {
		t.Fatal(err)
	}
	line, col := outputPos(r2.Code, "console.log")
	if file, got := mapped(t, r2.Map, line, col); file != "orig.ts" || got != 4 {
		t.Errorf("console.log maps to %s:%d through the input map, want orig.ts:4", file, got)
	}
	// Vite's convention: an input map with empty mappings is passed through.
	empty := []byte(`{"mappings":""}`)
	if r3, _ := Transform(src, empty, "/src/mod.js"); string(r3.Map) != string(empty) {
		t.Errorf("map = %s", r3.Map)
	}
}

func TestCRLF(t *testing.T) {
	r := transform(t, "import { a } from 'm'\r\nexport const b = a\r\nb\r\n(a)\r\nthrow a")
	if got, want := body(r.Code), "const b = __vite_ssr_import_0__.a\r\nb\r\n((0,__vite_ssr_import_0__.a))\r\nthrow __vite_ssr_import_0__.a"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	line, col := outputPos(r.Code, "throw")
	if _, got := mapped(t, r.Map, line, col); got != 5 {
		t.Errorf("throw maps to line %d, want 5", got)
	}
}

func TestMapColumnsAreUTF16(t *testing.T) {
	r := transform(t, "import { a } from 'm'\nx = '😀é' + a + b")
	// Output line 2 (after the one prologue line and the removed import's line) holds the body.
	lines := strings.Split(r.Code, "\n")
	if lines[2] != "x = '😀é' + __vite_ssr_import_0__.a + b" {
		t.Fatalf("line = %q", lines[2])
	}
	c, err := gosourcemap.Parse("", r.Map)
	if err != nil {
		t.Fatal(err)
	}
	// "b" is at UTF-16 column 38 in the output and 16 in the source.
	if _, _, l, col, ok := c.Source(3, 38); !ok || l != 2 || col != 16 {
		t.Errorf("b maps to %d:%d (%v), want 2:16", l, col, ok)
	}
}

func TestLargeInputIsLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("import { f } from 'm'\n")
	for i := 0; i < 5000; i++ {
		b.WriteString("export const v")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString("_")
		b.WriteString(strings.Repeat("1", 1+i%3))
		b.WriteString(" = (a, b = f) => f(a, b, `${f}`, /re/g, { f }) ? ((a)) : [a, ...b];\n")
	}
	r, err := Transform(b.String(), nil, "/big.js")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(r.Code, "__vite_ssr_import_0__.f"); n != 4*5000 {
		t.Errorf("only %d rewritten references", n)
	}
}
