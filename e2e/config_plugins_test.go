package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govite/govite"
	"github.com/govite/govite/internal/testutil/browser"
)

// TestSvgrPlugin: vite-plugin-svgr, a plugin of the config that runs @svgr/core (Babel, cosmiconfig)
// in its load hook and compiles the component with vite's transformWithEsbuild, turns
// `./logo.svg?react` into a React component, in the browser and in a build, while `./logo.svg` stays
// a URL. It needs packages that import optional modules lazily (cosmiconfig's TypeScript loader)
// and node:tty.
func TestSvgrPlugin(t *testing.T) {
	const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10"><circle cx="5" cy="5" r="4" fill="red"/></svg>`
	root := reactProject(t, map[string]string{
		"vite.config.js": "import react from '@vitejs/plugin-react'\nimport svgr from 'vite-plugin-svgr'\nexport default { plugins: [react(), svgr()], build: { manifest: true } }\n",
		"index.html":     `<!doctype html><html><body><div id="root"></div><script type="module" src="/src/main.jsx"></script></body></html>`,
		"src/logo.svg":   logo,
		"src/main.jsx": `import { createRoot } from 'react-dom/client'
import Logo from './logo.svg?react'
import logoURL from './logo.svg'
createRoot(document.getElementById('root')).render(<><Logo id="logo" /><img id="img" src={logoURL} /></>)
`,
	})
	shared := filepath.Join(repoRoot(t), "e2e", "vite8", "node_modules")
	requireTool(t, fileExists(filepath.Join(shared, "vite-plugin-svgr", "package.json")), "vite-plugin-svgr is not installed in e2e/vite8/node_modules (scripts/test runs npm ci there)")
	if err := os.Symlink(filepath.Join(shared, "vite-plugin-svgr"), filepath.Join(root, "node_modules", "vite-plugin-svgr")); err != nil {
		t.Fatal(err)
	}

	srv := startDev(t, root, nil)
	p := browser.New(t).Page(t, devURL(srv)+"/")
	p.WaitFor(t, `document.querySelector('#logo circle')?.namespaceURI === 'http://www.w3.org/2000/svg'`, 20*time.Second)
	var fill, src string
	p.Eval(t, `document.querySelector('#logo circle').getAttribute('fill')`, &fill)
	p.Eval(t, `document.querySelector('#img').getAttribute('src')`, &src)
	// A small SVG imported as a URL is inlined in dev, as Vite does.
	if fill != "red" || !strings.HasPrefix(src, "data:image/svg+xml,") {
		t.Errorf("rendered: circle fill %q, img src %q; want red and the SVG as a data URL", fill, src)
	}
	for _, e := range p.Exceptions() {
		t.Errorf("exception: %s", e)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := govite.Build(ctx, govite.InlineConfig{Config: govite.Config{Root: root}}); err != nil {
		t.Fatal(err)
	}
	js, _ := filepath.Glob(filepath.Join(root, "dist", "assets", "*.js"))
	found := false
	for _, f := range js {
		data, _ := os.ReadFile(f)
		found = found || strings.Contains(string(data), `fill:"red"`) || strings.Contains(string(data), `fill: "red"`)
	}
	if !found {
		t.Errorf("no built chunk of %v renders the SVG's circle", js)
	}
}

// TestSveltePlugin: @sveltejs/vite-plugin-svelte in the config compiles .svelte files with the
// Svelte compiler on govite's embedded engine. The component renders and reacts in Chromium with its
// scoped style, an edit is a hot update (the page is not reloaded), and the app builds.
func TestSveltePlugin(t *testing.T) {
	shared := filepath.Join(repoRoot(t), "e2e", "vite8", "node_modules")
	requireTool(t, fileExists(filepath.Join(shared, "@sveltejs", "vite-plugin-svelte", "package.json")),
		"@sveltejs/vite-plugin-svelte is not installed in e2e/vite8/node_modules (scripts/test runs npm ci there)")
	root := t.TempDir()
	for _, pkg := range []string{"svelte", "@sveltejs/vite-plugin-svelte"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, "node_modules", pkg)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(shared, pkg), filepath.Join(root, "node_modules", pkg)); err != nil {
			t.Fatal(err)
		}
	}
	app := func(greeting, color string) string {
		return `<script>
  let count = $state(0)
</script>

<h1 id="title">` + greeting + `</h1>
<button id="btn" onclick={() => count++}>count is {count}</button>

<style>
  h1 { color: ` + color + `; }
</style>
`
	}
	for rel, content := range map[string]string{
		"package.json":      `{"name": "svelte-e2e", "private": true, "type": "module"}`,
		"package-lock.json": `{"lockfileVersion": 3}`,
		"vite.config.js":    "import { svelte } from '@sveltejs/vite-plugin-svelte'\nexport default { plugins: [svelte()], build: { manifest: true } }\n",
		"index.html":        `<!doctype html><html><body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js":       "import { mount } from 'svelte'\nimport App from './App.svelte'\nmount(App, { target: document.getElementById('app') })\n",
		"src/App.svelte":    app("Hello", "rgb(255, 0, 0)"),
	} {
		writeFile(t, root, rel, content)
	}

	srv := startDev(t, root, nil)
	p := browser.New(t).Page(t, devURL(srv)+"/")
	p.WaitFor(t, `document.getElementById('title')?.textContent === 'Hello' && getComputedStyle(document.getElementById('title')).color === 'rgb(255, 0, 0)'`, 60*time.Second)
	p.Eval(t, `document.getElementById('btn').click()`, nil)
	p.WaitFor(t, `document.getElementById('btn').textContent === 'count is 1'`, 5*time.Second)

	p.Eval(t, `window.__marker = 1`, nil)
	writeFile(t, root, "src/App.svelte", app("Hot", "rgb(0, 0, 255)"))
	p.WaitFor(t, `document.getElementById('title')?.textContent === 'Hot' && getComputedStyle(document.getElementById('title')).color === 'rgb(0, 0, 255)'`, 30*time.Second)
	var marker any
	p.Eval(t, `window.__marker`, &marker)
	if marker != float64(1) {
		t.Errorf("the page reloaded for an edit of App.svelte instead of a hot update")
	}
	for _, e := range p.Exceptions() {
		t.Errorf("exception: %s", e)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if _, err := govite.Build(ctx, govite.InlineConfig{Config: govite.Config{Root: root}}); err != nil {
		t.Fatal(err)
	}
	js, _ := filepath.Glob(filepath.Join(root, "dist", "assets", "*.js"))
	css, _ := filepath.Glob(filepath.Join(root, "dist", "assets", "*.css"))
	var built, styles string
	for _, f := range js {
		data, _ := os.ReadFile(f)
		built += string(data)
	}
	for _, f := range css {
		data, _ := os.ReadFile(f)
		styles += string(data)
	}
	if !strings.Contains(built, "count is ") || !strings.Contains(built, "Hot") {
		t.Errorf("no built chunk of %v renders App.svelte", js)
	}
	if !strings.Contains(styles, "h1.svelte-") || !strings.Contains(styles, "#00f") && !strings.Contains(styles, "blue") && !strings.Contains(styles, "rgb(0, 0, 255)") {
		t.Errorf("the built CSS %v lacks App.svelte's scoped rule:\n%s", css, styles)
	}
}
