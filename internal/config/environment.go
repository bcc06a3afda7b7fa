package config

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// EnvironmentOptions is Vite's EnvironmentOptions: the options of one entry of `environments`. An
// environment inherits the top-level options (see Resolve for which) and these override them, merged
// with Merge's semantics.
type EnvironmentOptions struct {
	// Input is the environment's entries (Vite's `input`); only the client inherits the top-level one.
	Input  *Input         `js:"input"`
	Define map[string]any `js:"define"`
	// Resolve: conditions and mainFields are not inherited from the top level (their defaults depend
	// on the consumer); the rest is.
	Resolve EnvironmentResolveOptions `js:"resolve"`
	// Consumer is "client" or "server"; "" means "client" for the environment named client and
	// "server" for the others.
	Consumer string `js:"consumer"`
	// OptimizeDeps: only the client inherits the top-level optimizeDeps.
	OptimizeDeps OptimizeDeps          `js:"optimizeDeps"`
	Dev          DevEnvironmentOptions `js:"dev"`
	Build        BuildOptions          `js:"build"`
}

// NamedEnvironment is one entry of UserConfig.Environments.
type NamedEnvironment struct {
	Name    string
	Options EnvironmentOptions
}

// EnvironmentResolveOptions is Vite's EnvironmentResolveOptions: resolve.* as an environment may set
// it (alias, preserveSymlinks and tsconfigPaths are top-level only).
type EnvironmentResolveOptions struct {
	Conditions         []string   `js:"conditions"`
	MainFields         []string   `js:"mainFields"`
	ExternalConditions []string   `js:"externalConditions"`
	Extensions         []string   `js:"extensions"`
	Dedupe             []string   `js:"dedupe"`
	External           ModuleList `js:"external"`
	NoExternal         ModuleList `js:"noExternal"`
	Builtins           []Pattern  `js:"builtins"`
}

// DevEnvironmentOptions is Vite's DevEnvironmentOptions (environments.*.dev, and the top-level dev).
type DevEnvironmentOptions struct {
	// Warmup are globs of files transformed ahead of the first request (relative to root).
	Warmup []string `js:"warmup"`
	// PreTransformRequests transforms the static imports of a served module ahead of their request
	// (default: true for client environments).
	PreTransformRequests *bool `js:"preTransformRequests"`
	// ModuleRunnerTransform serves modules in the module runner's form (default: true for server
	// environments).
	ModuleRunnerTransform *bool `js:"moduleRunnerTransform"`
	// Runner (a govite option) says where a server environment's module runner evaluates code:
	// "engine" (the default: an embedded JS engine, in process) or "node" (a Node process).
	Runner string `js:"runner"`
	// CreateEnvironment creates the dev environment instead of govite's default one. Only the client
	// environment inherits the top-level one.
	CreateEnvironment CreateDevEnvironmentFunc `js:"createEnvironment"`
}

// CreateDevEnvironmentFunc is dev.createEnvironment (Vite's). The dev server (internal/server) defines
// the environment types, which this package cannot name: the function returns one of the values the
// server accepts (see the server's documentation), and the server reports any other value as an error
// that names the environment. A createEnvironment written in a config file returns a *JSEnvironment.
type CreateDevEnvironmentFunc func(name string, cfg *ResolvedConfig) (any, error)

// CreateBuildEnvironmentFunc is build.createEnvironment (Vite's), with the same contract towards the
// builder (internal/build) as CreateDevEnvironmentFunc has towards the dev server.
type CreateBuildEnvironmentFunc func(name string, cfg *ResolvedConfig) (any, error)

// JSEnvironment is what a createEnvironment function of a config file returned: a JavaScript object,
// which govite cannot run as an environment itself. Kind is "runnable", "fetchable", "dev" or "build"
// when the object was made by the `vite` module's createRunnableDevEnvironment,
// createFetchableDevEnvironment, `new DevEnvironment` or `new BuildEnvironment`, else "".
type JSEnvironment struct {
	Name string
	Kind string
}

