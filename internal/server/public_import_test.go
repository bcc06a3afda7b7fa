package server

// Files of publicDir imported from JS: Vite 8 rewrites `import l from '/logo.png'` to
// "/logo.png?import" (base included) and answers that with a module exporting the file's URL (a data
// URL for a small SVG), while a plain request still gets the file. The expected answers are Vite 8's
// for the same project, except that govite writes the URL of a plainly imported asset into the
// importer (`const l = "/logo.png";`, see assetURLLiteral) and still answers its ?import module.

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
)

const pngBytes = "\x89PNG\r\n\x1a\nfakepng"

func publicImportProject(t *testing.T) string {
	return writeProject(t, map[string]string{
		"index.html": `<html><body><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js": "import a from '/pub.svg'\nimport b from '/logo.png'\nimport c from '/logo.png?url'\nimport d from '/pub.svg?raw'\n" +
			"import e from '/logo.png?inline'\nimport f from '/p.js?url'\nimport g from '/logo.png?foo'\nimport h from '/both.png'\nconsole.log(a, b, c, d, e, f, g, h)\n",
		"src/bad.js":      "import x from '/p.js'\nconsole.log(x)\n",
		"src/badraw.js":   "import x from '/d.json?raw'\nconsole.log(x)\n",
		"src/explicit.js": "import x from '/public/pub.svg'\nconsole.log(x)\n",
		"public/pub.svg":  smallSVG,
		"public/logo.png": pngBytes,
		"public/p.js":     "console.log(1)\n",
		"public/d.json":   `{"a":1}`,
		"public/both.png": "public",
		"both.png":        "root", // a file in root at the same path wins
	})
}

func TestPublicFilesImportedFromJS(t *testing.T) {
	_, ts := newTestServer(t, publicImportProject(t), nil)
	main := getOK(t, ts, "/src/main.js")
	mustContain(t, "main.js", main,
		`const a = "`+smallSVGURL+`";`, `const b = "/logo.png";`, `import c from "/logo.png?import&url"`,
		`import d from "/pub.svg?import&raw"`, `import e from "/logo.png?import&inline"`, `/p.js?url`,
		`import g from "/logo.png?import&foo"`, `const h = "/both.png";`)
	if strings.Contains(main, "p.js?import") {
		t.Errorf("a public script's ?url import got ?import:\n%s", main)
	}
	for _, c := range []struct{ path, want string }{
		{"/pub.svg?import", `export default "` + smallSVGURL + `"`},
		{"/pub.svg?import&url", `export default "` + smallSVGURL + `"`},
		{"/logo.png?import", `export default "/logo.png"`},
		{"/logo.png?import&url", `export default "/logo.png"`},
		{"/logo.png?import&foo", `export default "/logo.png?foo"`},
		{"/logo.png?import&inline", `export default "data:image/png;base64,iVBORw0KGgpmYWtlcG5n"`},
		{"/pub.svg?import&raw", `export default ` + jsonQuote(smallSVG)},
		{"/p.js?url", `export default "/p.js"`},
		{"/p.js?import&url", `export default "/p.js"`},
		{"/both.png?import", `export default "/both.png"`},
	} {
		if body := getOK(t, ts, c.path); firstLine(body) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.path, firstLine(body), c.want)
		}
	}
	// A module script asking for an asset's ?url gets its module, never the file (Vite's public
	// middleware skips every ?url request).
	if body := getOK(t, ts, "/logo.png?url", scriptHeaders...); firstLine(body) != `export default "/logo.png"` {
		t.Errorf("/logo.png?url from a script: %q", firstLine(body))
	}
	// Plain requests (an <img src>) get the files themselves.
	if body := getOK(t, ts, "/pub.svg"); body != smallSVG {
		t.Errorf("/pub.svg: %q", body)
	}
	if body := getOK(t, ts, "/logo.png"); body != pngBytes {
		t.Errorf("/logo.png: %q", body)
	}
	if body := getOK(t, ts, "/p.js"); body != "console.log(1)\n" {
		t.Errorf("/p.js: %q", body)
	}
}

func jsonQuote(s string) string {
	r := strings.NewReplacer(`"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func TestPublicFilesImportedFromJSWithBaseAndOrigin(t *testing.T) {
	_, ts := newTestServer(t, publicImportProject(t), func(uc *config.UserConfig) {
		uc.Base = "/app/"
	})
	mustContain(t, "main.js", getOK(t, ts, "/app/src/main.js"),
		`const a = "`+smallSVGURL+`";`, `const b = "/app/logo.png";`, `import f from "/app/p.js?url"`)
	mustContain(t, "public png", getOK(t, ts, "/app/logo.png?import"), `export default "/app/logo.png"`)
	mustContain(t, "public svg", getOK(t, ts, "/app/pub.svg?import"), `export default "`+smallSVGURL+`"`)
	if body := getOK(t, ts, "/app/pub.svg"); body != smallSVG {
		t.Errorf("/app/pub.svg: %q", body)
	}

	_, ts = newTestServer(t, publicImportProject(t), func(uc *config.UserConfig) {
		uc.Base = "/app/"
		uc.Server.Origin = "http://example.com:8080"
	})
	mustContain(t, "public png with origin", getOK(t, ts, "/app/logo.png?import"), `export default "http://example.com:8080/app/logo.png"`)
	mustContain(t, "public ?url with origin", getOK(t, ts, "/app/logo.png?import&url&foo"), `export default "http://example.com:8080/app/logo.png?foo"`)
}

// Importing a public file that is no asset (without ?url) fails, with Vite's message.
func TestPublicNonAssetImportFails(t *testing.T) {
	_, ts := newTestServer(t, publicImportProject(t), nil)
	code, body, _ := get(t, ts, "/src/bad.js")
	if code != 500 {
		t.Fatalf("bad.js: %d %s", code, body)
	}
	mustContain(t, "bad.js error", body, "Cannot import non-asset file /p.js which is inside /public. JS/CSS files inside /public are copied as-is on build and can only be referenced via <script src> or <link href> in html. If you want to get the URL of that file, use /p.js?url instead.", "bad.js:1:")
	code, body, _ = get(t, ts, "/src/badraw.js")
	if code != 500 {
		t.Fatalf("badraw.js: %d %s", code, body)
	}
	mustContain(t, "badraw.js error", body, "Cannot import non-asset file /d.json?raw which is inside /public.", "use /d.json?url&raw instead.")
}

// A URL through the public directory's path ("/public/pub.svg") works but is warned about.
func TestPublicPathInURLWarns(t *testing.T) {
	var logs lockedBuffer
	_, ts := newTestServer(t, publicImportProject(t), func(uc *config.UserConfig) {
		uc.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	mustContain(t, "explicit.js", getOK(t, ts, "/src/explicit.js"), `const x = "`+smallSVGURL+`";`)
	mustContain(t, "/public/pub.svg?import", getOK(t, ts, "/public/pub.svg?import"), `export default "`+smallSVGURL+`"`)
	getOK(t, ts, "/public/pub.svg")
	getOK(t, ts, "/public/pub.svg?import&url")
	mustContain(t, "log", logs.String(),
		`Assets in public directory cannot be imported from JavaScript.\nIf you intend to import that asset, put the file in the src directory, and use /src/pub.svg instead of /public/pub.svg.\nIf you intend to use the URL of that asset, use /pub.svg?url.`,
		`Files in the public directory are served at the root path.\nInstead of /public/pub.svg, use /pub.svg.`,
		`Assets in the public directory are served at the root path.\nInstead of /public/pub.svg?url, use /pub.svg?url.`)
	if strings.Contains(logs.String(), "/src/explicit.js") {
		t.Errorf("warned about a module outside publicDir:\n%s", logs.String())
	}
}
