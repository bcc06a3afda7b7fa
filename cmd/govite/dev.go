package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/govite/govite"
	"github.com/govite/govite/internal/server"
)

// runDev is `govite dev`: the dev server on server.port with a ready banner and, in a terminal, the
// r/u/o/c/q/h shortcuts.
func runDev(ctx context.Context, fl *flags, stdin io.Reader, stdout, stderr io.Writer) int {
	start := time.Now()
	in, err := inlineConfig(fl, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	if err := serverFlags(fl, &in.Server); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	in.OptimizeDeps.Force = fl.bool("force")
	restart := make(chan string, 1)
	opts := govite.ServerRunOptions{OnRestartNeeded: func(file string) {
		select {
		case restart <- file:
		default:
		}
	}}
	srv, err := govite.CreateServerWithOptions(ctx, in, opts)
	if err != nil {
		fmt.Fprintf(stderr, "error when starting dev server:\n%v\n", err)
		return 1
	}
	defer func() { srv.Close() }()
	if err := srv.Listen(ctx); err != nil {
		fmt.Fprintf(stderr, "error when starting dev server:\n%v\n", err)
		return 1
	}
	printBanner(stdout, srv, time.Since(start))
	if open := srv.Config.Server.Open; open != "" && len(srv.ResolvedURLs.Local) > 0 {
		openBrowser(strings.TrimSuffix(srv.ResolvedURLs.Local[0], "/") + "/" + strings.TrimPrefix(strings.TrimPrefix(open, srv.Config.Base), "/"))
	}
	quit := make(chan struct{})
	if isTerminal(stdin) {
		fmt.Fprintln(stdout, "  \x1b[2m\x1b[32m➜\x1b[39m\x1b[22m\x1b[2m  press \x1b[1mh + enter\x1b[22m to show help\x1b[22m")
		go shortcuts(stdin, stdout, srv, quit)
	}
	for {
		select {
		case <-ctx.Done():
			return 0
		case <-quit:
			return 0
		case <-restart:
			// The config changed: a new server on the same port. It is created before the old one
			// closes, so a broken config leaves the old server running (and watching for the fix).
			// Open pages lose their socket, poll until the new server answers, and reload.
			in.Server.Port = srv.Port()
			in.Server.StrictPort = true
			next, err := govite.CreateServerWithOptions(ctx, in, opts)
			if err != nil {
				fmt.Fprintf(stderr, "error when restarting the dev server; the old one keeps running:\n%v\n", err)
				continue
			}
			srv.Close()
			if err := next.Listen(ctx); err != nil {
				fmt.Fprintf(stderr, "error when restarting the dev server:\n%v\n", err)
				next.Close()
				return 1
			}
			srv = next
			fmt.Fprintln(stdout, "  server restarted.")
		}
	}
}

// serverFlags applies --host, --port, --strictPort, --open and --cors.
func serverFlags(fl *flags, s *govite.ServerOptions) error {
	if fl.has("host") {
		h := fl.str("host")
		if h == "" || h == "true" {
			h = "0.0.0.0"
		}
		s.Host = &h
	}
	if n, ok, err := fl.int("port"); err != nil {
		return err
	} else if ok {
		s.Port = n
	}
	if fl.has("strictPort") {
		s.StrictPort = fl.bool("strictPort")
	}
	if fl.has("open") {
		o := fl.str("open")
		if o == "" || o == "true" {
			o = "/"
		}
		if o != "false" {
			s.Open = o
		}
	}
	if fl.has("cors") && fl.bool("cors") {
		s.Cors = &govite.CORSOptions{AllowAll: true}
	}
	return nil
}

func printBanner(w io.Writer, srv *server.Server, took time.Duration) {
	fmt.Fprintf(w, "\n  \x1b[1m\x1b[32mGOVITE\x1b[39m v%s\x1b[22m  \x1b[2mready in \x1b[0m\x1b[1m%d\x1b[22m\x1b[2m ms\x1b[22m\n\n", govite.Version, took.Milliseconds())
	for _, u := range srv.ResolvedURLs.Local {
		fmt.Fprintf(w, "  \x1b[32m➜\x1b[39m  \x1b[1mLocal\x1b[22m:   \x1b[36m%s\x1b[39m\n", u)
	}
	for _, u := range srv.ResolvedURLs.Network {
		fmt.Fprintf(w, "  \x1b[32m➜\x1b[39m  \x1b[1mNetwork\x1b[22m: \x1b[36m%s\x1b[39m\n", u)
	}
	if len(srv.ResolvedURLs.Network) == 0 {
		fmt.Fprintf(w, "  \x1b[2m\x1b[32m➜\x1b[39m\x1b[22m  \x1b[2m\x1b[1mNetwork\x1b[22m\x1b[2m: use \x1b[1m--host\x1b[22m\x1b[2m to expose\x1b[22m\n")
	}
}

// isTerminal reports whether r is an interactive terminal (a character device).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// shortcuts reads Vite's keyboard shortcuts, one per line.
func shortcuts(stdin io.Reader, stdout io.Writer, srv *server.Server, quit chan struct{}) {
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		switch strings.TrimSpace(sc.Text()) {
		case "h":
			fmt.Fprint(stdout, "\n  Shortcuts\n  press r + enter to reload the page\n  press u + enter to show server url\n  press o + enter to open in browser\n  press c + enter to clear console\n  press q + enter to quit\n\n")
		case "r":
			srv.Reload()
		case "u":
			printBanner(stdout, srv, 0)
		case "o":
			if len(srv.ResolvedURLs.Local) > 0 {
				openBrowser(srv.ResolvedURLs.Local[0])
			}
		case "c":
			fmt.Fprint(stdout, "\x1b[2J\x1b[H")
		case "q":
			close(quit)
			return
		}
	}
}

func openBrowser(url string) {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("cmd", "/c", "start", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	_ = cmd.Start()
}
