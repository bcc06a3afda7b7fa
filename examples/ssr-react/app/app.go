// Package app is the SSR example's web server: a Go net/http handler that renders the React app on the
// server and lets the browser hydrate it. In development govite's dev server runs in the same process
// (middleware mode) and the app is rendered by the ssr environment's module runner; in production the
// handler serves the output of `govite build --app` and renders with the built server bundle, with no
// dev server and no Node.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/govite/govite"
)

// Options configure the handler.
type Options struct {
	Root   string // the project (where vite.config.js is)
	Prod   bool   // serve Root/dist instead of running the dev server
	Logger *slog.Logger
}

// App is the example's HTTP handler.
type App struct {
	opts   Options
	dev    *govite.Server // nil in production
	built  govite.Runner  // the server bundle's runner, in production
	assets http.Handler   // dist/client, in production
	page   string         // dist/client/index.html, in production
}

// New starts the app: the dev server, or the production runner.
func New(ctx context.Context, opts Options) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := &App{opts: opts}
	if opts.Prod {
		page, err := os.ReadFile(filepath.Join(opts.Root, "dist", "client", "index.html"))
		if err != nil {
			return nil, fmt.Errorf("production needs a build first (govite build --app): %w", err)
		}
		a.page = string(page)
		a.built, err = govite.NewBuiltRunner(ctx, filepath.Join(opts.Root, "dist", "server"), opts.Logger)
		if err != nil {
			return nil, err
		}
		a.assets = http.FileServer(http.Dir(filepath.Join(opts.Root, "dist", "client")))
		return a, nil
	}
	srv, err := govite.CreateServer(ctx, govite.InlineConfig{Config: govite.Config{
		Root:    opts.Root,
		AppType: "custom", // this program renders the pages
		Logger:  opts.Logger,
		Server:  govite.ServerOptions{MiddlewareMode: true},
	}})
	if err != nil {
		return nil, err
	}
	a.dev = srv
	return a, nil
}

// Close stops the dev server or the runner.
func (a *App) Close() error {
	if a.dev != nil {
		return a.dev.Close()
	}
	return a.built.Close()
}

// ServeHTTP renders pages and passes everything else (modules, assets, the HMR socket) to the dev
// server or to the built files.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isPage(r) {
		if a.dev != nil {
			a.dev.ServeHTTP(w, r)
		} else {
			a.assets.ServeHTTP(w, r)
		}
		return
	}
	html, err := a.render(r.Context(), r.URL.Path)
	if err != nil {
		a.opts.Logger.Error("rendering failed", "url", r.URL.Path, "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, html)
}

// render is Vite's SSR recipe: the HTML template (transformed by the dev server in development), the
// app's HTML from the server entry's render(url), put where <!--app-html--> is.
func (a *App) render(ctx context.Context, url string) (string, error) {
	var template string
	var entry govite.Module
	var err error
	if a.dev != nil {
		raw, err := os.ReadFile(filepath.Join(a.opts.Root, "index.html"))
		if err != nil {
			return "", err
		}
		if template, err = a.dev.TransformIndexHTML(ctx, url, string(raw)); err != nil {
			return "", err
		}
		// The ssr environment's module runner (in process, on govite's embedded JS engine) imports
		// the server entry; after a file changes it evaluates the new code on the next import.
		runner, err := a.dev.Environments["ssr"].Runner(ctx)
		if err != nil {
			return "", err
		}
		if entry, err = runner.Import(ctx, "/src/entry-server.jsx"); err != nil {
			return "", err
		}
	} else {
		template = a.page
		if entry, err = a.built.Import(ctx, "entry-server.js"); err != nil {
			return "", err
		}
	}
	out, err := entry.Call(ctx, "render", url)
	if err != nil {
		return "", err
	}
	appHTML, ok := out.(string)
	if !ok {
		return "", errors.New("render(url) did not return a string")
	}
	return strings.Replace(template, "<!--app-html-->", appHTML, 1), nil
}

// isPage tells page navigations from requests for modules and files.
func isPage(r *http.Request) bool {
	if r.Method != http.MethodGet || strings.HasPrefix(r.URL.Path, "/@") || r.Header.Get("Upgrade") != "" {
		return false
	}
	return path.Ext(r.URL.Path) == "" || r.URL.Path == "/index.html"
}
