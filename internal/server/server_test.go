package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/govite/govite/internal/config"
)

// writeProject creates a project from a map of relative path to contents.
func writeProject(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, c := range files {
		abs := filepath.Join(root, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(abs), 0o755)
		if err := os.WriteFile(abs, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// newTestServer resolves a config for root (no config file) and starts a dev server behind httptest.
func newTestServer(t testing.TB, root string, edit func(*config.UserConfig)) (*Server, *httptest.Server) {
	t.Helper()
	uc := &config.UserConfig{Root: root, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if edit != nil {
		edit(uc)
	}
	cfg, err := config.Resolve(context.Background(), uc, config.ResolveConfigOptions{Command: "serve", ConfigFile: config.ConfigFileDisabled})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts
}

func get(t testing.TB, ts *httptest.Server, path string, header ...string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode == 500 {
		return res.StatusCode, errorPageText(t, string(body)), res.Header
	}
	return res.StatusCode, string(body), res.Header
}

// errorPageText reads the error out of a 500's page (see Server.errorPage) and gives it as the
// terminal shows it, which is what the tests check.
func errorPageText(t testing.TB, page string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, "const error = ")
	if !ok {
		t.Fatalf("a 500 without the error page:\n%s", page)
	}
	line, _, _ := strings.Cut(rest, "\n")
	var de DevError // the payload's keys match its fields
	if err := json.Unmarshal([]byte(line), &de); err != nil {
		t.Fatalf("the error page's error: %v\n%s", err, line)
	}
	return de.Error()
}

func mustContain(t testing.TB, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, body)
		}
	}
}

