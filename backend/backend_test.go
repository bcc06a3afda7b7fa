package backend

import (
	"bytes"
	"encoding/json"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// diamond is a manifest like Vite's for an entry whose shared chunks form a diamond: main imports a
// and b, both import c. Every chunk has CSS; main also imports a dynamic entry (lazy, which has CSS
// and imports c) and an image.
const diamond = `{
  "_a-AAAAAAAA.js": {"file": "assets/a-AAAAAAAA.js", "name": "a", "imports": ["_c-CCCCCCCC.js"], "css": ["assets/a-AAAAAAAA.css"]},
  "_b-BBBBBBBB.js": {"file": "assets/b-BBBBBBBB.js", "name": "b", "imports": ["_c-CCCCCCCC.js"], "css": ["assets/b-BBBBBBBB.css"]},
  "_c-CCCCCCCC.js": {"file": "assets/c-CCCCCCCC.js", "name": "c", "css": ["assets/c-CCCCCCCC.css", "assets/c2-CCCCCCCC.css"]},
  "_c-CCCCCCCC.css": {"file": "assets/c-CCCCCCCC.css", "src": "_c-CCCCCCCC.css"},
  "src/main.js": {"file": "assets/main-MMMMMMMM.js", "name": "main", "src": "src/main.js", "isEntry": true,
    "imports": ["_a-AAAAAAAA.js", "_b-BBBBBBBB.js"], "dynamicImports": ["src/lazy.js"],
    "css": ["assets/main-MMMMMMMM.css"], "assets": ["assets/logo-LLLLLLLL.png"]},
  "src/admin.js": {"file": "assets/admin-DDDDDDDD.js", "name": "admin", "src": "src/admin.js", "isEntry": true,
    "imports": ["_b-BBBBBBBB.js"], "css": ["assets/admin-DDDDDDDD.css"]},
  "src/lazy.js": {"file": "assets/lazy-ZZZZZZZZ.js", "name": "lazy", "src": "src/lazy.js", "isDynamicEntry": true,
    "imports": ["_c-CCCCCCCC.js"], "css": ["assets/lazy-ZZZZZZZZ.css"]},
  "src/theme.css": {"file": "assets/theme-TTTTTTTT.css", "name": "theme", "names": ["theme.css"], "src": "src/theme.css", "isEntry": true},
  "src/logo.png": {"file": "assets/logo-LLLLLLLL.png", "src": "src/logo.png"}
}`

// distFS is a build output with the diamond manifest and a few files.
func distFS(manifest string) fstest.MapFS {
	return fstest.MapFS{
		".vite/manifest.json":        {Data: []byte(manifest)},
		"assets/main-MMMMMMMM.js":    {Data: []byte("console.log('main')\n")},
		"assets/main-MMMMMMMM.css":   {Data: []byte("body{color:red}\n")},
		"assets/logo-LLLLLLLL.png":   {Data: []byte("\x89PNG\r\n\x1a\n")},
		"assets/not-hashed.js":       {Data: []byte("1\n")},
		"assets/font-AbC_12-z.woff2": {Data: []byte("wOF2")},
		"favicon.ico":                {Data: []byte("ico")},
		"robots.txt":                 {Data: []byte("User-agent: *\n")},
		".well-known/security.txt":   {Data: []byte("Contact: x\n")},
		".env":                       {Data: []byte("SECRET=1\n")},
	}
}

func newProd(t *testing.T, cfg Config) *Vite {
	t.Helper()
	if cfg.FS == nil && cfg.Dir == "" {
		cfg.FS = distFS(diamond)
	}
	cfg.Mode = Prod
	v, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func tags(t *testing.T, v *Vite, entries ...string) []string {
	t.Helper()
	h, err := v.Tags(entries...)
	if err != nil {
		t.Fatalf("Tags(%q): %v", entries, err)
	}
	return strings.Split(string(h), "\n")
}

func checkLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func script(src string) string {
	return `<script type="module" crossorigin src="` + src + `"></script>`
}
func preload(href string) string {
	return `<link rel="modulepreload" crossorigin href="` + href + `">`
}
func css(href string) string { return `<link rel="stylesheet" crossorigin href="` + href + `">` }

func TestBackendTagsDiamond(t *testing.T) {
	v := newProd(t, Config{})
	checkLines(t, `Tags("src/main.js")`, tags(t, v, "src/main.js"), []string{
		script("/assets/main-MMMMMMMM.js"),
		// Post-order: c before a (which imports it), c only once although b imports it too.
		preload("/assets/c-CCCCCCCC.js"),
		preload("/assets/a-AAAAAAAA.js"),
		preload("/assets/b-BBBBBBBB.js"),
		// CSS of imported chunks first (depth first), then the entry's own. The dynamic import
		// (src/lazy.js) is neither preloaded nor linked.
		css("/assets/c-CCCCCCCC.css"),
		css("/assets/c2-CCCCCCCC.css"),
		css("/assets/a-AAAAAAAA.css"),
		css("/assets/b-BBBBBBBB.css"),
		css("/assets/main-MMMMMMMM.css"),
	})
	// A leading "/" or "./" names the same key.
	checkLines(t, `Tags("/src/admin.js")`, tags(t, v, "/src/admin.js"), tags(t, v, "./src/admin.js"))
}

func TestBackendTagsMultipleEntriesShareSeenSet(t *testing.T) {
	v := newProd(t, Config{})
	checkLines(t, `Tags("src/main.js", "src/admin.js", "src/theme.css")`, tags(t, v, "src/main.js", "src/admin.js", "src/theme.css", "src/main.js"), []string{
		script("/assets/main-MMMMMMMM.js"),
		preload("/assets/c-CCCCCCCC.js"),
		preload("/assets/a-AAAAAAAA.js"),
		preload("/assets/b-BBBBBBBB.js"),
		css("/assets/c-CCCCCCCC.css"),
		css("/assets/c2-CCCCCCCC.css"),
		css("/assets/a-AAAAAAAA.css"),
		css("/assets/b-BBBBBBBB.css"),
		css("/assets/main-MMMMMMMM.css"),
		// admin imports only b: already preloaded and linked above.
		script("/assets/admin-DDDDDDDD.js"),
		css("/assets/admin-DDDDDDDD.css"),
		css("/assets/theme-TTTTTTTT.css"),
	})
	// The other order gives admin's own tags first.
	got := tags(t, v, "src/admin.js", "src/main.js")
	checkLines(t, `Tags("src/admin.js", "src/main.js")`, got, []string{
		script("/assets/admin-DDDDDDDD.js"),
		preload("/assets/c-CCCCCCCC.js"),
		preload("/assets/b-BBBBBBBB.js"),
		css("/assets/c-CCCCCCCC.css"),
		css("/assets/c2-CCCCCCCC.css"),
		css("/assets/b-BBBBBBBB.css"),
		css("/assets/admin-DDDDDDDD.css"),
		script("/assets/main-MMMMMMMM.js"),
		preload("/assets/a-AAAAAAAA.js"),
		css("/assets/a-AAAAAAAA.css"),
		css("/assets/main-MMMMMMMM.css"),
	})
}

func TestBackendTagsEntryImportedByEntryIsNotPreloaded(t *testing.T) {
	m := `{
  "src/a.js": {"file": "assets/a-11111111.js", "src": "src/a.js", "isEntry": true, "imports": ["src/b.js", "_s-22222222.js"]},
  "src/b.js": {"file": "assets/b-33333333.js", "src": "src/b.js", "isEntry": true, "imports": ["_s-22222222.js"]},
  "_s-22222222.js": {"file": "assets/s-22222222.js", "imports": ["src/a.js"]}
}`
	v := newProd(t, Config{FS: distFS(m)})
	// A cycle (s imports a) ends too.
	checkLines(t, "two entries, one importing the other", tags(t, v, "src/a.js", "src/b.js"), []string{
		script("/assets/a-11111111.js"),
		preload("/assets/s-22222222.js"),
		script("/assets/b-33333333.js"),
	})
	checkLines(t, "the imported entry alone", tags(t, v, "src/a.js"), []string{
		script("/assets/a-11111111.js"),
		preload("/assets/s-22222222.js"),
		preload("/assets/b-33333333.js"),
	})
}

func TestBackendTagsCSSEntryAndDynamicEntry(t *testing.T) {
	v := newProd(t, Config{})
	checkLines(t, "CSS entry", tags(t, v, "src/theme.css"), []string{css("/assets/theme-TTTTTTTT.css")})
	// A dynamic entry can be rendered eagerly too: any manifest key is accepted.
	checkLines(t, "dynamic entry", tags(t, v, "src/lazy.js"), []string{
		script("/assets/lazy-ZZZZZZZZ.js"),
		preload("/assets/c-CCCCCCCC.js"),
		css("/assets/c-CCCCCCCC.css"),
		css("/assets/c2-CCCCCCCC.css"),
		css("/assets/lazy-ZZZZZZZZ.css"),
	})
}

func TestBackendBaseAndEscaping(t *testing.T) {
	for _, tc := range []struct{ base, want string }{
		{"", "/assets/theme-TTTTTTTT.css"},
		{"/static", "/static/assets/theme-TTTTTTTT.css"},
		{"/static/", "/static/assets/theme-TTTTTTTT.css"},
		{"https://cdn.example.com/app/", "https://cdn.example.com/app/assets/theme-TTTTTTTT.css"},
		{`/a"b<c>&d/`, `/a&#34;b&lt;c&gt;&amp;d/assets/theme-TTTTTTTT.css`},
	} {
		v := newProd(t, Config{Base: tc.base})
		checkLines(t, "base "+tc.base, tags(t, v, "src/theme.css"), []string{css(tc.want)})
	}
	// File names are escaped too.
	m := `{"src/x.js": {"file": "assets/x\"><script>alert(1)</script>.js", "isEntry": true}}`
	v := newProd(t, Config{FS: distFS(m)})
	got := tags(t, v, "src/x.js")
	checkLines(t, "escaped file", got, []string{script(`/assets/x&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;.js`)})
}

func TestBackendAsset(t *testing.T) {
	v := newProd(t, Config{Base: "/static/"})
	for src, want := range map[string]string{
		"src/logo.png":  "/static/assets/logo-LLLLLLLL.png",
		"/src/logo.png": "/static/assets/logo-LLLLLLLL.png",
		"src/main.js":   "/static/assets/main-MMMMMMMM.js",
		"favicon.ico":   "/static/favicon.ico", // a public/ file, copied to the build as it is
	} {
		got, err := v.Asset(src)
		if err != nil || got != want {
			t.Errorf("Asset(%q) = %q, %v; want %q", src, got, err, want)
		}
	}
	_, err := v.Asset("logo.png")
	if err == nil || !strings.Contains(err.Error(), `"logo.png"`) || !strings.Contains(err.Error(), `did you mean "src/logo.png"`) {
		t.Errorf("Asset of a missing file: error %v, want one naming it and suggesting src/logo.png", err)
	}
	if _, err := v.Asset(".vite/manifest.json"); err == nil {
		t.Errorf("Asset(.vite/manifest.json) succeeded; the manifest is not an asset")
	}
}

func TestBackendMissingEntry(t *testing.T) {
	v := newProd(t, Config{Dir: writeDist(t, diamond)})
	_, err := v.Tags("src/main.js", "main.js")
	if err == nil {
		t.Fatal("Tags of a missing entry succeeded")
	}
	msg := err.Error()
	for _, want := range []string{
		`"main.js"`,
		filepath.Join(v.cfg.Dir, ".vite", "manifest.json"),
		`its entries are: "src/admin.js", "src/main.js", "src/theme.css"`,
		`did you mean "src/main.js"`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if _, err := v.Tags(); err == nil {
		t.Error("Tags() with no entry succeeded")
	}
}

func writeDist(t *testing.T, manifest string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".vite"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".vite", "manifest.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBackendMissingAndMalformedManifest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".vite", "manifest.json")
	_, err := New(Config{Dir: dir, Mode: Prod})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("New with no manifest: error %v, want one that names %s", err, path)
	}
	// Auto mode reads it on first use.
	v, err := New(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Tags("src/main.js"); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Tags with no manifest: error %v, want one that names %s", err, path)
	}

	for name, bad := range map[string]string{
		"syntax":   "{\n  \"src/main.js\": {\"file\": \"a.js\",,}\n}",
		"no file":  `{"src/main.js": {"src": "src/main.js"}}`,
		"bad ref":  `{"src/main.js": {"file": "a.js", "imports": ["_nope.js"]}}`,
		"not obj":  `[1, 2]`,
		"null":     `null`,
		"bad type": `{"src/main.js": {"file": 1}}`,
	} {
		dir := writeDist(t, bad)
		_, err := New(Config{Dir: dir, Mode: Prod})
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, ".vite", "manifest.json")) {
			t.Errorf("%s: error %v, want one that names the manifest", name, err)
		}
		if name == "syntax" && !strings.Contains(err.Error(), "line 2") {
			t.Errorf("syntax error %v does not give the line", err)
		}
	}

	// A custom manifest path in an fs.FS.
	_, err = New(Config{FS: fstest.MapFS{}, ManifestPath: "manifest.json", Mode: Prod})
	if err == nil || !strings.Contains(err.Error(), "manifest.json (in Config.FS)") {
		t.Errorf("error %v, want one that names manifest.json in Config.FS", err)
	}
}

