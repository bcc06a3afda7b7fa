package build

import (
	"context"
	"encoding/json"
	gvcss "github.com/govite/govite/internal/css"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
)

func build(t *testing.T, cfg *config.ResolvedConfig) *Result {
	t.Helper()
	res, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return res
}

func file(t *testing.T, res *Result, name string) string {
	t.Helper()
	f := res.Bundle.Files[name]
	if f == nil {
		var names []string
		for n := range res.Bundle.Files {
			names = append(names, n)
		}
		slices.Sort(names)
		t.Fatalf("no output %s; have %v", name, names)
	}
	return string(f.Contents)
}

var hashRe = regexp.MustCompile(`-[A-Za-z0-9_-]{8}\.`)

func norm(s string) string { return hashRe.ReplaceAllString(s, "-HASH.") }

func basicConfig(t *testing.T) (*config.ResolvedConfig, string) {
	root := copyExample(t, "basic")
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Name: "main", Path: filepath.Join(root, "src/main.js")}, {Name: "admin", Path: filepath.Join(root, "src/admin.js")}}
	return cfg, root
}

// The example's manifest has Vite 8's keys, fields and graph (checked against real Vite 8 output in
// e2e; here the expected shape is written out so a regression shows without Node).
func TestManifestOfBasicExample(t *testing.T) {
	cfg, root := basicConfig(t)
	res := build(t, cfg)
	var got map[string]any
	data, _ := os.ReadFile(filepath.Join(root, "dist/.vite/manifest.json"))
	if err := json.Unmarshal([]byte(norm(string(data))), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"_shared-HASH.css": map[string]any{"file": "assets/shared-HASH.css", "src": "_shared-HASH.css"},
		"_shared-HASH.js":  map[string]any{"file": "assets/shared-HASH.js", "name": "shared", "css": []any{"assets/shared-HASH.css"}},
		"src/admin.js": map[string]any{"file": "assets/admin-HASH.js", "name": "admin", "src": "src/admin.js", "isEntry": true,
			"imports": []any{"_shared-HASH.js"}, "css": []any{"assets/admin-HASH.css"}, "assets": []any{"assets/big-HASH.png"}},
		"src/assets/big.png": map[string]any{"file": "assets/big-HASH.png", "src": "src/assets/big.png"},
		"src/main.js": map[string]any{"file": "assets/main-HASH.js", "name": "main", "src": "src/main.js", "isEntry": true,
			"imports": []any{"_shared-HASH.js"}, "dynamicImports": []any{"src/views/lazy.js"}, "css": []any{"assets/main-HASH.css"},
			"assets": []any{"assets/big-HASH.png"}},
		"src/views/lazy.js": map[string]any{"file": "assets/lazy-HASH.js", "name": "lazy", "src": "src/views/lazy.js", "isDynamicEntry": true,
			"imports": []any{"_shared-HASH.js"}, "css": []any{"assets/lazy-HASH.css"}},
	}
	g, _ := json.MarshalIndent(got, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	if string(g) != string(w) {
		t.Errorf("manifest:\n%s\nwant:\n%s", g, w)
	}
	// Keys are written sorted, with Vite's field order.
	if !strings.Contains(string(data), "\"file\": \"assets/main-") || strings.Index(string(data), `"_shared`) > strings.Index(string(data), `"src/admin.js"`) {
		t.Errorf("manifest not in Vite's order:\n%s", data)
	}
	// Every file the manifest names exists.
	for _, c := range res.Manifest {
		for _, f := range append(append([]string{c.File}, c.CSS...), c.Assets...) {
			if _, err := os.Stat(filepath.Join(root, "dist", f)); err != nil {
				t.Errorf("manifest names %s, which was not written", f)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(root, "dist/robots.txt")); err != nil {
		t.Errorf("public file not copied: %v", err)
	}
}

// Lazy CSS is only in the lazy chunk's CSS, no CSS file repeats another's rules, and the dynamic
// import gets Vite's preload list.
func TestCSSPerChunkAndPreloadList(t *testing.T) {
	cfg, _ := basicConfig(t)
	res := build(t, cfg)
	m := res.Manifest
	mainCSS := file(t, res, m["src/main.js"].CSS[0])
	lazyCSS := file(t, res, m["src/views/lazy.js"].CSS[0])
	sharedCSS := file(t, res, m["_"+filepath.Base(m[firstShared(m)].CSS[0])].File)
	if strings.Contains(mainCSS, ".lazy") || !strings.Contains(lazyCSS, ".lazy{color:green}") {
		t.Errorf("lazy CSS leaked into main or is missing:\nmain: %s\nlazy: %s", mainCSS, lazyCSS)
	}
	seen := map[string]string{}
	for name, f := range res.Bundle.Files {
		if !strings.HasSuffix(name, ".css") {
			continue
		}
		for _, rule := range strings.SplitAfter(string(f.Contents), "}") {
			rule = strings.TrimSpace(rule)
			if rule == "" {
				continue
			}
			if other, dup := seen[rule]; dup {
				t.Errorf("rule %q is in both %s and %s", rule, other, name)
			}
			seen[rule] = name
		}
	}
	if !strings.Contains(sharedCSS, "data:image/png;base64,") {
		t.Errorf("small image not inlined in shared CSS: %s", sharedCSS)
	}
	mainJS := file(t, res, m["src/main.js"].File)
	lazy, shared := m["src/views/lazy.js"], m[firstShared(m)]
	wantDeps := `["` + lazy.File + `","` + shared.File + `","` + shared.CSS[0] + `","` + lazy.CSS[0] + `"]`
	if !strings.Contains(mainJS, wantDeps) {
		t.Errorf("main chunk lacks preload list %s:\n%s", wantDeps, mainJS)
	}
	if strings.Contains(mainJS, preloadMarker) || strings.Contains(mainJS, cssMarker) {
		t.Errorf("placeholder left in output:\n%s", mainJS)
	}
}

func firstShared(m Manifest) string {
	for k := range m {
		if strings.HasPrefix(k, "_") && strings.HasSuffix(k, ".js") {
			return k
		}
	}
	return ""
}

func TestCSSCodeSplitFalse(t *testing.T) {
	cfg, _ := basicConfig(t)
	cfg.Build.CSSCodeSplit = false
	res := build(t, cfg)
	style := res.Manifest["style.css"]
	if style == nil {
		t.Fatalf("no style.css key: %v", res.Manifest)
	}
	css := file(t, res, style.File)
	for _, want := range []string{".lazy", "#app .title", "#admin .title", ".shared"} {
		if !strings.Contains(css, want) {
			t.Errorf("style.css lacks %s", want)
		}
	}
	for k, c := range res.Manifest {
		if len(c.CSS) > 0 {
			t.Errorf("%s has css %v with cssCodeSplit false", k, c.CSS)
		}
	}
}

func TestHTMLEntriesMultiPage(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"index.html": `<!doctype html>
<html>
  <head>
    <link rel="icon" href="/favicon.svg" />
    <link rel="stylesheet" href="/src/global.css" />
  </head>
  <body>
    <div id="app"></div>
    <img src="./src/big.svg" alt="big">
    <script type="module" src="/src/main.ts"></script>
    <script type="module">import { n } from './src/inline-dep.js'; window.n = n</script>
  </body>
</html>
`,
		"nested/about.html":  `<html><head><title>about</title></head><body><script type="module" src="../src/about.js"></script></body></html>`,
		"public/favicon.svg": `<svg xmlns="http://www.w3.org/2000/svg"></svg>`,
		"src/global.css":     `body { margin: 0 }`,
		"src/main.ts":        "import './main.css'\nconst x: number = 1\nimport('./lazy').then(m => m.run(x))\n",
		"src/main.css":       `.main { color: red }`,
		"src/lazy.ts":        `export const run = (n: number) => console.log(n)`,
		"src/about.js":       `import { shared } from './shared.js'; shared()`,
		"src/shared.js":      `export function shared() { return 1 }`,
		"src/inline-dep.js":  `import { shared } from './shared.js'; export const n = shared()`,
		"src/big.svg":        `<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat("<rect width='1' height='1'/>", 200) + `</svg>`,
	})
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "index.html")}, {Path: filepath.Join(root, "nested/about.html")}}
	res := build(t, cfg)
	html := file(t, res, "index.html")
	idx := res.Manifest["index.html"]
	if idx == nil || !idx.IsEntry || idx.Src != "index.html" {
		t.Fatalf("index.html manifest entry: %+v", idx)
	}
	for _, want := range []string{
		`<script type="module" crossorigin src="/` + idx.File + `"></script>`,
		`<link rel="stylesheet" crossorigin href="/` + idx.CSS[0] + `">`,
		`href="/favicon.svg"`,
		`<img src="/assets/big-`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "/src/main.ts") || strings.Contains(html, "/src/global.css") || strings.Contains(html, "import { n }") {
		t.Errorf("source tags left in index.html:\n%s", html)
	}
	// The script tag goes before </head>, indented like the other head tags.
	if !regexp.MustCompile(`\n    <script type="module" crossorigin src="/assets/index-[^"]+"></script>\n`).MatchString(html) {
		t.Errorf("script tag not injected in head with indentation:\n%s", html)
	}
	css := file(t, res, idx.CSS[0])
	if !strings.HasPrefix(css, "body{margin:0}") || !strings.Contains(css, ".main{color:red}") {
		t.Errorf("entry CSS should be global.css then main.css: %q", css)
	}
	about := file(t, res, "nested/about.html")
	if !strings.Contains(about, `src="/`+res.Manifest["nested/about.html"].File) {
		t.Errorf("nested page:\n%s", about)
	}
	if len(res.Manifest["nested/about.html"].Imports) == 0 {
		t.Errorf("about.html should import the chunk shared with the inline script: %+v", res.Manifest["nested/about.html"])
	}
	if !strings.Contains(html, `rel="modulepreload"`) {
		t.Errorf("no modulepreload link for the shared chunk:\n%s", html)
	}
}

func TestAssetsQueriesJSONAndModules(t *testing.T) {
	big := strings.Repeat("x", 5000)
	root := writeFiles(t, map[string]string{
		"src/main.js": `import raw from './note.txt?raw'
import url from './note.txt?url'
import inline from './inline.css?inline'
import cssUrl from './inline.css?url'
import styles, { root as rootClass } from './card.module.css'
import data, { title } from './data.json'
import bigUrl from './big.bin?url'
import tiny from './tiny.png'
console.log(raw, url, inline, cssUrl, styles.root, rootClass, styles['with-dash'], data.title, title, bigUrl, tiny, import.meta.env.MODE, import.meta.env.VITE_KEY, __APP__)
`,
		"src/note.txt":        "hello raw",
		"src/inline.css":      ".inline { color: orange }",
		"src/card.module.css": ".root { color: purple } .with-dash { color: red }",
		"src/data.json":       `{"title": "T"}`,
		"src/big.bin":         big,
		"src/tiny.png":        "\x89PNG\r\n\x1a\n",
	})
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "src/main.js")}}
	cfg.Build.Minify = false
	cfg.Env = map[string]string{"VITE_KEY": "k1"}
	cfg.Define = map[string]any{"__APP__": `"app-1"`}
	res := build(t, cfg)
	js := file(t, res, res.Manifest["src/main.js"].File)
	for _, want := range []string{
		`"hello raw"`, `"data:text/plain;base64,`, `".inline{color:orange}\n"`, `"/assets/inline-`, `"T"`,
		`"/assets/big-`, `"data:image/png;base64,`, `"production"`, `"k1"`, `"app-1"`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("output lacks %s:\n%s", want, js)
		}
	}
	css := file(t, res, res.Manifest["src/main.js"].CSS[0])
	if !regexp.MustCompile(`\.card_\w+_root\{color:purple\}`).MatchString(css) {
		t.Errorf("CSS module classes not localized: %s", css)
	}
	if strings.Contains(css, ".inline") {
		t.Errorf("?inline CSS must not be in the chunk's CSS: %s", css)
	}
	if res.Manifest["src/big.bin"] == nil {
		t.Errorf("?url asset not in manifest: %v", res.Manifest)
	}
}

