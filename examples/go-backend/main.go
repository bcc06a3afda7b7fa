// Command go-backend is a net/http + html/template app with a frontend built by govite (or Vite):
// the Go templates render the <script> and <link> tags of the Vite entries with package backend.
//
//	go run . [-vite auto|middleware|prod] [-addr localhost:8080]   # development (see README.md)
//	go build -tags prod                                             # one binary, assets embedded
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	mode := flag.String("vite", "auto", "auto: beside `govite dev` while web/hot exists, else the build in web/dist;\nmiddleware: govite's dev server in this process; prod: the build in web/dist\n(a binary built with -tags prod always serves its embedded build)")
	web := flag.String("web", "web", "the Vite project folder")
	templates := flag.String("templates", "templates", "the Go templates folder")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h, what, closeFn, err := setup(ctx, *mode, *web, *templates, "http://"+*addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-backend:", err)
		os.Exit(1)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		closeFn() // ends the pages' event streams, which Shutdown would wait for
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	slog.Info("go-backend listening", "url", "http://"+*addr, "assets", what)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "go-backend:", err)
		os.Exit(1)
	}
}
