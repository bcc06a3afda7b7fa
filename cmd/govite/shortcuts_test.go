//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govite/govite/internal/testutil/browser"
	"github.com/govite/govite/internal/testutil/tools"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: what the test writes to master, govite reads from tty as a user's
// typing (line by line: the terminal is in canonical mode).
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	tools.Require(t, err == nil, fmt.Sprintf("no pseudo-terminal (/dev/ptmx): %v", err))
	rc, err := m.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var ioctlErr error
	rc.Control(func(fd uintptr) {
		if ioctlErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ioctlErr == nil {
			n, ioctlErr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN)
		}
	})
	if ioctlErr != nil {
		m.Close()
		t.Fatalf("unlocking the pseudo-terminal: %v", ioctlErr)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Fatal(err)
	}
	// The terminal echoes what is typed back to master: read it so that it never fills up.
	go io.Copy(io.Discard, m)
	t.Cleanup(func() {
		m.Close() // first: a read blocked on the tty then ends
		s.Close()
	})
	return m, s
}

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*[a-zA-Z]")

func plain(s string) string { return ansiRE.ReplaceAllString(s, "") }

// devCLI is `govite dev` running in process with the given stdin.
type devCLI struct {
	url      string
	out, err *lockedBuffer
	done     chan int
	cancel   context.CancelFunc
}

func startDevCLI(t *testing.T, root string, stdin io.Reader, args ...string) *devCLI {
	t.Helper()
	port := freePortT(t)
	fl, err := parseFlags(append([]string{root, "--port", strconv.Itoa(port), "--strictPort"}, args...))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &devCLI{url: fmt.Sprintf("http://localhost:%d/", port), out: &lockedBuffer{}, err: &lockedBuffer{}, done: make(chan int, 1), cancel: cancel}
	go func() { d.done <- runDev(ctx, fl, stdin, d.out, d.err) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-d.done:
		case <-time.After(10 * time.Second):
			t.Errorf("govite dev did not stop")
		}
	})
	d.waitOutput(t, "ready in")
	if _, err := httpGet(d.url); err != nil {
		t.Fatalf("the dev server does not answer: %v\n%s", err, d.err.String())
	}
	return d
}

