package build

import (
	"fmt"
	"github.com/govite/govite/internal/css"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/glob"
	"github.com/govite/govite/internal/jslex"
)

// Namespaces of the modules govite creates itself.
const (
	nsHTML    = "govite-html"       // the JS entry module that stands for an HTML file
	nsProxy   = "govite-html-proxy" // an inline <script type="module"> of an HTML file
	nsBuiltin = "govite"            // preload helper, modulepreload polyfill
	nsVirtual = "govite-virtual"    // ids a plugin resolved to something that is not a file
)

const (
	preloadHelperID = "\x00vite/preload-helper.js"
	polyfillID      = "vite/modulepreload-polyfill"
	htmlEntryPrefix = "\x00html:"
	// preloadMarker is replaced after bundling by the list of files a dynamic import needs.
	preloadMarker = "__VITE_PRELOAD__"
	// cssMarker calls stand for CSS imports in the bundle, so that esbuild keeps them in the chunk that
	// imports them; they are removed after bundling and tell which chunk carries which stylesheet.
	cssMarker = "__govite_css"
)

// resolveMarker is PluginData for resolutions govite asks esbuild for itself, so its own callback lets
// esbuild's resolver answer instead of recursing.
type resolveMarker struct{}

// pluginData carries a plugin's resolved id to the load callback.
type pluginData struct{ id string }

var jsLoaders = map[string]api.Loader{
	".js": api.LoaderJS, ".mjs": api.LoaderJS, ".cjs": api.LoaderJS, ".jsx": api.LoaderJSX,
	".ts": api.LoaderTS, ".mts": api.LoaderTS, ".cts": api.LoaderTS, ".tsx": api.LoaderTSX, ".json": api.LoaderJSON,
}

func loaderName(l api.Loader) string {
	switch l {
	case api.LoaderJS:
		return "js"
	case api.LoaderJSX:
		return "jsx"
	case api.LoaderTS:
		return "ts"
	case api.LoaderTSX:
		return "tsx"
	case api.LoaderJSON:
		return "json"
	case api.LoaderCSS:
		return "css"
	}
	return ""
}

func splitQuery(p string) (string, string) {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}

// hasQuery reports whether query (with its "?") has the flag name, as in "?url" or "?a&url".
func hasQuery(query, name string) bool {
	if query == "" {
		return false
	}
	for _, part := range strings.Split(query[1:], "&") {
		if part == name || strings.HasPrefix(part, name+"=") {
			return true
		}
	}
	return false
}

// applyAlias rewrites a specifier with resolve.alias: the first matching entry wins, as in Vite.
func (b *builder) applyAlias(spec string) (string, bool) { return b.aliases.Apply(spec) }

// resolveVia asks esbuild's resolver (with govite's conditions and extensions) for spec.
func (b *builder) resolveVia(pb api.PluginBuild, spec string, args api.OnResolveArgs) (api.OnResolveResult, error) {
	clean, query := splitQuery(spec)
	if strings.HasPrefix(clean, "/") && !css.FileExists(clean) {
		if abs := filepath.Join(b.cfg.Root, clean); css.FileExists(abs) {
			clean = abs
		}
	}
	r := pb.Resolve(clean, api.ResolveOptions{Kind: args.Kind, ResolveDir: args.ResolveDir, Importer: args.Importer, Namespace: "file", PluginData: resolveMarker{}})
	if len(r.Errors) > 0 {
		return api.OnResolveResult{Errors: r.Errors}, nil
	}
	se := api.SideEffectsTrue
	if !r.SideEffects {
		se = api.SideEffectsFalse
	}
	return api.OnResolveResult{Path: r.Path, Namespace: r.Namespace, External: r.External, Suffix: query, SideEffects: se}, nil
}

