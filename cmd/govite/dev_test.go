package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govite/govite/internal/testutil/browser"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runCLI runs the command line with args in the background until the test ends (then it is
// cancelled and waited for), writing to the buffers it returns.
func runCLI(t *testing.T, args ...string) (stdout, stderr *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, stdout, stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("govite %s did not stop", args[0])
		}
	})
	return stdout, stderr
}

// `govite dev examples/spa`: the banner, the page in Chromium, and a restart when the config changes
// (the open page reconnects and reloads).
func TestDevCommandServesAndRestartsOnConfigChange(t *testing.T) {
	root := filepath.Join(t.TempDir(), "spa")
	if err := os.CopyFS(root, os.DirFS("../../examples/spa")); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(root, "dist"))
	writeConfig := func(name string) {
		cfg := fmt.Sprintf("export default { define: { __APP_FLAVOR__: JSON.stringify(%q) } }\n", name)
		if err := os.WriteFile(filepath.Join(root, "vite.config.js"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeConfig("first")
	os.WriteFile(filepath.Join(root, "src", "flavor.js"), []byte("document.title = __APP_FLAVOR__\n"), 0o644)
	main, _ := os.ReadFile(filepath.Join(root, "src", "main.ts"))
	os.WriteFile(filepath.Join(root, "src", "main.ts"), append([]byte("import './flavor.js'\n"), main...), 0o644)

	port := freePortT(t)
	out, errOut := runCLI(t, "dev", root, "--port", fmt.Sprint(port), "--strictPort")
	url := fmt.Sprintf("http://localhost:%d/", port)
	deadline := time.Now().Add(15 * time.Second)
	for {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dev server not ready:\n%s\n%s", out.String(), errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{"GOVITE", "ready in", "Local", url, "Network"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
		}
	}
	b := browser.New(t)
	p := b.Page(t, url)
	p.WaitFor(t, `document.title === 'first' && document.querySelector('#title').textContent.includes('development')`, 10*time.Second)
	p.Eval(t, `window.__marker = 1`, nil)
	writeConfig("second")
	p.WaitFor(t, `window.__marker === undefined && document.title === 'second'`, 15*time.Second)
	if !strings.Contains(out.String(), "server restarted") {
		t.Errorf("no restart message:\n%s\n%s", out.String(), errOut.String())
	}
}
