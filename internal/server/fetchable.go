package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/runner"
)

// DevEnvironmentContext is what an environment provider's dev.createEnvironment returns (Vite's
// DevEnvironmentContext): how the environment runs its code. govite builds the environment itself
// (module graph, plugin pipeline, hot channel) around it.
type DevEnvironmentContext struct {
	// Runner is RunnerEngine (the default) or RunnerNode.
	Runner string
	// FetchEntry makes the environment fetchable with a module that answers Fetch requests: its
	// default export has a fetch(request) method (the Workers convention). It runs on the
	// environment's own engine, isolated from other environments.
	FetchEntry string
	// HandleRequest makes the environment fetchable with a Go handler (Vite's
	// createFetchableDevEnvironment({handleRequest})).
	HandleRequest func(env *DevEnvironment, req *http.Request) (*http.Response, error)
}

// FetchableEnvironment is an environment provider (Vite's customEnvironment() pattern): the options of
// a server environment whose code answers Fetch requests through DispatchFetch, with entry's default
// export { fetch(request) } as the handler. opts are merged under it, as a user writes them.
func FetchableEnvironment(entry string, opts config.EnvironmentOptions) config.EnvironmentOptions {
	opts.Consumer = "server"
	opts.Dev.CreateEnvironment = func(name string, cfg *config.ResolvedConfig) (any, error) {
		return &DevEnvironmentContext{Runner: RunnerEngine, FetchEntry: entry}, nil
	}
	return opts
}

// ErrNotFetchable is returned by DispatchFetch for an environment without a fetch handler.
var ErrNotFetchable = errors.New("the environment is not fetchable: create it with FetchableEnvironment or a createEnvironment that returns a DevEnvironmentContext with FetchEntry or HandleRequest")

// IsFetchable reports whether DispatchFetch works for the environment (Vite's
// isFetchableDevEnvironment).
func (e *DevEnvironment) IsFetchable() bool {
	return e.devCtx != nil && (e.devCtx.FetchEntry != "" || e.devCtx.HandleRequest != nil)
}

// DispatchFetch sends a Fetch request to the environment's code and returns its Response (Vite's
// FetchableDevEnvironment.dispatchFetch). A handler that returns anything but a Response is a
// TypeError naming what it returned.
func (e *DevEnvironment) DispatchFetch(req *http.Request) (*http.Response, error) {
	if !e.IsFetchable() {
		return nil, fmt.Errorf("DispatchFetch on %s: %w", e.Name, ErrNotFetchable)
	}
	if req == nil {
		return nil, fmt.Errorf("TypeError: DispatchFetch on %s must receive a request", e.Name)
	}
	if e.devCtx.HandleRequest != nil {
		resp, err := e.devCtx.HandleRequest(e, req)
		if err == nil && resp == nil {
			return nil, fmt.Errorf("TypeError: the handleRequest of %s must return a Response, got nil", e.Name)
		}
		return resp, err
	}
	r, err := e.Runner(req.Context())
	if err != nil {
		return nil, err
	}
	eng, ok := r.(*runner.Engine)
	if !ok {
		return nil, fmt.Errorf("DispatchFetch on %s: a fetch entry runs on the embedded engine, and this environment's runner is %q", e.Name, e.RunnerType)
	}
	return eng.Fetch(req.Context(), e.devCtx.FetchEntry, req)
}

// SSRLoadModule imports url with the ssr environment's runner and returns the module (Vite's
// server.ssrLoadModule, kept for code written before the Environment API).
func (s *Server) SSRLoadModule(ctx context.Context, url string) (runner.Module, error) {
	env := s.Environments["ssr"]
	r, err := env.Runner(ctx)
	if err != nil {
		return nil, err
	}
	return r.Import(ctx, url)
}
