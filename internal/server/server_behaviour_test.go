package server

// Dev-server behaviours checked on the hot channel and over HTTP, without a browser: HTML changes,
// files created and deleted, bursts of saves, restarts asked for by config changes, server.proxy.
// The payloads expected are those Vite 8 sends for the same changes (checked by running it).

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
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/govite/govite/internal/config"
)

// newServerWith resolves root's config (its vite.config.* when configFile is set) and starts a dev
// server with opts behind httptest.
func newServerWith(t *testing.T, root string, configFile bool, opts Options, edit func(*config.UserConfig)) (*Server, *httptest.Server) {
	t.Helper()
	uc := &config.UserConfig{Root: root, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if edit != nil {
		edit(uc)
	}
	ro := config.ResolveConfigOptions{Command: "serve", ConfigFile: config.ConfigFileDisabled}
	if configFile {
		ro.ConfigFile = ""
	}
	cfg, err := config.Resolve(context.Background(), uc, ro)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts
}

// nextPayload reads payloads until one that is not an "error" (errors of requests made by the test
// also reach the channel) or a "prune" (modules no longer imported after a re-transform) and returns
// it. It fails the test after 10 s.
func nextPayload(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("no payload: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("payload %s: %v", data, err)
		}
		if m["type"] != "error" && m["type"] != "prune" {
			return m
		}
	}
}

// expectSilence fails when a payload other than an error or a prune arrives within d.
func expectSilence(t *testing.T, c *websocket.Conn, d time.Duration, after string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		if !strings.Contains(string(data), `"type":"error"`) && !strings.Contains(string(data), `"type":"prune"`) {
			t.Errorf("%s: unexpected second payload %s", after, data)
			return
		}
	}
}

// keysOf lists a payload's keys, sorted.
func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// getOK fetches path and fails unless it answers 200.
func getOK(t *testing.T, ts *httptest.Server, path string, header ...string) string {
	t.Helper()
	code, body, _ := get(t, ts, path, header...)
	if code != 200 {
		t.Fatalf("GET %s = %d\n%s", path, code, body)
	}
	return body
}

