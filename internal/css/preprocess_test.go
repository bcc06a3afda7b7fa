package css

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/sourcemap"
	"github.com/govite/govite/internal/testutil/tools"
)

// testResolver serves files under /r/<path from root>, follows one alias ("@/" -> root/src/) and
// records warnings.
type testResolver struct {
	root     string
	mu       sync.Mutex
	warnings []string
}

func (r *testResolver) URL(spec, dir, importer string) (string, bool, error) {
	if IsExternalURL(spec) || strings.HasPrefix(spec, "#") {
		return spec, true, nil
	}
	if a, ok := r.Import(spec); ok {
		spec = a
	}
	p := spec
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, spec)
	}
	rel, err := filepath.Rel(r.root, p)
	if err != nil {
		return "", false, err
	}
	return "/r/" + filepath.ToSlash(rel), true, nil
}

func (r *testResolver) FileURL(abs string) (string, error) {
	rel, _ := filepath.Rel(r.root, abs)
	return "/r/" + filepath.ToSlash(rel), nil
}

func (r *testResolver) Import(spec string) (string, bool) {
	if rest, ok := strings.CutPrefix(spec, "@/"); ok {
		return filepath.Join(r.root, "src", rest), true
	}
	return "", false
}

func (r *testResolver) Warn(msg string) {
	r.mu.Lock()
	r.warnings = append(r.warnings, msg)
	r.mu.Unlock()
}

// cssProject writes files into a new project that sees e2e/css-tools/node_modules, and returns a
// Compiler for it whose Processor stops when the test ends.
func cssProject(t *testing.T, files map[string]string, edit func(*config.ResolvedConfig)) (*Compiler, string) {
	t.Helper()
	modules := tools.CSSToolsModules(t)
	root := t.TempDir()
	for p, c := range files {
		abs := filepath.Join(root, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(abs), 0o755)
		if err := os.WriteFile(abs, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(modules, filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	cfg := &config.ResolvedConfig{Root: root, Command: "serve", Mode: "development"}
	if edit != nil {
		edit(cfg)
	}
	proc := NewProcessor(cfg, ProcessorOptions{Stderr: testWriter{t}})
	t.Cleanup(func() { proc.Close() })
	c := &Compiler{Root: root, Resolver: &testResolver{root: root}, Processor: proc,
		Key: func(abs string) string { rel, _ := filepath.Rel(root, abs); return filepath.ToSlash(rel) },
		Errors: func(msgs []api.Message) error {
			return errors.New(strings.Join(api.FormatMessages(msgs, api.FormatMessagesOptions{Kind: api.ErrorMessage}), ""))
		}}
	return c, root
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Logf("worker: %s", strings.TrimSpace(string(p)))
	return len(p), nil
}

func compileFile(t *testing.T, c *Compiler, root, rel string) *Module {
	t.Helper()
	abs := filepath.Join(root, filepath.FromSlash(rel))
	data, err := os.ReadFile(abs)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Compile(abs, string(data))
	if err != nil {
		t.Fatalf("compile %s: %v", rel, err)
	}
	return m
}

// squash drops all whitespace, so that outputs compare by content whatever their formatting.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

func wantCSS(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(squash(got), squash(w)) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func TestSassPartialsAliasesAndURLRebasing(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"src/app.scss": "@use './styles/vars' as v;\n@use '@/styles/mixins';\n@import 'node-lib/theme';\n" +
			".app { color: v.$primary; .inner { @include mixins.bg; } &:hover { display: flex; } }\n",
		"src/styles/_vars.scss":  "$primary: #ff3e00;\n",
		"src/styles/mixins.scss": "@mixin bg { background: url(../img/a.png); }\n.logo { background: url('@/img/a.png') }\n",
		"src/img/a.png":          "png",
		"node_modules_local/x":   "",
	}, nil)
	// A package without exports whose partial is found through the Sass file rules.
	pkg := filepath.Join(root, "src", "node_modules", "node-lib")
	os.MkdirAll(pkg, 0o755)
	os.WriteFile(filepath.Join(pkg, "package.json"), []byte(`{"name":"node-lib"}`), 0o644)
	os.WriteFile(filepath.Join(pkg, "_theme.scss"), []byte(".theme { margin: 0 }\n"), 0o644)

	m := compileFile(t, c, root, "src/app.scss")
	wantCSS(t, "app.scss", m.CSS,
		".app { color: #ff3e00; }", ".app .inner { background: url(/r/src/img/a.png); }", ".app:hover { display: flex; }",
		".logo { background: url(/r/src/img/a.png); }", ".theme { margin: 0; }")
	for _, dep := range []string{"src/styles/_vars.scss", "src/styles/mixins.scss", "src/node_modules/node-lib/_theme.scss"} {
		found := false
		for _, d := range m.Deps {
			found = found || d == filepath.Join(root, dep)
		}
		if !found {
			t.Errorf("deps %v lack %s", m.Deps, dep)
		}
	}
}

func TestSourcemapThroughSass(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"src/app.scss":          "@use './styles/vars' as v;\n.app {\n  color: v.$primary;\n}\n",
		"src/styles/_vars.scss": "$primary: red;\n",
	}, nil)
	c.Sourcemap = true
	m := compileFile(t, c, root, "src/app.scss")
	out := InlineMap(m.CSS, m.Map, filepath.Join(root, "src/app.scss"), true)
	i := strings.Index(out, "base64,")
	if i < 0 {
		t.Fatalf("no inline map:\n%s", out)
	}
	data, _ := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimSpace(out[i+7:]), " */"))
	var sm rawMap
	if err := json.Unmarshal(data, &sm); err != nil {
		t.Fatal(err)
	}
	if len(sm.Sources) == 0 || sm.Sources[0] != "app.scss" || sm.SourcesContent[0] == nil || !strings.Contains(*sm.SourcesContent[0], "v.$primary") {
		t.Fatalf("map: %s", data)
	}
	t.Logf("%s", data)
}

