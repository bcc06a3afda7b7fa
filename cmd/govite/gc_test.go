package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestGCSettingsFollowLiveHeap(t *testing.T) {
	for _, c := range []struct {
		live    uint64
		percent int
		limit   int64
	}{
		{0, 400, gcHeadroom},
		{20 << 20, 400, gcHeadroom},
		{gcSmallLive, 100, math.MaxInt64},
		{1 << 30, 100, math.MaxInt64},
	} {
		if p, l := gcSettings(c.live); p != c.percent || l != c.limit {
			t.Errorf("gcSettings(%d MB) = %d, %d; want %d, %d", c.live>>20, p, l, c.percent, c.limit)
		}
	}
}

func TestTuneGC(t *testing.T) {
	oldPercent := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(oldPercent); debug.SetMemoryLimit(oldLimit) })

	t.Run("environment wins", func(t *testing.T) {
		t.Setenv("GOGC", "100")
		tuneGC()
		if p := debug.SetGCPercent(100); p != 100 {
			t.Errorf("GOGC set: GC percent changed to %d", p)
		}
	})
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	tuneGC()
	if p, l := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1); p != 400 || l != gcHeadroom {
		t.Errorf("GC percent %d, limit %d; want 400, %d", p, l, gcHeadroom)
	}
	debug.SetGCPercent(400)
	// A big live heap brings Go's defaults back after a collection.
	big := make([][]byte, 0, 150)
	for range 150 {
		big = append(big, make([]byte, 1<<20))
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // the finalizer runs on its own goroutine
		if debug.SetMemoryLimit(-1) == math.MaxInt64 {
			break
		} else if time.Now().After(deadline) {
			t.Fatal("the memory limit stays with ~150 MB live")
		}
	}
	runtime.KeepAlive(big)
}
