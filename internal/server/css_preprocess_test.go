package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/testutil/tools"
)

// cssToolsProject writes a project that sees e2e/css-tools/node_modules (Sass, Less, Stylus,
// PostCSS, Tailwind).
func cssToolsProject(t *testing.T, files map[string]string) string {
	t.Helper()
	modules := tools.CSSToolsModules(t)
	root := writeProject(t, files)
	if err := os.Symlink(modules, filepath.Join(root, "node_modules")); err != nil {
		t.Fatal(err)
	}
	return root
}

// squashCSS drops all whitespace, so that CSS compares by content whatever its formatting.
func squashCSS(s string) string { return strings.Join(strings.Fields(s), "") }

func mustContainCSS(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(squashCSS(body), squashCSS(w)) {
			t.Errorf("%s lacks %q:\n%s", what, w, body)
		}
	}
}

func TestServesPreprocessedStylesheets(t *testing.T) {
	root := cssToolsProject(t, map[string]string{
		"src/app.scss":          "@use './styles/vars' as v;\n.app { color: v.$primary; .inner { @include v.bg; } }\n",
		"src/styles/_vars.scss": "$primary: #ff3e00;\n@mixin bg { background: url(../img/a.png); }\n",
		"src/img/a.png":         "png",
		"src/x.less":            "@import './styles/mix.less';\n.x { width: @w * 2; height: @gv; }\n",
		"src/styles/mix.less":   "@w: 10px;\n.m { background: url('../img/a.png'); }\n",
		"src/y.styl":            "c = red\n.y\n  color c\n",
		"src/b.module.scss":     "$c: blue;\n.btn-primary { color: $c; &.big { font-size: 2em; } }\n",
	})
	_, ts := newTestServer(t, root, func(c *config.UserConfig) {
		c.CSS.PreprocessorOptions = map[string]map[string]any{"less": {"globalVars": map[string]any{"gv": "3px"}}}
	})
	for path, wants := range map[string][]string{
		"/src/app.scss": {".app { color: #ff3e00; }", ".app .inner { background: url(/src/img/a.png); }"},
		"/src/x.less":   {".m { background: url(/src/img/a.png); }", ".x { width: 20px; height: 3px; }"},
		"/src/y.styl":   {".y { color: #f00; }"},
	} {
		code, body, h := get(t, ts, path, "Accept", "text/css")
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/css") {
			t.Fatalf("%s: %d %s %s", path, code, h.Get("Content-Type"), body)
		}
		mustContainCSS(t, path, body, wants...)
		if strings.Contains(body, "sourceMappingURL") {
			t.Errorf("%s: a source map without css.devSourcemap:\n%s", path, body)
		}
	}
	// Imported from JS: the module injects the CSS and accepts its updates; a CSS module exports its
	// class names.
	code, body, _ := get(t, ts, "/src/app.scss")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	mustContain(t, "app.scss as JS", body, "__vite__updateStyle(", `.app .inner {\n  background: url(/src/img/a.png);`, "import.meta.hot.accept()")
	code, body, _ = get(t, ts, "/src/b.module.scss")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	mustContain(t, "b.module.scss as JS", body, `"btn-primary": "b_`, "export const big = ", "export default ")
}

// A PostCSS config applies to every stylesheet after its pre-processor, and to plain CSS.
func TestPostCSSAppliedToEveryStylesheet(t *testing.T) {
	root := cssToolsProject(t, map[string]string{
		"postcss.config.cjs": `module.exports = { plugins: [require('postcss-nested'), { postcssPlugin: 'brand', Declaration: { color: (d) => { if (d.value === 'brand') d.value = '#123456' } } }] }`,
		"src/a.css":          ".a { color: brand; &:hover { color: red } }\n",
		"src/b.scss":         "$m: 2px;\n.b { margin: $m; color: brand; }\n",
		"src/c.less":         ".c { @media (min-width: 1px) { color: brand } }\n",
	})
	_, ts := newTestServer(t, root, nil)
	for path, wants := range map[string][]string{
		"/src/a.css":  {".a { color: #123456; }", ".a:hover { color: red; }"},
		"/src/b.scss": {".b { margin: 2px; color: #123456; }"},
		"/src/c.less": {"@media (min-width: 1px) { .c { color: #123456; } }"},
	} {
		code, body, _ := get(t, ts, path, "Accept", "text/css")
		if code != 200 {
			t.Fatalf("%s: %d %s", path, code, body)
		}
		mustContainCSS(t, path, body, wants...)
	}
}

