package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"encoding/json"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/build"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/css"
	"github.com/govite/govite/internal/glob"
	"github.com/govite/govite/internal/optimizer"
	"github.com/govite/govite/internal/plugin"
	"github.com/govite/govite/internal/runner"
	"github.com/govite/govite/internal/ssr"
)

// DevEnvironment is one environment of the dev server (Vite's DevEnvironment): its own plugin pipeline,
// module graph and hot channel. The "client" environment serves browsers; "ssr" and custom ones run
// server code through a module runner.
type DevEnvironment struct {
	Name string
	// Consumer is "client" or "server".
	Consumer string
	// RunnerType is how a server environment runs its modules: RunnerEngine (in process, on an embedded
	// JS engine; dependencies are bundled for it) or RunnerNode (govite's Node runner; dependencies
	// stay in node_modules and Node imports them). "" for the client.
	RunnerType      string
	ModuleGraph     *ModuleGraph
	PluginContainer *plugin.Container
	// Hot is the channel to the code the environment runs: browsers for "client", module runners for
	// the others.
	Hot HotChannel

	server    *Server
	info      *config.Environment // what plugins see of the environment
	hot       *hotChannel
	config    *config.ResolvedConfig
	resolver  *resolver
	optimizer *optimizer.Optimizer // nil when dependencies are not pre-bundled
	optReady  chan struct{}        // closed when the optimizer's first scan and bundle are done
	optErr    error                // why that failed
	optRun    func()               // starts that first run; optOnce makes it once
	optOnce   sync.Once
	steps     []transformStep
	// conditions are the resolve conditions (package.json exports) of this environment.
	conditions []string
	cssc       *css.Compiler

	mu       sync.Mutex
	inflight map[string]*inflightTransform

	runnerMu sync.Mutex
	runner   runner.Runner
	// devCtx is what the environment's dev.createEnvironment returned, nil for govite's default.
	devCtx      *DevEnvironmentContext
	warmupGlobs []string // dev.warmup
	// resolvedOptions are the environment's options from the config (nil: defaults).
	resolvedOptions *config.ResolvedEnvironmentOptions
}

// TransformResult is a module as served: JavaScript (or CSS for a <link>), its source map and ETag.
type TransformResult struct {
	Code string
	Map  []byte
	ETag string
	// ContentType is the response's type.
	ContentType string
}

type inflightTransform struct {
	done chan struct{}
	res  *TransformResult
	err  error
}

// envOptions is what the server needs to know to create an environment.
type envOptions struct {
	name, consumer, runner string
	conditions             []string // resolve conditions; nil: the defaults for consumer and runner
	warmup                 []string
	devCtx                 *DevEnvironmentContext
	resolved               *config.ResolvedEnvironmentOptions // nil when the config has none
}

func newDevEnvironment(s *Server, o envOptions) (*DevEnvironment, error) {
	cfg := s.Config
	e := &DevEnvironment{Name: o.name, Consumer: o.consumer, ModuleGraph: NewModuleGraph(), server: s, config: cfg,
		inflight: map[string]*inflightTransform{}, hot: newHotChannel(o.name)}
	e.Hot = e.hot
	e.hot.onInvalidate = func(data json.RawMessage) { s.handleInvalidate(e, data) }
	platform := api.PlatformBrowser
	if o.consumer == "server" {
		e.hot.invoke = e.invoke
		e.RunnerType = o.runner
		if e.RunnerType == "" {
			e.RunnerType = RunnerEngine
		}
		if e.RunnerType == RunnerNode {
			platform = api.PlatformNode
		}
	}
	conditions := e.defaultConditions()
	if len(o.conditions) > 0 {
		conditions = append(slices.Clone(o.conditions), "development")
	}
	e.conditions = conditions
	r, err := newResolver(cfg, platform, conditions)
	if err != nil {
		return nil, err
	}
	e.resolver = r
	if o.resolved != nil {
		r.dedupe = o.resolved.Resolve.Dedupe // the environment's, inherited from the top level
	}
	e.warmupGlobs, e.devCtx, e.resolvedOptions = o.warmup, o.devCtx, o.resolved
	info := config.NewEnvironment(cfg, o.name)
	info.Hot = e.hot
	info.TransformRequest = e.transformForPlugin
	e.info = info
	e.PluginContainer = plugin.NewForEnvironment(info, s.plugins)
	e.steps = e.transformSteps()
	e.cssc = &css.Compiler{Root: cfg.Root, Resolver: &devCSSResolver{e: e}, Key: func(abs string) string { return prettyPath(cfg.Root, abs) }, Errors: esbuildErrors,
		Processor: s.cssProc, Sourcemap: cfg.CSS.DevSourcemap}
	return e, nil
}

