package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/govite/govite/internal/testutil/browser"
)

func TestSourceOptions(t *testing.T) {
	src := string(Source(Options{Base: "app", Token: "a</script>b", Overlay: true}))
	first, _, _ := strings.Cut(src, "\n")
	want := `const hmrOptions = {"base":"/app/","token":"a\u003c/script\u003eb","protocol":"","host":"","clientPort":0,"path":"","overlay":true,"timeout":1000,"mode":""};`
	if first != want {
		t.Errorf("first line\n got %s\nwant %s", first, want)
	}
	for _, name := range []string{"createHotContext", "updateStyle", "removeStyle", "injectQuery", "ErrorOverlay"} {
		if !strings.Contains(src, "export function "+name) && !strings.Contains(src, "export { "+name) {
			t.Errorf("Source does not export %s", name)
		}
	}
	for base, want := range map[string]string{"": "/", "/": "/", "./": "/", "/app": "/app/", "/app/": "/app/", "https://cdn.example/x/": "/x/"} {
		if got := normalizeBase(base); got != want {
			t.Errorf("normalizeBase(%q) = %q, want %q", base, got, want)
		}
	}
	env := string(EnvSource(""))
	if !strings.Contains(env, "const defines = ({});") {
		t.Errorf("EnvSource(\"\") does not define {}:\n%s", env)
	}
}

// ---------------------------------------------------------------------------
// A fake dev server: serves /@vite/client, /@vite/env, an HTML page and
// hand-written modules, and speaks the HMR protocol over a WebSocket.

const testToken = "s3cr3t-token"

type record struct {
	uri    string // path and query
	accept string
}

type devServer struct {
	t    *testing.T
	srv  *httptest.Server
	opts Options
	page string // HTML of / and /index.html

	mu        sync.Mutex
	files     map[string]string        // path below base -> content ("__T__" becomes the t query)
	delays    map[string]time.Duration // path -> delay of requests with a t query
	requests  []record
	pings     []record
	pageLoads int
	down      bool // ping requests get no answer
	conns     []*websocket.Conn
	accepted  int // sockets accepted so far
	msgs      chan map[string]any
}

func newDevServer(t *testing.T, opts func(host string) Options) *devServer {
	s := &devServer{
		t:      t,
		files:  map[string]string{},
		delays: map[string]time.Duration{},
		msgs:   make(chan map[string]any, 100),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.opts = opts(s.srv.Listener.Addr().String())
	s.opts.Base = normalizeBase(s.opts.Base)
	t.Cleanup(func() {
		s.mu.Lock()
		conns := s.conns
		s.mu.Unlock()
		for _, c := range conns {
			c.CloseNow()
		}
		s.srv.Close()
	})
	return s
}

func (s *devServer) setFile(path, content string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[path] = content
}

func (s *devServer) setDelay(path string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays[path] = d
}

func (s *devServer) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "no-cache")
	base := s.opts.Base
	if r.Header.Get("Upgrade") != "" {
		s.serveSocket(w, r)
		return
	}
	if r.Header.Get("Accept") == "text/x-vite-ping" {
		s.mu.Lock()
		s.pings = append(s.pings, record{r.URL.RequestURI(), r.Header.Get("Accept")})
		down := s.down
		s.mu.Unlock()
		if down {
			// No answer at all: the fetch fails as if nothing listened.
			if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
				c.Close()
			}
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, record{r.URL.RequestURI(), r.Header.Get("Accept")})
	s.mu.Unlock()
	if !strings.HasPrefix(r.URL.Path, base) {
		http.NotFound(w, r)
		return
	}
	path := "/" + strings.TrimPrefix(r.URL.Path, base)
	switch path {
	case "/@vite/client":
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(Source(s.opts))
		return
	case "/@vite/env":
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(EnvSource(`{"__DEFINED__": "yes", "process.env.GOVITE_TEST": "ok", "import.meta.env.SKIPPED": "1"}`))
		return
	case "/", "/index.html":
		s.mu.Lock()
		s.pageLoads++
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, s.page)
		return
	}
	s.mu.Lock()
	content, ok := s.files[path]
	delay := s.delays[path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	tq := r.URL.Query().Get("t")
	if tq != "" && delay > 0 {
		time.Sleep(delay)
	}
	switch {
	case strings.HasSuffix(path, ".css") && strings.Contains(r.Header.Get("Accept"), "text/css"):
		// a <link> asks for the sheet; a module import gets JS
		w.Header().Set("Content-Type", "text/css")
	default:
		w.Header().Set("Content-Type", "text/javascript")
	}
	fmt.Fprint(w, strings.ReplaceAll(content, "__T__", tq))
}

