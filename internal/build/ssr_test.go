package build

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"

	"github.com/govite/govite/internal/testutil/tools"
)

// ssrProject is a project with dependencies of every kind a server build meets. The expectations in
// the tests below were checked against `vite build --ssr src/entry.js` (Vite 8.3.8) on the same files.
func ssrProject(t *testing.T, extra map[string]string) string {
	t.Helper()
	files := map[string]string{
		"package.json": `{"name":"app","type":"module"}`,
		// "exports" with browser, node and default conditions.
		"node_modules/dep-cond/package.json": `{"name":"dep-cond","version":"1.0.0","exports":{".":{"browser":"./browser.js","node":"./node.js","default":"./default.js"}}}`,
		"node_modules/dep-cond/node.js":      `export const where = "node"`,
		"node_modules/dep-cond/browser.js":   `export const where = "browser"`,
		"node_modules/dep-cond/default.js":   `export const where = "default"`,
		// No "exports": main, module and browser fields.
		"node_modules/dep-main/package.json": `{"name":"dep-main","version":"1.0.0","main":"index.js","module":"esm.js","browser":"browser.js"}`,
		"node_modules/dep-main/index.js":     `exports.kind = "main"`,
		"node_modules/dep-main/esm.js":       `export const kind = "module"`,
		"node_modules/dep-main/browser.js":   `export const kind = "browser"`,
		// A deep import without extension of a package without "exports".
		"node_modules/dep-deep/package.json": `{"name":"dep-deep","version":"1.0.0","main":"index.js"}`,
		"node_modules/dep-deep/lib/x.js":     `export const x = "deep"`,
		"node_modules/dep-deep/index.js":     `export const x = "root"`,
		// CommonJS that requires a builtin and another dependency.
		"node_modules/dep-cjs/package.json":    `{"name":"dep-cjs","version":"1.0.0","main":"index.js"}`,
		"node_modules/dep-cjs/index.js":        "const util = require('util'); const { where } = require('dep-cond');\nexports.cjs = util.format('%s-%s', 'cjs', where);",
		"node_modules/@scope/pkg/package.json": `{"name":"@scope/pkg","version":"1.0.0","type":"module","exports":{".":"./index.js","./sub":"./sub.js"}}`,
		"node_modules/@scope/pkg/index.js":     `export const s = "scoped"`,
		"node_modules/@scope/pkg/sub.js":       `export const sub = "sub"`,
		"src/entry.js": `import fs from 'fs'
import { join } from 'node:path'
import { where } from 'dep-cond'
import { kind } from 'dep-main'
import { x } from 'dep-deep/lib/x'
import { cjs } from 'dep-cjs'
import { s } from '@scope/pkg'
import { sub } from '@scope/pkg/sub'
import { linked } from 'linked'
export function info() {
  return { fs: typeof fs.readFileSync, join: join('a', 'b'), where, kind, x, cjs, s, sub, linked, env: process.env.NODE_ENV, ssr: import.meta.env.SSR, mode: import.meta.env.MODE }
}
`,
	}
	for k, v := range extra {
		files[k] = v
	}
	root := writeFiles(t, files)
	// A linked package (a workspace package): a symlink in node_modules to a folder outside it.
	linked := filepath.Join(t.TempDir(), "linked")
	os.MkdirAll(linked, 0o755)
	os.WriteFile(filepath.Join(linked, "package.json"), []byte(`{"name":"linked","version":"1.0.0","type":"module","exports":"./index.js"}`), 0o644)
	os.WriteFile(filepath.Join(linked, "index.js"), []byte(`export const linked = "linked"`), 0o644)
	if err := os.Symlink(linked, filepath.Join(root, "node_modules", "linked")); err != nil {
		t.Fatal(err)
	}
	return root
}

// ssrConfig is testConfig resolved for `build --ssr entry`: no minification, as config.Resolve does.
func ssrConfig(t *testing.T, root, entry string) *config.ResolvedConfig {
	cfg := testConfig(t, root)
	cfg.Build.SSRBuild = true
	cfg.Build.SSR = filepath.Join(root, entry)
	cfg.Build.Minify, cfg.Build.CSSMinify, cfg.Build.EmitAssets = false, false, false
	cfg.Build.Manifest = ""
	return cfg
}

