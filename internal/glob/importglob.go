package glob

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/govite/govite/internal/jslex"
)

// ImportGlobOptions are import.meta.glob's options.
type ImportGlobOptions struct {
	Eager  bool
	Import string // the export each match stands for; "" or "*" for the whole module
	Query  string // with its "?" ("?raw"), "" when none
	Base   string
}

// ImportGlobCall is one import.meta.glob(patterns, options) call of a module.
type ImportGlobCall struct {
	// Start and End span the call, from "import.meta" to just after its ")".
	Start, End int
	Patterns   []string
	Options    ImportGlobOptions
	// Err says why the call cannot be expanded (an unterminated call, arguments that are not
	// literals, an unknown option); Patterns and Options are then unset.
	Err error
}

// FindImportGlobs returns the import.meta.glob calls among the lexed imports of code (the import.meta
// expressions followed by ".glob(" or by TypeScript type arguments and "(").
func FindImportGlobs(code string, imports []jslex.Import) []ImportGlobCall {
	var out []ImportGlobCall
	for _, imp := range imports {
		if imp.Kind != jslex.Meta {
			continue
		}
		if c, ok := ReadImportGlob(code, imp.Start, imp.End); ok {
			out = append(out, c)
		}
	}
	return out
}

// ReadImportGlob reads the import.meta.glob call whose "import.meta" spans code[start:metaEnd]; ok is
// false when the expression is not such a call.
func ReadImportGlob(code string, start, metaEnd int) (ImportGlobCall, bool) {
	if !strings.HasPrefix(code[metaEnd:], ".glob") {
		return ImportGlobCall{}, false
	}
	rest := code[metaEnd+len(".glob"):]
	open := strings.IndexByte(rest, '(')
	if open < 0 {
		return ImportGlobCall{}, false
	}
	if between := strings.TrimSpace(rest[:open]); between != "" && !strings.HasPrefix(between, "<") {
		return ImportGlobCall{}, false
	}
	call := ImportGlobCall{Start: start}
	argsStart := metaEnd + len(".glob") + open + 1
	argsEnd, ok := matchParen(code, argsStart)
	if !ok {
		call.End = len(code)
		call.Err = fmt.Errorf("unterminated call")
		return call, true
	}
	call.End = argsEnd + 1
	call.Patterns, call.Options, call.Err = ParseImportGlobArgs(code[argsStart:argsEnd])
	return call, true
}

// matchParen returns the index of the ")" closing the call whose arguments start at i.
func matchParen(code string, i int) (int, bool) {
	depth := 0
	for ; i < len(code); i++ {
		switch c := code[i]; c {
		case '"', '\'', '`':
			_, end, ok := readString(code, i)
			if !ok {
				return 0, false
			}
			i = end - 1
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				return i, c == ')'
			}
			depth--
		}
	}
	return 0, false
}

// readString reads the quoted string starting at s[i]: its value and the offset after it.
func readString(s string, i int) (string, int, bool) {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			v := s[i+1 : j]
			if q != '`' {
				if u, err := strconv.Unquote(`"` + strings.ReplaceAll(strings.ReplaceAll(v, `\'`, `'`), `"`, `\"`) + `"`); err == nil {
					v = u
				}
			}
			return v, j + 1, true
		case '\n':
			if q != '`' {
				return "", 0, false
			}
		}
	}
	return "", 0, false
}

