package build

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/govite/govite/internal/config"
)

// Builder is Vite's ViteBuilder: it builds every environment of a resolved config (build --app, or a
// config with `builder`). BuildApp runs the builder.buildApp option and the plugins' buildApp hooks,
// which may build environments in any order or concurrently; by default the environments are built
// one after the other, in config order.
type Builder struct {
	Config *config.ResolvedConfig

	mu      sync.Mutex
	built   map[string]bool
	results map[string]*Result
	running map[string]chan struct{}
	errs    map[string]error
}

// CreateBuilder returns a builder for cfg (resolved for command "build").
func CreateBuilder(cfg *config.ResolvedConfig) (*Builder, error) {
	if cfg.Command != "build" {
		return nil, fmt.Errorf("CreateBuilder: the config was resolved for %q, not \"build\"", cfg.Command)
	}
	return &Builder{Config: cfg, built: map[string]bool{}, results: map[string]*Result{}, running: map[string]chan struct{}{}, errs: map[string]error{}}, nil
}

// Environments are the environments to build, in config order.
func (b *Builder) Environments() []string { return slices.Clone(b.Config.EnvironmentOrder) }

// Build builds one environment. Environments may be built concurrently; a second Build of an
// environment that is being built waits for the first and returns its result.
func (b *Builder) Build(ctx context.Context, name string) error {
	b.mu.Lock()
	if ch, ok := b.running[name]; ok {
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.errs[name]
	}
	ch := make(chan struct{})
	b.running[name] = ch
	b.mu.Unlock()

	err := b.build(ctx, name)
	b.mu.Lock()
	delete(b.running, name)
	b.errs[name] = err
	if err == nil {
		b.built[name] = true
	}
	b.mu.Unlock()
	close(ch)
	return err
}

func (b *Builder) build(ctx context.Context, name string) error {
	env, err := EnvironmentFromConfig(b.Config, name)
	if err != nil {
		return err
	}
	if create := env.Build.CreateEnvironment; create != nil {
		// An environment provider's build environment (Vite's build.createEnvironment): a Go
		// provider returns the *Environment to build; a config file's new BuildEnvironment(name,
		// config) is the default one.
		v, err := create(name, b.Config)
		if err != nil {
			return fmt.Errorf("environments.%s.build.createEnvironment: %w", name, err)
		}
		switch x := v.(type) {
		case *Environment:
			env = x
		case *config.JSEnvironment:
			if x.Kind != "build" {
				return fmt.Errorf("environments.%s.build.createEnvironment returned a JavaScript %s environment; govite builds a BuildEnvironment or a Go provider's *govite.BuildEnvironment", name, x.Kind)
			}
		default:
			return fmt.Errorf("environments.%s.build.createEnvironment returned %T; it must return a *govite.BuildEnvironment", name, v)
		}
	}
	res, err := BuildEnvironment(ctx, b.Config, env)
	if err != nil {
		return fmt.Errorf("building the %s environment: %w", name, err)
	}
	b.mu.Lock()
	b.results[name] = res
	b.mu.Unlock()
	return nil
}

// IsBuilt reports whether an environment has been built (Vite's environment.isBuilt).
func (b *Builder) IsBuilt(name string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.built[name]
}

// Result is the result of an environment's build, nil before it was built.
func (b *Builder) Result(name string) *Result {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.results[name]
}

// BuildApp builds the app: builder.buildApp, the plugins' buildApp hooks, then, if none of them built
// anything, every environment in order.
func (b *Builder) BuildApp(ctx context.Context) error {
	return config.RunBuildApp(ctx, b.Config, b)
}
