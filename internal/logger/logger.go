// Package logger is the slog handler behind govite's terminal output: plain lines like Vite prints,
// not key=value records, with warnings and errors colored when the output is a terminal. Debug
// records belong to a namespace ("vite:deps", "vite:hmr") and print only when that namespace is
// turned on, as Vite's createDebugger does with the debug package (`--debug [feat]`, DEBUG).
package logger

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// NamespaceKey is the attribute that carries a debug record's namespace (see Debugger).
const NamespaceKey = "debugNamespace"

// Debugger returns l for the debug records of one namespace, Vite's createDebugger("vite:deps"). A
// handler other than this package's sees the namespace as an ordinary attribute.
func Debugger(l *slog.Logger, namespace string) *slog.Logger {
	return l.With(slog.String(NamespaceKey, namespace))
}

// Handler writes records as plain lines.
type Handler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Leveler
	color bool
	attrs []slog.Attr
	debug *DebugFilter
	ns    string // the debug namespace of this handler's records (from NamespaceKey)
	last  map[string]time.Time
}

// New returns a logger that writes to w at the given Vite log level ("info", "warn", "error",
// "silent"), and debug records of the namespaces debug turns on (nil: none).
func New(w io.Writer, logLevel string, debug *DebugFilter) *slog.Logger {
	return slog.New(NewHandler(w, logLevel, debug))
}

// NewHandler returns the handler; colors are used when w is a terminal and NO_COLOR is unset.
func NewHandler(w io.Writer, logLevel string, debug *DebugFilter) *Handler {
	return &Handler{mu: &sync.Mutex{}, w: w, level: Level(logLevel), debug: debug, last: map[string]time.Time{},
		color: IsTerminal(w) && os.Getenv("NO_COLOR") == ""}
}

// Level maps Vite's logLevel to a slog level.
func Level(logLevel string) slog.Level {
	switch logLevel {
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	case "silent":
		return slog.LevelError + 100
	}
	return slog.LevelInfo
}

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Enabled: debug records follow the debug filter, whatever the log level (as the debug package
// prints whatever Vite's logLevel is); the others follow the level.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool {
	if l < slog.LevelInfo {
		return h.debug.Enabled(h.ns)
	}
	return l >= h.level.Level()
}

func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	var sb strings.Builder
	sb.WriteString(r.Message)
	ns := h.ns
	write := func(a slog.Attr) bool {
		if a.Key == NamespaceKey {
			ns = a.Value.String()
			return true
		}
		fmt.Fprintf(&sb, " %s=%v", a.Key, a.Value)
		return true
	}
	for _, a := range h.attrs {
		write(a)
	}
	r.Attrs(write)
	line := sb.String()
	if r.Level < slog.LevelInfo {
		if !h.debug.Enabled(ns) || !h.debug.Shows(line) {
			return nil
		}
		return h.writeDebug(ns, line, r.Time)
	}
	if h.color {
		switch {
		case r.Level >= slog.LevelError:
			line = "\x1b[31m" + line + "\x1b[39m"
		case r.Level >= slog.LevelWarn:
			line = "\x1b[33m" + line + "\x1b[39m"
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := fmt.Fprintln(h.w, line)
	return err
}

// writeDebug prints a debug line the way the debug package does: in a terminal, the namespace in
// color and the time since the namespace's previous line ("+12ms"); elsewhere, an ISO time first.
func (h *Handler) writeDebug(ns, line string, t time.Time) error {
	if ns == "" {
		ns = "vite"
	}
	if t.IsZero() {
		t = time.Now()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var err error
	if h.color {
		prev, ok := h.last[ns]
		if !ok {
			prev = t
		}
		h.last[ns] = t
		_, err = fmt.Fprintf(h.w, "  \x1b[1m\x1b[35m%s\x1b[0m %s \x1b[35m+%s\x1b[0m\n", ns, line, humanize(t.Sub(prev)))
	} else {
		_, err = fmt.Fprintf(h.w, "%s %s %s\n", t.UTC().Format("2006-01-02T15:04:05.000Z"), ns, line)
	}
	return err
}

// humanize is the debug package's "ms" format of a duration: 12ms, 3s, 2m.
func humanize(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d >= time.Second:
		return fmt.Sprintf("%ds", int(d/time.Second))
	}
	return fmt.Sprintf("%dms", int(d/time.Millisecond))
}

func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append([]slog.Attr{}, h.attrs...)
	for _, a := range attrs {
		if a.Key == NamespaceKey {
			n.ns = a.Value.String()
			continue
		}
		n.attrs = append(n.attrs, a)
	}
	return &n
}

func (h *Handler) WithGroup(string) slog.Handler { return h }

// DebugFilter says which debug namespaces print, in the syntax of the DEBUG variable that Vite's
// debug package reads: names separated by commas or spaces, "*" for any run of characters, and a
// leading "-" to leave a name out ("vite:*,-vite:time"). Text, if set, is VITE_DEBUG_FILTER (Vite's
// --filter): only debug lines that contain it print.
type DebugFilter struct {
	include, exclude []string
	Text             string
}

// ParseDebug reads a DEBUG value and a --filter text; it returns nil (no debug output) when spec
// names nothing.
func ParseDebug(spec, text string) *DebugFilter {
	f := &DebugFilter{Text: text}
	for _, name := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if strings.HasPrefix(name, "-") {
			f.exclude = append(f.exclude, name[1:])
		} else {
			f.include = append(f.include, name)
		}
	}
	if len(f.include) == 0 {
		return nil
	}
	return f
}

// Enabled reports whether namespace ns prints; a nil filter prints nothing.
func (f *DebugFilter) Enabled(ns string) bool {
	if f == nil {
		return false
	}
	if ns == "" {
		ns = "vite"
	}
	for _, p := range f.exclude {
		if wildcardMatch(p, ns) {
			return false
		}
	}
	for _, p := range f.include {
		if wildcardMatch(p, ns) {
			return true
		}
	}
	return false
}

// Shows reports whether a debug line passes the --filter text.
func (f *DebugFilter) Shows(line string) bool {
	return f != nil && (f.Text == "" || strings.Contains(line, f.Text))
}

// wildcardMatch matches s against a pattern where "*" stands for any run of characters.
func wildcardMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
