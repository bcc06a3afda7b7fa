package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// ssrBuildFiles is a small React SSR app: an HTML entry whose script hydrates, a server entry that
// renders to a string, and an App that imports a CSS file, an image (over assetsInlineLimit, so a
// file), a module shared with a dynamically imported one, and that dynamic import. The image is
// copied from examples/basic.
var ssrBuildFiles = map[string]string{
	"vite.config.js": "import react from '@vitejs/plugin-react'\n\nexport default { plugins: [react()] }\n",
	"index.html": `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>SSR build</title></head>
  <body>
    <div id="root"><!--app-html--></div>
    <script type="module" src="/src/main.jsx"></script>
  </body>
</html>
`,
	"src/main.jsx": `import { hydrateRoot } from 'react-dom/client'
import { App } from './App.jsx'

hydrateRoot(document.getElementById('root'), <App />)
`,
	"src/entry-server.jsx": `import { renderToString } from 'react-dom/server'
import { App } from './App.jsx'

export function render(url) {
  return renderToString(<App url={url} />)
}
`,
	"src/App.jsx": `import { useState } from 'react'
import './App.css'
import { shout } from './format.js'
import logo from './logo.png'

export function App({ url = '/' }) {
  const [extra, setExtra] = useState(null)
  const load = () => import('./Extra.jsx').then((m) => setExtra(m.extra()))
  return (
    <main className="app">
      <img src={logo} alt="logo" width="48" height="48" />
      <h1 className="title">{shout('Hello from SSR')}</h1>
      <p>rendered for {url}</p>
      <button onClick={load}>load more</button>
      {extra}
    </main>
  )
}
`,
	"src/Extra.jsx": `import './Extra.css'
import { shout } from './format.js'

export function extra() {
  return <p className="extra">{shout('more')}</p>
}
`,
	"src/format.js": "export const shout = (s) => s.toUpperCase() + '!'\n",
	"src/App.css":   ".app { font-family: sans-serif }\n.title { color: rgb(40, 90, 160) }\n",
	"src/Extra.css": ".extra { color: green }\n",
}

// ssrBuildWrite writes the app into root, with a package.json of "type": "module" (so the server
// entry is entry-server.js).
func ssrBuildWrite(t *testing.T, root string) {
	t.Helper()
	for rel, content := range ssrBuildFiles {
		writeFile(t, root, rel, content)
	}
	writeFile(t, root, "package.json", `{"name": "ssr-build-e2e", "private": true, "type": "module"}`)
	writeFile(t, root, "src/logo.png", string(readFile(t, exampleDir(t, "basic"), "src/assets/big.png")))
}

// ssrBuildLinkReact links react, react-dom and scheduler from e2e/vite8/node_modules into
// root/node_modules, so that Node can import the server bundle's external dependencies.
func ssrBuildLinkReact(t *testing.T, root, shared string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(root, "node_modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"react", "react-dom", "scheduler"} {
		if err := os.Symlink(filepath.Join(shared, pkg), filepath.Join(root, "node_modules", pkg)); err != nil {
			t.Fatal(err)
		}
	}
}

// ssrBuildHashRE is hashRE (helpers_test.go) anywhere in a text, e.g. in the URLs of rendered HTML.
var ssrBuildHashRE = regexp.MustCompile(`-[A-Za-z0-9_-]{8}\.(js|mjs|cjs|css|png|jpe?g|gif|svg|webp|avif|ico|woff2?|ttf|otf|eot|json|wasm|txt|map)\b`)

// ssrBuildRender runs the server build in root with Node and returns what render('/') returned.
func ssrBuildRender(t *testing.T, node, root string) string {
	t.Helper()
	res := runCmd(t, 60*time.Second, root, nil, node, "-e", `import('./dist/server/entry-server.js').then(m => console.log(m.render('/')))`)
	if res.Code != 0 {
		t.Fatalf("rendering with %s's dist/server/entry-server.js failed:\n%s", root, res)
	}
	return strings.TrimSpace(res.Stdout)
}

