// Package ssr is the module-runner transform (Vite's ssrTransform): it rewrites an ES module into the
// body of an async function that a module runner evaluates with the arguments
//
//	__vite_ssr_exports__, __vite_ssr_import_meta__, __vite_ssr_import__,
//	__vite_ssr_dynamic_import__, __vite_ssr_exportAll__
//
// (Vite's runner also passes __vite_ssr_exportName__, which this output does not need). The output
// follows Vite 8's: imports become awaited __vite_ssr_import__ calls hoisted to the top, in order;
// references to imported bindings become property reads on the imported module (live bindings);
// exports become getters on __vite_ssr_exports__, defined before anything else runs so that modules
// in an import cycle see each other's hoisted functions; import.meta and import() become
// __vite_ssr_import_meta__ and __vite_ssr_dynamic_import__.
package ssr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/govite/govite/internal/sourcemap"
)

// The names the transformed code uses, as in Vite's module runner.
const (
	ImportKey        = "__vite_ssr_import__"
	DynamicImportKey = "__vite_ssr_dynamic_import__"
	ExportsKey       = "__vite_ssr_exports__"
	ExportAllKey     = "__vite_ssr_exportAll__"
	ImportMetaKey    = "__vite_ssr_import_meta__"
	// ExportNameKey is the helper Vite 8's runner passes as well; this transform does not use it.
	ExportNameKey = "__vite_ssr_exportName__"
	// DefaultExportName holds the value of `export default <expression>`.
	DefaultExportName = "__vite_ssr_export_default__"
)

// Result is a transformed module.
type Result struct {
	Code        string   // the body of the async function the runner evaluates
	Map         []byte   // source map of Code to the original source (through inMap when given)
	Deps        []string // static import and re-export specifiers, first occurrence order, no duplicates
	DynamicDeps []string // string-literal import() specifiers
}

// Error is a syntax error in the module, with a 1-based line and a 0-based column (in UTF-16 units).
type Error struct {
	URL          string
	Line, Column int
	Offset       int
	Msg          string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.URL, e.Line, e.Column, e.Msg)
}

// Transform rewrites an ES module (plain JavaScript: TS and JSX already compiled) into the form Vite's
// module runner evaluates: a function body that receives __vite_ssr_import__,
// __vite_ssr_dynamic_import__, __vite_ssr_exports__, __vite_ssr_exportAll__ and
// __vite_ssr_import_meta__ and runs as an async function, so top-level await works. inMap, when
// given, is the source map of code to its original source; the result's map is composed with it.
// url names the module in errors and in the map's sources.
func Transform(code string, inMap []byte, url string) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*syntaxError)
			if !ok {
				panic(r)
			}
			line, col := lineCol(code, se.pos)
			res, err = nil, &Error{URL: url, Line: line + 1, Column: col, Offset: se.pos, Msg: se.msg}
		}
	}()
	p := newParser(code)
	p.parseModule()
	return generate(p, code, inMap, url)
}

type edit struct {
	start, end int
	text       string
	mapTo      int // original offset the text maps to
}

