//go:build prod

package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/govite/govite/backend"
	"github.com/govite/govite/examples/go-backend/app"
)

// The build and the templates, embedded: build the frontend first (govite build web), or this file
// does not compile ("pattern web/dist: no matching files found").
//
//go:embed all:web/dist
var dist embed.FS

//go:embed templates
var templatesFS embed.FS

// setup serves the embedded build; the -vite, -web and -templates flags do not apply.
func setup(ctx context.Context, mode, web, templates, appURL string) (http.Handler, string, func() error, error) {
	if mode != "auto" && mode != "prod" {
		return nil, "", nil, fmt.Errorf("-vite %s: this binary was built with -tags prod and only serves its embedded build", mode)
	}
	built, err := fs.Sub(dist, "web/dist")
	if err != nil {
		return nil, "", nil, err
	}
	tmpl, err := fs.Sub(templatesFS, "templates")
	if err != nil {
		return nil, "", nil, err
	}
	v, err := backend.New(backend.Config{FS: built, Mode: backend.Prod})
	if err != nil {
		return nil, "", nil, err
	}
	h, err := app.New(app.Options{Vite: v, Templates: tmpl})
	if err != nil {
		return nil, "", nil, err
	}
	return h, "embedded build", v.Close, nil
}