func (s *devServer) serveSocket(w http.ResponseWriter, r *http.Request) {
	want := joinURLPath(s.opts.Base, s.opts.Path)
	if r.URL.Path != want {
		s.t.Errorf("socket at %s, want %s", r.URL.Path, want)
		http.NotFound(w, r)
		return
	}
	if tok := r.URL.Query().Get("token"); tok != testToken {
		s.t.Errorf("socket token %q, want %q", tok, testToken)
		http.Error(w, "bad token", http.StatusBadRequest)
		return
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols:   []string{"vite-hmr"},
		OriginPatterns: []string{"*"},
	})
	if err != nil {
		s.t.Errorf("accepting the socket: %v", err)
		return
	}
	if c.Subprotocol() != "vite-hmr" {
		s.t.Errorf("socket subprotocol %q, want vite-hmr", c.Subprotocol())
	}
	ctx := context.Background()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"connected"}`)); err != nil {
		return
	}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.accepted++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		for i, x := range s.conns {
			if x == c {
				s.conns = append(s.conns[:i], s.conns[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
	}()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			s.t.Errorf("client sent invalid JSON %q", data)
			continue
		}
		if m["type"] == "ping" {
			continue
		}
		s.msgs <- m
	}
}

func joinURLPath(base, p string) string {
	if p == "" {
		return base
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(p, "/")
}

// waitConns waits until the server has accepted n sockets in all.
func (s *devServer) waitConns(n int) {
	s.t.Helper()
	waitUntil(s.t, fmt.Sprintf("%d socket(s)", n), func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.accepted >= n
	})
}

// push sends a payload to every connected page.
func (s *devServer) push(payload any) {
	s.t.Helper()
	data, err := json.Marshal(payload)
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	conns := append([]*websocket.Conn(nil), s.conns...)
	s.mu.Unlock()
	if len(conns) == 0 {
		s.t.Fatalf("push %s: no page connected", data)
	}
	sent := 0
	var lastErr error
	for _, c := range conns {
		// A socket of a page that is reloading may be closing; that is fine
		// as long as one page gets the payload.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := c.Write(ctx, websocket.MessageText, data)
		cancel()
		if err != nil {
			lastErr = err
			continue
		}
		sent++
	}
	if sent == 0 {
		s.t.Fatalf("push %s: %v", data, lastErr)
	}
}

// closeSockets closes the server side of every socket.
func (s *devServer) closeSockets() {
	s.mu.Lock()
	conns := append([]*websocket.Conn(nil), s.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		c.Close(websocket.StatusGoingAway, "server restart")
	}
}

// expectMessage waits for a message from the page with that event.
func (s *devServer) expectMessage(event string) map[string]any {
	s.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case m := <-s.msgs:
			if m["type"] == "custom" && m["event"] == event {
				return m
			}
			s.t.Logf("message from the page: %v", m)
		case <-timeout:
			s.t.Fatalf("no %s message from the page", event)
			return nil
		}
	}
}

func (s *devServer) requested(uri string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.requests {
		if r.uri == uri {
			return true
		}
	}
	return false
}

func (s *devServer) loads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pageLoads
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// prelude is what import analysis puts at the top of a module that uses
// import.meta.hot.
func prelude(base, owner string) string {
	return fmt.Sprintf("import { createHotContext as __vite__createHotContext } from %q; import.meta.hot = __vite__createHotContext(%q);\n", base+"@vite/client", owner)
}

// mainJS is a self-accepting module that logs what happens to it.
func mainJS(base string, version int) string {
	return prelude(base, "/main.js") + fmt.Sprintf(`
