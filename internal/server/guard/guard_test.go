package guard

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/govite/govite/internal/config"
)

// ---- server.fs and request URLs: the dev server's file serving, end to end ----

// secrets are the contents of files that must never be served; each is unique so a response body can be
// searched for it.
var secrets = map[string]string{
	"proj/.env":        "TOKEN-dotenv-7f3a",
	"proj/.env.local":  "TOKEN-dotenv-local-91c2",
	"proj/sub/.env":    "TOKEN-sub-dotenv-4b8e",
	"proj/cert.pem":    "TOKEN-cert-pem-0d17",
	"proj/server.key":  "TOKEN-server-key-6e55",
	"proj/.git/config": "TOKEN-git-config-2a90",
	"proj/.ENV":        "TOKEN-upper-dotenv-c3f1",
	"proj/.npmrc":      "TOKEN-npmrc-83aa",
	"outside/secret":   "TOKEN-outside-5d4c",
	"ws/sibling/file":  "TOKEN-sibling-e021",
}

const mainJS = "export const main = 'MAIN-CONTENT'"

// project lays out a workspace in a temp dir: dir/proj is the root and the only allowed directory.
func project(t *testing.T) (dir, root string) {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"proj/src/main.js": mainJS, "proj/index.html": "<html>INDEX</html>"}
	for k, v := range secrets {
		files[k] = v
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root = filepath.Join(dir, "proj")
	// Symbolic links inside the root that point at a file outside it and at a denied file.
	for link, target := range map[string]string{"link-out.txt": "../outside/secret", "link-env.txt": ".env", "linkdir": "../outside"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	return dir, root
}

// fileServer serves files the way the dev server does: clean the URL as received (r.RequestURI, so a
// raw "#" is seen), map /@fs/ to an absolute path
// and anything else to the root, check server.fs, then read the file (whatever the query).
func fileServer(fsg *FS, root string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, q, err := CleanURLPath(r.RequestURI, "")
		if err != nil {
			http.Error(w, err.Error(), Status(err))
			return
		}
		file := filepath.Join(root, filepath.FromSlash(p))
		if rest, ok := strings.CutPrefix(p, "/@fs/"); ok {
			file = filepath.FromSlash("/" + rest)
		}
		if err := fsg.Check(file); err != nil {
			http.Error(w, err.Error(), Status(err))
			return
		}
		data, err := os.ReadFile(file)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if q.Has("raw") || q.Has("url") || q.Has("inline") {
			w.Header().Set("X-Query", "special")
		}
		_, _ = w.Write(data)
	})
}

