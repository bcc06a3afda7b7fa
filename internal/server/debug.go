package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/govite/govite/internal/logger"
)

// debuggers are the server's debug namespaces, under Vite's names, so that `govite --debug hmr` or
// DEBUG=vite:time shows what `vite --debug ...` shows.
type debuggers struct {
	time      *slog.Logger // every request and the time it took
	transform *slog.Logger // every transform and the time it took; failed pre-transforms
	hmr       *slog.Logger // file changes as the watcher reports them
	sourcemap *slog.Logger // source map chains that could not be composed
	watcher   *slog.Logger // directories that could not be watched
}

func newDebuggers(l *slog.Logger) debuggers {
	return debuggers{
		time:      logger.Debugger(l, "vite:time"),
		transform: logger.Debugger(l, "vite:transform"),
		hmr:       logger.Debugger(l, "vite:hmr"),
		sourcemap: logger.Debugger(l, "vite:sourcemap"),
		watcher:   logger.Debugger(l, "vite:watcher"),
	}
}

// on reports whether a namespace prints, so that a message is only formatted when it will be seen.
func on(l *slog.Logger) bool { return l.Enabled(context.Background(), slog.LevelDebug) }

// ms formats the time since start as Vite's timeFrom does: "1.23ms".
func ms(start time.Time) string {
	return fmt.Sprintf("%.2fms", float64(time.Since(start).Microseconds())/1000)
}

// timeRequests is Vite's timeMiddleware: with vite:time on, each request is logged with its time.
func timeRequests(l *slog.Logger, next http.Handler) http.Handler {
	if !on(l) {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		l.Debug(ms(start) + " " + r.URL.RequestURI())
	})
}