// esbuildPlugin runs govite's plugin pipeline inside esbuild's resolve and load callbacks.
func (b *builder) esbuildPlugin() api.Plugin {
	return api.Plugin{Name: "govite", Setup: func(pb api.PluginBuild) {
		pb.OnResolve(api.OnResolveOptions{Filter: b.resolveFilter()}, func(args api.OnResolveArgs) (res api.OnResolveResult, err error) {
			if _, ok := args.PluginData.(resolveMarker); ok {
				return api.OnResolveResult{}, nil
			}
			defer recoverInto(&err, "resolving "+args.Path)
			return b.onResolve(pb, args)
		})
		pb.OnLoad(api.OnLoadOptions{Filter: ".*"}, func(args api.OnLoadArgs) (res api.OnLoadResult, err error) {
			b.moduleCount.Add(1)
			defer recoverInto(&err, "loading "+args.Path)
			return b.onLoad(args)
		})
	}}
}

// resolveFilter is the pattern of import paths govite must see. With no plugin resolveId hooks that
// is only what esbuild cannot resolve by itself: queries ("?url"), root-relative paths ("/src/x"),
// govite's own ids, and aliases; every other import stays on esbuild's native, parallel path, which
// is what keeps bundling close to esbuild's own speed.
func (b *builder) resolveFilter() string {
	if b.hasResolveHooks {
		return ".*"
	}
	parts := []string{`\?`, `^/`, "^\x00", "^" + regexp.QuoteMeta(polyfillID) + "$"}
	if b.server {
		parts = append(parts, `^[\w@]`) // bare imports: builtins and dependencies may stay external
	}
	if b.cfg.Resolve.TsconfigPaths {
		parts = append(parts, `^[^./]`) // any of them may be a tsconfig path
	}
	for _, d := range b.env.Resolve.Dedupe {
		parts = append(parts, "^"+regexp.QuoteMeta(d)+"(?:/|$)")
	}
	for i, a := range b.cfg.Resolve.Alias {
		if a.FindRegexp != "" {
			parts = append(parts, b.aliasRegexps[i].String())
			continue
		}
		parts = append(parts, "^"+regexp.QuoteMeta(a.Find))
	}
	return strings.Join(parts, "|")
}

func (b *builder) importerID(args api.OnResolveArgs) string {
	switch args.Namespace {
	case "file", "":
		return args.Importer
	case nsVirtual:
		return args.Importer
	case nsHTML:
		return strings.TrimPrefix(args.Importer, htmlEntryPrefix)
	}
	return args.Importer
}

func (b *builder) onResolve(pb api.PluginBuild, args api.OnResolveArgs) (api.OnResolveResult, error) {
	p := args.Path
	switch {
	case strings.HasPrefix(p, htmlEntryPrefix):
		return api.OnResolveResult{Path: p, Namespace: nsHTML}, nil
	case p == preloadHelperID, p == glob.DynamicImportHelperID:
		return api.OnResolveResult{Path: p, Namespace: nsBuiltin}, nil
	case p == polyfillID:
		return api.OnResolveResult{Path: p, Namespace: nsBuiltin, SideEffects: api.SideEffectsTrue}, nil
	case args.Namespace == nsHTML && strings.HasPrefix(p, "\x00html-proxy:"):
		return api.OnResolveResult{Path: p, Namespace: nsProxy}, nil
	}
	kind := kindName(args.Kind)
	if b.hasResolveHooks {
		r, err := b.container.ResolveID(p, b.importerID(args), config.ResolveIDOptions{IsEntry: args.Kind == api.ResolveEntryPoint, Kind: kind, SSR: b.server})
		if err != nil {
			return api.OnResolveResult{}, err
		}
		if r != nil {
			if r.External {
				return api.OnResolveResult{Path: r.ID, External: true}, nil
			}
			clean, query := splitQuery(r.ID)
			if strings.HasPrefix(r.ID, "\x00") || !filepath.IsAbs(clean) || !css.FileExists(clean) {
				return api.OnResolveResult{Path: r.ID, Namespace: nsVirtual, PluginData: pluginData{r.ID}}, nil
			}
			return api.OnResolveResult{Path: clean, Suffix: query, PluginData: pluginData{r.ID}}, nil
		}
	}
	aliased, isAliased := b.applyAlias(p)
	if isAliased {
		p = aliased
	}
	if b.cfg.Resolve.TsconfigPaths && args.Kind != api.ResolveEntryPoint && args.Namespace == "file" {
		clean, query := splitQuery(p)
		if f, ok := config.ResolveTsconfigPaths(clean, args.Importer, b.cfg.Root, b.extensions()); ok {
			return api.OnResolveResult{Path: f, Suffix: query}, nil
		}
	}
	if args.Kind != api.ResolveEntryPoint && isBareImport(p) {
		if r, ok := b.resolveBare(pb, p, args); ok {
			return r, nil
		}
	}
	if isAliased {
		return b.resolveVia(pb, p, args)
	}
	clean, query := splitQuery(p)
	if b.publicImport(clean, query) {
		return api.OnResolveResult{Path: clean, Namespace: nsPublic, Suffix: query, SideEffects: api.SideEffectsFalse}, nil
	}
	if query != "" || (strings.HasPrefix(clean, "/") && !css.FileExists(clean)) || args.Namespace != "file" {
		if args.ResolveDir == "" {
			args.ResolveDir = b.cfg.Root
		}
		return b.resolveVia(pb, p, args)
	}
	return api.OnResolveResult{}, nil
}