// inlineMapOf decodes the source map a stylesheet carries inline.
func inlineMapOf(t *testing.T, css string) (sources []string, contents []string) {
	t.Helper()
	const marker = "sourceMappingURL=data:application/json;base64,"
	i := strings.LastIndex(css, marker)
	if i < 0 {
		t.Fatalf("no inline source map:\n%s", css)
	}
	enc := css[i+len(marker):]
	enc = enc[:strings.IndexAny(enc, " *\"\\")]
	data, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Sources        []string `json:"sources"`
		SourcesContent []string `json:"sourcesContent"`
		Mappings       string   `json:"mappings"`
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Mappings == "" {
		t.Fatalf("map %s: %v", data, err)
	}
	return m.Sources, m.SourcesContent
}

// css.devSourcemap: served CSS carries its map inline, through the pre-processor (Vite: sources
// relative to the stylesheet for a <link>, absolute inside the JS module).
func TestDevSourcemap(t *testing.T) {
	files := map[string]string{
		"src/app.scss":          "@use './styles/vars' as v;\n.app {\n  color: v.$primary;\n}\n",
		"src/styles/_vars.scss": "$primary: red;\n",
	}
	root := cssToolsProject(t, files)
	_, ts := newTestServer(t, root, func(c *config.UserConfig) { c.CSS.DevSourcemap = true })
	_, body, _ := get(t, ts, "/src/app.scss", "Accept", "text/css")
	mustContainCSS(t, "app.scss", body, ".app { color: red; }")
	sources, contents := inlineMapOf(t, body)
	if !slices.Equal(sources, []string{"app.scss", "styles/_vars.scss"}) || contents[0] != files["src/app.scss"] || contents[1] != files["src/styles/_vars.scss"] {
		t.Errorf("direct CSS map: sources %q contents %q", sources, contents)
	}
	_, body, _ = get(t, ts, "/src/app.scss")
	sources, _ = inlineMapOf(t, body)
	want := []string{filepath.ToSlash(filepath.Join(root, "src/app.scss")), filepath.ToSlash(filepath.Join(root, "src/styles/_vars.scss"))}
	if !slices.Equal(sources, want) {
		t.Errorf("JS module's CSS map sources %q, want %q", sources, want)
	}
	// ?inline is the CSS as a string, without a map (as in Vite).
	_, body, _ = get(t, ts, "/src/app.scss?inline")
	if !strings.Contains(body, "export default") || strings.Contains(body, "sourceMappingURL") {
		t.Errorf("?inline:\n%s", body)
	}
}

// readUpdates reads payloads until an "update" and returns its updates by path.
func readUpdates(t *testing.T, c *websocket.Conn) map[string]map[string]any {
	t.Helper()
	for {
		msg := readPayload(t, c)
		if msg["type"] == "full-reload" {
			t.Fatalf("full reload instead of an update: %v", msg)
		}
		if msg["type"] != "update" {
			continue
		}
		out := map[string]map[string]any{}
		for _, u := range msg["updates"].([]any) {
			u := u.(map[string]any)
			out[u["path"].(string)] = u
		}
		return out
	}
}

// Editing a partial updates the stylesheets made from it: a css-update for a <link>ed one, a
// js-update for one imported from JS; the served CSS is the new one.
func TestPartialEditUpdatesItsStylesheets(t *testing.T) {
	root := cssToolsProject(t, map[string]string{
		"index.html":            "<html><body></body></html>",
		"src/main.js":           "import './other.less'\n",
		"src/app.scss":          "@use './styles/vars' as v;\n.app { color: v.$primary; }\n",
		"src/styles/_vars.scss": "$primary: red;\n",
		"src/other.less":        "@import './styles/mix.less';\n.o { color: @c; }\n",
		"src/styles/mix.less":   "@c: blue;\n",
	})
	s, ts := newTestServer(t, root, nil)
	c := hmrClient(t, s, ts)
	get(t, ts, "/src/app.scss", "Accept", "text/css")
	get(t, ts, "/src/main.js")
	get(t, ts, "/src/other.less")

	os.WriteFile(filepath.Join(root, "src/styles/_vars.scss"), []byte("$primary: green;\n"), 0o644)
	ups := readUpdates(t, c)
	u := ups["/src/app.scss?direct"]
	if u == nil || u["type"] != "css-update" {
		t.Fatalf("partial edit: updates %v", ups)
	}
	_, body, _ := get(t, ts, "/src/app.scss?t=1", "Accept", "text/css")
	mustContainCSS(t, "app.scss after the edit", body, ".app { color: green; }")

	os.WriteFile(filepath.Join(root, "src/styles/mix.less"), []byte("@c: purple;\n"), 0o644)
	ups = readUpdates(t, c)
	if u := ups["/src/other.less"]; u == nil || u["type"] != "js-update" {
		t.Fatalf("less partial edit: updates %v", ups)
	}
	_, body, _ = get(t, ts, "/src/other.less?t=2")
	mustContain(t, "other.less after the edit", body, "color: purple")
}