func TestServesTransformedModules(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html": `<!doctype html><html><head><title>x</title></head><body>
<script type="module">import './src/inline.js'</script>
<script type="module" src="/src/main.ts"></script></body></html>`,
		"src/main.ts":         "import './style.css'\nimport cls from './card.module.css'\nimport data from './data.json'\nimport logo from './logo.png'\nimport raw from './text.txt?raw'\nimport { helper } from './helper'\nconst n: number = 1\nconsole.log(n, cls, data, logo, raw, helper, import.meta.env.MODE)\n",
		"src/helper.ts":       "export const helper = 'h'\n",
		"src/big.js":          "export default " + strconv.Quote(strings.Repeat("big ", 1500)) + "\n",
		"src/inline.js":       "export default 1\n",
		"src/style.css":       "@import './base.css';\nbody { background: url(./logo.png) }\n",
		"src/base.css":        "html { color: red }\n",
		"src/card.module.css": ".card { color: blue }\n",
		"src/data.json":       `{"name": "x"}`,
		"src/logo.png":        "PNG",
		"src/text.txt":        "hello",
		"public/robots.txt":   "robots",
	})
	_, ts := newTestServer(t, root, nil)

	code, body, _ := get(t, ts, "/", "Accept", "text/html")
	if code != 200 {
		t.Fatalf("GET / = %d %s", code, body)
	}
	mustContain(t, "index.html", body, `<script type="module" src="/@vite/client"></script>`, `src="/index.html?html-proxy&index=0.js"`)

	code, body, hdr := get(t, ts, "/src/main.ts")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/javascript") {
		t.Fatalf("main.ts: %d %s %s", code, hdr.Get("Content-Type"), body)
	}
	mustContain(t, "main.ts", body, `import "/src/style.css"`, `from "/src/card.module.css"`, `from "/src/data.json?import"`,
		`const logo = "/src/logo.png";`, `from "/src/text.txt?import&raw"`, `from "/src/helper.ts"`, `const n = 1`, `import.meta.env = {`, "sourceMappingURL=data:application/json;base64,")

	// The length is sent, not a chunked body (which net/http sends for a body over its 2 KB buffer).
	_, big, bigHdr := get(t, ts, "/src/big.js")
	if cl := bigHdr.Get("Content-Length"); len(big) < 4096 || cl != strconv.Itoa(len(big)) {
		t.Errorf("big.js: %d bytes, Content-Length %q", len(big), cl)
	}

	// ETag and 304.
	req, _ := http.NewRequest("GET", ts.URL+"/src/main.ts", nil)
	req.Header.Set("If-None-Match", hdr.Get("Etag"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 304 {
		t.Errorf("unchanged module with If-None-Match: %d, want 304", res.StatusCode)
	}

	_, body, _ = get(t, ts, "/src/style.css")
	mustContain(t, "style.css as a module", body, "__vite__updateStyle", "html {", "color: red", `url(/src/logo.png)`, "import.meta.hot.accept()", "createHotContext")
	_, body, hdr = get(t, ts, "/src/style.css", "Accept", "text/css")
	if !strings.HasPrefix(hdr.Get("Content-Type"), "text/css") || strings.Contains(body, "updateStyle") {
		t.Errorf("style.css for a <link>: %s\n%s", hdr.Get("Content-Type"), body)
	}
	_, body, _ = get(t, ts, "/src/card.module.css")
	mustContain(t, "CSS module", body, `"card": "card_`, "export const card")
	_, body, _ = get(t, ts, "/src/data.json?import")
	mustContain(t, "JSON", body, `as default`, `name`)
	_, body, _ = get(t, ts, "/src/logo.png?import")
	mustContain(t, "asset import", body, `export default "/src/logo.png"`)
	_, body, _ = get(t, ts, "/src/logo.png")
	if body != "PNG" {
		t.Errorf("asset request: %q", body)
	}
	_, body, _ = get(t, ts, "/src/text.txt?import&raw")
	mustContain(t, "?raw", body, `export default "hello"`)
	mustContain(t, "?raw from a module script", getOK(t, ts, "/src/text.txt?raw", scriptHeaders...), `export default "hello"`)
	// Without ?import and not from a script, Vite serves the file itself.
	if _, body, _ = get(t, ts, "/src/text.txt?raw", "Accept", "*/*"); body != "hello" {
		t.Errorf("/src/text.txt?raw asked by no script: %q, want the file", body)
	}
	_, body, _ = get(t, ts, "/robots.txt")
	if body != "robots" {
		t.Errorf("public file: %q", body)
	}
	_, body, _ = get(t, ts, "/index.html?html-proxy&index=0.js")
	mustContain(t, "inline script proxy", body, `import "/src/inline.js"`)
	_, body, _ = get(t, ts, "/@vite/client")
	mustContain(t, "client", body, "createHotContext")
}

func TestErrorsReachOverlayAndServerKeepsRunning(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/bad.ts":     "const x = ;\n",
		"src/missing.js": "import './nope.js'\n",
		// Plain JavaScript is not compiled: import analysis finds what its lexer cannot read, as
		// Vite's does, and a parser names the error.
		"src/bad.js":       "import './ok.js'\nexport const v = (;\n",
		"src/badexport.js": "export const s = \"abc\n",
		"src/ok.js":        "if (x) /re(/.test(y)\nconst r = /[)}]/g, t = `${ {a: 1}.a }`\nexport default r\n",
	})
	s, ts := newTestServer(t, root, nil)
	code, body, _ := get(t, ts, "/src/bad.js")
	if code != 500 {
		t.Fatalf("plain JS with a syntax error: %d\n%s", code, body)
	}
	mustContain(t, "plain JS syntax error", body, "src/bad.js:2:19", `Unexpected ";"`, "export const v = (;", "^")
	if code, body, _ = get(t, ts, "/src/badexport.js"); code != 500 || !strings.Contains(body, "unterminated string") {
		t.Errorf("an unterminated string in an exported declaration: %d\n%s", code, body)
	}
	if code, body, _ = get(t, ts, "/src/ok.js"); code != 200 {
		t.Errorf("valid plain JS with brackets in regular expressions: %d\n%s", code, body)
	}
	code, body, _ = get(t, ts, "/src/bad.ts")
	if code != 500 {
		t.Fatalf("syntax error: %d", code)
	}
	mustContain(t, "syntax error", body, "src/bad.ts:1:11", "const x = ;", "^")
	code, body, _ = get(t, ts, "/src/missing.js")
	if code != 500 {
		t.Fatalf("missing import: %d", code)
	}
	mustContain(t, "unresolved import", body, `Failed to resolve import "./nope.js" from "src/missing.js"`)
	_ = s
	os.WriteFile(filepath.Join(root, "src/bad.ts"), []byte("export const x = 1\n"), 0o644)
	deadline := time.Now().Add(3 * time.Second)
	for {
		code, body, _ = get(t, ts, "/src/bad.ts")
		if code == 200 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != 200 {
		t.Fatalf("after the fix: %d %s", code, body)
	}
}

