package react

import (
	"slices"
	"strings"
	"testing"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/govite/govite/internal/config"
)

const appSrc = `import { useState } from "react";
export default function App() { const [n, setN] = useState(0); return <button onClick={() => setN(n + 1)}>{n}</button>; }
`

func TestPreamble(t *testing.T) {
	want := `import { injectIntoGlobalHook } from "/@react-refresh";
injectIntoGlobalHook(window);
window.$RefreshReg$ = () => {};
window.$RefreshSig$ = () => (type) => type;
window.__vite_plugin_react_preamble_installed__ = true;`
	if got := PreambleCode("/"); got != want {
		t.Errorf("PreambleCode(/):\n%s", got)
	}
	if got := Preamble("/"); got != "<script type=\"module\">\n"+want+"\n</script>" {
		t.Errorf("Preamble(/):\n%s", got)
	}
	for base, spec := range map[string]string{
		"/app/":                  `"/app/@react-refresh"`,
		"/app":                   `"/app/@react-refresh"`,
		"./":                     `"/@react-refresh"`,
		"":                       `"/@react-refresh"`,
		"http://localhost:5173/": `"http://localhost:5173/@react-refresh"`,
	} {
		if got := PreambleCode(base); !strings.Contains(got, "from "+spec+";") {
			t.Errorf("PreambleCode(%q) = %s", base, got)
		}
	}
}

func TestRuntime(t *testing.T) {
	src := RuntimeSource()
	r := api.Transform(string(src), api.TransformOptions{Loader: api.LoaderJS, Format: api.FormatESModule})
	if len(r.Errors) > 0 {
		t.Fatalf("runtime.js does not parse: %v", r.Errors[0].Text)
	}
	for _, name := range []string{"injectIntoGlobalHook", "register", "getRefreshReg", "createSignatureFunctionForTransform",
		"performReactRefresh", "registerExportsForReactRefresh", "validateRefreshBoundaryAndEnqueueUpdate",
		"isLikelyComponentType", "__hmr_import"} {
		if !strings.Contains(string(src), "export function "+name+"(") && !strings.Contains(string(src), "export const "+name+" =") {
			t.Errorf("runtime does not export %s", name)
		}
	}
	src[0] = 'X' // a copy
	if RuntimeSource()[0] == 'X' {
		t.Error("RuntimeSource returns the embedded slice itself")
	}
}

func TestHooks(t *testing.T) {
	p := Plugin(map[string]any{"babel": map[string]any{"plugins": []any{}}, "devTarget": "es2022"})
	if p.Name != "vite:react" || p.Enforce != "pre" || p.Builtin != "react" {
		t.Errorf("plugin = %+v", p)
	}
	ctx := serveCtx()

	// The runtime is served at /@react-refresh.
	res, err := p.ResolveID(ctx, RuntimePublicPath, "/project/index.html", config.ResolveIDOptions{})
	if err != nil || res == nil || res.ID != RuntimePublicPath {
		t.Errorf("ResolveID = %+v, %v", res, err)
	}
	if res, _ := p.ResolveID(ctx, "react", "/project/src/main.jsx", config.ResolveIDOptions{}); res != nil {
		t.Errorf("ResolveID(react) = %+v", res)
	}
	load, err := p.Load(ctx, RuntimePublicPath)
	if err != nil || load == nil || !strings.Contains(load.Code, "export function injectIntoGlobalHook") {
		t.Errorf("Load = %v, %v", load, err)
	}

	// Unknown options are reported once, known ones that change nothing are not.
	host := ctx.Host.(*testHost)
	_ = p.BuildStart(ctx)
	_ = p.BuildStart(ctx)
	if len(host.warnings) != 1 || !strings.Contains(host.warnings[0], "babel") {
		t.Errorf("warnings = %q", host.warnings)
	}

	// The preamble goes first in the head.
	html, err := p.TransformIndexHTML(&config.IndexHTMLContext{PluginContext: *ctx, Path: "/index.html"}, "<html></html>")
	if err != nil || html == nil || len(html.Tags) != 1 {
		t.Fatalf("TransformIndexHTML = %+v, %v", html, err)
	}
	tag := html.Tags[0]
	if tag.Tag != "script" || tag.Attrs["type"] != "module" || tag.InjectTo != "head-prepend" || tag.Children != PreambleCode("/") {
		t.Errorf("tag = %+v", tag)
	}
	rendered := config.RenderHTMLTag(tag)
	if !strings.Contains(rendered, `<script type="module">`) || !strings.Contains(rendered, "injectIntoGlobalHook(window)") {
		t.Errorf("rendered tag: %s", rendered)
	}

	// Transform answers for components with JS.
	tr, err := p.Transform(ctx, appSrc, "/project/src/App.jsx")
	if err != nil || tr == nil || tr.Loader != "js" || !strings.Contains(tr.Code, "import.meta.hot.accept(") || tr.Map == "" {
		t.Errorf("Transform = %+v, %v", tr, err)
	}
}

