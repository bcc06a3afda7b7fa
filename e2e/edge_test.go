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

	"github.com/govite/govite/examples/edge/edge"
)

// examples/edge: a Workers-style handler served through DispatchFetch, with hot updates.
func TestEdgeExample(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(repoRoot(t), "examples", "edge")
	for _, rel := range []string{"src/worker.ts", "src/greet.ts"} {
		data, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, root, rel, string(data))
	}
	h, err := edge.New(context.Background(), root, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ts := httptest.NewServer(h)
	defer ts.Close()
	get := func(path string) (*http.Response, string) {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	resp, body := get("/?name=gopher")
	if body != "Hello, gopher!" || resp.Header.Get("X-Served-By") != "govite-edge" {
		t.Errorf("GET: %q %v", body, resp.Header)
	}
	resp2, err := http.Post(ts.URL+"/api/echo", "application/json", strings.NewReader(`{"x":[1,2]}`))
	if err != nil {
		t.Fatal(err)
	}
	echo, _ := io.ReadAll(resp2.Body)
	resp2.Body.Close()
	if !strings.Contains(string(echo), `"echo":{"x":[1,2]}`) || resp2.Header.Get("Content-Type") != "application/json" {
		t.Errorf("POST /api/echo: %s %v", echo, resp2.Header)
	}
	writeFile(t, root, "src/greet.ts", "export function greet(name: string): string {\n  return `Bonjour, ${name}!`\n}\n")
	waitUntil(t, "the edited handler to answer", func() bool {
		_, body := get("/?name=gopher")
		return body == "Bonjour, gopher!"
	})
}
