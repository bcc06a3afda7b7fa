package esbatch

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/evanw/esbuild/pkg/api"
)

var jsxOpts = api.TransformOptions{
	Sourcemap: api.SourceMapExternal, SourcesContent: api.SourcesContentInclude, Target: api.ESNext,
	Charset: api.CharsetUTF8, JSX: api.JSXAutomatic, JSXDev: true, TsconfigRaw: "{}",
	LegalComments: api.LegalCommentsInline,
}

type input struct {
	file, code string
	loader     api.Loader
	opts       api.TransformOptions
}

func corpus() []input {
	cssOpts := api.TransformOptions{Charset: api.CharsetUTF8, Sourcemap: api.SourceMapExternal, Engines: []api.Engine{{Name: api.EngineChrome, Version: "87"}}}
	tsOpts := jsxOpts
	tsOpts.TsconfigRaw = `{"compilerOptions":{"experimentalDecorators":true,"useDefineForClassFields":false}}`
	in := []input{
		{"/app/src/App.jsx", "import { useState } from 'react'\nimport s from './App.module.css'\n/*! legal */\nexport default function App() {\n  const [n, setN] = useState(0)\n  return <main className={s.app} onClick={() => setN(n + 1)}>{n}<>frag</></main>\n}\n", api.LoaderJSX, jsxOpts},
		{"/app/src/util.ts", "export enum Color { Red, Green }\nexport const x: number = 1 as number\nif (process.env.DEBUG) console.log(import.meta.url, typeof require, '</script>')\nawait Promise.resolve()\n", api.LoaderTS, jsxOpts},
		{"/app/src/Page.tsx", "import type { FC } from 'react'\nexport const Page: FC<{a: string}> = ({ a }) => <div title={a}>{a}</div>\nexport class K { x = 1 }\n", api.LoaderTSX, jsxOpts},
		{"/app/src/plain.js", "export const a = 1\nexport default a === -0 ? `t${a}` : /re/g\n", api.LoaderJS, jsxOpts},
		{"/app/src/none.js", "export let b = 2 // loader left empty\n", api.LoaderNone, jsxOpts},
		{"/app/src/dec.ts", "function d(t: any) {}\n@d class C { @d m() {} y: string }\nexport { C }\n", api.LoaderTS, tsOpts},
		{"/app/src/Card_ab12c.module.css", ".card { color: red; animation: spin 1s }\n@keyframes spin { to { rotate: 1turn } }\n:global(.keep) .title { margin: 0 }\n.a { & .b { color: blue } }\n", api.LoaderLocalCSS, cssOpts},
		{"/app/src/Other_99ff0.module.css", ".card { color: green }\n", api.LoaderLocalCSS, cssOpts},
		{"/app/src/index.css", "body { background: url(./bg.png) }\n.x { inset: 0; user-select: none }\n/*! keep */\n", api.LoaderCSS, cssOpts},
		{"/app/node_modules/@scope/pkg-1.0/x~y.jsx", "export default () => <p>pkg</p>\n", api.LoaderJSX, jsxOpts},
	}
	for i := 0; i < 60; i++ {
		in = append(in, input{fmt.Sprintf("/app/src/components/Comp%d.jsx", i), fmt.Sprintf(
			"import { useState } from 'react'\nimport styles from './Comp%[1]d.module.css'\nexport default function Comp%[1]d() {\n  const [c, setC] = useState(%[1]d)\n  return <section className={styles.card} data-comp=\"%[1]d\"><button onClick={() => setC(c + 1)}>{c}</button></section>\n}\n", i),
			api.LoaderJSX, jsxOpts})
	}
	return in
}

func (in input) options() api.TransformOptions {
	o := in.opts
	o.Loader, o.Sourcefile = in.loader, in.file
	return o
}

func same(t *testing.T, name string, got, want api.TransformResult) {
	t.Helper()
	if string(got.Code) != string(want.Code) {
		t.Errorf("%s: code differs from Transform's\n--- batched\n%s\n--- Transform\n%s", name, got.Code, want.Code)
	}
	if string(got.Map) != string(want.Map) {
		t.Errorf("%s: map differs from Transform's\n--- batched\n%s\n--- Transform\n%s", name, got.Map, want.Map)
	}
	if !reflect.DeepEqual(got.Errors, want.Errors) {
		t.Errorf("%s: errors %+v, Transform gives %+v", name, got.Errors, want.Errors)
	}
	if len(got.Warnings) != len(want.Warnings) {
		t.Errorf("%s: %d warnings, Transform gives %d: %+v", name, len(got.Warnings), len(want.Warnings), want.Warnings)
	}
	for i := range got.Warnings {
		if i < len(want.Warnings) && (got.Warnings[i].Text != want.Warnings[i].Text || !reflect.DeepEqual(got.Warnings[i].Location, want.Warnings[i].Location)) {
			t.Errorf("%s: warning %+v, Transform gives %+v", name, got.Warnings[i], want.Warnings[i])
		}
	}
}

