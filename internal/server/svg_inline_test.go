package server

// Small SVGs are served inline in dev, as Vite's fileToDevUrl does: an SVG imported from JS (also
// with ?url) or referenced by a stylesheet's url() becomes the data URL the build would inline, below
// build.assetsInlineLimit. The expected answers are Vite 8's for the same project.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govite/govite/internal/config"
)

const (
	smallSVG = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\n  <rect width=\"10\" height=\"10\" fill=\"#f00\"/>\n</svg>\n"
	// smallSVGURL is smallSVG as Vite serves it: URL-encoded, not base64.
	smallSVGURL = `data:image/svg+xml,%3csvg%20xmlns='http://www.w3.org/2000/svg'%20width='10'%20height='10'%3e%3crect%20width='10'%20height='10'%20fill='%23f00'/%3e%3c/svg%3e`
	textSVG     = "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>hi</text></svg>\n"
)

func svgProject(t *testing.T) string {
	big := `<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat(`<rect width="1" height="1"/>`, 200) + `</svg>`
	return writeProject(t, map[string]string{
		"index.html":    `<html><body><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js":   "import a from './a.svg'\nimport './s.css'\nconsole.log(a)\n",
		"src/a.svg":     smallSVG,
		"src/frag.svg":  smallSVG,
		"src/t.svg":     textSVG,
		"src/big.svg":   big,
		"src/lfs.svg":   "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n",
		"src/p.png":     "\x89PNG\r\n\x1a\nfakepng",
		"public/p.svg":  smallSVG,
		"src/s.css":     ".x{background:url(./a.svg)}\n.y{background:url(./frag.svg#x)}\n.z{background:url(/p.svg)}\n.w{background:url(./p.png)}\n.v{background:url(./a.svg?no-inline)}\n.u{background:url(./big.svg)}\n.q{background:url(./p.png?inline)}\n",
		"src/other.css": ".o{background:url(./a.svg)}\n",
	})
}

