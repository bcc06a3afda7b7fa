package config

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The expectations below are what Vite 8.3.8's resolveConfig gives for the same input (checked by
// running it: e2e/vite8).

func TestEnvironmentPresenceAndOrder(t *testing.T) {
	root := writeProject(t, map[string]string{"package.json": "{}"})
	tests := []struct {
		name    string
		cfg     *UserConfig
		command string
		opts    ResolveConfigOptions
		want    []string
	}{
		{"build: client only", nil, "build", ResolveConfigOptions{}, []string{"client"}},
		{"serve: client and ssr", nil, "serve", ResolveConfigOptions{}, []string{"client", "ssr"}},
		{"build: written order kept", &UserConfig{Environments: []NamedEnvironment{{Name: "server"}, {Name: "client"}}}, "build", ResolveConfigOptions{}, []string{"server", "client"}},
		// ssr is put in front, client then exists already.
		{"serve: ssr in front of the written ones", &UserConfig{Environments: []NamedEnvironment{{Name: "server"}, {Name: "client"}}}, "serve", ResolveConfigOptions{}, []string{"ssr", "server", "client"}},
		{"serve: client added in front", &UserConfig{Environments: []NamedEnvironment{{Name: "edge"}}}, "serve", ResolveConfigOptions{}, []string{"client", "ssr", "edge"}},
		{"build: build.ssr entry", &UserConfig{Build: BuildOptions{SSR: "src/s.js"}}, "build", ResolveConfigOptions{}, []string{"client", "ssr"}},
		{"build: build.ssr true", &UserConfig{Build: BuildOptions{SSRInput: true}}, "build", ResolveConfigOptions{}, []string{"client", "ssr"}},
		{"build: SSR build asked for", nil, "build", ResolveConfigOptions{IsSsrBuild: true}, []string{"client", "ssr"}},
		{"build: top-level ssr options", &UserConfig{SSR: &SSROptions{}}, "build", ResolveConfigOptions{}, []string{"client", "ssr"}},
		{"build: environments.ssr", &UserConfig{Environments: []NamedEnvironment{{Name: "ssr"}}}, "build", ResolveConfigOptions{}, []string{"client", "ssr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Command = tt.command
			rc := resolveIn(t, root, tt.cfg, tt.opts)
			eqv(t, rc.EnvironmentOrder, tt.want)
			if len(rc.Environments) != len(tt.want) {
				t.Errorf("Environments has %d entries", len(rc.Environments))
			}
			for _, n := range tt.want {
				if e := rc.Environments[n]; e == nil || e.Name != n {
					t.Errorf("environment %s: %+v", n, e)
				}
			}
		})
	}
}

// probeConfig is the config the Vite probe resolved.
func probeConfig() *UserConfig {
	return &UserConfig{
		Define: map[string]any{"A": "1"},
		Input:  &Input{Entries: []InputEntry{{Path: "top.html"}}},
		Resolve: ResolveOptions{
			Dedupe: []string{"x"}, Conditions: []string{"topc"}, ExternalConditions: []string{"topext"},
			MainFields: []string{"topmf"}, NoExternal: ModuleList{Patterns: Names("nx")},
		},
		OptimizeDeps: OptimizeDeps{Include: []string{"dep"}},
		Server:       ServerOptions{Warmup: Warmup{ClientFiles: []string{"c.js"}, SSRFiles: []string{"s.js"}}},
		Build:        BuildOptions{OutDir: "out", Sourcemap: SourcemapExternal, RollupOptions: RollupOptions{Input: &Input{Entries: []InputEntry{{Path: "ri.js"}}}}},
		SSR: &SSROptions{
			NoExternal: ModuleList{Patterns: Names("ssrnx")}, External: ModuleList{Patterns: Names("ssrext")},
			Resolve: SSRResolveOptions{Conditions: []string{"ssrc"}}, OptimizeDeps: OptimizeDeps{Include: []string{"ssrdep"}},
		},
		Environments: []NamedEnvironment{
			{Name: "edge", Options: EnvironmentOptions{
				Define:  map[string]any{"B": "2"},
				Resolve: EnvironmentResolveOptions{NoExternal: ModuleList{All: true}, Dedupe: []string{"y"}},
				Build:   BuildOptions{OutDir: "dist/edge"},
			}},
			{Name: "worker", Options: EnvironmentOptions{Consumer: "client"}},
		},
	}
}

