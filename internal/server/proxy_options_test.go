package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govite/govite/internal/config"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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

// echoBackend answers with what it received.
func echoBackend() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "backend %s %s", r.Method, r.URL.RequestURI())
	})
}

// bypass and configure written in a JS config file: bypass serves another URL of the dev server, answers
// 404, writes its own response or lets the request through; configure gets one clear warning.
func TestProxyBypassAndConfigureFromJSConfig(t *testing.T) {
	backend := httptest.NewServer(echoBackend())
	defer backend.Close()
	root := writeProject(t, map[string]string{
		"package.json": "{}",
		"index.html":   "<html><head></head><body>dev page</body></html>",
		"src/other.js": "export const other = 1\n",
		"vite.config.js": `export default { server: { proxy: {
  '/api': {
    target: '` + backend.URL + `',
    configure: (proxy, options) => { proxy.on('proxyReq', () => {}) },
    bypass(req, res, options) {
      if (req.headers.accept && req.headers.accept.indexOf('html') !== -1) return '/index.html'
      if (req.url === '/api/missing') return false
      if (req.url === '/api/mine') { res.setHeader('Content-Type', 'text/plain'); res.statusCode = 418; res.end('from bypass ' + req.method + ' ' + options.target); return }
      if (req.url.startsWith('/api/module')) return Promise.resolve('/src/other.js')
      if (req.url === '/api/throws') throw new Error('bypass failed')
    },
  },
} } }`,
	})
	var logs lockedBuffer
	uc := &config.UserConfig{Root: root, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	cfg, err := config.Resolve(context.Background(), uc, config.ResolveConfigOptions{Command: "serve"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer func() { ts.Close(); s.Close() }()

	code, body, _ := get(t, ts, "/api/page", "Accept", "text/html")
	if code != 200 || !strings.Contains(body, "dev page") || !strings.Contains(body, "/@vite/client") {
		t.Errorf("bypass to /index.html: %d %s", code, body)
	}
	if code, body, _ := get(t, ts, "/api/missing"); code != 404 || body != "" {
		t.Errorf("bypass false: %d %q, want an empty 404", code, body)
	}
	code, body, hdr := get(t, ts, "/api/mine")
	if code != 418 || body != "from bypass GET "+backend.URL || hdr.Get("Content-Type") != "text/plain" {
		t.Errorf("bypass writing the response: %d %q %v", code, body, hdr)
	}
	if code, body, _ := get(t, ts, "/api/module?x=1"); code != 200 || !strings.Contains(body, "export const other = 1") {
		t.Errorf("async bypass to a module: %d %s", code, body)
	}
	if code, body, _ := get(t, ts, "/api/users?id=2"); code != 200 || body != "backend GET /api/users?id=2" {
		t.Errorf("bypass returning undefined proxies: %d %s", code, body)
	}
	if code, body, _ := get(t, ts, "/api/throws"); code != 500 || !strings.Contains(body, "bypass failed") {
		t.Errorf("bypass throwing: %d %s", code, body)
	}
	warning := `server.proxy[\"/api\"].configure is not supported by govite`
	if n := strings.Count(logs.String(), warning); n != 1 {
		t.Errorf("configure warnings: %d, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "http-proxy's ProxyServer object") {
		t.Errorf("the configure warning does not say why:\n%s", logs.String())
	}
}

// secure: false proxies to an https target whose certificate is not trusted; without it, 502.
func TestProxySecureFalse(t *testing.T) {
	backend := httptest.NewTLSServer(echoBackend())
	defer backend.Close()
	root := writeProject(t, map[string]string{"index.html": "<html></html>"})
	_, ts := newTestServer(t, root, func(uc *config.UserConfig) {
		uc.Server.Proxy = []config.ProxyRule{
			{Context: "/insecure", Target: backend.URL, Secure: config.Bool(false)},
			{Context: "/verified", Target: backend.URL},
		}
	})
	if code, body, _ := get(t, ts, "/insecure/x"); code != 200 || body != "backend GET /insecure/x" {
		t.Errorf("secure: false: %d %s", code, body)
	}
	if code, body, _ := get(t, ts, "/verified/x"); code != 502 || !strings.Contains(body, "certificate") {
		t.Errorf("an untrusted certificate with secure unset: %d %s", code, body)
	}
}

// xfwd, autoRewrite / hostRewrite / protocolRewrite, cookieDomainRewrite / cookiePathRewrite, and the
// two timeouts.
func TestProxyHTTPProxyOptions(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/headers"):
			for _, h := range []string{"X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Forwarded-Host"} {
				fmt.Fprintf(w, "%s=%s\n", h, r.Header.Get(h))
			}
		case strings.HasSuffix(r.URL.Path, "/redirect"):
			w.Header().Set("Location", "http://"+r.Host+"/login?next=1")
			w.WriteHeader(302)
		case strings.HasSuffix(r.URL.Path, "/elsewhere"):
			w.Header().Set("Location", "http://other.test/login")
			w.WriteHeader(301)
		case strings.HasSuffix(r.URL.Path, "/cookies"):
			w.Header().Add("Set-Cookie", "a=1; Domain=api.internal; Path=/old; HttpOnly")
			w.Header().Add("Set-Cookie", "b=2; domain=keep.test; path=/gone")
		case strings.HasSuffix(r.URL.Path, "/slow"):
			time.Sleep(time.Second)
			io.WriteString(w, "late")
		}
	}))
	defer backend.Close()
	root := writeProject(t, map[string]string{"index.html": "<html></html>"})
	_, ts := newTestServer(t, root, func(uc *config.UserConfig) {
		uc.Server.Proxy = []config.ProxyRule{
			{Context: "/x", Target: backend.URL, XFwd: true, ChangeOrigin: true},
			{Context: "/auto", Target: backend.URL, ChangeOrigin: true, AutoRewrite: true},
			{Context: "/host", Target: backend.URL, ChangeOrigin: true, HostRewrite: "h.test:9", ProtocolRewrite: "https"},
			{Context: "/plain", Target: backend.URL, ChangeOrigin: true},
			{Context: "/c", Target: backend.URL, CookieDomainRewrite: map[string]string{"api.internal": "localhost"},
				CookiePathRewrite: map[string]string{"/old": "/new", "*": ""}},
			{Context: "/pt", Target: backend.URL, ProxyTimeout: 100},
			{Context: "/it", Target: backend.URL, Timeout: 100},
		}
	})
	host := strings.TrimPrefix(ts.URL, "http://")
	_, body, _ := get(t, ts, "/x/headers", "X-Forwarded-For", "10.0.0.1")
	for _, want := range []string{"X-Forwarded-For=10.0.0.1,127.0.0.1", "X-Forwarded-Port=" + strings.Split(host, ":")[1], "X-Forwarded-Proto=http", "X-Forwarded-Host=" + host} {
		mustContain(t, "xfwd headers", body, want)
	}
	_, body, _ = get(t, ts, "/plain/headers")
	mustContain(t, "headers without xfwd", body, "X-Forwarded-For=\n")

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	location := func(path string) string {
		t.Helper()
		res, err := noRedirect.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header.Get("Location")
	}
	if got := location("/auto/redirect"); got != "http://"+host+"/login?next=1" {
		t.Errorf("autoRewrite: %s", got)
	}
	if got := location("/auto/elsewhere"); got != "http://other.test/login" {
		t.Errorf("autoRewrite of another host: %s", got)
	}
	if got := location("/host/redirect"); got != "https://h.test:9/login?next=1" {
		t.Errorf("hostRewrite + protocolRewrite: %s", got)
	}
	if got := location("/plain/redirect"); got != "http://"+strings.TrimPrefix(backend.URL, "http://")+"/login?next=1" {
		t.Errorf("no rewrite: %s", got)
	}

	res, err := http.Get(ts.URL + "/c/cookies")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookies := res.Header.Values("Set-Cookie")
	if len(cookies) != 2 || cookies[0] != "a=1; Domain=localhost; Path=/new; HttpOnly" || cookies[1] != "b=2; domain=keep.test" {
		t.Errorf("cookie rewrites: %q", cookies)
	}

	start := time.Now()
	if code, _, _ := get(t, ts, "/pt/slow"); code != 502 || time.Since(start) > 900*time.Millisecond {
		t.Errorf("proxyTimeout: %d after %v, want 502 soon", code, time.Since(start))
	}
	start = time.Now()
	if res, err := http.Get(ts.URL + "/it/slow"); err == nil {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		t.Errorf("timeout: got %d %q, want the connection closed", res.StatusCode, b)
	} else if time.Since(start) > 900*time.Millisecond {
		t.Errorf("timeout took %v", time.Since(start))
	}
}