// ParseImportGlobArgs reads the literal arguments of a call: a string or an array of strings, then
// an optional object literal with eager, import, query (a string or an object of values), base and
// exhaustive.
func ParseImportGlobArgs(args string) ([]string, ImportGlobOptions, error) {
	var opts ImportGlobOptions
	p := &litParser{s: args}
	first, err := p.value()
	if err != nil {
		return nil, opts, fmt.Errorf("the patterns must be a string literal or an array of string literals (%v)", err)
	}
	var patterns []string
	switch v := first.(type) {
	case string:
		patterns = []string{v}
	case []any:
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, opts, fmt.Errorf("the patterns must be string literals")
			}
			patterns = append(patterns, s)
		}
	default:
		return nil, opts, fmt.Errorf("the patterns must be a string literal or an array of string literals")
	}
	p.skip()
	if p.peek() != ',' {
		return patterns, opts, nil
	}
	p.i++
	p.skip()
	if p.i >= len(p.s) {
		return patterns, opts, nil
	}
	v, err := p.value()
	if err != nil {
		return nil, opts, fmt.Errorf("the options must be an object literal (%v)", err)
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, opts, fmt.Errorf("the options must be an object literal")
	}
	for k, v := range o {
		switch k {
		case "eager":
			opts.Eager, _ = v.(bool)
		case "import":
			opts.Import, _ = v.(string)
		case "base":
			opts.Base, _ = v.(string)
		case "as":
			if s, _ := v.(string); s == "raw" || s == "url" {
				opts.Query = "?" + s
			}
		case "query":
			switch q := v.(type) {
			case string:
				opts.Query = q
				if q != "" && !strings.HasPrefix(q, "?") {
					opts.Query = "?" + q
				}
			case map[string]any:
				keys := make([]string, 0, len(q))
				for k := range q {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				parts := make([]string, 0, len(keys))
				for _, k := range keys {
					parts = append(parts, k+"="+fmt.Sprint(q[k]))
				}
				opts.Query = "?" + strings.Join(parts, "&")
			}
		case "exhaustive":
		default:
			return nil, opts, fmt.Errorf("unknown option %q", k)
		}
	}
	return patterns, opts, nil
}

// litParser parses the JS literals glob arguments are made of.
type litParser struct {
	s string
	i int
}

func (p *litParser) skip() {
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			p.i++
			continue
		}
		if strings.HasPrefix(p.s[p.i:], "//") {
			if j := strings.IndexByte(p.s[p.i:], '\n'); j >= 0 {
				p.i += j
				continue
			}
			p.i = len(p.s)
			continue
		}
		if strings.HasPrefix(p.s[p.i:], "/*") {
			if j := strings.Index(p.s[p.i+2:], "*/"); j >= 0 {
				p.i += j + 4
				continue
			}
		}
		return
	}
}

