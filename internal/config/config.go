// Package config holds govite's configuration: the options a user writes (UserConfig, the same shape as
// Vite's vite.config.* object), their resolution into a ResolvedConfig (defaults, mode, .env files,
// plugins' config hooks), and the loading of vite.config.* files without Node.
//
// The root package re-exports these types under Vite's names (govite.Config, govite.Plugin), so Go users
// and config files describe a project the same way.
package config

import "log/slog"

// UserConfig is what a vite.config.* file exports or a Go program passes to govite. Field names follow
// Vite's option names; the `js` tag is the option's name in a config file. Pointer fields distinguish
// "not set" from a zero value where Vite's default is not the zero value.
type UserConfig struct {
	Root          string          `js:"root"`
	Base          string          `js:"base"`
	Mode          string          `js:"mode"`
	PublicDir     *string         `js:"publicDir"` // nil: "public"; "" (or false in a config file): disabled
	CacheDir      string          `js:"cacheDir"`
	Define        map[string]any  `js:"define"`
	Plugins       []*Plugin       `js:"plugins"`
	Resolve       ResolveOptions  `js:"resolve"`
	CSS           CSSOptions      `js:"css"`
	JSON          JSONOptions     `js:"json"`
	Esbuild       *EsbuildOptions `js:"esbuild"` // nil: defaults
	AssetsInclude []string        `js:"assetsInclude"`
	LogLevel      string          `js:"logLevel"` // "info" (default), "warn", "error", "silent"
	ClearScreen   *bool           `js:"clearScreen"`
	EnvDir        string          `js:"envDir"`
	EnvPrefix     []string        `js:"envPrefix"` // default ["VITE_"]
	AppType       string          `js:"appType"`   // "spa" (default), "mpa", "custom"
	Build         BuildOptions    `js:"build"`
	Server        ServerOptions   `js:"server"`
	Preview       PreviewOptions  `js:"preview"`
	OptimizeDeps  OptimizeDeps    `js:"optimizeDeps"`
	// Worker is Vite's `worker`: the format, plugins and file names of worker bundles in a build.
	Worker WorkerOptions `js:"worker"`
	// Input is the top-level shorthand for build.rollupOptions.input.
	Input *Input `js:"input"`
	// Dev holds the dev options every environment inherits (Vite's top-level `dev`, the defaults of
	// environments.*.dev). server.warmup.clientFiles and ssrFiles are the client's and ssr's warmup.
	Dev DevEnvironmentOptions `js:"dev"`
	// SSR is Vite's top-level `ssr`: the options of the `ssr` environment written the Vite 5 way. nil
	// when not written; setting it (even to an empty struct) makes the ssr environment exist in build.
	SSR *SSROptions `js:"ssr"`
	// Environments are Vite's `environments`, in the order they were written (the order environments are
	// built in). Every environment inherits the top-level options except those Vite keeps for the
	// client (see Resolve).
	Environments []NamedEnvironment `js:"environments"`
	// Builder is Vite's `builder`: non-nil (even empty, the CLI's --app) builds every environment.
	Builder *BuilderOptions `js:"builder"`

	// Logger receives govite's log records; nil uses a text logger on stderr at LogLevel.
	Logger *slog.Logger `js:"-"`
}

// ResolveOptions is Vite's `resolve`.
type ResolveOptions struct {
	Alias      []Alias  `js:"alias"`
	Extensions []string `js:"extensions"` // default: .mjs .js .mts .ts .jsx .tsx .json
	Conditions []string `js:"conditions"`
	MainFields []string `js:"mainFields"`
	Dedupe     []string `js:"dedupe"`
	// PreserveSymlinks keeps symlinked paths instead of their real paths.
	PreserveSymlinks bool `js:"preserveSymlinks"`
	// TsconfigPaths resolves imports through the compilerOptions.paths and baseUrl of the importer's
	// tsconfig (Vite 8's resolve.tsconfigPaths; default false).
	TsconfigPaths bool `js:"tsconfigPaths"`
	// ExternalConditions are the conditions used when an externalized dependency is imported by a
	// server environment (default DefaultExternalConditions).
	ExternalConditions []string `js:"externalConditions"`
	// External and NoExternal say which dependencies a server environment leaves to the runtime
	// (Vite's resolve.external, resolve.noExternal; formerly ssr.external and ssr.noExternal).
	External   ModuleList `js:"external"`
	NoExternal ModuleList `js:"noExternal"`
	// Builtins are the modules the environment's runtime provides (default: Node's built-in modules and
	// node:/bun: ids for server environments, none for client ones). nil means the default.
	Builtins []Pattern `js:"builtins"`
}