// Editing an HTML file reloads the pages showing it: Vite sends {type: "full-reload", path: "/<file>"}
// (no triggeredBy) for a file that is no module, the page's path for an mpa's nested page, "*" in
// middleware mode, and a plain full reload with triggeredBy when the page's inline module scripts are
// modules of the graph.
func TestHTMLChangeSendsFullReload(t *testing.T) {
	files := map[string]string{
		"index.html":       `<html><head></head><body><p>v1</p><script type="module" src="/src/main.js"></script></body></html>`,
		"about/index.html": `<html><head></head><body>about</body></html>`,
		"inline.html":      `<html><head></head><body><script type="module">import "/src/dep.js"</script></body></html>`,
		"src/main.js":      "export default 1\n",
		"src/dep.js":       "export default 2\n",
	}
	write := func(t *testing.T, root, rel, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("spa", func(t *testing.T) {
		root := writeProject(t, files)
		s, ts := newServerWith(t, root, false, Options{}, nil)
		getOK(t, ts, "/", "Accept", "text/html")
		getOK(t, ts, "/src/main.js")
		c := hmrClient(t, s, ts)
		write(t, root, "index.html", strings.Replace(files["index.html"], "v1", "v2", 1))
		msg := nextPayload(t, c)
		if msg["type"] != "full-reload" || msg["path"] != "/index.html" || len(msg) != 2 {
			t.Errorf("index.html changed: %v, want {type: full-reload, path: /index.html}", msg)
		}
		if body := getOK(t, ts, "/", "Accept", "text/html"); !strings.Contains(body, "v2") {
			t.Errorf("the new index.html is not served:\n%s", body)
		}
	})
	t.Run("mpa", func(t *testing.T) {
		root := writeProject(t, files)
		s, ts := newServerWith(t, root, false, Options{}, func(c *config.UserConfig) { c.AppType = "mpa" })
		getOK(t, ts, "/about/", "Accept", "text/html")
		c := hmrClient(t, s, ts)
		write(t, root, "about/index.html", "<html><head></head><body>about v2</body></html>")
		msg := nextPayload(t, c)
		if msg["type"] != "full-reload" || msg["path"] != "/about/index.html" {
			t.Errorf("about/index.html changed: %v, want {type: full-reload, path: /about/index.html}", msg)
		}
		if body := getOK(t, ts, "/about/", "Accept", "text/html"); !strings.Contains(body, "about v2") {
			t.Errorf("the new page is not served:\n%s", body)
		}
		// Deleting a page reloads it too.
		if err := os.Remove(filepath.Join(root, "about/index.html")); err != nil {
			t.Fatal(err)
		}
		msg = nextPayload(t, c)
		if msg["type"] != "full-reload" || msg["path"] != "/about/index.html" {
			t.Errorf("about/index.html deleted: %v, want {type: full-reload, path: /about/index.html}", msg)
		}
	})
	t.Run("inline module script", func(t *testing.T) {
		root := writeProject(t, files)
		s, ts := newServerWith(t, root, false, Options{}, nil)
		getOK(t, ts, "/inline.html", "Accept", "text/html")
		getOK(t, ts, "/inline.html?html-proxy&index=0.js")
		c := hmrClient(t, s, ts)
		write(t, root, "inline.html", strings.Replace(files["inline.html"], "<body>", "<body>x", 1))
		msg := nextPayload(t, c)
		if msg["type"] != "full-reload" || msg["path"] != "*" || msg["triggeredBy"] != filepath.Join(root, "inline.html") {
			t.Errorf("inline.html changed: %v, want {type: full-reload, path: *, triggeredBy: %s}", msg, filepath.Join(root, "inline.html"))
		}
	})
	t.Run("middleware mode", func(t *testing.T) {
		root := writeProject(t, files)
		s, ts := newServerWith(t, root, false, Options{}, func(c *config.UserConfig) { c.Server.MiddlewareMode = true })
		c := hmrClient(t, s, ts)
		write(t, root, "about/index.html", "<html><head></head><body>about v3</body></html>")
		msg := nextPayload(t, c)
		if msg["type"] != "full-reload" || msg["path"] != "*" {
			t.Errorf("about/index.html changed in middleware mode: %v, want {type: full-reload, path: *}", msg)
		}
	})
}

// import.meta.glob sees files created and deleted: the module with the glob is updated (a full reload
// when nothing accepts it, as in Vite; an update when it accepts itself) and serves the new set.
func TestGlobSeesCreatedAndDeletedFiles(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/main.js":          "export const pages = import.meta.glob('./pages/*.js')\n",
		"src/pages/a.js":       "export default 'a'\n",
		"src/widgets.js":       "export const widgets = import.meta.glob('./widgets/**/*.js', { eager: true })\nimport.meta.hot.accept()\n",
		"src/widgets/one.js":   "export default 1\n",
		"src/unrelated/x.txt":  "x",
		"src/pages/ignored.md": "not matched",
	})
	s, ts := newServerWith(t, root, false, Options{}, nil)
	getOK(t, ts, "/src/main.js")
	getOK(t, ts, "/src/widgets.js")
	c := hmrClient(t, s, ts)

	writeFile := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fullReload := func(what, file string) {
		t.Helper()
		msg := nextPayload(t, c)
		if msg["type"] != "full-reload" || msg["path"] != "*" || msg["triggeredBy"] != filepath.Join(root, filepath.FromSlash(file)) {
			t.Fatalf("%s: %v, want a full reload triggered by %s", what, msg, file)
		}
	}

	writeFile("src/pages/b.js", "export default 'b'\n")
	fullReload("pages/b.js created", "src/pages/b.js")
	mustContain(t, "main.js after b.js was created", getOK(t, ts, "/src/main.js"), `"./pages/a.js"`, `"./pages/b.js": () => import("/src/pages/b.js")`)

	if err := os.Remove(filepath.Join(root, "src/pages/b.js")); err != nil {
		t.Fatal(err)
	}
	fullReload("pages/b.js deleted", "src/pages/b.js")
	if body := getOK(t, ts, "/src/main.js"); strings.Contains(body, "b.js") || !strings.Contains(body, "a.js") {
		t.Errorf("main.js after b.js was deleted:\n%s", body)
	}

	// A file in a folder created after the server started, matched by **: the accepting module gets
	// an update.
	writeFile("src/widgets/deep/two.js", "export default 2\n")
	msg := nextPayload(t, c)
	ups, _ := msg["updates"].([]any)
	if msg["type"] != "update" || len(ups) != 1 || ups[0].(map[string]any)["path"] != "/src/widgets.js" {
		t.Fatalf("widgets/deep/two.js created: %v, want an update of /src/widgets.js", msg)
	}
	mustContain(t, "widgets.js after two.js was created", getOK(t, ts, "/src/widgets.js?t=1"), `from "/src/widgets/deep/two.js"`)

	// A file no glob matches changes nothing.
	writeFile("src/pages/other.md", "no")
	expectSilence(t, c, 300*time.Millisecond, "a file no glob matches was created")
}

