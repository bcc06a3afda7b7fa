package server

import (
	"path/filepath"
	"strings"

	"github.com/govite/govite/internal/glob"
	"github.com/govite/govite/internal/jslex"
	"github.com/govite/govite/internal/sourcemap"
)

// transformGlobs replaces each import.meta.glob(patterns, options) call with an object of the matching
// files (Vite's vite:import-glob): lazy `() => import(...)` functions, or with eager: true, static
// imports. The build rewrites calls through the same package glob. It returns the absolute patterns,
// so adding or removing a matching file updates the module.
func (e *DevEnvironment) transformGlobs(m *ModuleNode, code string, mapJSON []byte) (string, []byte, []string, error) {
	lex, err := jslex.Parse(code)
	if err != nil {
		return code, mapJSON, nil, nil // the import analysis reports it
	}
	importerDir := e.config.Root
	if m.File != "" {
		importerDir = filepath.Dir(m.File)
	}
	var edits []sourcemap.Edit
	var prelude strings.Builder
	var allGlobs []string
	for n, call := range glob.FindImportGlobs(code, lex.Imports) {
		if call.Err != nil {
			return "", nil, nil, codeError(e.config.Root, m.File, code, call.Start, "import.meta.glob(): "+call.Err.Error(), "vite:import-glob")
		}
		files, absGlobs, err := glob.ExpandImportGlob(e.config.Root, importerDir, call.Patterns, call.Options, e.resolver.aliases.Apply)
		if err != nil {
			return "", nil, nil, codeError(e.config.Root, m.File, code, call.Start, "import.meta.glob(): "+err.Error(), "vite:import-glob")
		}
		allGlobs = append(allGlobs, absGlobs...)
		obj, imports := glob.ImportGlobObject(n, files, call.Options)
		prelude.WriteString(imports)
		edits = append(edits, sourcemap.Edit{Start: call.Start, End: call.End, Text: obj})
	}
	if prelude.Len() > 0 {
		edits = append(edits, sourcemap.Edit{Start: 0, End: 0, Text: prelude.String()})
	}
	out, outMap, err := sourcemap.Apply(code, mapJSON, edits)
	return out, outMap, allGlobs, err
}

// globFiles lists the files matching an absolute pattern ("/abs/src/**/*.ts"); the build expands
// dynamic imports with variables through the same package.
func globFiles(root, pattern string) ([]string, error) { return glob.Files(root, pattern) }

// globMatch matches a slash-separated path against a glob with *, **, ?, [...] and {a,b}.
func globMatch(pattern, name string) bool { return glob.Match(pattern, name) }
