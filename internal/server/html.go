package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/plugins/react"
	"golang.org/x/net/html"
)

const reactRefreshPath = react.RuntimePublicPath

func configResolveOpts() config.ResolveIDOptions {
	return config.ResolveIDOptions{Kind: "import-statement"}
}

// defineValue writes a define value as JS: strings are code (Vite's define semantics), other values
// are their JSON.
func defineValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TransformIndexHTML is Vite's server.transformIndexHtml: url is the page's path from root
// ("/index.html"), html its source. The plugins' "pre" hooks run, module script URLs get base and
// inline module scripts become proxy modules (so their imports are analysed like any module), the
// /@vite/client script is added, and the remaining hooks run.
func (s *Server) TransformIndexHTML(ctx context.Context, pageURL, htmlText string) (string, error) {
	return s.transformIndexHTML(ctx, pageURL, htmlText, pageURL)
}

func (s *Server) transformIndexHTML(ctx context.Context, pageURL, htmlText, originalURL string) (string, error) {
	cfg := s.Config
	pagePath, _ := splitQuery(pageURL)
	filename := s.Environments["client"].fileOfURL(pagePath)
	c := s.Environments["client"].PluginContainer
	hctx := config.IndexHTMLContext{Path: pagePath, Filename: filename, OriginalURL: originalURL}
	htmlText, preTags, err := c.TransformIndexHTML(true, hctx, htmlText)
	if err != nil {
		return "", err
	}
	htmlText = s.devHTML(pagePath, filename, htmlText)
	tags := append([]config.HTMLTag{{Tag: "script", Attrs: map[string]string{"type": "module", "src": cfg.Base + "@vite/client"}, AttrOrder: []string{"type", "src"}, InjectTo: "head-prepend"}}, preTags...)
	htmlText, postTags, err := c.TransformIndexHTML(false, hctx, htmlText)
	if err != nil {
		return "", err
	}
	tags = append(tags, postTags...)
	return config.InjectHTMLTags(htmlText, tags), nil
}

// devHTML rewrites the page's module scripts and stylesheet links: URLs from root get base, relative
// ones are made absolute, and inline module scripts are served through /page.html?html-proxy&index=N.js.
func (s *Server) devHTML(pagePath, filename, src string) string {
	base := s.Config.Base
	z := html.NewTokenizer(strings.NewReader(src))
	var out bytes.Buffer
	offset := 0
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	proxyIndex := 0
	inModuleScript := -1
	for {
		tt := z.Next()
		raw := z.Raw()
		start := offset
		offset += len(raw)
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			tag := string(name)
			switch {
			case tag == "script" && attrs["type"] == "module" && attrs["src"] == "":
				inModuleScript = start
			case tag == "script" && attrs["src"] != "":
				src := attrs["src"]
				u, ok := s.pageURL(pagePath, src)
				if u == "" {
					u = src
				}
				// As in Vite, a script that a hot update reached since the server started is asked for
				// with that update's ?t=: the browser's cache may hold its old version.
				if ts := s.lastHMRTimestamp(u); ts > 0 {
					u, ok = injectQuery(u, "t="+strconv.FormatInt(ts, 10)), true
				}
				if ok {
					edits = append(edits, edit{start, offset, replaceAttr(string(raw), "src", src, u)})
				}
			case tag == "link" && attrs["href"] != "" && (strings.Contains(attrs["rel"], "stylesheet") || strings.Contains(attrs["rel"], "modulepreload")):
				if u, ok := s.pageURL(pagePath, attrs["href"]); ok {
					edits = append(edits, edit{start, offset, replaceAttr(string(raw), "href", attrs["href"], u)})
				}
			}
		case html.TextToken:
			if inModuleScript >= 0 {
				code := string(raw)
				id := fmt.Sprintf("%s?html-proxy&index=%d.js", filename, proxyIndex)
				s.mu.Lock()
				s.htmlProx[id] = code
				s.mu.Unlock()
				proxyURL := base + strings.TrimPrefix(pagePath, "/") + "?html-proxy&index=" + strconv.Itoa(proxyIndex) + ".js"
				edits = append(edits, edit{inModuleScript, offset, `<script type="module" src="` + proxyURL + `">`})
				proxyIndex++
				inModuleScript = -1
			}
		case html.EndTagToken:
			inModuleScript = -1
		}
	}
	last := 0
	for _, e := range edits {
		out.WriteString(src[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.WriteString(src[last:])
	return out.String()
}

// pageURL turns a URL in a page into the served URL: "/src/main.ts" and "./src/main.ts" become
// base + "src/main.ts"; remote URLs and URLs that already carry base are left.
func (s *Server) pageURL(pagePath, u string) (string, bool) {
	base := s.Config.Base
	if u == "" || strings.Contains(u, "://") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "data:") {
		return "", false
	}
	if strings.HasPrefix(u, "/") {
		if base != "/" && strings.HasPrefix(u, base) {
			return "", false
		}
		if s.publicFile(u) != "" && base == "/" {
			return "", false
		}
		return base + strings.TrimPrefix(u, "/"), base != "/"
	}
	abs := path.Join(path.Dir(pagePath), u)
	return base + strings.TrimPrefix(abs, "/"), true
}

// lastHMRTimestamp is the time of the last hot update of the client module a page's script URL
// (with base, as pageURL gives it) names, or 0.
func (s *Server) lastHMRTimestamp(u string) int64 {
	base := s.Config.Base
	if !strings.HasPrefix(u, base) || strings.HasPrefix(u, "//") {
		return 0
	}
	decoded, err := url.PathUnescape(u[len(base)-1:])
	if err != nil {
		return 0
	}
	g := s.client().ModuleGraph
	m := g.GetModuleByURL(decoded)
	if m == nil {
		return 0
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return m.LastHMRTimestamp
}

func replaceAttr(tag, name, old, new string) string {
	for _, q := range []string{`"`, `'`, ``} {
		needle := name + "=" + q + old + q
		if i := strings.Index(tag, needle); i >= 0 {
			return tag[:i] + name + `="` + html.EscapeString(new) + `"` + tag[i+len(needle):]
		}
	}
	return tag
}

// htmlProxyCode returns an inline module script's body.
func (s *Server) htmlProxyCode(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	code, ok := s.htmlProx[id]
	return code, ok
}
