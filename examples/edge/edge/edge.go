// Package edge is the edge example's HTTP handler: govite's dev server in middleware mode with an
// "edge" environment made by govite.FetchableEnvironment, and a handler that passes every request to
// it with DispatchFetch.
package edge

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"github.com/govite/govite"
)

// Handler dispatches requests to the worker.
type Handler struct {
	srv *govite.Server
	log *slog.Logger
}

// New starts the dev server for the project in root.
func New(ctx context.Context, root string, log *slog.Logger) (*Handler, error) {
	srv, err := govite.CreateServer(ctx, govite.InlineConfig{Config: govite.Config{
		Root:    root,
		AppType: "custom",
		Logger:  log,
		Server:  govite.ServerOptions{MiddlewareMode: true},
		Environments: []govite.NamedEnvironment{
			{Name: "edge", Options: govite.FetchableEnvironment("/src/worker.ts", govite.EnvironmentOptions{})},
		},
	}})
	if err != nil {
		return nil, err
	}
	return &Handler{srv: srv, log: log}, nil
}

// Close stops the dev server.
func (h *Handler) Close() error { return h.srv.Close() }

// ServeHTTP answers with the worker's Response.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	resp, err := h.srv.Environments["edge"].DispatchFetch(r)
	if err != nil {
		h.log.Error("the edge handler failed", "url", r.URL.String(), "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
