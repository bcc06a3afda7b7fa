package config

import (
	"context"
	"strings"
	"testing"
)

func TestWorkerOptionsFromConfigFile(t *testing.T) {
	root := writeProject(t, map[string]string{"vite.config.js": `
const plugin = (name) => ({ name, apply: name === 'serve-only' ? 'serve' : undefined })
export default {
  plugins: [{ name: 'main', config: (c) => ({ define: { X: '1' } }) }],
  worker: {
    format: 'es',
    plugins: () => [plugin('post'), [plugin('serve-only'), { ...plugin('pre'), enforce: 'pre' }]],
    rollupOptions: { output: { entryFileNames: 'w/[name].js', chunkFileNames: () => 'x.js', assetFileNames: 'a/[name][extname]' } },
    rolldownOptions: { output: { chunkFileNames: 'w/[name]-[hash:10].js' } },
  },
}
`})
	rc := resolveIn(t, root, nil, ResolveConfigOptions{Command: "build"})
	w := rc.Worker
	if w.Format != "es" || w.EntryFileNames != "w/[name].js" || w.ChunkFileNames != "w/[name]-[hash:10].js" {
		t.Errorf("worker options: %+v", w)
	}
	var names []string
	for _, p := range w.Plugins {
		names = append(names, p.Name)
	}
	// Called once, flattened, filtered by apply and sorted by enforce; a config hook of the app's
	// plugins (which sees the config without worker.plugins) does not lose them.
	if strings.Join(names, ",") != "pre,post" {
		t.Errorf("worker plugins = %v, want [pre post]", names)
	}
	for _, p := range rc.Plugins {
		if p.Name == "pre" || p.Name == "post" {
			t.Errorf("a worker plugin is among the app's plugins: %s", p.Name)
		}
	}
	warnings := strings.Join(rc.Warnings, "\n")
	for _, want := range []string{
		"worker.rollupOptions.output.chunkFileNames: a function is not supported by govite yet",
		"worker.rollupOptions.output.assetFileNames is not supported by govite yet",
	} {
		if !strings.Contains(warnings, want) {
			t.Errorf("no warning %q in:\n%s", want, warnings)
		}
	}
}

func TestWorkerOptionErrors(t *testing.T) {
	for _, c := range []struct{ config, want string }{
		{`export default { worker: { plugins: [{ name: 'x' }] } }`, "worker.plugins is now a function that returns an array of plugins"},
		{`export default { worker: { format: 'cjs' } }`, `worker.format: expected 'es' or 'iife', got "cjs"`},
	} {
		root := writeProject(t, map[string]string{"vite.config.js": c.config})
		_, err := Resolve(context.Background(), &UserConfig{Root: root}, ResolveConfigOptions{Command: "build"})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.config, err, c.want)
		}
	}
}

// TestBuildOutputFileNamesFromConfigFile: build.rollupOptions.output's file-name patterns, with
// rolldownOptions winning (Vite 8), the function form warned about, and environments inheriting them.
func TestBuildOutputFileNamesFromConfigFile(t *testing.T) {
	root := writeProject(t, map[string]string{"vite.config.js": `
export default {
  build: {
    rollupOptions: { output: { entryFileNames: 'js/[name].js', chunkFileNames: () => 'x.js', assetFileNames: 'a/[name][extname]' } },
    rolldownOptions: { output: { chunkFileNames: 'js/[name]-[hash:10].js' } },
  },
}
`})
	rc := resolveIn(t, root, nil, ResolveConfigOptions{Command: "build"})
	b := rc.Build
	if b.EntryFileNames != "js/[name].js" || b.ChunkFileNames != "js/[name]-[hash:10].js" || b.AssetFileNames != "a/[name][extname]" {
		t.Errorf("build file names: %q %q %q", b.EntryFileNames, b.ChunkFileNames, b.AssetFileNames)
	}
	if c := rc.Environments["client"]; c == nil || c.Build.EntryFileNames != "js/[name].js" {
		t.Errorf("the client environment did not inherit the patterns: %+v", c)
	}
	if w := strings.Join(rc.Warnings, "\n"); !strings.Contains(w, "build.rollupOptions.output.chunkFileNames: a function is not supported by govite yet") {
		t.Errorf("no warning for the function form in:\n%s", w)
	}
}