// resolveBare handles a bare import the way Vite's resolver does for the environment: in a server
// environment builtins and externalized dependencies stay imports (by the id Vite writes), and
// packages listed in resolve.dedupe resolve from the root. ok is false to let the bundler resolve it.
func (b *builder) resolveBare(pb api.PluginBuild, spec string, args api.OnResolveArgs) (api.OnResolveResult, bool) {
	if b.server {
		if b.isBuiltin(spec) {
			return api.OnResolveResult{Path: spec, External: true, SideEffects: api.SideEffectsFalse}, true
		}
		if id, ok := b.externals.external(spec); ok {
			return api.OnResolveResult{Path: id, External: true}, true
		}
	}
	if pkg := npmPackageName(spec); pkg != "" && slices.Contains(b.env.Resolve.Dedupe, pkg) {
		args.ResolveDir = b.cfg.Root
		r, err := b.resolveVia(pb, spec, args)
		return r, err == nil
	}
	return api.OnResolveResult{}, false
}

// recoverInto turns a panic in a callback (a plugin hook's, say) into an error for that module, so
// the build reports it with the module's name instead of crashing.
func recoverInto(err *error, what string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("internal error while %s: %v\n%s", what, r, debug.Stack())
	}
}

func kindName(k api.ResolveKind) string {
	switch k {
	case api.ResolveEntryPoint:
		return "entry-point"
	case api.ResolveJSImportStatement:
		return "import-statement"
	case api.ResolveJSDynamicImport:
		return "dynamic-import"
	case api.ResolveJSRequireCall:
		return "require-call"
	case api.ResolveCSSImportRule:
		return "import-rule"
	case api.ResolveCSSURLToken:
		return "url-token"
	}
	return "import-statement"
}

