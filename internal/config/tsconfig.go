package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/govite/govite/internal/fsresolve"
	"github.com/govite/govite/internal/glob"
)

// The tsconfig.json that applies to a file, found as Vite finds it (with tsconfck): the nearest
// tsconfig.json above the file; when that one is a solution (it has "references" and does not
// include the file itself, as create-vite's tsconfig.json with "files": [] does), the first
// referenced config that includes the file; each with its "extends" chain merged in. Only the
// compiler options that change how esbuild compiles a file are passed on (Vite's list).

// tsconfigFields are the compiler options that matter to a transform, as Vite passes them.
var tsconfigFields = []string{"alwaysStrict", "experimentalDecorators", "importsNotUsedAsValues", "jsx", "jsxFactory",
	"jsxFragmentFactory", "jsxImportSource", "preserveValueImports", "target", "useDefineForClassFields", "verbatimModuleSyntax"}

// TsconfigFor returns the compiler options of the tsconfig that applies to file, as esbuild's
// TsconfigRaw ("" when there is none), looking for tsconfig.json up to root (up to the file
// system's root when root is "").
func TsconfigFor(file, root string) string {
	if t, _ := tsconfigOf(file, root); t != nil {
		return t.raw
	}
	return ""
}

// IsTsconfigFile reports whether a change to file can change how TypeScript compiles: it is a
// tsconfig.json, or a config that one extends or references (one that TsconfigFor has read).
func IsTsconfigFile(file string) bool {
	if filepath.Base(file) == "tsconfig.json" {
		return true
	}
	if !strings.HasSuffix(file, ".json") {
		return false
	}
	found := false
	tsconfigCache.Range(func(_, v any) bool {
		_, found = v.(*tsconfig).read[file]
		return !found
	})
	return found
}

// ResolveTsconfigPaths resolves spec, imported by the project file importer, through the
// compilerOptions.paths and baseUrl of importer's tsconfig (Vite's resolve.tsconfigPaths, with
// TypeScript's rules): an exact pattern first, else the "*" pattern with the longest prefix, each
// substitution in order; then, with a baseUrl, spec under it. A candidate is a file as written, with
// one of extensions, or a folder's index. ok is false when nothing there exists, and for relative,
// absolute and package-internal imports.
func ResolveTsconfigPaths(spec, importer, root string, extensions []string) (string, bool) {
	if spec == "" || strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "\x00") ||
		filepath.IsAbs(spec) || strings.Contains(filepath.ToSlash(importer), "/node_modules/") {
		return "", false
	}
	t, _ := tsconfigOf(importer, root)
	if t == nil {
		return "", false
	}
	base := t.pathsDir
	var baseURL string
	if raw, ok := t.compilerOptions["baseUrl"]; ok && json.Unmarshal(raw, &baseURL) == nil {
		baseURL = filepath.Join(t.baseURLDir, baseURL)
		base = baseURL
	}
	var paths map[string][]string
	if raw, ok := t.compilerOptions["paths"]; ok {
		_ = json.Unmarshal(raw, &paths)
	}
	try := func(p string) (string, bool) { return fsresolve.File(p, "", extensions) }
	if targets, ok := paths[spec]; ok && !strings.Contains(spec, "*") {
		for _, target := range targets {
			if f, ok := try(filepath.Join(base, target)); ok {
				return f, true
			}
		}
	}
	best, star := "", ""
	for pattern := range paths {
		prefix, suffix, ok := strings.Cut(pattern, "*")
		if ok && len(spec) >= len(prefix)+len(suffix) && strings.HasPrefix(spec, prefix) && strings.HasSuffix(spec, suffix) &&
			(best == "" || len(prefix) > len(best[:strings.IndexByte(best, '*')])) {
			best, star = pattern, spec[len(prefix):len(spec)-len(suffix)]
		}
	}
	if best != "" {
		for _, target := range paths[best] {
			if f, ok := try(filepath.Join(base, strings.Replace(target, "*", star, 1))); ok {
				return f, true
			}
		}
	}
	if baseURL != "" {
		return try(filepath.Join(baseURL, spec))
	}
	return "", false
}

