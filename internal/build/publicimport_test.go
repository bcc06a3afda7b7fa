package build

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
)

const lfsPointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"

// A Git LFS pointer (an asset whose contents were not fetched) is emitted, never inlined, however
// small: from JS, from CSS and from HTML, as in Vite 8.
func TestGitLFSPointersAreNotInlined(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"index.html":    `<!doctype html><html><body><img src="./src/lfs3.png"><img src="./src/tiny3.png"><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js":   "import a from './lfs.png'\nimport b from './tiny.png'\nimport './s.css'\nconsole.log(a, b)\n",
		"src/s.css":     ".a{background:url(./lfs2.png)}\n.b{background:url(./tiny2.png)}\n",
		"src/lfs.png":   lfsPointer,
		"src/lfs2.png":  lfsPointer,
		"src/lfs3.png":  lfsPointer,
		"src/tiny.png":  "\x89PNG\r\n\x1a\n",
		"src/tiny2.png": "\x89PNG\r\n\x1a\n",
		"src/tiny3.png": "\x89PNG\r\n\x1a\n",
	})
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "index.html")}}
	cfg.Build.Minify = false
	res := build(t, cfg)
	m := res.Manifest["index.html"]
	js := file(t, res, m.File)
	css := file(t, res, m.CSS[0])
	html := file(t, res, "index.html")
	for what, body := range map[string]string{"JS": js, "CSS": css, "HTML": html} {
		if strings.Contains(body, "data:application/octet-stream") || strings.Contains(body, "data:image/png;base64,dmVyc2lvbi") {
			t.Errorf("%s inlines the Git LFS pointer:\n%s", what, body)
		}
		if !strings.Contains(body, "/assets/lfs") {
			t.Errorf("%s lacks the emitted LFS file's URL:\n%s", what, body)
		}
		if !strings.Contains(body, "data:image/png;base64,") {
			t.Errorf("%s no longer inlines a small PNG:\n%s", what, body)
		}
	}
}

// Files of publicDir imported from JS: Vite's build exports the URL they are copied to (base
// applied, not inlined even when small, the query but ?url kept), their text with ?raw and a data
// URL with ?inline. The expected values are Vite 8's for the same project.
func publicImportFiles() map[string]string {
	return map[string]string{
		"src/main.js": "import a from '/pub.svg'\nimport b from '/logo.png'\nimport c from '/logo.png?url'\nimport d from '/pub.svg?raw'\n" +
			"import e from '/logo.png?inline'\nimport f from '/p.js?url'\nimport g from '/logo.png?foo'\nimport h from '/t.txt'\nimport i from '/both.png'\n" +
			"console.log(a, b, c, d, e, f, g, h, i)\n",
		"public/pub.svg":  `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>` + "\n",
		"public/logo.png": "\x89PNG\r\n\x1a\n",
		"public/p.js":     "console.log(1)\n",
		"public/t.txt":    "hello",
		"public/both.png": "public",
		"both.png":        "root", // a file in root at that path wins
	}
}

func TestPublicFilesImportedFromJSInBuild(t *testing.T) {
	root := writeFiles(t, publicImportFiles())
	cfg := testConfig(t, root)
	cfg.Base = "/app/"
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "src/main.js")}}
	cfg.Build.Minify = false
	res := build(t, cfg)
	js := file(t, res, res.Manifest["src/main.js"].File)
	for _, want := range []string{
		`"/app/pub.svg"`, `"/app/logo.png"`, `"data:image/png;base64,iVBORw0KGgo="`, `"/app/p.js"`, `"/app/logo.png?foo"`, `"/app/t.txt"`, `data:image/png;base64,cm9vdA==`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("output lacks %s:\n%s", want, js)
		}
	}
	// ?raw: the file's text (esbuild picks the quotes).
	if !strings.Contains(js, `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect`) && !strings.Contains(js, `<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"`) {
		t.Errorf("?raw of a public file is not its text:\n%s", js)
	}
	if strings.Contains(js, "data:image/svg+xml") {
		t.Errorf("a public SVG is inlined:\n%s", js)
	}
}

func TestPublicFilesImportedFromJSWithRelativeBase(t *testing.T) {
	root := writeFiles(t, publicImportFiles())
	cfg := testConfig(t, root)
	cfg.Base = "./"
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "src/main.js")}}
	cfg.Build.Minify = false
	res := build(t, cfg)
	js := file(t, res, res.Manifest["src/main.js"].File)
	for _, want := range []string{`new URL("../pub.svg", import.meta.url).href`, `new URL("../logo.png?foo", import.meta.url).href`} {
		if !strings.Contains(js, want) {
			t.Errorf("output lacks %s:\n%s", want, js)
		}
	}
}