func TestNodeModulesExportsAndCommonJS(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"src/main.js": `import cjs, { named } from 'cjs-pkg'
import { which } from 'cond-pkg'
import { aliased } from '@/lib.js'
console.log(cjs.value, named, which, aliased)`,
		"src/lib.js":                         `export const aliased = 'ALIASED'`,
		"node_modules/cjs-pkg/package.json":  `{"name":"cjs-pkg","main":"index.js"}`,
		"node_modules/cjs-pkg/index.js":      `module.exports = { value: 'CJS', named: 'NAMED' }`,
		"node_modules/cond-pkg/package.json": `{"name":"cond-pkg","exports":{".":{"browser":"./browser.js","import":"./esm.js","default":"./default.js"}}}`,
		"node_modules/cond-pkg/browser.js":   `export const which = 'BROWSER'`,
		"node_modules/cond-pkg/esm.js":       `export const which = 'ESM'`,
		"node_modules/cond-pkg/default.js":   `export const which = 'DEFAULT'`,
	})
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "src/main.js")}}
	cfg.Resolve.Alias = []config.Alias{{Find: "@", Replacement: filepath.Join(root, "src")}}
	res := build(t, cfg)
	js := file(t, res, res.Manifest["src/main.js"].File)
	for _, want := range []string{"CJS", "NAMED", "BROWSER", "ALIASED"} {
		if !strings.Contains(js, want) {
			t.Errorf("output lacks %s:\n%s", want, js)
		}
	}
}

