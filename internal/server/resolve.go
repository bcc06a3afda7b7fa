package server

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/fsresolve"
)

// resolver is esbuild's path resolver (package.json exports and browser fields, extensions, tsconfig
// paths, symlinks) kept alive for the whole dev session: an esbuild context is created once and the
// resolve function its plugin receives is called for each import. The context reads directories
// uncached, so files and packages added while the server runs are found.
type resolver struct {
	ctx     api.BuildContext
	resolve func(path string, opts api.ResolveOptions) api.ResolveResult
	aliases *config.AliasMatcher
	// extensions are resolve.extensions, for the stat-based fast path of project files.
	extensions []string
	// dedupe are resolve.dedupe: packages always resolved from the project root, so that the
	// environment loads one copy of them.
	dedupe []string
	root   string
	// tsconfigPaths is resolve.tsconfigPaths.
	tsconfigPaths bool
}

func newResolver(cfg *config.ResolvedConfig, platform api.Platform, conditions []string) (*resolver, error) {
	r := &resolver{aliases: config.NewAliasMatcher(cfg.Resolve.Alias), root: cfg.Root, dedupe: cfg.Resolve.Dedupe,
		tsconfigPaths: cfg.Resolve.TsconfigPaths}
	var once sync.Once
	ready := make(chan struct{})
	exts := cfg.Resolve.Extensions
	if len(exts) == 0 {
		exts = config.DefaultExtensions
	}
	opts := api.BuildOptions{
		AbsWorkingDir:     cfg.Root,
		Platform:          platform,
		Conditions:        conditions,
		MainFields:        cfg.Resolve.MainFields,
		ResolveExtensions: exts,
		PreserveSymlinks:  cfg.Resolve.PreserveSymlinks,
		LogLevel:          api.LogLevelSilent,
		Plugins: []api.Plugin{{Name: "govite:dev-resolver", Setup: func(pb api.PluginBuild) {
			once.Do(func() {
				r.resolve = pb.Resolve
				close(ready)
			})
		}}},
	}
	c, cerr := api.Context(opts)
	if cerr != nil {
		return nil, fmt.Errorf("starting the resolver: %v", cerr.Errors)
	}
	r.ctx = c
	r.extensions = exts
	<-ready
	return r, nil
}

func (r *resolver) close() { r.ctx.Dispose() }

var errNotFound = errors.New("not found")

// resolveFile resolves spec imported from the file importer (absolute) to an absolute path. The query
// of spec is kept aside and appended to the result.
func (r *resolver) resolveFile(spec, importer string) (string, error) {
	if aliased, ok := r.aliases.Apply(spec); ok {
		spec = aliased
	}
	clean, query := splitQuery(spec)
	dir := filepath.Dir(importer)
	if len(r.dedupe) > 0 && isBareImport(clean) && slices.Contains(r.dedupe, packageName(clean)) {
		dir, importer = r.root, filepath.Join(r.root, "index.html")
	}
	if r.tsconfigPaths {
		if p, ok := config.ResolveTsconfigPaths(clean, importer, r.root, r.extensions); ok {
			if query != "" {
				p += "?" + query
			}
			return p, nil
		}
	}
	if !isInNodeModules(importer) {
		if p, ok := fsresolve.File(clean, dir, r.extensions); ok {
			if query != "" {
				p += "?" + query
			}
			return p, nil
		}
	}
	kind := api.ResolveJSImportStatement
	res := r.resolve(clean, api.ResolveOptions{Kind: kind, ResolveDir: dir, Importer: importer, Namespace: "file"})
	if len(res.Errors) > 0 {
		return "", fmt.Errorf("%w: %s", errNotFound, res.Errors[0].Text)
	}
	if res.External || res.Path == "" {
		return "", fmt.Errorf("%w: %q is not a file", errNotFound, spec)
	}
	p := res.Path
	if query != "" {
		p += "?" + query
	}
	return p, nil
}

// isBareImport reports whether spec names a package ("react", "@scope/x/y").
func isBareImport(spec string) bool {
	if spec == "" || strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "\x00") {
		return false
	}
	if i := strings.Index(spec, ":"); i > 0 && !strings.Contains(spec[:i], "/") {
		return false // a scheme: http:, data:, node:, virtual:
	}
	return true
}

// packageName is the package part of a bare import: "react" for "react/jsx-runtime".
func packageName(spec string) string {
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") && len(parts) > 1 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

func isInNodeModules(p string) bool {
	return strings.Contains(filepath.ToSlash(p), "/node_modules/")
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
