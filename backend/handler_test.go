package backend

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBackendAssetsHandler(t *testing.T) {
	v := newProd(t, Config{Base: "/static/"})
	h := v.AssetsHandler()
	get := func(method, target string, hdr map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, nil)
		for k, val := range hdr {
			r.Header.Set(k, val)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	for _, tc := range []struct {
		path, ctype, cache string
	}{
		{"/static/assets/main-MMMMMMMM.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"/static/assets/main-MMMMMMMM.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
		{"/static/assets/logo-LLLLLLLL.png", "image/png", "public, max-age=31536000, immutable"},
		{"/static/assets/font-AbC_12-z.woff2", "font/woff2", "public, max-age=31536000, immutable"},
		{"/static/assets/not-hashed.js", "text/javascript; charset=utf-8", "no-cache"},
		{"/static/favicon.ico", "image/x-icon", "no-cache"},
		{"/static/robots.txt", "text/plain; charset=utf-8", "no-cache"},
		{"/static/.well-known/security.txt", "text/plain; charset=utf-8", "no-cache"},
	} {
		w := get("GET", tc.path, nil)
		if w.Code != 200 {
			t.Errorf("GET %s: %d", tc.path, w.Code)
			continue
		}
		if got := w.Header().Get("Content-Type"); got != tc.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.ctype)
		}
		if got := w.Header().Get("Cache-Control"); got != tc.cache {
			t.Errorf("GET %s: Cache-Control %q, want %q", tc.path, got, tc.cache)
		}
		etag := w.Header().Get("ETag")
		if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
			t.Errorf("GET %s: ETag %q", tc.path, etag)
		}
		// Revalidation: 304 with the same ETag, 200 with another.
		if w := get("GET", tc.path, map[string]string{"If-None-Match": etag}); w.Code != 304 || w.Body.Len() != 0 {
			t.Errorf("GET %s with If-None-Match %s: %d (%d bytes), want 304", tc.path, etag, w.Code, w.Body.Len())
		}
		if w := get("GET", tc.path, map[string]string{"If-None-Match": `"other"`}); w.Code != 200 {
			t.Errorf("GET %s with another ETag: %d, want 200", tc.path, w.Code)
		}
	}
	if w := get("GET", "/static/assets/main-MMMMMMMM.js", nil); w.Body.String() != "console.log('main')\n" {
		t.Errorf("body %q", w.Body.String())
	}
	if w := get("HEAD", "/static/assets/main-MMMMMMMM.js", nil); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") != "20" {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %q", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
	}
	for _, p := range []string{
		"/static/.vite/manifest.json", "/static/.env", "/static/assets", "/static/assets/", "/static/",
		"/static/../secret", "/static/assets/nope-12345678.js", "/assets/main-MMMMMMMM.js", "/static//assets/main-MMMMMMMM.js",
	} {
		if w := get("GET", p, nil); w.Code != 404 {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
	}
	if w := get("POST", "/static/assets/main-MMMMMMMM.js", nil); w.Code != 405 || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d", w.Code)
	}
}

func TestBackendAssetsHandlerDirAndDev(t *testing.T) {
	dir := writeDist(t, diamond)
	os.MkdirAll(filepath.Join(dir, "assets"), 0o755)
	os.WriteFile(filepath.Join(dir, "assets", "app-12345678.js"), []byte("v1"), 0o644)
	os.WriteFile(filepath.Join(dir, "index.txt"), []byte("v1"), 0o644)
	hot := filepath.Join(t.TempDir(), "hot")
	v, err := New(Config{Dir: dir, HotFile: hot})
	if err != nil {
		t.Fatal(err)
	}
	v.ttl = 0
	srv := httptest.NewServer(v.AssetsHandler())
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(srv.URL + "/index.txt")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	etag := res.Header.Get("ETag")
	if res.StatusCode != 200 || etag == "" {
		t.Fatalf("GET /index.txt: %d, ETag %q", res.StatusCode, etag)
	}
	// The file changes: a new ETag.
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(filepath.Join(dir, "index.txt"), []byte("v2 longer"), 0o644)
	req, _ := http.NewRequest("GET", srv.URL+"/index.txt", nil)
	req.Header.Set("If-None-Match", etag)
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("ETag") == etag {
		t.Errorf("after a change: %d, ETag %q (was %q)", res.StatusCode, res.Header.Get("ETag"), etag)
	}

	// In development, requests go to the dev server.
	os.WriteFile(hot, []byte("http://localhost:5173\n"), 0o644)
	res, err = client.Get(srv.URL + "/assets/app-12345678.js?x=1")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTemporaryRedirect || res.Header.Get("Location") != "http://localhost:5173/assets/app-12345678.js?x=1" {
		t.Errorf("dev: %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestBackendReloadHandler(t *testing.T) {
	v, err := New(Config{DevServerURL: "http://localhost:5173", ReloadPath: "/__reload"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(v.ReloadHandler())
	defer srv.Close()
	defer v.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	lines := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func() string {
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					return "<closed>"
				}
				if l != "" {
					return l
				}
			case <-ctx.Done():
				return "<timeout>"
			}
		}
	}
	if l := next(); l != "retry: 500" {
		t.Fatalf("first line %q", l)
	}
	// Wait until the stream is registered, then reload.
	for {
		v.reload.mu.Lock()
		n := len(v.reload.clients)
		v.reload.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	v.Reload()
	if l := next(); l != "data: reload" {
		t.Fatalf("after Reload: %q", l)
	}
	// Close ends the stream.
	v.Close()
	if l := next(); l != "<closed>" {
		t.Fatalf("after Close: %q", l)
	}
}

func TestBackendWatchFiles(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "templates", "partials"), 0o755)
	a := filepath.Join(dir, "templates", "a.html")
	b := filepath.Join(dir, "templates", "partials", "b.html")
	other := filepath.Join(dir, "other.txt")
	os.WriteFile(a, []byte("a"), 0o644)
	os.WriteFile(b, []byte("b"), 0o644)
	os.WriteFile(other, []byte("x"), 0o644)
	var mu sync.Mutex
	var calls [][]string
	changed := make(chan struct{}, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := WatchFiles(ctx, 10*time.Millisecond, func(files []string) {
		mu.Lock()
		calls = append(calls, files)
		mu.Unlock()
		changed <- struct{}{}
	}, filepath.Join(dir, "templates"), filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	wait := func(what string, want ...string) {
		t.Helper()
		select {
		case <-changed:
		case <-time.After(3 * time.Second):
			t.Fatalf("%s: no change reported", what)
		}
		mu.Lock()
		got := calls[len(calls)-1]
		mu.Unlock()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: changed %q, want %q", what, got, want)
		}
	}
	os.WriteFile(b, []byte("b changed"), 0o644)
	wait("edit", b)
	readme := filepath.Join(dir, "README.md")
	os.WriteFile(readme, []byte("new"), 0o644)
	wait("new file matching a glob", readme)
	os.Remove(a)
	wait("removal", a)
	os.WriteFile(other, []byte("y"), 0o644) // not watched
	select {
	case <-changed:
		t.Errorf("a change outside the patterns was reported: %q", calls[len(calls)-1])
	case <-time.After(100 * time.Millisecond):
	}
	if err := WatchFiles(ctx, 0, func([]string) {}, "[bad"); err == nil {
		t.Error("a bad pattern was accepted")
	}
}
