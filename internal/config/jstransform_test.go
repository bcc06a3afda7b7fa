package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestPackagesImportOptionalModulesLazily: an installed package may import a module that is not
// installed on a path it takes only sometimes (a require, an import() of a computed name). The
// config loads, as in Node, and the import fails only when that path runs, with MODULE_NOT_FOUND.
func TestPackagesImportOptionalModulesLazily(t *testing.T) {
	root := writeProject(t, map[string]string{
		"node_modules/lazy-pkg/package.json": `{"name":"lazy-pkg","main":"index.js"}`,
		"node_modules/lazy-pkg/index.js": `
exports.ok = 1
exports.loadTs = function () { return require('typescript-not-installed') }
exports.loadFile = async function (href) { return (await import(href)).default }
exports.loadESM = async function () { return (await import('esm-not-installed')).default }
`,
		"vite.config.js": `
import tty from 'node:tty'
import { ok, loadTs, loadFile, loadESM } from 'lazy-pkg'
const code = (f) => { try { f(); return 'loaded' } catch (e) { return e.code } }
const codeAsync = async (f) => { try { await f(); return 'loaded' } catch (e) { return e.code } }
export default async () => ({
  define: {
    ok,
    required: code(loadTs),
    computed: await codeAsync(() => loadFile('file:///x/svgr.config.js')),
    literal: await codeAsync(loadESM),
    isatty: tty.isatty(1),
  },
})`,
	})
	cfg, _ := load(t, root, buildEnv)
	want := map[string]any{"ok": float64(1), "required": "MODULE_NOT_FOUND", "computed": "MODULE_NOT_FOUND", "literal": "MODULE_NOT_FOUND", "isatty": false}
	for k, v := range want {
		if !reflect.DeepEqual(cfg.Define[k], v) {
			t.Errorf("define.%s = %#v, want %#v", k, cfg.Define[k], v)
		}
	}
}

// TestConfigTransformsWithEsbuildAndOxc: vite's transformWithEsbuild and transformWithOxc, called by
// a plugin of the config, compile with the options given (or the ones the file's extension implies),
// give a map object, chain an input map, and throw esbuild's errors with their locations.
func TestConfigTransformsWithEsbuildAndOxc(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/tsconfig.json": `{"compilerOptions":{"experimentalDecorators":true}}`,
		"vite.config.js": `
import { transformWithEsbuild, transformWithOxc } from 'vite'
const jsx = 'export default (p) => <svg {...p}><circle r={4} /></svg>'
export default async () => {
  const classic = await transformWithEsbuild(jsx, '/app/src/Icon.svg?react', { loader: 'jsx' })
  const automatic = await transformWithEsbuild(jsx, '/app/src/Icon.jsx', { jsx: 'automatic', jsxDev: true, sourcemap: false })
  const ts = await transformWithEsbuild('function d(t: any) {}\n@d class C {}\nexport const n: number = 1', __dirname + '/src/a.ts', { target: ['es2020', 'chrome87'] })
  const minified = await transformWithEsbuild('export const longName = 1 + 2', 'a.mjs', { minify: true, define: { X: '1' } })
  const oxc = await transformWithOxc(jsx, '/app/src/Icon.svg?react', { lang: 'jsx' })
  const oxcClassic = await transformWithOxc(jsx, '/app/src/Icon.jsx', { jsx: { runtime: 'classic', pragma: 'h' } })
  const chained = await transformWithEsbuild('export const a = 1', '/app/b.js', {}, { version: 3, sources: ['/app/b.coffee'], names: [], mappings: 'AAAA' })
  let failure
  try { await transformWithEsbuild('export const = 1', '/app/bad.js') } catch (e) { failure = { message: e.message, line: e.errors[0].location.line } }
  let badLoader
  try { await transformWithEsbuild('x', '/app/file.weird') } catch (e) { badLoader = e.message }
  return {
    define: {
      classic: classic.code, classicMapSources: classic.map.sources,
      automatic: automatic.code, automaticMap: automatic.map.mappings,
      ts: ts.code, minified: minified.code,
      oxc: oxc.code, oxcErrors: oxc.errors.length, oxcClassic: oxcClassic.code,
      chained: chained.map.sources,
      failure, badLoader,
    },
  }
}`,
	})
	cfg, _ := load(t, root, buildEnv)
	d := cfg.Define
	str := func(k string) string { s, _ := d[k].(string); return s }
	for _, c := range []struct{ key, want string }{
		{"classic", "React.createElement(\"svg\", { ...p }, /* @__PURE__ */ React.createElement(\"circle\", { r: 4 }))"},
		{"automatic", "jsxDEV(\"svg\""},
		{"automatic", "from \"react/jsx-dev-runtime\""},
		{"ts", "__decorateClass"}, // experimentalDecorators from src/tsconfig.json
		{"ts", "const n = 1;"},
		{"minified", "export const longName=3;"},
		{"oxc", "jsx(\"svg\""},
		{"oxc", "from \"react/jsx-runtime\""},
		{"oxcClassic", "h(\"svg\""},
	} {
		if !strings.Contains(str(c.key), c.want) {
			t.Errorf("%s = %q, want it to contain %q", c.key, str(c.key), c.want)
		}
	}
	if !reflect.DeepEqual(d["classicMapSources"], []any{"/app/src/Icon.svg?react"}) {
		t.Errorf("map sources = %#v, want the file name", d["classicMapSources"])
	}
	if d["automaticMap"] != "" {
		t.Errorf("sourcemap false: map mappings = %#v, want \"\"", d["automaticMap"])
	}
	if !reflect.DeepEqual(d["chained"], []any{"/app/b.coffee"}) {
		t.Errorf("chained map sources = %#v, want the input map's", d["chained"])
	}
	failure, _ := d["failure"].(map[string]any)
	if msg, _ := failure["message"].(string); !strings.Contains(msg, "/app/bad.js:1:") || failure["line"] != float64(1) {
		t.Errorf("syntax error = %#v, want esbuild's message with file and line", failure)
	}
	if msg, _ := d["badLoader"].(string); !strings.Contains(msg, `no loader for "weird"`) {
		t.Errorf("unknown extension: %q", msg)
	}
	if d["oxcErrors"] != float64(0) {
		t.Errorf("transformWithOxc errors = %#v, want an empty list", d["oxcErrors"])
	}
}

