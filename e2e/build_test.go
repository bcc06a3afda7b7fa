package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govite/govite"
	"github.com/govite/govite/internal/testutil/browser"
)

// importedChunks returns the chunks an entry imports, recursively, dependencies first: the
// importedChunks function of Vite's backend-integration guide.
func importedChunks(t testing.TB, m govite.Manifest, name string) []*govite.ManifestChunk {
	t.Helper()
	seen := map[string]bool{}
	var walk func(c *govite.ManifestChunk) []*govite.ManifestChunk
	walk = func(c *govite.ManifestChunk) []*govite.ManifestChunk {
		var chunks []*govite.ManifestChunk
		for _, key := range c.Imports {
			if seen[key] {
				continue
			}
			seen[key] = true
			imp := m[key]
			if imp == nil {
				t.Fatalf("manifest: %q imports %q, which is not a key of the manifest", name, key)
			}
			chunks = append(chunks, walk(imp)...)
			chunks = append(chunks, imp)
		}
		return chunks
	}
	return walk(manifestChunk(t, m, name))
}

// manifestChunk returns m[key] or fails the test listing the keys.
func manifestChunk(t testing.TB, m govite.Manifest, key string) *govite.ManifestChunk {
	t.Helper()
	c := m[key]
	if c == nil {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		t.Fatalf("manifest has no key %q; keys: %q", key, keys)
	}
	return c
}

// renderPage renders the HTML a backend writes for entry, as Vite's backend-integration guide
// shows: stylesheets of the entry and of every chunk it imports (recursively), the entry script, and
// modulepreload links for the imported chunks.
func renderPage(t testing.TB, m govite.Manifest, entry, mountID string) string {
	t.Helper()
	c := manifestChunk(t, m, entry)
	imported := importedChunks(t, m, entry)
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>" + html.EscapeString(entry) + "</title>\n")
	for _, css := range c.CSS {
		fmt.Fprintf(&b, "<link rel=\"stylesheet\" href=\"/%s\">\n", html.EscapeString(css))
	}
	for _, ic := range imported {
		for _, css := range ic.CSS {
			fmt.Fprintf(&b, "<link rel=\"stylesheet\" href=\"/%s\">\n", html.EscapeString(css))
		}
	}
	fmt.Fprintf(&b, "<script type=\"module\" src=\"/%s\"></script>\n", html.EscapeString(c.File))
	for _, ic := range imported {
		fmt.Fprintf(&b, "<link rel=\"modulepreload\" href=\"/%s\">\n", html.EscapeString(ic.File))
	}
	fmt.Fprintf(&b, "</head>\n<body>\n<div id=\"%s\"></div>\n</body>\n</html>\n", mountID)
	return b.String()
}

// serveBuild serves root/dist as static files, plus "/" (main entry) and "/admin/" (admin entry)
// rendered from the manifest.
func serveBuild(t testing.TB, root string, m govite.Manifest) (srv *httptest.Server, mainHTML, adminHTML string) {
	t.Helper()
	mainHTML = renderPage(t, m, "src/main.js", "app")
	adminHTML = renderPage(t, m, "src/admin.js", "admin")
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			fmt.Fprint(w, body)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", page(mainHTML))
	mux.HandleFunc("/admin/{$}", page(adminHTML))
	mux.Handle("/", http.FileServer(http.Dir(filepath.Join(root, "dist"))))
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, mainHTML, adminHTML
}

// lazyRuleJS is true when some stylesheet of the document holds a rule for .lazy.
const lazyRuleJS = `[...document.styleSheets].some((s) => {
  try { return [...s.cssRules].some((r) => r.selectorText === '.lazy') } catch (e) { return false }
})`