func TestModulePreloadPolyfillWithoutVitePackage(t *testing.T) {
	root := writeFiles(t, map[string]string{"src/main.js": "import 'vite/modulepreload-polyfill'\nconsole.log(1)"})
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "src/main.js")}}
	res := build(t, cfg)
	if js := file(t, res, res.Manifest["src/main.js"].File); !strings.Contains(js, "modulepreload") {
		t.Errorf("polyfill not injected:\n%s", js)
	}
	cfg.Build.ModulePreloadPolyfill = false
	res = build(t, cfg)
	if js := file(t, res, res.Manifest["src/main.js"].File); strings.Contains(js, "MutationObserver") {
		t.Errorf("polyfill injected although disabled:\n%s", js)
	}
}

func TestSourcemapModes(t *testing.T) {
	root := writeFiles(t, map[string]string{"src/main.ts": "const a: string = 'x'\nconsole.log(a)\nimport('./b')\n", "src/b.ts": "export const b = 1"})
	for _, mode := range []config.Sourcemap{config.SourcemapExternal, config.SourcemapHidden, config.SourcemapInline} {
		cfg := testConfig(t, root)
		cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "src/main.ts")}}
		cfg.Build.Sourcemap = mode
		res := build(t, cfg)
		name := res.Manifest["src/main.ts"].File
		js := file(t, res, name)
		_, hasMap := res.Bundle.Files[name+".map"]
		switch mode {
		case config.SourcemapExternal:
			if !hasMap || !strings.Contains(js, "//# sourceMappingURL="+filepath.Base(name)+".map") {
				t.Errorf("true: map=%v code=%s", hasMap, js)
			}
			var m map[string]any
			json.Unmarshal(res.Bundle.Files[name+".map"].Contents, &m)
			if srcs, _ := m["sources"].([]any); !slices.Contains(srcs, any("../../src/main.ts")) {
				t.Errorf("map sources = %v", m["sources"])
			}
		case config.SourcemapHidden:
			if !hasMap || strings.Contains(js, "sourceMappingURL") {
				t.Errorf("hidden: map=%v code=%s", hasMap, js)
			}
		case config.SourcemapInline:
			if hasMap || !strings.Contains(js, "sourceMappingURL=data:application/json") {
				t.Errorf("inline: map=%v", hasMap)
			}
		}
	}
}

