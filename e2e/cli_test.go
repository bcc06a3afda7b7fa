package e2e

import (
	"debug/elf"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// buildCLI compiles cmd/govite into a temporary folder, the way scripts/demo does (CGO_ENABLED=0: one
// static binary), and returns the binary's path.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "govite")
	res := runCmd(t, 120*time.Second, repoRoot(t), []string{"CGO_ENABLED=0"}, goBinary(t), "build", "-o", bin, "./cmd/govite")
	if res.Code != 0 {
		t.Fatalf("CGO_ENABLED=0 go build -o %s ./cmd/govite failed:\n%s", bin, res)
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

	t.Run("one static binary", func(t *testing.T) {
		f, err := elf.Open(bin)
		if err != nil {
			t.Skipf("not an ELF binary (%v): the static-link check is for Linux", err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s is dynamically linked (it names an interpreter): something pulled cgo in", bin)
			}
		}
	})

	t.Run("version", func(t *testing.T) {
		res := govite(t, "--version")
		if res.Code != 0 || !strings.HasPrefix(res.Stdout, "govite/") {
			t.Errorf("govite --version: want exit code 0 and stdout starting with %q, got\n%s", "govite/", res)
		}
	})

	var built *cmdResult // the successful build, for the report subtest
	buildRoot := filepath.Join(cwd, "basic")
	t.Run("build", func(t *testing.T) {
		root := copyExample(t, "basic", buildRoot)
		res := govite(t, "build", root)
		if res.Code != 0 {
			t.Fatalf("govite build %s: want exit code 0, got\n%s", root, res)
		}
		built = &res
		for _, want := range []string{"✓ built in", "dist/.vite/manifest.json", "dist/assets/main-"} {
			if !strings.Contains(res.Stdout, want) {
				t.Errorf("govite build: stdout lacks %q:\n%s", want, res)
			}
		}
		if !fileExists(filepath.Join(root, "dist", ".vite", "manifest.json")) {
			t.Errorf("govite build: no dist/.vite/manifest.json written")
		}
	})

	// Vite prints outDir relative to the working directory, not to the root: run from the root's
	// parent, `vite build <root>` lists basic/dist/.vite/manifest.json (checked with vite 8.3.8;
	// from a sibling folder it prints ../basic/dist/..., from the root dist/...).
	t.Run("report paths relative to cwd", func(t *testing.T) {
		if built == nil {
			t.Skip("the build subtest failed")
		}
		for _, want := range []string{"basic/dist/.vite/manifest.json ", "basic/dist/assets/main-"} {
			if !hasLinePrefix(built.Stdout, want) {
				t.Errorf("govite build %s run in %s: no file table line starting with %q (Vite 8 prints paths relative to the cwd):\n%s", buildRoot, cwd, want, built.Stdout)
			}
		}
	})

	var synErr *cmdResult // the failed build, for the column subtest
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
		synErr = &res
		if d := diffSnapshots(before, snapshotDir(t, dist)); d != "" {
			t.Errorf("a failed build changed the previous dist/:\n%s", d)
		}
	})

	// Vite 8 prints 1-based columns: the ";" of "const a = ;" is at src/main.js:1:11.
	t.Run("syntax error column is 1-based", func(t *testing.T) {
		if synErr == nil {
			t.Skip("the syntax error subtest did not get that far")
		}
		if out := synErr.Stdout + synErr.Stderr; !strings.Contains(out, "src/main.js:1:11") {
			t.Errorf("syntax error: no position src/main.js:1:11 (Vite 8 prints the 1-based column of the \";\"):\n%s", synErr)
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

// hasLinePrefix reports whether some line of s starts with prefix.
func hasLinePrefix(s, prefix string) bool {
	for line := range strings.Lines(s) {
		if strings.HasPrefix(line, prefix) {
			return true
		}
	}
	return false
}
