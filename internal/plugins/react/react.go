// Package react is govite's built-in replacement for @vitejs/plugin-react (and -swc): automatic JSX,
// and React Fast Refresh in the dev server.
//
// In serve mode its transform compiles .jsx and .tsx files (and .js/.ts/.mjs/.mts files that use JSX
// or hooks) with esbuild, adds Fast Refresh registration and hook signatures (see refresh.go) and
// wraps the module so that it accepts its own updates when it defines components. Its
// transformIndexHtml hook puts the preamble (Preamble) in the page, and it serves the refresh runtime
// (runtime.js) at /@react-refresh. In build mode it only sets the JSX options.
package react

import (
	_ "embed"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/esbatch"

	"github.com/govite/govite/internal/config"
)

// RuntimePublicPath is the URL path the refresh runtime is served at (after the base).
const RuntimePublicPath = "/@react-refresh"

// PluginName is the name of the plugin.
const PluginName = "vite:react"

//go:embed runtime.js
var runtimeSource []byte

// RuntimeSource returns the refresh runtime module (JavaScript), served at RuntimePublicPath.
func RuntimeSource() []byte { return append([]byte(nil), runtimeSource...) }

// normalizeBase makes base a URL prefix ending with "/"; a relative base ("", "./") is "/" in dev.
func normalizeBase(base string) string {
	if base == "" || base == "./" || base == "." {
		return "/"
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base
}

// PreambleCode returns the body of the preamble script: it installs the runtime in the page before
// React loads and defines the no-op $RefreshReg$ and $RefreshSig$ that modules replace while they
// run. base is the server's base ("/" usually, or a full origin for backend integration).
func PreambleCode(base string) string {
	return `import { injectIntoGlobalHook } from "` + normalizeBase(base) + RuntimePublicPath[1:] + `";
injectIntoGlobalHook(window);
window.$RefreshReg$ = () => {};
window.$RefreshSig$ = () => (type) => type;
window.__vite_plugin_react_preamble_installed__ = true;`
}

// Preamble returns the preamble as an HTML module script, for backend templates to put before their
// entry script (Vite's backend-integration guide).
func Preamble(base string) string {
	return "<script type=\"module\">\n" + PreambleCode(base) + "\n</script>"
}

// options are the plugin's options as @vitejs/plugin-react names them.
type options struct {
	include, exclude []*regexp.Regexp
	jsxImportSource  string
	jsxImportSet     bool
	classic          bool
	fastRefresh      bool
	reactRefreshHost string
	warnings         []string
}

var (
	defaultInclude = regexp.MustCompile(`\.(?:[tj]sx?|m[tj]s)$`)
	defaultExclude = regexp.MustCompile(`/node_modules/`)
)

// ignoredOptions are options that make no difference here; anything else unknown gets a warning.
var ignoredOptions = map[string]bool{
	"devTarget": true, "disableOxcRecommendation": true, "tsDecorators": true,
}

func parseOptions(opts map[string]any) *options {
	o := &options{jsxImportSource: "react", fastRefresh: true}
	for k, v := range opts {
		switch k {
		case "include", "exclude":
			pats, ok := globList(v)
			if !ok {
				o.warnings = append(o.warnings, fmt.Sprintf("option %s: only strings (globs) are supported; it is ignored", k))
				continue
			}
			if k == "include" {
				o.include = pats
			} else {
				o.exclude = pats
			}
		case "jsxImportSource":
			if s, ok := v.(string); ok && s != "" {
				o.jsxImportSource, o.jsxImportSet = s, true
			}
		case "jsxRuntime":
			switch v {
			case "classic":
				o.classic = true
			case "automatic", nil:
			default:
				o.warnings = append(o.warnings, fmt.Sprintf("option jsxRuntime: unknown value %v; using \"automatic\"", v))
			}
		case "fastRefresh":
			if b, ok := v.(bool); ok {
				o.fastRefresh = b
			}
		case "reactRefreshHost":
			if s, ok := v.(string); ok {
				o.reactRefreshHost = strings.TrimSuffix(s, "/")
			}
		default:
			if !ignoredOptions[k] {
				o.warnings = append(o.warnings, fmt.Sprintf("option %s is not supported by govite's built-in React plugin; it is ignored", k))
			}
		}
	}
	return o
}

// globList reads a string or a list of strings as globs.
func globList(v any) ([]*regexp.Regexp, bool) {
	var pats []string
	switch t := v.(type) {
	case string:
		pats = []string{t}
	case []any:
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			pats = append(pats, s)
		}
	case []string:
		pats = t
	default:
		return nil, false
	}
	var out []*regexp.Regexp
	for _, p := range pats {
		out = append(out, globRegexp(p))
	}
	return out, true
}

