package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/glob"
	"github.com/govite/govite/internal/jslex"
	"github.com/govite/govite/internal/optimizer"
	"github.com/govite/govite/internal/sourcemap"
)

// syntaxError parses code (JavaScript that the lexer found brackets in that do not pair up) and
// returns its first syntax error, as Vite's import analysis fails on what es-module-lexer cannot
// read; nil when the code parses (the lexer miscounted around a regular expression). Plain .js files
// reach the browser otherwise untouched, so this is where their syntax errors get the overlay.
func syntaxError(file, code string) error {
	r := api.Transform(code, api.TransformOptions{Loader: api.LoaderJS, Sourcefile: file})
	if len(r.Errors) == 0 {
		return nil
	}
	err := esbuildErrorsIn(r.Errors, file, "").(*DevError)
	err.Plugin = "vite:import-analysis"
	hint := ""
	if strings.HasSuffix(file, ".js") {
		hint = " If you are using JSX, make sure to name the file with the .jsx or .tsx extension."
	}
	err.Message = "Failed to parse source for import analysis because the content contains invalid JS syntax: " + err.Message + "." + hint
	return err
}

// analyzeImports is Vite's vite:import-analysis: every import specifier is rewritten to a URL the
// browser can load (pre-bundled dependencies with their version, files with ?import or the timestamp
// of their last hot update, base prepended), import.meta.hot and import.meta.env are set up, and the
// module's edges in the graph are recorded, including the dependencies its hot.accept() names.
func (e *DevEnvironment) analyzeImports(ctx context.Context, m *ModuleNode, code string, mapJSON []byte) (string, []byte, moduleInfo, error) {
	var info moduleInfo
	var err error
	// import(`./dir/${x}.js`) becomes an import.meta.glob lookup first, so the glob transform below
	// expands it; new URL('./w.js', import.meta.url) gets its served URL.
	if code, mapJSON, err = e.transformDynamicImportVars(m, code, mapJSON); err != nil {
		return "", nil, info, err
	}
	if e.Consumer == "client" && jslex.MayHaveImportMetaURLs(code) {
		var deps []string
		if code, mapJSON, deps, err = e.transformImportMetaURLs(m, code, mapJSON); err != nil {
			return "", nil, info, err
		}
		// An inlined SVG is a file the module was made from: its change updates the module.
		for _, f := range deps {
			info.imports = append(info.imports, e.ModuleGraph.fileOnlyEntry(f))
			e.server.watchFile(f)
		}
	}
	if strings.Contains(code, "import.meta.glob") {
		code, mapJSON, info.globs, err = e.transformGlobs(m, code, mapJSON)
		if err != nil {
			return "", nil, info, err
		}
	}
	lex, err := jslex.Parse(code)
	if err != nil {
		var le *jslex.Error
		if errors.As(err, &le) {
			return "", nil, info, codeError(e.config.Root, m.File, code, le.Offset, le.Msg, "vite:import-analysis")
		}
		return "", nil, info, err
	}
	if lex.Unbalanced != nil {
		if err := syntaxError(m.File, code); err != nil {
			return "", nil, info, err
		}
	}
	importerFile := m.File
	if importerFile == "" {
		importerFile = filepath.Join(e.config.Root, "index.html")
	}
	var edits []sourcemap.Edit
	hasHot, hasEnv := false, false
	seenImport := map[*ModuleNode]bool{}
	interopIndex := 0
	var inlined []string // declarations that replace imports of asset URLs
	for _, imp := range lex.Imports {
		if imp.Kind == jslex.Meta {
			rest := code[imp.End:]
			switch {
			case strings.HasPrefix(rest, ".hot"):
				hasHot = true
				if loc := hotAcceptRe.FindStringIndex(rest); loc != nil {
					after := rest[loc[1]:]
					deps, self, depEdits, err := e.hotAcceptDeps(m, code, imp.End+loc[1], after, importerFile)
					if err != nil {
						return "", nil, info, err
					}
					info.selfAccepting = info.selfAccepting || self
					info.acceptedDeps = append(info.acceptedDeps, deps...)
					edits = append(edits, depEdits...)
				}
			case strings.HasPrefix(rest, ".env"):
				hasEnv = true
			}
			continue
		}
		if imp.SpecStart < 0 {
			e.warnUnanalyzableImport(m, code, imp)
			continue // import(expr): resolved by the browser at run time
		}
		spec := imp.Specifier
		r, err := e.resolveImport(ctx, spec, m, importerFile)
		if err != nil {
			var pe *publicImportError
			if errors.As(err, &pe) {
				return "", nil, info, codeError(e.config.Root, m.File, code, imp.SpecStart+1, pe.Error(), "vite:import-analysis")
			}
			if errors.Is(err, errNotFound) {
				info.unresolved = true
				return "", nil, info, codeError(e.config.Root, m.File, code, imp.SpecStart+1,
					fmt.Sprintf("Failed to resolve import %q from %q. Does the file exist?", spec, prettyPath(e.config.Root, importerFile)), "vite:import-analysis")
			}
			return "", nil, info, err
		}
		if r == nil {
			continue // external: left as written
		}
		if r.node != nil && !seenImport[r.node] {
			seenImport[r.node] = true
			info.imports = append(info.imports, r.node)
			if imp.Kind == jslex.Static {
				info.staticImports = append(info.staticImports, r.node)
			}
		}
		if r.interop {
			if imp.Kind == jslex.Static && !imp.IsExport && imp.HasBindings {
				stmt := code[imp.Start:imp.End]
				rewritten, err := optimizer.RewriteInteropImport(stmt, r.url, interopIndex)
				if err == nil {
					interopIndex++
					edits = append(edits, sourcemap.Edit{Start: imp.Start, End: imp.End, Text: rewritten})
					continue
				}
			}
			if imp.Kind == jslex.Dynamic {
				edits = append(edits, sourcemap.Edit{Start: imp.Start, End: imp.End, Text: optimizer.RewriteInteropDynamicImport(r.url)})
				continue
			}
		}
		if r.asset && imp.Kind == jslex.Static && !imp.IsExport && noAttributes(code[imp.SpecEnd:imp.End]) {
			if name, ok := defaultImportName(code[imp.Start:imp.SpecStart]); ok {
				if lit, ok := e.assetURLLiteral(ctx, r.node); ok {
					// The import becomes a constant declared before the module's code runs, where
					// an import binding is ready too; the statement's own place is left empty.
					inlined = append(inlined, "const "+name+" = "+lit+";")
					info.inlinedAssets = append(info.inlinedAssets, r.node)
					edits = append(edits, sourcemap.Edit{Start: imp.Start, End: imp.End})
					continue
				}
			}
		}
		if r.url != spec {
			edits = append(edits, sourcemap.Edit{Start: imp.SpecStart, End: imp.SpecEnd, Text: strconv.Quote(r.url)})
		}
	}
	var prelude strings.Builder
	prelude.WriteString(e.workerFilePrelude(m))
	if hasEnv {
		env, _ := json.Marshal(config.ImportMetaEnv(e.config, e.Consumer == "server"))
		fmt.Fprintf(&prelude, "import.meta.env = %s;", env)
	}
	if hasHot && e.Consumer == "client" {
		fmt.Fprintf(&prelude, "import { createHotContext as __vite__createHotContext } from %q;import.meta.hot = __vite__createHotContext(%q);",
			e.config.Base+strings.TrimPrefix(clientPath, "/"), m.URL)
	}
	for _, d := range inlined {
		prelude.WriteString(d)
	}
	if prelude.Len() > 0 {
		edits = append(edits, sourcemap.Edit{Start: 0, End: 0, Text: prelude.String()})
	}
	out, outMap, err := sourcemap.Apply(code, mapJSON, edits)
	if err != nil {
		return "", nil, info, err
	}
	return out, outMap, info, nil
}

