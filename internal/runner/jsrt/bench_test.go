package jsrt

import (
	"runtime"
	"testing"
	"time"
)

func BenchmarkNew(b *testing.B) {
	if _, err := compiledPolyfills(); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		rt, err := New(Options{Name: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		rt.Close()
	}
}

// TestNewCost reports what New costs (time and heap), and fails when it is far off the budget of a few
// milliseconds.
func TestNewCost(t *testing.T) {
	if _, err := compiledPolyfills(); err != nil {
		t.Fatal(err)
	}
	const n = 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rts := make([]*Runtime, 0, n)
	start := time.Now()
	for i := 0; i < n; i++ {
		rt, err := New(Options{Name: "cost"})
		if err != nil {
			t.Fatal(err)
		}
		rts = append(rts, rt)
	}
	per := time.Since(start) / n
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / n
	for _, rt := range rts {
		rt.Close()
	}
	t.Logf("New: %v per runtime, %d KiB live heap per runtime", per, heap/1024)
	if per > 50*time.Millisecond && !raceEnabled {
		t.Errorf("New takes %v per runtime; the budget is a few ms", per)
	}
}