func buildEnv(t *testing.T, cfg *config.ResolvedConfig, env *Environment) *Result {
	t.Helper()
	res, err := BuildEnvironment(context.Background(), cfg, env)
	if err != nil {
		t.Fatalf("BuildEnvironment(%s): %v", env.Name, err)
	}
	return res
}

var staticImportRe = regexp.MustCompile(`(?m)^import\s+(?:[^"';]+\s+from\s+)?"([^"]+)";`)

// importsOf lists the modules a chunk imports statically, in order.
func importsOf(code string) []string {
	var out []string
	for _, m := range staticImportRe.FindAllStringSubmatch(code, -1) {
		out = append(out, m[1])
	}
	return out
}

// runNode imports the module at file with Node and prints JSON.stringify(await expr(m)).
func runNode(t *testing.T, file, expr string) string {
	t.Helper()
	node := tools.Node(t)
	script := `import(process.argv[1]).then(async (m) => console.log(JSON.stringify(await (` + expr + `)(m))))`
	cmd := exec.Command(node, "-e", script, file)
	cmd.Dir = filepath.Dir(file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", file, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Dependencies in node_modules stay imports by their bare name, Node's builtins too; a linked package
// is bundled; a deep import of a package without "exports" gets the file's extension; the server
// keeps process.env, and import.meta.env.SSR is true.
func TestSSRExternalsByDefault(t *testing.T) {
	root := ssrProject(t, nil)
	cfg := ssrConfig(t, root, "src/entry.js")
	res := buildEnv(t, cfg, SSREnvironment(cfg))
	if res.Environment != "ssr" {
		t.Errorf("Result.Environment = %q, want ssr", res.Environment)
	}
	code := file(t, res, "entry.js")
	want := []string{"fs", "node:path", "dep-cond", "dep-main", "dep-deep/lib/x.js", "dep-cjs", "@scope/pkg", "@scope/pkg/sub"}
	if got := importsOf(code); !slices.Equal(got, want) {
		t.Errorf("imports = %q, want %q\n%s", got, want, code)
	}
	if !strings.Contains(code, `"linked"`) || strings.Contains(code, `from "linked"`) {
		t.Errorf("the linked package should be bundled:\n%s", code)
	}
	if !strings.Contains(code, "process.env.NODE_ENV") || !strings.Contains(code, "ssr: true") {
		t.Errorf("want process.env.NODE_ENV kept and import.meta.env.SSR true:\n%s", code)
	}
	got := runNode(t, filepath.Join(root, "dist", "entry.js"), "(m) => m.info()")
	const wantOut = `{"fs":"function","join":"a/b","where":"node","kind":"main","x":"deep","cjs":"cjs-node","s":"scoped","sub":"sub","linked":"linked","ssr":true,"mode":"production"}`
	if got != wantOut {
		t.Errorf("node output:\n%s\nwant\n%s", got, wantOut)
	}
}

// noExternal bundles what it names (a list, a glob, a RegExp, or everything); bundled packages are
// resolved with the server conditions (node before browser, module before main); external forces a
// package out; builtins always stay imports. A bundled CommonJS module that requires a builtin works
// in the ES module output.
func TestSSRNoExternalAndExternal(t *testing.T) {
	for _, tc := range []struct {
		name       string
		resolve    EnvironmentResolve
		imports    []string
		inBundle   []string
		notInBunde []string
	}{
		{
			name:     "list",
			resolve:  EnvironmentResolve{NoExternal: DepMatcher{List: []string{"dep-cond", "@scope/pkg"}}},
			imports:  []string{"fs", "node:path", "dep-main", "dep-deep/lib/x.js", "dep-cjs"},
			inBundle: []string{`where = "node"`, `s = "scoped"`, `sub = "sub"`},
		},
		{
			name:     "glob and regexp",
			resolve:  EnvironmentResolve{NoExternal: DepMatcher{List: []string{"@scope/*"}, Regexps: []*regexp.Regexp{regexp.MustCompile(`^dep-(main|cjs)$`)}}},
			imports:  []string{"fs", "node:path", "dep-cond", "dep-deep/lib/x.js"},
			inBundle: []string{`kind = "module"`, `s = "scoped"`, `require_dep_cjs`, `__require("dep-cond")`},
		},
		{
			name:       "all",
			resolve:    EnvironmentResolve{NoExternal: DepMatcher{All: true}},
			imports:    []string{"fs", "node:path"},
			inBundle:   []string{`where = "node"`, `kind = "module"`, `x = "deep"`, `s = "scoped"`, `__require("util")`},
			notInBunde: []string{`where = "browser"`, `where = "default"`},
		},
		{
			name:     "external forces a linked package out",
			resolve:  EnvironmentResolve{External: DepMatcher{List: []string{"linked"}}},
			imports:  []string{"fs", "node:path", "dep-cond", "dep-main", "dep-deep/lib/x.js", "dep-cjs", "@scope/pkg", "@scope/pkg/sub", "linked"},
			inBundle: []string{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := ssrProject(t, nil)
			cfg := ssrConfig(t, root, "src/entry.js")
			env := SSREnvironment(cfg)
			env.Resolve.NoExternal, env.Resolve.External = tc.resolve.NoExternal, tc.resolve.External
			res := buildEnv(t, cfg, env)
			code := file(t, res, "entry.js")
			got := importsOf(code)
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.imports))
			if tc.name == "all" || strings.Contains(tc.name, "regexp") {
				got = slices.DeleteFunc(got, func(s string) bool { return s == "node:module" })
			}
			if !slices.Equal(got, want) {
				t.Errorf("imports = %q, want %q\n%s", got, want, code)
			}
			for _, s := range tc.inBundle {
				if !strings.Contains(code, s) {
					t.Errorf("bundle lacks %q:\n%s", s, code)
				}
			}
			for _, s := range tc.notInBunde {
				if strings.Contains(code, s) {
					t.Errorf("bundle has %q:\n%s", s, code)
				}
			}
			out := runNode(t, filepath.Join(root, "dist", "entry.js"), "(m) => m.info().cjs")
			if out != `"cjs-node"` {
				t.Errorf("info().cjs = %s, want \"cjs-node\"", out)
			}
		})
	}
}

