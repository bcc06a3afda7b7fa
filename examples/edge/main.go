// Command edge serves a Workers-style fetch handler (src/worker.ts) through govite's dev server: the
// "edge" environment is a fetchable environment, and every request is dispatched to the handler with
// DispatchFetch. Edits to the handler apply to the next request.
//
//	go run ./examples/edge        # http://localhost:8787/?name=you
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

	"github.com/govite/govite/examples/edge/edge"
)

func main() {
	_, self, _, _ := runtime.Caller(0)
	root := flag.String("root", filepath.Dir(self), "the project directory")
	addr := flag.String("addr", "localhost:8787", "address to listen on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	h, err := edge.New(ctx, *root, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer h.Close()
	srv := &http.Server{Addr: *addr, Handler: h}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	log.Info("edge listening", "url", "http://"+*addr+"/")
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