func (b *builder) onLoad(args api.OnLoadArgs) (api.OnLoadResult, error) {
	switch args.Namespace {
	case nsBuiltin:
		code := ""
		switch args.Path {
		case preloadHelperID:
			code = b.preloadHelperCode()
		case glob.DynamicImportHelperID:
			code = glob.DynamicImportHelperCode
		case polyfillID:
			if b.cfg.Build.ModulePreloadPolyfill && b.cfg.Build.ModulePreload {
				code = modulePreloadPolyfill
			}
		}
		return api.OnLoadResult{Contents: &code, Loader: api.LoaderJS, ResolveDir: b.cfg.Root}, nil
	case nsHTML:
		e := b.htmlByEntryID[args.Path]
		code := e.html.entryModule(b)
		return api.OnLoadResult{Contents: &code, Loader: api.LoaderJS, ResolveDir: filepath.Dir(e.Path)}, nil
	case nsProxy:
		e, idx := b.htmlProxy(args.Path)
		code, _, errs := b.transformGlobs(e.html.inlineScripts[idx], e.Path, api.LoaderJS)
		if len(errs) > 0 {
			return api.OnLoadResult{Errors: errs}, nil
		}
		code, _, err := b.transformImportForms(code, e.Path, nsProxy+":"+args.Path, api.LoaderJS)
		if err != nil {
			return api.OnLoadResult{}, err
		}
		code = b.wrapDynamicImports(code, args.Path, api.LoaderJS)
		return api.OnLoadResult{Contents: &code, Loader: api.LoaderJS, ResolveDir: filepath.Dir(e.Path)}, nil
	case nsPublic:
		code, err := b.publicModule(args.Path, args.Suffix)
		if err != nil {
			return api.OnLoadResult{}, err
		}
		return api.OnLoadResult{Contents: &code, Loader: api.LoaderJS, ResolveDir: b.cfg.Root}, nil
	case nsVirtual:
		id := args.Path
		r, err := b.container.Load(id)
		if err != nil {
			return api.OnLoadResult{}, err
		}
		if r == nil {
			return api.OnLoadResult{}, fmt.Errorf("no plugin loaded the virtual module %q; a plugin whose resolveId returns it must also load it", strings.TrimPrefix(id, "\x00"))
		}
		loader := config.LoaderByName(r.Loader)
		if loader == api.LoaderNone {
			loader = api.LoaderJS
		}
		code, ln, err := b.container.Transform(r.Code, id, loaderName(loader))
		if err != nil {
			return api.OnLoadResult{}, err
		}
		loader = config.LoaderByName(ln)
		code, loader = b.inlineObjectDefines(code, id, loader)
		code = b.wrapDynamicImports(code, id, loader)
		return api.OnLoadResult{Contents: &code, Loader: loader, ResolveDir: b.cfg.Root}, nil
	}
	return b.loadFile(args)
}