func TestEnvironmentInheritance(t *testing.T) {
	root := writeProject(t, map[string]string{"package.json": "{}"})
	for _, command := range []string{"serve", "build"} {
		t.Run(command, func(t *testing.T) {
			rc := resolveIn(t, root, probeConfig(), ResolveConfigOptions{Command: command})
			eqv(t, rc.EnvironmentOrder, []string{"client", "ssr", "edge", "worker"})
			abs := func(p string) string { return filepath.Join(root, p) }
			type view struct {
				consumer                            string
				define                              map[string]any
				cond, ext, mf, dedupe               []string
				external, noExternal                ModuleList
				builtins                            int
				include                             []string
				noDiscovery                         bool
				warmup                              []string
				runner                              string
				outDir                              string
				ssr, minify, cssMinify, emitAssets  bool
				input                               []InputEntry
				sourcemap                           Sourcemap
				preTransform, moduleRunnerTransform bool
			}
			nodeBuiltins := len(NodeLikeBuiltins())
			want := map[string]view{
				"client": {"client", map[string]any{"A": "1"}, []string{"topc"}, []string{"topext"}, []string{"topmf"}, []string{"x"},
					ModuleList{Patterns: []Pattern{}}, ModuleList{Patterns: Names("nx")}, 0, []string{"dep"}, false, []string{"c.js"}, "",
					abs("out"), false, true, true, true, []InputEntry{{Path: abs("ri.js")}}, SourcemapExternal, true, false},
				"ssr": {"server", map[string]any{"A": "1"}, []string{"ssrc"}, []string{"topext"}, DefaultServerMainFields, []string{"x"},
					ModuleList{Patterns: Names("ssrext")}, ModuleList{Patterns: Names("nx", "ssrnx")}, nodeBuiltins, []string{"ssrdep"}, true, []string{"s.js"}, "engine",
					abs("out"), true, false, true, false, []InputEntry{{Path: abs("ri.js")}}, SourcemapExternal, false, true},
				"edge": {"server", map[string]any{"A": "1", "B": "2"}, DefaultServerConditions, []string{"topext"}, DefaultServerMainFields, []string{"x", "y"},
					ModuleList{Patterns: []Pattern{}}, ModuleList{All: true}, nodeBuiltins, []string{}, true, []string{}, "engine",
					abs("dist/edge"), true, false, true, false, []InputEntry{{Path: abs("ri.js")}}, SourcemapExternal, false, true},
				"worker": {"client", map[string]any{"A": "1"}, DefaultClientConditions, []string{"topext"}, DefaultClientMainFields, []string{"x"},
					ModuleList{Patterns: []Pattern{}}, ModuleList{Patterns: Names("nx")}, 0, []string{}, false, []string{}, "",
					abs("out"), false, true, true, true, []InputEntry{{Path: abs("ri.js")}}, SourcemapExternal, true, false},
			}
			for name, w := range want {
				e := rc.Environments[name]
				got := view{e.Consumer, e.Define, e.Resolve.Conditions, e.Resolve.ExternalConditions, e.Resolve.MainFields, e.Resolve.Dedupe,
					e.Resolve.External, e.Resolve.NoExternal, len(e.Resolve.Builtins), e.OptimizeDeps.Include, e.OptimizeDeps.NoDiscovery, e.Dev.Warmup, e.Dev.Runner,
					e.Build.OutDir, e.Build.SSRBuild, e.Build.Minify, e.Build.CSSMinify, e.Build.EmitAssets, e.Build.Input, e.Build.Sourcemap,
					e.Dev.PreTransformRequests, e.Dev.ModuleRunnerTransform}
				if got.include == nil {
					got.include = []string{}
				}
				if got.warmup == nil {
					got.warmup = []string{}
				}
				if !reflect.DeepEqual(got, w) {
					t.Errorf("%s:\n got  %+v\n want %+v", name, got, w)
				}
				eqv(t, e.Resolve.Extensions, DefaultExtensions)
			}
			// The top level keeps meaning the client environment.
			eqv(t, rc.Resolve.Conditions, []string{"topc"})
			eqv(t, rc.OptimizeDeps.Include, []string{"dep"})
			eq(t, rc.Build.OutDir, abs("out"))
			// Only the client inherits the top-level input: the others build rollupOptions.input.
			if !slices.ContainsFunc(rc.Environments["ssr"].Resolve.Builtins, func(p Pattern) bool { return p.Match("node:fs") }) ||
				!slices.ContainsFunc(rc.Environments["ssr"].Resolve.Builtins, func(p Pattern) bool { return p.Match("fs") }) {
				t.Errorf("ssr builtins: %v", rc.Environments["ssr"].Resolve.Builtins)
			}
		})
	}
}

