package build

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
)

// TestBuildFollowsTsconfigReferencesAndExtends: in create-vite's layout (a solution tsconfig.json whose
// reference, extending a base, takes in src), TypeScript is compiled with that config's options, as
// Vite does and as the dev server does: legacy decorators, assigned class fields and kept imports,
// also in a file whose dynamic import or glob makes the build compile it early.
func TestBuildFollowsTsconfigReferencesAndExtends(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"tsconfig.json":      `{ "files": [], "references": [{ "path": "./tsconfig.app.json" }] }`,
		"tsconfig.app.json":  `{ "extends": "./tsconfig.base.json", "compilerOptions": { "verbatimModuleSyntax": true }, "include": ["src"] }`,
		"tsconfig.base.json": `{ "compilerOptions": { "target": "ES2020", "useDefineForClassFields": false, "experimentalDecorators": true } }`,
		"src/side.ts":        "export const unused = 1\nconsole.log('side effect')\n",
		"src/main.ts":        "import { unused } from './side'\nfunction dec(t: any, k: string) {}\nclass A { @dec x = 1; constructor() { console.log(this.x) } }\nnew A()\nimport('./lazy')\n",
		"src/lazy.ts":        "function dec2(t: any, k: string) {}\nclass B { @dec2 y = 2 }\nconsole.log(new B().y)\n",
	})
	js := buildMainTS(t, root, func(cfg *config.ResolvedConfig) { cfg.Build.Minify = false })
	for _, want := range []string{`console.log("side effect")`, "this.x = 1", "this.y = 2", "__decorateClass("} {
		if !strings.Contains(js, want) {
			t.Errorf("build output lacks %q:\n%s", want, js)
		}
	}
	if strings.Contains(js, "__decorateElement") || strings.Contains(js, "Symbol.metadata") {
		t.Errorf("decorators compiled as TC39 decorators, not the tsconfig's experimentalDecorators:\n%s", js)
	}
}

// TestBuildTsconfigPaths: with resolve.tsconfigPaths the build resolves imports through the paths of
// the tsconfig a solution references, which esbuild's own tsconfig support would not find.
func TestBuildTsconfigPaths(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"tsconfig.json":     `{ "files": [], "references": [{ "path": "./tsconfig.app.json" }] }`,
		"tsconfig.app.json": `{ "compilerOptions": { "paths": { "@/*": ["./src/*"], "~lib": ["./src/lib/index.ts"] } }, "include": ["src"] }`,
		"src/main.ts":       "import { x } from '~lib'\nimport { y } from '@/util'\ndocument.title = x + y\n",
		"src/util.ts":       "export const y = 'from-util'\n",
		"src/lib/index.ts":  "export const x = 'from-lib'\n",
	})
	js := buildMainTS(t, root, func(cfg *config.ResolvedConfig) { cfg.Resolve.TsconfigPaths = true })
	if !strings.Contains(js, "from-lib") || !strings.Contains(js, "from-util") {
		t.Errorf("build output lacks the modules the paths name:\n%s", js)
	}
}

// buildMainTS builds root with src/main.ts as its input and returns all the JavaScript it wrote.
func buildMainTS(t *testing.T, root string, edit func(*config.ResolvedConfig)) string {
	t.Helper()
	cfg := testConfig(t, root)
	cfg.Build.Input = []config.InputEntry{{Name: "main", Path: filepath.Join(root, "src/main.ts")}}
	edit(cfg)
	return allJS(build(t, cfg))
}

// allJS is every JavaScript file of a build, one after the other.
func allJS(res *Result) string {
	var js string
	for name, f := range res.Bundle.Files {
		if strings.HasSuffix(name, ".js") {
			js += string(f.Contents)
		}
	}
	return js
}
