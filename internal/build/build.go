// Package build is govite's production build for one environment: it bundles the entries with
// esbuild (running govite's plugin pipeline inside esbuild's resolve and load callbacks), then turns
// esbuild's output into what Vite writes: chunks named after their modules, CSS split per chunk, a
// preload helper for dynamic imports, rewritten HTML entries and .vite/manifest.json.
package build

import (
	"context"
	"errors"
	"fmt"
	"github.com/govite/govite/internal/css"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/fsresolve"
	"github.com/govite/govite/internal/logger"
	"github.com/govite/govite/internal/plugin"
)

// Result is a finished build.
type Result struct {
	Bundle   *config.OutputBundle
	Manifest Manifest
	Modules  int
	Duration time.Duration
	// Environment is the name of the environment built ("client", "ssr", ...).
	Environment string
}

type entryKind int

const (
	entryJS entryKind = iota
	entryCSS
	entryHTML
)

// entry is one build input.
type entry struct {
	Name string // chunk name
	Path string // absolute
	Kind entryKind
	Key  string // path relative to root with "/" separators: the manifest key
	// esbuild's input path for this entry ("\x00html:/abs/index.html" for HTML).
	inputPath string
	html      *htmlDoc
}

type builder struct {
	// cfg is the config with the environment's build, define, resolve and plugin options in place of
	// the top-level ones, so the rest of the builder reads one struct.
	cfg       *config.ResolvedConfig
	env       *Environment
	server    bool   // env is a server environment (consumer "server")
	jsExt     string // extension of JS output files: "js", or "mjs" for server builds of CommonJS projects
	externals *externalizer
	container *plugin.Container
	log       *slog.Logger
	debug     *slog.Logger // vite:build
	engines   []api.Engine
	target    []string

	hasResolveHooks, hasTransformHooks bool
	aliasRegexps                       []*regexp.Regexp
	aliases                            *config.AliasMatcher

	assets *assetStore

	// plainDefines go to esbuild; objectDefines (object and array values, import.meta.env first) are
	// inlined into the modules that use them (see inlineObjectDefines).
	plainDefines, objectDefines map[string]string

	// cssProc runs the project's pre-processors and PostCSS (a Node worker started by the first
	// stylesheet that needs it, stopped by close).
	cssProc   *css.Processor
	cssMu     sync.Mutex
	css       map[string]*cssModule
	cssByID   map[string]string // marker id to absolute path
	execOrder map[string]int    // metafile input key to its place in execution order

	entries       []*entry
	htmlByEntryID map[string]*entry

	moduleCount atomic.Int64 // modules loaded, for the summary

	// worker holds the bundled web workers and the files modules refer to by URL (see worker.go).
	worker *workerContext

	styleCSS      string              // the single CSS file when cssCodeSplit is off
	cssEntryFiles []cssEntryFile      // CSS inputs and their files
	htmlAssets    map[string][]string // HTML entry path to the assets its tags reference
}

// BuildError is a failed build: the messages esbuild or a plugin reported, formatted with file, line,
// column and a code frame.
type BuildError struct {
	Messages []api.Message
	Text     string
}

func (e *BuildError) Error() string { return e.Text }

// Build runs a production build of the environment cfg describes, as Vite's build() does: the ssr
// environment when cfg is an SSR build (build.ssr set), else the client environment. Nothing is
// written to outDir unless the whole build succeeded.
func Build(ctx context.Context, cfg *config.ResolvedConfig) (*Result, error) {
	if cfg.Build.SSRBuild {
		return BuildEnvironment(ctx, cfg, SSREnvironment(cfg))
	}
	return BuildEnvironment(ctx, cfg, ClientEnvironment(cfg))
}

func newBuilder(topCfg *config.ResolvedConfig, env *Environment) (*builder, error) {
	log := topCfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	cfg := new(config.ResolvedConfig)
	*cfg = *topCfg
	cfg.Build = env.Build
	cfg.Define = env.Define
	cfg.Plugins = env.Plugins
	cfg.Resolve.Conditions = env.Resolve.Conditions
	cfg.Resolve.MainFields = env.Resolve.MainFields
	cfg.Resolve.Dedupe = env.Resolve.Dedupe
	b := &builder{
		cfg:           cfg,
		env:           env,
		server:        env.isServer(),
		jsExt:         "js",
		container:     plugin.NewForEnvironment(&config.Environment{Name: env.Name, Consumer: env.Consumer, Mode: "build", Options: cfg.Environments[env.Name], Config: cfg}, cfg.Plugins),
		log:           log,
		debug:         logger.Debugger(log, "vite:build"),
		assets:        newAssetStore(cfg.Build.AssetFileNames),
		css:           map[string]*cssModule{},
		cssProc:       css.NewProcessor(cfg, css.ProcessorOptions{}),
		cssByID:       map[string]string{},
		htmlByEntryID: map[string]*entry{},
		htmlAssets:    map[string][]string{},
		worker:        newWorkerContext(),
	}
	for _, p := range cfg.Plugins {
		b.hasResolveHooks = b.hasResolveHooks || p.ResolveID != nil
		b.hasTransformHooks = b.hasTransformHooks || p.Transform != nil
	}
	for _, a := range cfg.Resolve.Alias {
		var re *regexp.Regexp
		if a.FindRegexp != "" {
			var err error
			if re, err = regexp.Compile(a.FindRegexp); err != nil {
				return nil, fmt.Errorf("resolve.alias: find %q is not a valid regular expression: %w", a.FindRegexp, err)
			}
		}
		b.aliasRegexps = append(b.aliasRegexps, re)
	}
	b.aliases = config.NewAliasMatcher(cfg.Resolve.Alias)
	target := cfg.Build.Target
	if len(target) == 0 {
		target = config.DefaultTarget
	}
	engines, err := config.ParseTarget("build.target", target)
	if err != nil {
		return nil, err
	}
	b.engines, b.target = engines, target
	b.plainDefines, b.objectDefines = splitDefines(b.defines())
	if b.server && !env.Webworker {
		b.jsExt = serverJSExt(cfg.Root)
	}
	if b.server {
		b.externals = newExternalizer(b)
	}
	return b, nil
}

