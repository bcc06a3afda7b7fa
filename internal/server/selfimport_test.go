package server

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// A React Fast Refresh boundary imports itself to read its own exports. The self-import must name
// the very URL the module was served at, also after a hot update (?t=), or the boundary would compare
// another instance's exports; and it must not make the module its own importer, or it could never be
// pruned.
func TestSelfImportKeepsOneInstanceAndPrunes(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/main.js": "import './self.js'\n",
		"src/self.js": "import * as me from './self.js'\nexport const v = 1\nimport.meta.hot.accept()\n",
		"index.html":  "<html><body></body></html>",
	})
	s, ts := newTestServer(t, root, nil)
	c := hmrClient(t, s, ts)
	get(t, ts, "/src/main.js")
	_, body, _ := get(t, ts, "/src/self.js")
	mustContain(t, "self-import before any update", body, `from "/src/self.js"`)

	os.WriteFile(filepath.Join(root, "src/self.js"), []byte("import * as me from './self.js'\nexport const v = 2\nimport.meta.hot.accept()\n"), 0o644)
	msg := readPayload(t, c)
	ups, _ := msg["updates"].([]any)
	if msg["type"] != "update" || len(ups) != 1 {
		t.Fatalf("self-accepting change: %v", msg)
	}
	u := ups[0].(map[string]any)
	if u["path"] != "/src/self.js" || u["acceptedPath"] != "/src/self.js" {
		t.Fatalf("update: %v", u)
	}
	stamp := fmt.Sprintf("%.0f", u["timestamp"].(float64))
	_, body, _ = get(t, ts, "/src/self.js?t="+stamp)
	mustContain(t, "self-import of the updated module", body, `from "/src/self.js?t=`+stamp+`"`)

	// The module imports only itself now that main.js dropped it: it is pruned.
	os.WriteFile(filepath.Join(root, "src/main.js"), []byte("export const nothing = 1\nimport.meta.hot.accept()\n"), 0o644)
	readPayload(t, c) // main.js's own update
	get(t, ts, "/src/main.js?t=1")
	msg = readPayload(t, c)
	paths, _ := msg["paths"].([]any)
	if msg["type"] != "prune" || len(paths) != 1 || paths[0] != "/src/self.js" {
		t.Fatalf("want a prune of /src/self.js, got %v", msg)
	}
}
