package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/server/guard"
)

// This file holds what the server options server.https, server.watch, server.hmr and server.proxy need
// around Listen, New and the middlewares.

// startWatcher starts the file watcher, unless server.watch is null (Vite then watches nothing: no HMR,
// no restart when the config changes).
func (s *Server) startWatcher() {
	if s.Config.Server.Watch.Disabled {
		return
	}
	w, err := newWatcher(s)
	if err != nil {
		s.logger.Warn("file watching is off: " + err.Error())
		return
	}
	s.watcher = w
}

// serveOn serves srv on ln until it is shut down, over TLS when tlsCfg is set (HTTP/2 and HTTP/1.1
// negotiated by ALPN).
func serveOn(srv *http.Server, ln net.Listener, tlsCfg *tls.Config) error {
	if tlsCfg == nil {
		return srv.Serve(ln)
	}
	srv.TLSConfig = tlsCfg.Clone() // ServeTLS adds its ALPN protocols to the config it is given
	return srv.ServeTLS(ln, "", "")
}

// hmrPortServer is the WebSocket server of server.hmr.port when that port differs from the server's
// own (Vite then opens a second server for the HMR socket): it takes the HMR socket and the client's
// reconnect ping and answers 426 Upgrade Required to anything else.
type hmrPortServer struct {
	srv *http.Server
	ln  net.Listener
}

// listenHMRPort starts the HMR port's server when server.hmr.port names another port than the
// server's. It listens on server.hmr.host, else on the server's host; over TLS (HTTP/1.1) when the
// server uses TLS.
func (s *Server) listenHMRPort(tlsCfg *tls.Config) error {
	hmr := s.Config.Server.HMR
	if hmr.Disabled || hmr.Port == 0 || hmr.Port == s.Config.Server.Port && !s.Config.Server.MiddlewareMode {
		return nil
	}
	host := listenHost(s.Config.Server.Host)
	if hmr.Host != "" {
		host = listenHost(hmr.Host)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(hmr.Port)))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("WebSocket server error: Port %d is already in use", hmr.Port)
		}
		return fmt.Errorf("WebSocket server error: %w", err)
	}
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Accept"), "text/x-vite-ping") {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if isWebSocketUpgrade(r) && strings.Contains(r.Header.Get("Sec-WebSocket-Protocol"), "vite-hmr") {
			s.serveWS(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusUpgradeRequired)
		_, _ = w.Write([]byte(http.StatusText(http.StatusUpgradeRequired)))
	})
	var extra []string
	if s.origin != "" {
		extra = append(extra, s.origin)
	}
	if hmr.Host != "" {
		extra = append(extra, hmr.Host)
	}
	h = guard.HostCheck(s.Config.Server.AllowedHosts, extra, h)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second}
	var cfg *tls.Config
	if tlsCfg != nil {
		cfg = tlsCfg.Clone()
		cfg.NextProtos = []string{"http/1.1"} // Vite's https (not http2) server for the socket
		srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
	}
	s.mu.Lock()
	s.hmrPort = &hmrPortServer{srv: srv, ln: ln}
	s.mu.Unlock()
	go func() {
		if err := serveOn(srv, ln, cfg); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("WebSocket server error: " + err.Error())
		}
	}()
	return nil
}

// closeHMRPort stops the HMR port's server.
func (s *Server) closeHMRPort() error {
	s.mu.Lock()
	hp := s.hmrPort
	s.hmrPort = nil
	s.mu.Unlock()
	if hp == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return hp.srv.Shutdown(ctx)
}

// HMRPort is the port of the separate HMR WebSocket server (server.hmr.port), 0 when there is none.
func (s *Server) HMRPort() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hmrPort == nil {
		return 0
	}
	return s.hmrPort.ln.Addr().(*net.TCPAddr).Port
}

// invalidateChangedFiles is what a file change does with server.hmr: false (Vite skips its HMR
// handling then): the modules of the changed files, and those that import them, are transformed again
// on their next request; nothing is sent to the pages.
func (s *Server) invalidateChangedFiles(changes []fileChange) {
	ts := time.Now().UnixMilli()
	for _, env := range s.Environments {
		for _, ch := range changes {
			for _, m := range env.ModuleGraph.GetModulesByFile(ch.File) {
				env.ModuleGraph.invalidate(m, ts, false)
			}
			if ch.Kind == "add" || ch.Kind == "unlink" {
				for _, m := range env.ModuleGraph.modules() {
					if m.UnresolvedImports || globsMatch(m.Globs, ch.File) {
						env.ModuleGraph.invalidate(m, ts, false)
					}
				}
			}
		}
	}
}

// warnProxyOptions warns once per rule about server.proxy options govite cannot honour.
func (s *Server) warnProxyOptions() {
	for _, r := range s.Config.Server.Proxy {
		if r.HasConfigure {
			s.logger.Warn(fmt.Sprintf("server.proxy[%q].configure is not supported by govite: it is given http-proxy's ProxyServer object, which govite's proxy does not have, so the function is not called (its proxy.on(...) listeners do nothing); use the rule's headers, rewrite or bypass instead", r.Context))
		}
	}
}

// hmrClientPort is the port the client's socket connects to: server.hmr.clientPort, else
// server.hmr.port (Vite's __HMR_PORT__), else 0 for the port the client was loaded from.
func hmrClientPort(hmr config.HMROptions) int {
	if hmr.ClientPort != 0 {
		return hmr.ClientPort
	}
	return hmr.Port
}
