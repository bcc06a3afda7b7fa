package config

import (
	"context"
	"log/slog"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestDecodeServerOptions(t *testing.T) {
	tests := []struct {
		name     string
		expr     string
		check    func(t *testing.T, s ServerOptions)
		warnings []string
	}{
		{
			name:  "host true is every address",
			expr:  `{ server: { host: true } }`,
			check: func(t *testing.T, s ServerOptions) { eq(t, *s.Host, "0.0.0.0") },
		},
		{
			name:  "host false is localhost",
			expr:  `{ server: { host: false } }`,
			check: func(t *testing.T, s ServerOptions) { eq(t, *s.Host, "localhost") },
		},
		{
			name: "host string, port, strictPort, origin, headers, middlewareMode",
			expr: `{ server: { host: '127.0.0.1', port: 3000, strictPort: true, origin: 'http://dev.test:8080', headers: { 'X-A': 'a' }, middlewareMode: true } }`,
			check: func(t *testing.T, s ServerOptions) {
				eq(t, *s.Host, "127.0.0.1")
				eq(t, s.Port, 3000)
				eq(t, s.StrictPort, true)
				eq(t, s.Origin, "http://dev.test:8080")
				eqv(t, s.Headers, map[string]string{"X-A": "a"})
				eq(t, s.MiddlewareMode, true)
			},
		},
		{
			name:  "open true is /",
			expr:  `{ server: { open: true } }`,
			check: func(t *testing.T, s ServerOptions) { eq(t, s.Open, "/") },
		},
		{
			name:  "open false",
			expr:  `{ server: { open: false } }`,
			check: func(t *testing.T, s ServerOptions) { eq(t, s.Open, "") },
		},
		{
			name:  "open path",
			expr:  `{ server: { open: '/docs/index.html' } }`,
			check: func(t *testing.T, s ServerOptions) { eq(t, s.Open, "/docs/index.html") },
		},
		{
			name:  "cors true",
			expr:  `{ server: { cors: true } }`,
			check: func(t *testing.T, s ServerOptions) { eqv(t, s.Cors, &CORSOptions{AllowAll: true}) },
		},
		{
			name:  "cors false",
			expr:  `{ server: { cors: false } }`,
			check: func(t *testing.T, s ServerOptions) { eqv(t, s.Cors, &CORSOptions{Disabled: true}) },
		},
		{
			name: "cors object with an origin list of strings and RegExps",
			expr: `{ server: { cors: { origin: ['https://app.test', /^https:\/\/(.+\.)?example\.com$/i], methods: ['GET', 'POST'], allowedHeaders: 'X-Token', exposedHeaders: ['X-Id'], credentials: true, maxAge: 600, preflightContinue: true } } }`,
			check: func(t *testing.T, s ServerOptions) {
				c := s.Cors
				eqv(t, c.Origin, []string{"https://app.test"})
				if len(c.OriginRegexps) != 1 || !regexp.MustCompile(c.OriginRegexps[0]).MatchString("https://A.EXAMPLE.com") {
					t.Errorf("origin regexps = %q", c.OriginRegexps)
				}
				eqv(t, c.Methods, []string{"GET", "POST"})
				eqv(t, c.AllowedHeaders, []string{"X-Token"})
				eqv(t, c.ExposedHeaders, []string{"X-Id"})
				eq(t, c.Credentials, true)
				eq(t, c.MaxAge, 600)
				eq(t, c.AllowAll || c.Disabled, false)
			},
			warnings: []string{"server.cors.preflightContinue is not supported by govite yet; it is ignored"},
		},
		{
			name: "cors origin string",
			expr: `{ server: { cors: { origin: 'https://app.test' } } }`,
			check: func(t *testing.T, s ServerOptions) {
				eqv(t, s.Cors, &CORSOptions{Origin: []string{"https://app.test"}})
			},
		},
		{
			name: "cors origin RegExp",
			expr: `{ server: { cors: { origin: /^https:\/\/x\.test$/ } } }`,
			check: func(t *testing.T, s ServerOptions) {
				eqv(t, s.Cors, &CORSOptions{OriginRegexps: []string{`^https:\/\/x\.test$`}})
			},
		},
		{
			name:  "cors origin true reflects any origin",
			expr:  `{ server: { cors: { origin: true, credentials: true } } }`,
			check: func(t *testing.T, s ServerOptions) { eqv(t, s.Cors, &CORSOptions{AllowAll: true, Credentials: true}) },
		},
		{
			name:  "cors origin '*'",
			expr:  `{ server: { cors: { origin: '*' } } }`,
			check: func(t *testing.T, s ServerOptions) { eqv(t, s.Cors, &CORSOptions{AllowAll: true}) },
		},
		{
			name:  "cors origin false turns CORS off",
			expr:  `{ server: { cors: { origin: false, methods: ['GET'] } } }`,
			check: func(t *testing.T, s ServerOptions) { eqv(t, s.Cors, &CORSOptions{Disabled: true}) },
		},
		{
			name:     "cors origin function warns",
			expr:     `{ server: { cors: { origin: (o, cb) => cb(null, true) } } }`,
			check:    func(t *testing.T, s ServerOptions) { eqv(t, s.Cors, &CORSOptions{}) },
			warnings: []string{"server.cors.origin: a function is not supported by govite yet; it is ignored (localhost origins are allowed)"},
		},
		{
			name:  "allowedHosts true",
			expr:  `{ server: { allowedHosts: true } }`,
			check: func(t *testing.T, s ServerOptions) { eqv(t, s.AllowedHosts, &AllowedHosts{All: true}) },
		},
		{
			name: "allowedHosts list",
			expr: `{ server: { allowedHosts: ['.example.com', 'dev.test'] } }`,
			check: func(t *testing.T, s ServerOptions) {
				eqv(t, s.AllowedHosts, &AllowedHosts{Hosts: []string{".example.com", "dev.test"}})
			},
		},
		{
			name: "proxy: string and object forms, in the order written",
			expr: `{ server: { proxy: {
				'/foo': 'http://localhost:4567',
				'/api': { target: 'http://jsonplaceholder.typicode.com', changeOrigin: true, rewrite: (path) => path.replace(/^\/api/, '') },
				'^/fallback/.*': { target: 'https://jsonplaceholder.typicode.com', secure: false, headers: { 'X-Proxied': '1' } },
				'/socket.io': { target: 'ws://localhost:5174', ws: true, rewriteWsOrigin: true },
				'/obj': { target: { protocol: 'https:', host: 'backend.test', port: 8443 } },
				'/off': false,
			} } }`,
			check: func(t *testing.T, s ServerOptions) {
				p := s.Proxy
				if len(p) != 5 {
					t.Fatalf("proxy = %+v", p)
				}
				eqv(t, []string{p[0].Context, p[1].Context, p[2].Context, p[3].Context, p[4].Context}, []string{"/foo", "/api", "^/fallback/.*", "/socket.io", "/obj"})
				eq(t, p[0].Target, "http://localhost:4567")
				eq(t, p[0].ChangeOrigin, true) // the string form changes the origin, as in Vite
				eq(t, p[1].ChangeOrigin, true)
				if p[1].Rewrite == nil {
					t.Fatal("no rewrite")
				}
				eq(t, p[1].Rewrite("/api/users?id=1"), "/users?id=1")
				eq(t, *p[2].Secure, false)
				eqv(t, p[2].Headers, map[string]string{"X-Proxied": "1"})
				eq(t, p[2].ChangeOrigin, false)
				eq(t, p[3].WS, true)
				eq(t, p[4].Target, "https://backend.test:8443")
			},
			warnings: []string{`server.proxy["/socket.io"].rewriteWsOrigin is not supported by govite yet; it is ignored`},
		},
		{
			name: "proxy: configure, bypass and xfwd are decoded, no target drops the rule",
			expr: `{ server: { proxy: {
				'/a': { target: 'http://a.test', configure: (proxy) => {}, bypass: (req) => null, xfwd: true },
				'/b': { forward: 'http://b.test' },
			} } }`,
			check: func(t *testing.T, s ServerOptions) {
				if len(s.Proxy) != 1 || s.Proxy[0].Target != "http://a.test" {
					t.Fatalf("proxy = %+v", s.Proxy)
				}
				eq(t, s.Proxy[0].HasConfigure, true)
				eq(t, s.Proxy[0].XFwd, true)
				if s.Proxy[0].Bypass == nil {
					t.Error("no bypass")
				}
			},
			warnings: []string{
				`server.proxy["/b"].forward is not supported by govite yet; it is ignored`,
				`server.proxy["/b"] has no target (govite needs one); the rule is ignored`,
			},
		},
		{
			name:  "hmr false",
			expr:  `{ server: { hmr: false } }`,
			check: func(t *testing.T, s ServerOptions) { eqv(t, s.HMR, &HMROptions{Disabled: true}) },
		},
		{
			name:  "hmr true",
			expr:  `{ server: { hmr: true } }`,
			check: func(t *testing.T, s ServerOptions) { eqv(t, s.HMR, &HMROptions{}) },
		},
		{
			name: "hmr object",
			expr: `{ server: { hmr: { overlay: false, protocol: 'wss', host: 'hmr.test', port: 24678, clientPort: 443, path: '/hmr', timeout: 5000, server: {} } } }`,
			check: func(t *testing.T, s ServerOptions) {
				eqv(t, s.HMR, &HMROptions{Overlay: Bool(false), Protocol: "wss", Host: "hmr.test", Port: 24678, ClientPort: 443, Path: "/hmr", Timeout: 5000})
			},
			warnings: []string{"server.hmr.server is not supported by govite yet; it is ignored"},
		},
		{
			name: "warmup and fs",
			expr: `{ server: { warmup: { clientFiles: ['./src/main.ts'], ssrFiles: './src/server.ts' }, fs: { strict: false, allow: ['..', '/abs'], deny: ['secret/**'] }, https: {}, watch: { usePolling: true } } }`,
			check: func(t *testing.T, s ServerOptions) {
				eqv(t, s.Warmup, Warmup{ClientFiles: []string{"./src/main.ts"}, SSRFiles: []string{"./src/server.ts"}})
				eqv(t, s.FS, FSOptions{Strict: Bool(false), Allow: []string{"..", "/abs"}, Deny: []string{"secret/**"}})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, warnings, err := decodeJS(t, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, cfg.Server)
			if !reflect.DeepEqual(warnings, tt.warnings) && !(len(warnings) == 0 && len(tt.warnings) == 0) {
				t.Errorf("warnings:\n got  %q\n want %q", warnings, tt.warnings)
			}
		})
	}
}

func TestDecodeOptimizeDeps(t *testing.T) {
	tests := []struct {
		expr     string
		want     OptimizeDeps
		warnings []string
	}{
		{`{ optimizeDeps: { include: ['react', 'react-dom/client'], exclude: 'lodash-es', entries: ['src/**/*.tsx'], force: true, noDiscovery: true } }`,
			OptimizeDeps{Include: []string{"react", "react-dom/client"}, Exclude: []string{"lodash-es"}, Entries: []string{"src/**/*.tsx"}, Force: true, NoDiscovery: true}, nil},
		{`{ optimizeDeps: { disabled: true } }`, OptimizeDeps{Disabled: true}, nil},
		{`{ optimizeDeps: { disabled: 'dev' } }`, OptimizeDeps{Disabled: true}, nil},
		{`{ optimizeDeps: { disabled: 'build' } }`, OptimizeDeps{}, nil},
		{`{ optimizeDeps: { disabled: false } }`, OptimizeDeps{}, nil},
		{`{ optimizeDeps: { include: ['x'], esbuildOptions: { target: 'es2020' }, needsInterop: ['y'], holdUntilCrawlEnd: false } }`,
			OptimizeDeps{Include: []string{"x"}},
			[]string{
				"optimizeDeps.esbuildOptions is not supported by govite yet; it is ignored",
				"optimizeDeps.needsInterop is not supported by govite yet; it is ignored",
				"optimizeDeps.holdUntilCrawlEnd is not supported by govite yet; it is ignored",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			cfg, warnings, err := decodeJS(t, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			eqv(t, cfg.OptimizeDeps, tt.want)
			if !reflect.DeepEqual(warnings, tt.warnings) && !(len(warnings) == 0 && len(tt.warnings) == 0) {
				t.Errorf("warnings:\n got  %q\n want %q", warnings, tt.warnings)
			}
		})
	}
}

func TestDecodeServerErrors(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{`{ server: { host: 1 } }`, "server.host: expected a string or a boolean, got number"},
		{`{ server: { open: 1 } }`, "server.open: expected a boolean or a string, got number"},
		{`{ server: { cors: 'yes' } }`, "server.cors: expected a boolean or an object, got string"},
		{`{ server: { cors: { origin: [1] } } }`, "server.cors.origin[0]: expected a boolean, a string, a RegExp or an array of strings and RegExps, got number"},
		{`{ server: { cors: { origin: /(?=x)/ } } }`, "lookahead"},
		{`{ server: { allowedHosts: [1] } }`, "server.allowedHosts[0]: expected a string, got number"},
		{`{ server: { proxy: ['/api'] } }`, "server.proxy: expected an object, got array"},
		{`{ server: { proxy: { '/api': 1 } } }`, `server.proxy["/api"]: expected a target URL or an options object, got number`},
		{`{ server: { proxy: { '/api': { target: 'http://x', rewrite: 'no' } } } }`, `server.proxy["/api"].rewrite: expected a function, got string`},
		{`{ server: { proxy: { '/api': { target: { port: 1 } } } } }`, `server.proxy["/api"].target: expected a URL or an object with a host`},
		{`{ server: { hmr: 'no' } }`, "server.hmr: expected a boolean or an object, got string"},
		{`{ server: { port: '3000' } }`, "server.port: expected a number, got string"},
		{`{ optimizeDeps: { disabled: 'always' } }`, `optimizeDeps.disabled: expected a boolean, 'build' or 'dev', got "always"`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, _, err := decodeJS(t, tt.expr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

// A proxy rewrite written in JS is called through the config's engine; when it throws or returns
// something else than a string, the path is kept.
func TestProxyRewriteBridge(t *testing.T) {
	cfg, _, err := decodeJS(t, `{ server: { proxy: {
		'/a': { target: 'http://x', rewrite: (p) => p.replace(/^\/a/, '/b') },
		'/t': { target: 'http://x', rewrite: (p) => { throw new Error('nope') } },
		'/n': { target: 'http://x', rewrite: (p) => 42 },
	} } }`)
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Server.Proxy
	eq(t, p[0].Rewrite("/a/x?y=1"), "/b/x?y=1")
	done := make(chan string, 8)
	for range 8 { // concurrent callers share the engine
		go func() { done <- p[0].Rewrite("/a/c") }()
	}
	for range 8 {
		eq(t, <-done, "/b/c")
	}
	p[1].rewriteJS.vm.stderr = &strings.Builder{}
	eq(t, p[1].Rewrite("/t/x"), "/t/x")
	eq(t, p[2].Rewrite("/n/x"), "/n/x")
	if s := p[1].rewriteJS.vm.stderr.(*strings.Builder).String(); !strings.Contains(s, `server.proxy["/t"].rewrite threw for "/t/x"`) || !strings.Contains(s, `returned number`) {
		t.Errorf("stderr = %q", s)
	}
}

func TestMergeServerOptions(t *testing.T) {
	rw := func(s string) string { return "/rw" + s }
	tests := []struct {
		name           string
		base, override ServerOptions
		want           ServerOptions
	}{
		{
			name:     "scalars and maps",
			base:     ServerOptions{Host: String("localhost"), Port: 3000, Open: "/a", Headers: map[string]string{"A": "1", "B": "1"}},
			override: ServerOptions{Host: String("0.0.0.0"), StrictPort: true, Headers: map[string]string{"B": "2"}},
			want:     ServerOptions{Host: String("0.0.0.0"), Port: 3000, StrictPort: true, Open: "/a", Headers: map[string]string{"A": "1", "B": "2"}},
		},
		{
			name:     "cors objects merge, origins concatenated",
			base:     ServerOptions{Cors: &CORSOptions{Origin: []string{"https://a.test"}, Methods: []string{"GET"}}},
			override: ServerOptions{Cors: &CORSOptions{OriginRegexps: []string{"^x$"}, Origin: []string{"https://b.test"}, Credentials: true}},
			want:     ServerOptions{Cors: &CORSOptions{Origin: []string{"https://a.test", "https://b.test"}, OriginRegexps: []string{"^x$"}, Methods: []string{"GET"}, Credentials: true}},
		},
		{
			name:     "cors false replaces an object",
			base:     ServerOptions{Cors: &CORSOptions{Origin: []string{"https://a.test"}}},
			override: ServerOptions{Cors: &CORSOptions{Disabled: true}},
			want:     ServerOptions{Cors: &CORSOptions{Disabled: true}},
		},
		{
			name:     "an object replaces cors true",
			base:     ServerOptions{Cors: &CORSOptions{AllowAll: true}},
			override: ServerOptions{Cors: &CORSOptions{Origin: []string{"https://a.test"}}},
			want:     ServerOptions{Cors: &CORSOptions{Origin: []string{"https://a.test"}}},
		},
		{
			name:     "allowed hosts concatenated",
			base:     ServerOptions{AllowedHosts: &AllowedHosts{Hosts: []string{"a.test"}}},
			override: ServerOptions{AllowedHosts: &AllowedHosts{Hosts: []string{".b.test"}}},
			want:     ServerOptions{AllowedHosts: &AllowedHosts{Hosts: []string{"a.test", ".b.test"}}},
		},
		{
			name:     "allowed hosts true wins",
			base:     ServerOptions{AllowedHosts: &AllowedHosts{Hosts: []string{"a.test"}}},
			override: ServerOptions{AllowedHosts: &AllowedHosts{All: true}},
			want:     ServerOptions{AllowedHosts: &AllowedHosts{All: true}},
		},
		{
			name:     "hmr false replaces, objects merge",
			base:     ServerOptions{HMR: &HMROptions{Port: 1, Overlay: Bool(false)}},
			override: ServerOptions{HMR: &HMROptions{Disabled: true}},
			want:     ServerOptions{HMR: &HMROptions{Disabled: true}},
		},
		{
			name:     "hmr objects merge",
			base:     ServerOptions{HMR: &HMROptions{Port: 1, Overlay: Bool(false)}},
			override: ServerOptions{HMR: &HMROptions{Host: "h.test"}},
			want:     ServerOptions{HMR: &HMROptions{Port: 1, Host: "h.test", Overlay: Bool(false)}},
		},
		{
			name:     "proxy rules merge by context, new ones appended",
			base:     ServerOptions{Proxy: []ProxyRule{{Context: "/api", Target: "http://a.test", ChangeOrigin: true}, {Context: "/ws", Target: "ws://w.test", WS: true}}},
			override: ServerOptions{Proxy: []ProxyRule{{Context: "/new", Target: "http://n.test"}, {Context: "/api", Target: "http://b.test", Headers: map[string]string{"X": "1"}}}},
			want: ServerOptions{Proxy: []ProxyRule{
				{Context: "/api", Target: "http://b.test", ChangeOrigin: true, Headers: map[string]string{"X": "1"}},
				{Context: "/ws", Target: "ws://w.test", WS: true},
				{Context: "/new", Target: "http://n.test"},
			}},
		},
		{
			name:     "fs and warmup lists concatenated",
			base:     ServerOptions{FS: FSOptions{Allow: []string{"a"}, Deny: []string{".env"}}, Warmup: Warmup{ClientFiles: []string{"x"}}},
			override: ServerOptions{FS: FSOptions{Strict: Bool(false), Allow: []string{"b"}}, Warmup: Warmup{ClientFiles: []string{"y"}}},
			want:     ServerOptions{FS: FSOptions{Strict: Bool(false), Allow: []string{"a", "b"}, Deny: []string{".env"}}, Warmup: Warmup{ClientFiles: []string{"x", "y"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Merge(&UserConfig{Server: tt.base}, &UserConfig{Server: tt.override})
			eqv(t, got.Server, tt.want)
		})
	}

	// A rewrite from override replaces base's; one from base survives a merge without one.
	got := Merge(
		&UserConfig{Server: ServerOptions{Proxy: []ProxyRule{{Context: "/a", Target: "http://a", Rewrite: rw}}}},
		&UserConfig{Server: ServerOptions{Proxy: []ProxyRule{{Context: "/a", ChangeOrigin: true}}}},
	)
	eq(t, got.Server.Proxy[0].Rewrite("/x"), "/rw/x")
	got = Merge(got, &UserConfig{Server: ServerOptions{Proxy: []ProxyRule{{Context: "/a", Rewrite: strings.ToUpper}}}})
	eq(t, got.Server.Proxy[0].Rewrite("/x"), "/X")

	od := Merge(&UserConfig{OptimizeDeps: OptimizeDeps{Include: []string{"a"}, Exclude: []string{"x"}}}, &UserConfig{OptimizeDeps: OptimizeDeps{Include: []string{"b"}, Force: true}})
	eqv(t, od.OptimizeDeps, OptimizeDeps{Include: []string{"a", "b"}, Exclude: []string{"x"}, Force: true})
}

func TestEncodeDecodeServerRoundTrip(t *testing.T) {
	cfgs := []*UserConfig{
		{
			Server: ServerOptions{
				Host: String("0.0.0.0"), Port: 3000, StrictPort: true, Open: "/", Origin: "http://o.test",
				Cors:         &CORSOptions{Origin: []string{"https://a.test"}, OriginRegexps: []string{`(?i)^https:\/\/(.+\.)?b\.test$`}, Methods: []string{"GET"}, AllowedHeaders: []string{"X"}, ExposedHeaders: []string{"Y"}, Credentials: true, MaxAge: 5},
				AllowedHosts: &AllowedHosts{Hosts: []string{".a.test"}},
				Headers:      map[string]string{"X-A": "1"},
				Proxy:        []ProxyRule{{Context: "/z", Target: "http://z.test", ChangeOrigin: true}, {Context: "^/a/.*", Target: "ws://a.test", WS: true, Secure: Bool(false), Headers: map[string]string{"H": "v"}}},
				HMR:          &HMROptions{Overlay: Bool(false), Protocol: "ws", Host: "h", Port: 1, ClientPort: 2, Path: "/p", Timeout: 3},
				Warmup:       Warmup{ClientFiles: []string{"a"}, SSRFiles: []string{"b"}},
				FS:           FSOptions{Strict: Bool(false), Allow: []string{".."}, Deny: []string{"*.key"}},
			},
			OptimizeDeps: OptimizeDeps{Include: []string{"a"}, Exclude: []string{"b"}, Entries: []string{"c"}, Force: true, NoDiscovery: true, Disabled: true},
		},
		{Server: ServerOptions{Cors: &CORSOptions{AllowAll: true}, AllowedHosts: &AllowedHosts{All: true}, HMR: &HMROptions{Disabled: true}, Host: String("localhost")}},
		{Server: ServerOptions{Cors: &CORSOptions{Disabled: true}, AllowedHosts: &AllowedHosts{}, HMR: &HMROptions{}}},
		{Server: ServerOptions{Cors: &CORSOptions{AllowAll: true, Credentials: true}, Proxy: []ProxyRule{}}},
	}
	for i, cfg := range cfgs {
		got, warnings, err := decodeUserConfig(encodeUserConfig(cfg))
		if err != nil || len(warnings) > 0 {
			t.Fatalf("%d: decode: %v %v", i, err, warnings)
		}
		if !reflect.DeepEqual(got, cfg) {
			t.Errorf("%d: round trip changed the config:\n got  %+v\n want %+v", i, got.Server, cfg.Server)
		}
	}
	// A Go rewrite survives the round trip.
	cfg := &UserConfig{Server: ServerOptions{Proxy: []ProxyRule{{Context: "/a", Target: "http://a", Rewrite: strings.ToUpper}}}}
	got, _, err := decodeUserConfig(encodeUserConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, got.Server.Proxy[0].Rewrite("/a"), "/A")
}

// Config hooks see server options, rewrite functions included (JS ones and Go ones), and can change them.
func TestServerOptionsThroughConfigHooks(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json": "{}",
		"vite.config.js": `export default {
  server: { port: 3000, proxy: { '/api': { target: 'http://api.test', rewrite: (p) => p.replace(/^\/api/, '') } } },
  plugins: [{
    name: 'srv',
    config(config) {
      const api = config.server.proxy['/api']
      const go = config.server.proxy['/go']
      config.server.port += 1
      config.server.cors = false
      return {
        define: { apiSeen: api.rewrite('/api/x'), goSeen: go.rewrite('/go/y') },
        server: { proxy: { '/wrapped': { target: 'http://w.test', rewrite: (p) => api.rewrite(p.replace('/wrapped', '/api')) + '!' } }, hmr: { overlay: false } },
        optimizeDeps: { include: ['from-hook'] },
      }
    },
  }],
}`,
	})
	rc := resolveIn(t, root, &UserConfig{
		Server:       ServerOptions{Proxy: []ProxyRule{{Context: "/go", Target: "http://go.test", Rewrite: func(s string) string { return strings.TrimPrefix(s, "/go") }}}},
		OptimizeDeps: OptimizeDeps{Include: []string{"inline"}},
	}, ResolveConfigOptions{Command: "serve"})
	s := rc.Server
	eq(t, s.Port, 3001)
	eqv(t, s.Cors, CORSOptions{Disabled: true})
	eq(t, *s.HMR.Overlay, false)
	eq(t, rc.Define["apiSeen"], "/x")
	eq(t, rc.Define["goSeen"], "/y")
	if len(s.Proxy) != 3 {
		t.Fatalf("proxy = %+v", s.Proxy)
	}
	eq(t, s.Proxy[0].Context, "/api")
	eq(t, s.Proxy[0].Rewrite("/api/users"), "/users")
	eq(t, s.Proxy[1].Context, "/go")
	eq(t, s.Proxy[1].Rewrite("/go/z"), "/z")
	eq(t, s.Proxy[2].Rewrite("/wrapped/q"), "/q!")
	eqv(t, rc.OptimizeDeps.Include, []string{"inline", "from-hook"})
}

func TestResolveServerOptions(t *testing.T) {
	t.Run("given values", func(t *testing.T) {
		root := writeProject(t, map[string]string{
			"package.json": "{}",
			"vite.config.js": `export default { server: {
  host: true, port: 8080, open: true, origin: 'http://dev.test:8080/',
  cors: { credentials: true }, allowedHosts: ['.example.com'],
  hmr: { port: 24678 }, fs: { strict: false, allow: ['..', '/srv/shared'], deny: ['*.secret'] },
  proxy: { '/ok': 'http://ok.test', '/bad': 'ftp://x.test', '^(?<=x)': 'http://x.test' },
}, optimizeDeps: { disabled: 'dev', exclude: ['big'] } }`,
		})
		var logs strings.Builder
		rc := resolveIn(t, root, &UserConfig{Logger: slog.New(slog.NewTextHandler(&logs, nil))}, ResolveConfigOptions{Command: "serve"})
		s := rc.Server
		eq(t, s.Host, "0.0.0.0")
		eq(t, s.Port, 8080)
		eq(t, s.Open, "/")
		eq(t, s.Origin, "http://dev.test:8080")
		eqv(t, s.Cors, CORSOptions{Credentials: true, OriginRegexps: []string{DefaultAllowedOrigins}})
		eqv(t, s.AllowedHosts, AllowedHosts{Hosts: []string{".example.com"}})
		eqv(t, s.HMR, HMROptions{Port: 24678, Overlay: Bool(true)})
		eq(t, s.FSStrict, false)
		eqv(t, s.FSAllow, []string{filepath.Dir(root), "/srv/shared"})
		eqv(t, s.FSDeny, []string{"*.secret"})
		if len(s.Proxy) != 1 || s.Proxy[0].Context != "/ok" {
			t.Errorf("proxy = %+v", s.Proxy)
		}
		eqv(t, rc.OptimizeDeps, OptimizeDeps{Disabled: true, Exclude: []string{"big"}})
		for _, w := range []string{
			`server.origin should not end with \"/\". Using \"http://dev.test:8080\" instead.`,
			`server.proxy[\"/bad\"]: target \"ftp://x.test\": the target must be an http(s):// or ws(s):// URL; the rule is ignored`,
			`server.proxy[\"^(?<=x)\"]:`,
		} {
			if !strings.Contains(logs.String(), w) {
				t.Errorf("log lacks %q:\n%s", w, logs.String())
			}
		}
	})

	t.Run("workspace root", func(t *testing.T) {
		tests := []struct {
			name  string
			files map[string]string
			root  string // the project, relative to the temp dir
			want  string
		}{
			{"pnpm workspace", map[string]string{"pnpm-workspace.yaml": "", "package.json": "{}", "packages/app/package.json": "{}"}, "packages/app", "."},
			{"lerna", map[string]string{"lerna.json": "{}", "packages/app/package.json": "{}"}, "packages/app", "."},
			{"package.json workspaces", map[string]string{"package.json": `{"workspaces": ["packages/*"]}`, "packages/app/package.json": "{}"}, "packages/app", "."},
			{"package.json without workspaces: nearest package", map[string]string{"package.json": `{"name": "top"}`, "packages/app/package.json": "{}", "packages/app/src/x": ""}, "packages/app/src", "packages/app"},
			{"empty workspaces do not count", map[string]string{"package.json": `{"workspaces": null}`, "app/package.json": "{}"}, "app", "app"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dir := writeProject(t, tt.files)
				root := filepath.Join(dir, tt.root)
				rc := resolveIn(t, root, nil, ResolveConfigOptions{Command: "serve"})
				eqv(t, rc.Server.FSAllow, []string{filepath.Join(dir, tt.want)})
				eq(t, SearchForWorkspaceRoot(root), filepath.Join(dir, tt.want))
			})
		}
	})

	t.Run("searchForWorkspaceRoot in a config file", func(t *testing.T) {
		dir := writeProject(t, map[string]string{
			"pnpm-workspace.yaml": "",
			"app/vite.config.js": `import { searchForWorkspaceRoot } from 'vite'
export default { server: { fs: { allow: [searchForWorkspaceRoot(process.cwd()), 'extra'] } } }`,
		})
		root := filepath.Join(dir, "app")
		t.Chdir(root)
		rc := resolveIn(t, root, nil, ResolveConfigOptions{Command: "serve"})
		eqv(t, rc.Server.FSAllow, []string{dir, filepath.Join(root, "extra")})
	})

	t.Run("configResolved sees the resolved server", func(t *testing.T) {
		root := writeProject(t, map[string]string{"vite.config.js": `export default {
  server: { port: 4000 },
  plugins: [{ name: 'p', configResolved(rc) {
    const s = rc.server
    if (s.port !== 4000 || s.host !== 'localhost' || !s.fs.strict || !(s.cors.origin[0] instanceof RegExp) || !s.cors.origin[0].test('http://localhost:3000') || s.hmr.overlay !== true)
      throw new Error('unexpected server: ' + JSON.stringify(s))
  } }],
}`})
		rc := resolveIn(t, root, nil, ResolveConfigOptions{Command: "serve"})
		tree := resolvedConfigTree(rc)
		srv := tree.get("server").(*jsObject)
		eq(t, srv.get("port"), float64(4000))
		eq(t, srv.get("host"), "localhost")
		eq(t, srv.get("fs").(*jsObject).get("strict"), true)
	})

	t.Run("resolve does not share slices with the user config", func(t *testing.T) {
		root := writeProject(t, nil)
		inline := &UserConfig{Server: ServerOptions{FS: FSOptions{Deny: []string{"a"}}}}
		rc, err := Resolve(context.Background(), &UserConfig{Root: root, Logger: slog.New(slog.DiscardHandler), Server: inline.Server}, ResolveConfigOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rc.Server.FSDeny[0] = "changed"
		eq(t, inline.Server.FS.Deny[0], "a")
		rc2 := resolveIn(t, root, nil, ResolveConfigOptions{})
		rc2.Server.FSDeny[0] = "changed"
		eq(t, DefaultFSDeny[0], ".env")
	})
}
