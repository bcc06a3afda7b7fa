package server

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/govite/govite/internal/runner"
	"github.com/govite/govite/internal/testutil/tools"
)

// runnerProject is a small server-side app: live bindings across modules, top-level await, a
// dynamic import, import.meta, JSON and a CSS module.
var runnerProject = map[string]string{
	"src/entry.ts": `import { count, inc } from './counter.js'
import data from './data.json'
import styles from './card.module.css'
import './plain.css'
const greeting: string = await Promise.resolve('hello')
export { count, inc }
export const info = { url: import.meta.url, filename: import.meta.filename, ssr: import.meta.env.SSR, mode: import.meta.env.MODE }
export function render(name: string) { return greeting + ' ' + name + ' ' + data.n + ' ' + typeof styles.card }
export async function lazy() { const m = await import('./lazy.js'); return m.value }
export const later = Promise.resolve(42)
`,
	"src/counter.js": `export let count = 0
export function inc() { count++; return count }
`,
	"src/lazy.js":         `export const value = 'lazy ' + typeof window`,
	"src/data.json":       `{"n": 7}`,
	"src/card.module.css": `.card { color: red }`,
	"src/plain.css":       `body { margin: 0 }`,
	"src/boom.ts":         "type T = string\n\n\nexport function boom(): T {\n  throw new Error('kaboom')\n}\n",
	"src/hot.js":          "import { value } from './hotdep.js'\nexport let seen = value\nif (import.meta.hot) {\n  import.meta.hot.accept('./hotdep.js', (m) => { seen = m.value })\n  import.meta.hot.on('ping', (d) => import.meta.hot.send('pong', { got: d.n }))\n}\nexport function current() { return seen }\n",
	"src/hotdep.js":       "export const value = 'one'\n",
	"src/reload.js":       "import { v } from './reloaddep.js'\nexport function get() { return v }\n",
	"src/reloaddep.js":    "export const v = 1\n",
	"src/uses-builtin.js": "import fs from 'node:fs'\nexport const ok = typeof fs\n",
	"src/virtual-user.js": "import msg from 'virtual:msg'\nexport default msg\n",
	"index.html":          `<script type="module" src="/src/main.js"></script>`,
	"src/main.js":         `console.log('client')`,
}