func TestLessImportsOptionsAndRebasing(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"src/x.less":            "@import './styles/mix.less';\n@import '@/styles/alias';\n@w: 10px;\n.x { width: @w / 2; height: @gv; .y { color: red; } }\n",
		"src/styles/mix.less":   ".m { background: url('../img/a.png'); border: @b; }\n@b: 1px solid;\n",
		"src/styles/alias.less": ".alias { margin: 0 }\n",
		"src/img/a.png":         "png",
	}, func(cfg *config.ResolvedConfig) {
		cfg.CSS.PreprocessorOptions = map[string]map[string]any{"less": {"math": "always", "globalVars": map[string]any{"gv": "3px"}}}
	})
	m := compileFile(t, c, root, "src/x.less")
	wantCSS(t, "x.less", m.CSS, ".m { background: url(/r/src/img/a.png); border: 1px solid; }", ".alias { margin: 0; }",
		".x { width: 5px; height: 3px; }", ".x .y { color: red; }")
	if !slices.Contains(m.Deps, filepath.Join(root, "src/styles/mix.less")) || !slices.Contains(m.Deps, filepath.Join(root, "src/styles/alias.less")) {
		t.Errorf("deps: %v", m.Deps)
	}
}

func TestStylusAndSassIndented(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"src/y.styl":          "@import 'vars'\n.y\n  color c\n  .z\n    margin m\n",
		"src/vars.styl":       "c = #f00\n",
		"src/i.sass":          "$c: blue\n.i\n  color: $c\n  &:hover\n    color: red\n",
		"src/b.module.scss":   "$c: blue;\n.btn-primary { color: $c; &.big { font-size: 2em; } }\n",
		"src/data/shared.txt": "",
	}, func(cfg *config.ResolvedConfig) {
		cfg.CSS.PreprocessorOptions = map[string]map[string]any{"styl": {"define": map[string]any{"m": 4.0}}}
	})
	wantCSS(t, "y.styl", compileFile(t, c, root, "src/y.styl").CSS, ".y { color: #f00; }", ".y .z { margin: 4; }")
	wantCSS(t, "i.sass", compileFile(t, c, root, "src/i.sass").CSS, ".i { color: blue; }", ".i:hover { color: red; }")
	m := compileFile(t, c, root, "src/b.module.scss")
	if !m.IsModule || len(m.Exports) != 2 || m.Exports[0].Name != "btn-primary" || m.Exports[1].Name != "big" {
		t.Fatalf("module exports: %+v", m.Exports)
	}
	wantCSS(t, "b.module.scss", m.CSS, "."+m.Exports[0].Value+" { color: blue; }", "."+m.Exports[0].Value+"."+m.Exports[1].Value+" { font-size: 2em; }")
}

