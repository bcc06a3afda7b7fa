package config

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/govite/govite/internal/logger"
)

// ConfigFileDisabled as ResolveConfigOptions.ConfigFile skips the config file (Vite's
// `configFile: false`, the CLI's `--config false`).
const ConfigFileDisabled = "false"

// ResolveConfigOptions say what the configuration is resolved for.
type ResolveConfigOptions struct {
	// Command is "build" or "serve" ("" means "serve"; preview is "serve" with IsPreview).
	Command string
	// DefaultMode is the mode when neither the inline config nor the config file sets one; "" means
	// "production" for build and preview, "development" for serve.
	DefaultMode string
	// ConfigFile is the config file to load (relative to the working directory); "" looks for
	// vite.config.* in the root; ConfigFileDisabled loads none.
	ConfigFile string
	IsSsrBuild bool
	IsPreview  bool
}

// Resolve resolves the configuration as Vite's resolveConfig does:
//
//  1. the root is inline.Root (relative to the working directory) or the working directory;
//  2. the config file is loaded and inline (CLI flags, Go options) is merged over it (see Merge);
//  3. plugins are flattened, filtered by apply and sorted by enforce (pre, normal, post);
//  4. the mode is inline's, else the config's, else the default;
//  5. the plugins' config hooks run in order, each result merged into the config;
//  6. the environments are completed (client always; ssr in dev, and in build when configured), each
//     merged over the top-level options it inherits, and the configEnvironment hooks run;
//  7. the mode's .env files are read and the defaults applied, the environments' included;
//  8. the plugins' configResolved hooks run.
//
// What an environment inherits (Vite 8's getDefaultEnvironmentOptions): define, resolve except
// conditions and mainFields, dev and build; the client also inherits input, resolve.conditions,
// resolve.mainFields and optimizeDeps, and is the only one to inherit dev.createEnvironment,
// dev.warmup and build.createEnvironment. server.warmup.clientFiles and ssrFiles become the client's
// and ssr's dev.warmup, and the top-level ssr options (external, noExternal, resolve.*, optimizeDeps)
// are merged under environments.ssr's own.
//
// Problems that do not stop the build (ignored options and hooks, ...) are collected in Warnings and
// logged once through the Logger.
func Resolve(ctx context.Context, inline *UserConfig, opts ResolveConfigOptions) (*ResolvedConfig, error) {
	if inline == nil {
		inline = &UserConfig{}
	}
	command := opts.Command
	switch command {
	case "":
		command = "serve"
	case "build", "serve":
	default:
		return nil, fmt.Errorf("unknown command %q: use \"build\" or \"serve\"", command)
	}
	w := &warningList{seen: map[string]bool{}}

	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("resolving the config: cannot read the working directory: %w", err)
	}
	root := cwd
	if inline.Root != "" {
		root = absFrom(cwd, inline.Root)
	}

	mode := opts.DefaultMode
	if mode == "" {
		mode = "development"
		if command == "build" || opts.IsPreview {
			mode = "production"
		}
	}
	if inline.Mode != "" {
		mode = inline.Mode
	}
	env := ConfigEnv{
		Command:    command,
		Mode:       mode,
		IsSsrBuild: command == "build" && (opts.IsSsrBuild || inline.Build.SSR != "" || inline.Build.SSRInput),
		IsPreview:  opts.IsPreview,
	}

	var fileCfg *UserConfig
	var loaded *Loaded
	if opts.ConfigFile != ConfigFileDisabled {
		t0 := time.Now()
		fileCfg, loaded, err = LoadConfigFile(ctx, root, opts.ConfigFile, env)
		if err != nil {
			return nil, err
		}
		if loaded != nil {
			w.add(loaded.Warnings...)
			if inline.Logger != nil {
				logger.Debugger(inline.Logger, "vite:config").Debug(fmt.Sprintf("bundled config file %s loaded in %.2fms",
					loaded.Path, float64(time.Since(t0).Microseconds())/1000))
			}
		}
	}
	drainVM := func() {
		if loaded != nil {
			w.add(loaded.vm.takeWarnings()...)
		}
	}

	cfg := Merge(fileCfg, inline)
	if inline.Mode == "" && cfg.Mode != "" {
		mode = cfg.Mode
	}
	cfg.Mode = mode
	env.Mode = mode

	// Plugins: nil entries dropped, filtered by apply, then pre, normal, post.
	var plugins []*Plugin
	for _, p := range cfg.Plugins {
		if p == nil {
			continue
		}
		if p.ApplyFunc != nil {
			if !p.ApplyFunc(cfg, env) {
				continue
			}
		} else if p.Apply != "" && p.Apply != command {
			continue
		}
		plugins = append(plugins, p)
	}
	plugins = SortPlugins(plugins)

	for _, p := range SortPluginsByHook(plugins, "config") {
		if p.Config == nil {
			continue
		}
		partial, err := p.Config(cfg, env)
		if err != nil {
			return nil, pluginError(p, "config", err)
		}
		if partial != nil {
			partial.Plugins = nil // plugins come from the user config only, as in Vite
			kept := cfg.Plugins
			cfg = Merge(cfg, partial)
			cfg.Plugins = kept
		}
	}
	drainVM()

	// Environments: completed, merged over the top-level defaults, then the configEnvironment hooks.
	ssrBuild := opts.IsSsrBuild || cfg.Build.SSR != "" || cfg.Build.SSRInput
	if cfg.SSR != nil {
		switch cfg.SSR.Target {
		case "", "node", "webworker":
		default:
			return nil, fmt.Errorf("ssr.target: expected 'node' or 'webworker', got %q", cfg.SSR.Target)
		}
	}
	webworker := cfg.SSR != nil && cfg.SSR.Target == "webworker"
	for _, e := range cfg.Environments {
		if err := checkEnvironment(e.Name, &e.Options); err != nil {
			return nil, err
		}
	}
	envs := environmentsFor(cfg, command, command == "build" && ssrBuild)
	if err := runConfigEnvironmentHooks(envs, plugins, env, webworker); err != nil {
		drainVM()
		return nil, err
	}
	drainVM()

	// The root may have been set by the config file or a config hook (relative to the working
	// directory, as in Vite).
	if cfg.Root != "" {
		root = absFrom(cwd, cfg.Root)
	}
	rc := &ResolvedConfig{
		Root:    root,
		Mode:    mode,
		Command: command,
		Plugins: plugins,
	}
	if loaded != nil {
		rc.ConfigFile = loaded.Path
		rc.ConfigFileDependencies = loaded.Dependencies
	}

	// Env files.
	rc.EnvDir = root
	if cfg.EnvDir != "" {
		rc.EnvDir = absFrom(root, cfg.EnvDir)
	}
	rc.EnvPrefix = cfg.EnvPrefix
	if len(rc.EnvPrefix) == 0 {
		rc.EnvPrefix = []string{DefaultEnvPrefix}
	}
	if slices.Contains(rc.EnvPrefix, "") {
		return nil, errors.New(`envPrefix contains '', which would expose every environment variable (secrets included) to client code; remove it or use a prefix such as "VITE_"`)
	}
	fileVars, _, err := readEnvFiles(mode, rc.EnvDir)
	if err != nil {
		return nil, err
	}
	if rc.Env, err = LoadEnv(mode, rc.EnvDir, rc.EnvPrefix); err != nil {
		return nil, err
	}

	// isProduction follows NODE_ENV as in Vite: the process's, else production for build and preview
	// and development for serve; an env file may only ask for development.
	nodeEnv := os.Getenv("NODE_ENV")
	if nodeEnv == "" {
		nodeEnv = "development"
		if command == "build" || opts.IsPreview {
			nodeEnv = "production"
		}
		if fileEnv := fileVars["NODE_ENV"]; fileEnv == "development" {
			nodeEnv = fileEnv
		} else if fileEnv != "" {
			w.add(fmt.Sprintf("NODE_ENV=%s is not supported in the .env file; only NODE_ENV=development is, to create a development build. Set NODE_ENV in the environment instead.", fileEnv))
		}
	}
	rc.IsProduction = nodeEnv == "production"

	rc.Base = resolveBase(cfg.Base, command == "build", w)

	switch {
	case cfg.PublicDir == nil:
		rc.PublicDir = filepath.Join(root, "public")
	case *cfg.PublicDir == "":
	default:
		rc.PublicDir = absFrom(root, *cfg.PublicDir)
	}
	if cfg.CacheDir != "" {
		rc.CacheDir = absFrom(root, cfg.CacheDir)
	} else if pkgDir := findPackageDir(root); pkgDir != "" {
		rc.CacheDir = filepath.Join(pkgDir, "node_modules", ".vite")
	} else {
		rc.CacheDir = filepath.Join(root, ".vite")
	}

	rc.Define = maps.Clone(cfg.Define)
	rc.Resolve = cfg.Resolve
	rc.Resolve.Alias = normalizeAliases(cfg.Resolve.Alias)
	if len(rc.Resolve.Extensions) == 0 {
		rc.Resolve.Extensions = slices.Clone(DefaultExtensions)
	}
	rc.CSS = cfg.CSS
	rc.JSON = cfg.JSON
	if rc.JSON.NamedExports == nil {
		rc.JSON.NamedExports = Bool(true)
	}
	if cfg.Esbuild != nil {
		rc.Esbuild = *cfg.Esbuild
	}
	if !rc.Esbuild.Disabled {
		if rc.Esbuild.JSX == "" {
			// A classic factory only means something to the classic transform.
			if rc.Esbuild.JSXFactory != "" || rc.Esbuild.JSXFragment != "" {
				rc.Esbuild.JSX = "transform"
			} else {
				rc.Esbuild.JSX = "automatic"
			}
		}
		if rc.Esbuild.JSXDev == nil {
			rc.Esbuild.JSXDev = Bool(!rc.IsProduction)
		}
	}
	rc.AssetsInclude = slices.Clone(cfg.AssetsInclude)

	rc.AppType = cfg.AppType
	switch rc.AppType {
	case "":
		rc.AppType = "spa"
	case "spa", "mpa", "custom":
	default:
		return nil, fmt.Errorf("appType: expected 'spa', 'mpa' or 'custom', got %q", rc.AppType)
	}
	rc.LogLevel = cfg.LogLevel
	switch rc.LogLevel {
	case "":
		rc.LogLevel = "info"
	case "info", "warn", "error", "silent":
	default:
		return nil, fmt.Errorf("logLevel: expected 'info', 'warn', 'error' or 'silent', got %q", rc.LogLevel)
	}

	// The top-level options that stand for the client environment (Vite sets resolve.conditions and
	// mainFields from it, and optimizeDeps is the client's).
	var client, legacy *EnvironmentOptions
	for i := range envs {
		switch envs[i].Name {
		case "client":
			client = &envs[i].Options
		case "ssr":
			if command == "build" && ssrBuild {
				legacy = &envs[i].Options
			}
		}
	}
	if legacy == nil {
		legacy = client
	}
	rc.Resolve.Conditions = slices.Clone(client.Resolve.Conditions)
	rc.Resolve.MainFields = slices.Clone(client.Resolve.MainFields)
	legacyInput := legacy.Input
	if legacyInput == nil {
		legacyInput = cfg.Input
	}
	rc.Build = resolveBuild(&legacy.Build, legacyInput, root, ssrBuild || legacy.Build.SSR != "" || legacy.Build.SSRInput, "")
	if legacy != client && legacy.Build.SSREmitAssets != nil && *legacy.Build.SSREmitAssets {
		rc.Build.EmitAssets = true
	}
	rc.Server = resolveServer(&cfg.Server, root, w)
	resolveServerExtras(rc, cfg, cwd)
	rc.OptimizeDeps = resolveOptimizeDeps(client.OptimizeDeps)

	rc.Environments = make(map[string]*ResolvedEnvironmentOptions, len(envs))
	for _, e := range envs {
		re, err := resolveEnvironment(rc, e.Name, &e.Options, webworker && e.Name == "ssr")
		if err != nil {
			return nil, err
		}
		rc.Environments[e.Name] = re
		rc.EnvironmentOrder = append(rc.EnvironmentOrder, e.Name)
	}
	if cfg.Builder != nil {
		b := *cfg.Builder
		rc.Builder = &b
	}

	rc.Logger = cfg.Logger
	if rc.Logger == nil {
		rc.Logger = newLogger(rc.LogLevel)
	}
	if rc.Worker, err = resolveWorker(&cfg.Worker, command, env, cfg); err != nil {
		return nil, err
	}

	for _, p := range rc.Plugins {
		if p.ConfigResolved == nil {
			continue
		}
		if err := p.ConfigResolved(rc); err != nil {
			return nil, pluginError(p, "configResolved", err)
		}
	}
	if err := runWorkerConfigResolved(rc); err != nil {
		return nil, err
	}
	drainVM()

	rc.Warnings = w.list
	for _, msg := range rc.Warnings {
		rc.Logger.Warn(msg)
	}
	return rc, nil
}