// SSROptions is Vite's top-level `ssr`, which configures the ssr environment (Vite 5's way).
type SSROptions struct {
	External   ModuleList `js:"external"`
	NoExternal ModuleList `js:"noExternal"`
	// Target is "node" (default) or "webworker": the ssr environment then resolves like a browser.
	Target       string            `js:"target"`
	Resolve      SSRResolveOptions `js:"resolve"`
	OptimizeDeps OptimizeDeps      `js:"optimizeDeps"`
}

// SSRResolveOptions is ssr.resolve.
type SSRResolveOptions struct {
	Conditions         []string `js:"conditions"`
	ExternalConditions []string `js:"externalConditions"`
	MainFields         []string `js:"mainFields"`
}

// BuilderOptions is Vite's `builder`: build every environment (Vite's createBuilder().buildApp()).
type BuilderOptions struct {
	SharedConfigBuild bool `js:"sharedConfigBuild"`
	SharedPlugins     bool `js:"sharedPlugins"`
	// BuildApp builds the app; nil builds every environment in order. Environments it leaves all
	// unbuilt are then built in order, as in Vite.
	BuildApp BuildAppFunc `js:"buildApp"`
}

// BuildAppFunc is builder.buildApp and the plugins' buildApp hook.
type BuildAppFunc func(ctx context.Context, b AppBuilder) error

// AppBuilder is Vite's ViteBuilder as builder.buildApp and buildApp hooks see it. internal/build
// implements it. Build may be called concurrently for different environments.
type AppBuilder interface {
	// Environments are the names of the environments, in build order.
	Environments() []string
	// Build builds one environment.
	Build(ctx context.Context, environment string) error
	// IsBuilt reports whether Build finished for the environment.
	IsBuilt(environment string) bool
}

// Pattern is a module name or a regular expression, as resolve.noExternal and resolve.builtins take.
type Pattern struct {
	Name   string // a plain name, when Regexp is ""
	Regexp string // Go regexp syntax (translated from a JS RegExp)
}

// Names makes patterns of plain names.
func Names(names ...string) []Pattern {
	out := make([]Pattern, len(names))
	for i, n := range names {
		out[i] = Pattern{Name: n}
	}
	return out
}

// Match reports whether s is the name, or matches the regular expression.
func (p Pattern) Match(s string) bool {
	if p.Regexp == "" {
		return s == p.Name
	}
	re, err := cachedRegexp(p.Regexp)
	return err == nil && re.MatchString(s)
}

// String renders p as written in a config file.
func (p Pattern) String() string {
	if p.Regexp == "" {
		return p.Name
	}
	src, flags := untranslateRegExp(p.Regexp)
	return (&RegExp{Source: src, Flags: flags}).String()
}

var regexpCache sync.Map // Go source -> *regexp.Regexp

func cachedRegexp(src string) (*regexp.Regexp, error) {
	if re, ok := regexpCache.Load(src); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, err
	}
	regexpCache.Store(src, re)
	return re, nil
}

// ModuleList is resolve.external or resolve.noExternal: `true` (All) or a list of names and patterns.
// The zero value is "not set". Merging a list into `true` (or `true` into a list) gives `true`, as in
// Vite's mergeConfig.
type ModuleList struct {
	All      bool
	Patterns []Pattern
}

// Contains reports whether the list names id: All, a pattern matching it, or a name that is id or a
// path prefix of it ("pkg" contains "pkg/sub"), as Vite's moduleListContains (resolve.external).
func (l ModuleList) Contains(id string) bool {
	if l.All {
		return true
	}
	for _, p := range l.Patterns {
		if p.Match(id) || p.Regexp == "" && strings.HasPrefix(id, strings.TrimSuffix(p.Name, "/")+"/") {
			return true
		}
	}
	return false
}

// MatchesGlob reports whether id matches the list the way Vite's noExternal filter matches
// (createFilter): All, a RegExp that matches, or a name that, read as a glob ("@scope/*"), matches
// the whole id.
func (l ModuleList) MatchesGlob(id string) bool {
	if l.All {
		return true
	}
	for _, p := range l.Patterns {
		if p.Regexp != "" {
			if p.Match(id) {
				return true
			}
			continue
		}
		if re, err := cachedRegexp(GlobToRegexp(p.Name)); err == nil && re.MatchString(id) {
			return true
		}
	}
	return false
}