func TestGlobImports(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/main.js":     "const lazy = import.meta.glob('./pages/*.js')\nconst eager = import.meta.glob(['./pages/*.js', '!./pages/b.js'], { eager: true, import: 'default' })\nconst raw = import.meta.glob('./pages/*.js', { query: '?raw', import: 'default' })\n",
		"src/pages/a.js":  "export default 'a'\n",
		"src/pages/b.js":  "export default 'b'\n",
		"src/pages/c.txt": "no",
	})
	_, ts := newTestServer(t, root, nil)
	code, body, _ := get(t, ts, "/src/main.js")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	mustContain(t, "glob", body,
		`"./pages/a.js": () => import("/src/pages/a.js")`, `"./pages/b.js": () => import("/src/pages/b.js")`,
		`import { default as __vite_glob_1_0 } from "/src/pages/a.js"`, `"./pages/a.js": __vite_glob_1_0`,
		`import("/src/pages/a.js?raw").then((m) => m["default"])`)
	if strings.Contains(body, "__vite_glob_1_1") || strings.Contains(body, "c.txt") {
		t.Errorf("negated or unmatched files included:\n%s", body)
	}
}

// hmrClient connects to the server's WebSocket as a page would.
func hmrClient(t *testing.T, s *Server, ts *httptest.Server) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(ts.URL, "http") + "/?token=" + s.Token()
	c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{Subprotocols: []string{"vite-hmr"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if msg := readPayload(t, c); msg["type"] != "connected" {
		t.Fatalf("first payload %v", msg)
	}
	return c
}

func readPayload(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, data, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	return m
}

func TestHMRUpdatesReachTheBoundary(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/main.js":   "import { v } from './dep.js'\nimport './style.css'\nimport.meta.hot.accept('./dep.js', () => {})\n",
		"src/dep.js":    "export const v = 1\n",
		"src/style.css": "body { color: red }\n",
		"src/leaf.js":   "export const x = 1\n",
		"src/root.js":   "import './leaf.js'\n",
		"index.html":    "<html><body></body></html>",
	})
	s, ts := newTestServer(t, root, nil)
	c := hmrClient(t, s, ts)
	get(t, ts, "/src/main.js")
	get(t, ts, "/src/dep.js")
	get(t, ts, "/src/style.css")
	get(t, ts, "/src/root.js")
	get(t, ts, "/src/leaf.js")

	// An accepted dependency: one js-update with the importer as boundary.
	os.WriteFile(filepath.Join(root, "src/dep.js"), []byte("export const v = 2\n"), 0o644)
	msg := readPayload(t, c)
	ups, _ := msg["updates"].([]any)
	if msg["type"] != "update" || len(ups) != 1 {
		t.Fatalf("dep change: %v", msg)
	}
	u := ups[0].(map[string]any)
	if u["type"] != "js-update" || u["path"] != "/src/main.js" || u["acceptedPath"] != "/src/dep.js" {
		t.Fatalf("dep update: %v", u)
	}
	// The importer accepts the dep, so it is not invalidated (Vite 8, observed): the page keeps it
	// and loads the new dep itself; asked again, it is the same transform, without ?t= on the dep.
	_, body, _ := get(t, ts, "/src/main.js?t=1")
	mustContain(t, "re-fetched boundary", body, `from "/src/dep.js"`)

	// A stylesheet accepts itself.
	os.WriteFile(filepath.Join(root, "src/style.css"), []byte("body { color: blue }\n"), 0o644)
	msg = readPayload(t, c)
	u = msg["updates"].([]any)[0].(map[string]any)
	if u["path"] != "/src/style.css" || u["type"] != "js-update" {
		t.Fatalf("css update: %v", u)
	}

	// A burst of saves to a module nothing accepts: one full reload.
	for i := 0; i < 5; i++ {
		os.WriteFile(filepath.Join(root, "src/leaf.js"), []byte("export const x = "+string(rune('2'+i))+"\n"), 0o644)
	}
	msg = readPayload(t, c)
	if msg["type"] != "full-reload" {
		t.Fatalf("unaccepted change: %v", msg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, data, err := c.Read(ctx); err == nil {
		t.Fatalf("a burst of saves gave a second payload: %s", data)
	}
}

func TestWebSocketNeedsToken(t *testing.T) {
	root := writeProject(t, map[string]string{"index.html": "<html></html>"})
	_, ts := newTestServer(t, root, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, q := range []string{"", "?token=wrong"} {
		_, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/"+q, &websocket.DialOptions{Subprotocols: []string{"vite-hmr"}})
		if err == nil {
			t.Errorf("upgrade without a valid token (%q) succeeded", q)
		}
		if res != nil && res.StatusCode != 403 {
			t.Errorf("status %d, want 403", res.StatusCode)
		}
	}
}

func TestVirtualModulesBaseHeadersAndWarmup(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":  `<html><head></head><body><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js": "import msg from 'virtual:msg'\nimport 'vite/modulepreload-polyfill'\nconsole.log(msg)\n",
		"src/warm.js": "export const warm = 1\n",
	})
	virtual := &config.Plugin{
		Name: "virtual",
		ResolveID: func(ctx *config.PluginContext, source, importer string, opts config.ResolveIDOptions) (*config.ResolveIDResult, error) {
			if source == "virtual:msg" {
				return &config.ResolveIDResult{ID: "\x00virtual:msg"}, nil
			}
			return nil, nil
		},
		Load: func(ctx *config.PluginContext, id string) (*config.LoadResult, error) {
			if id == "\x00virtual:msg" {
				return &config.LoadResult{Code: "export default 'from a plugin in ' + " + `"` + ctx.EnvironmentName() + `"`}, nil
			}
			return nil, nil
		},
	}
	s, ts := newTestServer(t, root, func(c *config.UserConfig) {
		c.Base = "/app/"
		c.Plugins = []*config.Plugin{virtual}
		c.Server.Headers = map[string]string{"X-Dev": "yes"}
		c.Server.Warmup.ClientFiles = []string{"src/warm.js"}
	})
	_, body, hdr := get(t, ts, "/app/", "Accept", "text/html")
	mustContain(t, "index.html with base", body, `src="/app/@vite/client"`, `src="/app/src/main.js"`)
	if hdr.Get("X-Dev") != "yes" {
		t.Errorf("server.headers not applied: %v", hdr)
	}
	_, body, _ = get(t, ts, "/app/src/main.js")
	mustContain(t, "main.js", body, `from "/app/@id/__x00__virtual:msg"`, `import "/app/@id/__x00__vite/modulepreload-polyfill.js"`)
	_, body, _ = get(t, ts, "/app/@id/__x00__virtual:msg")
	mustContain(t, "virtual module", body, `'from a plugin in ' + "client"`)
	// Outside base, as Vite's base middleware answers (checked on Vite 8 with base /app/).
	for _, c := range []struct{ path, accept, want string }{
		{"/src/main.js?x=1", "*/*", "The server is configured with a public base URL of /app/ - did you mean to visit /app/src/main.js?x=1 instead?"},
		{"/app", "*/*", "The server is configured with a public base URL of /app/ - did you mean to visit /app/ instead?"},
		{"/about", "text/html", `The server is configured with a public base URL of /app/ - did you mean to visit <a href="/app/about">/app/about</a> instead?`},
	} {
		if code, body, _ := get(t, ts, c.path, "Accept", c.accept); code != 404 || body != c.want {
			t.Errorf("%s outside base: %d %q, want 404 %q", c.path, code, body, c.want)
		}
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, err := noRedirect.Get(ts.URL + "/?x=1"); err != nil || res.StatusCode != 302 || res.Header.Get("Location") != "/app/?x=1" {
		t.Errorf("/?x=1 outside base: %v %v, want a redirect to /app/?x=1", res, err)
	} else {
		res.Body.Close()
	}
	// Warmed up: transformed before any request.
	deadline := time.Now().Add(3 * time.Second)
	for {
		m := s.Environments["client"].ModuleGraph.GetModuleByURL("/src/warm.js")
		if m != nil && s.Environments["client"].ModuleGraph.cached(m) != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server.warmup did not transform src/warm.js")
		}
		time.Sleep(20 * time.Millisecond)
	}
	html, err := s.TransformIndexHTML(context.Background(), "/other.html", "<html><head></head><body></body></html>")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "TransformIndexHTML", html, `<script type="module" src="/app/@vite/client"></script>`)
}