// resolveBuild applies the defaults of build.* for an environment of consumer ("client" or "server"),
// or, with consumer "", for the top-level (legacy) build, whose defaults follow ssrBuild.
func resolveBuild(b *BuildOptions, topInput *Input, root string, ssrBuild bool, consumer string) ResolvedBuildOptions {
	or := func(p *bool, def bool) bool {
		if p != nil {
			return *p
		}
		return def
	}
	rb := ResolvedBuildOptions{
		OutDir:                absFrom(root, cmp.Or(b.OutDir, "dist")),
		AssetsDir:             cmp.Or(b.AssetsDir, "assets"),
		AssetsInlineLimit:     4096,
		CSSCodeSplit:          or(b.CSSCodeSplit, true),
		Sourcemap:             b.Sourcemap,
		EmptyOutDir:           b.EmptyOutDir,
		Write:                 or(b.Write, true),
		ReportCompressedSize:  or(b.ReportCompressedSize, true),
		ChunkSizeWarningLimit: 500,
		CopyPublicDir:         or(b.CopyPublicDir, true),
		SSRBuild:              ssrBuild,
	}
	if b.EmptyOutDir != nil {
		rb.EmptyOutDir = Bool(*b.EmptyOutDir)
	}
	if b.AssetsInlineLimit != nil {
		rb.AssetsInlineLimit = *b.AssetsInlineLimit
	}
	if b.ChunkSizeWarningLimit != nil {
		rb.ChunkSizeWarningLimit = *b.ChunkSizeWarningLimit
	}
	// Vite does not minify SSR builds (server environments) unless asked to; it minifies their CSS.
	switch consumer {
	case "":
		rb.Minify = or(b.Minify, !ssrBuild)
		rb.CSSMinify = or(b.CSSMinify, rb.Minify)
		rb.EmitAssets = or(b.EmitAssets, !ssrBuild)
	default:
		rb.Minify = or(b.Minify, consumer != "server")
		rb.CSSMinify = or(b.CSSMinify, consumer == "server" || rb.Minify)
		rb.EmitAssets = or(b.EmitAssets, consumer == "client")
	}
	rb.CreateEnvironment = b.CreateEnvironment

	for _, t := range b.Target {
		if t == "modules" || t == "baseline-widely-available" {
			rb.Target = append(rb.Target, DefaultTarget...)
		} else {
			rb.Target = append(rb.Target, t)
		}
	}
	if len(rb.Target) == 0 {
		rb.Target = slices.Clone(DefaultTarget)
	}

	if b.Manifest.Enabled {
		rb.Manifest = cmp.Or(b.Manifest.Path, ".vite/manifest.json")
	}
	if b.SSRManifest.Enabled {
		rb.SSRManifest = cmp.Or(b.SSRManifest.Path, ".vite/ssr-manifest.json")
	}
	rb.ModulePreload, rb.ModulePreloadPolyfill = true, true
	if mp := b.ModulePreload; mp != nil {
		rb.ModulePreload = !mp.Disabled
		rb.ModulePreloadPolyfill = !mp.Disabled && or(mp.Polyfill, true)
		if !mp.Disabled {
			rb.ResolveDependencies = mp.ResolveDependencies
		}
	}

	input := b.RolldownOptions.Input
	if input == nil || len(input.Entries) == 0 {
		input = b.RollupOptions.Input
	}
	if input == nil || len(input.Entries) == 0 {
		input = topInput
	}
	if input != nil {
		for _, e := range input.Entries {
			rb.Input = append(rb.Input, InputEntry{Name: e.Name, Path: absFrom(root, e.Path)})
		}
	}
	// The output file-name patterns: rolldownOptions wins over rollupOptions, as in Vite 8.
	for _, o := range []OutputOptions{b.RollupOptions.Output, b.RolldownOptions.Output} {
		if o.EntryFileNames != "" {
			rb.EntryFileNames = o.EntryFileNames
		}
		if o.ChunkFileNames != "" {
			rb.ChunkFileNames = o.ChunkFileNames
		}
		if o.AssetFileNames != "" {
			rb.AssetFileNames = o.AssetFileNames
		}
	}
	rb.External = slices.Clone(b.RolldownOptions.External)
	if len(rb.External) == 0 {
		rb.External = slices.Clone(b.RollupOptions.External)
	}
	if b.SSR != "" {
		rb.SSR = absFrom(root, b.SSR)
	}
	return rb
}

