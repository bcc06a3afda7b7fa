// Package backend connects a Go web app that renders its own HTML (net/http, html/template) to a
// frontend built by Vite or govite, as Vite's backend-integration guide describes. It imports only the
// standard library: a production binary that uses it does not link the bundler.
//
// In production it reads .vite/manifest.json from the build's outDir (an embed.FS or a directory) and
// renders, for one or more entries, the tags Vite itself would put in an HTML page: the module script,
// modulepreload links for the chunks it imports and stylesheet links for the CSS of the entry and of
// every chunk it imports, each once, in Vite's order. In development it renders the dev server's
// /@vite/client and the entries' source URLs instead, plus the React Fast Refresh preamble when asked.
// Which one applies is chosen explicitly (Config.Mode) or detected from the dev server's hot file
// (server.hotFile in the Vite config), which is checked again on later calls, so starting or stopping
// the dev server needs no restart of the Go app.
//
//	vite, err := backend.New(backend.Config{FS: dist, HotFile: "web/hot"})
//	tmpl := template.Must(template.New("").Funcs(vite.FuncMap()).ParseFS(templates, "*.html"))
//	mux.Handle("/assets/", vite.AssetsHandler())
//
// and in a template:
//
//	<head>{{ vite "src/main.js" }}</head>
//	<img src="{{ viteAsset "src/images/logo.png" }}">
//
// When the Go app renders its own templates beside a separately running dev server, WatchFiles and
// ReloadHandler make open pages reload when a template changes; in middleware mode (the dev server
// mounted in the Go app) WatchFiles can call the dev server's Reload instead.
package backend
