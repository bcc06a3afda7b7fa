package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/govite/govite/client"
	"github.com/govite/govite/internal/plugins/react"
	"github.com/govite/govite/internal/server/guard"
)

// middlewares builds the chain a request goes through, outermost first, as Vite orders its
// middlewares: host check, CORS, the reconnect ping, the WebSocket, server.headers, proxy, base, the
// client's own files, public files, SPA fallback, module transforms, static files, HTML, 404.
func (s *Server) middlewares() http.Handler {
	cfg := s.Config
	var h http.Handler = http.HandlerFunc(s.serve)
	if len(cfg.Server.Proxy) > 0 {
		s.warnProxyOptions()
		h = guard.Proxy(cfg.Server.Proxy, s.logger, h, s.sendError)
	}
	inner := h
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range cfg.Server.Headers {
			w.Header().Set(k, v)
		}
		if strings.Contains(r.Header.Get("Accept"), "text/x-vite-ping") {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if isWebSocketUpgrade(r) && strings.Contains(r.Header.Get("Sec-WebSocket-Protocol"), "vite-hmr") {
			s.serveWS(w, r)
			return
		}
		inner.ServeHTTP(w, r)
	})
	if !cfg.Server.Cors.Disabled {
		h = guard.CORS(cfg.Server.Cors, h)
	}
	var extra []string
	if s.origin != "" {
		extra = append(extra, s.origin)
	}
	if cfg.Server.HMR.Host != "" {
		extra = append(extra, cfg.Server.HMR.Host)
	}
	return timeRequests(s.debug.time, s.withPre(guard.HostCheck(cfg.Server.AllowedHosts, extra, h)))
}

func isWebSocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// serve answers a request that passed the checks of the outer middlewares.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	cfg := s.Config
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// Vite's middlewares pass other methods on to its 404 (a proxied API answered before this),
		// through the plugins' post middlewares.
		s.postChain(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { notFoundEmpty(w) })).ServeHTTP(w, r)
		return
	}
	p, _, err := guard.CleanURLPath(r.URL.EscapedPath(), r.URL.RawQuery)
	if err != nil {
		http.Error(w, err.Error(), guard.Status(err))
		return
	}
	if !strings.HasPrefix(p, cfg.Base) {
		s.outsideBase(w, r, p)
		return
	}
	p = "/" + strings.TrimPrefix(p, cfg.Base)
	rawQuery := r.URL.RawQuery
	url := p
	if rawQuery != "" {
		url += "?" + rawQuery
	}

	switch p {
	case clientPath:
		s.serveBody(w, r, "text/javascript", string(s.clientSource()))
		return
	case envPath:
		s.serveBody(w, r, "text/javascript", string(client.EnvSource(s.defineJS())))
		return
	case reactRefreshPath:
		s.serveBody(w, r, "text/javascript", string(react.RuntimeSource()))
		return
	}

	// Public files are served as they are, at base; not for an import, nor asked with ?url (a module
	// exporting its URL), as in Vite (whose public middleware skips any ?url).
	if f := s.publicFile(p); f != "" && !hasQueryParam(rawQuery, "import") && !hasQueryParam(rawQuery, "url") {
		s.serveFile(w, r, f)
		return
	}
	if r.Header.Get("Sec-Fetch-Dest") != "document" {
		s.warnPublicPathInURL(removeQueryParams(url, "t"))
	}

	env := s.Environments["client"]
	accept := r.Header.Get("Accept")
	// As in Vite, a page navigation never gets a transformed module: it gets the file as it is, or
	// the HTML fallback.
	if !isDocumentFetch(r) && s.isTransformRequest(p, rawQuery, accept, r) {
		// A stylesheet's request (<link>, or Accept text/css as Vite tests it) gets the CSS itself.
		if isCSSPath(p) && (strings.Contains(accept, "text/css") || r.Header.Get("Sec-Fetch-Dest") == "style") {
			url = injectQuery(url, "direct")
		}
		res, err := env.TransformRequest(r.Context(), url)
		if err != nil {
			if he := (*httpError)(nil); errors.As(err, &he) && he.Status == http.StatusNotFound {
				s.notFound(w, r, p) // Vite: a module that fails to load goes on to the HTML fallback
				return
			}
			s.sendError(w, r, err)
			return
		}
		s.serveModule(w, r, res, hasQueryParam(rawQuery, "v") && strings.Contains(url, "/.vite/deps/"))
		return
	}

	// Static files from root (and /@fs/ files): served raw, within server.fs.
	if f := env.fileOfURL(p); f != "" && fileExists(f) {
		if err := s.checkFS(f); err != nil {
			s.sendError(w, r, err)
			return
		}
		if strings.HasSuffix(p, ".html") && cfg.AppType != "custom" {
			s.postChain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serveHTML(w, r, p, f) })).ServeHTTP(w, r)
			return
		}
		s.serveFile(w, r, f)
		return
	}
	s.notFound(w, r, p)
}

