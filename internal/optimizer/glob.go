package optimizer

import (
	"path/filepath"
	"strings"

	"github.com/govite/govite/internal/glob"
)

// globImports returns `import()` statements for the files the import.meta.glob calls of code match,
// so that the scan follows them as Vite's scanner does (it transforms the globs first). The calls are
// read and expanded by package glob, as the dev server and the build do; a call whose arguments are
// not literals is left to the dev server to report.
func (o *Optimizer) globImports(code, file string) string {
	var b strings.Builder
	seen := map[string]bool{}
	for i := 0; ; {
		j := strings.Index(code[i:], "import.meta.glob")
		if j < 0 {
			break
		}
		start := i + j
		i = start + len("import.meta")
		call, ok := glob.ReadImportGlob(code, start, i)
		if !ok || call.Err != nil {
			continue
		}
		files, _, err := glob.ExpandImportGlob(o.opts.Root, filepath.Dir(file), call.Patterns, call.Options, o.applyAlias)
		if err != nil {
			continue
		}
		for _, f := range files {
			if f.File != file && !seen[f.File] {
				seen[f.File] = true
				b.WriteString("\n;import(" + jsonString(f.File) + ");")
			}
		}
	}
	return b.String()
}
