// Package govite is Vite rebuilt in Go: the same configuration, the same output, the same concepts
// under the same names. A Go program builds a Vite project with Build, and the govite command does the
// same from the terminal.
//
//	res, err := govite.Build(ctx, govite.InlineConfig{Config: govite.Config{Root: "web"}})
//
// Config is the Go form of a vite.config.* file; a config file in the project root is loaded too, and
// the options given in Go take precedence over it, as Vite's inline config does.
package govite

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/govite/govite/internal/build"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/runner"
	"github.com/govite/govite/internal/server"
)

// Version is govite's version.
const Version = "0.1.0"

// Config is Vite's UserConfig. See the field comments for each option's Vite name.
type Config = config.UserConfig

// ResolvedConfig is Vite's ResolvedConfig: a Config with every default applied.
type ResolvedConfig = config.ResolvedConfig

// The option groups of Config.
type (
	BuildOptions     = config.BuildOptions
	ResolveOptions   = config.ResolveOptions
	CSSOptions       = config.CSSOptions
	JSONOptions      = config.JSONOptions
	EsbuildOptions   = config.EsbuildOptions
	RollupOptions    = config.RollupOptions
	Alias            = config.Alias
	Input            = config.Input
	InputEntry       = config.InputEntry
	FileOption       = config.FileOption
	ModulePreload    = config.ModulePreload
	Sourcemap        = config.Sourcemap
	ConfigEnv        = config.ConfigEnv
	Plugin           = config.Plugin
	PluginContext    = config.PluginContext
	DevServer        = config.DevServer
	ResolveIDOptions = config.ResolveIDOptions
	ResolveIDResult  = config.ResolveIDResult
	LoadResult       = config.LoadResult
	TransformResult  = config.TransformResult
	IndexHTMLContext = config.IndexHTMLContext
	IndexHTMLResult  = config.IndexHTMLResult
	HTMLTag          = config.HTMLTag
	OutputBundle     = config.OutputBundle
	OutputFile       = config.OutputFile
	ServerOptions    = config.ServerOptions
	ProxyRule        = config.ProxyRule
	HMROptions       = config.HMROptions
	FSOptions        = config.FSOptions
	CORSOptions      = config.CORSOptions
	AllowedHosts     = config.AllowedHosts
	OptimizeDeps     = config.OptimizeDeps

	// server.https / preview.https, server.watch and the function options of server.proxy.
	HTTPSOptions      = config.HTTPSOptions
	TLSSource         = config.TLSSource
	BasicSSLOptions   = config.BasicSSLOptions
	PreviewOptions    = config.PreviewOptions
	WatchOptions      = config.WatchOptions
	WatchMatcher      = config.WatchMatcher
	ProxyBypassFunc   = config.ProxyBypassFunc
	ProxyBypassResult = config.ProxyBypassResult

	// The Environment API (Vite's environments option and environment-aware plugin hooks).
	EnvironmentOptions         = config.EnvironmentOptions
	NamedEnvironment           = config.NamedEnvironment
	EnvironmentResolveOptions  = config.EnvironmentResolveOptions
	DevEnvironmentOptions      = config.DevEnvironmentOptions
	ResolvedEnvironmentOptions = config.ResolvedEnvironmentOptions
	SSROptions                 = config.SSROptions
	ModuleList                 = config.ModuleList
	Pattern                    = config.Pattern
	Environment                = config.Environment
	AppBuilder                 = config.AppBuilder
	BuilderOptions             = config.BuilderOptions
	HotUpdateOptions           = config.HotUpdateOptions
)

// PerEnvironmentPlugin is Vite's perEnvironmentPlugin: a plugin that is, in each environment, the
// plugin the function returns for it (nil: none there).
var PerEnvironmentPlugin = config.PerEnvironmentPlugin

// Manifest is the content of .vite/manifest.json.
type (
	Manifest      = build.Manifest
	ManifestChunk = build.ManifestChunk
)

// BuildResult is a finished build: the files (also written to outDir unless build.write is false),
// the manifest, and counts for a summary.
type BuildResult = build.Result

// InlineConfig is Vite's InlineConfig: options given in code, plus which config file to load.
type InlineConfig struct {
	Config
	// ConfigFile is the config file to load. "" looks for vite.config.{js,mjs,ts,cjs,mts,cts} in Root;
	// NoConfigFile disables loading one (Vite's configFile: false).
	ConfigFile   string
	NoConfigFile bool
}

// ResolveConfig loads the config file and resolves the options for command ("build" or "serve").
func ResolveConfig(ctx context.Context, inline InlineConfig, command string) (*ResolvedConfig, error) {
	mode := "production"
	if command == "serve" {
		mode = "development"
	}
	file := inline.ConfigFile
	if inline.NoConfigFile {
		file = config.ConfigFileDisabled
	}
	return config.Resolve(ctx, &inline.Config, config.ResolveConfigOptions{Command: command, DefaultMode: mode, ConfigFile: file})
}

