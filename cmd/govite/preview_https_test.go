package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// `govite preview` with @vitejs/plugin-basic-ssl: the banner shows https://, and the build is served
// over HTTP/2 with the plugin's certificate (cached where Vite's plugin caches it).
func TestPreviewHTTPSWithBasicSSL(t *testing.T) {
	root := t.TempDir()
	for name, content := range map[string]string{
		"package.json":    "{}",
		"dist/index.html": "<html><body>built page</body></html>",
		"vite.config.js": `import basicSsl from '@vitejs/plugin-basic-ssl'
export default { plugins: [basicSsl()] }`,
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	port := freePortT(t)
	stdout, stderr := runCLI(t, "preview", root, "--port", fmt.Sprint(port), "--strictPort")
	want := fmt.Sprintf("https://localhost:%d/", port)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("banner lacks %s:\n%s\n%s", want, stdout.String(), stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // the plugin's certificate is self-signed
		ForceAttemptHTTP2: true,
	}}
	var res *http.Response
	var err error
	for {
		res, err = client.Get(want)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.ProtoMajor != 2 || !strings.Contains(string(body), "built page") {
		t.Errorf("GET %s: %s %q", want, res.Proto, body)
	}
	cached, err := os.ReadFile(filepath.Join(root, "node_modules", ".vite", "basic-ssl", "_cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(cached, cached)
	if err != nil || string(pair.Certificate[0]) != string(res.TLS.PeerCertificates[0].Raw) {
		t.Errorf("the preview does not serve the cached basic-ssl certificate (%v)", err)
	}
}