// TsconfigFromReference reports whether the tsconfig that applies to file is one that the nearest
// tsconfig.json references. esbuild's bundler reads the nearest tsconfig.json (and what it extends)
// but not its references, so such a file must be compiled with TsconfigFor's options first.
func TsconfigFromReference(file, root string) bool {
	_, ref := tsconfigOf(file, root)
	return ref
}

func tsconfigOf(file, root string) (t *tsconfig, referenced bool) {
	nearest := ""
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if p := filepath.Join(dir, "tsconfig.json"); isFile(p) {
			nearest = p
			break
		}
		if dir == root || dir == filepath.Dir(dir) {
			return nil, false
		}
	}
	t, err := loadTsconfig(nearest)
	if err != nil {
		return nil, false // esbuild reports nothing either; the file compiles with the defaults
	}
	if len(t.references) > 0 && !t.includes(file) {
		for _, ref := range t.references {
			if r, err := loadTsconfig(ref); err == nil && r.includes(file) {
				return r, true
			}
		}
	}
	return t, false
}

// tsconfig is a parsed tsconfig.json with its extends chain merged.
type tsconfig struct {
	file            string
	compilerOptions map[string]json.RawMessage
	// files, include and exclude are relative to the directory of the config that set them (a base
	// config's lists are inherited with the base's directory).
	files, include, exclude          *[]string
	filesDir, includeDir, excludeDir string
	// pathsDir and baseURLDir are the directories of the configs that set paths and baseUrl: paths
	// are relative to baseUrl when there is one, else to the config that set them.
	pathsDir, baseURLDir string
	references           []string
	raw                  string // TsconfigRaw of the meaningful compiler options
	read                 map[string]time.Time
}

var tsconfigCache sync.Map // file → *tsconfig

// loadTsconfig parses file and the configs it extends, from the cache while none of them changed.
func loadTsconfig(file string) (*tsconfig, error) {
	if v, ok := tsconfigCache.Load(file); ok {
		t := v.(*tsconfig)
		fresh := true
		for f, mod := range t.read {
			if st, err := os.Stat(f); err != nil || !st.ModTime().Equal(mod) {
				fresh = false
				break
			}
		}
		if fresh {
			return t, nil
		}
	}
	t, err := parseTsconfig(file, map[string]bool{})
	if err != nil {
		return nil, err
	}
	opts := map[string]json.RawMessage{}
	for _, k := range tsconfigFields {
		if v, ok := t.compilerOptions[k]; ok {
			opts[k] = v
		}
	}
	if _, ok := opts["useDefineForClassFields"]; !ok {
		if _, ok := opts["target"]; !ok {
			// TypeScript's default target is ES5, so class fields are assigned, not defined; esbuild
			// would otherwise decide from its own target (Vite sets it the same way).
			opts["useDefineForClassFields"] = json.RawMessage("false")
		}
	}
	b, _ := json.Marshal(map[string]any{"compilerOptions": opts})
	t.raw = string(b)
	tsconfigCache.Store(file, t)
	return t, nil
}

type tsconfigJSON struct {
	Extends         json.RawMessage            `json:"extends"`
	CompilerOptions map[string]json.RawMessage `json:"compilerOptions"`
	Files           *[]string                  `json:"files"`
	Include         *[]string                  `json:"include"`
	Exclude         *[]string                  `json:"exclude"`
	References      []struct {
		Path string `json:"path"`
	} `json:"references"`
}