// close releases what the build held (the resolver used to decide externals).
func (b *builder) close() {
	if b.externals != nil {
		b.externals.close()
	}
	b.cssProc.Close()
}

func (b *builder) warnf(format string, args ...any) {
	b.log.Warn(fmt.Sprintf(format, args...))
}

// collectEntries reads build inputs (index.html by default) and parses HTML entries.
func (b *builder) collectEntries() error {
	inputs := b.cfg.Build.Input
	if b.server && b.cfg.Build.SSR != "" {
		inputs = []config.InputEntry{{Path: b.cfg.Build.SSR}}
	}
	if len(inputs) == 0 && b.server {
		return errors.New("rollupOptions.input should not be an html file when building for SSR. Please specify a dedicated SSR entry (build.ssr, or `govite build --ssr src/entry-server.js`)")
	}
	if len(inputs) == 0 {
		idx := filepath.Join(b.cfg.Root, "index.html")
		if !css.FileExists(idx) {
			return fmt.Errorf("could not resolve entry module %q: there is no index.html in %s; add one or set build.rollupOptions.input", "index.html", b.cfg.Root)
		}
		inputs = []config.InputEntry{{Path: idx}}
	}
	seen := map[string]bool{}
	for _, in := range inputs {
		abs := in.Path
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(b.cfg.Root, abs)
		}
		if !css.FileExists(abs) {
			// Like Vite, an entry may leave out its extension ("src/entry-server").
			if found, ok := fsresolve.File(abs, b.cfg.Root, b.extensions()); ok {
				abs = found
			} else {
				what := "build input"
				if b.server && b.cfg.Build.SSR != "" {
					what = "build.ssr"
				}
				return fmt.Errorf("could not resolve entry module %q (%s): %s does not exist", b.relKey(abs), what, abs)
			}
		}
		rel := b.relKey(abs)
		name := in.Name
		if name == "" {
			name = strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))
		}
		if seen[name] && in.Name == "" {
			// two unnamed inputs with the same file name: keep them apart like Rollup does
			name = strings.TrimSuffix(rel, filepath.Ext(rel))
		}
		seen[name] = true
		e := &entry{Name: name, Path: abs, Key: rel, inputPath: abs}
		switch {
		case strings.HasSuffix(abs, ".html") && b.server:
			return fmt.Errorf("rollupOptions.input should not be an html file when building for SSR (%s). Please specify a dedicated SSR entry", b.relKey(abs))
		case strings.HasSuffix(abs, ".html"):
			e.Kind = entryHTML
			e.inputPath = htmlEntryPrefix + abs
			doc, err := parseHTMLEntry(b, abs)
			if err != nil {
				return err
			}
			e.html = doc
			b.htmlByEntryID[e.inputPath] = e
		case css.IsCSS(abs):
			e.Kind = entryCSS
		}
		b.entries = append(b.entries, e)
	}
	return nil
}

