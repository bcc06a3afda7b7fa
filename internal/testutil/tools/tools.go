// Package tools finds what tests need outside Go (node, the npm packages scripts/test installs) and
// applies the project's rule for missing ones: skip locally with a message naming what is missing,
// fail under CI=true.
package tools

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// CIStrict reports whether the environment says CI=true, where a missing tool fails the test.
func CIStrict() bool {
	ci := strings.ToLower(os.Getenv("CI"))
	return ci == "true" || ci == "1"
}

// Require skips the test (or fails it on CI) with msg when ok is false.
func Require(t testing.TB, ok bool, msg string) {
	t.Helper()
	if ok {
		return
	}
	if CIStrict() {
		t.Fatalf("%s (CI=true, so not skipping)", msg)
	}
	t.Skip(msg)
}

// Node returns the path of node, or skips (fails on CI) when it is missing.
func Node(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("node")
	Require(t, err == nil, "node is not installed (Node.js 20 or later is needed for this test)")
	return p
}

// RepoRoot is the repository's root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// Vite8Modules returns e2e/vite8/node_modules (Vite 8, @vitejs/plugin-react, React 19), which
// scripts/test installs with npm ci; it skips (fails on CI) when that was not done.
func Vite8Modules(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(RepoRoot(), "e2e", "vite8", "node_modules")
	_, err := os.Stat(filepath.Join(dir, "vite", "package.json"))
	Require(t, err == nil, dir+" is missing: run `cd e2e/vite8 && npm ci` (scripts/test does it)")
	return dir
}

// CSSToolsModules returns e2e/css-tools/node_modules (Sass, Less, Stylus, PostCSS, Autoprefixer,
// Tailwind CSS v3), which scripts/test installs with npm ci; it skips (fails on CI) when that was not
// done or node is missing, as the stylesheet worker needs both.
func CSSToolsModules(t testing.TB) string {
	t.Helper()
	Node(t)
	dir := filepath.Join(RepoRoot(), "e2e", "css-tools", "node_modules")
	_, err := os.Stat(filepath.Join(dir, "sass", "package.json"))
	Require(t, err == nil, dir+" is missing: run `cd e2e/css-tools && npm ci` (scripts/test does it)")
	return dir
}