func TestBuildExampleInBrowser(t *testing.T) {
	t.Parallel()
	root := copyExample(t, "basic", filepath.Join(t.TempDir(), "basic"))
	res := goviteBuild(t, root)
	m := res.Manifest

	// The manifest in the result is the one written to dist.
	written := readManifest(t, root)
	inResult := rawManifest{}
	if data, err := json.Marshal(m); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(data, &inResult); err != nil {
		t.Fatal(err)
	}
	if d := diffManifests(written, inResult, "dist/.vite/manifest.json", "BuildResult.Manifest"); d != "" {
		t.Errorf("BuildResult.Manifest differs from dist/.vite/manifest.json:\n%s", d)
	}

	var data struct{ Title string }
	if err := json.Unmarshal(readFile(t, root, "src/data.json"), &data); err != nil || data.Title == "" {
		t.Fatalf("src/data.json: no title (%v)", err)
	}
	bigPNG := readFile(t, root, "src/assets/big.png")
	smallPNG := readFile(t, root, "src/assets/small.png")
	robots := readFile(t, root, "public/robots.txt")
	bigFile := manifestChunk(t, m, "src/assets/big.png").File
	lazy := manifestChunk(t, m, "src/views/lazy.js")
	if len(lazy.CSS) == 0 {
		t.Fatalf("manifest: src/views/lazy.js has no css, want its lazy.css: %s", prettyJSON(lazy))
	}

	srv, mainHTML, adminHTML := serveBuild(t, root, m)
	t.Logf("main page:\n%s\nadmin page:\n%s", mainHTML, adminHTML)
	b := browser.New(t)

	// checkDataPNG checks that s (a URL, or a url("...") value) is a data:image/png;base64 URL of want.
	checkDataPNG := func(t *testing.T, what, s string, want []byte) {
		t.Helper()
		s = strings.TrimSuffix(strings.TrimPrefix(s, `url("`), `")`)
		enc, ok := strings.CutPrefix(s, "data:image/png;base64,")
		if !ok {
			t.Errorf("%s = %.80q, want a data:image/png;base64 URL (small.png is under assetsInlineLimit)", what, s)
			return
		}
		got, err := base64.StdEncoding.DecodeString(enc)
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: the data: URL does not hold small.png (decode error %v, %d bytes, want %d)", what, err, len(got), len(want))
		}
	}

	t.Run("main", func(t *testing.T) {
		p := b.Page(t, srv.URL+"/")
		p.WaitFor(t, "window.__mainReady === true", 5*time.Second)

		if got := p.Text(t, "#app .title"); got != data.Title {
			t.Errorf("#app .title text = %q, want %q (the title from src/data.json)", got, data.Title)
		}
		if got := p.Text(t, "#app .shared"); got != "Hello from main" {
			t.Errorf("#app .shared text = %q, want %q", got, "Hello from main")
		}
		if got := p.ComputedStyle(t, "#app .title", "color"); got != "rgb(255, 0, 0)" {
			t.Errorf("#app .title color = %q, want rgb(255, 0, 0) (src/main.css)", got)
		}
		if got := p.ComputedStyle(t, "#app .shared", "color"); got != "rgb(0, 0, 255)" {
			t.Errorf("#app .shared color = %q, want rgb(0, 0, 255) (src/shared.css, in the shared chunk's CSS)", got)
		}

		// The big image: an emitted, hashed file that loads.
		p.WaitFor(t, `(() => { const i = document.getElementById('big'); return i && i.complete })()`, 5*time.Second)
		var big struct {
			Src          string `json:"src"`
			NaturalWidth int    `json:"naturalWidth"`
		}
		p.Eval(t, `(() => { const i = document.getElementById('big'); return { src: i.src, naturalWidth: i.naturalWidth } })()`, &big)
		if big.Src != srv.URL+"/"+bigFile {
			t.Errorf("#big src = %q, want %q (manifest file of src/assets/big.png)", big.Src, srv.URL+"/"+bigFile)
		}
		if big.NaturalWidth != 48 {
			t.Errorf("#big naturalWidth = %d, want 48 (the image did not load)", big.NaturalWidth)
		}

		// CSS url() of the small image is inlined.
		checkDataPNG(t, "#main-icon background-image", p.ComputedStyle(t, "#main-icon", "background-image"), smallPNG)

		// The public file.
		var pub struct {
			Status int    `json:"status"`
			Text   string `json:"text"`
		}
		p.Eval(t, `fetch('/robots.txt').then(async (r) => ({ status: r.status, text: await r.text() }))`, &pub)
		if pub.Status != 200 || pub.Text != string(robots) {
			t.Errorf("GET /robots.txt = %d %q, want 200 %q (public/robots.txt copied to dist)", pub.Status, pub.Text, robots)
		}

		// Before loadLazy: no .lazy rule, a probe element is not green, the lazy chunk and its CSS
		// were not requested.
		var hasRule bool
		p.Eval(t, lazyRuleJS, &hasRule)
		if hasRule {
			t.Errorf("a stylesheet holds the .lazy rule before window.loadLazy(): lazy.css leaked into the entry's CSS")
		}
		var probeColor string
		p.Eval(t, `(() => { const el = document.createElement('p'); el.id = 'probe'; el.className = 'lazy'; el.textContent = 'probe';
			document.body.appendChild(el); return getComputedStyle(el).color })()`, &probeColor)
		if probeColor == "rgb(0, 128, 0)" {
			t.Errorf(".lazy probe is green before window.loadLazy(), want lazy.css not applied yet")
		}
		lazyCSSURL := srv.URL + "/" + lazy.CSS[0]
		lazyJSURL := srv.URL + "/" + lazy.File
		for _, r := range p.Requests() {
			if r.URL == lazyCSSURL || r.URL == lazyJSURL {
				t.Errorf("%s was requested before window.loadLazy(): %v", r.URL, r)
			}
		}

		// loadLazy resolves once the chunk ran and its CSS is applied (the preload helper waits for
		// the stylesheet's load event).
		var after struct {
			Text  string `json:"text"`
			Color string `json:"color"`
			Probe string `json:"probe"`
		}
		p.Eval(t, `window.loadLazy().then(() => {
			const el = document.getElementById('lazy')
			return { text: el ? el.textContent : null, color: el ? getComputedStyle(el).color : null,
				probe: getComputedStyle(document.getElementById('probe')).color }
		})`, &after)
		if after.Text != "Hello from lazy (lazy view loaded)" {
			t.Errorf("#lazy text after loadLazy() = %q, want %q", after.Text, "Hello from lazy (lazy view loaded)")
		}
		if after.Color != "rgb(0, 128, 0)" || after.Probe != "rgb(0, 128, 0)" {
			t.Errorf("after loadLazy() resolved: #lazy color %q, .lazy probe color %q, want rgb(0, 128, 0) for both", after.Color, after.Probe)
		}
		p.Eval(t, lazyRuleJS, &hasRule)
		if !hasRule {
			t.Errorf("no stylesheet holds the .lazy rule after window.loadLazy()")
		}
		for _, u := range []string{lazyCSSURL, lazyJSURL} {
			r := p.WaitForRequest(t, u, 5*time.Second)
			if r.Status != 200 {
				t.Errorf("after loadLazy(): %v, want status 200", r)
			}
		}
		p.ExpectNoErrors(t)
	})

	t.Run("admin", func(t *testing.T) {
		p := b.Page(t, srv.URL+"/admin/")
		p.WaitFor(t, "window.__adminReady === true", 5*time.Second)

		if got := p.Text(t, "#admin .title"); got != "Admin" {
			t.Errorf("#admin .title text = %q, want %q", got, "Admin")
		}
		if got := p.Text(t, "#admin .shared"); got != "Hello from admin" {
			t.Errorf("#admin .shared text = %q, want %q", got, "Hello from admin")
		}
		if got := p.ComputedStyle(t, "#admin .title", "color"); got != "rgb(128, 0, 128)" {
			t.Errorf("#admin .title color = %q, want rgb(128, 0, 128) (src/admin.css)", got)
		}
		if got := p.ComputedStyle(t, "#admin .shared", "color"); got != "rgb(0, 0, 255)" {
			t.Errorf("#admin .shared color = %q, want rgb(0, 0, 255) (src/shared.css)", got)
		}

		// The small image imported from JS is a data: URL.
		p.WaitFor(t, `(() => { const i = document.getElementById('small'); return i && i.complete })()`, 5*time.Second)
		var small struct {
			Src          string `json:"src"`
			NaturalWidth int    `json:"naturalWidth"`
		}
		p.Eval(t, `(() => { const i = document.getElementById('small'); return { src: i.src, naturalWidth: i.naturalWidth } })()`, &small)
		checkDataPNG(t, "#small src", small.Src, smallPNG)
		if small.NaturalWidth != 16 {
			t.Errorf("#small naturalWidth = %d, want 16", small.NaturalWidth)
		}

		// CSS url() of the big image points at the hashed file, which is served.
		bg := p.ComputedStyle(t, "#admin-banner", "background-image")
		wantBG := `url("` + srv.URL + "/" + bigFile + `")`
		if bg != wantBG {
			t.Errorf("#admin-banner background-image = %q, want %q", bg, wantBG)
		}
		var fetched struct {
			Status int    `json:"status"`
			Type   string `json:"type"`
			Size   int    `json:"size"`
		}
		bgURL := strings.TrimSuffix(strings.TrimPrefix(bg, `url("`), `")`)
		p.Eval(t, `fetch(`+jsString(bgURL)+`).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength }))`, &fetched)
		if fetched.Status != 200 || fetched.Type != "image/png" || fetched.Size != len(bigPNG) {
			t.Errorf("GET %s = %d %q %d bytes, want 200 image/png %d bytes (src/assets/big.png)", bgURL, fetched.Status, fetched.Type, fetched.Size, len(bigPNG))
		}
		p.ExpectNoErrors(t)
	})
}