export const version = %d;
window.__log = window.__log || [];
__log.push("run " + version + " " + JSON.stringify(import.meta.hot.data));
window.__hot = import.meta.hot;
if (import.meta.hot) {
  import.meta.hot.accept((mod) => __log.push("accept " + (mod && mod.version)));
  import.meta.hot.dispose((data) => { data.runs = (data.runs || 0) + 1; __log.push("dispose " + version); });
  import.meta.hot.on("vite:beforeUpdate", (p) => __log.push("before " + p.updates.length));
  import.meta.hot.on("vite:afterUpdate", (p) => __log.push("after " + p.updates.length));
  import.meta.hot.on("vite:ws:disconnect", () => { window.__disconnected = true; });
  import.meta.hot.on("vite:invalidate", (d) => { window.__invalidated = d; });
  import.meta.hot.on("test:hello", (d) => { window.__hello = d; });
  import.meta.hot.send("test:ready", { version });
}
`, version)
}

func page(base string) string {
	return fmt.Sprintf(`<!doctype html>
<html><head>
<script type="module" src="%[1]s@vite/client"></script>
<link rel="stylesheet" href="%[1]sstyle.css">
</head><body><h1>test</h1>
<script type="module" src="%[1]smain.js"></script>
</body></html>`, base)
}

func jsUpdate(path, accepted string, ts int64, explicit bool) map[string]any {
	return map[string]any{
		"type": "js-update", "path": path, "acceptedPath": accepted, "timestamp": ts,
		"explicitImportRequired": explicit, "isWithinCircularImport": false,
	}
}

func update(updates ...map[string]any) map[string]any {
	return map[string]any{"type": "update", "updates": updates}
}

func evalJSON(t *testing.T, p *browser.Page, js string) string {
	t.Helper()
	var s string
	p.Eval(t, "JSON.stringify("+js+")", &s)
	return s
}

func hasConsole(p *browser.Page, level, text string) bool {
	for _, m := range p.Console() {
		if m.Level == level && strings.Contains(m.Text, text) {
			return true
		}
	}
	return false
}

// open starts a dev server with the standard page and modules and opens it.
func open(t *testing.T, b *browser.Browser, opts func(host string) Options) (*devServer, *browser.Page) {
	t.Helper()
	s := newDevServer(t, opts)
	base := s.opts.Base
	s.page = page(base)
	s.setFile("/main.js", mainJS(base, 1))
	s.setFile("/style.css", "h1 { color: rgb(1, 2, 3); }")
	p := b.Page(t, s.srv.URL+base)
	s.waitConns(1)
	p.WaitFor(t, `window.__log && __log.length > 0`, 5*time.Second)
	return s, p
}

func defaultOptions(host string) Options {
	return Options{Base: "/", Token: testToken, Host: host, Overlay: true, Timeout: 100, Mode: "development"}
}

func TestClient(t *testing.T) {
	b := browser.New(t)

	t.Run("Connected", func(t *testing.T) {
		// The port of Host is replaced by ClientPort.
		s, p := open(t, b, func(host string) Options {
			o := defaultOptions(host)
			h, port, _ := strings.Cut(host, ":")
			o.Host = h + ":1"
			fmt.Sscan(port, &o.ClientPort)
			return o
		})
		waitUntil(t, "[vite] connected.", func() bool { return hasConsole(p, "debug", "[vite] connected.") })
		if got := evalJSON(t, p, `[globalThis.__DEFINED__, process.env.GOVITE_TEST, typeof globalThis.import]`); got != `["yes","ok","undefined"]` {
			t.Errorf("/@vite/env defines = %s", got)
		}
		var got string
		p.Eval(t, `import("/@vite/client").then((m) => JSON.stringify([
			m.injectQuery("/a.js?x=1#h", "import"), m.injectQuery("./b.js", "import"), m.injectQuery("bare", "import"),
			typeof m.ErrorOverlay, typeof m.createHotContext]))`, &got)
		if want := `["/a.js?import&x=1#h","./b.js?import","bare","function","function"]`; got != want {
			t.Errorf("exports: got %s, want %s", got, want)
		}
		// hot.send before the socket opened was queued and sent.
		m := s.expectMessage("test:ready")
		if d, _ := json.Marshal(m["data"]); string(d) != `{"version":1}` {
			t.Errorf("test:ready data = %s", d)
		}
		p.ExpectNoErrors(t)
	})

	t.Run("SelfAccept", func(t *testing.T) {
		s, p := open(t, b, defaultOptions)
		s.setFile("/main.js", mainJS(s.opts.Base, 2))
		s.push(update(jsUpdate("/main.js", "/main.js", 100, false)))
		p.WaitFor(t, `__log.includes("after 1")`, 5*time.Second)
		got := evalJSON(t, p, `__log`)
		want := `["run 1 {}","before 1","dispose 1","run 2 {\"runs\":1}","accept 2","after 1"]`
		if got != want {
			t.Errorf("log\n got %s\nwant %s", got, want)
		}
		if !s.requested("/main.js?t=100") {
			t.Errorf("no request for /main.js?t=100")
		}
		// A second update goes to the callbacks of the new instance only.
		s.setFile("/main.js", mainJS(s.opts.Base, 3))
		s.push(update(jsUpdate("/main.js", "/main.js", 101, false)))
		p.WaitFor(t, `__log.includes("accept 3")`, 5*time.Second)
		got = evalJSON(t, p, `__log.slice(6)`)
		want = `["before 1","dispose 2","run 3 {\"runs\":2}","accept 3","after 1"]`
		if got != want {
			t.Errorf("log after the second update\n got %s\nwant %s", got, want)
		}
		p.ExpectNoErrors(t)
	})

	t.Run("DepAccept", func(t *testing.T) {
		s := newDevServer(t, defaultOptions)
		s.page = `<!doctype html><script type="module" src="/parent.js"></script>`
		s.setFile("/parent.js", prelude("/", "/parent.js")+`
