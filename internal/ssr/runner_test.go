package ssr

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/dop251/goja"

	"github.com/govite/govite/internal/sourcemap"
)

// A test-only module runner on goja: each module's transformed body is wrapped in an async function
// with the runner's parameters, as Vite's ESModulesEvaluator does, and evaluated once; a module that
// is imported while it is still being evaluated up the import chain (a cycle) gets its partly filled
// exports object, as in Vite's ModuleRunner.

const runnerJS = `
const modules = new Map();
function resolve(id, importer) {
	if (!id.startsWith('.')) return id;
	const parts = importer.split('/').slice(0, -1);
	for (const seg of id.split('/')) {
		if (seg === '..') parts.pop();
		else if (seg !== '.') parts.push(seg);
	}
	return parts.join('/');
}
function exportAll(exports, source) {
	if (exports === source || source == null || typeof source !== 'object') return;
	for (const key in source) {
		if (key !== 'default' && key !== '__esModule' && !(key in exports)) {
			try {
				Object.defineProperty(exports, key, { enumerable: true, configurable: true, get: () => source[key] });
			} catch {}
		}
	}
}
async function request(id, importer, stack) {
	id = resolve(id, importer);
	let mod = modules.get(id);
	if (mod) {
		if (stack.includes(id)) return mod.exports;
		await mod.promise;
		return mod.exports;
	}
	mod = { exports: Object.create(null) };
	Object.defineProperty(mod.exports, Symbol.toStringTag, { value: 'Module', enumerable: false });
	modules.set(id, mod);
	const fn = __load(id);
	const meta = { url: 'file://' + id, filename: id, dirname: id.slice(0, id.lastIndexOf('/')) };
	const st = [...stack, id];
	mod.promise = fn(mod.exports, meta,
		(dep, metadata) => request(dep, id, st),
		(dep, options) => request(String(dep), id, st),
		(source) => exportAll(mod.exports, source));
	await mod.promise;
	Object.seal(mod.exports);
	return mod.exports;
}
function run(id) { return request(id, '/', []); }
`

type testRunner struct {
	t       *testing.T
	vm      *goja.Runtime
	files   map[string]string
	results map[string]*Result
	logs    []string
}

// wrapperHeader is the first line of every wrapped module; the body starts on the next line.
const wrapperHeader = `(async function (__vite_ssr_exports__, __vite_ssr_import_meta__, __vite_ssr_import__, __vite_ssr_dynamic_import__, __vite_ssr_exportAll__) {"use strict";`

func newTestRunner(t *testing.T, files map[string]string) *testRunner {
	t.Helper()
	r := &testRunner{t: t, vm: goja.New(), files: files, results: map[string]*Result{}}
	console := r.vm.NewObject()
	console.Set("log", func(args ...goja.Value) {
		var parts []string
		for _, a := range args {
			parts = append(parts, a.String())
		}
		r.logs = append(r.logs, strings.Join(parts, " "))
	})
	r.vm.Set("console", console)
	r.vm.Set("__load", func(id string) goja.Value {
		src, ok := r.files[id]
		if !ok {
			panic(r.vm.NewGoError(fmt.Errorf("no module %q", id)))
		}
		res, err := Transform(src, nil, id)
		if err != nil {
			panic(r.vm.NewGoError(err))
		}
		r.results[id] = res
		m, err := sourcemap.ShiftLines(res.Map, 1)
		if err != nil {
			panic(r.vm.NewGoError(err))
		}
		wrapped := wrapperHeader + "\n" + res.Code + "\n})\n//# sourceMappingURL=data:application/json;base64," +
			base64.StdEncoding.EncodeToString(m)
		v, err := r.vm.RunScript(id, wrapped)
		if err != nil {
			panic(r.vm.NewGoError(fmt.Errorf("%v\n--- transformed %s:\n%s", err, id, res.Code)))
		}
		return v
	})
	if _, err := r.vm.RunString(runnerJS); err != nil {
		t.Fatal(err)
	}
	return r
}

// run imports id and returns its exports once every job has run.
func (r *testRunner) run(id string) *goja.Object {
	r.t.Helper()
	exports, err := r.tryRun(id)
	if err != nil {
		r.t.Fatal(err)
	}
	return exports
}

func (r *testRunner) tryRun(id string) (*goja.Object, error) {
	v, err := r.vm.RunString(fmt.Sprintf("run(%q)", id))
	if err != nil {
		return nil, err
	}
	p, ok := v.Export().(*goja.Promise)
	if !ok {
		return nil, fmt.Errorf("run returned %v", v)
	}
	switch p.State() {
	case goja.PromiseStateFulfilled:
		return p.Result().ToObject(r.vm), nil
	case goja.PromiseStateRejected:
		res := p.Result()
		if o, ok := res.(*goja.Object); ok {
			if stack := o.Get("stack"); stack != nil && !goja.IsUndefined(stack) {
				return nil, fmt.Errorf("%s", stack.String())
			}
		}
		return nil, fmt.Errorf("%s", res.String())
	}
	return nil, fmt.Errorf("module %s did not finish evaluating", id)
}

