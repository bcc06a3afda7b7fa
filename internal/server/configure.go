package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"

	"github.com/govite/govite/internal/config"
)

// Plugins' configureServer hooks (Vite's): each gets the server as a config.DevServer. Middlewares a
// hook adds run before govite's own (preMiddlewares); the functions the hooks return run once
// govite's are in place, and the middlewares they add run after them (postMiddlewares), in Vite's
// place: just before the HTML page is served, so they may answer in its place, and before the 404.

// devServerHandle is the config.DevServer the hooks get. Use adds to the pre middlewares while the
// configureServer hooks run, and to the post middlewares afterwards (in the functions they return,
// or later), as a use() on Vite's connect app adds to the end of its stack.
type devServerHandle struct {
	s *Server
}

func (h *devServerHandle) Config() *config.ResolvedConfig { return h.s.Config }

func (h *devServerHandle) Use(mw func(next http.Handler) http.Handler) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if h.s.preInstalled {
		h.s.postMiddlewares = append(h.s.postMiddlewares, mw)
	} else {
		h.s.preMiddlewares = append(h.s.preMiddlewares, mw)
	}
}

func (h *devServerHandle) Send(event string, data any) { h.s.client().hot.Send(event, data) }

func (h *devServerHandle) SendPayload(payload map[string]any) { h.s.client().hot.SendPayload(payload) }

func (h *devServerHandle) OnCustomEvent(event string, fn func(json.RawMessage)) func() {
	return h.s.client().hot.On(event, fn)
}

func (h *devServerHandle) OnFileChange(fn func(kind, file string)) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	h.s.fileListeners = append(h.s.fileListeners, fn)
}

func (h *devServerHandle) Watch(p string) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(h.s.Config.Root, p)
	}
	if h.s.watcher == nil {
		return
	}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		h.s.watcher.addTree(p)
		return
	}
	h.s.watcher.ensure(p)
}

func (h *devServerHandle) TransformIndexHTML(ctx context.Context, url, html string) (string, error) {
	return h.s.TransformIndexHTML(ctx, url, html)
}

func (h *devServerHandle) Environments() map[string]*config.Environment {
	out := make(map[string]*config.Environment, len(h.s.Environments))
	for name, env := range h.s.Environments {
		out[name] = env.info
	}
	return out
}

func (h *devServerHandle) Restart() error {
	if h.s.opts.OnRestartNeeded == nil {
		return errors.New("server.restart(): this server cannot restart itself (it was created without OnRestartNeeded; the govite CLI has one)")
	}
	h.s.logger.Info("restarting server...")
	h.s.opts.OnRestartNeeded(h.s.Config.ConfigFile)
	return nil
}

// configureServer runs the plugins' configureServer hooks, in the plugins' order, and returns their
// post hooks.
func (s *Server) configureServer() ([]func() error, error) {
	var posts []func() error
	for _, p := range s.plugins {
		if p.ConfigureServer == nil {
			continue
		}
		post, err := p.ConfigureServer(&devServerHandle{s: s})
		if err != nil {
			return nil, err
		}
		if post != nil {
			posts = append(posts, post)
		}
	}
	return posts, nil
}

// runPostConfigureServer calls the post hooks configureServer returned, after the server's own
// middlewares are installed.
func (s *Server) runPostConfigureServer(posts []func() error) error {
	s.mu.Lock()
	s.preInstalled = true
	s.mu.Unlock()
	for _, post := range posts {
		if err := post(); err != nil {
			return err
		}
	}
	return nil
}

// withPre wraps h in the middlewares configureServer added.
func (s *Server) withPre(h http.Handler) http.Handler {
	s.mu.Lock()
	mws := s.preMiddlewares
	s.mu.Unlock()
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// postChain is final behind the middlewares configureServer's post hooks added: what answers a
// request govite's own middlewares left to the HTML page or the 404.
func (s *Server) postChain(final http.Handler) http.Handler {
	s.mu.Lock()
	mws := s.postMiddlewares
	s.mu.Unlock()
	h := final
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// notifyFileListeners tells the plugins' watcher listeners about changes the server has handled.
func (s *Server) notifyFileListeners(changes []fileChange) {
	s.mu.Lock()
	fns := s.fileListeners
	s.mu.Unlock()
	for _, ch := range changes {
		for _, fn := range fns {
			fn(ch.Kind, ch.File)
		}
	}
}

var _ config.DevServer = (*devServerHandle)(nil)
