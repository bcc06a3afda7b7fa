package guard

import (
	"fmt"
	"net/http"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/govite/govite/internal/config"
)

// FS is server.fs: which files the dev server may serve.
//
//   - Deny: glob patterns matched against the file's absolute path (and its path relative to Root); a
//     pattern without "/" matches at any depth (as if written "**/"+pattern). Matching ignores case,
//     includes dot files, and knows `**` (any number of segments), `*`, `?`, `[...]` and `{a,b}`. Deny
//     always applies, strict or not.
//   - Strict: only files inside Allow (absolute directories or files) may be served.
//
// Symbolic links are followed: the real path must pass the checks too. The fields must not change
// after the first Check.
type FS struct {
	Root   string
	Strict bool
	Allow  []string
	Deny   []string

	once     sync.Once
	deny     []denyPattern
	allow    []string // slash paths: Allow, and their real paths
	root     string   // slash path of Root, and its real path
	realRoot string
}

type denyPattern struct {
	pattern string
	// globs are the alternatives of a pattern that path.Match reads as picomatch does (only "*",
	// "?" and literal characters), lower-cased; res are the others. The check runs on every request,
	// and a case-insensitive regexp is the slow kind.
	globs []string
	res   []*regexp.Regexp
	// base is set for a pattern without "/" (".env", "*.{crt,pem}"): it matches the last segment of a
	// path at any depth, so res match the base name only, not a "**/" regexp over the whole path
	// (which backtracks over every directory of every request's path).
	base bool
}

// NewFS returns the FS of a resolved server config.
func NewFS(root string, s config.ResolvedServerOptions) *FS {
	return &FS{Root: root, Strict: s.FSStrict, Allow: s.FSAllow, Deny: s.FSDeny}
}

func (f *FS) init() {
	for _, p := range f.Deny {
		dp := denyPattern{pattern: p, base: !strings.Contains(p, "/")}
		for _, e := range expandBraces(p) {
			if !strings.ContainsAny(e, "[]()!+@\\") && !strings.Contains(e, "**") {
				dp.globs = append(dp.globs, strings.ToLower(e))
				continue
			}
			if re, err := regexp.Compile("(?is)" + config.GlobToRegexp(e)); err == nil {
				dp.res = append(dp.res, re)
			}
		}
		f.deny = append(f.deny, dp)
	}
	for _, a := range f.Allow {
		a = filepath.Clean(a)
		f.allow = append(f.allow, filepath.ToSlash(a))
		if real, err := filepath.EvalSymlinks(a); err == nil && real != a {
			f.allow = append(f.allow, filepath.ToSlash(real))
		}
	}
	if f.Root != "" {
		f.root = filepath.ToSlash(filepath.Clean(f.Root))
		if real, err := filepath.EvalSymlinks(f.Root); err == nil {
			f.realRoot = filepath.ToSlash(real)
		}
	}
}

// Check reports whether the file at absPath may be served; the error (an *Error, status 403) says why.
func (f *FS) Check(absPath string) error {
	f.once.Do(f.init)
	if !filepath.IsAbs(absPath) {
		return &Error{Status: http.StatusForbidden, Kind: ErrForbiddenURL, Msg: fmt.Sprintf("The request url %q is not an absolute file path.", absPath)}
	}
	p := filepath.Clean(absPath)
	if err := f.check(p, absPath); err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(p); err == nil && real != p {
		if err := f.check(real, absPath); err != nil {
			return err
		}
	}
	return nil
}

func (f *FS) check(p, requested string) error {
	sp := filepath.ToSlash(p)
	for _, d := range f.deny {
		// A base-name pattern sees the same last segment in the path and in its root-relative
		// forms, so one match decides.
		if d.match(sp) || !d.base && (f.root != "" && d.match(relTo(f.root, sp)) || f.realRoot != "" && d.match(relTo(f.realRoot, sp))) {
			return &Error{Status: http.StatusForbidden, Kind: ErrDenied,
				Msg: fmt.Sprintf("The request url %q is denied: it matches %q in server.fs.deny.", requested, d.pattern)}
		}
	}
	if !f.Strict {
		return nil
	}
	// As in Vite: a ":" outside a drive letter (an NTFS stream, a device) is never served in strict mode.
	if strings.Contains(strings.TrimPrefix(sp, filepath.VolumeName(p)), ":") {
		return f.outside(requested)
	}
	for _, a := range f.allow {
		if sp == a || strings.HasPrefix(sp, strings.TrimSuffix(a, "/")+"/") {
			return nil
		}
	}
	return f.outside(requested)
}

func (f *FS) outside(requested string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "The request url %q is outside of Vite serving allow list.\n\n", requested)
	for _, a := range f.Allow {
		b.WriteString("- " + a + "\n")
	}
	b.WriteString("\nRefer to docs https://vite.dev/config/server-options.html#server-fs-allow for configurations and more details.")
	return &Error{Status: http.StatusForbidden, Kind: ErrOutsideAllow, Msg: b.String()}
}

func (d denyPattern) match(p string) bool {
	if p == "" {
		return false
	}
	if d.base {
		p = path.Base(p)
	}
	if len(d.globs) > 0 {
		lower := strings.ToLower(p)
		for _, g := range d.globs {
			if ok, _ := path.Match(g, lower); ok {
				return true
			}
		}
	}
	for _, re := range d.res {
		if re.MatchString(p) {
			return true
		}
	}
	return false
}

// relTo returns p relative to root (slash paths), or "" when p is not inside root.
func relTo(root, p string) string {
	prefix := strings.TrimSuffix(root, "/") + "/"
	if strings.HasPrefix(p, prefix) {
		return p[len(prefix):]
	}
	return ""
}

// expandBraces expands `{a,b}` alternatives (nested ones too) into separate patterns.
func expandBraces(p string) []string {
	start := strings.IndexByte(p, '{')
	if start < 0 {
		return []string{p}
	}
	depth := 0
	var alts []string
	last := start + 1
	for i := start; i < len(p); i++ {
		switch p[i] {
		case '{':
			depth++
		case ',':
			if depth == 1 {
				alts = append(alts, p[last:i])
				last = i + 1
			}
		case '}':
			depth--
			if depth == 0 {
				alts = append(alts, p[last:i])
				var out []string
				for _, rest := range expandBraces(p[i+1:]) {
					for _, a := range alts {
						for _, ea := range expandBraces(a) {
							out = append(out, p[:start]+ea+rest)
						}
					}
				}
				return out
			}
		}
	}
	return []string{p} // unbalanced: literal
}
