package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/govite/govite"
	"github.com/govite/govite/internal/build"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/logger"
)

const version = govite.Version

// debugFilter is Vite's --debug [feat] and --filter: `--debug` turns on every vite:* debug
// namespace, `--debug deps,hmr` turns on vite:deps and vite:hmr, both on top of the DEBUG variable;
// --filter (or VITE_DEBUG_FILTER) keeps the debug lines that contain its text.
func debugFilter(fl *flags) *logger.DebugFilter {
	spec, text := os.Getenv("DEBUG"), os.Getenv("VITE_DEBUG_FILTER")
	if fl.set["debug"] {
		v := fl.str("debug")
		if v == "true" || v == "" {
			v = "vite:*"
		} else {
			names := strings.Split(v, ",")
			for i, n := range names {
				names[i] = "vite:" + n
			}
			v = strings.Join(names, ",")
		}
		if spec != "" {
			spec += ","
		}
		spec += v
		if f := fl.str("filter"); f != "" {
			text = f
		}
	}
	return logger.ParseDebug(spec, text)
}

// inlineConfig turns the common flags into an inline config (CLI options win over the config file).
func inlineConfig(fl *flags, stderr io.Writer) (govite.InlineConfig, error) {
	var in govite.InlineConfig
	in.Root = fl.root()
	in.Base = fl.str("base")
	in.Mode = fl.str("mode")
	in.LogLevel = fl.str("logLevel")
	in.ClearScreen = fl.boolPtr("clearScreen")
	if c := fl.str("config"); c == "false" {
		in.NoConfigFile = true
	} else {
		in.ConfigFile = c
	}
	in.Logger = logger.New(stderr, in.LogLevel, debugFilter(fl))
	b := &in.Build
	b.OutDir = fl.str("outDir")
	b.AssetsDir = fl.str("assetsDir")
	if n, ok, err := fl.int("assetsInlineLimit"); err != nil {
		return in, err
	} else if ok {
		b.AssetsInlineLimit = &n
	}
	if fl.has("sourcemap") {
		switch v := fl.str("sourcemap"); v {
		case "true":
			b.Sourcemap = config.SourcemapExternal
		case "inline", "hidden":
			b.Sourcemap = config.Sourcemap(v)
		case "false":
		default:
			return in, fmt.Errorf("--sourcemap: expected true, inline or hidden, got %q", v)
		}
	}
	if fl.has("minify") {
		switch v := fl.str("minify"); v {
		case "false":
			b.Minify = config.Bool(false)
		case "true", "esbuild", "oxc", "terser":
			b.Minify = config.Bool(true)
		default:
			return in, fmt.Errorf("--minify: expected true, false, esbuild, oxc or terser, got %q", v)
		}
	}
	for _, name := range []string{"manifest", "ssrManifest"} {
		if !fl.has(name) {
			continue
		}
		opt := &b.Manifest
		if name == "ssrManifest" {
			opt = &b.SSRManifest
		}
		switch v := fl.str(name); v {
		case "true":
			opt.Enabled = true
		case "false":
		default:
			opt.Enabled, opt.Path = true, v
		}
	}
	if fl.has("ssr") {
		// --ssr ENTRY builds ENTRY for the server; --ssr alone builds the configured input
		// (build.rollupOptions.input) for the server, as `build.ssr: true` does.
		switch v := fl.str("ssr"); v {
		case "true":
			b.SSRInput = true
		case "false":
		default:
			b.SSR = v
		}
	}
	b.EmptyOutDir = fl.boolPtr("emptyOutDir")
	if t := fl.str("target"); t != "" {
		b.Target = strings.Split(t, ",")
	}
	if fl.bool("app") {
		// --app is `builder: {}` (Vite's): build every environment. A builder set in the config
		// file is kept (the inline config wins only over options it sets).
		in.Builder = &config.BuilderOptions{}
	}
	return in, nil
}

func runBuild(ctx context.Context, fl *flags, stdout, stderr io.Writer) int {
	start := time.Now()
	in, err := inlineConfig(fl, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	cfg, err := govite.ResolveConfig(ctx, in, "build")
	if err != nil {
		fmt.Fprintf(stderr, "error when loading the config: %v\n", err)
		return 1
	}
	info := logger.Level(cfg.LogLevel) <= slog.LevelInfo
	say := func(format string, args ...any) {
		if info {
			fmt.Fprintf(stdout, format, args...)
		}
	}
	if cfg.Builder != nil {
		// --app, or `builder` in the config: every environment, as builder.buildApp says.
		return runBuildApp(ctx, cfg, stdout, stderr, info)
	}
	envName := "client"
	if cfg.Build.SSRBuild {
		envName = "ssr"
	}
	say("govite v%s building %s environment for %s...\n", version, envName, cfg.Mode)
	say("transforming...\n")
	res, err := govite.BuildResolved(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "✗ Build failed in %s\nerror during build:\n%v\n", since(start), err)
		return 1
	}
	say("✓ %d modules transformed.\n", res.Modules)
	if info {
		say("rendering chunks...\ncomputing gzip size...\n")
		// Vite prints outDir relative to the working directory.
		cwd, _ := os.Getwd()
		build.Report(stdout, cfg, res.Bundle, cwd)
	}
	say("\n✓ built in %s\n", since(start))
	return 0
}

// since formats a duration as Vite does: milliseconds below a second, seconds with two decimals above.
func since(t time.Time) string {
	d := time.Since(t)
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}
