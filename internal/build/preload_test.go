package build

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
)

// preloadProject has a lazy chunk with CSS, one importing a shared chunk, one with neither, and two
// importing a stylesheet they share (a pure-CSS chunk, which Vite removes).
func preloadProject(t *testing.T) string {
	return writeFiles(t, map[string]string{
		"index.html": `<!doctype html><html><head></head><body><script type="module" src="./main.js"></script></body></html>`,
		"main.js": "document.body.onclick = async () => {\n" +
			"  console.log(await import('./lazyCss.js'), await import('./lazyShared.js'), await import('./lazyPlain.js'), await import('./lazyA.js'), await import('./lazyB.js'))\n}\n",
		"lazyCss.js":    "import './lazyCss.css'; export const a = 1",
		"lazyShared.js": "import {s} from './shared.js'; export const b = s + 1",
		"lazyPlain.js":  "export const c = 3",
		"lazyA.js":      "import {s} from './shared.js'; import './common.css'; import './a.css'; export const d = s + 2",
		"lazyB.js":      "import './common.css'; import './b.css'; export const e = 5",
		"shared.js":     "export const s = Math.random()",
		"lazyCss.css":   ".lazyCss{color:red}",
		"common.css":    ".common{color:red}",
		"a.css":         ".a{color:red}",
		"b.css":         ".b{color:red}",
	})
}

var preloadCallRe = regexp.MustCompile(`\(\s*\(\)\s*=>\s*import\("\./([^"]+)"\)\s*,\s*(\[[^\]]*\])`)

// preloadLists maps each dynamically imported chunk's file name to the list its import passes.
func preloadLists(t *testing.T, code string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range preloadCallRe.FindAllStringSubmatch(code, -1) {
		out[m[1]] = m[2]
	}
	return out
}

func quoteList(files ...string) string {
	q := make([]string, len(files))
	for i, f := range files {
		q[i] = strconv.Quote(f)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// The deps arrays are Vite 8's (checked against vite build 8.3.8 on the same project): the imported
// chunk first, then its static imports depth-first, each chunk's CSS after them (its own file, then the
// shared stylesheet of the removed pure-CSS chunk); a list holding only the chunk itself is empty; with
// modulePreload off only the CSS of such a list stays.
func TestPreloadListsMatchVite8(t *testing.T) {
	for _, tc := range []struct {
		name          string
		minify        bool
		modulePreload bool
	}{{"default", true, true}, {"unminified", false, true}, {"modulePreloadOff", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			root := preloadProject(t)
			cfg := testConfig(t, root)
			cfg.Build.Minify = tc.minify
			cfg.Build.ModulePreload = tc.modulePreload
			cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "index.html")}}
			res := build(t, cfg)
			m := res.Manifest
			var common string
			for name := range res.Bundle.Files {
				if strings.HasPrefix(name, "assets/common-") {
					if !strings.HasSuffix(name, ".css") {
						t.Errorf("the stylesheet-only chunk is still written: %s", name)
					}
					common = name
				}
			}
			js := func(k string) string { return m[k].File }
			css := func(k string) string {
				if len(m[k].CSS) == 0 {
					t.Fatalf("%s has no CSS in the manifest: %+v", k, m[k])
				}
				for _, c := range m[k].CSS {
					if c != common {
						return c
					}
				}
				return ""
			}
			var want map[string]string
			if tc.modulePreload {
				want = map[string]string{
					js("lazyCss.js"):    quoteList(js("lazyCss.js"), css("lazyCss.js")),
					js("lazyShared.js"): quoteList(js("lazyShared.js"), js(firstShared(m))),
					js("lazyPlain.js"):  "[]",
					js("lazyA.js"):      quoteList(js("lazyA.js"), js(firstShared(m)), css("lazyA.js"), common),
					js("lazyB.js"):      quoteList(js("lazyB.js"), css("lazyB.js"), common),
				}
			} else {
				want = map[string]string{
					js("lazyCss.js"):    quoteList(css("lazyCss.js")),
					js("lazyShared.js"): "[]",
					js("lazyPlain.js"):  "[]",
					js("lazyA.js"):      quoteList(css("lazyA.js"), common),
					js("lazyB.js"):      quoteList(css("lazyB.js"), common),
				}
			}
			mainJS := file(t, res, m["index.html"].File)
			got := preloadLists(t, mainJS)
			for f, w := range want {
				if g := got[strings.TrimPrefix(f, "assets/")]; g != w {
					t.Errorf("import of %s: deps %s, want %s", f, g, w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("found %d preload calls, want %d:\n%s", len(got), len(want), mainJS)
			}
		})
	}
}

// Vite 8 (Rolldown) names a chunk after its module's file name without the last extension, query
// included, and a module named index or mod after its folder; the chunk's CSS file drops one more
// extension. Expected names are vite build 8.3.8's for the same project.
func TestChunkNamesMatchVite8(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"index.html": `<!doctype html><html><head></head><body><script type="module" src="./main.js"></script></body></html>`,
		"main.js": "document.body.onclick = async () => console.log(" +
			"await import('./notes.txt?raw'), await import('./a.b.txt?raw'), await import('./foo.bar.js'), " +
			"await import('./m.module.css?inline'), await import('./p.module.css'), await import('./q.ts.js'), " +
			"await import('./README?raw'), await import('./data.json?raw'), await import('./icon.svg?raw'), " +
			"await import('./x.y.txt?raw&v=1.2'), await import('./sub/index.js'), await import('./dir2/mod.js'), " +
			"await import('./Ab c.txt?raw'))",
		"notes.txt":    "hello",
		"a.b.txt":      "hello",
		"README":       "hello",
		"x.y.txt":      "hello",
		"Ab c.txt":     "hello",
		"data.json":    `{"a":1}`,
		"icon.svg":     "<svg></svg>",
		"foo.bar.js":   "import './f.css'; export const f = 1",
		"f.css":        ".f{color:red}",
		"q.ts.js":      "export const q = 1",
		"m.module.css": ".m{color:red}",
		"p.module.css": ".p{color:red}",
		"sub/index.js": "import './s.css'; export const s = 1",
		"sub/s.css":    ".s{color:red}",
		"dir2/mod.js":  "export const d = 1",
	})
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "index.html")}}
	res := build(t, cfg)
	have := map[string]bool{}
	for name := range res.Bundle.Files {
		have[norm(name)] = true
	}
	for _, want := range []string{
		"assets/notes-HASH.js", "assets/a.b-HASH.js", "assets/foo.bar-HASH.js", "assets/foo-HASH.css",
		"assets/m.module-HASH.js", "assets/p.module-HASH.js", "assets/p-HASH.css", "assets/q.ts-HASH.js",
		"assets/README_raw-HASH.js", "assets/data-HASH.js", "assets/icon-HASH.js",
		"assets/x.y.txt_raw_v_1-HASH.js", "assets/sub-HASH.js", "assets/sub-HASH.css", "assets/dir2-HASH.js",
		"assets/Ab c-HASH.js",
	} {
		if !have[want] {
			t.Errorf("no %s in %v", want, keys(have))
		}
	}
}
