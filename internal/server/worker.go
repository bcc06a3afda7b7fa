package server

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/govite/govite/internal/fsresolve"
	"github.com/govite/govite/internal/jslex"
	"github.com/govite/govite/internal/sourcemap"
)

// Web workers in dev, as Vite serves them: a worker is always a module worker loaded from the dev
// server, whose own imports are served and transformed like any module. Its URL carries
// "worker_file&type=module" (or classic), which makes the server put the define globals
// (/@vite/env) in front of it, since a worker does not share the page's globals.

// workerQuery reports whether a module's query asks for a worker constructor (?worker,
// ?sharedworker) and which one.
func workerQuery(query string) (constructor string, ok bool) {
	switch {
	case hasQueryParam(query, "sharedworker"):
		return "SharedWorker", true
	case hasQueryParam(query, "worker"):
		return "Worker", true
	}
	return "", false
}

// workerFileURL is the URL a worker script is loaded from: the file's URL with the rest of the import's
// query, and worker_file&type= first.
func (e *DevEnvironment) workerFileURL(file, query, workerType string) string {
	var kept []string
	for _, part := range strings.Split(query, "&") {
		k, _, _ := strings.Cut(part, "=")
		switch k {
		case "", "worker", "sharedworker", "inline", "url":
			continue
		}
		kept = append(kept, part)
	}
	u := e.assetURL(file)
	if len(kept) > 0 {
		u += "?" + strings.Join(kept, "&")
	}
	return injectQuery(u, "worker_file&type="+workerType)
}

// workerModule is the module a ?worker or ?sharedworker import gets: a function that starts the worker
// (with ?url, the worker's URL). In dev ?inline starts the worker from its URL too, as in Vite.
func (e *DevEnvironment) workerModule(file, query, constructor string) string {
	u := e.workerFileURL(file, query, "module")
	if hasQueryParam(query, "url") {
		return "export default " + strconv.Quote(u)
	}
	return fmt.Sprintf("export default function WorkerWrapper(options) {\n"+
		"  return new %s(%s, { type: \"module\", name: options?.name });\n}\n", constructor, strconv.Quote(u))
}

// workerFilePrelude is what a worker script served with worker_file gets in front of it: the define
// globals, imported (module worker) or loaded with importScripts (classic worker).
func (e *DevEnvironment) workerFilePrelude(m *ModuleNode) string {
	_, query := splitQuery(m.URL)
	if !hasQueryParam(query, "worker_file") || e.Consumer != "client" {
		return ""
	}
	env := e.config.Base + strings.TrimPrefix(envPath, "/")
	switch queryParam(query, "type") {
	case "module":
		return fmt.Sprintf("import %q;\n", env)
	case "classic":
		return fmt.Sprintf("importScripts(%q);\n", env)
	}
	return ""
}

func queryParam(q, name string) string {
	for _, part := range strings.Split(q, "&") {
		if k, v, _ := strings.Cut(part, "="); k == name {
			return v
		}
	}
	return ""
}

// transformImportMetaURLs is Vite's vite:worker-import-meta-url and vite:asset-import-meta-url in dev:
// new Worker(new URL('./w.js', import.meta.url)) loads the worker from the dev server with
// worker_file (so it gets /@vite/env), and new URL('./x.png', import.meta.url) points at the file's
// served URL (resolve.alias and server.origin applied), or is the data URL of a small SVG; deps are
// the files whose contents the URLs depend on.
func (e *DevEnvironment) transformImportMetaURLs(m *ModuleNode, code string, mapJSON []byte) (_ string, _ []byte, deps []string, _ error) {
	lex, err := jslex.Parse(code)
	if err != nil {
		return code, mapJSON, nil, nil // the import analysis reports it
	}
	var edits []sourcemap.Edit
	for _, u := range jslex.FindImportMetaURLs(code, lex.Imports) {
		if u.Template {
			if u.Worker {
				return "", nil, nil, codeError(e.config.Root, m.File, code, u.Start, "`new URL(url, import.meta.url)` is not supported in dynamic template string.", "vite:worker-import-meta-url")
			}
			continue // resolved by the browser, relative to the module's URL
		}
		if u.Ignored && !u.Worker || strings.HasPrefix(u.Spec, "data:") || strings.Contains(u.Spec, "://") ||
			u.Spec == "." || u.Spec == ".." || strings.HasSuffix(u.Spec, "/") {
			continue // left for the browser: a data: or remote URL, a folder's URL
		}
		file, query, public := e.importMetaURLFile(m, u.Spec)
		if file == "" {
			continue
		}
		var expr string
		switch {
		case u.Worker:
			expr = fmt.Sprintf("new URL(/* @vite-ignore */ %s, '' + import.meta.url)", strconv.Quote(e.workerFileURL(file, query, u.WorkerType)))
		default:
			suffix := ""
			if query != "" {
				suffix = "?" + query
			}
			// A small SVG becomes a data URL (Vite's fileToDevUrl), and the module depends on it.
			url, read := e.inlineDevAsset(file, suffix)
			if read && !slices.Contains(deps, file) {
				deps = append(deps, file)
			}
			switch {
			case url != "":
			case public != "":
				url = e.server.origin + e.config.Base + strings.TrimPrefix(public, "/") + suffix
			default:
				url = e.assetURL(file) + suffix
			}
			expr = fmt.Sprintf("new URL(%s, '' + import.meta.url)", strconv.Quote(url))
		}
		edits = append(edits, sourcemap.Edit{Start: u.Start, End: u.End, Text: expr})
	}
	if len(edits) == 0 {
		return code, mapJSON, deps, nil
	}
	code, mapJSON, err = sourcemap.Apply(code, mapJSON, edits)
	return code, mapJSON, deps, err
}

// importMetaURLFile resolves the path of a new URL(path, import.meta.url): relative to the module,
// through resolve.alias and the resolver, or in publicDir for "/..." paths (public is then that path).
// It returns "" for a file that does not exist (left for the browser to resolve).
func (e *DevEnvironment) importMetaURLFile(m *ModuleNode, spec string) (file, query, public string) {
	clean, query := splitQuery(spec)
	importer := m.File
	if importer == "" {
		importer = filepath.Join(e.config.Root, "index.html")
	}
	if strings.HasPrefix(clean, ".") {
		if f, ok := fsresolve.File(clean, filepath.Dir(importer), e.resolver.extensions); ok {
			return f, query, ""
		}
		return "", "", ""
	}
	if strings.HasPrefix(clean, "/") {
		if f := e.server.publicFile(clean); f != "" {
			return f, query, clean
		}
		if f, ok := fsresolve.File(filepath.Join(e.config.Root, filepath.FromSlash(clean)), e.config.Root, e.resolver.extensions); ok {
			return f, query, ""
		}
	}
	if f, err := e.resolver.resolveFile(clean, importer); err == nil {
		return f, query, ""
	}
	return "", "", ""
}
