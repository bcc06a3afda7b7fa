package logger

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
)

// TestDebugFilter: the DEBUG syntax of the debug package that Vite's --debug sets.
func TestDebugFilter(t *testing.T) {
	cases := []struct {
		spec string
		on   []string
		off  []string
	}{
		{"vite:*", []string{"vite:deps", "vite:hmr"}, []string{"other:x", "vite"}},
		{"vite:deps,vite:hmr", []string{"vite:deps", "vite:hmr"}, []string{"vite:time", "vite:deps2"}},
		{"vite:* -vite:time", []string{"vite:deps"}, []string{"vite:time"}},
		{"*", []string{"vite:deps", "x"}, nil},
		{"vite:*-details", []string{"vite:resolve-details"}, []string{"vite:resolve"}},
	}
	for _, c := range cases {
		f := ParseDebug(c.spec, "")
		for _, ns := range c.on {
			if !f.Enabled(ns) {
				t.Errorf("DEBUG=%q: %s off, want on", c.spec, ns)
			}
		}
		for _, ns := range c.off {
			if f.Enabled(ns) {
				t.Errorf("DEBUG=%q: %s on, want off", c.spec, ns)
			}
		}
	}
	if ParseDebug("", "x") != nil || ParseDebug("-vite:time", "") != nil {
		t.Error("a spec that names nothing turned debug output on")
	}
	var none *DebugFilter
	if none.Enabled("vite:deps") || none.Shows("x") {
		t.Error("a nil filter printed something")
	}
}

// TestDebugRecords: a debug record prints with its namespace when the namespace is on, whatever
// the log level, keeps its attributes, and passes --filter's text; an off namespace prints nothing
// and is not even formatted (Enabled is false); other records never show the namespace.
func TestDebugRecords(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "silent", ParseDebug("vite:deps,vite:time", "main"))
	deps := Debugger(l, "vite:deps")
	deps.Debug("Scan completed for main.jsx", "n", 3)
	deps.Debug("Scan completed for other.jsx") // filtered out by the text
	Debugger(l, "vite:hmr").Debug("[file change] main.jsx")
	if Debugger(l, "vite:hmr").Enabled(context.Background(), slog.LevelDebug) {
		t.Error("vite:hmr reports itself enabled")
	}
	if !Debugger(l, "vite:time").Enabled(context.Background(), slog.LevelDebug) {
		t.Error("vite:time reports itself disabled")
	}
	deps.Info("info at silent")
	out := buf.String()
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z vite:deps Scan completed for main\.jsx n=3\n$`).MatchString(out) {
		t.Errorf("output:\n%s", out)
	}

	buf.Reset()
	l = New(&buf, "info", nil)
	Debugger(l, "vite:deps").Info("bundling")
	Debugger(l, "vite:deps").Debug("hidden")
	if buf.String() != "bundling\n" {
		t.Errorf("with no debug filter: %q", buf.String())
	}
}

func TestHumanize(t *testing.T) {
	if got := humanize(12_500_000); got != "12ms" {
		t.Errorf("12.5ms: %s", got)
	}
	if got := humanize(3_200_000_000); !strings.HasPrefix(got, "3s") {
		t.Errorf("3.2s: %s", got)
	}
}
