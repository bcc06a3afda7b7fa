package server

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/govite/govite/internal/config"
)

// serverFromConfigFile starts a dev server for root with its vite.config.js.
func serverFromConfigFile(t *testing.T, root string) (*Server, *httptest.Server) {
	t.Helper()
	uc := &config.UserConfig{Root: root, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	cfg, err := config.Resolve(context.Background(), uc, config.ResolveConfigOptions{Command: "serve"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts
}

// noPayloadWithin fails when a payload arrives within d. The connection is closed afterwards (a read
// that times out closes it), so it is a test's last read.
func noPayloadWithin(t *testing.T, c *websocket.Conn, d time.Duration, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if _, data, err := c.Read(ctx); err == nil {
		t.Fatalf("%s sent %s", what, data)
	}
}

func writeProjectFile(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// server.watch.ignored from a JS config (a glob, a RegExp and a function): changes to ignored modules
// send nothing, a change to another module still sends its update.
func TestWatchIgnoredSendsNothing(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json": "{}",
		"index.html":   "<html><body></body></html>",
		"vite.config.js": `export default { server: { watch: {
  ignored: ['**/generated/**', /\.skip\.js$/, (p, stats) => p.endsWith('/by-fn.js') && (stats === undefined || stats.isFile())],
} } }`,
		"src/generated/a.js": "export const a = 1\n",
		"src/b.skip.js":      "export const b = 1\n",
		"src/by-fn.js":       "export const c = 1\n",
		"src/ok.js":          "export const d = 1\n",
		"src/main.js": "import './generated/a.js'\nimport './b.skip.js'\nimport './by-fn.js'\nimport './ok.js'\n" +
			"import.meta.hot.accept(['./generated/a.js', './b.skip.js', './by-fn.js', './ok.js'], () => {})\n",
	})
	s, ts := serverFromConfigFile(t, root)
	if s.watcher == nil || s.watcher.user == nil {
		t.Fatal("no watcher with the ignored option")
	}
	c := hmrClient(t, s, ts)
	for _, p := range []string{"/src/main.js", "/src/generated/a.js", "/src/b.skip.js", "/src/by-fn.js", "/src/ok.js"} {
		if code, body, _ := get(t, ts, p); code != 200 {
			t.Fatalf("GET %s: %d %s", p, code, body)
		}
	}
	writeProjectFile(t, root, "src/generated/a.js", "export const a = 2\n")
	writeProjectFile(t, root, "src/b.skip.js", "export const b = 2\n")
	writeProjectFile(t, root, "src/by-fn.js", "export const c = 2\n")
	time.Sleep(400 * time.Millisecond) // longer than the watcher's debounce

	// The first payload is the update of the one watched module: the ignored ones sent nothing.
	writeProjectFile(t, root, "src/ok.js", "export const d = 2\n")
	msg := readPayload(t, c)
	ups, _ := msg["updates"].([]any)
	if msg["type"] != "update" || len(ups) != 1 || ups[0].(map[string]any)["acceptedPath"] != "/src/ok.js" {
		t.Fatalf("the first payload after the changes: %v", msg)
	}
	// The defaults stay ignored.
	for _, dir := range []string{filepath.Join(root, ".git"), filepath.Join(root, "node_modules"), filepath.Join(root, "test-results"),
		s.Config.CacheDir, s.Config.Build.OutDir, filepath.Join(root, "src/generated")} {
		if !s.watcher.ignored(dir) {
			t.Errorf("%s is not ignored", dir)
		}
	}
	if s.watcher.ignored(filepath.Join(root, "src")) {
		t.Error("src is ignored")
	}
}

// The matching rules of chokidar's anymatch: absolute globs, plain paths ignore their subtree,
// relative patterns match nothing (chokidar has no cwd in Vite), "!" un-ignores.
func TestWatchIgnorerPatterns(t *testing.T) {
	wi := newWatchIgnorer([]config.WatchMatcher{
		{Glob: "**/*.log"}, {Glob: "/abs/dir"}, {Glob: "relative/**"}, {Glob: "!**/keep.log"}, {Regexp: `\.tmp$`},
	}, func(string) {})
	for p, want := range map[string]bool{
		"/p/a.log": true, "/p/keep.log": false, "/abs/dir": true, "/abs/dir/x/y.js": true, "/abs/directory/x": false,
		"/p/relative/x.js": false, "/p/x.tmp": true, "/p/x.js": false,
	} {
		if got := wi.ignored(p, nil); got != want {
			t.Errorf("ignored(%s) = %v, want %v", p, got, want)
		}
	}
	if newWatchIgnorer(nil, func(string) {}) != nil {
		t.Error("no patterns should need no ignorer")
	}
}

// usePolling: the watcher polls (no fsnotify) and still sees changes, and files created in new folders.
func TestWatchPollingPicksUpChanges(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":     "<html><body></body></html>",
		"src/main.js":    "import { v } from './dep.js'\nimport.meta.hot.accept('./dep.js', () => {})\nconst pages = import.meta.glob('./pages/**/*.js')\n",
		"src/dep.js":     "export const v = 1\n",
		"src/pages/a.js": "export default 1\n",
	})
	s, ts := newTestServer(t, root, func(uc *config.UserConfig) {
		uc.Server.Watch = &config.WatchOptions{UsePolling: config.Bool(true), Interval: 40}
	})
	w := s.watcher
	if w == nil || w.fw != nil || w.poll == nil || w.poll.interval != 40*time.Millisecond {
		t.Fatalf("watcher is not polling: %+v", w)
	}
	c := hmrClient(t, s, ts)
	get(t, ts, "/src/main.js")
	get(t, ts, "/src/dep.js")

	// Same size, new content: the modification time tells (set ahead, for file systems with coarse
	// times).
	writeProjectFile(t, root, "src/dep.js", "export const v = 2\n")
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(filepath.Join(root, "src/dep.js"), later, later); err != nil {
		t.Fatal(err)
	}
	msg := readPayload(t, c)
	ups, _ := msg["updates"].([]any)
	if msg["type"] != "update" || len(ups) != 1 || ups[0].(map[string]any)["acceptedPath"] != "/src/dep.js" {
		t.Fatalf("polled change: %v", msg)
	}

	// A file in a folder created after the start: the glob's importer is updated.
	writeProjectFile(t, root, "src/pages/new/b.js", "export default 2\n")
	msg = readPayload(t, c)
	if msg["type"] != "full-reload" && msg["type"] != "update" {
		t.Fatalf("polled add in a new folder: %v", msg)
	}
	if !w.dirs[filepath.Join(root, "src/pages/new")] {
		t.Error("the new folder is not polled")
	}

	// CHOKIDAR_USEPOLLING and CHOKIDAR_INTERVAL switch polling on as in Vite.
	t.Setenv("CHOKIDAR_USEPOLLING", "true")
	t.Setenv("CHOKIDAR_INTERVAL", "75")
	poll, interval, binary := pollSettings(config.WatchOptions{})
	if !poll || interval != 75*time.Millisecond || binary != 300*time.Millisecond {
		t.Errorf("env settings: %v %v %v", poll, interval, binary)
	}
	t.Setenv("CHOKIDAR_USEPOLLING", "0")
	if poll, _, _ := pollSettings(config.WatchOptions{UsePolling: config.Bool(true)}); poll {
		t.Error("CHOKIDAR_USEPOLLING=0 should win")
	}
}

// server.watch: null (from a JS config): nothing is watched, so a change sends nothing and the module
// stays as it was transformed (Vite's behaviour).
func TestWatchNullWatchesNothing(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json":   "{}",
		"index.html":     "<html><body></body></html>",
		"vite.config.js": `export default { server: { watch: null } }`,
		"src/a.js":       "export const a = 'first'\n",
	})
	s, ts := serverFromConfigFile(t, root)
	if !s.Config.Server.Watch.Disabled || s.watcher != nil {
		t.Fatalf("watch: null left a watcher (disabled=%v)", s.Config.Server.Watch.Disabled)
	}
	c := hmrClient(t, s, ts)
	_, body, _ := get(t, ts, "/src/a.js")
	mustContain(t, "module", body, "first")
	writeProjectFile(t, root, "src/a.js", "export const a = 'second'\n")
	noPayloadWithin(t, c, 400*time.Millisecond, "a change with watch: null")
	_, body, _ = get(t, ts, "/src/a.js")
	mustContain(t, "module after an unwatched change", body, "first")
}
