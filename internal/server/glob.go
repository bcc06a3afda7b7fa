package server

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/govite/govite/internal/glob"
	"github.com/govite/govite/internal/jslex"
	"github.com/govite/govite/internal/sourcemap"
)

// globOptions are import.meta.glob's options.
type globOptions struct {
	Eager  bool
	Import string
	Query  string
	Base   string
}

// transformGlobs replaces each import.meta.glob(patterns, options) call with an object of the matching
// files (Vite's vite:import-glob): lazy `() => import(...)` functions, or with eager: true, static
// imports. It returns the absolute patterns, so adding or removing a matching file updates the module.
func (e *DevEnvironment) transformGlobs(m *ModuleNode, code string, mapJSON []byte) (string, []byte, []string, error) {
	lex, err := jslex.Parse(code)
	if err != nil {
		return code, mapJSON, nil, nil // the import analysis reports it
	}
	importerDir := e.config.Root
	if m.File != "" {
		importerDir = filepath.Dir(m.File)
	}
	var edits []sourcemap.Edit
	var prelude strings.Builder
	var allGlobs []string
	call := 0
	for _, imp := range lex.Imports {
		if imp.Kind != jslex.Meta || !strings.HasPrefix(code[imp.End:], ".glob") {
			continue
		}
		rest := code[imp.End+len(".glob"):]
		open := strings.IndexByte(rest, '(')
		if open < 0 || strings.TrimSpace(rest[:open]) != "" && !strings.HasPrefix(strings.TrimSpace(rest[:open]), "<") {
			continue
		}
		argsStart := imp.End + len(".glob") + open + 1
		argsEnd, ok := matchParen(code, argsStart)
		if !ok {
			return "", nil, nil, codeError(e.config.Root, m.File, code, imp.Start, "import.meta.glob(): unterminated call", "vite:import-glob")
		}
		patterns, opts, err := parseGlobArgs(code[argsStart:argsEnd])
		if err != nil {
			return "", nil, nil, codeError(e.config.Root, m.File, code, imp.Start, "import.meta.glob(): "+err.Error(), "vite:import-glob")
		}
		files, absGlobs, err := e.globFilesFor(patterns, importerDir, opts)
		if err != nil {
			return "", nil, nil, codeError(e.config.Root, m.File, code, imp.Start, "import.meta.glob(): "+err.Error(), "vite:import-glob")
		}
		allGlobs = append(allGlobs, absGlobs...)
		var obj strings.Builder
		obj.WriteString("/* #__PURE__ */ Object.assign({")
		for i, f := range files {
			if i > 0 {
				obj.WriteString(",")
			}
			spec := f.spec + opts.Query
			if opts.Eager {
				name := fmt.Sprintf("__vite_glob_%d_%d", call, i)
				if opts.Import != "" && opts.Import != "*" {
					fmt.Fprintf(&prelude, "import { %s as %s } from %s;", opts.Import, name, strconv.Quote(spec))
				} else {
					fmt.Fprintf(&prelude, "import * as %s from %s;", name, strconv.Quote(spec))
				}
				fmt.Fprintf(&obj, "%s: %s", strconv.Quote(f.key), name)
				continue
			}
			if opts.Import != "" && opts.Import != "*" {
				fmt.Fprintf(&obj, "%s: () => import(%s).then((m) => m[%s])", strconv.Quote(f.key), strconv.Quote(spec), strconv.Quote(opts.Import))
			} else {
				fmt.Fprintf(&obj, "%s: () => import(%s)", strconv.Quote(f.key), strconv.Quote(spec))
			}
		}
		obj.WriteString("})")
		edits = append(edits, sourcemap.Edit{Start: imp.Start, End: argsEnd + 1, Text: obj.String()})
		call++
	}
	if prelude.Len() > 0 {
		edits = append(edits, sourcemap.Edit{Start: 0, End: 0, Text: prelude.String()})
	}
	out, outMap, err := sourcemap.Apply(code, mapJSON, edits)
	return out, outMap, allGlobs, err
}

