package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/govite/govite/internal/config"
)

// payloadReader reads c's payloads in the background (a Read that times out would close c).
type payloadReader chan map[string]any

func readPayloads(c *websocket.Conn) payloadReader {
	ch := make(payloadReader, 100)
	go func() {
		defer close(ch)
		for {
			_, data, err := c.Read(context.Background())
			if err != nil {
				return
			}
			var m map[string]any
			if json.Unmarshal(data, &m) == nil {
				ch <- m
			}
		}
	}()
	return ch
}

// next returns the next payload that is no error or prune, failing after 10 s.
func (ch payloadReader) next(t *testing.T) map[string]any {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-ch:
			if !ok {
				t.Fatal("the HMR connection closed")
			}
			if m["type"] != "error" && m["type"] != "prune" {
				return m
			}
		case <-timeout:
			t.Fatal("no payload")
		}
	}
}

// collect returns the payloads that arrive within d.
func (ch payloadReader) collect(d time.Duration) []map[string]any {
	var out []map[string]any
	timeout := time.After(d)
	for {
		select {
		case m, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, m)
		case <-timeout:
			return out
		}
	}
}

// A module request as the browser makes it for an import.
var scriptHeaders = []string{"Accept", "*/*", "Sec-Fetch-Dest", "script"}

// Deleting a file that another module imports, while the server runs (Vite 8, observed): the importer
// is invalidated softly, so its next request reuses its transform with the deleted module's import
// URL given the hot update's ?t= (its imports are not resolved again): the importer answers 200, the
// deleted module 404, no error payload (overlay) is sent, and the terminal prints Vite's "Pre-transform
// error: Failed to load url ...". A self-accepting importer gets a js-update, one that accepts nothing
// reloads the page. Creating the file again updates the importer the same way and both answer 200.
func TestDeletedImportAnswers404NotTheImporter(t *testing.T) {
	for _, accept := range []bool{true, false} {
		t.Run(fmt.Sprintf("selfAccepting=%v", accept), func(t *testing.T) {
			main := "import { a } from './a.js'\ndocument.getElementById('app').textContent = 'main:' + a\n"
			if accept {
				main += "import.meta.hot.accept()\n"
			}
			root := writeProject(t, map[string]string{
				"index.html":  `<!doctype html><html><body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>`,
				"src/main.js": main,
				"src/a.js":    "export const a = 'A1'\n",
			})
			logs := &lockedBuffer{}
			s, ts := newServerWith(t, root, false, Options{}, func(uc *config.UserConfig) {
				uc.Logger = slog.New(slog.NewTextHandler(logs, nil))
			})
			getOK(t, ts, "/")
			getOK(t, ts, "/src/main.js", scriptHeaders...)
			getOK(t, ts, "/src/a.js", scriptHeaders...)
			c := readPayloads(hmrClient(t, s, ts))
			aFile := filepath.Join(root, "src/a.js")

			// expectUpdate waits for the update of main.js and returns its timestamp (0 for a reload).
			expectUpdate := func(what string) int64 {
				t.Helper()
				msg := c.next(t)
				if !accept {
					if msg["type"] != "full-reload" || msg["path"] != "*" || msg["triggeredBy"] != aFile {
						t.Fatalf("%s: %v, want a full reload triggered by src/a.js", what, msg)
					}
					return 0
				}
				ups, _ := msg["updates"].([]any)
				if msg["type"] != "update" || len(ups) != 1 {
					t.Fatalf("%s: %v, want one update", what, msg)
				}
				u := ups[0].(map[string]any)
				if u["type"] != "js-update" || u["path"] != "/src/main.js" || u["acceptedPath"] != "/src/main.js" {
					t.Fatalf("%s: update %v, want a js-update of /src/main.js", what, u)
				}
				return int64(u["timestamp"].(float64))
			}
			// importerPath is what the page asks for next: the importer with ?t= after a hot update,
			// the importer itself after a reload.
			importerPath := func(ts int64) string {
				if ts == 0 {
					return "/src/main.js"
				}
				return fmt.Sprintf("/src/main.js?t=%d", ts)
			}

			if err := os.Remove(aFile); err != nil {
				t.Fatal(err)
			}
			t1 := expectUpdate("a.js deleted")
			code, body, _ := get(t, ts, importerPath(t1), scriptHeaders...)
			if code != 200 {
				t.Fatalf("the importer of the deleted file: %d, want 200 (Vite serves it)\n%s", code, body)
			}
			m := s.client().ModuleGraph.GetModuleByURL("/src/a.js")
			if m == nil || m.LastHMRTimestamp == 0 {
				t.Fatalf("the deleted module lost its node or its hot update timestamp: %+v", m)
			}
			aURL := fmt.Sprintf("/src/a.js?t=%d", m.LastHMRTimestamp)
			mustContain(t, "the importer of the deleted file", body, `from "`+aURL+`"`)
			if code, body, _ := get(t, ts, aURL, scriptHeaders...); code != 404 {
				t.Errorf("the deleted module: %d, want 404\n%s", code, body)
			}
			for _, p := range c.collect(300 * time.Millisecond) {
				if p["type"] == "error" {
					t.Errorf("a deleted import must not reach the error overlay: %v", p)
				}
			}
			if want := "Pre-transform error: Failed to load url /src/a.js (resolved id: " + aFile + ") in " + filepath.Join(root, "src/main.js") + ". Does the file exist?"; !strings.Contains(logs.String(), want) {
				t.Errorf("terminal lacks %q:\n%s", want, logs.String())
			}
			if strings.Contains(logs.String(), "Internal server error") {
				t.Errorf("terminal reports an internal server error:\n%s", logs.String())
			}

			// The file is back: the importer is updated again and loads it.
			if err := os.WriteFile(aFile, []byte("export const a = 'A2'\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			t2 := expectUpdate("a.js created again")
			body = getOK(t, ts, importerPath(t2), scriptHeaders...)
			m = s.client().ModuleGraph.GetModuleByURL("/src/a.js")
			aURL = fmt.Sprintf("/src/a.js?t=%d", m.LastHMRTimestamp)
			mustContain(t, "the importer once a.js is back", body, `from "`+aURL+`"`)
			mustContain(t, "a.js once back", getOK(t, ts, aURL, scriptHeaders...), "A2")
		})
	}
}

// Soft invalidation stops at the importer's own changes (Vite): the importer of a deleted file that is
// edited itself is transformed again, so its import fails to resolve (500 and the overlay, as for a
// syntax error); a syntax error in the imported module still fails that module's request.
func TestEditedImporterOfDeletedFileFailsToResolve(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/main.js": "import { a } from './a.js'\nconsole.log(a)\nimport.meta.hot.accept()\n",
		"src/a.js":    "export const a = 1\n",
		"src/b.ts":    "export const b = 1\n",
		"src/c.js":    "import { b } from './b.ts'\nconsole.log(b)\nimport.meta.hot.accept()\n",
	})
	s, ts := newServerWith(t, root, false, Options{}, nil)
	for _, p := range []string{"/src/main.js", "/src/a.js", "/src/c.js", "/src/b.ts"} {
		getOK(t, ts, p, scriptHeaders...)
	}
	c := readPayloads(hmrClient(t, s, ts))

	os.Remove(filepath.Join(root, "src/a.js"))
	c.next(t)
	os.WriteFile(filepath.Join(root, "src/main.js"), []byte("import { a } from './a.js'\nconsole.log(a, 2)\nimport.meta.hot.accept()\n"), 0o644)
	c.next(t)
	code, body, _ := get(t, ts, "/src/main.js?t=2", scriptHeaders...)
	if code != 500 || !strings.Contains(body, `Failed to resolve import "./a.js" from "src/main.js". Does the file exist?`) {
		t.Errorf("the edited importer of a deleted file: %d, want 500 failing to resolve it\n%s", code, body)
	}
	if !hasErrorPayload(c.collect(300 * time.Millisecond)) {
		t.Errorf("the failed import did not reach the overlay")
	}

	os.WriteFile(filepath.Join(root, "src/b.ts"), []byte("export const b = ;\n"), 0o644)
	c.next(t)
	body = getOK(t, ts, "/src/c.js?t=3", scriptHeaders...)
	mustContain(t, "the importer of a module with a syntax error", body, `from "/src/b.ts?t=`)
	if code, body, _ := get(t, ts, "/src/b.ts?t=3", scriptHeaders...); code != 500 {
		t.Errorf("a module with a syntax error: %d, want 500\n%s", code, body)
	}
	if !hasErrorPayload(c.collect(300 * time.Millisecond)) {
		t.Errorf("the syntax error did not reach the overlay")
	}
}