// errorOf compiles a file that must fail and returns the tool's error.
func errorOf(t *testing.T, c *Compiler, root, rel string) *Error {
	t.Helper()
	abs := filepath.Join(root, filepath.FromSlash(rel))
	data, _ := os.ReadFile(abs)
	_, err := c.Compile(abs, string(data))
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("%s: want a stylesheet tool error, got %v", rel, err)
	}
	return ce
}

func TestToolErrorsPointAtTheirPlace(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"src/bad.scss":      ".a {\n  color: red\n  .b { x: 1; }\n}\n",
		"src/partial.scss":  "@use 'broken';\n.a { color: red }\n",
		"src/_broken.scss":  "\n.p { color: $nope; }\n",
		"src/bad.less":      ".a {\n  color: red;\n  .b { width: @nope; }\n}\n",
		"src/bad.styl":      ".a\n  color: red\n  width: 1px +\n",
		"src/bad.css":       ".a { color: red; }\n.b { color: red; }}\n",
		"postcss.config.js": "module.exports = { plugins: { 'postcss-nested': {} } }\n",
	}, nil)
	for _, tc := range []struct {
		file, wantFile, wantMsg string
		line, col               int
	}{
		{"src/bad.scss", "src/bad.scss", "[sass] Expected digit.", 3, 4},
		{"src/partial.scss", "src/_broken.scss", "[sass] Undefined variable.", 2, 13},
		{"src/bad.less", "src/bad.less", "[less] variable @nope is undefined", 3, 15},
		{"src/bad.css", "src/bad.css", "[postcss] Unexpected }", 2, 19},
	} {
		e := errorOf(t, c, root, tc.file)
		if e.File != filepath.Join(root, tc.wantFile) || e.Line != tc.line || e.Column != tc.col || !strings.Contains(e.Message, tc.wantMsg) || e.Plugin != "vite:css" {
			t.Errorf("%s: got %s:%d:%d %q (plugin %q); want %s:%d:%d %q", tc.file, e.File, e.Line, e.Column, e.Message, e.Plugin, tc.wantFile, tc.line, tc.col, tc.wantMsg)
		}
	}
	e := errorOf(t, c, root, "src/bad.styl")
	if !strings.HasPrefix(e.Message, "[stylus]") || e.File != filepath.Join(root, "src/bad.styl") || e.Line == 0 {
		t.Errorf("stylus error: %+v", e)
	}
}

// Without the package, the error names what to install, in Vite's words.
func TestMissingPreprocessorNamesThePackage(t *testing.T) {
	tools.Node(t)
	root := t.TempDir()
	for name, code := range map[string]string{"a.scss": "a { b: c }", "a.less": "a { b: c }", "a.styl": "a\n  b c\n"} {
		os.WriteFile(filepath.Join(root, name), []byte(code), 0o644)
	}
	proc := NewProcessor(&config.ResolvedConfig{Root: root, Command: "serve"}, ProcessorOptions{Stderr: testWriter{t}})
	defer proc.Close()
	c := &Compiler{Root: root, Resolver: &testResolver{root: root}, Processor: proc, Key: filepath.Base}
	for file, pkg := range map[string]string{"a.scss": "sass-embedded", "a.less": "less", "a.styl": "stylus"} {
		_, err := c.Compile(filepath.Join(root, file), "a { b: c }")
		want := `Preprocessor dependency "` + pkg + `" not found. Did you install it? Try ` + "`npm install -D " + pkg + "`."
		if err == nil || err.Error() != want {
			t.Errorf("%s: got %v, want %s", file, err, want)
		}
	}
}

