package optimizer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/jslex"

	"github.com/govite/govite/internal/testutil/tools"
)

// --- helpers ---

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// logBuffer collects log records for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fakePackages are small packages for most tests: CommonJS, ES modules with `exports` conditions, a
// package shared by two others, one that imports a Node built-in and a CSS file.
var fakePackages = map[string]string{
	"node_modules/cjs-pkg/package.json": `{"name":"cjs-pkg","version":"1.0.0","main":"index.js"}`,
	"node_modules/cjs-pkg/index.js": `
var shared = require("cjs-shared");
exports.hello = "hi";
exports.add = function (a, b) { return a + b + shared.zero; };
exports.env = process.env.NODE_ENV;`,
	"node_modules/cjs-shared/package.json": `{"name":"cjs-shared","main":"index.js"}`,
	"node_modules/cjs-shared/index.js":     `module.exports = { zero: 0 };`,

	"node_modules/esm-pkg/package.json": `{"name":"esm-pkg","type":"module","exports":{
		".":{"browser":{"development":"./dev.js","default":"./browser.js"},"import":"./node.js","default":"./node.js"},
		"./debounce":"./debounce.js"}}`,
	"node_modules/esm-pkg/dev.js":      `export const which = "browser-dev"; export default function hi() { return "hi" }`,
	"node_modules/esm-pkg/browser.js":  `export const which = "browser-prod"; export default function hi() { return "hi" }`,
	"node_modules/esm-pkg/node.js":     `export const which = "node";`,
	"node_modules/esm-pkg/debounce.js": `export default function debounce(fn) { return fn }`,

	"node_modules/shared/package.json": `{"name":"shared","type":"module","main":"index.js"}`,
	"node_modules/shared/index.js":     `export const instances = []; instances.push(Math.random()); export function id() { return instances[0] }`,
	"node_modules/lib-a/package.json":  `{"name":"lib-a","type":"module","main":"index.js"}`,
	"node_modules/lib-a/index.js":      `import { id } from "shared"; export const a = () => id();`,
	"node_modules/lib-b/package.json":  `{"name":"lib-b","type":"module","main":"index.js"}`,
	"node_modules/lib-b/index.js":      `import { id } from "shared"; export const b = () => id();`,

	"node_modules/@scope/pkg/package.json":  `{"name":"@scope/pkg","type":"module","module":"esm/index.js","main":"cjs/index.js"}`,
	"node_modules/@scope/pkg/esm/index.js":  `import "./style.css"; export const scoped = true;`,
	"node_modules/@scope/pkg/esm/style.css": `.x { color: red }`,
	"node_modules/@scope/pkg/cjs/index.js":  `exports.scoped = "cjs";`,

	"node_modules/uses-fs/package.json": `{"name":"uses-fs","main":"index.js"}`,
	"node_modules/uses-fs/index.js":     `var fs = require("fs"); exports.hasFs = typeof fs;`,

	"node_modules/excluded-pkg/package.json":  `{"name":"excluded-pkg","type":"module","main":"index.js"}`,
	"node_modules/excluded-pkg/index.js":      `export const excluded = true;`,
	"node_modules/uses-excluded/package.json": `{"name":"uses-excluded","type":"module","main":"index.js"}`,
	"node_modules/uses-excluded/index.js":     `export { excluded } from "excluded-pkg";`,

	"node_modules/dyn-pkg/package.json":     `{"name":"dyn-pkg","type":"module","main":"index.js"}`,
	"node_modules/dyn-pkg/index.js":         `export const dyn = 1;`,
	"node_modules/inline-dep/package.json":  `{"name":"inline-dep","type":"module","main":"index.js"}`,
	"node_modules/inline-dep/index.js":      `export const inline = 1;`,
	"node_modules/late-pkg/package.json":    `{"name":"late-pkg","type":"module","main":"index.js"}`,
	"node_modules/late-pkg/index.js":        `export const late = 1;`,
	"node_modules/late-cjs/package.json":    `{"name":"late-cjs","main":"index.js"}`,
	"node_modules/late-cjs/index.js":        `exports.lateCjs = 1;`,
	"node_modules/late-shared/package.json": `{"name":"late-shared","type":"module","main":"index.js"}`,
	"node_modules/late-shared/index.js":     `import { id } from "shared"; export const c = () => id();`,
	"node_modules/broken-pkg/package.json":  `{"name":"broken-pkg","type":"module","main":"index.js"}`,
	"node_modules/broken-pkg/index.js":      `import "does-not-exist-anywhere"; export const x = 1;`,

	// A fake React: CommonJS with the JSX runtime, enough for the scan of TSX.
	"node_modules/react/package.json":       `{"name":"react","main":"index.js"}`,
	"node_modules/react/index.js":           `exports.createElement = function () {}; exports.useState = function (v) { return [v] };`,
	"node_modules/react/jsx-dev-runtime.js": `exports.jsxDEV = function () {}; exports.Fragment = "fragment";`,
	"node_modules/react/jsx-runtime.js":     `exports.jsx = function () {}; exports.Fragment = "fragment";`,
	"package-lock.json":                     `{"lockfileVersion": 3}`,
}

// fakeProject writes a project that uses the fake packages and returns its root.
func fakeProject(t *testing.T, extra map[string]string) string {
	t.Helper()
	root := t.TempDir()
	root, _ = filepath.EvalSymlinks(root)
	files := map[string]string{
		"index.html": `<!doctype html>
<html><head>
<script type="module" src="/src/main.tsx"></script>
<script type="module">import { inline } from "inline-dep"; console.log(inline)</script>
<script>import "not-a-module-script"</script>
<!-- <script type="module" src="/src/commented.ts"></script> -->
</head><body></body></html>`,
		"src/main.tsx": `import type { Types } from "types-only";
import { hello } from "cjs-pkg";
import hi, { which } from "esm-pkg";
import debounce from "esm-pkg/debounce";
import { a } from "lib-a";
import { b } from "lib-b";
import { scoped } from "@scope/pkg";
import { hasFs } from "uses-fs";
import "./style.css";
import logo from "./logo.svg";
import data from "./data.json";
import { helper } from "./helper";
const x: Types | null = null;
export function App() { return <div>{hello}{which}{logo}</div>; }
import("dyn-pkg").then(m => m.dyn);
console.log(hi, debounce, a, b, scoped, hasFs, data, helper, x);`,
		"src/helper.ts": `export const helper: number = 1;`,
		"src/style.css": `body {}`,
		"src/logo.svg":  `<svg/>`,
		"src/data.json": `{}`,
	}
	for k, v := range fakePackages {
		files[k] = v
	}
	for k, v := range extra {
		files[k] = v
	}
	writeFiles(t, root, files)
	return root
}

