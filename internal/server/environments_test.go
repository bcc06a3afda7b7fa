package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/testutil/tools"
)

// A server environment with dev.runner "node" runs its modules in Node: Node's modules work, and a
// change reaches the next import.
func TestNodeRunner(t *testing.T) {
	tools.Node(t)
	files := map[string]string{
		"src/entry.js":                      "import os from 'node:os'\nimport { v } from './dep.js'\nexport function info() { return { platform: os.platform(), v } }\nexport const answer = Promise.resolve(42)\n",
		"src/dep.js":                        "export const v = 'one'\n",
		"src/boom.js":                       "\n\nexport function boom() {\n  throw new Error('node kaboom')\n}\n",
		"src/server.js":                     "import { greet } from 'greeter'\nexport const msg = greet('node')\n",
		"node_modules/greeter/package.json": `{"name":"greeter","version":"1.0.0","type":"module","exports":{"node":"./node.js","default":"./web.js"}}`,
		"node_modules/greeter/node.js":      "export const greet = (n) => 'hello ' + n + ' from the node build'\n",
		"node_modules/greeter/web.js":       "export const greet = (n) => 'hello ' + n + ' from the web build'\n",
	}
	root := writeProject(t, files)
	s, _ := newTestServer(t, root, func(c *config.UserConfig) {
		c.Environments = []config.NamedEnvironment{{Name: "ssr", Options: config.EnvironmentOptions{Dev: config.DevEnvironmentOptions{Runner: "node"}}}}
	})
	env := s.Environments["ssr"]
	if env.RunnerType != RunnerNode {
		t.Fatalf("ssr runner = %q, want node", env.RunnerType)
	}
	r := engineRunner(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := r.Import(ctx, "/src/entry.js")
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Call(ctx, "info")
	if err != nil {
		t.Fatal(err)
	}
	if g := got.(map[string]any); g["platform"] != "linux" || g["v"] != "one" {
		t.Errorf("info() = %v", got)
	}
	if v, err := m.Get(ctx, "answer"); err != nil || v != float64(42) {
		t.Errorf("answer = %v, %v", v, err)
	}
	// A dependency is externalized: Node imports it with Node's conditions.
	sm, err := r.Import(ctx, "/src/server.js")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := sm.Get(ctx, "msg"); v != "hello node from the node build" {
		t.Errorf("msg = %v", v)
	}
	b, err := r.Import(ctx, "/src/boom.js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Call(ctx, "boom"); err == nil || !strings.Contains(err.Error(), "node kaboom") || !strings.Contains(err.Error(), "boom.js:4:") {
		t.Errorf("the error thrown in src/boom.js line 4: %v", err)
	}
	os.WriteFile(filepath.Join(root, "src/dep.js"), []byte("export const v = 'two'\n"), 0o644)
	waitFor(t, "the Node runner to see the change", func() bool {
		m, err := r.Import(ctx, "/src/entry.js")
		if err != nil {
			return false
		}
		got, _ := m.Call(ctx, "info")
		g, _ := got.(map[string]any)
		return g["v"] == "two"
	})
}

// An environment made by the FetchableEnvironment provider answers DispatchFetch with its module's
// fetch handler, on its own engine.
func TestFetchableEnvironment(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/worker.ts": `import { greet } from './greet'
globalThis.edgeOnly = 'edge'
export default {
  async fetch(request: Request) {
    const url = new URL(request.url)
    if (url.pathname === '/echo') {
      const body = await request.json()
      return Response.json({ echo: body, method: request.method, ct: request.headers.get('content-type') })
    }
    if (url.pathname === '/bad') return 'not a response'
    if (url.pathname === '/stream') {
      const enc = new TextEncoder()
      const stream = new ReadableStream({ start(c) { c.enqueue(enc.encode('a')); setTimeout(() => { c.enqueue(enc.encode('b')); c.close() }, 10) } })
      return new Response(stream, { status: 201 })
    }
    return new Response(greet(url.searchParams.get('name') ?? 'edge'), { headers: { 'x-env': 'edge' } })
  },
}
`,
		"src/greet.ts": "export const greet = (n: string) => `Hello, ${n}!`\n",
		"src/ssr.js":   "export const seen = () => typeof globalThis.edgeOnly\n",
	})
	s, _ := newTestServer(t, root, func(c *config.UserConfig) {
		c.Environments = []config.NamedEnvironment{{Name: "edge", Options: FetchableEnvironment("/src/worker.ts", config.EnvironmentOptions{})}}
	})
	edge := s.Environments["edge"]
	if !edge.IsFetchable() || s.Environments["ssr"].IsFetchable() {
		t.Fatal("IsFetchable: edge should be, ssr should not")
	}
	do := func(req *http.Request) (*http.Response, string) {
		t.Helper()
		resp, err := edge.DispatchFetch(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(body)
	}
	resp, body := do(httptest.NewRequest("GET", "http://example.test/?name=go", nil))
	if body != "Hello, go!" || resp.Header.Get("x-env") != "edge" || resp.StatusCode != 200 {
		t.Errorf("GET: %d %v %q", resp.StatusCode, resp.Header, body)
	}
	req := httptest.NewRequest("POST", "http://example.test/echo", strings.NewReader(`{"a":1}`))
	req.Header.Set("Content-Type", "application/json")
	_, body = do(req)
	var echo map[string]any
	if json.Unmarshal([]byte(body), &echo) != nil || echo["method"] != "POST" || echo["ct"] != "application/json" || echo["echo"].(map[string]any)["a"] != float64(1) {
		t.Errorf("POST echo: %s", body)
	}
	resp, body = do(httptest.NewRequest("GET", "http://example.test/stream", nil))
	if resp.StatusCode != 201 || body != "ab" {
		t.Errorf("stream: %d %q", resp.StatusCode, body)
	}
	if _, err := edge.DispatchFetch(httptest.NewRequest("GET", "http://example.test/bad", nil)); err == nil || !strings.Contains(err.Error(), "TypeError") || !strings.Contains(err.Error(), "string") {
		t.Errorf("a handler returning a string: %v", err)
	}
	if _, err := s.Environments["ssr"].DispatchFetch(httptest.NewRequest("GET", "/", nil)); err == nil {
		t.Error("DispatchFetch on a non-fetchable environment did not fail")
	}
	// The edge engine is not the ssr engine.
	ssr := engineRunner(t, s.Environments["ssr"])
	m, err := ssr.Import(context.Background(), "/src/ssr.js")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Call(context.Background(), "seen"); v != "undefined" {
		t.Errorf("the ssr environment sees the edge environment's global: %v", v)
	}
	// Hot updates: the next request runs the new code.
	os.WriteFile(filepath.Join(root, "src/greet.ts"), []byte("export const greet = (n: string) => `Howdy, ${n}!`\n"), 0o644)
	waitFor(t, "the edited handler", func() bool {
		resp, err := edge.DispatchFetch(httptest.NewRequest("GET", "http://example.test/?name=go", nil))
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(resp.Body)
		return string(b) == "Howdy, go!"
	})
}

// Plugins see their environment: applyToEnvironment limits a plugin to one, and hotUpdate runs once
// per environment and may handle a change itself.
func TestPluginsPerEnvironment(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html": `<script type="module" src="/src/a.js"></script>`,
		"src/a.js":   "export const who = 'WHO'\n",
	})
	var mu sync.Mutex
	calls := map[string][]string{}
	s, ts := newTestServer(t, root, func(c *config.UserConfig) {
		c.Plugins = append(c.Plugins,
			&config.Plugin{
				Name: "ssr-only",
				ApplyToEnvironment: func(env *config.Environment) (bool, []*config.Plugin) {
					return env.Name == "ssr", nil
				},
				Transform: func(ctx *config.PluginContext, code, id string) (*config.TransformResult, error) {
					if !strings.HasSuffix(id, "a.js") {
						return nil, nil
					}
					return &config.TransformResult{Code: strings.Replace(code, "WHO", "ssr:"+ctx.EnvironmentName(), 1)}, nil
				},
			},
			&config.Plugin{
				Name: "hot",
				HotUpdate: func(ctx *config.PluginContext, o *config.HotUpdateOptions) ([]string, error) {
					mu.Lock()
					calls[filepath.Base(o.File)] = append(calls[filepath.Base(o.File)], ctx.EnvironmentName()+":"+o.Type+":"+strings.Join(o.Modules, ","))
					mu.Unlock()
					if ctx.EnvironmentName() == "client" && strings.HasSuffix(o.File, "a.js") {
						// Handled: the page gets this event instead of the reload a.js would cause.
						ctx.Environment.Hot.Send("handled", map[string]any{"file": filepath.Base(o.File)})
						return []string{}, nil
					}
					return nil, nil
				},
			})
	})
	_, body, _ := get(t, ts, "/src/a.js")
	if !strings.Contains(body, "'WHO'") || strings.Contains(body, "ssr:") {
		t.Errorf("the client got the ssr-only plugin's transform:\n%s", body)
	}
	r := engineRunner(t, s.Environments["ssr"])
	m, err := r.Import(context.Background(), "/src/a.js")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Get(context.Background(), "who"); v != "ssr:ssr" {
		t.Errorf("ssr who = %v", v)
	}
	// What the client environment's pages receive.
	var pmu sync.Mutex
	var payloads []string
	_, disconnect := s.Environments["client"].Connect(func(p []byte) bool {
		pmu.Lock()
		payloads = append(payloads, string(p))
		pmu.Unlock()
		return true
	})
	defer disconnect()
	received := func() string {
		pmu.Lock()
		defer pmu.Unlock()
		return strings.Join(payloads, "\n")
	}

	os.WriteFile(filepath.Join(root, "src/a.js"), []byte("export const who = 'WHO2'\n"), 0o644)
	waitFor(t, "hotUpdate in both environments", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(calls["a.js"]) >= 2
	})
	mu.Lock()
	list := strings.Join(calls["a.js"], " ")
	mu.Unlock()
	a := filepath.Join(root, "src/a.js")
	if !strings.Contains(list, "client:update:"+a) || !strings.Contains(list, "ssr:update:"+a) {
		t.Errorf("hotUpdate calls = %s, want one per environment with a.js's module", list)
	}
	waitFor(t, "the hook's event on the client", func() bool { return strings.Contains(received(), `"event":"handled"`) })
	time.Sleep(300 * time.Millisecond)
	if got := received(); strings.Contains(got, "full-reload") || strings.Contains(got, `"type":"update"`) {
		t.Errorf("the client got an update for a change its hotUpdate hook handled:\n%s", got)
	}
	// The ssr environment's hook left the modules: its runner reloaded and sees the change.
	waitFor(t, "the ssr runner to see the change", func() bool {
		m, err := r.Import(context.Background(), "/src/a.js")
		if err != nil {
			return false
		}
		v, _ := m.Get(context.Background(), "who")
		return v == "ssr:ssr2"
	})
}

// The frameworks' patterns of Vite's Environment API guide: a virtual module that calls
// TransformIndexHTML and watches index.html, a virtual entry imported by the runner, and request /
// response over the hot channel.
func TestFrameworkPatterns(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":          "<!doctype html><html><head><title>v1</title></head><body><!--app--></body></html>",
		"src/entrypoint.js":   "export function createHandler(input) { return (req) => 'handled ' + req.url + ' with ' + input }\n",
		"src/uses-virtual.js": "import html from 'virtual:index-html'\nexport const title = html.match(/<title>(.*?)<\\/title>/)[1]\n",
	})
	var srv *Server
	s, _ := newTestServer(t, root, func(c *config.UserConfig) {
		c.Plugins = append(c.Plugins, &config.Plugin{
			Name: "virtual-modules",
			ResolveID: func(ctx *config.PluginContext, source, importer string, o config.ResolveIDOptions) (*config.ResolveIDResult, error) {
				if source == "virtual:index-html" || source == "virtual:entrypoint" {
					return &config.ResolveIDResult{ID: "\x00" + source}, nil
				}
				return nil, nil
			},
			Load: func(ctx *config.PluginContext, id string) (*config.LoadResult, error) {
				switch id {
				case "\x00virtual:index-html":
					ctx.Host.AddWatchFile("index.html")
					data, err := os.ReadFile(filepath.Join(ctx.Config.Root, "index.html"))
					if err != nil {
						return nil, err
					}
					html, err := srv.TransformIndexHTML(context.Background(), "/", string(data))
					if err != nil {
						return nil, err
					}
					b, _ := json.Marshal(html)
					return &config.LoadResult{Code: "export default " + string(b)}, nil
				case "\x00virtual:entrypoint":
					return &config.LoadResult{Code: `const { createHandler } = await import('/src/entrypoint.js')
const handler = createHandler('input')
import.meta.hot.on('request', (data) => {
  import.meta.hot.send('response', { id: data.id, body: handler(data.req) })
})
export const ready = true
`}, nil
				}
				return nil, nil
			},
		})
	})
	srv = s
	env := s.Environments["ssr"]
	r := engineRunner(t, env)
	ctx := context.Background()
	m, err := r.Import(ctx, "virtual:index-html")
	if err != nil {
		t.Fatal(err)
	}
	html, _ := m.Get(ctx, "default")
	if h, _ := html.(string); !strings.Contains(h, "/@vite/client") || !strings.Contains(h, "<title>v1</title>") {
		t.Errorf("virtual:index-html = %v", html)
	}
	// Imported from a module, the virtual module is served as /@id/__x00__virtual:index-html.
	u, err := r.Import(ctx, "/src/uses-virtual.js")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := u.Get(ctx, "title"); v != "v1" {
		t.Errorf("title = %v", v)
	}
	if res, err := env.TransformRequest(ctx, "/src/uses-virtual.js"); err != nil || !strings.Contains(res.Code, `"/@id/__x00__virtual:index-html"`) {
		t.Errorf("the virtual import is not served as /@id/__x00__: %v\n%v", err, res)
	}
	// The watched file: a change reaches the modules that depend on it.
	os.WriteFile(filepath.Join(root, "index.html"), []byte("<!doctype html><html><head><title>v2</title></head><body></body></html>"), 0o644)
	waitFor(t, "the watched index.html to update the runner", func() bool {
		u, err := r.Import(ctx, "/src/uses-virtual.js")
		if err != nil {
			return false
		}
		v, _ := u.Get(ctx, "title")
		return v == "v2"
	})

	// Request / response over the hot channel.
	if _, err := r.Import(ctx, "virtual:entrypoint"); err != nil {
		t.Fatal(err)
	}
	got := make(chan json.RawMessage, 1)
	off := env.Hot.On("response", func(d json.RawMessage) { got <- d })
	defer off()
	env.Hot.Send("request", map[string]any{"id": "a-unique-id", "req": map[string]any{"url": "/x"}})
	select {
	case d := <-got:
		var resp map[string]string
		if json.Unmarshal(d, &resp) != nil || resp["id"] != "a-unique-id" || resp["body"] != "handled /x with input" {
			t.Errorf("response = %s", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no response over the hot channel")
	}
}

// Code written before the Environment API: SSRLoadModule and the server-wide module graph work on top
// of the client and ssr environments.
func TestSSRLoadModuleAndMixedGraph(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":    `<script type="module" src="/src/shared.js"></script>`,
		"src/shared.js": "export const n = 1\n",
	})
	s, ts := newTestServer(t, root, nil)
	get(t, ts, "/src/shared.js")
	m, err := s.SSRLoadModule(context.Background(), "/src/shared.js")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Get(context.Background(), "n"); v != int64(1) {
		t.Errorf("n = %v", v)
	}
	g := s.ModuleGraph()
	node := g.GetModuleByURL("/src/shared.js")
	if node == nil || node.Client == nil || node.SSR == nil || node.File != filepath.Join(root, "src/shared.js") {
		t.Fatalf("mixed node = %+v", node)
	}
	if ns := g.GetModulesByFile(filepath.Join(root, "src/shared.js")); len(ns) != 1 || ns[0].Client == nil || ns[0].SSR == nil {
		t.Errorf("GetModulesByFile = %+v", ns)
	}
	g.InvalidateModule(node)
	if node.Client.transform != nil || node.SSR.transform != nil {
		t.Error("InvalidateModule left a cached transform")
	}
}

// Each environment has its own define, inherited from the top level.
func TestDefinePerEnvironment(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/where.js": "export const where = __VERSION__ + ' ' + __WHERE__\n",
	})
	s, _ := newTestServer(t, root, func(c *config.UserConfig) {
		c.Define = map[string]any{"__VERSION__": `"1.2"`, "__WHERE__": `"top"`}
		c.Environments = []config.NamedEnvironment{
			{Name: "ssr", Options: config.EnvironmentOptions{Define: map[string]any{"__WHERE__": `"ssr"`}}},
			{Name: "worker", Options: config.EnvironmentOptions{}},
		}
	})
	for env, want := range map[string]string{"ssr": "1.2 ssr", "worker": "1.2 top"} {
		m, err := engineRunner(t, s.Environments[env]).Import(context.Background(), "/src/where.js")
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := m.Get(context.Background(), "where"); v != want {
			t.Errorf("%s: where = %v, want %q", env, v, want)
		}
	}
}

// React 19's renderToReadableStream runs in a fetchable environment: react-dom/server is pre-bundled
// for the environment (its web build) and the stream becomes the response body.
func TestReactStreamingOnTheEngine(t *testing.T) {
	mods := tools.Vite8Modules(t)
	root := writeProject(t, map[string]string{
		"src/worker.jsx": `import { Suspense, use } from 'react'
import { renderToReadableStream, renderToString } from 'react-dom/server'

const later = new Promise((resolve) => setTimeout(() => resolve('late data'), 20))
function Late() { return <p id="late">{use(later)}</p> }
function Page({ path }) {
  return <main><h1>Streaming {path}</h1><Suspense fallback={<p>loading</p>}><Late /></Suspense></main>
}
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname
    if (path === '/string') return new Response(renderToString(<h1>plain</h1>))
    const stream = await renderToReadableStream(<Page path={path} />)
    await stream.allReady
    return new Response(stream, { headers: { 'content-type': 'text/html' } })
  },
}
`,
	})
	os.MkdirAll(filepath.Join(root, "node_modules"), 0o755)
	for _, pkg := range []string{"react", "react-dom", "scheduler"} {
		if err := os.Symlink(filepath.Join(mods, pkg), filepath.Join(root, "node_modules", pkg)); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := newTestServer(t, root, func(c *config.UserConfig) {
		c.Environments = []config.NamedEnvironment{{Name: "edge", Options: FetchableEnvironment("/src/worker.jsx", config.EnvironmentOptions{})}}
	})
	resp, err := s.Environments["edge"].DispatchFetch(httptest.NewRequest("GET", "http://x.test/page", nil))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "<h1>Streaming <!-- -->/page</h1>") || !strings.Contains(string(body), "late data") {
		t.Errorf("streamed page:\n%s", body)
	}
	if _, err := os.Stat(filepath.Join(s.Config.CacheDir, "deps_edge")); err != nil {
		t.Errorf("the edge environment's dependencies were not pre-bundled into deps_edge: %v", err)
	}
	resp, err = s.Environments["edge"].DispatchFetch(httptest.NewRequest("GET", "http://x.test/string", nil))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	if string(body) != "<h1>plain</h1>" {
		t.Errorf("renderToString: %s", body)
	}
}

// The engine's dependency scan reads the app's scripts, not the tools' config files (their imports are
// Node tools, often not installed).
func TestServerScanSkipsToolConfigs(t *testing.T) {
	root := writeProject(t, map[string]string{
		"tailwind.config.js":            "import plugin from 'not-installed-tool'\nexport default { plugins: [plugin] }\n",
		"src/app.js":                    "import { v } from 'dep'\nexport const out = v\n",
		"node_modules/dep/package.json": `{"name":"dep","version":"1.0.0","main":"index.js"}`,
		"node_modules/dep/index.js":     "exports.v = 'from dep'\n",
	})
	s, _ := newTestServer(t, root, nil)
	env := s.Environments["ssr"]
	m, err := engineRunner(t, env).Import(context.Background(), "/src/app.js")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Get(context.Background(), "out"); v != "from dep" {
		t.Errorf("out = %v", v)
	}
	<-env.optReady
	if env.optErr != nil {
		t.Errorf("the ssr dependency scan failed: %v", env.optErr)
	}
}

// A config file's createEnvironment: createRunnableDevEnvironment gives govite's runnable environment;
// an environment class govite cannot run is an error naming the environment.
func TestJSCreateEnvironment(t *testing.T) {
	for _, tc := range []struct{ create, wantErr string }{
		{"createRunnableDevEnvironment(name, config)", ""},
		{"createFetchableDevEnvironment(name, config, { handleRequest: () => new Response('x') })", "environments.worker.dev.createEnvironment returned a JavaScript environment (fetchable)"},
	} {
		root := writeProject(t, map[string]string{
			"vite.config.js": "import { createRunnableDevEnvironment, createFetchableDevEnvironment } from 'vite'\nexport default { environments: { worker: { dev: { createEnvironment(name, config) { return " + tc.create + " } } } } }\n",
			"src/w.js":       "export const ok = 'worker ok'\n",
		})
		cfg, err := config.Resolve(context.Background(), &config.UserConfig{Root: root, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
			config.ResolveConfigOptions{Command: "serve", ConfigFile: filepath.Join(root, "vite.config.js")})
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(context.Background(), cfg, Options{})
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v, want %q", tc.create, err, tc.wantErr)
			}
			if s != nil {
				s.Close()
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		m, err := engineRunner(t, s.Environments["worker"]).Import(context.Background(), "/src/w.js")
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := m.Get(context.Background(), "ok"); v != "worker ok" {
			t.Errorf("ok = %v", v)
		}
		s.Close()
	}
}

// resolve.dedupe: a deduped package is resolved from the root, whoever imports it.
func TestDedupe(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/app.js":                                        "import { who } from 'shared'\nimport { nestedWho } from 'lib'\nexport const out = who + ' ' + nestedWho\n",
		"node_modules/shared/package.json":                  `{"name":"shared","version":"2.0.0","type":"module","main":"index.js"}`,
		"node_modules/shared/index.js":                      "export const who = 'root copy'\n",
		"node_modules/lib/package.json":                     `{"name":"lib","version":"1.0.0","type":"module","main":"index.js"}`,
		"node_modules/lib/index.js":                         "export { who as nestedWho } from 'shared'\n",
		"node_modules/lib/node_modules/shared/package.json": `{"name":"shared","version":"1.0.0","type":"module","main":"index.js"}`,
		"node_modules/lib/node_modules/shared/index.js":     "export const who = 'nested copy'\n",
	})
	for dedupe, want := range map[bool]string{false: "root copy nested copy", true: "root copy root copy"} {
		s, _ := newTestServer(t, root, func(c *config.UserConfig) {
			c.CacheDir = t.TempDir()
			if dedupe {
				c.Resolve.Dedupe = []string{"shared"}
			}
			c.Environments = []config.NamedEnvironment{{Name: "ssr", Options: config.EnvironmentOptions{Dev: config.DevEnvironmentOptions{Runner: "node"}}}}
		})
		env := s.Environments["ssr"]
		got, err := env.resolver.resolveFile("shared", filepath.Join(root, "node_modules/lib/index.js"))
		if err != nil {
			t.Fatal(err)
		}
		wantFile := filepath.Join(root, "node_modules/shared/index.js")
		if !dedupe {
			wantFile = filepath.Join(root, "node_modules/lib/node_modules/shared/index.js")
		}
		if got != wantFile {
			t.Errorf("dedupe=%v: shared from lib resolves to %s, want %s (%s)", dedupe, got, wantFile, want)
		}
	}
}

// A Go environment provider may answer Fetch requests itself (Vite's createFetchableDevEnvironment
// with handleRequest).
func TestFetchableWithHandleRequest(t *testing.T) {
	root := writeProject(t, map[string]string{"src/x.js": "export const x = 1\n"})
	s, _ := newTestServer(t, root, func(c *config.UserConfig) {
		c.Environments = []config.NamedEnvironment{{Name: "custom", Options: config.EnvironmentOptions{Dev: config.DevEnvironmentOptions{
			CreateEnvironment: func(name string, cfg *config.ResolvedConfig) (any, error) {
				return &DevEnvironmentContext{HandleRequest: func(env *DevEnvironment, req *http.Request) (*http.Response, error) {
					if req.URL.Path == "/nil" {
						return nil, nil
					}
					return &http.Response{StatusCode: 200, Header: http.Header{"X-Env": {env.Name}}, Body: io.NopCloser(strings.NewReader("handled " + req.URL.Path))}, nil
				}}, nil
			},
		}}}}
	})
	env := s.Environments["custom"]
	resp, err := env.DispatchFetch(httptest.NewRequest("GET", "/request-to-handle", nil))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "handled /request-to-handle" || resp.Header.Get("X-Env") != "custom" {
		t.Errorf("DispatchFetch = %q %v", body, resp.Header)
	}
	if _, err := env.DispatchFetch(httptest.NewRequest("GET", "/nil", nil)); err == nil || !strings.Contains(err.Error(), "TypeError") {
		t.Errorf("a handler returning no response: %v", err)
	}
}