func TestHotFileWrittenWhileListening(t *testing.T) {
	root := writeProject(t, map[string]string{"index.html": "<html></html>"})
	uc := &config.UserConfig{Root: root, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	uc.Server.HotFile = "storage/hot"
	cfg, err := config.Resolve(context.Background(), uc, config.ResolveConfigOptions{Command: "serve", ConfigFile: config.ConfigFileDisabled})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.Port = 0
	s, err := New(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "storage/hot"))
	if err != nil || strings.TrimSpace(string(data)) != fmt.Sprintf("http://localhost:%d", s.Port()) {
		t.Errorf("hot file: %q %v", data, err)
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(root, "storage/hot")); err == nil {
		t.Errorf("hot file left after Close")
	}
}

func TestAppTypes(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":       "<html><head></head><body>home</body></html>",
		"about/index.html": "<html><head></head><body>about</body></html>",
	})
	_, spa := newTestServer(t, root, nil)
	if _, body, _ := get(t, spa, "/some/route", "Accept", "text/html"); !strings.Contains(body, "home") || !strings.Contains(body, "@vite/client") {
		t.Errorf("spa fallback: %q", body)
	}
	_, mpa := newTestServer(t, root, func(c *config.UserConfig) { c.AppType = "mpa" })
	if _, body, _ := get(t, mpa, "/about/", "Accept", "text/html"); !strings.Contains(body, "about") || !strings.Contains(body, "@vite/client") {
		t.Errorf("mpa page: %q", body)
	}
	if code, _, _ := get(t, mpa, "/some/route", "Accept", "text/html"); code != 404 {
		t.Errorf("mpa has no fallback: %d", code)
	}
	_, custom := newTestServer(t, root, func(c *config.UserConfig) { c.AppType = "custom" })
	if code, body, _ := get(t, custom, "/index.html", "Accept", "text/html"); code != 200 || strings.Contains(body, "@vite/client") {
		t.Errorf("custom serves HTML untouched: %d %q", code, body)
	}
	if code, _, _ := get(t, custom, "/", "Accept", "text/html"); code != 404 {
		t.Errorf("custom has no index fallback: %d", code)
	}
}

