package server

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/govite/govite/internal/config"
)

// syncBuffer collects log output written from the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// stripSourceMap drops the inline source map comment of a served module.
func stripSourceMap(code string) string {
	if i := strings.Index(code, "\n//# sourceMappingURL="); i >= 0 {
		return code[:i]
	}
	return code
}

func TestWorkerScriptIsServedAsAModuleWithTheDefineGlobals(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":        `<script type="module" src="/src/main.js"></script>`,
		"src/main.js":       `import W from './worker?worker'; new W()`,
		"src/worker.js":     "import { msg } from './dep.js'\nself.postMessage(msg)\n",
		"src/dep.js":        "export const msg = 'hello from ' + import.meta.env.MODE\n",
		"src/ts-worker.ts":  "const n: number = 1\nself.postMessage(n)\n",
		"src/classic.js":    "self.postMessage(1)\n",
		"public/robots.txt": "",
	})
	_, ts := newTestServer(t, root, func(uc *config.UserConfig) { uc.Base = "/app/" })

	// What the browser loads for `new W()`: the worker file itself, as a module, with /@vite/env
	// imported first (workers do not share the page's globals) and its own imports served.
	_, body, h := get(t, ts, "/app/src/worker.js?worker_file&type=module")
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("worker script served as %q", ct)
	}
	code := stripSourceMap(body)
	if !strings.HasPrefix(code, `import "/app/@vite/env";`) {
		t.Errorf("the worker script does not start by importing /@vite/env:\n%s", code)
	}
	mustContain(t, "worker script", code, `import { msg } from "/app/src/dep.js"`, "self.postMessage(msg)")

	// The worker's imports are transformed like any module: import.meta.env works inside.
	_, dep, _ := get(t, ts, "/app/src/dep.js")
	mustContain(t, "worker dependency", dep, `import.meta.env = {`, `"MODE":"development"`)

	// TypeScript workers are compiled.
	_, tsCode, _ := get(t, ts, "/app/src/ts-worker.ts?worker_file&type=module")
	if strings.Contains(tsCode, ": number") || !strings.Contains(tsCode, `import "/app/@vite/env"`) {
		t.Errorf("TS worker not compiled or without the env import:\n%s", tsCode)
	}

	// A classic worker (new Worker(url) without type: 'module') loads the globals with importScripts.
	_, classic, _ := get(t, ts, "/app/src/classic.js?worker_file&type=classic")
	if !strings.HasPrefix(classic, `importScripts("/app/@vite/env");`) {
		t.Errorf("classic worker script:\n%s", classic)
	}

	// A plain request of the same file gets no prelude: it is not a worker there.
	_, plain, _ := get(t, ts, "/app/src/worker.js")
	if strings.Contains(plain, "@vite/env") {
		t.Errorf("a module that is not loaded as a worker got the worker prelude:\n%s", plain)
	}
}