// defaultConditions are the resolve conditions of an environment whose config names none: the
// browser's for the client; Node's for a Node runner; for the embedded engine, the conditions of
// runtimes without Node's APIs ("worker", then "browser"), so packages pick their web builds
// (react-dom/server gives its renderToReadableStream build).
func (e *DevEnvironment) defaultConditions() []string {
	mode := "development"
	if e.config.IsProduction {
		mode = "production"
	}
	switch {
	case e.Consumer == "client":
		return []string{"module", "browser", mode}
	case e.RunnerType == RunnerNode:
		return []string{"module", "node", mode}
	}
	return []string{"module", "worker", "browser", mode}
}

func (e *DevEnvironment) close() {
	e.closeRunner()
	e.resolver.close()
}

// TransformRequest returns the module served at url (a path from root with its query, without base),
// transforming it on first request and from cache afterwards. Concurrent requests for one module share
// one transform.
func (e *DevEnvironment) TransformRequest(ctx context.Context, url string) (*TransformResult, error) {
	url = removeQueryParams(url, "t", "import", "v")
	if m := e.ModuleGraph.GetModuleByURL(url); m != nil {
		if r := e.ModuleGraph.cached(m); r != nil {
			return r, nil
		}
		if r := e.softInvalidated(m); r != nil {
			return r, nil
		}
	}
	e.mu.Lock()
	if f := e.inflight[url]; f != nil {
		e.mu.Unlock()
		select {
		case <-f.done:
			return f.res, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &inflightTransform{done: make(chan struct{})}
	e.inflight[url] = f
	e.mu.Unlock()

	f.res, f.err = e.doTransform(ctx, url)
	e.mu.Lock()
	delete(e.inflight, url)
	e.mu.Unlock()
	close(f.done)
	return f.res, f.err
}

// transformForPlugin is environment.transformRequest(url) for plugins: url is a served URL, or an
// absolute path of a file (vite-plugin-svelte passes its component's path), which is served at the
// URL of its module.
func (e *DevEnvironment) transformForPlugin(ctx context.Context, url string) (string, error) {
	if p, q := splitQuery(url); filepath.IsAbs(p) && !strings.HasPrefix(p, "/@") && fileExists(p) && !fileExists(filepath.Join(e.config.Root, filepath.FromSlash(p))) {
		url = e.urlFromID(p)
		if q != "" {
			url += "?" + q
		}
	}
	res, err := e.TransformRequest(ctx, url)
	if err != nil {
		return "", err
	}
	return res.Code, nil
}

// WarmupRequest transforms url ahead of the browser asking for it; errors are logged at debug level
// (the real request reports them).
func (e *DevEnvironment) WarmupRequest(ctx context.Context, url string) {
	if _, err := e.TransformRequest(ctx, url); err != nil {
		e.server.debug.transform.Debug("pre-transform of "+url+" failed", "err", err)
	}
}

func (e *DevEnvironment) doTransform(ctx context.Context, url string) (*TransformResult, error) {
	t0 := time.Now()
	started := t0.UnixMilli()
	id, file, err := e.resolveURL(url)
	if err != nil {
		return nil, err
	}
	m := e.ModuleGraph.ensure(url, id, file)
	if file != "" {
		e.server.watchFile(file)
	}
	code, loader, maps, err := e.load(ctx, m)
	if err != nil {
		return nil, err
	}
	loaded := code
	code, loader, maps, err = e.runTransforms(m, code, loader, maps)
	if err != nil {
		return nil, err
	}
	if loader == "" && file != "" && loaderFor(file) == "" && !isAssetPath(file, e.config.AssetsInclude) {
		if code == loaded {
			return nil, e.noLoaderError(file) // no plugin took the file type
		}
		loader = "js" // what a transform returns is JavaScript unless it says otherwise, as in Rollup
	}
	res := &TransformResult{ContentType: "text/javascript"}
	var info moduleInfo
	switch {
	case loader == "css" && m.Type == "css":
		res.Code, res.ContentType = code, "text/css"
		info.selfAccepting = true
	default:
		if loader == "css" {
			code, maps = e.cssModuleJS(m, code)
		}
		var mapJSON []byte
		if len(maps) > 0 {
			mapJSON, err = composeMaps(maps)
			if err != nil {
				e.server.debug.sourcemap.Debug("source map chain of "+id+" not composed", "err", err)
			}
		}
		out, outMap, inf, err := e.analyzeImports(ctx, m, code, mapJSON)
		if err != nil {
			if inf.unresolved {
				// A file created later may satisfy the import: the watcher updates this module then
				// (Vite's _hasResolveFailedErrorModules).
				e.ModuleGraph.mu.Lock()
				m.UnresolvedImports = true
				e.ModuleGraph.mu.Unlock()
			}
			return nil, err
		}
		res.Code, res.Map, info = out, outMap, inf
		if e.Consumer == "server" {
			// Server code runs in a module runner: imports and exports become __vite_ssr_* calls, and
			// the source map goes inline when the runner fetches the module (FetchModule).
			r, err := ssr.Transform(out, outMap, m.URL)
			if err != nil {
				var se *ssr.Error
				if errors.As(err, &se) {
					return nil, codeError(e.config.Root, m.File, out, se.Offset, se.Msg, "vite:ssr-transform")
				}
				return nil, err
			}
			res.Code, res.Map = r.Code, r.Map
		} else if len(res.Map) > 0 {
			res.Code += "\n//# sourceMappingURL=data:application/json;base64," + base64Std(res.Map) + "\n"
		}
	}
	if m.Type == "css" || loader == "css" {
		info.imports = append(info.imports, e.cssImportNodes(m)...)
	}
	// Files a plugin watches for this module (this.addWatchFile) are its dependencies in the graph: a
	// change to one updates the module like a change to an import.
	for _, f := range e.PluginContainer.ModuleWatchFiles(m.ID) {
		info.imports = append(info.imports, e.ModuleGraph.ensure(e.urlFromID(f), f, f))
		e.server.watchFile(f)
	}
	// Vite's preTransformRequests: the modules this one imports statically will be asked for next;
	// transforming them now overlaps the work with the browser's round trips.
	for _, dep := range info.staticImports {
		if e.Consumer == "server" {
			// A runner asks with the cached flag and keeps its module when the server has a
			// transform cached: a transform done ahead could hide a change from it.
			break
		}
		if dep != m && dep.File != "" && !isInNodeModules(dep.File) && e.ModuleGraph.cached(dep) == nil {
			go e.WarmupRequest(context.WithoutCancel(ctx), dep.URL)
		}
	}
	pruned := e.ModuleGraph.updateModuleInfo(m, info)
	if len(pruned) > 0 && e.Hot != nil {
		e.prune(pruned)
	}
	res.ETag = etagOf(res.Code)
	e.ModuleGraph.setCached(m, res, started)
	if on(e.server.debug.transform) {
		e.server.debug.transform.Debug(ms(t0) + " " + url)
	}
	return res, nil
}

// resolveURL finds the id and file of a served URL.
func (e *DevEnvironment) resolveURL(url string) (id, file string, err error) {
	p, q := splitQuery(url)
	switch {
	case strings.HasPrefix(p, idPrefix):
		spec := strings.ReplaceAll(strings.TrimPrefix(url, idPrefix), nullByteCode, "\x00")
		if r, err := e.PluginContainer.ResolveID(spec, "", config.ResolveIDOptions{Kind: "import-statement"}); err != nil {
			return "", "", err
		} else if r != nil {
			spec = r.ID
		} else if r, err := e.builtinResolve(spec); err == nil && r != "" {
			spec = r
		}
		file, _ := splitQuery(spec)
		if !filepath.IsAbs(file) {
			file = ""
		}
		return spec, file, nil
	case strings.HasPrefix(p, fsPrefix):
		file = e.fileOfURL(p)
		if q != "" {
			return file + "?" + q, file, nil
		}
		return file, file, nil
	}
	if r, err := e.PluginContainer.ResolveID(url, "", config.ResolveIDOptions{Kind: "import-statement"}); err != nil {
		return "", "", err
	} else if r != nil {
		f, _ := splitQuery(r.ID)
		if !filepath.IsAbs(f) || strings.HasPrefix(f, "\x00") {
			f = ""
		}
		return r.ID, f, nil
	}
	if f := e.publicModule(url); f != "" {
		return url, f, nil
	}
	file = e.fileOfURL(p)
	// An extension-less URL ("/src/main") names the file the resolver completes, as in Vite; the
	// module keeps one node under both URLs (the graph dedupes by id).
	if path.Ext(p) == "" && !fileExists(file) {
		if r, err := e.resolver.resolveFile(file, filepath.Join(e.config.Root, "index.html")); err == nil {
			file, _ = splitQuery(r)
		}
	}
	if q != "" {
		return file + "?" + q, file, nil
	}
	return file, file, nil
}

// builtinResolve answers the ids govite itself provides.
func (e *DevEnvironment) builtinResolve(spec string) (string, error) {
	switch spec {
	case modulePreloadPolyfillID:
		return "\x00" + modulePreloadPolyfillID + ".js", nil
	}
	return "", nil
}

const modulePreloadPolyfillID = "vite/modulepreload-polyfill"

// load runs the load hooks, or reads the file; queries such as ?raw and ?url and asset imports become
// small JS modules here.
func (e *DevEnvironment) load(ctx context.Context, m *ModuleNode) (code, loader string, maps []string, err error) {
	r, err := e.PluginContainer.Load(m.ID)
	if err != nil {
		return "", "", nil, err
	}
	file, query := splitQuery(m.ID)
	if r != nil {
		loader = r.Loader
		if loader == "" {
			loader = loaderFor(file)
		}
		if lang := css.LangOfQuery(query); lang != "" && (loader == "" || isFrameworkSrcPath(file)) {
			// A framework plugin's virtual module says its language in its query
			// ("App.svelte?svelte&type=style&lang.css"), as Vite's plugins read it there.
			if l := loaderFor("x." + lang); l != "" {
				loader = l
			}
		}
		if r.Map != "" {
			maps = append(maps, r.Map)
		}
		return r.Code, loader, maps, nil
	}
	if m.ID == "\x00"+modulePreloadPolyfillID+".js" {
		return "", "js", nil, nil // the polyfill matters only in builds
	}
	if m.ID == glob.DynamicImportHelperID {
		return glob.DynamicImportHelperCode, "js", nil, nil
	}
	if m.File == "" {
		return "", "", nil, &httpError{404, fmt.Sprintf("no plugin loads the virtual module %q", strings.TrimPrefix(m.ID, "\x00"))}
	}
	if e.isPublicModule(m) {
		code, err := e.loadPublicModule(m)
		return code, "js", nil, err
	}
	if err := e.server.checkFS(m.File); err != nil {
		return "", "", nil, err
	}
	if hasQueryParam(query, "html-proxy") {
		code, ok := e.server.htmlProxyCode(m.ID)
		if !ok {
			// The page was not served since the server started: read its scripts now.
			if data, err := os.ReadFile(m.File); err == nil {
				e.server.devHTML("/"+prettyPath(e.config.Root, m.File), m.File, string(data))
				code, ok = e.server.htmlProxyCode(m.ID)
			}
		}
		if !ok {
			return "", "", nil, notFound(m.URL)
		}
		return code, "js", nil, nil
	}
	if e.optimizer != nil && e.optimizer.IsOptimizedFile(m.File) {
		if err := e.waitOptimizer(ctx); err != nil {
			return "", "", nil, err
		}
		if err := e.optimizer.Wait(ctx); err != nil {
			return "", "", nil, err
		}
	}
	// ?worker before ?url and ?inline: with it they mean the worker's URL and an inline worker.
	if constructor, ok := workerQuery(query); ok {
		return e.workerModule(m.File, query, constructor), "js", nil, nil
	}
	switch {
	case hasQueryParam(query, "raw"):
		data, err := readFile(m.File)
		if err != nil {
			return "", "", nil, err
		}
		return "export default " + strconv.Quote(string(data)), "js", nil, nil
	case hasQueryParam(query, "url"):
		file, suffix := splitQuery(removeQueryParams(m.ID, "url"))
		if suffix != "" {
			suffix = "?" + suffix
		}
		u, _ := e.devAssetURL(file, suffix)
		return "export default " + strconv.Quote(e.withHMRTimestamp(u, e.ModuleGraph.GetModuleByID(file))), "js", nil, nil
	case hasQueryParam(query, "inline") && !isCSSPath(file):
		data, err := readFile(m.File)
		if err != nil {
			return "", "", nil, err
		}
		return "export default " + strconv.Quote(dataURL(file, data)), "js", nil, nil
	}
	loader = loaderFor(file)
	if loader == "" {
		if isAssetPath(file, e.config.AssetsInclude) {
			if _, err := os.Stat(m.File); err != nil {
				return "", "", nil, notFound(m.URL)
			}
			suffix := ""
			if query != "" {
				suffix = "?" + query
			}
			u, _ := e.devAssetURL(m.File, suffix)
			return "export default " + strconv.Quote(e.withHMRTimestamp(u, e.ModuleGraph.GetModuleByID(m.File))), "js", nil, nil
		}
		if !fileExists(m.File) {
			return "", "", nil, notFound(m.URL)
		}
		if !e.PluginContainer.HasTransform() {
			return "", "", nil, e.noLoaderError(m.File)
		}
		// A plugin's transform may make it a module (vite-plugin-svelte for .svelte files): its text
		// goes through the pipeline with no loader, and doTransform checks that something took it.
	}
	data, err := readFile(m.File)
	if err != nil {
		return "", "", nil, err
	}
	return string(data), loader, nil, nil
}

func readFile(p string) ([]byte, error) {
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &httpError{404, "file not found: " + p}
	}
	return data, err
}

func loaderFor(p string) string {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".js", ".mjs", ".cjs":
		return "js"
	case ".ts", ".mts", ".cts":
		return "ts"
	case ".jsx":
		return "jsx"
	case ".tsx":
		return "tsx"
	case ".json":
		return "json"
	case ".css", ".pcss", ".postcss", ".scss", ".sass", ".less", ".styl", ".stylus", ".sss":
		return "css"
	}
	return ""
}