func newOpt(t *testing.T, root string, mod func(*Options)) (*Optimizer, *logBuffer) {
	t.Helper()
	t.Setenv("NODE_ENV", "") // the deps' NODE_ENV comes from Mode
	logs := &logBuffer{}
	opts := Options{
		Root:     root,
		CacheDir: filepath.Join(root, "node_modules", ".vite"),
		Entries:  []string{filepath.Join(root, "index.html")},
		Mode:     "development",
		Logger:   logs.logger(),
	}
	if mod != nil {
		mod(&opts)
	}
	o := New(opts)
	t.Cleanup(o.Close)
	return o, logs
}

func depIDs(o *Optimizer) []string {
	var ids []string
	for _, d := range o.Deps() {
		ids = append(ids, d.ID)
	}
	return ids
}

func mustLookup(t *testing.T, o *Optimizer, id string) *DepInfo {
	t.Helper()
	d, ok := o.Lookup(id)
	if !ok {
		t.Fatalf("%q is not optimized; deps: %v", id, depIDs(o))
	}
	return d
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func inode(t *testing.T, p string) uint64 {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Ino)
	}
	return 0
}

// --- tests ---

func TestFlattenID(t *testing.T) {
	for in, want := range map[string]string{
		"react":              "react",
		"react-dom/client":   "react-dom_client",
		"@scope/pkg":         "@scope_pkg",
		"lodash.get":         "lodash__get",
		"a_b":                "a___b",
		"lodash-es/debounce": "lodash-es_debounce",
		"pkg > nested":       "pkg_n_nested",
		"a:b":                "a_03a_b",
	} {
		if got := FlattenID(in); got != want {
			t.Errorf("FlattenID(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("x", 200)
	if got := FlattenID(long); len(got) != 170 {
		t.Errorf("long id flattened to %d characters", len(got))
	}
}

func TestScanHTMLAndTSX(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"src/broken.ts": `export const = ;`,
		"src/other.ts":  `import "./broken"; import "late-pkg";`,
	})
	o, logs := newOpt(t, root, func(opts *Options) {
		opts.Entries = append(opts.Entries, filepath.Join(root, "src/other.ts"))
	})
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{"@scope/pkg", "cjs-pkg", "dyn-pkg", "esm-pkg", "esm-pkg/debounce", "inline-dep", "late-pkg", "lib-a", "lib-b", "react/jsx-dev-runtime", "uses-fs"}
	if got := depIDs(o); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("deps = %v\nwant %v\nlogs:\n%s", got, want, logs)
	}
	// The syntax error is a warning, not a failure; the unresolved import is reported.
	if !strings.Contains(logs.String(), "broken.ts") {
		t.Errorf("no warning about src/broken.ts:\n%s", logs)
	}
	// A type-only import is not a dependency, and a classic script is not read.
	for _, s := range []string{"types-only", "not-a-module-script", "commented"} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("%s was scanned:\n%s", s, logs)
		}
	}

	esm := mustLookup(t, o, "esm-pkg")
	if esm.NeedsInterop {
		t.Errorf("esm-pkg needs interop")
	}
	if !strings.HasSuffix(esm.Src, filepath.Join("esm-pkg", "dev.js")) {
		t.Errorf("esm-pkg resolved to %s, want the browser development condition (dev.js)", esm.Src)
	}
	if got := strings.Join(esm.Exports, ","); got != "default,which" {
		t.Errorf("esm-pkg exports = %s", got)
	}
	if filepath.Base(mustLookup(t, o, "@scope/pkg").File) != "@scope_pkg.js" {
		t.Errorf("@scope/pkg file = %s", mustLookup(t, o, "@scope/pkg").File)
	}
	if filepath.Base(mustLookup(t, o, "esm-pkg/debounce").File) != "esm-pkg_debounce.js" {
		t.Errorf("esm-pkg/debounce file")
	}
	// CSS imported by a package stays an import of the file (the server serves it).
	scoped := readFile(t, mustLookup(t, o, "@scope/pkg").File)
	if !strings.Contains(scoped, filepath.Join(root, "node_modules/@scope/pkg/esm/style.css")) {
		t.Errorf("@scope/pkg does not import its CSS file:\n%s", scoped)
	}
	// A Node built-in becomes the browser stand-in.
	fsDep := readFile(t, mustLookup(t, o, "uses-fs").File)
	if !strings.Contains(fsDep, "externalized for browser compatibility") {
		var all string
		for _, c := range o.meta.Chunks {
			all += readFile(t, c)
		}
		if !strings.Contains(all, "externalized for browser compatibility") {
			t.Errorf("uses-fs: no browser stand-in for fs:\n%s", fsDep)
		}
	}
	for _, d := range o.Deps() {
		if !o.IsOptimizedFile(d.File) {
			t.Errorf("%s: %s is not in the deps dir", d.ID, d.File)
		}
		if _, err := os.Stat(d.File + ".map"); err != nil {
			t.Errorf("%s: no source map", d.ID)
		}
	}
	if o.BrowserHash() == "" || len(o.BrowserHash()) != 8 {
		t.Errorf("browser hash %q", o.BrowserHash())
	}
	meta := readFile(t, filepath.Join(o.DepsDir(), "_metadata.json"))
	for _, key := range []string{`"hash"`, `"configHash"`, `"lockfileHash"`, `"browserHash"`, `"optimized"`, `"chunks"`, `"fileHash"`, `"needsInterop": true`, `"src": "../../cjs-pkg/index.js"`, `"file": "cjs-pkg.js"`} {
		if !strings.Contains(meta, key) {
			t.Errorf("_metadata.json has no %s:\n%s", key, meta)
		}
	}
	if pj := readFile(t, filepath.Join(o.DepsDir(), "package.json")); !strings.Contains(pj, `"type": "module"`) {
		t.Errorf("deps/package.json = %s", pj)
	}
}