// The PostCSS config is found above root (postcss-load-config's search, up to the workspace root);
// its plugins run after the pre-processor, and the files they report become dependencies.
func TestPostCSSConfigPluginsAndMessages(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"package.json": `{"name":"ws","workspaces":["app"]}`,
		"postcss.config.cjs": `const report = () => ({
  postcssPlugin: 'report',
  Once(root, { result }) {
    root.walkDecls('color', (d) => { if (d.value === 'brand') d.value = '#123456' })
    result.messages.push({ type: 'dependency', plugin: 'report', file: require('path').join(__dirname, 'brand.json'), parent: result.opts.from })
    result.messages.push({ type: 'dir-dependency', plugin: 'report', dir: '../content', glob: '**/*.{html,js}', parent: result.opts.from })
    result.warn('brand colour used', { node: root.first })
  },
})
report.postcss = true
module.exports = { plugins: [require('postcss-nested'), report] }
`,
		"brand.json":            "{}",
		"app/src/a.scss":        "$x: 1px;\n.card { color: brand; margin: $x; &:hover { color: red } }\n",
		"app/content/page.html": "<p>",
		"app/content/deep/x.js": "",
		"app/content/skip.css":  "",
	}, nil)
	r := c.Resolver.(*testResolver)
	c.Root, r.root = filepath.Join(root, "app"), filepath.Join(root, "app")
	c.Processor.root = c.Root
	c.Processor.cfg.Root = c.Root
	m := compileFile(t, c, root, "app/src/a.scss")
	wantCSS(t, "a.scss", m.CSS, ".card { color: #123456; margin: 1px; }", ".card:hover { color: red; }")
	want := []string{filepath.Join(root, "app/content/deep/x.js"), filepath.Join(root, "app/content/page.html"), filepath.Join(root, "brand.json")}
	if !slices.Equal(m.Deps, want) {
		t.Errorf("deps:\n got %v\nwant %v", m.Deps, want)
	}
	if len(r.warnings) != 1 || !strings.Contains(r.warnings[0], "[vite:css][postcss] brand colour used") {
		t.Errorf("warnings: %v", r.warnings)
	}
}

// With a PostCSS config, the @imports are inlined before PostCSS runs (Vite's postcss-import), so the
// plugins see the imported rules; conditions become blocks and url()s are rebased.
func TestImportsInlinedBeforePostCSS(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"postcss.config.mjs":      "import nested from 'postcss-nested'\nexport default { plugins: [nested] }\n",
		"src/main.css":            "@charset \"utf-8\";\n@import 'https://example.com/x.css';\n@import './parts/a.css' screen;\n@import url(parts/b.scss) layer(base);\n@import './parts/a.css' screen;\n.main { &:hover { color: red } }\n",
		"src/parts/a.css":         ".a { & .in { background: url(./img/x.png) } }\n",
		"src/parts/b.scss":        "$c: blue;\n.b { color: $c; }\n",
		"src/parts/img/x.png":     "png",
		"src/parts/unused.css":    "",
		"src/imports-nothing.css": ".n { color: red }\n",
	}, nil)
	m := compileFile(t, c, root, "src/main.css")
	wantCSS(t, "main.css", m.CSS, `@import "https://example.com/x.css";`, "@media screen { .a .in { background: url(/r/src/parts/img/x.png); } }",
		"@layer base { .b { color: blue; } }", ".main:hover { color: red; }")
	if strings.Count(m.CSS, ".a .in") != 1 {
		t.Errorf("a.css imported twice with the same media is inlined once:\n%s", m.CSS)
	}
	if !slices.Contains(m.Deps, filepath.Join(root, "src/parts/a.css")) || !slices.Contains(m.Deps, filepath.Join(root, "src/parts/b.scss")) {
		t.Errorf("deps: %v", m.Deps)
	}
}

