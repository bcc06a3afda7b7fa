package fsresolve

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFile(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.js", "b.ts", "c/index.tsx", "d.tsx", "pkg/package.json", "pkg/index.js"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, nil, 0o644)
	}
	exts := []string{".mjs", ".js", ".mts", ".ts", ".jsx", ".tsx", ".json"}
	for spec, want := range map[string]string{
		"./a.js": "a.js", "./a": "a.js", "./b": "b.ts", "./b.js": "b.ts", "./c": "c/index.tsx", "./d.jsx": "d.tsx",
		filepath.Join(dir, "a"): "a.js",
	} {
		got, ok := File(spec, dir, exts)
		if !ok || got != filepath.Join(dir, want) {
			t.Errorf("File(%q) = %q, %v; want %s", spec, got, ok, want)
		}
	}
	for _, spec := range []string{"./missing", "react", "./pkg"} {
		if got, ok := File(spec, dir, exts); ok {
			t.Errorf("File(%q) = %q, want not found", spec, got)
		}
	}
}