func generate(p *parser, code string, inMap []byte, url string) (*Result, error) {
	res := &Result{Deps: []string{}, DynamicDeps: []string{}}
	var edits []edit
	add := func(start, end int, text string) {
		edits = append(edits, edit{start, end, text, start})
	}

	fileStart := 0
	prologuePrefix := ""
	if strings.HasPrefix(code, "#!") {
		// A hashbang is not valid inside a function body: keep it as a comment.
		add(0, 2, "//")
		fileStart = strings.IndexAny(code, "\r\n")
		if fileStart < 0 {
			fileStart = len(code)
			prologuePrefix = "\n"
		} else if strings.HasPrefix(code[fileStart:], "\r\n") {
			fileStart += 2
		} else {
			fileStart++
		}
	}

	// Imports and re-exports, in source order, each with its __vite_ssr_import_N__.
	type hoist struct {
		start  int
		imp    *importDecl
		export *exportStmt
	}
	var hoists []hoist
	for i := range p.imports {
		hoists = append(hoists, hoist{start: p.imports[i].start, imp: &p.imports[i]})
	}
	for i := range p.exports {
		switch p.exports[i].kind {
		case exportFrom, exportAll, exportAllAs:
			hoists = append(hoists, hoist{start: p.exports[i].start, export: &p.exports[i]})
		}
	}
	sort.SliceStable(hoists, func(i, j int) bool { return hoists[i].start < hoists[j].start })

	bindings := map[string]string{}         // imported local name -> expression that reads it
	reexportIDs := map[*exportStmt]string{} // re-export statement -> its import id
	seenDep := map[string]bool{}
	var importLines []edit
	for n, h := range hoists {
		id := fmt.Sprintf("__vite_ssr_import_%d__", n)
		var source string
		var names []string
		if h.imp != nil {
			source = h.imp.source
			for _, s := range h.imp.specs {
				switch s.imported {
				case "*":
					bindings[s.local] = id
				default:
					names = append(names, s.imported)
					bindings[s.local] = member(id, s.imported, s.isString)
				}
			}
		} else {
			source = h.export.source
			reexportIDs[h.export] = id
			if h.export.kind == exportFrom {
				for _, s := range h.export.specs {
					names = append(names, s.local)
				}
			}
		}
		if !seenDep[source] {
			seenDep[source] = true
			res.Deps = append(res.Deps, source)
		}
		line := "const " + id + " = await " + ImportKey + "(" + jsString(source)
		if len(names) > 0 {
			meta, _ := json.Marshal(struct {
				ImportedNames []string `json:"importedNames"`
			}{names})
			line += ", " + string(meta)
		}
		line += ");\n"
		if h.export != nil && h.export.kind == exportAll {
			line += ExportAllKey + "(" + id + ");\n"
		}
		importLines = append(importLines, edit{fileStart, fileStart, line, h.start})
	}

	// Export getters, in source order, before the imports (as Vite does).
	var exportLines []edit
	defineExport := func(e *exportStmt, name, local string) {
		exportLines = append(exportLines, edit{fileStart, fileStart,
			"Object.defineProperty(" + ExportsKey + ", " + jsString(name) +
				", { enumerable: true, configurable: true, get(){ try { return " + local + " } catch {} }});\n",
			e.start})
	}
	for i := range p.exports {
		e := &p.exports[i]
		switch e.kind {
		case exportDecl:
			for _, n := range e.names {
				defineExport(e, n, n)
			}
			add(e.start, e.declStart, "")
		case exportDefaultDecl:
			defineExport(e, "default", e.names[0])
			add(e.start, e.declStart, "")
		case exportDefaultExpr:
			defineExport(e, "default", DefaultExportName)
			add(e.start, e.declStart, "const "+DefaultExportName+" = ")
			if !e.semicolon {
				add(e.end, e.end, ";")
			}
		case exportLocal:
			for _, s := range e.specs {
				local := s.local
				if b, ok := bindings[local]; ok {
					local = b
				}
				defineExport(e, s.exported, local)
			}
		case exportFrom:
			for _, s := range e.specs {
				defineExport(e, s.exported, member(reexportIDs[e], s.local, s.localIsString))
			}
		case exportAllAs:
			defineExport(e, e.names[0], reexportIDs[e])
		}
	}
	for i := range exportLines {
		exportLines[i].text = prologuePrefix + exportLines[i].text
		prologuePrefix = ""
	}
	for i := range importLines {
		importLines[i].text = prologuePrefix + importLines[i].text
		prologuePrefix = ""
	}
	edits = append(edits, exportLines...)
	edits = append(edits, importLines...)

	// Remove the hoisted and export-only statements. A ';' keeps automatic semicolon insertion from
	// joining the statements around them; newlines are kept so that lines move as little as possible.
	safe := true
	for _, st := range p.top {
		if st.removed {
			text := ""
			if !safe {
				text = ";"
			}
			text += strings.Repeat("\n", countNewlines(code[st.start:st.end]))
			add(st.start, st.end, text)
			safe = true
			continue
		}
		safe = st.semicolon
	}

	// References to imported bindings, unless a declaration in an enclosing function or block
	// shadows them.
	if len(bindings) > 0 {
		type key struct {
			scope int32
			name  string
		}
		shadow := map[key]bool{}
		for _, d := range p.decls {
			if d.scope != 0 {
				if _, ok := bindings[d.name]; ok {
					shadow[key{d.scope, d.name}] = true
				}
			}
		}
		for _, r := range p.refs {
			b, ok := bindings[r.name]
			if !ok {
				continue
			}
			shadowed := false
			for s := r.scope; s > 0; s = p.scopes[s].parent {
				if shadow[key{s, r.name}] {
					shadowed = true
					break
				}
			}
			if shadowed {
				continue
			}
			switch {
			case r.flags&refShorthand != 0:
				edits = append(edits, edit{r.end, r.end, ": " + b, r.start})
			case r.flags&refCall != 0:
				text := "(0," + b + ")"
				// (0, ...) starting a statement must not continue the previous line's expression.
				if _, found := slices.BinarySearch(p.stmtStarts, r.start); found {
					text = ";" + text
				}
				add(r.start, r.end, text)
			default:
				add(r.start, r.end, b)
			}
		}
	}

	for _, m := range p.metas {
		add(m[0], m[1], ImportMetaKey)
	}
	for _, d := range p.dyns {
		add(d.start, d.start+len("import"), DynamicImportKey)
		if d.hasLit && !slices.Contains(res.DynamicDeps, d.literal) {
			res.DynamicDeps = append(res.DynamicDeps, d.literal)
		}
	}

	out, mappings, err := applyEdits(code, edits)
	if err != nil {
		return nil, err
	}
	res.Code = out
	res.Map, err = buildMap(code, mappings, inMap, url)
	if err != nil {
		return nil, err
	}
	return res, nil
}