func TestEnvironmentBuildDefaults(t *testing.T) {
	root := writeProject(t, map[string]string{"package.json": "{}"})
	abs := func(p string) string { return filepath.Join(root, p) }
	tests := []struct {
		name  string
		cfg   *UserConfig
		opts  ResolveConfigOptions
		check func(t *testing.T, rc *ResolvedConfig)
	}{
		{
			name: "outDir per environment, others inherit the top level",
			cfg: &UserConfig{Build: BuildOptions{OutDir: "dist/client", Manifest: FileOption{Enabled: true}}, Environments: []NamedEnvironment{
				{Name: "ssr", Options: EnvironmentOptions{Build: BuildOptions{OutDir: "dist/server", SSR: "src/entry-server.js"}}},
				{Name: "edge"},
			}},
			check: func(t *testing.T, rc *ResolvedConfig) {
				eq(t, rc.Environments["client"].Build.OutDir, abs("dist/client"))
				eq(t, rc.Environments["ssr"].Build.OutDir, abs("dist/server"))
				eq(t, rc.Environments["ssr"].Build.SSR, abs("src/entry-server.js"))
				eq(t, rc.Environments["edge"].Build.OutDir, abs("dist/client"))
				eq(t, rc.Environments["edge"].Build.Manifest, ".vite/manifest.json")
			},
		},
		{
			name: "build.ssr: true builds the top-level input in ssr",
			cfg:  &UserConfig{Input: &Input{Entries: []InputEntry{{Path: "src/server.js"}}}, Build: BuildOptions{SSRInput: true}},
			check: func(t *testing.T, rc *ResolvedConfig) {
				eqv(t, rc.Environments["ssr"].Build.Input, []InputEntry{{Path: abs("src/server.js")}})
				// The legacy (top-level) build is the ssr environment's.
				eq(t, rc.Build.SSRBuild, true)
				eq(t, rc.Build.Minify, false)
				eqv(t, rc.Build.Input, []InputEntry{{Path: abs("src/server.js")}})
			},
		},
		{
			name: "legacy SSR build uses environments.ssr.build",
			cfg: &UserConfig{Build: BuildOptions{SSR: "src/s.js"}, Environments: []NamedEnvironment{
				{Name: "ssr", Options: EnvironmentOptions{Build: BuildOptions{OutDir: "dist/server"}}},
			}},
			check: func(t *testing.T, rc *ResolvedConfig) {
				eq(t, rc.Build.OutDir, abs("dist/server"))
				eq(t, rc.Build.SSR, abs("src/s.js"))
				eq(t, rc.Environments["client"].Build.OutDir, abs("dist"))
			},
		},
		{
			name: "ssrEmitAssets and emitAssets",
			cfg: &UserConfig{Build: BuildOptions{SSREmitAssets: Bool(true)}, Environments: []NamedEnvironment{
				{Name: "ssr"}, {Name: "edge"}, {Name: "assets", Options: EnvironmentOptions{Build: BuildOptions{EmitAssets: Bool(true)}}},
			}},
			check: func(t *testing.T, rc *ResolvedConfig) {
				eq(t, rc.Environments["client"].Build.EmitAssets, true)
				eq(t, rc.Environments["ssr"].Build.EmitAssets, true)
				eq(t, rc.Environments["edge"].Build.EmitAssets, false)
				eq(t, rc.Environments["assets"].Build.EmitAssets, true)
			},
		},
		{
			name: "ssr.target webworker resolves like a browser",
			cfg:  &UserConfig{SSR: &SSROptions{Target: "webworker", NoExternal: ModuleList{All: true}}},
			check: func(t *testing.T, rc *ResolvedConfig) {
				s := rc.Environments["ssr"]
				eq(t, s.SSRTargetWebworker, true)
				eq(t, s.Consumer, "server")
				eqv(t, s.Resolve.Conditions, DefaultClientConditions)
				eqv(t, s.Resolve.MainFields, DefaultClientMainFields)
				eqv(t, s.Resolve.Builtins, []Pattern{})
			},
		},
		{
			name: "builder: {} asks for the app build",
			cfg:  &UserConfig{Builder: &BuilderOptions{}},
			check: func(t *testing.T, rc *ResolvedConfig) {
				if rc.Builder == nil {
					t.Error("Builder is nil")
				}
			},
		},
		{
			name: "no builder",
			cfg:  &UserConfig{},
			check: func(t *testing.T, rc *ResolvedConfig) {
				if rc.Builder != nil {
					t.Error("Builder is set")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Command = "build"
			tt.check(t, resolveIn(t, root, tt.cfg, tt.opts))
		})
	}
}

func TestEnvironmentDevOptionsAndProviders(t *testing.T) {
	root := writeProject(t, map[string]string{"package.json": "{}"})
	made := map[string]string{}
	var mu sync.Mutex
	create := func(kind string) CreateDevEnvironmentFunc {
		return func(name string, cfg *ResolvedConfig) (any, error) {
			mu.Lock()
			defer mu.Unlock()
			made[name] = kind
			return kind, nil
		}
	}
	// An environment provider, as Vite's customEnvironment(): options with their own createEnvironment,
	// merged with what the user adds.
	customEnvironment := func(user EnvironmentOptions) EnvironmentOptions {
		return *MergeEnvironment(&EnvironmentOptions{
			Resolve: EnvironmentResolveOptions{Conditions: []string{"workerd"}},
			Dev:     DevEnvironmentOptions{CreateEnvironment: create("custom"), Runner: "node"},
			Build:   BuildOptions{CreateEnvironment: func(string, *ResolvedConfig) (any, error) { return "custom-build", nil }},
		}, &user)
	}
	cfg := &UserConfig{
		Dev:   DevEnvironmentOptions{CreateEnvironment: create("top"), Warmup: []string{"w.js"}},
		Build: BuildOptions{OutDir: "dist/client"},
		Environments: []NamedEnvironment{
			{Name: "ssr", Options: customEnvironment(EnvironmentOptions{Build: BuildOptions{OutDir: "dist/ssr"}})},
			{Name: "edge"},
		},
	}
	rc := resolveIn(t, root, cfg, ResolveConfigOptions{Command: "serve"})
	for _, name := range rc.EnvironmentOrder {
		if f := rc.Environments[name].Dev.CreateEnvironment; f != nil {
			if _, err := f(name, rc); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Only the client inherits the top-level createEnvironment and warmup.
	eqv(t, made, map[string]string{"client": "top", "ssr": "custom"})
	eqv(t, rc.Environments["client"].Dev.Warmup, []string{"w.js"})
	eqv(t, rc.Environments["edge"].Dev.Warmup, []string(nil))
	eq(t, rc.Environments["ssr"].Dev.Runner, "node")
	eq(t, rc.Environments["edge"].Dev.Runner, "engine")
	eq(t, rc.Environments["client"].Dev.Runner, "")
	eqv(t, rc.Environments["ssr"].Resolve.Conditions, []string{"workerd"})
	eq(t, rc.Environments["ssr"].Build.OutDir, filepath.Join(root, "dist/ssr"))
	if rc.Environments["ssr"].Build.CreateEnvironment == nil || rc.Environments["edge"].Build.CreateEnvironment != nil {
		t.Error("build.createEnvironment: only the provider's environment has one")
	}
}

func TestEnvironmentErrorsNameTheOption(t *testing.T) {
	root := writeProject(t, map[string]string{"package.json": "{}"})
	tests := []struct {
		cfg  *UserConfig
		want string
	}{
		{&UserConfig{Environments: []NamedEnvironment{{Name: "edge", Options: EnvironmentOptions{Consumer: "browser"}}}},
			`environments.edge.consumer: expected 'client' or 'server', got "browser"`},
		{&UserConfig{Environments: []NamedEnvironment{{Name: "my-env", Options: EnvironmentOptions{Dev: DevEnvironmentOptions{Runner: "deno"}}}}},
			`environments["my-env"].dev.runner: expected 'engine' or 'node', got "deno"`},
		{&UserConfig{SSR: &SSROptions{Target: "browser"}}, `ssr.target: expected 'node' or 'webworker', got "browser"`},
		{&UserConfig{Plugins: []*Plugin{{Name: "bad", ConfigEnvironment: func(name string, o *EnvironmentOptions, _ ConfigEnv) (*EnvironmentOptions, error) {
			if name == "ssr" {
				return &EnvironmentOptions{Consumer: "edge"}, nil
			}
			return nil, nil
		}}}}, `environments.ssr.consumer: expected 'client' or 'server', got "edge"`},
		{&UserConfig{Plugins: []*Plugin{{Name: "failing", ConfigEnvironment: func(string, *EnvironmentOptions, ConfigEnv) (*EnvironmentOptions, error) {
			return nil, errors.New("nope")
		}}}}, `plugin "failing": configEnvironment hook failed: environment "client": nope`},
	}
	for _, tt := range tests {
		tt.cfg.Root, tt.cfg.Logger = root, slog.New(slog.DiscardHandler)
		_, err := Resolve(context.Background(), tt.cfg, ResolveConfigOptions{Command: "serve", ConfigFile: ConfigFileDisabled})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}
}

func TestConfigEnvironmentHook(t *testing.T) {
	root := writeProject(t, map[string]string{"package.json": "{}"})
	var calls []string
	p := &Plugin{Name: "env", ConfigEnvironment: func(name string, o *EnvironmentOptions, env ConfigEnv) (*EnvironmentOptions, error) {
		calls = append(calls, fmt.Sprintf("%s:%s:%v", name, env.Command, env.IsSsrTargetWebworker))
		switch name {
		case "client":
			// The options already hold the inherited top-level ones.
			if o.Define["TOP"] != "1" {
				return nil, fmt.Errorf("define not inherited: %v", o.Define)
			}
			o.Resolve.Conditions = append(o.Resolve.Conditions, "mutated")
		case "ssr":
			return &EnvironmentOptions{Define: map[string]any{"SSR": "true"}, Resolve: EnvironmentResolveOptions{NoExternal: ModuleList{Patterns: Names("added")}}}, nil
		}
		return nil, nil
	}}
	late := &Plugin{Name: "late", HookOrder: map[string]string{"configEnvironment": "post"}, ConfigEnvironment: func(name string, o *EnvironmentOptions, _ ConfigEnv) (*EnvironmentOptions, error) {
		calls = append(calls, "late:"+name)
		return nil, nil
	}}
	rc := resolveIn(t, root, &UserConfig{Plugins: []*Plugin{late, p}, Define: map[string]any{"TOP": "1"}, SSR: &SSROptions{Target: "webworker"}},
		ResolveConfigOptions{Command: "serve"})
	eqv(t, calls, []string{"client:serve:false", "ssr:serve:true", "late:client", "late:ssr"})
	eqv(t, rc.Environments["client"].Resolve.Conditions, []string{"mutated"})
	eqv(t, rc.Resolve.Conditions, []string{"mutated"}) // the top level is the client's
	eqv(t, rc.Environments["ssr"].Define, map[string]any{"TOP": "1", "SSR": "true"})
	eqv(t, rc.Environments["ssr"].Resolve.NoExternal, ModuleList{Patterns: Names("added")})
}

func TestMergeEnvironments(t *testing.T) {
	base := &UserConfig{Environments: []NamedEnvironment{
		{Name: "a", Options: EnvironmentOptions{Define: map[string]any{"X": 1}, Resolve: EnvironmentResolveOptions{NoExternal: ModuleList{Patterns: Names("p")}}}},
		{Name: "b"},
	}}
	override := &UserConfig{Environments: []NamedEnvironment{
		{Name: "c", Options: EnvironmentOptions{Consumer: "client"}},
		{Name: "a", Options: EnvironmentOptions{Define: map[string]any{"Y": 2}, Resolve: EnvironmentResolveOptions{NoExternal: ModuleList{All: true}, Dedupe: []string{"d"}}}},
	}, SSR: &SSROptions{External: ModuleList{Patterns: Names("e")}}}
	got := Merge(base, override)
	want := []NamedEnvironment{
		{Name: "a", Options: EnvironmentOptions{Define: map[string]any{"X": 1, "Y": 2}, Resolve: EnvironmentResolveOptions{NoExternal: ModuleList{All: true}, Dedupe: []string{"d"}}}},
		{Name: "b"},
		{Name: "c", Options: EnvironmentOptions{Consumer: "client"}},
	}
	eqv(t, got.Environments, want)
	eqv(t, got.SSR, &SSROptions{External: ModuleList{Patterns: Names("e")}})
	got.Environments[0].Options.Define["Z"] = 3
	if _, ok := base.Environments[0].Options.Define["Z"]; ok {
		t.Error("Merge shares a define map with its input")
	}
	// Lists concatenate.
	l := MergeEnvironment(&EnvironmentOptions{Resolve: EnvironmentResolveOptions{NoExternal: ModuleList{Patterns: Names("a")}}},
		&EnvironmentOptions{Resolve: EnvironmentResolveOptions{NoExternal: ModuleList{Patterns: []Pattern{{Regexp: "^b"}}}}})
	eqv(t, l.Resolve.NoExternal, ModuleList{Patterns: []Pattern{{Name: "a"}, {Regexp: "^b"}}})
}

func TestModuleListAndPatterns(t *testing.T) {
	l := ModuleList{Patterns: []Pattern{{Name: "pkg"}, {Regexp: "^@scope/"}}}
	for id, want := range map[string]bool{"pkg": true, "pkg/sub": true, "pkgx": false, "@scope/a": true, "other": false} {
		if l.Contains(id) != want {
			t.Errorf("Contains(%q) = %v", id, !want)
		}
	}
	g := ModuleList{Patterns: []Pattern{{Name: "@scope/*"}, {Name: "pkg"}, {Regexp: "^x"}}}
	for id, want := range map[string]bool{"@scope/a": true, "@scope/a/b": false, "pkg": true, "pkg/sub": false, "xy": true, "y": false} {
		if g.MatchesGlob(id) != want {
			t.Errorf("MatchesGlob(%q) = %v", id, !want)
		}
	}
	if !(ModuleList{All: true}).Contains("anything") {
		t.Error("All")
	}
	eq(t, Pattern{Regexp: `(?i)^a\.b`}.String(), `/^a\.b/i`)
	eqv(t, ExpandConditions(DefaultServerConditions, true), []string{"module", "node", "production"})
	eqv(t, ExpandConditions(DefaultClientConditions, false), []string{"module", "browser", "development"})
}

// ---- plugins ----

func TestPluginsForEnvironment(t *testing.T) {
	mk := func(name string) *Plugin { return &Plugin{Name: name} }
	a, b, c := mk("a"), mk("b"), mk("c")
	b.ApplyToEnvironment = func(env *Environment) (bool, []*Plugin) { return env.Consumer == "server", nil }
	replacement := mk("c-client")
	c.ApplyToEnvironment = func(env *Environment) (bool, []*Plugin) {
		if env.Name == "client" {
			return true, []*Plugin{replacement}
		}
		return false, []*Plugin{} // replaced by nothing
	}
	per := PerEnvironmentPlugin("per", func(env *Environment) *Plugin {
		if env.Name == "edge" {
			return nil
		}
		return &Plugin{Name: "per-" + env.Name}
	})
	plugins := []*Plugin{a, b, c, per}
	names := func(ps []*Plugin) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	rc := &ResolvedConfig{Command: "serve", Environments: map[string]*ResolvedEnvironmentOptions{
		"client": {Name: "client", Consumer: "client"}, "ssr": {Name: "ssr", Consumer: "server"}, "edge": {Name: "edge", Consumer: "server"},
	}}
	eqv(t, names(PluginsForEnvironment(plugins, NewEnvironment(rc, "client"))), []string{"a", "c-client", "per-client"})
	eqv(t, names(PluginsForEnvironment(plugins, NewEnvironment(rc, "ssr"))), []string{"a", "b", "per-ssr"})
	eqv(t, names(PluginsForEnvironment(plugins, NewEnvironment(rc, "edge"))), []string{"a", "b"})
	env := NewEnvironment(rc, "edge")
	if env.Mode != "dev" || env.Options != rc.Environments["edge"] || env.Consumer != "server" {
		t.Errorf("NewEnvironment: %+v", env)
	}
	rc.Command = "build"
	eq(t, NewEnvironment(rc, "client").Mode, "build")
	eq(t, NewEnvironment(nil, "custom").Consumer, "server")
}

// fakeAppBuilder records the builds of an app.
type fakeAppBuilder struct {
	mu    sync.Mutex
	envs  []string
	built map[string]bool
	log   *[]string
	fail  string
}

func newFakeAppBuilder(log *[]string, envs ...string) *fakeAppBuilder {
	return &fakeAppBuilder{envs: envs, built: map[string]bool{}, log: log}
}

func (b *fakeAppBuilder) Environments() []string { return b.envs }

func (b *fakeAppBuilder) Build(_ context.Context, env string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	*b.log = append(*b.log, "build:"+env)
	if env == b.fail {
		return fmt.Errorf("build of %s failed", env)
	}
	b.built[env] = true
	return nil
}

func (b *fakeAppBuilder) IsBuilt(env string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.built[env]
}

func TestRunBuildAppOrder(t *testing.T) {
	var log []string
	hook := func(name, order string, build string) *Plugin {
		p := &Plugin{Name: name, BuildApp: func(ctx context.Context, b AppBuilder) error {
			log = append(log, "hook:"+name)
			if build != "" {
				return b.Build(ctx, build)
			}
			return nil
		}}
		if order != "" {
			p.HookOrder = map[string]string{"buildApp": order}
		}
		return p
	}
	rc := &ResolvedConfig{
		Plugins: []*Plugin{hook("post1", "post", ""), hook("normal", "", ""), hook("pre", "pre", ""), {Name: "none"}},
		Builder: &BuilderOptions{BuildApp: func(ctx context.Context, b AppBuilder) error {
			log = append(log, "config")
			if _, ok := b.(interface{ Config() *ResolvedConfig }); !ok {
				t.Error("the builder does not know its config")
			}
			return nil
		}},
	}
	// Nothing built by the hooks: every environment is built, in order.
	if err := RunBuildApp(context.Background(), rc, newFakeAppBuilder(&log, "client", "ssr")); err != nil {
		t.Fatal(err)
	}
	eqv(t, log, []string{"hook:pre", "hook:normal", "config", "hook:post1", "build:client", "build:ssr"})

	// A hook that builds one environment: the rest is left alone.
	log = nil
	rc.Plugins = []*Plugin{hook("only-ssr", "post", "ssr")}
	rc.Builder = nil
	if err := RunBuildApp(context.Background(), rc, newFakeAppBuilder(&log, "client", "ssr")); err != nil {
		t.Fatal(err)
	}
	eqv(t, log, []string{"hook:only-ssr", "build:ssr"})

	// Errors name the hook.
	log = nil
	rc.Plugins = []*Plugin{{Name: "bad", BuildApp: func(context.Context, AppBuilder) error { return errors.New("boom") }}}
	err := RunBuildApp(context.Background(), rc, newFakeAppBuilder(&log, "client"))
	if err == nil || !strings.Contains(err.Error(), `plugin "bad": buildApp hook failed: boom`) {
		t.Errorf("error %v", err)
	}
	rc.Plugins = nil
	b := newFakeAppBuilder(&log, "client", "ssr")
	b.fail = "client"
	if err := RunBuildApp(context.Background(), rc, b); err == nil || !strings.Contains(err.Error(), "build of client failed") {
		t.Errorf("error %v", err)
	}
}