// TestBuildMatchesTransform runs whole batches through the build path (not left to timing) and
// compares every file with what api.Transform gives.
func TestBuildMatchesTransform(t *testing.T) {
	byKey := map[string][]*item{}
	for _, in := range corpus() {
		o := in.options()
		if !batchable(o, in.code) {
			t.Fatalf("%s: not batchable", in.file)
		}
		k := optionsKey(o)
		byKey[k] = append(byKey[k], &item{code: in.code, opts: o, done: make(chan struct{})})
	}
	if len(byKey) != 3 {
		t.Fatalf("%d option groups, want 3 (JSX, decorators, CSS)", len(byKey))
	}
	for _, items := range byKey {
		for len(items) > 0 {
			batch, rest := take(items)
			items = rest
			run(batch)
			for _, it := range batch {
				same(t, it.opts.Sourcefile, it.res, api.Transform(it.code, it.opts))
			}
		}
	}
}

// TestErrorInBatch: one file with a syntax error gets Transform's error (file, line, column), and
// the other files of its batch still get their code.
func TestErrorInBatch(t *testing.T) {
	var batch []*item
	for _, in := range corpus()[:4] {
		batch = append(batch, &item{code: in.code, opts: in.options(), done: make(chan struct{})})
	}
	bad := jsxOpts
	bad.Loader, bad.Sourcefile = api.LoaderJSX, "/app/src/Broken.jsx"
	batch = append(batch, &item{code: "export default () => <div>\n  <span>\n</div>\n", opts: bad, done: make(chan struct{})})
	run(batch)
	for _, it := range batch {
		want := api.Transform(it.code, it.opts)
		same(t, it.opts.Sourcefile, it.res, want)
	}
	errs := batch[len(batch)-1].res.Errors
	if len(errs) == 0 || errs[0].Location == nil || errs[0].Location.File != "/app/src/Broken.jsx" || errs[0].Location.Line != 3 {
		t.Fatalf("the broken file's error = %+v, want one at /app/src/Broken.jsx:3", errs)
	}
}

// TestWarningsGoToTheirFile: a warning of a batched build is returned with the file it is about,
// and only with it.
func TestWarningsGoToTheirFile(t *testing.T) {
	a, b := jsxOpts, jsxOpts
	a.Loader, a.Sourcefile = api.LoaderJS, "/app/a.js"
	b.Loader, b.Sourcefile = api.LoaderJS, "/app/b.js"
	batch := []*item{
		{code: "export const z = 1 === -0\n", opts: a, done: make(chan struct{})},
		{code: "export const w = typeof x == 'undefned'\n", opts: b, done: make(chan struct{})},
	}
	run(batch)
	for i, it := range batch {
		same(t, it.opts.Sourcefile, it.res, api.Transform(it.code, it.opts))
		if len(it.res.Warnings) != i {
			t.Errorf("%s: %d warnings, want %d", it.opts.Sourcefile, len(it.res.Warnings), i)
		}
	}
}

// TestTakeKeepsFilesApart: a file asked for twice goes into two builds, and a batch holds at most
// MaxBatch files.
func TestTakeKeepsFilesApart(t *testing.T) {
	var pending []*item
	for i := 0; i < MaxBatch+5; i++ {
		pending = append(pending, &item{opts: api.TransformOptions{Sourcefile: fmt.Sprintf("/f%d.js", i%(MaxBatch+3))}})
	}
	batch, rest := take(pending)
	if len(batch) != MaxBatch || len(rest) != 5 {
		t.Fatalf("take: %d in the batch and %d left, want %d and 5", len(batch), len(rest), MaxBatch)
	}
	seen := map[string]bool{}
	for _, it := range batch {
		if seen[it.opts.Sourcefile] {
			t.Fatalf("%s twice in one batch", it.opts.Sourcefile)
		}
		seen[it.opts.Sourcefile] = true
	}
}