// A module importing a file that does not exist yet fails with Vite's message; creating the file
// reloads the page (the importer is re-transformed and works).
func TestMissingImportRecoversWhenTheFileIsCreated(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":     `<html><head></head><body><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js":    "import { later } from './feature.js'\nconsole.log(later)\n",
		"src/feature.js": "export { later } from './later.js'\n",
	})
	s, ts := newServerWith(t, root, false, Options{}, nil)
	getOK(t, ts, "/src/main.js")
	c := hmrClient(t, s, ts)
	code, body, _ := get(t, ts, "/src/feature.js")
	if code != 500 || !strings.Contains(body, `Failed to resolve import "./later.js" from "src/feature.js". Does the file exist?`) {
		t.Fatalf("a missing import: %d\n%s", code, body)
	}
	if err := os.WriteFile(filepath.Join(root, "src/later.js"), []byte("export const later = 'here'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	msg := nextPayload(t, c)
	if msg["type"] != "full-reload" || msg["path"] != "*" {
		t.Fatalf("the missing file was created: %v, want a full reload", msg)
	}
	mustContain(t, "feature.js once later.js exists", getOK(t, ts, "/src/feature.js"), `from "/src/later.js"`)
	getOK(t, ts, "/src/later.js")
}

// Deleting an imported file updates its importers as a change does (Vite: the boundary that accepts it
// gets an update, a module nothing accepts reloads the page), and the file is no longer served.
func TestDeletingAnImportedFile(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/acc.js":   "import v from './gone.js'\nimport.meta.hot.accept('./gone.js', () => {})\nconsole.log(v)\n",
		"src/gone.js":  "export default 1\n",
		"src/imp.js":   "import v from './gone2.js'\nconsole.log(v)\n",
		"src/gone2.js": "export default 2\n",
	})
	s, ts := newServerWith(t, root, false, Options{}, nil)
	for _, p := range []string{"/src/acc.js", "/src/gone.js", "/src/imp.js", "/src/gone2.js"} {
		getOK(t, ts, p)
	}
	c := hmrClient(t, s, ts)

	os.Remove(filepath.Join(root, "src/gone.js"))
	msg := nextPayload(t, c)
	ups, _ := msg["updates"].([]any)
	if msg["type"] != "update" || len(ups) != 1 {
		t.Fatalf("an accepted import deleted: %v, want one update", msg)
	}
	if u := ups[0].(map[string]any); u["type"] != "js-update" || u["path"] != "/src/acc.js" || u["acceptedPath"] != "/src/gone.js" {
		t.Errorf("update %v, want js-update of /src/acc.js accepting /src/gone.js", u)
	}
	if code, _, _ := get(t, ts, "/src/gone.js"); code == 200 {
		t.Errorf("the deleted file is still served")
	}

	os.Remove(filepath.Join(root, "src/gone2.js"))
	msg = nextPayload(t, c)
	if msg["type"] != "full-reload" || msg["path"] != "*" || msg["triggeredBy"] != filepath.Join(root, "src/gone2.js") {
		t.Fatalf("an unaccepted import deleted: %v, want a full reload triggered by gone2.js", msg)
	}
	if code, _, _ := get(t, ts, "/src/gone2.js?t=1"); code == 200 {
		t.Errorf("the deleted file is still served")
	}
	// The importer is still served, as in Vite: it was invalidated softly, so its imports are not
	// resolved again and the browser gets the 404 for the deleted module.
	if code, body, _ := get(t, ts, "/src/imp.js?t=1"); code != 200 || !strings.Contains(body, `"/src/gone2.js?t=`) {
		t.Errorf("the importer of a deleted file: %d\n%s", code, body)
	}
	// Restoring the file brings it back: the failing importer is updated.
	os.WriteFile(filepath.Join(root, "src/gone2.js"), []byte("export default 3\n"), 0o644)
	if msg := nextPayload(t, c); msg["type"] != "full-reload" {
		t.Fatalf("the deleted file restored: %v, want a full reload", msg)
	}
	mustContain(t, "imp.js after gone2.js is back", getOK(t, ts, "/src/imp.js?t=2"), "/src/gone2.js")
}

