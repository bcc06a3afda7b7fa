package optimizer

import (
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// globCallRE finds import.meta.glob calls and their first argument (a string or an array of strings).
var globCallRE = regexp.MustCompile("import\\.meta\\.glob(?:<[^>]*>)?\\(\\s*(\\[[^\\]]*\\]|'[^']*'|\"[^\"]*\"|`[^`$]*`)")

var globStringRE = regexp.MustCompile("'([^']*)'|\"([^\"]*)\"|`([^`$]*)`")

// globImports returns `import()` statements for the files the import.meta.glob calls of code match,
// so that the scan follows them as Vite's scanner does (it transforms the globs first).
func (o *Optimizer) globImports(code, file string) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, call := range globCallRE.FindAllStringSubmatch(code, -1) {
		var patterns []string
		for _, m := range globStringRE.FindAllStringSubmatch(call[1], -1) {
			patterns = append(patterns, m[1]+m[2]+m[3])
		}
		for _, p := range o.expandGlob(patterns, filepath.Dir(file)) {
			if p != file && !seen[p] {
				seen[p] = true
				b.WriteString("\n;import(" + jsonString(p) + ");")
			}
		}
	}
	return b.String()
}

// expandGlob lists the files matching the positive patterns and none of the negative ("!") ones.
// Patterns are relative to dir ("./", "../"), to the root ("/") or start with an alias.
func (o *Optimizer) expandGlob(patterns []string, dir string) []string {
	abs := func(p string) string {
		if a, ok := o.applyAlias(p); ok {
			p = a
		}
		switch {
		case strings.HasPrefix(p, "/") && !within(o.opts.Root, p):
			return filepath.ToSlash(filepath.Join(o.opts.Root, p))
		case filepath.IsAbs(p):
			return filepath.ToSlash(p)
		}
		return filepath.ToSlash(filepath.Join(dir, p))
	}
	var positive []string
	var negative []*regexp.Regexp
	for _, p := range patterns {
		if strings.HasPrefix(p, "!") {
			if re := globToRegexp(abs(p[1:])); re != nil {
				negative = append(negative, re)
			}
			continue
		}
		positive = append(positive, abs(p))
	}
	found := map[string]bool{}
	for _, p := range positive {
		re := globToRegexp(p)
		if re == nil {
			continue
		}
		base := globBase(p)
		allowNodeModules := strings.Contains(p, "node_modules")
		_ = filepath.WalkDir(filepath.FromSlash(base), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if name := d.Name(); path != filepath.FromSlash(base) && (name == ".git" || (name == "node_modules" && !allowNodeModules)) {
					return filepath.SkipDir
				}
				return nil
			}
			slash := filepath.ToSlash(path)
			if !re.MatchString(slash) {
				return nil
			}
			for _, n := range negative {
				if n.MatchString(slash) {
					return nil
				}
			}
			found[path] = true
			return nil
		})
	}
	out := make([]string, 0, len(found))
	for p := range found {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// globBase is the directory part of a pattern before its first wildcard.
func globBase(p string) string {
	i := strings.IndexAny(p, "*?{[")
	if i < 0 {
		return filepath.ToSlash(filepath.Dir(filepath.FromSlash(p)))
	}
	j := strings.LastIndex(p[:i], "/")
	if j <= 0 {
		return "/"
	}
	return p[:j]
}

// globToRegexp translates a glob (*, **, ?, {a,b}, [abc]) into a regular expression on slash paths.
func globToRegexp(glob string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	inBrace := false
	for i := 0; i < len(glob); i++ {
		c := glob[i]
		switch {
		case c == '*' && strings.HasPrefix(glob[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case c == '*' && strings.HasPrefix(glob[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '{':
			inBrace = true
			b.WriteString("(?:")
		case c == '}' && inBrace:
			inBrace = false
			b.WriteString(")")
		case c == ',' && inBrace:
			b.WriteString("|")
		case c == '[':
			j := strings.IndexByte(glob[i:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := glob[i+1 : i+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}
