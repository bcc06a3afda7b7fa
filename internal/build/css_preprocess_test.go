package build

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/testutil/tools"
)

// linkModules fills root/node_modules with links to the packages of the given node_modules folders
// (the first one that has a package wins; scopes are merged).
func linkModules(t *testing.T, root string, from ...string) {
	t.Helper()
	dst := filepath.Join(root, "node_modules")
	for _, dir := range from {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			if strings.HasPrefix(name, "@") {
				scoped, _ := os.ReadDir(filepath.Join(dir, name))
				os.MkdirAll(filepath.Join(dst, name), 0o755)
				for _, s := range scoped {
					link := filepath.Join(dst, name, s.Name())
					if _, err := os.Lstat(link); err != nil {
						os.Symlink(filepath.Join(dir, name, s.Name()), link)
					}
				}
				continue
			}
			os.MkdirAll(dst, 0o755)
			if link := filepath.Join(dst, name); !exists(link) {
				os.Symlink(filepath.Join(dir, name), link)
			}
		}
	}
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// cssProject writes a project that has Vite 8 and the CSS tools installed.
func cssProject(t *testing.T, files map[string]string) (root string, vite string) {
	t.Helper()
	tools.Node(t)
	cssModules := tools.CSSToolsModules(t)
	viteModules := tools.Vite8Modules(t)
	root = t.TempDir()
	for p, c := range files {
		abs := filepath.Join(root, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(abs), 0o755)
		if err := os.WriteFile(abs, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	linkModules(t, root, cssModules, viteModules)
	return root, filepath.Join(viteModules, "vite", "bin", "vite.js")
}

// viteBuild runs real Vite 8 on root and returns the files it wrote under dist/, then removes dist.
func viteBuild(t *testing.T, root, vite string) map[string]string {
	t.Helper()
	cmd := exec.Command("node", vite, "build", "--logLevel", "error")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VITE_CONFIG_NATIVE_IGNORE_WARNING=true")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vite build: %v\n%s", err, out)
	}
	return distFiles(t, root)
}

// distFiles reads root/dist (names relative to it) and removes it.
func distFiles(t *testing.T, root string) map[string]string {
	t.Helper()
	dist := filepath.Join(root, "dist")
	files := map[string]string{}
	for p, c := range snapshot(t, dist) {
		rel, _ := filepath.Rel(dist, p)
		files[filepath.ToSlash(rel)] = c
	}
	os.RemoveAll(dist)
	return files
}