func TestScanGlobImports(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"src/main.tsx":           `const pages = import.meta.glob<any>("./pages/**/*.tsx"); const more = import.meta.glob(["/src/more/*.js", "!/src/more/skip.js"], { eager: true }); console.log(pages, more)`,
		"src/pages/a.tsx":        `import { a } from "lib-a"; export default a;`,
		"src/pages/nested/b.tsx": `import { b } from "lib-b"; export default b;`,
		"src/more/c.js":          `import { dyn } from "dyn-pkg"; export default dyn;`,
		"src/more/skip.js":       `import { late } from "late-pkg"; export default late;`,
	})
	o, logs := newOpt(t, root, nil)
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(depIDs(o), ","); got != "dyn-pkg,inline-dep,lib-a,lib-b" {
		t.Errorf("deps = %s\n%s", got, logs)
	}
}

func TestMissingImportsAreWarnings(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"src/main.tsx": `import "not-installed"; import "virtual:thing"; import { hello } from "cjs-pkg"; console.log(hello)`,
	})
	o, logs := newOpt(t, root, nil)
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := o.Lookup("cjs-pkg"); !ok {
		t.Fatalf("cjs-pkg not optimized: %v", depIDs(o))
	}
	if !strings.Contains(logs.String(), "not-installed") || !strings.Contains(logs.String(), "Are they installed?") {
		t.Errorf("no warning for the missing package:\n%s", logs)
	}
	if strings.Contains(logs.String(), "virtual:thing") {
		t.Errorf("a virtual module is reported missing:\n%s", logs)
	}
}

func TestIncludeExclude(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"src/main.tsx": `import { excluded } from "uses-excluded"; import { hello } from "cjs-pkg"; console.log(excluded, hello)`,
		// a linked package: its real path is outside node_modules, so it is read as source
		"linked/package.json":                                `{"name":"linked","type":"module","main":"index.js"}`,
		"linked/index.js":                                    `import { late } from "late-pkg"; export const linked = late;`,
		"src/uses-linked.js":                                 `import { linked } from "linked"; import "excluded-pkg"; console.log(linked)`,
		"node_modules/outer/package.json":                    `{"name":"outer","type":"module","main":"index.js"}`,
		"node_modules/outer/index.js":                        `export { inner } from "inner";`,
		"node_modules/outer/node_modules/inner/package.json": `{"name":"inner","main":"index.js"}`,
		"node_modules/outer/node_modules/inner/index.js":     `exports.inner = "nested";`,
	})
	if err := os.Symlink(filepath.Join(root, "linked"), filepath.Join(root, "node_modules", "linked")); err != nil {
		t.Fatal(err)
	}
	o, logs := newOpt(t, root, func(opts *Options) {
		opts.Entries = append(opts.Entries, filepath.Join(root, "src/uses-linked.js"))
		opts.Include = []string{"esm-pkg/debounce", "lib-a", "outer > inner", "does-not-exist", "@scope/pkg/esm/style.css"}
		opts.Exclude = []string{"excluded-pkg", "cjs-pkg"}
	})
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	ids := strings.Join(depIDs(o), ",")
	for _, want := range []string{"esm-pkg/debounce", "lib-a", "outer > inner", "uses-excluded", "late-pkg", "inline-dep"} {
		if _, ok := o.Lookup(want); !ok {
			t.Errorf("%s not optimized: %s", want, ids)
		}
	}
	for _, not := range []string{"excluded-pkg", "cjs-pkg", "linked", "does-not-exist"} {
		if _, ok := o.Lookup(not); ok {
			t.Errorf("%s optimized: %s", not, ids)
		}
	}
	nested := mustLookup(t, o, "outer>inner")
	if filepath.Base(nested.File) != "outer_n_inner.js" || !nested.NeedsInterop {
		t.Errorf("outer > inner = %+v", nested)
	}
	// The excluded package stays an import in the bundle of the one that uses it.
	if code := readFile(t, mustLookup(t, o, "uses-excluded").File); !strings.Contains(code, `from "excluded-pkg"`) {
		t.Errorf("uses-excluded does not import excluded-pkg:\n%s", code)
	}
	if !strings.Contains(logs.String(), "Failed to resolve dependency: does-not-exist") {
		t.Errorf("no warning for the unresolvable include:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "Cannot optimize dependency: @scope/pkg/esm/style.css") {
		t.Errorf("no warning for the CSS include:\n%s", logs)
	}
	// Register does not take excluded or linked packages.
	if _, ok := o.Register("excluded-pkg", filepath.Join(root, "src/main.tsx")); ok {
		t.Errorf("Register took an excluded package")
	}
	if _, ok := o.Register("linked", filepath.Join(root, "src/main.tsx")); ok {
		t.Errorf("Register took a linked package")
	}
	if _, ok := o.Register("./local", filepath.Join(root, "src/main.tsx")); ok {
		t.Errorf("Register took a relative import")
	}
}

func TestNoDiscovery(t *testing.T) {
	root := fakeProject(t, nil)
	o, _ := newOpt(t, root, func(opts *Options) {
		opts.NoDiscovery = true
		opts.Include = []string{"lib-a"}
	})
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(depIDs(o), ","); got != "lib-a" {
		t.Errorf("deps = %s", got)
	}
	if _, ok := o.Register("cjs-pkg", filepath.Join(root, "src/main.tsx")); ok {
		t.Errorf("Register works with NoDiscovery")
	}
}

