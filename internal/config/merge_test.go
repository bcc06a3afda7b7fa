package config

import (
	"log/slog"
	"reflect"
	"testing"
)

func TestMerge(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	pa, pb := &Plugin{Name: "a"}, &Plugin{Name: "b"}
	tests := []struct {
		name           string
		base, override *UserConfig
		want           *UserConfig
	}{
		{"both nil", nil, nil, &UserConfig{}},
		{"nil base", nil, &UserConfig{Base: "/x/"}, &UserConfig{Base: "/x/"}},
		{
			name:     "scalars: set values win, zero values keep the base",
			base:     &UserConfig{Base: "/a/", Mode: "m", Root: "r", Build: BuildOptions{OutDir: "dist", Minify: Bool(true)}, JSON: JSONOptions{Stringify: true}},
			override: &UserConfig{Base: "/b/", Build: BuildOptions{Minify: Bool(false), AssetsDir: "static"}},
			want:     &UserConfig{Base: "/b/", Mode: "m", Root: "r", Build: BuildOptions{OutDir: "dist", AssetsDir: "static", Minify: Bool(false)}, JSON: JSONOptions{Stringify: true}},
		},
		{
			name:     "lists are concatenated",
			base:     &UserConfig{Plugins: []*Plugin{pa}, AssetsInclude: []string{"*.a"}, Resolve: ResolveOptions{Dedupe: []string{"x"}, Conditions: []string{"c1"}}},
			override: &UserConfig{Plugins: []*Plugin{pb}, AssetsInclude: []string{"*.b"}, Resolve: ResolveOptions{Dedupe: []string{"y"}}},
			want:     &UserConfig{Plugins: []*Plugin{pa, pb}, AssetsInclude: []string{"*.a", "*.b"}, Resolve: ResolveOptions{Dedupe: []string{"x", "y"}, Conditions: []string{"c1"}}},
		},
		{
			name:     "single-or-list options are replaced",
			base:     &UserConfig{EnvPrefix: []string{"A_"}, Build: BuildOptions{Target: []string{"es2015"}, RollupOptions: RollupOptions{External: []string{"x"}}}},
			override: &UserConfig{EnvPrefix: []string{"B_"}, Build: BuildOptions{Target: []string{"esnext"}, RollupOptions: RollupOptions{External: []string{"y"}}}},
			want:     &UserConfig{EnvPrefix: []string{"B_"}, Build: BuildOptions{Target: []string{"esnext"}, RollupOptions: RollupOptions{External: []string{"y"}}}},
		},
		{
			name:     "define entries are merged",
			base:     &UserConfig{Define: map[string]any{"A": "1", "B": "1"}},
			override: &UserConfig{Define: map[string]any{"B": "2", "C": "2"}},
			want:     &UserConfig{Define: map[string]any{"A": "1", "B": "2", "C": "2"}},
		},
		{
			name:     "aliases: override first, redefined entries dropped",
			base:     &UserConfig{Resolve: ResolveOptions{Alias: []Alias{{Find: "@", Replacement: "/old"}, {Find: "~", Replacement: "/home"}}}},
			override: &UserConfig{Resolve: ResolveOptions{Alias: []Alias{{Find: "@", Replacement: "/new"}, {FindRegexp: "^#", Replacement: "/h"}}}},
			want:     &UserConfig{Resolve: ResolveOptions{Alias: []Alias{{Find: "@", Replacement: "/new"}, {FindRegexp: "^#", Replacement: "/h"}, {Find: "~", Replacement: "/home"}}}},
		},
		{
			name:     "named inputs are merged",
			base:     &UserConfig{Build: BuildOptions{RollupOptions: RollupOptions{Input: &Input{Entries: []InputEntry{{"main", "a.html"}, {"admin", "b.html"}}}}}},
			override: &UserConfig{Build: BuildOptions{RollupOptions: RollupOptions{Input: &Input{Entries: []InputEntry{{"admin", "c.html"}, {"extra", "d.html"}}}}}},
			want:     &UserConfig{Build: BuildOptions{RollupOptions: RollupOptions{Input: &Input{Entries: []InputEntry{{"main", "a.html"}, {"admin", "c.html"}, {"extra", "d.html"}}}}}},
		},
		{
			name:     "other inputs are replaced",
			base:     &UserConfig{Input: &Input{Entries: []InputEntry{{"main", "a.html"}}}},
			override: &UserConfig{Input: &Input{Entries: []InputEntry{{Path: "b.html"}}}},
			want:     &UserConfig{Input: &Input{Entries: []InputEntry{{Path: "b.html"}}}},
		},
		{
			name:     "esbuild options are merged",
			base:     &UserConfig{Esbuild: &EsbuildOptions{JSXFactory: "h", Drop: []string{"console"}}},
			override: &UserConfig{Esbuild: &EsbuildOptions{JSXFragment: "F", Drop: []string{"debugger"}}},
			want:     &UserConfig{Esbuild: &EsbuildOptions{JSXFactory: "h", JSXFragment: "F", Drop: []string{"console", "debugger"}}},
		},
		{
			name:     "esbuild false replaces",
			base:     &UserConfig{Esbuild: &EsbuildOptions{JSXFactory: "h"}},
			override: &UserConfig{Esbuild: &EsbuildOptions{Disabled: true}},
			want:     &UserConfig{Esbuild: &EsbuildOptions{Disabled: true}},
		},
		{
			name:     "module preload, manifest, public dir, logger",
			base:     &UserConfig{PublicDir: String("static"), Build: BuildOptions{ModulePreload: &ModulePreload{Polyfill: Bool(false)}, Manifest: FileOption{Enabled: true, Path: "m.json"}}},
			override: &UserConfig{PublicDir: String(""), Logger: logger, Build: BuildOptions{ModulePreload: &ModulePreload{Disabled: true}, SSRManifest: FileOption{Enabled: true}}},
			want:     &UserConfig{PublicDir: String(""), Logger: logger, Build: BuildOptions{ModulePreload: &ModulePreload{Disabled: true}, Manifest: FileOption{Enabled: true, Path: "m.json"}, SSRManifest: FileOption{Enabled: true}}},
		},
		{
			name:     "css modules are merged",
			base:     &UserConfig{CSS: CSSOptions{Modules: &CSSModulesOptions{LocalsConvention: "dashes"}}},
			override: &UserConfig{CSS: CSSOptions{DevSourcemap: true}},
			want:     &UserConfig{CSS: CSSOptions{Modules: &CSSModulesOptions{LocalsConvention: "dashes"}, DevSourcemap: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Merge(tt.base, tt.override)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Merge:\n got  %+v\n want %+v", got, tt.want)
			}
		})
	}
}