// waitOutput waits until stdout (without colors) contains every want.
func (d *devCLI) waitOutput(t *testing.T, wants ...string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		out := plain(d.out.String())
		missing := ""
		for _, w := range wants {
			if !strings.Contains(out, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		select {
		case code := <-d.done:
			d.done <- code
			t.Fatalf("govite dev exited (%d) before printing %q:\n%s\n%s", code, missing, out, d.err.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("stdout lacks %q:\n%s\nstderr:\n%s", missing, out, d.err.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func httpGet(url string) (string, error) {
	res, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return string(body), fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return string(body), err
}

func freePortT(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

var shortcutsProject = map[string]string{
	"index.html":  `<!doctype html><html><head><title>loading</title></head><body><script type="module" src="/src/main.js"></script></body></html>`,
	"src/main.js": "document.title = 'ready'\n",
}

// In a terminal, Vite's shortcuts: h prints the help, u the URLs (input is case-insensitive), r
// restarts the server (an open page reconnects and reloads) and q quits.
func TestDevShortcutsInATerminal(t *testing.T) {
	t.Setenv("CI", "") // Vite turns the shortcuts off under CI
	root := writeProject(t, shortcutsProject)
	master, tty := openPTY(t)
	d := startDevCLI(t, root, tty)
	d.waitOutput(t, "press h + enter to show help")

	b := browser.New(t)
	p := b.Page(t, d.url)
	p.WaitFor(t, `document.title === 'ready'`, 10*time.Second)
	p.Eval(t, `window.__marker = 1`, nil)

	type_ := func(line string) {
		t.Helper()
		if _, err := master.Write([]byte(line + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	type_("h")
	d.waitOutput(t, "Shortcuts", "press r + enter to restart the server", "press u + enter to show server url",
		"press o + enter to open in browser", "press c + enter to clear console", "press q + enter to quit")

	before := strings.Count(plain(d.out.String()), "Local:")
	type_(" U ")
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(plain(d.out.String()), "Local:") == before {
		if time.Now().After(deadline) {
			t.Fatalf("u did not print the URLs:\n%s", plain(d.out.String()))
		}
		time.Sleep(20 * time.Millisecond)
	}

	type_("r")
	d.waitOutput(t, "server restarted")
	p.WaitFor(t, `window.__marker === undefined && document.title === 'ready'`, 15*time.Second)
	if _, err := httpGet(d.url); err != nil {
		t.Fatalf("after the restart: %v", err)
	}

	type_("q")
	select {
	case code := <-d.done:
		d.done <- code
		if code != 0 {
			t.Errorf("q: exit code %d\n%s", code, d.err.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not quit")
	}
	if _, err := httpGet(d.url); err == nil {
		t.Errorf("the server still answers after q")
	}
}

// Without a terminal (a pipe, /dev/null) or under CI, the shortcuts are off: no hint, and stdin is not
// read (what was typed is still there afterwards) so q does not quit.
func TestDevShortcutsOffWithoutATerminal(t *testing.T) {
	root := writeProject(t, shortcutsProject)
	check := func(t *testing.T, stdin *os.File, typed *os.File, readBack *os.File) {
		t.Helper()
		d := startDevCLI(t, root, stdin)
		if typed != nil {
			if _, err := typed.Write([]byte("h\nq\n")); err != nil {
				t.Fatal(err)
			}
		}
		// Give a reader, were there one, the time to take the input; meanwhile the server serves.
		for range 10 {
			if _, err := httpGet(d.url); err != nil {
				t.Fatalf("the server stopped: %v", err)
			}
			time.Sleep(30 * time.Millisecond)
		}
		select {
		case code := <-d.done:
			d.done <- code
			t.Fatalf("govite dev exited (%d) on input it should not read", code)
		default:
		}
		out := plain(d.out.String())
		if strings.Contains(out, "press h + enter") || strings.Contains(out, "Shortcuts") {
			t.Errorf("shortcuts are on:\n%s", out)
		}
		if readBack != nil {
			buf := make([]byte, 16)
			readBack.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, err := readBack.Read(buf)
			if err != nil || !strings.HasPrefix(string(buf[:n]), "h\n") {
				t.Errorf("govite read stdin: reading it back gave %q, %v", buf[:n], err)
			}
		}
	}
	t.Run("pipe", func(t *testing.T) {
		t.Setenv("CI", "")
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		defer w.Close()
		check(t, r, w, r)
	})
	t.Run("dev null", func(t *testing.T) {
		t.Setenv("CI", "")
		f, err := os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		check(t, f, nil, nil)
	})
	t.Run("terminal under CI", func(t *testing.T) {
		t.Setenv("CI", "true")
		master, tty := openPTY(t)
		check(t, tty, master, tty)
	})
}

// `govite dev --force` bundles the dependencies again although the cache in node_modules/.vite is
// valid: the files are rewritten and the metadata gets a new browserHash (the ?v= of the deps, so that
// browsers drop the copies they cached as immutable). Without --force the valid cache is reused as it
// is.
func TestDevForceRebundlesDependencies(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json":                  `{"name": "force", "private": true, "type": "module"}`,
		"package-lock.json":             `{"lockfileVersion": 3}`,
		"node_modules/dep/package.json": `{"name": "dep", "version": "1.0.0", "type": "module", "main": "index.js"}`,
		"node_modules/dep/index.js":     "export const v = 'dep'\n",
		"index.html":                    `<html><head></head><body><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js":                   "import { v } from 'dep'\ndocument.title = v\n",
	})
	depsDir := root + "/node_modules/.vite/deps"
	versionRE := regexp.MustCompile(`/node_modules/\.vite/deps/dep\.js\?v=([0-9a-f]+)`)
	type state struct {
		v        string
		metadata string
		mtime    time.Time
		ino      uint64
		stderr   string
	}
	devRun := func(args ...string) state {
		t.Helper()
		d := startDevCLI(t, root, nil, args...)
		body, err := httpGet(d.url + "src/main.js")
		if err != nil {
			t.Fatal(err)
		}
		m := versionRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("main.js does not import the pre-bundled dep:\n%s", body)
		}
		// main.js is served once the scan is done; the dep waits for the bundle, whose cache this
		// test reads after the server stops.
		if _, err := httpGet(d.url + "node_modules/.vite/deps/dep.js?v=" + m[1]); err != nil {
			t.Fatal(err)
		}
		d.cancel()
		<-d.done
		d.done <- 0
		meta, err := os.ReadFile(depsDir + "/_metadata.json")
		if err != nil {
			t.Fatal(err)
		}
		var st unix.Stat_t
		if err := unix.Stat(depsDir+"/dep.js", &st); err != nil {
			t.Fatal(err)
		}
		return state{v: m[1], metadata: string(meta), mtime: time.Unix(st.Mtim.Unix()), ino: st.Ino, stderr: plain(d.err.String())}
	}
	first := devRun()
	if !strings.Contains(first.metadata, `"browserHash": "`+first.v+`"`) {
		t.Errorf("the served ?v=%s is not the metadata's browserHash:\n%s", first.v, first.metadata)
	}
	cached := devRun()
	if cached.v != first.v || cached.metadata != first.metadata || !cached.mtime.Equal(first.mtime) || cached.ino != first.ino {
		t.Errorf("a valid cache was not reused: ?v=%s then %s, dep.js %v/%d then %v/%d\n%s", first.v, cached.v, first.mtime, first.ino, cached.mtime, cached.ino, cached.stderr)
	}
	forced := devRun("--force")
	if !strings.Contains(forced.stderr, "Forced re-optimization of dependencies") {
		t.Errorf("--force did not re-optimize:\n%s", forced.stderr)
	}
	if forced.mtime.Equal(cached.mtime) && forced.ino == cached.ino {
		t.Errorf("--force did not rewrite the deps")
	}
	if forced.v == cached.v || forced.metadata == cached.metadata {
		t.Errorf("--force kept the browserHash %s: browsers would keep their cached copies of the deps", forced.v)
	}
	if !strings.Contains(forced.metadata, `"browserHash": "`+forced.v+`"`) {
		t.Errorf("the served ?v=%s is not the metadata's browserHash:\n%s", forced.v, forced.metadata)
	}
}
