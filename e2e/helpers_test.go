// Package e2e holds end-to-end tests of govite: builds of the example projects checked in a real
// browser, against real Vite 8 output, and through the govite command.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govite/govite"

	"github.com/govite/govite/internal/testutil/tools"
)

// repoRoot returns the repository root (the folder with go.mod above this package).
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("repository root: no go.mod in %s (tests must run from the e2e folder): %v", dir, err)
	}
	return dir
}

// exampleDir returns the absolute path of examples/<name>.
func exampleDir(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(repoRoot(t), "examples", name)
}

// copyExample copies examples/<name> to dst (created), leaving out node_modules and dist so that
// a stale local build never leaks into a test.
func copyExample(t testing.TB, name, dst string) string {
	t.Helper()
	copyDir(t, exampleDir(t, name), dst)
	return dst
}

// copyDir copies the tree src to dst, skipping node_modules and dist folders at any depth.
func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if rel != "." && (d.Name() == "node_modules" || d.Name() == "dist") {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatalf("copying %s to %s: %v", src, dst, err)
	}
}

// writeFile writes content to root/rel, creating folders.
func writeFile(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readFile returns the content of root/rel.
func readFile(t testing.TB, root, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// goviteBuild builds the project in root with the public API (its config file included).
func goviteBuild(t testing.TB, root string) *govite.BuildResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := govite.Build(ctx, govite.InlineConfig{Config: govite.Config{Root: root}})
	if err != nil {
		t.Fatalf("govite.Build(%s): %v", root, err)
	}
	if res == nil || res.Manifest == nil {
		t.Fatalf("govite.Build(%s): no manifest in the result (%+v); the example sets build.manifest: true", root, res)
	}
	return res
}

// rawManifest is a manifest.json decoded generically, so that field presence (not only values)
// can be compared.
type rawManifest map[string]map[string]any

// readManifest decodes root/dist/.vite/manifest.json.
func readManifest(t testing.TB, root string) rawManifest {
	t.Helper()
	data := readFile(t, root, "dist/.vite/manifest.json")
	var m rawManifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("decoding %s: %v\n%s", filepath.Join(root, "dist/.vite/manifest.json"), err, data)
	}
	return m
}

// hashRE matches the content hash Vite (and govite) put in output file names: a dash, 8 characters
// of the URL-safe base64 alphabet, and the extension, at the end of the name.
var hashRE = regexp.MustCompile(`-[A-Za-z0-9_-]{8}\.(js|mjs|cjs|css|png|jpe?g|gif|svg|webp|avif|ico|woff2?|ttf|otf|eot|json|wasm|txt|map)$`)

// normalizeName replaces the hash in a file name or manifest key with HASH.
func normalizeName(s string) string {
	return hashRE.ReplaceAllString(s, "-HASH.$1")
}

// normalizeManifest replaces hashes in keys and in every string value.
func normalizeManifest(m rawManifest) rawManifest {
	out := rawManifest{}
	for k, fields := range m {
		nf := map[string]any{}
		for name, v := range fields {
			nf[name] = normalizeValue(v)
		}
		key := normalizeName(k)
		// Two files that differ only in their hash would collide: keep both, visibly.
		for n := 2; out[key] != nil; n++ {
			key = fmt.Sprintf("%s (%d)", normalizeName(k), n)
		}
		out[key] = nf
	}
	return out
}

func normalizeValue(v any) any {
	switch v := v.(type) {
	case string:
		return normalizeName(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalizeValue(e)
		}
		return out
	}
	return v
}

// diffManifests describes every difference between want and got (both normalised), one per line;
// "" when they are equal.
func diffManifests(want, got rawManifest, wantName, gotName string) string {
	var b strings.Builder
	for _, k := range sortedUnion(want, got) {
		w, inWant := want[k]
		g, inGot := got[k]
		switch {
		case !inGot:
			fmt.Fprintf(&b, "  key %q: only in %s: %s\n", k, wantName, compactJSON(w))
			continue
		case !inWant:
			fmt.Fprintf(&b, "  key %q: only in %s: %s\n", k, gotName, compactJSON(g))
			continue
		}
		for _, f := range sortedUnion(w, g) {
			wv, inW := w[f]
			gv, inG := g[f]
			switch {
			case !inG:
				fmt.Fprintf(&b, "  key %q field %q: %s has %s, %s has no such field\n", k, f, wantName, compactJSON(wv), gotName)
			case !inW:
				fmt.Fprintf(&b, "  key %q field %q: %s has %s, %s has no such field\n", k, f, gotName, compactJSON(gv), wantName)
			case compactJSON(wv) != compactJSON(gv):
				fmt.Fprintf(&b, "  key %q field %q: %s %s, %s %s\n", k, f, wantName, compactJSON(wv), gotName, compactJSON(gv))
			}
		}
	}
	return b.String()
}

func compactJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(data)
}

func prettyJSON(v any) string {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(data)
}

// snapshotDir returns every regular file under dir (slash paths relative to dir) with its bytes.
func snapshotDir(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return files
}

// diffSnapshots describes how after differs from before; "" when they hold the same files and bytes.
func diffSnapshots(before, after map[string][]byte) string {
	var lines []string
	for p, data := range before {
		now, ok := after[p]
		switch {
		case !ok:
			lines = append(lines, "removed: "+p)
		case !bytes.Equal(data, now):
			lines = append(lines, fmt.Sprintf("changed: %s (%d bytes before, %d after)", p, len(data), len(now)))
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			lines = append(lines, "added: "+p)
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// requireTool skips the test (or fails it on CI) with msg when ok is false.
func requireTool(t testing.TB, ok bool, msg string) {
	t.Helper()
	tools.Require(t, ok, msg)
}

// goBinary returns the go command for building the CLI.
func goBinary(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if p := "/usr/local/go/bin/go"; fileExists(p) {
		return p
	}
	t.Fatal("the go command is not on $PATH nor at /usr/local/go/bin/go")
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// cmdResult is the outcome of a finished command.
type cmdResult struct {
	Code           int
	Stdout, Stderr string
	Duration       time.Duration
}

func (r cmdResult) String() string {
	return fmt.Sprintf("exit code %d after %v\n--- stdout ---\n%s--- stderr ---\n%s", r.Code, r.Duration.Round(time.Millisecond), r.Stdout, r.Stderr)
}

// runCmd runs name with args in dir, with a timeout, and returns its exit code and output. A command
// that cannot start or times out fails the test.
func runCmd(t testing.TB, timeout time.Duration, dir string, env []string, name string, args ...string) cmdResult {
	t.Helper()
	res, err := runCmdNoFatal(timeout, dir, env, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// runCmdNoFatal is runCmd for any goroutine: it returns an error instead of failing the test.
func runCmdNoFatal(timeout time.Duration, dir string, env []string, name string, args ...string) (cmdResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := cmdResult{Stdout: stdout.String(), Stderr: stderr.String(), Duration: time.Since(start)}
	if ctx.Err() != nil {
		return res, fmt.Errorf("%s %s (in %s): timed out after %v\n%s", name, strings.Join(args, " "), dir, timeout, res)
	}
	if err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok {
			return res, fmt.Errorf("%s %s (in %s): %v", name, strings.Join(args, " "), dir, err)
		}
		res.Code = exitErr.ExitCode()
	}
	return res, nil
}

// lookNode finds the node command.
func lookNode() (string, error) {
	return exec.LookPath("node")
}

// sortedUnique sorts s and drops duplicates.
func sortedUnique(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// sortedUnion is the keys of a and b together, sorted.
func sortedUnion[V any](a, b map[string]V) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