func TestLeavesModulesAlone(t *testing.T) {
	p := Plugin(nil)
	check := func(name string, ctx *config.PluginContext, id string) {
		t.Helper()
		if tr, err := p.Transform(ctx, appSrc, id); tr != nil || err != nil {
			t.Errorf("%s: Transform = %+v, %v", name, tr, err)
		}
	}
	build := serveCtx()
	build.Config.Command = "build"
	check("build", build, "/project/src/App.jsx")
	ssr := serveCtx()
	ssr.Environment = &config.Environment{Name: "ssr", Consumer: "server", Mode: "dev"}
	check("ssr", ssr, "/project/src/App.jsx")
	prod := serveCtx()
	prod.Config.IsProduction = true
	check("production", prod, "/project/src/App.jsx")
	noHMR := serveCtx()
	noHMR.Config.Server.HMR.Disabled = true
	check("hmr off", noHMR, "/project/src/App.jsx")
	check("node_modules", serveCtx(), "/project/node_modules/lib/App.jsx")
	check("raw", serveCtx(), "/project/src/App.jsx?raw")
	check("virtual", serveCtx(), "\x00virtual.jsx")
	check("css", serveCtx(), "/project/src/App.css")
	off := Plugin(map[string]any{"fastRefresh": false})
	if tr, _ := off.Transform(serveCtx(), appSrc, "/project/src/App.jsx"); tr != nil {
		t.Error("fastRefresh: false still transforms")
	}
	if h, _ := p.TransformIndexHTML(&config.IndexHTMLContext{PluginContext: *build}, ""); h != nil {
		t.Error("preamble injected in build")
	}

	// A query such as ?v= or ?t= is fine.
	if tr, err := p.Transform(serveCtx(), appSrc, "/project/src/App.jsx?t=123"); tr == nil || err != nil {
		t.Errorf("?t=: %v %v", tr, err)
	}
}

func TestIncludeExclude(t *testing.T) {
	p := newPlugin(map[string]any{"include": []any{"src/**/*.jsx"}, "exclude": "**/legacy/**"})
	for file, want := range map[string]bool{
		"/project/src/App.jsx":        true,
		"/project/src/a/b/App.jsx":    true,
		"/project/src/legacy/Old.jsx": false,
		"/project/other/App.jsx":      false,
		"/project/src/App.tsx":        false,
	} {
		if got := p.included(file); got != want {
			t.Errorf("included(%s) = %v, want %v", file, got, want)
		}
	}
	def := newPlugin(nil)
	for file, want := range map[string]bool{
		"/project/src/App.jsx":              true,
		"/project/src/App.tsx":              true,
		"/project/src/util.ts":              true,
		"/project/src/util.mjs":             true,
		"/project/node_modules/x/index.jsx": false,
		"/project/src/style.css":            false,
	} {
		if got := def.included(file); got != want {
			t.Errorf("default included(%s) = %v, want %v", file, got, want)
		}
	}
	// A RegExp option (which the config converter cannot pass) is reported and ignored.
	if o := parseOptions(map[string]any{"include": map[string]any{}}); len(o.warnings) != 1 || o.include != nil {
		t.Errorf("options = %+v", o)
	}
}

func TestJSXOptions(t *testing.T) {
	// jsxImportSource
	p := newPlugin(map[string]any{"jsxImportSource": "@emotion/react"})
	c := compileWith(t, p, serveCtx(), "App.jsx", appSrc)
	if !strings.Contains(c.result.Code, `from "@emotion/react/jsx-dev-runtime"`) {
		t.Errorf("jsxImportSource not used:\n%s", c.result.Code)
	}
	// classic runtime
	p = newPlugin(map[string]any{"jsxRuntime": "classic"})
	c = compileWith(t, p, serveCtx(), "App.jsx", `import React from "react";
export function App() { return <p>hi</p>; }`)
	if !strings.Contains(c.result.Code, "React.createElement(") || !slices.Equal(regNames(c.refresh), []string{"App"}) {
		t.Errorf("classic:\n%s", c.result.Code)
	}
	// reactRefreshHost and base
	p = newPlugin(map[string]any{"reactRefreshHost": "http://localhost:3000"})
	ctx := serveCtx()
	ctx.Config.Base = "/app/"
	c = compileWith(t, p, ctx, "App.jsx", appSrc)
	if !strings.Contains(c.result.Code, `import * as RefreshRuntime from "http://localhost:3000/app/@react-refresh";`) {
		t.Errorf("runtime import:\n%s", c.result.Code[:200])
	}
	// esbuild.jsxInject
	ctx = serveCtx()
	ctx.Config.Esbuild.JSXInject = `import React from "react"`
	c = compileWith(t, newPlugin(nil), ctx, "App.jsx", appSrc)
	if !strings.HasPrefix(c.result.Code, "import React from \"react\";\n") {
		t.Errorf("jsxInject:\n%s", c.result.Code[:200])
	}
}

