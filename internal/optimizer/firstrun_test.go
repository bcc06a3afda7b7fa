package optimizer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Vite serves source modules once its scan is done and bundles the dependencies meanwhile: Lookup and
// BrowserHash are final after the scan, and only the deps' own files wait for the bundle.
func TestScannedDepsAreServedWhileBundling(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"index.html":   `<script type="module" src="/src/main.tsx"></script>`,
		"src/main.tsx": `import { a } from "lib-a"; import { hello } from "cjs-pkg"; console.log(a, hello)`,
	})
	o, _ := newOpt(t, root, nil)
	var reloads atomic.Int32
	o.OnRebundle = func() { reloads.Add(1) }
	release := make(chan struct{})
	testHookBundle = func() { <-release }
	t.Cleanup(func() { testHookBundle = nil })
	done := make(chan error, 1)
	go func() { done <- o.Init(context.Background()) }()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := o.WaitScan(ctx); err != nil {
		t.Fatal(err)
	}
	a, okA := o.Lookup("lib-a")
	cjs, okC := o.Lookup("cjs-pkg")
	if !okA || !okC || a.NeedsInterop || !cjs.NeedsInterop {
		t.Fatalf("during the bundle: lib-a %+v %v, cjs-pkg %+v %v", a, okA, cjs, okC)
	}
	if d, ok := o.LookupFile(a.File); !ok || d.ID != "lib-a" {
		t.Errorf("LookupFile(%s) = %+v, %v", a.File, d, ok)
	}
	if _, err := os.Stat(a.File); err == nil {
		t.Fatal("a dep file exists before its bundle ran")
	}
	hash := o.BrowserHash()
	if hash == "" {
		t.Fatal("no BrowserHash after the scan")
	}
	short, cancelShort := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelShort()
	if err := o.Wait(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait returned %v while the bundle was held", err)
	}

	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if o.BrowserHash() != hash {
		t.Errorf("BrowserHash changed from %s (served during the bundle) to %s", hash, o.BrowserHash())
	}
	for _, d := range []*DepInfo{a, cjs} {
		final, ok := o.Lookup(d.ID)
		if !ok || final.File != d.File || final.NeedsInterop != d.NeedsInterop {
			t.Errorf("%s: served as %+v, bundled as %+v", d.ID, d, final)
		}
		if _, err := os.Stat(d.File); err != nil {
			t.Errorf("after Init: %v", err)
		}
	}
	if reloads.Load() != 0 {
		t.Errorf("a first run whose guesses held reloaded %d times", reloads.Load())
	}
}

// A dependency whose source looks like an ES module but bundles as CommonJS was served with the wrong
// interop while it was bundled: the pages reload once, with Vite's warning.
func TestFirstRunWrongInteropGuessReloads(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"index.html":                      `<script type="module" src="/src/main.tsx"></script>`,
		"src/main.tsx":                    `import { a } from "mixed"; console.log(a)`,
		"node_modules/mixed/package.json": `{"name":"mixed","version":"1.0.0","main":"index.js"}`,
		"node_modules/mixed/index.js":     "import './side.js'\nmodule.exports = { a: 1 }\n",
		"node_modules/mixed/side.js":      "globalThis.side = 1\n",
	})
	o, logs := newOpt(t, root, nil)
	var reloads atomic.Int32
	o.OnRebundle = func() { reloads.Add(1) }
	var guessed *DepInfo
	testHookBundle = func() { guessed, _ = o.Lookup("mixed") }
	t.Cleanup(func() { testHookBundle = nil })
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	final, _ := o.Lookup("mixed")
	if guessed == nil || guessed.NeedsInterop || !final.NeedsInterop {
		t.Fatalf("want a wrong guess corrected by the bundle: guessed %+v, bundled %+v", guessed, final)
	}
	if n := reloads.Load(); n != 1 {
		t.Errorf("OnRebundle called %d times, want 1", n)
	}
	if !strings.Contains(logs.String(), "Mixed ESM and CJS detected in mixed") {
		t.Errorf("logs:\n%s", logs)
	}
}

// A cold run's scan publishes each dependency as it finds it: the entry's own imports are found in
// the first rounds, so the module that imports them can be served before the scan has read the rest
// of the project, with the BrowserHash the bundle ends with. A dependency the scan has not reached is
// not known yet, and one in optimizeDeps.exclude never is.
func TestScanPublishesDepsAsItFindsThem(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"index.html":   `<script type="module" src="/src/main.tsx"></script>`,
		"src/main.tsx": `import { a } from "lib-a"; import { b } from "lib-b"; import "./later"; console.log(a, b)`,
		"src/later.ts": `import { hello } from "cjs-pkg"; console.log(hello)`,
	})
	o, _ := newOpt(t, root, func(o *Options) { o.Exclude = []string{"lib-b"} })
	held, release := make(chan struct{}), make(chan struct{})
	testHookScanRound = func(entries []string) {
		for _, e := range entries {
			if strings.HasSuffix(e, "later.ts") {
				close(held)
				<-release
			}
		}
	}
	var releaseOnce sync.Once
	unhold := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(func() { unhold(); testHookScanRound = nil }) // a failed check must not leave Init held
	done := make(chan error, 1)
	go func() { done <- o.Init(context.Background()) }()
	select {
	case <-held:
	case err := <-done:
		t.Fatalf("Init ended (%v) before the scan reached src/later.ts", err)
	}

	a, ok := o.Lookup("lib-a")
	if !ok || a.NeedsInterop || a.File == "" {
		t.Fatalf("lib-a during the scan: %+v, %v", a, ok)
	}
	if d, ok := o.Lookup("lib-b"); ok {
		t.Errorf("excluded lib-b published during the scan: %+v", d)
	}
	if d, ok := o.Lookup("cjs-pkg"); ok {
		t.Errorf("cjs-pkg published before the scan read its importer: %+v", d)
	}
	hash := o.BrowserHash()
	if len(hash) != 8 {
		t.Fatalf("BrowserHash during the scan: %q", hash)
	}
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := o.WaitScan(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitScan returned %v while the scan was held", err)
	}

	unhold()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if o.BrowserHash() != hash {
		t.Errorf("BrowserHash changed from %s (served during the scan) to %s", hash, o.BrowserHash())
	}
	if final, ok := o.Lookup("lib-a"); !ok || final.File != a.File || final.NeedsInterop != a.NeedsInterop {
		t.Errorf("lib-a: served as %+v, bundled as %+v", a, final)
	}
	if d, ok := o.Lookup("cjs-pkg"); !ok || !d.NeedsInterop {
		t.Errorf("cjs-pkg after the scan: %+v, %v", d, ok)
	}
	if _, ok := o.Lookup("lib-b"); ok {
		t.Error("excluded lib-b optimized")
	}
}