// A failed build reports file, line, column and a code frame, and leaves the old outDir as it was.
func TestFailedBuildKeepsOutDir(t *testing.T) {
	cfg, root := basicConfig(t)
	build(t, cfg)
	before := snapshot(t, filepath.Join(root, "dist"))
	os.WriteFile(filepath.Join(root, "src/shared.js"), []byte("export function greet(who) {\n  return `x` +\n}\n"), 0o644)
	_, err := Build(context.Background(), cfg)
	if err == nil {
		t.Fatal("expected a build error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "src/shared.js:3:0") && !strings.Contains(msg, "src/shared.js:3:") {
		t.Errorf("error lacks file:line:column: %s", msg)
	}
	if !strings.Contains(msg, "│ }") && !strings.Contains(msg, "3 │") {
		t.Errorf("error lacks a code frame: %s", msg)
	}
	after := snapshot(t, filepath.Join(root, "dist"))
	if !maps_equal(before, after) {
		t.Errorf("outDir changed by a failed build")
	}
	os.WriteFile(filepath.Join(root, "src/shared.js"), []byte("import './missing.js'\n"), 0o644)
	_, err = Build(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "missing.js") || !strings.Contains(err.Error(), "src/shared.js:1:") {
		t.Errorf("missing import error: %v", err)
	}
}

func snapshot(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	return out
}

func maps_equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestEmptyOutDirRules(t *testing.T) {
	cfg, root := basicConfig(t)
	os.MkdirAll(filepath.Join(root, "dist"), 0o755)
	os.WriteFile(filepath.Join(root, "dist/stale.txt"), []byte("old"), 0o644)
	build(t, cfg)
	if _, err := os.Stat(filepath.Join(root, "dist/stale.txt")); err == nil {
		t.Error("outDir inside root was not emptied")
	}
	outside := filepath.Join(t.TempDir(), "out")
	os.MkdirAll(outside, 0o755)
	os.WriteFile(filepath.Join(outside, "stale.txt"), []byte("old"), 0o644)
	cfg.Build.OutDir = outside
	build(t, cfg)
	if _, err := os.Stat(filepath.Join(outside, "stale.txt")); err != nil {
		t.Error("outDir outside root was emptied without emptyOutDir")
	}
	cfg.Build.EmptyOutDir = config.Bool(true)
	build(t, cfg)
	if _, err := os.Stat(filepath.Join(outside, "stale.txt")); err == nil {
		t.Error("emptyOutDir: true did not empty the outDir outside root")
	}
	cfg.Build.OutDir = root
	if _, err := Build(context.Background(), cfg); err == nil {
		t.Error("building into the project root must be refused")
	}
}

func TestBaseIsApplied(t *testing.T) {
	cfg, root := basicConfig(t)
	cfg.Base = "/static/"
	res := build(t, cfg)
	js := file(t, res, res.Manifest["src/main.js"].File)
	if !strings.Contains(js, `"/static/assets/big-`) || !strings.Contains(js, `"/static/" + dep`) && !strings.Contains(js, `"/static/"+`) {
		t.Errorf("base not applied in JS:\n%s", js)
	}
	css := file(t, res, res.Manifest["src/admin.js"].CSS[0])
	if !strings.Contains(css, "url(/static/assets/big-") {
		t.Errorf("base not applied in CSS: %s", css)
	}
	if strings.Contains(norm(file(t, res, ".vite/manifest.json")), "/static/") {
		t.Errorf("manifest values must not include base")
	}
	_ = root
}

func TestReportSizes(t *testing.T) {
	if kB(7028) != "7.02" || kB(2208) != "2.20" || kB(39) != "0.03" || kB(999) != "0.99" {
		t.Errorf("kB truncation: %s %s %s %s", kB(7028), kB(2208), kB(39), kB(999))
	}
}

// Stylesheets with @import or composes take esbuild's bundling path; others the Transform path. Both
// give the same local names and the same url() handling.
func TestCSSImportComposesAndURLs(t *testing.T) {
	big := strings.Repeat("<rect width='1' height='1'/>", 200)
	root := writeFiles(t, map[string]string{
		"src/main.js":           "import './a.css'\nimport s from './m.module.css'\nimport p from './plain.module.css'\nconsole.log(s, p)",
		"src/a.css":             "@import './b.css';\n.a { background: url(./img/big.svg) }",
		"src/b.css":             ".b { background: url('/img/public.png') }",
		"src/m.module.css":      ".base { color: red }\n.btn { composes: base; margin: 0 }",
		"src/plain.module.css":  ".btn { color: blue; background: url(./img/big.svg) }",
		"src/img/big.svg":       "<svg xmlns='http://www.w3.org/2000/svg'>" + big + "</svg>",
		"public/img/public.png": "png",
	})
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "src/main.js")}}
	cfg.Build.Minify, cfg.Build.CSSMinify = false, false
	res := build(t, cfg)
	entry := res.Manifest["src/main.js"]
	css := file(t, res, entry.CSS[0])
	for _, want := range []string{".b {", "url(/img/public.png)", ".a {", "url(/assets/big-"} {
		if !strings.Contains(css, want) {
			t.Errorf("CSS lacks %q:\n%s", want, css)
		}
	}
	if strings.Index(css, ".b {") > strings.Index(css, ".a {") {
		t.Errorf("@import'ed rules must come first:\n%s", css)
	}
	js := file(t, res, entry.File)
	comp := &gvcss.Compiler{Key: (&builder{cfg: cfg}).relKey}
	mPrefix := comp.ModulePrefix(filepath.Join(root, "src/m.module.css"))
	pPrefix := comp.ModulePrefix(filepath.Join(root, "src/plain.module.css"))
	for _, want := range []string{
		`"btn": "` + mPrefix + `_base ` + mPrefix + `_btn"`, // composes, through the bundler
		`"btn": "` + pPrefix + `_btn"`,                      // the Transform path
	} {
		if !strings.Contains(js, want) {
			t.Errorf("JS lacks %s:\n%s", want, js)
		}
	}
	if !strings.Contains(css, "."+pPrefix+"_btn") || !strings.Contains(css, "."+mPrefix+"_base") {
		t.Errorf("module classes missing from CSS:\n%s", css)
	}
	if !slices.Contains(entry.Assets, res.Manifest["src/img/big.svg"].File) {
		t.Errorf("assets of the chunk's CSS not listed: %+v", entry)
	}
}

