package build

import (
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/glob"
	"github.com/govite/govite/internal/jslex"
)

// tsconfigRaw is the tsconfig a transform of file follows (the build's JSX options win over it).
func (b *builder) tsconfigRaw(file string) string {
	if raw := b.cfg.Esbuild.TsconfigRaw(file, b.cfg.Root); raw != "" {
		return raw
	}
	return "{}" // no tsconfig: not the one esbuild would look for on disk either
}

// toJS turns TS and JSX into JavaScript (with an inline source map back to code) for the lexer,
// which reads JS only; false when esbuild cannot parse code.
func (b *builder) toJS(code, importer string, loader api.Loader) (string, bool) {
	if loader == api.LoaderJS {
		return code, true
	}
	r := api.Transform(code, api.TransformOptions{
		Loader: loader, Sourcefile: importer, Sourcemap: api.SourceMapInline, SourcesContent: api.SourcesContentInclude,
		JSX: b.jsxMode(), JSXImportSource: b.cfg.Esbuild.JSXImportSource, JSXFactory: b.cfg.Esbuild.JSXFactory,
		JSXFragment: b.cfg.Esbuild.JSXFragment, TsconfigRaw: b.tsconfigRaw(importer), Format: api.FormatDefault,
	})
	if len(r.Errors) > 0 {
		return "", false
	}
	return string(r.Code), true
}

// transformGlobs replaces each import.meta.glob(patterns, options) call of a module with the object of
// the files it matches, as the dev server does (both through package glob): lazy
// `() => import("./x.js")` functions, which wrapDynamicImports then routes through the preload helper
// and esbuild splits into dynamic chunks, or with eager: true static imports bundled with the module.
// TS and JSX are turned into JS first, since the lexer reads JS. A call with bad arguments is an error
// at the call.
func (b *builder) transformGlobs(code, importer string, loader api.Loader) (string, api.Loader, []api.Message) {
	if loader == api.LoaderJSON || !strings.Contains(code, "import.meta.glob") {
		return code, loader, nil
	}
	js, ok := b.toJS(code, importer, loader)
	if !ok {
		return code, loader, nil // esbuild reports the error with its location when it parses the original
	}
	lex, err := jslex.Parse(js)
	if err != nil {
		return code, loader, nil // esbuild reports the syntax error with its location
	}
	calls := glob.FindImportGlobs(js, lex.Imports)
	if len(calls) == 0 {
		return code, loader, nil
	}
	var out, imports strings.Builder
	last := 0
	for n, call := range calls {
		if call.Err != nil {
			return code, loader, []api.Message{b.globError(js, importer, call.Start, call.Err)}
		}
		files, _, err := glob.ExpandImportGlob(b.cfg.Root, filepath.Dir(importer), call.Patterns, call.Options, b.aliases.Apply)
		if err != nil {
			return code, loader, []api.Message{b.globError(js, importer, call.Start, err)}
		}
		obj, imp := glob.ImportGlobObject(n, files, call.Options)
		imports.WriteString(imp)
		out.WriteString(js[last:call.Start])
		out.WriteString(obj)
		last = call.End
	}
	out.WriteString(js[last:])
	// The imports go first on the first line, so the other lines keep their numbers.
	return imports.String() + out.String(), api.LoaderJS, nil
}

// globError is the build error for a call at offset of code, with its place, as the dev server
// reports it.
func (b *builder) globError(code, importer string, offset int, err error) api.Message {
	lineStart := strings.LastIndexByte(code[:offset], '\n') + 1
	lineEnd := strings.IndexByte(code[offset:], '\n')
	if lineEnd < 0 {
		lineEnd = len(code) - offset
	}
	return api.Message{
		PluginName: "vite:import-glob",
		Text:       "import.meta.glob(): " + err.Error(),
		Location: &api.Location{
			File: b.relKey(importer), Line: strings.Count(code[:offset], "\n") + 1, Column: offset - lineStart,
			LineText: code[lineStart : offset+lineEnd],
		},
	}
}
