package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
)

// cssModule is one CSS file compiled on its own: its @imports inlined, its url()s pointing at emitted
// assets, and for CSS modules its class names made local. Per-chunk CSS is the concatenation of the
// cssModules a chunk contains, so every CSS file is compiled exactly once.
type cssModule struct {
	Path     string // absolute
	CSS      string
	Exports  []cssExport // CSS modules only, in source order
	IsModule bool
	Assets   []string // file names of the emitted assets its url()s point at
}

type cssExport struct{ Name, Value string }

var cssModuleRe = regexp.MustCompile(`\.module\.(css|scss|sass|less|styl|stylus|pcss|postcss)$`)

// isCSS reports whether p is a stylesheet govite compiles.
func isCSS(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".css", ".pcss", ".postcss":
		return true
	}
	return false
}

// cssCompiler compiles stylesheets with esbuild, resolving url() through the builder's assets.
type cssCompiler struct {
	b *builder

	mu     sync.Mutex
	assets []string // emitted files the stylesheet references
}

// cssModulePrefix is the prefix of a CSS module's local names: its file name and a hash of its path
// from root, so that two Button.module.css in different folders never share a class name and the
// names do not depend on where the project lives. esbuild takes the prefix from the file name it is
// given, so the module is compiled under the name prefix + ".module.css".
func (b *builder) cssModulePrefix(abs string) string {
	stem := strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))
	stem = strings.TrimSuffix(stem, ".module")
	sum := sha256.Sum256([]byte(b.relKey(abs)))
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

// compile compiles the stylesheet at abs whose source text is code.
func (c *cssCompiler) compile(abs, code string) (*cssModule, error) {
	if m, ok, err := c.compileFast(abs, code); ok || err != nil {
		return m, err
	}
	isModule := cssModuleRe.MatchString(abs)
	dir := filepath.Dir(abs)
	opts := api.BuildOptions{
		Bundle:        true,
		Write:         false,
		Outdir:        "/govite-css-out",
		AbsWorkingDir: c.b.cfg.Root,
		Engines:       c.b.engines,
		LogLevel:      api.LogLevelSilent,
		Plugins:       []api.Plugin{c.urlPlugin()},
		Charset:       api.CharsetUTF8,
	}
	if isModule {
		// A JS stub imports the module so esbuild reports the class names as a JS object. The file is
		// presented under a name made unique by a hash of its path, because esbuild derives local
		// class names from the file name and two folders may both have Button.module.css.
		virtual := filepath.Join(dir, c.b.cssModulePrefix(abs)+".module.css")
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
		return nil, esbuildError(res.Errors, abs, code)
	}
	m := &cssModule{Path: abs, IsModule: isModule, Assets: c.assets}
	for _, f := range res.OutputFiles {
		switch filepath.Ext(f.Path) {
		case ".css":
			m.CSS = stripLeadingComment(string(f.Contents))
		case ".js":
			exports, err := parseCSSModuleExports(string(f.Contents))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", abs, err)
			}
			m.Exports = exports
		}
	}
	return m, nil
}

// compileFast compiles the common stylesheet, one without @import or composes, with esbuild's
// Transform, which costs a fraction of a bundling build (an app has a stylesheet per component). Its
// url()s are resolved afterwards with the same rules as the bundling path; ok is false when the
// stylesheet needs the bundler.
func (c *cssCompiler) compileFast(abs, code string) (*cssModule, bool, error) {
	if strings.Contains(code, "@import") || strings.Contains(code, "composes") {
		return nil, false, nil
	}
	isModule := cssModuleRe.MatchString(abs)
	opts := api.TransformOptions{Loader: api.LoaderCSS, Sourcefile: abs, Engines: c.b.engines, Charset: api.CharsetUTF8}
	prefix := ""
	if isModule {
		prefix = c.b.cssModulePrefix(abs)
		opts.Loader = api.LoaderLocalCSS
		opts.Sourcefile = filepath.Join(filepath.Dir(abs), prefix+".module.css")
	}
	r := api.Transform(code, opts)
	if len(r.Errors) > 0 {
		for i := range r.Errors {
			if r.Errors[i].Location != nil {
				r.Errors[i].Location.File = c.b.relKey(abs)
			}
		}
		return nil, false, formatErrors(r.Errors)
	}
	css := string(r.Code)
	var out strings.Builder
	last := 0
	for _, m := range cssURLRe.FindAllStringSubmatchIndex(css, -1) {
		raw := ""
		for g := 2; g < 8; g += 2 {
			if m[g] >= 0 {
				raw = css[m[g]:m[g+1]]
			}
		}
		u, ok, err := c.resolveURL(raw, filepath.Dir(abs), abs)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return nil, false, nil // a package URL: let the bundler resolve it
		}
		out.WriteString(css[last:m[0]])
		if strings.ContainsAny(u, " \t\n\"'()") {
			out.WriteString(`url("` + strings.ReplaceAll(u, `"`, `\"`) + `")`)
		} else {
			out.WriteString("url(" + u + ")")
		}
		last = m[1]
	}
	out.WriteString(css[last:])
	m := &cssModule{Path: abs, CSS: out.String(), IsModule: isModule, Assets: c.assets}
	if isModule {
		seen := map[string]bool{}
		for _, mm := range localNameRe(prefix).FindAllStringSubmatch(m.CSS, -1) {
			if !seen[mm[1]] {
				seen[mm[1]] = true
				m.Exports = append(m.Exports, cssExport{mm[1], prefix + "_" + mm[1]})
			}
		}
	}
	return m, true, nil
}

