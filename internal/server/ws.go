package server

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/govite/govite/internal/server/guard"
)

// HotChannel is an environment's channel to the code it runs (Vite's HotChannel): the WebSocket to
// browsers for "client", an in-process channel for server environments.
type HotChannel interface {
	// Send sends a payload ({"type": "update", ...}) to every connected client.
	Send(payload map[string]any)
	// On listens for custom events sent with import.meta.hot.send(event, data).
	On(event string, fn func(data json.RawMessage))
}

// wsHub is the client environment's hot channel: the browsers connected to the WebSocket.
type wsHub struct {
	s         *Server
	mu        sync.Mutex
	clients   map[*wsClient]bool
	listeners map[string][]func(json.RawMessage)
	// pending holds an error sent while no page was connected, for the next page that connects (Vite
	// does this so a page reloaded onto a broken module still shows the overlay).
	pending map[string]any
}

type wsClient struct {
	conn *websocket.Conn
	send chan []byte
}

func newWSHub(s *Server) *wsHub {
	return &wsHub{s: s, clients: map[*wsClient]bool{}, listeners: map[string][]func(json.RawMessage){}}
}

func (h *wsHub) serveWS(w http.ResponseWriter, r *http.Request) {
	if !guard.WSTokenValid(r, h.s.token) {
		http.Error(w, "invalid or missing WebSocket token: load /@vite/client from this server", http.StatusForbidden)
		return
	}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols: []string{"vite-hmr"},
		// Pages served by another backend connect from another origin; the token is the check.
		InsecureSkipVerify: true,
	})
	if err != nil {
		return
	}
	c := &wsClient{conn: conn, send: make(chan []byte, 64)}
	h.mu.Lock()
	h.clients[c] = true
	pending := h.pending
	h.pending = nil
	h.mu.Unlock()
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	go func() {
		for {
			select {
			case msg, ok := <-c.send:
				if !ok {
					conn.Close(websocket.StatusGoingAway, "server closing")
					return
				}
				wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
				err := conn.Write(wctx, websocket.MessageText, msg)
				wcancel()
				if err != nil {
					cancel()
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	h.write(c, map[string]any{"type": "connected"})
	if pending != nil {
		h.write(c, pending)
	}
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			break
		}
		h.receive(data)
	}
	h.mu.Lock()
	if h.clients[c] {
		delete(h.clients, c)
		close(c.send)
	}
	h.mu.Unlock()
}

func (h *wsHub) write(c *wsClient, payload map[string]any) {
	data, err := json.Marshal(payload)
	if err != nil {
		return
	}
	select {
	case c.send <- data:
	default: // a client that does not read is dropped rather than block the server
	}
}

// receive handles a message from a page: custom events from import.meta.hot.send, and vite:invalidate.
func (h *wsHub) receive(data []byte) {
	var msg struct {
		Type  string          `json:"type"`
		Event string          `json:"event"`
		Data  json.RawMessage `json:"data"`
	}
	if json.Unmarshal(data, &msg) != nil || msg.Type != "custom" {
		return
	}
	if msg.Event == "vite:invalidate" {
		h.s.handleInvalidate(h.s.Environments["client"], msg.Data)
		return
	}
	h.mu.Lock()
	fns := append([]func(json.RawMessage){}, h.listeners[msg.Event]...)
	h.mu.Unlock()
	for _, fn := range fns {
		fn(msg.Data)
	}
}

// Send sends payload to every connected page.
func (h *wsHub) Send(payload map[string]any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.clients) == 0 && payload["type"] == "error" {
		h.pending = payload
		return
	}
	for c := range h.clients {
		h.write(c, payload)
	}
}

// On listens for a custom event from pages.
func (h *wsHub) On(event string, fn func(json.RawMessage)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.listeners[event] = append(h.listeners[event], fn)
}

func (h *wsHub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		delete(h.clients, c)
		close(c.send)
	}
}

// clientCount is the number of connected pages.
func (h *wsHub) clientCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// localHot is the hot channel of a server environment before a module runner attaches to it: payloads
// go to in-process listeners.
type localHot struct {
	mu        sync.Mutex
	listeners map[string][]func(json.RawMessage)
	sinks     []func(map[string]any)
}

func newLocalHot() *localHot { return &localHot{listeners: map[string][]func(json.RawMessage){}} }

func (l *localHot) Send(payload map[string]any) {
	l.mu.Lock()
	sinks := append([]func(map[string]any){}, l.sinks...)
	l.mu.Unlock()
	for _, s := range sinks {
		s(payload)
	}
}

func (l *localHot) On(event string, fn func(json.RawMessage)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.listeners[event] = append(l.listeners[event], fn)
}