func TestSharedChunk(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"src/main.tsx": `import { a } from "lib-a"; import { b } from "lib-b"; console.log(a(), b())`,
	})
	o, _ := newOpt(t, root, nil)
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	a := readFile(t, mustLookup(t, o, "lib-a").File)
	b := readFile(t, mustLookup(t, o, "lib-b").File)
	if strings.Contains(a, "instances.push") || strings.Contains(b, "instances.push") {
		t.Fatalf("the shared package is copied into an entry:\n%s\n---\n%s", a, b)
	}
	var chunk string
	for id, f := range o.meta.Chunks {
		if strings.HasPrefix(id, "chunk-") && strings.Contains(readFile(t, f), "instances.push") {
			chunk = filepath.Base(f)
		}
	}
	if chunk == "" {
		t.Fatalf("no chunk holds the shared package; chunks: %v", o.meta.Chunks)
	}
	if !strings.Contains(a, "./"+chunk) || !strings.Contains(b, "./"+chunk) {
		t.Errorf("the entries do not both import %s", chunk)
	}
	// Run both entries: one instance of the shared package.
	got := runModules(t, o, `import { a } from "lib-a"; import { b } from "lib-b"; globalThis.result = a() === b() && typeof a() === "number";`, nil)
	if got != true {
		t.Errorf("two copies of the shared package: %v", got)
	}
}

func TestCJSInteropAndRewrite(t *testing.T) {
	root := fakeProject(t, nil)
	o, _ := newOpt(t, root, nil)
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	cjs := mustLookup(t, o, "cjs-pkg")
	if !cjs.NeedsInterop || strings.Join(cjs.Exports, ",") != "default" {
		t.Errorf("cjs-pkg: %+v", cjs)
	}
	if !mustLookup(t, o, "react/jsx-dev-runtime").NeedsInterop || !mustLookup(t, o, "uses-fs").NeedsInterop {
		t.Errorf("CommonJS deps without interop")
	}
	got := runModules(t, o, `
import cjs, { hello, add as plus } from "cjs-pkg";
import * as ns from "cjs-pkg";
import "cjs-pkg";
import hi, { which } from "esm-pkg";
globalThis.result = [hello, plus(1, 2), cjs.hello, ns.hello, ns.default.hello, cjs.env, which, hi()].join(",");
`, nil)
	if got != "hi,3,hi,hi,hi,development,browser-dev,hi" {
		t.Errorf("result = %v", got)
	}
	got = runModules(t, o, `import("cjs-pkg").then(m => { globalThis.result = m.hello + "," + m.default.add(1, 1); });`, nil)
	if got != "hi,2" {
		t.Errorf("dynamic import result = %v", got)
	}
}

func TestRewriteInteropImport(t *testing.T) {
	url := "/node_modules/.vite/deps/react.js?v=abc"
	cases := []struct{ stmt, want string }{
		{`import React, { useState as us } from "react"`,
			`import __vite__cjsImport0_react from "/node_modules/.vite/deps/react.js?v=abc"; const React = !__vite__cjsImport0_react.__esModule ? __vite__cjsImport0_react : __vite__cjsImport0_react.default; const us = __vite__cjsImport0_react["useState"]`},
		{`import * as R from 'react'`,
			`import __vite__cjsImport0_react from "/node_modules/.vite/deps/react.js?v=abc"; const R = (` + interopHelper + `)(__vite__cjsImport0_react, 0)`},
		{`import 'react'`, `import "/node_modules/.vite/deps/react.js?v=abc"`},
		{`import {} from 'react'`, `import "/node_modules/.vite/deps/react.js?v=abc"`},
		{`export { useState, default as R, createElement as default, "a-b" as "c-d" } from "react"`,
			`import __vite__cjsImport0_react from "/node_modules/.vite/deps/react.js?v=abc"; const __vite__cjsExportI_useState = __vite__cjsImport0_react["useState"]; const __vite__cjsExportI_R = !__vite__cjsImport0_react.__esModule ? __vite__cjsImport0_react : __vite__cjsImport0_react.default; const __vite__cjsExportDefault_0 = __vite__cjsImport0_react["createElement"]; const __vite__cjsExportL_` + getHash("c-d") + ` = __vite__cjsImport0_react["a-b"]; export default __vite__cjsExportDefault_0; export { __vite__cjsExportI_useState as useState, __vite__cjsExportI_R as R, __vite__cjsExportL_` + getHash("c-d") + ` as "c-d" }`},
		{"import {\n  useState,\n  useEffect\n} from \"react\";",
			`import __vite__cjsImport0_react from "/node_modules/.vite/deps/react.js?v=abc"; const useState = __vite__cjsImport0_react["useState"]; const useEffect = __vite__cjsImport0_react["useEffect"];` + "\n\n\n"},
	}
	for _, c := range cases {
		got, err := RewriteInteropImport(c.stmt, url, 0)
		if err != nil {
			t.Errorf("%s: %v", c.stmt, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.stmt, got, c.want)
		}
		if strings.Count(got, "\n") != strings.Count(c.stmt, "\n") {
			t.Errorf("%s: line count changed", c.stmt)
		}
		if r := api.Transform(got, api.TransformOptions{Loader: api.LoaderJS, Format: api.FormatESModule}); len(r.Errors) > 0 {
			t.Errorf("%s: rewritten code does not parse: %v\n%s", c.stmt, r.Errors[0].Text, got)
		}
	}
	// The binding is named after the specifier and the index.
	got, _ := RewriteInteropImport(`import { createRoot } from "react-dom/client"`, "/x.js", 3)
	if !strings.HasPrefix(got, `import __vite__cjsImport3_reactDom_client from "/x.js"`) {
		t.Errorf("got %s", got)
	}
	// Node mode: the default import is module.exports.
	got, _ = RewriteInteropImportMode(`import R from "react"`, "/x.js", 1, true)
	if got != `import __vite__cjsImport1_react from "/x.js"; const R = __vite__cjsImport1_react` {
		t.Errorf("node mode: %s", got)
	}
	// export * cannot be rewritten.
	got, err := RewriteInteropImport(`export * from "react"`, url, 0)
	if !errors.Is(err, ErrExportAll) || got != `export * from "/node_modules/.vite/deps/react.js?v=abc"` {
		t.Errorf("export *: %q, %v", got, err)
	}
	got, err = RewriteInteropImport(`export * as R from "react"`, url, 2)
	if err != nil || !strings.Contains(got, "export { __vite__cjsExportI_R as R }") {
		t.Errorf("export * as: %q, %v", got, err)
	}
	if _, err := RewriteInteropImport(`const x = 1`, url, 0); err == nil {
		t.Errorf("no error for a non-import")
	}
	dyn := RewriteInteropDynamicImport(url)
	if dyn != `import('/node_modules/.vite/deps/react.js?v=abc').then(m => (`+interopHelper+`)(m.default, 0))` {
		t.Errorf("dynamic: %s", dyn)
	}
	if r := api.Transform(dyn, api.TransformOptions{Loader: api.LoaderJS}); len(r.Errors) > 0 {
		t.Errorf("dynamic import does not parse: %v", r.Errors[0].Text)
	}
}