// Saves in quick succession (5 writes within 20 ms, to two files) are one batch: one update payload
// naming both modules, and nothing after it.
func TestBurstOfSavesGivesOneUpdate(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/self.js":  "export const x = 0\nimport.meta.hot.accept()\n",
		"src/other.js": "export const y = 0\nimport.meta.hot.accept()\n",
	})
	s, ts := newServerWith(t, root, false, Options{}, nil)
	getOK(t, ts, "/src/self.js")
	getOK(t, ts, "/src/other.js")
	var c *websocket.Conn
	var msg map[string]any
	var took time.Duration
	for attempt := 1; ; attempt++ {
		c = hmrClient(t, s, ts)
		start := time.Now()
		last, maxGap := start, time.Duration(0)
		for i := range 5 {
			name := "src/self.js"
			if i%2 == 1 {
				name = "src/other.js"
			}
			if err := os.WriteFile(filepath.Join(root, name), fmt.Appendf(nil, "export const x = %d\nimport.meta.hot.accept()\n", i+1), 0o644); err != nil {
				t.Fatal(err)
			}
			maxGap = max(maxGap, time.Since(last))
			last = time.Now()
			time.Sleep(time.Millisecond)
		}
		took = time.Since(start)
		msg = nextPayload(t, c)
		if maxGap < debounce/2 {
			break
		}
		// The machine stalled between two saves for about as long as the watcher waits: that may be
		// two bursts, for which two updates are right. Let them pass and save again, to a new client.
		time.Sleep(300 * time.Millisecond)
		c.CloseNow()
		if attempt == 5 {
			t.Fatalf("five attempts had a save take %v or more (the watcher's debounce is %v): the machine is too loaded to test a burst", maxGap, debounce)
		}
	}
	ups, _ := msg["updates"].([]any)
	if msg["type"] != "update" || len(ups) != 2 {
		t.Fatalf("a burst of saves (%v): %v, want one update of both modules", took, msg)
	}
	var paths []string
	for _, u := range ups {
		paths = append(paths, u.(map[string]any)["path"].(string))
	}
	slices.Sort(paths)
	if !slices.Equal(paths, []string{"/src/other.js", "/src/self.js"}) {
		t.Errorf("updated %v", paths)
	}
	expectSilence(t, c, 400*time.Millisecond, "after the burst's update")
	if body := getOK(t, ts, "/src/self.js?t=1"); !strings.Contains(body, "x = 5") {
		t.Errorf("the last save is not served:\n%s", body)
	}
}