// hotAcceptRe finds ".hot.accept" after import.meta, also written with optional chaining.
var hotAcceptRe = regexp.MustCompile(`^\s*\.\s*hot\s*\??\.\s*accept`)

// resolvedImport is where an import specifier points.
type resolvedImport struct {
	url     string      // the URL written into the code (base included)
	node    *ModuleNode // nil for URLs outside the graph (/@vite/client, public files)
	interop bool        // a CommonJS dependency: named imports are rewritten
	// asset is set for a file imported as its URL (an image, a font) without a query: the module
	// the browser would load for it (?import) only exports that URL.
	asset bool
}

// resolveImport resolves spec imported by m. It returns nil for imports left as written (remote URLs,
// externals).
func (e *DevEnvironment) resolveImport(ctx context.Context, spec string, m *ModuleNode, importerFile string) (*resolvedImport, error) {
	base := e.config.Base
	switch {
	case e.Consumer == "server" && isNodeBuiltin(spec):
		return nil, nil
	case spec == "" || strings.HasPrefix(spec, "data:") || strings.HasPrefix(spec, "http://") || strings.HasPrefix(spec, "https://") || strings.HasPrefix(spec, "//"):
		return nil, nil
	case isServedByServer(spec):
		return &resolvedImport{url: base + strings.TrimPrefix(spec, "/")}, nil
	case strings.HasPrefix(spec, base) && base != "/" && isServedByServer("/"+strings.TrimPrefix(spec, base)):
		return &resolvedImport{url: spec}, nil
	}
	if err := e.checkPublicImport(spec); err != nil {
		return nil, err
	}
	var id, file string // file is set for public modules only
	r, err := e.PluginContainer.ResolveID(spec, m.ID, config.ResolveIDOptions{Kind: "import-statement"})
	if err != nil {
		return nil, err
	}
	switch {
	case r != nil && r.External:
		return nil, nil
	case r != nil:
		id = r.ID
	case spec == modulePreloadPolyfillID:
		id = "\x00" + modulePreloadPolyfillID + ".js"
	case spec == glob.DynamicImportHelperID:
		id = spec
	case isBareImport(spec) && e.Consumer == "server" && e.externalized(spec, importerFile):
		return nil, nil // the runner imports it itself (fetchModule externalizes it)
	case isBareImport(spec):
		if dep, ok := e.optimizedDep(ctx, spec, importerFile); ok {
			u := e.urlFromID(dep.File) + "?v=" + e.optimizer.BrowserHash()
			node := e.ModuleGraph.ensure(removeQueryParams(u, "v"), dep.File, dep.File)
			return &resolvedImport{url: base + strings.TrimPrefix(u, "/"), node: node, interop: dep.NeedsInterop}, nil
		}
		if id, err = e.resolver.resolveFile(spec, importerFile); err != nil {
			return nil, err
		}
	case strings.HasPrefix(spec, "/") && !fileExists(spec):
		clean, _ := splitQuery(spec)
		if f := e.publicModule(spec); f != "" {
			// A public asset: its module's id is its URL, as in Vite.
			id, file = spec, f
			break
		}
		if id, err = e.resolver.resolveFile(filepath.Join(e.config.Root, filepath.FromSlash(clean))+strings.TrimPrefix(spec, clean), importerFile); err != nil {
			return nil, err
		}
	default:
		if id, err = e.resolver.resolveFile(spec, importerFile); err != nil {
			return nil, err
		}
	}
	u := id
	if file == "" {
		file, _ = splitQuery(id)
		if !filepath.IsAbs(file) || strings.HasPrefix(file, "\x00") {
			file = ""
		}
		u = e.urlFromID(id)
	}
	node := e.ModuleGraph.ensure(u, id, file)
	asset := false
	if explicitImportRequired(u) && e.Consumer == "client" {
		asset = file != "" && !strings.Contains(u, "?") && isAssetPath(file, e.config.AssetsInclude)
		u = injectQuery(u, "import")
	}
	e.ModuleGraph.mu.Lock()
	ts := node.LastHMRTimestamp
	e.ModuleGraph.mu.Unlock()
	if ts > 0 {
		u = injectQuery(u, "t="+strconv.FormatInt(ts, 10))
	}
	return &resolvedImport{url: base + strings.TrimPrefix(u, "/"), node: node, asset: asset}, nil
}