func parseTsconfig(file string, seen map[string]bool) (*tsconfig, error) {
	if seen[file] {
		return nil, fmt.Errorf("%s: extends itself", file)
	}
	seen[file] = true
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var j tsconfigJSON
	if err := json.Unmarshal(stripJSONC(data), &j); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	st, _ := os.Stat(file)
	dir := filepath.Dir(file)
	t := &tsconfig{file: file, compilerOptions: map[string]json.RawMessage{}, read: map[string]time.Time{file: st.ModTime()}}
	// extends: a string, or (TypeScript 5) a list whose later entries override the earlier ones.
	var bases []string
	if len(j.Extends) > 0 {
		var one string
		if json.Unmarshal(j.Extends, &one) == nil {
			bases = []string{one}
		} else if err := json.Unmarshal(j.Extends, &bases); err != nil {
			return nil, fmt.Errorf("%s: extends must be a string or a list of strings", file)
		}
	}
	for _, spec := range bases {
		p := resolveTsconfigExtends(spec, dir)
		if p == "" {
			return nil, fmt.Errorf("%s: cannot find the config it extends, %q", file, spec)
		}
		base, err := parseTsconfig(p, seen)
		if err != nil {
			return nil, err
		}
		for k, v := range base.compilerOptions {
			t.compilerOptions[k] = v
		}
		if base.pathsDir != "" {
			t.pathsDir = base.pathsDir
		}
		if base.baseURLDir != "" {
			t.baseURLDir = base.baseURLDir
		}
		if base.files != nil {
			t.files, t.filesDir = base.files, base.filesDir
		}
		if base.include != nil {
			t.include, t.includeDir = base.include, base.includeDir
		}
		if base.exclude != nil {
			t.exclude, t.excludeDir = base.exclude, base.excludeDir
		}
		for f, mod := range base.read {
			t.read[f] = mod
		}
	}
	for k, v := range j.CompilerOptions {
		t.compilerOptions[k] = v
	}
	if _, ok := j.CompilerOptions["paths"]; ok {
		t.pathsDir = dir
	}
	if _, ok := j.CompilerOptions["baseUrl"]; ok {
		t.baseURLDir = dir
	}
	if j.Files != nil {
		t.files, t.filesDir = j.Files, dir
	}
	if j.Include != nil {
		t.include, t.includeDir = j.Include, dir
	}
	if j.Exclude != nil {
		t.exclude, t.excludeDir = j.Exclude, dir
	}
	for _, r := range j.References {
		p := filepath.Join(dir, r.Path)
		if !strings.HasSuffix(p, ".json") || !isFile(p) {
			p = filepath.Join(p, "tsconfig.json")
		}
		t.references = append(t.references, p)
	}
	return t, nil
}

// resolveTsconfigExtends finds the file an "extends" names: a path relative to the config (".json"
// may be left out), or a package's config ("@tsconfig/strictest/tsconfig.json", through the
// package's "exports" as require.resolve does; or the package alone for its package.json
// "tsconfig" field or its tsconfig.json).
func resolveTsconfigExtends(spec, dir string) string {
	if strings.HasPrefix(spec, ".") || filepath.IsAbs(spec) {
		p := spec
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, spec)
		}
		for _, c := range []string{p, p + ".json", filepath.Join(p, "tsconfig.json")} {
			if isFile(c) {
				return c
			}
		}
		return ""
	}
	if p, err := resolveModule(spec, dir); err == nil && strings.HasSuffix(p, ".json") {
		return p
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "node_modules", filepath.FromSlash(spec))
		for _, c := range []string{p, p + ".json"} {
			if isFile(c) {
				return c
			}
		}
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			var pkg struct {
				Tsconfig string `json:"tsconfig"`
			}
			if data, err := os.ReadFile(filepath.Join(p, "package.json")); err == nil && json.Unmarshal(data, &pkg) == nil && pkg.Tsconfig != "" {
				if c := filepath.Join(p, pkg.Tsconfig); isFile(c) {
					return c
				}
			}
			if c := filepath.Join(p, "tsconfig.json"); isFile(c) {
				return c
			}
		}
		if d == filepath.Dir(d) {
			return ""
		}
	}
}