// loadFile loads a module from disk (or a plugin's load hook) and turns non-JS files into modules.
func (b *builder) loadFile(args api.OnLoadArgs) (api.OnLoadResult, error) {
	abs, query := args.Path, args.Suffix
	id := abs + query
	if pd, ok := args.PluginData.(pluginData); ok {
		id = pd.id
	}
	dir := filepath.Dir(abs)
	result := func(code string, loader api.Loader) (api.OnLoadResult, error) {
		return api.OnLoadResult{Contents: &code, Loader: loader, ResolveDir: dir}, nil
	}
	// Query forms first: they change what the import means, whatever the file type. ?worker first:
	// with it, ?url and ?inline mean the worker's URL and an inline worker.
	if constructor, ok := workerConstructor(query); ok {
		code, err := b.workerModule(abs, query, constructor)
		if err != nil {
			return api.OnLoadResult{}, err
		}
		return result(code, api.LoaderJS)
	}
	switch {
	case hasQuery(query, "raw"):
		data, err := os.ReadFile(abs)
		if err != nil {
			return api.OnLoadResult{}, err
		}
		return result("export default "+strconv.Quote(string(data)), api.LoaderJS)
	case hasQuery(query, "url"):
		if css.IsCSS(abs) {
			m, err := b.loadCSS(abs, id)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			css, err := b.minifyCSS(m.CSS, abs)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			a := b.assets.emitData(abs+"?url", filepath.Base(abs), []byte(css), b.cfg.Build.AssetsDir)
			return result(b.assetExport(a.FileName), api.LoaderJS)
		}
		u, err := b.assetModule(abs)
		if err != nil {
			return api.OnLoadResult{}, err
		}
		return result(u, api.LoaderJS)
	}

	var code string
	var loader api.Loader
	if r, err := b.container.Load(id); err != nil {
		return api.OnLoadResult{}, err
	} else if r != nil {
		code, loader = r.Code, config.LoaderByName(r.Loader)
	}
	ext := strings.ToLower(filepath.Ext(abs))
	if virtual := !css.IsCSS(abs) && (loader == api.LoaderCSS || css.IsCSSRequest(abs+query)); css.IsCSS(abs) || virtual {
		// A framework plugin's stylesheet of a component ("App.svelte?svelte&type=style&lang.css")
		// is kept under its id: the component's file is not a stylesheet.
		key := abs
		if virtual {
			key = abs + query
		}
		m, err := b.loadCSSWith(key, id, code, loader != api.LoaderNone || code != "")
		if err != nil {
			return api.OnLoadResult{}, err
		}
		if hasQuery(query, "inline") {
			css, err := b.minifyCSS(m.CSS, abs)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			return result("export default "+strconv.Quote(css), api.LoaderJS)
		}
		proxy := fmt.Sprintf("%s(%s);\n", cssMarker, strconv.Quote(b.cssID(key)))
		if m.IsModule {
			proxy += css.ModuleProxy(m.Module, b.localsConvention())
		}
		return result(proxy, api.LoaderJS)
	}
	if loader == api.LoaderNone && code == "" && config.IsAsset(abs, b.cfg.AssetsInclude) {
		u, err := b.assetModule(abs)
		if err != nil {
			return api.OnLoadResult{}, err
		}
		return result(u, api.LoaderJS)
	}
	loaded := code != "" || loader != api.LoaderNone
	if !loaded {
		data, err := os.ReadFile(abs)
		if err != nil {
			return api.OnLoadResult{}, err
		}
		code = string(data)
	}
	if loader == api.LoaderNone {
		var ok bool
		if loader, ok = jsLoaders[ext]; !ok && loaded {
			// What a load hook returns is JavaScript unless it says otherwise, as in Rollup
			// (vite-plugin-svgr's component for logo.svg?react).
			loader, ok = api.LoaderJS, true
		}
		if !ok && !b.hasTransformHooks {
			return api.OnLoadResult{}, noLoaderError(abs, ext)
		}
		// Otherwise a plugin's transform may make it a module (vite-plugin-svelte for .svelte files).
	}
	if b.hasTransformHooks {
		c, ln, err := b.container.Transform(code, id, loaderName(loader))
		if err != nil {
			return api.OnLoadResult{}, err
		}
		if loader == api.LoaderNone && c == code && config.LoaderByName(ln) == api.LoaderNone {
			return api.OnLoadResult{}, noLoaderError(abs, ext) // no plugin took the file type
		}
		code = c
		if l := config.LoaderByName(ln); l != api.LoaderNone {
			loader = l
		} else if loader == api.LoaderNone {
			loader = api.LoaderJS // what a transform returns is JavaScript unless it says otherwise
		}
	}
	if (loader == api.LoaderTS || loader == api.LoaderTSX) && config.TsconfigFromReference(abs, b.cfg.Root) {
		// The file's tsconfig is one a solution tsconfig.json references (create-vite's layout), which
		// the bundler would not find: compile the file with it here, as the dev server does.
		if js, ok := b.toJS(code, abs, loader); ok {
			code, loader = js, api.LoaderJS
		}
	}
	if loader == api.LoaderJSON && !b.jsonNamedExports() {
		code = "export default " + code
		loader = api.LoaderJS
	}
	if loader != api.LoaderJSON {
		var errs []api.Message
		if code, loader, errs = b.transformGlobs(code, abs, loader); len(errs) > 0 {
			return api.OnLoadResult{Errors: errs}, nil
		}
		var err error
		if code, loader, err = b.transformImportForms(code, abs, b.moduleKeyOf(abs, query), loader); err != nil {
			return api.OnLoadResult{}, err
		}
		code, loader = b.inlineObjectDefines(code, id, loader)
		code = b.wrapDynamicImports(code, abs, loader)
		if ext == ".jsx" || ext == ".tsx" || loader == api.LoaderJSX || loader == api.LoaderTSX {
			if inj := b.cfg.Esbuild.JSXInject; inj != "" {
				code = inj + ";" + code
			}
		}
	}
	return result(code, loader)
}

func (b *builder) localsConvention() string {
	if b.cfg.CSS.Modules != nil {
		return b.cfg.CSS.Modules.LocalsConvention
	}
	return ""
}