// HotSender sends an event on an environment's hot channel (Vite's environment.hot.send(event, data)).
type HotSender interface {
	Send(event string, data any)
}

// Environment is what Vite calls `this.environment` in a plugin hook: the environment the hook runs
// for.
type Environment struct {
	Name     string
	Consumer string // "client" or "server"
	Mode     string // "dev" or "build"
	Options  *ResolvedEnvironmentOptions
	Config   *ResolvedConfig
	// Hot is the environment's hot channel; nil in build.
	Hot HotSender
	// TransformRequest transforms a module as a request for url would (Vite's
	// environment.transformRequest): url is a served URL ("/src/App.svelte?svelte&type=style") or an
	// absolute file path. It returns the served code; nil outside a dev server.
	TransformRequest func(ctx context.Context, url string) (code string, err error)
}

// NewEnvironment returns the Environment named name of cfg: its resolved options, its consumer, and
// Mode "dev" for serve or "build". An environment cfg does not know gets no Options and the consumer
// its name implies.
func NewEnvironment(cfg *ResolvedConfig, name string) *Environment {
	env := &Environment{Name: name, Config: cfg, Consumer: defaultConsumer(name), Mode: "dev"}
	if cfg == nil {
		return env
	}
	if cfg.Command == "build" {
		env.Mode = "build"
	}
	if o := cfg.Environments[name]; o != nil {
		env.Options = o
		env.Consumer = o.Consumer
	}
	return env
}

func defaultConsumer(name string) string {
	if name == "client" {
		return "client"
	}
	return "server"
}

// ResolvedEnvironmentOptions are one environment's options with every default applied.
type ResolvedEnvironmentOptions struct {
	Name     string
	Consumer string // "client" or "server"
	Define   map[string]any
	// Resolve has every default applied: alias, preserveSymlinks (top-level only), extensions and
	// dedupe are inherited; conditions, mainFields, externalConditions and builtins default per
	// consumer. Conditions may hold DevProdCondition (see ExpandConditions).
	Resolve      ResolveOptions
	OptimizeDeps OptimizeDeps
	Dev          ResolvedDevEnvironmentOptions
	Build        ResolvedBuildOptions
	// SSRTargetWebworker is set for the ssr environment when ssr.target is "webworker": it resolves like
	// a browser environment and builds for the browser platform.
	SSRTargetWebworker bool
}

// ResolvedDevEnvironmentOptions is dev.* with defaults applied.
type ResolvedDevEnvironmentOptions struct {
	Warmup                []string // as written
	PreTransformRequests  bool
	ModuleRunnerTransform bool
	// Runner is "engine" or "node" for server environments, "" for client ones.
	Runner            string
	CreateEnvironment CreateDevEnvironmentFunc // nil: govite's default environment
}

// Vite's default conditions and main fields (DEFAULT_CLIENT_CONDITIONS, DEFAULT_SERVER_CONDITIONS,
// DEFAULT_EXTERNAL_CONDITIONS, DEFAULT_CLIENT_MAIN_FIELDS, DEFAULT_SERVER_MAIN_FIELDS).
var (
	DefaultClientConditions   = []string{"module", "browser", DevProdCondition}
	DefaultServerConditions   = []string{"module", "node", DevProdCondition}
	DefaultExternalConditions = []string{"node", "module-sync"}
	DefaultClientMainFields   = []string{"browser", "module", "jsnext:main", "jsnext"}
	DefaultServerMainFields   = []string{"module", "jsnext:main", "jsnext"}
)

// DevProdCondition is the condition that stands for "production" or "development" (by
// ResolvedConfig.IsProduction) in resolve.conditions.
const DevProdCondition = "development|production"

// ExpandConditions replaces DevProdCondition with "production" or "development".
func ExpandConditions(conditions []string, isProduction bool) []string {
	out := make([]string, 0, len(conditions))
	for _, c := range conditions {
		if c == DevProdCondition {
			c = "development"
			if isProduction {
				c = "production"
			}
		}
		out = append(out, c)
	}
	return out
}

