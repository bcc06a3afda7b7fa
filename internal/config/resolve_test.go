package config

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func resolveIn(t *testing.T, root string, inline *UserConfig, opts ResolveConfigOptions) *ResolvedConfig {
	t.Helper()
	if inline == nil {
		inline = &UserConfig{}
	}
	inline.Root = root
	if inline.Logger == nil {
		inline.Logger = slog.New(slog.DiscardHandler)
	}
	rc, err := Resolve(context.Background(), inline, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

func TestResolveDefaults(t *testing.T) {
	t.Setenv("NODE_ENV", "")
	root := writeProject(t, map[string]string{"package.json": "{}"})
	rc := resolveIn(t, root, nil, ResolveConfigOptions{Command: "build"})
	want := &ResolvedConfig{
		Root: root, Base: "/", Mode: "production", Command: "build", IsProduction: true,
		PublicDir: filepath.Join(root, "public"), CacheDir: filepath.Join(root, "node_modules", ".vite"),
		EnvDir: root, EnvPrefix: []string{"VITE_"},
		Resolve: ResolveOptions{Extensions: DefaultExtensions},
		JSON:    JSONOptions{NamedExports: Bool(true)},
		Esbuild: EsbuildOptions{JSX: "automatic", JSXDev: Bool(false)},
		AppType: "spa", LogLevel: "info",
		Build: ResolvedBuildOptions{
			OutDir: filepath.Join(root, "dist"), AssetsDir: "assets", AssetsInlineLimit: 4096, CSSCodeSplit: true,
			CSSMinify: true, Minify: true, Target: DefaultTarget, ModulePreload: true, ModulePreloadPolyfill: true,
			Write: true, ReportCompressedSize: true, ChunkSizeWarningLimit: 500, CopyPublicDir: true, EmitAssets: true,
		},
		EnvironmentOrder: []string{"client"},
		Worker:           ResolvedWorkerOptions{Format: "iife"},
		Server: ResolvedServerOptions{
			Host: "localhost", Port: 5173, Cors: CORSOptions{OriginRegexps: []string{DefaultAllowedOrigins}},
			HMR: HMROptions{Overlay: Bool(true)}, FSStrict: true, FSAllow: []string{root}, FSDeny: DefaultFSDeny,
		},
	}
	// Fields that depend on the machine or are checked elsewhere (environments: environment_test.go).
	rc.Env, rc.Logger, rc.Define, rc.Environments = nil, nil, nil, nil
	if len(rc.Plugins) == 0 {
		rc.Plugins = nil
	}
	if !reflect.DeepEqual(rc, want) {
		t.Errorf("defaults:\n got  %+v\n want %+v", rc, want)
	}

	serve := resolveIn(t, root, &UserConfig{Base: "./"}, ResolveConfigOptions{Command: "serve"})
	if serve.Mode != "development" || serve.IsProduction || serve.Base != "/" || *serve.Esbuild.JSXDev != true {
		t.Errorf("serve: mode %q prod %v base %q", serve.Mode, serve.IsProduction, serve.Base)
	}
	preview := resolveIn(t, root, nil, ResolveConfigOptions{Command: "serve", IsPreview: true})
	if preview.Mode != "production" || !preview.IsProduction {
		t.Errorf("preview: mode %q prod %v", preview.Mode, preview.IsProduction)
	}
	// No package.json up the tree: the cache goes to root/.vite. (The temp dir has none above it.)
	bare := writeProject(t, nil)
	if findPackageDir(bare) == "" {
		eq(t, resolveIn(t, bare, nil, ResolveConfigOptions{Command: "build"}).CacheDir, filepath.Join(bare, ".vite"))
	}
}

func TestResolveMode(t *testing.T) {
	root := writeProject(t, map[string]string{"vite.config.js": "export default ({ mode }) => ({ mode: 'from-config', define: { seen: mode } })"})
	tests := []struct {
		name       string
		inlineMode string
		opts       ResolveConfigOptions
		wantMode   string
		wantSeen   string // the mode the config function was called with
	}{
		{"config beats default", "", ResolveConfigOptions{Command: "build"}, "from-config", "production"},
		{"inline beats config", "cli", ResolveConfigOptions{Command: "build"}, "cli", "cli"},
		{"default mode option", "", ResolveConfigOptions{Command: "serve", DefaultMode: "custom"}, "from-config", "custom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := resolveIn(t, root, &UserConfig{Mode: tt.inlineMode}, tt.opts)
			eq(t, rc.Mode, tt.wantMode)
			eq(t, rc.Define["seen"], tt.wantSeen)
		})
	}
	noFile := writeProject(t, nil)
	eq(t, resolveIn(t, noFile, nil, ResolveConfigOptions{Command: "serve"}).Mode, "development")
}

func TestResolveMergesInlineOverFile(t *testing.T) {
	root := writeProject(t, map[string]string{
		"vite.config.ts": `export default {
  base: '/file/', publicDir: 'assets-public', envPrefix: 'APP_', cacheDir: '.cache',
  define: { A: '"file"', B: '"file"' },
  resolve: { alias: { '@': '/file-src' } },
  build: { outDir: 'file-out', sourcemap: true, manifest: true, rollupOptions: { input: { main: 'index.html' } } },
}`,
		"src/lib.ts": "",
	})
	rc := resolveIn(t, root, &UserConfig{
		Define:  map[string]any{"B": `"inline"`},
		Resolve: ResolveOptions{Alias: []Alias{{Find: "~/", Replacement: "/home/"}}},
		Build:   BuildOptions{OutDir: "inline-out"},
	}, ResolveConfigOptions{Command: "build"})
	eq(t, rc.Base, "/file/")
	eq(t, rc.PublicDir, filepath.Join(root, "assets-public"))
	eq(t, rc.CacheDir, filepath.Join(root, ".cache"))
	eqv(t, rc.EnvPrefix, []string{"APP_"})
	eqv(t, rc.Define, map[string]any{"A": `"file"`, "B": `"inline"`})
	eqv(t, rc.Resolve.Alias, []Alias{{Find: "~", Replacement: "/home"}, {Find: "@", Replacement: "/file-src"}})
	eq(t, rc.Build.OutDir, filepath.Join(root, "inline-out"))
	eq(t, rc.Build.Sourcemap, SourcemapExternal)
	eq(t, rc.Build.Manifest, ".vite/manifest.json")
	eqv(t, rc.Build.Input, []InputEntry{{"main", filepath.Join(root, "index.html")}})
	eq(t, rc.ConfigFile, filepath.Join(root, "vite.config.ts"))
	eqv(t, rc.ConfigFileDependencies, []string{filepath.Join(root, "vite.config.ts")})

	disabled := resolveIn(t, root, nil, ResolveConfigOptions{Command: "build", ConfigFile: ConfigFileDisabled})
	eq(t, disabled.Base, "/")
	eq(t, disabled.ConfigFile, "")
}

func TestResolvePlugins(t *testing.T) {
	root := writeProject(t, map[string]string{"vite.config.js": `
const calls = []
globalThis.calls = calls
export default {
  plugins: [
    { name: 'post', enforce: 'post', config: () => { calls.push('post'); return { define: { calls: calls.join() } } } },
    { name: 'normal', config(c) { calls.push('normal'); return { build: { assetsDir: 'from-' + c.build.assetsDir } } } },
    [{ name: 'pre', enforce: 'pre', config: async () => { calls.push('pre'); return { build: { assetsDir: 'pre' }, plugins: [{ name: 'sneaky' }] } } }],
    { name: 'serve-only', apply: 'serve' },
    { name: 'build-fn', apply: (c, env) => env.command === 'build' && c.mode === 'production' },
    { name: 'never', apply: () => false, config() { throw new Error('must not run') } },
    { name: 'resolved', configResolved(rc) { if (!rc.build.outDir.endsWith('/dist')) throw new Error('bad resolved config ' + rc.build.outDir) } },
  ],
}`})
	var goSaw *ResolvedConfig
	goPlugin := &Plugin{
		Name:    "go",
		Enforce: "pre",
		Config: func(cfg *UserConfig, env ConfigEnv) (*UserConfig, error) {
			if env.Command != "build" || env.Mode != "production" {
				t.Errorf("go plugin env = %+v", env)
			}
			return &UserConfig{Define: map[string]any{"GO": "1"}}, nil
		},
		ConfigResolved: func(rc *ResolvedConfig) error { goSaw = rc; return nil },
	}
	var logBuf bytes.Buffer
	rc := resolveIn(t, root, &UserConfig{
		Plugins: []*Plugin{nil, goPlugin},
		Logger:  slog.New(slog.NewTextHandler(&logBuf, nil)),
	}, ResolveConfigOptions{Command: "build"})
	var names []string
	for _, p := range rc.Plugins {
		names = append(names, p.Name)
	}
	eqv(t, names, []string{"pre", "go", "normal", "build-fn", "resolved", "post"})
	eq(t, rc.Build.AssetsDir, "from-pre")
	eq(t, rc.Define["GO"], "1")
	if goSaw != rc {
		t.Error("configResolved did not see the resolved config")
	}
	eq(t, rc.Define["calls"], "pre,normal,post")
	wantWarning := `plugin "pre": config hook: plugins returned by a config hook are not used (as in Vite); add them to the config's plugins instead`
	if !slices.Contains(rc.Warnings, wantWarning) {
		t.Errorf("warnings %q lack %q", rc.Warnings, wantWarning)
	}
	if got := strings.Count(logBuf.String(), "plugins returned by a config hook"); got != 1 {
		t.Errorf("warning logged %d times:\n%s", got, logBuf.String())
	}

	serve := resolveIn(t, root, nil, ResolveConfigOptions{Command: "serve"})
	names = nil
	for _, p := range serve.Plugins {
		names = append(names, p.Name)
	}
	eqv(t, names, []string{"pre", "normal", "serve-only", "resolved", "post"})
}

func TestResolveEnv(t *testing.T) {
	t.Setenv("NODE_ENV", "")
	root := writeProject(t, map[string]string{
		"env/.env":             "VITE_A=a\nAPP_B=b\nSECRET=s",
		"env/.env.staging":     "VITE_A=staged",
		"devenv/.env":          "NODE_ENV=development\nVITE_X=1",
		"badenv/.env":          "NODE_ENV=production",
		"vite.config.js":       "export default { envDir: 'env' }",
		"other/vite.config.js": "export default {}",
	})
	rc := resolveIn(t, root, &UserConfig{Mode: "staging", EnvPrefix: []string{"VITE_", "APP_"}}, ResolveConfigOptions{Command: "build"})
	eq(t, rc.EnvDir, filepath.Join(root, "env"))
	eq(t, rc.Env["VITE_A"], "staged")
	eq(t, rc.Env["APP_B"], "b")
	if _, ok := rc.Env["SECRET"]; ok {
		t.Error("SECRET exposed")
	}
	env := ImportMetaEnv(rc, false)
	eq(t, env["MODE"], "staging")
	eq(t, env["PROD"], true)
	eq(t, env["BASE_URL"], "/")

	dev := resolveIn(t, root, &UserConfig{EnvDir: "devenv"}, ResolveConfigOptions{Command: "build", ConfigFile: ConfigFileDisabled})
	if dev.IsProduction {
		t.Error("NODE_ENV=development in .env should make a development build")
	}
	bad := resolveIn(t, root, &UserConfig{EnvDir: "badenv"}, ResolveConfigOptions{Command: "serve", ConfigFile: ConfigFileDisabled})
	if bad.IsProduction || len(bad.Warnings) != 1 || !strings.Contains(bad.Warnings[0], "NODE_ENV=production is not supported in the .env file") {
		t.Errorf("NODE_ENV=production in .env: prod %v warnings %q", bad.IsProduction, bad.Warnings)
	}
	t.Setenv("NODE_ENV", "production")
	served := resolveIn(t, root, &UserConfig{EnvDir: "devenv"}, ResolveConfigOptions{Command: "serve", ConfigFile: ConfigFileDisabled})
	if !served.IsProduction {
		t.Error("the process's NODE_ENV=production should win")
	}

	_, err := Resolve(context.Background(), &UserConfig{Root: root, EnvPrefix: []string{""}}, ResolveConfigOptions{Command: "build", ConfigFile: ConfigFileDisabled})
	if err == nil || !strings.Contains(err.Error(), "envPrefix contains ''") {
		t.Errorf("empty envPrefix: %v", err)
	}
	_, err = Resolve(context.Background(), &UserConfig{Root: root, Mode: "local"}, ResolveConfigOptions{Command: "build", ConfigFile: ConfigFileDisabled})
	if err == nil || !strings.Contains(err.Error(), `"local" cannot be used as a mode name`) {
		t.Errorf("mode local: %v", err)
	}
}

func TestResolveBase(t *testing.T) {
	tests := []struct {
		base    string
		build   bool
		want    string
		warning bool
	}{
		{"", true, "/", false},
		{"/", true, "/", false},
		{"/app", true, "/app/", false},
		{"/app/", false, "/app/", false},
		{"/a/../b/", true, "/b/", false},
		{"./", true, "./", false},
		{"./", false, "/", false},
		{"https://cdn.example.com/x", true, "https://cdn.example.com/x/", false},
		{"https://cdn.example.com/x/", false, "/x/", false},
		{"//cdn.example.com/y/", false, "/y/", false},
		{"app/", true, "/app/", true},
		{"../x", true, "/", true},
	}
	for _, tt := range tests {
		w := &warningList{seen: map[string]bool{}}
		got := resolveBase(tt.base, tt.build, w)
		if got != tt.want || (len(w.list) > 0) != tt.warning {
			t.Errorf("resolveBase(%q, build=%v) = %q, warnings %q; want %q, warning %v", tt.base, tt.build, got, w.list, tt.want, tt.warning)
		}
	}
}

func TestResolveBuildOptions(t *testing.T) {
	root := writeProject(t, nil)
	tests := []struct {
		name   string
		inline *UserConfig
		opts   ResolveConfigOptions
		check  func(t *testing.T, b ResolvedBuildOptions)
	}{
		{
			name: "input priority: rolldownOptions, rollupOptions, input",
			inline: &UserConfig{
				Input: &Input{Entries: []InputEntry{{Path: "top.html"}}},
				Build: BuildOptions{
					RollupOptions:   RollupOptions{Input: &Input{Entries: []InputEntry{{Path: "rollup.html"}}}, External: []string{"r"}},
					RolldownOptions: RollupOptions{Input: &Input{Entries: []InputEntry{{Name: "x", Path: "/abs/rolldown.ts"}}}},
				},
			},
			check: func(t *testing.T, b ResolvedBuildOptions) {
				eqv(t, b.Input, []InputEntry{{"x", "/abs/rolldown.ts"}})
				eqv(t, b.External, []string{"r"})
			},
		},
		{
			name:   "rollupOptions input before the top-level one",
			inline: &UserConfig{Input: &Input{Entries: []InputEntry{{Path: "top.html"}}}, Build: BuildOptions{RollupOptions: RollupOptions{Input: &Input{Entries: []InputEntry{{Path: "src/rollup.html"}}}}}},
			check: func(t *testing.T, b ResolvedBuildOptions) {
				eqv(t, b.Input, []InputEntry{{Path: filepath.Join(root, "src", "rollup.html")}})
			},
		},
		{
			name:   "top-level input",
			inline: &UserConfig{Input: &Input{Entries: []InputEntry{{Path: "./top.html"}}}},
			check: func(t *testing.T, b ResolvedBuildOptions) {
				eqv(t, b.Input, []InputEntry{{Path: filepath.Join(root, "top.html")}})
			},
		},
		{
			name:   "ssr build: no minify by default, absolute entry",
			inline: &UserConfig{Build: BuildOptions{SSR: "src/entry-server.ts", SSRManifest: FileOption{Enabled: true}}},
			check: func(t *testing.T, b ResolvedBuildOptions) {
				if b.Minify || b.CSSMinify || !b.SSRBuild {
					t.Errorf("ssr: minify %v cssMinify %v ssrBuild %v", b.Minify, b.CSSMinify, b.SSRBuild)
				}
				eq(t, b.SSR, filepath.Join(root, "src", "entry-server.ts"))
				eq(t, b.SSRManifest, ".vite/ssr-manifest.json")
			},
		},
		{
			name:  "ssr build asked by the caller",
			opts:  ResolveConfigOptions{IsSsrBuild: true},
			check: func(t *testing.T, b ResolvedBuildOptions) { eq(t, b.Minify, false) },
		},
		{
			name: "explicit values",
			inline: &UserConfig{Build: BuildOptions{
				Minify: Bool(false), CSSMinify: Bool(true), AssetsInlineLimit: Int(0), Target: []string{"modules", "node20"},
				Manifest: FileOption{Enabled: true, Path: "manifest.json"}, ModulePreload: &ModulePreload{Polyfill: Bool(false)},
				EmptyOutDir: Bool(false), Write: Bool(false), OutDir: "/elsewhere/out",
			}},
			check: func(t *testing.T, b ResolvedBuildOptions) {
				if b.Minify || !b.CSSMinify || b.AssetsInlineLimit != 0 || b.Write || *b.EmptyOutDir {
					t.Errorf("got %+v", b)
				}
				eqv(t, b.Target, append(slices.Clone(DefaultTarget), "node20"))
				eq(t, b.Manifest, "manifest.json")
				if !b.ModulePreload || b.ModulePreloadPolyfill {
					t.Errorf("modulePreload %v polyfill %v", b.ModulePreload, b.ModulePreloadPolyfill)
				}
				eq(t, b.OutDir, "/elsewhere/out")
			},
		},
		{
			name:   "modulePreload false",
			inline: &UserConfig{Build: BuildOptions{ModulePreload: &ModulePreload{Disabled: true}}},
			check: func(t *testing.T, b ResolvedBuildOptions) {
				if b.ModulePreload || b.ModulePreloadPolyfill {
					t.Error("module preload still on")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Command, opts.ConfigFile = "build", ConfigFileDisabled
			tt.check(t, resolveIn(t, root, tt.inline, opts).Build)
		})
	}
}

func TestResolveEsbuildAndMisc(t *testing.T) {
	root := writeProject(t, nil)
	opts := ResolveConfigOptions{Command: "build", ConfigFile: ConfigFileDisabled}
	classic := resolveIn(t, root, &UserConfig{Esbuild: &EsbuildOptions{JSXFactory: "h"}}, opts)
	eq(t, classic.Esbuild.JSX, "transform")
	off := resolveIn(t, root, &UserConfig{Esbuild: &EsbuildOptions{Disabled: true}}, opts)
	eqv(t, off.Esbuild, EsbuildOptions{Disabled: true})
	pub := resolveIn(t, root, &UserConfig{PublicDir: String(""), Resolve: ResolveOptions{Extensions: []string{".ts"}}}, opts)
	eq(t, pub.PublicDir, "")
	eqv(t, pub.Resolve.Extensions, []string{".ts"})

	for _, tt := range []struct {
		inline *UserConfig
		opts   ResolveConfigOptions
		want   string
	}{
		{&UserConfig{LogLevel: "debug"}, opts, "logLevel: expected"},
		{&UserConfig{AppType: "spa2"}, opts, "appType: expected"},
		{&UserConfig{}, ResolveConfigOptions{Command: "dev"}, `unknown command "dev"`},
	} {
		tt.inline.Root = root
		if _, err := Resolve(context.Background(), tt.inline, tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}

	// The config file's root is relative to the working directory, as in Vite.
	project := writeProject(t, map[string]string{"vite.config.js": "export default { root: 'app' }"})
	t.Chdir(project)
	rc, err := Resolve(context.Background(), nil, ResolveConfigOptions{Command: "build"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, rc.Root, filepath.Join(project, "app"))
	eq(t, rc.ConfigFile, filepath.Join(project, "vite.config.js"))
}

func TestResolveErrorsNamePlugin(t *testing.T) {
	root := writeProject(t, nil)
	boom := errors.New("boom")
	for _, p := range []*Plugin{
		{Name: "c", Config: func(*UserConfig, ConfigEnv) (*UserConfig, error) { return nil, boom }},
		{Name: "c", ConfigResolved: func(*ResolvedConfig) error { return boom }},
	} {
		_, err := Resolve(context.Background(), &UserConfig{Root: root, Plugins: []*Plugin{p}}, ResolveConfigOptions{Command: "build", ConfigFile: ConfigFileDisabled})
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), `plugin "c":`) {
			t.Errorf("err = %v", err)
		}
	}
}
