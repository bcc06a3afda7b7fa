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
	// Vite's shortcuts are on when stdin is a terminal and $CI is unset (bindCLIShortcuts); otherwise
	// stdin is not read at all.
	var keys chan string
	if isTerminal(stdin) && os.Getenv("CI") == "" {
		fmt.Fprintln(stdout, "  \x1b[2m\x1b[32m➜\x1b[39m\x1b[22m\x1b[2m  press \x1b[1mh + enter\x1b[22m to show help\x1b[22m")
		keys = make(chan string)
		stop := make(chan struct{})
		defer close(stop)
		go readShortcuts(stdin, keys, stop)
	}
	for {
		select {
		case <-ctx.Done():
			return 0
		case key, ok := <-keys:
			if !ok {
				keys = nil // stdin closed: the server runs on
				continue
			}
			switch key {
			case "h":
				printShortcuts(stdout)
				continue
			case "u":
				fmt.Fprintln(stdout)
				printURLs(stdout, srv)
				continue
			case "o":
				if len(srv.ResolvedURLs.Local) > 0 {
					openBrowser(srv.ResolvedURLs.Local[0])
				}
				continue
			case "c":
				fmt.Fprint(stdout, "\x1b[2J\x1b[H")
				continue
			case "q":
				return 0
			case "r":
				// restart the server, below
			default:
				continue
			}
		case <-restart:
		}
		// The config changed, or `r`: a new server on the same port. It is created before the old one
		// closes, so a broken config leaves the old server running (and watching for the fix). Open
		// pages lose their socket, poll until the new server answers, and reload.
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
	printURLs(w, srv)
}

// printURLs prints the server's URLs (Vite's server.printUrls).
func printURLs(w io.Writer, srv *server.Server) {
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

// readShortcuts sends each line typed on stdin, trimmed and lower-cased as Vite does, to keys until
// stop is closed; it closes keys at the end of input.
func readShortcuts(stdin io.Reader, keys chan<- string, stop <-chan struct{}) {
	defer close(keys)
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		select {
		case keys <- strings.ToLower(strings.TrimSpace(sc.Text())):
		case <-stop:
			return
		}
	}
}

// devShortcuts are Vite's BASE_DEV_SHORTCUTS, in its order, for the help.
var devShortcuts = []struct{ key, description string }{
	{"r", "restart the server"},
	{"u", "show server url"},
	{"o", "open in browser"},
	{"c", "clear console"},
	{"q", "quit"},
}

// printShortcuts is Vite's help (h + enter).
func printShortcuts(w io.Writer) {
	fmt.Fprint(w, "\n  Shortcuts\n")
	for _, s := range devShortcuts {
		fmt.Fprintf(w, "\x1b[2m  press \x1b[22m\x1b[1m%s + enter\x1b[22m\x1b[2m to %s\x1b[22m\n", s.key, s.description)
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
