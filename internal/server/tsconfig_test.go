package server

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/plugins/react"
)

// tsconfigProject is create-vite's TypeScript layout: a solution tsconfig.json whose reference
// tsconfig.app.json (extending a base) takes in src, with legacy decorators, kept imports and
// assigned class fields, as Vite compiles it.
var tsconfigProject = map[string]string{
	"index.html":                            `<script type="module" src="/src/main.ts"></script>`,
	"tsconfig.json":                         `{ "files": [], "references": [{ "path": "./tsconfig.app.json" }] }`,
	"tsconfig.app.json":                     `{ "extends": "./tsconfig.base.json", "compilerOptions": { "verbatimModuleSyntax": true, "jsx": "preserve" }, "include": ["src"] }`,
	"tsconfig.base.json":                    `{ "compilerOptions": { "target": "ES2020", "useDefineForClassFields": false, "experimentalDecorators": true } }`,
	"src/side.ts":                           "export const unused = 1\nconsole.log('side effect')\n",
	"src/main.ts":                           "import { unused } from './side'\nfunction dec(t: any, k: string) {}\nclass A { @dec x = 1; constructor() { console.log(this.x) } }\nexport { A }\n",
	"node_modules/react/package.json":       `{ "name": "react", "version": "19.0.0", "exports": { "./jsx-dev-runtime": "./jsx-dev-runtime.js" } }`,
	"node_modules/react/jsx-dev-runtime.js": "export function jsxDEV() {}\n",
	"src/App.tsx":                           "import { unused } from './side'\nfunction dec(t: any, k: string) {}\nclass A { @dec x = 1 }\nexport default function App() { return <p>{String(new A().x)}</p> }\n",
}

// TestDevFollowsTsconfigReferencesAndExtends: a TypeScript module is compiled with the options of the
// tsconfig Vite finds for it, through the solution's references and the extends chain, by the
// built-in transform and by the React plugin alike; the JSX options stay govite's own.
func TestDevFollowsTsconfigReferencesAndExtends(t *testing.T) {
	check := func(what, body string) {
		t.Helper()
		mustContain(t, what, body, `import { unused } from "/src/side.ts"`, "__decorateClass(", "this.x = 1")
		if strings.Contains(body, "@dec") {
			t.Errorf("%s: decorator left as written (the browser cannot run it):\n%s", what, body)
		}
	}
	root := writeProject(t, tsconfigProject)
	_, ts := newTestServer(t, root, nil)
	_, body, _ := get(t, ts, "/src/main.ts")
	check("main.ts", body)
	_, body, _ = get(t, ts, "/src/App.tsx")
	check("App.tsx", body)
	mustContain(t, "App.tsx's JSX (automatic, not the tsconfig's preserve)", body, "jsxDEV(")

	root = writeProject(t, tsconfigProject)
	_, ts = newTestServer(t, root, func(c *config.UserConfig) { c.Plugins = []*config.Plugin{react.Plugin(nil)} })
	_, body, _ = get(t, ts, "/src/App.tsx")
	check("App.tsx through the React plugin", body)
	mustContain(t, "App.tsx through the React plugin", body, "jsxDEV(", "$RefreshReg$")
}

// TestTsconfigChangeReloads: a change to a tsconfig (here one that another extends) drops every
// cached transform and reloads the page, as in Vite; the next request compiles with the new options.
func TestTsconfigChangeReloads(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":         `<script type="module" src="/src/main.ts"></script>`,
		"tsconfig.json":      `{ "extends": "./tsconfig.base.json" }`,
		"tsconfig.base.json": `{ "compilerOptions": { "target": "ESNext" } }`,
		"src/main.ts":        "function dec(t: any, k: string) {}\nclass A { @dec x = 1 }\nexport { A }\n",
	})
	s, ts := newTestServer(t, root, nil)
	c := hmrClient(t, s, ts)
	_, body, _ := get(t, ts, "/src/main.ts")
	mustContain(t, "main.ts with standard decorators (left to the browser at target esnext)", body, "@dec x = 1")

	os.WriteFile(filepath.Join(root, "tsconfig.base.json"), []byte(`{ "compilerOptions": { "target": "ESNext", "experimentalDecorators": true } }`), 0o644)
	if msg := readPayload(t, c); msg["type"] != "full-reload" || msg["path"] != "*" {
		t.Fatalf("after the tsconfig change: %v, want a full reload", msg)
	}
	_, body, _ = get(t, ts, "/src/main.ts")
	mustContain(t, "main.ts after experimentalDecorators was turned on", body, "__decorateClass(")
}

// TestTsconfigPaths: with resolve.tsconfigPaths (Vite 8), imports follow the paths of the tsconfig
// that a solution references, in served modules and in the dependency scan (which would otherwise
// report "@/util" as a missing package).
func TestTsconfigPaths(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":        `<script type="module" src="/src/main.ts"></script>`,
		"tsconfig.json":     `{ "files": [], "references": [{ "path": "./tsconfig.app.json" }] }`,
		"tsconfig.app.json": `{ "compilerOptions": { "paths": { "@/*": ["./src/*"], "~lib": ["./src/lib/index.ts"] } }, "include": ["src"] }`,
		"src/main.ts":       "import { x } from '~lib'\nimport { y } from '@/util'\nimport raw from '@/util?raw'\ndocument.title = x + y + raw\n",
		"src/util.ts":       "export const y = 1\n",
		"src/lib/index.ts":  "export const x = 1\n",
	})
	var logs lockedBuffer
	s, ts := newTestServer(t, root, func(c *config.UserConfig) {
		c.Resolve.TsconfigPaths = true
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	if err := s.Environments["client"].optimizer.WaitScan(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, body, _ := get(t, ts, "/src/main.ts")
	mustContain(t, "main.ts", body, `from "/src/lib/index.ts"`, `from "/src/util.ts"`, `from "/src/util.ts?raw"`)
	if strings.Contains(logs.String(), "could not be resolved") {
		t.Errorf("the scan did not follow the paths:\n%s", logs.String())
	}
}
