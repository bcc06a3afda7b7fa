package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/testutil/browser"
	"github.com/govite/govite/internal/testutil/tools"
)

// testCertificate makes a self-signed certificate for localhost and 127.0.0.1: PEM key and cert.
func testCertificate(t *testing.T) (keyPEM, certPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// listenOnFreePort resolves cfg for root (no config file unless withConfigFile), creates the server and
// listens on a free port.
func listenOnFreePort(t *testing.T, root string, withConfigFile bool, edit func(*config.UserConfig)) *Server {
	t.Helper()
	uc := &config.UserConfig{Root: root, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if edit != nil {
		edit(uc)
	}
	opts := config.ResolveConfigOptions{Command: "serve", ConfigFile: config.ConfigFileDisabled}
	if withConfigFile {
		opts.ConfigFile = ""
	}
	cfg, err := config.Resolve(context.Background(), uc, opts)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.Port = 0
	s, err := New(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Listen(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// tlsClient trusts certPEM (nil: any certificate); http2 makes it negotiate HTTP/2.
func tlsClient(certPEM []byte, http2 bool) *http.Client {
	tc := &tls.Config{InsecureSkipVerify: certPEM == nil} //nolint:gosec // a test server's self-signed certificate
	if certPEM != nil {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(certPEM)
		tc.RootCAs = pool
	}
	tr := &http.Transport{TLSClientConfig: tc, ForceAttemptHTTP2: http2}
	if !http2 {
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{} // HTTP/1.1 only
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// server.https with PEM key and certificate: modules over HTTP/2, the banner's https:// URL, and the
// HMR WebSocket (an HTTP/1.1 upgrade) with its token over TLS, carrying updates.
func TestHTTPSServesHTTP2AndHMROverTLS(t *testing.T) {
	keyPEM, certPEM := testCertificate(t)
	root := writeProject(t, map[string]string{
		"index.html":  `<html><head></head><body><script type="module" src="/src/main.ts"></script></body></html>`,
		"src/main.ts": "import { v } from './dep'\nconst n: number = v\nconsole.log(n)\nimport.meta.hot.accept('./dep', () => {})\n",
		"src/dep.ts":  "export const v = 1\n",
		"certs/k.pem": string(keyPEM),
	})
	s := listenOnFreePort(t, root, false, func(uc *config.UserConfig) {
		uc.Server.HTTPS = &config.HTTPSOptions{Key: []config.TLSSource{{Text: filepath.Join(root, "certs/k.pem")}}, Cert: []config.TLSSource{{Data: certPEM}}}
		uc.Server.HotFile = "hot"
	})
	base := fmt.Sprintf("https://localhost:%d", s.Port())
	if len(s.ResolvedURLs.Local) != 1 || s.ResolvedURLs.Local[0] != base+"/" {
		t.Errorf("local URLs = %v, want %s/", s.ResolvedURLs.Local, base)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "hot")); strings.TrimSpace(string(data)) != base {
		t.Errorf("hot file = %q, want %s", data, base)
	}

	res, err := tlsClient(certPEM, true).Get(base + "/src/main.ts")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.ProtoMajor != 2 || res.StatusCode != 200 {
		t.Fatalf("GET /src/main.ts: %s %d, want HTTP/2 200", res.Proto, res.StatusCode)
	}
	mustContain(t, "module over HTTP/2", string(body), `from "/src/dep.ts"`, "const n = v")
	res, err = tlsClient(certPEM, true).Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	mustContain(t, "page over HTTP/2", string(page), "/@vite/client")

	// Plain HTTP on the TLS port is refused.
	if res, err := http.Get(fmt.Sprintf("http://localhost:%d/src/main.ts", s.Port())); err == nil {
		res.Body.Close()
		if res.StatusCode == 200 {
			t.Error("plain HTTP served a module on the https port")
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wsBase := fmt.Sprintf("wss://localhost:%d/", s.Port())
	if _, resp, err := websocket.Dial(ctx, wsBase+"?token=wrong", &websocket.DialOptions{HTTPClient: tlsClient(certPEM, false), Subprotocols: []string{"vite-hmr"}}); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Errorf("a wrong token over TLS: err %v, response %v", err, resp)
	}
	c, resp, err := websocket.Dial(ctx, wsBase+"?token="+s.Token(), &websocket.DialOptions{HTTPClient: tlsClient(certPEM, false), Subprotocols: []string{"vite-hmr"}})
	if err != nil {
		t.Fatalf("HMR WebSocket over TLS: %v (%v)", err, resp)
	}
	defer c.CloseNow()
	if c.Subprotocol() != "vite-hmr" {
		t.Errorf("subprotocol %q", c.Subprotocol())
	}
	if msg := readPayload(t, c); msg["type"] != "connected" {
		t.Fatalf("first payload %v", msg)
	}
	if res, err := tlsClient(certPEM, true).Get(base + "/src/dep.ts"); err == nil {
		res.Body.Close()
	}
	if err := os.WriteFile(filepath.Join(root, "src/dep.ts"), []byte("export const v = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	msg := readPayload(t, c)
	if ups, _ := msg["updates"].([]any); msg["type"] != "update" || len(ups) != 1 || ups[0].(map[string]any)["path"] != "/src/main.ts" {
		t.Fatalf("update over wss: %v", msg)
	}
}

// Node's forms of key and cert: encrypted PKCS#8 and legacy encrypted PEM keys with passphrase, PKCS#12
// archives (AES and the older SHA-1/3DES), a CA that completes the chain; and clear errors.
func TestHTTPSKeyCertAndPFXForms(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	tools.Require(t, err == nil, "openssl is not installed (it makes the encrypted keys and PKCS#12 archives of this test)")
	dir := t.TempDir()
	sh := func(args ...string) {
		t.Helper()
		cmd := exec.Command(openssl, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	sh("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-keyout", "enc.key", "-out", "cert.pem",
		"-days", "1", "-subj", "/CN=localhost", "-passout", "pass:secret")
	sh("ec", "-in", "enc.key", "-passin", "pass:secret", "-aes128", "-passout", "pass:legacy", "-out", "legacy.key")
	sh("pkcs12", "-export", "-inkey", "enc.key", "-passin", "pass:secret", "-in", "cert.pem", "-out", "aes.pfx", "-passout", "pass:pfxpw")
	sh("pkcs12", "-export", "-inkey", "enc.key", "-passin", "pass:secret", "-in", "cert.pem", "-out", "3des.pfx", "-passout", "pass:pfxpw",
		"-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1")
	// A chain: a CA and a leaf it signed; the CA given as ca completes the chain sent.
	sh("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
		"-days", "1", "-subj", "/CN=Test Root")
	sh("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "inter.key", "-out", "inter.csr", "-subj", "/CN=Test Intermediate")
	if err := os.WriteFile(filepath.Join(dir, "ext.cnf"), []byte("basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sh("x509", "-req", "-in", "inter.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "inter.pem", "-days", "1", "-extfile", "ext.cnf")
	sh("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost")
	sh("x509", "-req", "-in", "leaf.csr", "-CA", "inter.pem", "-CAkey", "inter.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "1")
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	wantLeaf, err := pemCertificates(read("cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	path := func(name string) config.TLSSource { return config.TLSSource{Text: filepath.Join(dir, name)} }
	data := func(name string) config.TLSSource { return config.TLSSource{Data: read(name)} }
	for _, tt := range []struct {
		name string
		h    config.HTTPSOptions
	}{
		{"encrypted PKCS#8 key", config.HTTPSOptions{Key: []config.TLSSource{data("enc.key")}, Cert: []config.TLSSource{path("cert.pem")}, Passphrase: "secret"}},
		{"an entry's own passphrase", config.HTTPSOptions{Key: []config.TLSSource{{Text: string(read("enc.key")), Passphrase: "secret"}}, Cert: []config.TLSSource{data("cert.pem")}, Passphrase: "other"}},
		{"legacy encrypted PEM", config.HTTPSOptions{Key: []config.TLSSource{path("legacy.key")}, Cert: []config.TLSSource{path("cert.pem")}, Passphrase: "legacy"}},
		{"PKCS#12 with AES", config.HTTPSOptions{PFX: []config.TLSSource{data("aes.pfx")}, Passphrase: "pfxpw"}},
		{"PKCS#12 with 3DES", config.HTTPSOptions{PFX: []config.TLSSource{{Data: read("3des.pfx"), Passphrase: "pfxpw"}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := TLSConfig(&tt.h, "server.https")
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Certificates) != 1 || string(cfg.Certificates[0].Certificate[0]) != string(wantLeaf[0].Raw) {
				t.Fatalf("certificates = %d", len(cfg.Certificates))
			}
		})
	}

	chain, err := TLSConfig(&config.HTTPSOptions{Key: []config.TLSSource{path("leaf.key")}, Cert: []config.TLSSource{path("leaf.pem")},
		CA: []config.TLSSource{path("inter.pem"), path("ca.pem")}}, "server.https")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(chain.Certificates[0].Certificate); n != 2 {
		t.Errorf("chain length %d, want 2 (leaf and intermediate; the root stays out)", n)
	}

	for _, tt := range []struct {
		h    config.HTTPSOptions
		want string
	}{
		{config.HTTPSOptions{Key: []config.TLSSource{path("enc.key")}, Cert: []config.TLSSource{path("cert.pem")}}, "server.https.key[0]: the key is encrypted: set passphrase"},
		{config.HTTPSOptions{Key: []config.TLSSource{path("enc.key")}, Cert: []config.TLSSource{path("cert.pem")}, Passphrase: "nope"}, "wrong or missing passphrase"},
		{config.HTTPSOptions{PFX: []config.TLSSource{data("aes.pfx")}, Passphrase: "nope"}, "server.https.pfx[0]: PKCS#12 archive: wrong or missing passphrase"},
		{config.HTTPSOptions{Key: []config.TLSSource{path("leaf.key")}, Cert: []config.TLSSource{path("cert.pem")}}, "server.https.cert[0] does not match any key of server.https.key"},
		{config.HTTPSOptions{Cert: []config.TLSSource{{Text: "not a file"}}}, "server.https.cert[0]: no PEM certificate found"},
		{config.HTTPSOptions{}, "server.https has no certificate: give key and cert"},
	} {
		if _, err := TLSConfig(&tt.h, "server.https"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error = %v, want %q", err, tt.want)
		}
	}
	// Listen reports the problem instead of serving without TLS.
	uc := &config.UserConfig{Root: writeProject(t, map[string]string{"index.html": ""}), Logger: slog.New(slog.DiscardHandler)}
	uc.Server.HTTPS = &config.HTTPSOptions{}
	cfg, err := config.Resolve(context.Background(), uc, config.ResolveConfigOptions{Command: "serve", ConfigFile: config.ConfigFileDisabled})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Server.Port = 0
	s, err := New(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Listen(context.Background()); err == nil || !strings.Contains(err.Error(), "has no certificate") {
		t.Errorf("Listen: %v", err)
	}
}

// @vitejs/plugin-basic-ssl in a config file (not installed): the server generates the self-signed
// certificate into node_modules/.vite/basic-ssl/_cert.pem, serves https with it, and a second start
// reuses it; an expired one is replaced.
func TestBasicSSLGenerationAndCacheReuse(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json": "{}",
		"index.html":   "<html><head></head><body></body></html>",
		"main.js":      "export const x = 1\n",
		"vite.config.js": `import basicSsl from '@vitejs/plugin-basic-ssl'
export default { plugins: [basicSsl({ domains: ['dev.test'] })] }`,
	})
	cachePath := filepath.Join(root, "node_modules", ".vite", "basic-ssl", "_cert.pem")
	peerCert := func(s *Server) *x509.Certificate {
		t.Helper()
		conn, err := tls.Dial("tcp", fmt.Sprintf("localhost:%d", s.Port()), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2", "http/1.1"}}) //nolint:gosec // self-signed on purpose
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		st := conn.ConnectionState()
		if st.NegotiatedProtocol != "h2" {
			t.Errorf("ALPN = %q, want h2", st.NegotiatedProtocol)
		}
		return st.PeerCertificates[0]
	}

	s1 := listenOnFreePort(t, root, true, nil)
	if !strings.HasPrefix(s1.ResolvedURLs.Local[0], "https://") {
		t.Errorf("URLs = %v", s1.ResolvedURLs)
	}
	first, err := os.ReadFile(cachePath)
	if err != nil {
		t.Fatalf("no cached certificate: %v", err)
	}
	leaf := peerCert(s1)
	cached, err := pemCertificates(first)
	if err != nil || string(cached[0].Raw) != string(leaf.Raw) {
		t.Fatalf("the server does not serve the cached certificate: %v", err)
	}
	if err := leaf.VerifyHostname("localhost"); err != nil {
		t.Error(err)
	}
	if err := leaf.VerifyHostname("127.0.0.1"); err != nil {
		t.Error(err)
	}
	if err := leaf.VerifyHostname("dev.test"); err != nil {
		t.Error(err)
	}
	if d := time.Until(leaf.NotAfter); d < 29*24*time.Hour || d > 31*24*time.Hour {
		t.Errorf("valid for %v, want 30 days", d)
	}
	res, err := tlsClient(first, true).Get(s1.ResolvedURLs.Local[0] + "main.js")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.ProtoMajor != 2 {
		t.Errorf("GET over the basic-ssl certificate: %s %d", res.Proto, res.StatusCode)
	}
	s1.Close()

	s2 := listenOnFreePort(t, root, true, nil)
	if again, _ := os.ReadFile(cachePath); string(again) != string(first) {
		t.Error("the cached certificate was not reused")
	}
	if string(peerCert(s2).Raw) != string(leaf.Raw) {
		t.Error("the second server serves another certificate")
	}
	s2.Close()

	// An expired cache is replaced.
	old, err := newBasicSSLCertificate(config.BasicSSLOptions{}, time.Now().AddDate(0, 0, -40))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cachePath, old, 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := BasicSSLCertificate(config.BasicSSLOptions{CertDir: filepath.Dir(cachePath), TTLDays: 3})
	if err != nil {
		t.Fatal(err)
	}
	if string(data) == string(old) {
		t.Fatal("an expired certificate was reused")
	}
	fresh, _ := pemCertificates(data)
	if d := time.Until(fresh[0].NotAfter); d < 2*24*time.Hour || d > 3*24*time.Hour {
		t.Errorf("ttlDays 3: valid for %v", d)
	}
	if saved, _ := os.ReadFile(cachePath); string(saved) != string(data) {
		t.Error("the new certificate was not cached")
	}
	// A cache that cannot be written is no error.
	if _, err := BasicSSLCertificate(config.BasicSSLOptions{CertDir: filepath.Join(cachePath, "not-a-dir")}); err != nil {
		t.Errorf("unwritable cache: %v", err)
	}
}

// In Chromium: a page served over HTTP/2 with TLS loads /@vite/client, whose socket goes to wss://
// (an HTTP/1.1 upgrade beside the HTTP/2 connection), and an edit reaches the page as an HMR update.
func TestHTTPSHMRInBrowser(t *testing.T) {
	keyPEM, certPEM := testCertificate(t)
	root := writeProject(t, map[string]string{
		"index.html": `<!doctype html><html><head></head><body><p id="v"></p><script type="module" src="/src/main.js"></script></body></html>`,
		"src/main.js": "import { v } from './dep.js'\ndocument.getElementById('v').textContent = v\n" +
			"import.meta.hot.accept('./dep.js', (m) => { document.getElementById('v').textContent = m.v })\n",
		"src/dep.js": "export const v = 'before'\n",
	})
	s := listenOnFreePort(t, root, false, func(uc *config.UserConfig) {
		uc.Server.HTTPS = &config.HTTPSOptions{Key: []config.TLSSource{{Data: keyPEM}}, Cert: []config.TLSSource{{Data: certPEM}}}
	})
	saved := browser.Flags
	browser.Flags = append(slices.Clone(saved), "ignore-certificate-errors") // the test certificate is self-signed
	b := browser.New(t)
	browser.Flags = saved
	p := b.Page(t, s.ResolvedURLs.Local[0])
	p.WaitFor(t, `document.getElementById('v').textContent === 'before'`, 10*time.Second)
	p.WaitFor(t, `performance.getEntriesByType('resource').some((e) => e.name.includes('/@vite/client') && e.nextHopProtocol === 'h2')`, 5*time.Second)
	time.Sleep(300 * time.Millisecond) // the socket connects after the modules ran
	var ok bool
	p.Eval(t, `window.__beforeEdit = true`, &ok)
	if err := os.WriteFile(filepath.Join(root, "src/dep.js"), []byte("export const v = 'after'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.WaitFor(t, `document.getElementById('v').textContent === 'after'`, 10*time.Second)
	var kept bool
	p.Eval(t, `window.__beforeEdit === true`, &kept)
	if !kept {
		t.Error("the page reloaded instead of taking the update")
	}
	for _, m := range p.Console() {
		if strings.Contains(m.String(), "failed to connect to websocket") {
			t.Errorf("console: %s", m)
		}
	}
}