// Alias is one entry of resolve.alias. Find is either a plain string, which matches a whole specifier or
// a specifier prefix followed by "/", or a regular expression (FindRegexp, from a JS RegExp).
type Alias struct {
	Find        string `js:"find"`
	FindRegexp  string `js:"-"` // Go regexp syntax, translated from a JS RegExp
	Replacement string `js:"replacement"`
}

// CSSOptions is Vite's `css`.
type CSSOptions struct {
	Modules      *CSSModulesOptions `js:"modules"`
	DevSourcemap bool               `js:"devSourcemap"`
	// PreprocessorOptions is css.preprocessorOptions: the options of each pre-processor by language
	// ("scss", "sass", "less", "styl", "stylus"), with the JSON values as written. A value JSON cannot
	// carry (an additionalData function, Sass importers or functions, Less plugins) is left out here
	// and named in JSOptions.
	PreprocessorOptions map[string]map[string]any `js:"preprocessorOptions"`
	// PostCSS is css.postcss, nil when not written.
	PostCSS *PostCSSOptions `js:"postcss"`
	// JSOptions are the paths of the CSS options whose values are JavaScript (functions, PostCSS plugin
	// objects) rather than JSON. The stylesheet worker runs in Node and reads those options from the
	// config file itself.
	JSOptions []string `js:"-"`
}

// PostCSSOptions is css.postcss: a path to search for the PostCSS config from (a string), or the
// PostCSS config itself (an object).
type PostCSSOptions struct {
	// SearchPath is the string form: the directory (relative to root) the PostCSS config file is
	// searched from instead of root.
	SearchPath string `js:"-"`
	// Inline is true for the object form, which replaces any PostCSS config file.
	Inline bool `js:"-"`
	// Options are the object form's PostCSS options with JSON values (parser, map, ...), plugins left
	// out.
	Options map[string]any `js:"-"`
	// Plugins is how many entries the object form's plugins list has; the plugins themselves are
	// JavaScript objects, which the stylesheet worker reads from the config file (see JSOptions).
	Plugins int `js:"-"`
}

// CSSModulesOptions is Vite's `css.modules`.
type CSSModulesOptions struct {
	// LocalsConvention: "camelCase", "camelCaseOnly", "dashes", "dashesOnly" or "" (as written).
	LocalsConvention string `js:"localsConvention"`
}

// JSONOptions is Vite's `json`.
type JSONOptions struct {
	NamedExports *bool `js:"namedExports"` // default true
	Stringify    bool  `js:"stringify"`
}

// EsbuildOptions is the subset of Vite's `esbuild` option that changes how TS/JSX is transformed.
type EsbuildOptions struct {
	Disabled        bool              `js:"-"`   // esbuild: false
	JSX             string            `js:"jsx"` // "automatic" (default), "transform" (classic), "preserve"
	JSXFactory      string            `js:"jsxFactory"`
	JSXFragment     string            `js:"jsxFragment"`
	JSXImportSource string            `js:"jsxImportSource"`
	JSXInject       string            `js:"jsxInject"`
	JSXDev          *bool             `js:"jsxDev"`
	Define          map[string]string `js:"define"`
	Drop            []string          `js:"drop"`
	Pure            []string          `js:"pure"`
	LegalComments   string            `js:"legalComments"`
	KeepNames       bool              `js:"keepNames"`
	Target          string            `js:"target"`
}

