package esbatch

import (
	"fmt"
	"reflect"
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