// A file or module the server does not have answers 404 with an empty body, as in Vite 8 (observed):
// the body must not name the server's paths.
func TestNotFoundHasNoBody(t *testing.T) {
	root := writeProject(t, map[string]string{"index.html": "<html><body></body></html>"})
	_, ts := newTestServer(t, root, nil)
	for _, p := range []string{"/src/missing.js", "/src/missing.js?import", "/src/missing.css", "/src/missing.js?t=1", "/missing.txt"} {
		code, body, _ := get(t, ts, p, scriptHeaders...)
		if code != 404 || body != "" {
			t.Errorf("%s: %d %q, want 404 without a body", p, code, body)
		}
	}
	// Other methods than GET and HEAD reach Vite's 404 too (no proxy takes them here).
	res, err := http.Post(ts.URL+"/api/save", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 404 || len(body) != 0 {
		t.Errorf("POST /api/save: %d %q, want 404 without a body", res.StatusCode, body)
	}
}

// The HTML fallback takes what Vite 8's does (observed, same requests): any path nothing else serves,
// missing modules included, gets index.html in an SPA when the request may take HTML (Accept
// missing, text/html or */*) and is not a script's; an mpa only serves the page named by the path.
func TestHTMLFallbackAsVite(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":       "<html><head></head><body>home</body></html>",
		"about/index.html": "<html><head></head><body>about</body></html>",
		"page.html":        "<html><head></head><body>page</body></html>",
		"src/main.js":      "export default 1\n",
	})
	type req struct{ accept, dest string }
	html, any, script, json, none := req{"text/html", ""}, req{"*/*", ""}, req{"*/*", "script"}, req{"application/json", ""}, req{"", ""}
	fetchAny := req{"*/*", "empty"}
	check := func(t *testing.T, ts *httptest.Server, path string, r req, want string) {
		t.Helper()
		var h []string
		if r.accept != "" {
			h = append(h, "Accept", r.accept)
		}
		if r.dest != "" {
			h = append(h, "Sec-Fetch-Dest", r.dest)
		}
		code, body, _ := get(t, ts, path, h...)
		switch want {
		case "404":
			if code != 404 || body != "" {
				t.Errorf("%s %+v: %d %.40q, want an empty 404", path, r, code, body)
			}
		default:
			if code != 200 || !strings.Contains(body, "<body>"+want+"</body>") || !strings.Contains(body, "/@vite/client") {
				t.Errorf("%s %+v: %d %.60q, want the %s page", path, r, code, body, want)
			}
		}
	}
	_, spa := newTestServer(t, root, nil)
	for _, p := range []string{"/src/missing.js", "/missing", "/missing.json", "/src/missing.css", "/api/data", "/nope/"} {
		for _, r := range []req{html, any, none, fetchAny} {
			check(t, spa, p, r, "home")
		}
		for _, r := range []req{script, json} {
			check(t, spa, p, r, "404")
		}
	}
	check(t, spa, "/about/", any, "about")
	check(t, spa, "/page", html, "page")
	check(t, spa, "/favicon.ico", none, "404")
	if body := getOK(t, spa, "/src/main.js", "Accept", "text/html"); !strings.Contains(body, "export default 1") {
		t.Errorf("an existing module asked with Accept text/html: %q", body)
	}

	_, mpa := newTestServer(t, root, func(c *config.UserConfig) { c.AppType = "mpa" })
	check(t, mpa, "/about/", any, "about")
	check(t, mpa, "/page", none, "page")
	check(t, mpa, "/missing", html, "404")
	check(t, mpa, "/src/missing.js", any, "404")
}

