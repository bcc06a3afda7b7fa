// Package css compiles stylesheets the way both the production build and the dev server need them,
// in Vite's order: pre-processors (Sass, Less, Stylus) and PostCSS first, run in Node by a Processor
// with the project's own packages, then esbuild: @import inlined, url() references rewritten by the
// caller's rules (emitted assets in a build, served URLs in dev), and for CSS modules the class names
// made local and reported.
package css

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/esbatch"
	"github.com/govite/govite/internal/glob"
	"github.com/govite/govite/internal/sourcemap"
)

// Module is one stylesheet compiled on its own.
type Module struct {
	Path     string // absolute
	CSS      string
	Exports  []Export // CSS modules only, in source order
	IsModule bool
	// Imports are the files inlined through @import (absolute), for the dev server's module graph.
	Imports []string
	// Deps are the other files the result was made from (absolute): the partials a pre-processor
	// read, the files PostCSS plugins reported (Tailwind's config and content files). A change to one
	// of them changes the stylesheet.
	Deps []string
	// Map is the source map of CSS back to the sources (JSON), when the Compiler was asked for one.
	Map []byte
}

// Export is one class name of a CSS module and its local name.
type Export struct{ Name, Value string }

// IsModule reports whether p names a CSS module: x.module.css, or .module. before a pre-processor's
// extension (it runs on every request, so without a regexp).
func IsModule(p string) bool {
	i := strings.LastIndexByte(p, '.')
	if i < 0 || !strings.HasSuffix(p[:i], ".module") {
		return false
	}
	switch p[i+1:] {
	case "css", "scss", "sass", "less", "styl", "stylus", "pcss", "postcss":
		return true
	}
	return false
}

// IsCSS reports whether p is a stylesheet govite compiles: CSS and the pre-processor languages Vite
// knows (CSS_LANGS_RE).
func IsCSS(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".css", ".pcss", ".postcss", ".scss", ".sass", ".less", ".styl", ".stylus", ".sss":
		return true
	}
	return false
}

// IsCSSRequest is Vite's isCSSRequest: a stylesheet by its path or, for a plugin's virtual module,
// by the language its query ends with ("/src/App.svelte?svelte&type=style&lang.css").
func IsCSSRequest(u string) bool {
	p, q, _ := strings.Cut(u, "?")
	if IsCSS(p) {
		return true
	}
	lang := LangOfQuery(q)
	return lang != "" && IsCSS("x."+lang)
}

// LangOfQuery is the extension a query ends with, as the virtual modules of framework plugins give
// their language ("lang.css", "lang.ts"): "css", "ts", or "".
func LangOfQuery(q string) string {
	i := strings.LastIndexByte(q, '.')
	if i < 0 || strings.ContainsAny(q[i+1:], "&=/") {
		return ""
	}
	return q[i+1:]
}

// Resolver decides what the references in a stylesheet become.
type Resolver interface {
	// URL maps a url() reference spec of a stylesheet in dir to the URL written into the output. ok is
	// false for a package path ("pkg/img.png"), which esbuild's resolver then finds; its absolute path
	// goes to FileURL.
	URL(spec, dir, importer string) (u string, ok bool, err error)
	FileURL(abs string) (string, error)
	// Import rewrites an @import spec esbuild cannot resolve itself (an alias or a path from root); ok
	// false leaves it to esbuild.
	Import(spec string) (rewritten string, ok bool)
	Warn(msg string)
}

// Compiler compiles stylesheets of one project.
type Compiler struct {
	Root     string
	Engines  []api.Engine
	Resolver Resolver
	// Key is the name of a file in messages and the seed of CSS-module class prefixes: its path from
	// root with "/" separators.
	Key func(abs string) string
	// Errors turns esbuild's messages into the caller's error type.
	Errors func(msgs []api.Message) error
	// Processor runs pre-processors and PostCSS; nil compiles plain CSS only.
	Processor *Processor
	// Sourcemap asks for Module.Map.
	Sourcemap bool
}

