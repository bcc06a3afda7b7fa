package build

import (
	"context"
	"errors"
	"os"
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

// build.modulePreload.resolveDependencies chooses the JS files of each import()'s list (it is called
// for every import, an empty list included; the CSS stays, after what it returns) and the
// modulepreload links of each HTML entry, with the arguments Vite 8 passes (checked against vite build
// 8.3.8: filename, the JS deps relative to outDir, { hostId: the importing chunk or the HTML file,
// hostType: "js" or "html" }).
func TestResolveDependenciesChoosesPreloads(t *testing.T) {
	root := preloadProject(t)
	// The entry imports the shared chunk, so the page preloads it.
	if err := os.WriteFile(filepath.Join(root, "main.js"), []byte("import {s} from './shared.js'\nconsole.log(s)\n"+
		"document.body.onclick = async () => {\n"+
		"  console.log(await import('./lazyCss.js'), await import('./lazyShared.js'), await import('./lazyPlain.js'), await import('./lazyA.js'))\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "index.html")}}
	type call struct{ filename, deps, hostID, hostType string }
	var calls []call
	cfg.Build.ResolveDependencies = func(filename string, deps []string, hostID, hostType string) ([]string, error) {
		calls = append(calls, call{filename, quoteList(deps...), hostID, hostType})
		// Keep the imported chunk, drop the rest, add a file of one's own.
		var out []string
		for _, d := range deps {
			if d == filename {
				out = append(out, d)
			}
		}
		return append(out, "extra/"+hostType+".js"), nil
	}
	res := build(t, cfg)
	m := res.Manifest
	js := func(k string) string { return m[k].File }
	entry := js("index.html")
	shared := js(firstShared(m))
	lazyCSS := m["lazyCss.js"].CSS[0]
	lazyACSS := m["lazyA.js"].CSS
	wantCalls := map[string]call{
		js("lazyCss.js"):    {js("lazyCss.js"), quoteList(js("lazyCss.js")), entry, "js"}, // its CSS is kept apart
		js("lazyShared.js"): {js("lazyShared.js"), quoteList(js("lazyShared.js"), shared), entry, "js"},
		js("lazyPlain.js"):  {js("lazyPlain.js"), "[]", entry, "js"},
		js("lazyA.js"):      {js("lazyA.js"), quoteList(js("lazyA.js"), shared), entry, "js"},
		entry:               {entry, quoteList(shared), "index.html", "html"},
	}
	if len(calls) != len(wantCalls) {
		t.Errorf("%d calls, want %d: %+v", len(calls), len(wantCalls), calls)
	}
	for _, c := range calls {
		if w := wantCalls[c.filename]; c != w {
			t.Errorf("call %+v, want %+v", c, w)
		}
	}
	got := preloadLists(t, file(t, res, entry))
	want := map[string]string{
		js("lazyCss.js"):    quoteList(js("lazyCss.js"), "extra/js.js", lazyCSS),
		js("lazyShared.js"): quoteList(js("lazyShared.js"), "extra/js.js"),
		js("lazyPlain.js"):  quoteList("extra/js.js"),
		js("lazyA.js"):      quoteList(append([]string{js("lazyA.js"), "extra/js.js"}, lazyACSS...)...),
	}
	for f, w := range want {
		if g := got[strings.TrimPrefix(f, "assets/")]; g != w {
			t.Errorf("import of %s: deps %s, want %s", f, g, w)
		}
	}
	page := file(t, res, "index.html")
	if strings.Contains(page, `rel="modulepreload" crossorigin href="/`+shared) || !strings.Contains(page, `<link rel="modulepreload" crossorigin href="/extra/html.js">`) {
		t.Errorf("the page's modulepreload links are not the function's:\n%s", page)
	}

	// An error from the function fails the build and says where.
	cfg.Build.ResolveDependencies = func(string, []string, string, string) ([]string, error) {
		return nil, errors.New("build.modulePreload.resolveDependencies: boom")
	}
	if _, err := Build(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "resolveDependencies: boom") {
		t.Errorf("build with a failing resolveDependencies: err = %v", err)
	}
}