// A client build of the same package picks its browser export; the server build its node export.
func TestServerConditionsPickNodeExport(t *testing.T) {
	root := ssrProject(t, map[string]string{
		"src/client.js": "import { where } from 'dep-cond'\nimport { kind } from 'dep-main'\nexport const w = where + ':' + kind\n",
	})
	client := testConfig(t, root)
	client.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "src/client.js")}}
	client.Build.Minify = false
	res := build(t, client)
	code := file(t, res, res.Manifest["src/client.js"].File)
	if !strings.Contains(code, `"browser"`) || strings.Contains(code, `"node"`) {
		t.Errorf("client build should bundle dep-cond's and dep-main's browser files:\n%s", code)
	}

	cfg := ssrConfig(t, root, "src/client.js")
	env := SSREnvironment(cfg)
	env.Resolve.NoExternal = DepMatcher{All: true}
	res = buildEnv(t, cfg, env)
	code = file(t, res, "client.js")
	if !strings.Contains(code, `where = "node"`) || !strings.Contains(code, `kind = "module"`) || strings.Contains(code, `"browser"`) {
		t.Errorf("server build should bundle dep-cond's node file and dep-main's module file:\n%s", code)
	}
}

// The files a server build writes, as Vite 8 names them: entries as [name].js at the root of outDir
// (.mjs when the project's package.json is not "type": "module"), other chunks as
// assets/[name]-[hash].js, imported with paths relative to the importing file; no preload helper; the
// public folder is copied; CSS and assets are not written but the manifest names them.
func TestSSROutputLayout(t *testing.T) {
	files := map[string]string{
		"public/robots.txt": "hi",
		"src/entry-a.js": `import { shared } from './shared.js'
import './a.css'
export const a = () => 'a:' + shared()
export const lazy = () => import('./lazy.js').then((m) => m.lazy())
`,
		"src/entry-b.js": "import { shared } from './shared.js'\nexport const b = () => 'b:' + shared()\n",
		"src/shared.js":  "export const shared = () => 'shared'\n",
		"src/lazy.js":    "import './lazy.css'\nimport { shared } from './shared.js'\nexport const lazy = () => import('./entry-b.js').then((m) => 'lazy+' + shared() + '+' + m.b())\n",
		"src/a.css":      ".a { color: red }\n",
		"src/lazy.css":   ".lazy { color: green }\n",
	}
	for _, tc := range []struct{ pkg, ext string }{{`{"type":"module"}`, "js"}, {`{"name":"cjs"}`, "mjs"}} {
		t.Run(tc.ext, func(t *testing.T) {
			f := map[string]string{"package.json": tc.pkg}
			for k, v := range files {
				f[k] = v
			}
			root := writeFiles(t, f)
			cfg := ssrConfig(t, root, "")
			cfg.Build.SSR = ""
			cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "src/entry-a.js")}, {Path: filepath.Join(root, "src/entry-b.js")}}
			cfg.Build.Manifest = ".vite/manifest.json"
			res := buildEnv(t, cfg, SSREnvironment(cfg))
			var names []string
			for n := range res.Bundle.Files {
				names = append(names, norm(n))
			}
			slices.Sort(names)
			want := []string{".vite/manifest.json", "assets/lazy-HASH." + tc.ext, "assets/shared-HASH." + tc.ext, "entry-a." + tc.ext, "entry-b." + tc.ext}
			if !slices.Equal(names, want) {
				t.Errorf("files = %q, want %q", names, want)
			}
			if _, err := os.Stat(filepath.Join(root, "dist", "robots.txt")); err != nil {
				t.Errorf("public file not copied: %v", err)
			}
			m := res.Manifest
			a := m["src/entry-a.js"]
			if a == nil || a.File != "entry-a."+tc.ext || !a.IsEntry || len(a.CSS) != 1 || norm(a.CSS[0]) != "assets/entry-a-HASH.css" {
				t.Fatalf("manifest entry-a = %s", prettyManifest(m))
			}
			lazy := m["src/lazy.js"]
			if lazy == nil || !lazy.IsDynamicEntry || len(lazy.CSS) != 1 || !slices.Equal(a.DynamicImports, []string{"src/lazy.js"}) {
				t.Errorf("manifest lazy = %s", prettyManifest(m))
			}
			// Every chunk imports the others by paths relative to itself.
			for name, f := range res.Bundle.Files {
				if !strings.HasSuffix(name, "."+tc.ext) {
					continue
				}
				code := string(f.Contents)
				if strings.Contains(code, "__vitePreload") || strings.Contains(code, preloadMarker) {
					t.Errorf("server chunk %s has the preload helper:\n%s", name, code)
				}
				for _, m := range chunkRefRe.FindAllStringSubmatch(code, -1) {
					target := path.Join(path.Dir(name), m[1])
					if res.Bundle.Files[target] == nil {
						t.Errorf("%s imports %q, which is not an output file", name, m[1])
					}
				}
			}
			if codeA := file(t, res, a.File); !strings.Contains(codeA, `import("./`+lazy.File+`")`) {
				t.Errorf("entry-a does not import lazy as ./%s:\n%s", lazy.File, codeA)
			}
			if code := file(t, res, lazy.File); !strings.Contains(code, `import("../entry-b.`+tc.ext+`")`) {
				t.Errorf("lazy does not import entry-b from assets/ as ../entry-b.%s:\n%s", tc.ext, code)
			}
			got := runNode(t, filepath.Join(root, "dist", "entry-a."+tc.ext), "(m) => m.lazy()")
			if got != `"lazy+shared+b:shared"` {
				t.Errorf("lazy() = %s", got)
			}
		})
	}
}

