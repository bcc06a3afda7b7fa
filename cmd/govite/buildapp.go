package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"time"

	"github.com/govite/govite/internal/build"
	"github.com/govite/govite/internal/config"
)

// runBuildApp is `govite build --app` (or `govite build` with `builder` in the config): Vite's
// createBuilder(config).buildApp(). Each environment's build prints what Vite 8 prints for it (the
// "building <env> environment" line when it starts; the module count, the file report and
// "✓ built in" when it ends), so the output is one block per environment, in the order they are
// built. The first error stops the build; it names the environment.
func runBuildApp(ctx context.Context, cfg *config.ResolvedConfig, stdout, stderr io.Writer, info bool) int {
	start := time.Now()
	ssrEntryForAll(cfg)
	b, err := build.CreateBuilder(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "error during build:\n%v\n", err)
		return 1
	}
	cwd, _ := os.Getwd()
	lb := &loggingBuilder{Builder: b, cfg: cfg, stdout: stdout, stderr: stderr, info: info, cwd: cwd}
	// Builder.BuildApp is config.RunBuildApp over the builder; running it over the logging wrapper
	// lets builder.buildApp and the plugins' buildApp hooks build environments in any order (or
	// concurrently) while every build still reports itself.
	if err := config.RunBuildApp(ctx, cfg, lb); err != nil {
		if !lb.reportedFailure() {
			fmt.Fprintf(stderr, "✗ Build failed in %s\n", since(start))
		}
		fmt.Fprintf(stderr, "error during build:\n%v\n", err)
		return 1
	}
	return 0
}

// ssrEntryForAll gives every environment the entry of `--ssr ENTRY` (build.ssr) as its input, as
// Vite does when it builds the app: an environment's build options inherit the top-level build.ssr,
// and a build.ssr string is the input of every environment's build, whatever its consumer or its own
// rollupOptions.input (Vite 8.3.8's `vite build --app --ssr src/entry-server.js` builds
// entry-server.js for the client environment too, as a client bundle into the client's outDir).
// `--ssr` alone (build.ssr: true) changes no input.
func ssrEntryForAll(cfg *config.ResolvedConfig) {
	entry := cfg.Build.SSR
	if entry == "" {
		return
	}
	for _, o := range cfg.Environments {
		o.Build.SSR = entry
		o.Build.Input = []config.InputEntry{{Path: entry}}
	}
}

// loggingBuilder is the app builder that buildApp sees: build.Builder, printing each environment's
// build as Vite does.
type loggingBuilder struct {
	*build.Builder
	cfg            *config.ResolvedConfig
	stdout, stderr io.Writer
	info           bool
	cwd            string

	mu     sync.Mutex // one environment's lines at a time
	failed bool
}

func (lb *loggingBuilder) Build(ctx context.Context, name string) error {
	start := time.Now()
	lb.say("govite v%s building %s environment for %s...\ntransforming...\n", version, name, lb.cfg.Mode)
	err := lb.Builder.Build(ctx, name)
	lb.mu.Lock()
	defer lb.mu.Unlock()
	if err != nil {
		if !lb.failed {
			lb.failed = true
			fmt.Fprintf(lb.stderr, "✗ Build failed in %s\n", since(start))
		}
		return err
	}
	res := lb.Builder.Result(name)
	if !lb.info || res == nil {
		return nil
	}
	fmt.Fprintf(lb.stdout, "✓ %d modules transformed.\nrendering chunks...\ncomputing gzip size...\n", res.Modules)
	build.Report(lb.stdout, lb.reportConfig(name), res.Bundle, lb.cwd)
	fmt.Fprintf(lb.stdout, "\n✓ built in %s\n", since(start))
	return nil
}

func (lb *loggingBuilder) say(format string, args ...any) {
	if !lb.info {
		return
	}
	lb.mu.Lock()
	defer lb.mu.Unlock()
	fmt.Fprintf(lb.stdout, format, args...)
}

func (lb *loggingBuilder) reportedFailure() bool {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.failed
}

// reportConfig is the config build.Report reads for one environment: the environment's build options
// (its outDir, reportCompressedSize, chunkSizeWarningLimit). Vite warns about large chunks only for
// minified client environments (its reporter's warnLargeChunks).
func (lb *loggingBuilder) reportConfig(name string) *config.ResolvedConfig {
	o := lb.cfg.Environments[name]
	if o == nil {
		return lb.cfg
	}
	c := *lb.cfg
	c.Build = o.Build
	if !o.Build.Minify || o.Consumer != "client" {
		c.Build.ChunkSizeWarningLimit = math.MaxInt / 1000
	}
	return &c
}
