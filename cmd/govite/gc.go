package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The garbage collector's default (GOGC=100: collect when the heap has doubled since the last
// collection) is tuned for long-running servers with large heaps. govite's live heap is small and
// most of what it allocates is short-lived (esbuild's syntax trees, one per transform), so with the
// default it collected every few MB during a dev server's start-up, ~15 % of its CPU.
//
// tuneGC lets a small heap grow: while the live heap is under gcSmallLive, GOGC is 400 under a
// memory limit of gcHeadroom (the runtime then also returns freed memory to the system sooner, which
// keeps the peak RSS where the default had it). Once the live heap is larger, Go's defaults come
// back: a limit that trailed a build's fast-growing heap made the collector run back to back (a
// 2000-module build took 35 % longer), and GOGC alone, without the limit, cost ~30 MB more peak
// RSS in the dev server for the same CPU. It decides after every collection.
//
// It is for the command only: a Go program that mounts the dev server as a library keeps its own
// settings. GOGC or GOMEMLIMIT in the environment turn it off.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	setGC(0)
	watchGC()
}

const (
	gcHeadroom  = 100 << 20
	gcSmallLive = 32 << 20
)

// gcSettings are GOGC and the memory limit for a live heap of live bytes.
func gcSettings(live uint64) (percent int, limit int64) {
	if live < gcSmallLive {
		return 400, gcHeadroom
	}
	return 100, math.MaxInt64
}

func setGC(live uint64) {
	percent, limit := gcSettings(live)
	debug.SetGCPercent(percent)
	debug.SetMemoryLimit(limit)
}

// watchGC decides after every collection: a finalizer runs once per cycle, on an object that
// becomes garbage at that cycle, and arms the next one.
func watchGC() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var arm func()
	arm = func() {
		s := new(gcSentinel)
		runtime.SetFinalizer(s, func(*gcSentinel) {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				setGC(sample[0].Value.Uint64())
			}
			arm()
		})
	}
	arm()
}

// gcSentinel holds a pointer so that it is a heap object of its own (a small pointer-free object
// may share a block with others, and its finalizer would wait for all of them).
type gcSentinel struct{ _ *int }
