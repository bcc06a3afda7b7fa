package build

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/govite/govite/internal/config"
)

func appConfig(t *testing.T, root string, edit func(*config.UserConfig)) *config.ResolvedConfig {
	t.Helper()
	uc := &config.UserConfig{Root: root, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Builder: &config.BuilderOptions{}}
	if edit != nil {
		edit(uc)
	}
	cfg, err := config.Resolve(context.Background(), uc, config.ResolveConfigOptions{Command: "build", ConfigFile: config.ConfigFileDisabled})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// The builder builds the environments in config order by default, concurrently when buildApp says so,
// and knows which are built.
func TestBuilderBuildApp(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"index.html":    `<script type="module" src="/src/main.js"></script>`,
		"src/main.js":   "console.log('client')\n",
		"src/server.js": "export const render = () => 'html'\n",
		"src/worker.js": "export default { fetch() {} }\n",
	})
	envs := func(c *config.UserConfig) {
		c.Environments = []config.NamedEnvironment{
			{Name: "ssr", Options: config.EnvironmentOptions{Build: config.BuildOptions{OutDir: "dist/server", RollupOptions: config.RollupOptions{Input: &config.Input{Entries: []config.InputEntry{{Path: "src/server.js"}}}}}}},
			{Name: "edge", Options: config.EnvironmentOptions{Build: config.BuildOptions{OutDir: "dist/edge", RollupOptions: config.RollupOptions{Input: &config.Input{Entries: []config.InputEntry{{Path: "src/worker.js"}}}}}}},
		}
	}
	b, err := CreateBuilder(appConfig(t, root, envs))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.BuildApp(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range b.Environments() {
		if !b.IsBuilt(name) || b.Result(name) == nil {
			t.Errorf("%s not built", name)
		}
	}
	// server.mjs: the project has no package.json with "type": "module" (as Vite names it).
	if _, ok := b.Result("ssr").Bundle.Files["server.mjs"]; !ok {
		t.Errorf("ssr output: %v", keys(b.Result("ssr").Bundle.Files))
	}

	// builder.buildApp building concurrently, and only what it asks for.
	var mu sync.Mutex
	var order []string
	b, err = CreateBuilder(appConfig(t, root, func(c *config.UserConfig) {
		envs(c)
		c.Builder.BuildApp = func(ctx context.Context, ab config.AppBuilder) error {
			var wg sync.WaitGroup
			errs := make(chan error, 2)
			for _, name := range []string{"ssr", "edge"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- ab.Build(ctx, name)
					mu.Lock()
					order = append(order, name)
					mu.Unlock()
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					return err
				}
			}
			return nil
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.BuildApp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b.IsBuilt("client") || !b.IsBuilt("ssr") || !b.IsBuilt("edge") || len(order) != 2 {
		t.Errorf("built client=%v ssr=%v edge=%v (order %v)", b.IsBuilt("client"), b.IsBuilt("ssr"), b.IsBuilt("edge"), order)
	}

	// build.createEnvironment: a provider's environment is built; anything else is an error naming
	// the option.
	b, err = CreateBuilder(appConfig(t, root, func(c *config.UserConfig) {
		envs(c)
		c.Environments[1].Options.Build.CreateEnvironment = func(name string, cfg *config.ResolvedConfig) (any, error) {
			env, err := EnvironmentFromConfig(cfg, name)
			if err != nil {
				return nil, err
			}
			env.Build.OutDir = filepath.Join(cfg.Root, "dist/provided")
			env.Build.CreateEnvironment = nil
			return env, nil
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.BuildApp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "dist/provided/worker.mjs")); err != nil {
		t.Errorf("the provider's build environment was not built: %v", err)
	}
	b, err = CreateBuilder(appConfig(t, root, func(c *config.UserConfig) {
		envs(c)
		c.Environments[1].Options.Build.CreateEnvironment = func(string, *config.ResolvedConfig) (any, error) { return "nope", nil }
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.BuildApp(context.Background()); err == nil || !strings.Contains(err.Error(), "environments.edge.build.createEnvironment returned string") {
		t.Errorf("build.createEnvironment returning a string: %v", err)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