// defaultImportName returns the binding of an import statement that imports a default export and
// nothing else (clause is the statement up to its specifier: `import logo from `).
func defaultImportName(clause string) (string, bool) {
	rest, ok := strings.CutPrefix(clause, "import")
	if !ok || rest == "" || !isJSSpace(rest[0]) {
		return "", false
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	n := 0
	for n < len(rest) && isIdentByte(rest[n], n == 0) {
		n++
	}
	name := rest[:n]
	if n == 0 || n == len(rest) || !isJSSpace(rest[n]) || name == "type" {
		return "", false
	}
	after := strings.TrimLeftFunc(rest[n:], unicode.IsSpace)
	if f, ok := strings.CutPrefix(after, "from"); !ok || strings.TrimLeftFunc(f, unicode.IsSpace) != "" {
		return "", false
	}
	return name, true
}

// noAttributes reports whether the end of an import statement after its specifier has no import
// attributes (`with { type: "json" }`): it is empty or a semicolon.
func noAttributes(tail string) bool {
	return strings.TrimSpace(strings.TrimSuffix(tail, ";")) == ""
}

func isJSSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isIdentByte accepts the ASCII characters of an identifier; a name with other characters keeps its
// import.
func isIdentByte(c byte, first bool) bool {
	return c == '_' || c == '$' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || (!first && '0' <= c && c <= '9')
}

// assetURLLiteral is the string literal the module of an asset imported by URL exports, when that
// module is nothing but `export default "<url>"`. Vite serves such a module to the browser for every
// import of an image or a font; the dev server writes its URL into the importer instead, which
// saves the browser one request per asset, and records the import in the graph as before (see
// ModuleNode.InlinedAssets for how a change to the file reaches the importer). A module a plugin
// made into something else keeps its import.
func (e *DevEnvironment) assetURLLiteral(ctx context.Context, m *ModuleNode) (string, bool) {
	res, err := e.TransformRequest(ctx, m.URL)
	if err != nil || res.ContentType != "text/javascript" {
		return "", false // the browser's request reports the error
	}
	lit, ok := strings.CutPrefix(res.Code, "export default ")
	if !ok || len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' || strings.ContainsAny(lit, "\n\r\u2028\u2029") {
		return "", false
	}
	if _, err := strconv.Unquote(lit); err != nil {
		return "", false
	}
	return lit, true
}

