package e2e

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/govite/govite/internal/testutil/browser"
)

// workerApp starts workers in the three ways Vite documents (a ?worker import, an inline one and
// new Worker(new URL(...))) and loads a module through a dynamic import with a variable; each result
// lands in an element of the page.
var workerApp = map[string]string{
	"vite.config.js": "export default { build: { manifest: true } }\n",
	"index.html": `<!doctype html>
<html><head><title>workers</title></head>
<body><p id="query"></p><p id="inline"></p><p id="ctor"></p><p id="locale"></p>
<script type="module" src="/src/main.js"></script></body></html>
`,
	"src/main.js": `import QueryWorker from './workers/query?worker'
import InlineWorker from './workers/inline?worker&inline'

const show = (id) => (e) => { document.getElementById(id).textContent = e.data }
new QueryWorker().onmessage = show('query')
new InlineWorker().onmessage = show('inline')
new Worker(new URL('./workers/ctor.js', import.meta.url), { type: 'module' }).onmessage = show('ctor')
const lang = location.hash.slice(1) || 'fr'
import(` + "`./locales/${lang}.js`" + `).then((m) => { document.getElementById('locale').textContent = m.default })
`,
	"src/workers/dep.js":    "export const greet = (who) => who + ' says hello in ' + import.meta.env.MODE\n",
	"src/workers/query.js":  "import { greet } from './dep.js'\nself.postMessage(greet('query'))\n",
	"src/workers/inline.js": "import { greet } from './dep.js'\nself.postMessage(greet('inline'))\n",
	"src/workers/ctor.js":   "import { greet } from './dep.js'\nself.postMessage(greet('ctor'))\n",
	"src/locales/en.js":     "export default 'hello'\n",
	"src/locales/fr.js":     "export default 'bonjour'\n",
}

// checkWorkers waits for every worker's message on the page at url, in mode ("development" or
// "production"), and returns the page.
func checkWorkers(t *testing.T, b *browser.Browser, url, mode string) *browser.Page {
	t.Helper()
	p := b.Page(t, url)
	want := map[string]string{
		"query":  "query says hello in " + mode,
		"inline": "inline says hello in " + mode,
		"ctor":   "ctor says hello in " + mode,
		"locale": "bonjour",
	}
	for id, text := range want {
		p.WaitFor(t, `document.getElementById('`+id+`').textContent === '`+text+`'`, 15*time.Second)
	}
	p.ExpectNoErrors(t)
	return p
}

func TestWorkersInBrowser(t *testing.T) {
	root := t.TempDir()
	for rel, content := range workerApp {
		writeFile(t, root, rel, content)
	}
	b := browser.New(t)

	t.Run("dev", func(t *testing.T) {
		srv := startDev(t, root, nil)
		p := checkWorkers(t, b, devURL(srv)+"/", "development")
		// An edited worker script has no importer to take the update: the page reloads and starts the
		// new worker.
		writeFile(t, root, "src/workers/query.js", "self.postMessage('edited query')\n")
		p.WaitFor(t, `document.getElementById('query').textContent === 'edited query'`, 15*time.Second)
		writeFile(t, root, "src/workers/query.js", workerApp["src/workers/query.js"])
	})
	t.Run("build", func(t *testing.T) {
		res := goviteBuild(t, root)
		entry := res.Manifest["index.html"]
		if entry == nil || len(entry.Assets) != 2 || len(entry.DynamicImports) != 2 {
			t.Fatalf("manifest entry of index.html: %+v (want the two worker files as assets and two locales)", entry)
		}
		srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join(root, "dist"))))
		t.Cleanup(srv.Close)
		checkWorkers(t, b, srv.URL+"/", "production")
	})
}
