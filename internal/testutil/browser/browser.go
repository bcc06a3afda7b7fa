// Package browser drives a headless Chromium for end-to-end tests.
//
// It starts the system's Chromium (Debian's /usr/bin/chromium; it never
// downloads a browser) through chromedp, opens pages that record every network
// request, console message and uncaught exception, and offers small helpers
// that fail the test with a useful message instead of returning errors:
//
//	b := browser.New(t)                  // skips (or fails when CI=true) without chromium
//	p := b.Page(t, srv.URL+"/")          // navigates and waits for the load event
//	p.WaitFor(t, `window.appReady`, 5*time.Second)
//	if got := p.Text(t, "h1"); got != "Hello" { ... }
//	p.ExpectNoErrors(t)                  // no failed request, console error or exception
//
// One Browser can serve many pages and subtests; each Page is its own tab in
// its own browser context (no shared cache, cookies or storage between pages).
package browser

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// EnvChromium names an environment variable that, when set, is the only path
// tried for the Chromium binary. Point it at a missing file to test the
// "chromium not installed" path.
const EnvChromium = "GOVITE_CHROMIUM"

// DefaultChromium is where Debian's chromium package installs the browser.
const DefaultChromium = "/usr/bin/chromium"

// DefaultTimeout bounds navigation, reloads and element lookups.
const DefaultTimeout = 10 * time.Second

// startTimeout bounds the start of the browser process.
const startTimeout = 30 * time.Second

// skipMessage is the t.Skip message when no browser is installed outside CI.
const skipMessage = "chromium not installed: run scripts/test to install it"

// Flags are the command line flags Chromium is started with, besides the
// ones chromedp adds itself (a fresh temporary --user-data-dir, which it
// removes after the browser exits, --remote-debugging-pipe and about:blank).
var Flags = []string{
	"headless",
	"no-sandbox",
	"disable-gpu",
	"disable-background-networking",
	"disable-component-update",
	"disable-sync",
	"no-first-run",
	"disable-quic",
	"disable-dev-shm-usage",
	"no-default-browser-check",
	"window-size=1280,800",
}

// ChromiumPath returns the Chromium binary to use: $GOVITE_CHROMIUM when set,
// else /usr/bin/chromium, else the first of chromium, chromium-browser,
// google-chrome-stable and google-chrome on $PATH.
func ChromiumPath() (string, error) {
	if p, ok := os.LookupEnv(EnvChromium); ok && p != "" {
		if err := checkExecutable(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvChromium, p, err)
		}
		return p, nil
	}
	if checkExecutable(DefaultChromium) == nil {
		return DefaultChromium, nil
	}
	names := []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium at %s and none of %s on $PATH", DefaultChromium, strings.Join(names, ", "))
}

func checkExecutable(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s does not exist", p)
		}
		return err
	}
	if st.IsDir() || st.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

// Browser is one running headless Chromium.
type Browser struct {
	path   string
	ctx    context.Context // chromedp context that owns the browser process
	output *syncBuffer     // chromium's stdout and stderr
}

// New starts a headless Chromium for the test and stops it in t.Cleanup.
//
// When no Chromium is found, New calls t.Fatal if the environment has
// CI=true (CI must never silently skip browser tests), and t.Skip otherwise.
// A browser that is found but does not start always fails the test.
func New(t testing.TB) *Browser {
	t.Helper()
	path, err := ChromiumPath()
	if err != nil {
		if ci := strings.ToLower(os.Getenv("CI")); ci == "true" || ci == "1" {
			t.Fatalf("browser tests need Chromium but it is missing (CI=true, so not skipping): %v; install it with scripts/test (apt-get install chromium)", err)
			return nil
		}
		t.Skip(skipMessage)
		return nil
	}

	out := &syncBuffer{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.CombinedOutput(out),
	}
	for _, f := range Flags {
		name, value, hasValue := strings.Cut(f, "=")
		if hasValue {
			opts = append(opts, chromedp.Flag(name, value))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
	}
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	b := &Browser{path: path, ctx: ctx, output: out}

	// The first Run starts the process. It must not get a context with a
	// deadline (that would end the browser), so bound it from outside.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		err = fmt.Errorf("no answer after %v", startTimeout)
	}
	if err != nil {
		cancel()
		allocCancel()
		t.Fatalf("starting %s: %v\nbrowser output:\n%s", path, err, out.String())
		return nil
	}
	t.Cleanup(func() {
		cancel()
		allocCancel()
	})
	return b
}

// Path is the Chromium binary this browser runs.
func (b *Browser) Path() string { return b.path }

// Output is what the browser process printed so far (for debugging).
func (b *Browser) Output() string { return b.output.String() }

// NewPage opens a blank tab that records requests, console messages and
// exceptions from now on. It is closed in t.Cleanup.
func (b *Browser) NewPage(t testing.TB) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	p := &Page{b: b, ctx: ctx, cancel: cancel, byID: map[string]int{}, ignored: map[string]bool{}}
	t.Cleanup(p.Close)
	// Listen opens the tab and enables the Network, Runtime and Log domains.
	if err := chromedp.Listen(ctx, p.record); err != nil {
		t.Fatalf("opening a tab: %v\nbrowser output:\n%s", err, b.output.String())
	}
	return p
}

// Page opens a new tab (see NewPage) and navigates it to url, waiting for
// the load event.
func (b *Browser) Page(t testing.TB, url string) *Page {
	t.Helper()
	p := b.NewPage(t)
	p.Navigate(t, url)
	return p
}

type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
