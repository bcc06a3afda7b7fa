package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govite/govite/internal/testutil/browser"
)

// The demo path: `govite build examples/spa`, then the preview server, loaded in Chromium.
func TestBuildAndPreviewSPAExample(t *testing.T) {
	root := filepath.Join(t.TempDir(), "spa")
	if err := os.CopyFS(root, os.DirFS("../../examples/spa")); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(root, "dist"))
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"build", root}, &out, &errOut); code != 0 {
		t.Fatalf("govite build exited %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"building client environment for production", "dist/index.html", "✓ built in"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("build output lacks %q:\n%s", want, out.String())
		}
	}
	srv := httptest.NewServer(PreviewHandler(filepath.Join(root, "dist"), "/", "spa"))
	defer srv.Close()

	b := browser.New(t)
	p := b.Page(t, srv.URL+"/")
	if got := p.Text(t, "#title"); got != "govite SPA example (production)" {
		t.Errorf("title = %q", got)
	}
	if got := p.ComputedStyle(t, "section", "background-color"); got != "rgb(235, 240, 255)" {
		t.Errorf("CSS module style = %q", got)
	}
	var logoOK bool
	p.Eval(t, `document.querySelector('header img').naturalWidth > 0`, &logoOK)
	if !logoOK {
		t.Error("logo image did not load")
	}
	for _, r := range p.Requests() {
		if strings.Contains(r.URL, "/about-") {
			t.Errorf("lazy chunk requested before it was needed: %s", r.URL)
		}
	}
	p.Click(t, "#open-about")
	p.WaitFor(t, `document.querySelector('#about') !== null`, 5*time.Second)
	if got := p.ComputedStyle(t, "#about", "color"); got != "rgb(0, 110, 60)" {
		t.Errorf("lazy view style = %q", got)
	}
	// SPA fallback: an unknown route gets index.html.
	p2 := b.Page(t, srv.URL+"/some/route")
	if got := p2.Text(t, "#title"); !strings.Contains(got, "govite SPA example") {
		t.Errorf("SPA fallback title = %q", got)
	}
	if f := p.FailedRequests(); len(f) > 0 {
		t.Errorf("failed requests: %v", f)
	}
	if e, x := p.ConsoleErrors(), p.Exceptions(); len(e)+len(x) > 0 {
		t.Errorf("console errors %v, exceptions %v", e, x)
	}
}

func TestVersionAndHelp(t *testing.T) {
	var out bytes.Buffer
	if run(context.Background(), []string{"--version"}, &out, &out) != 0 || !strings.HasPrefix(out.String(), "govite/") {
		t.Errorf("--version: %q", out.String())
	}
	out.Reset()
	if run(context.Background(), []string{"--help"}, &out, &out) != 0 || !strings.Contains(out.String(), "govite build") {
		t.Errorf("--help: %q", out.String())
	}
	out.Reset()
	if run(context.Background(), []string{"frobnicate"}, &out, &out) == 0 {
		t.Error("unknown command exited 0")
	}
}

// The preview's HTML fallback is Vite's (observed on vite preview 8 with the same requests): a
// missing path gets index.html when the request may take HTML and is not a script's; else an empty
// 404. An mpa has no fallback.
func TestPreviewHTMLFallbackAsVite(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"index.html":       "<html><body>home</body></html>",
		"about/index.html": "<html><body>about</body></html>",
		"assets/app.js":    "console.log(1)",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do := func(h http.Handler, path, accept, dest string) (int, string) {
		r := httptest.NewRequest("GET", path, nil)
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		if dest != "" {
			r.Header.Set("Sec-Fetch-Dest", dest)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, w.Body.String()
	}
	spa := PreviewHandler(dir, "/", "spa")
	for _, p := range []string{"/missing.js", "/missing", "/missing.json", "/nope/", "/assets/none.css"} {
		for _, c := range []struct{ accept, dest string }{{"text/html", ""}, {"*/*", ""}, {"", ""}, {"*/*", "empty"}} {
			if code, body := do(spa, p, c.accept, c.dest); code != 200 || !strings.Contains(body, "home") {
				t.Errorf("spa %s %+v: %d %.40q, want index.html", p, c, code, body)
			}
		}
		for _, c := range []struct{ accept, dest string }{{"*/*", "script"}, {"application/json", ""}} {
			if code, body := do(spa, p, c.accept, c.dest); code != 404 || body != "" {
				t.Errorf("spa %s %+v: %d %.40q, want an empty 404", p, c, code, body)
			}
		}
	}
	if code, body := do(spa, "/assets/app.js", "*/*", "script"); code != 200 || body != "console.log(1)" {
		t.Errorf("an existing file: %d %q", code, body)
	}
	if code, body := do(spa, "/about/", "text/html", ""); code != 200 || !strings.Contains(body, "about") {
		t.Errorf("/about/: %d %q", code, body)
	}
	if code, _ := do(PreviewHandler(dir, "/", "mpa"), "/missing", "text/html", ""); code != 404 {
		t.Errorf("mpa /missing: %d, want 404", code)
	}
}
