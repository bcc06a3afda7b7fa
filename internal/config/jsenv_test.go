package config

import (
	"context"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// resolveFile resolves the project in root (its vite.config.js) for command.
func resolveFile(t *testing.T, root, command string) *ResolvedConfig {
	t.Helper()
	rc, err := Resolve(context.Background(), &UserConfig{Root: root, Logger: slog.New(slog.DiscardHandler)}, ResolveConfigOptions{Command: command})
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

func TestJSConfigEnvironments(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json": "{}",
		"vite.config.js": `
import { defineConfig, createRunnableDevEnvironment, createFetchableDevEnvironment } from 'vite'

// An environment provider (Vite's customEnvironment() pattern).
function customEnvironment(user) {
  return {
    ...user,
    resolve: { conditions: ['workerd'] },
    dev: {
      createEnvironment(name, config) {
        return createRunnableDevEnvironment(name, config)
      },
    },
  }
}

export default defineConfig({
  define: { TOP: '1' },
  environments: {
    zeta: {
      consumer: 'server',
      resolve: { noExternal: [/^@scope\//, 'pkg'], external: ['ext'], builtins: ['cloudflare:sockets', /^cf:/] },
      dev: { runner: 'node', warmup: ['src/a.js'] },
      build: { outDir: 'dist/zeta', ssr: 'src/z.js', emitAssets: true, minify: true },
    },
    alpha: customEnvironment({ build: { outDir: 'dist/alpha' } }),
    fetchy: {
      dev: {
        createEnvironment: (name, config) =>
          createFetchableDevEnvironment(name, config, { handleRequest: () => new Response('x') }),
      },
    },
    client: { define: { X: '1' } },
  },
  ssr: { noExternal: true },
})
`,
	})
	cfg, loaded := load(t, root, ConfigEnv{Command: "serve", Mode: "development"})
	if len(loaded.Warnings) > 0 {
		t.Errorf("warnings: %q", loaded.Warnings)
	}
	var names []string
	for _, e := range cfg.Environments {
		names = append(names, e.Name)
	}
	eqv(t, names, []string{"zeta", "alpha", "fetchy", "client"})
	zeta := cfg.Environment("zeta")
	eqv(t, zeta.Resolve.NoExternal, ModuleList{Patterns: []Pattern{{Regexp: `^@scope\/`}, {Name: "pkg"}}})
	eqv(t, zeta.Resolve.External, ModuleList{Patterns: Names("ext")})
	eqv(t, zeta.Resolve.Builtins, []Pattern{{Name: "cloudflare:sockets"}, {Regexp: "^cf:"}})
	eq(t, zeta.Build.SSR, "src/z.js")
	eqv(t, cfg.SSR, &SSROptions{NoExternal: ModuleList{All: true}})

	rc := resolveFile(t, root, "serve")
	eqv(t, rc.EnvironmentOrder, []string{"ssr", "zeta", "alpha", "fetchy", "client"})
	z := rc.Environments["zeta"]
	eq(t, z.Dev.Runner, "node")
	eqv(t, z.Dev.Warmup, []string{"src/a.js"})
	eq(t, z.Build.Minify, true)
	eq(t, z.Build.EmitAssets, true)
	eq(t, z.Build.OutDir, filepath.Join(root, "dist/zeta"))
	eqv(t, z.Define, map[string]any{"TOP": "1"})
	if !z.Resolve.Builtins[1].Match("cf:x") || z.Resolve.NoExternal.Contains("other") || !z.Resolve.NoExternal.Contains("@scope/a") {
		t.Errorf("zeta resolve: %+v", z.Resolve)
	}
	eqv(t, rc.Environments["client"].Define, map[string]any{"TOP": "1", "X": "1"})
	eqv(t, rc.Environments["ssr"].Resolve.NoExternal, ModuleList{All: true})
	eqv(t, rc.Environments["alpha"].Resolve.Conditions, []string{"workerd"})
	eq(t, rc.Environments["alpha"].Build.OutDir, filepath.Join(root, "dist/alpha"))

	// createEnvironment functions of the config file run in its engine.
	for name, want := range map[string]*JSEnvironment{"alpha": {Name: "alpha", Kind: "runnable"}, "fetchy": {Name: "fetchy", Kind: "fetchable"}} {
		create := rc.Environments[name].Dev.CreateEnvironment
		if create == nil {
			t.Fatalf("%s: no createEnvironment", name)
		}
		got, err := create(name, rc)
		if err != nil {
			t.Fatal(err)
		}
		eqv(t, got, want)
	}
	if rc.Environments["zeta"].Dev.CreateEnvironment != nil {
		t.Error("zeta inherited a createEnvironment")
	}
}