func TestCacheHitDoesNotRebuild(t *testing.T) {
	root := fakeProject(t, nil)
	o, _ := newOpt(t, root, nil)
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	hash := o.BrowserHash()
	deps := depIDs(o)
	depsDir := o.DepsDir()
	ino := inode(t, depsDir)
	st, _ := os.Stat(filepath.Join(depsDir, "cjs-pkg.js"))
	time.Sleep(20 * time.Millisecond)

	o2, logs := newOpt(t, root, nil)
	t0 := time.Now()
	if err := o2.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 500*time.Millisecond {
		t.Errorf("cache hit took %s", d)
	}
	if inode(t, depsDir) != ino {
		t.Errorf("the deps dir was replaced on a cache hit")
	}
	st2, _ := os.Stat(filepath.Join(depsDir, "cjs-pkg.js"))
	if !st2.ModTime().Equal(st.ModTime()) {
		t.Errorf("cjs-pkg.js was rewritten on a cache hit")
	}
	if o2.BrowserHash() != hash || strings.Join(depIDs(o2), ",") != strings.Join(deps, ",") {
		t.Errorf("cache hit: hash %s vs %s, deps %v vs %v", o2.BrowserHash(), hash, depIDs(o2), deps)
	}
	if !strings.Contains(logs.String(), "Hash is consistent") {
		t.Errorf("logs:\n%s", logs)
	}
	cjs := mustLookup(t, o2, "cjs-pkg")
	if !cjs.NeedsInterop || cjs.Src != filepath.Join(root, "node_modules/cjs-pkg/index.js") || cjs.File != filepath.Join(depsDir, "cjs-pkg.js") {
		t.Errorf("cached dep info: %+v", cjs)
	}

	// Force ignores the cache.
	o3, logs := newOpt(t, root, func(opts *Options) { opts.Force = true })
	if err := o3.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	if inode(t, depsDir) == ino {
		t.Errorf("Force did not re-bundle")
	}
	if !strings.Contains(logs.String(), "Forced re-optimization of dependencies") {
		t.Errorf("logs:\n%s", logs)
	}
	ino = inode(t, depsDir)

	// A changed lockfile invalidates the cache.
	writeFiles(t, root, map[string]string{"package-lock.json": `{"lockfileVersion": 3, "changed": true}`})
	o4, logs := newOpt(t, root, nil)
	if err := o4.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	if inode(t, depsDir) == ino {
		t.Errorf("a changed lockfile did not re-bundle")
	}
	if !strings.Contains(logs.String(), "Re-optimizing dependencies because lockfile has changed") {
		t.Errorf("logs:\n%s", logs)
	}
	ino = inode(t, depsDir)

	// So does a changed config.
	o5, logs := newOpt(t, root, func(opts *Options) { opts.ConfigHash = "other" })
	if err := o5.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	if inode(t, depsDir) == ino {
		t.Errorf("a changed config did not re-bundle")
	}
	if !strings.Contains(logs.String(), "because vite config has changed") {
		t.Errorf("logs:\n%s", logs)
	}
	if entries, _ := filepath.Glob(filepath.Join(root, "node_modules/.vite/deps_temp_*")); len(entries) > 0 {
		o5.Close()
		if entries, _ := filepath.Glob(filepath.Join(root, "node_modules/.vite/deps_temp_*")); len(entries) > 0 {
			t.Errorf("temp dirs left: %v", entries)
		}
	}
}

func TestLockfileLookup(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "packages", "app")
	writeFiles(t, root, map[string]string{"pnpm-lock.yaml": "a", "packages/app/index.html": ""})
	h1 := lockfileHash(sub)
	writeFiles(t, root, map[string]string{"pnpm-lock.yaml": "b"})
	if lockfileHash(sub) == h1 {
		t.Errorf("the workspace lockfile is not read")
	}
	// npm's install state wins over the lockfile (Vite 8).
	writeFiles(t, root, map[string]string{"node_modules/.package-lock.json": "x"})
	h2 := lockfileHash(sub)
	writeFiles(t, root, map[string]string{"pnpm-lock.yaml": "c"})
	if lockfileHash(sub) != h2 {
		t.Errorf("the fallback lockfile was read")
	}
	if err := os.MkdirAll(filepath.Join(root, "patches"), 0o755); err != nil {
		t.Fatal(err)
	}
	if lockfileHash(sub) == h2 {
		t.Errorf("the patches dir does not count")
	}
}

