package guard

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/govite/govite/internal/config"
)

// fileOrExtensionProtocol is Vite's /^(?:file|.+-extension):/i test, without a regexp (it runs on
// every request).
func fileOrExtensionProtocol(host string) bool {
	for i := strings.IndexByte(host, ':'); i >= 0; {
		scheme := host[:i]
		if strings.EqualFold(scheme, "file") || len(scheme) > len("-extension") && strings.EqualFold(scheme[len(scheme)-len("-extension"):], "-extension") {
			return true
		}
		j := strings.IndexByte(host[i+1:], ':')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// HostAllowed reports whether a Host header value (with or without port, IPv6 in brackets) may reach
// the server, with Vite's rules: localhost, *.localhost and any IP address always; an entry of allowed
// exactly, or with a leading "." the domain and all its subdomains; everything when allowAll. An empty
// Host (HTTP/1.0) is allowed, as in Vite.
func HostAllowed(host string, allowed []string, allowAll bool) bool {
	if allowAll || host == "" {
		return true
	}
	if fileOrExtensionProtocol(host) {
		return true
	}
	h := strings.TrimSpace(host)
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return false
		}
		ip, err := netip.ParseAddr(h[1:end])
		return err == nil && ip.Is6()
	}
	hostname := h
	if i := strings.IndexByte(h, ':'); i >= 0 {
		hostname = h[:i]
	}
	if ip, err := netip.ParseAddr(hostname); err == nil && ip.Is4() {
		return true
	}
	hostname = strings.ToLower(hostname)
	if hostname == "localhost" || strings.HasSuffix(hostname, ".localhost") {
		return true
	}
	for _, a := range allowed {
		a = strings.ToLower(a)
		if a == "" {
			continue
		}
		if a == hostname {
			return true
		}
		if a[0] == '.' && (a[1:] == hostname || strings.HasSuffix(hostname, a)) {
			return true
		}
	}
	return false
}

var portSuffixRE = regexp.MustCompile(`:\d+$`)

// HostCheck is middleware that answers 403 with Vite's message to requests whose Host is not allowed
// (see HostAllowed). extra are further allowed host names: server.host when it is a name, the hmr host,
// the hostname of server.origin (a URL is accepted and reduced to its hostname).
func HostCheck(opts config.AllowedHosts, extra []string, next http.Handler) http.Handler {
	if opts.All {
		return next
	}
	allowed := slices.Clone(opts.Hosts)
	for _, e := range extra {
		if strings.Contains(e, "://") {
			if u, err := url.Parse(e); err == nil {
				e = u.Hostname()
			}
		}
		if e != "" {
			allowed = append(allowed, e)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if HostAllowed(r.Host, allowed, false) {
			next.ServeHTTP(w, r)
			return
		}
		q := jsString(portSuffixRE.ReplaceAllString(r.Host, ""))
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("Blocked request. This host (" + q + ") is not allowed.\nTo allow this host, add " + q + " to `server.allowedHosts` in vite.config.js."))
	})
}

// jsString quotes s as JSON.stringify does (and escapes HTML characters too).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