// Editing the config file, a file it imports or an .env file asks for a restart (the CLI then
// replaces the server; open pages reconnect and reload); other files do not.
func TestConfigChangesAskForARestart(t *testing.T) {
	root := writeProject(t, map[string]string{
		"vite.config.js":   "import { flavor } from './config/flavor.js'\nexport default { define: { __FLAVOR__: JSON.stringify(flavor) } }\n",
		"config/flavor.js": "export const flavor = 'one'\n",
		".env":             "VITE_A=1\n",
		"src/main.js":      "export default __FLAVOR__\n",
	})
	var mu sync.Mutex
	var asked []string
	s, ts := newServerWith(t, root, true, Options{OnRestartNeeded: func(file string) {
		mu.Lock()
		asked = append(asked, file)
		mu.Unlock()
	}}, nil)
	// The client's defines are applied by /@vite/env in dev, as in Vite.
	mustContain(t, "/@vite/env", getOK(t, ts, "/@vite/env"), `"__FLAVOR__": "one"`)
	getOK(t, ts, "/src/main.js")
	c := hmrClient(t, s, ts)
	for _, rel := range []string{"vite.config.js", "config/flavor.js", ".env"} {
		f := filepath.Join(root, filepath.FromSlash(rel))
		data, _ := os.ReadFile(f)
		if err := os.WriteFile(f, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		waitFor(t, rel+" to ask for a restart", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return slices.Contains(asked, f)
		})
	}
	os.WriteFile(filepath.Join(root, "src/main.js"), []byte("export default 2\n"), 0o644)
	if msg := nextPayload(t, c); msg["type"] != "full-reload" {
		t.Errorf("main.js changed: %v", msg)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 3 {
		t.Errorf("restarts asked for %v, want the three config files once each", asked)
	}
}

// server.proxy from a JS config, through the dev server: a string target (changeOrigin), an object
// keeping the Host, a rewrite function, a regular-expression key, a POST body, and WebSockets (ws: true
// and a ws:// target) while the HMR socket keeps working.
func TestProxyThroughTheDevServer(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				return
			}
			defer c.CloseNow()
			ctx := r.Context()
			for {
				typ, data, err := c.Read(ctx)
				if err != nil {
					return
				}
				if err := c.Write(ctx, typ, append([]byte("echo "+r.URL.Path+": "), data...)); err != nil {
					return
				}
			}
		}
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Backend", "yes")
		fmt.Fprintf(w, "%s %s host=%s body=%s", r.Method, r.URL.RequestURI(), r.Host, body)
	}))
	defer backend.Close()
	target := backend.URL
	wsTarget := "ws" + strings.TrimPrefix(target, "http")
	root := writeProject(t, map[string]string{
		"index.html": "<html><head></head><body></body></html>",
		"vite.config.js": fmt.Sprintf(`export default {
  server: {
    proxy: {
      '/str': %[1]q,
      '/keep': { target: %[1]q },
      '/obj': { target: %[1]q, changeOrigin: true },
      '/rw': { target: %[1]q, changeOrigin: true, rewrite: (path) => path.replace(/^\/rw/, '/rewritten') },
      '^/api/.*': { target: %[1]q },
      '/socket': { target: %[1]q, ws: true },
      '/wsurl': %[2]q,
    },
  },
}
`, target, wsTarget),
		"src/api/local.js": "export default 'not proxied'\n",
	})
	s, ts := newServerWith(t, root, true, Options{}, nil)
	devHost := strings.TrimPrefix(ts.URL, "http://")
	backendHost := strings.TrimPrefix(target, "http://")
	cases := []struct{ path, want string }{
		{"/str/a?q=1", "GET /str/a?q=1 host=" + backendHost},
		{"/keep/b", "GET /keep/b host=" + devHost},
		{"/obj/c", "GET /obj/c host=" + backendHost},
		{"/rw/d?x=y", "GET /rewritten/d?x=y host=" + backendHost},
		{"/api/users", "GET /api/users host=" + devHost},
	}
	for _, c := range cases {
		code, body, hdr := get(t, ts, c.path)
		if code != 200 || !strings.HasPrefix(body, c.want) || hdr.Get("X-Backend") != "yes" {
			t.Errorf("GET %s through the proxy: %d %q, want %q", c.path, code, body, c.want)
		}
	}
	// The regular expression is anchored: /src/api/local.js is the dev server's.
	if body := getOK(t, ts, "/src/api/local.js"); !strings.Contains(body, "not proxied") {
		t.Errorf("a path the regex does not match went to the backend: %q", body)
	}
	res, err := http.Post(ts.URL+"/api/items", "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "POST /api/items host="+devHost+" body=payload" {
		t.Errorf("POST through the proxy: %d %q", res.StatusCode, body)
	}

	for _, p := range []string{"/socket/chat", "/wsurl/x"} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		wc, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+p, nil)
		if err != nil {
			cancel()
			t.Errorf("WebSocket %s through the proxy: %v", p, err)
			continue
		}
		if err := wc.Write(ctx, websocket.MessageText, []byte("hi")); err != nil {
			t.Errorf("write: %v", err)
		}
		_, data, err := wc.Read(ctx)
		if err != nil || string(data) != "echo "+p+": hi" {
			t.Errorf("WebSocket %s echo: %q %v", p, data, err)
		}
		wc.Close(websocket.StatusNormalClosure, "")
		cancel()
	}
	// A WebSocket to a prefix without ws: true is not proxied.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if wc, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/keep/x", nil); err == nil {
		wc.CloseNow()
		t.Errorf("a WebSocket was proxied by a rule without ws: true")
	}
	// The HMR socket still works.
	hc := hmrClient(t, s, ts)
	os.WriteFile(filepath.Join(root, "index.html"), []byte("<html><head></head><body>2</body></html>"), 0o644)
	if msg := nextPayload(t, hc); msg["type"] != "full-reload" {
		t.Errorf("HMR with a proxy: %v", msg)
	}
}

