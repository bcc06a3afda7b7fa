package glob

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/govite/govite/internal/jslex"
)

// DynamicImportHelperID is the module that looks a variable dynamic import up in its glob object
// (Vite's "\0vite/dynamic-import-helper.js"); the dev server and the build both serve it.
const DynamicImportHelperID = "\x00vite/dynamic-import-helper.js"

// DynamicImportHelperName is the local name the rewritten code calls the helper by.
const DynamicImportHelperName = "__variableDynamicImportRuntimeHelper"

// DynamicImportHelperCode is the helper module: it returns the module the path names in the glob
// object, or a rejected promise whose message says that variables only stand for one level of folders
// when the path has more (the message Vite's helper gives).
const DynamicImportHelperCode = `export default (glob, path, segs) => {
  const v = glob[path];
  if (v) return typeof v === "function" ? v() : Promise.resolve(v);
  return new Promise((_, reject) => {
    (typeof queueMicrotask === "function" ? queueMicrotask : setTimeout)(reject.bind(null, new Error(
      "Unknown variable dynamic import: " + path +
      (path.split("/").length !== segs ? ". Note that variables only represent file names one level deep." : ""))));
  });
};
`

// DynamicImport is an import(`./dir/${name}.ext?query`) turned into a glob, the way Vite's
// dynamic-import-vars reads it.
type DynamicImport struct {
	// Pattern is the glob of the files the import may load ("./dir/*.js"), without the query.
	Pattern string
	// RawPattern is the template literal's text without the query ("./dir/${name}.js"), which the
	// helper looks up in the glob object at run time.
	RawPattern string
	// Query is the template's query with its "?" ("?raw"), "" when none.
	Query string
	// Namespace is set for the queries whose module's default export is the value (?raw, ?url,
	// ?worker): the glob imports whole modules, as Vite's { import: '*' } does.
	Namespace bool
	// Segments is the number of "/"-separated parts of RawPattern, which the helper compares with the
	// looked-up path to explain a failed lookup.
	Segments int
}

// TemplateLiteral is a template literal of the source: its text parts (raw) and substitutions.
type TemplateLiteral struct {
	Quasis []string // one more than Exprs
	Exprs  []string
	End    int // offset just after the closing backtick
}

// ParseTemplate reads the template literal starting at src[i] (a backtick).
func ParseTemplate(src string, i int) (*TemplateLiteral, bool) {
	if i >= len(src) || src[i] != '`' {
		return nil, false
	}
	t := &TemplateLiteral{}
	var quasi strings.Builder
	for j := i + 1; j < len(src); j++ {
		switch c := src[j]; {
		case c == '\\' && j+1 < len(src):
			quasi.WriteByte(c)
			quasi.WriteByte(src[j+1])
			j++
		case c == '`':
			t.Quasis = append(t.Quasis, quasi.String())
			t.End = j + 1
			return t, true
		case c == '$' && j+1 < len(src) && src[j+1] == '{':
			end, ok := exprEnd(src, j+2)
			if !ok {
				return nil, false
			}
			t.Quasis = append(t.Quasis, quasi.String())
			quasi.Reset()
			t.Exprs = append(t.Exprs, strings.TrimSpace(src[j+2:end]))
			j = end
		default:
			quasi.WriteByte(c)
		}
	}
	return nil, false
}

// exprEnd finds the "}" that closes a template substitution whose expression starts at src[i].
func exprEnd(src string, i int) (int, bool) {
	depth := 0
	for ; i < len(src); i++ {
		switch c := src[i]; c {
		case '\'', '"':
			for i++; i < len(src) && src[i] != c; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '`':
			t, ok := ParseTemplate(src, i)
			if !ok {
				return 0, false
			}
			i = t.End - 1
		case '{', '(', '[':
			depth++
		case ')', ']':
			depth--
		case '}':
			if depth == 0 {
				return i, true
			}
			depth--
		}
	}
	return 0, false
}

const dynamicImportExample = "For example: import(`./foo/${bar}.js`)."

// requestQueryRE finds the "?" that starts a query: one not followed by "/", "|" or "}" (Vite's
// requestQuerySplitRE), so a "?" inside a substitution is not taken for one.
var requestQueryRE = regexp.MustCompile(`\?[^/|}]*$`)

// escapedQueryRE finds the query of a glob built from a template, whose "?" Escape escaped (Vite's
// requestQueryMaybeEscapedSplitRE).
var escapedQueryRE = regexp.MustCompile(`\\?\?[^/|}]*$`)

var ownDirRE = regexp.MustCompile(`^\./\*\.\w+$`)