// Build runs a production build (Vite's build()). Nothing in outDir changes unless the build
// succeeds.
func Build(ctx context.Context, inline InlineConfig) (*BuildResult, error) {
	cfg, err := ResolveConfig(ctx, inline, "build")
	if err != nil {
		return nil, err
	}
	return BuildResolved(ctx, cfg)
}

// BuildResolved builds with an already resolved config.
func BuildResolved(ctx context.Context, cfg *ResolvedConfig) (*BuildResult, error) {
	if cfg.Command != "build" {
		return nil, fmt.Errorf("govite.Build: config was resolved for %q, not \"build\"", cfg.Command)
	}
	return build.Build(ctx, cfg)
}

// Server is Vite's ViteDevServer: an http.Handler that serves the project's modules transformed on
// request, with hot module replacement. Call Listen to serve on server.port, or mount it in a Go
// program's own mux (middleware mode).
type Server = server.Server

// DevEnvironment is one environment of the dev server ("client", "ssr", ...).
type DevEnvironment = server.DevEnvironment

// CreateServer creates a dev server (Vite's createServer). With server.middlewareMode set the caller
// mounts it:
//
//	srv, err := govite.CreateServer(ctx, govite.InlineConfig{Config: govite.Config{
//		Server: govite.ServerOptions{MiddlewareMode: true}}})
//	mux.Handle("/", srv)
//
// Otherwise call srv.Listen. Close the server when done.
func CreateServer(ctx context.Context, inline InlineConfig) (*Server, error) {
	cfg, err := ResolveConfig(ctx, inline, "serve")
	if err != nil {
		return nil, err
	}
	return server.New(ctx, cfg, server.Options{Force: inline.OptimizeDeps.Force})
}

// CreateServerWithOptions is CreateServer with the dev server's own options (a restart callback, say).
func CreateServerWithOptions(ctx context.Context, inline InlineConfig, opts ServerRunOptions) (*Server, error) {
	cfg, err := ResolveConfig(ctx, inline, "serve")
	if err != nil {
		return nil, err
	}
	if inline.OptimizeDeps.Force {
		opts.Force = true
	}
	return server.New(ctx, cfg, opts)
}

// ServerRunOptions are the dev server's options that are not config options.
type ServerRunOptions = server.Options

// Runner is a module runner (Vite's ModuleRunner): DevEnvironment.Runner for a server environment of
// the dev server, NewBuiltRunner for a server build.
type Runner = runner.Runner

// Module is a module a Runner evaluated: Go reads its exports and calls its functions.
type Module = runner.Module

// DevEnvironmentContext is what an environment provider's dev.createEnvironment returns: how the
// environment runs its code (its runner, a fetch handler).
type DevEnvironmentContext = server.DevEnvironmentContext

// FetchableEnvironment is an environment provider for code that answers Fetch requests (the Workers
// convention: the default export of entry has fetch(request)). DevEnvironment.DispatchFetch sends it
// requests; the code runs on its own embedded engine.
func FetchableEnvironment(entry string, opts EnvironmentOptions) EnvironmentOptions {
	return server.FetchableEnvironment(entry, opts)
}

// NewBuiltRunner runs a server build (the outDir of build --ssr, or of a server environment of build
// --app) on govite's embedded JS engine, for production server rendering with no dev server and no
// Node. Import takes the output's file names ("entry-server.js"). The build must bundle its
// dependencies (resolve.noExternal: true, or ssr.target "webworker").
func NewBuiltRunner(ctx context.Context, dir string, logger *slog.Logger) (Runner, error) {
	return runner.ImportBuilt(ctx, runner.NewBuiltHost(dir), logger)
}

// Builder builds every environment of an app (Vite's ViteBuilder).
type Builder = build.Builder

// CreateBuilder resolves the config for a build of the whole app (Vite's createBuilder, what `govite
// build --app` runs) and returns its builder; call BuildApp, or Build for single environments.
func CreateBuilder(ctx context.Context, inline InlineConfig) (*Builder, error) {
	if inline.Builder == nil {
		inline.Builder = &config.BuilderOptions{}
	}
	cfg, err := ResolveConfig(ctx, inline, "build")
	if err != nil {
		return nil, err
	}
	return build.CreateBuilder(cfg)
}

// BuildEnvironment is what an environment provider's build.createEnvironment returns: the options one
// environment is built with. DefaultBuildEnvironment gives the ones govite would use, to start from.
type BuildEnvironment = build.Environment

// DefaultBuildEnvironment is the build environment govite makes for the environment name of cfg.
func DefaultBuildEnvironment(cfg *ResolvedConfig, name string) (*BuildEnvironment, error) {
	return build.EnvironmentFromConfig(cfg, name)
}
