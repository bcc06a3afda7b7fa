package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A server build runs on the engine from its output directory: relative chunk imports, dynamic
// imports, and a clear error for an import the engine cannot load.
func TestBuiltRunner(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"entry-server.js":      "import { shared } from './assets/shared-abc.js'\nexport function render(url) { return shared('<p>' + url + '</p>') }\nexport async function lazy() { return (await import('./assets/lazy-def.js')).value }\n",
		"assets/shared-abc.js": "export const shared = (s) => '[' + s + ']'\n",
		"assets/lazy-def.js":   "import { shared } from './shared-abc.js'\nexport const value = shared('lazy')\n",
		"external.js":          "import React from 'react'\nexport default React\n",
	}
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(src), 0o644)
	}
	ctx := context.Background()
	r, err := ImportBuilt(ctx, NewBuiltHost(dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m, err := r.Import(ctx, "entry-server.js")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := m.Call(ctx, "render", "/x"); err != nil || v != "[<p>/x</p>]" {
		t.Errorf("render = %v, %v", v, err)
	}
	if v, err := m.Call(ctx, "lazy"); err != nil || v != "[lazy]" {
		t.Errorf("lazy = %v, %v", v, err)
	}
	_, err = r.Import(ctx, "external.js")
	if err == nil || !strings.Contains(err.Error(), `"react"`) || !strings.Contains(err.Error(), "noExternal") {
		t.Errorf("a bare import in a server build: %v", err)
	}
}
