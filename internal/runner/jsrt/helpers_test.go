package jsrt

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"
)

// logRecorder is a slog.Handler keeping records for tests.
type logRecorder struct {
	mu      sync.Mutex
	records []logRecord
	attrs   []slog.Attr
}

type logRecord struct {
	Level slog.Level
	Msg   string
	Env   string
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Level: r.Level, Msg: r.Message}
	for _, a := range h.attrs {
		if a.Key == "env" {
			rec.Env = a.Value.String()
		}
	}
	h.mu.Lock()
	h.records = append(h.records, rec)
	h.mu.Unlock()
	return nil
}
func (h *logRecorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logRecorderView{h, append(append([]slog.Attr(nil), h.attrs...), attrs...)}
}
func (h *logRecorder) WithGroup(string) slog.Handler { return h }

// logRecorderView shares the records of its parent and adds attributes.
type logRecorderView struct {
	parent *logRecorder
	attrs  []slog.Attr
}

func (v *logRecorderView) Enabled(context.Context, slog.Level) bool { return true }
func (v *logRecorderView) Handle(ctx context.Context, r slog.Record) error {
	rec := logRecord{Level: r.Level, Msg: r.Message}
	for _, a := range v.attrs {
		if a.Key == "env" {
			rec.Env = a.Value.String()
		}
	}
	v.parent.mu.Lock()
	v.parent.records = append(v.parent.records, rec)
	v.parent.mu.Unlock()
	return nil
}
func (v *logRecorderView) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logRecorderView{v.parent, append(append([]slog.Attr(nil), v.attrs...), attrs...)}
}
func (v *logRecorderView) WithGroup(string) slog.Handler { return v }

func (h *logRecorder) all() []logRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]logRecord(nil), h.records...)
}

func (h *logRecorder) messages() []string {
	var out []string
	for _, r := range h.all() {
		out = append(out, r.Msg)
	}
	return out
}

func newTestRuntime(t testing.TB) (*Runtime, *logRecorder) {
	t.Helper()
	logs := &logRecorder{}
	rt, err := New(Options{Name: "test", Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Close)
	return rt, logs
}

// evalJSON runs src (a script; its completion value may be a promise) and returns
// JSON.stringify of the result, or of the fulfilled value.
func evalJSON(t testing.TB, rt *Runtime, src string) string {
	t.Helper()
	out, err := tryEvalJSON(rt, src)
	if err != nil {
		var jsErr *JSError
		if ok := asJSError(err, &jsErr); ok {
			t.Fatalf("evaluating:\n%s\nerror: %s", src, jsErr.Detail())
		}
		t.Fatalf("evaluating:\n%s\nerror: %v", src, err)
	}
	return out
}

func tryEvalJSON(rt *Runtime, src string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var out string
	err := rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
		return vm.RunString(src)
	}, func(vm *goja.Runtime, v goja.Value) error {
		if goja.IsUndefined(v) {
			out = "undefined"
			return nil
		}
		j, err := vm.RunString("JSON.stringify")
		if err != nil {
			return err
		}
		fn, _ := goja.AssertFunction(j)
		s, err := fn(goja.Undefined(), v)
		if err != nil {
			return err
		}
		out = s.String()
		return nil
	})
	return out, err
}

func asJSError(err error, target **JSError) bool {
	e, ok := err.(*JSError)
	if ok {
		*target = e
	}
	return ok
}

// expectJSON compares JSON documents after normalizing both.
func expectJSON(t testing.TB, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("result is not JSON: %s", got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s", want)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("got  %s\nwant %s", gb, wb)
	}
}

func lines(s ...string) string { return strings.Join(s, "\n") }

func mustUnmarshal(t testing.TB, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("unmarshal %s: %v", s, err)
	}
}

// indexer returns a function giving the index of s in list, or -1.
func indexer(list []string) func(string) int {
	return func(s string) int {
		for i, v := range list {
			if v == s {
				return i
			}
		}
		return -1
	}
}

func mustMarshal(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
