package optimizer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// interopHelper is Vite's interopHelper, on one line: what a CommonJS module's namespace looks like
// to an ES module importer. m is module.exports, n is "node mode" (0 or 1).
const interopHelper = `(m, n) => n || !m?.__esModule ? { ...typeof m === "object" && !Array.isArray(m) || typeof m === "function" ? m : {}, default: m } : m`

// ErrExportAll is returned (wrapped, with the statement rewritten to the new URL) for `export * from`
// a CommonJS dependency: its names are only known at run time, so the re-export cannot be rewritten.
// Vite warns: "Unable to interop `export * from "x"` in <importer>, this may lose module exports.
// Please export "x" as ESM or use named exports instead, e.g. `export { A, B } from "x"`".
var ErrExportAll = errors.New("cannot interop `export * from` a CommonJS dependency")

// InteropRewrite is RewriteInteropImportParts' result.
type InteropRewrite struct {
	// Import is the import statement of the module's default export (module.exports).
	Import string
	// Assignments are the `const` declarations (and `export` statements) that bind the names the
	// statement imported, joined with "; ". Vite 8 hoists them to the start of the module; keeping
	// them right after Import (as RewriteInteropImport does) also works, except for code that uses
	// the bindings before the import statement.
	Assignments string
}

// RewriteInteropImport turns one static import (or `export … from`) statement of a CommonJS
// dependency into Vite's interop form, on one line (followed by as many line breaks as stmt had, so
// the lines of the module stay where they were). url is the served URL of the dependency, index the
// statement's position among the module's imports (it names the binding). Browser mode: the default
// import is module.exports unless the module sets __esModule.
//
//	import React, { useState as us } from "react"
//	→ import __vite__cjsImport0_react from "/node_modules/.vite/deps/react.js?v=abc"; const React = …; const us = __vite__cjsImport0_react["useState"]
//
// A side-effect import only gets the new URL. For `export * from` it returns the statement with the
// new URL and an error wrapping ErrExportAll.
func RewriteInteropImport(stmt string, url string, index int) (string, error) {
	return RewriteInteropImportMode(stmt, url, index, false)
}

// RewriteInteropImportMode is RewriteInteropImport with Vite 8's "node mode" (see IsNodeMode): the
// default import is always module.exports, as Node does for CommonJS.
func RewriteInteropImportMode(stmt string, url string, index int, nodeMode bool) (string, error) {
	r, err := RewriteInteropImportParts(stmt, url, index, nodeMode)
	if r == nil {
		return stmt, err
	}
	if errors.Is(err, ErrExportAll) {
		return r.Import, err // the statement itself, with the new URL
	}
	out := r.Import
	if r.Assignments != "" {
		out += "; " + r.Assignments
	}
	if strings.HasSuffix(strings.TrimRight(stmt, " \t\r\n"), ";") {
		out += ";" // the statement came with its semicolon
	}
	return out + strings.Repeat("\n", strings.Count(stmt, "\n")), err
}

// RewriteInteropDynamicImport is the replacement of a whole `import("dep")` expression of a CommonJS
// dependency: the promise resolves to the namespace an ES module would have (browser mode).
func RewriteInteropDynamicImport(url string) string {
	return RewriteInteropDynamicImportMode(url, false)
}

