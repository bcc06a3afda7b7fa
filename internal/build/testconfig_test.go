package build

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/govite/govite/internal/config"
)

// testConfig is a resolved config with Vite's defaults for a project at root.
func testConfig(t testing.TB, root string) *config.ResolvedConfig {
	t.Helper()
	return &config.ResolvedConfig{
		Root: root, Base: "/", Mode: "production", Command: "build", IsProduction: true,
		PublicDir: filepath.Join(root, "public"), EnvPrefix: []string{"VITE_"}, Env: map[string]string{},
		Build: config.ResolvedBuildOptions{
			OutDir: filepath.Join(root, "dist"), AssetsDir: "assets", AssetsInlineLimit: 4096, CSSCodeSplit: true,
			CSSMinify: true, Minify: true, Target: config.DefaultTarget, Manifest: ".vite/manifest.json",
			ModulePreload: true, ModulePreloadPolyfill: true, Write: true, ReportCompressedSize: true,
			ChunkSizeWarningLimit: 500, CopyPublicDir: true, EmitAssets: true,
		},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// copyExample copies examples/NAME into a temporary folder and returns its path.
func copyExample(t testing.TB, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	if err := copyDir(filepath.Join("..", "..", "examples", name), dst); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(dst, "node_modules"))
	os.RemoveAll(filepath.Join(dst, "dist"))
	return dst
}

// writeFiles creates a project from a map of relative path to contents.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, c := range files {
		abs := filepath.Join(root, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(abs), 0o755)
		if err := os.WriteFile(abs, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}