func TestJSConfigBuilderBuildApp(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json": "{}",
		"vite.config.js": `
export default {
  environments: { ssr: {}, edge: { build: { outDir: 'dist/edge' } } },
  builder: {
    async buildApp(builder) {
      const envs = Object.values(builder.environments)
      if (builder.environments.edge.config.build.outDir !== builder.config.root + '/dist/edge') throw new Error('edge config: ' + builder.environments.edge.config.build.outDir)
      await Promise.all(envs.filter((e) => e.name !== 'client').map((e) => builder.build(e)))
      if (!builder.environments.ssr.isBuilt || builder.environments.client.isBuilt) throw new Error('isBuilt')
      await builder.build('client')
      await builder.build('nope').catch((e) => { globalThis.__nope = e.message })
      if (!globalThis.__nope.includes('unknown environment "nope"')) throw new Error(globalThis.__nope)
    },
  },
}
`,
	})
	rc := resolveFile(t, root, "build")
	eqv(t, rc.EnvironmentOrder, []string{"client", "ssr", "edge"})
	if rc.Builder == nil || rc.Builder.BuildApp == nil {
		t.Fatal("builder.buildApp not decoded")
	}
	var log []string
	b := newFakeAppBuilder(&log, rc.EnvironmentOrder...)
	if err := RunBuildApp(context.Background(), rc, b); err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 || log[2] != "build:client" || !strings.Contains(strings.Join(log, ","), "build:ssr") || !strings.Contains(strings.Join(log, ","), "build:edge") {
		t.Errorf("builds: %v", log)
	}
	// A failing build rejects the promise, and the error comes back.
	log = nil
	b = newFakeAppBuilder(&log, rc.EnvironmentOrder...)
	b.fail = "ssr"
	err := RunBuildApp(context.Background(), rc, b)
	if err == nil || !strings.Contains(err.Error(), "builder.buildApp") || !strings.Contains(err.Error(), "build of ssr failed") {
		t.Errorf("error %v", err)
	}
}

type fakeHot struct {
	mu     sync.Mutex
	events []string
	data   []any
}

func (h *fakeHot) Send(event string, data any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, event)
	h.data = append(h.data, data)
}

func TestJSEnvironmentHooks(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json": "{}",
		"vite.config.js": `
import { perEnvironmentPlugin } from 'vite'
export default {
  environments: { edge: {} },
  plugins: [
    { name: 'only-server', applyToEnvironment(env) { return env.config.consumer === 'server' } },
    perEnvironmentPlugin('per', (env) => env.name === 'edge' ? false : { name: 'per-' + env.name + '-' + env.mode }),
    { name: 'async-apply', async applyToEnvironment(env) { await null; return [{ name: 'r1' }, null, [{ name: 'r2-' + this.name }]] } },
    {
      name: 'cfgenv',
      configEnvironment(name, options, env) {
        if (name === 'client') { options.define = { ...options.define, MUT: '1' }; return }
        if (name === 'edge') return { resolve: { noExternal: [/^x/] }, build: { outDir: 'dist/' + name + '-' + env.command + '-' + options.consumer } }
      },
    },
    {
      name: 'hot',
      hotUpdate: {
        order: 'pre',
        handler({ file, modules, read, type, timestamp }) {
          if (file.endsWith('.skip')) return []
          if (file.endsWith('.read')) return [{ id: read() + ':' + type + ':' + timestamp }]
          if (file.endsWith('.send')) { this.environment.hot.send('my:event', { n: 1, env: this.environment.name }); return }
          return modules.filter((m) => m.id.includes(this.environment.name))
        },
      },
    },
    { name: 'app', buildApp: { order: 'pre', async handler(builder) { await builder.build(builder.environments.edge) } } },
  ],
}
`,
	})
	rc := resolveFile(t, root, "serve")
	names := func(ps []*Plugin) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	eqv(t, names(PluginsForEnvironment(rc.Plugins, NewEnvironment(rc, "client"))), []string{"per-client-dev", "r1", "r2-async-apply", "cfgenv", "hot", "app"})
	eqv(t, names(PluginsForEnvironment(rc.Plugins, NewEnvironment(rc, "edge"))), []string{"only-server", "r1", "r2-async-apply", "cfgenv", "hot", "app"})

	// configEnvironment: changes in place and returned partials.
	eq(t, rc.Environments["client"].Define["MUT"], "1")
	eqv(t, rc.Environments["edge"].Resolve.NoExternal, ModuleList{Patterns: []Pattern{{Regexp: "^x"}}})
	eq(t, rc.Environments["edge"].Build.OutDir, filepath.Join(root, "dist/edge-serve-undefined"))
	if _, ok := rc.Environments["ssr"].Define["MUT"]; ok {
		t.Error("the client's define leaked into ssr")
	}

	// hotUpdate.
	var hot *Plugin
	for _, p := range rc.Plugins {
		if p.Name == "hot" {
			hot = p
		}
	}
	eq(t, hot.HookOrder["hotUpdate"], "pre")
	h := &fakeHot{}
	pc := &PluginContext{Environment: &Environment{Name: "ssr", Mode: "dev", Config: rc, Hot: h}, Config: rc}
	opts := &HotUpdateOptions{Type: "update", File: "/src/a.js", Timestamp: 42, Modules: []string{"/src/ssr-a.js?v=1", "/src/b.js"},
		Read: func() (string, error) { return "contents", nil }}
	for file, want := range map[string][]string{"/src/a.js": {"/src/ssr-a.js?v=1"}, "/x.skip": {}, "/x.read": {"contents:update:42"}, "/x.send": nil} {
		opts.File = file
		got, err := hot.HotUpdate(pc, opts)
		if err != nil {
			t.Fatal(err)
		}
		eqv(t, got, want)
	}
	eqv(t, h.events, []string{"my:event"})
	eqv(t, h.data, []any{map[string]any{"n": float64(1), "env": "ssr"}})

	// buildApp.
	var log []string
	if err := RunBuildApp(context.Background(), rc, newFakeAppBuilder(&log, "client", "ssr", "edge")); err != nil {
		t.Fatal(err)
	}
	eqv(t, log, []string{"build:edge"})
}