func TestRegisterRebundle(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"src/main.tsx": `import { a } from "lib-a"; import { hello } from "cjs-pkg"; console.log(a, hello)`,
	})
	o, logs := newOpt(t, root, nil)
	var reloads atomic.Int32
	o.OnRebundle = func() { reloads.Add(1) }
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	hash := o.BrowserHash()
	importer := filepath.Join(root, "src/main.tsx")

	// Only new files: no reload, the browser hash stays (pages keep their module instances).
	d, ok := o.Register("late-pkg", importer)
	if !ok || d.File != filepath.Join(o.DepsDir(), "late-pkg.js") || d.NeedsInterop {
		t.Fatalf("Register(late-pkg) = %+v, %v", d, ok)
	}
	d2, ok := o.Register("late-cjs", importer)
	if !ok || !d2.NeedsInterop {
		t.Fatalf("Register(late-cjs) = %+v, %v", d2, ok)
	}
	if _, err := os.Stat(d.File); err == nil {
		t.Fatalf("the file exists before the bundle")
	}
	if again, ok := o.Register("late-pkg", importer); !ok || again.File != d.File {
		t.Errorf("second Register = %+v", again)
	}
	if err := o.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{d.File, d2.File} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("after Wait: %v", err)
		}
	}
	if reloads.Load() != 0 || o.BrowserHash() != hash {
		t.Errorf("adding independent deps reloaded (%d) or changed the hash (%s → %s)", reloads.Load(), hash, o.BrowserHash())
	}
	// Usually one debounced run bundles both; on a loaded machine the second Register may come after
	// the first run started, and then a second run follows. Either way both are reported.
	if l := logs.String(); !strings.Contains(l, "dependencies optimized: late-cjs, late-pkg") &&
		!(strings.Contains(l, "dependency optimized: late-pkg") && strings.Contains(l, "dependency optimized: late-cjs")) {
		t.Errorf("logs:\n%s", logs)
	}
	if got := runModules(t, o, `import { late } from "late-pkg"; import { lateCjs } from "late-cjs"; import { a } from "lib-a"; globalThis.result = late + lateCjs + typeof a;`, nil); got != "2function" {
		t.Errorf("result %v", got)
	}

	// A new dep that shares a package with an optimized one changes that one's chunks: reload once.
	if _, ok := o.Register("late-shared", importer); !ok {
		t.Fatal("Register(late-shared)")
	}
	if _, ok := o.Register("lib-b", importer); !ok {
		t.Fatal("Register(lib-b)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := o.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if n := reloads.Load(); n != 1 {
		t.Errorf("OnRebundle called %d times, want 1", n)
	}
	if o.BrowserHash() == hash {
		t.Errorf("the browser hash did not change on reload")
	}
	if !strings.Contains(logs.String(), "optimized dependencies changed. reloading") {
		t.Errorf("logs:\n%s", logs)
	}
	if got := runModules(t, o, `import { a } from "lib-a"; import { b } from "lib-b"; import { c } from "late-shared"; globalThis.result = a() === b() && b() === c();`, nil); got != true {
		t.Errorf("shared instance: %v", got)
	}
	// The next start finds them all in the cache.
	o2, _ := newOpt(t, root, nil)
	if err := o2.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"late-pkg", "late-cjs", "late-shared", "lib-b", "lib-a"} {
		if _, ok := o2.Lookup(id); !ok {
			t.Errorf("%s not in the cache", id)
		}
	}
}

func TestRegisterDebounce(t *testing.T) {
	root := fakeProject(t, map[string]string{"src/main.tsx": `import { a } from "lib-a"; console.log(a)`})
	o, logs := newOpt(t, root, nil)
	var reloads atomic.Int32
	o.OnRebundle = func() { reloads.Add(1) }
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	importer := filepath.Join(root, "src/main.tsx")
	// Registrations spread over less than the debounce make one run.
	for _, id := range []string{"lib-b", "late-shared", "cjs-pkg"} {
		if _, ok := o.Register(id, importer); !ok {
			t.Fatalf("Register(%s)", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := o.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "new dependencies found"); n != 1 {
		t.Errorf("%d re-bundles, want 1:\n%s", n, logs)
	}
	if n := reloads.Load(); n != 1 {
		t.Errorf("OnRebundle called %d times, want 1", n)
	}
	// Wait honours its context while a bundle is pending.
	if _, ok := o.Register("late-pkg", importer); !ok {
		t.Fatal("Register(late-pkg)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := o.Wait(ctx); err == nil {
		t.Errorf("Wait returned nil with a pending bundle and a done context")
	}
	if err := o.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestRegisterFailure(t *testing.T) {
	root := fakeProject(t, map[string]string{"src/main.tsx": `import { a } from "lib-a"; console.log(a)`})
	o, logs := newOpt(t, root, nil)
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, mustLookup(t, o, "lib-a").File)
	if _, ok := o.Register("broken-pkg", filepath.Join(root, "src/main.tsx")); !ok {
		t.Fatal("Register(broken-pkg)")
	}
	if err := o.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), `broken-pkg`) || !strings.Contains(logs.String(), "does-not-exist-anywhere") || !strings.Contains(logs.String(), "src/main.tsx") {
		t.Errorf("the error does not name the dep, the import and the importer:\n%s", logs)
	}
	if _, ok := o.Lookup("broken-pkg"); ok {
		t.Errorf("the failed dep is still registered")
	}
	if readFile(t, mustLookup(t, o, "lib-a").File) != before {
		t.Errorf("the deps dir changed after a failed bundle")
	}
}

func TestInitErrorNamesDep(t *testing.T) {
	root := fakeProject(t, map[string]string{"src/main.tsx": `import "broken-pkg"; import { a } from "lib-a"; console.log(a)`})
	o, _ := newOpt(t, root, nil)
	err := o.Init(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	var be *BundleError
	if !errors.As(err, &be) || strings.Join(be.Deps, ",") != "broken-pkg" {
		t.Errorf("error %T %v", err, err)
	}
	if msg := err.Error(); !strings.Contains(msg, `"broken-pkg" (imported by src/main.tsx)`) || !strings.Contains(msg, "does-not-exist-anywhere") {
		t.Errorf("message: %s", msg)
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules/.vite/deps")); err == nil {
		t.Errorf("a deps dir was written")
	}
	if entries, _ := filepath.Glob(filepath.Join(root, "node_modules/.vite/deps_temp_*")); len(entries) > 0 {
		t.Errorf("temp dirs left: %v", entries)
	}
}

func TestAtomicSwitch(t *testing.T) {
	root := fakeProject(t, map[string]string{"src/main.tsx": `import { a } from "lib-a"; console.log(a)`})
	o, _ := newOpt(t, root, nil)
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	libA := mustLookup(t, o, "lib-a").File
	f, err := os.Open(libA)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ino := inode(t, o.DepsDir())

	// Readers polling the deps dir during the re-bundle always find lib-a.js.
	stop := make(chan struct{})
	var missing atomic.Int32
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := os.Stat(libA); err != nil {
				missing.Add(1)
			}
			if _, err := os.Stat(filepath.Join(o.DepsDir(), "_metadata.json")); err != nil {
				missing.Add(1)
			}
		}
	}()
	if _, ok := o.Register("lib-b", filepath.Join(root, "src/main.tsx")); !ok {
		t.Fatal("Register")
	}
	if err := o.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if runtime.GOOS == "linux" && missing.Load() > 0 {
		t.Errorf("the deps dir was missing files %d times during the switch", missing.Load())
	}
	if inode(t, o.DepsDir()) == ino {
		t.Errorf("the deps dir was written in place, not replaced")
	}
	// The file opened before the switch still reads.
	data := make([]byte, 10)
	if _, err := f.Read(data); err != nil {
		t.Errorf("reading the old file: %v", err)
	}
	o.Close()
	if entries, _ := filepath.Glob(filepath.Join(root, "node_modules/.vite/deps_*")); len(entries) > 0 {
		t.Errorf("old dirs left: %v", entries)
	}
}

