package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func compilerOptions(t *testing.T, raw string) map[string]any {
	t.Helper()
	if raw == "" {
		return nil
	}
	var v struct {
		CompilerOptions map[string]any `json:"compilerOptions"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("TsconfigRaw %q: %v", raw, err)
	}
	return v.CompilerOptions
}

// TestTsconfigSolutionAndExtends: create-vite's layout. tsconfig.json is a solution ("files": [] and
// references); a file in src takes tsconfig.app.json, which extends a base (with comments and
// trailing commas, as tsconfig allows), and vite.config.ts takes tsconfig.node.json, as Vite (tsconfck)
// finds them. Only the options that change a transform are passed on.
func TestTsconfigSolutionAndExtends(t *testing.T) {
	root := writeProject(t, map[string]string{
		"tsconfig.json": `{
  "files": [],
  "references": [{ "path": "./tsconfig.app.json" }, { "path": "./tsconfig.node.json" }],
}`,
		"tsconfig.app.json": `{
  // the app
  "extends": "./tsconfig.base",
  "compilerOptions": { "verbatimModuleSyntax": true, /* kept */ "strict": true, },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts"]
}`,
		"tsconfig.base.json": `{ "compilerOptions": { "target": "ES2020", "experimentalDecorators": true, "useDefineForClassFields": false, "jsxImportSource": "@emotion/react" } }`,
		"tsconfig.node.json": `{ "compilerOptions": { "target": "ES2023" }, "include": ["vite.config.ts"] }`,
	})
	app := compilerOptions(t, TsconfigFor(filepath.Join(root, "src/deep/main.ts"), root))
	want := map[string]any{"target": "ES2020", "experimentalDecorators": true, "useDefineForClassFields": false,
		"verbatimModuleSyntax": true, "jsxImportSource": "@emotion/react"}
	if len(app) != len(want) {
		t.Errorf("src/deep/main.ts: %v, want %v", app, want)
	}
	for k, v := range want {
		if app[k] != v {
			t.Errorf("src/deep/main.ts: %s = %v, want %v", k, app[k], v)
		}
	}
	if node := compilerOptions(t, TsconfigFor(filepath.Join(root, "vite.config.ts"), root)); node["target"] != "ES2023" || node["experimentalDecorators"] != nil {
		t.Errorf("vite.config.ts: %v, want tsconfig.node.json's", node)
	}
	// Excluded from the app and not in any reference: the solution's own (empty) options, where a
	// missing target means TypeScript's ES5 and so assigned class fields.
	for _, f := range []string{"src/a.test.ts", "other/x.ts"} {
		if o := compilerOptions(t, TsconfigFor(filepath.Join(root, f), root)); len(o) != 1 || o["useDefineForClassFields"] != false {
			t.Errorf("%s: %v, want the solution's", f, o)
		}
	}
	// A .js file is not TypeScript: tsconfig.app.json takes it only with allowJs.
	if o := compilerOptions(t, TsconfigFor(filepath.Join(root, "src/legacy.js"), root)); o["experimentalDecorators"] != nil {
		t.Errorf("src/legacy.js without allowJs: %v", o)
	}

	// The configs read are known as tsconfig files (a change to one reloads the dev server's page).
	for f, want := range map[string]bool{"tsconfig.base.json": true, "tsconfig.app.json": true, "tsconfig.json": true, "package.json": false, "src/main.ts": false} {
		if got := IsTsconfigFile(filepath.Join(root, f)); got != want {
			t.Errorf("IsTsconfigFile(%s) = %v", f, got)
		}
	}
	// A change to the base is seen at once.
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(filepath.Join(root, "tsconfig.base.json"), []byte(`{ "compilerOptions": { "target": "ESNext" } }`), 0o644)
	os.Chtimes(filepath.Join(root, "tsconfig.base.json"), time.Now().Add(time.Second), time.Now().Add(time.Second))
	if o := compilerOptions(t, TsconfigFor(filepath.Join(root, "src/main.ts"), root)); o["target"] != "ESNext" || o["experimentalDecorators"] != nil {
		t.Errorf("after the base changed: %v", o)
	}
}

// TestTsconfigExtendsPackages: "extends" names a package's config, by file, by an "exports" subpath,
// by package (its package.json "tsconfig" field, or its tsconfig.json), or a list whose later
// entries win.
func TestTsconfigExtendsPackages(t *testing.T) {
	root := writeProject(t, map[string]string{
		"node_modules/@tsconfig/strictest/tsconfig.json": `{ "compilerOptions": { "alwaysStrict": true, "target": "ES2015" } }`,
		"node_modules/field-pkg/package.json":            `{ "name": "field-pkg", "tsconfig": "configs/base.json" }`,
		"node_modules/field-pkg/configs/base.json":       `{ "compilerOptions": { "experimentalDecorators": true } }`,
		"node_modules/plain-pkg/tsconfig.json":           `{ "compilerOptions": { "verbatimModuleSyntax": true, "target": "ES2022" } }`,
		"node_modules/exp-pkg/package.json":              `{ "name": "exp-pkg", "exports": { "./strict": "./configs/strict.json" } }`,
		"node_modules/exp-pkg/configs/strict.json":       `{ "compilerOptions": { "alwaysStrict": true } }`,
		"d/tsconfig.json":                                `{ "extends": "exp-pkg/strict" }`,
		"a/tsconfig.json":                                `{ "extends": "@tsconfig/strictest/tsconfig.json" }`,
		"b/tsconfig.json":                                `{ "extends": ["field-pkg", "plain-pkg"], "compilerOptions": { "target": "ESNext" } }`,
		"c/tsconfig.json":                                `{ "extends": "missing-pkg" }`,
	})
	a := compilerOptions(t, TsconfigFor(filepath.Join(root, "a/x.ts"), root))
	if a["alwaysStrict"] != true || a["target"] != "ES2015" || a["useDefineForClassFields"] != nil {
		t.Errorf("a: %v", a)
	}
	b := compilerOptions(t, TsconfigFor(filepath.Join(root, "b/x.ts"), root))
	if b["experimentalDecorators"] != true || b["verbatimModuleSyntax"] != true || b["target"] != "ESNext" {
		t.Errorf("b: %v", b)
	}
	if d := compilerOptions(t, TsconfigFor(filepath.Join(root, "d/x.ts"), root)); d["alwaysStrict"] != true {
		t.Errorf("d (through the package's exports): %v", d)
	}
	if c := TsconfigFor(filepath.Join(root, "c/x.ts"), root); c != "" {
		t.Errorf("c (extends a package that is not installed): %q, want no options", c)
	}
	if got := TsconfigFor(filepath.Join(root, "x.ts"), root); got != "" {
		t.Errorf("no tsconfig.json up to root: %q", got)
	}
}

func TestTsconfigIncludePatterns(t *testing.T) {
	cfg := &tsconfig{file: "/p/tsconfig.json", compilerOptions: map[string]json.RawMessage{},
		include: &[]string{"src/**/*.ts", "lib", "types/*.d.ts", "scripts/*"}, includeDir: "/p",
		exclude: &[]string{"src/**/*.spec.ts"}, excludeDir: "/p"}
	for file, want := range map[string]bool{
		"/p/src/a.ts": true, "/p/src/x/y/a.ts": true, "/p/src/a.spec.ts": false, "/p/src/a.tsx": false,
		"/p/lib/x/b.tsx": true, "/p/lib/b.js": false, "/p/types/g.d.ts": true, "/p/scripts/s.mts": true,
		"/p/scripts/deep/s.ts": false, "/p/other.ts": false,
	} {
		if got := cfg.includes(file); got != want {
			t.Errorf("%s: included %v, want %v", file, got, want)
		}
	}
	cfg.compilerOptions["allowJs"] = json.RawMessage("true")
	if !cfg.includes("/p/lib/b.js") {
		t.Error("allowJs: lib/b.js not included")
	}
	files := &tsconfig{file: "/p/tsconfig.json", files: &[]string{"main.ts"}, filesDir: "/p", compilerOptions: map[string]json.RawMessage{}}
	if !files.includes("/p/main.ts") || files.includes("/p/other.ts") {
		t.Error(`"files" alone: only the listed files are included`)
	}
}

func TestStripJSONC(t *testing.T) {
	in := "{\n // c \"x\"\n \"a\": \"// not a comment, /* nor this */\", /* block\n */ \"b\": [1, 2,],\n \"c\": \"q\\\"//\",\n}\n"
	var v map[string]any
	if err := json.Unmarshal(stripJSONC([]byte(in)), &v); err != nil {
		t.Fatalf("%v: %s", err, stripJSONC([]byte(in)))
	}
	if v["a"] != "// not a comment, /* nor this */" || len(v["b"].([]any)) != 2 || v["c"] != `q"//` {
		t.Errorf("%v", v)
	}
}

