package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The garbage collector's default (GOGC=100: collect when the heap has doubled since the last
// collection) is tuned for long-running servers with large heaps. govite's live heap is small and
// most of what it allocates is short-lived (esbuild's syntax trees, one per transform), so with the
// default it collected every few MB during a dev server's start-up, ~15 % of its CPU. tuneGC lets
// the heap grow to gcHeadroom before a collection while the live heap is small (GOGC up to 400),
// and keeps Go's default once the live heap is half of that or more. It sets GOGC after every
// collection rather than a memory limit: a limit that trailed a build's fast-growing heap made the
// collector run back to back (a 2000-module build took 35 % longer). With 64 MB the dev server's
// peak RSS on the 1000-component benchmark is ~120 MB (90–110 MB with Go's default); 100 MB saved
// a little more CPU for ~150 MB.
//
// It is for the command only: a Go program that mounts the dev server as a library keeps its own
// settings. GOGC or GOMEMLIMIT in the environment turn it off.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(gcMaxPercent)
	watchGC()
}

const (
	gcMaxPercent = 400
	gcHeadroom   = 64 << 20
)

// gcPercentFor is the GOGC for a live heap of live bytes: the heap may grow to gcHeadroom, within
// Go's default (100) and gcMaxPercent.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return gcMaxPercent
	}
	return int(min(max(int64(gcHeadroom*100/live)-100, 100), gcMaxPercent))
}

// watchGC sets GOGC after every collection: a finalizer runs once per cycle, on an object that
// becomes garbage at that cycle, and arms the next one.
func watchGC() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var arm func()
	arm = func() {
		s := new(gcSentinel)
		runtime.SetFinalizer(s, func(*gcSentinel) {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				debug.SetGCPercent(gcPercentFor(sample[0].Value.Uint64()))
			}
			arm()
		})
	}
	arm()
}

// gcSentinel holds a pointer so that it is a heap object of its own (a small pointer-free object
// may share a block with others, and its finalizer would wait for all of them).
type gcSentinel struct{ _ *int }
