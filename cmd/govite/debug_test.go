package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDebugFlag: Vite's `--debug [feat]` and `--filter`. A feature name after --debug is its value,
// not the root; bare --debug turns on every vite:* namespace; DEBUG adds to it.
func TestDebugFlag(t *testing.T) {
	fl, err := parseFlags([]string{"web", "--debug", "deps,hmr", "--port", "3000"})
	if err != nil {
		t.Fatal(err)
	}
	f := debugFilter(fl)
	if fl.root() != "web" || !f.Enabled("vite:deps") || !f.Enabled("vite:hmr") || f.Enabled("vite:time") {
		t.Errorf("--debug deps,hmr: root %q, filter %+v", fl.root(), f)
	}
	fl, _ = parseFlags([]string{"--debug", "--port", "3000", "-f", "main"})
	if f := debugFilter(fl); !f.Enabled("vite:time") || f.Text != "main" || fl.str("port") != "3000" {
		t.Errorf("bare --debug: %+v", f)
	}
	t.Setenv("DEBUG", "vite:config")
	fl, _ = parseFlags([]string{"-d", "deps"})
	if f := debugFilter(fl); !f.Enabled("vite:config") || !f.Enabled("vite:deps") || f.Enabled("vite:hmr") {
		t.Errorf("DEBUG and --debug together: %+v", f)
	}
	fl, _ = parseFlags([]string{"--filter", "main"})
	if f := debugFilter(fl); f == nil || f.Text != "" {
		// DEBUG alone still turns vite:config on; --filter without --debug is ignored, as in Vite.
		t.Errorf("--filter without --debug: %+v", f)
	}
}

// TestDevDebugOutput: `govite dev --debug` prints the dependency scan (vite:deps), each transform
// (vite:transform) and each request with its time (vite:time), as `vite --debug` does.
func TestDevDebugOutput(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "index.html"), []byte(`<script type="module" src="/main.js"></script>`), 0o644)
	os.WriteFile(filepath.Join(root, "main.js"), []byte("import './dep.js'\n"), 0o644)
	os.WriteFile(filepath.Join(root, "dep.js"), []byte("document.title = 'x'\n"), 0o644)
	t.Setenv("DEBUG", "")
	port := freePortT(t)
	out, errOut := runCLI(t, "dev", root, "--port", fmt.Sprint(port), "--strictPort", "--debug")
	deadline := time.Now().Add(15 * time.Second)
	for {
		if res, err := http.Get(fmt.Sprintf("http://localhost:%d/main.js", port)); err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dev server not ready:\n%s\n%s", out.String(), errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	want := []string{" vite:deps Scan completed in ", "ms: no dependencies found", " vite:transform ", "ms /main.js", " vite:time ", "ms /main.js\n"}
	for time.Now().Before(deadline) {
		if got := errOut.String(); containsAll(got, want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("debug output lacks %q:\n%s", want, errOut.String())
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