// rawGet sends target as the request line as is (no client-side cleaning) and returns the response.
func rawGet(t *testing.T, srv *httptest.Server, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var querySuffixes = []string{"", "?raw", "?import", "?inline", "?url", "?raw??", "?import&raw", "?raw&foo", "?t=123&raw"}

func TestFileServingRefusesTraversalAndDeniedFiles(t *testing.T) {
	dir, root := project(t)
	fsg := &FS{Root: root, Strict: true, Allow: []string{root}, Deny: config.DefaultFSDeny}
	srv := httptest.NewServer(fileServer(fsg, root))
	defer srv.Close()
	fsURL := "/@fs" + filepath.ToSlash(root)
	outside := filepath.ToSlash(filepath.Join(dir, "outside", "secret"))

	refused := []string{
		// Traversal above the root, plain and encoded.
		"/../outside/secret",
		"/../../outside/secret",
		"/%2e%2e/outside/secret",
		"/%2E%2E/%2e%2e/outside/secret",
		"/.%2e/outside/secret",
		"/src/../../outside/secret",
		"/src/%2e%2e/%2e%2e/outside/secret",
		"/..%2Foutside%2Fsecret",
		"/..%2foutside/secret",
		"/..%252Foutside%252Fsecret",
		"/%252e%252e/outside/secret",
		"/..%5Coutside%5Csecret",
		"/..%5c..%5coutside/secret",
		"/src/..%5C..%5C..%5Coutside/secret",
		"/..%255Coutside/secret",
		"/..\\outside\\secret",
		// /@fs/ outside the allow list.
		"/@fs" + outside,
		"/@fs" + strings.ReplaceAll(outside, "/", "%2F"),
		fsURL + "/../outside/secret",
		fsURL + "/%2e%2e/outside/secret",
		fsURL + "/../ws/sibling/file",
		"/@fs" + filepath.ToSlash(filepath.Join(dir, "ws", "sibling", "file")),
		// Denied files, in the root, below it, by /@fs/, in other spellings.
		"/.env",
		"/.env.local",
		"/sub/.env",
		"/cert.pem",
		"/server.key",
		"/.git/config",
		"/.ENV",
		"/.npmrc",
		"/%2eenv",
		"/%2e%65%6e%76",
		"//.env",
		"/./.env",
		"/src/../.env",
		"/src/%2e%2e/.env",
		"/sub/./.env",
		"/.env%00.js",
		"/.env%2500.js",
		"/.env#.js",
		fsURL + "/.env",
		fsURL + "/sub/.env",
		fsURL + "/.git/config",
		fsURL + "/cert.pem",
		// Symbolic links to a file outside and to a denied file.
		"/link-out.txt",
		"/link-env.txt",
		"/linkdir/secret",
		fsURL + "/link-out.txt",
		// Malformed.
		"/%zz/.env",
		"/%",
	}
	for _, base := range refused {
		for _, suffix := range querySuffixes {
			target := base + suffix
			t.Run(target, func(t *testing.T) {
				status, body := rawGet(t, srv, target)
				for name, secret := range secrets {
					if strings.Contains(body, secret) {
						t.Fatalf("GET %s (%d) leaked %s:\n%s", target, status, name, body)
					}
				}
				if status != http.StatusForbidden && status != http.StatusBadRequest {
					t.Errorf("GET %s = %d, want 403 or 400; body:\n%s", target, status, body)
				}
			})
		}
	}

	// The same machinery serves what it should, whatever the query.
	for _, base := range []string{"/src/main.js", "/src/./main.js", "/sub/../src/main.js", "/%73rc/main.js", fsURL + "/src/main.js"} {
		for _, suffix := range querySuffixes {
			status, body := rawGet(t, srv, base+suffix)
			if status != http.StatusOK || body != mainJS {
				t.Errorf("GET %s = %d %q, want the file", base+suffix, status, body)
			}
		}
	}
}

func TestCleanURLPath(t *testing.T) {
	tests := []struct {
		raw, query string
		want       string
		wantQuery  url.Values
		err        error
	}{
		{raw: "/src/main.ts", want: "/src/main.ts", wantQuery: url.Values{}},
		{raw: "/src/main.ts", query: "raw", want: "/src/main.ts", wantQuery: url.Values{"raw": {""}}},
		{raw: "/src/main.ts", query: "raw??", want: "/src/main.ts", wantQuery: url.Values{"raw": {""}}},
		{raw: "/src/main.ts", query: "import&raw", want: "/src/main.ts", wantQuery: url.Values{"import": {""}, "raw": {""}}},
		{raw: "/src/main.ts?import", query: "t=1", want: "/src/main.ts", wantQuery: url.Values{"import": {""}, "t": {"1"}}},
		{raw: "/a%20b/c.js", want: "/a b/c.js", wantQuery: url.Values{}},
		{raw: "/100%25.png", want: "/100%.png", wantQuery: url.Values{}},
		{raw: "/a//b/./c/../d.js", want: "/a/b/d.js", wantQuery: url.Values{}},
		{raw: "/dir/", want: "/dir/", wantQuery: url.Values{}},
		{raw: "/", want: "/", wantQuery: url.Values{}},
		{raw: "/a/..", want: "/", wantQuery: url.Values{}},
		{raw: "/@fs/home/u/p/x.js", want: "/@fs/home/u/p/x.js", wantQuery: url.Values{}},
		{raw: "/x.js", query: "v=a%20b&w", want: "/x.js", wantQuery: url.Values{"v": {"a b"}, "w": {""}}},
		{raw: "/..", err: ErrForbiddenURL},
		{raw: "/../x", err: ErrForbiddenURL},
		{raw: "/a/../../x", err: ErrForbiddenURL},
		{raw: "/%2e%2e/x", err: ErrForbiddenURL},
		{raw: "/a%2Fb", err: ErrForbiddenURL},
		{raw: "/a%2fb", err: ErrForbiddenURL},
		{raw: "/a%5Cb", err: ErrForbiddenURL},
		{raw: "/a%252Fb", err: ErrForbiddenURL},
		{raw: "/a%255cb", err: ErrForbiddenURL},
		{raw: "/%252e%252e/x", err: ErrForbiddenURL},
		{raw: "/a%2525b", err: ErrForbiddenURL},
		{raw: "/a\\b", err: ErrForbiddenURL},
		{raw: "/a%00b", err: ErrBadURL},
		{raw: "/a\x00b", err: ErrBadURL},
		{raw: "/a%zzb", err: ErrBadURL},
		{raw: "/a%", err: ErrBadURL},
		{raw: "/a#b", err: ErrBadURL},
		{raw: "a/b", err: ErrBadURL},
		{raw: "", err: ErrBadURL},
		{raw: "/x.js", query: "a=%zz", err: ErrBadURL},
	}
	for _, tt := range tests {
		t.Run(tt.raw+"?"+tt.query, func(t *testing.T) {
			got, q, err := CleanURLPath(tt.raw, tt.query)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				want := map[error]int{ErrBadURL: 400, ErrForbiddenURL: 403}[tt.err]
				if Status(err) != want {
					t.Errorf("status = %d, want %d", Status(err), want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("path = %q, want %q", got, tt.want)
			}
			if fmt.Sprint(q) != fmt.Sprint(tt.wantQuery) {
				t.Errorf("query = %v, want %v", q, tt.wantQuery)
			}
		})
	}
}

func TestFSCheck(t *testing.T) {
	dir, root := project(t)
	other := filepath.Join(dir, "ws", "sibling")
	tests := []struct {
		name string
		fs   *FS
		path string
		err  error
	}{
		{"allowed file", &FS{Strict: true, Allow: []string{root}}, filepath.Join(root, "src", "main.js"), nil},
		{"allowed dir itself", &FS{Strict: true, Allow: []string{root}}, root, nil},
		{"outside", &FS{Strict: true, Allow: []string{root}}, filepath.Join(dir, "outside", "secret"), ErrOutsideAllow},
		{"prefix is not a parent", &FS{Strict: true, Allow: []string{root}}, root + "-other/x", ErrOutsideAllow},
		{"allow a single file", &FS{Strict: true, Allow: []string{filepath.Join(other, "file")}}, filepath.Join(other, "file"), nil},
		{"not strict serves outside", &FS{Strict: false, Allow: []string{root}}, filepath.Join(dir, "outside", "secret"), nil},
		{"not strict still denies", &FS{Strict: false, Deny: config.DefaultFSDeny}, filepath.Join(root, ".env"), ErrDenied},
		{"symlink out", &FS{Strict: true, Allow: []string{root}}, filepath.Join(root, "link-out.txt"), ErrOutsideAllow},
		{"symlink to denied", &FS{Strict: true, Allow: []string{root}, Deny: config.DefaultFSDeny}, filepath.Join(root, "link-env.txt"), ErrDenied},
		{"colon in strict mode", &FS{Strict: true, Allow: []string{root}}, filepath.Join(root, "x.js:stream"), ErrOutsideAllow},
		{"relative path", &FS{Strict: true, Allow: []string{root}}, "src/main.js", ErrForbiddenURL},
		{"unclean path", &FS{Strict: true, Allow: []string{root}}, root + "/src/../../outside/secret", ErrOutsideAllow},
	}
	denyTests := []struct {
		pattern string
		path    string // relative to root
		denied  bool
	}{
		{".env", ".env", true},
		{".env", "deep/er/.env", true},
		{".env", ".ENV", true},
		{".env", ".env.local", false},
		{".env", "env", false},
		{".env.*", ".env.production.local", true},
		{".env.*", "sub/.Env.Local", true},
		{".env.*", ".envrc", false},
		{"*.{crt,pem,key,p12,pfx,cer,der}", "certs/site.PEM", true},
		{"*.{crt,pem,key,p12,pfx,cer,der}", "a.crt", true},
		{"*.{crt,pem,key,p12,pfx,cer,der}", ".hidden.key", true},
		{"*.{crt,pem,key,p12,pfx,cer,der}", "a.pem.js", false},
		{"**/.git/**", ".git/config", true},
		{"**/.git/**", "pkg/.git/objects/ab/cd", true},
		{"**/.git/**", ".github/workflows/ci.yml", false},
		{"secret/**", "secret/a/b.txt", true},
		{"secret/**", "src/secret/a.txt", false},
		{"**/secret/**", "src/secret/a.txt", true},
		{"*.{log,tmp/**}", "y.log", true},
		{"*.{log,tmp/**}", "x/y.log", false}, // the pattern has a "/": it is not matched at any depth
		{"src/*.{a,b{c,d}}", "src/x.bd", true},
		{"src/*.{a,b{c,d}}", "src/x.b", false},
		{"file?.txt", "file1.txt", true},
		{"file?.txt", "file12.txt", false},
		{"[ab].js", "sub/b.js", true},
		{"[ab].js", "sub/c.js", false},
	}
	for _, tt := range denyTests {
		tests = append(tests, struct {
			name string
			fs   *FS
			path string
			err  error
		}{
			name: fmt.Sprintf("deny %s %s", tt.pattern, tt.path),
			fs:   &FS{Root: root, Strict: true, Allow: []string{root}, Deny: []string{tt.pattern}},
			path: filepath.Join(root, filepath.FromSlash(tt.path)),
			err:  map[bool]error{true: ErrDenied, false: nil}[tt.denied],
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.fs.Check(tt.path)
			if tt.err == nil {
				if err != nil {
					t.Fatalf("Check(%s) = %v", tt.path, err)
				}
				return
			}
			if !errors.Is(err, tt.err) || Status(err) != http.StatusForbidden {
				t.Fatalf("Check(%s) = %v, want %v", tt.path, err, tt.err)
			}
		})
	}

	// The message names the file and the allow list, as Vite's does.
	err := (&FS{Strict: true, Allow: []string{root}}).Check(filepath.Join(dir, "outside", "secret"))
	want := fmt.Sprintf("The request url %q is outside of Vite serving allow list.\n\n- %s\n", filepath.Join(dir, "outside", "secret"), root)
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "server-fs-allow") {
		t.Errorf("message = %v", err)
	}
	// NewFS reads a resolved config.
	f := NewFS(root, config.ResolvedServerOptions{FSStrict: true, FSAllow: []string{root}, FSDeny: config.DefaultFSDeny})
	if err := f.Check(filepath.Join(root, ".env")); !errors.Is(err, ErrDenied) {
		t.Errorf("NewFS: %v", err)
	}
}

func TestExpandBraces(t *testing.T) {
	tests := map[string][]string{
		"a":           {"a"},
		"*.{a,b}":     {"*.a", "*.b"},
		"{a,b}{c,d}":  {"ac", "bc", "ad", "bd"},
		"x{a,{b,c}}y": {"xay", "xby", "xcy"},
		"{a,b":        {"{a,b"},
		"{a/**,b}/x":  {"a/**/x", "b/x"},
		"p{,.min}.js": {"p.js", "p.min.js"},
	}
	for in, want := range tests {
		got := expandBraces(in)
		if !slices.Equal(got, want) {
			t.Errorf("expandBraces(%q) = %q, want %q", in, got, want)
		}
	}
}

// ---- Host header ----

func TestHostAllowed(t *testing.T) {
	allowed := []string{".example.com", "dev.test"}
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"localhost:5173", true},
		{"LOCALHOST:5173", true},
		{"foo.localhost", true},
		{"a.b.localhost:3000", true},
		{"127.0.0.1", true},
		{"127.0.0.1:5173", true},
		{"192.168.1.20:5173", true},
		{"[::1]", true},
		{"[::1]:5173", true},
		{"[fe80::1]:80", true},
		{"", true},
		{"evil.com", false},
		{"evil.com:5173", false},
		{"localhost.evil.com", false},
		{"evillocalhost", false},
		{"127.0.0.1.evil.com", false},
		{"[::1", false},
		{"[evil.com]:80", false},
		{"example.com", true},
		{"example.com:443", true},
		{"api.example.com", true},
		{"a.b.Example.com", true},
		{"notexample.com", false},
		{"example.com.evil.com", false},
		{"dev.test", true},
		{"sub.dev.test", false},
		{"file://whatever", true},
		{"chrome-extension:abc", true},
	}
	for _, tt := range tests {
		if got := HostAllowed(tt.host, allowed, false); got != tt.want {
			t.Errorf("HostAllowed(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
	if !HostAllowed("evil.com", nil, true) {
		t.Error("allowAll does not allow")
	}
	if HostAllowed("evil.com", nil, false) {
		t.Error("evil.com allowed without a list")
	}
}

func TestHostCheck(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "OK") })
	h := HostCheck(config.AllowedHosts{Hosts: []string{".example.com"}}, []string{"http://origin.test:8080", "hmr.test", ""}, next)
	tests := []struct {
		host   string
		status int
		body   string
	}{
		{"localhost:5173", 200, "OK"},
		{"127.0.0.1:5173", 200, "OK"},
		{"[::1]:5173", 200, "OK"},
		{"foo.localhost:5173", 200, "OK"},
		{"app.example.com", 200, "OK"},
		{"origin.test:8080", 200, "OK"},
		{"hmr.test", 200, "OK"},
		{"evil.com:5173", 403, "Blocked request. This host (\"evil.com\") is not allowed.\nTo allow this host, add \"evil.com\" to `server.allowedHosts` in vite.config.js."},
		{"localhost.evil.com", 403, `Blocked request. This host ("localhost.evil.com") is not allowed.`},
		{"<script>.com", 403, `\u003cscript\u003e.com`},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = tt.host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.body) {
			t.Errorf("Host %s: %d %q, want %d %q", tt.host, w.Code, w.Body.String(), tt.status, tt.body)
		}
		if tt.status == 403 && !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
			t.Errorf("Host %s: content type %q", tt.host, w.Header().Get("Content-Type"))
		}
	}
	all := HostCheck(config.AllowedHosts{All: true}, nil, next)
	r := httptest.NewRequest("GET", "/", nil)
	r.Host = "evil.com"
	w := httptest.NewRecorder()
	all.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Errorf("allowedHosts: true blocked: %d", w.Code)
	}
}