// ssrBuildLayout is the files under dir, slash paths with hashes normalised, sorted.
func ssrBuildLayout(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for p := range snapshotDir(t, dir) {
		out = append(out, normalizeName(p))
	}
	return sortedUnique(out)
}

// ssrBuildManifest reads and normalises dir/.vite/manifest.json; nil when there is none.
func ssrBuildManifest(t *testing.T, dir string) rawManifest {
	t.Helper()
	p := filepath.Join(dir, ".vite", "manifest.json")
	if !fileExists(p) {
		return nil
	}
	var m rawManifest
	if err := json.Unmarshal(readFile(t, dir, ".vite/manifest.json"), &m); err != nil {
		t.Fatalf("decoding %s: %v", p, err)
	}
	return normalizeManifest(m)
}

// Known differences between govite and Vite 8, documented by the builder's engineer, which this test
// tolerates and nothing else:
//
//  1. esbuild (govite's bundler) may add an extra shared chunk when a dynamic chunk imports from an
//     entry: where Rolldown leaves the shared module in the entry chunk and the dynamic chunk imports
//     the entry (manifest: "imports": ["<entry key>"]), esbuild moves the module into a chunk of its
//     own that both import. This app has one (src/format.js, used by App.jsx and Extra.jsx), in both
//     builds.
//  2. A client build with a CommonJS dependency (React here) gets a separate chunk for esbuild's
//     CommonJS helpers when more than one chunk needs them.
//
// Both are shared chunks: in govite's manifest a key starting with "_", with no src and neither
// isEntry nor isDynamicEntry. ssrBuildExtraChunks finds those that Vite's manifest (hashes
// normalised) lacks; the comparisons below then allow exactly them: their files in the layout, their
// keys in the manifest, the imports of them (in place of Vite's imports of an entry), and the
// ssr-manifest values of the modules they hold.

// ssrBuildExtraChunks returns govite's shared chunks that Vite's manifest lacks (normalised keys),
// and their files (normalised).
func ssrBuildExtraChunks(vite, gov rawManifest) (keys, files map[string]bool) {
	keys, files = map[string]bool{}, map[string]bool{}
	for k, c := range gov {
		if _, ok := vite[k]; ok || !strings.HasPrefix(k, "_") {
			continue
		}
		if c["src"] != nil || c["isEntry"] == true || c["isDynamicEntry"] == true {
			continue
		}
		file, _ := c["file"].(string)
		if !strings.HasSuffix(file, ".js") {
			continue
		}
		keys[k] = true
		files[file] = true
	}
	return keys, files
}

// ssrBuildCompareManifests compares two normalised manifests, allowing the known differences;
// "" when they agree.
func ssrBuildCompareManifests(vite, gov rawManifest, extra map[string]bool) string {
	isEntry := func(key string) bool { return vite[key] != nil && vite[key]["isEntry"] == true }
	for k := range extra {
		delete(gov, k)
	}
	for k, g := range gov {
		imps, _ := g["imports"].([]any)
		var kept []any
		importsExtra := false
		for _, i := range imps {
			if s, _ := i.(string); extra[s] {
				importsExtra = true
				continue
			}
			kept = append(kept, i)
		}
		if !importsExtra {
			continue
		}
		setImports(g, kept)
		// govite imports the extra chunk where Vite imports the entry that holds its modules.
		if v := vite[k]; v != nil {
			vimps, _ := v["imports"].([]any)
			setImports(v, slices.DeleteFunc(slices.Clone(vimps), func(i any) bool { s, _ := i.(string); return isEntry(s) }))
		}
	}
	return diffManifests(vite, gov, "vite", "govite")
}

func setImports(chunk map[string]any, imports []any) {
	if len(imports) == 0 {
		delete(chunk, "imports")
	} else {
		chunk["imports"] = imports
	}
}

// ssrBuildCompareLayouts compares the files of two outDirs (normalised), allowing govite's extra
// shared chunks; "" when they agree.
func ssrBuildCompareLayouts(vite, gov []string, extraFiles map[string]bool) string {
	var b strings.Builder
	for _, f := range vite {
		if !slices.Contains(gov, f) {
			fmt.Fprintf(&b, "  only Vite wrote %s\n", f)
		}
	}
	for _, f := range gov {
		if !slices.Contains(vite, f) && !extraFiles[f] {
			fmt.Fprintf(&b, "  only govite wrote %s\n", f)
		}
	}
	return b.String()
}