// A JS config hook sees the environments (Go functions included) and gives them back unchanged.
func TestJSConfigHookKeepsGoEnvironmentFunctions(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json": "{}",
		"vite.config.js": `
export default {
  plugins: [{
    name: 'touch',
    config(config) {
      if (typeof config.environments.edge.dev.createEnvironment !== 'function') throw new Error('no function')
      config.environments.edge.define = { Z: '1' }
      return { environments: { other: { consumer: 'client' } } }
    },
  }],
}
`,
	})
	created := false
	inline := &UserConfig{Root: root, Logger: slog.New(slog.DiscardHandler), Environments: []NamedEnvironment{{Name: "edge", Options: EnvironmentOptions{
		Dev: DevEnvironmentOptions{CreateEnvironment: func(string, *ResolvedConfig) (any, error) { created = true; return nil, nil }},
	}}}, Builder: &BuilderOptions{BuildApp: func(context.Context, AppBuilder) error { return nil }}}
	rc, err := Resolve(context.Background(), inline, ResolveConfigOptions{Command: "serve"})
	if err != nil {
		t.Fatal(err)
	}
	eqv(t, rc.EnvironmentOrder, []string{"client", "ssr", "edge", "other"})
	eqv(t, rc.Environments["edge"].Define, map[string]any{"Z": "1"})
	eq(t, rc.Environments["other"].Consumer, "client")
	if _, err := rc.Environments["edge"].Dev.CreateEnvironment("edge", rc); err != nil || !created {
		t.Errorf("the Go createEnvironment was lost: %v", err)
	}
	if rc.Builder == nil || rc.Builder.BuildApp == nil {
		t.Error("the Go buildApp was lost")
	}
}