// globRegexp turns a picomatch-style glob into a regular expression matched against the end of a
// path: a glob without a leading "/" may match after any directory ("src/**/*.tsx" matches
// "/abs/project/src/a/b.tsx"), as Vite's filters resolve relative globs against the root.
func globRegexp(glob string) *regexp.Regexp {
	var b strings.Builder
	if strings.HasPrefix(glob, "/") {
		b.WriteString("^")
	} else {
		b.WriteString("(?:^|/)")
	}
	glob = strings.TrimPrefix(glob, "./")
	for i := 0; i < len(glob); i++ {
		c := glob[i]
		switch {
		case strings.HasPrefix(glob[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(glob[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '{':
			end := strings.IndexByte(glob[i:], '}')
			if end < 0 {
				b.WriteString(regexp.QuoteMeta(string(c)))
				continue
			}
			var alts []string
			for _, alt := range strings.Split(glob[i+1:i+end], ",") {
				alts = append(alts, regexp.QuoteMeta(alt))
			}
			b.WriteString("(?:" + strings.Join(alts, "|") + ")")
			i += end
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return regexp.MustCompile(`$^`)
	}
	return re
}

type plugin struct {
	opts     *options
	warnOnce sync.Once
}

// Plugin returns the built-in React plugin configured with the options of react() from
// @vitejs/plugin-react: include, exclude (strings), jsxImportSource, jsxRuntime ("automatic" or
// "classic"), fastRefresh (false turns Fast Refresh off) and reactRefreshHost. Other options (babel,
// plugins, …) are reported as warnings when the build starts.
func Plugin(opts map[string]any) *config.Plugin {
	return newPlugin(opts).configPlugin(opts)
}

func newPlugin(opts map[string]any) *plugin {
	return &plugin{opts: parseOptions(opts)}
}

func (p *plugin) configPlugin(opts map[string]any) *config.Plugin {
	return &config.Plugin{
		Name:               PluginName,
		Enforce:            "pre",
		Builtin:            "react",
		Options:            opts,
		Config:             p.config,
		BuildStart:         p.buildStart,
		ResolveID:          p.resolveID,
		Load:               p.load,
		Transform:          p.transform,
		TransformIndexHTML: p.transformIndexHTML,
	}
}

// config sets esbuild's JSX options (the other plugins compile with them, in build and in dev) and
// pre-bundles React's entry points, as @vitejs/plugin-react does.
func (p *plugin) config(cfg *config.UserConfig, env config.ConfigEnv) (*config.UserConfig, error) {
	out := &config.UserConfig{}
	if cfg.Esbuild == nil || !cfg.Esbuild.Disabled {
		es := &config.EsbuildOptions{}
		user := cfg.Esbuild
		if p.opts.classic {
			if user == nil || user.JSX == "" {
				es.JSX = "transform"
			}
		} else {
			if user == nil || user.JSX == "" {
				es.JSX = "automatic"
			}
			if p.opts.jsxImportSet {
				es.JSXImportSource = p.opts.jsxImportSource
			}
		}
		out.Esbuild = es
	}
	src := p.opts.jsxImportSource
	out.OptimizeDeps.Include = []string{"react", "react-dom", src + "/jsx-dev-runtime", src + "/jsx-runtime"}
	return out, nil
}

func (p *plugin) buildStart(ctx *config.PluginContext) error {
	if ctx == nil || ctx.Host == nil {
		return nil
	}
	p.warnOnce.Do(func() {
		for _, w := range p.opts.warnings {
			ctx.Host.Warn(w)
		}
	})
	return nil
}

func (p *plugin) resolveID(ctx *config.PluginContext, source, importer string, _ config.ResolveIDOptions) (*config.ResolveIDResult, error) {
	if source == RuntimePublicPath {
		return &config.ResolveIDResult{ID: RuntimePublicPath}, nil
	}
	return nil, nil
}

func (p *plugin) load(ctx *config.PluginContext, id string) (*config.LoadResult, error) {
	if id == RuntimePublicPath {
		return &config.LoadResult{Code: string(runtimeSource), Loader: "js"}, nil
	}
	return nil, nil
}

// refreshEnabled tells whether Fast Refresh applies: serving, not in production, with HMR, for the
// browser.
func (p *plugin) refreshEnabled(ctx *config.PluginContext) bool {
	if ctx == nil || ctx.Config == nil || !p.opts.fastRefresh {
		return false
	}
	c := ctx.Config
	if c.Command != "serve" || c.IsProduction || c.Server.HMR.Disabled {
		return false
	}
	return ctx.EnvironmentName() == "" || ctx.EnvironmentName() == "client"
}

func (p *plugin) transformIndexHTML(ctx *config.IndexHTMLContext, html string) (*config.IndexHTMLResult, error) {
	if ctx == nil || !p.refreshEnabled(&ctx.PluginContext) {
		return nil, nil
	}
	return &config.IndexHTMLResult{Tags: []config.HTMLTag{{
		Tag:      "script",
		Attrs:    map[string]string{"type": "module"},
		Children: PreambleCode(ctx.Config.Base),
		InjectTo: "head-prepend",
	}}}, nil
}

var (
	jsxLikeRE  = regexp.MustCompile(`</|/>`)
	hookCallRE = regexp.MustCompile(`\buse[A-Z]\w*\s*\(`)
)

// skippedQueries are import queries that do not load a module's code as a module.
var skippedQueries = []string{"raw", "url", "inline", "worker", "sharedworker", "html-proxy", "direct"}

func (p *plugin) transform(ctx *config.PluginContext, code, id string) (*config.TransformResult, error) {
	c, err := p.compile(ctx, code, id)
	if c == nil || err != nil {
		return nil, err
	}
	return c.result, nil
}

// compiled is what compile made of a module: the transform's result and what Fast Refresh added.
type compiled struct {
	result  *config.TransformResult
	refresh *refreshOutput
}

// compile is the transform hook; it returns nil for modules it leaves to other plugins.
func (p *plugin) compile(ctx *config.PluginContext, code, id string) (*compiled, error) {
	if !p.refreshEnabled(ctx) {
		return nil, nil
	}
	file, query, _ := strings.Cut(id, "?")
	if strings.HasPrefix(file, "\x00") || strings.HasPrefix(file, "/@") || file == "" {
		return nil, nil
	}
	if query != "" {
		q, _ := url.ParseQuery(query)
		for _, k := range skippedQueries {
			if q.Has(k) {
				return nil, nil
			}
		}
	}
	slashed := filepath.ToSlash(file)
	if !p.included(slashed) || strings.HasSuffix(slashed, ".d.ts") {
		return nil, nil
	}
	loader, ok := p.loaderFor(slashed, code)
	if !ok {
		return nil, nil
	}

	cfg := ctx.Config
	opts := api.TransformOptions{
		Loader:         loader,
		Sourcefile:     file,
		Sourcemap:      api.SourceMapExternal,
		SourcesContent: api.SourcesContentInclude,
		Target:         api.ESNext,
		Format:         api.FormatDefault,
		TsconfigRaw:    "{}",
		Define:         cfg.Esbuild.Define,
		Pure:           cfg.Esbuild.Pure,
		KeepNames:      cfg.Esbuild.KeepNames,
	}
	if loader == api.LoaderTS || loader == api.LoaderTSX {
		// Decorators, class fields and kept imports follow the file's tsconfig, as in Vite.
		// The plugin's JSX options win over the tsconfig's.
		if raw := config.TsconfigFor(file, cfg.Root); raw != "" {
			opts.TsconfigRaw = config.WithoutCompilerOptions(raw, "jsx", "jsxFactory", "jsxFragmentFactory", "jsxImportSource")
		}
	}
	for _, d := range cfg.Esbuild.Drop {
		switch d {
		case "console":
			opts.Drop |= api.DropConsole
		case "debugger":
			opts.Drop |= api.DropDebugger
		}
	}
	jsxCallees := []string{"jsxDEV", "jsx", "jsxs", "createElement"}
	if p.opts.classic {
		opts.JSX = api.JSXTransform
		opts.JSXFactory = cfg.Esbuild.JSXFactory
		opts.JSXFragment = cfg.Esbuild.JSXFragment
		if f := opts.JSXFactory; f != "" {
			jsxCallees = append(jsxCallees, f[strings.LastIndexByte(f, '.')+1:])
		}
	} else {
		opts.JSX = api.JSXAutomatic
		opts.JSXDev = true
		opts.JSXImportSource = p.opts.jsxImportSource
	}
	res := esbatch.Transform(code, opts)
	if len(res.Errors) > 0 {
		return nil, esbuildError(file, res.Errors)
	}
	js := string(res.Code)
	prologue := ""
	if inj := cfg.Esbuild.JSXInject; inj != "" && (loader == api.LoaderJSX || loader == api.LoaderTSX) {
		prologue = inj + ";"
	}

	out, err := addRefresh(js, refreshInput{
		id:         refreshID(cfg.Root, file),
		runtimeURL: p.opts.reactRefreshHost + normalizeBase(cfg.Base) + RuntimePublicPath[1:],
		self:       "./" + filepath.Base(file),
		forceReset: strings.Contains(code, "@refresh reset"),
		jsxCallees: jsxCallees,
		prologue:   prologue,
	})
	if err != nil {
		// esbuild wrote it, so this is a gap in our tokenizer: serve the module without Fast Refresh.
		if ctx.Host != nil {
			ctx.Host.Warn(fmt.Sprintf("%s: Fast Refresh is off for this module: %v", file, err))
		}
		out = &refreshOutput{Code: js}
	}
	if !out.Changed && prologue != "" {
		out.Code, out.prologueLines = prologue+"\n"+js, 1
	}
	m := res.Map
	if out.Changed || prologue != "" {
		if m, err = adjustMap(res.Map, js, out); err != nil {
			return nil, err
		}
	}
	return &compiled{
		result:  &config.TransformResult{Code: out.Code, Map: string(m), Loader: "js"},
		refresh: out,
	}, nil
}

// included applies include and exclude to a file path.
func (p *plugin) included(file string) bool {
	if len(p.opts.include) > 0 {
		if !matchAny(p.opts.include, file) {
			return false
		}
	} else if !defaultInclude.MatchString(file) {
		return false
	}
	if len(p.opts.exclude) > 0 {
		return !matchAny(p.opts.exclude, file)
	}
	return !defaultExclude.MatchString(file)
}

func matchAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// loaderFor picks esbuild's loader for a file, and tells whether this plugin compiles it: always for
// .jsx and .tsx; for .js/.mjs/.ts/.mts only when they use JSX or call hooks (they then need refresh
// code; @vitejs/plugin-react refreshes such files when they import the JSX runtime). CommonJS files
// (.cjs, .cts) are never touched: the refresh code would make them ES modules.
func (p *plugin) loaderFor(file, code string) (api.Loader, bool) {
	ext := path.Ext(file)
	// The tests on the code run only for the extensions that need them (they read the whole file).
	usesRuntimeOrHooks := func() bool {
		return strings.Contains(code, p.opts.jsxImportSource+"/jsx-runtime") ||
			strings.Contains(code, p.opts.jsxImportSource+"/jsx-dev-runtime") ||
			hookCallRE.MatchString(code)
	}
	switch ext {
	case ".jsx":
		return api.LoaderJSX, true
	case ".tsx":
		return api.LoaderTSX, true
	case ".ts", ".mts":
		return api.LoaderTS, usesRuntimeOrHooks()
	case ".js", ".mjs":
		// JSX in .js files is accepted: the jsx loader reads every JavaScript file too.
		return api.LoaderJSX, usesRuntimeOrHooks() || jsxLikeRE.MatchString(code)
	}
	return api.LoaderNone, false
}

// refreshID is the module's id in the runtime: its URL path from the root ("/src/App.tsx"), or
// "/@fs/abs/path" for a file outside the root.
func refreshID(root, file string) string {
	if root != "" {
		if rel, err := filepath.Rel(root, file); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return "/" + filepath.ToSlash(rel)
		}
	}
	abs := filepath.ToSlash(file)
	if !strings.HasPrefix(abs, "/") {
		abs = "/" + abs
	}
	return "/@fs" + abs
}

func esbuildError(file string, msgs []api.Message) error {
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteString("\n")
		}
		if m.Location != nil {
			fmt.Fprintf(&b, "%s:%d:%d: %s", file, m.Location.Line, m.Location.Column+1, m.Text)
			if m.Location.LineText != "" {
				fmt.Fprintf(&b, "\n    %s", m.Location.LineText)
			}
		} else {
			fmt.Fprintf(&b, "%s: %s", file, m.Text)
		}
	}
	return fmt.Errorf("[vite:react] %s", b.String())
}