// ModulePrefix is the prefix of a CSS module's local names: its file name and a hash of its path
// from root, so that two Button.module.css in different folders never share a class name and the
// names do not depend on where the project lives. esbuild takes the prefix from the file name it is
// given, so the module is compiled under the name prefix + ".module.css".
func (c *Compiler) ModulePrefix(abs string) string {
	stem := strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))
	stem = strings.TrimSuffix(stem, ".module")
	sum := sha256.Sum256([]byte(c.Key(abs)))
	return identifierSafe(stem) + "_" + hex.EncodeToString(sum[:])[:5]
}

func identifierSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

func (c *Compiler) errorsIn(msgs []api.Message, abs string) error {
	for i := range msgs {
		if l := msgs[i].Location; l != nil && (l.File == "<stdin>" || l.File == "" || strings.HasSuffix(l.File, ".module.css")) {
			l.File = c.Key(abs)
		}
	}
	return c.Errors(msgs)
}

// Compile compiles the stylesheet at abs whose source text is code, as Vite's vite:css does: the
// pre-processor of its language, then PostCSS when the project has a PostCSS config (with the
// @imports inlined first, so that the plugins see every rule), then esbuild.
func (c *Compiler) Compile(abs, code string) (*Module, error) {
	st := &compileState{}
	// mapped maps code back to the sources: nil while code is the source itself. A stage that gives
	// no map (while one was asked for) leaves the stylesheet without one rather than with a wrong one.
	var mapped []byte
	staged, broken := false, false
	stage := func(m []byte) {
		switch {
		case !c.Sourcemap || broken:
		case len(m) == 0:
			broken, mapped = true, nil
		default:
			mapped, staged = chainMaps(mapped, m, abs), true
		}
	}
	if lang := Lang(abs); lang != "" {
		if c.Processor == nil {
			return nil, fmt.Errorf("%s: .%s stylesheets need a pre-processor, which this compiler was not given", c.Key(abs), lang)
		}
		s, err := c.Processor.Preprocess(lang, abs, code, c.Sourcemap, c.Resolver)
		if err != nil {
			return nil, err
		}
		code = s.CSS
		stage(s.Map)
		st.add(s.Deps...)
	}
	var dirDeps []dirDependency
	if c.Processor.HasPostCSS() {
		if strings.Contains(code, "@import") {
			out, m, err := c.inlineImports(abs, code, c.Sourcemap, st)
			if err != nil {
				return nil, err
			}
			code = out
			stage(m)
		}
		s, err := c.Processor.PostCSS(abs, code, c.Sourcemap, c.Resolver)
		if err != nil {
			return nil, err
		}
		code, dirDeps = s.CSS, s.DirDeps
		stage(s.Map)
		st.add(s.Deps...)
		for _, w := range s.Warnings {
			msg := "[vite:css][postcss] " + w.Text
			if w.Line > 0 {
				msg = fmt.Sprintf("%s (%s:%d:%d)", msg, c.Key(abs), w.Line, w.Column)
			}
			c.Resolver.Warn(msg)
		}
	}
	m, esMap, err := c.compile(abs, code, st)
	if err != nil {
		return nil, err
	}
	if c.Sourcemap && !broken {
		if staged {
			m.Map = chainMaps(mapped, esMap, abs)
		} else {
			m.Map = esMap
		}
	}
	for _, f := range st.deps {
		if f != abs && !slices.Contains(m.Imports, f) {
			m.Deps = append(m.Deps, f)
		}
	}
	for _, d := range dirDeps {
		files, _ := glob.Files("", glob.Escape(filepath.ToSlash(d.Dir))+"/"+d.Glob)
		for _, f := range files {
			if f != abs && !slices.Contains(m.Deps, f) {
				m.Deps = append(m.Deps, f)
			}
		}
	}
	slices.Sort(m.Deps)
	return m, nil
}

