package optimizer

import (
	"context"
	"errors"
	"os"
	"strings"
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