// isServedByServer reports the URLs the server answers itself.
func isServedByServer(spec string) bool {
	return spec == clientPath || spec == envPath || spec == reactRefreshPath
}

// optimizedDep returns the pre-bundled dependency for a bare import, registering it when it is seen
// for the first time (the optimizer then bundles it and the page reloads once).
func (e *DevEnvironment) optimizedDep(ctx context.Context, spec, importer string) (*optimizer.DepInfo, bool) {
	// The scan is enough: the files of the deps it found are bundled while modules are served (a
	// request for one waits for the bundle), as in Vite. A dep the running scan has already found
	// needs no wait for the rest of it: the entry's own imports are found in its first rounds.
	if e.optimizer == nil {
		return nil, false
	}
	e.startOptimizer()
	if dep, ok := e.optimizer.Lookup(spec); ok {
		return dep, true
	}
	if e.waitScan(ctx) != nil || e.optimizerFailed() {
		return nil, false
	}
	if dep, ok := e.optimizer.Lookup(spec); ok {
		return dep, true
	}
	if isInNodeModules(importer) {
		return nil, false // a dependency's own imports are bundled with it
	}
	return e.optimizer.Register(spec, importer)
}

// hotAcceptDeps reads the arguments of import.meta.hot.accept(...) (after is the code following
// "accept"): a string or an array of strings names accepted dependencies, which are rewritten to their
// URLs; anything else (a callback, nothing) is a self-accept.
func (e *DevEnvironment) hotAcceptDeps(m *ModuleNode, code string, at int, after, importerFile string) ([]*ModuleNode, bool, []sourcemap.Edit, error) {
	exports := strings.HasPrefix(after, "Exports")
	if exports {
		after = after[len("Exports"):]
		at += len("Exports")
	}
	i := 0
	for i < len(after) && (after[i] == ' ' || after[i] == '\t' || after[i] == '\n' || after[i] == '\r') {
		i++
	}
	if i >= len(after) || after[i] != '(' {
		return nil, false, nil, nil
	}
	i++
	for i < len(after) && strings.ContainsRune(" \t\r\n", rune(after[i])) {
		i++
	}
	if exports {
		return nil, true, nil, nil // acceptExports: the module takes its own updates
	}
	if i >= len(after) || (after[i] != '"' && after[i] != '\'' && after[i] != '`' && after[i] != '[') {
		return nil, true, nil, nil
	}
	var lits []stringLit
	if after[i] == '[' {
		lits = readStringList(after, i+1)
	} else if l, ok := readStringLit(after, i); ok {
		lits = []stringLit{l}
	}
	var deps []*ModuleNode
	var edits []sourcemap.Edit
	for _, l := range lits {
		r, err := e.resolveImport(context.Background(), l.value, m, importerFile)
		if err != nil {
			return nil, false, nil, err
		}
		if r == nil || r.node == nil {
			continue
		}
		deps = append(deps, r.node)
		edits = append(edits, sourcemap.Edit{Start: at + l.start, End: at + l.end, Text: strconv.Quote(r.node.URL)})
	}
	return deps, false, edits, nil
}

type stringLit struct {
	start, end int // including quotes
	value      string
}

// readStringLit reads the quoted string starting at s[i].
func readStringLit(s string, i int) (stringLit, bool) {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			raw := s[i : j+1]
			v := raw[1 : len(raw)-1]
			if q != '`' {
				if u, err := strconv.Unquote(`"` + strings.ReplaceAll(strings.ReplaceAll(v, `\'`, `'`), `"`, `\"`) + `"`); err == nil {
					v = u
				}
			}
			return stringLit{i, j + 1, v}, true
		case '\n':
			if q != '`' {
				return stringLit{}, false
			}
		}
	}
	return stringLit{}, false
}

// readStringList reads the string literals of an array literal whose "[" precedes s[i].
func readStringList(s string, i int) []stringLit {
	var out []stringLit
	for i < len(s) {
		switch c := s[i]; {
		case c == ']':
			return out
		case c == '"' || c == '\'' || c == '`':
			l, ok := readStringLit(s, i)
			if !ok {
				return out
			}
			out = append(out, l)
			i = l.end
		case c == ' ' || c == ',' || c == '\n' || c == '\t' || c == '\r':
			i++
		default:
			return out
		}
	}
	return out
}