import { value } from "/dep.js";
window.__log = ["parent sees " + value];
import.meta.hot.accept(["/dep.js", "/other.js", "/q.js?raw=1"], (mods) => {
  __log.push("array " + JSON.stringify(mods.map((m) => m ? m.value : null)));
});
import.meta.hot.accept("/dep.js", (mod) => __log.push("single " + mod.value));
`)
		s.setFile("/dep.js", prelude("/", "/dep.js")+`
export const value = "dep __T__";
import.meta.hot.dispose((data) => { window.__depDisposed = (window.__depDisposed || 0) + 1; data.seen = true; });
`)
		s.setFile("/q.js", `export const value = "q __T__";`)
		p := b.Page(t, s.srv.URL+"/")
		s.waitConns(1)
		p.WaitFor(t, `window.__log && __log.length === 1`, 5*time.Second)
		s.push(update(jsUpdate("/parent.js", "/dep.js", 200, true)))
		p.WaitFor(t, `__log.length === 3`, 5*time.Second)
		s.push(update(jsUpdate("/parent.js", "/q.js?raw=1", 201, true)))
		p.WaitFor(t, `__log.length === 4`, 5*time.Second)
		got := evalJSON(t, p, `[__log, window.__depDisposed]`)
		want := `[["parent sees dep ","array [\"dep 200\",null,null]","single dep 200","array [null,null,\"q 201\"]"],1]`
		if got != want {
			t.Errorf("log\n got %s\nwant %s", got, want)
		}
		for _, uri := range []string{"/dep.js?import&t=200", "/q.js?import&t=201&raw=1"} {
			if !s.requested(uri) {
				t.Errorf("no request for %s", uri)
			}
		}
		// An update for a module that has no hot context is ignored.
		s.push(update(jsUpdate("/nothing.js", "/nothing.js", 202, false)))
		p.ExpectNoErrors(t)
	})

	t.Run("UpdateOrder", func(t *testing.T) {
		s := newDevServer(t, defaultOptions)
		s.page = `<!doctype html><script type="module" src="/slow.js"></script><script type="module" src="/fast.js"></script>`
		for _, name := range []string{"slow", "fast"} {
			s.setFile("/"+name+".js", prelude("/", "/"+name+".js")+fmt.Sprintf(`
