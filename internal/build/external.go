package build

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
)

// externalizer decides which bare imports of a server build stay imports (Vite's SSR
// externalization, src/node/external.ts): Node's builtins always; a dependency when it resolves,
// with the external conditions, to a JavaScript file in node_modules, unless noExternal names it;
// and whatever external names. A linked package (a symlink to a folder outside node_modules) is
// bundled unless external names it.
type externalizer struct {
	b *builder
	// resolver is a PluginBuild of an esbuild context set up with the external conditions, used only
	// for its Resolve; esbuild has one set of conditions per build.
	ctx      api.BuildContext
	resolver *api.PluginBuild

	mu    sync.Mutex
	cache map[string]externalDecision
}

type externalDecision struct {
	id       string // the specifier the output imports
	external bool
}

func newExternalizer(b *builder) *externalizer {
	x := &externalizer{b: b, cache: map[string]externalDecision{}}
	var captured api.PluginBuild
	ctx, err := api.Context(api.BuildOptions{
		AbsWorkingDir:     b.cfg.Root,
		Bundle:            true,
		Platform:          api.PlatformNode,
		Format:            api.FormatESModule,
		Conditions:        b.expandConditions(b.env.Resolve.ExternalConditions),
		MainFields:        b.mainFields(),
		ResolveExtensions: b.extensions(),
		PreserveSymlinks:  b.cfg.Resolve.PreserveSymlinks,
		LogLevel:          api.LogLevelSilent,
		Plugins:           []api.Plugin{{Name: "govite-external", Setup: func(pb api.PluginBuild) { captured = pb }}},
	})
	if err == nil {
		x.ctx = ctx
		x.resolver = &captured
	}
	return x
}

func (x *externalizer) close() {
	if x.ctx != nil {
		x.ctx.Dispose()
	}
}

// bareImportRE is Vite's bareImportRE: a package name or path, not a Windows drive path or a URL.
var bareImportRE = regexp.MustCompile(`^[\w@]`)

func isBareImport(id string) bool {
	if !bareImportRE.MatchString(id) || strings.Contains(id, "\x00") || strings.Contains(id, "://") {
		return false
	}
	return !filepath.IsAbs(id) && !(len(id) > 1 && id[1] == ':')
}

// npmPackageName is the package part of a bare import: "react" for "react/jsx-runtime", "@scope/pkg"
// for "@scope/pkg/sub"; "" when id is not a package path.
func npmPackageName(id string) string {
	parts := strings.SplitN(id, "/", 3)
	if strings.HasPrefix(id, "@") {
		if len(parts) < 2 || parts[1] == "" {
			return ""
		}
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// isBuiltin reports whether id is one of the environment's builtins.
func (b *builder) isBuiltin(id string) bool {
	return b.env.Resolve.Builtins.All || b.env.Resolve.Builtins.Match(id)
}

// external returns the id to import when the bare import spec stays external.
func (x *externalizer) external(spec string) (string, bool) {
	x.mu.Lock()
	d, ok := x.cache[spec]
	x.mu.Unlock()
	if ok {
		return d.id, d.external
	}
	d.id, d.external = x.decide(spec)
	x.mu.Lock()
	x.cache[spec] = d
	x.mu.Unlock()
	return d.id, d.external
}

// decide is Vite's isConfiguredAsExternal.
func (x *externalizer) decide(spec string) (string, bool) {
	r := x.b.env.Resolve
	if slices.Contains(r.External.List, spec) {
		return spec, true
	}
	pkg := npmPackageName(spec)
	if pkg == "" {
		return x.externalizable(spec, pkg, false)
	}
	if r.External.Match(pkg) {
		return x.externalizable(spec, pkg, true)
	}
	if r.NoExternal.All || r.NoExternal.Match(pkg) {
		return "", false
	}
	return x.externalizable(spec, pkg, r.External.All)
}

// externalizable resolves spec from the root with the external conditions: it can stay an import
// when that gives a JavaScript file (or a file without extension) in node_modules, or anywhere when
// the package is configured as external.
func (x *externalizer) externalizable(spec, pkg string, configured bool) (string, bool) {
	if x.resolver == nil || !isBareImport(spec) {
		return "", false
	}
	res := x.resolver.Resolve(spec, api.ResolveOptions{Kind: api.ResolveJSImportStatement, ResolveDir: x.b.cfg.Root})
	if len(res.Errors) > 0 || res.Path == "" || res.External {
		return "", false
	}
	file := res.Path
	if !configured && !inNodeModules(file) {
		return "", false
	}
	switch filepath.Ext(file) {
	case "", ".js", ".mjs", ".cjs":
	default:
		return "", false
	}
	return externalID(spec, pkg, file), true
}

var inNodeModulesRE = regexp.MustCompile(`(?:^|[\\/])node_modules(?:[\\/]|$)`)

func inNodeModules(p string) bool { return inNodeModulesRE.MatchString(p) }

// externalID is what the output imports for an external dependency: the specifier as written,
// except for a deep import of a package without "exports" whose file has another extension
// ("date-fns/locale" resolving to date-fns/locale/index.js), which Node could not resolve; then it
// is the specifier completed from the resolved path, as Vite writes it.
func externalID(spec, pkg, file string) string {
	if spec == pkg || pkg == "" {
		return spec
	}
	ext := filepath.Ext(file)
	if filepath.Ext(spec) == ext {
		return spec
	}
	if packageHasExports(pkg, file) {
		return spec
	}
	slashed := filepath.ToSlash(file)
	if i := strings.LastIndex(slashed, spec); i >= 0 {
		return slashed[i:]
	}
	return spec
}

// packageHasExports reports whether the package.json of pkg (the nearest one above file that names
// pkg) has "exports".
func packageHasExports(pkg, file string) bool {
	for dir := filepath.Dir(file); filepath.Base(dir) != "node_modules"; {
		if data, err := os.ReadFile(filepath.Join(dir, "package.json")); err == nil {
			var m struct {
				Name    string          `json:"name"`
				Exports json.RawMessage `json:"exports"`
			}
			if json.Unmarshal(data, &m) == nil && m.Name == pkg {
				return len(m.Exports) > 0 && string(m.Exports) != "null"
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return false
}

// serverJSExt is the extension of a server build's JS files: "js" when the project's nearest
// package.json says "type": "module", else "mjs", so Node loads them as ES modules either way.
func serverJSExt(root string) string {
	for dir := root; ; {
		if data, err := os.ReadFile(filepath.Join(dir, "package.json")); err == nil {
			var pj struct {
				Type string `json:"type"`
			}
			if json.Unmarshal(data, &pj) == nil && pj.Type == "module" {
				return "js"
			}
			return "mjs"
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "mjs"
		}
		dir = parent
	}
}