// RewriteInteropDynamicImportMode is RewriteInteropDynamicImport with Vite 8's node mode (see
// IsNodeModeForDynamicImport).
func RewriteInteropDynamicImportMode(url string, nodeMode bool) string {
	return fmt.Sprintf("import('%s').then(m => (%s)(m.default, %d))", url, interopHelper, b2i(nodeMode))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

type importName struct{ imported, local string }

// RewriteInteropImportParts parses stmt and returns the interop import and the assignments apart (Vite
// 8 places the assignments at the start of the module). It returns nil and an error when stmt is not
// an import or export-from statement; for `export * from` it returns the statement with the new URL
// as Import and an error wrapping ErrExportAll.
func RewriteInteropImportParts(stmt string, url string, index int, nodeMode bool) (*InteropRewrite, error) {
	toks, err := tokenizeStmt(stmt)
	if err != nil {
		return nil, err
	}
	p := &stmtParser{toks: toks}
	kw := p.next()
	if kw.kind != tIdent || (kw.text != "import" && kw.text != "export") {
		return nil, fmt.Errorf("not an import statement: %q", stmt)
	}
	var names []importName
	var exports []string // "local as exported"
	defaultExport := ""
	spec := ""
	quotedURL := jsString(url)
	switch kw.text {
	case "import":
		if t := p.peek(); t.kind == tString {
			p.next()
			return &InteropRewrite{Import: "import " + quotedURL}, nil
		}
		if t := p.peek(); t.kind == tIdent && (t.text != "from" || p.peekAt(1).text == "from") {
			// the default binding (which may itself be called "from")
			names = append(names, importName{"default", p.next().text})
			if p.peek().text == "," {
				p.next()
			}
		}
		switch t := p.peek(); t.text {
		case "*":
			p.next()
			if p.next().text != "as" {
				return nil, fmt.Errorf("expected \"as\" in %q", stmt)
			}
			local := p.next()
			if local.kind != tIdent {
				return nil, fmt.Errorf("expected a name in %q", stmt)
			}
			names = append(names, importName{"*", local.text})
		case "{":
			list, err := p.specifierList()
			if err != nil {
				return nil, fmt.Errorf("%w in %q", err, stmt)
			}
			for _, s := range list {
				names = append(names, importName{s[0], s[1]})
			}
		}
		if p.next().text != "from" {
			return nil, fmt.Errorf("expected \"from\" in %q", stmt)
		}
	case "export":
		switch t := p.next(); t.text {
		case "*":
			if p.peek().text == "as" {
				p.next()
				exported := p.next()
				if p.next().text != "from" {
					return nil, fmt.Errorf("expected \"from\" in %q", stmt)
				}
				s := p.next()
				if s.kind != tString {
					return nil, fmt.Errorf("expected a module specifier in %q", stmt)
				}
				// export * as ns from "cjs": the namespace is the interop object.
				local := exportLocalName(exported)
				names = append(names, importName{"*", local})
				exports = append(exports, local+" as "+exportedText(exported))
				spec = s.value
				break
			}
			if p.next().text != "from" {
				return nil, fmt.Errorf("expected \"from\" in %q", stmt)
			}
			s := p.next()
			if s.kind != tString {
				return nil, fmt.Errorf("expected a module specifier in %q", stmt)
			}
			return &InteropRewrite{Import: stmt[:s.start] + quotedURL + stmt[s.end:]}, fmt.Errorf("%w: %s", ErrExportAll, exportAllHint(stmt, s.value))
		case "{":
			p.pos--
			list, err := p.specifierList()
			if err != nil {
				return nil, fmt.Errorf("%w in %q", err, stmt)
			}
			for _, s := range list {
				imported, exported := s[0], s[1]
				if exported == "default" {
					defaultExport = makeLegalIdentifier(fmt.Sprintf("__vite__cjsExportDefault_%d", index))
					names = append(names, importName{imported, defaultExport})
					continue
				}
				var local string
				if s[2] == "literal" {
					local = "__vite__cjsExportL_" + getHash(exported)
					exports = append(exports, local+" as "+jsString(exported))
				} else {
					local = "__vite__cjsExportI_" + exported
					exports = append(exports, local+" as "+exported)
				}
				names = append(names, importName{imported, local})
			}
			if p.next().text != "from" {
				return nil, fmt.Errorf("expected \"from\" in %q", stmt)
			}
		default:
			return nil, fmt.Errorf("not an export-from statement: %q", stmt)
		}
	}
	if spec == "" {
		s := p.next()
		if s.kind != tString {
			return nil, fmt.Errorf("expected a module specifier in %q", stmt)
		}
		spec = s.value
	}
	if len(names) == 0 {
		// `import {} from "x"` and `export {} from "x"`
		return &InteropRewrite{Import: "import " + quotedURL}, nil
	}
	cjs := makeLegalIdentifier(fmt.Sprintf("__vite__cjsImport%d_%s", index, spec))
	var lines []string
	for _, n := range names {
		switch n.imported {
		case "*":
			lines = append(lines, fmt.Sprintf("const %s = (%s)(%s, %d)", n.local, interopHelper, cjs, b2i(nodeMode)))
		case "default":
			if nodeMode {
				lines = append(lines, fmt.Sprintf("const %s = %s", n.local, cjs))
			} else {
				lines = append(lines, fmt.Sprintf("const %s = !%s.__esModule ? %s : %s.default", n.local, cjs, cjs, cjs))
			}
		default:
			lines = append(lines, fmt.Sprintf("const %s = %s[%s]", n.local, cjs, jsString(n.imported)))
		}
	}
	if defaultExport != "" {
		lines = append(lines, "export default "+defaultExport)
	}
	if len(exports) > 0 {
		lines = append(lines, "export { "+strings.Join(exports, ", ")+" }")
	}
	return &InteropRewrite{Import: fmt.Sprintf("import %s from %s", cjs, quotedURL), Assignments: strings.Join(lines, "; ")}, nil
}

func exportLocalName(t token) string {
	if t.kind == tString {
		return "__vite__cjsExportL_" + getHash(t.value)
	}
	return "__vite__cjsExportI_" + t.text
}

func exportedText(t token) string {
	if t.kind == tString {
		return jsString(t.value)
	}
	return t.text
}

// exportAllHint is Vite's advice for `export * from` a CommonJS dependency.
func exportAllHint(stmt, spec string) string {
	return fmt.Sprintf("`%s` may lose module exports; export %q as ESM or use named exports instead, e.g. `export { A, B } from %q`",
		strings.TrimSpace(stmt), spec, spec)
}

// jsString quotes s as a JS string literal (double quotes).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	// json.Marshal escapes <, >, & as \u003c etc., which is valid JS; keep it readable anyway.
	return htmlUnescaper.Replace(string(b))
}

var htmlUnescaper = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")