// includes reports whether the config takes file in, by its files, include and exclude (TypeScript's
// rules: include defaults to everything unless files is set, a directory stands for the files under
// it, and "*" matches only TypeScript files, and JavaScript files with allowJs).
func (t *tsconfig) includes(file string) bool {
	slash := filepath.ToSlash(file)
	if t.files != nil {
		for _, f := range *t.files {
			if filepath.ToSlash(filepath.Join(t.filesDir, f)) == slash {
				return true
			}
		}
	}
	include, includeDir := []string{"**/*"}, filepath.Dir(t.file)
	if t.include != nil {
		include, includeDir = *t.include, t.includeDir
	} else if t.files != nil {
		include = nil
	}
	allowJS := string(t.compilerOptions["allowJs"]) == "true"
	if !tsconfigGlobMatch(slash, includeDir, include, allowJS) {
		return false
	}
	return t.exclude == nil || !tsconfigGlobMatch(slash, t.excludeDir, *t.exclude, allowJS)
}

func tsconfigGlobMatch(file, dir string, patterns []string, allowJS bool) bool {
	for _, p := range patterns {
		full := path.Join(filepath.ToSlash(dir), p)
		last := full[strings.LastIndexByte(full, '/')+1:]
		if !strings.ContainsAny(last, "*?") && !strings.Contains(last, ".") {
			full += "/**/*" // a directory
		}
		explicitExt := strings.Contains(last, ".") && !strings.HasSuffix(last, ".*")
		if !explicitExt && !tsconfigExtension(file, allowJS) {
			continue
		}
		if glob.Match(full, file) {
			return true
		}
	}
	return false
}

func tsconfigExtension(file string, allowJS bool) bool {
	for _, ext := range []string{".ts", ".tsx", ".mts", ".cts"} {
		if strings.HasSuffix(file, ext) {
			return true
		}
	}
	if allowJS {
		for _, ext := range []string{".js", ".jsx", ".mjs", ".cjs"} {
			if strings.HasSuffix(file, ext) {
				return true
			}
		}
	}
	return false
}

// stripJSONC turns tsconfig's JSON with comments and trailing commas into JSON.
func stripJSONC(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(b) && b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			out = append(out, b[i:min(j+1, len(b))]...)
			i = j
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				i++
			}
			out = append(out, '\n')
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			end := strings.Index(string(b[i+2:]), "*/")
			if end < 0 {
				return out
			}
			i += end + 3
		case c == ',':
			j := i + 1
			for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r') {
				j++
			}
			if j < len(b) && (b[j] == '}' || b[j] == ']') {
				continue // a trailing comma
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// WithoutCompilerOptions returns a TsconfigRaw without the named compiler options: the options a
// transform sets itself win over the tsconfig (Vite drops jsx, jsxFactory, jsxFragmentFactory and
// jsxImportSource from the tsconfig when its own options set them; esbuild would prefer the tsconfig).
func WithoutCompilerOptions(raw string, names ...string) string {
	if raw == "" || len(names) == 0 {
		return raw
	}
	// Called for every transform with one of a project's few tsconfigs: remembered.
	key := raw + "\x00" + strings.Join(names, ",")
	if v, ok := withoutCache.Load(key); ok {
		return v.(string)
	}
	out := withoutCompilerOptions(raw, names)
	withoutCache.Store(key, out)
	return out
}

var withoutCache sync.Map

func withoutCompilerOptions(raw string, names []string) string {
	var t struct {
		CompilerOptions map[string]json.RawMessage `json:"compilerOptions"`
	}
	if raw == "" || json.Unmarshal([]byte(raw), &t) != nil {
		return raw
	}
	for _, n := range names {
		delete(t.CompilerOptions, n)
	}
	b, _ := json.Marshal(t)
	return string(b)
}

// TsconfigRaw is TsconfigFor(file, root) for a transform with these esbuild options: the JSX options
// they set win over the tsconfig's, as in Vite, and "jsx" (the runtime) is always govite's own.
func (es *EsbuildOptions) TsconfigRaw(file, root string) string {
	drop := []string{"jsx"}
	if es.JSXFactory != "" {
		drop = append(drop, "jsxFactory")
	}
	if es.JSXFragment != "" {
		drop = append(drop, "jsxFragmentFactory")
	}
	if es.JSXImportSource != "" {
		drop = append(drop, "jsxImportSource")
	}
	return WithoutCompilerOptions(TsconfigFor(file, root), drop...)
}
