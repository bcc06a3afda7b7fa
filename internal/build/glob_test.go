package build

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/testutil/tools"
)

// globProject uses import.meta.glob in its forms: lazy with a negative pattern, eager with an
// import name, lazy with an import name, ?raw (eager and lazy), an alias pattern, a root pattern
// and base. The same project is built by Vite 8 in TestGlobManifestMatchesVite8.
func globProject() map[string]string {
	return map[string]string{
		"index.html": `<!doctype html><html><body><script type="module" src="/src/main.js"></script></body></html>`,
		"vite.config.mjs": `import { fileURLToPath } from 'node:url'
export default { resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } } }
`,
		"src/main.js": strings.Join([]string{
			`const lazy = import.meta.glob(['./pages/*.js', '!./pages/c.js'])`,
			`const eager = import.meta.glob('./eager/*.js', { eager: true, import: 'default' })`,
			`const names = import.meta.glob('./named/*.js', { import: 'name' })`,
			`const raw = import.meta.glob('./data/*.txt', { query: '?raw', import: 'default', eager: true })`,
			`const rawLazy = import.meta.glob('./texts/*.js', { query: '?raw', import: 'default' })`,
			`const alias = import.meta.glob('@/lib/*.js')`,
			`const root = import.meta.glob('/src/root/*.js', { eager: true, import: 'r' })`,
			`const based = import.meta.glob('./*.js', { base: './based', import: 'default' })`,
			`globalThis.__globs = { lazy, eager, names, raw, rawLazy, alias, root, based }`,
		}, "\n"),
		"src/pages/a.js":   "export default 'a'\n",
		"src/pages/b.js":   "export default 'b'\n",
		"src/pages/c.js":   "export default 'c'\n",
		"src/eager/e1.js":  "export default 'E1'\n",
		"src/eager/e2.js":  "export default 'E2'\n",
		"src/named/n1.js":  "export const name = 'N1'\n",
		"src/named/n2.js":  "export const name = 'N2'\n",
		"src/data/one.txt": "hello raw\n",
		"src/data/two.txt": "second\n",
		"src/texts/t1.js":  "export const t = 'T1'\n",
		"src/lib/one.js":   "export const lib = 'L1'\n",
		"src/lib/two.js":   "export const lib = 'L2'\n",
		"src/root/r1.js":   "export const r = 'R1'\n",
		"src/based/x.js":   "export default 'X'\n",
	}
}

// globResolver awaits every value of the globs the built entry put on globalThis.__globs, so node
// can print what the page would see.
const globResolver = `
const out = {}
for (const [name, obj] of Object.entries(globalThis.__globs)) {
  out[name] = {}
  for (const [k, v] of Object.entries(obj)) {
    let x = typeof v === 'function' ? await v() : v
    if (x && typeof x === 'object') x = Object.fromEntries(Object.entries(x))
    out[name][k] = x
  }
}
console.log(JSON.stringify(out))
`

// runGlobEntry evaluates the built entry with node (a stub document stands for the page's, for the
// modulepreload polyfill and the preload helper) and returns what the globs hold once every lazy one is loaded.
func runGlobEntry(t *testing.T, node, entry string) map[string]map[string]any {
	t.Helper()
	script := "const el = { relList: { supports: () => true }, setAttribute() {}, addEventListener() {} }\n" +
		"globalThis.document = { createElement: () => el, querySelector: () => null, querySelectorAll: () => [], " +
		"getElementsByTagName: () => [], head: { appendChild() {} } }\n" +
		"globalThis.window = { dispatchEvent: () => true }\n" +
		"await import(" + jsonString(t, "file://"+filepath.ToSlash(entry)) + ")\n" + globResolver
	cmd := exec.Command(node, "--input-type=module", "-e", script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("running the built entry: %v\n%s", err, out)
	}
	var got map[string]map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return got
}