// BuildOptions is Vite's `build`.
type BuildOptions struct {
	OutDir                string         `js:"outDir"`            // default "dist"
	AssetsDir             string         `js:"assetsDir"`         // default "assets"
	AssetsInlineLimit     *int           `js:"assetsInlineLimit"` // default 4096
	CSSCodeSplit          *bool          `js:"cssCodeSplit"`      // default true
	CSSMinify             *bool          `js:"cssMinify"`         // default: same as Minify
	Minify                *bool          `js:"minify"`            // default true; "esbuild"/"terser" mean true
	Sourcemap             Sourcemap      `js:"sourcemap"`
	Target                []string       `js:"target"`
	EmptyOutDir           *bool          `js:"emptyOutDir"`
	Manifest              FileOption     `js:"manifest"`
	SSRManifest           FileOption     `js:"ssrManifest"`
	ModulePreload         *ModulePreload `js:"modulePreload"` // nil: enabled with polyfill
	RollupOptions         RollupOptions  `js:"rollupOptions"`
	RolldownOptions       RollupOptions  `js:"rolldownOptions"`
	Write                 *bool          `js:"write"`                 // default true
	SSR                   string         `js:"ssr"`                   // an SSR entry; set by `build --ssr ENTRY`
	ReportCompressedSize  *bool          `js:"reportCompressedSize"`  // default true
	ChunkSizeWarningLimit *int           `js:"chunkSizeWarningLimit"` // kB, default 500
	CopyPublicDir         *bool          `js:"copyPublicDir"`         // default true
	// EmitAssets writes the assets of the build (default: true for client environments only).
	EmitAssets *bool `js:"emitAssets"`
	// SSREmitAssets is build.ssrEmitAssets: the ssr environment emits assets too.
	SSREmitAssets *bool `js:"ssrEmitAssets"`
	// CreateEnvironment creates the build environment (Vite's build.createEnvironment); nil uses
	// govite's. Only the client environment inherits the top-level one.
	CreateEnvironment CreateBuildEnvironmentFunc `js:"createEnvironment"`
	// SSRInput is `build.ssr: true`: an SSR build of the configured input (SSR names an entry instead).
	SSRInput bool `js:"-"`
}

// RollupOptions is the part of build.rollupOptions / build.rolldownOptions govite reads.
type RollupOptions struct {
	Input    *Input        `js:"input"`
	External []string      `js:"external"`
	Output   OutputOptions `js:"output"`
}

// OutputOptions are the file-name patterns of build.rollupOptions.output (and rolldownOptions), with
// Rollup's placeholders [name], [hash] (and [hash:N]), [ext] and [extname]. Rollup's function form is
// warned about and ignored.
type OutputOptions struct {
	EntryFileNames string `js:"entryFileNames"`
	ChunkFileNames string `js:"chunkFileNames"`
	AssetFileNames string `js:"assetFileNames"`
}

// Sourcemap is build.sourcemap: "" (false), "true", "inline" or "hidden".
type Sourcemap string

const (
	SourcemapNone     Sourcemap = ""
	SourcemapExternal Sourcemap = "true"
	SourcemapInline   Sourcemap = "inline"
	SourcemapHidden   Sourcemap = "hidden"
)

// FileOption is an option that is either a boolean or a file path (build.manifest, build.ssrManifest).
type FileOption struct {
	Enabled bool
	Path    string // "" means the default path
}

// ModulePreload is build.modulePreload. Disabled is `modulePreload: false`.
type ModulePreload struct {
	Disabled bool  `js:"-"`
	Polyfill *bool `js:"polyfill"` // default true
	// ResolveDependencies, when set, chooses the files preloaded with each dynamic import and each
	// HTML entry.
	ResolveDependencies ResolveDependenciesFunc `js:"resolveDependencies"`
}

// ResolveDependenciesFunc is build.modulePreload.resolveDependencies(filename, deps, { hostId,
// hostType }). The build calls it for each dynamic import of a chunk (hostType "js": filename is the
// imported chunk, hostID the importing chunk, deps the JS chunks preloaded with it; the CSS the import
// needs is kept apart and always loaded) and for each HTML entry (hostType "html": filename is the
// entry chunk, hostID the HTML file, deps the chunks the entry imports). Paths are relative to
// build.outDir, and so are the files it returns: the list to preload, in order.
type ResolveDependenciesFunc func(filename string, deps []string, hostID, hostType string) ([]string, error)

