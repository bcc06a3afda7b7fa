package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govite/govite"
	"github.com/govite/govite/backend"
	exdev "github.com/govite/govite/examples/go-backend/dev"
	"github.com/govite/govite/internal/testutil/browser"
)

// The end-to-end tests of package backend run examples/go-backend (a net/http + html/template app) in
// headless Chromium: built and served from the build (in process and as the -tags prod binary with
// the build embedded), beside a dev server that writes its hot file, and with the dev server mounted
// in the app (middleware mode).

var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// goBackendCopy copies examples/go-backend (without any local build or hot file) to a temp folder.
func goBackendCopy(t *testing.T) (root, web string) {
	t.Helper()
	root = copyExample(t, "go-backend", filepath.Join(t.TempDir(), "go-backend"))
	web = filepath.Join(root, "web")
	os.Remove(filepath.Join(web, "hot"))
	return root, web
}

// mustGet fetches url and returns the response with its body read.
func mustGet(t *testing.T, url string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// imgLoadedJS is true when the image with that id loaded with the example's 64px gopher.
func imgLoadedJS(id string) string {
	return fmt.Sprintf(`(() => { const i = document.getElementById(%q); return !!i && i.complete && i.naturalWidth === 64 })()`, id)
}

func checkNoErrors(t *testing.T, p *browser.Page) {
	t.Helper()
	for _, r := range p.FailedRequests() {
		t.Errorf("failed request: %s", r)
	}
	for _, e := range p.Exceptions() {
		t.Errorf("exception: %s", e)
	}
}

// checkBuiltSite checks the example served from its build at appURL: the HTML has the manifest's
// tags, hashed files are immutable, and in the browser both pages render with their styles, images
// and the lazy chunk, without a failed request.
func checkBuiltSite(t *testing.T, appURL string, m backend.Manifest) {
	mainFile := m["src/main.js"].File
	lazyFile := m["src/lazy.js"].File
	gopherFile := m["src/images/gopher.png"].File

	res, html := mustGet(t, appURL+"/", nil)
	if res.StatusCode != 200 {
		t.Fatalf("GET /: %d\n%s", res.StatusCode, html)
	}
	for _, want := range []string{
		`<script type="module" crossorigin src="/` + mainFile + `"></script>`,
		`<link rel="modulepreload" crossorigin href="/` + m[m["src/main.js"].Imports[0]].File + `">`,
		`<img id="gopher" alt="gopher" width="64" height="64" src="/` + gopherFile + `">`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("GET / lacks %s:\n%s", want, html)
		}
	}
	if strings.Contains(html, lazyFile) || strings.Contains(html, "@vite/client") {
		t.Errorf("GET / names the lazy chunk or the dev client:\n%s", html)
	}
	res, _ = mustGet(t, appURL+"/"+mainFile, nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("GET /%s: %d, Content-Type %q, Cache-Control %q", mainFile, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
	}
	if res, _ := mustGet(t, appURL+"/"+mainFile, map[string]string{"If-None-Match": res.Header.Get("ETag")}); res.StatusCode != 304 {
		t.Errorf("GET /%s with its ETag: %d, want 304", mainFile, res.StatusCode)
	}
	if res, _ := mustGet(t, appURL+"/.vite/manifest.json", nil); res.StatusCode != 404 {
		t.Errorf("GET /.vite/manifest.json: %d, want 404", res.StatusCode)
	}

	b := browser.New(t)
	p := b.Page(t, appURL+"/")
	p.WaitFor(t, `window.__appReady === true`, 10*time.Second)
	if got := p.Text(t, "#greeting"); got != "Hello from the Go backend example" {
		t.Errorf("#greeting = %q", got)
	}
	if got := p.ComputedStyle(t, "#title", "color"); got != "rgb(0, 125, 156)" {
		t.Errorf("#title color = %q, want rgb(0, 125, 156) (src/main.css)", got)
	}
	if got := p.ComputedStyle(t, "#footer", "color"); got != "rgb(85, 85, 85)" {
		t.Errorf("#footer color = %q, want rgb(85, 85, 85) (src/shared.css, the shared chunk's CSS)", got)
	}
	if got := p.Text(t, "#footer"); got != "Rendered by Go, enhanced by Vite (home)" {
		t.Errorf("#footer = %q (src/shared.js)", got)
	}
	p.WaitFor(t, imgLoadedJS("gopher"), 5*time.Second)
	p.WaitFor(t, imgLoadedJS("gopher-js"), 5*time.Second)
	for _, r := range p.Requests() {
		if strings.Contains(r.URL, lazyFile) {
			t.Errorf("the lazy chunk was loaded before it was imported: %s", r)
		}
	}
	p.Click(t, "#load-lazy")
	p.WaitFor(t, `document.getElementById('lazy').textContent === 'Loaded lazily'`, 5*time.Second)
	p.WaitFor(t, `getComputedStyle(document.getElementById('lazy')).color === 'rgb(0, 128, 0)'`, 5*time.Second)
	checkNoErrors(t, p)

	about := b.Page(t, appURL+"/about")
	about.WaitFor(t, `window.__appReady === true`, 10*time.Second)
	if got := about.ComputedStyle(t, "#title", "color"); got != "rgb(206, 48, 98)" {
		t.Errorf("/about #title color = %q, want rgb(206, 48, 98) (src/about.css)", got)
	}
	if got := about.Text(t, "#footer"); got != "Rendered by Go, enhanced by Vite (about)" {
		t.Errorf("/about #footer = %q", got)
	}
	checkNoErrors(t, about)
}

func TestBackendProduction(t *testing.T) {
	t.Parallel()
	root, web := goBackendCopy(t)
	res := goviteBuild(t, web)
	m, err := backend.ReadManifest(os.DirFS(filepath.Join(web, "dist")), backend.DefaultManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != len(res.Manifest) || m["src/main.js"] == nil || m["src/lazy.js"] == nil || m["src/images/gopher.png"] == nil || len(m["src/main.js"].Imports) != 1 {
		t.Fatalf("the example's manifest lacks what the test expects (main with one shared chunk, lazy, the image): %v", m.Keys())
	}

	t.Run("in process", func(t *testing.T) {
		s, err := exdev.New(context.Background(), exdev.Options{Mode: exdev.Prod, Web: web, Templates: filepath.Join(root, "templates"), Logger: discardLogger})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s.Handler)
		t.Cleanup(srv.Close)
		t.Cleanup(func() { s.Close() })
		checkBuiltSite(t, srv.URL, m)
	})

	t.Run("binary with the build embedded", func(t *testing.T) {
		bin := buildProdBinary(t, root)
		port := freePort(t)
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, bin, "-addr", fmt.Sprintf("127.0.0.1:%d", port))
		cmd.Dir = t.TempDir() // nothing on disk: everything comes from the binary
		var out strings.Builder
		var mu sync.Mutex
		cmd.Stdout, cmd.Stderr = lockedWriter{&mu, &out}, lockedWriter{&mu, &out}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cancel(); cmd.Wait() })
		appURL := fmt.Sprintf("http://127.0.0.1:%d", port)
		deadline := time.Now().Add(10 * time.Second)
		for {
			res, err := http.Get(appURL + "/")
			if err == nil {
				res.Body.Close()
				break
			}
			if time.Now().After(deadline) {
				mu.Lock()
				t.Fatalf("the binary does not answer on %s: %v\n%s", appURL, err, out.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
		checkBuiltSite(t, appURL, m)
	})
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// buildProdBinary builds the example as its README says for production (go build -tags prod, with
// web/dist embedded) in a module of its own next to the copy, which uses this repository through a
// replace directive, and returns the binary's path. It also checks that the binary does not link the
// bundler.
func buildProdBinary(t *testing.T, root string) string {
	t.Helper()
	repo := repoRoot(t)
	mod := filepath.Join(t.TempDir(), "bin")
	for _, f := range []string{"main.go", "run_prod.go"} {
		writeFile(t, mod, f, string(readFile(t, root, f)))
	}
	copyDir(t, filepath.Join(root, "templates"), filepath.Join(mod, "templates"))
	// copyDir skips dist folders: copy the build explicitly.
	distSrc := filepath.Join(root, "web", "dist")
	err := filepath.WalkDir(distSrc, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(distSrc, p)
		writeFile(t, filepath.Join(mod, "web", "dist"), filepath.ToSlash(rel), string(readFile(t, distSrc, rel)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, mod, "go.mod", fmt.Sprintf("module gobackendbin\n\ngo 1.26.0\n\nrequire github.com/govite/govite v0.0.0\n\nreplace github.com/govite/govite => %s\n", repo))
	writeFile(t, mod, "go.sum", string(readFile(t, repo, "go.sum")))
	bin := filepath.Join(mod, "go-backend")
	env := []string{"GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off"}
	res := runCmd(t, 2*time.Minute, mod, env, goBinary(t), "build", "-tags", "prod", "-o", bin, ".")
	if res.Code != 0 {
		t.Fatalf("go build -tags prod of the example failed:\n%s", res)
	}
	deps := runCmd(t, time.Minute, mod, env, goBinary(t), "list", "-tags", "prod", "-deps", ".")
	for _, dep := range strings.Fields(deps.Stdout) {
		if strings.HasPrefix(dep, "github.com/govite/govite") && dep != "github.com/govite/govite/backend" && dep != "github.com/govite/govite/examples/go-backend/app" {
			t.Errorf("the production binary links %s; it must link only backend and the app", dep)
		}
		if strings.Contains(dep, "esbuild") {
			t.Errorf("the production binary links %s", dep)
		}
	}
	return bin
}

// startExampleDev starts a dev server for the example's web folder on a free port, with server.origin
// and the hot file the example's vite.config.js sets up (on another port), and returns its URL.
func startExampleDev(t *testing.T, web string) (*govite.Server, string) {
	t.Helper()
	port := freePort(t)
	devURL := fmt.Sprintf("http://localhost:%d", port)
	srv := startDev(t, web, func(c *govite.Config) {
		c.Server.Port = port
		c.Server.Origin = devURL
		c.Server.HotFile = "hot"
	})
	if got := strings.TrimSpace(string(readFile(t, web, "hot"))); got != devURL {
		t.Fatalf("web/hot = %q, want %q", got, devURL)
	}
	return srv, devURL
}

// checkDevPage checks a development page: it renders, a JS edit and a CSS edit apply without a reload,
// and a template edit reloads it. assetOrigin is where image URLs point.
func checkDevPage(t *testing.T, p *browser.Page, root, web, assetOrigin string) {
	p.WaitFor(t, `window.__appReady === true`, 15*time.Second)
	if got := p.Text(t, "#greeting"); got != "Hello from the Go backend example" {
		t.Errorf("#greeting = %q", got)
	}
	p.WaitFor(t, `getComputedStyle(document.getElementById('title')).color === 'rgb(0, 125, 156)'`, 5*time.Second)
	if got := p.ComputedStyle(t, "#footer", "color"); got != "rgb(85, 85, 85)" {
		t.Errorf("#footer color = %q, want rgb(85, 85, 85) (src/shared.css)", got)
	}
	p.WaitFor(t, imgLoadedJS("gopher"), 5*time.Second)
	p.WaitFor(t, imgLoadedJS("gopher-js"), 5*time.Second)
	var srcs struct {
		Template string `json:"template"`
		JS       string `json:"js"`
	}
	p.Eval(t, `({ template: document.getElementById('gopher').src, js: document.getElementById('gopher-js').src })`, &srcs)
	if !strings.HasPrefix(srcs.Template, assetOrigin+"/src/images/gopher.png") || !strings.HasPrefix(srcs.JS, assetOrigin+"/src/images/gopher.png") {
		t.Errorf("image URLs: template %q, JS import %q; want both from %s", srcs.Template, srcs.JS, assetOrigin)
	}
	p.Click(t, "#load-lazy")
	p.WaitFor(t, `document.getElementById('lazy').textContent === 'Loaded lazily' && getComputedStyle(document.getElementById('lazy')).color === 'rgb(0, 128, 0)'`, 5*time.Second)

	p.Eval(t, `window.__marker = 1`, nil)
	t.Run("JS edit is hot-updated", func(t *testing.T) {
		writeFile(t, web, "src/greeting.js", "export const greeting = 'Hot updated'\n")
		p.WaitFor(t, `document.getElementById('greeting').textContent === 'Hot updated'`, 10*time.Second)
		p.WaitFor(t, `window.__marker === 1`, time.Second)
	})
	t.Run("CSS edit is hot-updated", func(t *testing.T) {
		writeFile(t, web, "src/main.css", "#title { color: rgb(200, 0, 0); }\n")
		p.WaitFor(t, `getComputedStyle(document.getElementById('title')).color === 'rgb(200, 0, 0)'`, 10*time.Second)
		p.WaitFor(t, `window.__marker === 1`, time.Second)
	})
	t.Run("template edit reloads the page", func(t *testing.T) {
		tmpl := string(readFile(t, root, "templates/index.html"))
		edited := strings.Replace(tmpl, `<h1 id="title">{{ .Heading }}</h1>`, `<h1 id="title">Edited template</h1>`, 1)
		if edited == tmpl {
			t.Fatal("templates/index.html has no <h1 id=\"title\">{{ .Heading }}</h1> to edit")
		}
		writeFile(t, root, "templates/index.html", edited)
		p.WaitFor(t, `window.__marker === undefined && document.getElementById('title')?.textContent === 'Edited template'`, 10*time.Second)
		p.WaitFor(t, `window.__appReady === true && document.getElementById('greeting').textContent === 'Hot updated'`, 10*time.Second)
	})
	checkNoErrors(t, p)
}

// TestBackendDevelopment runs the example beside a separate dev server (govite dev, here in the same
// test process but only connected through the hot file and HTTP): development tags from the hot file,
// hot updates, template reloads through the app's own event stream, and production again once the
// dev server stops.
func TestBackendDevelopment(t *testing.T) {
	t.Parallel()
	root, web := goBackendCopy(t)
	srv, devURL := startExampleDev(t, web)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := exdev.New(ctx, exdev.Options{Mode: exdev.Auto, Web: web, Templates: filepath.Join(root, "templates"), Logger: discardLogger})
	if err != nil {
		t.Fatal(err)
	}
	app := httptest.NewServer(s.Handler)
	t.Cleanup(app.Close)
	t.Cleanup(func() { s.Close() })
	if !s.Vite.IsDev() || s.Vite.DevServerURL() != devURL+"/" {
		t.Fatalf("IsDev %v, DevServerURL %q: the app did not pick up web/hot", s.Vite.IsDev(), s.Vite.DevServerURL())
	}
	_, html := mustGet(t, app.URL+"/", nil)
	for _, want := range []string{
		`<script type="module" src="` + devURL + `/@vite/client"></script>`,
		`<script type="module" src="` + devURL + `/src/main.js"></script>`,
		`new EventSource("/__reload")`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("GET / lacks %s:\n%s", want, html)
		}
	}

	b := browser.New(t)
	p := b.Page(t, app.URL+"/")
	checkDevPage(t, p, root, web, devURL)
	p.Close()

	// The dev server stops and removes its hot file: the app renders production tags again, and as
	// nothing was built the page says where it looked for the manifest.
	srv.Close()
	deadline := time.Now().Add(5 * time.Second)
	for s.Vite.IsDev() {
		if time.Now().After(deadline) {
			t.Fatal("the app still renders development tags after the dev server stopped")
		}
		time.Sleep(20 * time.Millisecond)
	}
	res, body := mustGet(t, app.URL+"/", nil)
	if want := filepath.Join(web, "dist", ".vite", "manifest.json"); res.StatusCode != 500 || !strings.Contains(body, want) {
		t.Errorf("GET / without dev server nor build: %d %q, want a 500 naming %s", res.StatusCode, body, want)
	}
}

// TestBackendMiddleware runs the example with govite's dev server mounted in the app (one process,
// one port): tags under the app's own origin, hot updates over the mounted HMR socket, and template
// edits reloading the page through the dev server's Reload.
func TestBackendMiddleware(t *testing.T) {
	t.Parallel()
	root, web := goBackendCopy(t)
	app := httptest.NewUnstartedServer(nil)
	appURL := "http://" + app.Listener.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := exdev.New(ctx, exdev.Options{Mode: exdev.Middleware, Web: web, Templates: filepath.Join(root, "templates"), AppURL: appURL, Logger: discardLogger})
	if err != nil {
		t.Fatal(err)
	}
	app.Config.Handler = s.Handler
	app.Start()
	t.Cleanup(app.Close)
	t.Cleanup(func() { s.Close() })
	if _, err := os.Stat(filepath.Join(web, "hot")); err == nil {
		t.Error("middleware mode wrote a hot file; it does not listen")
	}
	_, html := mustGet(t, appURL+"/", nil)
	for _, want := range []string{`<script type="module" src="/@vite/client"></script>`, `<script type="module" src="/src/main.js"></script>`} {
		if !strings.Contains(html, want) {
			t.Errorf("GET / lacks %s:\n%s", want, html)
		}
	}
	b := browser.New(t)
	p := b.Page(t, appURL+"/")
	checkDevPage(t, p, root, web, appURL)
}

// injectedTagRE finds the tags Vite injects into a built HTML page.
var injectedTagRE = regexp.MustCompile(`<(?:script type="module"|link rel="(?:modulepreload|stylesheet)")[^>]*>(?:</script>)?`)

// TestBackendVite8Tags builds backend/testdata/vite8 (four HTML pages whose shared chunks form a
// diamond) with the real Vite 8 and with govite. From Vite's manifest, backend's Tags must render
// exactly the tags Vite injected into each page. From govite's manifest it must render the same tags
// as govite's pages, and in every case a chunk's CSS and modulepreload come after those of the chunks
// it imports (the order in which Vite applies CSS).
func TestBackendVite8Tags(t *testing.T) {
	t.Parallel()
	src := filepath.Join(repoRoot(t), "backend", "testdata", "vite8")
	check := func(t *testing.T, root string, exactOrder bool) {
		dist := filepath.Join(root, "dist")
		v, err := backend.New(backend.Config{Dir: dist, Base: "/static/", Mode: backend.Prod})
		if err != nil {
			t.Fatal(err)
		}
		m, err := v.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		for _, page := range []string{"e1.html", "e2.html", "e3.html", "e4.html"} {
			want := injectedTagRE.FindAllString(string(readFile(t, dist, page)), -1)
			html, err := v.Tags(page)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Split(string(html), "\n")
			checkDependencyOrder(t, page, m, "/static/", got)
			switch {
			case len(want) < 3:
				t.Errorf("%s: only %q in the built page", page, want)
			case exactOrder && strings.Join(got, "\n") != strings.Join(want, "\n"):
				t.Errorf("%s: Tags:\n%s\nthe build injected:\n%s", page, html, strings.Join(want, "\n"))
			case !exactOrder && strings.Join(sortedUnique(slices.Clone(got)), "\n") != strings.Join(sortedUnique(slices.Clone(want)), "\n"):
				t.Errorf("%s: Tags renders other tags than the build injected:\n%s\nthe build injected:\n%s", page, html, strings.Join(want, "\n"))
			case !exactOrder && strings.Join(got, "\n") != strings.Join(want, "\n"):
				t.Logf("%s: govite's page orders the tags differently (Tags follows Vite's post-order walk):\nTags:\n%s\ngovite build:\n%s", page, html, strings.Join(want, "\n"))
			}
		}
	}
	t.Run("vite", func(t *testing.T) {
		t.Parallel()
		vite8 := filepath.Join(repoRoot(t), "e2e", "vite8")
		viteJS := filepath.Join(vite8, "node_modules", "vite", "bin", "vite.js")
		requireTool(t, fileExists(viteJS), "Vite 8 is not installed: "+viteJS+" is missing; run `npm ci` in e2e/vite8 (scripts/test does)")
		node, err := lookNode()
		requireTool(t, err == nil, "node is not installed (needed to run Vite 8 from e2e/vite8)")
		if err := os.MkdirAll(filepath.Join(vite8, ".work"), 0o755); err != nil {
			t.Fatal(err)
		}
		work, err := os.MkdirTemp(filepath.Join(vite8, ".work"), "backend-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(work) })
		copyDir(t, src, work)
		res := runCmd(t, 60*time.Second, work, []string{"NO_COLOR=1"}, node, viteJS, "build")
		if res.Code != 0 {
			t.Fatalf("vite build failed:\n%s", res)
		}
		check(t, work, true)
		// The committed manifest is what this Vite writes.
		want := normalizeManifest(readManifest(t, src))
		got := normalizeManifest(readManifest(t, work))
		if d := diffManifests(want, got, "testdata", "vite"); d != "" {
			t.Errorf("backend/testdata/vite8 is out of date with Vite 8's output:\n%s", d)
		}
	})
	t.Run("govite", func(t *testing.T) {
		t.Parallel()
		root := filepath.Join(t.TempDir(), "vite8")
		copyDir(t, src, root)
		goviteBuild(t, root)
		check(t, root, false)
	})
}

// checkDependencyOrder checks that in tags (one per line) every chunk's modulepreload link and
// stylesheets come after those of the chunks it imports.
func checkDependencyOrder(t *testing.T, page string, m backend.Manifest, base string, tags []string) {
	t.Helper()
	pos := map[string]int{}
	for i, tag := range tags {
		for _, attr := range []string{`href="`, `src="`} {
			if _, rest, ok := strings.Cut(tag, attr); ok {
				u, _, _ := strings.Cut(rest, `"`)
				pos[strings.TrimPrefix(u, base)] = i
			}
		}
	}
	for key, c := range m {
		for _, imp := range c.Imports {
			d := m[imp]
			pairs := [][2]string{{d.File, c.File}}
			for _, dc := range d.CSS {
				for _, cc := range c.CSS {
					pairs = append(pairs, [2]string{dc, cc})
				}
			}
			for _, p := range pairs {
				before, ok1 := pos[p[0]]
				after, ok2 := pos[p[1]]
				if ok1 && ok2 && before > after && c.File != m[page].File {
					t.Errorf("%s: %s (imported by %s) comes after %s:\n%s", page, p[0], key, p[1], strings.Join(tags, "\n"))
				}
			}
		}
	}
}