// TestConcurrentCalls: calls from many goroutines (as the dev server's pre-transforms make them)
// each get their own file's result.
func TestConcurrentCalls(t *testing.T) {
	in := corpus()
	var wg sync.WaitGroup
	for round := 0; round < 3; round++ {
		for _, f := range in {
			wg.Add(1)
			go func() {
				defer wg.Done()
				same(t, f.file, Transform(f.code, f.options()), api.Transform(f.code, f.options()))
			}()
		}
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(groups) != 0 {
		t.Fatalf("%d groups left after every call returned", len(groups))
	}
}

// TestNotBatchable: the forms a build cannot reproduce go to Transform.
func TestNotBatchable(t *testing.T) {
	for name, o := range map[string]api.TransformOptions{
		"relative path":  {Sourcefile: "src/a.js"},
		"no path":        {},
		"quote in path":  {Sourcefile: `/a"b.js`},
		"space in path":  {Sourcefile: "/a b.js"},
		"inline map":     {Sourcefile: "/a.js", Sourcemap: api.SourceMapInline},
		"banner":         {Sourcefile: "/a.js", Banner: "/* hi */"},
		"json loader":    {Sourcefile: "/a.json", Loader: api.LoaderJSON},
		"logging":        {Sourcefile: "/a.js", LogLevel: api.LogLevelWarning},
		"windows path":   {Sourcefile: `C:\app\a.js`},
		"virtual module": {Sourcefile: "\x00virtual:a"},
	} {
		if batchable(o, "") {
			t.Errorf("%s: batchable, want not", name)
		}
	}
	if batchable(api.TransformOptions{Sourcefile: "/a.js"}, "if (process.env.NODE_ENV) f()") {
		t.Error("code that reads NODE_ENV is batchable: a build for the browser would define it")
	}
	r := Transform("export default 1", api.TransformOptions{Sourcefile: "src/a.js"})
	if len(r.Errors) > 0 || string(r.Code) != "export default 1;\n" {
		t.Fatalf("unbatched Transform = %q %+v", r.Code, r.Errors)
	}
}

func BenchmarkTransform(b *testing.B) {
	in := corpus()[10:]
	b.Run("api.Transform", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f := in[i%len(in)]
			api.Transform(f.code, f.options())
		}
	})
	for _, size := range []int{10, MaxBatch} {
		b.Run(fmt.Sprintf("build of %d", size), func(b *testing.B) {
			for i := 0; i < b.N; i += size {
				var batch []*item
				for k := 0; k < size; k++ {
					f := in[(i+k)%len(in)]
					batch = append(batch, &item{code: f.code, opts: f.options(), done: make(chan struct{})})
				}
				run(batch)
			}
		})
	}
}

// TestOptionsKey: calls that differ in any option but the file and its loader never share a build.
func TestOptionsKey(t *testing.T) {
	base := jsxOpts
	base.Define = map[string]string{"A": "1", "B": "2"}
	base.Engines = []api.Engine{{Name: api.EngineChrome, Version: "87"}}
	base.JSXFactory = "ab"
	k := optionsKey(base)
	same := base
	same.Loader, same.Sourcefile = api.LoaderTSX, "/other.tsx"
	same.Define = map[string]string{"B": "2", "A": "1"}
	if optionsKey(same) != k {
		t.Error("the file, its loader or the order of a map changed the key")
	}
	for name, change := range map[string]func(*api.TransformOptions){
		"define value":  func(o *api.TransformOptions) { o.Define = map[string]string{"A": "1", "B": "3"} },
		"define key":    func(o *api.TransformOptions) { o.Define = map[string]string{"A": "1", "C": "2"} },
		"engine":        func(o *api.TransformOptions) { o.Engines = []api.Engine{{Name: api.EngineChrome, Version: "88"}} },
		"jsx dev":       func(o *api.TransformOptions) { o.JSXDev = false },
		"tsconfig":      func(o *api.TransformOptions) { o.TsconfigRaw = `{"compilerOptions":{}}` },
		"target":        func(o *api.TransformOptions) { o.Target = api.ES2020 },
		"pure":          func(o *api.TransformOptions) { o.Pure = []string{"f"} },
		"import source": func(o *api.TransformOptions) { o.JSXImportSource = "preact" },
		"string split":  func(o *api.TransformOptions) { o.JSXFactory, o.JSXFragment = "a", "b" },
	} {
		o := base
		change(&o)
		if optionsKey(o) == k {
			t.Errorf("%s: same key", name)
		}
	}
}

func BenchmarkOptionsKey(b *testing.B) {
	o := jsxOpts
	o.Define = map[string]string{"import.meta.env.MODE": `"development"`, "__APP__": "1"}
	for i := 0; i < b.N; i++ {
		optionsKey(o)
	}
}

