package backend_test

import (
	"fmt"
	"html/template"
	"net/http"
	"os"
	"testing/fstest"

	"github.com/govite/govite/backend"
)

// A build's outDir: in a real app an embed.FS (fs.Sub(embedded, "web/dist")) or Config.Dir.
var dist = fstest.MapFS{
	".vite/manifest.json": {Data: []byte(`{
  "_shared-B7PI925R.js": {"file": "assets/shared-B7PI925R.js", "name": "shared", "css": ["assets/shared-ChJ_j-JJ.css"]},
  "src/main.js": {"file": "assets/main-4889e940.js", "src": "src/main.js", "isEntry": true,
    "imports": ["_shared-B7PI925R.js"], "dynamicImports": ["src/views/foo.js"], "css": ["assets/main-b82dbe22.css"]},
  "src/views/foo.js": {"file": "assets/foo-869aea0d.js", "src": "src/views/foo.js", "isDynamicEntry": true},
  "src/logo.png": {"file": "assets/logo-0ab0f9cd.png", "src": "src/logo.png"}
}`)},
}

func Example() {
	vite, err := backend.New(backend.Config{
		FS:      dist,
		HotFile: "web/hot", // development tags while `govite dev` runs with server.hotFile: 'hot'
	})
	if err != nil {
		panic(err)
	}
	page := template.Must(template.New("page").Funcs(vite.FuncMap()).Parse(
		`<head>{{ vite "src/main.js" }}</head>
<img src="{{ viteAsset "src/logo.png" }}">
`))
	if err := page.Execute(os.Stdout, nil); err != nil {
		panic(err)
	}
	// The built files, with long-lived caching for the hashed ones.
	http.Handle("/assets/", vite.AssetsHandler())
	// Output:
	// <head><script type="module" crossorigin src="/assets/main-4889e940.js"></script>
	// <link rel="modulepreload" crossorigin href="/assets/shared-B7PI925R.js">
	// <link rel="stylesheet" crossorigin href="/assets/shared-ChJ_j-JJ.css">
	// <link rel="stylesheet" crossorigin href="/assets/main-b82dbe22.css"></head>
	// <img src="/assets/logo-0ab0f9cd.png">
}

func ExampleVite_Tags_development() {
	vite, err := backend.New(backend.Config{DevServerURL: "http://localhost:5173", ReactRefresh: true})
	if err != nil {
		panic(err)
	}
	tags, err := vite.Tags("src/main.tsx", "src/theme.css")
	if err != nil {
		panic(err)
	}
	fmt.Println(tags)
	// Output:
	// <script type="module">
	// import RefreshRuntime from "http://localhost:5173/@react-refresh"
	// RefreshRuntime.injectIntoGlobalHook(window)
	// window.$RefreshReg$ = () => {}
	// window.$RefreshSig$ = () => (type) => type
	// window.__vite_plugin_react_preamble_installed__ = true
	// </script>
	// <script type="module" src="http://localhost:5173/@vite/client"></script>
	// <script type="module" src="http://localhost:5173/src/main.tsx"></script>
	// <link rel="stylesheet" href="http://localhost:5173/src/theme.css">
}