// Input is the build input: a single path, a list of paths, or named entries. Entries keep the order in
// which they were written; Name is "" when the entry's name comes from its file name.
type Input struct {
	Entries []InputEntry
}

// InputEntry is one build entry.
type InputEntry struct {
	Name string
	Path string
}

// Bool returns a pointer to b, for the *bool options.
func Bool(b bool) *bool { return &b }

// Int returns a pointer to n, for the *int options.
func Int(n int) *int { return &n }

// String returns a pointer to s, for the *string options.
func String(s string) *string { return &s }

// ConfigEnv is what a function-form config and the plugins' Config hooks receive (Vite's ConfigEnv).
type ConfigEnv struct {
	Command    string // "build" or "serve"
	Mode       string
	IsSsrBuild bool
	IsPreview  bool
	// IsSsrTargetWebworker is set for configEnvironment hooks of the ssr environment when ssr.target is
	// "webworker".
	IsSsrTargetWebworker bool
}

// ServerOptions is Vite's `server`.
type ServerOptions struct {
	// Host is the address to listen on: nil means "localhost"; `true` in a config file (or --host with no
	// value) is "0.0.0.0", `false` is "localhost".
	Host       *string `js:"host"`
	Port       int     `js:"port"` // default 5173
	StrictPort bool    `js:"strictPort"`
	// Open is the path to open in a browser on start; "" does not open one (`true` is "/").
	Open string `js:"open"`
	// Origin is the origin of generated asset URLs ("http://localhost:5173"), for pages served by
	// another backend.
	Origin       string            `js:"origin"`
	Cors         *CORSOptions      `js:"cors"`         // nil: localhost origins only
	AllowedHosts *AllowedHosts     `js:"allowedHosts"` // nil: localhost, IP addresses and Origin's host
	Headers      map[string]string `js:"headers"`
	// HTTPS serves over TLS (HTTP/2, with HTTP/1.1 for WebSockets) with these certificates; nil serves
	// plain HTTP (see HTTPSOptions).
	HTTPS *HTTPSOptions `js:"https"`
	// Watch holds the file watcher's options (Vite's chokidar options); `watch: null` turns watching off.
	Watch *WatchOptions `js:"watch"`
	// Proxy rules, in the order they were written (keys of Vite's `server.proxy` object).
	Proxy  []ProxyRule `js:"proxy"`
	HMR    *HMROptions `js:"hmr"` // nil: enabled
	Warmup Warmup      `js:"warmup"`
	FS     FSOptions   `js:"fs"`
	// MiddlewareMode makes the server an http.Handler that does not listen itself.
	MiddlewareMode bool `js:"middlewareMode"`
	// HotFile (a govite option) is a file the dev server writes its URL into while it listens and
	// removes when it stops, like Laravel's "hot" file: a backend (govite's backend package) reads it
	// to know that it runs in development and where the dev server is. Relative to root.
	HotFile string `js:"hotFile"`
}

// CORSOptions is server.cors: `true` (AllowAll), `false` (Disabled) or an object like the `cors`
// package's options.
type CORSOptions struct {
	Disabled bool `js:"-"`
	AllowAll bool `js:"-"`
	// Origin lists allowed origins; OriginRegexps are Go regexps translated from JS RegExps. `origin:
	// true` reflects any origin (AllowAll).
	Origin         []string `js:"origin"`
	OriginRegexps  []string `js:"-"`
	Methods        []string `js:"methods"`
	AllowedHeaders []string `js:"allowedHeaders"`
	ExposedHeaders []string `js:"exposedHeaders"`
	Credentials    bool     `js:"credentials"`
	MaxAge         int      `js:"maxAge"`
}

// AllowedHosts is server.allowedHosts: `true` (All) or a list of host names; an entry starting with "."
// also allows every subdomain.
type AllowedHosts struct {
	All   bool     `js:"-"`
	Hosts []string `js:"-"`
}

