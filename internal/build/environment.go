package build

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/govite/govite/internal/config"
)

// Environment is what one build needs to know about the environment it builds (Vite's per-environment
// options): its name and consumer, its build options, defines, resolve options and plugins. The
// top-level options that are not per environment (root, base, mode, css, esbuild, aliases, ...) come
// from the ResolvedConfig given next to it. EnvironmentFromConfig makes one from
// ResolvedConfig.Environments; ClientEnvironment and SSREnvironment make the two a single-environment
// build (`govite build`, `govite build --ssr`) uses.
type Environment struct {
	Name     string // "client", "ssr", "edge", ...
	Consumer string // "client" or "server"
	// Build is the environment's build options. Build.EmitAssets says whether assets and CSS files
	// are written: a server build (build.ssrEmitAssets false, the default) still gives imported
	// assets the URLs the client build gives them and names its CSS in the manifest, but writes
	// neither.
	Build   config.ResolvedBuildOptions
	Define  map[string]any
	Resolve EnvironmentResolve
	// Plugins are the environment's plugins, sorted (the plugin container applies their
	// applyToEnvironment).
	Plugins []*config.Plugin
	// KeepProcessEnv leaves process.env (process.env.NODE_ENV included) to the runtime instead of
	// replacing it (Vite's keepProcessEnv); nil means the default: kept by server environments.
	KeepProcessEnv *bool
	// Webworker is the ssr environment of `ssr.target: "webworker"`: a server environment built for
	// a runtime without Node's APIs (browser platform, .js files, one file for one entry, process.env
	// replaced).
	Webworker bool
}

// EnvironmentResolve is an environment's resolve options. For Conditions, MainFields,
// ExternalConditions and Builtins the zero value means the consumer's default (config's
// DefaultClientConditions, DefaultServerConditions, ...); External and NoExternal only apply to
// server environments.
type EnvironmentResolve struct {
	// Conditions are the package.json "exports" conditions; config.DevProdCondition stands for the
	// mode's one, as in Vite.
	Conditions []string
	// MainFields are the package.json fields tried, in order, when a package has no "exports"; "main"
	// is always tried last.
	MainFields []string
	// ExternalConditions are the conditions used to decide whether a dependency can be externalized
	// (Vite's resolve.externalConditions).
	ExternalConditions []string
	// External lists dependencies imported by their bare name instead of bundled even when they are
	// not in node_modules (resolve.external, ssr.external); All externalizes every dependency that
	// resolves to a JavaScript file.
	External DepMatcher
	// NoExternal lists dependencies that are bundled (resolve.noExternal, ssr.noExternal); All bundles
	// every dependency, only builtins stay external.
	NoExternal DepMatcher
	// Dedupe lists packages always resolved from the project root, so the bundle holds one copy.
	Dedupe []string
	// Builtins are the module ids the runtime provides, kept as imports (Node's for server
	// environments: NodeBuiltins).
	Builtins DepMatcher
}

// DepMatcher matches dependency ids: all of them, the names in List (a name or a glob such as
// "@scope/*"), or those matching one of Regexps.
type DepMatcher struct {
	All     bool
	List    []string
	Regexps []*regexp.Regexp
}

// Match reports whether id is matched by the list or a regexp (not by All).
func (m DepMatcher) Match(id string) bool {
	for _, s := range m.List {
		if s == id {
			return true
		}
		if strings.ContainsAny(s, "*?[{") {
			if ok, _ := path.Match(s, id); ok {
				return true
			}
		}
	}
	for _, re := range m.Regexps {
		if re.MatchString(id) {
			return true
		}
	}
	return false
}

func (m DepMatcher) empty() bool { return !m.All && len(m.List) == 0 && len(m.Regexps) == 0 }

// NodeBuiltins is Vite's default resolve.builtins for server environments: Node's builtin modules and
// every "node:" and "bun:" id.
func NodeBuiltins() DepMatcher {
	return DepMatcher{List: slices.Clone(config.NodeBuiltinModules), Regexps: []*regexp.Regexp{regexp.MustCompile(`^node:`), regexp.MustCompile(`^bun:`)}}
}

