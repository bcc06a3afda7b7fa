package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/govite/govite"
	"github.com/govite/govite/internal/server"
)

// runPreview serves the build output (Vite's `vite preview`): files under base, index.html for
// folders, and for appType "spa" the root index.html for unknown HTML requests.
func runPreview(ctx context.Context, fl *flags, stdout, stderr io.Writer) int {
	in, err := inlineConfig(fl, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	cfg, err := govite.ResolveConfig(ctx, in, "serve")
	if err != nil {
		fmt.Fprintf(stderr, "error when loading the config: %v\n", err)
		return 1
	}
	if _, err := os.Stat(cfg.Build.OutDir); err != nil {
		fmt.Fprintf(stderr, "error: the directory %q does not exist. Did you build your project?\n", cfg.Build.OutDir)
		return 1
	}
	// preview.https, else server.https (and @vitejs/plugin-basic-ssl): TLS with HTTP/2, as Vite.
	tlsCfg, err := server.TLSConfig(cfg.Preview.HTTPS, "preview.https")
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	scheme := "http"
	if tlsCfg != nil {
		scheme = "https"
	}
	port := 4173
	if n, ok, err := fl.int("port"); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	} else if ok {
		port = n
	}
	host := "localhost"
	if fl.has("host") {
		host = fl.str("host")
		if host == "true" {
			host = "0.0.0.0"
		}
	}
	var ln net.Listener
	for tries := 0; ; tries++ {
		ln, err = net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err == nil {
			break
		}
		if fl.bool("strictPort") || !errors.Is(err, syscall.EADDRINUSE) || tries > 20 {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		port++
	}
	srv := &http.Server{Handler: PreviewHandler(cfg.Build.OutDir, cfg.Base, cfg.AppType), ReadHeaderTimeout: 10 * time.Second, TLSConfig: tlsCfg}
	fmt.Fprintf(stdout, "\n  ➜  Local:   %s://%s%s\n", scheme, net.JoinHostPort(displayHost(host), strconv.Itoa(port)), cfg.Base)
	if host == "localhost" || host == "127.0.0.1" {
		fmt.Fprintf(stdout, "  ➜  Network: use --host to expose\n")
	}
	go func() {
		<-ctx.Done()
		c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(c)
	}()
	serve := srv.Serve
	if tlsCfg != nil {
		serve = func(ln net.Listener) error { return srv.ServeTLS(ln, "", "") }
	}
	if err := serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	return 0
}

func displayHost(h string) string {
	if h == "0.0.0.0" || h == "" {
		return "localhost"
	}
	return h
}

// PreviewHandler serves dir under base.
func PreviewHandler(dir, base, appType string) http.Handler {
	if base == "./" || base == "" {
		base = "/"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := r.URL.Path
		if !strings.HasPrefix(p, base) {
			if p+"/" == base {
				http.Redirect(w, r, base, http.StatusFound)
				return
			}
			http.NotFound(w, r)
			return
		}
		rel := path.Clean("/" + strings.TrimPrefix(p, base))
		try := []string{rel}
		if strings.HasSuffix(p, "/") || rel == "/" {
			try = []string{path.Join(rel, "index.html")}
		} else if path.Ext(rel) == "" {
			try = append(try, rel+".html", path.Join(rel, "index.html"))
		}
		for _, t := range try {
			f := filepath.Join(dir, filepath.FromSlash(t))
			if st, err := os.Stat(f); err == nil && !st.IsDir() {
				http.ServeFile(w, r, f)
				return
			}
		}
		// Vite's HTML fallback (observed on vite preview 8): any missing path that may take HTML.
		if appType != "mpa" && appType != "custom" && server.AcceptsHTMLFallback(r) && rel != "/favicon.ico" {
			if f := filepath.Join(dir, "index.html"); fileExists(f) {
				http.ServeFile(w, r, f)
				return
			}
		}
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusNotFound)
	})
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
