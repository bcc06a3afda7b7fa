package server

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/govite/govite/internal/glob"
	"github.com/govite/govite/internal/jslex"
	"github.com/govite/govite/internal/sourcemap"
)

// transformDynamicImportVars is Vite's vite:dynamic-import-vars in dev: import(`./dir/${name}.js`)
// becomes a call of the lookup helper with an import.meta.glob of the files the template can name,
// which transformGlobs then expands like any glob (so a file added to the folder updates the module).
// Templates that cannot be analyzed are warned about and left as they are.
func (e *DevEnvironment) transformDynamicImportVars(m *ModuleNode, code string, mapJSON []byte) (string, []byte, error) {
	if !glob.MayHaveDynamicImports(code) {
		return code, mapJSON, nil
	}
	lex, err := jslex.Parse(code)
	if err != nil {
		return code, mapJSON, nil // the import analysis reports it
	}
	importerDir := e.config.Root
	if m.File != "" {
		importerDir = filepath.Dir(m.File)
	}
	sites := glob.FindDynamicImports(code, lex.Imports, importerDir, e.resolver.aliases.Apply, func(offset int, msg string) {
		e.config.Logger.Warn(fmt.Sprintf("warning: %s\n  Plugin: vite:dynamic-import-vars\n  File: %s", msg, m.File))
	})
	if len(sites) == 0 {
		return code, mapJSON, nil
	}
	edits := []sourcemap.Edit{{Start: 0, End: 0, Text: glob.HelperImport(glob.DynamicImportHelperID)}}
	for _, s := range sites {
		edits = append(edits, sourcemap.Edit{Start: s.Start, End: s.End, Text: s.Import.HelperCall(globCall(s.Import))})
	}
	return sourcemap.Apply(code, mapJSON, edits)
}

// globCall is the import.meta.glob call for a dynamic import's files, with its query; the modules of
// ?raw, ?url and ?worker imports are imported whole, as their value is their default export.
func globCall(d *glob.DynamicImport) string {
	pattern, _ := json.Marshal(d.Pattern)
	if d.Query == "" {
		return fmt.Sprintf("import.meta.glob(%s)", pattern)
	}
	opts := map[string]string{"query": d.Query}
	if d.Namespace {
		opts["import"] = "*"
	}
	o, _ := json.Marshal(opts)
	return fmt.Sprintf("import.meta.glob(%s, %s)", pattern, o)
}

// warnUnanalyzableImport is Vite's warning for an import(expr) that stays for the browser to resolve.
func (e *DevEnvironment) warnUnanalyzableImport(m *ModuleNode, code string, imp jslex.Import) {
	if m.File == "" || isInNodeModules(m.File) || jslex.HasViteIgnore(code[imp.Start:imp.End]) {
		return
	}
	if arg := strings.TrimSpace(code[imp.ArgStart:imp.ArgEnd]); strings.HasPrefix(arg, "`") && !strings.Contains(arg, "${") {
		return // a template without substitutions names one module, which the browser resolves
	}
	e.config.Logger.Warn(fmt.Sprintf("warning: %s\n%s\nThe above dynamic import cannot be analyzed by Vite.\n"+
		"See https://vite.dev/guide/features#dynamic-import for supported dynamic import formats. "+
		"If this is intended to be left as-is, you can use the /* @vite-ignore */ comment inside the import() call to suppress this warning.\n"+
		"  Plugin: vite:import-analysis\n  File: %s", m.File, code[imp.Start:imp.End], m.File))
}