var (
	mjsRE = regexp.MustCompile(`\.m[jt]s$`)
	cjsRE = regexp.MustCompile(`\.c[jt]s$`)
)

// IsNodeMode reports whether Vite 8 treats the static imports of importer in "node mode" (Vite's
// isFilePathESM): an .mjs/.mts file, a virtual module, or a file whose nearest package.json says
// "type": "module". In node mode a CommonJS default import is module.exports, as in Node.
func IsNodeMode(importer string) bool {
	switch {
	case mjsRE.MatchString(importer):
		return true
	case cjsRE.MatchString(importer):
		return false
	case strings.HasPrefix(importer, "\x00"):
		return true
	case !filepath.IsAbs(importer):
		return false
	}
	return nearestPackageType(filepath.Dir(importer)) == "module"
}

// IsNodeModeForDynamicImport is Vite 8's rule for import(): node mode when the file's format is
// explicit (.mjs/.cjs/.mts/.cts, a virtual module, or a package.json "type" field).
func IsNodeModeForDynamicImport(importer string) bool {
	switch {
	case mjsRE.MatchString(importer) || cjsRE.MatchString(importer):
		return true
	case strings.HasPrefix(importer, "\x00"):
		return true
	case !filepath.IsAbs(importer):
		return false
	}
	t := nearestPackageType(filepath.Dir(importer))
	return t == "module" || t == "commonjs"
}

// nearestPackageType returns the "type" field of the nearest package.json above dir.
func nearestPackageType(dir string) string {
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "package.json")); err == nil {
			var pkg struct {
				Type string `json:"type"`
			}
			_ = json.Unmarshal(data, &pkg)
			return pkg.Type
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// --- a tiny tokenizer for one import/export statement ---

type tokKind int

const (
	tIdent tokKind = iota
	tString
	tPunct
	tEOF
)

type token struct {
	kind       tokKind
	text       string // the raw text
	value      string // a string's value
	start, end int
}

func tokenizeStmt(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(s[i:], "//"):
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				i = len(s)
			} else {
				i += j
			}
		case strings.HasPrefix(s[i:], "/*"):
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return nil, fmt.Errorf("unterminated comment in %q", s)
			}
			i += j + 4
		case c == '"' || c == '\'':
			j := i + 1
			var b strings.Builder
			for j < len(s) && s[j] != c {
				if s[j] == '\\' && j+1 < len(s) {
					j++
					switch s[j] {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					default:
						b.WriteByte(s[j])
					}
					j++
					continue
				}
				b.WriteByte(s[j])
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string in %q", s)
			}
			toks = append(toks, token{kind: tString, text: s[i : j+1], value: b.String(), start: i, end: j + 1})
			i = j + 1
		case c == '_' || c == '$' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z'):
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '$' || s[j] >= 0x80 || (s[j]|0x20 >= 'a' && s[j]|0x20 <= 'z') || (s[j] >= '0' && s[j] <= '9')) {
				j++
			}
			toks = append(toks, token{kind: tIdent, text: s[i:j], start: i, end: j})
			i = j
		default:
			toks = append(toks, token{kind: tPunct, text: s[i : i+1], start: i, end: i + 1})
			i++
		}
	}
	return toks, nil
}

type stmtParser struct {
	toks []token
	pos  int
}

func (p *stmtParser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return token{kind: tEOF}
}

func (p *stmtParser) peek() token { return p.peekAt(0) }

func (p *stmtParser) next() token {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

// specifierList reads `{ a, b as c, "x-y" as d, default as e }` and returns [imported, local-or-
// exported, "literal" when the second name is a string].
func (p *stmtParser) specifierList() ([][3]string, error) {
	if p.next().text != "{" {
		return nil, errors.New("expected \"{\"")
	}
	var out [][3]string
	name := func(t token) (string, bool, error) {
		switch t.kind {
		case tIdent:
			return t.text, false, nil
		case tString:
			return t.value, true, nil
		}
		return "", false, fmt.Errorf("unexpected %q", t.text)
	}
	for {
		t := p.next()
		if t.text == "}" {
			return out, nil
		}
		if t.kind == tEOF {
			return nil, errors.New("unterminated specifier list")
		}
		if t.kind == tIdent && t.text == "type" && (p.peek().kind == tIdent || p.peek().kind == tString) && p.peek().text != "as" {
			// `type X` in a TypeScript import: not a value.
			p.next()
			if p.peek().text == "as" {
				p.next()
				p.next()
			}
			if p.peek().text == "," {
				p.next()
			}
			continue
		}
		imported, _, err := name(t)
		if err != nil {
			return nil, err
		}
		second, literal := imported, t.kind == tString
		if p.peek().text == "as" {
			p.next()
			if second, literal, err = name(p.next()); err != nil {
				return nil, err
			}
		}
		kind := ""
		if literal {
			kind = "literal"
		}
		out = append(out, [3]string{imported, second, kind})
		switch p.peek().text {
		case ",":
			p.next()
		case "}":
		default:
			return nil, fmt.Errorf("unexpected %q", p.peek().text)
		}
	}
}
