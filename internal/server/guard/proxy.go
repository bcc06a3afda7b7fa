package guard

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"

	"github.com/govite/govite/internal/config"
)

// Proxy is middleware implementing server.proxy. Rules are tried in order and the first whose Context
// matches the request URL (path and query as received) wins: Context is a prefix, or a JS regular
// expression when it starts with "^". Requests that match no rule go to next.
//
// HTTP requests are forwarded with httputil.ReverseProxy. A WebSocket upgrade is forwarded only by a
// rule with WS set or a ws:// / wss:// target (as in Vite); other upgrades go on to next (the HMR
// socket, say). ChangeOrigin sends the target's host as Host (the original Host is kept otherwise),
// Rewrite changes the URL sent (the target's path is prefixed), Headers are added, and Secure=false
// skips TLS certificate verification. Bypass, XFwd, the Location and cookie rewrites and the timeouts
// are in proxy_options.go. A target that cannot be reached answers 502 with a message naming
// it; the error is logged through logger (slog.Default() when nil).
func Proxy(rules []config.ProxyRule, logger *slog.Logger, next http.Handler, onError ErrorHandler) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	var compiled []*proxyRule
	for _, r := range rules {
		p, err := newProxyRule(r, logger)
		if err != nil {
			logger.Error("server.proxy rule ignored", "context", r.Context, "target", r.Target, "err", err)
			continue
		}
		compiled = append(compiled, p)
	}
	if len(compiled) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uri := r.URL.RequestURI()
		upgrade := isUpgrade(r)
		for _, p := range compiled {
			if !p.match(uri) || upgrade && !p.ws {
				continue
			}
			p.handle(w, r, uri, next, logger, onError)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type proxyRule struct {
	rule   config.ProxyRule
	match  func(string) bool
	target *url.URL // http(s)
	ws     bool
	rp     *httputil.ReverseProxy
}

// proxyCall travels in the request's context from serve to the ReverseProxy's hooks.
type proxyCall struct {
	uri string   // the request URL as received
	out *url.URL // the path and query to send (after Rewrite)
}

type proxyCallKey struct{}

func newProxyRule(r config.ProxyRule, logger *slog.Logger) (*proxyRule, error) {
	p := &proxyRule{rule: r}
	if strings.HasPrefix(r.Context, "^") {
		src, err := config.TranslateRegExp(r.Context, "")
		if err != nil {
			return nil, err
		}
		re, err := regexp.Compile(src)
		if err != nil {
			return nil, err
		}
		p.match = re.MatchString
	} else {
		ctx := r.Context
		p.match = func(u string) bool { return strings.HasPrefix(u, ctx) }
	}
	t, err := url.Parse(r.Target)
	if err != nil {
		return nil, fmt.Errorf("invalid target: %w", err)
	}
	if t.Host == "" {
		return nil, fmt.Errorf("the target %q has no host", r.Target)
	}
	switch t.Scheme {
	case "http", "https":
	case "ws":
		t.Scheme, p.ws = "http", true
	case "wss":
		t.Scheme, p.ws = "https", true
	default:
		return nil, fmt.Errorf("the target %q is not an http(s):// or ws(s):// URL", r.Target)
	}
	p.ws = p.ws || r.WS
	p.target = t

	tr := http.DefaultTransport.(*http.Transport).Clone()
	if r.Secure != nil && !*r.Secure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // server.proxy[].secure: false asks for it
	}
	p.rp = &httputil.ReverseProxy{
		Transport: tr,
		Rewrite: func(pr *httputil.ProxyRequest) {
			out := pr.In.Context().Value(proxyCallKey{}).(*proxyCall).out
			pr.Out.URL.Path, pr.Out.URL.RawPath, pr.Out.URL.RawQuery = out.Path, out.RawPath, out.RawQuery
			pr.SetURL(p.target)
			// http-proxy (without xfwd) passes the client's forwarding headers on as they are.
			for _, k := range []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"} {
				if v, ok := pr.In.Header[k]; ok {
					pr.Out.Header[k] = v
				}
			}
			if !r.ChangeOrigin {
				pr.Out.Host = pr.In.Host
			}
			for k, v := range r.Headers {
				pr.Out.Header.Set(k, v)
			}
		},
		ErrorHandler: func(w http.ResponseWriter, req *http.Request, err error) {
			uri := req.URL.RequestURI()
			if c, ok := req.Context().Value(proxyCallKey{}).(*proxyCall); ok {
				uri = c.uri
			}
			if !errors.Is(err, context.Canceled) {
				logger.Error("http proxy error", "url", uri, "target", r.Target, "err", err)
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "http proxy error: %s could not be proxied to %s: %v\n", uri, r.Target, err)
		},
	}
	applyProxyOptions(p, tr)
	return p, nil
}

func (p *proxyRule) serve(w http.ResponseWriter, r *http.Request, uri string) {
	out := uri
	if p.rule.Rewrite != nil {
		out = p.rule.Rewrite(uri)
		if out == "" {
			out = "/"
		}
	}
	u, err := url.ParseRequestURI(out)
	if err != nil || u.Host != "" || u.Scheme != "" {
		http.Error(w, fmt.Sprintf("server.proxy[%q]: rewrite returned %q, not a path", p.rule.Context, out), http.StatusInternalServerError)
		return
	}
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), proxyCallKey{}, &proxyCall{uri: uri, out: u})))
}

// isUpgrade reports whether r asks to switch protocols (a WebSocket handshake).
func isUpgrade(r *http.Request) bool {
	if r.Header.Get("Upgrade") == "" {
		return false
	}
	for _, v := range r.Header.Values("Connection") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return true
			}
		}
	}
	return false
}