func TestJSEnvironmentDecodeErrorsAndWarnings(t *testing.T) {
	errorsTests := []struct {
		expr string
		want string
	}{
		{`{ environments: { edge: { consumer: 'browser' } } }`, `environments.edge.consumer: expected 'client' or 'server', got "browser"`},
		{`{ environments: { edge: { consumer: 1 } } }`, `environments.edge.consumer: expected 'client' or 'server', got number`},
		{`{ environments: { edge: { resolve: { external: [/x/] } } } }`, `environments.edge.resolve.external[0]: expected true, a string or an array of strings, got RegExp`},
		{`{ environments: { edge: { resolve: { noExternal: [1] } } } }`, `environments.edge.resolve.noExternal[0]: expected true, a string, a RegExp or an array of them, got number`},
		{`{ environments: { edge: { resolve: { noExternal: /(?=x)/ } } } }`, `environments.edge.resolve.noExternal: regular expression /(?=x)/: lookahead`},
		{`{ environments: { edge: 1 } }`, `environments.edge: expected an object of environment options, got number`},
		{`{ environments: [] }`, `environments: expected an object of environments ({ name: options }), got array`},
		{`{ environments: { 'my-env': { dev: { runner: 'bun' } } } }`, `environments["my-env"].dev.runner: expected 'engine' or 'node', got "bun"`},
		{`{ environments: { edge: { build: { minify: 'x' } } } }`, `environments.edge.build.minify: expected a boolean, 'esbuild', 'oxc' or 'terser', got "x"`},
		{`{ environments: { edge: { dev: { createEnvironment: 1 } } } }`, `environments.edge.dev.createEnvironment: expected a function, got number`},
		{`{ ssr: { target: 'deno' } }`, `ssr.target: expected 'node' or 'webworker', got "deno"`},
		{`{ ssr: { noExternal: {} } }`, `ssr.noExternal: expected true, a string, a RegExp or an array of them, got object`},
		{`{ builder: { buildApp: 'x' } }`, `builder.buildApp: expected a function, got string`},
		{`{ plugins: [{ name: 'p', applyToEnvironment: 1 }] }`, `plugin "p" (plugins[0]): applyToEnvironment must be a function, got number`},
	}
	for _, tt := range errorsTests {
		t.Run(tt.expr, func(t *testing.T) {
			_, _, err := decodeJS(t, tt.expr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
		})
	}
	_, warnings, err := decodeJS(t, `{ environments: { edge: { resolve: { alias: { a: 'b' }, preserveSymlinks: true }, css: {}, server: { port: 1 }, nope: 1, build: { lib: {} } } } }`)
	if err != nil {
		t.Fatal(err)
	}
	eqv(t, warnings, []string{
		"environments.edge.resolve.alias is not a per-environment option (Vite ignores it there); it is ignored: set resolve.alias at the top level",
		"environments.edge.resolve.preserveSymlinks is not a per-environment option (Vite ignores it there); it is ignored: set resolve.preserveSymlinks at the top level",
		"environments.edge.css is not a per-environment option (Vite ignores it there); it is ignored: set css at the top level",
		"environments.edge.server is not a per-environment option (Vite ignores it there); it is ignored: set server at the top level",
		"environments.edge.nope is not supported by govite yet; it is ignored",
		"environments.edge.build.lib is not supported by govite yet; it is ignored",
	})
}

func TestEncodeDecodeEnvironmentsRoundTrip(t *testing.T) {
	create := CreateDevEnvironmentFunc(func(string, *ResolvedConfig) (any, error) { return nil, nil })
	cfg := &UserConfig{
		Dev: DevEnvironmentOptions{Warmup: []string{"w"}, Runner: "node", PreTransformRequests: Bool(false)},
		SSR: &SSROptions{External: ModuleList{All: true}, NoExternal: ModuleList{Patterns: []Pattern{{Name: "a"}, {Regexp: "(?i)^b"}}}, Target: "webworker",
			Resolve: SSRResolveOptions{Conditions: []string{"c"}, ExternalConditions: []string{"e"}, MainFields: []string{"m"}}, OptimizeDeps: OptimizeDeps{Include: []string{"i"}}},
		Resolve: ResolveOptions{ExternalConditions: []string{"x"}, NoExternal: ModuleList{All: true}, Builtins: []Pattern{{Name: "fs"}, {Regexp: "^node:"}}},
		Environments: []NamedEnvironment{
			{Name: "z", Options: EnvironmentOptions{
				Input: &Input{Entries: []InputEntry{{Name: "main", Path: "m.js"}}}, Define: map[string]any{"A": "1"}, Consumer: "server",
				Resolve:      EnvironmentResolveOptions{Conditions: []string{"c"}, MainFields: []string{"m"}, External: ModuleList{Patterns: Names("ext")}, Builtins: []Pattern{}},
				OptimizeDeps: OptimizeDeps{Exclude: []string{"x"}},
				Dev:          DevEnvironmentOptions{Warmup: []string{"a"}, ModuleRunnerTransform: Bool(true), CreateEnvironment: create},
				Build:        BuildOptions{OutDir: "o", EmitAssets: Bool(true), SSREmitAssets: Bool(false), SSR: "e.js", Sourcemap: SourcemapInline},
			}},
			{Name: "a-b"},
		},
		Builder: &BuilderOptions{SharedPlugins: true},
	}
	got, warnings, err := decodeUserConfig(encodeUserConfig(cfg))
	if err != nil || len(warnings) > 0 {
		t.Fatalf("decode: %v %v", err, warnings)
	}
	if got.Environments[0].Options.Dev.CreateEnvironment == nil {
		t.Fatal("createEnvironment lost")
	}
	got.Environments[0].Options.Dev.CreateEnvironment, cfg.Environments[0].Options.Dev.CreateEnvironment = nil, nil
	if !reflect.DeepEqual(got, cfg) {
		t.Errorf("round trip changed the config:\n got  %+v\n want %+v", got, cfg)
	}
}
