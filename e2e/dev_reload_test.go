package e2e

// Dev-server behaviours seen from a real Chromium: pages reload when their HTML changes, see files
// created and deleted, recover from a missing import, and load fonts and images from the dev server
// when the page is another backend's (with server.origin, or through the backend's proxy).

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govite/govite"
	"github.com/govite/govite/internal/testutil/browser"
)

// Editing an HTML file reloads the pages that show it, and they show the new HTML: in an mpa, a
// nested page reloads alone; index.html reloads every page.
func TestDevHTMLChangeReloadsThePage(t *testing.T) {
	root := t.TempDir()
	page := func(text string) string {
		return `<!doctype html><html><head><title>t</title></head><body><p id="text">` + text + `</p><script type="module" src="/src/main.js"></script></body></html>`
	}
	writeFile(t, root, "index.html", page("home v1"))
	writeFile(t, root, "about/index.html", page("about v1"))
	writeFile(t, root, "src/main.js", "window.__ran = (window.__ran || 0) + 1\n")
	srv := startDev(t, root, func(c *govite.Config) { c.AppType = "mpa" })
	b := browser.New(t)
	home := b.Page(t, devURL(srv)+"/")
	about := b.Page(t, devURL(srv)+"/about/")
	for _, p := range []*browser.Page{home, about} {
		p.WaitFor(t, `window.__ran === 1`, 10*time.Second)
		p.Eval(t, `window.__marker = 1`, nil)
	}

	writeFile(t, root, "about/index.html", page("about v2"))
	about.WaitFor(t, `window.__marker === undefined && document.getElementById('text').textContent === 'about v2' && window.__ran === 1`, 10*time.Second)
	var marker any
	home.Eval(t, `window.__marker`, &marker)
	if marker == nil {
		t.Errorf("the home page reloaded when about/index.html changed")
	}

	writeFile(t, root, "index.html", page("home v2"))
	home.WaitFor(t, `window.__marker === undefined && document.getElementById('text').textContent === 'home v2' && window.__ran === 1`, 10*time.Second)
	for _, p := range []*browser.Page{home, about} {
		for _, e := range p.Exceptions() {
			t.Errorf("exception: %s", e)
		}
	}
}

// A page listing import.meta.glob modules sees files created and deleted; a page whose module
// imports a file that does not exist yet shows the error and works once the file is created.
func TestDevCreatedAndDeletedFilesReachThePage(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "index.html", `<!doctype html><html><head></head><body><p id="list"></p><script type="module" src="/src/main.js"></script></body></html>`)
	writeFile(t, root, "missing.html", `<!doctype html><html><head></head><body><p id="msg">none</p><script type="module" src="/src/missing.js"></script></body></html>`)
	writeFile(t, root, "src/main.js", `const pages = import.meta.glob('./pages/*.js', { eager: true, import: 'default' })
document.getElementById('list').textContent = Object.values(pages).join(',')
`)
	writeFile(t, root, "src/pages/a.js", "export default 'a'\n")
	writeFile(t, root, "src/missing.js", "import { msg } from './later.js'\ndocument.getElementById('msg').textContent = msg\n")
	srv := startDev(t, root, nil)
	b := browser.New(t)

	t.Run("glob", func(t *testing.T) {
		p := b.Page(t, devURL(srv)+"/")
		p.WaitFor(t, `document.getElementById('list').textContent === 'a'`, 10*time.Second)
		writeFile(t, root, "src/pages/b.js", "export default 'b'\n")
		p.WaitFor(t, `document.getElementById('list').textContent === 'a,b'`, 10*time.Second)
		if err := os.Remove(filepath.Join(root, "src/pages/a.js")); err != nil {
			t.Fatal(err)
		}
		p.WaitFor(t, `document.getElementById('list').textContent === 'b'`, 10*time.Second)
		for _, e := range p.Exceptions() {
			t.Errorf("exception: %s", e)
		}
	})
	t.Run("missing import", func(t *testing.T) {
		p := b.Page(t, devURL(srv)+"/missing.html")
		p.WaitFor(t, `(() => { const o = document.querySelector('vite-error-overlay'); return !!o && o.shadowRoot.textContent.includes('Failed to resolve import "./later.js"') })()`, 10*time.Second)
		writeFile(t, root, "src/later.js", "export const msg = 'later is here'\n")
		p.WaitFor(t, `document.getElementById('msg').textContent === 'later is here' && !document.querySelector('vite-error-overlay')`, 10*time.Second)
	})
}

