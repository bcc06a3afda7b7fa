package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// `--ssr ENTRY` names the SSR entry; `--ssr` alone is `build.ssr: true` (the configured input).
func TestSSRFlag(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		entry    string
		ssrInput bool
		outDir   string
	}{
		{[]string{"--ssr", "src/entry-server.jsx", "--outDir", "dist/server"}, "src/entry-server.jsx", false, "dist/server"},
		{[]string{"web", "--ssr=src/e.ts"}, "src/e.ts", false, ""},
		{[]string{"--ssr", "--outDir", "dist/server"}, "", true, "dist/server"},
		{[]string{"--outDir", "out", "--ssr"}, "", true, "out"},
		{[]string{"--ssr=false"}, "", false, ""},
		{[]string{"--outDir", "out"}, "", false, "out"},
	} {
		fl, err := parseFlags(tc.args)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		in, err := inlineConfig(fl, nil)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if in.Build.SSR != tc.entry || in.Build.SSRInput != tc.ssrInput || in.Build.OutDir != tc.outDir {
			t.Errorf("%q: build.ssr = %q, ssrInput = %v, outDir = %q; want %q, %v, %q", tc.args, in.Build.SSR, in.Build.SSRInput, in.Build.OutDir, tc.entry, tc.ssrInput, tc.outDir)
		}
	}
}

func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, c := range files {
		abs := filepath.Join(root, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(abs), 0o755)
		if err := os.WriteFile(abs, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// `govite build --ssr src/entry-server.js --outDir dist/server` prints what Vite prints for an SSR
// build and writes the server entry at the root of outDir, with the dependency left as an import.
func TestBuildSSRCommand(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json":                  `{"type":"module"}`,
		"node_modules/dep/package.json": `{"name":"dep","version":"1.0.0","exports":{"node":"./node.js","default":"./browser.js"}}`,
		"node_modules/dep/node.js":      `export const where = "node"`,
		"node_modules/dep/browser.js":   `export const where = "browser"`,
		"src/entry-server.js":           "import { where } from 'dep'\nimport './style.css'\nexport const render = () => `<p>${where}</p>`\nexport const lazy = () => import('./lazy.js')\n",
		"src/lazy.js":                   "export default 'lazy'\n",
		"src/style.css":                 "p { color: red }\n",
		"public/robots.txt":             "hi",
		"vite.config.js":                "export default { build: { manifest: true } }\n",
	})
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"build", root, "--ssr", "src/entry-server.js", "--outDir", "dist/server"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"building ssr environment for production...", "dist/server/entry-server.js ", "dist/server/assets/lazy-", "✓ built in"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), ".css") {
		t.Errorf("an SSR build writes no CSS:\n%s", out.String())
	}
	entry, err := os.ReadFile(filepath.Join(root, "dist/server/entry-server.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(entry), `from "dep"`) {
		t.Errorf("dep should stay an import:\n%s", entry)
	}
	for _, f := range []string{"dist/server/.vite/manifest.json", "dist/server/robots.txt"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Error(err)
		}
	}

	// A missing entry names it.
	out.Reset()
	errOut.Reset()
	code = run(context.Background(), []string{"build", root, "--ssr", "src/missing.jsx", "--outDir", "dist/server", "--logLevel", "silent"}, &out, &errOut)
	if code == 0 || !strings.Contains(errOut.String(), `"src/missing.jsx"`) {
		t.Errorf("missing entry: exit %d\n%s", code, errOut.String())
	}
	// The previous output is kept.
	if _, err := os.Stat(filepath.Join(root, "dist/server/entry-server.js")); err != nil {
		t.Errorf("a failed build removed the previous output: %v", err)
	}
}

// build.modulePreload.resolveDependencies in vite.config.js decides the preloads, for the page and
// for each import(), through a plugin's config hook too; what it throws fails the build and names it.
func TestBuildResolveDependenciesFromConfig(t *testing.T) {
	files := map[string]string{
		"package.json":  `{"type":"module"}`,
		"index.html":    `<!doctype html><html><head></head><body><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js":   "import { s } from './shared.js'\nconsole.log(s)\nimport('./lazy.js')\n",
		"src/lazy.js":   "import { s } from './shared.js'\nimport './lazy.css'\nexport default s\n",
		"src/shared.js": "export const s = Math.random()\n",
		"src/lazy.css":  ".l { color: red }\n",
		"vite.config.js": `const seen = []
export default {
  plugins: [{ name: 'check', config(c) { seen.push(typeof c.build.modulePreload.resolveDependencies) } }],
  build: {
    modulePreload: {
      resolveDependencies: (filename, deps, { hostId, hostType }) => {
        if (process.env.RD_THROW) throw new Error('no preloads today')
        return [...deps.filter((d) => d === filename), 'x/' + hostType + '-' + hostId.replace(/.*\//, '') + '-' + seen[0] + '.js']
      },
    },
  },
}
`,
	}
	root := writeProject(t, files)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"build", root, "--logLevel", "warn"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	if strings.Contains(errOut.String(), "resolveDependencies") {
		t.Errorf("resolveDependencies is warned about:\n%s", errOut.String())
	}
	page, _ := os.ReadFile(filepath.Join(root, "dist/index.html"))
	if !strings.Contains(string(page), `<link rel="modulepreload" crossorigin href="/x/html-index.html-function.js">`) ||
		strings.Contains(string(page), `href="/assets/shared-`) {
		t.Errorf("the page's preloads are not the function's:\n%s", page)
	}
	js, _ := filepath.Glob(filepath.Join(root, "dist/assets/index-*.js"))
	if len(js) != 1 {
		t.Fatalf("entry chunk: %v", js)
	}
	code, _ := os.ReadFile(js[0])
	if !regexp.MustCompile(`\["assets/lazy-[^"]+\.js","x/js-index-[^"]+\.js-function\.js","assets/lazy-[^"]+\.css"\]`).Match(code) {
		t.Errorf("the import()'s preload list is not the function's, followed by the CSS:\n%s", code)
	}

	t.Setenv("RD_THROW", "1")
	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), []string{"build", root, "--logLevel", "silent"}, &out, &errOut); code == 0 ||
		!strings.Contains(errOut.String(), "build.modulePreload.resolveDependencies") || !strings.Contains(errOut.String(), "no preloads today") {
		t.Errorf("a throwing resolveDependencies: exit %d\n%s", code, errOut.String())
	}
}