func jsString(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

// TestManifestMatchesVite8 builds examples/basic with real Vite 8 (the pinned toolchain in
// e2e/vite8) and with govite, and compares the manifests with hashes normalised.
func TestManifestMatchesVite8(t *testing.T) {
	t.Parallel()
	vite8 := filepath.Join(repoRoot(t), "e2e", "vite8")
	viteJS := filepath.Join(vite8, "node_modules", "vite", "bin", "vite.js")
	requireTool(t, fileExists(viteJS), "Vite 8 is not installed: "+viteJS+" is missing; run `npm ci` in e2e/vite8 (scripts/test does)")
	node, err := lookNode()
	requireTool(t, err == nil, "node is not installed (needed to run Vite 8 from e2e/vite8)")

	// The Vite copy lives under e2e/vite8 so that `vite` resolves from e2e/vite8/node_modules.
	workRoot := filepath.Join(vite8, ".work")
	if err := os.MkdirAll(workRoot, 0o755); err != nil {
		t.Fatal(err)
	}
	work, err := os.MkdirTemp(workRoot, "basic-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(work) })
	viteRoot := copyExample(t, "basic", work)
	goRoot := copyExample(t, "basic", filepath.Join(t.TempDir(), "basic"))

	// Both builds at once: Vite in a goroutine (no t.Fatal there), govite on the test goroutine.
	type viteOutcome struct {
		res cmdResult
		err error
	}
	done := make(chan viteOutcome, 1)
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait) // runs before the .work copy is removed, even when govite's build fails
	wg.Add(1)
	go func() {
		defer wg.Done()
		res, err := runCmdNoFatal(60*time.Second, viteRoot, []string{"NO_COLOR=1"}, node, viteJS, "build")
		done <- viteOutcome{res, err}
	}()
	goviteBuild(t, goRoot)
	vite := <-done
	if vite.err != nil {
		t.Fatal(vite.err)
	}
	if vite.res.Code != 0 {
		t.Fatalf("vite build in %s failed:\n%s", viteRoot, vite.res)
	}
	t.Logf("vite build took %v", vite.res.Duration.Round(time.Millisecond))

	want := normalizeManifest(readManifest(t, viteRoot))
	got := normalizeManifest(readManifest(t, goRoot))
	if d := diffManifests(want, got, "vite", "govite"); d != "" {
		t.Errorf("govite's manifest differs from Vite 8's (hashes normalised to -HASH.ext):\n%s\nVite 8:\n%s\ngovite:\n%s", d, prettyJSON(want), prettyJSON(got))
	}

	// The same set of output files, hashes normalised.
	files := func(root string) []string {
		var out []string
		for p := range snapshotDir(t, filepath.Join(root, "dist")) {
			out = append(out, normalizeName(p))
		}
		return sortedUnique(out)
	}
	if w, g := files(viteRoot), files(goRoot); strings.Join(w, "\n") != strings.Join(g, "\n") {
		t.Errorf("dist files differ (hashes normalised):\nVite 8: %q\ngovite: %q", w, g)
	}
}

// TestBuildIsDeterministic builds examples/basic several times, in different folders, and expects
// the same dist/ every time: Vite's file names depend only on content (moving the project to another
// absolute path gives identical names too).
func TestBuildIsDeterministic(t *testing.T) {
	t.Parallel()
	const builds = 4
	var first map[string][]byte
	for i := range builds {
		root := copyExample(t, "basic", filepath.Join(t.TempDir(), fmt.Sprintf("basic%d", i)))
		goviteBuild(t, root)
		files := snapshotDir(t, filepath.Join(root, "dist"))
		if first == nil {
			first = files
			continue
		}
		if d := diffSnapshots(first, files); d != "" {
			t.Fatalf("build %d of the same project differs from build 1 (file names are hashes, so the same content must give the same names):\n%s", i+1, d)
		}
	}
}
