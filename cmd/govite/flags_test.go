package main

import (
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
