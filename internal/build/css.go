package build

import (
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

// compile compiles the stylesheet at abs whose source text is code.
func (c *cssCompiler) compile(abs, code string) (*cssModule, error) {
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
		stem := strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))
		stem = strings.TrimSuffix(stem, ".module")
		// identifier-safe, and the same wherever the project lives
		tag := strings.NewReplacer("-", "", "_", "").Replace(contentHash([]byte(c.b.relKey(abs))))[:5]
		virtual := filepath.Join(dir, sanitizeName(stem)+"_"+tag+".module.css")
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
			if isExternalURL(p) || strings.HasPrefix(p, "#") {
				return api.OnResolveResult{Path: p, External: true}, nil
			}
			if aliased, ok := b.applyAlias(p); ok {
				p = aliased
			}
			clean, query := splitQuery(p)
			var abs string
			switch {
			case strings.HasPrefix(clean, "/") && b.publicFile(clean) != "":
				return api.OnResolveResult{Path: b.publicURL(strings.TrimPrefix(clean, "/")) + query, External: true}, nil
			case strings.HasPrefix(clean, "/") && fileExists(filepath.Join(b.cfg.Root, clean)):
				abs = filepath.Join(b.cfg.Root, clean)
			case filepath.IsAbs(clean) && fileExists(clean):
				abs = clean
			case strings.HasPrefix(clean, "."):
				abs = filepath.Join(args.ResolveDir, clean)
			default:
				r := pb.Resolve(clean, api.ResolveOptions{Kind: api.ResolveJSImportStatement, ResolveDir: args.ResolveDir, PluginData: resolveMarker{}})
				if len(r.Errors) == 0 {
					abs = r.Path
				} else {
					abs = filepath.Join(args.ResolveDir, clean)
				}
			}
			if !fileExists(abs) {
				b.warnf("%s referenced in %s didn't resolve at build time, it will remain unchanged to be resolved at runtime", p, args.Importer)
				return api.OnResolveResult{Path: p, External: true}, nil
			}
			u, err := b.assetURL(abs, false, cssRelative)
			if err != nil {
				return api.OnResolveResult{}, err
			}
			if a := b.assets.get(abs); a != nil {
				c.mu.Lock()
				if !slices.Contains(c.assets, a.FileName) {
					c.assets = append(c.assets, a.FileName)
				}
				c.mu.Unlock()
			}
			return api.OnResolveResult{Path: u, External: true}, nil
		})
	}}
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
