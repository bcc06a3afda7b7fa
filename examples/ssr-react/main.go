// Command ssr-react serves a React 19 app rendered on the server by Go, with govite:
//
//	go run ./examples/ssr-react                 # development: govite's dev server in this process, HMR
//	govite build --app examples/ssr-react       # build the client and the server bundle into dist/
//	go run ./examples/ssr-react -prod           # production: dist/, rendered on the embedded engine
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"

	"github.com/govite/govite/examples/ssr-react/app"
)

func main() {
	_, self, _, _ := runtime.Caller(0)
	root := flag.String("root", filepath.Dir(self), "the project directory")
	prod := flag.Bool("prod", false, "serve the build in dist/ instead of running the dev server")
	addr := flag.String("addr", "localhost:3000", "address to listen on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	a, err := app.New(ctx, app.Options{Root: *root, Prod: *prod, Logger: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer a.Close()
	srv := &http.Server{Addr: *addr, Handler: a}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	mode := "development"
	if *prod {
		mode = "production"
	}
	log.Info("ssr-react listening", "url", "http://"+*addr+"/", "mode", mode)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
