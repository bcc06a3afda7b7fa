package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govite/govite/internal/testutil/tools"
)

// ssrReactCopy copies examples/ssr-react (its Vite project, not the Go server) into a temporary
// directory, with React linked from e2e/vite8/node_modules. edit may change vite.config.js.
func ssrReactCopy(t *testing.T, edit func(config string) string) string {
	t.Helper()
	modules := tools.Vite8Modules(t)
	tools.Require(t, fileExistsT(filepath.Join(modules, "react-dom", "package.json")), "React is not installed in "+modules+": run `cd e2e/vite8 && npm ci` (scripts/test does it)")
	src := filepath.Join(tools.RepoRoot(), "examples", "ssr-react")
	root := t.TempDir()
	for _, rel := range []string{"index.html", "vite.config.js", "package.json", "src/App.jsx", "src/App.css", "src/Greeting.jsx", "src/entry-client.jsx", "src/entry-server.jsx"} {
		data, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			t.Fatal(err)
		}
		if rel == "vite.config.js" && edit != nil {
			data = []byte(edit(string(data)))
		}
		dst := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(root, "node_modules"), 0o755)
	for _, pkg := range []string{"react", "react-dom", "scheduler"} {
		if err := os.Symlink(filepath.Join(modules, pkg), filepath.Join(root, "node_modules", pkg)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func fileExistsT(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// runGovite runs the command with args and returns its exit code, stdout and stderr.
func runGovite(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// checkAppBuild checks the output of a build of both environments of the ssr-react example.
func checkAppBuild(t *testing.T, root string, code int, stdout, stderr string) {
	t.Helper()
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, f := range []string{"dist/client/index.html", "dist/client/.vite/manifest.json", "dist/server/entry-server.js"} {
		if !fileExistsT(filepath.Join(root, f)) {
			t.Errorf("%s was not written", f)
		}
	}
	assets, _ := filepath.Glob(filepath.Join(root, "dist/client/assets/index-*.js"))
	css, _ := filepath.Glob(filepath.Join(root, "dist/client/assets/index-*.css"))
	if len(assets) != 1 || len(css) != 1 {
		t.Errorf("dist/client/assets: want one index-*.js and one index-*.css, got %q %q", assets, css)
	}
	if fileExistsT(filepath.Join(root, "dist/server/.vite/manifest.json")) || fileExistsT(filepath.Join(root, "dist/server/index.html")) {
		t.Errorf("the server build wrote the client's files")
	}
	// Vite 8 prints one block per environment, in build order: the "building" line, the module
	// count, the file report and "✓ built in".
	client := strings.Index(stdout, "building client environment for production...")
	ssr := strings.Index(stdout, "building ssr environment for production...")
	if client < 0 || ssr < client {
		t.Fatalf("want the client block, then the ssr block:\n%s", stdout)
	}
	clientBlock, ssrBlock := stdout[client:ssr], stdout[ssr:]
	for _, want := range []string{"modules transformed.", "dist/client/index.html ", "dist/client/.vite/manifest.json ", "dist/client/assets/index-", "✓ built in"} {
		if !strings.Contains(clientBlock, want) {
			t.Errorf("the client block lacks %q:\n%s", want, clientBlock)
		}
	}
	for _, want := range []string{"modules transformed.", "dist/server/entry-server.js ", "✓ built in"} {
		if !strings.Contains(ssrBlock, want) {
			t.Errorf("the ssr block lacks %q:\n%s", want, ssrBlock)
		}
	}
	if strings.Contains(ssrBlock, "dist/client") || strings.Contains(clientBlock, "dist/server") {
		t.Errorf("a block reports the other environment's files:\n%s", stdout)
	}
	// The server bundle is over 500 kB, but Vite warns about large chunks for minified client
	// environments only.
	if strings.Contains(stdout, "Some chunks are larger") {
		t.Errorf("unexpected large-chunk warning:\n%s", stdout)
	}
}

// `govite build --app` builds every environment of the ssr-react example (here without `builder`
// in its config) into its outDir.
func TestBuildAppFlag(t *testing.T) {
	root := ssrReactCopy(t, func(c string) string {
		out := strings.Replace(c, "  builder: {},\n", "", 1)
		if out == c {
			t.Fatalf("examples/ssr-react/vite.config.js has no `builder: {},` line to remove:\n%s", c)
		}
		return out
	})
	// Without --app (and no builder) only the client is built, as before.
	code, stdout, stderr := runGovite("build", root)
	if code != 0 {
		t.Fatalf("govite build: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !fileExistsT(filepath.Join(root, "dist/client/index.html")) || fileExistsT(filepath.Join(root, "dist/server")) || strings.Contains(stdout, "ssr environment") {
		t.Fatalf("govite build without --app or builder should build the client only:\n%s", stdout)
	}
	os.RemoveAll(filepath.Join(root, "dist"))

	code, stdout, stderr = runGovite("build", root, "--app")
	checkAppBuild(t, root, code, stdout, stderr)
}

// A config with `builder: {}` (examples/ssr-react has it) builds every environment without --app.
func TestBuildAppFromConfig(t *testing.T) {
	root := ssrReactCopy(t, func(c string) string {
		if !strings.Contains(c, "builder: {}") {
			t.Fatalf("examples/ssr-react/vite.config.js no longer sets `builder: {}`:\n%s", c)
		}
		return c
	})
	code, stdout, stderr := runGovite("build", root)
	checkAppBuild(t, root, code, stdout, stderr)
}

func TestAppFlagSetsBuilder(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"--app"}, true},
		{[]string{"web", "--app", "--outDir", "out"}, true},
		{[]string{"--app=false"}, false},
		{[]string{"--no-app"}, false},
		{nil, false},
	} {
		fl, err := parseFlags(tc.args)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		in, err := inlineConfig(fl, nil)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if got := in.Builder != nil; got != tc.want {
			t.Errorf("%q: builder set = %v, want %v", tc.args, got, tc.want)
		}
	}
	code, stdout, _ := runGovite("--help")
	if code != 0 || !strings.Contains(stdout, "--app ") {
		t.Errorf("the help text does not list --app:\n%s", stdout)
	}
}

// threeEnvProject is an app with a client, an ssr and an edge environment, without React.
func threeEnvProject(t *testing.T, config string, extra map[string]string) string {
	files := map[string]string{
		"package.json":        `{"type":"module"}`,
		"index.html":          "<!doctype html><div id=app></div><script type=module src=/src/main.js></script>\n",
		"src/main.js":         "import './style.css'\ndocument.getElementById('app').textContent = 'client'\n",
		"src/style.css":       ".a { color: red }\n",
		"src/entry-server.js": "import './style.css'\nexport const render = () => 'server'\n",
		"src/edge.js":         "export default { fetch: () => new Response('edge') }\n",
		"vite.config.js":      config,
	}
	for k, v := range extra {
		files[k] = v
	}
	return writeProject(t, files)
}

const threeEnvs = `environments: {
    client: { build: { outDir: 'dist/client', manifest: true } },
    ssr: { build: { outDir: 'dist/server', rollupOptions: { input: 'src/entry-server.js' } } },
    edge: { build: { outDir: 'dist/edge', rollupOptions: { input: 'src/edge.js' } } },
  },`

// A config whose builder.buildApp builds one environment builds only that one, with or without
// --app (--app is `builder: {}`, which does not drop the config's buildApp).
func TestBuildAppCustomBuildApp(t *testing.T) {
	for _, args := range [][]string{nil, {"--app"}} {
		root := threeEnvProject(t, "export default {\n  "+threeEnvs+"\n  builder: { async buildApp(builder) { await builder.build(builder.environments.edge) } },\n}\n", nil)
		code, stdout, stderr := runGovite(append([]string{"build", root}, args...)...)
		if code != 0 {
			t.Fatalf("%q: exit %d\n%s\n%s", args, code, stdout, stderr)
		}
		if !fileExistsT(filepath.Join(root, "dist/edge/edge.js")) {
			t.Errorf("%q: dist/edge/edge.js was not written", args)
		}
		for _, d := range []string{"dist/client", "dist/server"} {
			if fileExistsT(filepath.Join(root, d)) {
				t.Errorf("%q: %s was written, but buildApp built only edge", args, d)
			}
		}
		if strings.Count(stdout, "building ") != 1 || !strings.Contains(stdout, "building edge environment for production...") || !strings.Contains(stdout, "dist/edge/edge.js ") {
			t.Errorf("%q: want the edge environment's block only:\n%s", args, stdout)
		}
	}
}

// A failing environment stops the build with a non-zero exit code and an error naming it.
func TestBuildAppFailingEnvironment(t *testing.T) {
	root := threeEnvProject(t, "export default {\n  "+threeEnvs+"\n}\n", map[string]string{"src/edge.js": "export default {\n"})
	code, stdout, stderr := runGovite("build", root, "--app")
	if code == 0 {
		t.Fatalf("exit 0, want a failure\n%s\n%s", stdout, stderr)
	}
	if !strings.Contains(stderr, "edge environment") || !strings.Contains(stderr, "error during build:") || !strings.Contains(stderr, "✗ Build failed in") {
		t.Errorf("the error does not name the edge environment:\n%s", stderr)
	}
	// The environments before it were built, as in Vite.
	if !fileExistsT(filepath.Join(root, "dist/client/index.html")) || !fileExistsT(filepath.Join(root, "dist/server/entry-server.js")) {
		t.Errorf("client and ssr (built before edge) were not written:\n%s", stdout)
	}
	if fileExistsT(filepath.Join(root, "dist/edge")) {
		t.Errorf("the failed edge build wrote dist/edge")
	}
	// A failure inside builder.buildApp names the environment too.
	root = threeEnvProject(t, "export default {\n  "+threeEnvs+"\n  builder: { async buildApp(b) { await b.build(b.environments.edge) } },\n}\n", map[string]string{"src/edge.js": "export default {\n"})
	code, _, stderr = runGovite("build", root, "--logLevel", "silent")
	if code == 0 || !strings.Contains(stderr, "edge environment") {
		t.Errorf("buildApp failure: exit %d\n%s", code, stderr)
	}
}

// `--ssr ENTRY` with `--app`: as in Vite 8.3.8, build.ssr is inherited by every environment and a
// build.ssr string is each one's input, so every environment builds the entry (the client as a
// client bundle), whatever its own rollupOptions.input.
func TestBuildAppWithSSR(t *testing.T) {
	root := threeEnvProject(t, "export default {\n  "+threeEnvs+"\n}\n", nil)
	code, stdout, stderr := runGovite("build", root, "--app", "--ssr", "src/entry-server.js")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, f := range []string{"dist/server/entry-server.js", "dist/edge/entry-server.js", "dist/client/.vite/manifest.json"} {
		if !fileExistsT(filepath.Join(root, f)) {
			t.Errorf("%s was not written:\n%s", f, stdout)
		}
	}
	if js, _ := filepath.Glob(filepath.Join(root, "dist/client/assets/entry-server-*.js")); len(js) != 1 {
		t.Errorf("the client environment did not build entry-server.js: %q\n%s", js, stdout)
	}
	for _, f := range []string{"dist/client/index.html", "dist/edge/edge.js"} {
		if fileExistsT(filepath.Join(root, f)) {
			t.Errorf("%s was written; --ssr ENTRY replaces every environment's input", f)
		}
	}
}