// NodeBuiltinModules are Node's built-in modules (module.builtinModules without the node:-only ones).
var NodeBuiltinModules = strings.Fields(`_http_agent _http_client _http_common _http_incoming _http_outgoing
	_http_server _stream_duplex _stream_passthrough _stream_readable _stream_transform _stream_wrap
	_stream_writable _tls_common _tls_wrap assert assert/strict async_hooks buffer child_process cluster
	console constants crypto dgram diagnostics_channel dns dns/promises domain events fs fs/promises http
	http2 https inspector inspector/promises module net os path path/posix path/win32 perf_hooks process
	punycode querystring readline readline/promises repl stream stream/consumers stream/promises stream/web
	string_decoder sys timers timers/promises tls trace_events tty url util util/types v8 vm wasi
	worker_threads zlib`)

// NodeLikeBuiltins is the default resolve.builtins of server environments (Vite's nodeLikeBuiltins):
// Node's built-in modules, and every node: and bun: id.
func NodeLikeBuiltins() []Pattern {
	out := Names(NodeBuiltinModules...)
	return append(out, Pattern{Regexp: "^node:"}, Pattern{Regexp: "^bun:"})
}

// Environment returns the options of the environment named name in c.Environments, or nil.
func (c *UserConfig) Environment(name string) *EnvironmentOptions {
	for i := range c.Environments {
		if c.Environments[i].Name == name {
			return &c.Environments[i].Options
		}
	}
	return nil
}

// SetEnvironment replaces (or appends) the environment named name.
func (c *UserConfig) SetEnvironment(name string, opts EnvironmentOptions) {
	if e := c.Environment(name); e != nil {
		*e = opts
		return
	}
	c.Environments = append(c.Environments, NamedEnvironment{Name: name, Options: opts})
}

// MergeEnvironment is Merge for environment options.
func MergeEnvironment(base, override *EnvironmentOptions) *EnvironmentOptions {
	out := &EnvironmentOptions{}
	for _, o := range []*EnvironmentOptions{base, override} {
		if o != nil {
			mergeStruct(reflectValue(out), reflectValue(o), "")
		}
	}
	return out
}

// environmentsFor returns the environments of cfg, in order, as Vite's resolveConfig completes them:
// client and (in dev, or in build when ssr options or an SSR build ask for it) ssr are added in front,
// server.warmup and the top-level ssr options are moved into client and ssr, and every environment is
// merged over the defaults it inherits from the top level. The result shares nothing with cfg.
func environmentsFor(cfg *UserConfig, command string, ssrBuild bool) []NamedEnvironment {
	isBuild := command == "build"
	var envs []NamedEnvironment
	for _, e := range cfg.Environments {
		envs = append(envs, NamedEnvironment{Name: e.Name, Options: *MergeEnvironment(nil, &e.Options)})
	}
	has := func(name string) bool {
		return slices.ContainsFunc(envs, func(e NamedEnvironment) bool { return e.Name == name })
	}
	if !has("ssr") && (!isBuild || cfg.SSR != nil || ssrBuild) {
		envs = append([]NamedEnvironment{{Name: "ssr"}}, envs...)
	}
	if !has("client") {
		envs = append([]NamedEnvironment{{Name: "client"}}, envs...)
	}
	get := func(name string) *EnvironmentOptions {
		for i := range envs {
			if envs[i].Name == name {
				return &envs[i].Options
			}
		}
		return nil
	}
	client, ssr := get("client"), get("ssr")

	// server.warmup replaces the environments' own warmup, as in Vite.
	if w := cfg.Server.Warmup.ClientFiles; w != nil {
		client.Dev.Warmup = slices.Clone(w)
	}
	if w := cfg.Server.Warmup.SSRFiles; w != nil && ssr != nil {
		ssr.Dev.Warmup = slices.Clone(w)
	}
	if ssr != nil && cfg.SSR != nil {
		s := cfg.SSR
		ssr.OptimizeDeps = MergeEnvironment(&EnvironmentOptions{OptimizeDeps: s.OptimizeDeps}, &EnvironmentOptions{OptimizeDeps: ssr.OptimizeDeps}).OptimizeDeps
		legacy := &EnvironmentOptions{Resolve: EnvironmentResolveOptions{
			Conditions: s.Resolve.Conditions, ExternalConditions: s.Resolve.ExternalConditions,
			MainFields: s.Resolve.MainFields, External: s.External, NoExternal: s.NoExternal,
		}}
		ssr.Resolve = MergeEnvironment(legacy, &EnvironmentOptions{Resolve: ssr.Resolve}).Resolve
	}
	// An SSR build of the configured input (build.ssr: true) builds the top-level input.
	if isBuild && ssr != nil && ssr.Input == nil && cfg.Build.SSR == "" && (cfg.Build.SSRInput || ssrBuild) {
		ssr.Input = cfg.Input
	}

	// Defaults (Vite's getDefaultEnvironmentOptions): define, resolve without conditions and
	// mainFields, dev and build; the client also gets input, all of resolve and optimizeDeps. Only the
	// client inherits dev.createEnvironment, dev.warmup and build.createEnvironment.
	base := EnvironmentOptions{
		Define: cfg.Define,
		Resolve: EnvironmentResolveOptions{
			ExternalConditions: cfg.Resolve.ExternalConditions, Extensions: cfg.Resolve.Extensions,
			Dedupe: cfg.Resolve.Dedupe, External: cfg.Resolve.External, NoExternal: cfg.Resolve.NoExternal,
			Builtins: cfg.Resolve.Builtins,
		},
		Dev:   cfg.Dev,
		Build: cfg.Build,
	}
	clientBase := base
	clientBase.Input = cfg.Input
	clientBase.Resolve.Conditions = cfg.Resolve.Conditions
	clientBase.Resolve.MainFields = cfg.Resolve.MainFields
	clientBase.OptimizeDeps = cfg.OptimizeDeps
	otherBase := base
	otherBase.Dev.CreateEnvironment, otherBase.Dev.Warmup = nil, nil
	otherBase.Build.CreateEnvironment = nil
	for i := range envs {
		def := &otherBase
		if envs[i].Name == "client" {
			def = &clientBase
		}
		envs[i].Options = *MergeEnvironment(def, &envs[i].Options)
	}
	return envs
}