func (p *litParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *litParser) value() (any, error) {
	p.skip()
	switch c := p.peek(); {
	case c == '"' || c == '\'' || c == '`':
		v, end, ok := readString(p.s, p.i)
		if !ok {
			return nil, fmt.Errorf("unterminated string")
		}
		p.i = end
		return v, nil
	case c == '[':
		p.i++
		var out []any
		for {
			p.skip()
			if p.peek() == ']' {
				p.i++
				return out, nil
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			p.skip()
			if p.peek() == ',' {
				p.i++
			}
		}
	case c == '{':
		p.i++
		out := map[string]any{}
		for {
			p.skip()
			if p.peek() == '}' {
				p.i++
				return out, nil
			}
			var key string
			if q := p.peek(); q == '"' || q == '\'' {
				v, end, ok := readString(p.s, p.i)
				if !ok {
					return nil, fmt.Errorf("unterminated string")
				}
				key, p.i = v, end
			} else {
				j := p.i
				for j < len(p.s) && isIdentChar(p.s[j]) {
					j++
				}
				if j == p.i {
					return nil, fmt.Errorf("unexpected %q", p.s[p.i:min(len(p.s), p.i+10)])
				}
				key, p.i = p.s[p.i:j], j
			}
			p.skip()
			if p.peek() != ':' {
				return nil, fmt.Errorf("expected ':' after %q", key)
			}
			p.i++
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			out[key] = v
			p.skip()
			if p.peek() == ',' {
				p.i++
			}
		}
	default:
		j := p.i
		for j < len(p.s) && isIdentChar(p.s[j]) {
			j++
		}
		switch w := p.s[p.i:j]; w {
		case "true", "false":
			p.i = j
			return w == "true", nil
		default:
			if n, err := strconv.ParseFloat(w, 64); err == nil && w != "" {
				p.i = j
				return n, nil
			}
			return nil, fmt.Errorf("only literals are allowed, found %q", p.s[p.i:min(len(p.s), p.i+20)])
		}
	}
}

func isIdentChar(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
}

// ImportGlobFile is one file a call matches.
type ImportGlobFile struct {
	File string // the absolute path
	// Key is the object key: the path from the importer ("./dir/a.js") when every pattern is relative,
	// from base when there is one, else from root ("/src/a.js").
	Key  string
	Spec string // the import specifier, relative to the importer ("./dir/a.js", "../x.js")
}

// ExpandImportGlob lists the files the patterns match, relative to the importer's folder (or root for
// "/" patterns, or through alias), minus those of the "!" patterns, sorted by key. It also returns the
// absolute positive patterns, which a watcher matches new files against.
func ExpandImportGlob(root, importerDir string, patterns []string, opts ImportGlobOptions, alias func(string) (string, bool)) ([]ImportGlobFile, []string, error) {
	baseDir := importerDir
	if opts.Base != "" {
		if strings.HasPrefix(opts.Base, "/") {
			baseDir = filepath.Join(root, opts.Base)
		} else {
			baseDir = filepath.Join(importerDir, opts.Base)
		}
	}
	relative := true
	var include, exclude []string
	for _, pat := range patterns {
		neg := strings.HasPrefix(pat, "!")
		if !neg && !strings.HasPrefix(pat, ".") {
			relative = false
		}
		pat = strings.TrimPrefix(pat, "!")
		if alias != nil {
			if aliased, ok := alias(pat); ok {
				pat = aliased
			}
		}
		var abs string
		switch {
		case strings.HasPrefix(pat, "/") && !strings.HasPrefix(pat, root):
			abs = filepath.Join(root, pat)
		case filepath.IsAbs(pat):
			abs = pat
		case strings.HasPrefix(pat, "./") || strings.HasPrefix(pat, "../"):
			abs = filepath.Join(baseDir, pat)
		default:
			if opts.Base == "" {
				return nil, nil, fmt.Errorf("pattern %q must start with \"./\", \"../\" or \"/\" (or an alias)", pat)
			}
			abs = filepath.Join(baseDir, pat)
		}
		abs = filepath.ToSlash(abs)
		if strings.HasSuffix(pat, "/") {
			abs += "/"
		}
		if neg {
			exclude = append(exclude, abs)
		} else {
			include = append(include, abs)
		}
	}
	seen := map[string]bool{}
	var out []ImportGlobFile
	for _, pat := range include {
		matches, err := Files(root, pat)
		if err != nil {
			return nil, nil, err
		}
		for _, f := range matches {
			fs := filepath.ToSlash(f)
			if seen[fs] || slices.ContainsFunc(exclude, func(x string) bool { return Match(x, fs) }) {
				continue
			}
			seen[fs] = true
			out = append(out, importGlobFile(root, f, baseDir, importerDir, opts.Base != "", relative))
		}
	}
	slices.SortFunc(out, func(a, b ImportGlobFile) int { return strings.Compare(a.Key, b.Key) })
	return out, include, nil
}

func importGlobFile(root, f, baseDir, importerDir string, hasBase, relative bool) ImportGlobFile {
	dotted := func(from string) string {
		r, _ := filepath.Rel(from, f)
		r = filepath.ToSlash(r)
		if !strings.HasPrefix(r, "../") {
			r = "./" + r
		}
		return r
	}
	spec := dotted(importerDir)
	key := spec
	switch {
	case hasBase:
		key = dotted(baseDir)
	case !relative:
		r, _ := filepath.Rel(root, f)
		if key = filepath.ToSlash(r); !strings.HasPrefix(key, ".") {
			key = "/" + key
		}
	}
	return ImportGlobFile{File: f, Key: key, Spec: spec}
}

// ImportGlobObject is the code that replaces call number n of a module: an object of the files, lazy
// `() => import(...)` functions or, with eager, the bindings of static imports, which imports lists
// (one line, so the module's line numbers stay as they were when it is put first).
func ImportGlobObject(n int, files []ImportGlobFile, opts ImportGlobOptions) (object, imports string) {
	var obj, imp strings.Builder
	named := opts.Import != "" && opts.Import != "*"
	obj.WriteString("/* #__PURE__ */ Object.assign({")
	for i, f := range files {
		if i > 0 {
			obj.WriteString(",")
		}
		spec := strconv.Quote(f.Spec + opts.Query)
		key := strconv.Quote(f.Key)
		switch {
		case opts.Eager:
			name := fmt.Sprintf("__vite_glob_%d_%d", n, i)
			if named {
				fmt.Fprintf(&imp, "import { %s as %s } from %s;", opts.Import, name, spec)
			} else {
				fmt.Fprintf(&imp, "import * as %s from %s;", name, spec)
			}
			fmt.Fprintf(&obj, "%s: %s", key, name)
		case named:
			fmt.Fprintf(&obj, "%s: () => import(%s).then((m) => m[%s])", key, spec, strconv.Quote(opts.Import))
		default:
			fmt.Fprintf(&obj, "%s: () => import(%s)", key, spec)
		}
	}
	obj.WriteString("})")
	return obj.String(), imp.String()
}