// Vite 8 decides between a module and the file by the request as well as the URL (observed, same
// requests): a module script's request (Sec-Fetch-Dest: script) always gets a module, an image or
// JSON file included; a page navigation (document, iframe) never does, it gets the file as it is; an
// extension-less URL names the file the resolver completes.
func TestRequestDestAsVite(t *testing.T) {
	logo := `<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><!--` + strings.Repeat("x", 5000) + `--></svg>`
	root := writeProject(t, map[string]string{
		"index.html":    "<html><head></head><body>home</body></html>",
		"src/main.ts":   "export const main: string = 'main'\n",
		"src/style.css": ".a { color: red }\n",
		"src/logo.svg":  logo,
		"src/data.json": `{"a": 1}`,
		"src/plain.js":  "export default 1\n",
	})
	_, ts := newTestServer(t, root, nil)
	script := []string{"Accept", "*/*", "Sec-Fetch-Dest", "script"}
	doc := []string{"Accept", "text/html", "Sec-Fetch-Dest", "document"}

	mustContain(t, "/src/main as a script", getOK(t, ts, "/src/main", script...), `export const main = "main"`)
	mustContain(t, "an SVG as a script", getOK(t, ts, "/src/logo.svg", script...), `export default "/src/logo.svg"`)
	mustContain(t, "JSON as a script", getOK(t, ts, "/src/data.json", script...), `as default`)
	for _, c := range []struct{ path, want, ctype string }{
		{"/src/style.css", ".a { color: red }\n", "text/css"},
		{"/src/style.css?inline", ".a { color: red }\n", "text/css"},
		{"/src/logo.svg?import", logo, "image/svg+xml"},
		{"/src/plain.js", "export default 1\n", "text/javascript"},
	} {
		_, body, h := get(t, ts, c.path, doc...)
		if body != c.want || !strings.HasPrefix(h.Get("Content-Type"), c.ctype) {
			t.Errorf("navigating to %s: %s %.40q, want the file as it is (%s)", c.path, h.Get("Content-Type"), body, c.ctype)
		}
	}
	mustContain(t, "navigating to an extension-less module URL", getOK(t, ts, "/src/main", doc...), "<body>home</body>")
}