// withHMRTimestamp adds ?t= to the URL of an asset whose module (m, nil if none) a hot update has
// reached, so that the page loads the changed file instead of the one it has cached (Vite's asset
// plugin does the same). A data URL is left alone: it changes with the file.
func (e *DevEnvironment) withHMRTimestamp(u string, m *ModuleNode) string {
	if m == nil || strings.HasPrefix(u, "data:") {
		return u
	}
	e.ModuleGraph.mu.Lock()
	ts := m.LastHMRTimestamp
	e.ModuleGraph.mu.Unlock()
	if ts <= 0 {
		return u
	}
	return injectQuery(u, "t="+strconv.FormatInt(ts, 10))
}

// assetURL is the URL JS and CSS use for a file: base plus its served path, with server.origin.
func (e *DevEnvironment) assetURL(file string) string {
	u := e.urlFromID(file)
	return e.server.origin + e.config.Base + strings.TrimPrefix(u, "/")
}

// devAssetURL is what JS and CSS get for an asset in dev (Vite's fileToDevUrl): file is the file
// read, suffix the "?query" and "#fragment" the reference has ("" when none). The file becomes a
// data URL with ?inline, and an SVG does where the build would inline it (see inlineSVG); other
// files get their served URL, with the suffix kept. read reports whether the file's contents were
// read (so the URL may change with them); a file that cannot be read gets its URL.
func (e *DevEnvironment) devAssetURL(file, suffix string) (u string, read bool) {
	if u, read = e.inlineDevAsset(file, suffix); u != "" {
		return u, read
	}
	return e.assetURL(file + suffix), read
}