// ParseDynamicImport turns the template literal of a dynamic import into its glob. It returns nil and
// no error for a template that needs no glob (no substitution, or a data:/http(s): URL), and an error
// with Vite's message for one that cannot be analyzed (a path not starting with ./ or ../, without an
// extension, or covering the importer's own folder). The template's path must already be relative
// (an alias applied, see Relative).
func ParseDynamicImport(t *TemplateLiteral) (*DynamicImport, error) {
	var raw, pattern strings.Builder
	for i, q := range t.Quasis {
		if strings.Contains(q, "*") {
			return nil, fmt.Errorf("A dynamic import cannot contain * characters.")
		}
		raw.WriteString(q)
		pattern.WriteString(Escape(q))
		if i < len(t.Exprs) {
			raw.WriteString("${" + t.Exprs[i] + "}")
			if s, ok := stringLiteral(t.Exprs[i]); ok && !strings.Contains(s, "*") {
				pattern.WriteString(Escape(s))
			} else {
				pattern.WriteString("*")
			}
		}
	}
	source := raw.String()
	glob := pattern.String()
	for _, p := range []string{"data:", "http:", "https:"} {
		if strings.HasPrefix(glob, p) {
			return nil, nil
		}
	}
	if !strings.Contains(glob, "*") {
		return nil, nil
	}
	for strings.Contains(glob, "**") {
		glob = strings.ReplaceAll(glob, "**", "*")
	}
	switch {
	case strings.HasPrefix(glob, "*"):
		return nil, fmt.Errorf("invalid import %q. It cannot be statically analyzed. Variable dynamic imports must start with ./ and be limited to a specific directory. %s", source, dynamicImportExample)
	case strings.HasPrefix(glob, "/"):
		return nil, fmt.Errorf("invalid import %q. Variable absolute imports are not supported, imports must start with ./ in the static part of the import. %s", source, dynamicImportExample)
	case !strings.HasPrefix(glob, "./") && !strings.HasPrefix(glob, "../"):
		return nil, fmt.Errorf("invalid import %q. Variable bare imports are not supported, imports must start with ./ in the static part of the import. %s", source, dynamicImportExample)
	case ownDirRE.MatchString(glob):
		return nil, fmt.Errorf("invalid import %q. Variable imports cannot import their own directory, place imports in a separate directory or make the import filename more specific. %s", source, dynamicImportExample)
	case path.Ext(glob) == "":
		return nil, fmt.Errorf("invalid import %q. A file extension must be included in the static part of the import. %s", source, dynamicImportExample)
	}
	d := &DynamicImport{Pattern: glob, RawPattern: source}
	if loc := escapedQueryRE.FindStringIndex(glob); loc != nil {
		d.Pattern = glob[:loc[0]]
	}
	if loc := requestQueryRE.FindStringIndex(source); loc != nil {
		d.RawPattern, d.Query = source[:loc[0]], source[loc[0]:]
	}
	if d.Query != "" {
		q := d.Query[1:]
		for _, name := range []string{"worker", "sharedworker", "url", "raw"} {
			if hasParam(q, name) {
				d.Namespace = true
			}
		}
	}
	d.Segments = strings.Count(d.RawPattern, "/") + 1
	return d, nil
}

// Relative rewrites the leading text of a template whose path an alias made absolute (abs, the
// aliased first part) into a path relative to the importer's folder ("./..." or "../..."), as Vite
// does before reading the template.
func Relative(t *TemplateLiteral, abs, importerDir string) bool {
	if !filepath.IsAbs(abs) {
		return false
	}
	rel, err := filepath.Rel(importerDir, abs)
	if err != nil {
		return false
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		rel = ""
	} else if !strings.HasPrefix(rel, "../") && rel != ".." {
		rel = "./" + rel
	}
	if strings.HasSuffix(abs, "/") || strings.HasSuffix(abs, string(filepath.Separator)) {
		rel += "/"
	}
	if rel == "/" {
		rel = "./"
	}
	t.Quasis[0] = rel
	return true
}

func hasParam(q, name string) bool {
	for _, part := range strings.Split(q, "&") {
		if k, _, _ := strings.Cut(part, "="); k == name {
			return true
		}
	}
	return false
}

// stringLiteral reads a substitution that is a plain string literal ('a', "b").
func stringLiteral(expr string) (string, bool) {
	if len(expr) < 2 || (expr[0] != '\'' && expr[0] != '"') || expr[len(expr)-1] != expr[0] {
		return "", false
	}
	body := expr[1 : len(expr)-1]
	if strings.ContainsAny(body, "\\"+expr[:1]) {
		return "", false
	}
	return body, true
}