var chunkRefRe = regexp.MustCompile(`(?:from|import)\s*\(?\s*"(\.\.?/[^"]+)"`)

func prettyManifest(m Manifest) string {
	data, _ := json.MarshalIndent(m, "", "  ")
	return string(data)
}

// An SSR build writes no CSS and no assets, but imported assets have the URLs the client build gives
// them (so the server renders what the client hydrates), CSS modules export the same class names, and
// the manifest names the chunk CSS with the client's content hash.
func TestSSRAssetsAndCSSMatchClient(t *testing.T) {
	big := strings.Repeat("x", 5000)
	for _, base := range []string{"/", "/static/", "./"} {
		t.Run(base, func(t *testing.T) {
			root := writeFiles(t, map[string]string{
				"package.json":        `{"type":"module"}`,
				"src/App.js":          "import './app.css'\nimport styles from './box.module.css'\nimport logo from './logo.png'\nimport small from './small.svg'\nexport const html = () => `<img src=\"${logo}\"><img src=\"${small}\"><div class=\"${styles.box}\"></div>`\n",
				"src/client.js":       "import { html } from './App.js'\ndocument.body.innerHTML = html()\n",
				"src/entry-server.js": "export { html as render } from './App.js'\n",
				"src/app.css":         ".app { color: red; background: url(./logo.png) }\n",
				"src/box.module.css":  ".box { color: blue }\n",
				"src/logo.png":        big,
				"src/small.svg":       `<svg xmlns="http://www.w3.org/2000/svg"/>`,
				"index.html":          `<div id="app"></div><script type="module" src="/src/client.js"></script>`,
			})
			client := testConfig(t, root)
			client.Base = base
			client.Build.OutDir = filepath.Join(root, "dist/client")
			cres := build(t, client)
			logoFile := cres.Manifest["src/logo.png"].File
			clientCSS := cres.Manifest["index.html"].CSS

			cfg := ssrConfig(t, root, "src/entry-server.js")
			cfg.Base = base
			cfg.Build.OutDir = filepath.Join(root, "dist/server")
			cfg.Build.Manifest = ".vite/manifest.json"
			res := buildEnv(t, cfg, SSREnvironment(cfg))
			for n := range res.Bundle.Files {
				if strings.HasSuffix(n, ".css") || strings.HasSuffix(n, ".png") || strings.HasSuffix(n, ".svg") {
					t.Errorf("server build wrote %s", n)
				}
			}
			if _, err := os.Stat(filepath.Join(root, "dist/server", logoFile)); err == nil {
				t.Errorf("server build wrote %s to disk", logoFile)
			}
			wantBase := base
			if base == "./" {
				wantBase = "/" // Vite 8 gives server code root-relative URLs when base is relative
			}
			html := runNode(t, filepath.Join(root, "dist/server/entry-server.js"), "(m) => m.render()")
			var rendered string
			json.Unmarshal([]byte(html), &rendered)
			if !strings.Contains(rendered, `<img src="`+wantBase+logoFile+`">`) || !strings.Contains(rendered, `<img src="data:image/svg+xml,`) {
				t.Errorf("rendered %s, want the logo at %s", rendered, wantBase+logoFile)
			}
			// The client's class name for .box is in the client's CSS.
			cls := regexp.MustCompile(`class="([^"]+)"`).FindStringSubmatch(rendered)
			if cls == nil || !strings.Contains(file(t, cres, clientCSS[0]), "."+cls[1]) {
				t.Errorf("CSS module class %v is not the client's (client CSS %s)", cls, file(t, cres, clientCSS[0]))
			}
			m := res.Manifest
			e := m["src/entry-server.js"]
			if e == nil || len(e.CSS) != 1 || !slices.Equal(e.Assets, []string{logoFile}) {
				t.Fatalf("server manifest: %s", prettyManifest(m))
			}
			if hash := func(s string) string { return hashRe.FindString(s) }; hash(e.CSS[0]) != hash(clientCSS[0]) {
				t.Errorf("server manifest CSS %s, client CSS %s: want the same content hash", e.CSS[0], clientCSS[0])
			}
			if _, ok := m["src/logo.png"]; ok {
				t.Errorf("server manifest has a key for an asset it did not write: %s", prettyManifest(m))
			}
		})
	}
}

