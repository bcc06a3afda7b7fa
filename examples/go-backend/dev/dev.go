// Package dev wires the Go backend example for `go run .`: beside a separate `govite dev` (the hot
// file says where it is), with govite's dev server mounted in the same process (middleware mode), or
// serving a build from disk. The production binary (go build -tags prod) does not import it, so it
// does not link the bundler.
package dev

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/govite/govite"
	"github.com/govite/govite/backend"
	"github.com/govite/govite/examples/go-backend/app"
)

// The ways the example runs.
const (
	// Auto renders development tags while the dev server's hot file (web/hot) exists, and the build
	// in web/dist otherwise. Template edits reload the open pages through the app's own
	// /__reload event stream.
	Auto = "auto"
	// Middleware creates govite's dev server in this process and mounts it under the app's routes:
	// one process, one port. Template edits reload the pages through the dev server's HMR socket.
	Middleware = "middleware"
	// Prod serves the build in web/dist (as the -tags prod binary serves its embedded copy).
	Prod = "prod"
)

// ReloadPath is where pages listen for template changes in Auto mode.
const ReloadPath = "/__reload"

// hmrPath is the dev server's WebSocket path in middleware mode, away from the app's routes ("/" is
// the home page).
const hmrPath = "/__vite_hmr"

// Options configure New.
type Options struct {
	Mode string
	// Web is the Vite project (root of vite.config.js; the build goes to Web/dist, the hot file is
	// Web/hot); Templates the folder of the Go templates.
	Web, Templates string
	// AppURL is this app's own URL ("http://localhost:8080"): in middleware mode the dev server's
	// server.origin, so that asset URLs point here.
	AppURL string
	// Logger is for the app and the dev server; nil uses slog.Default.
	Logger *slog.Logger
}

// Setup is the running example.
type Setup struct {
	Handler http.Handler
	Vite    *backend.Vite
	// Server is the dev server in middleware mode, nil otherwise.
	Server *govite.Server
}

// New builds the example's handler for opts.Mode and, in development, watches the templates until ctx
// is done. Close the Setup when done.
func New(ctx context.Context, opts Options) (*Setup, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Setup{}
	templates := os.DirFS(opts.Templates)
	dist := filepath.Join(opts.Web, "dist")
	var reload func()
	var fallback http.Handler
	var err error
	switch opts.Mode {
	case Auto:
		s.Vite, err = backend.New(backend.Config{Dir: dist, HotFile: filepath.Join(opts.Web, "hot"), ReloadPath: ReloadPath})
		if err != nil {
			return nil, err
		}
		reload = s.Vite.Reload
	case Middleware:
		s.Vite, err = backend.New(backend.Config{Mode: backend.Dev})
		if err != nil {
			return nil, err
		}
		s.Server, err = govite.CreateServer(ctx, govite.InlineConfig{Config: govite.Config{
			Root:    opts.Web,
			AppType: "custom", // the Go app renders the pages
			Logger:  opts.Logger,
			Server: govite.ServerOptions{
				MiddlewareMode: true,
				Origin:         opts.AppURL,
				HMR:            &govite.HMROptions{Path: hmrPath},
			},
		}})
		if err != nil {
			return nil, fmt.Errorf("starting the dev server in middleware mode: %w", err)
		}
		reload = s.Server.Reload
		fallback = s.Server
	case Prod:
		s.Vite, err = backend.New(backend.Config{Dir: dist, Mode: backend.Prod})
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown mode %q (want %s, %s or %s)", opts.Mode, Auto, Middleware, Prod)
	}
	h, err := app.New(app.Options{Vite: s.Vite, Templates: templates, Live: true, Fallback: fallback, Logger: opts.Logger})
	if err != nil {
		s.Close()
		return nil, err
	}
	if reload != nil {
		err := backend.WatchFiles(ctx, 0, func(changed []string) {
			opts.Logger.Info("template changed, reloading the pages", "files", changed)
			reload()
		}, opts.Templates)
		if err != nil {
			s.Close()
			return nil, err
		}
	}
	if opts.Mode == Auto {
		mux := http.NewServeMux()
		mux.Handle(ReloadPath, s.Vite.ReloadHandler())
		mux.Handle("/", h)
		h = mux
	}
	s.Handler = h
	return s, nil
}

// Close stops the dev server (middleware mode) and ends the pages' reload streams.
func (s *Setup) Close() error {
	var errs []error
	if s.Vite != nil {
		errs = append(errs, s.Vite.Close())
	}
	if s.Server != nil {
		errs = append(errs, s.Server.Close())
	}
	return errors.Join(errs...)
}
