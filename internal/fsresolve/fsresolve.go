// Package fsresolve resolves relative and absolute import paths of a project's own files with a few
// stat calls. esbuild's resolver, reached through PluginBuild.Resolve, builds a fresh resolver with an
// uncached view of the file system for every call and lists each parent directory again; for the
// thousands of "./Component.jsx" imports of an app that dominated the dev server's time. Package
// paths (bare imports) and files inside node_modules still go to esbuild, which knows the exports,
// browser and main fields.
package fsresolve

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// jsToTS maps a JavaScript extension to the TypeScript ones an import may mean (TypeScript projects
// import "./x.js" for x.ts).
var jsToTS = map[string][]string{".js": {".ts", ".tsx"}, ".jsx": {".tsx"}, ".mjs": {".mts"}, ".cjs": {".cts"}}

// File resolves spec ("./a", "../b.js", "/abs/c") from dir to an existing file: as written, then with
// each extension, then the TypeScript counterpart of a .js path, then dir/index with each extension.
// ok is false when none exists (or spec is not a relative or absolute path).
func File(spec, dir string, extensions []string) (string, bool) {
	var p string
	switch {
	case strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") || spec == "." || spec == "..":
		p = filepath.Join(dir, filepath.FromSlash(spec))
	case filepath.IsAbs(spec):
		p = filepath.Clean(spec)
	default:
		return "", false
	}
	if isFile(p) {
		return p, true
	}
	for _, ext := range extensions {
		if isFile(p + ext) {
			return p + ext, true
		}
	}
	ext := filepath.Ext(p)
	for _, ts := range jsToTS[ext] {
		if q := strings.TrimSuffix(p, ext) + ts; isFile(q) {
			return q, true
		}
	}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		if _, err := os.Stat(filepath.Join(p, "package.json")); err == nil {
			return "", false // a folder with a package.json: its main field decides
		}
		for _, ext := range extensions {
			if q := filepath.Join(p, "index"+ext); isFile(q) {
				return q, true
			}
		}
	}
	return "", false
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// Loader is the esbuild loader for a script file by its extension: TypeScript, TSX, JSX, otherwise
// JavaScript. The config loader and the dependency scan read files with it.
func Loader(file string) api.Loader {
	switch filepath.Ext(file) {
	case ".ts", ".mts", ".cts":
		return api.LoaderTS
	case ".tsx":
		return api.LoaderTSX
	case ".jsx":
		return api.LoaderJSX
	}
	return api.LoaderJS
}
