// Package logger is the slog handler behind govite's terminal output: plain lines like Vite prints,
// not key=value records, with warnings and errors colored when the output is a terminal.
package logger

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
)

// Handler writes records as plain lines.
type Handler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Leveler
	color bool
	attrs []slog.Attr
}

// New returns a logger that writes to w at the given Vite log level ("info", "warn", "error",
// "silent").
func New(w io.Writer, logLevel string) *slog.Logger {
	return slog.New(NewHandler(w, logLevel))
}

// NewHandler returns the handler; colors are used when w is a terminal and NO_COLOR is unset.
func NewHandler(w io.Writer, logLevel string) *Handler {
	return &Handler{mu: &sync.Mutex{}, w: w, level: Level(logLevel), color: IsTerminal(w) && os.Getenv("NO_COLOR") == ""}
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

func (h *Handler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	var sb strings.Builder
	sb.WriteString(r.Message)
	write := func(a slog.Attr) bool {
		fmt.Fprintf(&sb, " %s=%v", a.Key, a.Value)
		return true
	}
	for _, a := range h.attrs {
		write(a)
	}
	r.Attrs(write)
	line := sb.String()
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

func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append(append([]slog.Attr{}, h.attrs...), attrs...)
	return &n
}

func (h *Handler) WithGroup(string) slog.Handler { return h }
