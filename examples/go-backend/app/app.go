// Package app is the HTTP side of the Go backend example: pages rendered with html/template, whose
// <script> and <link> tags, and image URLs, come from package backend. It imports nothing from the
// bundler, so the production binary (go build -tags prod) stays small.
package app

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/govite/govite/backend"
)

// Options configure New.
type Options struct {
	// Vite renders the tags: production tags from the manifest, or development tags.
	Vite *backend.Vite
	// Templates holds layout.html and one file per page (index.html, about.html).
	Templates fs.FS
	// Live parses the templates again for every request, so that an edit shows on the next load
	// (development). Otherwise they are parsed once.
	Live bool
	// Fallback serves the requests no page matches. By default the built files
	// (Vite.AssetsHandler, which redirects to the dev server in development); in middleware mode
	// the dev server itself.
	Fallback http.Handler
	// Logger receives rendering errors; nil uses slog.Default.
	Logger *slog.Logger
}

// page is one route: the template that fills the layout's "content" and the Vite entry it loads.
type page struct {
	file, title, entry string
}

var pages = map[string]page{
	"/":      {"index.html", "Home", "src/main.js"},
	"/about": {"about.html", "About", "src/about.js"},
}

// app serves the pages and hands everything else to the fallback.
type app struct {
	opts   Options
	parsed map[string]*template.Template // when not Live
	mux    *http.ServeMux
}

// New checks the templates (each page must parse) and returns the app's handler.
func New(opts Options) (http.Handler, error) {
	if opts.Vite == nil || opts.Templates == nil {
		return nil, fmt.Errorf("app.New: Vite and Templates are required")
	}
	if opts.Fallback == nil {
		opts.Fallback = opts.Vite.AssetsHandler()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := &app{opts: opts, parsed: map[string]*template.Template{}, mux: http.NewServeMux()}
	for path, p := range pages {
		t, err := a.parse(p.file)
		if err != nil {
			return nil, err
		}
		a.parsed[p.file] = t
		a.mux.HandleFunc("GET "+pattern(path), func(w http.ResponseWriter, r *http.Request) { a.render(w, r, p) })
	}
	a.mux.Handle("/", opts.Fallback)
	return a.mux, nil
}

func pattern(path string) string {
	if path == "/" {
		return "/{$}"
	}
	return path
}

func (a *app) parse(file string) (*template.Template, error) {
	t, err := template.New(file).Funcs(a.opts.Vite.FuncMap()).ParseFS(a.opts.Templates, "layout.html", file)
	if err != nil {
		return nil, fmt.Errorf("parsing templates layout.html and %s: %w", file, err)
	}
	return t, nil
}

// render executes the page into a buffer first, so that an error (a missing entry, say) gives a clean
// 500 instead of half a page.
func (a *app) render(w http.ResponseWriter, r *http.Request, p page) {
	t := a.parsed[p.file]
	if a.opts.Live {
		var err error
		if t, err = a.parse(p.file); err != nil {
			a.fail(w, err)
			return
		}
	}
	data := struct {
		Title, Heading, Entry string
	}{p.title, "Go backend with govite", p.entry}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", data); err != nil {
		a.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	b.WriteTo(w)
}

// fail answers 500; in development with the error itself, which is where the developer looks.
func (a *app) fail(w http.ResponseWriter, err error) {
	a.opts.Logger.Error("rendering a page", "err", err)
	msg := "internal server error"
	if a.opts.Live || a.opts.Vite.IsDev() {
		msg = err.Error()
	}
	http.Error(w, msg, http.StatusInternalServerError)
}
