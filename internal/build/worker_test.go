package build

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/testutil/tools"
)

// workerProject uses every worker form, new URL() assets and dynamic imports with variables. The
// same project is built by Vite 8 in TestWorkerManifestMatchesVite8.
func workerProject() map[string]string {
	return map[string]string{
		"index.html": `<!doctype html><html><body><div id="out"></div><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js": strings.Join([]string{
			`import QueryWorker from './workers/query-worker?worker'`,
			`import InlineWorker from './workers/inline-worker?worker&inline'`,
			`import Shared from './workers/shared?sharedworker'`,
			`import workerURL from './workers/url-worker?worker&url'`,
			`const q = new QueryWorker()`,
			`q.onmessage = (e) => console.log('q', e.data)`,
			`const c = new Worker(new URL('./workers/ctor-worker.js', import.meta.url), { type: 'module' })`,
			`c.onmessage = (e) => console.log('c', e.data)`,
			`new InlineWorker()`,
			`new Shared()`,
			`console.log(workerURL, new URL('./big.png', import.meta.url).href)`,
			"const load = (lang) => import(`./locales/${lang}.js`)",
			"const loadRaw = (name) => import(`./locales/${name}.json?raw`)",
			`load(location.hash.slice(1) || 'en').then((m) => console.log(m.default))`,
			`loadRaw('de').then((m) => console.log(m.default))`,
		}, "\n"),
		"src/workers/dep.js":           "export const msg = 'hello from ' + import.meta.env.MODE\n",
		"src/workers/query-worker.js":  "import { msg } from './dep.js'\nself.postMessage('query-worker ' + msg)\n",
		"src/workers/inline-worker.js": "import { msg } from './dep.js'\nself.postMessage('inline-worker ' + msg)\n",
		"src/workers/url-worker.js":    "import { msg } from './dep.js'\nself.postMessage('url-worker ' + msg)\n",
		"src/workers/ctor-worker.js":   "import { msg } from './dep.js'\nself.postMessage('ctor-worker ' + msg)\n",
		"src/workers/shared.js":        "onconnect = (e) => { e.ports[0].postMessage('shared') }\n",
		"src/locales/en.js":            "export default 'hello'\n",
		"src/locales/fr.js":            "export default 'bonjour'\n",
		"src/locales/de.json":          `{"hallo": 1}` + "\n",
		"src/big.png":                  strings.Repeat("png!", 1500), // above assetsInlineLimit: emitted
	}
}

// esWorkerProject has an ES worker with worker.plugins, a nested worker, a lazy chunk, an asset and
// output file names; its config file is what both Vite 8 and govite read.
func esWorkerProject() map[string]string {
	return map[string]string{
		"index.html": `<!doctype html><html><body><div id="out"></div><script type="module" src="/src/main.js"></script></body></html>`,
		"vite.config.mjs": `export default {
  plugins: [{ name: 'main-only', transform(code) { return code.replace('__MAIN__', '"main plugin"') } }],
  worker: {
    format: 'es',
    plugins: () => [{ name: 'worker-only', transform(code) { return code.replace('__WORKER__', '"worker plugin"') } }],
    rollupOptions: { output: { entryFileNames: 'workers/[name].[hash].js' } },
  },
}
`,
		"src/main.js": "const w = new Worker(new URL('./w.js', import.meta.url), { type: 'module' })\n" +
			"w.onmessage = (e) => { document.getElementById('out').textContent = e.data + ' ' + __MAIN__ }\n" +
			"console.log(typeof __WORKER__)\n",
		"src/w.js": "import big from './big.png'\nimport Nested from './nested?worker'\n" +
			"const n = new Nested()\n" +
			"n.onmessage = async (e) => {\n  const { lazy } = await import('./lazy.js')\n" +
			"  self.postMessage([lazy, e.data, big, __WORKER__, typeof __MAIN__].join(' '))\n}\n",
		"src/nested.js": "self.postMessage('nested')\n",
		"src/lazy.js":   "export const lazy = 'lazy'\n",
		"src/big.png":   strings.Repeat("png!", 1500),
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// resolveWithConfigFile resolves the project's config as `govite build` does (its config file
// included).
func resolveWithConfigFile(t *testing.T, root string) *config.ResolvedConfig {
	t.Helper()
	cfg, err := config.Resolve(context.Background(), &config.UserConfig{Root: root, Logger: discardLogger()},
		config.ResolveConfigOptions{Command: "build"})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// outputNamed returns the name of the single output file matching pattern (hashes as -HASH. or .HASH.).
func outputNamed(t *testing.T, res *Result, pattern string) string {
	t.Helper()
	var found []string
	for name := range res.Bundle.Files {
		if normWorker(name) == pattern {
			found = append(found, name)
		}
	}
	if len(found) != 1 {
		var names []string
		for n := range res.Bundle.Files {
			names = append(names, n)
		}
		slices.Sort(names)
		t.Fatalf("want one output %s, found %v among %v", pattern, found, names)
	}
	return found[0]
}

var dotHashRE = regexp.MustCompile(`\.[A-Za-z0-9_-]{8}\.js`)

// normWorker normalises the hashes of both file-name forms: name-HASH.js and name.HASH.js.
func normWorker(s string) string { return dotHashRE.ReplaceAllString(norm(s), ".HASH.js") }

// runClassicWorker runs a worker script on a JS engine with a stub self and returns what it posted.
func runClassicWorker(t *testing.T, code string) []string {
	t.Helper()
	vm := goja.New()
	var posted []string
	self := vm.NewObject()
	self.Set("postMessage", func(m string) { posted = append(posted, m) })
	vm.Set("self", self)
	if _, err := vm.RunString(code); err != nil {
		t.Fatalf("running the worker: %v\n%s", err, code)
	}
	return posted
}

func TestWorkerBuild(t *testing.T) {
	root := writeFiles(t, workerProject())
	cfg := testConfig(t, root)
	cfg.Build.Minify = false
	cfg.Worker.Format = "iife"
	res := build(t, cfg)

	// Each worker is bundled on its own (its imports inlined, iife by default) as [name]-[hash].js.
	for _, name := range []string{"query-worker", "url-worker", "ctor-worker"} {
		f := outputNamed(t, res, "assets/"+name+"-HASH.js")
		code := file(t, res, f)
		if strings.Contains(code, "import ") || strings.Contains(code, "export ") {
			t.Errorf("%s is not a self-contained classic script:\n%s", f, code)
		}
		if got := runClassicWorker(t, code); !slices.Equal(got, []string{name + " hello from production"}) {
			t.Errorf("%s posted %q", f, got)
		}
	}
	shared := outputNamed(t, res, "assets/shared-HASH.js")
	for name := range res.Bundle.Files {
		if strings.Contains(name, "inline-worker") {
			t.Errorf("an inline worker is written to %s; it should only be in the importing chunk", name)
		}
	}

	entry := res.Manifest["index.html"]
	main := file(t, res, entry.File)
	for _, want := range []string{
		`new Worker("/` + outputNamed(t, res, "assets/query-worker-HASH.js") + `", { name: options?.name })`,
		`new SharedWorker("/` + shared + `", { name: options?.name })`,
		`"/` + outputNamed(t, res, "assets/url-worker-HASH.js") + `"`,
		`new Worker(new URL("/` + outputNamed(t, res, "assets/ctor-worker-HASH.js") + `", "" + import.meta.url), { type: "module" })`,
		`new URL("/` + res.Manifest["src/big.png"].File + `", "" + import.meta.url)`,
		// The inline worker carries its bundled code and starts from a blob, or a data: URL.
		`inline-worker `, `hello from production`, `createObjectURL(blob)`, `"data:text/javascript;charset=utf-8," + encodeURIComponent(jsContent)`,
		// Dynamic imports with variables: one dynamic chunk per file, looked up by the helper.
		"`./locales/${lang}.js`, 3)", "`./locales/${name}.json`, 3)",
		"Unknown variable dynamic import: ",
	} {
		if !strings.Contains(main, want) {
			t.Errorf("the entry chunk lacks %q:\n%s", want, main)
		}
	}
	if strings.Contains(main, "new URL('./workers") || strings.Contains(main, "./big.png") {
		t.Errorf("a new URL() was left as written:\n%s", main)
	}

	// The manifest: workers are assets of the chunk that refers to them (in the order its modules
	// run), with no key of their own; each file a variable import can load is a dynamic entry.
	got, _ := json.Marshal(res.Manifest)
	var m map[string]any
	json.Unmarshal([]byte(normWorker(string(got))), &m)
	want := map[string]any{
		"index.html": map[string]any{"file": "assets/index-HASH.js", "name": "index", "src": "index.html", "isEntry": true,
			"dynamicImports": []any{"src/locales/en.js", "src/locales/fr.js", "src/locales/de.json?raw"},
			"assets": []any{"assets/query-worker-HASH.js", "assets/shared-HASH.js", "assets/url-worker-HASH.js",
				"assets/ctor-worker-HASH.js", "assets/big-HASH.png"}},
		"src/big.png":             map[string]any{"file": "assets/big-HASH.png", "src": "src/big.png"},
		"src/locales/en.js":       map[string]any{"file": "assets/en-HASH.js", "name": "en", "src": "src/locales/en.js", "isDynamicEntry": true},
		"src/locales/fr.js":       map[string]any{"file": "assets/fr-HASH.js", "name": "fr", "src": "src/locales/fr.js", "isDynamicEntry": true},
		"src/locales/de.json?raw": map[string]any{"file": "assets/de-HASH.js", "name": "de", "src": "src/locales/de.json?raw", "isDynamicEntry": true},
	}
	wantJSON, _ := json.MarshalIndent(want, "", "  ")
	gotJSON, _ := json.MarshalIndent(m, "", "  ")
	if string(wantJSON) != string(gotJSON) {
		t.Errorf("manifest:\n%s\nwant:\n%s", gotJSON, wantJSON)
	}
	if mc := res.Manifest["src/locales/de.json?raw"]; mc == nil {
		t.Errorf("no manifest entry for the ?raw dynamic import")
	} else if de := file(t, res, mc.File); !strings.Contains(de, `{"hallo": 1}`) {
		t.Errorf("the ?raw chunk does not export the file's text:\n%s", de)
	}
	for _, f := range []string{"assets/query-worker-HASH.js", "assets/shared-HASH.js"} {
		if _, err := os.Stat(filepath.Join(root, "dist", outputNamed(t, res, f))); err != nil {
			t.Errorf("worker file not written: %v", err)
		}
	}

	t.Run("relative base", func(t *testing.T) {
		root := writeFiles(t, workerProject())
		cfg := testConfig(t, root)
		cfg.Build.Minify = false
		cfg.Base = "./"
		res := build(t, cfg)
		main := file(t, res, res.Manifest["index.html"].File)
		qw := filepath.Base(outputNamed(t, res, "assets/query-worker-HASH.js"))
		ctor := filepath.Base(outputNamed(t, res, "assets/ctor-worker-HASH.js"))
		for _, want := range []string{
			`new Worker(new URL("` + qw + `", import.meta.url).href, { name: options?.name })`,
			`new Worker(new URL(new URL("` + ctor + `", import.meta.url).href, "" + import.meta.url)`,
		} {
			if !strings.Contains(main, want) {
				t.Errorf("the entry chunk lacks %q:\n%s", want, main)
			}
		}
	})
}

func TestWorkerBuildESFormatAndOptions(t *testing.T) {
	root := writeFiles(t, esWorkerProject())
	cfg := resolveWithConfigFile(t, root)
	if cfg.Worker.Format != "es" || cfg.Worker.EntryFileNames != "workers/[name].[hash].js" || len(cfg.Worker.Plugins) != 1 {
		t.Fatalf("worker options from the config file: %+v", cfg.Worker)
	}
	cfg.Build.Minify = false
	res := build(t, cfg)

	w := outputNamed(t, res, "workers/w.HASH.js")
	nested := outputNamed(t, res, "workers/nested.HASH.js")
	lazy := outputNamed(t, res, "assets/lazy-HASH.js")
	big := outputNamed(t, res, "assets/big-HASH.png")
	code := file(t, res, w)
	for _, want := range []string{
		// ES workers start as module workers; the lazy chunk is imported relative to the worker.
		`new Worker("/` + nested + `", { type: "module", name: options?.name })`,
		`import("../` + lazy + `")`,
		`"/` + big + `"`,
		// worker.plugins apply to the worker, the app's plugins do not.
		`"worker plugin"`, `typeof __MAIN__`,
	} {
		if !strings.Contains(code, want) {
			t.Errorf("%s lacks %q:\n%s", w, want, code)
		}
	}
	if strings.Contains(code, "__vitePreload") {
		t.Errorf("a worker got the preload helper (it has no document):\n%s", code)
	}
	main := file(t, res, res.Manifest["index.html"].File)
	if !strings.Contains(main, `new URL("/`+w+`", "" + import.meta.url)`) || !strings.Contains(main, `main plugin`) || strings.Contains(main, "__MAIN__") || !strings.Contains(main, "typeof __WORKER__") {
		t.Errorf("the entry chunk:\n%s", main)
	}
	if a := res.Manifest["index.html"].Assets; !slices.Equal(a, []string{w}) {
		t.Errorf("index.html assets = %q, want the worker %s", a, w)
	}
	if len(res.Manifest) != 1 {
		t.Errorf("only the entry has a manifest key (workers' chunks and assets have none): %v", res.Manifest)
	}
}

func TestCircularWorkerImportsFail(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"index.html":  `<script type="module" src="/src/main.js"></script>`,
		"src/main.js": "import A from './a?worker'\nnew A()\n",
		"src/a.js":    "import B from './b?worker'\nnew B()\n",
		"src/b.js":    "new Worker(new URL('./a.js', import.meta.url))\n",
	})
	_, err := Build(context.Background(), testConfig(t, root))
	if err == nil || !strings.Contains(err.Error(), "Circular worker imports detected. Vite does not support it. Import chain: src/a.js -> src/b.js -> src/a.js") {
		t.Fatalf("want the circular worker error, got %v", err)
	}

	// Both workers asked for at once by the app: whichever way the bundler's goroutines interleave,
	// the build fails with the same error instead of each worker's build waiting for the other's.
	for i := 0; i < 5; i++ {
		root := writeFiles(t, map[string]string{
			"index.html":  `<script type="module" src="/src/main.js"></script>`,
			"src/main.js": "import A from './a?worker'\nimport B from './b?worker'\nnew A(); new B()\n",
			"src/a.js":    "import B from './b?worker'\nnew B()\n",
			"src/b.js":    "import A from './a?worker'\nnew A()\n",
		})
		done := make(chan error, 1)
		go func() {
			_, err := Build(context.Background(), testConfig(t, root))
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "Circular worker imports detected.") {
				t.Fatalf("want the circular worker error, got %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the build of two workers that start each other hangs")
		}
	}
}

// TestWorkerManifestMatchesVite8 builds both worker projects with Vite 8 and with govite and compares
// the manifests and the files written, hashes normalised.
func TestWorkerManifestMatchesVite8(t *testing.T) {
	modules := tools.Vite8Modules(t)
	node := tools.Node(t)
	viteJS := filepath.Join(modules, "vite", "bin", "vite.js")
	for name, files := range map[string]map[string]string{"iife": workerProject(), "es": esWorkerProject()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			viteRoot := writeFiles(t, files)
			if err := os.Symlink(modules, filepath.Join(viteRoot, "node_modules")); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(node, viteJS, "build", "--manifest")
			cmd.Dir = viteRoot
			cmd.Env = append(os.Environ(), "NO_COLOR=1")
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("vite build: %v\n%s", err, out)
			}
			t.Logf("vite build took %v", time.Since(start).Round(time.Millisecond))

			goRoot := writeFiles(t, files)
			cfg := resolveWithConfigFile(t, goRoot)
			cfg.Build.Manifest = ".vite/manifest.json"
			build(t, cfg)

			read := func(root string) string {
				data, err := os.ReadFile(filepath.Join(root, "dist", ".vite", "manifest.json"))
				if err != nil {
					t.Fatal(err)
				}
				var m any
				json.Unmarshal([]byte(normWorker(string(data))), &m)
				out, _ := json.MarshalIndent(m, "", "  ")
				return string(out)
			}
			if want, got := read(viteRoot), read(goRoot); want != got {
				t.Errorf("govite's manifest differs from Vite 8's:\ngovite:\n%s\nVite 8:\n%s", got, want)
			}
			list := func(root string) []string {
				var out []string
				filepath.WalkDir(filepath.Join(root, "dist"), func(p string, d os.DirEntry, err error) error {
					if err == nil && !d.IsDir() {
						rel, _ := filepath.Rel(filepath.Join(root, "dist"), p)
						out = append(out, normWorker(filepath.ToSlash(rel)))
					}
					return nil
				})
				slices.Sort(out)
				return out
			}
			if want, got := list(viteRoot), list(goRoot); !slices.Equal(want, got) {
				t.Errorf("dist files differ:\ngovite: %q\nVite 8: %q", got, want)
			}
		})
	}
}