func TestMergeSharesNothing(t *testing.T) {
	base := &UserConfig{AssetsInclude: []string{"a"}, Build: BuildOptions{Minify: Bool(true)}, Define: map[string]any{"x": "1"}}
	got := Merge(base, &UserConfig{})
	got.AssetsInclude[0] = "changed"
	*got.Build.Minify = false
	got.Define["x"] = "2"
	if base.AssetsInclude[0] != "a" || !*base.Build.Minify || base.Define["x"] != "1" {
		t.Errorf("Merge's result aliases its input: %+v", base)
	}
}

func TestJSMergeConfig(t *testing.T) {
	root := writeProject(t, map[string]string{"vite.config.js": `
import { mergeConfig } from 'vite'
const r = (f) => { try { f(); return 'no error' } catch (e) { return e.message } }
export default {
  define: {
    arrays: mergeConfig({ a: [1], b: 1 }, { a: [2], b: [3] }),
    objects: mergeConfig({ build: { outDir: 'a', minify: true } }, { build: { outDir: 'b' }, base: null }),
    aliasObjects: mergeConfig({ resolve: { alias: { '@': '/a', x: '/x' } } }, { resolve: { alias: { '@': '/b' } } }),
    aliasMixed: mergeConfig({ resolve: { alias: { '@/': '/src/' } } }, { resolve: { alias: [{ find: 'y', replacement: '/y' }] } }),
    assets: mergeConfig({ assetsInclude: '*.a' }, { assetsInclude: '*.b' }),
    nested: mergeConfig({ alias: [1] }, { alias: [2] }, false),
    noExternal: mergeConfig({ ssr: { noExternal: ['x'] } }, { ssr: { noExternal: true } }),
    callback: r(() => mergeConfig(() => ({}), {})),
  },
}`})
	cfg, _ := load(t, root, buildEnv)
	want := map[string]any{
		"arrays":       map[string]any{"a": []any{float64(1), float64(2)}, "b": []any{float64(1), float64(3)}},
		"objects":      map[string]any{"build": map[string]any{"outDir": "b", "minify": true}},
		"aliasObjects": map[string]any{"resolve": map[string]any{"alias": map[string]any{"@": "/b", "x": "/x"}}},
		"aliasMixed": map[string]any{"resolve": map[string]any{"alias": []any{
			map[string]any{"find": "y", "replacement": "/y"},
			map[string]any{"find": "@", "replacement": "/src"},
		}}},
		"assets":     map[string]any{"assetsInclude": []any{"*.a", "*.b"}},
		"nested":     map[string]any{"alias": []any{float64(1), float64(2)}},
		"noExternal": map[string]any{"ssr": map[string]any{"noExternal": true}},
		"callback":   "Cannot merge config in form of callback",
	}
	for k, v := range want {
		if !reflect.DeepEqual(cfg.Define[k], v) {
			t.Errorf("%s = %#v, want %#v", k, cfg.Define[k], v)
		}
	}
}