// depMatcher converts a config module list (resolve.external, resolve.noExternal).
func depMatcher(l config.ModuleList, what string) (DepMatcher, error) {
	m := DepMatcher{All: l.All}
	return m, addPatterns(&m, l.Patterns, what)
}

func addPatterns(m *DepMatcher, patterns []config.Pattern, what string) error {
	for _, p := range patterns {
		if p.Regexp == "" {
			m.List = append(m.List, p.Name)
			continue
		}
		re, err := regexp.Compile(p.Regexp)
		if err != nil {
			return fmt.Errorf("%s: %s is not a valid regular expression: %w", what, p.String(), err)
		}
		m.Regexps = append(m.Regexps, re)
	}
	return nil
}

// EnvironmentFromConfig is the environment named name of cfg.Environments, with all its options: what
// `build --app` builds for each environment.
func EnvironmentFromConfig(cfg *config.ResolvedConfig, name string) (*Environment, error) {
	o := cfg.Environments[name]
	if o == nil {
		return nil, fmt.Errorf("there is no environment %q (environments: %s)", name, strings.Join(cfg.EnvironmentOrder, ", "))
	}
	env := &Environment{Name: name, Consumer: o.Consumer, Build: o.Build, Define: o.Define, Plugins: cfg.Plugins, Webworker: o.SSRTargetWebworker}
	if err := env.resolveFrom(o); err != nil {
		return nil, err
	}
	return env, nil
}

// resolveFrom sets env.Resolve from an environment's resolved options.
func (env *Environment) resolveFrom(o *config.ResolvedEnvironmentOptions) error {
	r := o.Resolve
	at := "environments." + o.Name + ".resolve"
	env.Resolve = EnvironmentResolve{
		Conditions:         slices.Clone(r.Conditions),
		MainFields:         slices.Clone(r.MainFields),
		ExternalConditions: slices.Clone(r.ExternalConditions),
		Dedupe:             slices.Clone(r.Dedupe),
	}
	var err error
	if env.Resolve.External, err = depMatcher(r.External, at+".external"); err != nil {
		return err
	}
	if env.Resolve.NoExternal, err = depMatcher(r.NoExternal, at+".noExternal"); err != nil {
		return err
	}
	if r.Builtins != nil && len(r.Builtins) == 0 {
		env.Resolve.Builtins = DepMatcher{List: []string{}} // explicitly none
		return nil
	}
	return addPatterns(&env.Resolve.Builtins, r.Builtins, at+".builtins")
}

// ClientEnvironment is the client environment of cfg, as the single-environment build (`govite
// build`) builds it: cfg.Build, with the client's define and resolve options (cfg.Environments'
// client when cfg has it, else the top-level ones).
func ClientEnvironment(cfg *config.ResolvedConfig) *Environment {
	o := cfg.Environments["client"]
	b := cfg.Build
	if b.SSRBuild && o != nil {
		b = o.Build // cfg was resolved for an SSR build; cfg.Build is the ssr environment's
	}
	b.SSRBuild, b.SSR = false, ""
	env := &Environment{Name: "client", Consumer: "client", Build: b, Define: cfg.Define, Plugins: cfg.Plugins}
	if o != nil {
		env.Define = o.Define
		if env.resolveFrom(o) == nil {
			return env
		}
	}
	env.Resolve = EnvironmentResolve{
		Conditions: slices.Clone(cfg.Resolve.Conditions),
		MainFields: slices.Clone(cfg.Resolve.MainFields),
		Dedupe:     slices.Clone(cfg.Resolve.Dedupe),
	}
	return env
}