// eval evaluates JavaScript in the runner's global scope (after run) and returns the result exported.
func (r *testRunner) eval(js string) any {
	r.t.Helper()
	v, err := r.vm.RunString(js)
	if err != nil {
		r.t.Fatal(err)
	}
	return v.Export()
}

func TestRunnerLiveBindings(t *testing.T) {
	r := newTestRunner(t, map[string]string{
		"/counter.js": `
export let count = 0
export function inc() { count++ }
export const obj = { n: 1 }
`,
		"/main.js": `
import { count, inc } from './counter.js'
import * as counter from './counter.js'
export const before = count
inc()
inc()
export const after = count
export const viaNamespace = counter.count
export function read() { return count }
`,
	})
	ex := r.run("/main.js")
	if got := ex.Get("before").ToInteger(); got != 0 {
		t.Errorf("before = %d, want 0", got)
	}
	if got := ex.Get("after").ToInteger(); got != 2 {
		t.Errorf("after = %d, want 2 (live binding)", got)
	}
	if got := ex.Get("viaNamespace").ToInteger(); got != 2 {
		t.Errorf("viaNamespace = %d, want 2", got)
	}
	// The importer's exported getter sees later changes too.
	r.vm.Set("mainExports", ex)
	r.eval(`globalThis.c = null; (async () => { c = await run('/counter.js'); c.inc(); })()`)
	if got := r.eval(`mainExports.read()`); got != int64(3) {
		t.Errorf("read() after another inc = %v, want 3", got)
	}
	if got := r.eval(`c.count`); got != int64(3) {
		t.Errorf("counter.count = %v, want 3", got)
	}
}