func TestWorkerImportQueries(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html": `<script type="module" src="/src/main.js"></script>`,
		"src/main.js": strings.Join([]string{
			`import W from './workers/w?worker'`,
			`import I from './workers/w.js?worker&inline'`,
			`import S from './workers/s.js?sharedworker'`,
			`import u from './workers/w.js?worker&url'`,
			`const a = new Worker(new URL('./workers/ctor.js', import.meta.url), { type: 'module' })`,
			`const b = new SharedWorker(new URL("./workers/s.js", import.meta.url))`,
			`const c = new URL('./img/logo.png', import.meta.url)`,
			`const d = new URL('./img/missing.png', import.meta.url)`,
			`const e = new URL(/* @vite-ignore */ './img/logo.png', import.meta.url)`,
			`// new Worker(new URL('./workers/commented.js', import.meta.url))`,
			`console.log(W, I, S, u, a, b, c, d, e, "new URL('./img/logo.png', import.meta.url)")`,
		}, "\n"),
		"src/workers/w.js":    "self.postMessage('w')\n",
		"src/workers/s.js":    "onconnect = (e) => e.ports[0].postMessage('s')\n",
		"src/workers/ctor.js": "self.postMessage('ctor')\n",
		"src/img/logo.png":    "png",
	})
	_, ts := newTestServer(t, root, nil)

	// The importer keeps the query imports (resolved) and points new URL() at served URLs.
	_, body, _ := get(t, ts, "/src/main.js")
	main := stripSourceMap(body)
	mustContain(t, "main.js", main,
		`import W from "/src/workers/w.js?worker"`,
		`import I from "/src/workers/w.js?worker&inline"`,
		`import S from "/src/workers/s.js?sharedworker"`,
		`import u from "/src/workers/w.js?worker&url"`,
		`new Worker(new URL(/* @vite-ignore */ "/src/workers/ctor.js?worker_file&type=module", '' + import.meta.url), { type: 'module' })`,
		// No type option: a classic worker, as Vite reads it.
		`new SharedWorker(new URL(/* @vite-ignore */ "/src/workers/s.js?worker_file&type=classic", '' + import.meta.url))`,
		`const c = new URL("/src/img/logo.png", '' + import.meta.url)`,
		// Missing files and /* @vite-ignore */ are left for the browser; comments and strings untouched.
		`const d = new URL('./img/missing.png', import.meta.url)`,
		`const e = new URL(/* @vite-ignore */ './img/logo.png', import.meta.url)`,
		`// new Worker(new URL('./workers/commented.js', import.meta.url))`,
		`"new URL('./img/logo.png', import.meta.url)"`,
	)

	wrapper := func(ctor, url string) string {
		return "export default function WorkerWrapper(options) {\n  return new " + ctor + "(\"" + url +
			"\", { type: \"module\", name: options?.name });\n}\n"
	}
	for _, c := range []struct{ url, want string }{
		{"/src/workers/w.js?worker", wrapper("Worker", "/src/workers/w.js?worker_file&type=module")},
		// In dev an inline worker is started from its URL too, as in Vite.
		{"/src/workers/w.js?worker&inline", wrapper("Worker", "/src/workers/w.js?worker_file&type=module")},
		{"/src/workers/s.js?sharedworker", wrapper("SharedWorker", "/src/workers/s.js?worker_file&type=module")},
		{"/src/workers/w.js?worker&url", `export default "/src/workers/w.js?worker_file&type=module"`},
	} {
		status, got, _ := get(t, ts, c.url)
		if status != 200 || stripSourceMap(got) != c.want {
			t.Errorf("%s: %d\n%s\nwant:\n%s", c.url, status, got, c.want)
		}
	}
}