// outsideBase answers a request for a path outside base as Vite's base middleware does: the root page
// redirects to base (its query kept); anything else is a 404 that names the URL under base, as a
// link for a page request.
func (s *Server) outsideBase(w http.ResponseWriter, r *http.Request, p string) {
	base := s.Config.Base
	u := r.URL.RequestURI()
	if p == "/" || p == "/index.html" {
		w.Header().Set("Location", base+strings.TrimPrefix(u, r.URL.EscapedPath()))
		w.WriteHeader(http.StatusFound)
		return
	}
	target := base
	if strings.TrimSuffix(u, "/")+"/" != base {
		target = strings.TrimSuffix(base, "/") + u
	}
	msg := "The server is configured with a public base URL of %s - did you mean to visit %s instead?"
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		link := `<a href="` + html.EscapeString(target) + `">` + html.EscapeString(target) + `</a>`
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, msg, html.EscapeString(base), link)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, msg, base, target)
}

// notFound answers a request nothing else served, as Vite's HTML fallback and 404 middlewares do: a
// request that may take HTML (Accept missing, text/html or */*; not a script) gets the page for
// its path ("/dir/" → /dir/index.html, "/page" → /page.html) or, in an SPA, index.html; anything
// else 404 without a body. So fetch("/api/missing") gets index.html, as with Vite.
//
// The plugins' post middlewares (configureServer) run first; as in Vite, the HTML fallback has then
// already rewritten the URL they see to the page's.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, p string) {
	f, ok := "", false
	if s.Config.AppType != "custom" && AcceptsHTMLFallback(r) && p != "/favicon.ico" {
		f, ok = s.htmlFileFor(p)
		if !ok && s.Config.AppType == "spa" {
			f = filepath.Join(s.Config.Root, "index.html")
			ok = fileExists(f)
		}
	}
	final := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok {
			s.serveHTML(w, r, p, f)
			return
		}
		notFoundEmpty(w)
	})
	if ok {
		if rel, err := filepath.Rel(s.Config.Root, f); err == nil {
			r = r.Clone(r.Context())
			r.URL.Path, r.URL.RawPath = s.Config.Base+filepath.ToSlash(rel), ""
		}
	}
	s.postChain(final).ServeHTTP(w, r)
}

// isDocumentFetch reports a page navigation (Vite's isDocumentFetchDest).
func isDocumentFetch(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Dest") {
	case "document", "iframe", "frame", "fencedframe":
		return true
	}
	return false
}

// AcceptsHTMLFallback is Vite's test for the HTML fallback, in dev and preview: a GET or HEAD whose
// Accept is missing, empty, text/html or */*, and (observed on Vite 8) not a script's request.
func AcceptsHTMLFallback(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead || r.Header.Get("Sec-Fetch-Dest") == "script" {
		return false
	}
	accept := r.Header.Get("Accept")
	return accept == "" || strings.Contains(accept, "text/html") || strings.Contains(accept, "*/*")
}

// notFoundEmpty answers 404 without a body, as Vite does for a file or module it does not have (a
// body would only name server paths).
func notFoundEmpty(w http.ResponseWriter) {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusNotFound)
}

// isTransformRequest tells the module requests from the raw ones, as Vite's transform middleware
// does: a module script's request, JS and CSS files (with any query), ?import (which import analysis
// adds to every other import, ?raw and ?url ones included), HTML proxies and /@id/ modules. An image
// asked with ?url by an <img> is the file.
func (s *Server) isTransformRequest(p, q, accept string, r *http.Request) bool {
	if strings.HasPrefix(p, idPrefix) || hasQueryParam(q, "import") || hasQueryParam(q, "html-proxy") {
		return true
	}
	// What a module script asks for is a module (Vite: an image becomes `export default "url"`);
	// HTML and directories excepted.
	if r.Header.Get("Sec-Fetch-Dest") == "script" && !strings.HasSuffix(p, "/") && !strings.HasSuffix(p, ".html") {
		return true
	}
	if isCSSRequest(p + "?" + q) {
		return true
	}
	if isJSPath(p) || isFrameworkSrcPath(p) {
		return true
	}
	if p == "/" {
		return false
	}
	ext := path.Ext(p)
	return ext == "" && !strings.HasSuffix(p, "/") && !strings.Contains(accept, "text/html") && s.resolvesAsModule(p)
}

// resolvesAsModule reports whether an extension-less path names a module (a virtual one, or a file the
// resolver completes with an extension).
func (s *Server) resolvesAsModule(p string) bool {
	env := s.Environments["client"]
	if r, err := env.PluginContainer.ResolveID(p, "", configResolveOpts()); err == nil && r != nil {
		return true
	}
	_, err := env.resolver.resolveFile(filepath.Join(s.Config.Root, filepath.FromSlash(p)), filepath.Join(s.Config.Root, "index.html"))
	return err == nil
}

// htmlFileFor finds the page a URL names: dir/index.html for "/dir/", the file for "/x.html", and
// x.html or x/index.html for "/x".
func (s *Server) htmlFileFor(p string) (string, bool) {
	var candidates []string
	switch {
	case strings.HasSuffix(p, "/"):
		candidates = []string{p + "index.html"}
	case strings.HasSuffix(p, ".html"):
		candidates = []string{p}
	case path.Ext(p) == "":
		candidates = []string{p + ".html", p + "/index.html"}
	}
	for _, c := range candidates {
		if f := filepath.Join(s.Config.Root, filepath.FromSlash(c)); fileExists(f) {
			return f, true
		}
	}
	return "", false
}

