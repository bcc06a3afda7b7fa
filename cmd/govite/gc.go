package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The garbage collector's default (GOGC=100: collect when the heap has doubled since the last
// collection) is tuned for long-running servers with large heaps. govite's heap is small and
// short-lived garbage is most of what it allocates (esbuild's syntax trees, one per transform), so
// with the default it collected every few MB during a dev server's start-up, ~15 % of its CPU.
// tuneGC lets the heap grow to five times the live data, but caps the total at gcHeadroom or at
// twice the live data, whichever is larger: small projects spend up to ~100 MB on fewer
// collections, and a large one is collected as with the default, never held at a fixed limit
// (where the collector would run back to back).
//
// It is for the command only: a Go program that mounts the dev server as a library keeps its own
// settings. GOGC or GOMEMLIMIT in the environment turn it off.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(gcHeadroom)
	watchGC()
}

const (
	gcPercent  = 400
	gcHeadroom = 100 << 20
)

// gcLimit is the memory limit for a live heap of live bytes.
func gcLimit(live uint64) int64 {
	return max(gcHeadroom, 2*int64(live))
}

// watchGC moves the memory limit after every collection: a finalizer runs once per cycle, on an
// object that becomes garbage at that cycle, and arms the next one.
func watchGC() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var arm func()
	arm = func() {
		s := new(gcSentinel)
		runtime.SetFinalizer(s, func(*gcSentinel) {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				debug.SetMemoryLimit(gcLimit(sample[0].Value.Uint64()))
			}
			arm()
		})
	}
	arm()
}

// gcSentinel holds a pointer so that it is a heap object of its own (a small pointer-free object
// may share a block with others, and its finalizer would wait for all of them).
type gcSentinel struct{ _ *int }