// runConfigEnvironmentHooks calls the configEnvironment hooks (in hook order) for every environment in
// order, merging what they return.
func runConfigEnvironmentHooks(envs []NamedEnvironment, plugins []*Plugin, env ConfigEnv, webworker bool) error {
	for _, p := range SortPluginsByHook(plugins, "configEnvironment") {
		if p.ConfigEnvironment == nil {
			continue
		}
		for i := range envs {
			e := env
			e.IsSsrTargetWebworker = webworker && envs[i].Name == "ssr"
			partial, err := p.ConfigEnvironment(envs[i].Name, &envs[i].Options, e)
			if err != nil {
				return pluginError(p, "configEnvironment", fmt.Errorf("environment %q: %w", envs[i].Name, err))
			}
			if partial != nil {
				envs[i].Options = *MergeEnvironment(&envs[i].Options, partial)
			}
		}
	}
	return nil
}

// checkEnvironment reports the options of an environment with a value Vite does not allow.
func checkEnvironment(name string, o *EnvironmentOptions) error {
	at := joinPath("environments", name)
	if name == "" {
		return fmt.Errorf("environments: an environment has an empty name")
	}
	switch o.Consumer {
	case "", "client", "server":
	default:
		return fmt.Errorf("%s.consumer: expected 'client' or 'server', got %q", at, o.Consumer)
	}
	switch o.Dev.Runner {
	case "", "engine", "node":
	default:
		return fmt.Errorf("%s.dev.runner: expected 'engine' or 'node', got %q", at, o.Dev.Runner)
	}
	return nil
}