var externalURLRE = regexp.MustCompile(`^([a-z][a-z0-9+.-]*:)?//`)

// resolveBase normalises base as Vite does: a path that starts and ends with "/", a full URL kept for
// build (only its path is used in dev), and the relative base "./" (or "") for build, which is "/" in
// dev.
func resolveBase(base string, isBuild bool, w *warningList) string {
	switch {
	case base == "":
		return "/"
	case base == "./":
		if isBuild {
			return "./"
		}
		return "/"
	case strings.HasPrefix(base, "."):
		w.add(fmt.Sprintf(`invalid "base" option %q: it can only be an absolute path, a full URL, "./" or an empty string; "/" is used`, base))
		return "/"
	}
	if externalURLRE.MatchString(base) {
		if isBuild {
			if !strings.HasSuffix(base, "/") {
				base += "/"
			}
			return base
		}
		rest := externalURLRE.ReplaceAllString(base, "")
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			base = rest[i:]
		} else {
			base = "/"
		}
	} else if !strings.HasPrefix(base, "/") {
		w.add(fmt.Sprintf(`"base" option %q should start with a slash`, base))
		base = "/" + base
	}
	if i := strings.IndexAny(base, "?#"); i >= 0 {
		base = base[:i]
	}
	cleaned := path.Clean(base)
	if cleaned != "/" {
		cleaned += "/"
	}
	return cleaned
}