// Tailwind v3 through postcss.config.js: the classes of the content files are generated, and the
// config and content files are dependencies (a change to one updates the stylesheet in dev).
func TestTailwindContentFilesAreDependencies(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"package.json":       `{"type":"module"}`,
		"postcss.config.js":  "export default { plugins: { tailwindcss: {}, autoprefixer: {} } }\n",
		"tailwind.config.js": "export default { content: ['./index.html', './src/**/*.{js,jsx}'], theme: { extend: {} }, plugins: [] }\n",
		"index.html":         `<div class="p-4"></div>`,
		"src/index.css":      "@import './components.css';\n@tailwind base;\n@tailwind components;\n@tailwind utilities;\n",
		"src/components.css": ".btn { @apply px-4 font-bold; }\n",
		"src/App.jsx":        "export const App = () => <p className=\"text-red-500\">hi</p>\n",
	}, nil)
	m := compileFile(t, c, root, "src/index.css")
	wantCSS(t, "index.css", m.CSS, ".p-4 { padding: 1rem; }", ".text-red-500 {", ".btn { padding-left: 1rem; padding-right: 1rem; font-weight: 700; }", "box-sizing: border-box")
	for _, f := range []string{"tailwind.config.js", "index.html", "src/App.jsx", "src/components.css"} {
		if !slices.Contains(m.Deps, filepath.Join(root, f)) {
			t.Errorf("deps %v lack %s", m.Deps, f)
		}
	}
}

// A TypeScript PostCSS config is compiled by govite (Node 20 cannot import .ts) and removed again.
func TestTypeScriptPostCSSConfig(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"postcss.config.ts": "import nested from 'postcss-nested'\nconst plugins: unknown[] = [nested()]\nexport default { plugins }\n",
		"src/a.css":         ".a { &:hover { color: red } }\n",
	}, nil)
	wantCSS(t, "a.css", compileFile(t, c, root, "src/a.css").CSS, ".a:hover { color: red; }")
	if left, _ := filepath.Glob(filepath.Join(root, "*.mjs")); len(left) != 0 {
		t.Errorf("compiled config left behind: %v", left)
	}
}

// Options whose values are JavaScript (an additionalData function, PostCSS plugin objects) are read
// from the Vite config in Node.
func TestJavaScriptOptionsFromTheViteConfig(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"vite.config.ts": `import { defineConfig } from 'vite'
import nested from 'postcss-nested'
const brand: string = '#abcdef'
export default defineConfig(({ command }) => ({
  css: {
    preprocessorOptions: { scss: { additionalData: (src: string) => '$brand: ' + brand + '; $cmd: ' + command + ';\n' + src } },
    postcss: { plugins: [nested()] },
  },
}))
`,
		"src/a.scss": ".a { color: $brand; content: '#{$cmd}'; &:hover { color: red } }\n",
	}, func(cfg *config.ResolvedConfig) {
		cfg.ConfigFile = filepath.Join(cfg.Root, "vite.config.ts")
		cfg.CSS.JSOptions = []string{"css.preprocessorOptions.scss.additionalData", "css.postcss.plugins"}
		cfg.CSS.PostCSS = &config.PostCSSOptions{Inline: true, Plugins: 1}
	})
	wantCSS(t, "a.scss", compileFile(t, c, root, "src/a.scss").CSS, `.a { color: #abcdef; content: "serve"; }`, ".a:hover { color: red; }")
	if left, _ := filepath.Glob(filepath.Join(root, "*.mjs")); len(left) != 0 {
		t.Errorf("bundled config left behind: %v", left)
	}
}

// With only the `sass` package (no sass-embedded), Sass still works, as in Vite.
func TestDartSassWithoutSassEmbedded(t *testing.T) {
	modules := tools.CSSToolsModules(t)
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "node_modules"), 0o755)
	os.Symlink(filepath.Join(modules, "sass"), filepath.Join(root, "node_modules", "sass"))
	os.WriteFile(filepath.Join(root, "a.scss"), []byte("$c: red;\n.a { color: $c; }\n"), 0o644)
	proc := NewProcessor(&config.ResolvedConfig{Root: root, Command: "serve"}, ProcessorOptions{Stderr: testWriter{t}})
	defer proc.Close()
	c := &Compiler{Root: root, Resolver: &testResolver{root: root}, Processor: proc, Key: filepath.Base}
	wantCSS(t, "a.scss", compileFile(t, c, root, "a.scss").CSS, ".a { color: red; }")
}