func engineRunner(t *testing.T, env *DevEnvironment) runner.Runner {
	t.Helper()
	r, err := env.Runner(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestEngineRunnerImportsModules(t *testing.T) {
	root := writeProject(t, runnerProject)
	s, _ := newTestServer(t, root, nil)
	r := engineRunner(t, s.Environments["ssr"])
	ctx := context.Background()

	m, err := r.Import(ctx, "/src/entry.ts")
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Call(ctx, "render", "world")
	if err != nil {
		t.Fatal(err)
	}
	if got != "hello world 7 string" {
		t.Errorf("render = %v", got)
	}
	// The same module through an absolute path and a file:// URL: one instance, live bindings.
	byPath, err := r.Import(ctx, filepath.Join(root, "src/entry.ts"))
	if err != nil {
		t.Fatal(err)
	}
	byURL, err := r.Import(ctx, (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(root, "src/entry.ts"))}).String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := byPath.Call(ctx, "inc"); err != nil {
		t.Fatal(err)
	}
	if _, err := byURL.Call(ctx, "inc"); err != nil {
		t.Fatal(err)
	}
	if c, _ := m.Get(ctx, "count"); c != int64(2) {
		t.Errorf("count after two inc() through other handles = %v (%T), want 2: the three forms are not one instance", c, c)
	}
	info, err := m.Get(ctx, "info")
	if err != nil {
		t.Fatal(err)
	}
	im := info.(map[string]any)
	if im["ssr"] != true || im["mode"] != "development" || !strings.HasPrefix(im["url"].(string), "file://") || im["filename"] != filepath.ToSlash(filepath.Join(root, "src/entry.ts")) {
		t.Errorf("import.meta = %v", im)
	}
	if v, err := m.Call(ctx, "lazy"); err != nil || v != "lazy undefined" {
		t.Errorf("lazy() = %v, %v", v, err)
	}
	if v, err := m.Get(ctx, "later"); err != nil || v != int64(42) {
		t.Errorf("later (a promise) = %v, %v", v, err)
	}
	keys := strings.Join(m.Keys(), ",")
	for _, k := range []string{"count", "inc", "info", "render", "lazy"} {
		if !strings.Contains(keys, k) {
			t.Errorf("Keys() = %s, lacks %s", keys, k)
		}
	}
}

func TestEngineRunnerErrorsAreSourceMapped(t *testing.T) {
	root := writeProject(t, runnerProject)
	s, _ := newTestServer(t, root, nil)
	r := engineRunner(t, s.Environments["ssr"])
	ctx := context.Background()
	m, err := r.Import(ctx, "/src/boom.ts")
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Call(ctx, "boom")
	if err == nil {
		t.Fatal("boom() did not fail")
	}
	if !strings.Contains(err.Error(), "kaboom") || !strings.Contains(err.Error(), "boom.ts:5:") {
		t.Errorf("error does not point at src/boom.ts line 5:\n%v", err)
	}
	// A module that imports a Node builtin names the way out.
	_, err = r.Import(ctx, "/src/uses-builtin.js")
	if err == nil || !strings.Contains(err.Error(), "node:fs") || !strings.Contains(err.Error(), `"node"`) {
		t.Errorf("importing node:fs on the engine: %v", err)
	}
	// A missing module names the module.
	_, err = r.Import(ctx, "/src/missing.js")
	if err == nil || !strings.Contains(err.Error(), "missing.js") {
		t.Errorf("importing a missing module: %v", err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestEngineRunnerHMR(t *testing.T) {
	root := writeProject(t, runnerProject)
	s, _ := newTestServer(t, root, nil)
	env := s.Environments["ssr"]
	r := engineRunner(t, env)
	ctx := context.Background()

	hot, err := r.Import(ctx, "/src/hot.js")
	if err != nil {
		t.Fatal(err)
	}
	reload, err := r.Import(ctx, "/src/reload.js")
	if err != nil {
		t.Fatal(err)
	}
	// hot.accept of a dependency: the callback gets the new module.
	os.WriteFile(filepath.Join(root, "src/hotdep.js"), []byte("export const value = 'two'\n"), 0o644)
	waitFor(t, "the accept callback", func() bool {
		v, _ := hot.Call(ctx, "current")
		return v == "two"
	})
	// No boundary: a full reload clears the runner; the next import evaluates the new code.
	os.WriteFile(filepath.Join(root, "src/reloaddep.js"), []byte("export const v = 2\n"), 0o644)
	waitFor(t, "the full reload", func() bool {
		m, err := r.Import(ctx, "/src/reload.js")
		if err != nil {
			return false
		}
		v, _ := m.Call(ctx, "get")
		return v == int64(2)
	})
	_ = reload

	// Custom events both ways: env.Hot.Send reaches import.meta.hot.on, import.meta.hot.send reaches
	// env.Hot.On.
	got := make(chan json.RawMessage, 1)
	off := env.Hot.On("pong", func(d json.RawMessage) { got <- d })
	defer off()
	if _, err := r.Import(ctx, "/src/hot.js"); err != nil {
		t.Fatal(err)
	}
	env.Hot.Send("ping", map[string]any{"n": 5})
	select {
	case d := <-got:
		if string(d) != `{"got":5}` {
			t.Errorf("pong data = %s", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no pong from the runner")
	}
}

// Vite's own ModuleRunner from the npm package vite/module-runner, running in Node with Vite's
// WebSocket transport, imports and runs modules from a govite server's ssr environment.
func TestViteModuleRunnerConnectsOverWebSocket(t *testing.T) {
	node := tools.Node(t)
	mods := tools.Vite8Modules(t)
	root := writeProject(t, runnerProject)
	s, ts := newTestServer(t, root, nil)
	script := filepath.Join(t.TempDir(), "run.mjs")
	os.WriteFile(script, []byte(`
import { ModuleRunner, ESModulesEvaluator, createWebSocketModuleRunnerTransport } from `+strconv.Quote((&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(mods, "vite/dist/node/module-runner.js"))}).String())+`
const runner = new ModuleRunner({
  transport: createWebSocketModuleRunnerTransport({ createConnection: () => new WebSocket(process.argv[2], 'vite-hmr') }),
  hmr: false,
}, new ESModulesEvaluator())
const m = await runner.import('/src/entry.ts')
m.inc()
const out = { render: m.render('node'), count: m.count, lazy: await m.lazy(), ssr: m.info.ssr }
try { await (await runner.import('/src/boom.ts')).boom() } catch (e) { out.stack = e.stack }
try { await runner.import('/src/missing.js') } catch (e) { out.missing = e.message }
console.log(JSON.stringify(out))
await runner.close()
process.exit(0)
`), 0o644)
	wsURL := "ws" + strings.TrimPrefix(ts.URL, "http") + "/?token=" + url.QueryEscape(s.Token()) + "&environment=ssr"
	args := []string{script, wsURL}
	if nodeMajor(t, node) < 22 {
		args = append([]string{"--experimental-websocket"}, args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var res struct {
		Render, Lazy, Stack, Missing string
		Count                        int
		SSR                          bool
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatalf("output: %s", out)
	}
	if res.Render != "hello node 7 string" || res.Count != 1 || res.Lazy != "lazy undefined" || !res.SSR {
		t.Errorf("vite/module-runner results: %+v", res)
	}
	if !strings.Contains(res.Stack, "kaboom") || !strings.Contains(res.Stack, "boom.ts:5:") {
		t.Errorf("the stack of an error thrown in src/boom.ts does not point at line 5:\n%s", res.Stack)
	}
	if !strings.Contains(res.Missing, "missing.js") {
		t.Errorf("importing a missing module: %q", res.Missing)
	}
	// A wrong token gets no socket.
	bad := strings.Replace(wsURL, url.QueryEscape(s.Token()), "nope", 1)
	if _, resp, err := websocket.Dial(ctx, bad, &websocket.DialOptions{Subprotocols: []string{"vite-hmr"}}); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Errorf("a runner with a wrong token connected (%v)", err)
	}
}

func nodeMajor(t *testing.T, node string) int {
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	major, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	return major
}