// resolveEnvironment applies the defaults of one environment (Vite's resolveEnvironmentOptions).
func resolveEnvironment(rc *ResolvedConfig, name string, o *EnvironmentOptions, webworker bool) (*ResolvedEnvironmentOptions, error) {
	if err := checkEnvironment(name, o); err != nil {
		return nil, err
	}
	consumer := o.Consumer
	if consumer == "" {
		consumer = defaultConsumer(name)
	}
	isClient := consumer == "client" || webworker
	re := &ResolvedEnvironmentOptions{Name: name, Consumer: consumer, Define: maps.Clone(o.Define), SSRTargetWebworker: webworker}
	if re.Define == nil {
		re.Define = map[string]any{}
	}

	r := o.Resolve
	res := ResolveOptions{
		Alias:              rc.Resolve.Alias,
		PreserveSymlinks:   rc.Resolve.PreserveSymlinks,
		TsconfigPaths:      rc.Resolve.TsconfigPaths,
		Extensions:         orStrings(r.Extensions, DefaultExtensions),
		Dedupe:             orStrings(r.Dedupe, nil),
		ExternalConditions: orStrings(r.ExternalConditions, DefaultExternalConditions),
		External:           cloneModuleList(r.External),
		NoExternal:         cloneModuleList(r.NoExternal),
	}
	if isClient {
		res.Conditions = orStrings(r.Conditions, DefaultClientConditions)
		res.MainFields = orStrings(r.MainFields, DefaultClientMainFields)
	} else {
		res.Conditions = orStrings(r.Conditions, DefaultServerConditions)
		res.MainFields = orStrings(r.MainFields, DefaultServerMainFields)
	}
	switch {
	case r.Builtins != nil:
		res.Builtins = slices.Clone(r.Builtins)
	case consumer == "server" && !(webworker && r.NoExternal.All):
		res.Builtins = NodeLikeBuiltins()
	default:
		res.Builtins = []Pattern{}
	}
	re.Resolve = res

	re.OptimizeDeps = resolveOptimizeDeps(o.OptimizeDeps)
	if consumer != "client" {
		// Vite's default noDiscovery is true for server consumers (a Go bool cannot say false here).
		re.OptimizeDeps.NoDiscovery = true
	}

	or := func(p *bool, def bool) bool {
		if p != nil {
			return *p
		}
		return def
	}
	re.Dev = ResolvedDevEnvironmentOptions{
		Warmup:                slices.Clone(o.Dev.Warmup),
		PreTransformRequests:  or(o.Dev.PreTransformRequests, consumer == "client"),
		ModuleRunnerTransform: or(o.Dev.ModuleRunnerTransform, consumer == "server"),
		Runner:                o.Dev.Runner,
		CreateEnvironment:     o.Dev.CreateEnvironment,
	}
	if re.Dev.Runner == "" && consumer == "server" {
		re.Dev.Runner = "engine"
	}

	ssrBuild := o.Build.SSR != "" || o.Build.SSRInput || consumer == "server"
	re.Build = resolveBuild(&o.Build, o.Input, rc.Root, ssrBuild, consumer)
	if name == "ssr" && o.Build.SSREmitAssets != nil && *o.Build.SSREmitAssets {
		re.Build.EmitAssets = true
	}
	return re, nil
}

func orStrings(v, def []string) []string {
	if v != nil {
		return slices.Clone(v)
	}
	if def == nil {
		return []string{}
	}
	return slices.Clone(def)
}

func cloneModuleList(l ModuleList) ModuleList {
	if l.All {
		return ModuleList{All: true}
	}
	p := slices.Clone(l.Patterns)
	if p == nil {
		p = []Pattern{}
	}
	return ModuleList{Patterns: p}
}

// ---- plugins and environments ----

// PluginsForEnvironment returns the plugins of one environment (Vite's resolveEnvironmentPlugins):
// each plugin's ApplyToEnvironment decides whether it is used, or replaces it with the plugins it
// returns, which take its place in the order. plugins must already be sorted (see SortPlugins).
// Replacement plugins' Config, ConfigEnvironment and ConfigResolved hooks are not called (Vite
// warns about them, and so does govite, through env.Config's logger).
func PluginsForEnvironment(plugins []*Plugin, env *Environment) []*Plugin {
	out := make([]*Plugin, 0, len(plugins))
	for _, p := range plugins {
		if p == nil {
			continue
		}
		if p.ApplyToEnvironment == nil {
			out = append(out, p)
			continue
		}
		apply, replace := p.ApplyToEnvironment(env)
		if replace == nil {
			if apply {
				out = append(out, p)
			}
			continue
		}
		for _, r := range replace {
			if r == nil {
				continue
			}
			var ignored []string
			if r.Config != nil {
				ignored = append(ignored, "config")
			}
			if r.ConfigEnvironment != nil {
				ignored = append(ignored, "configEnvironment")
			}
			if r.ConfigResolved != nil {
				ignored = append(ignored, "configResolved")
			}
			if len(ignored) > 0 && env != nil && env.Config != nil && env.Config.Logger != nil {
				env.Config.Logger.Warn(fmt.Sprintf("Plugin %q defines Vite-specific hooks (%s) in a plugin returned from applyToEnvironment. These hooks will be ignored.", r.Name, strings.Join(ignored, ", ")))
			}
			out = append(out, r)
		}
	}
	return out
}

