package main

import (
	"bytes"
	"context"
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