// normalizeAliases drops a trailing "/" shared by find and replacement, so that `'@/': '/src/'`
// matches "@/x" and "@" alike, as Vite does.
func normalizeAliases(aliases []Alias) []Alias {
	if aliases == nil {
		return nil
	}
	out := make([]Alias, len(aliases))
	for i, a := range aliases {
		if a.FindRegexp == "" && len(a.Find) > 1 && strings.HasSuffix(a.Find, "/") && strings.HasSuffix(a.Replacement, "/") && len(a.Replacement) > 1 {
			a.Find = strings.TrimSuffix(a.Find, "/")
			a.Replacement = strings.TrimSuffix(a.Replacement, "/")
		}
		out[i] = a
	}
	return out
}

// SortPlugins orders plugins by enforce: "pre" first, then normal, then "post", keeping the written
// order within each group.
func SortPlugins(plugins []*Plugin) []*Plugin {
	out := make([]*Plugin, 0, len(plugins))
	for _, group := range []string{"pre", "", "post"} {
		for _, p := range plugins {
			if p.Enforce == group || group == "" && p.Enforce != "pre" && p.Enforce != "post" {
				out = append(out, p)
			}
		}
	}
	return out
}

func pluginError(p *Plugin, hook string, err error) error {
	if strings.HasPrefix(err.Error(), fmt.Sprintf("plugin %q", p.Name)) {
		return err
	}
	return fmt.Errorf("plugin %q: %s hook failed: %w", p.Name, hook, err)
}

// findPackageDir returns the nearest directory at or above dir with a package.json, or "".
func findPackageDir(dir string) string {
	for {
		if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func absFrom(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// newLogger is the default logger: text on stderr, at logLevel.
func newLogger(logLevel string) *slog.Logger {
	var level slog.Level
	switch logLevel {
	case "silent":
		return slog.New(slog.DiscardHandler)
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// warningList collects warnings once each, in order.
type warningList struct {
	list []string
	seen map[string]bool
}

func (w *warningList) add(msgs ...string) {
	for _, m := range msgs {
		if !w.seen[m] {
			w.seen[m] = true
			w.list = append(w.list, m)
		}
	}
}