func TestSSRManifest(t *testing.T) {
	cfg, _ := basicConfig(t)
	cfg.Build.SSRManifest = ".vite/ssr-manifest.json"
	res := build(t, cfg)
	var m map[string][]string
	if err := json.Unmarshal([]byte(file(t, res, ".vite/ssr-manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	lazy := res.Manifest["src/views/lazy.js"]
	if got := m["src/views/lazy.js"]; !slices.Equal(got, []string{"/" + lazy.File, "/" + lazy.CSS[0]}) {
		t.Errorf("ssr-manifest src/views/lazy.js = %v", got)
	}
	if got := m["src/main.js"]; !slices.Equal(got, []string{"/" + res.Manifest["src/main.js"].Assets[0]}) {
		t.Errorf("entry modules list only assets, got %v", got)
	}
	if _, ok := m["src/shared.css"]; !ok {
		t.Errorf("stylesheets are listed too: %v", m)
	}
}

func TestModulePreloadDisabledKeepsCSSOnly(t *testing.T) {
	cfg, _ := basicConfig(t)
	cfg.Build.ModulePreload = false
	res := build(t, cfg)
	js := file(t, res, res.Manifest["src/main.js"].File)
	lazy, shared := res.Manifest["src/views/lazy.js"], res.Manifest[firstShared(res.Manifest)]
	if want := `["` + shared.CSS[0] + `","` + lazy.CSS[0] + `"]`; !strings.Contains(js, want) {
		t.Errorf("want CSS-only preload list %s in:\n%s", want, js)
	}
}

func TestRelativeBase(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"index.html":    `<html><head></head><body><img src="./src/big.png"><script type="module" src="./src/main.js"></script></body></html>`,
		"nested/b.html": `<html><head></head><body><script type="module" src="../src/main.js"></script></body></html>`,
		"src/main.js":   "import './s.css'\nimport u from './big.png'\nconsole.log(u)\nimport('./lazy.js')",
		"src/lazy.js":   "import './lazy.css'\nexport default 1",
		"src/lazy.css":  ".l{color:red}",
		"src/s.css":     ".s{background:url(./big.png)}",
		"src/big.png":   strings.Repeat("p", 5000),
	})
	cfg := testConfig(t, root)
	cfg.Base = "./"
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "index.html")}, {Path: filepath.Join(root, "nested/b.html")}}
	res := build(t, cfg)
	idx := file(t, res, "index.html")
	if !strings.Contains(idx, `src="./assets/index-`) || !strings.Contains(idx, `<img src="./assets/big-`) {
		t.Errorf("index.html URLs not relative:\n%s", idx)
	}
	if b := file(t, res, "nested/b.html"); !strings.Contains(b, `src="../assets/b-`) {
		t.Errorf("nested page URLs not relative to it:\n%s", b)
	}
	// Both pages load main.js, so its code is in a shared chunk.
	shared := res.Manifest[firstShared(res.Manifest)]
	js := file(t, res, shared.File)
	if !strings.Contains(js, `new URL("./big-`) || !strings.Contains(js, "import.meta.url") || !strings.Contains(js, `"./lazy-`) {
		t.Errorf("relative asset URL or preload list missing:\n%s", js)
	}
	if css := file(t, res, shared.CSS[0]); !strings.Contains(css, "url(./big-") {
		t.Errorf("CSS url not relative: %s", css)
	}
}

