//go:build !prod

package main

import (
	"context"
	"net/http"

	"github.com/govite/govite/examples/go-backend/dev"
)

// setup runs the example from the source tree: see package dev for the modes.
func setup(ctx context.Context, mode, web, templates, appURL string) (http.Handler, string, func() error, error) {
	s, err := dev.New(ctx, dev.Options{Mode: mode, Web: web, Templates: templates, AppURL: appURL})
	if err != nil {
		return nil, "", nil, err
	}
	what := mode
	switch mode {
	case dev.Auto:
		what = "auto: the dev server in " + web + "/hot while it runs (govite dev " + web + "), else " + web + "/dist"
	case dev.Middleware:
		what = "govite dev server in this process (middleware mode)"
	case dev.Prod:
		what = web + "/dist"
	}
	return s.Handler, what, s.Close, nil
}