// ---- CORS ----

func TestCORS(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "BODY") })
	type want struct {
		status       int
		allowOrigin  string
		allowMethods string
		allowHeaders string
		credentials  string
		body         string
	}
	tests := []struct {
		name   string
		opts   config.CORSOptions
		method string
		origin string
		reqHdr string
		want   want
	}{
		{"default: localhost allowed", config.CORSOptions{}, "GET", "http://localhost:3000", "", want{status: 200, allowOrigin: "http://localhost:3000", body: "BODY"}},
		{"default: https localhost", config.CORSOptions{}, "GET", "https://localhost", "", want{status: 200, allowOrigin: "https://localhost", body: "BODY"}},
		{"default: subdomain of localhost", config.CORSOptions{}, "GET", "http://app.localhost:5173", "", want{status: 200, allowOrigin: "http://app.localhost:5173", body: "BODY"}},
		{"default: 127.0.0.1", config.CORSOptions{}, "GET", "http://127.0.0.1:8080", "", want{status: 200, allowOrigin: "http://127.0.0.1:8080", body: "BODY"}},
		{"default: [::1]", config.CORSOptions{}, "GET", "http://[::1]:8080", "", want{status: 200, allowOrigin: "http://[::1]:8080", body: "BODY"}},
		{"default: evil.com denied, request goes on", config.CORSOptions{}, "GET", "http://evil.com", "", want{status: 200, body: "BODY"}},
		{"default: localhost.evil.com denied", config.CORSOptions{}, "GET", "http://localhost.evil.com", "", want{status: 200, body: "BODY"}},
		{"default: localhost as a path denied", config.CORSOptions{}, "GET", "http://evil.com/localhost", "", want{status: 200, body: "BODY"}},
		{"default: no origin", config.CORSOptions{}, "GET", "", "", want{status: 200, body: "BODY"}},
		{"resolved default", config.CORSOptions{OriginRegexps: []string{config.DefaultAllowedOrigins}}, "GET", "http://evil.com", "", want{status: 200, body: "BODY"}},
		{"preflight allowed", config.CORSOptions{}, "OPTIONS", "http://localhost:3000", "X-Custom, Content-Type",
			want{status: 204, allowOrigin: "http://localhost:3000", allowMethods: DefaultCORSMethods, allowHeaders: "X-Custom, Content-Type"}},
		{"preflight denied", config.CORSOptions{}, "OPTIONS", "http://evil.com", "X-Custom", want{status: 204}},
		{"AllowAll reflects", config.CORSOptions{AllowAll: true}, "GET", "http://evil.com", "", want{status: 200, allowOrigin: "http://evil.com", body: "BODY"}},
		{"AllowAll preflight", config.CORSOptions{AllowAll: true}, "OPTIONS", "https://x.test", "", want{status: 204, allowOrigin: "https://x.test", allowMethods: DefaultCORSMethods}},
		{"list: exact origin", config.CORSOptions{Origin: []string{"https://app.test"}}, "GET", "https://app.test", "", want{status: 200, allowOrigin: "https://app.test", body: "BODY"}},
		{"list: replaces the default", config.CORSOptions{Origin: []string{"https://app.test"}}, "GET", "http://localhost:3000", "", want{status: 200, body: "BODY"}},
		{"list: no prefix match", config.CORSOptions{Origin: []string{"https://app.test"}}, "GET", "https://app.test.evil.com", "", want{status: 200, body: "BODY"}},
		{"regexp", config.CORSOptions{OriginRegexps: []string{`^https://(.+\.)?example\.com$`}}, "GET", "https://a.example.com", "", want{status: 200, allowOrigin: "https://a.example.com", body: "BODY"}},
		{"options", config.CORSOptions{Origin: []string{"https://app.test"}, Methods: []string{"GET", "POST"}, AllowedHeaders: []string{"X-A", "X-B"}, Credentials: true, MaxAge: 60},
			"OPTIONS", "https://app.test", "X-Other", want{status: 204, allowOrigin: "https://app.test", allowMethods: "GET,POST", allowHeaders: "X-A,X-B", credentials: "true"}},
		{"disabled", config.CORSOptions{Disabled: true}, "GET", "http://localhost:3000", "", want{status: 200, body: "BODY"}},
		{"disabled: OPTIONS goes on", config.CORSOptions{Disabled: true}, "OPTIONS", "http://localhost:3000", "", want{status: 200, body: "BODY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/src/main.js", nil)
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			if tt.reqHdr != "" {
				r.Header.Set("Access-Control-Request-Method", "POST")
				r.Header.Set("Access-Control-Request-Headers", tt.reqHdr)
			}
			w := httptest.NewRecorder()
			CORS(tt.opts, next).ServeHTTP(w, r)
			h := w.Header()
			got := want{
				status: w.Code, allowOrigin: h.Get("Access-Control-Allow-Origin"), allowMethods: h.Get("Access-Control-Allow-Methods"),
				allowHeaders: h.Get("Access-Control-Allow-Headers"), credentials: h.Get("Access-Control-Allow-Credentials"), body: w.Body.String(),
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if !tt.opts.Disabled && !slices.Contains(h.Values("Vary"), "Origin") {
				t.Errorf("Vary = %q", h.Values("Vary"))
			}
			if tt.opts.Disabled && len(h) != 0 && h.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("disabled CORS set headers: %v", h)
			}
			if tt.name == "options" && h.Get("Access-Control-Max-Age") != "60" {
				t.Errorf("max age = %q", h.Get("Access-Control-Max-Age"))
			}
		})
	}
}

