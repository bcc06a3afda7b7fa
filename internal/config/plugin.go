package config

import (
	"context"
	"encoding/json"
	"net/http"
)

// Plugin is a govite plugin: Vite's plugin object as a Go struct of optional hooks. A hook left nil is
// skipped. Hooks that can answer (ResolveID, Load, Transform) return nil to let the next plugin answer.
// Every hook receives a *PluginContext that names the environment it runs for.
//
// Plugins written in a vite.config.* file are converted to this struct; their hooks call into the
// JavaScript engine that evaluated the config.
type Plugin struct {
	Name    string
	Enforce string // "pre", "post" or "" (normal)
	// Apply limits the plugin to "build" or "serve"; "" applies it to both. ApplyFunc, when set, decides.
	Apply     string
	ApplyFunc func(cfg *UserConfig, env ConfigEnv) bool

	// Config may change the user config before it is resolved; it returns a partial config that is
	// merged into it (mergeConfig semantics), or nil.
	Config func(cfg *UserConfig, env ConfigEnv) (*UserConfig, error)
	// ConfigEnvironment may change one environment's options before they are resolved (Vite's
	// configEnvironment). It is called for every environment, in order, after the Config hooks, with
	// the environment's options already merged over the top-level defaults; it may change opts in place
	// or return a partial that is merged into them (mergeConfig semantics), or nil.
	ConfigEnvironment func(name string, opts *EnvironmentOptions, env ConfigEnv) (*EnvironmentOptions, error)
	// ConfigResolved sees the final config.
	ConfigResolved func(cfg *ResolvedConfig) error

	// ApplyToEnvironment decides whether the plugin is used in an environment (Vite's
	// applyToEnvironment). A non-nil replace (even empty) replaces the plugin there by those plugins;
	// otherwise apply says whether the plugin is used. See PluginsForEnvironment and
	// PerEnvironmentPlugin.
	ApplyToEnvironment func(env *Environment) (apply bool, replace []*Plugin)

	// HotUpdate sees a file change in dev, once per environment (Vite's hotUpdate): it returns nil to
	// keep opts.Modules, or the modules (ids) to update instead; an empty non-nil list means the
	// plugin handled the change (sent its own event through ctx.Environment.Hot, say) and nothing is
	// updated.
	HotUpdate func(ctx *PluginContext, opts *HotUpdateOptions) ([]string, error)

	// BuildApp runs when the whole app is built (Vite's buildApp hook; see RunBuildApp for the order).
	BuildApp func(ctx context.Context, b AppBuilder) error

	BuildStart func(ctx *PluginContext) error
	ResolveID  func(ctx *PluginContext, source, importer string, opts ResolveIDOptions) (*ResolveIDResult, error)
	Load       func(ctx *PluginContext, id string) (*LoadResult, error)
	Transform  func(ctx *PluginContext, code, id string) (*TransformResult, error)
	BuildEnd   func(ctx *PluginContext, err error) error

	// TransformIndexHTML changes an HTML entry (Vite's transformIndexHtml). Order "pre" runs before
	// govite's own HTML processing, "" and "post" after.
	TransformIndexHTML      func(ctx *IndexHTMLContext, html string) (*IndexHTMLResult, error)
	TransformIndexHTMLOrder string

	// ConfigureServer is Vite's configureServer: called once when the dev server is created, before
	// its own middlewares are installed. Middlewares it adds with s.Use run before govite's own; the
	// function it returns, if any, is called once they are installed, and the middlewares that one
	// adds run after them, just before the HTML page (so they can answer in its place) and the 404.
	ConfigureServer func(s DevServer) (post func() error, err error)

	// GenerateBundle sees the finished output before it is written and may add, change or remove files.
	GenerateBundle func(ctx *PluginContext, bundle *OutputBundle) error
	// WriteBundle runs after the output was written.
	WriteBundle func(ctx *PluginContext, bundle *OutputBundle) error

	// HookOrder is the order a hook asked for with Vite's `{ order, handler }` form, by hook name
	// ("buildStart", "resolveId", "load", "transform", ...): "pre" hooks run before the hooks without
	// an order and "post" hooks after them, whatever the plugins' Enforce. TransformIndexHTMLOrder is
	// the same for TransformIndexHTML.
	HookOrder map[string]string

	// Builtin names a plugin govite implements itself ("react"); Options are its options as written.
	// A config that uses @vitejs/plugin-react gets such a plugin and govite supplies the behaviour.
	Builtin string
	Options map[string]any
}

// PluginContext is the `this` of Vite's hooks: it names the environment and lets a hook call back into
// the pipeline.
type PluginContext struct {
	// Environment is Vite's this.environment: the environment the hook runs for. It may be nil for
	// hooks called outside any environment.
	Environment *Environment
	Config      *ResolvedConfig
	Host        PluginHost
	// CombinedSourcemap is Rollup's this.getCombinedSourcemap() in a transform hook: the JSON of the
	// map from the code the hook receives back to the file (nil outside transform hooks).
	CombinedSourcemap func() string
}

// EnvironmentName is the name of the environment the hook runs for, "" when there is none.
func (c *PluginContext) EnvironmentName() string {
	if c == nil || c.Environment == nil {
		return ""
	}
	return c.Environment.Name
}