// templateImportRE finds an import( whose argument starts with a template literal, comments allowed
// before it: the quick test before lexing a module.
var templateImportRE = regexp.MustCompile("\\bimport\\s*\\(\\s*(?:/\\*(?s:.*?)\\*/\\s*|//[^\\n]*\\n\\s*)*`")

// MayHaveDynamicImports reports whether code may have an import(`...`) for FindDynamicImports.
func MayHaveDynamicImports(code string) bool {
	if !strings.Contains(code, "`") {
		return false
	}
	// templateImportRE starts with \b, which keeps Go's matcher from skipping ahead to a literal: find
	// each "import" first and match only there.
	for i := 0; ; i += len("import") {
		j := strings.Index(code[i:], "import")
		if j < 0 {
			return false
		}
		i += j
		if i > 0 && isWordByte(code[i-1]) {
			continue
		}
		if templateImportAtRE.MatchString(code[i:]) {
			return true
		}
	}
}

// templateImportAtRE is templateImportRE anchored at the start of its input.
var templateImportAtRE = regexp.MustCompile("^" + strings.TrimPrefix(templateImportRE.String(), `\b`))

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// DynamicImportSite is an import() whose argument is a template literal with substitutions, and the
// glob it stands for.
type DynamicImportSite struct {
	// Start and End span the whole import(...) call, which the rewrite replaces.
	Start, End int
	Import     *DynamicImport
}

// FindDynamicImports lists the dynamic imports of code (JavaScript, lexed into imports) that Vite's
// dynamic-import-vars turns into glob lookups: import(`./dir/${name}.js`). A template whose first
// part is neither "./", "../" nor "/" is tried as an alias (alias returns the replacement); when no
// alias matches it is left alone, as Vite leaves what its resolver cannot resolve. A template that
// cannot be analyzed is reported through warn (with its offset) and left as it is.
func FindDynamicImports(code string, imports []jslex.Import, importerDir string, alias func(string) (string, bool), warn func(offset int, msg string)) []DynamicImportSite {
	var out []DynamicImportSite
	for _, imp := range imports {
		if imp.Kind != jslex.Dynamic || imp.SpecStart >= 0 {
			continue
		}
		if jslex.HasViteIgnore(code[imp.Start:imp.End]) {
			continue
		}
		i := skipSpaceAndComments(code, imp.ArgStart)
		if i >= len(code) || code[i] != '`' {
			continue
		}
		t, ok := ParseTemplate(code, i)
		if !ok || len(t.Exprs) == 0 {
			continue
		}
		// The template must be the whole first argument (not `...` + x).
		if j := skipSpaceAndComments(code, t.End); j >= len(code) || (code[j] != ',' && code[j] != ')') {
			continue
		}
		if q := t.Quasis[0]; !strings.HasPrefix(q, ".") && !strings.HasPrefix(q, "/") && q != "" {
			aliased, ok := alias(q)
			if !ok || !Relative(t, aliased, importerDir) {
				continue
			}
		}
		d, err := ParseDynamicImport(t)
		if err != nil {
			warn(i, err.Error())
			continue
		}
		if d == nil {
			continue
		}
		out = append(out, DynamicImportSite{Start: imp.Start, End: imp.End, Import: d})
	}
	return out
}

func skipSpaceAndComments(code string, i int) int {
	for i < len(code) {
		switch {
		case code[i] == ' ' || code[i] == '\t' || code[i] == '\n' || code[i] == '\r':
			i++
		case strings.HasPrefix(code[i:], "/*"):
			end := strings.Index(code[i+2:], "*/")
			if end < 0 {
				return len(code)
			}
			i += end + 4
		case strings.HasPrefix(code[i:], "//"):
			end := strings.IndexByte(code[i:], '\n')
			if end < 0 {
				return len(code)
			}
			i += end + 1
		default:
			return i
		}
	}
	return i
}

// HelperCall is the code that replaces the import: the helper called with the glob object (an
// expression), the raw pattern and its number of segments.
func (d *DynamicImport) HelperCall(globObject string) string {
	return fmt.Sprintf("%s((%s), `%s`, %d)", DynamicImportHelperName, globObject, d.RawPattern, d.Segments)
}

// HelperImport is the import statement of the helper, prepended to a module that calls it. The id's
// "\0" is written as it is, as Vite writes it, so the specifier the lexer reads is the id itself.
func HelperImport(spec string) string {
	return "import " + DynamicImportHelperName + " from \"" + spec + "\";"
}
