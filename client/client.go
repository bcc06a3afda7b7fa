// Package client holds the JavaScript the dev server serves to browsers: the
// HMR client at <base>@vite/client (with the error overlay) and the define
// shim at <base>@vite/env.
//
// The client speaks Vite's HMR protocol over a WebSocket with the "vite-hmr"
// subprotocol and gives served modules their import.meta.hot through its
// createHotContext export. Its module imports "./env", so the server must
// serve <base>@vite/env (EnvSource) next to <base>@vite/client (Source).
package client

import (
	_ "embed"
	"encoding/json"
	"net/url"
	"strings"
)

//go:embed client.js
var clientJS string

//go:embed overlay.js
var overlayJS string

//go:embed env.js
var envJS string

// Options are the values the server bakes into /@vite/client.
type Options struct {
	Base  string // config base, e.g. "/" or "/app/"; always ends in "/"
	Token string // WebSocket token; the socket URL carries ?token=<Token>
	// WebSocket endpoint. Empty Host means: use the host (hostname:port) of
	// import.meta.url of the client module itself, i.e. the dev server's
	// origin, not the page's origin (pages can be served by another backend
	// on another port and load http://localhost:5173/@vite/client).
	Protocol   string // "ws" or "wss"; "" = derived from import.meta.url's protocol
	Host       string // hostname[:port] or ""; ClientPort overrides the port when non-zero
	ClientPort int
	Path       string // extra path of the socket below Base, usually ""
	Overlay    bool   // show the error overlay
	Timeout    int    // ms between reconnect pings, default 1000
	Mode       string // import.meta.env.MODE, for logs
}

// config is the JSON the client reads as `hmrOptions`.
type config struct {
	Base       string `json:"base"`
	Token      string `json:"token"`
	Protocol   string `json:"protocol"`
	Host       string `json:"host"`
	ClientPort int    `json:"clientPort"`
	Path       string `json:"path"`
	Overlay    bool   `json:"overlay"`
	Timeout    int    `json:"timeout"`
	Mode       string `json:"mode"`
}

// Source returns the JavaScript module for /@vite/client with the options
// baked in.
func Source(o Options) []byte {
	c := config{
		Base:       normalizeBase(o.Base),
		Token:      o.Token,
		Protocol:   o.Protocol,
		Host:       o.Host,
		ClientPort: o.ClientPort,
		Path:       o.Path,
		Overlay:    o.Overlay,
		Timeout:    o.Timeout,
		Mode:       o.Mode,
	}
	if c.Timeout <= 0 {
		c.Timeout = 1000
	}
	// encoding/json escapes <, >, &, U+2028 and U+2029, so the literal is
	// safe anywhere in a script.
	j, err := json.Marshal(c)
	if err != nil {
		panic(err) // strings, ints and bools only
	}
	var b strings.Builder
	b.Grow(len(j) + len(overlayJS) + len(clientJS) + 64)
	b.WriteString("const hmrOptions = ")
	b.Write(j)
	b.WriteString(";\n\n")
	b.WriteString(overlayJS)
	b.WriteString("\n")
	b.WriteString(clientJS)
	return []byte(b.String())
}

// EnvSource returns the JavaScript module for /@vite/env. define is a JS
// object literal whose keys are dotted global names ("__APP_VERSION__",
// "process.env.FOO") and whose values are JS expressions; the module assigns
// each value to that name on globalThis, as Vite's env.mjs does. An empty
// define means {}.
func EnvSource(define string) []byte {
	if strings.TrimSpace(define) == "" {
		define = "{}"
	}
	return []byte(strings.Replace(envJS, "__DEFINES__", "("+define+")", 1))
}

// normalizeBase makes base a root-relative path with a trailing slash, as
// Vite does for the dev server: "" and "./" become "/", and a full URL base
// keeps only its path.
func normalizeBase(base string) string {
	if u, err := url.Parse(base); err == nil && u.Scheme != "" && u.Host != "" {
		base = u.Path
	}
	base = strings.TrimPrefix(strings.TrimPrefix(base, "."), "/")
	if base == "" {
		return "/"
	}
	base = "/" + base
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base
}

//go:embed runner.js
var runnerJS string

//go:embed node-runner.mjs
var nodeRunnerJS string

// RunnerSource is govite's module runner (an ES module exporting ModuleRunner and contextKeys): it
// imports and evaluates the modules of a server environment, with import.meta.hot. It runs on the
// embedded JS engine and in Node.
func RunnerSource() string { return runnerJS }

// NodeRunnerSource is the Node entry of the module runner (node-runner.mjs); it imports "./runner.js",
// which must sit next to it with RunnerSource's content.
func NodeRunnerSource() string { return nodeRunnerJS }

//go:embed css-worker.mjs
var cssWorkerJS string

// CSSWorkerSource is govite's stylesheet worker (css-worker.mjs), an ES module Node runs with
// --input-type=module: it compiles Sass, Less and Stylus and runs PostCSS with the project's own
// packages, answering requests on fd 3 and 4 (see internal/css).
func CSSWorkerSource() string { return cssWorkerJS }
