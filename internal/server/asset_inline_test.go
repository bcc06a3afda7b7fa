package server

// An asset imported by its default export alone (`import logo from './logo.png'`) has its URL
// written into the importer instead of an import of "/src/logo.png?import", a module that would only
// export that URL: the page makes one request less per asset and gets the same value. Every other
// form keeps Vite's import, and the ?import module is still served.

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/govite/govite/internal/config"
)

func assetInlineProject(t *testing.T) string {
	return writeProject(t, map[string]string{
		"index.html": `<script type="module" src="/src/main.js"></script>`,
		"src/main.js": "console.log(early)\n" +
			"import logo from './logo.png'\n" +
			"import semi from './semi.png';\n" +
			"import attrs from './attrs.png' with { type: 'png' };\n" +
			"import * as ns from './ns.png'\n" +
			"import { default as named } from './named.png'\n" +
			"import both, * as bothNS from './both.png'\n" +
			"import withQuery from './logo.png?url'\n" +
			"import plugged from './plugged.png'\n" +
			"import early from './early.png'\n" +
			"export { default as again } from './again.png'\n" +
			"console.log(logo, semi, attrs, ns, named, both, bothNS, withQuery, plugged, import('./dyn.png'))\n",
		"src/comp.js":     "import logo from './logo.png'\nexport const src = logo\nimport.meta.hot.accept()\n",
		"src/other.js":    "import * as ns from './logo.png'\nexport const src = ns.default\nimport.meta.hot.accept()\n",
		"src/logo.png":    pngBytes,
		"src/ns.png":      pngBytes,
		"src/named.png":   pngBytes,
		"src/both.png":    pngBytes,
		"src/again.png":   pngBytes,
		"src/dyn.png":     pngBytes,
		"src/semi.png":    pngBytes,
		"src/attrs.png":   pngBytes,
		"src/early.png":   pngBytes,
		"src/plugged.png": pngBytes,
	})
}

func TestDefaultImportOfAnAssetIsItsURL(t *testing.T) {
	s, ts := newTestServer(t, assetInlineProject(t), func(uc *config.UserConfig) {
		uc.Plugins = append(uc.Plugins, &config.Plugin{
			Name: "plugged",
			Transform: func(ctx *config.PluginContext, code, id string) (*config.TransformResult, error) {
				if !strings.HasSuffix(id, "plugged.png") {
					return nil, nil
				}
				return &config.TransformResult{Code: code + "\nexport const width = 10\n"}, nil
			},
		})
	})
	main := getOK(t, ts, "/src/main.js")
	mustContain(t, "main.js", main,
		`const logo = "/src/logo.png";`, `const early = "/src/early.png";`, `const semi = "/src/semi.png";`,
		`import attrs from "/src/attrs.png?import" with { type: 'png' };`,
		`import * as ns from "/src/ns.png?import"`, `import { default as named } from "/src/named.png?import"`,
		`import both, * as bothNS from "/src/both.png?import"`, `import withQuery from "/src/logo.png?import&url"`,
		`import plugged from "/src/plugged.png?import"`, `export { default as again } from "/src/again.png?import"`,
		`import("/src/dyn.png?import")`)
	if strings.Contains(main, "import logo") || strings.Contains(main, `"/src/logo.png?import"`) {
		t.Errorf("the default import of logo.png is still an import:\n%s", main)
	}
	// The constants come before the module's own code, where import bindings are ready too.
	if i, j := strings.Index(main, `const early =`), strings.Index(main, "console.log(early)"); i < 0 || i > j {
		t.Errorf("early's constant is not declared before its first use:\n%s", main)
	}

	// The graph still has the edge, and the ?import module is served as before.
	env := s.Environments["client"]
	m := env.ModuleGraph.GetModuleByURL("/src/main.js")
	logo := env.ModuleGraph.GetModuleByURL("/src/logo.png")
	if m == nil || logo == nil || !m.ImportedModules[logo] || !logo.Importers[m] || !m.InlinedAssets[logo] {
		t.Fatalf("main.js -> logo.png edge missing: %+v", m)
	}
	if body := getOK(t, ts, "/src/logo.png?import"); firstLine(body) != `export default "/src/logo.png"` {
		t.Errorf("/src/logo.png?import: %q", firstLine(body))
	}
}

// A change to an inlined asset reaches its importer as a change to an import does, and the importer
// served again carries the asset's new URL (?t=, as Vite's asset module gets it after a hot update).
func TestInlinedAssetChangeUpdatesTheImporter(t *testing.T) {
	root := assetInlineProject(t)
	s, ts := newTestServer(t, root, nil)
	payloads := readPayloads(hmrClient(t, s, ts))
	mustContain(t, "comp.js", getOK(t, ts, "/src/comp.js"), `const logo = "/src/logo.png";`)
	mustContain(t, "other.js", getOK(t, ts, "/src/other.js"), `import * as ns from "/src/logo.png?import"`)
	getOK(t, ts, "/src/logo.png?import")

	time.Sleep(50 * time.Millisecond)
	if err := os.WriteFile(filepath.Join(root, "src/logo.png"), []byte(pngBytes+"changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	msg := payloads.next(t)
	ups, _ := msg["updates"].([]any)
	paths := map[string]bool{}
	for _, u := range ups {
		paths[u.(map[string]any)["path"].(string)] = true
	}
	if msg["type"] != "update" || !paths["/src/comp.js"] || !paths["/src/other.js"] {
		t.Fatalf("logo.png change: %v", msg)
	}
	ts1 := regexp.MustCompile(`/src/logo\.png\?t=(\d+)`)
	comp := getOK(t, ts, "/src/comp.js?t=1")
	got := ts1.FindStringSubmatch(comp)
	if got == nil || !strings.Contains(comp, `const logo = "/src/logo.png?t=`+got[1]+`";`) {
		t.Fatalf("comp.js after the change has no new URL for logo.png:\n%s", comp)
	}
	// The importer that keeps its import asks for the module again (softly invalidated, its import
	// gets the timestamp first, as in Vite), which has the same URL.
	mustContain(t, "other.js after the change", getOK(t, ts, "/src/other.js?t=1"), `"/src/logo.png?t=`+got[1]+`&import"`)
	mustContain(t, "logo.png?import after the change", getOK(t, ts, "/src/logo.png?import&t="+got[1]),
		`export default "/src/logo.png?t=`+got[1]+`"`)
}