func TestBackendManifestReloadsWhenRebuilt(t *testing.T) {
	dir := writeDist(t, `{"src/main.js": {"file": "assets/main-11111111.js", "isEntry": true}}`)
	v := newProd(t, Config{Dir: dir})
	v.ttl = 0
	checkLines(t, "first build", tags(t, v, "src/main.js"), []string{script("/assets/main-11111111.js")})
	time.Sleep(10 * time.Millisecond)
	if err := os.WriteFile(filepath.Join(dir, ".vite", "manifest.json"), []byte(`{"src/main.js": {"file": "assets/main-22222222222.js", "isEntry": true}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	checkLines(t, "rebuilt", tags(t, v, "src/main.js"), []string{script("/assets/main-22222222222.js")})
}

func TestBackendDevTags(t *testing.T) {
	v, err := New(Config{DevServerURL: "http://localhost:5173/", ReactRefresh: true, FS: distFS(diamond)})
	if err != nil {
		t.Fatal(err)
	}
	if !v.IsDev() || v.DevServerURL() != "http://localhost:5173/" {
		t.Fatalf("IsDev %v, DevServerURL %q", v.IsDev(), v.DevServerURL())
	}
	got := tags(t, v, "src/main.js", "/src/theme.css", "src/main.js", "src/dir with space/x.js")
	want := strings.Split(`<script type="module">
import RefreshRuntime from "http://localhost:5173/@react-refresh"
RefreshRuntime.injectIntoGlobalHook(window)
window.$RefreshReg$ = () => {}
window.$RefreshSig$ = () => (type) => type
window.__vite_plugin_react_preamble_installed__ = true
</script>
<script type="module" src="http://localhost:5173/@vite/client"></script>
<script type="module" src="http://localhost:5173/src/main.js"></script>
<link rel="stylesheet" href="http://localhost:5173/src/theme.css">
<script type="module" src="http://localhost:5173/src/dir%20with%20space/x.js"></script>`, "\n")
	checkLines(t, "dev tags", got, want)
	// Entries need not be in a manifest in development.
	if _, err := v.Tags("src/not-built-yet.ts"); err != nil {
		t.Error(err)
	}
	if a, err := v.Asset("src/logo.png"); err != nil || a != "http://localhost:5173/src/logo.png" {
		t.Errorf("dev Asset = %q, %v", a, err)
	}
	if p, err := v.ReactRefresh(); err != nil || !strings.Contains(string(p), `from "http://localhost:5173/@react-refresh"`) {
		t.Errorf("ReactRefresh() = %q, %v", p, err)
	}

	// Mode Prod wins over DevServerURL.
	pv, err := New(Config{DevServerURL: "http://localhost:5173", FS: distFS(diamond), Mode: Prod})
	if err != nil {
		t.Fatal(err)
	}
	if pv.IsDev() {
		t.Error("Mode Prod with DevServerURL is dev")
	}
	if p, _ := pv.ReactRefresh(); p != "" {
		t.Errorf("ReactRefresh() in production = %q, want nothing", p)
	}

	// Middleware mode: Dev without a URL uses paths under base, on this app's origin.
	mv, err := New(Config{Mode: Dev, Base: "/static/"})
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, "middleware mode", tags(t, mv, "src/main.js"), []string{
		`<script type="module" src="/static/@vite/client"></script>`,
		`<script type="module" src="/static/src/main.js"></script>`,
	})

	// With ReloadPath, a listener comes after the client.
	rv, err := New(Config{DevServerURL: "http://[::1]:5173", ReloadPath: "/__reload"})
	if err != nil {
		t.Fatal(err)
	}
	got = tags(t, rv, "src/main.js")
	if len(got) < 3 || got[0] != `<script type="module" src="http://[::1]:5173/@vite/client"></script>` || !strings.Contains(strings.Join(got, "\n"), `new EventSource("/__reload")`) ||
		got[len(got)-1] != `<script type="module" src="http://[::1]:5173/src/main.js"></script>` {
		t.Errorf("dev tags with ReloadPath:\n%s", strings.Join(got, "\n"))
	}
}

func TestBackendHotFileDetection(t *testing.T) {
	dir := t.TempDir()
	hot := filepath.Join(dir, "hot")
	v, err := New(Config{FS: distFS(diamond), HotFile: hot})
	if err != nil {
		t.Fatal(err)
	}
	v.ttl = 0
	if v.IsDev() {
		t.Fatal("dev without a hot file")
	}
	checkLines(t, "prod", tags(t, v, "src/theme.css"), []string{css("/assets/theme-TTTTTTTT.css")})

	// The dev server starts: it writes its URL (with its base) into the hot file.
	if err := os.WriteFile(hot, []byte("http://localhost:5173/base\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !v.IsDev() {
		t.Fatal("not dev with a hot file")
	}
	checkLines(t, "dev", tags(t, v, "src/theme.css"), []string{
		`<script type="module" src="http://localhost:5173/base/@vite/client"></script>`,
		`<link rel="stylesheet" href="http://localhost:5173/base/src/theme.css">`,
	})
	// It restarts on another port.
	if err := os.WriteFile(hot, []byte("http://localhost:5174\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if u := v.DevServerURL(); u != "http://localhost:5174/" {
		t.Errorf("after a restart on another port: DevServerURL %q", u)
	}
	// A garbled hot file is an error that names it.
	if err := os.WriteFile(hot, []byte("localhost:5173"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Tags("src/main.js"); err == nil || !strings.Contains(err.Error(), hot) {
		t.Errorf("garbled hot file: error %v", err)
	}
	// An empty hot file (being written) counts as no hot file yet.
	if err := os.WriteFile(hot, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Tags("src/theme.css"); err != nil || v.IsDev() {
		t.Errorf("empty hot file: IsDev %v, Tags error %v", v.IsDev(), err)
	}
	// It stops: production again.
	if err := os.Remove(hot); err != nil {
		t.Fatal(err)
	}
	if v.IsDev() {
		t.Error("still dev after the hot file was removed")
	}

	// The state is cached for ttl: a hot file appearing is seen after at most ttl.
	v.ttl = 50 * time.Millisecond
	v.IsDev()
	os.WriteFile(hot, []byte("http://localhost:5173\n"), 0o644)
	deadline := time.Now().Add(2 * time.Second)
	for !v.IsDev() {
		if time.Now().After(deadline) {
			t.Fatal("the hot file was not picked up")
		}
		time.Sleep(10 * time.Millisecond)
	}

	// Mode Dev with a hot file that does not exist is an error that says so.
	dv, err := New(Config{Mode: Dev, HotFile: filepath.Join(dir, "nope")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dv.Tags("src/main.js"); err == nil || !strings.Contains(err.Error(), "nope does not exist") {
		t.Errorf("Mode Dev without the hot file: error %v", err)
	}
}

func TestBackendNewErrors(t *testing.T) {
	for name, cfg := range map[string]Config{
		"nothing":      {},
		"FS and Dir":   {FS: fstest.MapFS{}, Dir: "dist"},
		"prod no FS":   {Mode: Prod, HotFile: "hot"},
		"bad URL":      {DevServerURL: "localhost:5173"},
		"bad mode":     {Mode: 7, Dir: "dist"},
		"bad manifest": {Mode: Prod, FS: fstest.MapFS{".vite/manifest.json": {Data: []byte("{")}}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

func TestBackendFuncMap(t *testing.T) {
	const page = `<head>{{ vite "src/main.js" "src/theme.css" }}{{ viteReactRefresh }}</head>
<img src="{{ viteAsset "src/logo.png" }}">{{ if viteIsDev }}dev{{ else }}prod{{ end }}`
	run := func(v *Vite) (string, error) {
		tmpl := template.Must(template.New("page").Funcs(v.FuncMap()).Parse(page))
		var b bytes.Buffer
		err := tmpl.Execute(&b, nil)
		return b.String(), err
	}
	v := newProd(t, Config{Base: "/static/"})
	out, err := run(v)
	if err != nil {
		t.Fatal(err)
	}
	want := "<head>" + strings.Join([]string{
		script("/static/assets/main-MMMMMMMM.js"),
		preload("/static/assets/c-CCCCCCCC.js"),
		preload("/static/assets/a-AAAAAAAA.js"),
		preload("/static/assets/b-BBBBBBBB.js"),
		css("/static/assets/c-CCCCCCCC.css"),
		css("/static/assets/c2-CCCCCCCC.css"),
		css("/static/assets/a-AAAAAAAA.css"),
		css("/static/assets/b-BBBBBBBB.css"),
		css("/static/assets/main-MMMMMMMM.css"),
		css("/static/assets/theme-TTTTTTTT.css"),
	}, "\n") + "</head>\n" + `<img src="/static/assets/logo-LLLLLLLL.png">prod`
	if out != want {
		t.Errorf("template output:\n%s\nwant:\n%s", out, want)
	}

	dv, err := New(Config{DevServerURL: "http://localhost:5173"})
	if err != nil {
		t.Fatal(err)
	}
	out, err = run(dv)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`src="http://localhost:5173/src/main.js"`, `import RefreshRuntime from "http://localhost:5173/@react-refresh"`, `<img src="http://localhost:5173/src/logo.png">dev`} {
		if !strings.Contains(out, w) {
			t.Errorf("dev template output lacks %s:\n%s", w, out)
		}
	}

	// A missing entry fails the template with the error.
	tmpl := template.Must(template.New("bad").Funcs(v.FuncMap()).Parse(`{{ vite "src/nope.js" }}`))
	if err := tmpl.Execute(&bytes.Buffer{}, nil); err == nil || !strings.Contains(err.Error(), `"src/nope.js"`) {
		t.Errorf("template with a missing entry: error %v", err)
	}
}

// TestVite8Manifest checks Tags against a real Vite 8.3.8 build (testdata/vite8, see its README): for
// each HTML entry, the tags must be exactly those Vite injected into the built page.
func TestBackendVite8Manifest(t *testing.T) {
	dist := filepath.Join("testdata", "vite8", "dist")
	v := newProd(t, Config{Dir: dist, Base: "/static/"})
	m, err := v.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	entries := m.Entries()
	if strings.Join(entries, " ") != "e1.html e2.html e3.html e4.html src/style.css" {
		t.Fatalf("entries %q", entries)
	}
	for _, page := range []string{"e1.html", "e2.html", "e3.html", "e4.html"} {
		want := viteInjectedTags(t, filepath.Join(dist, page))
		if len(want) < 3 {
			t.Fatalf("%s: found only %q in the page Vite built", page, want)
		}
		checkLines(t, page, tags(t, v, page), want)
	}
	checkLines(t, "CSS entry", tags(t, v, "src/style.css"), []string{css("/static/assets/style-DQflBI5Z.css")})
	if a, err := v.Asset("src/logo.svg"); err != nil || a != "/static/assets/logo-CgKk8PVA.svg" {
		t.Errorf("Asset(src/logo.svg) = %q, %v", a, err)
	}
	// The manifest round-trips through Chunk without losing a field.
	raw, _ := os.ReadFile(filepath.Join(dist, ".vite", "manifest.json"))
	var a, b any
	json.Unmarshal(raw, &a)
	again, _ := json.Marshal(m)
	json.Unmarshal(again, &b)
	if x, y := mustJSON(a), mustJSON(b); x != y {
		t.Errorf("manifest changed through Manifest:\n%s\n%s", x, y)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

var injectedTagRE = regexp.MustCompile(`<(?:script type="module"|link rel="(?:modulepreload|stylesheet)")[^>]*>(?:</script>)?`)

// viteInjectedTags returns the script and link tags of a page Vite built, in order.
func viteInjectedTags(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return injectedTagRE.FindAllString(string(data), -1)
}