func (b *builder) jsonNamedExports() bool {
	return b.cfg.JSON.NamedExports == nil || *b.cfg.JSON.NamedExports
}

// cssID names a stylesheet in the marker that stands for it in the bundle: its path from root, so
// the bundle (and every hash) is the same from build to build and wherever the project lives.
func (b *builder) cssID(abs string) string {
	id := b.relKey(abs)
	b.cssMu.Lock()
	defer b.cssMu.Unlock()
	b.cssByID[id] = abs
	return id
}

func (b *builder) loadCSS(abs, id string) (*cssModule, error) {
	return b.loadCSSWith(abs, id, "", false)
}

// loadCSSWith compiles a stylesheet once; code is a plugin's loaded source when fromPlugin is set.
func (b *builder) loadCSSWith(abs, id, code string, fromPlugin bool) (*cssModule, error) {
	b.cssMu.Lock()
	if m := b.css[abs]; m != nil {
		b.cssMu.Unlock()
		return m, nil
	}
	b.cssMu.Unlock()
	if !fromPlugin {
		data, err := os.ReadFile(abs)
		if err != nil {
			return nil, err
		}
		code = string(data)
	}
	if b.hasTransformHooks {
		c, _, err := b.container.Transform(code, id, "css")
		if err != nil {
			return nil, err
		}
		code = c
	}
	m, err := (&cssCompiler{b: b}).compile(abs, code)
	if err != nil {
		return nil, err
	}
	b.cssMu.Lock()
	b.css[abs] = m
	b.cssMu.Unlock()
	return m, nil
}

// wrapDynamicImports routes each import() through the preload helper, so that loading a lazy chunk
// also loads its CSS and preloads its imports. TS and JSX are turned into JS first: the lexer reads JS.
func (b *builder) wrapDynamicImports(code, id string, loader api.Loader) string {
	// Server code and workers have no document to preload into (Vite inserts no preload helper there
	// either).
	if b.server || b.inWorker() || !strings.Contains(code, "import(") {
		return code
	}
	js, ok := b.toJS(code, id, loader)
	if !ok {
		return code // esbuild reports the error with its location when it parses the original
	}
	res, err := jslex.Parse(js)
	if err != nil {
		return code // esbuild reports the syntax error with its location
	}
	// A CommonJS file in a package must stay CommonJS: adding the helper's import would make it ESM.
	if commonJS := !res.HasModuleSyntax && strings.Contains(id, "node_modules"); commonJS {
		return code
	}
	var out strings.Builder
	last, n := 0, 0
	importerArg := ""
	if b.relativeBase() {
		importerArg = ", import.meta.url"
	}
	for _, im := range res.Imports {
		if im.Kind != jslex.Dynamic {
			continue
		}
		out.WriteString(js[last:im.Start])
		out.WriteString("__vitePreload(() => ")
		out.WriteString(js[im.Start:im.End])
		fmt.Fprintf(&out, ", %q%s)", preloadMarker, importerArg)
		last = im.End
		n++
	}
	if n == 0 {
		return code
	}
	out.WriteString(js[last:])
	// Appended rather than prepended so line numbers (and so source maps) stay as they were; imports are
	// hoisted anyway.
	fmt.Fprintf(&out, "\nimport { __vitePreload } from %q;\n", preloadHelperID)
	return out.String()
}

func (b *builder) jsxMode() api.JSX {
	switch b.cfg.Esbuild.JSX {
	case "transform", "classic":
		return api.JSXTransform
	case "preserve":
		return api.JSXPreserve
	}
	return api.JSXAutomatic
}

func (b *builder) relativeBase() bool { return b.cfg.Base == "./" || b.cfg.Base == "" }

// noLoaderError is the error for a file of a type that neither govite nor a plugin turns into a module.
func noLoaderError(file, ext string) error {
	return fmt.Errorf("%s: no loader for %q files; add the extension to assetsInclude to import it as an asset, import it with ?raw or ?url, or add the plugin that compiles it", file, ext)
}