func TestDynamicImportWithVariables(t *testing.T) {
	logs := &syncBuffer{}
	root := writeProject(t, map[string]string{
		"index.html": `<script type="module" src="/src/main.js"></script>`,
		"src/main.js": strings.Join([]string{
			"export const load = (lang) => import(`./locales/${lang}.js`)",
			"export const raw = (name) => import(`./locales/${name}.json?raw`)",
			"export const deep = (a, b) => import(`./locales/${a}/${b}.js`)",
			"export const aliased = (lang) => import(`@/locales/${lang}.js`)",
			"export const noExt = (x) => import(`./locales/${x}`)",
			"export const ownDir = (x) => import(`./${x}.js`)",
			"export const ignored = (x) => import(/* @vite-ignore */ `./locales/${x}.js`)",
			"export const plain = (u) => import(u)",
		}, "\n"),
		"src/locales/en.js":     "export default 'hello'\n",
		"src/locales/fr.js":     "export default 'bonjour'\n",
		"src/locales/de.json":   `{"hallo": 1}`,
		"src/locales/sub/x.js":  "export default 'x'\n",
		"src/locales/notes.txt": "not a module",
	})
	_, ts := newTestServer(t, root, func(uc *config.UserConfig) {
		uc.Logger = slog.New(slog.NewTextHandler(logs, nil))
		uc.Resolve.Alias = []config.Alias{{Find: "@", Replacement: root + "/src"}}
	})
	status, body, _ := get(t, ts, "/src/main.js")
	if status != 200 {
		t.Fatalf("main.js: %d\n%s", status, body)
	}
	main := stripSourceMap(body)
	mustContain(t, "main.js", main,
		`import __variableDynamicImportRuntimeHelper from "/@id/__x00__vite/dynamic-import-helper.js";`,
		// One lazy import per file of the folder with the extension, looked up by the template's path.
		"__variableDynamicImportRuntimeHelper((/* #__PURE__ */ Object.assign({"+
			`"./locales/en.js": () => import("/src/locales/en.js"),"./locales/fr.js": () => import("/src/locales/fr.js")`+
			"})), `./locales/${lang}.js`, 3)",
		// The query stays on the imports, not in the looked-up path.
		"Object.assign({"+`"./locales/de.json": () => import("/src/locales/de.json?import&raw")`+"})), `./locales/${name}.json`, 3)",
		// One level per variable.
		"Object.assign({"+`"./locales/sub/x.js": () => import("/src/locales/sub/x.js")`+"})), `./locales/${a}/${b}.js`, 4)",
		// An alias is made relative to the importer first.
		"`./locales/${lang}.js`, 3)",
		// Patterns Vite cannot analyze stay as written.
		"import(`./locales/${x}`)",
		"import(`./${x}.js`)",
		"import(/* @vite-ignore */ `./locales/${x}.js`)",
		"import(u)",
	)
	if strings.Count(main, `"./locales/en.js": () => import("/src/locales/en.js")`) != 2 {
		t.Errorf("the aliased import was not expanded like the relative one:\n%s", main)
	}
	if strings.Contains(main, "notes.txt") {
		t.Errorf("a file without the template's extension was included:\n%s", main)
	}
	// The helper module is served; its lookup rejects unknown paths with Vite's message.
	status, helper, _ := get(t, ts, "/@id/__x00__vite/dynamic-import-helper.js")
	if status != 200 {
		t.Fatalf("helper: %d %s", status, helper)
	}
	mustContain(t, "helper", helper, "export default (glob, path, segs) =>", "Unknown variable dynamic import: ",
		"Note that variables only represent file names one level deep.")
	// The ?raw module the glob imports.
	_, de, _ := get(t, ts, "/src/locales/de.json?import&raw")
	mustContain(t, "de.json?raw", de, `export default "{\"hallo\": 1}"`)

	log := logs.String()
	for _, want := range []string{
		"A file extension must be included in the static part of the import.",
		"Variable imports cannot import their own directory",
		"The above dynamic import cannot be analyzed by Vite.",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("no warning %q in the log:\n%s", want, log)
		}
	}
	if strings.Count(log, "cannot be analyzed by Vite") != 3 {
		// noExt, ownDir and plain; the /* @vite-ignore */ one is silent.
		t.Errorf("want 3 'cannot be analyzed' warnings:\n%s", log)
	}
}

// The rewritten import runs: the server environment's runner loads the file the variable names
// through the helper, and an unknown name rejects with Vite's message.
func TestDynamicImportWithVariablesRuns(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":        `<script type="module" src="/src/main.js"></script>`,
		"src/main.js":       "",
		"src/i18n.js":       "export const t = (lang) => import(`./locales/${lang}.js`).then((m) => m.default)\n",
		"src/locales/en.js": "export default 'hello'\n",
		"src/locales/fr.js": "export default 'bonjour'\n",
	})
	s, _ := newTestServer(t, root, nil)
	r := engineRunner(t, s.Environments["ssr"])
	ctx := context.Background()
	m, err := r.Import(ctx, "/src/i18n.js")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := m.Call(ctx, "t", "fr"); err != nil || got != "bonjour" {
		t.Errorf(`t("fr") = %v, %v`, got, err)
	}
	if got, err := m.Call(ctx, "t", "en"); err != nil || got != "hello" {
		t.Errorf(`t("en") = %v, %v`, got, err)
	}
	_, err = m.Call(ctx, "t", "de/x")
	if err == nil || !strings.Contains(err.Error(), "Unknown variable dynamic import: ./locales/de/x.js. Note that variables only represent file names one level deep.") {
		t.Errorf(`t("de/x"): %v`, err)
	}
}