func TestConfigHook(t *testing.T) {
	p := Plugin(map[string]any{"jsxImportSource": "preact"})
	out, err := p.Config(&config.UserConfig{}, config.ConfigEnv{Command: "build"})
	if err != nil || out == nil || out.Esbuild == nil {
		t.Fatalf("Config = %+v, %v", out, err)
	}
	if out.Esbuild.JSX != "automatic" || out.Esbuild.JSXImportSource != "preact" {
		t.Errorf("esbuild = %+v", out.Esbuild)
	}
	if want := []string{"react", "react-dom", "preact/jsx-dev-runtime", "preact/jsx-runtime"}; !slices.Equal(out.OptimizeDeps.Include, want) {
		t.Errorf("optimizeDeps.include = %q", out.OptimizeDeps.Include)
	}
	classic := Plugin(map[string]any{"jsxRuntime": "classic"})
	out, _ = classic.Config(&config.UserConfig{}, config.ConfigEnv{Command: "serve"})
	if out.Esbuild.JSX != "transform" {
		t.Errorf("classic: esbuild = %+v", out.Esbuild)
	}
	// The user's own esbuild.jsx wins.
	out, _ = Plugin(nil).Config(&config.UserConfig{Esbuild: &config.EsbuildOptions{JSX: "preserve"}}, config.ConfigEnv{Command: "serve"})
	if out.Esbuild.JSX != "" {
		t.Errorf("user jsx overridden: %+v", out.Esbuild)
	}
}

func TestRefreshID(t *testing.T) {
	for _, tc := range []struct{ root, file, want string }{
		{"/project", "/project/src/App.tsx", "/src/App.tsx"},
		{"/project", "/project/App.tsx", "/App.tsx"},
		{"/project", "/elsewhere/lib/Button.tsx", "/@fs/elsewhere/lib/Button.tsx"},
		{"/project", "/project-other/Button.tsx", "/@fs/project-other/Button.tsx"},
		{"/project", "/project/..foo/X.tsx", "/..foo/X.tsx"},
	} {
		if got := refreshID(tc.root, tc.file); got != tc.want {
			t.Errorf("refreshID(%s, %s) = %s, want %s", tc.root, tc.file, got, tc.want)
		}
	}
}

func TestSyntaxErrorLocation(t *testing.T) {
	_, err := newPlugin(nil).compile(serveCtx(), "export function App() {\n  const x = ;\n}\n", testRoot+"/src/Bad.jsx")
	if err == nil || !strings.Contains(err.Error(), "/project/src/Bad.jsx:2:") {
		t.Errorf("error = %v", err)
	}
}

func TestLexer(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string // token texts
	}{
		{"a / b / c", []string{"a", "/", "b", "/", "c"}},
		{"x = /re\\/[/]/g.test(y)", []string{"x", "=", "/re\\/[/]/g", ".", "test", "(", "y", ")"}},
		{"if (a) /re/.test(b)", []string{"if", "(", "a", ")", "/re/", ".", "test", "(", "b", ")"}},
		{"f(a) / 2", []string{"f", "(", "a", ")", "/", "2"}},
		{"{} /re/", []string{"{", "}", "/re/"}},
		{"x = {} / 2", []string{"x", "=", "{", "}", "/", "2"}},
		{"`a${b}c${`d${e}`}f`", []string{"`a${", "b", "}c${", "`d${", "e", "}`", "}f`"}},
		{"a?.b ?? c?.5:1", []string{"a", "?.", "b", "??", "c", "?", ".5", ":", "1"}},
		{"x >>>= 1e-5 // c\n/* d */ y", []string{"x", ">>>=", "1e-5", "y"}},
		{"return /x/", []string{"return", "/x/"}},
		{"a.return / 2", []string{"a", ".", "return", "/", "2"}},
		{"#priv in obj", []string{"#priv", "in", "obj"}},
		{"'it\\'s' \"q\\\"\"", []string{"'it\\'s'", "\"q\\\"\""}},
	} {
		ts, err := tokenize(tc.src)
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		var got []string
		for i := range ts.toks {
			got = append(got, ts.text(i))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q:\n got %q\nwant %q", tc.src, got, tc.want)
		}
	}
	// Brackets pair up, template parts too, and next skips whole groups.
	ts, err := tokenize("f(`${g({a: [1]})}`, x)")
	if err != nil {
		t.Fatal(err)
	}
	if ts.match[1] != len(ts.toks)-1 || ts.next(0) != 1 || ts.next(1) != len(ts.toks) || ts.next(2) != 14 {
		t.Errorf("match = %v", ts.match)
	}
	for _, bad := range []string{"f(", "a)", "(]", "'open", "`open", "/* open", "x = /open"} {
		if _, err := tokenize(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