// A 500's body is Vite's error page: opened in a tab, it shows the error in the overlay, imported
// from the client at base; the error is JSON in a module script, with "<" escaped so that the
// source it quotes cannot end the script.
func TestErrorPageShowsTheOverlay(t *testing.T) {
	root := writeProject(t, map[string]string{"src/bad.ts": "const x = </script> ;\n"})
	_, ts := newTestServer(t, root, func(c *config.UserConfig) { c.Base = "/app/" })
	res, err := http.Get(ts.URL + "/app/src/bad.ts")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(data)
	if res.StatusCode != 500 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s, want a 500 page", res.StatusCode, res.Header.Get("Content-Type"))
	}
	mustContain(t, "the error page", page, "<!DOCTYPE html>", `<script type="module">`,
		`const { ErrorOverlay } = await import("/app/@vite/client")`, "document.body.appendChild(new ErrorOverlay(error))",
		`"plugin":"vite:esbuild"`, `\u003c/script\u003e`)
	if strings.Count(page, "</script>") != 1 {
		t.Errorf("the quoted source ends the page's script:\n%s", page)
	}
	mustContain(t, "the error", errorPageText(t, page), "src/bad.ts:1:12", `Unexpected "/"`)
}

// Every body the server writes carries an ETag and answers 304 to it, as Vite's send() does: the
// client, pages and modules alike.
func TestETagOnEveryBody(t *testing.T) {
	root := writeProject(t, map[string]string{"index.html": "<html><head></head><body>home</body></html>", "src/a.js": "export default 1\n"})
	_, ts := newTestServer(t, root, nil)
	for _, p := range []string{"/@vite/client", "/", "/src/a.js"} {
		_, _, h := get(t, ts, p)
		etag := h.Get("Etag")
		if !strings.HasPrefix(etag, `W/"`) {
			t.Errorf("%s: ETag %q", p, etag)
			continue
		}
		if code, body, _ := get(t, ts, p, "If-None-Match", etag); code != 304 || body != "" {
			t.Errorf("%s with If-None-Match: %d %.30q, want 304", p, code, body)
		}
	}
}
