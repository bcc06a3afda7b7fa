// Package glob lists and matches files by the glob patterns Vite uses (import.meta.glob, dynamic
// imports with variables, server.warmup): *, **, ?, [...] and {a,b}. The dev server and the build share
// it, so a pattern finds the same files in both.
package glob

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Files lists the files matching an absolute pattern ("/abs/src/**/*.ts"), skipping node_modules
// and dot folders unless the pattern names them.
func Files(root, pattern string) ([]string, error) {
	pattern = filepath.ToSlash(pattern)
	segs := strings.Split(pattern, "/")
	static := []string{}
	for _, s := range segs {
		if strings.ContainsAny(s, "*?[{") {
			break
		}
		static = append(static, s)
	}
	dir := strings.Join(static, "/")
	if len(static) == len(segs) {
		if st, err := os.Stat(filepath.FromSlash(pattern)); err == nil && !st.IsDir() {
			return []string{filepath.FromSlash(pattern)}, nil
		}
		return nil, nil
	}
	if dir == "" {
		dir = "/"
	}
	wantsNodeModules := strings.Contains(pattern, "node_modules")
	var out []string
	err := filepath.WalkDir(filepath.FromSlash(dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != filepath.FromSlash(dir) && (name == "node_modules" && !wantsNodeModules || name == ".git") {
				return filepath.SkipDir
			}
			return nil
		}
		if Match(pattern, filepath.ToSlash(p)) {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// Match matches a slash-separated path against a glob with *, **, ?, [...] and {a,b}.
func Match(pattern, name string) bool {
	for _, alt := range expandBraces(pattern) {
		if matchSegments(strings.Split(alt, "/"), strings.Split(name, "/")) {
			return true
		}
	}
	return false
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchSegments(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		ok, err := path.Match(pat[0], name[0])
		if err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// expandBraces expands {a,b} alternatives (not nested).
func expandBraces(p string) []string {
	i := strings.IndexByte(p, '{')
	if i < 0 {
		return []string{p}
	}
	j := strings.IndexByte(p[i:], '}')
	if j < 0 {
		return []string{p}
	}
	var out []string
	for _, alt := range strings.Split(p[i+1:i+j], ",") {
		out = append(out, expandBraces(p[:i]+alt+p[i+j+1:])...)
	}
	return out
}

// Escape makes a literal path part safe inside a pattern: the characters that mean something to
// Match are escaped, as Vite's dynamic-import-vars does for the static parts of a template string.
func Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