func TestWithoutCompilerOptions(t *testing.T) {
	got := compilerOptions(t, WithoutCompilerOptions(`{"compilerOptions":{"jsx":"preserve","target":"ES2022"}}`, "jsx"))
	if len(got) != 1 || got["target"] != "ES2022" {
		t.Errorf("%v", got)
	}
	if WithoutCompilerOptions("", "jsx") != "" {
		t.Error("no tsconfig became one")
	}
}

// TestResolveTsconfigPaths: TypeScript's rules for compilerOptions.paths and baseUrl, through the
// tsconfig that applies to the importer (a solution's reference here, and paths set in the config
// it extends, which stay relative to that config).
func TestResolveTsconfigPaths(t *testing.T) {
	root := writeProject(t, map[string]string{
		"tsconfig.json":     `{ "files": [], "references": [{ "path": "./tsconfig.app.json" }] }`,
		"tsconfig.app.json": `{ "extends": "./config/paths.json", "include": ["src"] }`,
		"config/paths.json": `{ "compilerOptions": { "paths": {
			"@/*": ["../src/*"],
			"@/ui/*": ["../src/missing/*", "../src/components/*"],
			"~lib": ["../src/lib/index.ts"],
			"*.css": ["../styles/*.css"]
		} } }`,
		"src/main.ts":                  "",
		"src/util.ts":                  "",
		"src/components/Button.tsx":    "",
		"src/components/card/index.ts": "",
		"src/lib/index.ts":             "",
		"styles/theme.css":             "",
		"node_modules/dep/index.ts":    "",
		"other/tsconfig.json":          `{ "compilerOptions": { "baseUrl": "src" } }`,
		"other/src/shared/x.ts":        "",
		"other/main.ts":                "",
	})
	exts := []string{".mjs", ".js", ".mts", ".ts", ".jsx", ".tsx", ".json"}
	main := filepath.Join(root, "src/main.ts")
	for spec, want := range map[string]string{
		"@/util":      "src/util.ts",
		"@/ui/Button": "src/components/Button.tsx", // the longer prefix wins; the first target is missing
		"@/ui/card":   "src/components/card/index.ts",
		"~lib":        "src/lib/index.ts",
		"theme.css":   "styles/theme.css",
		"@/nope":      "",
		"react":       "",
		"./util":      "",
	} {
		got, ok := ResolveTsconfigPaths(spec, main, root, exts)
		if want == "" {
			if ok {
				t.Errorf("%s: resolved to %s, want nothing", spec, got)
			}
			continue
		}
		if !ok || got != filepath.Join(root, want) {
			t.Errorf("%s: %q %v, want %s", spec, got, ok, want)
		}
	}
	if got, ok := ResolveTsconfigPaths("@/util", filepath.Join(root, "node_modules/dep/index.ts"), root, exts); ok {
		t.Errorf("a package's import followed the project's paths: %s", got)
	}
	if got, ok := ResolveTsconfigPaths("shared/x", filepath.Join(root, "other/main.ts"), root, exts); !ok || got != filepath.Join(root, "other/src/shared/x.ts") {
		t.Errorf("baseUrl alone: %q %v", got, ok)
	}
}