// An editor's atomic save (write a temporary file, rename it over the original) is a change, as
// chokidar reports it to Vite: the module is updated, and the glob that lists the file is not (its set
// of files is the same).
func TestAtomicSaveIsAChange(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/main.js":    "export const pages = import.meta.glob('./pages/*.js', { eager: true })\n",
		"src/pages/a.js": "export const a = 1\nimport.meta.hot.accept()\n",
	})
	s, ts := newServerWith(t, root, false, Options{}, nil)
	getOK(t, ts, "/src/main.js")
	getOK(t, ts, "/src/pages/a.js")
	c := hmrClient(t, s, ts)
	tmp := filepath.Join(root, "src/pages/.a.js.tmp")
	if err := os.WriteFile(tmp, []byte("export const a = 2\nimport.meta.hot.accept()\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(root, "src/pages/a.js")); err != nil {
		t.Fatal(err)
	}
	msg := nextPayload(t, c)
	ups, _ := msg["updates"].([]any)
	if msg["type"] != "update" || len(ups) != 1 || ups[0].(map[string]any)["path"] != "/src/pages/a.js" {
		t.Fatalf("an atomic save: %v, want an update of /src/pages/a.js", msg)
	}
	// Deleted and created again later, it is a new file: the glob is updated.
	os.Remove(filepath.Join(root, "src/pages/a.js"))
	if msg := nextPayload(t, c); msg["type"] != "full-reload" {
		t.Fatalf("a.js deleted: %v, want a full reload", msg)
	}
	getOK(t, ts, "/src/main.js")
	os.WriteFile(filepath.Join(root, "src/pages/a.js"), []byte("export const a = 3\n"), 0o644)
	if msg := nextPayload(t, c); msg["type"] != "full-reload" {
		t.Fatalf("a.js created again: %v, want a full reload", msg)
	}
	mustContain(t, "main.js", getOK(t, ts, "/src/main.js"), `"./pages/a.js"`)
}

// A folder deleted and created again (a branch switch, a generator writing its output again) is
// watched again: files created in it reach the globs, and changes to them the modules.
func TestRecreatedFolderIsWatched(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/main.js":    "export const pages = import.meta.glob('./pages/*.js')\n",
		"src/pages/a.js": "export const a = 1\n",
	})
	s, ts := newServerWith(t, root, false, Options{}, nil)
	getOK(t, ts, "/src/main.js")
	c := hmrClient(t, s, ts)
	if err := os.RemoveAll(filepath.Join(root, "src/pages")); err != nil {
		t.Fatal(err)
	}
	if msg := nextPayload(t, c); msg["type"] != "full-reload" {
		t.Fatalf("pages/ deleted: %v, want a full reload", msg)
	}
	if body := getOK(t, ts, "/src/main.js"); strings.Contains(body, "a.js") {
		t.Fatalf("main.js still lists a.js:\n%s", body)
	}
	if err := os.MkdirAll(filepath.Join(root, "src/pages"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Files written at once with the folder, and one written later once the folder is watched.
	os.WriteFile(filepath.Join(root, "src/pages/b.js"), []byte("export const b = 1\nimport.meta.hot.accept()\n"), 0o644)
	if msg := nextPayload(t, c); msg["type"] != "full-reload" {
		t.Fatalf("pages/b.js created: %v, want a full reload", msg)
	}
	mustContain(t, "main.js", getOK(t, ts, "/src/main.js"), `"./pages/b.js"`)
	getOK(t, ts, "/src/pages/b.js")
	os.WriteFile(filepath.Join(root, "src/pages/c.js"), []byte("export const c = 1\n"), 0o644)
	if msg := nextPayload(t, c); msg["type"] != "full-reload" {
		t.Fatalf("pages/c.js created: %v, want a full reload", msg)
	}
	mustContain(t, "main.js", getOK(t, ts, "/src/main.js"), `"./pages/b.js"`, `"./pages/c.js"`)
	os.WriteFile(filepath.Join(root, "src/pages/b.js"), []byte("export const b = 2\nimport.meta.hot.accept()\n"), 0o644)
	msg := nextPayload(t, c)
	if ups, _ := msg["updates"].([]any); msg["type"] != "update" || len(ups) != 1 || ups[0].(map[string]any)["path"] != "/src/pages/b.js" {
		t.Fatalf("pages/b.js changed: %v, want an update of /src/pages/b.js", msg)
	}
}
