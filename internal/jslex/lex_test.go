package jslex

import (
	"reflect"
	"testing"
)

func specs(t *testing.T, src string) (static, dynamic []string, metas int) {
	t.Helper()
	r, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	for _, im := range r.Imports {
		switch im.Kind {
		case Static:
			if src[im.SpecStart+1:im.SpecEnd-1] != im.Specifier {
				t.Errorf("span %q does not hold specifier %q", src[im.SpecStart:im.SpecEnd], im.Specifier)
			}
			static = append(static, im.Specifier)
		case Dynamic:
			if im.SpecStart >= 0 {
				dynamic = append(dynamic, im.Specifier)
			} else {
				dynamic = append(dynamic, "<expr:"+src[im.ArgStart:im.ArgEnd]+">")
			}
			if src[im.Start:im.Start+6] != "import" || src[im.End-1] != ')' {
				t.Errorf("dynamic import span %q", src[im.Start:im.End])
			}
		case Meta:
			metas++
		}
	}
	return
}

func TestImports(t *testing.T) {
	cases := []struct {
		name, src       string
		static, dynamic []string
		metas           int
	}{
		{"forms", `import a from "./a.js"
import { b, c as d } from './b.js'
import * as e from "e"
import "./side.css"
export { x } from './x.js'
export * from "./star.js"
export * as ns from "./ns.js"
import json from './data.json' with { type: 'json' }`,
			[]string{"./a.js", "./b.js", "e", "./side.css", "./x.js", "./star.js", "./ns.js", "./data.json"}, nil, 0},
		{"strings and comments hide imports", `const s = "import x from 'no'"
// import y from 'no'
/* import('no') */
const t = 'import("no")'
import real from "./real.js"`, []string{"./real.js"}, nil, 0},
		{"template literals", "const a = `import x from 'no' ${ import('./yes.js') } and ${ `nested ${'}'} import('no')` }`\nimport('./after.js')",
			nil, []string{"./yes.js", "./after.js"}, 0},
		{"regex literals", `const r = /import\('no'\)/g; const q = x / 2 / import('./div.js'); if (a) /"/.test(s); import('./ok.js')`,
			nil, []string{"./div.js", "./ok.js"}, 0},
		{"dynamic expressions", "import(`./locale/${lang}.js`); import('./a.js', { with: { type: 'json' } }); import(foo + '.js')",
			nil, []string{"<expr:`./locale/${lang}.js`>", "./a.js", "<expr:foo + '.js'>"}, 0},
		{"import.meta and properties", `console.log(import.meta.url, import.meta.env.DEV); obj.import('no'); const o = { import: 1 }`,
			nil, nil, 2},
		{"division after paren and brackets", `const a = (b) / 2; const c = d[0] / import('./x.js')`, nil, []string{"./x.js"}, 0},
		{"regex after return and in arrays", "function f(){ return /'/ }\nconst l = [/\"/, import('./y.js')]", nil, []string{"./y.js"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, d, m := specs(t, c.src)
			if !reflect.DeepEqual(s, c.static) {
				t.Errorf("static = %q, want %q", s, c.static)
			}
			if !reflect.DeepEqual(d, c.dynamic) {
				t.Errorf("dynamic = %q, want %q", d, c.dynamic)
			}
			if m != c.metas {
				t.Errorf("import.meta count = %d, want %d", m, c.metas)
			}
		})
	}
}

func TestExports(t *testing.T) {
	src := `export const a = 1, b = { x: 2, y: [3, 4] }
export let c = f(1, 2)
export function d() {}
export async function e() {}
export class F {}
export function* g() {}
const h = 1, i = 2
export { h, i as j }
export default function () {}
export const { k, l: m } = obj
export * from './all.js'`
	r, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "b", "c", "d", "e", "F", "g", "h", "j", "default", "k", "m"}
	if !reflect.DeepEqual(r.Exports, want) {
		t.Errorf("exports = %q, want %q", r.Exports, want)
	}
	if !r.ExportStar || !r.HasModuleSyntax {
		t.Errorf("ExportStar=%v HasModuleSyntax=%v", r.ExportStar, r.HasModuleSyntax)
	}
}

func TestErrors(t *testing.T) {
	for _, src := range []string{`const s = "unterminated`, "const t = `open", "/* open", "import("} {
		if _, err := Parse(src); err == nil {
			t.Errorf("Parse(%q): expected an error", src)
		}
	}
}

// Brackets that do not pair up are reported (after the whole source is read, with every import
// found), as es-module-lexer reports them to Vite's import analysis; balanced code never is.
func TestUnbalanced(t *testing.T) {
	for _, c := range []struct {
		src    string
		offset int // -1: balanced
	}{
		{"export const v = (;\n", 17},
		{"import a from './a.js'\nfoo(\n", 26},
		{"function f() {\n  return 1\n", 13},
		{"a = 1 }\nb = 2\n", 6},
		{"call())\n", 6},
		{"const t = `a ${b} c ${ {x: 1}.x }`; import('./x.js').then((m) => { m() })\n", -1},
		{"if (x) /re(/.test(y); const r = /[)}]/g; a = b / c / (d)\n", -1},
		{"export const { a, b: [c] } = o; export { a as default }\n", -1},
		{"const s = '({['; // ( {\n/* } ) */\n", -1},
	} {
		r, err := Parse(c.src)
		if err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		switch {
		case c.offset < 0 && r.Unbalanced != nil:
			t.Errorf("%q: balanced code reported as unbalanced: %v", c.src, r.Unbalanced)
		case c.offset >= 0 && r.Unbalanced == nil:
			t.Errorf("%q: not reported", c.src)
		case c.offset >= 0 && r.Unbalanced.Offset != c.offset:
			t.Errorf("%q: reported at %d (%s), want %d", c.src, r.Unbalanced.Offset, r.Unbalanced.Msg, c.offset)
		}
	}
	// The imports are all there.
	if r, _ := Parse("import a from './a.js'\nfoo(\n"); len(r.Imports) != 1 || r.Imports[0].Specifier != "./a.js" {
		t.Errorf("imports of unbalanced code: %+v", r.Imports)
	}
}

// An error inside an exported declaration's initializer is reported, not swallowed.
func TestErrorInExportedDeclaration(t *testing.T) {
	for _, src := range []string{"export const v = \"abc\n", "export let t = `x\n"} {
		if _, err := Parse(src); err == nil {
			t.Errorf("%q: no error", src)
		}
	}
}

func TestSpecifierEscapes(t *testing.T) {
	// A specifier without escapes is the source's text; one with escapes is decoded (the fast path
	// must hand the escaped one to the decoder, and a line break ends neither path as a string).
	r, err := Parse("import a from './plain.js'\nimport b from \"./q\\\"uote\\x.js\"\nimport('./dyn\\n.js')")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	var got []string
	for _, im := range r.Imports {
		got = append(got, im.Specifier)
	}
	if want := []string{"./plain.js", "./q\"uotex.js", "./dyn\n.js"}; !reflect.DeepEqual(got, want) {
		t.Errorf("specifiers = %q, want %q", got, want)
	}
	if _, err := Parse("import a from './broken\nx'"); err == nil {
		t.Error("a string broken by a line break parsed")
	}
}