func TestSVGImportsAreInlinedInDev(t *testing.T) {
	_, ts := newTestServer(t, svgProject(t), nil)
	for _, c := range []struct{ path, want string }{
		{"/src/a.svg?import", `export default "` + smallSVGURL + `"`},
		{"/src/a.svg?import&url", `export default "` + smallSVGURL + `"`},
		{"/src/a.svg?import&inline", `export default "` + smallSVGURL + `"`},
		{"/src/a.svg?import&no-inline", `export default "/src/a.svg?no-inline"`},
		{"/src/a.svg?import&url&no-inline", `export default "/src/a.svg?no-inline"`},
		// <text> cannot go URL-encoded: base64, as in the build.
		{"/src/t.svg?import", `export default "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciPjx0ZXh0PmhpPC90ZXh0Pjwvc3ZnPgo="`},
		// At or over build.assetsInlineLimit, or a Git LFS pointer: the file's URL.
		{"/src/big.svg?import", `export default "/src/big.svg"`},
		{"/src/lfs.svg?import", `export default "/src/lfs.svg"`},
		// Other assets are not inlined in dev; the query stays on the URL.
		{"/src/p.png?import", `export default "/src/p.png"`},
		{"/src/p.png?import&no-inline", `export default "/src/p.png?no-inline"`},
		{"/src/p.png?import&foo", `export default "/src/p.png?foo"`},
		{"/src/p.png?import&url&foo", `export default "/src/p.png?foo"`},
		{"/src/p.png?import&inline", `export default "data:image/png;base64,iVBORw0KGgpmYWtlcG5n"`},
	} {
		body := getOK(t, ts, c.path)
		if !strings.HasPrefix(body, c.want+"\n") && body != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.path, firstLine(body), c.want)
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func TestSVGInlineLimitFromConfig(t *testing.T) {
	_, ts := newTestServer(t, svgProject(t), func(uc *config.UserConfig) {
		zero := 0
		uc.Build.AssetsInlineLimit = &zero
	})
	mustContain(t, "svg import with assetsInlineLimit 0", getOK(t, ts, "/src/a.svg?import"), `export default "/src/a.svg"`)
	mustContain(t, "svg ?url with assetsInlineLimit 0", getOK(t, ts, "/src/a.svg?import&url"), `export default "/src/a.svg"`)
	// ?inline still inlines.
	mustContain(t, "svg ?inline with assetsInlineLimit 0", getOK(t, ts, "/src/a.svg?import&inline"), smallSVGURL)
	mustContain(t, "stylesheet with assetsInlineLimit 0", getOK(t, ts, "/src/s.css?direct"), "url(/src/a.svg)")
}

func TestCSSURLInlinesSmallSVGs(t *testing.T) {
	_, ts := newTestServer(t, svgProject(t), nil)
	body := getOK(t, ts, "/src/s.css?direct")
	mustContain(t, "stylesheet", body,
		`url("`+smallSVGURL+`")`, // quoted: the data URL has quotes in it
		"url(/src/frag.svg#x)",   // a fragment points into the file: never inlined
		"url(/p.svg)",            // public files keep their URL
		"url(/src/p.png)",        // other assets are not inlined
		"url(/src/a.svg?no-inline)",
		"url(/src/big.svg)",
		"url(data:image/png;base64,iVBORw0KGgpmYWtlcG5n)", // ?inline inlines any file
	)
	// The JS module of the stylesheet carries the same CSS.
	mustContain(t, "stylesheet module", getOK(t, ts, "/src/s.css"), `url(\"`+smallSVGURL+`\")`)
}

func TestEditingAnInlinedSVGUpdatesTheStylesheet(t *testing.T) {
	root := svgProject(t)
	s, ts := newTestServer(t, root, nil)
	c := hmrClient(t, s, ts)
	getOK(t, ts, "/src/main.js")
	mustContain(t, "stylesheet", getOK(t, ts, "/src/s.css"), "%23f00")
	mustContain(t, "svg module", getOK(t, ts, "/src/a.svg?import"), "%23f00")
	mustContain(t, "linked stylesheet", getOK(t, ts, "/src/other.css?direct"), "%23f00")

	os.WriteFile(filepath.Join(root, "src/a.svg"), []byte(strings.Replace(smallSVG, "#f00", "#0f0", 1)), 0o644)
	// main.js imports the svg and accepts nothing: the page reloads. The stylesheet re-transforms.
	msg := nextPayload(t, c)
	if msg["type"] != "full-reload" && msg["type"] != "update" {
		t.Fatalf("svg change: %v", msg)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		css, js, other := getOK(t, ts, "/src/s.css?direct"), getOK(t, ts, "/src/a.svg?import"), getOK(t, ts, "/src/other.css?direct")
		if strings.Contains(css, "%230f0") && strings.Contains(js, "%230f0") && strings.Contains(other, "%230f0") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the svg changed:\nstylesheet %s\nsvg module %s\nother stylesheet %s", css, firstLine(js), other)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// An svg only a stylesheet inlines: its change is the stylesheet's update (the stylesheet accepts
// itself), not a reload.
func TestEditingAnSVGOnlyTheStylesheetInlinesIsACSSUpdate(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":  `<html><body><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js": "import './s.css'\n",
		"src/a.svg":   smallSVG,
		"src/s.css":   ".x{background:url(./a.svg)}\n",
	})
	s, ts := newTestServer(t, root, nil)
	c := hmrClient(t, s, ts)
	getOK(t, ts, "/src/main.js")
	mustContain(t, "stylesheet", getOK(t, ts, "/src/s.css"), "%23f00")

	os.WriteFile(filepath.Join(root, "src/a.svg"), []byte(strings.Replace(smallSVG, "#f00", "#0f0", 1)), 0o644)
	msg := nextPayload(t, c)
	ups, _ := msg["updates"].([]any)
	if msg["type"] != "update" || len(ups) != 1 || ups[0].(map[string]any)["path"] != "/src/s.css" {
		t.Fatalf("svg change: %v", msg)
	}
	mustContain(t, "updated stylesheet", getOK(t, ts, "/src/s.css?t=1"), "%230f0")
}

// new URL('./a.svg', import.meta.url) gets the data URL too (public files included), and the module
// depends on the svg.
func TestNewURLInlinesSmallSVGs(t *testing.T) {
	root := svgProject(t)
	os.WriteFile(filepath.Join(root, "src/nu.js"), []byte("export const u1 = new URL('./a.svg', import.meta.url).href\n"+
		"export const u2 = new URL('/p.svg', import.meta.url).href\n"+
		"export const u3 = new URL('./a.svg?no-inline', import.meta.url).href\n"+
		"export const u4 = new URL('./p.png', import.meta.url).href\n"), 0o644)
	_, ts := newTestServer(t, root, nil)
	body := getOK(t, ts, "/src/nu.js")
	mustContain(t, "new URL module", body,
		`u1 = new URL("`+smallSVGURL+`", '' + import.meta.url)`,
		`u2 = new URL("`+smallSVGURL+`", '' + import.meta.url)`,
		`u3 = new URL("/src/a.svg?no-inline", '' + import.meta.url)`,
		`u4 = new URL("/src/p.png", '' + import.meta.url)`)

	os.WriteFile(filepath.Join(root, "src/a.svg"), []byte(strings.Replace(smallSVG, "#f00", "#0f0", 1)), 0o644)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(body, "%230f0") {
		if time.Now().After(deadline) {
			t.Fatalf("after the svg changed:\n%s", body)
		}
		time.Sleep(50 * time.Millisecond)
		body = getOK(t, ts, "/src/nu.js")
	}
}