// sheets is a set of stylesheets in the forms an app has: CSS modules (local names, keyframes,
// :global, nesting, composes within the file), plain stylesheets with url()s, at-rules and legal
// comments.
func sheets() []input {
	cssOpts := api.TransformOptions{Charset: api.CharsetUTF8, Sourcemap: api.SourceMapExternal, SourcesContent: api.SourcesContentExclude,
		Engines: []api.Engine{{Name: api.EngineChrome, Version: "87"}, {Name: api.EngineSafari, Version: "14"}}}
	in := []input{
		{"/app/src/charset.css", "@charset \"utf-8\";\n.é { content: 'ü' }\n", api.LoaderCSS, cssOpts},
		{"/app/src/index.css", "@font-face { font-family: X; src: url(./x.woff2) format('woff2'), url(\"/fonts/y.woff\") }\nbody { background: url(./bg.png) no-repeat, url('data:image/png;base64,iVBOR') }\n@media (min-width: 600px) { .wide { display: grid; inset: 0 } }\n@supports (display: grid) { .g { user-select: none } }\n@layer base { h1 { color: rgb(0 0 0 / 50%) } }\n/*! keep me */\n.n { & > .m { color: #ff000080 } }\n", api.LoaderCSS, cssOpts},
		{"/app/src/Weird name_x.module.css", ".a-b { color: red }\n.c { composes: a-b; margin: 0 }\n", api.LoaderLocalCSS, cssOpts},
		{"/app/src/theme.global.css", ".t { color: blue }\n", api.LoaderGlobalCSS, cssOpts},
	}
	for i := 0; i < 40; i++ {
		in = append(in, input{fmt.Sprintf("/app/src/components/Comp%d_%x.module.css", i, i*7919), fmt.Sprintf(
			".card { padding: %[1]dpx; animation: spin%[1]d 1s infinite; background: url(../assets/i%[1]d.svg) }\n@keyframes spin%[1]d { to { transform: rotate(1turn) } }\n:global(.dark) .title { color: #%06[2]x }\n.button { &:hover { opacity: .%[1]d } }\n@media (prefers-color-scheme: dark) { .children { margin-left: %[1]dpx } }\n",
			i, i*99991%0xffffff), api.LoaderLocalCSS, cssOpts})
	}
	return in
}

// TestStylesheetsLinkTogether: the stylesheets an app asks for at once go into one bundling build,
// and each gets what Transform gives it, byte for byte, map included.
func TestStylesheetsLinkTogether(t *testing.T) {
	var batch []*item
	for _, in := range sheets() {
		batch = append(batch, &item{code: in.code, opts: in.options(), done: make(chan struct{})})
	}
	linked, rest, alone := linkable(batch)
	if len(rest) != 2 || rest[0].opts.Sourcefile != "/app/src/charset.css" || rest[1].opts.Sourcefile != "/app/src/Weird name_x.module.css" || len(alone) != 0 {
		t.Fatalf("left out of the bundling build: %d files and %d alone, want only the ones with @charset and composes", len(rest), len(alone))
	}
	if n := build(linked, true); n != 0 {
		t.Fatalf("%d of %d files fell back to Transform", n, len(linked))
	}
	for _, it := range linked {
		same(t, it.opts.Sourcefile, it.res, api.Transform(it.code, it.opts))
	}
}

// TestStylesheetsThatMightClash: files whose local names could meet are not linked together
// (esbuild would rename one file's names), and still get Transform's result.
func TestStylesheetsThatMightClash(t *testing.T) {
	css := api.TransformOptions{Loader: api.LoaderLocalCSS, Sourcemap: api.SourceMapExternal}
	at := func(file, code string) *item {
		o := css
		o.Sourcefile = file
		return &item{code: code, opts: o, done: make(chan struct{})}
	}
	for name, c := range map[string]struct {
		batch []*item
		alone bool // whether a file must be left to Transform
	}{
		"same base name":            {[]*item{at("/a/Button.module.css", ".x { color: red }"), at("/b/Button.module.css", ".x { color: blue }")}, true},
		"one base begins the other": {[]*item{at("/a/A.module.css", ".b_c { color: red }"), at("/a/A_b.module.css", ".c { color: blue }")}, true},
		"global name of another":    {[]*item{at("/a/A.module.css", ":global(.B_x) { color: red }"), at("/a/B.module.css", ".x { color: blue }")}, true},
		"@import":                   {[]*item{at("/a/A.module.css", "@import './c.css';\n.x { color: red }"), at("/a/B.module.css", ".x { color: blue }")}, false},
	} {
		batch := c.batch
		linked, _, alone := linkable(batch)
		if c.alone && len(alone) == 0 {
			t.Errorf("%s: no file left to Transform", name)
		}
		for _, it := range linked {
			if strings.Contains(it.code, "@import") {
				t.Errorf("%s: %s linked in a bundling build", name, it.opts.Sourcefile)
			}
		}
		run(batch)
		for _, it := range batch {
			same(t, name+": "+it.opts.Sourcefile, it.res, api.Transform(it.code, it.opts))
		}
	}
}

func BenchmarkStylesheets(b *testing.B) {
	in := sheets()[3:]
	b.Run("api.Transform", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			f := in[i%len(in)]
			api.Transform(f.code, f.options())
		}
	})
	b.Run(fmt.Sprintf("build of %d", len(in)), func(b *testing.B) {
		for i := 0; i < b.N; i += len(in) {
			var batch []*item
			for _, f := range in {
				batch = append(batch, &item{code: f.code, opts: f.options(), done: make(chan struct{})})
			}
			run(batch)
		}
	})
}