func TestAliasAndNodeMode(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"src/main.tsx": `import { hello } from "my-alias"; import { helper } from "@/helper"; console.log(hello, helper)`,
		"package.json": `{"type":"module"}`,
	})
	o, _ := newOpt(t, root, func(opts *Options) {
		opts.Alias = []config.Alias{{Find: "my-alias", Replacement: "cjs-pkg"}, {Find: "@", Replacement: filepath.Join(root, "src")}}
	})
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	d := mustLookup(t, o, "my-alias")
	if d.Src != filepath.Join(root, "node_modules/cjs-pkg/index.js") {
		t.Errorf("my-alias → %s", d.Src)
	}
	if !IsNodeMode(filepath.Join(root, "src/main.tsx")) || IsNodeMode(filepath.Join(root, "x.cjs")) || !IsNodeMode(filepath.Join(root, "x.mjs")) {
		t.Errorf("IsNodeMode")
	}
	if !IsNodeModeForDynamicImport(filepath.Join(root, "src/main.tsx")) {
		t.Errorf("IsNodeModeForDynamicImport")
	}
}

// TestRealReact pre-bundles React 19 from e2e/vite8/node_modules and runs it.
func TestRealReact(t *testing.T) {
	nm, _ := filepath.Abs("../../e2e/vite8/node_modules")
	_, err := os.Stat(filepath.Join(nm, "react-dom", "package.json"))
	tools.Require(t, err == nil, "e2e/vite8/node_modules is missing; run `cd e2e/vite8 && npm ci` to run this test")
	root := t.TempDir()
	root, _ = filepath.EvalSymlinks(root)
	writeFiles(t, root, map[string]string{
		"index.html": `<script type="module" src="/src/main.jsx"></script>`,
		"src/main.jsx": `import React, { useState } from "react";
import { createRoot } from "react-dom/client";
function App() { const [n] = useState(1); return <p>{n}</p>; }
createRoot(document.getElementById("root")).render(<App />);`,
		"src/Lazy.jsx": `export default function Lazy() { return <div/>; }`,
	})
	if err := os.Symlink(nm, filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	t.Setenv("NODE_ENV", "")
	o := New(Options{Root: root, CacheDir: filepath.Join(root, ".vite-cache"), Entries: []string{filepath.Join(root, "index.html")}, Mode: "development", Logger: logs.logger()})
	defer o.Close()
	if err := o.Init(context.Background()); err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	ids := strings.Join(depIDs(o), ",")
	if ids != "react,react-dom/client,react/jsx-dev-runtime" {
		t.Errorf("deps = %s", ids)
	}
	for _, id := range []string{"react", "react-dom/client", "react/jsx-dev-runtime"} {
		if d := mustLookup(t, o, id); !d.NeedsInterop {
			t.Errorf("%s: no interop", id)
		}
	}
	// React's code is in one chunk that both entries import.
	var reactChunks []string
	for _, f := range o.meta.Chunks {
		if strings.Contains(readFile(t, f), "react.development.js") {
			reactChunks = append(reactChunks, filepath.Base(f))
		}
	}
	if len(reactChunks) != 1 {
		t.Errorf("react is in %d chunks: %v", len(reactChunks), reactChunks)
	}
	rd := readFile(t, mustLookup(t, o, "react-dom/client").File)
	if strings.Contains(rd, "exports.useState =") || !strings.Contains(rd, reactChunks[0]) {
		t.Errorf("react-dom/client does not import the react chunk")
	}
	got := runModules(t, o, `import React, { useState, useEffect as ue } from "react";
import * as ReactNS from "react";
import { createRoot } from "react-dom/client";
import { jsxDEV } from "react/jsx-dev-runtime";
globalThis.result = [typeof React.createElement, typeof useState, typeof ue, typeof ReactNS.useState, typeof createRoot, typeof jsxDEV, React.version].join(",");
`, map[string]string{"setTimeout": "function(){}", "clearTimeout": "function(){}"})
	if s, _ := got.(string); !strings.HasPrefix(s, "function,function,function,function,function,function,19.") {
		t.Errorf("result = %v", got)
	}
}

// runModules runs code (an ES module importing bare ids) against the deps directory in goja: the
// imports of optimized deps are rewritten the way the dev server does (RewriteInteropImport for
// CommonJS deps), then the whole is bundled into one script by esbuild.
func runModules(t *testing.T, o *Optimizer, code string, globals map[string]string) any {
	t.Helper()
	res, err := jslex.Parse(code)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	last := 0
	for i, im := range res.Imports {
		if im.Specifier == "" {
			continue
		}
		d, ok := o.Lookup(im.Specifier)
		if !ok {
			t.Fatalf("%s is not optimized", im.Specifier)
		}
		url := "/deps/" + filepath.Base(d.File) + "?v=" + o.BrowserHash()
		out.WriteString(code[last:im.Start])
		switch {
		case im.Kind == jslex.Dynamic && d.NeedsInterop:
			out.WriteString(RewriteInteropDynamicImport(url))
		case im.Kind == jslex.Dynamic:
			out.WriteString("import(" + jsonString(url) + ")")
		case d.NeedsInterop:
			s, err := RewriteInteropImport(code[im.Start:im.End], url, i)
			if err != nil {
				t.Fatal(err)
			}
			out.WriteString(s)
		default:
			out.WriteString(code[im.Start:im.SpecStart] + jsonString(url) + code[im.SpecEnd:im.End])
		}
		last = im.End
	}
	out.WriteString(code[last:])
	src := out.String()
	depsDir := o.DepsDir()
	r := api.Build(api.BuildOptions{
		Stdin:    &api.StdinOptions{Contents: src, Loader: api.LoaderJS, ResolveDir: depsDir},
		Bundle:   true,
		Format:   api.FormatIIFE,
		Platform: api.PlatformBrowser,
		Write:    false,
		LogLevel: api.LogLevelSilent,
		Plugins: []api.Plugin{{Name: "deps", Setup: func(pb api.PluginBuild) {
			pb.OnResolve(api.OnResolveOptions{Filter: `^/deps/`}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
				p, _ := splitQuery(strings.TrimPrefix(args.Path, "/deps/"))
				return api.OnResolveResult{Path: filepath.Join(depsDir, p)}, nil
			})
			pb.OnResolve(api.OnResolveOptions{Filter: `\.(css|svg)$`}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
				return api.OnResolveResult{Path: args.Path, Namespace: "empty"}, nil
			})
			pb.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: "empty"}, func(api.OnLoadArgs) (api.OnLoadResult, error) {
				e := ""
				return api.OnLoadResult{Contents: &e}, nil
			})
		}}},
	})
	if len(r.Errors) > 0 {
		t.Fatalf("bundling the rewritten module: %s\n%s", formatMessage(depsDir, r.Errors[0]), src)
	}
	vm := goja.New()
	_, _ = vm.RunString(`globalThis.console = { log() {}, warn() {}, error() {} }; globalThis.window = globalThis;`)
	var names []string
	for k := range globals {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if _, err := vm.RunString(fmt.Sprintf("globalThis[%q] = %s;", k, globals[k])); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := vm.RunString(string(r.OutputFiles[0].Contents)); err != nil {
		t.Fatalf("running: %v\n%s", err, src)
	}
	// Let promise jobs (dynamic imports) run.
	if _, err := vm.RunString(""); err != nil {
		t.Fatal(err)
	}
	return vm.Get("result").Export()
}