// ---- WebSocket token ----

func TestWSTokenValid(t *testing.T) {
	tests := []struct {
		target, token string
		want          bool
	}{
		{"/?token=abc123", "abc123", true},
		{"/?token=abc124", "abc123", false},
		{"/?token=abc", "abc123", false},
		{"/?token=abc1234", "abc123", false},
		{"/", "abc123", false},
		{"/?token=", "abc123", false},
		{"/?token=", "", false},
		{"/?other=abc123", "abc123", false},
		{"/?token=a%2Bb", "a+b", true},
		{"/?token=ABC123", "abc123", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", tt.target, nil)
		if got := WSTokenValid(r, tt.token); got != tt.want {
			t.Errorf("WSTokenValid(%s, %q) = %v, want %v", tt.target, tt.token, got, tt.want)
		}
	}
}

// ---- server.proxy ----

// backend echoes what it received.
func backend() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "method=%s uri=%s host=%s x-proxied=%s", r.Method, r.URL.RequestURI(), r.Host, r.Header.Get("X-Proxied"))
	})
}

func TestProxyHTTP(t *testing.T) {
	be := httptest.NewServer(backend())
	defer be.Close()
	beHost := strings.TrimPrefix(be.URL, "http://")
	tlsBE := httptest.NewUnstartedServer(backend())
	tlsBE.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake of /tls-secure
	tlsBE.StartTLS()
	defer tlsBE.Close()
	closed := httptest.NewServer(nil)
	closedURL := closed.URL
	closed.Close()

	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	rules := []config.ProxyRule{
		{Context: "/api/v2", Target: be.URL + "/v2", ChangeOrigin: true},
		{Context: "/api", Target: be.URL, ChangeOrigin: true, Rewrite: func(p string) string { return strings.TrimPrefix(p, "/api") }},
		{Context: `^/re/\d+$`, Target: be.URL + "/base", Headers: map[string]string{"X-Proxied": "yes"}},
		{Context: "/keep", Target: be.URL},
		{Context: "/down", Target: closedURL},
		{Context: "/tls-insecure", Target: tlsBE.URL, Secure: config.Bool(false), ChangeOrigin: true},
		{Context: "/tls-secure", Target: tlsBE.URL, ChangeOrigin: true},
		{Context: "/bad", Target: "ftp://x.test"},
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "NEXT "+r.URL.RequestURI()) })
	front := httptest.NewServer(Proxy(rules, logger, next, nil))
	defer front.Close()

	tests := []struct {
		path, host string
		status     int
		body       string
	}{
		{"/api/users?id=1", "", 200, "method=GET uri=/users?id=1 host=" + beHost + " x-proxied="},
		{"/api", "", 200, "method=GET uri=/ host=" + beHost},
		{"/api/v2/items", "", 200, "uri=/v2/api/v2/items host=" + beHost},
		{"/re/42", "front.test", 200, "uri=/base/re/42 host=front.test x-proxied=yes"},
		{"/re/42/x", "", 200, "NEXT /re/42/x"},
		{"/keep/a?b=c", "front.test:5173", 200, "uri=/keep/a?b=c host=front.test:5173"},
		{"/other", "", 200, "NEXT /other"},
		{"/tls-insecure/x", "", 200, "uri=/tls-insecure/x"},
		{"/tls-secure/x", "", 502, "http proxy error: /tls-secure/x could not be proxied to " + tlsBE.URL},
		{"/down/x", "", 502, "http proxy error: /down/x could not be proxied to " + closedURL},
		{"/bad", "", 200, "NEXT /bad"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			req, _ := http.NewRequest("GET", front.URL+tt.path, nil)
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.body) {
				t.Errorf("GET %s = %d %q, want %d containing %q", tt.path, resp.StatusCode, body, tt.status, tt.body)
			}
		})
	}
	for _, w := range []string{"http proxy error", "url=/down/x", "target=" + closedURL, "server.proxy rule ignored", "context=/bad"} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("log lacks %q:\n%s", w, logs.String())
		}
	}
	// No rules: next itself.
	if h := Proxy(nil, nil, next, nil); fmt.Sprintf("%p", h) != fmt.Sprintf("%p", next) {
		t.Error("Proxy without rules wraps next")
	}
}

