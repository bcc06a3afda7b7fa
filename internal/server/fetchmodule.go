package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/govite/govite/internal/sourcemap"
)

// FetchFunctionOptions are the options a module runner passes to fetchModule (Vite's
// FetchFunctionOptions).
type FetchFunctionOptions struct {
	// Cached is set when the runner has the module already: the answer is {cache: true} unless the
	// module changed since.
	Cached bool `json:"cached"`
	// StartOffset is the number of lines the runner puts before the module's code when it evaluates
	// it (its function wrapper); the inline source map is shifted by that much.
	StartOffset int `json:"startOffset"`
}

// FetchResult is fetchModule's answer, in one of Vite's three shapes: Cache; Externalize and Type
// (the runner imports the module itself); or Code, File, ID, URL and Invalidate.
type FetchResult struct {
	Cache bool
	// Externalize is a file:// URL, a builtin ("node:fs") or a network URL; Type is "module",
	// "commonjs", "builtin" or "network".
	Externalize string
	Type        string
	// Code is the module in the module-runner form (__vite_ssr_import__ and friends), with an inline
	// source map.
	Code string
	File string // the file on disk, "" for a virtual module
	ID   string // the module's id in the environment's module graph
	URL  string // the module's URL
	// Invalidate tells the runner to drop what it has for this module: it changed.
	Invalidate bool
}

// MarshalJSON writes the shape the runner expects.
func (r *FetchResult) MarshalJSON() ([]byte, error) {
	switch {
	case r.Cache:
		return json.Marshal(map[string]any{"cache": true})
	case r.Externalize != "":
		return json.Marshal(map[string]any{"externalize": r.Externalize, "type": r.Type})
	}
	var file any
	if r.File != "" {
		file = filepath.ToSlash(r.File)
	}
	return json.Marshal(map[string]any{"code": r.Code, "file": file, "id": r.ID, "url": r.URL, "invalidate": r.Invalidate})
}

// FetchModule is Vite's fetchModule: the module a runner asks for, transformed for this environment.
// url is a server URL ("/src/app.js"), a root-relative id, an absolute file path, a file:// URL or
// what a plugin resolves ("virtual:x"); all forms of one file give the same module. importer is the
// importing module's file or id, "" for an entry.
func (e *DevEnvironment) FetchModule(ctx context.Context, rawURL, importer string, opts FetchFunctionOptions) (*FetchResult, error) {
	switch {
	case strings.HasPrefix(rawURL, "data:") || isNodeBuiltin(rawURL):
		return &FetchResult{Externalize: rawURL, Type: "builtin"}, nil
	case strings.HasPrefix(rawURL, "http://") || strings.HasPrefix(rawURL, "https://"):
		return &FetchResult{Externalize: rawURL, Type: "network"}, nil
	case importer != "" && isBareImport(rawURL):
		// Import analysis leaves only externalized dependencies bare: the runner loads them itself.
		return e.externalize(rawURL, importer)
	}
	u, err := e.runnerURL(rawURL)
	if err != nil {
		return nil, err
	}
	key := removeQueryParams(u, "t", "import", "v")
	cached := false
	if m := e.ModuleGraph.GetModuleByURL(key); m != nil {
		cached = e.ModuleGraph.cached(m) != nil
	}
	if opts.Cached && cached {
		return &FetchResult{Cache: true}, nil
	}
	res, err := e.TransformRequest(ctx, u)
	if err != nil {
		return nil, err
	}
	m := e.ModuleGraph.GetModuleByURL(key)
	if m == nil {
		return nil, fmt.Errorf("[vite] transform failed for module %q%s", rawURL, importedFrom(importer))
	}
	code := res.Code
	if strings.HasPrefix(code, "#!") {
		// A hashbang is not valid inside the runner's function wrapper.
		end := strings.IndexByte(code, '\n')
		if end < 0 {
			end = len(code)
		}
		code = strings.Repeat(" ", end) + code[end:]
	}
	if len(res.Map) > 0 {
		mapJSON := res.Map
		if opts.StartOffset > 0 {
			if shifted, err := sourcemap.ShiftLines(mapJSON, opts.StartOffset); err == nil {
				mapJSON = shifted
			}
		}
		code = strings.TrimRight(code, " \t\r\n") + "\n//# sourceURL=" + sourceURL(m.ID) +
			"\n//# sourceMappingSource=vite-generated\n//# sourceMappingURL=data:application/json;base64," +
			base64.StdEncoding.EncodeToString(mapJSON) + "\n"
	}
	return &FetchResult{Code: code, File: m.File, ID: m.ID, URL: m.URL, Invalidate: !cached}, nil
}

func importedFrom(importer string) string {
	if importer == "" {
		return ""
	}
	return " imported from " + strconv.Quote(importer)
}

// sourceURL is the name the runtime gives the module's code in stack traces without a source map.
func sourceURL(id string) string {
	return strings.NewReplacer("\n", "%0A", "\r", "%0D", "\x00", "%00").Replace(filepath.ToSlash(id))
}