// compile runs esbuild on CSS (after the pre-processor and PostCSS). The map, when c.Sourcemap is
// set, maps the result to code (named abs) and to the files @import inlined.
func (c *Compiler) compile(abs, code string, st *compileState) (*Module, []byte, error) {
	if m, mp, ok, err := c.compileFast(abs, code); ok || err != nil {
		return m, mp, err
	}
	isModule := IsModule(abs)
	dir := filepath.Dir(abs)
	const outdir = "/govite-css-out"
	opts := api.BuildOptions{
		Bundle:        true,
		Write:         false,
		Outdir:        outdir,
		AbsWorkingDir: c.Root,
		Engines:       c.Engines,
		LogLevel:      api.LogLevelSilent,
		Plugins:       []api.Plugin{c.urlPlugin(st)},
		Charset:       api.CharsetUTF8,
		Metafile:      true,
	}
	if c.Sourcemap {
		opts.Sourcemap = api.SourceMapExternal
		opts.SourcesContent = api.SourcesContentExclude
	}
	virtual := ""
	if isModule {
		// A JS stub imports the module so esbuild reports the class names as a JS object. The file is
		// presented under a name made unique by a hash of its path, because esbuild derives local
		// class names from the file name and two folders may both have Button.module.css.
		virtual = filepath.Join(dir, c.ModulePrefix(abs)+".module.css")
		opts.Stdin = &api.StdinOptions{Contents: fmt.Sprintf("export { default } from %q", virtual), ResolveDir: dir, Loader: api.LoaderJS}
		opts.Format = api.FormatESModule
		opts.Plugins = append(opts.Plugins, api.Plugin{Name: "govite:css-module-source", Setup: func(pb api.PluginBuild) {
			pb.OnResolve(api.OnResolveOptions{Filter: "^" + regexp.QuoteMeta(virtual) + "$"}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
				return api.OnResolveResult{Path: virtual, Namespace: "govite-css-module"}, nil
			})
			pb.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: "govite-css-module"}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
				return api.OnLoadResult{Contents: &code, ResolveDir: dir, Loader: api.LoaderLocalCSS}, nil
			})
		}})
	} else {
		opts.Stdin = &api.StdinOptions{Contents: code, ResolveDir: dir, Sourcefile: abs, Loader: api.LoaderCSS}
	}
	res := api.Build(opts)
	if len(res.Errors) > 0 {
		return nil, nil, c.errorsIn(res.Errors, abs)
	}
	m := &Module{Path: abs, IsModule: isModule, Imports: metafileInputs(res.Metafile, c.Root, abs)}
	var mapJSON []byte
	for _, f := range res.OutputFiles {
		switch {
		case strings.HasSuffix(f.Path, ".css"):
			m.CSS = stripLeadingComment(string(f.Contents), c.Sourcemap)
		case strings.HasSuffix(f.Path, ".css.map"):
			mapJSON = absSources(f.Contents, outdir, func(s string) string {
				if s == "<stdin>" || s == virtual || strings.HasSuffix(s, ":"+virtual) {
					return abs
				}
				return s
			})
		case strings.HasSuffix(f.Path, ".js"):
			exports, err := parseCSSModuleExports(string(f.Contents))
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", abs, err)
			}
			m.Exports = exports
		}
	}
	return m, mapJSON, nil
}

// absSources makes the sources of an esbuild map absolute (esbuild writes them relative to the output
// folder) after rename has named the ones that stand for the stage input.
func absSources(data []byte, outdir string, rename func(string) string) []byte {
	m, ok := parseMap(data)
	if !ok {
		return nil
	}
	for i, s := range m.Sources {
		if r := rename(s); r != s {
			m.Sources[i] = r
			continue
		}
		if ns, p, ok := strings.Cut(s, ":"); ok && !strings.Contains(ns, "/") {
			s = p // another namespace
		}
		if !filepath.IsAbs(s) {
			s = filepath.Join(outdir, filepath.FromSlash(s))
		}
		m.Sources[i] = rename(s)
	}
	return marshalMap(m)
}

