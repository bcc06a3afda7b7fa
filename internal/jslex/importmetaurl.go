package jslex

import (
	"regexp"
	"strings"
)

// viteIgnoreRE is Vite's hasViteIgnoreRE.
var viteIgnoreRE = regexp.MustCompile(`/\*\s*@vite-ignore\s*\*/`)

// HasViteIgnore reports whether code has a /* @vite-ignore */ comment, with which Vite leaves an
// import or a URL as written.
func HasViteIgnore(code string) bool { return viteIgnoreRE.MatchString(code) }

// ImportMetaURL is one `new URL(<literal>, import.meta.url)` of a module: a file referenced relative
// to the module (an asset), or, as the first argument of `new Worker(...)` or `new SharedWorker(...)`,
// a worker script.
type ImportMetaURL struct {
	Start, End int    // the new URL(...) expression
	Spec       string // the literal's value, as written
	Template   bool   // a template literal with substitutions
	Ignored    bool   // /* @vite-ignore */ before the literal
	Worker     bool   // the first argument of new Worker(...) / new SharedWorker(...)
	// WorkerType is the worker's type option: "module", "classic" (the default, also for options
	// that name another type), or "ignore" when the options have /* @vite-ignore */.
	WorkerType string
}

var (
	// newURLBeforeRE matches the code before import.meta.url in new URL('./x', import.meta.url).
	newURLBeforeRE = regexp.MustCompile("\\bnew\\s+URL\\s*\\(\\s*(?:/\\*[^*]*\\*/\\s*)?('[^']+'|\"[^\"]+\"|`[^`]+`)\\s*,\\s*$")
	// newURLAfterRE matches the code after import.meta up to the call's closing parenthesis.
	newURLAfterRE = regexp.MustCompile(`^\.url\s*(?:,\s*)?\)`)
	// newWorkerBeforeRE matches `new Worker(` or `new SharedWorker(` just before the new URL(...).
	newWorkerBeforeRE = regexp.MustCompile(`\bnew\s+(?:Worker|SharedWorker)\s*\(\s*$`)
	// workerTypeRE finds a literal type option in the options object that follows.
	workerTypeRE = regexp.MustCompile(`^\s*,\s*\{[^{}]*?\btype\s*:\s*(['"])(\w+)['"]`)
)

// MayHaveImportMetaURLs reports whether code may have a new URL(..., import.meta.url) for
// FindImportMetaURLs: a quick test before lexing a module.
func MayHaveImportMetaURLs(code string) bool {
	return strings.Contains(code, "import.meta.url") && newURLRE.MatchString(code)
}

var newURLRE = regexp.MustCompile(`\bnew\s+URL\s*\(`)

// FindImportMetaURLs lists the new URL(literal, import.meta.url) expressions of code, found from the
// import.meta occurrences the lexer saw (imports, from Parse), so never inside strings or comments.
func FindImportMetaURLs(code string, imports []Import) []ImportMetaURL {
	var out []ImportMetaURL
	for _, imp := range imports {
		if imp.Kind != Meta {
			continue
		}
		after := newURLAfterRE.FindStringIndex(code[imp.End:])
		if after == nil {
			continue
		}
		from := max(0, imp.Start-4096)
		before := newURLBeforeRE.FindStringSubmatchIndex(code[from:imp.Start])
		if before == nil {
			continue
		}
		u := ImportMetaURL{Start: from + before[0], End: imp.End + after[1]}
		lit := code[from+before[2] : from+before[3]]
		u.Spec = lit[1 : len(lit)-1]
		u.Template = lit[0] == '`' && strings.Contains(lit, "${")
		u.Ignored = HasViteIgnore(code[u.Start : from+before[2]])
		if newWorkerBeforeRE.MatchString(code[max(0, u.Start-256):u.Start]) {
			u.Worker = true
			u.WorkerType = "classic"
			rest := code[u.End:]
			if opts := rest[:optionsEnd(rest)]; HasViteIgnore(opts) {
				u.WorkerType = "ignore"
			} else if m := workerTypeRE.FindStringSubmatch(opts); m != nil && m[2] == "module" {
				u.WorkerType = "module"
			}
		}
		out = append(out, u)
	}
	return out
}

// optionsEnd is the offset of the ")" that closes the constructor call whose remaining arguments
// start rest (len(rest) when it is not found).
func optionsEnd(rest string) int {
	depth := 0
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; c {
		case '"', '\'', '`':
			for i++; i < len(rest) && rest[i] != c; i++ {
				if rest[i] == '\\' {
					i++
				}
			}
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return len(rest)
}