// ssrEmitAssets writes the assets and CSS of a server build.
func TestSSREmitAssets(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"src/entry.js": "import './a.css'\nimport logo from './logo.png'\nexport default logo\n",
		"src/a.css":    ".a{color:red}",
		"src/logo.png": strings.Repeat("x", 5000),
	})
	cfg := ssrConfig(t, root, "src/entry.js")
	env := SSREnvironment(cfg)
	env.Build.EmitAssets = true
	res := buildEnv(t, cfg, env)
	var names []string
	for n := range res.Bundle.Files {
		names = append(names, norm(n))
	}
	slices.Sort(names)
	if want := []string{"assets/entry-HASH.css", "assets/logo-HASH.png", "entry.mjs"}; !slices.Equal(names, want) {
		t.Errorf("files = %q, want %q", names, want)
	}
}

// Build with a config resolved for an SSR build builds the ssr environment (Vite's build() does),
// and plugins see the environment's name and consumer-specific options.
func TestBuildDispatchesSSRAndPluginsSeeEnvironment(t *testing.T) {
	root := writeFiles(t, map[string]string{"src/entry.js": "export const v = __ENV__\n"})
	cfg := ssrConfig(t, root, "src/entry.js")
	var seen []string
	cfg.Plugins = []*config.Plugin{{
		Name: "env-probe",
		Transform: func(ctx *config.PluginContext, code, id string) (*config.TransformResult, error) {
			seen = append(seen, ctx.EnvironmentName()+":"+filepath.Base(id))
			return &config.TransformResult{Code: strings.ReplaceAll(code, "__ENV__", `"`+ctx.EnvironmentName()+`"`)}, nil
		},
	}}
	res, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if code := file(t, res, "entry.mjs"); !strings.Contains(code, `v = "ssr"`) {
		t.Errorf("entry:\n%s", code)
	}
	if !slices.Equal(seen, []string{"ssr:entry.js"}) {
		t.Errorf("transform saw %q", seen)
	}

	// Another server environment, built through BuildEnvironment with its own name and outDir.
	env := SSREnvironment(cfg)
	env.Name = "edge"
	env.Build.OutDir = filepath.Join(root, "dist/edge")
	seen = nil
	res = buildEnv(t, cfg, env)
	if code := file(t, res, "entry.mjs"); !strings.Contains(code, `v = "edge"`) || res.Environment != "edge" {
		t.Errorf("edge entry:\n%s", code)
	}
	if _, err := os.Stat(filepath.Join(root, "dist/edge/entry.mjs")); err != nil {
		t.Error(err)
	}
}