func buildMap(code, mappings string, inMap []byte, url string) ([]byte, error) {
	if len(bytes.TrimSpace(inMap)) > 0 {
		var in struct {
			Mappings *string  `json:"mappings"`
			Sources  []string `json:"sources"`
		}
		if err := json.Unmarshal(inMap, &in); err != nil {
			return nil, fmt.Errorf("ssr transform %s: reading the input source map: %w", url, err)
		}
		// Vite's convention: a map with empty mappings means "no map"; it is passed through.
		if in.Mappings != nil && *in.Mappings == "" {
			return inMap, nil
		}
	}
	name := url
	if i := strings.IndexAny(name, "?#"); i >= 0 {
		name = name[:i]
	}
	m := struct {
		Version        int      `json:"version"`
		Sources        []string `json:"sources"`
		SourcesContent []string `json:"sourcesContent"`
		Names          []string `json:"names"`
		Mappings       string   `json:"mappings"`
	}{3, []string{path.Base(name)}, []string{code}, []string{}, mappings}
	own, err := marshal(m)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(inMap)) == 0 {
		return own, nil
	}
	return sourcemap.Compose(inMap, own)
}

// member is the expression that reads export name of the module object id.
func member(id, name string, isString bool) string {
	if isString {
		return id + "[" + jsString(name) + "]"
	}
	return id + "." + name
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// jsString quotes s as a JavaScript (JSON) string literal.
func jsString(s string) string {
	b, _ := marshal(s)
	return string(b)
}

func countNewlines(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			n++
		case '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				n++
			}
		}
	}
	return n + strings.Count(s, "\u2028") + strings.Count(s, "\u2029")
}

// lineCol returns the 0-based line and UTF-16 column of offset in s.
func lineCol(s string, offset int) (int, int) {
	line, col := 0, 0
	for i := 0; i < offset && i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line, col = line+1, 0
			i++
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			line, col = line+1, 0
			i++
		case c < 0x80:
			col++
			i++
		default:
			r, n := decodeRune(s[i:])
			if r == 0x2028 || r == 0x2029 {
				line, col = line+1, 0
			} else {
				col += utf16Len(r)
			}
			i += n
		}
	}
	return line, col
}