// SSREnvironment is the ssr environment of cfg, as `govite build --ssr` builds it: cfg.Environments'
// ssr when cfg has it, else derived from the top-level options as Vite derives it (build options with
// the server's defaults, define and dedupe, the server's conditions and main fields, Node's builtins,
// externalized dependencies, no assets written). The entry is build.ssr, or the configured input when
// build.ssr is true.
func SSREnvironment(cfg *config.ResolvedConfig) *Environment {
	if o := cfg.Environments["ssr"]; o != nil {
		env := &Environment{Name: "ssr", Consumer: o.Consumer, Build: o.Build, Define: o.Define, Plugins: cfg.Plugins, Webworker: o.SSRTargetWebworker}
		if cfg.Build.SSRBuild {
			// The entry of `build --ssr ENTRY` (the ssr environment of an SSR build has it too).
			env.Build.SSR, env.Build.Input = cfg.Build.SSR, cfg.Build.Input
		}
		if env.resolveFrom(o) == nil {
			return env
		}
	}
	b := cfg.Build
	if !b.SSRBuild {
		// A config resolved for the client: apply the server's build defaults.
		b.Minify, b.EmitAssets = false, false
		b.CSSMinify = true
	} else if !b.Minify && !b.CSSMinify {
		// Vite minifies a server build's CSS (cssMinify defaults to lightningcss there) though not its
		// JS: the CSS names in the manifest then carry the client's hashes.
		b.CSSMinify = true
	}
	b.SSRBuild = true
	return &Environment{
		Name: "ssr", Consumer: "server", Build: b, Define: cfg.Define, Plugins: cfg.Plugins,
		Resolve: EnvironmentResolve{Dedupe: slices.Clone(cfg.Resolve.Dedupe)},
	}
}

// isServer reports whether the environment runs on a server (Vite's consumer "server").
func (env *Environment) isServer() bool { return env.Consumer == "server" }

// keepProcessEnv is Vite's keepProcessEnv default: server environments (not webworker ones) leave
// process.env to the runtime.
func (env *Environment) keepProcessEnv() bool {
	if env.KeepProcessEnv != nil {
		return *env.KeepProcessEnv
	}
	return env.isServer() && !env.Webworker
}

// withDefaults fills the zero-valued options with the consumer's defaults.
func (env *Environment) withDefaults() *Environment {
	c := *env
	if c.Consumer == "" {
		c.Consumer = "client"
		if c.Name != "" && c.Name != "client" {
			c.Consumer = "server"
		}
	}
	if c.Name == "" {
		c.Name = "client"
		if c.isServer() {
			c.Name = "ssr"
		}
	}
	r := &c.Resolve
	def := func(s, d []string) []string {
		if len(s) > 0 {
			return s
		}
		return slices.Clone(d)
	}
	if c.isServer() {
		r.Conditions = def(r.Conditions, config.DefaultServerConditions)
		r.MainFields = def(r.MainFields, config.DefaultServerMainFields)
		if r.Builtins.empty() && r.Builtins.List == nil {
			r.Builtins = NodeBuiltins()
		}
	} else {
		r.Conditions = def(r.Conditions, config.DefaultClientConditions)
		r.MainFields = def(r.MainFields, config.DefaultClientMainFields)
	}
	r.ExternalConditions = def(r.ExternalConditions, config.DefaultExternalConditions)
	return &c
}

// BuildEnvironment runs a production build of one environment: env says which (its consumer, build
// options, resolve options and plugins); cfg gives the options shared by all environments. A server
// environment (consumer "server") builds its JS entries for Node: Node's builtins and the
// dependencies in node_modules stay imports, entries are written to outDir as [name].js ([name].mjs
// when the project's package.json is not "type": "module") and other chunks to assetsDir, CSS and
// assets are not written unless env.Build.EmitAssets, and dynamic imports get no preload helper.
// Nothing is written to outDir unless the whole build succeeded. Builds of different environments
// may run concurrently.
func BuildEnvironment(ctx context.Context, cfg *config.ResolvedConfig, env *Environment) (*Result, error) {
	start := time.Now()
	b, err := newBuilder(cfg, env.withDefaults())
	if err != nil {
		return nil, err
	}
	defer b.close()
	if err := b.collectEntries(); err != nil {
		return nil, err
	}
	if err := b.container.BuildStart(); err != nil {
		return nil, err
	}
	bundle, manifest, err := b.bundle(ctx)
	if endErr := b.container.BuildEnd(err); err == nil {
		err = endErr
	}
	if err != nil {
		return nil, err
	}
	if b.cfg.Build.Write {
		if err := b.write(bundle); err != nil {
			return nil, err
		}
		if err := b.container.WriteBundle(bundle); err != nil {
			return nil, err
		}
	}
	return &Result{Bundle: bundle, Manifest: manifest, Modules: int(b.moduleCount.Load()), Duration: time.Since(start), Environment: b.env.Name}, nil
}
