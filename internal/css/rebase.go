package css

import (
	"path/filepath"
	"regexp"
	"strings"
)

// rebaseURLs rewrites the relative url()s (and data-uri()s and @import "x.css") of a stylesheet file
// that is being inlined into rootFile, a partial pulled in by Sass @use or Less @import, so that they
// are relative to rootFile's folder, as Vite's rebaseUrls does: the tools copy the text as it is, and
// the URLs are resolved later from the folder of the stylesheet that was requested. References
// through an alias are resolved to the file too. Variables (Sass $x and #{...}, Less @x) are left.
func (p *Processor) rebaseURLs(content, file, rootFile, lang string, res Resolver) string {
	fileDir, rootDir := filepath.Dir(file), filepath.Dir(rootFile)
	if fileDir == rootDir {
		return content
	}
	rebase := func(unquoted, raw string) (string, bool) {
		quoted := raw != "" && (raw[0] == '"' || raw[0] == '\'')
		switch {
		case lang == "sass" && (!quoted && strings.HasPrefix(unquoted, "$") || strings.HasPrefix(unquoted, "#{")):
			return "", false
		case lang == "less" && strings.HasPrefix(unquoted, "@"):
			return "", false
		case strings.HasPrefix(unquoted, "/"):
			return unquoted, true
		}
		abs := p.resolveStyle(lang, unquoted, file, res)
		if abs == "" {
			abs = filepath.Join(fileDir, filepath.FromSlash(unquoted))
		}
		rel, err := filepath.Rel(rootDir, abs)
		if err != nil {
			return "", false
		}
		return filepath.ToSlash(rel), true
	}
	if importCSSRe.MatchString(content) {
		content = rewriteImportCSS(content, rebase)
	}
	content = rewriteCSSFunc(content, "url", rebase)
	if lang == "less" {
		content = rewriteCSSFunc(content, "data-uri", rebase)
	}
	return content
}

// importCSSRe finds `@import "x.css"` and `@import url(x.css)` (Vite's importCssRE).
var importCSSRe = regexp.MustCompile(`@import\s+(?:url\()?('[^']+\.css'|"[^"]+\.css"|[^'"\s)]+\.css)`)

func rewriteImportCSS(css string, replace func(unquoted, raw string) (string, bool)) string {
	return importCSSRe.ReplaceAllStringFunc(css, func(m string) string {
		sub := importCSSRe.FindStringSubmatch(m)
		raw := sub[1]
		wrap, unquoted := unwrapQuotes(raw)
		if skipURL(unquoted) {
			return m
		}
		nu, ok := replace(unquoted, raw)
		if !ok {
			return m
		}
		prefix := "@import "
		if strings.Contains(m, "url(") {
			prefix += "url("
		}
		return prefix + wrap + nu + wrap
	})
}

// rewriteCSSFunc calls replace for the argument of each name(...) ("url", "data-uri") that is a whole
// function name (not part of another identifier) and, for url(), not part of an @import. The
// replacement is quoted when it needs to be, as Vite's doUrlReplace does.
func rewriteCSSFunc(css, name string, replace func(unquoted, raw string) (string, bool)) string {
	var out strings.Builder
	last := 0
	for i := 0; i < len(css); {
		j := strings.Index(css[i:], name+"(")
		if j < 0 {
			break
		}
		j += i
		i = j + 1
		if j > 0 && isIdentByte(css[j-1]) {
			continue
		}
		if name == "url" && afterImport(css[:j]) {
			continue
		}
		argStart := j + len(name) + 1
		end, ok := funcArgEnd(css, argStart)
		if !ok {
			continue
		}
		raw := strings.TrimSpace(css[argStart:end])
		if raw == "" {
			continue
		}
		wrap, unquoted := unwrapQuotes(raw)
		if skipURL(unquoted) {
			continue
		}
		unquoted = unescapeURL(unquoted)
		nu, ok := replace(unquoted, raw)
		if !ok {
			continue
		}
		if wrap == "" && (needsURIEncoding(nu) || strings.Contains(nu, ")")) {
			wrap = `"`
		}
		if wrap == "'" && strings.Contains(nu, "'") {
			wrap = `"`
		}
		if wrap == `"` && strings.Contains(nu, `"`) {
			nu = escapeDoubleQuotes(nu)
		}
		out.WriteString(css[last:j])
		out.WriteString(name + "(" + wrap + nu + wrap + ")")
		last = end + 1
		i = end + 1
	}
	if last == 0 {
		return css
	}
	out.WriteString(css[last:])
	return out.String()
}

// funcArgEnd finds the ")" that closes a url() argument starting at i, as Vite's cssUrlRE reads it: a
// quoted string with spaces around it, or unquoted text with backslash escapes and no quotes.
func funcArgEnd(css string, i int) (int, bool) {
	k := i
	for k < len(css) && isSpace(css[k]) {
		k++
	}
	if k < len(css) && (css[k] == '"' || css[k] == '\'') {
		q := css[k]
		e := strings.IndexByte(css[k+1:], q)
		if e <= 0 {
			return 0, false
		}
		k += e + 2
		for k < len(css) && isSpace(css[k]) {
			k++
		}
		if k < len(css) && css[k] == ')' {
			return k, true
		}
		return 0, false
	}
	for k = i; k < len(css); k++ {
		switch css[k] {
		case '\\':
			k++
		case '"', '\'':
			return 0, false
		case ')':
			return k, k > i
		}
	}
	return 0, false
}

func afterImport(before string) bool {
	t := strings.TrimRight(before, " \t\r\n\f")
	return len(t) < len(before) && strings.HasSuffix(t, "@import")
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func unwrapQuotes(raw string) (wrap, unquoted string) {
	if len(raw) >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[len(raw)-1] == raw[0] {
		return raw[:1], raw[1 : len(raw)-1]
	}
	return "", raw
}

var functionCallRe = regexp.MustCompile(`(?i)^[A-Z_][.\w-]*\(`)

// skipURL reports the URLs never rewritten: remote and data URLs, fragments, function calls (var())
// and govite's own placeholders.
func skipURL(u string) bool {
	return IsExternalURL(u) || strings.HasPrefix(u, "#") || functionCallRe.MatchString(u) ||
		strings.HasPrefix(u, "__VITE_ASSET__") || strings.HasPrefix(u, "__VITE_PUBLIC_ASSET__")
}

// unescapeURL drops the backslash of escaped non-word characters ("a\ b.png" is "a b.png").
func unescapeURL(u string) string {
	if !strings.Contains(u, `\`) {
		return u
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		if u[i] == '\\' && i+1 < len(u) && !isWordByte(u[i+1]) {
			i++
		}
		b.WriteByte(u[i])
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// needsURIEncoding reports whether encodeURI would change s: it has a character outside the ones a URI
// keeps as they are.
func needsURIEncoding(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isWordByte(c) || strings.IndexByte(";,/?:@&=+$-.!~*'()#", c) >= 0 {
			continue
		}
		return true
	}
	return false
}

func escapeDoubleQuotes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '"' && (i == 0 || s[i-1] != '\\') {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