func jsonString(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGlobBuild(t *testing.T) {
	root := writeFiles(t, globProject())
	cfg := resolveWithConfigFile(t, root)
	cfg.Build.Manifest = ".vite/manifest.json"
	res := build(t, cfg)

	m := res.Manifest
	entry := m["index.html"]
	if entry == nil {
		t.Fatalf("no index.html in the manifest: %v", m)
	}
	// Every file a lazy glob matches is a dynamic chunk of its own; eager ones are bundled in.
	for _, key := range []string{"src/pages/a.js", "src/pages/b.js", "src/named/n1.js", "src/named/n2.js",
		"src/lib/one.js", "src/lib/two.js", "src/texts/t1.js?raw", "src/based/x.js"} {
		if c := m[key]; c == nil || !c.IsDynamicEntry {
			t.Errorf("%s: want a dynamic entry, got %+v", key, c)
		}
		if !strings.Contains(strings.Join(entry.DynamicImports, " "), key) {
			t.Errorf("the entry's dynamicImports %v lack %s", entry.DynamicImports, key)
		}
	}
	for _, key := range []string{"src/pages/c.js", "src/eager/e1.js", "src/data/one.txt?raw", "src/root/r1.js"} {
		if m[key] != nil {
			t.Errorf("%s: excluded or eager, yet in the manifest: %+v", key, m[key])
		}
	}
	code := file(t, res, entry.File)
	for _, want := range []string{`"./pages/a.js"`, `"/src/lib/one.js"`, `"/src/root/r1.js"`, `"./x.js"`} {
		if !strings.Contains(code, want) {
			t.Errorf("the entry lacks %s:\n%s", want, code)
		}
	}
	// Lazy globs load through the preload helper, as other dynamic imports do.
	if !regexp.MustCompile(`"\./pages/a\.js":\(\)=>\w+\(\(\)=>import\("\./a-[\w-]{8}\.js"\),`).MatchString(code) {
		t.Errorf("the lazy glob does not go through the preload helper:\n%s", code)
	}

	got := runGlobEntry(t, tools.Node(t), filepath.Join(cfg.Build.OutDir, entry.File))
	want := map[string]map[string]any{
		"lazy":    {"./pages/a.js": map[string]any{"default": "a"}, "./pages/b.js": map[string]any{"default": "b"}},
		"eager":   {"./eager/e1.js": "E1", "./eager/e2.js": "E2"},
		"names":   {"./named/n1.js": "N1", "./named/n2.js": "N2"},
		"raw":     {"./data/one.txt": "hello raw\n", "./data/two.txt": "second\n"},
		"rawLazy": {"./texts/t1.js": "export const t = 'T1'\n"},
		"alias":   {"/src/lib/one.js": map[string]any{"lib": "L1"}, "/src/lib/two.js": map[string]any{"lib": "L2"}},
		"root":    {"/src/root/r1.js": "R1"},
		"based":   {"./x.js": "X"},
	}
	gotJSON, _ := json.MarshalIndent(got, "", " ")
	wantJSON, _ := json.MarshalIndent(want, "", " ")
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("the globs hold\n%s\nwant\n%s", gotJSON, wantJSON)
	}
}

// An eager glob with no import name gives each file's module namespace, and TypeScript's type
// arguments are allowed.
func TestGlobBuildEagerNamespaceInTypeScript(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"src/main.ts":    "const mods = import.meta.glob<{ v: number }>('./mods/*.ts', { eager: true })\nglobalThis.__globs = { mods }\n",
		"src/mods/m1.ts": "export const v: number = 1\nexport default 'one'\n",
		"src/mods/m2.ts": "export const v: number = 2\n",
	})
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Name: "main", Path: filepath.Join(root, "src/main.ts")}}
	res := build(t, cfg)
	got := runGlobEntry(t, tools.Node(t), filepath.Join(cfg.Build.OutDir, res.Manifest["src/main.ts"].File))
	want := `{"mods":{"./mods/m1.ts":{"default":"one","v":1},"./mods/m2.ts":{"v":2}}}`
	if b, _ := json.Marshal(got); string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}

