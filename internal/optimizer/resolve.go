package optimizer

import (
	"encoding/json"
	"errors"
	"github.com/govite/govite/internal/config"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// resolveMarker is the PluginData of the resolutions the optimizer asks esbuild for itself, so that
// its own catch-all callbacks let esbuild's resolver answer instead of recursing.
type resolveMarker struct{}

type resolveRequest struct {
	id       string // may be nested: "a > b"
	importer string // absolute; "" resolves from the root
}

type resolveResult struct {
	path string
	err  error
}

const nsResolve = "govite-optimizer-resolve"

// baseOptions are the esbuild options every optimizer build shares: how packages are resolved.
func (o *Optimizer) baseOptions() api.BuildOptions {
	return api.BuildOptions{
		AbsWorkingDir:     o.opts.Root,
		Platform:          o.opts.Platform,
		Conditions:        o.conditions(),
		MainFields:        o.mainFields(),
		ResolveExtensions: o.extensions(),
		PreserveSymlinks:  o.opts.PreserveSymlinks,
		LogLevel:          api.LogLevelSilent,
		Charset:           api.CharsetUTF8,
	}
}

// resolveIDs resolves bare ids the way the deps bundle will, with one esbuild run for all of them.
func (o *Optimizer) resolveIDs(reqs []resolveRequest) []resolveResult {
	results := make([]resolveResult, len(reqs))
	opts := o.baseOptions()
	opts.EntryPoints = []string{nsResolve}
	opts.Bundle = true
	opts.Write = false
	opts.Outdir = filepath.Join(o.opts.CacheDir, ".resolve")
	opts.Plugins = []api.Plugin{{Name: "govite-optimizer-resolve", Setup: func(pb api.PluginBuild) {
		pb.OnResolve(api.OnResolveOptions{Filter: "^" + nsResolve + "$"}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			for i, r := range reqs {
				results[i] = o.resolveNested(pb, r)
			}
			return api.OnResolveResult{Path: "resolve", Namespace: nsResolve}, nil
		})
		pb.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: nsResolve}, func(api.OnLoadArgs) (api.OnLoadResult, error) {
			empty := ""
			return api.OnLoadResult{Contents: &empty, Loader: api.LoaderJS}, nil
		})
	}}}
	api.Build(opts)
	return results
}

// resolveNested resolves "a > b > c": a from the importer, b from a's package, and so on.
func (o *Optimizer) resolveNested(pb api.PluginBuild, r resolveRequest) resolveResult {
	dir := o.opts.Root
	importer := r.importer
	if importer != "" {
		dir = filepath.Dir(importer)
	}
	var path string
	for _, part := range strings.Split(r.id, ">") {
		part = strings.TrimSpace(part)
		p, err := o.resolveWith(pb, part, dir, importer, api.ResolveJSImportStatement)
		if err != nil {
			return resolveResult{err: err}
		}
		path, importer, dir = p, p, filepath.Dir(p)
	}
	return resolveResult{path: path}
}

// resolveWith resolves id (after resolve.alias) with esbuild's resolver from resolveDir.
func (o *Optimizer) resolveWith(pb api.PluginBuild, id, resolveDir, importer string, kind api.ResolveKind) (string, error) {
	if a, ok := o.applyAlias(id); ok {
		id = a
	}
	if strings.HasPrefix(id, "/") {
		if _, err := os.Stat(id); err != nil {
			if _, err := os.Stat(filepath.Join(o.opts.Root, id)); err == nil {
				id = filepath.Join(o.opts.Root, id)
			}
		}
	}
	if isBareImport(id) && isNodeBuiltin(id) && !o.packageExists(resolveDir, packageName(id)) {
		return "", errors.New("node built-in module " + id)
	}
	r := pb.Resolve(id, api.ResolveOptions{Kind: kind, ResolveDir: resolveDir, Importer: importer, Namespace: "file", PluginData: resolveMarker{}})
	if len(r.Errors) > 0 {
		return "", errors.New(r.Errors[0].Text)
	}
	if r.External {
		return "", errors.New(id + " is external")
	}
	return r.Path, nil
}

// applyAlias rewrites a specifier with resolve.alias: the first matching entry wins, as in Vite.
func (o *Optimizer) applyAlias(spec string) (string, bool) {
	o.aliasOnce.Do(func() { o.aliases = config.NewAliasMatcher(o.opts.Alias) })
	return o.aliases.Apply(spec)
}

// aliasFilter is an esbuild filter matching the specifiers resolve.alias rewrites ("" for none).
func (o *Optimizer) aliasFilter() string {
	var parts []string
	for _, a := range o.opts.Alias {
		if a.FindRegexp != "" {
			if _, err := regexp.Compile(a.FindRegexp); err == nil {
				parts = append(parts, a.FindRegexp)
			}
			continue
		}
		if a.Find != "" {
			parts = append(parts, "^"+regexp.QuoteMeta(a.Find))
		}
	}
	return strings.Join(parts, "|")
}

// packageExists reports whether a node_modules directory above resolveDir has the package.
func (o *Optimizer) packageExists(resolveDir, name string) bool {
	key := resolveDir + "\x00" + name
	if v, ok := o.pkgCache.Load(key); ok {
		return v.(bool)
	}
	found := false
	for dir := resolveDir; ; {
		if st, err := os.Stat(filepath.Join(dir, "node_modules", filepath.FromSlash(name))); err == nil && st.IsDir() {
			found = true
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	o.pkgCache.Store(key, found)
	return found
}

// optionalPeerDep reports whether dep is an optional peer dependency of the package that holds
// importer, and returns that package's name.
func optionalPeerDep(importer, dep string) (string, bool) {
	for dir := filepath.Dir(importer); ; {
		data, err := os.ReadFile(filepath.Join(dir, "package.json"))
		if err == nil {
			var pkg struct {
				Name                 string `json:"name"`
				PeerDependenciesMeta map[string]struct {
					Optional bool `json:"optional"`
				} `json:"peerDependenciesMeta"`
			}
			if json.Unmarshal(data, &pkg) == nil && pkg.Name != "" {
				return pkg.Name, pkg.PeerDependenciesMeta[dep].Optional
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir || filepath.Base(dir) == "node_modules" {
			return "", false
		}
		dir = parent
	}
}
