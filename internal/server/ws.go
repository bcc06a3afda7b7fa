package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/govite/govite/internal/server/guard"
)

// HotChannel is an environment's channel to the code it runs (Vite's environment.hot). For "client" it
// reaches the browsers connected to the WebSocket; for a server environment, its module runners: the
// in-process one, and runners in other runtimes connected to the WebSocket with ?environment=<name>.
type HotChannel interface {
	// Send sends a custom event: import.meta.hot.on(event, fn) in the runtime receives data.
	Send(event string, data any)
	// SendPayload sends an HMR payload ({"type": "update", ...}, {"type": "full-reload"}, ...).
	SendPayload(payload map[string]any)
	// On listens for custom events the runtime sends with import.meta.hot.send(event, data). The
	// returned function removes the listener.
	On(event string, fn func(data json.RawMessage)) (off func())
}

// InvokeHandler answers a runner's vite:invoke request (fetchModule, getBuiltins) with a result that
// encodes to JSON, or an error.
type InvokeHandler func(ctx context.Context, name string, args []json.RawMessage) (any, error)

// hotChannel is the HotChannel of one environment: every client connected to it (WebSockets, and the
// in-process runner's sink) and the listeners of custom events.
type hotChannel struct {
	name   string // the environment's name, for messages
	invoke InvokeHandler
	// onInvalidate handles vite:invalidate (a module that could not take its own update).
	onInvalidate func(data json.RawMessage)

	mu        sync.Mutex
	clients   map[*hotClient]bool
	listeners map[string]map[int]func(json.RawMessage)
	nextID    int
	// pending holds an error sent while no client was connected, for the next one that connects (Vite
	// does this so a page reloaded onto a broken module still shows the overlay).
	pending map[string]any
	// hmrDisabled (server.hmr: false, client channel) drops update, full-reload and prune payloads, as
	// Vite's channel does; connected, custom and error payloads still go out.
	hmrDisabled bool
}

// hotClient is one connected runtime. send must not block: a client that does not keep up loses
// messages rather than stall the server.
type hotClient struct {
	send  func(data []byte) bool
	close func()
}

func newHotChannel(name string) *hotChannel {
	return &hotChannel{name: name, clients: map[*hotClient]bool{}, listeners: map[string]map[int]func(json.RawMessage){}}
}

// connect adds a client and sends it the "connected" payload (and a pending error).
func (h *hotChannel) connect(c *hotClient) {
	h.mu.Lock()
	h.clients[c] = true
	pending := h.pending
	h.pending = nil
	h.mu.Unlock()
	h.write(c, map[string]any{"type": "connected"})
	if pending != nil {
		h.write(c, pending)
	}
}

func (h *hotChannel) disconnect(c *hotClient) {
	h.mu.Lock()
	present := h.clients[c]
	delete(h.clients, c)
	h.mu.Unlock()
	if present && c.close != nil {
		c.close()
	}
}

func (h *hotChannel) write(c *hotClient, payload map[string]any) {
	data, err := json.Marshal(payload)
	if err != nil {
		return
	}
	c.send(data)
}

// receive handles a message from a client: vite:invoke requests, vite:invalidate, custom events.
func (h *hotChannel) receive(c *hotClient, data []byte) {
	var msg struct {
		Type  string          `json:"type"`
		Event string          `json:"event"`
		Data  json.RawMessage `json:"data"`
	}
	if json.Unmarshal(data, &msg) != nil || msg.Type != "custom" {
		return // pings and payloads the server does not take
	}
	switch msg.Event {
	case "vite:invoke":
		var req struct {
			ID   string            `json:"id"`
			Name string            `json:"name"`
			Data []json.RawMessage `json:"data"`
		}
		if json.Unmarshal(msg.Data, &req) != nil || !strings.HasPrefix(req.ID, "send") {
			return
		}
		go func() {
			resp := h.handleInvoke(context.Background(), req.Name, req.Data)
			h.write(c, map[string]any{"type": "custom", "event": "vite:invoke", "data": map[string]any{
				"name": req.Name, "id": "response" + strings.TrimPrefix(req.ID, "send"), "data": resp,
			}})
		}()
		return
	case "vite:invalidate":
		if h.onInvalidate != nil {
			h.onInvalidate(msg.Data)
		}
		return
	}
	h.emit(msg.Event, msg.Data)
}