// Errors name the file, line and column; a missing SSR entry names the path; an HTML input is refused.
func TestSSRErrors(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"src/entry.js": "import { x } from './bad.js'\nexport default x\n",
		"src/bad.js":   "export const x = 1\nconst = 2\n",
		"index.html":   "<script type=module src=/src/entry.js></script>",
	})
	cfg := ssrConfig(t, root, "src/entry.js")
	_, err := BuildEnvironment(context.Background(), cfg, SSREnvironment(cfg))
	if err == nil || !IsBuildError(err) || !strings.Contains(err.Error(), "src/bad.js:2:7:") || !strings.Contains(err.Error(), `Expected identifier but found "="`) {
		t.Errorf("syntax error: %v", err)
	}

	cfg = ssrConfig(t, root, "src/missing.jsx")
	_, err = BuildEnvironment(context.Background(), cfg, SSREnvironment(cfg))
	if err == nil || !strings.Contains(err.Error(), `"src/missing.jsx"`) || !strings.Contains(err.Error(), filepath.Join(root, "src/missing.jsx")) {
		t.Errorf("missing entry: %v", err)
	}

	good := writeFiles(t, map[string]string{"src/entry-server.ts": "export const render = (): string => '<p>hi</p>'\n"})
	cfg = ssrConfig(t, good, "src/entry-server")
	if res, err := BuildEnvironment(context.Background(), cfg, SSREnvironment(cfg)); err != nil || res.Bundle.Files["entry-server.mjs"] == nil {
		t.Errorf("an entry without extension should resolve: %v", err)
	}

	cfg = ssrConfig(t, root, "")
	cfg.Build.SSR = ""
	_, err = BuildEnvironment(context.Background(), cfg, SSREnvironment(cfg))
	if err == nil || !strings.Contains(err.Error(), "should not be an html file when building for SSR") {
		t.Errorf("no SSR entry: %v", err)
	}
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "index.html")}}
	_, err = BuildEnvironment(context.Background(), cfg, SSREnvironment(cfg))
	if err == nil || !strings.Contains(err.Error(), "should not be an html file when building for SSR") {
		t.Errorf("HTML input: %v", err)
	}

	// An unresolvable dependency is reported where it is imported.
	root = writeFiles(t, map[string]string{"src/entry.js": "\nimport 'not-installed'\n"})
	cfg = ssrConfig(t, root, "src/entry.js")
	_, err = BuildEnvironment(context.Background(), cfg, SSREnvironment(cfg))
	if err == nil || !strings.Contains(err.Error(), "src/entry.js:2:8") || !strings.Contains(err.Error(), "not-installed") {
		t.Errorf("unresolved dependency: %v", err)
	}
}