func TestRunnerExportForms(t *testing.T) {
	r := newTestRunner(t, map[string]string{
		"/lib.js": `
export var v = 'v'
export let [l1, { l2 }] = [1, { l2: 2 }]
export const c = 'c', d = 'd'
export function f() { return 'f' }
export async function af() { return 'af' }
export function* gen() { yield 'g' }
export class K { static k = 'K' }
const local = 'local', other = 'other'
export { local, other as renamed, local as "string name" }
export default function named() { return 'default fn' }
`,
		"/anon.js":       `export default function () { return 'anon' }`,
		"/anonclass.js":  `export default class { static x = 'anon class' }`,
		"/expr.js":       `export default 40 + 2`,
		"/namedclass.js": `export default class Named { static x = 'named class' }`,
		"/re.js": `
export { f as g, default, default as def2, "string name" as str } from './lib.js'
export * from './lib.js'
export * as ns from './lib.js'
`,
		"/main.js": `
import def, { v, l1, l2, c, d, f, af, gen, K, local, renamed, "string name" as sn } from './lib.js'
import anon from './anon.js'
import anonClass from './anonclass.js'
import expr from './expr.js'
import NamedClass from './namedclass.js'
import * as re from './re.js'
export const out = [v, l1, l2, c, d, f(), await af(), gen().next().value, K.k, local, renamed, sn, def(),
	anon(), anonClass.x, expr, NamedClass.x, re.g(), re.default(), re.def2(), re.str, re.v, re.K.k, re.ns.c,
	typeof re.ns.default, Object.keys(re).sort().join(',')].join('|')
`,
	})
	ex := r.run("/main.js")
	want := "v|1|2|c|d|f|af|g|K|local|other|local|default fn|anon|anon class|42|named class|f|default fn|default fn|local|v|K|c|function|" +
		"K,af,c,d,def2,default,f,g,gen,l1,l2,local,ns,other,renamed,str,string name,v"
	// export * does not re-export default nor names the module defines itself.
	want = strings.Replace(want, "K,af,c,d,def2,default,f,g,gen,l1,l2,local,ns,other,renamed,str,string name,v",
		"K,af,c,d,def2,default,f,g,gen,l1,l2,local,ns,renamed,str,string name,v", 1)
	if got := ex.Get("out").String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestRunnerCircularImports(t *testing.T) {
	r := newTestRunner(t, map[string]string{
		"/a.js": `
import { fromB, callA } from './b.js'
export function hoisted() { return 'a.hoisted' }
export const late = 'a.late'
export const seenByB = callA()
export const bValue = fromB
`,
		"/b.js": `
import { hoisted, late } from './a.js'
import * as a from './a.js'
// a is still evaluating: its function declarations are already there, its const is not.
export const fromB = 'b saw ' + hoisted() + ' and ' + String(a.late)
export function callA() { return hoisted() + '+' + late }
`,
	})
	ex := r.run("/a.js")
	if got := ex.Get("bValue").String(); got != "b saw a.hoisted and undefined" {
		t.Errorf("bValue = %q", got)
	}
	if got := ex.Get("seenByB").String(); got != "a.hoisted+a.late" {
		t.Errorf("seenByB = %q", got)
	}
}

func TestRunnerTopLevelAwaitAndDynamicImport(t *testing.T) {
	r := newTestRunner(t, map[string]string{
		"/slow.js": `
export let ready = false
await null
await new Promise(resolve => resolve())
ready = true
export const meta = import.meta.url
`,
		"/main.js": `
import { ready } from './slow.js'
export const readyAtImport = ready
const name = './slow.js'
const mod = await import(name)
const literal = await import('./slow.js')
export const same = mod === literal
export const meta = mod.meta
export const own = import.meta.url + ' ' + import.meta.filename
export const tag = Object.prototype.toString.call(mod)
`,
	})
	ex := r.run("/main.js")
	if !ex.Get("readyAtImport").ToBoolean() {
		t.Error("the importer ran before the imported module's top-level await finished")
	}
	if !ex.Get("same").ToBoolean() {
		t.Error("dynamic imports of one module gave different namespaces")
	}
	if got := ex.Get("meta").String(); got != "file:///slow.js" {
		t.Errorf("meta = %q", got)
	}
	if got := ex.Get("own").String(); got != "file:///main.js /main.js" {
		t.Errorf("own = %q", got)
	}
	if got := ex.Get("tag").String(); got != "[object Module]" {
		t.Errorf("tag = %q", got)
	}
	if got := r.results["/main.js"].DynamicDeps; len(got) != 1 || got[0] != "./slow.js" {
		t.Errorf("DynamicDeps = %q", got)
	}
}

func TestRunnerImportsAreHoisted(t *testing.T) {
	r := newTestRunner(t, map[string]string{
		"/log.js": `export const log = []`,
		"/one.js": `import { log } from './log.js'; log.push('one')`,
		"/two.js": `import { log } from './log.js'; log.push('two')`,
		"/main.js": `
import { log } from './log.js'
log.push('main')
import './one.js'
export const order = log.join(',')
import './two.js'
`,
	})
	if got := r.run("/main.js").Get("order").String(); got != "one,two,main" {
		t.Errorf("order = %q, want one,two,main", got)
	}
}

func TestRunnerShadowing(t *testing.T) {
	r := newTestRunner(t, map[string]string{
		"/m.js": `export const x = 'import', y = 'importY'; export default 'importDefault'`,
		"/main.js": `
import d, { x, y } from './m.js'
const out = []
function param(x) { return x }
out.push(param('param'))
{ const x = 'block'; out.push(x) }
try { throw 'catch' } catch (x) { out.push(x) }
function hoistedVar() { out.push(typeof x); var x = 'var'; return x }
out.push(hoistedVar())
const { a: [x2 = x] } = { a: [] }
out.push(x2)
const arrow = ({ x }) => x
out.push(arrow({ x: 'destructured' }))
const obj = { x: 1, y, d, [x]: 2 }
out.push(Object.keys(obj).join('/'), obj.y, obj.d)
out.push(obj.x)
class C { x = 'field'; static y = y; x() {} get d() { return d } }
out.push(new C().x, C.y, new C().d)
for (let x = 'for'; ; ) { out.push(x); break }
x: for (const x of ['forof']) { out.push(x); break x }
out.push((function x() { return typeof x })())
out.push((class x { static n() { return typeof x } }).n())
out.push(((x, y = x) => y)('default param'))
out.push(x)
export { out }
`,
	})
	got := r.run("/main.js").Get("out").Export()
	want := []any{"param", "block", "catch", "undefined", "var", "import", "destructured",
		"x/y/d/import", "importY", "importDefault", int64(1), "field", "importY", "importDefault", "for", "forof",
		"function", "function", "default param", "import"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestRunnerSourceMapStackTrace(t *testing.T) {
	r := newTestRunner(t, map[string]string{
		"/dep.js": `export const v = 1`,
		"/boom.js": `import { v } from './dep.js'
import {
  v as w,
} from './dep.js'

export function ok() { return v + w }

export function fail() {
  throw new Error('boom at line 9')
}
fail()
`,
	})
	_, err := r.tryRun("/boom.js")
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(err.Error(), "boom at line 9") {
		t.Fatalf("unexpected error: %v", err)
	}
	// The stack names the original line 9 (throw) and 11 (the call), not the transformed ones.
	if !strings.Contains(err.Error(), "boom.js:9:") || !strings.Contains(err.Error(), "boom.js:11:") {
		t.Errorf("stack trace is not mapped to the original lines:\n%v\n--- transformed:\n%s", err, r.results["/boom.js"].Code)
	}
}