func TestTargetAndJSXOptions(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"src/main.tsx":                      "import { App } from './app'\nconst v = window.x ?? 1\nconsole.log(<App n={v} />)\n",
		"src/app.tsx":                       "export function App(p: { n: number }) { return <b>{p.n}</b> }\n",
		"node_modules/react/package.json":   `{"name":"react","exports":{"./jsx-runtime":"./jsx-runtime.js"}}`,
		"node_modules/react/jsx-runtime.js": "export const jsx = (t, p) => ({ t, p, runtime: 'AUTOMATIC' })",
		"node_modules/preact/package.json":  `{"name":"preact","main":"index.js"}`,
		"node_modules/preact/index.js":      "export const h = (t, p) => ({ t, p, runtime: 'CLASSIC' })",
	})
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "src/main.tsx")}}
	cfg.Build.Minify = false
	res := build(t, cfg)
	js := file(t, res, res.Manifest["src/main.tsx"].File)
	if !strings.Contains(js, "AUTOMATIC") || !strings.Contains(js, "??") {
		t.Errorf("default: automatic JSX runtime and modern target expected:\n%s", js)
	}
	cfg.Build.Target = []string{"chrome70"}
	cfg.Esbuild = config.EsbuildOptions{JSX: "transform", JSXFactory: "h", JSXInject: `import { h } from 'preact'`}
	res = build(t, cfg)
	js = file(t, res, res.Manifest["src/main.tsx"].File)
	if !strings.Contains(js, "CLASSIC") || strings.Contains(js, "AUTOMATIC") || strings.Contains(js, "??") {
		t.Errorf("classic JSX with jsxFactory/jsxInject and chrome70 lowering expected:\n%s", js)
	}
}

func TestCSSEntry(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"src/main.js":   "console.log(1)",
		"src/theme.css": ".t { background: url(./big.png) }",
		"src/big.png":   strings.Repeat("p", 5000),
	})
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Name: "main", Path: filepath.Join(root, "src/main.js")}, {Name: "theme", Path: filepath.Join(root, "src/theme.css")}}
	res := build(t, cfg)
	e := res.Manifest["src/theme.css"]
	if e == nil || !e.IsEntry || e.Name != "theme" || !slices.Equal(e.Names, []string{"theme.css"}) || e.Src != "src/theme.css" ||
		!strings.HasPrefix(e.File, "assets/theme-") || !strings.HasSuffix(e.File, ".css") || len(e.Assets) != 1 {
		t.Fatalf("CSS entry = %+v", e)
	}
	if css := file(t, res, e.File); !strings.Contains(css, "url(/"+e.Assets[0]+")") {
		t.Errorf("CSS entry content: %s", css)
	}
	for name := range res.Bundle.Files {
		if strings.HasPrefix(name, "assets/theme-") && strings.HasSuffix(name, ".js") {
			t.Errorf("a CSS entry must not emit JS: %s", name)
		}
	}
}