// PluginHost is what the pipeline offers to hooks through PluginContext.
type PluginHost interface {
	// Resolve runs the resolveId hooks of every plugin (except the calling one when skipSelf is set).
	Resolve(source, importer string, skipSelf bool) (*ResolveIDResult, error)
	// AddWatchFile makes a change to file invalidate the current module.
	AddWatchFile(file string)
	// Warn logs a warning attributed to the plugin.
	Warn(msg string)
}

// Resolve is this.resolve(): the whole resolve pipeline.
func (c *PluginContext) Resolve(source, importer string) (*ResolveIDResult, error) {
	return c.Host.Resolve(source, importer, true)
}

// ResolveIDOptions are the extra arguments of resolveId.
type ResolveIDOptions struct {
	IsEntry bool
	// Kind is how the module is imported: "import-statement", "dynamic-import", "require-call",
	// "import-rule" (CSS @import), "url-token" (CSS url()), "entry-point".
	Kind string
	SSR  bool
}

// ResolveIDResult is the answer of a resolveId hook. External marks the id as not bundled.
type ResolveIDResult struct {
	ID       string
	External bool
	// SideEffects false lets the bundler drop the module when nothing it exports is used.
	SideEffects *bool
}

// LoadResult is the answer of a load hook.
type LoadResult struct {
	Code string
	Map  string // source map JSON, optional
	// Loader tells how the code is to be read when it is not JavaScript: "js", "ts", "jsx", "tsx",
	// "css", "json". "" means decide by the id's extension.
	Loader string
}

// TransformResult is the answer of a transform hook.
type TransformResult struct {
	Code   string
	Map    string
	Loader string // as LoadResult.Loader, when the transform changed the language (TS to JS, say)
}

// IndexHTMLContext describes the HTML being transformed.
type IndexHTMLContext struct {
	PluginContext
	// Path is the HTML file's URL path from root ("/index.html"); Filename its absolute path.
	Path     string
	Filename string
	// OriginalURL is the request URL in dev; "" in build.
	OriginalURL string
	// Bundle is the build output, in build; nil in dev.
	Bundle *OutputBundle
}

// IndexHTMLResult is what a TransformIndexHTML hook returns: the new HTML (or "" to keep it) and tags to
// inject.
type IndexHTMLResult struct {
	HTML string
	Tags []HTMLTag
}

// HTMLTag is Vite's HtmlTagDescriptor.
type HTMLTag struct {
	Tag   string
	Attrs map[string]string // a value of "" renders a boolean attribute
	// AttrOrder lists attribute names in the order they are printed; attributes not in it follow
	// in name order.
	AttrOrder []string
	Children  string
	// InjectTo is "head", "body", "head-prepend" or "body-prepend"; "" means "head-prepend".
	InjectTo string
}

// OutputBundle is the build output before it is written: file name (relative to outDir, "/" separators)
// to file.
type OutputBundle struct {
	Files map[string]*OutputFile
}

// OutputFile is one output file: a chunk, an asset or a source map.
type OutputFile struct {
	FileName string
	Type     string // "chunk" or "asset"
	Contents []byte
	// Chunk information, for Type "chunk".
	Name           string
	IsEntry        bool
	IsDynamicEntry bool
	FacadeModuleID string   // the entry module's absolute path, "" for shared chunks
	ModuleIDs      []string // the modules bundled into the chunk, in output order
	Imports        []string // file names of statically imported chunks
	DynamicImports []string // file names of dynamically imported chunks
	ImportedCSS    []string // file names of the CSS files of this chunk
	ImportedAssets []string // file names of the assets this chunk references
	// OriginalFileNames are the source files an asset was emitted from (relative to root).
	OriginalFileNames []string
}

// DevServer is what a ConfigureServer hook gets of the dev server: the parts of Vite's ViteDevServer
// that plugins use to add routes and talk to the browsers.
type DevServer interface {
	// Config is the server's resolved config (server.config).
	Config() *ResolvedConfig
	// Use adds a middleware (server.middlewares.use): see Plugin.ConfigureServer for where it runs.
	Use(mw func(next http.Handler) http.Handler)
	// Send sends a custom event to the browsers (server.ws.send(event, data)); SendPayload sends an
	// HMR payload such as {"type": "full-reload"} (server.ws.send(payload)).
	Send(event string, data any)
	SendPayload(payload map[string]any)
	// OnCustomEvent listens for the browsers' import.meta.hot.send(event, data) (server.ws.on). The
	// returned function removes the listener.
	OnCustomEvent(event string, fn func(data json.RawMessage)) (off func())
	// OnFileChange is called for each file the watcher reports after the server handled it, with
	// kind "add", "change" or "unlink" (server.watcher.on).
	OnFileChange(fn func(kind, file string))
	// Watch adds a file or folder outside the watched ones to the watcher (server.watcher.add).
	Watch(path string)
	// TransformIndexHTML is server.transformIndexHtml(url, html).
	TransformIndexHTML(ctx context.Context, url, html string) (string, error)
	// Environments are the server's environments by name (server.environments).
	Environments() map[string]*Environment
	// Restart restarts the server as a change to the config file does (server.restart()); it fails
	// when the server was created without a way to restart (see the dev server's OnRestartNeeded).
	Restart() error
}