export const name = "%s __T__";
window.__log = window.__log || [];
import.meta.hot.accept((mod) => __log.push(mod.name));
`, name))
		}
		s.setDelay("/slow.js", 300*time.Millisecond)
		p := b.Page(t, s.srv.URL+"/")
		s.waitConns(1)
		p.WaitFor(t, `window.__log`, 5*time.Second)
		s.push(update(jsUpdate("/slow.js", "/slow.js", 1, false), jsUpdate("/fast.js", "/fast.js", 2, false)))
		s.push(update(jsUpdate("/fast.js", "/fast.js", 3, false)))
		p.WaitFor(t, `__log.length === 3`, 5*time.Second)
		if got, want := evalJSON(t, p, `__log`), `["slow 1","fast 2","fast 3"]`; got != want {
			t.Errorf("accept order: got %s, want %s", got, want)
		}
		p.ExpectNoErrors(t)
	})

	t.Run("FailedImport", func(t *testing.T) {
		s, p := open(t, b, defaultOptions)
		s.setFile("/main.js", "export const = ;")
		s.push(update(jsUpdate("/main.js", "/main.js", 7, false)))
		waitUntil(t, "the failed-reload error", func() bool {
			return hasConsole(p, "error", "Failed to reload /main.js. This could be due to syntax errors or importing non-existent modules. (see errors above)")
		})
	})

	t.Run("CSSUpdate", func(t *testing.T) {
		s, p := open(t, b, defaultOptions)
		if c := p.ComputedStyle(t, "h1", "color"); c != "rgb(1, 2, 3)" {
			t.Fatalf("color before = %s", c)
		}
		s.setFile("/style.css", "h1 { color: rgb(4, 5, 6); }")
		s.setDelay("/style.css", 500*time.Millisecond)
		s.push(update(map[string]any{"type": "css-update", "path": "/style.css", "acceptedPath": "/style.css", "timestamp": 300}))
		// While the new sheet loads both links are there and the old rules apply.
		p.WaitFor(t, `document.querySelectorAll("link").length === 2`, 5*time.Second)
		if c := p.ComputedStyle(t, "h1", "color"); c != "rgb(1, 2, 3)" {
			t.Errorf("color while loading = %s, want the old one", c)
		}
		p.WaitFor(t, `document.querySelectorAll("link").length === 1`, 5*time.Second)
		if got, want := evalJSON(t, p, `[...document.querySelectorAll("link")].map((l) => l.href)`), `["`+s.srv.URL+`/style.css?t=300"]`; got != want {
			t.Errorf("links after the update: %s", got)
		}
		if c := p.ComputedStyle(t, "h1", "color"); c != "rgb(4, 5, 6)" {
			t.Errorf("color after = %s", c)
		}
		// The replaced link is found again by its path.
		s.setDelay("/style.css", 0)
		s.push(update(map[string]any{"type": "css-update", "path": "/style.css", "acceptedPath": "/style.css", "timestamp": 301}))
		p.WaitFor(t, `document.querySelector("link").href.endsWith("/style.css?t=301")`, 5*time.Second)
		p.ExpectNoErrors(t)
	})

	t.Run("StyleModule", func(t *testing.T) {
		s := newDevServer(t, defaultOptions)
		s.page = `<!doctype html><html><head></head><body><h1>x</h1><script type="module" src="/src/x.css"></script></body></html>`
		cssModule := func(color string) string {
			return prelude("/", "/src/x.css") + fmt.Sprintf(`
