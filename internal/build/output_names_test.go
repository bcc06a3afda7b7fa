package build

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
)

// TestOutputFileNames: build.rollupOptions.output's entryFileNames, chunkFileNames and
// assetFileNames name the files (Rollup's placeholders), and the HTML, the imports between chunks in
// different folders, and the manifest follow. Checked against Vite 8 on the same project: the same
// file names.
func TestOutputFileNames(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"index.html":       `<script type="module" src="/src/main.js"></script>`,
		"src/main.js":      "import s from './a.module.css'\nimport big from './big.png'\nconsole.log(s, big)\nimport('./lazy.js')\n",
		"src/lazy.js":      "export const lazy = 1\n",
		"src/a.module.css": ".a { color: red }\n",
		"src/big.png":      strings.Repeat("x", 5000),
	})
	cfg := testConfig(t, root)
	cfg.Build.EntryFileNames = "js/[name].js"
	cfg.Build.ChunkFileNames = "js/chunks/[name]-[hash:6].[ext]"
	cfg.Build.AssetFileNames = "static/[name][extname]"
	res := build(t, cfg)
	html := file(t, res, "index.html")
	for _, want := range []string{`src="/js/index.js"`, `href="/static/index.css"`} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %s:\n%s", want, html)
		}
	}
	m := res.Manifest
	lazy := m["src/lazy.js"].File
	if m["index.html"].File != "js/index.js" || !strings.HasPrefix(lazy, "js/chunks/lazy-") || len(lazy) != len("js/chunks/lazy-123456.js") {
		t.Errorf("manifest files: index.html → %s, src/lazy.js → %s", m["index.html"].File, lazy)
	}
	if css := m["index.html"].CSS; len(css) != 1 || css[0] != "static/index.css" {
		t.Errorf("manifest css: %v", css)
	}
	if assets := m["index.html"].Assets; len(assets) != 1 || assets[0] != "static/big.png" {
		t.Errorf("manifest assets: %v", assets)
	}
	main := file(t, res, "js/index.js")
	if !strings.Contains(main, `"./chunks/`+strings.TrimPrefix(lazy, "js/chunks/")+`"`) || !strings.Contains(main, `"/static/big.png"`) {
		t.Errorf("js/index.js does not import its chunk and asset by their new names:\n%s", main)
	}
	file(t, res, "static/big.png")
	file(t, res, lazy)
}

// TestPluginCompilesUnknownFileType: a file type govite has no loader for is a module when a
// plugin's transform compiles it (vite-plugin-svelte's .svelte files); without one, the build fails
// with an error that says what to do.
func TestPluginCompilesUnknownFileType(t *testing.T) {
	files := map[string]string{
		"index.html":   `<script type="module" src="/src/main.js"></script>`,
		"src/main.js":  "import App from './App.comp'\nconsole.log(App)\n",
		"src/App.comp": "hello from comp\n",
	}
	root := writeFiles(t, files)
	cfg := testConfig(t, root)
	cfg.Plugins = []*config.Plugin{{Name: "comp", Transform: func(_ *config.PluginContext, code, id string) (*config.TransformResult, error) {
		if !strings.HasSuffix(id, ".comp") {
			return nil, nil
		}
		return &config.TransformResult{Code: "export default " + strconv.Quote(strings.TrimSpace(code))}, nil
	}}}
	if js := allJS(build(t, cfg)); !strings.Contains(js, `"hello from comp"`) {
		t.Errorf("the compiled module is not in the build:\n%s", js)
	}

	cfg = testConfig(t, writeFiles(t, files))
	if _, err := Build(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), `no loader for ".comp" files`) {
		t.Errorf("without a plugin: %v", err)
	}
}
