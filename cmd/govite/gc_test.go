package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestGCLimitFollowsLiveHeap(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, gcHeadroom},
		{30 << 20, gcHeadroom},
		{50 << 20, gcHeadroom},
		{80 << 20, 160 << 20},
		{1 << 30, 2 << 30},
	} {
		if got := gcLimit(c.live); got != c.want {
			t.Errorf("gcLimit(%d MB) = %d MB, want %d MB", c.live>>20, got>>20, c.want>>20)
		}
	}
}

func TestTuneGC(t *testing.T) {
	oldPercent := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(-1)
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
	if p := debug.SetGCPercent(gcPercent); p != gcPercent {
		t.Errorf("GC percent %d, want %d", p, gcPercent)
	}
	// A big live heap moves the limit up after a collection.
	big := make([][]byte, 0, 150)
	for range 150 {
		big = append(big, make([]byte, 1<<20))
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // the finalizer runs on its own goroutine
		if l := debug.SetMemoryLimit(-1); l >= 2*150<<20 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("memory limit %d MB with ~150 MB live, want at least 300 MB", l>>20)
		}
	}
	runtime.KeepAlive(big)
}
