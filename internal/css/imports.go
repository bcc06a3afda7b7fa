package css

import (
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/govite/govite/internal/sourcemap"
)

// compileState collects what one Compile call read besides the stylesheet: the dev server watches
// those files and updates the stylesheet when one changes.
type compileState struct {
	mu   sync.Mutex
	deps []string
}

func (s *compileState) add(files ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range files {
		if f != "" && !slices.Contains(s.deps, f) {
			s.deps = append(s.deps, f)
		}
	}
}

// importRule is one @import at the top of a stylesheet.
type importRule struct {
	start, end int    // the rule's bytes, ";" included
	spec       string // the URL as written, unquoted
	layer      string // "" without layer; "layer" alone is an anonymous layer: layerAnon
	supports   string // the supports() condition without "supports"
	media      string
}

const layerAnon = "\x00anonymous"

// inlineImports replaces the @import rules at the top of a stylesheet with the stylesheets they name,
// before PostCSS runs, as Vite's postcss-import does: PostCSS plugins then see every rule (Tailwind's
// `@import "tailwindcss/base"` or an imported file's @apply). Imported files are pre-processed when
// they are Sass, Less or Stylus, and their url()s are rebased onto the importing stylesheet's folder.
// Conditions become blocks (@media, @supports, @layer). Remote URLs stay @import rules, first; a
// file imported twice with the same conditions is inlined once. It returns the new text and, when
// sourcemap is set, a line-by-line source map of it.
func (c *Compiler) inlineImports(abs, code string, sourcemap bool, st *compileState) (string, []byte, error) {
	var head strings.Builder
	b := &mapBuilder{on: sourcemap}
	seen := map[string]bool{}
	if err := c.inlineInto(&head, b, abs, abs, code, seen, []string{abs}, st); err != nil {
		return "", nil, err
	}
	out := head.String() + b.text.String()
	return out, b.finish(abs, strings.Count(head.String(), "\n")), nil
}

// inlineInto writes the inlined form of code (the text of file) to b, hoisting remote imports to head.
func (c *Compiler) inlineInto(head *strings.Builder, b *mapBuilder, file, rootFile, code string, seen map[string]bool, stack []string, st *compileState) error {
	rules := topImports(code)
	pos := 0
	for _, r := range rules {
		b.copy(code[pos:r.start], file, code, pos)
		pos = r.end
		if IsExternalURL(r.spec) {
			head.WriteString(code[r.start:r.end] + "\n")
			continue
		}
		target := c.Processor.resolveStyle("css", r.spec, file, c.Resolver)
		if target == "" || slices.Contains(stack, target) {
			// Left for esbuild, which reports a file it cannot find where the rule is.
			b.copy(code[r.start:r.end], file, code, r.start)
			continue
		}
		key := target + "\x00" + r.layer + "\x00" + r.supports + "\x00" + r.media
		if seen[key] {
			continue
		}
		seen[key] = true
		st.add(target)
		data, err := os.ReadFile(target)
		if err != nil {
			return err
		}
		text := string(data)
		if lang := Lang(target); lang != "" {
			s, err := c.Processor.Preprocess(lang, target, text, false, c.Resolver)
			if err != nil {
				return err
			}
			st.add(s.Deps...)
			text = s.CSS
		}
		// The imported file's own imports first (relative to it), then its url()s onto the root.
		var inner mapBuilder
		inner.on = b.on
		if err := c.inlineInto(head, &inner, target, rootFile, text, seen, append(stack, target), st); err != nil {
			return err
		}
		body := inner.text.String()
		if rebased := c.Processor.rebaseURLs(body, target, rootFile, "css", c.Resolver); rebased != body {
			body = rebased // a rewritten url() never adds or removes lines: the line map holds
		}
		open, close := wrapConditions(r)
		b.raw(open)
		b.appendBuilt(body, &inner)
		b.raw(close)
	}
	b.copy(code[pos:], file, code, pos)
	return nil
}

