package guard

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// This file holds the server.proxy options beyond target, changeOrigin, ws, secure, headers and
// rewrite: bypass, xfwd, autoRewrite / hostRewrite / protocolRewrite, cookieDomainRewrite /
// cookiePathRewrite, timeout and proxyTimeout, with http-proxy's meanings.

// incomingHostKey carries the Host the client asked for to ModifyResponse (autoRewrite).
type incomingHostKey struct{}

// ErrorHandler answers a request that failed with err (the dev server's error page and overlay, as
// Vite's error middleware does for a bypass that throws).
type ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

// errIncomingTimeout is the cause of a request cancelled by the rule's timeout.
var errIncomingTimeout = errors.New("server.proxy timeout")

// handle serves a request that matches the rule: bypass first, then the proxy, within the rule's
// timeout.
func (p *proxyRule) handle(w http.ResponseWriter, r *http.Request, uri string, next http.Handler, logger *slog.Logger, onError ErrorHandler) {
	if p.rule.Bypass != nil {
		res, err := p.rule.Bypass(w, r)
		switch {
		case err != nil:
			logger.Error("http proxy bypass error", "url", uri, "err", err)
			switch {
			case res.Handled:
			case onError != nil:
				onError(w, r, err)
			default:
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
			return
		case res.URL != "":
			if !res.Handled {
				next.ServeHTTP(w, withURL(r, res.URL))
			}
			return
		case res.Handled:
			return
		case res.NotFound:
			if isUpgrade(r) {
				http.Error(w, "", http.StatusNotFound)
				return
			}
			w.WriteHeader(http.StatusNotFound)
			return
		}
	}
	r = r.WithContext(context.WithValue(r.Context(), incomingHostKey{}, r.Host))
	if p.rule.Timeout <= 0 || isUpgrade(r) {
		p.serve(w, r, uri)
		return
	}
	p.serveWithTimeout(w, r, uri)
}

// withURL is r for another URL of the same server (bypass returned a path): the rest of the
// middlewares serve that instead.
func withURL(r *http.Request, target string) *http.Request {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		u = &url.URL{Path: target}
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath, r2.URL.RawQuery = u.Path, u.RawPath, u.RawQuery
	r2.RequestURI = u.RequestURI()
	return r2
}

// serveWithTimeout proxies r, closing the client's connection without an answer when nothing happens
// for the rule's timeout (http-proxy sets it as the incoming socket's idle timeout).
func (p *proxyRule) serveWithTimeout(w http.ResponseWriter, r *http.Request, uri string) {
	d := time.Duration(p.rule.Timeout) * time.Millisecond
	ctx, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	timer := time.AfterFunc(d, func() { cancel(errIncomingTimeout) })
	defer timer.Stop()
	aw := &activityWriter{ResponseWriter: w, ctx: ctx, touch: func() { timer.Reset(d) }}
	p.serve(aw, r.WithContext(ctx), uri)
	if errors.Is(context.Cause(ctx), errIncomingTimeout) {
		panic(http.ErrAbortHandler) // the socket is destroyed: the client sees the connection end
	}
}

// activityWriter restarts the idle timer on every write and drops what is written after it fired.
type activityWriter struct {
	http.ResponseWriter
	ctx   context.Context
	touch func()
	wrote bool
}

func (a *activityWriter) timedOut() bool {
	return errors.Is(context.Cause(a.ctx), errIncomingTimeout)
}

func (a *activityWriter) WriteHeader(code int) {
	if a.timedOut() && !a.wrote {
		return
	}
	a.wrote = true
	a.touch()
	a.ResponseWriter.WriteHeader(code)
}

func (a *activityWriter) Write(b []byte) (int, error) {
	if a.timedOut() && !a.wrote {
		return len(b), nil
	}
	a.wrote = true
	a.touch()
	return a.ResponseWriter.Write(b)
}

func (a *activityWriter) Unwrap() http.ResponseWriter { return a.ResponseWriter }

// applyProxyOptions adds the options of this file to a rule's reverse proxy and transport.
func applyProxyOptions(p *proxyRule, tr *http.Transport) {
	r := p.rule
	if r.ProxyTimeout > 0 {
		tr.ResponseHeaderTimeout = time.Duration(r.ProxyTimeout) * time.Millisecond
	}
	if r.XFwd {
		rewrite := p.rp.Rewrite
		p.rp.Rewrite = func(pr *httputil.ProxyRequest) {
			rewrite(pr)
			addXForwarded(pr.Out.Header, pr.In)
		}
	}
	if !r.AutoRewrite && r.HostRewrite == "" && r.ProtocolRewrite == "" && r.CookieDomainRewrite == nil && r.CookiePathRewrite == nil {
		return
	}
	target := p.target
	p.rp.ModifyResponse = func(resp *http.Response) error {
		in := ""
		if resp.Request != nil {
			in, _ = resp.Request.Context().Value(incomingHostKey{}).(string)
		}
		rewriteLocation(resp, target, in, r.AutoRewrite, r.HostRewrite, r.ProtocolRewrite)
		if cookies := resp.Header.Values("Set-Cookie"); len(cookies) > 0 && (r.CookieDomainRewrite != nil || r.CookiePathRewrite != nil) {
			out := make([]string, len(cookies))
			for i, c := range cookies {
				c = rewriteCookieProperty(c, r.CookieDomainRewrite, "domain")
				out[i] = rewriteCookieProperty(c, r.CookiePathRewrite, "path")
			}
			resp.Header["Set-Cookie"] = out
		}
		return nil
	}
}

// addXForwarded appends the client's address, port and protocol to X-Forwarded-For, -Port and -Proto
// and sets X-Forwarded-Host when the client did not (http-proxy's xfwd).
func addXForwarded(h http.Header, in *http.Request) {
	ip := in.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	proto := "http"
	if in.TLS != nil {
		proto = "https"
	}
	port := ""
	if _, p, err := net.SplitHostPort(in.Host); err == nil {
		port = p
	} else if proto == "https" {
		port = "443"
	} else {
		port = "80"
	}
	for _, kv := range [][2]string{{"X-Forwarded-For", ip}, {"X-Forwarded-Port", port}, {"X-Forwarded-Proto", proto}} {
		if prev := in.Header.Get(kv[0]); prev != "" {
			h.Set(kv[0], prev+","+kv[1])
		} else {
			h.Set(kv[0], kv[1])
		}
	}
	if in.Header.Get("X-Forwarded-Host") == "" {
		h.Set("X-Forwarded-Host", in.Host)
	}
}

// rewriteLocation rewrites the Location of a redirect (201, 301, 302, 307, 308) that points at the
// target: its host becomes hostRewrite, or with autoRewrite the host the client asked for; its
// protocol becomes protocolRewrite.
func rewriteLocation(resp *http.Response, target *url.URL, incomingHost string, auto bool, hostRewrite, protocolRewrite string) {
	if !auto && hostRewrite == "" && protocolRewrite == "" {
		return
	}
	switch resp.StatusCode {
	case 201, 301, 302, 307, 308:
	default:
		return
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return
	}
	u, err := url.Parse(loc)
	if err != nil || !u.IsAbs() || hostWithoutDefaultPort(u) != hostWithoutDefaultPort(target) {
		return
	}
	switch {
	case hostRewrite != "":
		u.Host = hostRewrite
	case auto:
		u.Host = incomingHost
	}
	if protocolRewrite != "" {
		u.Scheme = strings.TrimSuffix(protocolRewrite, ":")
	}
	resp.Header.Set("Location", u.String())
}

func hostWithoutDefaultPort(u *url.URL) string {
	host, port := u.Hostname(), u.Port()
	scheme := strings.ToLower(u.Scheme)
	if port == "" || port == "80" && (scheme == "http" || scheme == "ws") || port == "443" && (scheme == "https" || scheme == "wss") {
		return strings.ToLower(host)
	}
	return strings.ToLower(net.JoinHostPort(host, port))
}

var cookiePropertyREs = map[string]*regexp.Regexp{
	"domain": regexp.MustCompile(`(?i)(;\s*domain=)([^;]+)`),
	"path":   regexp.MustCompile(`(?i)(;\s*path=)([^;]+)`),
}

// rewriteCookieProperty rewrites the first Domain or Path attribute of a Set-Cookie value as
// http-proxy's rewriteCookieProperty: the value's entry of m, else m["*"]; an empty new value removes
// the attribute; no entry leaves it.
func rewriteCookieProperty(cookie string, m map[string]string, property string) string {
	if m == nil {
		return cookie
	}
	re := cookiePropertyREs[property]
	loc := re.FindStringSubmatchIndex(cookie)
	if loc == nil {
		return cookie
	}
	prefix, old := cookie[loc[2]:loc[3]], cookie[loc[4]:loc[5]]
	repl, ok := m[old]
	if !ok {
		if repl, ok = m["*"]; !ok {
			return cookie
		}
	}
	if repl == "" {
		return cookie[:loc[0]] + cookie[loc[1]:]
	}
	return cookie[:loc[0]] + prefix + repl + cookie[loc[1]:]
}
