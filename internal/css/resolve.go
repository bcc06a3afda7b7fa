package css

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// styleResolver resolves the @import / @use of one stylesheet language the way Vite's CSS resolvers
// do (createCSSResolvers): files relative to the importer first, even for a bare path
// (preferRelative), then packages with the language's package.json conditions and fields ("sass" or
// "less", then "style") and extensions; Sass also finds partials (_name.scss) and index files.
type styleResolver struct {
	ctx     api.BuildContext
	resolve func(string, api.ResolveOptions) api.ResolveResult
	exts    []string
	partial bool // Sass: try "_name" and index files
}

// styleLangs are the resolver settings of each language, as Vite's.
var styleLangs = map[string]struct {
	exts, fields []string
	partial      bool
}{
	"sass": {exts: []string{".scss", ".sass", ".css"}, fields: []string{"sass", "style"}, partial: true},
	"less": {exts: []string{".less", ".css"}, fields: []string{"less", "style"}},
	"css":  {exts: []string{".css"}, fields: []string{"style"}},
}

// styleResolver returns the resolver of lang ("sass", "less" or "css"), creating it on first use.
func (p *Processor) styleResolver(lang string) *styleResolver {
	p.resolveMu.Lock()
	defer p.resolveMu.Unlock()
	if r := p.resolvers[lang]; r != nil {
		return r
	}
	spec, ok := styleLangs[lang]
	if !ok {
		spec = styleLangs["css"]
	}
	r := &styleResolver{exts: spec.exts, partial: spec.partial}
	mode := "development"
	if p.cfg.IsProduction {
		mode = "production"
	}
	ready := make(chan struct{})
	ctx, err := api.Context(api.BuildOptions{
		AbsWorkingDir:     p.root,
		Platform:          api.PlatformNeutral,
		Conditions:        append(slices.Clone(spec.fields), mode),
		MainFields:        spec.fields,
		ResolveExtensions: spec.exts,
		PreserveSymlinks:  p.cfg.Resolve.PreserveSymlinks,
		LogLevel:          api.LogLevelSilent,
		Plugins: []api.Plugin{{Name: "govite:style-resolver", Setup: func(pb api.PluginBuild) {
			r.resolve = pb.Resolve
			close(ready)
		}}},
	})
	if err == nil {
		<-ready
		r.ctx = ctx
	}
	p.resolvers[lang] = r
	return r
}

func (r *styleResolver) close() {
	if r.ctx != nil {
		r.ctx.Dispose()
	}
}

// resolveStyle resolves spec, imported by the stylesheet importer, for lang ("sass", "less", "css"):
// through the caller's aliases and root-relative paths (Resolver.Import), then as Vite's CSS
// resolvers do. It returns "" when nothing matches; the tool then tries its own lookup (Sass
// loadPaths, Less paths).
func (p *Processor) resolveStyle(lang, spec, importer string, res Resolver) string {
	if strings.HasPrefix(spec, "file:") {
		u, err := url.Parse(spec)
		if err != nil {
			return ""
		}
		spec = u.Path
	} else if i := strings.IndexByte(spec, ':'); i > 1 && !strings.ContainsAny(spec[:i], "/\\.") {
		return "" // sass:math, http://...: not a file
	}
	sr := p.styleResolver(lang)
	dir := filepath.Dir(importer)
	if res != nil {
		if rewritten, ok := res.Import(spec); ok {
			spec = rewritten
		}
	}
	if filepath.IsAbs(spec) {
		if f := sr.file(spec); f != "" {
			return f
		}
		if strings.HasPrefix(spec, "/") {
			return sr.file(filepath.Join(p.root, spec)) // a path from root
		}
		return ""
	}
	if f := sr.file(filepath.Join(dir, spec)); f != "" {
		return f
	}
	if strings.HasPrefix(spec, ".") {
		return ""
	}
	return sr.pkg(spec, dir)
}

// file finds the file p names: as written, with each extension, as a Sass partial, as an index file.
func (r *styleResolver) file(p string) string {
	if isFile(p) {
		return p
	}
	for _, ext := range r.exts {
		if isFile(p + ext) {
			return p + ext
		}
	}
	if !r.partial {
		return ""
	}
	dir, base := filepath.Split(p)
	if !strings.HasPrefix(base, "_") {
		partial := filepath.Join(dir, "_"+base)
		if isFile(partial) {
			return partial
		}
		for _, ext := range r.exts {
			if isFile(partial + ext) {
				return partial + ext
			}
		}
	}
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		for _, name := range []string{"index", "_index"} {
			for _, ext := range r.exts {
				if q := filepath.Join(p, name+ext); isFile(q) {
					return q
				}
			}
		}
	}
	return ""
}

// pkg resolves a package path: esbuild's resolver with the language's conditions and fields, then,
// for a path into a package, the file rules (Sass partials) under the package's folder.
func (r *styleResolver) pkg(spec, dir string) string {
	if r.resolve != nil {
		res := r.resolve(spec, api.ResolveOptions{Kind: api.ResolveCSSImportRule, ResolveDir: dir})
		if len(res.Errors) == 0 && res.Path != "" && !res.External && filepath.IsAbs(res.Path) && r.acceptable(res.Path) {
			return res.Path
		}
	}
	name, sub := splitPackagePath(spec)
	if sub == "" {
		return ""
	}
	for d := dir; ; {
		if pkgDir := filepath.Join(d, "node_modules", filepath.FromSlash(name)); isDir(pkgDir) {
			return r.file(filepath.Join(pkgDir, filepath.FromSlash(sub)))
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// acceptable reports whether a resolved file is a stylesheet of the language (a package's main file
// may be JavaScript).
func (r *styleResolver) acceptable(p string) bool {
	return slices.Contains(r.exts, strings.ToLower(filepath.Ext(p)))
}

// splitPackagePath splits "@scope/pkg/sub/path" into "@scope/pkg" and "sub/path".
func splitPackagePath(spec string) (name, sub string) {
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") && len(parts) >= 2 {
		name = parts[0] + "/" + parts[1]
		if len(parts) == 3 {
			sub = parts[2]
		}
		return name, sub
	}
	name, sub, _ = strings.Cut(spec, "/")
	return name, sub
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
