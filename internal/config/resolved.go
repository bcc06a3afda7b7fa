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

	Build ResolvedBuildOptions

	// Plugins are the user's and the built-in plugins, in hook order: pre, normal, post.
	Plugins []*Plugin

	Logger *slog.Logger
	// Warnings are the problems found while resolving (unsupported options and the like); they have been
	// logged already.
	Warnings []string
}

// ResolvedBuildOptions is build.* with defaults applied.
type ResolvedBuildOptions struct {
	OutDir            string // absolute
	AssetsDir         string
	AssetsInlineLimit int
	CSSCodeSplit      bool
	CSSMinify         bool
	Minify            bool
	Sourcemap         Sourcemap
	Target            []string
	EmptyOutDir       *bool // nil: empty only when OutDir is inside Root
	// Manifest is the manifest path relative to OutDir, "" when not written.
	Manifest string
	// SSRManifest is the ssr-manifest path relative to OutDir, "" when not written.
	SSRManifest           string
	ModulePreload         bool
	ModulePreloadPolyfill bool
	Input                 []InputEntry // absolute paths; empty means Root/index.html
	External              []string
	Write                 bool
	SSR                   string // the SSR entry (absolute), "" when the input is the SSR entry or not an SSR build
	ReportCompressedSize  bool
	ChunkSizeWarningLimit int
	CopyPublicDir         bool
	// SSRBuild is true for an SSR build: build.ssr set (an entry or true) or an SSR build asked for.
	SSRBuild bool
}

// DefaultTarget is Vite's default build.target ("baseline-widely-available" in Vite 8).
var DefaultTarget = []string{"chrome111", "edge111", "firefox114", "safari16.4", "ios16.4"}

// DefaultExtensions is Vite's default resolve.extensions.
var DefaultExtensions = []string{".mjs", ".js", ".mts", ".ts", ".jsx", ".tsx", ".json"}