var cssURLRe = regexp.MustCompile(`(?i)\burl\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)`)

func localNameRe(prefix string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(prefix) + `_([A-Za-z0-9_\-]+|[^\x00-\x7f]+)`)
}

// stripLeadingComment removes the "/* path */" comments esbuild writes before each file's rules, which
// would leak absolute paths into the output.
func stripLeadingComment(css string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(css, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "/* ") && strings.HasSuffix(t, " */") && isPathComment(t) {
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
func parseCSSModuleExports(js string) ([]cssExport, error) {
	start := strings.Index(js, "= {")
	if start < 0 {
		return nil, nil // no classes
	}
	end := strings.Index(js[start:], "\n};")
	if end < 0 {
		return nil, fmt.Errorf("unexpected CSS modules output")
	}
	var out []cssExport
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
		out = append(out, cssExport{key, val})
	}
	return out, nil
}

// urlPlugin resolves url() and @import in stylesheets: assets are emitted (or inlined) and their final
// URL is written into the CSS; public files and remote URLs are kept.
func (c *cssCompiler) urlPlugin() api.Plugin {
	b := c.b
	return api.Plugin{Name: "govite:css-url", Setup: func(pb api.PluginBuild) {
		pb.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			p := args.Path
			if args.Kind == api.ResolveCSSImportRule {
				if aliased, ok := b.applyAlias(p); ok {
					return b.resolveVia(pb, aliased, args)
				}
				if strings.HasPrefix(p, "/") && !fileExists(p) {
					if abs := filepath.Join(b.cfg.Root, p); fileExists(abs) {
						return api.OnResolveResult{Path: abs}, nil
					}
				}
				return api.OnResolveResult{}, nil
			}
			if args.Kind != api.ResolveCSSURLToken {
				return api.OnResolveResult{}, nil
			}
			u, ok, err := c.resolveURL(p, args.ResolveDir, args.Importer)
			if err != nil {
				return api.OnResolveResult{}, err
			}
			if !ok {
				r := pb.Resolve(p, api.ResolveOptions{Kind: api.ResolveJSImportStatement, ResolveDir: args.ResolveDir, PluginData: resolveMarker{}})
				if len(r.Errors) > 0 {
					b.warnf("%s referenced in %s didn't resolve at build time, it will remain unchanged to be resolved at runtime", p, args.Importer)
					return api.OnResolveResult{Path: p, External: true}, nil
				}
				if u, err = c.assetFileURL(r.Path); err != nil {
					return api.OnResolveResult{}, err
				}
			}
			return api.OnResolveResult{Path: u, External: true}, nil
		})
	}}
}

// resolveURL turns a url() of a stylesheet in dir into its output URL: public files get base, local
// files are emitted or inlined, remote and data URLs stay. ok is false for a package path
// ("pkg/img.png"), which needs the bundler's resolver.
func (c *cssCompiler) resolveURL(p, dir, importer string) (string, bool, error) {
	b := c.b
	if p == "" || isExternalURL(p) || strings.HasPrefix(p, "#") {
		return p, true, nil
	}
	if aliased, ok := b.applyAlias(p); ok {
		p = aliased
	}
	clean, query := splitQuery(p)
	var abs string
	switch {
	case strings.HasPrefix(clean, "/") && b.publicFile(clean) != "":
		return b.publicURL(strings.TrimPrefix(clean, "/")) + query, true, nil
	case strings.HasPrefix(clean, "/") && fileExists(filepath.Join(b.cfg.Root, clean)):
		abs = filepath.Join(b.cfg.Root, clean)
	case filepath.IsAbs(clean) && fileExists(clean):
		abs = clean
	case strings.HasPrefix(clean, "."):
		abs = filepath.Join(dir, clean)
	default:
		if !fileExists(filepath.Join(dir, clean)) {
			return "", false, nil
		}
		abs = filepath.Join(dir, clean)
	}
	if !fileExists(abs) {
		b.warnf("%s referenced in %s didn't resolve at build time, it will remain unchanged to be resolved at runtime", p, b.relKey(importer))
		return p, true, nil
	}
	u, err := c.assetFileURL(abs)
	return u, err == nil, err
}

// assetFileURL emits (or inlines) a file referenced from CSS and records it for the manifest.
func (c *cssCompiler) assetFileURL(abs string) (string, error) {
	u, err := c.b.cssAssetURL(abs)
	if err != nil {
		return "", err
	}
	if a := c.b.assets.get(abs); a != nil {
		c.mu.Lock()
		if !slices.Contains(c.assets, a.FileName) {
			c.assets = append(c.assets, a.FileName)
		}
		c.mu.Unlock()
	}
	return u, nil
}

func isExternalURL(p string) bool {
	return strings.HasPrefix(p, "data:") || strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "//")
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// cssModuleProxy is the JavaScript that stands for a CSS module in the bundle: its class map as the
// default export and each class that is a valid identifier as a named export.
func cssModuleProxy(m *cssModule, convention string) string {
	var b strings.Builder
	b.WriteString("const __govite_css_classes = {")
	seen := map[string]bool{}
	var named []cssExport
	add := func(name, value string) {
		if seen[name] {
			return
		}
		seen[name] = true
		fmt.Fprintf(&b, "%q: %q, ", name, value)
		if isIdentifier(name) {
			named = append(named, cssExport{name, value})
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