// The scan crawls in rounds of at most scanBatch files, each file read in exactly one round: the
// syntax trees esbuild keeps are those of one round, not of the whole project.
func TestScanReadsEachFileOnceInBoundedRounds(t *testing.T) {
	extra := map[string]string{
		"src/main.tsx":   `import "./a.ts"; import "./b.ts"; import("./lazy.tsx"); import { hello } from "cjs-pkg"; console.log(hello)`,
		"src/a.ts":       `import "./c.ts"; import "./shared.ts"; import { a } from "lib-a"; console.log(a)`,
		"src/b.ts":       `import "./c.ts"; import "./shared.ts";`,
		"src/c.ts":       `import "./d.ts"; import "./a.ts";`, // a cycle back to a
		"src/d.ts":       `import { late } from "late-pkg"; console.log(late)`,
		"src/shared.ts":  `import { b } from "lib-b"; console.log(b)`,
		"src/lazy.tsx":   `export default () => <p>{import.meta.glob("./pages/*.ts", { eager: true }) && null}</p>`,
		"src/pages/p.ts": `import { dyn } from "dyn-pkg"; console.log(dyn)`,
	}
	root := fakeProject(t, extra)
	old := scanBatch
	scanBatch = 2
	var rounds [][]string
	testHookScanRound = func(e []string) { rounds = append(rounds, append([]string(nil), e...)) }
	t.Cleanup(func() { scanBatch, testHookScanRound = old, nil })

	o, logs := newOpt(t, root, nil)
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "cjs-pkg,dyn-pkg,inline-dep,late-pkg,lib-a,lib-b,react/jsx-dev-runtime"
	if got := strings.Join(depIDs(o), ","); got != want {
		t.Errorf("deps = %s\nwant %s\n%s", got, want, logs)
	}
	read := map[string]int{}
	for _, r := range rounds {
		if len(r) > 2 {
			t.Errorf("a round read %d files (at most 2): %v", len(r), r)
		}
		for _, f := range r {
			read[filepath.ToSlash(strings.TrimPrefix(f, root+string(filepath.Separator)))]++
		}
	}
	for _, f := range []string{"index.html", "src/main.tsx", "src/a.ts", "src/b.ts", "src/c.ts", "src/d.ts", "src/shared.ts", "src/lazy.tsx", "src/pages/p.ts"} {
		if read[f] != 1 {
			t.Errorf("%s read %d times, want once (rounds %v)", f, read[f], rounds)
		}
	}
}