import { updateStyle as __vite__updateStyle, removeStyle as __vite__removeStyle } from "/@vite/client";
const __vite__id = "/work/src/x.css";
const __vite__css = "h1 { color: %s; }";
__vite__updateStyle(__vite__id, __vite__css);
import.meta.hot.accept();
import.meta.hot.prune(() => __vite__removeStyle(__vite__id));
`, color)
		}
		s.setFile("/src/x.css", cssModule("rgb(7, 8, 9)"))
		p := b.Page(t, s.srv.URL+"/")
		s.waitConns(1)
		p.WaitFor(t, `document.querySelector("style[data-vite-dev-id]")`, 5*time.Second)
		styles := `[...document.querySelectorAll("style")].map((e) => [e.getAttribute("type"), e.dataset.viteDevId, e.textContent])`
		if got := evalJSON(t, p, styles); got != `[["text/css","/work/src/x.css","h1 { color: rgb(7, 8, 9); }"]]` {
			t.Errorf("styles: %s", got)
		}
		p.Eval(t, `window.__style = document.querySelector("style"); 0`, nil)
		s.setFile("/src/x.css", cssModule("rgb(9, 8, 7)"))
		s.push(update(jsUpdate("/src/x.css", "/src/x.css", 400, false)))
		p.WaitFor(t, `document.querySelector("style").textContent.includes("rgb(9, 8, 7)")`, 5*time.Second)
		if got := evalJSON(t, p, `[document.querySelectorAll("style").length, document.querySelector("style") === window.__style]`); got != `[1,true]` {
			t.Errorf("after the update [styles, same element] = %s", got)
		}
		if c := p.ComputedStyle(t, "h1", "color"); c != "rgb(9, 8, 7)" {
			t.Errorf("color = %s", c)
		}
		s.push(map[string]any{"type": "prune", "paths": []string{"/src/x.css"}})
		p.WaitFor(t, `document.querySelectorAll("style").length === 0`, 5*time.Second)
		p.ExpectNoErrors(t)
	})

	t.Run("FullReload", func(t *testing.T) {
		s, p := open(t, b, defaultOptions)
		p.Eval(t, `__hot.on("vite:beforeFullReload", (p) => { window.__before = p; }); 0`, nil)
		s.push(map[string]any{"type": "full-reload", "path": "/other.html"})
		p.WaitFor(t, `window.__before && window.__before.path === "/other.html"`, 5*time.Second)
		time.Sleep(200 * time.Millisecond)
		if n := s.loads(); n != 1 {
			t.Fatalf("full-reload of another page reloaded this one (%d loads)", n)
		}
		s.push(map[string]any{"type": "full-reload", "path": "/index.html"})
		waitUntil(t, "a reload", func() bool { return s.loads() == 2 })
		s.waitConns(2)
		p.WaitFor(t, `window.__log && __log.length > 0`, 5*time.Second)
		s.push(map[string]any{"type": "full-reload"})
		waitUntil(t, "a second reload", func() bool { return s.loads() == 3 })
	})

	t.Run("CustomEvents", func(t *testing.T) {
		s, p := open(t, b, defaultOptions)
		s.expectMessage("test:ready")
		s.push(map[string]any{"type": "custom", "event": "test:hello", "data": map[string]any{"x": 42}})
		p.WaitFor(t, `window.__hello && window.__hello.x === 42`, 5*time.Second)
		p.Eval(t, `__hot.send("test:from-page", { y: [1, 2] }); 0`, nil)
		m := s.expectMessage("test:from-page")
		if d, _ := json.Marshal(m["data"]); string(d) != `{"y":[1,2]}` {
			t.Errorf("data = %s", d)
		}
		// off removes a listener.
		p.Eval(t, `window.__n = 0; window.__fn = () => __n++; __hot.on("test:count", __fn); 0`, nil)
		s.push(map[string]any{"type": "custom", "event": "test:count"})
		p.WaitFor(t, `__n === 1`, 5*time.Second)
		p.Eval(t, `__hot.off("test:count", __fn); 0`, nil)
		s.push(map[string]any{"type": "custom", "event": "test:count"})
		s.push(map[string]any{"type": "custom", "event": "test:hello", "data": map[string]any{"x": 43}})
		p.WaitFor(t, `window.__hello.x === 43`, 5*time.Second)
		var n int
		p.Eval(t, `__n`, &n)
		if n != 1 {
			t.Errorf("listener called %d times after off, want 1", n)
		}
		p.ExpectNoErrors(t)
	})

	t.Run("Invalidate", func(t *testing.T) {
		s, p := open(t, b, defaultOptions)
		p.Eval(t, `__hot.invalidate("stale exports"); 0`, nil)
		m := s.expectMessage("vite:invalidate")
		want := `{"firstInvalidatedBy":"/main.js","message":"stale exports","path":"/main.js"}`
		if d, _ := json.Marshal(m["data"]); string(d) != want {
			t.Errorf("vite:invalidate data = %s, want %s", d, want)
		}
		p.WaitFor(t, `window.__invalidated && __invalidated.path === "/main.js"`, 5*time.Second)
		// An update caused by the invalidation carries firstInvalidatedBy; an
		// invalidate from its accept callback passes it on.
		s.setFile("/main.js", mainJS("/", 2)+`__hot.accept(() => __hot.invalidate("again"));`)
		s.push(update(jsUpdate("/main.js", "/main.js", 500, false)))
		p.WaitFor(t, `__log.includes("accept 2")`, 5*time.Second)
		s.setFile("/main.js", mainJS("/", 3)+`__hot.accept(() => __hot.invalidate("again"));`)
		u := jsUpdate("/main.js", "/main.js", 501, false)
		u["firstInvalidatedBy"] = "/root.js"
		s.push(update(u))
		m = s.expectMessage("vite:invalidate")
		if d, _ := json.Marshal(m["data"]); string(d) != `{"firstInvalidatedBy":"/root.js","message":"again","path":"/main.js"}` {
			t.Errorf("nested vite:invalidate data = %s", d)
		}
		p.ExpectNoErrors(t)
	})

	errPayload := map[string]any{"type": "error", "err": map[string]any{
		"message": "Transform failed with 1 error:\n/src/bad.js:3:7: ERROR: Expected identifier\n  1 | a\n  2 | b\n> 3 | const = 1\n    |       ^",
		"stack":   "Error: Transform failed\n    at transform (/app/node_modules/x.js:10:5)",
		"id":      "/src/bad.js",
		"frame":   "1  |  a\n2  |  b\n3  |  const = 1\n   |        ^",
		"plugin":  "vite:esbuild",
		"loc":     map[string]any{"file": "/src/bad.js", "line": 3, "column": 7},
	}}
	overlayText := func(t *testing.T, p *browser.Page, sel string) string {
		t.Helper()
		var s string
		p.Eval(t, `document.querySelector("vite-error-overlay").shadowRoot.querySelector(`+jsonString(sel)+`).textContent`, &s)
		return s
	}

	t.Run("ErrorOverlay", func(t *testing.T) {
		s, p := open(t, b, defaultOptions)
		// A first update, so that the next one clears the overlay instead of
		// reloading the page.
		s.push(update(jsUpdate("/nothing.js", "/nothing.js", 1, false)))
		p.Eval(t, `__hot.on("vite:error", (p) => { window.__err = p.err; }); 0`, nil)
		s.push(errPayload)
		p.WaitFor(t, `document.querySelector("vite-error-overlay")`, 5*time.Second)
		p.WaitFor(t, `window.__err && __err.id === "/src/bad.js"`, 5*time.Second)
		if got := overlayText(t, p, ".file"); got != "/src/bad.js:3:7" {
			t.Errorf(".file = %q", got)
		}
		if got := overlayText(t, p, ".plugin"); got != "[plugin:vite:esbuild] " {
			t.Errorf(".plugin = %q", got)
		}
		if got := overlayText(t, p, ".frame"); !strings.Contains(got, "3  |  const = 1") {
			t.Errorf(".frame = %q", got)
		}
		if got := overlayText(t, p, ".message-body"); got != "Transform failed with 1 error:\n/src/bad.js:3:7: ERROR: Expected identifier" {
			t.Errorf(".message-body = %q", got)
		}
		if got := overlayText(t, p, ".stack"); !strings.Contains(got, "at transform (/app/node_modules/x.js:10:5)") {
			t.Errorf(".stack = %q", got)
		}
		var links int
		p.Eval(t, `document.querySelector("vite-error-overlay").shadowRoot.querySelectorAll("a.file-link").length`, &links)
		if links != 2 {
			t.Errorf("%d file links, want 2", links)
		}
		// Escape closes it.
		p.Eval(t, `document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" })); 0`, nil)
		p.WaitFor(t, `!document.querySelector("vite-error-overlay")`, 5*time.Second)
		// A click in the window keeps it, a click outside closes it.
		s.push(errPayload)
		p.WaitFor(t, `document.querySelector("vite-error-overlay")`, 5*time.Second)
		p.Eval(t, `document.querySelector("vite-error-overlay").shadowRoot.querySelector(".window").click(); 0`, nil)
		time.Sleep(50 * time.Millisecond)
		p.WaitFor(t, `document.querySelector("vite-error-overlay")`, time.Second)
		p.Eval(t, `document.querySelector("vite-error-overlay").click(); 0`, nil)
		p.WaitFor(t, `!document.querySelector("vite-error-overlay")`, 5*time.Second)
		// The next update removes it.
		s.push(errPayload)
		p.WaitFor(t, `document.querySelector("vite-error-overlay")`, 5*time.Second)
		s.setFile("/main.js", mainJS("/", 2))
		s.push(update(jsUpdate("/main.js", "/main.js", 600, false)))
		p.WaitFor(t, `!document.querySelector("vite-error-overlay") && __log.includes("accept 2")`, 5*time.Second)
		if n := s.loads(); n != 1 {
			t.Errorf("%d page loads, want 1", n)
		}
		p.ExpectNoErrors(t)
	})

	t.Run("ErrorBeforeFirstUpdateReloads", func(t *testing.T) {
		s, p := open(t, b, defaultOptions)
		s.push(errPayload)
		p.WaitFor(t, `document.querySelector("vite-error-overlay")`, 5*time.Second)
		s.push(update(jsUpdate("/main.js", "/main.js", 700, false)))
		waitUntil(t, "a reload", func() bool { return s.loads() == 2 })
	})

	t.Run("Reconnect", func(t *testing.T) {
		s, p := open(t, b, defaultOptions)
		s.mu.Lock()
		s.down = true
		s.mu.Unlock()
		s.closeSockets()
		p.WaitFor(t, `window.__disconnected === true`, 5*time.Second)
		waitUntil(t, "polling", func() bool {
			s.mu.Lock()
			defer s.mu.Unlock()
			return len(s.pings) >= 3
		})
		if !hasConsole(p, "log", "[vite] server connection lost. Polling for restart...") {
			t.Errorf("no 'connection lost' log")
		}
		if n := s.loads(); n != 1 {
			t.Fatalf("reloaded while the server was down (%d loads)", n)
		}
		s.mu.Lock()
		s.down = false
		for _, r := range s.pings {
			if r.uri != "/" || r.accept != "text/x-vite-ping" {
				t.Errorf("ping %+v, want / with Accept: text/x-vite-ping", r)
			}
		}
		s.mu.Unlock()
		waitUntil(t, "a reload", func() bool { return s.loads() == 2 })
		s.waitConns(2)
	})

	t.Run("OtherOrigin", func(t *testing.T) {
		// The page comes from a backend on another port; the client,
		// modules and socket come from the dev server under base /app/, with
		// the socket at /app/hmr, no Host (taken from import.meta.url) and
		// no overlay.
		s := newDevServer(t, func(string) Options {
			return Options{Base: "/app/", Token: testToken, Path: "hmr", Timeout: 100}
		})
		s.setFile("/main.js", mainJS("/app/", 1))
		s.setFile("/style.css", "h1 { color: rgb(1, 2, 3); }")
		var mu sync.Mutex
		backendLoads := 0
		backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" {
				http.NotFound(w, r)
				return
			}
			mu.Lock()
			backendLoads++
			mu.Unlock()
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<!doctype html><html><head>
<script type="module" src="%[1]s/app/@vite/client"></script>
<link rel="stylesheet" href="%[1]s/app/style.css">
</head><body><h1>backend</h1><script type="module" src="%[1]s/app/main.js"></script></body></html>`, s.srv.URL)
		}))
		t.Cleanup(backend.Close)
		loads := func() int {
			mu.Lock()
			defer mu.Unlock()
			return backendLoads
		}

		p := b.Page(t, backend.URL+"/")
		s.waitConns(1)
		p.WaitFor(t, `window.__log && __log.length > 0`, 5*time.Second)
		waitUntil(t, "[vite] connected.", func() bool { return hasConsole(p, "debug", "[vite] connected.") })
		s.expectMessage("test:ready")

		// Re-imports go to the dev server.
		s.setFile("/main.js", mainJS("/app/", 2))
		s.push(update(jsUpdate("/main.js", "/main.js", 800, false)))
		p.WaitFor(t, `__log.includes("accept 2")`, 5*time.Second)
		if !s.requested("/app/main.js?t=800") {
			t.Errorf("no request for /app/main.js?t=800 on the dev server")
		}
		// So do CSS updates.
		s.push(update(map[string]any{"type": "css-update", "path": "/style.css", "acceptedPath": "/style.css", "timestamp": 801}))
		p.WaitFor(t, `document.querySelector("link").href === `+jsonString(s.srv.URL+"/app/style.css?t=801"), 5*time.Second)

		// No overlay: the error is logged.
		s.push(errPayload)
		waitUntil(t, "the error log", func() bool { return hasConsole(p, "error", "[vite] Internal Server Error\nTransform failed") })
		var overlays int
		p.Eval(t, `document.querySelectorAll("vite-error-overlay").length`, &overlays)
		if overlays != 0 {
			t.Errorf("%d overlays with Overlay false", overlays)
		}

		// Reconnecting pings the dev server, then reloads the backend page.
		s.mu.Lock()
		s.down = true
		s.mu.Unlock()
		s.closeSockets()
		waitUntil(t, "polling", func() bool {
			s.mu.Lock()
			defer s.mu.Unlock()
			return len(s.pings) >= 2
		})
		s.mu.Lock()
		s.down = false
		if r := s.pings[0]; r.uri != "/app/hmr" || r.accept != "text/x-vite-ping" {
			t.Errorf("ping %+v, want /app/hmr with Accept: text/x-vite-ping", r)
		}
		s.mu.Unlock()
		waitUntil(t, "a reload of the backend page", func() bool { return loads() == 2 })
		s.waitConns(2)
	})
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