// matchParen returns the index of the ")" closing the call whose arguments start at i.
func matchParen(code string, i int) (int, bool) {
	depth := 0
	for ; i < len(code); i++ {
		switch c := code[i]; c {
		case '"', '\'', '`':
			l, ok := readStringLit(code, i)
			if !ok {
				return 0, false
			}
			i = l.end - 1
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

// parseGlobArgs reads the literal arguments: a string or an array of strings, then an optional object
// literal with eager, import, query (a string or an object of values) and base.
func parseGlobArgs(args string) ([]string, globOptions, error) {
	var opts globOptions
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
	if p.peek() == ',' {
		p.i++
		p.skip()
		if p.i < len(p.s) {
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
						var parts []string
						keys := make([]string, 0, len(q))
						for k := range q {
							keys = append(keys, k)
						}
						slices.Sort(keys)
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
		l, ok := readStringLit(p.s, p.i)
		if !ok {
			return nil, fmt.Errorf("unterminated string")
		}
		p.i = l.end
		return l.value, nil
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
				l, ok := readStringLit(p.s, p.i)
				if !ok {
					return nil, fmt.Errorf("unterminated string")
				}
				key, p.i = l.value, l.end
			} else {
				j := p.i
				for j < len(p.s) && (isIdentChar(p.s[j])) {
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

type globFile struct {
	key  string // the object key: relative to the importer ("./dir/a.js") or from root ("/src/a.js")
	spec string // the import specifier
}

// globFilesFor expands the patterns relative to the importer's folder (or root for "/" patterns, or
// through an alias), minus the "!" patterns, sorted.
func (e *DevEnvironment) globFilesFor(patterns []string, importerDir string, opts globOptions) ([]globFile, []string, error) {
	root := e.config.Root
	baseDir := importerDir
	if opts.Base != "" {
		if strings.HasPrefix(opts.Base, "/") {
			baseDir = filepath.Join(root, opts.Base)
		} else {
			baseDir = filepath.Join(importerDir, opts.Base)
		}
	}
	var include, exclude, absGlobs []string
	for _, pat := range patterns {
		neg := strings.HasPrefix(pat, "!")
		pat = strings.TrimPrefix(pat, "!")
		if aliased, ok := e.resolver.aliases.Apply(pat); ok {
			pat = aliased
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
			absGlobs = append(absGlobs, abs)
		}
	}
	seen := map[string]bool{}
	var out []globFile
	for _, pat := range include {
		matches, err := globFiles(root, pat)
		if err != nil {
			return nil, nil, err
		}
		for _, f := range matches {
			fs := filepath.ToSlash(f)
			if seen[fs] || (e.server != nil && f == "") {
				continue
			}
			excluded := false
			for _, x := range exclude {
				if globMatch(x, fs) {
					excluded = true
				}
			}
			if excluded {
				continue
			}
			seen[fs] = true
			out = append(out, e.globKey(f, baseDir, importerDir, opts))
		}
	}
	slices.SortFunc(out, func(a, b globFile) int { return strings.Compare(a.key, b.key) })
	return out, absGlobs, nil
}

func (e *DevEnvironment) globKey(f, baseDir, importerDir string, opts globOptions) globFile {
	rel, _ := filepath.Rel(importerDir, f)
	spec := filepath.ToSlash(rel)
	if !strings.HasPrefix(spec, "../") {
		spec = "./" + spec
	}
	key := spec
	if opts.Base != "" {
		r, _ := filepath.Rel(baseDir, f)
		key = filepath.ToSlash(r)
		if !strings.HasPrefix(key, "../") {
			key = "./" + key
		}
	}
	return globFile{key: key, spec: spec}
}

// globFiles lists the files matching an absolute pattern ("/abs/src/**/*.ts"); the build expands
// dynamic imports with variables through the same package.
func globFiles(root, pattern string) ([]string, error) { return glob.Files(root, pattern) }

// globMatch matches a slash-separated path against a glob with *, **, ?, [...] and {a,b}.
func globMatch(pattern, name string) bool { return glob.Match(pattern, name) }