// additionalData is prepended to the source; the source map still points into the file itself.
func TestAdditionalDataKeepsTheMapOnTheSource(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"src/a.scss": ".a {\n  color: $brand;\n}\n",
		"src/b.less": ".b {\n  color: @brand;\n}\n",
	}, func(cfg *config.ResolvedConfig) {
		cfg.CSS.PreprocessorOptions = map[string]map[string]any{
			"scss": {"additionalData": "$brand: red;\n$unused: 1;\n"},
			"less": {"additionalData": "@brand: blue;\n"},
		}
	})
	c.Sourcemap = true
	for file, decl := range map[string]string{"src/a.scss": "color: red", "src/b.less": "color: blue"} {
		m := compileFile(t, c, root, file)
		wantCSS(t, file, m.CSS, decl)
		sm, _ := parseMap(finishMap(m.Map, filepath.Join(root, file), false))
		// Find the segment of the declaration's line: it must point at line 2, column 3 of the file.
		lines := strings.Split(m.CSS, "\n")
		found := false
		for li, l := range lines {
			if !strings.Contains(l, "color:") || li >= len(sourcemapLines(sm)) {
				continue
			}
			for _, seg := range sourcemapLines(sm)[li] {
				if len(seg) >= 4 && sm.Sources[seg[1]] == filepath.Join(root, file) && seg[2] == 1 && seg[3] == 2 {
					found = true
				}
			}
		}
		if !found || !strings.HasPrefix(*sm.SourcesContent[0], ".") {
			t.Errorf("%s: the declaration does not map to 2:3 of the file: %s", file, finishMap(m.Map, filepath.Join(root, file), false))
		}
	}
}

func sourcemapLines(m *rawMap) [][]sourcemap.Segment { return sourcemap.Decode(m.Mappings) }

// Without PostCSS, esbuild inlines @import: an imported Sass file is compiled on the way, and a CSS
// module can compose a class of a Sass module.
func TestPlainCSSImportsAndComposesSass(t *testing.T) {
	c, root := cssProject(t, map[string]string{
		"src/main.css":         "@import './theme.scss';\n.main { color: red }\n",
		"src/theme.scss":       "$c: blue;\n.theme { color: $c; }\n",
		"src/a.module.css":     ".a { composes: base from './base.module.scss'; color: red }\n",
		"src/base.module.scss": "$m: 1px;\n.base { margin: $m; }\n",
	}, nil)
	m := compileFile(t, c, root, "src/main.css")
	wantCSS(t, "main.css", m.CSS, ".theme { color: blue; }", ".main { color: red; }")
	if !slices.Contains(m.Imports, filepath.Join(root, "src/theme.scss")) {
		t.Errorf("imports: %v", m.Imports)
	}
	m = compileFile(t, c, root, "src/a.module.css")
	wantCSS(t, "a.module.css", m.CSS, "margin: 1px;")
	if len(m.Exports) != 1 || !strings.Contains(m.Exports[0].Value, "base") {
		t.Errorf("exports: %+v", m.Exports)
	}
}

// A worker that died (killed, crashed) is started again for the next stylesheet.
func TestWorkerRestartsAfterItDies(t *testing.T) {
	c, root := cssProject(t, map[string]string{"a.scss": "$c: red;\n.a { color: $c; }\n"}, nil)
	compileFile(t, c, root, "a.scss")
	c.Processor.mu.Lock()
	w := c.Processor.w
	c.Processor.mu.Unlock()
	w.cmd.Process.Kill()
	<-w.exited
	wantCSS(t, "a.scss", compileFile(t, c, root, "a.scss").CSS, ".a { color: red; }")
}