// inlineDevAsset is the data URL of a file Vite's dev server inlines (see devAssetURL), or "".
func (e *DevEnvironment) inlineDevAsset(file, suffix string) (u string, read bool) {
	inline := hasQueryParam(suffixQuery(suffix), "inline")
	if !inline && !strings.HasSuffix(file, ".svg") {
		return "", false
	}
	if !inline {
		// An SVG at or over the limit keeps its URL whatever it holds: no need to read it.
		if st, err := os.Stat(file); err != nil || st.Size() >= int64(e.config.Build.AssetsInlineLimit) {
			return "", err == nil
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", false
	}
	if inline || e.inlineSVG(suffix, data) {
		return dataURL(file, data), true
	}
	return "", true
}

// inlineSVG is Vite's shouldInline for an SVG served in dev (the build's rule for any asset): never
// with ?no-inline or a #fragment (which points into the file), otherwise when the file is smaller
// than build.assetsInlineLimit and not a Git LFS pointer.
func (e *DevEnvironment) inlineSVG(suffix string, data []byte) bool {
	if hasQueryParam(suffixQuery(suffix), "no-inline") || strings.Contains(suffix, "#") {
		return false
	}
	return len(data) < e.config.Build.AssetsInlineLimit && !build.IsGitLFSPointer(data)
}

// suffixQuery is the raw query of a reference's "?query#fragment" suffix.
func suffixQuery(suffix string) string {
	q, ok := strings.CutPrefix(suffix, "?")
	if !ok {
		return ""
	}
	q, _, _ = strings.Cut(q, "#")
	return q
}

// httpError is an error with the HTTP status it answers.
type httpError struct {
	Status int
	Msg    string
}

func (e *httpError) Error() string { return e.Msg }

func notFound(url string) error { return &httpError{404, "not found: " + url} }

// startOptimizer starts the optimizer's first scan and bundle, once.
func (e *DevEnvironment) startOptimizer() {
	if e.optRun != nil {
		e.optOnce.Do(e.optRun)
	}
}

// waitScan waits for the optimizer's first scan (or its cache), starting it if no request has yet.
func (e *DevEnvironment) waitScan(ctx context.Context) error {
	if e.optReady == nil {
		return nil
	}
	e.startOptimizer()
	return e.optimizer.WaitScan(ctx)
}

// optimizerFailed reports whether the optimizer's first run failed (its deps are then served
// unbundled); false while it runs.
func (e *DevEnvironment) optimizerFailed() bool {
	select {
	case <-e.optReady:
		return e.optErr != nil
	default:
		return false
	}
}

// waitOptimizer waits for the optimizer's first run, starting it if no request has yet.
func (e *DevEnvironment) waitOptimizer(ctx context.Context) error {
	if e.optReady == nil {
		return nil
	}
	e.startOptimizer()
	select {
	case <-e.optReady:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// noLoaderError is the error for a file of a type that neither govite nor a plugin turns into a module.
func (e *DevEnvironment) noLoaderError(file string) error {
	return fmt.Errorf("%s: no loader for %q files; add the extension to assetsInclude to import it as an asset, import it with ?raw or ?url, or add the plugin that compiles it",
		prettyPath(e.config.Root, file), filepath.Ext(file))
}
