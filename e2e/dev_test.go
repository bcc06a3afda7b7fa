package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govite/govite"
	"github.com/govite/govite/internal/testutil/browser"
)

// reactProject writes a React app whose node_modules links the packages installed from
// e2e/vite8/package-lock.json (React 19), so that packages can be "installed" into it while the
// server runs without touching the shared install.
func reactProject(t *testing.T, files map[string]string) string {
	t.Helper()
	shared := filepath.Join(repoRoot(t), "e2e", "vite8", "node_modules")
	requireTool(t, fileExists(filepath.Join(shared, "react", "package.json")), "React is not installed in e2e/vite8/node_modules (scripts/test runs npm ci there)")
	root := t.TempDir()
	for _, pkg := range []string{"react", "react-dom", "scheduler"} {
		os.MkdirAll(filepath.Join(root, "node_modules"), 0o755)
		if err := os.Symlink(filepath.Join(shared, pkg), filepath.Join(root, "node_modules", pkg)); err != nil {
			t.Fatal(err)
		}
	}
	files["package.json"] = `{"name": "dev-e2e", "private": true, "type": "module"}`
	files["package-lock.json"] = `{"lockfileVersion": 3}`
	for rel, content := range files {
		writeFile(t, root, rel, content)
	}
	return root
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startDev starts a dev server for root on a free port.
func startDev(t *testing.T, root string, edit func(*govite.Config)) *govite.Server {
	t.Helper()
	in := govite.InlineConfig{Config: govite.Config{Root: root, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	in.Server.Port = freePort(t)
	in.Server.StrictPort = true
	if edit != nil {
		edit(&in.Config)
	}
	srv, err := govite.CreateServer(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if err := srv.Listen(context.Background()); err != nil {
		t.Fatal(err)
	}
	return srv
}

func devURL(srv *govite.Server) string {
	return fmt.Sprintf("http://localhost:%d", srv.Port())
}

const appJSX = `import { useState } from 'react'
import './app.css'

export default function App() {
  const [count, setCount] = useState(0)
  return <button id="count" onClick={() => setCount(count + 1)}>LABEL {count}</button>
}
`

func TestDevReactSPA(t *testing.T) {
	root := reactProject(t, map[string]string{
		"vite.config.js": "import react from '@vitejs/plugin-react'\nexport default { plugins: [react()] }\n",
		"index.html": `<!doctype html>
<html><head><title>dev</title></head>
<body><div id="root"></div><p id="accepted"></p><script type="module" src="/src/main.jsx"></script></body></html>`,
		"src/main.jsx": `import { createRoot } from 'react-dom/client'
import App from './App.jsx'
import { render } from './accepted.js'
render()
createRoot(document.getElementById('root')).render(<App />)
`,
		"src/App.jsx":     strings.Replace(appJSX, "LABEL", "first", 1),
		"src/app.css":     "#count { color: rgb(255, 0, 0); }\n",
		"src/accepted.js": "export function render() { document.getElementById('accepted').textContent = 'v1' }\nif (import.meta.hot) import.meta.hot.accept((m) => m.render())\n",
	})
	srv := startDev(t, root, nil)
	b := browser.New(t)
	p := b.Page(t, devURL(srv)+"/")
	p.WaitFor(t, `document.querySelector('#count')?.textContent === 'first 0'`, 15*time.Second)
	p.Eval(t, `window.__marker = 1`, nil)
	p.Click(t, "#count")
	p.Click(t, "#count")
	p.WaitFor(t, `document.querySelector('#count').textContent === 'first 2'`, 5*time.Second)
	if c := p.ComputedStyle(t, "#count", "color"); c != "rgb(255, 0, 0)" {
		t.Errorf("color %q", c)
	}

	t.Run("react component keeps its state", func(t *testing.T) {
		writeFile(t, root, "src/App.jsx", strings.Replace(appJSX, "LABEL", "second", 1))
		p.WaitFor(t, `document.querySelector('#count').textContent === 'second 2'`, 10*time.Second)
	})
	t.Run("css updates without reload", func(t *testing.T) {
		writeFile(t, root, "src/app.css", "#count { color: rgb(0, 0, 255); }\n")
		p.WaitFor(t, `getComputedStyle(document.querySelector('#count')).color === 'rgb(0, 0, 255)'`, 10*time.Second)
	})
	t.Run("accepted module re-runs", func(t *testing.T) {
		writeFile(t, root, "src/accepted.js", "export function render() { document.getElementById('accepted').textContent = 'v2' }\nif (import.meta.hot) import.meta.hot.accept((m) => m.render())\n")
		p.WaitFor(t, `document.getElementById('accepted').textContent === 'v2'`, 10*time.Second)
	})
	t.Run("syntax error shows in the overlay and clears", func(t *testing.T) {
		writeFile(t, root, "src/App.jsx", strings.Replace(appJSX, "LABEL", "broken {", 1))
		p.WaitFor(t, `(() => { const o = document.querySelector('vite-error-overlay'); return o && o.shadowRoot && o.shadowRoot.textContent.includes('App.jsx:6') })()`, 10*time.Second)
		writeFile(t, root, "src/App.jsx", strings.Replace(appJSX, "LABEL", "fixed", 1))
		p.WaitFor(t, `!document.querySelector('vite-error-overlay') && document.querySelector('#count').textContent.startsWith('fixed')`, 10*time.Second)
	})
	var marker any
	p.Eval(t, `window.__marker`, &marker)
	if marker == nil {
		t.Errorf("the page reloaded during hot updates")
	}

	t.Run("new dependency installed while running", func(t *testing.T) {
		writeFile(t, root, "node_modules/late-dep/package.json", `{"name": "late-dep", "version": "1.0.0", "main": "index.js"}`)
		writeFile(t, root, "node_modules/late-dep/index.js", "exports.message = 'from late-dep'\n")
		writeFile(t, root, "src/accepted.js", "import { message } from 'late-dep'\nexport function render() { document.getElementById('accepted').textContent = message }\nif (import.meta.hot) import.meta.hot.accept((m) => m.render())\n")
		p.WaitFor(t, `document.getElementById('accepted').textContent === 'from late-dep'`, 20*time.Second)
		p.WaitFor(t, `document.querySelector('#count')?.textContent?.startsWith('fixed')`, 10*time.Second)
	})
	for _, e := range p.Exceptions() {
		t.Errorf("exception: %s", e)
	}
}

// TestDevBackendPage is the development half of Vite's backend-integration guide: a page rendered by
// another server loads /@vite/client and the entry from the dev server.
func TestDevBackendPage(t *testing.T) {
	root := reactProject(t, map[string]string{
		"src/main.js":  "import 'vite/modulepreload-polyfill'\nimport './main.css'\nimport logo from './logo.svg'\nimport { text } from './text.js'\ndocument.getElementById('logo').src = logo\ndocument.getElementById('text').textContent = text\n",
		"src/text.js":  "export const text = 'hello from the dev server'\nimport.meta.hot?.accept((m) => { document.getElementById('text').textContent = m.text })\n",
		"src/main.css": "#text { color: rgb(0, 128, 0); }\n#bg { width: 10px; height: 10px; background: url(./logo.svg); }\n",
		// Over build.assetsInlineLimit, so it is served by URL (a smaller SVG becomes a data URL, as
		// in Vite).
		"src/logo.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><!-- ` + strings.Repeat("padding ", 600) + ` --><rect width="10" height="10" fill="red"/></svg>`,
	})
	var srv *govite.Server
	port := freePort(t)
	srv = startDev(t, root, func(c *govite.Config) {
		c.Server.Port = port
		c.Server.Origin = fmt.Sprintf("http://localhost:%d", port)
	})
	dev := devURL(srv)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html><head>
<script type="module" src="%[1]s/@vite/client"></script>
<script type="module" src="%[1]s/src/main.js"></script>
</head><body><p id="text"></p><img id="logo"><div id="bg"></div></body></html>`, dev)
	}))
	defer backend.Close()
	b := browser.New(t)
	p := b.Page(t, backend.URL+"/")
	p.WaitFor(t, `document.getElementById('text').textContent === 'hello from the dev server'`, 15*time.Second)
	p.WaitFor(t, `getComputedStyle(document.getElementById('text')).color === 'rgb(0, 128, 0)'`, 5*time.Second)
	p.WaitFor(t, `document.getElementById('logo').complete && document.getElementById('logo').naturalWidth === 10`, 5*time.Second)
	var src, bg string
	p.Eval(t, `document.getElementById('logo').src`, &src)
	p.Eval(t, `getComputedStyle(document.getElementById('bg')).backgroundImage`, &bg)
	if !strings.HasPrefix(src, dev+"/src/logo.svg") || !strings.Contains(bg, dev+"/src/logo.svg") {
		t.Errorf("asset URLs must carry server.origin: img %q, background %q", src, bg)
	}
	p.Eval(t, `window.__marker = 1`, nil)
	writeFile(t, root, "src/text.js", "export const text = 'updated'\nimport.meta.hot?.accept((m) => { document.getElementById('text').textContent = m.text })\n")
	p.WaitFor(t, `document.getElementById('text').textContent === 'updated' && window.__marker === 1`, 10*time.Second)
	writeFile(t, root, "src/main.css", "#text { color: rgb(0, 0, 255); }\n")
	p.WaitFor(t, `getComputedStyle(document.getElementById('text')).color === 'rgb(0, 0, 255)' && window.__marker === 1`, 10*time.Second)
	srv.Reload()
	p.WaitFor(t, `window.__marker === undefined`, 10*time.Second)
	for _, r := range p.FailedRequests() {
		t.Errorf("failed request: %s", r)
	}
	for _, e := range p.Exceptions() {
		t.Errorf("exception: %s", e)
	}
}
