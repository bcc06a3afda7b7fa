package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
)

func TestParseFlags(t *testing.T) {
	fl, err := parseFlags([]string{"web", "--outDir", "out", "--minify=false", "--sourcemap", "--manifest", "m.json", "-m", "staging", "--emptyOutDir", "--base=/static/"})
	if err != nil {
		t.Fatal(err)
	}
	if fl.root() != "web" || fl.str("outDir") != "out" || fl.str("mode") != "staging" || fl.str("base") != "/static/" {
		t.Errorf("parsed %+v", fl)
	}
	in, err := inlineConfig(fl, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := in.Build
	if b.OutDir != "out" || *b.Minify || b.Sourcemap != config.SourcemapExternal || !b.Manifest.Enabled || b.Manifest.Path != "m.json" || !*b.EmptyOutDir {
		t.Errorf("inline build options %+v", b)
	}
	if _, err := parseFlags([]string{"--nope"}); err == nil {
		t.Error("unknown flag accepted")
	}
	if _, err := parseFlags([]string{"--outDir"}); err == nil {
		t.Error("missing value accepted")
	}
	fl, _ = parseFlags([]string{"--sourcemap", "hidden", "--minify", "esbuild"})
	in, err = inlineConfig(fl, nil)
	if err != nil || in.Build.Sourcemap != config.SourcemapHidden || !*in.Build.Minify {
		t.Errorf("optional values: %+v %v", in.Build, err)
	}
	fl, _ = parseFlags([]string{"--sourcemap", "bogus"})
	if _, err := inlineConfig(fl, nil); err == nil {
		t.Error("bad --sourcemap value accepted")
	}
}

func TestBuildWithConfigFlagAndLogLevel(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "src"), 0o755)
	os.WriteFile(filepath.Join(root, "src/entry.js"), []byte("console.log(__FROM_CONFIG__)"), 0o644)
	os.WriteFile(filepath.Join(root, "custom.config.mjs"), []byte(`import { defineConfig } from 'vite'
export default defineConfig(({ mode }) => ({
  define: { __FROM_CONFIG__: JSON.stringify('cfg-' + mode) },
  build: { manifest: 'm.json', rollupOptions: { input: 'src/entry.js' } },
}))`), 0o644)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"build", root, "--config", filepath.Join(root, "custom.config.mjs"), "--mode", "staging", "--logLevel", "silent"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("--logLevel silent printed:\n%s", out.String())
	}
	data, err := os.ReadFile(filepath.Join(root, "dist/m.json"))
	if err != nil {
		t.Fatalf("manifest path from the config file not used: %v", err)
	}
	var m map[string]struct{ File string }
	json.Unmarshal(data, &m)
	js, _ := os.ReadFile(filepath.Join(root, "dist", m["src/entry.js"].File))
	if !strings.Contains(string(js), "cfg-staging") {
		t.Errorf("define from --config file with --mode not applied: %s", js)
	}
}