// Every cold bundle gets a BrowserHash of its own, so that a browser never uses a copy of a dep it
// cached as immutable from an earlier bundle of the same lockfile and config (whose files may have
// been split into other chunks); a cache hit keeps the hash the bundle wrote.
func TestColdBundlesGetTheirOwnBrowserHash(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"index.html":   `<script type="module" src="/src/main.tsx"></script>`,
		"src/main.tsx": `import { a } from "lib-a"; console.log(a)`,
	})
	hashes := map[string]bool{}
	for i := 0; i < 2; i++ {
		o, _ := newOpt(t, root, nil)
		if err := o.Init(context.Background()); err != nil {
			t.Fatal(err)
		}
		hashes[o.BrowserHash()] = true
		o.Close()
		if err := os.RemoveAll(filepath.Join(root, "node_modules", ".vite")); err != nil {
			t.Fatal(err)
		}
	}
	if len(hashes) != 2 {
		t.Errorf("two cold bundles share a BrowserHash: %v", hashes)
	}
}

// holdRound makes the scan round that reads the file ending in suffix wait for release (or for
// ten seconds). It returns a channel closed when that round starts.
func holdRound(t *testing.T, suffix string, release <-chan struct{}) <-chan struct{} {
	t.Helper()
	reached := make(chan struct{})
	var once sync.Once
	testHookScanRound = func(entries []string) {
		for _, e := range entries {
			if strings.HasSuffix(e, suffix) {
				once.Do(func() { close(reached) })
				select {
				case <-release:
				case <-time.After(10 * time.Second):
				}
			}
		}
	}
	t.Cleanup(func() { testHookScanRound = nil })
	return reached
}

// The dependencies the entry imports are bundled while the scan reads the rest of the project, and
// that bundle is the one kept when the scan finds nothing more: the bundle starts before the scan's
// last round.
func TestScanBundlesWhatItFoundSoFar(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"index.html":   `<script type="module" src="/src/main.tsx"></script>`,
		"src/main.tsx": `import { a } from "lib-a"; import { hello } from "cjs-pkg"; import "./later"; console.log(a, hello)`,
		"src/later.ts": `import { a } from "lib-a"; export const later = a`,
	})
	o, _ := newOpt(t, root, nil)
	bundleStarted := make(chan struct{}, 4)
	testHookBundle = func() { bundleStarted <- struct{}{} }
	t.Cleanup(func() { testHookBundle = nil })
	reached := holdRound(t, "later.ts", bundleStarted) // released by the first bundle's start
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reached:
	default:
		t.Fatal("the scan never read src/later.ts")
	}
	if n := len(bundleStarted); n != 0 {
		t.Errorf("%d more bundles after the one the scan's last round waited for, want none", n)
	}
	assertBundled(t, o, root, "lib-a", "cjs-pkg")
}

// A round that finds another dependency makes the bundle in flight useless: the dependencies are
// bundled again, together, and nothing of the first bundle is left behind.
func TestScanRebundlesWhenALaterRoundFindsMore(t *testing.T) {
	root := fakeProject(t, map[string]string{
		"index.html":   `<script type="module" src="/src/main.tsx"></script>`,
		"src/main.tsx": `import { a } from "lib-a"; import "./later"; console.log(a)`,
		"src/later.ts": `import { hello } from "cjs-pkg"; export const later = hello`,
	})
	o, _ := newOpt(t, root, nil)
	var bundles atomic.Int32
	bundleStarted := make(chan struct{}, 4)
	testHookBundle = func() { bundles.Add(1); bundleStarted <- struct{}{} }
	t.Cleanup(func() { testHookBundle = nil })
	holdRound(t, "later.ts", bundleStarted)
	if err := o.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := bundles.Load(); n != 2 {
		t.Errorf("%d bundles, want 2 (lib-a during the scan, then lib-a and cjs-pkg)", n)
	}
	if got := strings.Join(depIDs(o), ","); got != "cjs-pkg,lib-a" {
		t.Errorf("deps %s", got)
	}
	assertBundled(t, o, root, "lib-a", "cjs-pkg")
}

// assertBundled checks that each of ids has its file, and that no bundle left its temporary
// directory behind.
func assertBundled(t *testing.T, o *Optimizer, root string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		d := mustLookup(t, o, id)
		if _, err := os.Stat(d.File); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(root, "node_modules", ".vite"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "_temp_") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