func (s *Server) serveHTML(w http.ResponseWriter, r *http.Request, urlPath, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		s.sendError(w, r, err)
		return
	}
	rel := "/" + prettyPath(s.Config.Root, file)
	html, err := s.transformIndexHTML(r.Context(), rel, string(data), r.URL.RequestURI())
	if err != nil {
		s.sendError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	s.serveBody(w, r, "text/html; charset=utf-8", html)
}

func (s *Server) serveModule(w http.ResponseWriter, r *http.Request, res *TransformResult, immutable bool) {
	if immutable {
		w.Header().Set("Cache-Control", "max-age=31536000,immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("Etag", res.ETag)
	s.serveBody(w, r, res.ContentType, res.Code)
}

// etagOf is the weak ETag of a body, as Vite's send() gives every response it writes.
func etagOf(body string) string {
	sum := sha256.Sum256([]byte(body))
	return `W/"` + strconv.Itoa(len(body)) + "-" + hex.EncodeToString(sum[:8]) + `"`
}

// serveBody answers with body. The length goes in Content-Length, as Vite sends it: without it,
// net/http sends a body over its 2 KB buffer chunked.
func (s *Server) serveBody(w http.ResponseWriter, r *http.Request, contentType string, body string) {
	etag := w.Header().Get("Etag")
	if etag == "" {
		etag = etagOf(body)
		w.Header().Set("Etag", etag)
	}
	if match := r.Header.Get("If-None-Match"); match != "" && match == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-cache")
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	_, _ = io.WriteString(w, body)
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, f string) {
	if ct := mimeType(f); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("Cache-Control", "no-cache")
	// ServeContent rather than ServeFile, which redirects .../index.html to .../.
	file, err := os.Open(f)
	if err != nil {
		notFoundEmpty(w)
		return
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil || st.IsDir() {
		notFoundEmpty(w)
		return
	}
	http.ServeContent(w, r, f, st.ModTime(), file)
}

// sendError answers a failed module request: 404, 403 or a 500 whose error also goes to the browser
// overlay and the terminal, as Vite does.
func (s *Server) sendError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if errors.As(err, &he) {
		if he.Status == http.StatusNotFound {
			notFoundEmpty(w)
			return
		}
		http.Error(w, he.Msg, he.Status)
		return
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	de := asDevError(err)
	s.logger.Error("Internal server error: " + de.Error())
	s.client().Hot.SendPayload(map[string]any{"type": "error", "err": de.payload()})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, s.errorPage(de))
}

// errorPage is the body of a 500, as Vite's error middleware writes it: a page that shows the error in
// the overlay when it is opened (a module script ignores it; its page gets the overlay over the
// WebSocket).
func (s *Server) errorPage(de *DevError) string {
	data, _ := json.Marshal(de.payload()) // escapes "<" and ">": quoted source cannot end the script
	errJSON := string(data)
	client, _ := json.Marshal(s.Config.Base + strings.TrimPrefix(clientPath, "/"))
	return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>Error</title>
    <script type="module">
      const error = ` + errJSON + `
      try {
        const { ErrorOverlay } = await import(` + string(client) + `)
        document.body.appendChild(new ErrorOverlay(error))
      } catch {
        const h = (tag, text) => {
          const el = document.createElement(tag)
          el.textContent = text
          return el
        }
        document.body.appendChild(h('h1', 'Internal Server Error'))
        document.body.appendChild(h('h2', error.message))
        document.body.appendChild(h('pre', error.stack))
        document.body.appendChild(h('p', '(Error overlay failed to load)'))
      }
    </script>
  </head>
  <body>
  </body>
</html>
`
}

// clientSource is /@vite/client with this server's options baked in.
func (s *Server) clientSource() []byte {
	hmr := s.Config.Server.HMR
	return client.Source(client.Options{
		Base: s.Config.Base, Token: s.token, Protocol: hmr.Protocol, Host: hmr.Host,
		ClientPort: hmrClientPort(hmr), Path: strings.TrimPrefix(hmr.Path, "/"), Overlay: hmr.Overlay == nil || *hmr.Overlay,
		Timeout: hmr.Timeout, Mode: s.Config.Mode,
	})
}

// defineJS is the config's define as the object /@vite/env applies to globalThis.
func (s *Server) defineJS() string {
	var b strings.Builder
	b.WriteString("{")
	first := true
	for k, v := range s.Config.Define {
		if !first {
			b.WriteString(",")
		}
		first = false
		fmt.Fprintf(&b, "%q: %s", k, defineValue(v))
	}
	b.WriteString("}")
	return b.String()
}

func mimeType(f string) string {
	ext := strings.ToLower(filepath.Ext(f))
	switch ext {
	case ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".mts":
		return "text/javascript"
	case ".svg":
		return "image/svg+xml"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".webmanifest":
		return "application/manifest+json"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
