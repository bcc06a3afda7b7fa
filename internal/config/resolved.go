package config

import "log/slog"

// ResolvedConfig is a UserConfig with every default applied, paths made absolute, the mode's .env files
// read and the plugins sorted (Vite's ResolvedConfig). It is read-only once resolved.
type ResolvedConfig struct {
	Root         string // absolute
	Base         string // always ends with "/"; "./" or "" (relative base) is kept as "./"
	Mode         string
	Command      string // "build" or "serve"
	IsProduction bool
	ConfigFile   string // absolute path of the loaded config file, "" if none
	// ConfigFileDependencies are the files the config file was bundled from (for restarts on change).
	ConfigFileDependencies []string

	PublicDir string // absolute, "" when disabled
	CacheDir  string // absolute
	EnvDir    string // absolute
	EnvPrefix []string
	// Env is import.meta.env without the built-in keys: the .env variables with an allowed prefix.
	Env map[string]string

	Define        map[string]any
	Resolve       ResolveOptions
	CSS           CSSOptions
	JSON          JSONOptions
	Esbuild       EsbuildOptions
	AssetsInclude []string
	AppType       string
	LogLevel      string

	// Build is the client environment's build options (the ssr environment's in an SSR build), as
	// Vite's legacy build uses them. Define, Resolve and the rest above are the top-level options, as
	// written with defaults applied; Resolve.Conditions and MainFields are the client environment's as
	// written (without the per-consumer defaults, which Environments has).
	Build        ResolvedBuildOptions
	Server       ResolvedServerOptions
	Preview      ResolvedPreviewOptions
	OptimizeDeps OptimizeDeps // the client environment's
	// Worker is worker.*: how the build bundles web workers.
	Worker ResolvedWorkerOptions

	// Environments are the resolved options of every environment, by name; EnvironmentOrder lists
	// their names in order (the build order). client always exists; ssr exists in dev, and in build when
	// configured (environments.ssr, the top-level ssr options, build.ssr or an SSR build).
	Environments     map[string]*ResolvedEnvironmentOptions
	EnvironmentOrder []string
	// Builder is the `builder` option (nil when not set): non-nil asks for building the whole app
	// (every environment, see RunBuildApp) instead of the client (or, for an SSR build, ssr) alone.
	Builder *BuilderOptions

	// Plugins are the user's and the built-in plugins, in hook order: pre, normal, post.
	Plugins []*Plugin

	Logger *slog.Logger
	// Warnings are the problems found while resolving (unsupported options and the like); they have been
	// logged already.
	Warnings []string
}

// ResolvedBuildOptions is build.* with defaults applied.
type ResolvedBuildOptions struct {
	OutDir    string // absolute
	AssetsDir string
	// EntryFileNames, ChunkFileNames and AssetFileNames are build.rollupOptions.output's file-name
	// patterns, "" when not set ([assetsDir]/[name]-[hash][extname], as in Vite).
	EntryFileNames, ChunkFileNames, AssetFileNames string
	AssetsInlineLimit                              int
	CSSCodeSplit                                   bool
	CSSMinify                                      bool
	Minify                                         bool
	Sourcemap                                      Sourcemap
	Target                                         []string
	EmptyOutDir                                    *bool // nil: empty only when OutDir is inside Root
	// Manifest is the manifest path relative to OutDir, "" when not written.
	Manifest string
	// SSRManifest is the ssr-manifest path relative to OutDir, "" when not written.
	SSRManifest           string
	ModulePreload         bool
	ModulePreloadPolyfill bool
	// ResolveDependencies is build.modulePreload.resolveDependencies (nil when not set, or when
	// modulePreload is off).
	ResolveDependencies   ResolveDependenciesFunc
	Input                 []InputEntry // absolute paths; empty means Root/index.html
	External              []string
	Write                 bool
	SSR                   string // the SSR entry (absolute), "" when the input is the SSR entry or not an SSR build
	ReportCompressedSize  bool
	ChunkSizeWarningLimit int
	CopyPublicDir         bool
	// SSRBuild is true for an SSR build: build.ssr set (an entry or true) or an SSR build asked for;
	// for an environment, also the default of server consumers.
	SSRBuild bool
	// EmitAssets writes the build's assets (default: client consumers, or not an SSR build).
	EmitAssets bool
	// CreateEnvironment is build.createEnvironment, nil for govite's default.
	CreateEnvironment CreateBuildEnvironmentFunc
}

// DefaultTarget is Vite's default build.target ("baseline-widely-available" in Vite 8).
var DefaultTarget = []string{"chrome111", "edge111", "firefox114", "safari16.4", "ios16.4"}

// DefaultExtensions is Vite's default resolve.extensions.
var DefaultExtensions = []string{".mjs", ".js", ".mts", ".ts", ".jsx", ".tsx", ".json"}

// ResolvedServerOptions is server.* with defaults applied.
type ResolvedServerOptions struct {
	Host       string // "localhost" by default; "0.0.0.0" for all addresses
	Port       int    // 5173 by default
	StrictPort bool
	Open       string
	Origin     string // without a trailing "/"
	// Cors is Disabled, AllowAll, or lists allowed origins: DefaultAllowedOrigins (in OriginRegexps)
	// unless the config names origins.
	Cors CORSOptions
	// AllowedHosts as written; the localhost names and IP addresses are always allowed.
	AllowedHosts   AllowedHosts
	Headers        map[string]string
	Proxy          []ProxyRule
	HMR            HMROptions // Overlay is never nil
	Warmup         Warmup
	FSStrict       bool
	FSAllow        []string // absolute paths: server.fs.allow, else the workspace root
	FSDeny         []string // glob patterns
	MiddlewareMode bool
	HotFile        string // absolute, "" when not written
	// HTTPS is nil for plain HTTP; otherwise the TLS options: server.https, with the certificate of
	// @vitejs/plugin-basic-ssl (BasicSSL) when that plugin is used.
	HTTPS *HTTPSOptions
	// Watch holds the watcher's options; Disabled is `server.watch: null`.
	Watch WatchOptions
}

// DefaultFSDeny is server.fs.deny's default (Vite 8's). A pattern without "/" matches a file name in any
// directory; matching ignores case and includes dot files.
var DefaultFSDeny = []string{".env", ".env.*", "*.{crt,pem,key,p12,pfx,cer,der}", ".npmrc", ".yarnrc.yml", "**/.git/**"}

// DefaultAllowedOrigins is Vite's default server.cors origin (defaultAllowedOrigins): http(s) origins on
// localhost, its subdomains, 127.0.0.1 and [::1], any port. It is a Go regexp (the JS one needs no
// translation).
const DefaultAllowedOrigins = `^https?://(?:(?:[^:]+\.)?localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$`

// DefaultServerPort is server.port's default.
const DefaultServerPort = 5173
