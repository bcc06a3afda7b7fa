package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// buildCLI compiles cmd/govite into a temporary folder and returns the binary's path.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "govite")
	res := runCmd(t, 120*time.Second, repoRoot(t), nil, goBinary(t), "build", "-o", bin, "./cmd/govite")
	if res.Code != 0 {
		t.Fatalf("go build -o %s ./cmd/govite failed:\n%s", bin, res)
	}
	return bin
}

func TestCLIBuild(t *testing.T) {
	t.Parallel()
	bin := buildCLI(t)
	cwd := t.TempDir()
	// govite runs without colors and without a TTY, as in CI logs.
	env := []string{"NO_COLOR=1"}
	govite := func(t *testing.T, args ...string) cmdResult {
		t.Helper()
		return runCmd(t, 60*time.Second, cwd, env, bin, args...)
	}

	t.Run("version", func(t *testing.T) {
		res := govite(t, "--version")
		if res.Code != 0 || !strings.HasPrefix(res.Stdout, "govite/") {
			t.Errorf("govite --version: want exit code 0 and stdout starting with %q, got\n%s", "govite/", res)
		}
	})

	t.Run("build", func(t *testing.T) {
		root := copyExample(t, "basic", filepath.Join(cwd, "basic"))
		res := govite(t, "build", root)
		if res.Code != 0 {
			t.Fatalf("govite build %s: want exit code 0, got\n%s", root, res)
		}
		for _, want := range []string{"✓ built in", "dist/.vite/manifest.json", "dist/assets/main-"} {
			if !strings.Contains(res.Stdout, want) {
				t.Errorf("govite build: stdout lacks %q:\n%s", want, res)
			}
		}
		if !fileExists(filepath.Join(root, "dist", ".vite", "manifest.json")) {
			t.Errorf("govite build: no dist/.vite/manifest.json written")
		}
	})

	t.Run("syntax error keeps dist", func(t *testing.T) {
		root := copyExample(t, "basic", filepath.Join(cwd, "basic-syntax"))
		if res := govite(t, "build", root); res.Code != 0 {
			t.Fatalf("first build (to have a dist/): want exit code 0, got\n%s", res)
		}
		dist := filepath.Join(root, "dist")
		before := snapshotDir(t, dist)
		if len(before) == 0 {
			t.Fatalf("first build wrote nothing to %s", dist)
		}

		writeFile(t, root, "src/main.js", "const a = ;\nexport default a\n")
		res := govite(t, "build", root)
		if res.Code == 0 {
			t.Errorf("govite build with a syntax error in src/main.js: want a non-zero exit code, got\n%s", res)
		}
		out := res.Stdout + res.Stderr
		if !strings.Contains(out, "src/main.js:1:") {
			t.Errorf("syntax error: output does not name the position src/main.js:1:<column>:\n%s", res)
		}
		if !strings.Contains(out, "const a = ;") {
			t.Errorf("syntax error: output has no code frame with the line %q:\n%s", "const a = ;", res)
		}
		if d := diffSnapshots(before, snapshotDir(t, dist)); d != "" {
			t.Errorf("a failed build changed the previous dist/:\n%s", d)
		}
	})

	t.Run("config error", func(t *testing.T) {
		root := copyExample(t, "basic", filepath.Join(cwd, "basic-config"))
		writeFile(t, root, "vite.config.js", "import { defineConfig } from 'vite'\n\nthrow new Error('boom')\n\nexport default defineConfig({})\n")
		res := govite(t, "build", root)
		if res.Code == 0 {
			t.Fatalf("govite build with a throwing vite.config.js: want a non-zero exit code, got\n%s", res)
		}
		out := res.Stdout + res.Stderr
		if !strings.Contains(out, "boom") {
			t.Errorf("config error: output lacks the error message %q:\n%s", "boom", res)
		}
		// vite.config.js:3 or vite.config.js:3:<col>, or the file name and "line 3".
		pos := regexp.MustCompile(`vite\.config\.js:3\b`)
		if !pos.MatchString(out) && !(strings.Contains(out, "vite.config.js") && strings.Contains(out, "line 3")) {
			t.Errorf("config error: output does not name vite.config.js line 3:\n%s", res)
		}
		if fileExists(filepath.Join(root, "dist")) {
			t.Errorf("config error: a dist/ folder was written")
		}
	})
}