// relKey is the manifest key form of an absolute path: relative to root with "/" separators.
func (b *builder) relKey(abs string) string {
	rel, err := filepath.Rel(b.cfg.Root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

func (b *builder) esbuildOptions() api.BuildOptions {
	cfg := b.cfg
	var eps []api.EntryPoint
	for i, e := range b.entries {
		if e.Kind == entryCSS {
			continue
		}
		eps = append(eps, api.EntryPoint{InputPath: e.inputPath, OutputPath: fmt.Sprintf("e%d", i)})
	}
	opts := api.BuildOptions{
		EntryPointsAdvanced: eps,
		AbsWorkingDir:       cfg.Root,
		Bundle:              true,
		Splitting:           !b.env.Webworker || len(eps) > 1, // Vite: one file for a webworker's single entry
		Format:              api.FormatESModule,
		Platform:            b.platform(),
		Write:               false,
		Metafile:            true,
		Outdir:              filepath.Join(cfg.Build.OutDir, filepath.FromSlash(cfg.Build.AssetsDir)),
		EntryNames:          "[name]-[hash]",
		ChunkNames:          "chunk-[hash]",
		AssetNames:          "[name]-[hash]",
		Engines:             b.engines,
		Target:              config.ESTarget(b.target),
		MinifyWhitespace:    cfg.Build.Minify,
		MinifyIdentifiers:   cfg.Build.Minify,
		MinifySyntax:        cfg.Build.Minify,
		Define:              b.plainDefines,
		JSX:                 b.jsxMode(),
		JSXImportSource:     cfg.Esbuild.JSXImportSource,
		JSXFactory:          cfg.Esbuild.JSXFactory,
		JSXFragment:         cfg.Esbuild.JSXFragment,
		Conditions:          b.conditions(),
		MainFields:          b.mainFields(),
		ResolveExtensions:   b.extensions(),
		External:            cfg.Build.External,
		Plugins:             []api.Plugin{b.esbuildPlugin()},
		LogLevel:            api.LogLevelSilent,
		Charset:             api.CharsetUTF8,
		KeepNames:           cfg.Esbuild.KeepNames,
		Pure:                cfg.Esbuild.Pure,
		PreserveSymlinks:    cfg.Resolve.PreserveSymlinks,
	}
	for _, d := range cfg.Esbuild.Drop {
		switch d {
		case "console":
			opts.Drop |= api.DropConsole
		case "debugger":
			opts.Drop |= api.DropDebugger
		}
	}
	switch cfg.Build.Sourcemap {
	case config.SourcemapExternal:
		opts.Sourcemap = api.SourceMapLinked
	case config.SourcemapInline:
		opts.Sourcemap = api.SourceMapInline
	case config.SourcemapHidden:
		opts.Sourcemap = api.SourceMapExternal
	}
	return opts
}

func (b *builder) platform() api.Platform {
	if b.server && !b.env.Webworker {
		return api.PlatformNode
	}
	return api.PlatformBrowser
}

func (b *builder) conditions() []string { return b.expandConditions(b.env.Resolve.Conditions) }

// expandConditions replaces Vite's "development|production" condition with the mode's one.
func (b *builder) expandConditions(conds []string) []string {
	var out []string
	for _, c := range config.ExpandConditions(conds, b.cfg.IsProduction) {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// mainFields are the environment's main fields and then "main", which Vite always tries last.
func (b *builder) mainFields() []string {
	f := slices.Clone(b.env.Resolve.MainFields)
	if !slices.Contains(f, "main") {
		f = append(f, "main")
	}
	return f
}

func (b *builder) extensions() []string {
	if len(b.cfg.Resolve.Extensions) > 0 {
		return b.cfg.Resolve.Extensions
	}
	return config.DefaultExtensions
}

// bundle runs esbuild and turns its output into the final bundle.
func (b *builder) bundle(ctx context.Context) (*config.OutputBundle, Manifest, error) {
	var res api.BuildResult
	if opts := b.esbuildOptions(); len(opts.EntryPointsAdvanced) > 0 {
		t0 := time.Now()
		res = api.Build(opts)
		b.debug.Debug("bundled", "modules", b.moduleCount.Load(), "duration", time.Since(t0))
		if len(res.Errors) > 0 {
			return nil, nil, formatErrors(res.Errors)
		}
		for _, w := range res.Warnings {
			b.log.Warn(strings.TrimSpace(formatMessage(w, api.WarningMessage)))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	t0 := time.Now()
	bundle, manifest, err := b.generate(res)
	b.debug.Debug("generated chunks, CSS and manifest", "duration", time.Since(t0))
	return bundle, manifest, err
}

func formatMessage(m api.Message, kind api.MessageKind) string {
	return strings.Join(api.FormatMessages([]api.Message{m}, api.FormatMessagesOptions{Kind: kind}), "")
}

// formatErrors renders esbuild's errors the way esbuild prints them: file:line:column, the message and
// a code frame.
func formatErrors(msgs []api.Message) error {
	text := strings.Join(api.FormatMessages(msgs, api.FormatMessagesOptions{Kind: api.ErrorMessage}), "")
	// esbuild counts columns from 0; Vite, editors and terminals count from 1.
	for _, m := range msgs {
		if l := m.Location; l != nil {
			from := fmt.Sprintf("%s:%d:%d:", l.File, l.Line, l.Column)
			text = strings.Replace(text, from, fmt.Sprintf("%s:%d:%d:", l.File, l.Line, l.Column+1), 1)
		}
	}
	return &BuildError{Messages: msgs, Text: strings.TrimRight(text, "\n")}
}

// esbuildError turns errors from a nested esbuild call (CSS compilation) into a BuildError.
func esbuildError(msgs []api.Message, file, code string) error {
	for i := range msgs {
		if msgs[i].Location != nil && (msgs[i].Location.File == "<stdin>" || msgs[i].Location.File == "") {
			msgs[i].Location.File = file
		}
	}
	return formatErrors(msgs)
}

// IsBuildError reports whether err is a formatted build error.
func IsBuildError(err error) bool {
	var be *BuildError
	return errors.As(err, &be)
}
