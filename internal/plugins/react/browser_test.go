package react

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/govite/govite/internal/testutil/browser"

	"github.com/govite/govite/internal/testutil/tools"
)

// reactModules is where scripts/test installs React 19 (npm ci in e2e/vite8).
func reactModules(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "e2e", "vite8", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"react", "react-dom"} {
		if _, err := os.Stat(filepath.Join(dir, pkg, "package.json")); err != nil {
			tools.Require(t, false, fmt.Sprintf("%s is missing: run `cd e2e/vite8 && npm ci` (scripts/test does it)", filepath.Join(dir, pkg)))
		}
	}
	return dir
}

// bundleReact bundles React's development build into ES modules sharing one React instance:
// /deps/react.js, /deps/jsx-dev-runtime.js and /deps/react-dom-client.js (plus shared chunks).
func bundleReact(t *testing.T, nodeModules string) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	entries := map[string]string{
		"react.js": `import R from "react";
export default R;
export const { useState, useEffect, useRef, useReducer, useMemo, useCallback, memo, forwardRef, createElement, Fragment } = R;`,
		"jsx-dev-runtime.js": `import J from "react/jsx-dev-runtime";
export const { jsxDEV, Fragment } = J;`,
		"react-dom-client.js": `import D from "react-dom/client";
export default D;
export const { createRoot } = D;`,
	}
	var points []string
	for name, code := range entries {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		points = append(points, p)
	}
	res := api.Build(api.BuildOptions{
		EntryPoints: points,
		Bundle:      true,
		Format:      api.FormatESModule,
		Splitting:   true,
		Outdir:      filepath.Join(dir, "out"),
		EntryNames:  "[name]",
		ChunkNames:  "chunk-[hash]",
		NodePaths:   []string{nodeModules},
		Define:      map[string]string{"process.env.NODE_ENV": `"development"`},
		Platform:    api.PlatformBrowser,
		LogLevel:    api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		t.Fatalf("bundling React: %s", res.Errors[0].Text)
	}
	out := map[string][]byte{}
	for _, f := range res.OutputFiles {
		out["/deps/"+path.Base(filepath.ToSlash(f.Path))] = f.Contents
	}
	return out
}

// hotClient stands in for Vite's client: it records import.meta.hot.accept callbacks and lets the
// test apply an update the way the client does (import the new version, then call the callbacks the
// previous version registered).
const hotClient = `
const accepts = new Map();
window.__hmr = { accepted: 0, invalidations: [] };
export function createHotContext(id) {
  return {
    data: {},
    accept(cb) { accepts.set(id, cb); window.__hmr.accepted++; },
    invalidate(message) { window.__hmr.invalidations.push(message); },
    dispose() {}, prune() {}, decline() {}, on() {}, off() {}, send() {},
  };
}
window.__hmrUpdate = async (id, url) => {
  const cb = accepts.get(id);
  if (!cb) throw new Error("no accept callback for " + id);
  const next = await import(url);
  cb(next);
};
`

const mainModule = `import { createElement } from "react";
import { createRoot } from "react-dom/client";
import App from "/src/App.jsx?v=1";
createRoot(document.getElementById("root")).render(createElement(App));
`

// appVersions are the successive edits of /src/App.jsx.
var appVersions = map[string]string{
	// The first version.
	"1": `import { useState, memo } from "react";
function Counter({ label }) {
  const [count, setCount] = useState(0);
  return <button id="btn" onClick={() => setCount(count + 1)}>{label}: {count}</button>;
}
const Note = memo(() => {
  const [n, setN] = useState(0);
  return <i id="note" onClick={() => setN(n + 1)}>note {n}</i>;
});
export default function App() {
  return <main><h1 id="title">Version 1</h1><Counter label="clicks" /><Note /></main>;
}
`,
	// JSX edits only: state is kept.
	"2": `import { useState, memo } from "react";
function Counter({ label }) {
  const [count, setCount] = useState(0);
  return <button id="btn" onClick={() => setCount(count + 1)}>{label.toUpperCase()}: {count}</button>;
}
const Note = memo(() => {
  const [n, setN] = useState(0);
  return <i id="note" onClick={() => setN(n + 1)}>Note {n}</i>;
});
export default function App() {
  return <main><h1 id="title">Version 2</h1><Counter label="taps" /><Note /></main>;
}
`,
	// Counter's hooks change: Counter is remounted, Note keeps its state.
	"3": `import { useState, memo } from "react";
function Counter({ label }) {
  const [unit] = useState("x");
  const [count, setCount] = useState(0);
  return <button id="btn" onClick={() => setCount(count + 1)}>{label}: {count}{unit}</button>;
}
const Note = memo(() => {
  const [n, setN] = useState(0);
  return <i id="note" onClick={() => setN(n + 1)}>Note {n}</i>;
});
export default function App() {
  return <main><h1 id="title">Version 3</h1><Counter label="v3" /><Note /></main>;
}
`,
	// A new export that is not a component: the update cannot be applied in place.
	"4": `import { useState, memo } from "react";
export const answer = 42;
function Counter({ label }) {
  const [unit] = useState("x");
  const [count, setCount] = useState(0);
  return <button id="btn" onClick={() => setCount(count + 1)}>{label}: {count}{unit}</button>;
}
const Note = memo(() => {
  const [n, setN] = useState(0);
  return <i id="note" onClick={() => setN(n + 1)}>Note {n}</i>;
});
export default function App() {
  return <main><h1 id="title">Version 4</h1><Counter label="v4" /><Note /></main>;
}
`,
}

