// Package runner runs the modules of a dev server environment (Vite's ModuleRunner): the module is
// fetched from the environment (fetchModule, in the module-runner form the ssr transform produces),
// evaluated, cached, and dropped and evaluated again on hot updates.
//
// The runner itself is JavaScript (client/runner.js), so it behaves the same wherever it runs: in
// process on govite's embedded engine (Engine), or in Node (Node), for code that needs Node's APIs.
// Both talk to the environment through a Host: a direct call for fetchModule and the environment's
// hot channel for HMR payloads and custom events.
package runner

import (
	"context"
	"encoding/json"
	"fmt"
)

// Host is the environment a runner runs modules for.
type Host interface {
	// Invoke answers a vite:invoke request ("fetchModule", "getBuiltins") with a result that encodes
	// to JSON.
	Invoke(ctx context.Context, name string, args []json.RawMessage) (any, error)
	// Connect attaches the runner to the environment's hot channel. send delivers a payload (JSON) to
	// the runner and reports whether it was taken; receive passes a message from the runner (a
	// custom event from import.meta.hot.send, vite:invalidate) to the channel; disconnect detaches.
	Connect(send func(payload []byte) bool) (receive func(msg []byte), disconnect func())
}

// Runner imports modules of an environment and lets Go use their exports.
type Runner interface {
	// Import evaluates the module at url (a server URL such as "/src/entry.js", an id relative to
	// root, an absolute path or a file:// URL; all name the same module instance) and its imports,
	// once, and returns it.
	Import(ctx context.Context, url string) (Module, error)
	// Close stops the runner; modules already returned stop working.
	Close() error
}

// Module is an evaluated module.
type Module interface {
	// Keys are the names the module exports.
	Keys() []string
	// Get returns an export as a Go value (strings, float64 or int64, bool, nil, []any, map[string]any);
	// a promise is awaited first.
	Get(ctx context.Context, name string) (any, error)
	// Call calls an exported function with args (converted like JSON values), awaits a promise it
	// returns and returns the result as Get does. A Response becomes an *http.Response.
	Call(ctx context.Context, name string, args ...any) (any, error)
}

// Error is an exception thrown by a module: its name and message, and the JavaScript stack with
// source-mapped positions.
type Error struct {
	Name, Message, Stack string
}

func (e *Error) Error() string {
	if e.Stack != "" {
		return e.Stack
	}
	return fmt.Sprintf("%s: %s", e.Name, e.Message)
}