func hasErrorPayload(ps []map[string]any) bool {
	for _, p := range ps {
		if p["type"] == "error" {
			return true
		}
	}
	return false
}

// An importer that accepts a dependency's updates is not invalidated by them (Vite's
// invalidateModule stops there): its transform and its importers' stay as they were, so the next
// request for it does not transform it again. A module between them that does not accept is still
// invalidated softly.
func TestAcceptingImporterKeepsItsTransform(t *testing.T) {
	root := writeProject(t, map[string]string{
		"src/app.js":  "import './main.js'\n",
		"src/main.js": "import { b } from './b.js'\nconsole.log(b)\nimport.meta.hot.accept('./b.js', () => {})\n",
		"src/b.js":    "import { a } from './a.js'\nexport const b = a\n",
		"src/a.js":    "export const a = 1\n",
	})
	s, ts := newServerWith(t, root, false, Options{}, nil)
	for _, p := range []string{"/src/app.js", "/src/main.js", "/src/b.js", "/src/a.js"} {
		getOK(t, ts, p, scriptHeaders...)
	}
	c := readPayloads(hmrClient(t, s, ts))
	if err := os.WriteFile(filepath.Join(root, "src/a.js"), []byte("export const a = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	msg := c.next(t)
	ups, _ := msg["updates"].([]any)
	if msg["type"] != "update" || len(ups) != 1 || ups[0].(map[string]any)["path"] != "/src/main.js" || ups[0].(map[string]any)["acceptedPath"] != "/src/b.js" {
		t.Fatalf("editing a.js: %v, want an update of /src/b.js accepted by /src/main.js", msg)
	}
	g := s.client().ModuleGraph
	state := func(url string) invalidationState {
		m := g.GetModuleByURL(url)
		g.mu.Lock()
		defer g.mu.Unlock()
		return m.invalidation
	}
	for url, want := range map[string]invalidationState{
		"/src/a.js":    invalidatedHard,
		"/src/b.js":    invalidatedSoft,
		"/src/main.js": notInvalidated,
		"/src/app.js":  notInvalidated,
	} {
		if got := state(url); got != want {
			t.Errorf("%s: invalidation %v, want %v", url, got, want)
		}
	}
}

// After a hot update (here a full reload: main.js accepts nothing), the page asks for the updated
// script with the update's ?t=, as Vite's dev HTML transform does; a script no update reached keeps
// its URL.
func TestPageScriptCarriesLastHMRTimestamp(t *testing.T) {
	for _, base := range []string{"/", "/app/"} {
		t.Run("base "+base, func(t *testing.T) {
			root := writeProject(t, map[string]string{
				"index.html":   `<!doctype html><html><head><script type="module" src="/src/main.js"></script><script type="module" src="./src/other.js"></script></head><body></body></html>`,
				"src/main.js":  "console.log(1)\n",
				"src/other.js": "console.log(2)\n",
			})
			s, ts := newServerWith(t, root, false, Options{}, func(uc *config.UserConfig) { uc.Base = base })
			page := getOK(t, ts, base)
			mustContain(t, "the page before any update", page, `src="`+base+`src/main.js"`)
			getOK(t, ts, base+"src/main.js", scriptHeaders...)
			getOK(t, ts, base+"src/other.js", scriptHeaders...)
			c := readPayloads(hmrClient(t, s, ts))
			if err := os.WriteFile(filepath.Join(root, "src/main.js"), []byte("console.log(3)\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if msg := c.next(t); msg["type"] != "full-reload" {
				t.Fatalf("editing main.js: %v, want a full reload", msg)
			}
			m := s.client().ModuleGraph.GetModuleByURL("/src/main.js")
			want := fmt.Sprintf(`src="%ssrc/main.js?t=%d"`, base, m.LastHMRTimestamp)
			page = getOK(t, ts, base)
			mustContain(t, "the page after the update", page, want)
			mustContain(t, "the page after the update", page, `src="`+base+`src/other.js"`)
		})
	}
}