// systemFont returns a TrueType font installed on the system (Chromium's packages bring one through
// fontconfig), or skips.
func systemFont(t *testing.T) []byte {
	t.Helper()
	var found string
	filepath.WalkDir("/usr/share/fonts", func(p string, d os.DirEntry, err error) error {
		if err == nil && found == "" && !d.IsDir() && strings.HasSuffix(strings.ToLower(p), ".ttf") {
			found = p
		}
		return nil
	})
	requireTool(t, found != "", "no TrueType font under /usr/share/fonts (the chromium package installs one)")
	data, err := os.ReadFile(found)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{R: 0x20, G: 0x80, B: 0xff, A: 0xff})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A page rendered by another backend loads a stylesheet with a @font-face and a background image
// from the dev server: with server.origin the URLs carry the dev server's origin and CORS lets the
// font load; through the backend's own proxy (no server.origin) they stay root-relative and reach the
// dev server through it, hot updates included.
func TestDevBackendPageLoadsFontsAndImages(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "src/font.woff2", string(systemFont(t)))
	writeFile(t, root, "src/img.png", string(testPNG(t, 8, 8)))
	writeFile(t, root, "src/main.js", "import './style.css'\ndocument.getElementById('text').textContent = 'main ran'\n")
	writeFile(t, root, "src/style.css", `@font-face { font-family: DevFont; src: url(./font.woff2); }
#text { font-family: DevFont, monospace; }
#bg { width: 8px; height: 8px; background: url(./img.png); }
`)
	b := browser.New(t)

	check := func(t *testing.T, p *browser.Page, assetOrigin string) {
		t.Helper()
		p.WaitFor(t, `document.getElementById('text').textContent === 'main ran'`, 15*time.Second)
		p.WaitFor(t, `[...document.fonts].some(f => f.family.replace(/["']/g, '') === 'DevFont' && f.status === 'loaded') && document.fonts.check('16px DevFont')`, 10*time.Second)
		var bg string
		p.Eval(t, `getComputedStyle(document.getElementById('bg')).backgroundImage`, &bg)
		if !strings.Contains(bg, assetOrigin+"/src/img.png") {
			t.Errorf("background %q, want a URL at %s/src/img.png", bg, assetOrigin)
		}
		font := p.WaitForRequest(t, "/src/font.woff2", 10*time.Second)
		img := p.WaitForRequest(t, "/src/img.png", 10*time.Second)
		for _, r := range []browser.Request{font, img} {
			if !strings.HasPrefix(r.URL, assetOrigin+"/src/") || r.Status != 200 || r.Failure() {
				t.Errorf("request %s, want 200 from %s", r, assetOrigin)
			}
		}
		// A hot update of the stylesheet reaches the page.
		p.Eval(t, `window.__marker = 1`, nil)
		writeFile(t, root, "src/style.css", `@font-face { font-family: DevFont; src: url(./font.woff2); }
#text { font-family: DevFont, monospace; color: rgb(0, 0, 255); }
#bg { width: 8px; height: 8px; background: url(./img.png); }
`)
		p.WaitFor(t, `getComputedStyle(document.getElementById('text')).color === 'rgb(0, 0, 255)' && window.__marker === 1`, 10*time.Second)
		writeFile(t, root, "src/style.css", `@font-face { font-family: DevFont; src: url(./font.woff2); }
#text { font-family: DevFont, monospace; }
#bg { width: 8px; height: 8px; background: url(./img.png); }
`)
		p.WaitFor(t, `getComputedStyle(document.getElementById('text')).color !== 'rgb(0, 0, 255)'`, 10*time.Second)
		for _, r := range p.FailedRequests() {
			t.Errorf("failed request: %s", r)
		}
		for _, e := range p.Exceptions() {
			t.Errorf("exception: %s", e)
		}
	}
	pageHTML := func(prefix string) string {
		return fmt.Sprintf(`<!doctype html><html><head>
<script type="module" src="%[1]s/@vite/client"></script>
<script type="module" src="%[1]s/src/main.js"></script>
</head><body><p id="text">waiting</p><div id="bg"></div></body></html>`, prefix)
	}

	t.Run("server.origin", func(t *testing.T) {
		port := freePort(t)
		origin := fmt.Sprintf("http://localhost:%d", port)
		startDev(t, root, func(c *govite.Config) {
			c.Server.Port = port
			c.Server.Origin = origin
		})
		backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, pageHTML(origin))
		}))
		defer backend.Close()
		check(t, b.Page(t, backend.URL+"/"), origin)
	})
	t.Run("backend proxy", func(t *testing.T) {
		srv := startDev(t, root, nil)
		target, _ := url.Parse(devURL(srv))
		proxy := httputil.NewSingleHostReverseProxy(target)
		backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" && r.Header.Get("Upgrade") == "" && !strings.Contains(r.Header.Get("Accept"), "text/x-vite-ping") {
				fmt.Fprint(w, pageHTML(""))
				return
			}
			proxy.ServeHTTP(w, r) // /@vite/client, /src/..., the HMR socket and its ping
		}))
		defer backend.Close()
		check(t, b.Page(t, backend.URL+"/"), backend.URL)
	})
}
