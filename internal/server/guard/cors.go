package guard

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/govite/govite/internal/config"
)

// DefaultCORSMethods are the methods a preflight allows unless server.cors.methods says otherwise (the
// `cors` package's default).
const DefaultCORSMethods = "GET,HEAD,PUT,PATCH,POST,DELETE"

// CORS is middleware implementing server.cors as Vite does with the `cors` package:
//
//   - Disabled: no CORS handling at all;
//   - AllowAll: any origin is reflected;
//   - otherwise an origin is allowed when it equals an entry of Origin or matches one of OriginRegexps;
//     with neither (the default) the localhost-like origins of config.DefaultAllowedOrigins are.
//
// An allowed origin gets Access-Control-Allow-Origin (and -Credentials, -Expose-Headers as configured);
// a disallowed one gets no CORS headers, and the request itself continues. OPTIONS requests are
// answered 204 (preflight) with Allow-Methods and Allow-Headers (the request's
// Access-Control-Request-Headers unless allowedHeaders is set) for allowed origins. Vary: Origin is set
// on every response.
func CORS(opts config.CORSOptions, next http.Handler) http.Handler {
	if opts.Disabled {
		return next
	}
	origins := slices.Clone(opts.Origin)
	patterns := opts.OriginRegexps
	if !opts.AllowAll && len(origins) == 0 && len(patterns) == 0 {
		patterns = []string{config.DefaultAllowedOrigins}
	}
	var res []*regexp.Regexp
	for _, p := range patterns {
		if re, err := regexp.Compile(p); err == nil {
			res = append(res, re)
		}
	}
	allowed := func(origin string) bool {
		if opts.AllowAll {
			return true
		}
		if slices.Contains(origins, origin) {
			return true
		}
		for _, re := range res {
			if re.MatchString(origin) {
				return true
			}
		}
		return false
	}
	methods := DefaultCORSMethods
	if len(opts.Methods) > 0 {
		methods = strings.Join(opts.Methods, ",")
	}
	allowedHeaders := strings.Join(opts.AllowedHeaders, ",")
	exposed := strings.Join(opts.ExposedHeaders, ",")

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		origin := r.Header.Get("Origin")
		ok := origin != "" && allowed(origin)
		h.Add("Vary", "Origin")
		if ok {
			h.Set("Access-Control-Allow-Origin", origin)
			if opts.Credentials {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
			if exposed != "" {
				h.Set("Access-Control-Expose-Headers", exposed)
			}
		}
		if r.Method != http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if ok {
			h.Set("Access-Control-Allow-Methods", methods)
			if allowedHeaders != "" {
				h.Set("Access-Control-Allow-Headers", allowedHeaders)
			} else {
				h.Add("Vary", "Access-Control-Request-Headers")
				if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
					h.Set("Access-Control-Allow-Headers", req)
				}
			}
			if opts.MaxAge != 0 {
				h.Set("Access-Control-Max-Age", strconv.Itoa(opts.MaxAge))
			}
		}
		h.Set("Content-Length", "0")
		w.WriteHeader(http.StatusNoContent)
	})
}
