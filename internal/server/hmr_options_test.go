package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/govite/govite/internal/config"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// server.hmr.port other than the server's: a second server takes the HMR socket (over TLS when the
// server has https), answers 426 to other requests, and the client is told to connect there.
func TestHMRPortServesTheSocket(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", useTLS), func(t *testing.T) {
			keyPEM, certPEM := testCertificate(t)
			root := writeProject(t, map[string]string{"index.html": "<html><body></body></html>", "src/a.js": "export const a = 1\n"})
			hmrPort := freePort(t)
			s := listenOnFreePort(t, root, false, func(uc *config.UserConfig) {
				uc.Server.HMR = &config.HMROptions{Port: hmrPort, Path: "/hmr"}
				if useTLS {
					uc.Server.HTTPS = &config.HTTPSOptions{Key: []config.TLSSource{{Data: keyPEM}}, Cert: []config.TLSSource{{Data: certPEM}}}
				}
			})
			if s.HMRPort() != hmrPort {
				t.Fatalf("HMR port = %d, want %d", s.HMRPort(), hmrPort)
			}
			scheme, ws := "http", "ws"
			client := http.DefaultClient
			if useTLS {
				scheme, ws = "https", "wss"
				client = tlsClient(certPEM, false)
			}
			res, err := client.Get(fmt.Sprintf("%s://localhost:%d/@vite/client", scheme, s.Port()))
			if err != nil {
				t.Fatal(err)
			}
			src, _ := io.ReadAll(res.Body)
			res.Body.Close()
			mustContain(t, "client", string(src), fmt.Sprintf(`"clientPort":%d`, hmrPort), `"path":"hmr"`)

			hmrURL := fmt.Sprintf("%s://localhost:%d/hmr", scheme, hmrPort)
			res, err = client.Get(hmrURL)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUpgradeRequired {
				t.Errorf("GET on the HMR port: %d, want 426", res.StatusCode)
			}
			req, _ := http.NewRequest("GET", hmrURL, nil)
			req.Header.Set("Accept", "text/x-vite-ping")
			if res, err := client.Do(req); err != nil || res.StatusCode != 204 {
				t.Errorf("ping on the HMR port: %v %v", res, err)
			}

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			u := fmt.Sprintf("%s://localhost:%d/hmr?token=%s", ws, hmrPort, s.Token())
			c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: client, Subprotocols: []string{"vite-hmr"}})
			if err != nil {
				t.Fatalf("HMR socket on server.hmr.port: %v", err)
			}
			defer c.CloseNow()
			if msg := readPayload(t, c); msg["type"] != "connected" {
				t.Fatalf("first payload %v", msg)
			}
			s.Reload()
			if msg := readPayload(t, c); msg["type"] != "full-reload" {
				t.Fatalf("reload on the HMR port's socket: %v", msg)
			}
			if _, _, err := websocket.Dial(ctx, fmt.Sprintf("%s://localhost:%d/hmr?token=bad", ws, hmrPort), &websocket.DialOptions{HTTPClient: client, Subprotocols: []string{"vite-hmr"}}); err == nil {
				t.Error("a bad token was accepted on the HMR port")
			}
			s.Close()
			if conn, err := net.DialTimeout("tcp", fmt.Sprintf("localhost:%d", hmrPort), time.Second); err == nil {
				conn.Close()
				t.Error("the HMR port still listens after Close")
			}
		})
	}
}

// server.hmr: false: pages still connect (and get custom events and errors), but a change sends no
// update; the changed module is transformed again on its next request.
func TestHMRFalseSendsNoUpdates(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":  "<html><body></body></html>",
		"src/main.js": "import { v } from './dep.js'\nimport.meta.hot.accept('./dep.js', () => {})\nconsole.log(v)\n",
		"src/dep.js":  "export const v = 'one'\n",
	})
	s, ts := newTestServer(t, root, func(uc *config.UserConfig) { uc.Server.HMR = &config.HMROptions{Disabled: true} })
	c := hmrClient(t, s, ts)
	get(t, ts, "/src/main.js")
	_, body, _ := get(t, ts, "/src/dep.js")
	mustContain(t, "dep", body, "'one'")
	if err := os.WriteFile(filepath.Join(root, "src/dep.js"), []byte("export const v = 'two'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond) // past the watcher's debounce
	s.client().Hot.Send("my:event", map[string]any{"n": 1})
	msg := readPayload(t, c)
	if msg["type"] != "custom" || msg["event"] != "my:event" {
		t.Fatalf("first payload after the change: %v (no update may be sent with hmr: false)", msg)
	}
	_, body, _ = get(t, ts, "/src/dep.js")
	mustContain(t, "dep after the change", body, "'two'")
	s.Reload()
	s.client().Hot.Send("after-reload", nil)
	if msg := readPayload(t, c); msg["event"] != "after-reload" {
		t.Fatalf("full-reload went out with hmr: false: %v", msg)
	}
}

// The client learns hmr.protocol, host, clientPort, path and overlay from the server.
func TestHMRClientOptions(t *testing.T) {
	root := writeProject(t, map[string]string{"index.html": "<html></html>"})
	_, ts := newTestServer(t, root, func(uc *config.UserConfig) {
		uc.Server.HMR = &config.HMROptions{Protocol: "wss", Host: "hmr.test", ClientPort: 443, Port: 24999, Path: "/socket", Overlay: config.Bool(false), Timeout: 5000}
	})
	_, src, _ := get(t, ts, "/@vite/client")
	mustContain(t, "client", src, `"protocol":"wss"`, `"host":"hmr.test"`, `"clientPort":443`, `"path":"socket"`, `"overlay":false`, `"timeout":5000`)
	if strings.Contains(src, `"host":"hmr.test:24999"`) {
		t.Error("the port went into the host")
	}
}
