package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/govite/govite/internal/config"
)

// A plugin's configureServer adds connect middlewares, as the Vite plugins of a project's config do
// (API mocks, rewrites, pages of their own), talks to the browsers over server.ws and hears the
// watcher.
func TestConfigureServerFromConfigPlugin(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":  `<!doctype html><html><head></head><body><script type="module" src="/src/real.js"></script></body></html>`,
		"src/real.js": "export const real = 'the real module'\n",
		"vite.config.js": `import path from 'node:path'
export default {
  plugins: [{
    name: 'api',
    configureServer(server) {
      server.middlewares.use('/api', (req, res, next) => {
        if (req.url !== '/hello?x=1') return next()
        res.setHeader('Content-Type', 'application/json')
        res.end(JSON.stringify({ url: req.url, originalUrl: req.originalUrl, method: req.method, root: path.basename(server.config.root) }))
      })
      server.middlewares.use('/echo', (req, res) => {
        let body = ''
        req.on('data', (chunk) => { body += chunk })
        req.on('end', () => { res.statusCode = 201; res.end(req.method + ' ' + body) })
      })
      server.middlewares.use('/count', async (req, res) => {
        let n = 0
        for await (const chunk of req) n += chunk.length
        await new Promise((r) => setTimeout(r, 5))
        res.end('bytes ' + n)
      })
      server.middlewares.use((req, res, next) => {
        if (req.url === '/alias.js') { req.url = '/src/real.js'; res.setHeader('X-Rewritten', 'yes') }
        next()
      })
      server.middlewares.use('/boom', () => { throw new Error('kaboom') })
      server.middlewares.use('/silent', () => {})
      server.middlewares.use('/envs', (req, res) => {
        const envs = Object.keys(server.environments).sort()
        res.end(envs.join(',') + ' ' + server.environments.client.config.consumer + ' ' + server.config.experimental.hmrPartialAccept)
      })
      server.middlewares.use('/restart', async (req, res) => {
        try { await server.restart(); res.end('restarted') } catch (e) { res.end('no restart: ' + e.message) }
      })
      server.ws.on('ping:me', (data, client) => client.send('pong:me', { got: data.n + 1 }))
      server.watcher.on('change', (file) => server.ws.send({ type: 'custom', event: 'file-changed', data: path.basename(file) }))
      if (server.moduleGraph) throw new Error('moduleGraph is not offered')
      return () => {
        server.middlewares.use((req, res, next) => {
          if (req.url === '/index.html' && req.headers['x-custom-page']) return res.end('custom page for ' + req.originalUrl)
          next()
        })
        server.middlewares.use((req, res, next) => {
          if (req.method === 'POST' && req.url === '/late') return res.end('late post')
          next()
        })
      }
    },
  }],
}
`,
	})
	logs := &syncBuffer{}
	s, ts := newServerWith(t, root, true, Options{}, func(uc *config.UserConfig) {
		uc.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})
	do := func(method, path, body string, hdr ...string) (int, http.Header, string) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(b)
	}

	if code, h, body := do("GET", "/api/hello?x=1", ""); code != 200 || h.Get("Content-Type") != "application/json" ||
		body != `{"url":"/hello?x=1","originalUrl":"/api/hello?x=1","method":"GET","root":"`+filepath.Base(root)+`"}` {
		t.Errorf("/api/hello: %d %v %s", code, h, body)
	}
	if code, _, body := do("POST", "/echo", "some body"); code != 201 || body != "POST some body" {
		t.Errorf("/echo: %d %q", code, body)
	}
	if code, _, body := do("PUT", "/count", strings.Repeat("x", 70000)); code != 200 || body != "bytes 70000" {
		t.Errorf("/count: %d %q\n%s", code, body, logs)
	}
	if code, h, body := do("GET", "/alias.js", "", "Accept", "*/*"); code != 200 || !strings.Contains(body, "the real module") || h.Get("X-Rewritten") != "yes" {
		t.Errorf("/alias.js: %d %v %q", code, h, body)
	}
	if code, _, body := do("GET", "/boom", ""); code != 500 || strings.Contains(body, "kaboom") {
		t.Errorf("/boom: %d %q", code, body)
	}
	if code, _, _ := do("GET", "/silent", ""); code != 500 {
		t.Errorf("/silent: %d", code)
	}
	if _, _, body := do("GET", "/envs", ""); body != "client,ssr client false" {
		t.Errorf("/envs: %q", body)
	}
	if _, _, body := do("GET", "/restart", ""); !strings.Contains(body, "no restart: server.restart(): this server cannot restart itself") {
		t.Errorf("/restart: %q", body)
	}
	// Post middlewares run after govite's own, where the HTML fallback has made the URL the page's.
	if code, _, body := do("GET", "/some/route", "", "Accept", "text/html", "X-Custom-Page", "1"); code != 200 || body != "custom page for /some/route" {
		t.Errorf("post middleware: %d %q", code, body)
	}
	if code, _, body := do("GET", "/", "", "Accept", "text/html"); code != 200 || !strings.Contains(body, "/@vite/client") {
		t.Errorf("index.html after the post middlewares: %d %q", code, body)
	}
	if code, _, body := do("POST", "/late", ""); code != 200 || body != "late post" {
		t.Errorf("POST to a post middleware: %d %q", code, body)
	}
	for _, want := range []string{"kaboom", "neither ended the response nor called next()", "server.moduleGraph is not supported by govite yet"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}

	c := hmrClient(t, s, ts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"custom","event":"ping:me","data":{"n":41}}`)); err != nil {
		t.Fatal(err)
	}
	if m := nextPayload(t, c); m["event"] != "pong:me" || m["data"].(map[string]any)["got"] != float64(42) {
		t.Errorf("answer to ping:me: %v", m)
	}
	if err := os.WriteFile(filepath.Join(root, "src/real.js"), []byte("export const real = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for {
		m := nextPayload(t, c)
		if m["type"] == "custom" {
			if m["event"] != "file-changed" || m["data"] != "real.js" {
				t.Errorf("watcher listener sent %v", m)
			}
			break
		}
	}
}

// A Go plugin's ConfigureServer middleware runs before govite's own (it may answer for a module's
// URL), and one added by the function it returns runs after them, before the 404.
func TestConfigureServerGoPlugin(t *testing.T) {
	root := writeProject(t, map[string]string{"src/main.js": "export const main = 1\n"})
	header := func(name, value string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Add(name, value)
				next.ServeHTTP(w, r)
			})
		}
	}
	plugin := &config.Plugin{Name: "go-mw", ConfigureServer: func(s config.DevServer) (func() error, error) {
		s.Use(header("X-Pre", "1"))
		return func() error {
			s.Use(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/health" {
						_, _ = io.WriteString(w, "ok")
						return
					}
					next.ServeHTTP(w, r)
				})
			})
			return nil
		}, nil
	}}
	_, ts := newServerWith(t, root, false, Options{}, func(uc *config.UserConfig) { uc.Plugins = append(uc.Plugins, plugin) })
	for path, want := range map[string]string{"/src/main.js": "export const main", "/health": "ok"} {
		if code, body, h := get(t, ts, path); code != 200 || !strings.Contains(body, want) || h.Get("X-Pre") != "1" {
			t.Errorf("%s: %d %v %q", path, code, h, body)
		}
	}
}