func TestProxyWebSocket(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.RequestURI()+" host="+r.Host)
		mu.Unlock()
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, msg, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, append([]byte("echo:"), msg...)); err != nil {
				return
			}
		}
	}))
	defer echo.Close()
	wsTarget := "ws://" + strings.TrimPrefix(echo.URL, "http://")

	rules := []config.ProxyRule{
		{Context: "/socket", Target: echo.URL, WS: true, ChangeOrigin: true, Rewrite: func(p string) string { return strings.Replace(p, "/socket", "/echo", 1) }},
		{Context: "/wsurl", Target: wsTarget},
		{Context: "/http-only", Target: echo.URL},
	}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "NEXT", http.StatusTeapot)
	})
	front := httptest.NewServer(Proxy(rules, slog.New(slog.DiscardHandler), next, nil))
	defer front.Close()
	frontWS := "ws://" + strings.TrimPrefix(front.URL, "http://")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct{ path, wantPath string }{
		{"/socket/room?id=7", "/echo/room?id=7"},
		{"/wsurl/x", "/wsurl/x"},
	} {
		c, _, err := websocket.Dial(ctx, frontWS+tc.path, nil)
		if err != nil {
			t.Fatalf("dial %s: %v", tc.path, err)
		}
		for _, m := range []string{"hello", "world"} {
			if err := c.Write(ctx, websocket.MessageText, []byte(m)); err != nil {
				t.Fatal(err)
			}
			_, got, err := c.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "echo:"+m {
				t.Errorf("%s: got %q", tc.path, got)
			}
		}
		c.Close(websocket.StatusNormalClosure, "")
		mu.Lock()
		last := paths[len(paths)-1]
		mu.Unlock()
		if !strings.HasPrefix(last, tc.wantPath+" ") {
			t.Errorf("backend saw %q, want %q", last, tc.wantPath)
		}
	}

	// An upgrade that matches a rule without ws goes on to next (the HMR socket, say).
	_, resp, err := websocket.Dial(ctx, frontWS+"/http-only/x", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusTeapot {
		t.Errorf("upgrade on an HTTP-only rule: err %v, resp %v", err, resp)
	}
}

// syncBuffer is a strings.Builder safe for concurrent writers (slog from server goroutines).
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestFileOrExtensionProtocol: Vite lets in the Host headers /^(?:file|.+-extension):/i matches.
func TestFileOrExtensionProtocol(t *testing.T) {
	for host, want := range map[string]bool{
		"file:":                    true,
		"FILE://x":                 true,
		"chrome-extension:abc":     true,
		"Moz-Extension:abc":        true,
		"a:b-extension:x":          true,
		"-extension:x":             false,
		"localhost:5173":           false,
		"evil.com":                 false,
		"files:x":                  false,
		"my-extension.example.com": false,
	} {
		if got := fileOrExtensionProtocol(host); got != want {
			t.Errorf("fileOrExtensionProtocol(%q) = %v, want %v", host, got, want)
		}
	}
}
