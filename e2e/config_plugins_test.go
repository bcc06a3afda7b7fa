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