// Bad arguments fail the build at the call, with the dev server's message.
func TestGlobBuildBadArguments(t *testing.T) {
	for name, tc := range map[string]struct{ code, want string }{
		"unknown option": {"const x = 1\nconst g = import.meta.glob('./*.js', { eagre: true })\n", `import.meta.glob(): unknown option "eagre" [plugin vite:import-glob]`},
		"variable":       {"const p = './*.js'\nconst g = import.meta.glob(p)\n", "import.meta.glob(): the patterns must be a string literal or an array of string literals"},
		"bare pattern":   {"const g = import.meta.glob('*.js')\n", `import.meta.glob(): pattern "*.js" must start with "./", "../" or "/" (or an alias)`},
	} {
		t.Run(name, func(t *testing.T) {
			root := writeFiles(t, map[string]string{"src/main.js": tc.code})
			cfg := testConfig(t, root)
			cfg.Build.Input = []config.InputEntry{{Name: "main", Path: filepath.Join(root, "src/main.js")}}
			_, err := Build(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "src/main.js:") {
				t.Fatalf("want an error with %q, got %v", tc.want, err)
			}
		})
	}
}

func TestGlobManifestMatchesVite8(t *testing.T) {
	modules := tools.Vite8Modules(t)
	node := tools.Node(t)
	viteRoot := writeFiles(t, globProject())
	if err := os.Symlink(modules, filepath.Join(viteRoot, "node_modules")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(modules, "vite", "bin", "vite.js"), "build", "--manifest")
	cmd.Dir = viteRoot
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vite build: %v\n%s", err, out)
	}

	goRoot := writeFiles(t, globProject())
	cfg := resolveWithConfigFile(t, goRoot)
	cfg.Build.Manifest = ".vite/manifest.json"
	build(t, cfg)

	read := func(root string) string {
		data, err := os.ReadFile(filepath.Join(root, "dist", ".vite", "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m any
		json.Unmarshal([]byte(norm(string(data))), &m)
		out, _ := json.MarshalIndent(m, "", "  ")
		return string(out)
	}
	if want, got := read(viteRoot), read(goRoot); want != got {
		t.Errorf("govite's manifest differs from Vite 8's:\ngovite:\n%s\nVite 8:\n%s", got, want)
	}
	// Both builds' entries hold the same values once every lazy glob is loaded.
	entry := func(root string) string {
		var m map[string]struct{ File string }
		data, _ := os.ReadFile(filepath.Join(root, "dist", ".vite", "manifest.json"))
		json.Unmarshal(data, &m)
		return filepath.Join(root, "dist", m["index.html"].File)
	}
	want, _ := json.Marshal(runGlobEntry(t, node, entry(viteRoot)))
	got, _ := json.Marshal(runGlobEntry(t, node, entry(goRoot)))
	if string(want) != string(got) {
		t.Errorf("the globs hold\n%s\nwith Vite 8\n%s", got, want)
	}
}

// One file imported dynamically twice (two globs matching it, or two import() calls) is listed once
// in its importer's dynamicImports, as Vite lists it.
func TestDynamicImportsListedOnce(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"index.html":     `<script type="module" src="/src/main.js"></script>`,
		"src/main.js":    "globalThis.a = () => import('./pages/a.js')\nglobalThis.g = import.meta.glob('./pages/*.js')\n",
		"src/pages/a.js": "export default 'a'\n",
	})
	cfg := resolveWithConfigFile(t, root)
	cfg.Build.Manifest = ".vite/manifest.json"
	res := build(t, cfg)
	entry := res.Manifest["index.html"]
	if entry == nil || len(entry.DynamicImports) != 1 || entry.DynamicImports[0] != "src/pages/a.js" {
		t.Fatalf("want dynamicImports [src/pages/a.js], got %+v", entry)
	}
}