// goviteBuild builds root as the CLI would: its vite.config.js loaded and resolved for "build".
func goviteBuild(t *testing.T, root string) map[string]string {
	t.Helper()
	cfg, err := config.Resolve(context.Background(), &config.UserConfig{Root: root, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		config.ResolveConfigOptions{Command: "build"})
	if err != nil {
		t.Fatal(err)
	}
	build(t, cfg)
	return distFiles(t, root)
}

var (
	cssCommentRe  = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssURLQuoteRe = regexp.MustCompile(`url\(["']([^"')]*)["']\)`)
	cssAttrRe     = regexp.MustCompile(`=["']([\w-]+)["']\]`)
)

// normCSS is a stylesheet without what esbuild and Vite's PostCSS print differently: comments,
// whitespace, optional quotes (url(), attribute values), the quote style and file hashes.
func normCSS(s string) string {
	s = cssCommentRe.ReplaceAllString(s, "")
	s = cssURLQuoteRe.ReplaceAllString(s, "url($1)")
	s = cssAttrRe.ReplaceAllString(s, "=$1]")
	s = strings.ReplaceAll(s, "'", `"`)
	s = hashRe.ReplaceAllString(s, "-HASH.")
	s = strings.Join(strings.Fields(s), "")
	return strings.ReplaceAll(s, ";}", "}")
}

// cssOf is the CSS the build wrote (one file expected) and the names of all files.
func cssOf(t *testing.T, files map[string]string) (string, []string) {
	t.Helper()
	var css []string
	var names []string
	for name, content := range files {
		names = append(names, norm(name))
		if strings.HasSuffix(name, ".css") {
			css = append(css, content)
		}
	}
	slices.Sort(names)
	if len(css) != 1 {
		t.Fatalf("want one CSS file, have %v", names)
	}
	return css[0], names
}

// sameCSS compares govite's stylesheet with Vite's, rule by rule.
func sameCSS(t *testing.T, govite, vite string) {
	t.Helper()
	g, v := strings.Split(normCSS(govite), "}"), strings.Split(normCSS(vite), "}")
	if !slices.Equal(g, v) {
		t.Errorf("CSS differs from Vite 8's\n--- govite:\n%s\n--- vite:\n%s", strings.Join(g, "}\n"), strings.Join(v, "}\n"))
	}
}

// Sass (partials, loadPaths, additionalData, url() rebasing), Less (math, globalVars, @import),
// Stylus and plain CSS, all through a PostCSS config: the same CSS and assets as Vite 8. A build
// writes no CSS source map, as Vite 8 writes none, even with build.sourcemap.
func TestPreprocessorsAndPostCSSMatchVite(t *testing.T) {
	root, vite := cssProject(t, map[string]string{
		"package.json": `{"type":"module"}`,
		"vite.config.js": `export default {
  build: { minify: false, sourcemap: true },
  css: {
    preprocessorOptions: {
      scss: { additionalData: '$brand: #123456;\n', loadPaths: ['src/styles/shared'] },
      less: { math: 'always', globalVars: { gv: '3px' } },
    },
  },
}
`,
		"postcss.config.cjs": "module.exports = { plugins: [require('postcss-nested'), require('./brand-plugin.cjs')] }\n",
		"brand-plugin.cjs": "module.exports = () => ({ postcssPlugin: 'brand', Declaration: { color: (d) => { if (d.value === 'brand') d.value = '#654321' } } })\n" +
			"module.exports.postcss = true\n",
		"index.html":                     `<!doctype html><html><head></head><body><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js":                    "import './app.scss'\nimport './x.less'\nimport './y.styl'\nimport './plain.css'\n",
		"src/app.scss":                   "@use 'shared' as s;\n@use './styles/vars' as v;\n.app { color: $brand; border-color: s.$line; .inner { @include v.bg; } &:hover { display: flex; } }\n",
		"src/styles/_vars.scss":          "@mixin bg { background: url(../img/small.png) no-repeat, url(../img/big.png); }\n",
		"src/styles/shared/_shared.scss": "$line: #00ff00;\n",
		"src/img/small.png":              "small",
		"src/img/big.png":                strings.Repeat("big ", 2000),
		"src/x.less":                     "@import './styles/mix.less';\n.x { width: @w / 2; height: @gv; .y { color: brand; } }\n",
		"src/styles/mix.less":            "@w: 10px;\n.m { background: url('../img/big.png'); }\n",
		"src/y.styl":                     "c = #f00\n.y\n  color c\n  .z\n    margin 4px\n",
		"src/plain.css":                  "@import './imported.css';\n.plain { &:hover > a { color: brand } }\n",
		"src/imported.css":               ".imported { color: brand }\n",
	})
	want := viteBuild(t, root, vite)
	got := goviteBuild(t, root)
	wantCSS, wantNames := cssOf(t, want)
	gotCSS, gotNames := cssOf(t, got)
	sameCSS(t, gotCSS, wantCSS)
	for _, names := range [][]string{wantNames, gotNames} {
		if !slices.Contains(names, "assets/big-HASH.png") || slices.ContainsFunc(names, func(n string) bool { return strings.HasSuffix(n, ".css.map") }) {
			t.Errorf("files: %v", names)
		}
	}
	if strings.Contains(gotCSS, "sourceMappingURL") {
		t.Errorf("govite's CSS names a source map:\n%s", gotCSS)
	}
}

// Options whose values are JavaScript (PostCSS plugin objects inline in css.postcss, an additionalData
// function) reach the tools as they do in Vite.
func TestInlinePostCSSAndFunctionOptionsMatchVite(t *testing.T) {
	root, vite := cssProject(t, map[string]string{
		"package.json": `{"type":"module"}`,
		"vite.config.js": `import nested from 'postcss-nested'
export default {
  build: { minify: false },
  css: {
    postcss: { plugins: [nested()] },
    preprocessorOptions: { scss: { additionalData: (source) => '$brand: #abcdef;\n' + source } },
  },
}
`,
		"index.html":  `<!doctype html><html><head></head><body><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js": "import './a.scss'\nimport './b.css'\n",
		"src/a.scss":  ".a { color: $brand; }\n",
		"src/b.css":   ".b { &:hover { color: red } }\n",
	})
	want := viteBuild(t, root, vite)
	got := goviteBuild(t, root)
	wantCSS, _ := cssOf(t, want)
	gotCSS, _ := cssOf(t, got)
	sameCSS(t, gotCSS, wantCSS)
	if !strings.Contains(normCSS(gotCSS), ".b:hover{color:red}") {
		t.Errorf("inline PostCSS plugin not applied:\n%s", gotCSS)
	}
}

// Tailwind CSS v3 with autoprefixer, the canonical PostCSS setup, including an @imported file that
// uses @apply: the same CSS as Vite 8.
func TestTailwindMatchesVite(t *testing.T) {
	root, vite := cssProject(t, map[string]string{
		"package.json":       `{"type":"module"}`,
		"vite.config.js":     "export default { build: { minify: false } }\n",
		"postcss.config.js":  "export default { plugins: { tailwindcss: {}, autoprefixer: {} } }\n",
		"tailwind.config.js": "export default { content: ['./index.html', './src/**/*.{js,jsx}'], theme: { extend: {} }, plugins: [] }\n",
		"index.html":         `<!doctype html><html><head></head><body><div class="p-4 md:flex"></div><script type="module" src="/src/main.js"></script></body></html>`,
		"src/index.css":      "@import './components.css';\n@tailwind base;\n@tailwind components;\n@tailwind utilities;\n",
		"src/components.css": ".btn { @apply px-4 py-2 text-white hover:bg-blue-700; }\n",
		"src/main.js":        "import './index.css'\ndocument.body.innerHTML = '<p class=\"text-red-500 font-bold\">hi</p>'\n",
	})
	want := viteBuild(t, root, vite)
	got := goviteBuild(t, root)
	wantCSS, _ := cssOf(t, want)
	gotCSS, _ := cssOf(t, got)
	sameCSS(t, gotCSS, wantCSS)
	for _, w := range []string{".p-4{padding:1rem}", ".text-red-500{", ".btn{padding-left:1rem;", "@media(min-width:768px){.md\\:flex{display:flex}}"} {
		if !strings.Contains(normCSS(gotCSS), w) {
			t.Errorf("tailwind output lacks %s", w)
		}
	}
}

// A CSS module in Sass exports its class names to the bundle; a Sass error fails the build with its
// file, line and column.
func TestSassModuleAndErrorInBuild(t *testing.T) {
	tools.CSSToolsModules(t)
	root, _ := cssProject(t, map[string]string{
		"src/main.js":       "import s from './b.module.scss'\nexport const cls = s.btnPrimary + ' ' + s.big\n",
		"src/b.module.scss": "$c: blue;\n.btn-primary { color: $c; &.big { font-size: 2em; } }\n",
	})
	cfg := testConfig(t, root)
	cfg.CSS.Modules = &config.CSSModulesOptions{LocalsConvention: "camelCase"}
	cfg.Build.Input = []config.InputEntry{{Name: "main", Path: filepath.Join(root, "src/main.js")}}
	cfg.Build.Minify, cfg.Build.CSSMinify = false, false
	res := build(t, cfg)
	var js, css string
	for name, f := range res.Bundle.Files {
		switch {
		case strings.HasSuffix(name, ".js"):
			js = string(f.Contents)
		case strings.HasSuffix(name, ".css"):
			css = string(f.Contents)
		}
	}
	m := regexp.MustCompile(`\.(b_\w+_btn-primary)\.(b_\w+_big)`).FindStringSubmatch(css)
	if m == nil || !strings.Contains(js, m[1]) || !strings.Contains(js, m[2]) {
		t.Fatalf("module classes:\nCSS %s\nJS %s", css, js)
	}

	os.WriteFile(filepath.Join(root, "src/b.module.scss"), []byte(".a {\n  color: red\n  .b { x: 1; }\n}\n"), 0o644)
	_, err := Build(context.Background(), cfg)
	if err == nil || !IsBuildError(err) || !strings.Contains(err.Error(), "src/b.module.scss:3:4:") || !strings.Contains(err.Error(), "[sass] Expected digit.") {
		t.Fatalf("build error: %v", err)
	}
}
