package server

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govite/govite/internal/config"
)

// handleHotUpdate, the hook of plugins written before Vite's Environment API, runs once per change to
// an existing file, in the client environment, with Vite's { file, timestamp, modules, read, server }
// context; what it returns replaces the modules the client updates. A plugin that also has hotUpdate
// gets only that one, as in Vite.
func TestHandleHotUpdateFromConfigPlugin(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":   `<script type="module" src="/src/main.js"></script>`,
		"src/main.js":  "import './notes.js'\nimport './plain.js'\n",
		"src/notes.js": "export const notes = 1\n",
		"src/plain.js": "export const plain = 1\nimport.meta.hot.accept()\n",
		"vite.config.js": `import path from 'node:path'
export default {
  plugins: [
    {
      name: 'legacy',
      async handleHotUpdate(ctx) {
        const text = await ctx.read()
        ctx.server.ws.send({ type: 'custom', event: 'legacy', data: {
          file: path.basename(ctx.file), type: typeof ctx.timestamp, text,
          modules: ctx.modules.map((m) => path.basename(m.id) + ':' + path.basename(m.file)),
        } })
        if (ctx.file.endsWith('notes.js')) return []
      },
    },
    {
      name: 'both',
      hotUpdate(options) {
        if (this.environment.name === 'client') options.server.ws.send('both:hotUpdate', path.basename(options.file))
      },
      handleHotUpdate() { throw new Error('handleHotUpdate must not run beside hotUpdate') },
    },
  ],
}
`,
	})
	s, ts := newServerWith(t, root, true, Options{}, nil)
	payloads := readPayloads(hmrClient(t, s, ts))
	for _, u := range []string{"/src/main.js", "/src/notes.js", "/src/plain.js"} {
		getOK(t, ts, u)
	}
	type legacy struct {
		File, Type, Text string
		Modules          []string
	}
	events := func(d time.Duration) (legacies []legacy, both []string, updates []string, reloads int) {
		for _, m := range payloads.collect(d) {
			switch {
			case m["type"] == "custom" && m["event"] == "legacy":
				var l legacy
				b, _ := json.Marshal(m["data"])
				json.Unmarshal(b, &l)
				legacies = append(legacies, l)
			case m["type"] == "custom" && m["event"] == "both:hotUpdate":
				both = append(both, m["data"].(string))
			case m["type"] == "update":
				for _, u := range m["updates"].([]any) {
					updates = append(updates, u.(map[string]any)["path"].(string))
				}
			case m["type"] == "full-reload":
				reloads++
			}
		}
		return
	}

	// The hook handles notes.js itself: its event, and no update or reload.
	time.Sleep(50 * time.Millisecond)
	os.WriteFile(filepath.Join(root, "src/notes.js"), []byte("export const notes = 2\n"), 0o644)
	legacies, both, updates, reloads := events(1500 * time.Millisecond)
	want := legacy{File: "notes.js", Type: "number", Text: "export const notes = 2\n", Modules: []string{"notes.js:notes.js"}}
	if len(legacies) != 1 || legacies[0].File != want.File || legacies[0].Type != want.Type || legacies[0].Text != want.Text ||
		strings.Join(legacies[0].Modules, ",") != strings.Join(want.Modules, ",") {
		t.Errorf("handleHotUpdate for notes.js: %+v, want once %+v", legacies, want)
	}
	if len(both) != 1 || both[0] != "notes.js" {
		t.Errorf("hotUpdate of the plugin with both hooks: %v", both)
	}
	if len(updates) != 0 || reloads != 0 {
		t.Errorf("the client got updates %v and %d reloads for a change the hook handled", updates, reloads)
	}

	// Returning nothing keeps the modules: plain.js accepts itself.
	os.WriteFile(filepath.Join(root, "src/plain.js"), []byte("export const plain = 2\nimport.meta.hot.accept()\n"), 0o644)
	legacies, _, updates, _ = events(1500 * time.Millisecond)
	if len(legacies) != 1 || legacies[0].File != "plain.js" || strings.Join(updates, ",") != "/src/plain.js" {
		t.Errorf("plain.js: handleHotUpdate %+v, updates %v", legacies, updates)
	}

	// A created file is not a handleHotUpdate event (hotUpdate sees it).
	os.WriteFile(filepath.Join(root, "src/created.js"), []byte("export const c = 1\n"), 0o644)
	legacies, both, _, _ = events(1500 * time.Millisecond)
	if len(legacies) != 0 || len(both) != 1 || both[0] != "created.js" {
		t.Errorf("a created file: handleHotUpdate %+v, hotUpdate %v", legacies, both)
	}
}

// A hotUpdate hook that transforms the changed module again (environment.TransformRequest, as
// vite-plugin-svelte does to compare outputs) gets the file's new contents: the file's modules lose
// their transforms before the hooks run, as in Vite.
func TestHotUpdateHookTransformsTheNewFile(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html": `<script type="module" src="/src/a.js"></script>`,
		"src/a.js":   "export const v = 'old'\n",
	})
	seen := make(chan string, 4)
	s, ts := newTestServer(t, root, func(c *config.UserConfig) {
		c.Plugins = append(c.Plugins, &config.Plugin{
			Name: "retransform",
			HotUpdate: func(ctx *config.PluginContext, o *config.HotUpdateOptions) ([]string, error) {
				if ctx.EnvironmentName() != "client" {
					return nil, nil
				}
				code, err := ctx.Environment.TransformRequest(context.Background(), o.File) // an absolute path, as Svelte's plugin passes
				if err != nil {
					code = "error: " + err.Error()
				}
				seen <- code
				return nil, nil
			},
		})
	})
	readPayloads(hmrClient(t, s, ts))
	getOK(t, ts, "/src/a.js")
	time.Sleep(50 * time.Millisecond)
	os.WriteFile(filepath.Join(root, "src/a.js"), []byte("export const v = 'new'\n"), 0o644)
	select {
	case code := <-seen:
		if !strings.Contains(code, "'new'") {
			t.Errorf("the hook's transform of a.js is not the new file:\n%s", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the hotUpdate hook did not run")
	}
}