// wrapConditions turns an @import's conditions into the blocks around the inlined rules.
func wrapConditions(r importRule) (open, close string) {
	if r.media != "" {
		open += "@media " + r.media + " {\n"
		close = "\n}" + close
	}
	if r.supports != "" {
		open += "@supports " + r.supports + " {\n"
		close = "\n}" + close
	}
	switch r.layer {
	case "":
	case layerAnon:
		open += "@layer {\n"
		close = "\n}" + close
	default:
		open += "@layer " + r.layer + " {\n"
		close = "\n}" + close
	}
	if open != "" {
		close += "\n"
	}
	return open, close
}

// topImports finds the @import rules a stylesheet starts with (after @charset, @layer statements and
// comments); an @import after any other rule is not an import (CSS ignores it).
func topImports(code string) []importRule {
	var rules []importRule
	i := 0
	for {
		i = skipSpaceAndComments(code, i)
		rest := code[i:]
		switch {
		case hasPrefixFold(rest, "@charset"), hasPrefixFold(rest, "@layer") && statementBeforeBlock(rest):
			end := statementEnd(code, i)
			if end < 0 {
				return rules
			}
			i = end + 1
		case hasPrefixFold(rest, "@import") && len(rest) > 7 && (isSpace(rest[7]) || rest[7] == '"' || rest[7] == '\'' || rest[7] == 'u'):
			end := statementEnd(code, i)
			if end < 0 {
				return rules
			}
			r, ok := parseImport(code[i+7 : end])
			if !ok {
				i = end + 1
				continue
			}
			r.start, r.end = i, end+1
			rules = append(rules, r)
			i = end + 1
		default:
			return rules
		}
	}
}

// statementBeforeBlock reports whether the at-rule at the start of s is a statement (ends with ";"
// before any "{").
func statementBeforeBlock(s string) bool {
	semi, brace := strings.IndexByte(s, ';'), strings.IndexByte(s, '{')
	return semi >= 0 && (brace < 0 || semi < brace)
}

// parseImport reads an @import's prelude: the URL, then layer, supports() and the media query list.
func parseImport(prelude string) (importRule, bool) {
	var r importRule
	p := strings.TrimSpace(prelude)
	switch {
	case strings.HasPrefix(p, `"`) || strings.HasPrefix(p, `'`):
		e := strings.IndexByte(p[1:], p[0])
		if e < 0 {
			return r, false
		}
		r.spec, p = p[1:1+e], p[2+e:]
	case hasPrefixFold(p, "url("):
		e, ok := funcArgEnd(p, 4)
		if !ok {
			return r, false
		}
		_, r.spec = unwrapQuotes(strings.TrimSpace(p[4:e]))
		p = p[e+1:]
	default:
		return r, false
	}
	p = strings.TrimSpace(p)
	if hasPrefixFold(p, "layer(") {
		e := matchingParen(p, 5)
		if e < 0 {
			return r, false
		}
		r.layer, p = strings.TrimSpace(p[6:e]), strings.TrimSpace(p[e+1:])
	} else if hasPrefixFold(p, "layer") && (len(p) == 5 || isSpace(p[5])) {
		r.layer, p = layerAnon, strings.TrimSpace(p[5:])
	}
	if hasPrefixFold(p, "supports(") {
		e := matchingParen(p, 8)
		if e < 0 {
			return r, false
		}
		inner := strings.TrimSpace(p[9:e])
		if !strings.HasPrefix(inner, "(") && !hasPrefixFold(inner, "not ") && !hasPrefixFold(inner, "selector(") {
			inner = "(" + inner + ")"
		}
		r.supports, p = inner, strings.TrimSpace(p[e+1:])
	}
	r.media = p
	return r, true
}

func matchingParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		case '"', '\'':
			e := strings.IndexByte(s[i+1:], s[i])
			if e < 0 {
				return -1
			}
			i += e + 1
		}
	}
	return -1
}