// PerEnvironmentPlugin is Vite's perEnvironmentPlugin: a plugin named name that is, in each
// environment, the plugin fn returns for it (nil: no plugin in that environment).
func PerEnvironmentPlugin(name string, fn func(env *Environment) *Plugin) *Plugin {
	return &Plugin{
		Name: name,
		ApplyToEnvironment: func(env *Environment) (bool, []*Plugin) {
			p := fn(env)
			if p == nil {
				return false, nil
			}
			return true, []*Plugin{p}
		},
	}
}

// SortPluginsByHook orders plugins for one hook as Vite's getSortedPluginsByHook does: those whose
// hook asked for order "pre" first, then the rest, then "post"; within each group the order stays.
func SortPluginsByHook(plugins []*Plugin, hook string) []*Plugin {
	rank := func(p *Plugin) int {
		switch p.HookOrder[hook] {
		case "pre":
			return 0
		case "post":
			return 2
		}
		return 1
	}
	out := slices.Clone(plugins)
	slices.SortStableFunc(out, func(a, b *Plugin) int { return rank(a) - rank(b) })
	return out
}

// RunBuildApp builds the app as Vite's ViteBuilder.buildApp does: the plugins' buildApp hooks run in
// hook order, rc.Builder.BuildApp runs before the first hook with order "post" (after the "pre" and
// unordered ones), and if after all of them no environment was built, every environment is built in
// order. internal/build calls it with its AppBuilder.
func RunBuildApp(ctx context.Context, rc *ResolvedConfig, b AppBuilder) error {
	if rc != nil {
		b = &configuredBuilder{AppBuilder: b, rc: rc}
	}
	var configured BuildAppFunc
	var plugins []*Plugin
	if rc != nil {
		if rc.Builder != nil {
			configured = rc.Builder.BuildApp
		}
		plugins = rc.Plugins
	}
	called := false
	runConfigured := func() error {
		called = true
		if configured == nil {
			return nil
		}
		if err := configured(ctx, b); err != nil {
			return fmt.Errorf("builder.buildApp: %w", err)
		}
		return nil
	}
	for _, p := range SortPluginsByHook(plugins, "buildApp") {
		if p.BuildApp == nil {
			continue
		}
		if !called && p.HookOrder["buildApp"] == "post" {
			if err := runConfigured(); err != nil {
				return err
			}
		}
		if err := p.BuildApp(ctx, b); err != nil {
			return pluginError(p, "buildApp", err)
		}
	}
	if !called {
		if err := runConfigured(); err != nil {
			return err
		}
	}
	envs := b.Environments()
	if slices.ContainsFunc(envs, b.IsBuilt) {
		return nil
	}
	for _, name := range envs {
		if err := b.Build(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// configuredBuilder is an AppBuilder that also knows its resolved config (JS buildApp functions show
// it as builder.config).
type configuredBuilder struct {
	AppBuilder
	rc *ResolvedConfig
}

func (b *configuredBuilder) Config() *ResolvedConfig { return b.rc }

// HotUpdateOptions are the arguments of a hotUpdate hook (Vite's HotUpdateOptions).
type HotUpdateOptions struct {
	Type      string // "create", "update" or "delete"
	File      string // absolute path
	Timestamp int64  // milliseconds
	// Modules are the ids of the modules of this environment the change affects, and ModuleURLs
	// their served URLs, in the same order (empty where a module has none).
	Modules    []string
	ModuleURLs []string
	// Read returns the file's new contents.
	Read func() (string, error)
	// Server is the dev server whose watcher saw the change (Vite's options.server).
	Server DevServer
}
