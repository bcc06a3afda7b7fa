package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestGCPercentFollowsLiveHeap(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, gcMaxPercent},
		{8 << 20, gcMaxPercent},
		{16 << 20, 300},
		{32 << 20, 100},
		{40 << 20, 100},
		{1 << 30, 100},
	} {
		if got := gcPercentFor(c.live); got != c.want {
			t.Errorf("gcPercentFor(%d MB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}

func TestTuneGC(t *testing.T) {
	oldPercent := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(oldPercent) })

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
	if p := debug.SetGCPercent(gcMaxPercent); p != gcMaxPercent {
		t.Errorf("GC percent %d, want %d", p, gcMaxPercent)
	}
	// A big live heap brings GOGC back to Go's default after a collection.
	big := make([][]byte, 0, 150)
	for range 150 {
		big = append(big, make([]byte, 1<<20))
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // the finalizer runs on its own goroutine
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		if p == 100 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("GC percent %d with ~150 MB live, want 100", p)
		}
	}
	runtime.KeepAlive(big)
}