// statementEnd finds the ";" that ends the statement starting at i, past strings and parentheses.
func statementEnd(code string, i int) int {
	depth := 0
	for ; i < len(code); i++ {
		switch code[i] {
		case '"', '\'':
			e := strings.IndexByte(code[i+1:], code[i])
			if e < 0 {
				return -1
			}
			i += e + 1
		case '(':
			depth++
		case ')':
			depth--
		case ';':
			if depth <= 0 {
				return i
			}
		case '{', '}':
			if depth <= 0 {
				return -1
			}
		}
	}
	return -1
}

func skipSpaceAndComments(code string, i int) int {
	for i < len(code) {
		switch {
		case isSpace(code[i]):
			i++
		case strings.HasPrefix(code[i:], "/*"):
			e := strings.Index(code[i+2:], "*/")
			if e < 0 {
				return len(code)
			}
			i += e + 4
		case strings.HasPrefix(code[i:], "\ufeff"):
			i += len("\ufeff")
		default:
			return i
		}
	}
	return i
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// mapBuilder builds the inlined text and a source map that maps each copied line to the start of
// its line in the file it came from (the lines added around imported rules map nowhere).
type mapBuilder struct {
	on     bool
	text   strings.Builder
	nlines int          // newlines written so far
	lines  []lineOrigin // one per output line
}

type lineOrigin struct {
	file string // "" for no origin
	line int
}

// copy appends s, the text at offset off of file (whose text is src).
func (b *mapBuilder) copy(s, file, src string, off int) {
	if s == "" {
		return
	}
	if b.on {
		first := strings.Count(src[:off], "\n")
		b.note(strings.Count(s, "\n"), func(i int) lineOrigin { return lineOrigin{file, first + i} })
	}
	b.write(s)
}

// raw appends text that comes from no file.
func (b *mapBuilder) raw(s string) {
	if b.on {
		b.note(strings.Count(s, "\n"), func(int) lineOrigin { return lineOrigin{} })
	}
	b.write(s)
}

// appendBuilt appends text built by another builder (an imported file), with its line origins.
func (b *mapBuilder) appendBuilt(s string, other *mapBuilder) {
	if b.on {
		b.note(strings.Count(s, "\n"), func(i int) lineOrigin {
			if i < len(other.lines) {
				return other.lines[i]
			}
			return lineOrigin{}
		})
	}
	b.write(s)
}

func (b *mapBuilder) write(s string) {
	b.nlines += strings.Count(s, "\n")
	b.text.WriteString(s)
}

// note records the origins of the lines text adds: the current (maybe partial) line and n new ones.
func (b *mapBuilder) note(n int, origin func(i int) lineOrigin) {
	cur := b.nlines
	for len(b.lines) <= cur+n {
		b.lines = append(b.lines, lineOrigin{})
	}
	for i := 0; i <= n; i++ {
		if b.lines[cur+i].file == "" {
			b.lines[cur+i] = origin(i)
		}
	}
}

// finish writes the map, with headLines unmapped lines (the hoisted remote imports) first.
func (b *mapBuilder) finish(file string, headLines int) []byte {
	if !b.on {
		return nil
	}
	var m rawMap
	m.Version, m.File, m.Names = 3, file, []string{}
	index := map[string]int{}
	lines := make([][]sourcemap.Segment, headLines, headLines+len(b.lines))
	for _, o := range b.lines {
		if o.file == "" {
			lines = append(lines, nil)
			continue
		}
		i, ok := index[o.file]
		if !ok {
			i = len(m.Sources)
			index[o.file] = i
			m.Sources = append(m.Sources, o.file)
		}
		lines = append(lines, []sourcemap.Segment{{0, i, o.line, 0}})
	}
	m.Mappings = encodeMappings(lines)
	return marshalMap(&m)
}
