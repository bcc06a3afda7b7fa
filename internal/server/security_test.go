package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
)

// rawGet sends a request line as written (no client-side cleaning of "..", "%2e" and the like).
func rawGet(t *testing.T, ts *httptest.Server, target string, headers ...string) (int, string) {
	t.Helper()
	u, _ := url.Parse(ts.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	host := u.Host
	extra := ""
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			host = headers[i+1]
			continue
		}
		extra += headers[i] + ": " + headers[i+1] + "\r\n"
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n%sConnection: close\r\n\r\n", target, host, extra)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func TestSecurityNeverServesProtectedFiles(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("OUTSIDE-SECRET"), 0o644)
	os.WriteFile(filepath.Join(outside, "page.html"), []byte("<script type=module>OUTSIDE-SECRET</script>"), 0o644)
	root := writeProject(t, map[string]string{
		"package.json": `{"name": "p"}`,
		"index.html":   "<html><body>ok</body></html>",
		".env":         "VITE_X=ENV-SECRET",
		".env.local":   "X=ENV-SECRET",
		"sub/.env":     "X=ENV-SECRET",
		"cert.pem":     "PEM-SECRET",
		"key.crt":      "CRT-SECRET",
		".git/config":  "GIT-SECRET",
		"src/main.js":  "export default 1\n",
	})
	_, ts := newTestServer(t, root, nil)
	rootSlash := filepath.ToSlash(root)
	out := filepath.ToSlash(outside)
	paths := []string{
		"/.env", "/.env.local", "/sub/.env", "/cert.pem", "/key.crt", "/.git/config", "/.ENV",
		"/@fs" + out + "/secret.txt", "/@fs" + out + "/page.html", "/@fs" + out + "/page.html?html-proxy&index=0.js",
		"/@fs" + rootSlash + "/.env",
		"/src/../.env", "/src/%2e%2e/.env", "/src/..%2f.env", "/src/..%5c.env", "/src%2f..%2f.env", "/src/%252e%252e/.env",
		"/@fs" + rootSlash + "/../" + filepath.Base(outside) + "/secret.txt",
		"/@fs" + rootSlash + "/%2e%2e/" + filepath.Base(outside) + "/secret.txt",
	}
	suffixes := []string{"", "?raw", "?import", "?inline", "?url", "?raw??", "?import&raw", "?raw&import", "?direct"}
	secrets := []string{"ENV-SECRET", "PEM-SECRET", "CRT-SECRET", "GIT-SECRET", "OUTSIDE-SECRET"}
	for _, p := range paths {
		for _, s := range suffixes {
			code, body := rawGet(t, ts, p+s)
			for _, secret := range secrets {
				if strings.Contains(body, secret) {
					t.Errorf("GET %s%s returned protected content (%d): %q", p, s, code, body)
				}
			}
			// A path that names no file (/.ENV on a case-sensitive file system) gets the SPA's
			// index.html, as in Vite (the request has no Accept header): the app's page, no file.
			if code == 200 && strings.Contains(body, "<body>ok</body>") {
				continue
			}
			if code != 403 && code != 400 && code != 404 {
				t.Errorf("GET %s%s = %d, want 403 (or 400/404)", p, s, code)
			}
		}
	}
	// Allowed files are still served.
	if code, body := rawGet(t, ts, "/src/main.js?raw"); code != 200 || !strings.Contains(body, "export default 1") {
		t.Errorf("allowed file: %d %q", code, body)
	}
}

func TestSecurityHostCORSAndToken(t *testing.T) {
	root := writeProject(t, map[string]string{"index.html": "<html></html>", "src/a.js": "export default 1\n"})
	s, ts := newTestServer(t, root, nil)
	if code, body := rawGet(t, ts, "/src/a.js", "Host", "evil.example.com"); code != 403 || strings.Contains(body, "export default") {
		t.Errorf("foreign Host header: %d %q", code, body)
	}
	for _, h := range []string{"localhost:5173", "127.0.0.1:5173", "[::1]:5173", "app.localhost"} {
		if code, _ := rawGet(t, ts, "/src/a.js", "Host", h); code != 200 {
			t.Errorf("Host %s: %d, want 200", h, code)
		}
	}
	check := func(origin string, allowed bool) {
		req, _ := http.NewRequest("GET", ts.URL+"/src/a.js", nil)
		req.Header.Set("Origin", origin)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		got := res.Header.Get("Access-Control-Allow-Origin")
		if allowed && got != origin || !allowed && got != "" {
			t.Errorf("Origin %s: Access-Control-Allow-Origin %q", origin, got)
		}
	}
	check("http://localhost:3000", true)
	check("http://127.0.0.1:8080", true)
	check("http://evil.example.com", false)
	check("http://localhost.evil.example.com", false)
	_ = s

	// server.cors: true allows any origin.
	_, ts2 := newTestServer(t, root, func(c *config.UserConfig) { c.Server.Cors = &config.CORSOptions{AllowAll: true} })
	req, _ := http.NewRequest("GET", ts2.URL+"/src/a.js", nil)
	req.Header.Set("Origin", "http://other.example")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("cors: true did not allow another origin")
	}
}