// ssrBuildAppKey reports whether an ssr-manifest key is one of the app's own modules (not a
// dependency in node_modules, whose keys depend on where node_modules really is, nor a virtual
// module of the bundler).
func ssrBuildAppKey(k string) bool {
	return k == "index.html" || strings.HasPrefix(k, "src/")
}

// TestSSRBuildMatchesVite8 builds a React SSR app with the govite binary and with Vite 8 (the same
// commands: a client build with --ssrManifest, then `build --ssr src/entry-server.jsx --outDir
// dist/server`), runs both server entries with Node and compares the rendered HTML, the output
// layouts, the manifests and the ssr-manifest.
func TestSSRBuildMatchesVite8(t *testing.T) {
	t.Parallel()
	vite8 := filepath.Join(repoRoot(t), "e2e", "vite8")
	viteJS := filepath.Join(vite8, "node_modules", "vite", "bin", "vite.js")
	requireTool(t, fileExists(viteJS), "Vite 8 is not installed: "+viteJS+" is missing; run `npm ci` in e2e/vite8 (scripts/test does)")
	shared := filepath.Join(vite8, "node_modules")
	requireTool(t, fileExists(filepath.Join(shared, "react-dom", "package.json")) && fileExists(filepath.Join(shared, "@vitejs", "plugin-react", "package.json")),
		"React or @vitejs/plugin-react is not installed in e2e/vite8/node_modules; run `npm ci` in e2e/vite8 (scripts/test does)")
	node, err := lookNode()
	requireTool(t, err == nil, "node is not installed (needed to run Vite 8 and the server bundles)")
	bin := buildCLI(t)

	// The Vite copy lives under e2e/vite8 so that vite, @vitejs/plugin-react and React resolve from
	// e2e/vite8/node_modules; the govite copy links React (its server bundle imports it).
	workRoot := filepath.Join(vite8, ".work")
	if err := os.MkdirAll(workRoot, 0o755); err != nil {
		t.Fatal(err)
	}
	viteRoot, err := os.MkdirTemp(workRoot, "ssr-build-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(viteRoot) })
	ssrBuildWrite(t, viteRoot)
	goRoot := t.TempDir()
	ssrBuildWrite(t, goRoot)
	ssrBuildLinkReact(t, goRoot, shared)

	env := []string{"NO_COLOR=1"}
	commands := [][]string{
		{"build", "--outDir", "dist/client", "--manifest", "--ssrManifest"},
		{"build", "--ssr", "src/entry-server.jsx", "--outDir", "dist/server", "--manifest"},
	}
	for _, args := range commands {
		if res := runCmd(t, 120*time.Second, viteRoot, env, node, append([]string{viteJS}, args...)...); res.Code != 0 {
			t.Fatalf("vite %s failed:\n%s", strings.Join(args, " "), res)
		}
		if res := runCmd(t, 120*time.Second, goRoot, env, bin, args...); res.Code != 0 {
			t.Fatalf("govite %s failed:\n%s", strings.Join(args, " "), res)
		}
	}

	// The rendered HTML is the same; the URLs in it carry content hashes, normalised (the image's
	// hash differs between the two bundlers), and each points at a file its client build wrote.
	viteHTML, goHTML := ssrBuildRender(t, node, viteRoot), ssrBuildRender(t, node, goRoot)
	if !strings.Contains(goHTML, "HELLO FROM SSR!") || !strings.Contains(goHTML, "rendered for <!-- -->/") {
		t.Errorf("govite's server bundle rendered unexpected HTML:\n%s", goHTML)
	}
	if w, g := ssrBuildHashRE.ReplaceAllString(viteHTML, "-HASH.$1"), ssrBuildHashRE.ReplaceAllString(goHTML, "-HASH.$1"); w != g {
		t.Errorf("rendered HTML differs (hashes normalised):\nVite 8: %s\ngovite: %s", viteHTML, goHTML)
	}
	for _, c := range []struct{ root, html string }{{viteRoot, viteHTML}, {goRoot, goHTML}} {
		m := regexp.MustCompile(`src="/(assets/logo-[^"]+\.png)"`).FindStringSubmatch(c.html)
		if m == nil {
			t.Errorf("no image URL in the HTML rendered in %s:\n%s", c.root, c.html)
		} else if !fileExists(filepath.Join(c.root, "dist", "client", m[1])) {
			t.Errorf("the rendered image URL /%s is not a file of %s/dist/client", m[1], c.root)
		}
	}

	// Layouts and manifests, client and server.
	extraFiles := map[string]bool{} // govite's extra shared chunks, client and server, as "/assets/..." URLs
	for _, out := range []string{"dist/client", "dist/server"} {
		vm := ssrBuildManifest(t, filepath.Join(viteRoot, out))
		gm := ssrBuildManifest(t, filepath.Join(goRoot, out))
		if (vm == nil) != (gm == nil) {
			t.Errorf("%s/.vite/manifest.json: written by Vite 8: %v, by govite: %v", out, vm != nil, gm != nil)
			continue
		}
		extraKeys, files := ssrBuildExtraChunks(vm, gm)
		if len(extraKeys) > 0 {
			t.Logf("%s: govite's extra shared chunks (known difference): %v", out, slices.Sorted(maps.Keys(extraKeys)))
		}
		if d := ssrBuildCompareLayouts(ssrBuildLayout(t, filepath.Join(viteRoot, out)), ssrBuildLayout(t, filepath.Join(goRoot, out)), files); d != "" {
			t.Errorf("%s: the files differ (hashes normalised):\n%s", out, d)
		}
		if vm != nil {
			if d := ssrBuildCompareManifests(vm, gm, extraKeys); d != "" {
				t.Errorf("%s/.vite/manifest.json differs (hashes normalised):\n%s\nVite 8:\n%s\ngovite:\n%s", out, d, prettyJSON(vm), prettyJSON(gm))
			}
		}
		if out == "dist/client" {
			for f := range files {
				extraFiles["/"+f] = true
			}
		}
	}

	// The ssr-manifest: the same keys for the app's own modules, and for each the same files,
	// except for modules govite put in an extra shared chunk.
	readSSR := func(root string) map[string][]string {
		var m map[string][]string
		if err := json.Unmarshal(readFile(t, root, "dist/client/.vite/ssr-manifest.json"), &m); err != nil {
			t.Fatalf("decoding %s/dist/client/.vite/ssr-manifest.json: %v", root, err)
		}
		out := map[string][]string{}
		for k, files := range m {
			if !ssrBuildAppKey(k) {
				continue
			}
			var norm []string
			for _, f := range files {
				norm = append(norm, normalizeName(f))
			}
			slices.Sort(norm)
			out[k] = norm
		}
		return out
	}
	viteSSR, goSSR := readSSR(viteRoot), readSSR(goRoot)
	for _, k := range []string{"index.html", "src/App.jsx", "src/App.css", "src/Extra.jsx", "src/logo.png"} {
		if _, ok := viteSSR[k]; !ok {
			t.Errorf("Vite 8's ssr-manifest has no key %q (the test app changed?): %v", k, viteSSR)
		}
	}
	for _, k := range sortedUnion(viteSSR, goSSR) {
		w, inVite := viteSSR[k]
		g, inGo := goSSR[k]
		switch {
		case !inGo:
			t.Errorf("ssr-manifest: key %q only in Vite 8's (%q)", k, w)
		case !inVite:
			t.Errorf("ssr-manifest: key %q only in govite's (%q)", k, g)
		case slices.ContainsFunc(g, func(f string) bool { return extraFiles[f] }):
			// The module is in one of govite's extra shared chunks (known difference 1 or 2).
		case !slices.Equal(w, g):
			t.Errorf("ssr-manifest: key %q: Vite 8 %q, govite %q", k, w, g)
		}
	}
}