func TestDepMatcherAndPackageNames(t *testing.T) {
	m := DepMatcher{List: []string{"a", "@s/*"}, Regexps: []*regexp.Regexp{regexp.MustCompile(`^re-`)}}
	for id, want := range map[string]bool{"a": true, "ab": false, "@s/x": true, "@t/x": false, "re-x": true, "x-re-": false} {
		if m.Match(id) != want {
			t.Errorf("Match(%q) = %v", id, !want)
		}
	}
	for id, want := range map[string]string{"react": "react", "react/jsx-runtime": "react", "@s/p": "@s/p", "@s/p/deep/x": "@s/p", "@s": ""} {
		if got := npmPackageName(id); got != want {
			t.Errorf("npmPackageName(%q) = %q, want %q", id, got, want)
		}
	}
	for id, want := range map[string]bool{"react": true, "@s/p": true, "./x": false, "/abs": false, "C:/x": false, "\x00virtual": false, "node:fs": true, "https://x": false} {
		if got := isBareImport(id); got != want {
			t.Errorf("isBareImport(%q) = %v", id, got)
		}
	}
	b := NodeBuiltins()
	for id, want := range map[string]bool{"fs": true, "node:fs": true, "fs/promises": true, "bun:sqlite": true, "react": false, "node-fetch": false} {
		if b.Match(id) != want {
			t.Errorf("builtin %q = %v", id, !want)
		}
	}
}

// The options come from the resolved config: ssr.noExternal (Vite 5's form) for `build --ssr`, and
// any environment of `environments` for the builder.
func TestEnvironmentsFromResolvedConfig(t *testing.T) {
	root := ssrProject(t, nil)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, err := config.Resolve(ctx, &config.UserConfig{
		Root:   root,
		Logger: quiet,
		Build:  config.BuildOptions{SSR: "src/entry.js"},
		SSR:    &config.SSROptions{NoExternal: config.ModuleList{Patterns: []config.Pattern{{Name: "dep-cond"}, {Regexp: "^@scope/"}}}},
	}, config.ResolveConfigOptions{Command: "build", ConfigFile: config.ConfigFileDisabled})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Build(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	code := file(t, res, "entry.js")
	if got, want := importsOf(code), []string{"fs", "node:path", "dep-main", "dep-deep/lib/x.js", "dep-cjs"}; !slices.Equal(got, want) {
		t.Errorf("imports = %q, want %q\n%s", got, want, code)
	}
	if !strings.Contains(code, `where = "node"`) || strings.Contains(code, "process.env.NODE_ENV") == false {
		t.Errorf("dep-cond should be bundled (node export):\n%s", code)
	}
	for n := range res.Bundle.Files {
		if strings.HasSuffix(n, ".css") {
			t.Errorf("wrote %s", n)
		}
	}

	cfg, err = config.Resolve(ctx, &config.UserConfig{
		Root:   root,
		Logger: quiet,
		Environments: []config.NamedEnvironment{{Name: "edge", Options: config.EnvironmentOptions{
			Consumer: "server",
			Input:    &config.Input{Entries: []config.InputEntry{{Path: "src/entry.js"}}},
			Resolve:  config.EnvironmentResolveOptions{NoExternal: config.ModuleList{All: true}},
			Build:    config.BuildOptions{OutDir: "dist/edge"},
		}}},
	}, config.ResolveConfigOptions{Command: "build", ConfigFile: config.ConfigFileDisabled})
	if err != nil {
		t.Fatal(err)
	}
	env, err := EnvironmentFromConfig(cfg, "edge")
	if err != nil {
		t.Fatal(err)
	}
	res, err = BuildEnvironment(ctx, cfg, env)
	if err != nil {
		t.Fatal(err)
	}
	if res.Environment != "edge" {
		t.Errorf("Environment = %q", res.Environment)
	}
	code = file(t, res, "entry.js")
	if got, want := importsOf(code), []string{"node:module", "fs", "node:path"}; !slices.Equal(got, want) {
		t.Errorf("edge imports = %q, want %q\n%s", got, want, code)
	}
	if _, err := os.Stat(filepath.Join(root, "dist/edge/entry.js")); err != nil {
		t.Error(err)
	}
	if _, err := EnvironmentFromConfig(cfg, "nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown environment: %v", err)
	}
	// The client environment of the same config builds for the browser.
	client, err := EnvironmentFromConfig(cfg, "client")
	if err != nil {
		t.Fatal(err)
	}
	if client.isServer() || !slices.Contains(client.Resolve.Conditions, "browser") {
		t.Errorf("client environment: %+v", client.Resolve)
	}
}