// runnerURL turns the forms a runner may import into the server URL of the module: file:// URLs and
// absolute paths inside root become "/path"; other existing absolute paths "/@fs/path"; /@id/ URLs and
// everything else are kept for resolveURL.
func (e *DevEnvironment) runnerURL(raw string) (string, error) {
	if strings.HasPrefix(raw, "file://") {
		u, err := url.Parse(raw)
		if err != nil {
			return "", fmt.Errorf("module runner: %q is not a valid file URL: %w", raw, err)
		}
		raw = filepath.FromSlash(u.Path)
		if u.RawQuery != "" {
			raw += "?" + u.RawQuery
		}
	}
	p, q := splitQuery(raw)
	if q != "" {
		q = "?" + q
	}
	if !filepath.IsAbs(p) || strings.HasPrefix(p, idPrefix) || strings.HasPrefix(p, fsPrefix) {
		return raw, nil
	}
	root := e.config.Root
	if strings.HasPrefix(p, root+string(filepath.Separator)) {
		return "/" + filepath.ToSlash(p[len(root)+1:]) + q, nil
	}
	if _, err := os.Stat(filepath.Join(root, p)); err == nil {
		return raw, nil // a root-relative URL
	}
	if _, err := os.Stat(p); err == nil {
		return fsPrefix + strings.TrimPrefix(filepath.ToSlash(p), "/") + q, nil
	}
	return raw, nil
}

// externalize answers a dependency the runner imports itself (a Node runner: the package from
// node_modules, as Node resolves it).
func (e *DevEnvironment) externalize(spec, importer string) (*FetchResult, error) {
	if !filepath.IsAbs(importer) {
		importer = filepath.Join(e.config.Root, "index.js")
	}
	file, err := e.resolver.resolveFile(spec, importer)
	if err != nil {
		return nil, &runnerError{code: "ERR_MODULE_NOT_FOUND", msg: fmt.Sprintf("Cannot find module '%s' imported from '%s'", spec, importer)}
	}
	file, _ = splitQuery(file)
	typ := "commonjs"
	if isESMFile(file) {
		typ = "module"
	}
	return &FetchResult{Externalize: (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String(), Type: typ}, nil
}

type runnerError struct{ code, msg string }

func (e *runnerError) Error() string { return e.msg }

// isESMFile reports whether Node loads file as an ES module: .mjs, or .js in a package whose
// package.json says "type": "module".
func isESMFile(file string) bool {
	switch filepath.Ext(file) {
	case ".mjs":
		return true
	case ".cjs":
		return false
	}
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		data, err := os.ReadFile(filepath.Join(dir, "package.json"))
		if err == nil {
			var pkg struct {
				Type string `json:"type"`
			}
			_ = json.Unmarshal(data, &pkg)
			return pkg.Type == "module"
		}
		if parent := filepath.Dir(dir); parent == dir || filepath.Base(dir) == "node_modules" {
			return false
		}
	}
}

// invoke answers a runner's vite:invoke request.
func (e *DevEnvironment) invoke(ctx context.Context, name string, args []json.RawMessage) (any, error) {
	switch name {
	case "fetchModule":
		var url, importer string
		var opts FetchFunctionOptions
		if len(args) > 0 {
			if err := json.Unmarshal(args[0], &url); err != nil {
				return nil, fmt.Errorf("fetchModule: the first argument must be a string: %w", err)
			}
		}
		if len(args) > 1 {
			_ = json.Unmarshal(args[1], &importer) // null for an entry
		}
		if len(args) > 2 {
			_ = json.Unmarshal(args[2], &opts)
		}
		return e.FetchModule(ctx, url, importer, opts)
	case "getBuiltins":
		out := []any{map[string]any{"type": "RegExp", "source": "^node:", "flags": ""}}
		for _, b := range nodeBuiltins {
			out = append(out, map[string]any{"type": "string", "value": b})
		}
		return out, nil
	}
	return nil, fmt.Errorf("vite:invoke: unknown method %q (this server answers fetchModule and getBuiltins)", name)
}

// nodeBuiltins are Node's built-in modules (require('module').builtinModules without the internal
// ones); with the "node:" prefix they are always builtins.
var nodeBuiltins = []string{"assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster",
	"console", "constants", "crypto", "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events",
	"fs", "fs/promises", "http", "http2", "https", "inspector", "inspector/promises", "module", "net", "os",
	"path", "path/posix", "path/win32", "perf_hooks", "process", "punycode", "querystring", "readline",
	"readline/promises", "repl", "stream", "stream/consumers", "stream/promises", "stream/web",
	"string_decoder", "sys", "timers", "timers/promises", "tls", "trace_events", "tty", "url", "util",
	"util/types", "v8", "vm", "wasi", "worker_threads", "zlib"}

func isNodeBuiltin(spec string) bool {
	return strings.HasPrefix(spec, "node:") || slices.Contains(nodeBuiltins, spec)
}

// The ways a server environment runs its modules.
const (
	RunnerEngine = "engine"
	RunnerNode   = "node"
)

// externalized reports whether a server environment leaves the bare import spec to its runner: a
// Node runner imports dependencies from node_modules itself (Vite's SSR externals); the embedded
// engine cannot, so everything is bundled for it.
func (e *DevEnvironment) externalized(spec, importer string) bool {
	if e.RunnerType != RunnerNode {
		return false
	}
	if ro := e.resolvedOptions; ro != nil {
		pkg := packageName(spec)
		switch {
		case ro.Resolve.External.Contains(spec) || ro.Resolve.External.Contains(pkg):
			return true
		case ro.Resolve.NoExternal.MatchesGlob(spec) || ro.Resolve.NoExternal.MatchesGlob(pkg):
			return false
		}
	}
	file, err := e.resolver.resolveFile(spec, importer)
	if err != nil {
		return true // the runner reports it as not found, with Node's message
	}
	return isInNodeModules(file)
}