// metafileInputs lists the stylesheets esbuild read for a stylesheet other than the stylesheet itself.
func metafileInputs(metafile, root, self string) []string {
	var meta struct {
		Inputs map[string]json.RawMessage `json:"inputs"`
	}
	if json.Unmarshal([]byte(metafile), &meta) != nil {
		return nil
	}
	var out []string
	for p := range meta.Inputs {
		if i := strings.Index(p, ":"); i > 0 && !filepath.IsAbs(p) {
			continue // another namespace
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		if p != self && IsCSS(p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// compileFast compiles the common stylesheet, one without @import or composes, with esbuild's
// Transform, which costs a fraction of a bundling build (an app has a stylesheet per component). Its
// url()s are resolved afterwards with the same rules as the bundling path; ok is false when the
// stylesheet needs the bundler.
func (c *Compiler) compileFast(abs, code string) (*Module, []byte, bool, error) {
	if strings.Contains(code, "@import") || strings.Contains(code, "composes") {
		return nil, nil, false, nil
	}
	isModule := IsModule(abs)
	opts := api.TransformOptions{Loader: api.LoaderCSS, Sourcefile: abs, Engines: c.Engines, Charset: api.CharsetUTF8}
	if c.Sourcemap {
		opts.Sourcemap = api.SourceMapExternal
		opts.SourcesContent = api.SourcesContentExclude
	}
	prefix := ""
	if isModule {
		prefix = c.ModulePrefix(abs)
		opts.Loader = api.LoaderLocalCSS
		opts.Sourcefile = filepath.Join(filepath.Dir(abs), prefix+".module.css")
	}
	r := esbatch.Transform(code, opts)
	if len(r.Errors) > 0 {
		return nil, nil, false, c.errorsIn(r.Errors, abs)
	}
	css := string(r.Code)
	var edits []sourcemap.Edit
	for _, m := range cssURLRe.FindAllStringSubmatchIndex(css, -1) {
		raw := ""
		for g := 2; g < 8; g += 2 {
			if m[g] >= 0 {
				raw = css[m[g]:m[g+1]]
			}
		}
		u, ok, err := c.Resolver.URL(raw, filepath.Dir(abs), abs)
		if err != nil {
			return nil, nil, false, err
		}
		if !ok {
			return nil, nil, false, nil // a package URL: let the bundler resolve it
		}
		text := "url(" + u + ")"
		if strings.ContainsAny(u, " \t\n\"'()") {
			text = `url("` + strings.ReplaceAll(u, `"`, `\"`) + `")`
		}
		edits = append(edits, sourcemap.Edit{Start: m[0], End: m[1], Text: text})
	}
	var mapJSON []byte
	if c.Sourcemap {
		mapJSON = absSources(r.Map, "/", func(s string) string {
			if s == opts.Sourcefile || s == "<stdin>" {
				return abs
			}
			return s
		})
	}
	out, outMap, err := sourcemap.Apply(css, mapJSON, edits)
	if err != nil {
		return nil, nil, false, fmt.Errorf("%s: %w", abs, err)
	}
	m := &Module{Path: abs, CSS: out, IsModule: isModule}
	if isModule {
		for _, name := range localNames(m.CSS, prefix) {
			m.Exports = append(m.Exports, Export{name, prefix + "_" + name})
		}
	}
	return m, outMap, true, nil
}

// resolveMarker marks the compiler's own pb.Resolve calls, so its resolve callback lets them through.
type resolveMarker struct{}

// urlPlugin resolves url() and @import in stylesheets through the Resolver, and pre-processes the
// Sass, Less and Stylus files a stylesheet @imports (recording what they read in st).
func (c *Compiler) urlPlugin(st *compileState) api.Plugin {
	return api.Plugin{Name: "govite:css-url", Setup: func(pb api.PluginBuild) {
		pb.OnLoad(api.OnLoadOptions{Filter: `\.(scss|sass|less|styl|stylus|sss)$`, Namespace: "file"}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			if c.Processor == nil {
				return api.OnLoadResult{}, nil
			}
			data, err := os.ReadFile(args.Path)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			s, err := c.Processor.Preprocess(Lang(args.Path), args.Path, string(data), false, c.Resolver)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			st.add(s.Deps...)
			loader := api.LoaderCSS
			if IsModule(args.Path) {
				loader = api.LoaderLocalCSS
			}
			return api.OnLoadResult{Contents: &s.CSS, Loader: loader, ResolveDir: filepath.Dir(args.Path)}, nil
		})
		pb.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			if _, ok := args.PluginData.(resolveMarker); ok {
				return api.OnResolveResult{}, nil
			}
			p := args.Path
			if args.Kind == api.ResolveCSSImportRule {
				if rewritten, ok := c.Resolver.Import(p); ok {
					if filepath.IsAbs(rewritten) && FileExists(rewritten) {
						return api.OnResolveResult{Path: rewritten}, nil
					}
					r := pb.Resolve(rewritten, api.ResolveOptions{Kind: args.Kind, ResolveDir: args.ResolveDir, Importer: args.Importer, Namespace: "file", PluginData: resolveMarker{}})
					if len(r.Errors) > 0 {
						return api.OnResolveResult{}, fmt.Errorf("cannot resolve @import %q: %s", p, r.Errors[0].Text)
					}
					return api.OnResolveResult{Path: r.Path}, nil
				}
				return api.OnResolveResult{}, nil
			}
			if args.Kind != api.ResolveCSSURLToken {
				return api.OnResolveResult{}, nil
			}
			u, ok, err := c.Resolver.URL(p, args.ResolveDir, args.Importer)
			if err != nil {
				return api.OnResolveResult{}, err
			}
			if !ok {
				r := pb.Resolve(p, api.ResolveOptions{Kind: api.ResolveJSImportStatement, ResolveDir: args.ResolveDir, PluginData: resolveMarker{}})
				if len(r.Errors) > 0 {
					c.Resolver.Warn(fmt.Sprintf("%s referenced in %s didn't resolve at build time, it will remain unchanged to be resolved at runtime", p, args.Importer))
					return api.OnResolveResult{Path: p, External: true}, nil
				}
				if u, err = c.Resolver.FileURL(r.Path); err != nil {
					return api.OnResolveResult{}, err
				}
			}
			return api.OnResolveResult{Path: u, External: true}, nil
		})
	}}
}

var cssURLRe = regexp.MustCompile(`(?i)\burl\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)`)

// localNames lists, in order and once each, the local names esbuild gave the classes, ids and
// keyframes of a CSS module: the NAME of each prefix_NAME, where NAME is a run of name characters
// (ASCII letters, digits, "_", "-" and any non-ASCII character, as a CSS identifier has them).
func localNames(css, prefix string) []string {
	var names []string
	seen := map[string]bool{}
	p := prefix + "_"
	for i := 0; ; {
		j := strings.Index(css[i:], p)
		if j < 0 {
			return names
		}
		start := i + j + len(p)
		end := start
		for end < len(css) && (css[end] >= 0x80 || isASCIINameByte(css[end])) {
			end++
		}
		if end == start {
			i += j + 1
			continue
		}
		if name := css[start:end]; !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
		i = end
	}
}

func isASCIINameByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// stripLeadingComment removes the "/* path */" comments esbuild writes before each file's rules, which
// would leak absolute paths into the output. keepLines leaves their lines empty instead, for a
// source map of the output.
func stripLeadingComment(css string, keepLines bool) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(css, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "/* ") && strings.HasSuffix(t, " */") && isPathComment(t) {
			if keepLines && strings.HasSuffix(line, "\n") {
				b.WriteString("\n")
			}
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

func isPathComment(t string) bool {
	inner := strings.TrimSpace(t[2 : len(t)-2])
	return !strings.ContainsAny(inner, " \t") && (strings.Contains(inner, ".") || strings.Contains(inner, ":"))
}

var exportLineRe = regexp.MustCompile(`^\s*("(?:[^"\\]|\\.)*"|[\w$]+):\s*("(?:[^"\\]|\\.)*"),?$`)

// parseCSSModuleExports reads the class-name object esbuild printed for a CSS module stub (unminified,
// so one `key: "value"` per line).
func parseCSSModuleExports(js string) ([]Export, error) {
	start := strings.Index(js, "= {")
	if start < 0 {
		return nil, nil // no classes
	}
	end := strings.Index(js[start:], "\n};")
	if end < 0 {
		return nil, fmt.Errorf("unexpected CSS modules output")
	}
	var out []Export
	for _, line := range strings.Split(js[start+3:start+end], "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		m := exportLineRe.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("unsupported CSS modules construct (composes from another file?): %s", strings.TrimSpace(line))
		}
		key := m[1]
		if strings.HasPrefix(key, `"`) {
			key, _ = strconv.Unquote(key)
		}
		val, _ := strconv.Unquote(m[2])
		out = append(out, Export{key, val})
	}
	return out, nil
}

func IsExternalURL(p string) bool {
	return strings.HasPrefix(p, "data:") || strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "//")
}

func FileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// ModuleProxy is the JavaScript that stands for a CSS module in the bundle: its class map as the
// default export and each class that is a valid identifier as a named export.
func ModuleProxy(m *Module, convention string) string {
	var b strings.Builder
	b.WriteString("const __govite_css_classes = {")
	seen := map[string]bool{}
	var named []Export
	add := func(name, value string) {
		if seen[name] {
			return
		}
		seen[name] = true
		fmt.Fprintf(&b, "%q: %q, ", name, value)
		if isIdentifier(name) {
			named = append(named, Export{name, value})
		}
	}
	for _, e := range m.Exports {
		switch convention {
		case "camelCase":
			add(e.Name, e.Value)
			add(camelCase(e.Name), e.Value)
		case "camelCaseOnly":
			add(camelCase(e.Name), e.Value)
		case "dashes":
			add(e.Name, e.Value)
			add(dashesCamelCase(e.Name), e.Value)
		case "dashesOnly":
			add(dashesCamelCase(e.Name), e.Value)
		default:
			add(e.Name, e.Value)
		}
	}
	b.WriteString("};\nexport default __govite_css_classes;\n")
	for _, e := range named {
		fmt.Fprintf(&b, "export const %s = %q;\n", e.Name, e.Value)
	}
	return b.String()
}

var reserved = map[string]bool{"default": true, "class": true, "new": true, "delete": true, "function": true, "return": true,
	"var": true, "let": true, "const": true, "if": true, "else": true, "for": true, "while": true, "do": true, "switch": true,
	"case": true, "break": true, "continue": true, "import": true, "export": true, "in": true, "of": true, "this": true,
	"typeof": true, "void": true, "with": true, "yield": true, "await": true, "enum": true, "super": true, "throw": true,
	"try": true, "catch": true, "finally": true, "null": true, "true": true, "false": true, "instanceof": true, "debugger": true, "extends": true}

func isIdentifier(s string) bool {
	if s == "" || reserved[s] {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}

func camelCase(s string) string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) == 0 {
		return s
	}
	out := parts[0]
	for _, p := range parts[1:] {
		out += strings.ToUpper(p[:1]) + p[1:]
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "_") {
		return s[:1] + out
	}
	return out
}

func dashesCamelCase(s string) string {
	parts := strings.Split(s, "-")
	out := parts[0]
	for _, p := range parts[1:] {
		if p != "" {
			out += strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return out
}
