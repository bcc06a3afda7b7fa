package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govite/govite"
	"github.com/govite/govite/examples/ssr-react/app"
	"github.com/govite/govite/internal/testutil/browser"
)

// ssrExample copies examples/ssr-react into a temporary directory with React linked from
// e2e/vite8/node_modules.
func ssrExample(t *testing.T) string {
	t.Helper()
	root := reactProject(t, map[string]string{})
	src := filepath.Join(repoRoot(t), "examples", "ssr-react")
	for _, rel := range []string{"index.html", "vite.config.js", "package.json", "src/App.jsx", "src/App.css", "src/Greeting.jsx", "src/entry-client.jsx", "src/entry-server.jsx"} {
		data, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, root, rel, string(data))
	}
	return root
}

func fetchPage(t *testing.T, url string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d\n%s", url, resp.StatusCode, body)
	}
	return string(body)
}

// The SSR example in development: a Go net/http server with govite in middleware mode renders React
// 19 on the server through the ssr environment's runner, the browser hydrates it, and an edit
// changes the next server render and hot-updates the page.
func TestSSRReactDev(t *testing.T) {
	root := ssrExample(t)
	ctx := context.Background()
	a, err := app.New(ctx, app.Options{Root: root, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ts := httptest.NewServer(a)
	defer ts.Close()

	html := fetchPage(t, ts.URL+"/about")
	for _, want := range []string{`<h1 class="greeting">Hello from govite SSR</h1>`, "rendered for <!-- -->/about", "/@vite/client", "/@react-refresh", "/src/entry-client.jsx"} {
		if !strings.Contains(html, want) {
			t.Errorf("server-rendered page lacks %q:\n%s", want, html)
		}
	}

	b := browser.New(t)
	p := b.Page(t, ts.URL+"/about")
	p.WaitFor(t, `document.querySelector('button')?.textContent === 'count is 0'`, 15*time.Second)
	// Hydrated: the server's markup became interactive.
	p.Click(t, "button")
	p.Click(t, "button")
	p.WaitFor(t, `document.querySelector('button').textContent === 'count is 2'`, 5*time.Second)
	if c := p.ComputedStyle(t, ".greeting", "color"); c != "rgb(40, 90, 160)" {
		t.Errorf("greeting color %q", c)
	}
	p.Eval(t, `window.__marker = 1`, nil)

	writeFile(t, root, "src/Greeting.jsx", "export function Greeting() {\n  return <h1 className=\"greeting\">Edited on the server and the client</h1>\n}\n")
	// The client hot-updates, keeping the count.
	p.WaitFor(t, `document.querySelector('.greeting').textContent === 'Edited on the server and the client' && document.querySelector('button').textContent === 'count is 2'`, 10*time.Second)
	var marker any
	p.Eval(t, `window.__marker`, &marker)
	if marker == nil {
		t.Error("the page reloaded instead of hot-updating")
	}
	// The next server render has the edit.
	waitUntil(t, "the next server render to change", func() bool {
		return strings.Contains(fetchPage(t, ts.URL+"/"), "Edited on the server and the client")
	})
	for _, e := range p.ConsoleErrors() {
		if strings.Contains(e.Text, "hydrat") || strings.Contains(e.Text, "did not match") {
			t.Errorf("hydration error: %s", e.Text)
		}
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The SSR example in production: `govite build --app` builds the client and the server bundle into
// their own outDirs, and the same Go program serves dist/ with no dev server, rendering on the
// embedded engine; the page is the same and hydrates.
func TestSSRReactBuildApp(t *testing.T) {
	root := ssrExample(t)
	ctx := context.Background()
	b, err := govite.CreateBuilder(ctx, govite.InlineConfig{Config: govite.Config{Root: root, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(b.Environments(), ","); got != "client,ssr" {
		t.Errorf("environments = %s, want client,ssr", got)
	}
	if err := b.BuildApp(ctx); err != nil {
		t.Fatal(err)
	}
	for _, env := range []string{"client", "ssr"} {
		if !b.IsBuilt(env) {
			t.Errorf("%s is not built", env)
		}
	}
	for _, f := range []string{"dist/client/index.html", "dist/client/.vite/manifest.json", "dist/client/.vite/ssr-manifest.json", "dist/server/entry-server.js"} {
		if !fileExists(filepath.Join(root, f)) {
			t.Errorf("%s was not written", f)
		}
	}
	a, err := app.New(ctx, app.Options{Root: root, Prod: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ts := httptest.NewServer(a)
	defer ts.Close()
	html := fetchPage(t, ts.URL+"/about")
	for _, want := range []string{`<h1 class="greeting">Hello from govite SSR</h1>`, "rendered for <!-- -->/about", `<script type="module" crossorigin src="/assets/`} {
		if !strings.Contains(html, want) {
			t.Errorf("production page lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "/@vite/client") {
		t.Errorf("production page loads the dev client:\n%s", html)
	}
	p := browser.New(t).Page(t, ts.URL+"/about")
	p.WaitFor(t, `document.querySelector('button')?.textContent === 'count is 0'`, 15*time.Second)
	p.Click(t, "button")
	p.WaitFor(t, `document.querySelector('button').textContent === 'count is 1'`, 5*time.Second)
	if c := p.ComputedStyle(t, ".greeting", "color"); c != "rgb(40, 90, 160)" {
		t.Errorf("greeting color %q", c)
	}
	p.ExpectNoErrors(t)
}