func TestFastRefreshInChromium(t *testing.T) {
	nodeModules := reactModules(t)
	b := browser.New(t)
	deps := bundleReact(t, nodeModules)

	// Each version of the component goes through the plugin, then gets the import.meta.hot that
	// Vite's import analysis would add.
	p := newPlugin(nil)
	modules := map[string]string{}
	for v, src := range appVersions {
		c := compileWith(t, p, serveCtx(), "App.jsx", src)
		// Import analysis rewrites the boundary's self-import to the URL the module is served at.
		code := strings.Replace(c.result.Code, `from "./App.jsx"`, `from "/src/App.jsx?v=`+v+`"`, 1)
		modules[v] = `import { createHotContext } from "/hot.js";
import.meta.hot = createHotContext("/src/App.jsx");
` + code
	}

	importMap := `{"imports": {"react": "/deps/react.js", "react/jsx-dev-runtime": "/deps/jsx-dev-runtime.js", "react-dom/client": "/deps/react-dom-client.js"}}`
	page := `<!doctype html>
<html><head>
<script type="importmap">` + importMap + `</script>
` + Preamble("/") + `
<script type="module" src="/main.js"></script>
</head><body><div id="root"></div></body></html>`

	var mu sync.Mutex
	var served []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		served = append(served, r.URL.RequestURI())
		mu.Unlock()
		js := func(body []byte) {
			w.Header().Set("Content-Type", "text/javascript")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write(body)
		}
		switch {
		case r.URL.Path == "/":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(page))
		case r.URL.Path == "/bare":
			// The same page without the preamble.
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(`<!doctype html><script type="importmap">` + importMap + `</script><div id="root"></div>`))
		case r.URL.Path == RuntimePublicPath:
			js(RuntimeSource())
		case r.URL.Path == "/hot.js":
			js([]byte(hotClient))
		case r.URL.Path == "/main.js":
			js([]byte(mainModule))
		case r.URL.Path == "/src/App.jsx" && modules[r.URL.Query().Get("v")] != "":
			js([]byte(modules[r.URL.Query().Get("v")]))
		case deps[r.URL.Path] != nil:
			js(deps[r.URL.Path])
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	pg := b.Page(t, srv.URL+"/")
	pg.WaitFor(t, `document.querySelector("#btn") && window.__hmr.accepted === 1`, 10*time.Second)
	if got := pg.Text(t, "#title"); got != "Version 1" {
		t.Fatalf("title = %q", got)
	}
	for range 3 {
		pg.Click(t, "#btn")
	}
	pg.Click(t, "#note")
	pg.Click(t, "#note")
	pg.WaitFor(t, `document.querySelector("#btn").textContent === "clicks: 3" && document.querySelector("#note").textContent === "note 2"`, 5*time.Second)

	update := func(v string) {
		t.Helper()
		pg.Eval(t, `window.__hmrUpdate("/src/App.jsx", "/src/App.jsx?v=`+v+`").then(() => true)`, nil)
	}

	// A JSX edit: the new text shows and the state is kept.
	update("2")
	pg.WaitFor(t, `document.querySelector("#title").textContent === "Version 2"`, 5*time.Second)
	if got := pg.Text(t, "#btn"); got != "TAPS: 3" {
		t.Errorf("after a JSX edit the counter shows %q, want %q (state kept)", got, "TAPS: 3")
	}
	if got := pg.Text(t, "#note"); got != "Note 2" {
		t.Errorf("after a JSX edit the memo component shows %q, want %q", got, "Note 2")
	}
	pg.WaitFor(t, `window.__hmr.accepted === 2`, 5*time.Second)

	// The counter's hooks change: it starts over; the memo component keeps its state.
	update("3")
	pg.WaitFor(t, `document.querySelector("#title").textContent === "Version 3"`, 5*time.Second)
	if got := pg.Text(t, "#btn"); got != "v3: 0x" {
		t.Errorf("after a hooks edit the counter shows %q, want %q (remounted)", got, "v3: 0x")
	}
	if got := pg.Text(t, "#note"); got != "Note 2" {
		t.Errorf("after another component's hooks edit the memo component shows %q, want %q", got, "Note 2")
	}
	pg.WaitFor(t, `window.__hmr.accepted === 3`, 5*time.Second)
	pg.Click(t, "#btn")
	pg.WaitFor(t, `document.querySelector("#btn").textContent === "v3: 1x"`, 5*time.Second)

	// A new export that is not a component: the module asks for invalidation, nothing is refreshed.
	update("4")
	pg.WaitFor(t, `window.__hmr.invalidations.length === 1`, 5*time.Second)
	var msgs []string
	pg.Eval(t, `window.__hmr.invalidations`, &msgs)
	if len(msgs) != 1 || !strings.Contains(msgs[0], `export "answer" added`) {
		t.Errorf("invalidations = %q", msgs)
	}
	time.Sleep(100 * time.Millisecond) // past the refresh debounce
	if got := pg.Text(t, "#title"); got != "Version 3" {
		t.Errorf("an invalidated update was applied: title %q", got)
	}

	pg.ExpectNoErrors(t)

	// Without the preamble a module with components refuses to run, as with @vitejs/plugin-react.
	bare := b.Page(t, srv.URL+"/bare")
	var msg string
	bare.Eval(t, `import("/src/App.jsx?v=1").then(() => "loaded", (e) => e.message)`, &msg)
	if msg != "@vitejs/plugin-react can't detect preamble. Something is wrong." {
		t.Errorf("without the preamble: %q", msg)
	}

	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{RuntimePublicPath, "/src/App.jsx?v=1", "/src/App.jsx?v=4"} {
		found := false
		for _, s := range served {
			found = found || s == want
		}
		if !found {
			t.Errorf("%s was never requested (requests: %q)", want, served)
		}
	}
}