// ProxyRule is one entry of server.proxy. Context is the key: a path prefix, or a regular expression
// when it starts with "^".
type ProxyRule struct {
	Context      string            `js:"-"`
	Target       string            `js:"target"`
	ChangeOrigin bool              `js:"changeOrigin"`
	WS           bool              `js:"ws"`
	Secure       *bool             `js:"secure"`
	Headers      map[string]string `js:"headers"`
	// Rewrite changes the request URL (path and query, as received) sent to the target; in a config
	// file it is a JS function, called through the config's engine.
	Rewrite func(path string) string `js:"-"`
	// Bypass is called before a matching request is proxied (Vite's bypass(req, res, options)); see
	// ProxyBypassFunc.
	Bypass ProxyBypassFunc `js:"-"`
	// XFwd adds X-Forwarded-For, -Port, -Proto and -Host to the proxied request.
	XFwd bool `js:"xfwd"`
	// AutoRewrite, HostRewrite and ProtocolRewrite rewrite the Location of the target's redirects
	// (201, 301, 302, 307, 308) that point at the target: to the request's host, to HostRewrite, and
	// to ProtocolRewrite ("http" or "https").
	AutoRewrite     bool   `js:"autoRewrite"`
	HostRewrite     string `js:"hostRewrite"`
	ProtocolRewrite string `js:"protocolRewrite"`
	// CookieDomainRewrite and CookiePathRewrite rewrite the Domain and Path attributes of the
	// target's Set-Cookie headers: old value -> new value, "*" for any value, a new value of ""
	// removes the attribute. A string in a config file is {"*": string}.
	CookieDomainRewrite map[string]string `js:"-"`
	CookiePathRewrite   map[string]string `js:"-"`
	// Timeout (ms) closes the client's connection when the proxied request is idle that long;
	// ProxyTimeout (ms) gives up on a target that has not answered after that long (502).
	Timeout      int `js:"timeout"`
	ProxyTimeout int `js:"proxyTimeout"`
	// HasConfigure records that the rule has a configure(proxy, options) function. govite cannot
	// call it (it needs http-proxy's ProxyServer object); the dev server warns about it.
	HasConfigure bool `js:"-"`

	// rewriteJS is the JS function Rewrite calls, kept so that a config hook sees the function it was
	// given; bypassJS and configureJS likewise.
	rewriteJS   *jsFunction
	bypassJS    *jsFunction
	configureJS *jsFunction
}

// HMROptions is server.hmr; Disabled is `hmr: false`.
type HMROptions struct {
	Disabled   bool   `js:"-"`
	Overlay    *bool  `js:"overlay"` // default true
	Protocol   string `js:"protocol"`
	Host       string `js:"host"`
	Port       int    `js:"port"`
	ClientPort int    `js:"clientPort"`
	Path       string `js:"path"`
	Timeout    int    `js:"timeout"`
}

// Warmup is server.warmup: files transformed ahead of the first request.
type Warmup struct {
	ClientFiles []string `js:"clientFiles"`
	SSRFiles    []string `js:"ssrFiles"`
}

// FSOptions is server.fs.
type FSOptions struct {
	Strict *bool    `js:"strict"` // default true
	Allow  []string `js:"allow"`  // default: the workspace root; a list given replaces it
	Deny   []string `js:"deny"`   // default: DefaultFSDeny; a list given replaces it
}

// OptimizeDeps is Vite's `optimizeDeps` (dependency pre-bundling in dev).
type OptimizeDeps struct {
	Include []string `js:"include"`
	Exclude []string `js:"exclude"`
	// Entries are globs of files to scan for imports instead of the HTML entries.
	Entries []string `js:"entries"`
	Force   bool     `js:"force"`
	// NoDiscovery turns off the import scan; only Include is bundled.
	NoDiscovery bool `js:"noDiscovery"`
	// Disabled is `optimizeDeps.disabled: true` (or 'dev'); 'build' leaves dev pre-bundling on.
	Disabled bool `js:"disabled"`
}