// handleInvoke runs one vite:invoke request and returns Vite's response shape: {result} or {error}.
func (h *hotChannel) handleInvoke(ctx context.Context, name string, args []json.RawMessage) map[string]any {
	if h.invoke == nil {
		return map[string]any{"error": map[string]any{"name": "TransportError",
			"message": "environment " + h.name + " does not run modules (no invoke handler)"}}
	}
	res, err := h.invoke(ctx, name, args)
	if err != nil {
		return map[string]any{"error": invokeError(err)}
	}
	return map[string]any{"result": res}
}

// invokeError is an error as a runner revives it: name, message, stack and the error's own fields.
func invokeError(err error) map[string]any {
	out := map[string]any{"name": "Error", "message": err.Error(), "stack": "Error: " + err.Error()}
	var de *DevError
	if errors.As(err, &de) {
		for k, v := range de.payload() {
			if k != "message" && k != "stack" {
				out[k] = v
			}
		}
	}
	var re *runnerError
	if errors.As(err, &re) {
		out["code"] = re.code
	}
	var he *httpError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		out["code"] = "ERR_LOAD_URL"
	}
	return out
}

func (h *hotChannel) emit(event string, data json.RawMessage) {
	h.mu.Lock()
	var fns []func(json.RawMessage)
	for _, fn := range h.listeners[event] {
		fns = append(fns, fn)
	}
	h.mu.Unlock()
	for _, fn := range fns {
		fn(data)
	}
}

// Send sends a custom event to every client.
func (h *hotChannel) Send(event string, data any) {
	h.SendPayload(map[string]any{"type": "custom", "event": event, "data": data})
}

// SendPayload sends payload to every client. An error sent while no client is connected waits for
// the next one.
func (h *hotChannel) SendPayload(payload map[string]any) {
	if h.hmrDisabled {
		switch payload["type"] {
		case "update", "full-reload", "prune":
			return
		}
	}
	h.mu.Lock()
	if len(h.clients) == 0 && payload["type"] == "error" {
		h.pending = payload
		h.mu.Unlock()
		return
	}
	clients := make([]*hotClient, 0, len(h.clients))
	for c := range h.clients {
		clients = append(clients, c)
	}
	h.mu.Unlock()
	for _, c := range clients {
		h.write(c, payload)
	}
}

// On listens for a custom event from the clients.
func (h *hotChannel) On(event string, fn func(json.RawMessage)) func() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nextID++
	id := h.nextID
	if h.listeners[event] == nil {
		h.listeners[event] = map[int]func(json.RawMessage){}
	}
	h.listeners[event][id] = fn
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.listeners[event], id)
	}
}

func (h *hotChannel) close() {
	h.mu.Lock()
	clients := h.clients
	h.clients = map[*hotClient]bool{}
	h.mu.Unlock()
	for c := range clients {
		if c.close != nil {
			c.close()
		}
	}
}

// serveWS upgrades a request with the vite-hmr subprotocol and attaches the socket to an
// environment's hot channel: "client" (browsers) unless ?environment= names another (a module runner
// in another runtime). The token baked into /@vite/client is required.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	if !guard.WSTokenValid(r, s.token) {
		http.Error(w, "invalid or missing WebSocket token: load /@vite/client from this server", http.StatusForbidden)
		return
	}
	name := r.URL.Query().Get("environment")
	if name == "" {
		name = "client"
	}
	env := s.Environments[name]
	if env == nil {
		http.Error(w, "no environment "+name+" on this server", http.StatusNotFound)
		return
	}
	h := env.hot
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols: []string{"vite-hmr"},
		// Pages served by another backend connect from another origin; the token is the check.
		InsecureSkipVerify: true,
	})
	if err != nil {
		return
	}
	conn.SetReadLimit(64 << 20)
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	queue := make(chan []byte, 256)
	var closeOnce sync.Once
	done := make(chan struct{})
	c := &hotClient{
		send: func(data []byte) bool {
			select {
			case <-done:
				return false
			default:
			}
			select {
			case queue <- data:
				return true
			default: // a client that does not read is dropped rather than block the server
				return false
			}
		},
		close: func() { closeOnce.Do(func() { close(done) }) },
	}
	go func() {
		for {
			select {
			case msg := <-queue:
				wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
				err := conn.Write(wctx, websocket.MessageText, msg)
				wcancel()
				if err != nil {
					cancel()
					return
				}
			case <-done:
				conn.Close(websocket.StatusGoingAway, "server closing")
				cancel()
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	h.connect(c)
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			break
		}
		h.receive(c, data)
	}
	h.disconnect(c)
}