func TestTransformOptionErrorsNameTheOption(t *testing.T) {
	for opts, want := range map[string]string{
		`{"format":"amd"}`:       `options.format: "amd"`,
		`{"sourcemap":"hidden"}`: `options.sourcemap`,
		`{"target":"netscape4"}`: `unknown browser "netscape"`,
		`{"target":3}`:           `target: 3 is not a string`,
	} {
		_, err := transformWithEsbuild("x", "/a.js", opts, "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to name %q", opts, err, want)
		}
	}
	if _, err := transformWithOxc("x", "/a.js", `{"jsx":true}`, ""); err == nil || !strings.Contains(err.Error(), "options.jsx") {
		t.Errorf("oxc jsx true: error %v", err)
	}
	r, err := transformWithOxc("let a: number = 1", "/a.ts", `{"target":"es2015","define":{"A":"1"}}`, "")
	if err != nil || !strings.Contains(r.Code, "let a = 1") {
		t.Fatalf("oxc ts: %+v %v", r, err)
	}
}

// TestPackagesReadPackageJSONAtRunTime: a package may read another's package.json through
// createRequire (vite-plugin-svelte reads svelte's), and format with util.formatWithOptions (obug,
// its debug logger); both work as in Node.
func TestPackagesReadPackageJSONAtRunTime(t *testing.T) {
	root := writeProject(t, map[string]string{
		"node_modules/dep/package.json":    `{"name":"dep","version":"5.1.0","exports":{"./package.json":"./package.json",".":"./index.js"}}`,
		"node_modules/dep/index.js":        `export default 1`,
		"node_modules/reader/package.json": `{"name":"reader","type":"module","exports":"./index.js"}`,
		"node_modules/reader/index.js": `
import { createRequire } from 'node:module'
import { formatWithOptions } from 'node:util'
const depPkg = createRequire(import.meta.url)('dep/package.json')
export const version = depPkg.version
export const formatted = formatWithOptions({ colors: false }, '%s-%d', 'v', 5)
export const missing = (() => { try { createRequire(import.meta.url)('nope/package.json'); return 'loaded' } catch (e) { return e.code } })()
`,
		"vite.config.js": `
import { version, formatted, missing } from 'reader'
export default { define: { version, formatted, missing } }`,
	})
	cfg, _ := load(t, root, buildEnv)
	want := map[string]any{"version": "5.1.0", "formatted": "v-5", "missing": "MODULE_NOT_FOUND"}
	for k, v := range want {
		if !reflect.DeepEqual(cfg.Define[k], v) {
			t.Errorf("define.%s = %#v, want %#v", k, cfg.Define[k], v)
		}
	}
}
