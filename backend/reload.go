package backend

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// reloadHub holds the open event streams of ReloadHandler.
type reloadHub struct {
	mu      sync.Mutex
	clients map[chan struct{}]struct{}
	closed  chan struct{}
	once    sync.Once
}

func (h *reloadHub) init() {
	h.clients = map[chan struct{}]struct{}{}
	h.closed = make(chan struct{})
}

// keepAlive is how often an idle event stream gets a comment, so that proxies keep it open.
const keepAlive = 25 * time.Second

// ReloadHandler serves a Server-Sent Events stream at Config.ReloadPath. Development tags (with
// ReloadPath set) make each page listen to it and reload when Reload is called, and when the stream
// comes back after the Go app restarted. It is for a Go app that runs beside a separate dev server;
// with the dev server mounted in the app, call the dev server's Reload instead.
func (v *Vite) ReloadHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Time{}) // the stream outlives the server's WriteTimeout
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		// The browser reconnects after half a second when the Go app restarts.
		fmt.Fprint(w, "retry: 500\n\n")
		if err := rc.Flush(); err != nil {
			return
		}
		ch := make(chan struct{}, 1)
		h := &v.reload
		h.mu.Lock()
		h.clients[ch] = struct{}{}
		h.mu.Unlock()
		defer func() {
			h.mu.Lock()
			delete(h.clients, ch)
			h.mu.Unlock()
		}()
		tick := time.NewTicker(keepAlive)
		defer tick.Stop()
		for {
			select {
			case <-ch:
				fmt.Fprint(w, "data: reload\n\n")
			case <-tick.C:
				fmt.Fprint(w, ": keep-alive\n\n")
			case <-r.Context().Done():
				return
			case <-h.closed:
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	})
}

// Reload makes every page that listens to ReloadHandler reload.
func (v *Vite) Reload() {
	h := &v.reload
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.clients {
		select {
		case ch <- struct{}{}:
		default: // a reload is already pending for this page
		}
	}
}

// Close ends the open ReloadHandler streams (call it before shutting the HTTP server down, which
// waits for open requests). The Vite keeps working otherwise.
func (v *Vite) Close() error {
	v.reload.once.Do(func() { close(v.reload.closed) })
	return nil
}

// reloadScript is the page side of ReloadHandler: reload on a "reload" message and when the stream
// reconnects after it was lost (the Go app restarted). One listener per page.
func reloadScript(path string) string {
	return `<script type="module">
if (!window.__vite_backend_reload) {
  window.__vite_backend_reload = true
  const source = new EventSource(` + jsString(path) + `)
  let lost = false
  source.addEventListener("message", (e) => { if (e.data === "reload") location.reload() })
  source.addEventListener("error", () => { lost = true })
  source.addEventListener("open", () => { if (lost) location.reload() })
}
</script>`
}
