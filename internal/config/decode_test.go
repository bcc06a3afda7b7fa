package config

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// decodeJS loads `export default <expr>` as a config file.
func decodeJS(t *testing.T, expr string) (*UserConfig, []string, error) {
	t.Helper()
	root := writeProject(t, map[string]string{"vite.config.js": "export default " + expr})
	cfg, loaded, err := LoadConfigFile(context.Background(), root, "", buildEnv)
	if err != nil {
		return nil, nil, err
	}
	return cfg, loaded.Warnings, nil
}

func TestDecodeOptions(t *testing.T) {
	tests := []struct {
		name     string
		expr     string
		check    func(t *testing.T, c *UserConfig)
		warnings []string
	}{
		{
			name: "publicDir false and string",
			expr: `{ publicDir: false }`,
			check: func(t *testing.T, c *UserConfig) {
				if c.PublicDir == nil || *c.PublicDir != "" {
					t.Errorf("publicDir = %v", c.PublicDir)
				}
			},
		},
		{
			name:  "publicDir string",
			expr:  `{ publicDir: 'static' }`,
			check: func(t *testing.T, c *UserConfig) { eq(t, *c.PublicDir, "static") },
		},
		{
			name:  "empty base is the relative base",
			expr:  `{ base: '' }`,
			check: func(t *testing.T, c *UserConfig) { eq(t, c.Base, "./") },
		},
		{
			name: "minify esbuild, cssMinify false",
			expr: `{ build: { minify: 'esbuild', cssMinify: false } }`,
			check: func(t *testing.T, c *UserConfig) {
				eq(t, *c.Build.Minify, true)
				eq(t, *c.Build.CSSMinify, false)
			},
		},
		{
			name:     "minify terser warns",
			expr:     `{ build: { minify: 'terser' } }`,
			check:    func(t *testing.T, c *UserConfig) { eq(t, *c.Build.Minify, true) },
			warnings: []string{"build.minify: 'terser' is not available in govite; esbuild minifies instead"},
		},
		{
			name:  "minify false",
			expr:  `{ build: { minify: false } }`,
			check: func(t *testing.T, c *UserConfig) { eq(t, *c.Build.Minify, false) },
		},
		{
			name:  "sourcemap true",
			expr:  `{ build: { sourcemap: true } }`,
			check: func(t *testing.T, c *UserConfig) { eq(t, c.Build.Sourcemap, SourcemapExternal) },
		},
		{
			name:  "sourcemap hidden",
			expr:  `{ build: { sourcemap: 'hidden' } }`,
			check: func(t *testing.T, c *UserConfig) { eq(t, c.Build.Sourcemap, SourcemapHidden) },
		},
		{
			name: "manifest forms",
			expr: `{ build: { manifest: true, ssrManifest: 'ssr.json' } }`,
			check: func(t *testing.T, c *UserConfig) {
				eq(t, c.Build.Manifest, FileOption{Enabled: true})
				eq(t, c.Build.SSRManifest, FileOption{Enabled: true, Path: "ssr.json"})
			},
		},
		{
			name:  "modulePreload false",
			expr:  `{ build: { modulePreload: false } }`,
			check: func(t *testing.T, c *UserConfig) { eq(t, c.Build.ModulePreload.Disabled, true) },
		},
		{
			name: "modulePreload polyfill",
			expr: `{ build: { modulePreload: { polyfill: false } } }`,
			check: func(t *testing.T, c *UserConfig) {
				if c.Build.ModulePreload.Disabled || *c.Build.ModulePreload.Polyfill || c.Build.ModulePreload.ResolveDependencies != nil {
					t.Errorf("modulePreload = %+v", c.Build.ModulePreload)
				}
			},
		},
		{
			name: "modulePreload resolveDependencies",
			expr: `{ build: { modulePreload: { resolveDependencies: (filename, deps, { hostId, hostType }) =>
				hostType === 'html' ? [] : hostType === 'bad' ? 'x' : hostType === 'throw' ? missing() :
				deps.filter((d) => !d.includes('util')).concat([filename + '@' + hostId]) } } }`,
			check: func(t *testing.T, c *UserConfig) {
				rd := c.Build.ModulePreload.ResolveDependencies
				if rd == nil {
					t.Fatal("resolveDependencies was not decoded")
				}
				got, err := rd("assets/lazy.js", []string{"assets/lazy.js", "assets/util.js"}, "assets/index.js", "js")
				if want := []string{"assets/lazy.js", "assets/lazy.js@assets/index.js"}; err != nil || !slices.Equal(got, want) {
					t.Errorf("js: got %q, %v; want %q", got, err, want)
				}
				got, err = rd("assets/index.js", []string{"assets/a.js"}, "index.html", "html")
				if err != nil || got == nil || len(got) != 0 {
					t.Errorf("html: got %#v, %v; want an empty list", got, err)
				}
				if _, err := rd("a.js", nil, "b.js", "bad"); err == nil || !strings.Contains(err.Error(), "build.modulePreload.resolveDependencies") ||
					!strings.Contains(err.Error(), "returned string; it must return an array of file names") {
					t.Errorf("a string result: err = %v", err)
				}
				if _, err := rd("a.js", nil, "b.js", "throw"); err == nil || !strings.Contains(err.Error(), "missing") {
					t.Errorf("a throwing function: err = %v", err)
				}
			},
		},
		{
			name:  "esbuild false",
			expr:  `{ esbuild: false }`,
			check: func(t *testing.T, c *UserConfig) { eq(t, c.Esbuild.Disabled, true) },
		},
		{
			name: "esbuild options",
			expr: `{ esbuild: { jsxFactory: 'h', jsxFragment: 'Fragment', jsxInject: "import { h } from 'preact'", drop: ['console'], target: ['es2020', 'chrome90'], define: { A: '1' }, include: /x/ } }`,
			check: func(t *testing.T, c *UserConfig) {
				e := c.Esbuild
				eq(t, e.JSXFactory, "h")
				eq(t, e.JSXFragment, "Fragment")
				eq(t, e.JSXInject, "import { h } from 'preact'")
				eqv(t, e.Drop, []string{"console"})
				eq(t, e.Target, "es2020,chrome90")
				eqv(t, e.Define, map[string]string{"A": "1"})
			},
			warnings: []string{"esbuild.include is not supported by govite yet; it is ignored"},
		},
		{
			name: "input string",
			expr: `{ build: { rollupOptions: { input: 'src/main.ts' } } }`,
			check: func(t *testing.T, c *UserConfig) {
				eqv(t, c.Build.RollupOptions.Input.Entries, []InputEntry{{Path: "src/main.ts"}})
			},
		},
		{
			name: "input array",
			expr: `{ build: { rolldownOptions: { input: ['a.html', 'b.html'] } } }`,
			check: func(t *testing.T, c *UserConfig) {
				eqv(t, c.Build.RolldownOptions.Input.Entries, []InputEntry{{Path: "a.html"}, {Path: "b.html"}})
			},
		},
		{
			name: "input object keeps insertion order",
			expr: `{ input: { zeta: 'z.html', alpha: 'a.html', mid: 'm.html' } }`,
			check: func(t *testing.T, c *UserConfig) {
				eqv(t, c.Input.Entries, []InputEntry{{"zeta", "z.html"}, {"alpha", "a.html"}, {"mid", "m.html"}})
			},
		},
		{
			name: "alias object form, ordered",
			expr: `{ resolve: { alias: { '@': '/src', 'components': '/src/components', '~': '' } } }`,
			check: func(t *testing.T, c *UserConfig) {
				eqv(t, c.Resolve.Alias, []Alias{{Find: "@", Replacement: "/src"}, {Find: "components", Replacement: "/src/components"}, {Find: "~", Replacement: ""}})
			},
		},
		{
			name: "alias array form with regexps",
			expr: `{ resolve: { alias: [
				{ find: /^~/, replacement: '' },
				{ find: /^(?<pkg>@scope)\/(.*)$/i, replacement: '/vendor/$1/$2' },
				{ find: 'lodash', replacement: 'lodash-es', customResolver: () => null },
			] } }`,
			check: func(t *testing.T, c *UserConfig) {
				a := c.Resolve.Alias
				if len(a) != 3 {
					t.Fatalf("aliases = %+v", a)
				}
				eq(t, a[0].FindRegexp, "^~")
				eq(t, a[1].FindRegexp, `(?i)^(?P<pkg>@scope)\/(.*)$`)
				if !regexp.MustCompile(a[1].FindRegexp).MatchString("@SCOPE/x") {
					t.Error("translated regexp does not match")
				}
				eq(t, a[2].Find, "lodash")
				eq(t, a[2].Replacement, "lodash-es")
			},
			warnings: []string{"resolve.alias[2].customResolver is not supported by govite yet; it is ignored"},
		},
		{
			name: "define keeps Go values",
			expr: `{ define: { __VERSION__: JSON.stringify('1.0'), __N__: 42, __B__: true, __O__: { a: [1, 'x', null] }, 'import.meta.env.X': '"x"' } }`,
			check: func(t *testing.T, c *UserConfig) {
				want := map[string]any{
					"__VERSION__": `"1.0"`, "__N__": float64(42), "__B__": true,
					"__O__": map[string]any{"a": []any{float64(1), "x", nil}}, "import.meta.env.X": `"x"`,
				}
				eqv(t, c.Define, want)
			},
		},
		{
			name: "string or list options",
			expr: `{ envPrefix: 'APP_', build: { target: 'es2020', rollupOptions: { external: ['react', /^node:/] } }, assetsInclude: ['**/*.gltf', /\.glb$/] }`,
			check: func(t *testing.T, c *UserConfig) {
				eqv(t, c.EnvPrefix, []string{"APP_"})
				eqv(t, c.Build.Target, []string{"es2020"})
				eqv(t, c.Build.RollupOptions.External, []string{"react"})
				eqv(t, c.AssetsInclude, []string{"**/*.gltf"})
			},
			warnings: []string{
				`build.rollupOptions.external[1]: regular expression /^node:/ is not supported by govite yet; it is ignored (list the module names instead)`,
				`assetsInclude[1]: regular expression /\.glb$/ is not supported by govite yet; it is ignored (use a glob such as '**/*.glb')`,
			},
		},
		{
			name: "build.ssr forms",
			expr: `{ build: { ssr: true } }`,
			check: func(t *testing.T, c *UserConfig) {
				eq(t, c.Build.SSRInput, true)
				eq(t, c.Build.SSR, "")
			},
		},
		{
			name:  "build.ssr entry",
			expr:  `{ build: { ssr: 'src/entry-server.ts' } }`,
			check: func(t *testing.T, c *UserConfig) { eq(t, c.Build.SSR, "src/entry-server.ts") },
		},
		{
			name: "json and css",
			expr: `{ json: { stringify: 'auto', namedExports: false }, css: { devSourcemap: true, modules: { localsConvention: 'camelCaseOnly', generateScopedName: '[name]__[local]' }, preprocessorOptions: { scss: {} } } }`,
			check: func(t *testing.T, c *UserConfig) {
				eq(t, c.JSON.Stringify, false)
				eq(t, *c.JSON.NamedExports, false)
				eq(t, c.CSS.DevSourcemap, true)
				eq(t, c.CSS.Modules.LocalsConvention, "camelCaseOnly")
			},
			warnings: []string{
				"css.modules.generateScopedName is not supported by govite yet; it is ignored",
			},
		},
		{
			name: "numbers, null and undefined",
			expr: `{ build: { assetsInlineLimit: 0, chunkSizeWarningLimit: 1000, outDir: undefined, assetsDir: null } }`,
			check: func(t *testing.T, c *UserConfig) {
				eq(t, *c.Build.AssetsInlineLimit, 0)
				eq(t, *c.Build.ChunkSizeWarningLimit, 1000)
				eq(t, c.Build.OutDir, "")
			},
		},
		{
			name:  "unknown options are named with their full path",
			expr:  `{ server: { port: 3000 }, preview: {}, optimizeDeps: { include: ['x'] }, ssr: { noExternal: true }, environments: {}, worker: { format: 'es' }, experimental: {}, build: { rollupOptions: { output: { manualChunks: { vendor: ['react'] }, entryFileNames: '[name].js' }, treeshake: false }, lib: { entry: 'x' } }, 'odd-key': 1 }`,
			check: func(t *testing.T, c *UserConfig) {},
			warnings: []string{
				"experimental is not supported by govite yet; it is ignored",
				"build.rollupOptions.output.manualChunks is not supported by govite yet; it is ignored",
				"build.rollupOptions.treeshake is not supported by govite yet; it is ignored",
				"build.lib is not supported by govite yet; it is ignored",
				`odd-key is not supported by govite yet; it is ignored`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, warnings, err := decodeJS(t, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, cfg)
			if !reflect.DeepEqual(warnings, tt.warnings) && !(len(warnings) == 0 && len(tt.warnings) == 0) {
				t.Errorf("warnings:\n got  %q\n want %q", warnings, tt.warnings)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{`{ build: { outDir: 1 } }`, []string{"build.outDir: expected a string, got number"}},
		{`{ publicDir: true }`, []string{"publicDir: expected a string or false, got true"}},
		{`{ build: { sourcemap: 'external' } }`, []string{`build.sourcemap: expected true, false, 'inline' or 'hidden', got "external"`}},
		{`{ build: { manifest: 1 } }`, []string{"build.manifest: expected a boolean or a file path, got number"}},
		{`{ build: { assetsInlineLimit: 1.5 } }`, []string{"build.assetsInlineLimit: expected an integer, got 1.5"}},
		{`{ resolve: { alias: [{ find: /(?=x)/, replacement: '' }] } }`, []string{"resolve.alias[0].find", "lookahead"}},
		{`{ resolve: { alias: [{ find: 'a', replacement: (m) => m }] } }`, []string{"resolve.alias[0].replacement: a function replacement is not supported"}},
		{`{ resolve: { alias: { a: 1 } } }`, []string{"resolve.alias.a: expected a string, got number"}},
		{`{ input: { main: 1 } }`, []string{"input.main: expected a string, got number"}},
		{`{ define: { fn: () => 1 } }`, []string{"define.fn: a function cannot be used here"}},
		{`{ envPrefix: ['A', 1] }`, []string{"envPrefix[1]: expected a string, got number"}},
		{`{ resolve: 'x' }`, []string{"resolve: expected an object, got string"}},
		{`{ plugins: [{ name: 'p', enforce: 'first' }] }`, []string{`plugin "p"`, "enforce must be 'pre' or 'post'"}},
		{`{ plugins: [{ name: 'p', apply: 'dev' }] }`, []string{`plugin "p"`, "apply must be 'build', 'serve' or a function"}},
		{`{ plugins: [{ name: 'p', transform: 5 }] }`, []string{`plugin "p": hook transform: expected a function or { handler }, got number`}},
		{`{ plugins: ['p'] }`, []string{"plugins[0]: expected a plugin object, got string"}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, _, err := decodeJS(t, tt.expr)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}

// Encoding a config for a JS config hook and decoding it again must give it back unchanged: config
// hooks may change the object they get, and govite reads it back whole.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	cfg := &UserConfig{
		Root: "/r", Base: "./", Mode: "m", PublicDir: String(""), CacheDir: ".c",
		Define:        map[string]any{"A": "1", "N": float64(2), "O": map[string]any{"x": []any{true, nil}}},
		Resolve:       ResolveOptions{Alias: []Alias{{Find: "@", Replacement: "/src"}, {FindRegexp: `(?i)^(?P<n>x)`, Replacement: "y"}}, Extensions: []string{".ts"}, Conditions: []string{"c"}, MainFields: []string{"m"}, Dedupe: []string{"d"}, PreserveSymlinks: true},
		CSS:           CSSOptions{Modules: &CSSModulesOptions{LocalsConvention: "dashes"}, DevSourcemap: true},
		JSON:          JSONOptions{NamedExports: Bool(false), Stringify: true},
		Esbuild:       &EsbuildOptions{JSX: "transform", JSXFactory: "h", JSXDev: Bool(false), Define: map[string]string{"a": "b"}, Drop: []string{"debugger"}, KeepNames: true, Target: "es2020"},
		AssetsInclude: []string{"**/*.x"}, LogLevel: "warn", ClearScreen: Bool(false), EnvDir: "env", EnvPrefix: []string{"A_", "B_"}, AppType: "mpa",
		Build: BuildOptions{
			OutDir: "o", AssetsDir: "a", AssetsInlineLimit: Int(0), CSSCodeSplit: Bool(false), CSSMinify: Bool(true), Minify: Bool(false),
			Sourcemap: SourcemapExternal, Target: []string{"es2019"}, EmptyOutDir: Bool(true), Manifest: FileOption{Enabled: true},
			SSRManifest: FileOption{Enabled: true, Path: "s.json"}, ModulePreload: &ModulePreload{Polyfill: Bool(false)},
			RollupOptions:   RollupOptions{Input: &Input{Entries: []InputEntry{{"a", "a.html"}, {"b", "b.html"}}}, External: []string{"x"}},
			RolldownOptions: RollupOptions{Input: &Input{Entries: []InputEntry{{Path: "one.ts"}}}},
			Write:           Bool(false), SSRInput: true, ReportCompressedSize: Bool(false), ChunkSizeWarningLimit: Int(9), CopyPublicDir: Bool(false),
		},
		Input: &Input{Entries: []InputEntry{{Path: "x.html"}, {Path: "y.html"}}},
	}
	got, warnings, err := decodeUserConfig(encodeUserConfig(cfg))
	if err != nil || len(warnings) > 0 {
		t.Fatalf("decode: %v %v", err, warnings)
	}
	if !reflect.DeepEqual(got, cfg) {
		t.Errorf("round trip changed the config:\n got  %+v\n want %+v", got, cfg)
	}
	// Disabled forms.
	off := &UserConfig{Esbuild: &EsbuildOptions{Disabled: true}, Build: BuildOptions{ModulePreload: &ModulePreload{Disabled: true}, SSR: "e.ts"}}
	got, _, err = decodeUserConfig(encodeUserConfig(off))
	if err != nil || !reflect.DeepEqual(got, off) {
		t.Errorf("round trip of disabled forms: %v %+v", err, got)
	}
}

func TestTranslateRegExp(t *testing.T) {
	tests := []struct {
		src, flags string
		want       string
		match      []string
		noMatch    []string
		wantErr    bool
	}{
		{src: `^~`, want: `^~`, match: []string{"~/x"}, noMatch: []string{"a~"}},
		{src: `^\/src\/`, want: `^\/src\/`, match: []string{"/src/a"}},
		{src: `^@(?<name>\w+)`, flags: "gi", want: `(?i)^@(?P<name>\w+)`, match: []string{"@ABC"}},
		{src: `a.b`, flags: "s", want: `(?s)a.b`, match: []string{"a\nb"}},
		{src: `\u0041[^]`, want: `\x{0041}[\x00-\x{10FFFF}]`, match: []string{"A\n"}},
		{src: `\u{1F600}`, flags: "u", want: `\x{1F600}`, match: []string{"😀"}},
		{src: `(a)\1`, wantErr: true},
		{src: `a(?!b)`, wantErr: true},
		{src: `(?<=a)b`, wantErr: true},
		{src: `x`, flags: "q", wantErr: true},
	}
	for _, tt := range tests {
		got, err := TranslateRegExp(tt.src, tt.flags)
		if tt.wantErr {
			if err == nil {
				t.Errorf("/%s/%s: no error, got %q", tt.src, tt.flags, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("/%s/%s: %v", tt.src, tt.flags, err)
			continue
		}
		if got != tt.want {
			t.Errorf("/%s/%s = %q, want %q", tt.src, tt.flags, got, tt.want)
		}
		re := regexp.MustCompile(got)
		for _, m := range tt.match {
			if !re.MatchString(m) {
				t.Errorf("/%s/%s does not match %q", tt.src, tt.flags, m)
			}
		}
		for _, m := range tt.noMatch {
			if re.MatchString(m) {
				t.Errorf("/%s/%s matches %q", tt.src, tt.flags, m)
			}
		}
		if src, flags := untranslateRegExp(got); !strings.Contains(tt.src, "\\u") && !strings.Contains(tt.src, "[^]") && (src != tt.src || !slices.Equal([]byte(flags), []byte(strings.Trim(tt.flags, "gyudv")))) {
			t.Errorf("untranslate(%q) = /%s/%s", got, src, flags)
		}
	}
}