// import.meta.env (an object) is inlined where it is used. esbuild would inject it as a module into
// every file, and with a CommonJS dependency in the bundle every module would call its initializer.
func TestObjectDefinesAreInlined(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"node_modules/cjs/package.json": `{"name":"cjs","version":"1.0.0","main":"index.js"}`,
		"node_modules/cjs/index.js":     "exports.v = 1",
		"src/main.js":                   "import { v } from 'cjs'\nconsole.log(v, import.meta.env.MODE)\nimport('./lazy.js')\n",
		"src/lazy.js":                   "export const env = import.meta.env\nexport const cfg = __CFG__\nexport const mode = import.meta.env.MODE\n",
	})
	cfg := testConfig(t, root)
	cfg.Build.Minify = false
	cfg.Define = map[string]any{"__CFG__": map[string]any{"a": 1}}
	cfg.Build.Input = []config.InputEntry{{Path: filepath.Join(root, "src/main.js")}}
	res := build(t, cfg)
	for n, f := range res.Bundle.Files {
		if strings.Contains(string(f.Contents), "init_define_") {
			t.Errorf("%s initializes an injected define module:\n%s", n, f.Contents)
		}
	}
	lazy := file(t, res, res.Manifest["src/lazy.js"].File)
	for _, want := range []string{`MODE: "production"`, `SSR: false`, `a: 1`, `mode = "production"`} {
		if !strings.Contains(lazy, want) {
			t.Errorf("lazy chunk lacks %q:\n%s", want, lazy)
		}
	}
	if main := file(t, res, res.Manifest["src/main.js"].File); strings.Contains(main, "define_import_meta_env") {
		t.Errorf("main chunk declares import.meta.env though it only uses import.meta.env.MODE:\n%s", main)
	}
}

// ssr.target "webworker": a server environment for a runtime without Node's APIs is one file for the
// browser platform, with process.env replaced; KeepProcessEnv overrides the default either way.
func TestSSRWebworkerAndKeepProcessEnv(t *testing.T) {
	root := ssrProject(t, map[string]string{
		"src/worker.js": "import { where } from 'dep-cond'\nexport const info = () => [where, process.env.NODE_ENV]\nexport const lazy = () => import('./lazy.js')\n",
		"src/lazy.js":   "export default 'lazy'\n",
	})
	cfg := ssrConfig(t, root, "src/worker.js")
	env := SSREnvironment(cfg)
	env.Webworker = true
	env.Resolve.Conditions = config.DefaultClientConditions
	env.Resolve.MainFields = config.DefaultClientMainFields
	env.Resolve.NoExternal = DepMatcher{All: true}
	res := buildEnv(t, cfg, env)
	var names []string
	for n := range res.Bundle.Files {
		names = append(names, n)
	}
	if !slices.Equal(names, []string{"worker.js"}) {
		t.Errorf("files = %q, want one worker.js", names)
	}
	code := file(t, res, "worker.js")
	if !strings.Contains(code, `where = "browser"`) || strings.Contains(code, "process.env") || strings.Contains(code, "node:module") {
		t.Errorf("webworker build:\n%s", code)
	}

	env = SSREnvironment(cfg)
	env.KeepProcessEnv = new(bool)
	res = buildEnv(t, cfg, env)
	if code := file(t, res, "worker.js"); strings.Contains(code, "process.env") || !strings.Contains(code, `"production"`) {
		t.Errorf("keepProcessEnv false:\n%s", code)
	}
}