// Tailwind v3: a content file is a dependency of the stylesheet; editing it updates the stylesheet
// as well as the module itself (which accepts its own updates), with the new class generated.
func TestTailwindContentEditUpdatesTheStylesheet(t *testing.T) {
	root := cssToolsProject(t, map[string]string{
		"package.json":       `{"type":"module"}`,
		"postcss.config.js":  "export default { plugins: { tailwindcss: {} } }\n",
		"tailwind.config.js": "export default { content: ['./src/**/*.js'], theme: { extend: {} }, plugins: [] }\n",
		"index.html":         "<html><body></body></html>",
		"src/index.css":      "@tailwind utilities;\n",
		"src/main.js":        "import './index.css'\nimport './App.js'\n",
		"src/App.js":         "document.body.className = 'p-4'\nimport.meta.hot.accept()\n",
	})
	s, ts := newTestServer(t, root, nil)
	c := hmrClient(t, s, ts)
	get(t, ts, "/src/main.js")
	get(t, ts, "/src/App.js")
	_, body, _ := get(t, ts, "/src/index.css")
	mustContain(t, "index.css", body, ".p-4 {")
	if strings.Contains(body, ".m-8") {
		t.Fatalf("m-8 generated before it is used:\n%s", body)
	}

	os.WriteFile(filepath.Join(root, "src/App.js"), []byte("document.body.className = 'p-4 m-8'\nimport.meta.hot.accept()\n"), 0o644)
	ups := readUpdates(t, c)
	if ups["/src/App.js"] == nil || ups["/src/index.css"] == nil || ups["/src/index.css"]["type"] != "js-update" {
		t.Fatalf("content edit: updates %v", ups)
	}
	_, body, _ = get(t, ts, "/src/index.css?t=1")
	mustContain(t, "index.css after the edit", body, ".m-8 {", ".p-4 {")
}

// Without the pre-processor's package, the error says which package to install (Vite's words).
func TestMissingPreprocessorSaysWhatToInstall(t *testing.T) {
	tools.Node(t)
	root := writeProject(t, map[string]string{"src/a.scss": "a { b: c }\n", "src/a.less": "a { b: c }\n"})
	_, ts := newTestServer(t, root, nil)
	code, body, _ := get(t, ts, "/src/a.scss", "Accept", "text/css")
	if code != 500 {
		t.Fatalf("%d %s", code, body)
	}
	mustContain(t, "scss", body, `Preprocessor dependency "sass-embedded" not found. Did you install it? Try `+"`npm install -D sass-embedded`.")
	_, body, _ = get(t, ts, "/src/a.less")
	mustContain(t, "less", body, `Preprocessor dependency "less" not found. Did you install it? Try `+"`npm install -D less`.")
}

// A syntax error shows with its file, line and column and a code frame, in the response and on the
// overlay (the error payload); fixing the file serves it again.
func TestStylesheetSyntaxErrorHasItsPlace(t *testing.T) {
	root := cssToolsProject(t, map[string]string{
		"src/bad.scss": ".a {\n  color: red\n  .b { x: 1; }\n}\n",
	})
	s, ts := newTestServer(t, root, nil)
	c := hmrClient(t, s, ts)
	code, body, _ := get(t, ts, "/src/bad.scss", "Accept", "text/css")
	if code != 500 {
		t.Fatalf("%d %s", code, body)
	}
	mustContain(t, "sass error", body, "[plugin:vite:css]", "src/bad.scss:3:4", "[sass] Expected digit.", "3  |    .b { x: 1; }", "^")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("no error payload: %v", err)
		}
		var msg struct {
			Type string `json:"type"`
			Err  struct {
				Plugin string   `json:"plugin"`
				Loc    ErrorLoc `json:"loc"`
				Frame  string   `json:"frame"`
			} `json:"err"`
		}
		json.Unmarshal(data, &msg)
		if msg.Type != "error" {
			continue
		}
		if msg.Err.Plugin != "vite:css" || msg.Err.Loc != (ErrorLoc{File: "src/bad.scss", Line: 3, Column: 4}) || !strings.Contains(msg.Err.Frame, ".b { x: 1; }") {
			t.Fatalf("error payload: %s", data)
		}
		break
	}
	os.WriteFile(filepath.Join(root, "src/bad.scss"), []byte(".a {\n  color: red;\n}\n"), 0o644)
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, body, _ = get(t, ts, "/src/bad.scss", "Accept", "text/css")
		if code == 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != 200 {
		t.Fatalf("after the fix: %d %s", code, body)
	}
}
