package optimizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/jslex"
)

// Namespaces of the modules the deps bundle makes up.
const (
	nsBrowserExternal = "govite-browser-external" // a Node built-in imported by a browser package
	nsOptionalPeer    = "govite-optional-peer-dep"
	nsConvertExternal = "govite-dep-external-conversion" // require() of a file left outside the bundle
	convertedPrefix   = "govite-dep-external:"
)

type bundleResult struct {
	meta   *metadata
	tmpDir string // the new deps directory, to be committed
}

// bundle pre-bundles deps into a new processing directory next to the deps directory and returns the
// metadata of the result; the caller commits it (or removes it).
// testHookBundle, set by tests, runs when a bundle starts (to hold it while modules are served).
var testHookBundle func()

// bundle writes deps to a new temporary directory, with browserHash (Init's, fixed before its scan),
// or with the BrowserHash of the set of deps when it is "".
func (o *Optimizer) bundle(ctx context.Context, deps map[string]*depEntry, browserHash string) (*bundleResult, error) {
	if testHookBundle != nil {
		testHookBundle()
	}
	if err := os.MkdirAll(o.opts.CacheDir, 0o755); err != nil {
		return nil, err
	}
	tmp := o.depsDir + tempSuffix()
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, err
	}
	fail := func(err error) (*bundleResult, error) {
		_ = os.RemoveAll(tmp)
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "package.json"), []byte("{\n  \"type\": \"module\"\n}\n"), 0o644); err != nil {
		return fail(err)
	}
	srcs := map[string]string{}
	for id, d := range deps {
		srcs[id] = d.Src
	}
	if browserHash == "" {
		browserHash = o.browserHashOf(srcs)
	}
	meta := &metadata{Hash: o.hash, ConfigHash: o.cfgHash, LockfileHash: o.lockHash,
		BrowserHash: browserHash, Optimized: map[string]*depEntry{}, Chunks: map[string]string{}}

	if len(deps) > 0 {
		opts := o.bundleOptions(deps, tmp)
		t0 := time.Now()
		result, err := buildCancelable(ctx, opts)
		if err != nil {
			return fail(err)
		}
		o.debug.Debug(fmt.Sprintf("Dependencies bundled in %.2fms", float64(time.Since(t0).Microseconds())/1000))
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		if len(result.Errors) > 0 {
			return fail(o.bundleError(deps, result.Errors))
		}
		for _, w := range result.Warnings {
			o.debug.Debug("dependency optimization: " + formatMessage(o.opts.Root, w))
		}
		if err := o.readMetafile(result.Metafile, deps, meta); err != nil {
			return fail(err)
		}
	}
	data, err := meta.encode(o.depsDir)
	if err != nil {
		return fail(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, metadataFile), data, 0o644); err != nil {
		return fail(err)
	}
	return &bundleResult{meta: meta, tmpDir: tmp}, nil
}

// buildCancelable runs an esbuild build that stops early (esbuild checks between its steps) when
// ctx is done: a speculative bundle the scan has made useless must not keep the cores busy.
func buildCancelable(ctx context.Context, opts api.BuildOptions) (api.BuildResult, error) {
	b, cerr := api.Context(opts)
	if cerr != nil {
		return api.BuildResult{Errors: cerr.Errors}, nil
	}
	defer b.Dispose()
	stop := context.AfterFunc(ctx, b.Cancel)
	defer stop()
	return b.Rebuild(), ctx.Err()
}

// bundleOptions are the esbuild options of the deps bundle: every dependency is an entry point named
// after its flattened id, with code shared between them in chunk-XXXX.js files.
func (o *Optimizer) bundleOptions(deps map[string]*depEntry, outdir string) api.BuildOptions {
	opts := o.baseOptions()
	for _, id := range sortedKeys(deps) {
		opts.EntryPointsAdvanced = append(opts.EntryPointsAdvanced, api.EntryPoint{InputPath: deps[id].Src, OutputPath: FlattenID(id)})
	}
	opts.Bundle = true
	opts.Splitting = true
	opts.Format = api.FormatESModule
	opts.Outdir = outdir
	opts.Write = true
	opts.Metafile = true
	opts.ChunkNames = "chunk-[hash]"
	opts.Sourcemap = api.SourceMapLinked
	opts.SourcesContent = api.SourcesContentInclude
	opts.Define = o.defines()
	opts.Engines = depsEngines()
	opts.TsconfigRaw = "{}"
	opts.Plugins = []api.Plugin{o.depPlugin()}
	return opts
}

// depsEngines is the browsers the deps are compiled for: Vite's baseline-widely-available target.
func depsEngines() []api.Engine {
	names := map[string]api.EngineName{"chrome": api.EngineChrome, "edge": api.EngineEdge, "firefox": api.EngineFirefox,
		"safari": api.EngineSafari, "ios": api.EngineIOS}
	var out []api.Engine
	for _, t := range config.DefaultTarget {
		i := strings.IndexAny(t, "0123456789")
		if n, ok := names[t[:i]]; ok && i > 0 {
			out = append(out, api.Engine{Name: n, Version: t[i:]})
		}
	}
	return out
}

// depPlugin resolves what esbuild cannot by itself in the deps bundle: excluded packages stay
// imports, Node built-ins become empty modules (with a warning on use in dev), missing optional peer
// dependencies throw when loaded, and CSS and assets stay outside the bundle (served by the server).
func (o *Optimizer) depPlugin() api.Plugin {
	return api.Plugin{Name: "govite-optimizer-deps", Setup: func(pb api.PluginBuild) {
		pb.OnResolve(api.OnResolveOptions{Filter: "^" + convertedPrefix}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			return api.OnResolveResult{Path: strings.TrimPrefix(args.Path, convertedPrefix), External: true}, nil
		})
		pb.OnResolve(api.OnResolveOptions{Filter: depExternalTypesRE.String()}, func(args api.OnResolveArgs) (res api.OnResolveResult, err error) {
			if _, ok := args.PluginData.(resolveMarker); ok || args.Kind == api.ResolveEntryPoint {
				return api.OnResolveResult{}, nil
			}
			defer recoverInto(&err, "resolving "+args.Path)
			p, rerr := o.resolveWith(pb, args.Path, args.ResolveDir, args.Importer, args.Kind)
			if rerr != nil || !filepath.IsAbs(p) {
				return api.OnResolveResult{}, nil // esbuild reports it
			}
			if jsTypesRE.MatchString(p) {
				return api.OnResolveResult{Path: p}, nil
			}
			if args.Kind == api.ResolveJSRequireCall {
				return api.OnResolveResult{Path: p, Namespace: nsConvertExternal}, nil
			}
			return api.OnResolveResult{Path: p, External: true}, nil
		})
		pb.OnResolve(api.OnResolveOptions{Filter: `^(node|bun):`}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			return api.OnResolveResult{Path: args.Path, Namespace: nsBrowserExternal}, nil
		})
		if filter := o.aliasFilter(); filter != "" {
			pb.OnResolve(api.OnResolveOptions{Filter: filter}, func(args api.OnResolveArgs) (res api.OnResolveResult, err error) {
				if _, ok := args.PluginData.(resolveMarker); ok || args.Kind == api.ResolveEntryPoint {
					return api.OnResolveResult{}, nil
				}
				aliased, ok := o.applyAlias(args.Path)
				if !ok {
					return api.OnResolveResult{}, nil
				}
				if isBareImport(aliased) && o.excluded(aliased) {
					return api.OnResolveResult{Path: aliased, External: true}, nil
				}
				r := pb.Resolve(aliased, api.ResolveOptions{Kind: args.Kind, ResolveDir: args.ResolveDir, Importer: args.Importer, Namespace: "file", PluginData: resolveMarker{}})
				if len(r.Errors) > 0 {
					return api.OnResolveResult{Errors: r.Errors}, nil
				}
				se := api.SideEffectsTrue
				if !r.SideEffects {
					se = api.SideEffectsFalse
				}
				return api.OnResolveResult{Path: r.Path, Namespace: r.Namespace, External: r.External, Suffix: r.Suffix, SideEffects: se}, nil
			})
		}
		pb.OnResolve(api.OnResolveOptions{Filter: `^[\w@][^:]`}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			if _, ok := args.PluginData.(resolveMarker); ok || args.Kind == api.ResolveEntryPoint {
				return api.OnResolveResult{}, nil
			}
			id := args.Path
			if o.excluded(id) {
				return api.OnResolveResult{Path: id, External: true}, nil
			}
			name := packageName(id)
			dir := args.ResolveDir
			if dir == "" || o.packageExists(dir, name) {
				return api.OnResolveResult{}, nil
			}
			if isNodeBuiltin(id) {
				return api.OnResolveResult{Path: id, Namespace: nsBrowserExternal}, nil
			}
			if parent, ok := optionalPeerDep(args.Importer, name); ok {
				return api.OnResolveResult{Path: name + ":" + parent, Namespace: nsOptionalPeer}, nil
			}
			return api.OnResolveResult{}, nil
		})

		pb.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: nsConvertExternal}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			spec := jsonString(convertedPrefix + args.Path)
			code := "export { default } from " + spec + ";export * from " + spec + ";"
			if cssLangsRE.MatchString(args.Path) && !strings.Contains(args.Path, ".module.") {
				code = "import " + spec + ";"
			}
			return api.OnLoadResult{Contents: &code, Loader: api.LoaderJS}, nil
		})
		pb.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: nsBrowserExternal}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			code := "module.exports = {}"
			if !o.isProduction() {
				code = browserExternalCode(args.Path)
			}
			return api.OnLoadResult{Contents: &code, Loader: api.LoaderJS}, nil
		})
		pb.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: nsOptionalPeer}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			dep, parent, _ := strings.Cut(args.Path, ":")
			code := fmt.Sprintf("module.exports = {};throw new Error(%s)",
				jsonString(fmt.Sprintf("Could not resolve %q imported by %q. Is it installed?", dep, parent)))
			return api.OnLoadResult{Contents: &code, Loader: api.LoaderJS}, nil
		})
	}}
}

// browserExternalCode is Vite's stand-in for a Node built-in in the browser during dev.
func browserExternalCode(id string) string {
	msg := fmt.Sprintf("Module %q has been externalized for browser compatibility. Cannot access \"%s.", id, id)
	return `module.exports = Object.create(new Proxy({}, {
  get(_, key) {
    if (key !== '__esModule' && key !== '__proto__' && key !== 'constructor' && key !== 'splice') {
      console.warn(` + jsonString(msg) + ` + String(key) + "\" in client code. See https://vite.dev/guide/troubleshooting.html#module-externalized-for-browser-compatibility for more details.")
    }
  }
}))`
}

type metafileJSON struct {
	Inputs map[string]struct {
		Format string `json:"format"`
	} `json:"inputs"`
	Outputs map[string]struct {
		Imports []struct {
			Path     string `json:"path"`
			Kind     string `json:"kind"`
			External bool   `json:"external"`
		} `json:"imports"`
		Exports    []string `json:"exports"`
		EntryPoint string   `json:"entryPoint"`
	} `json:"outputs"`
}

// readMetafile fills meta from esbuild's metafile: each dependency's file, exports, interop flag and
// file hash, and the shared chunks.
func (o *Optimizer) readMetafile(raw string, deps map[string]*depEntry, meta *metadata) error {
	var mf metafileJSON
	if err := json.Unmarshal([]byte(raw), &mf); err != nil {
		return fmt.Errorf("reading esbuild's metafile: %w", err)
	}
	type output struct {
		exports    []string
		entryPoint string
		imports    []string
	}
	outputs := map[string]output{} // base name in the deps directory → output
	// Every output is directly in tmp: entries are named after flat ids, chunks "chunk-[hash]".
	for key, out := range mf.Outputs {
		if !strings.HasSuffix(key, ".js") {
			continue // source maps
		}
		var imports []string
		for _, im := range out.Imports {
			p := im.Path
			if !im.External {
				p = path.Base(p)
			}
			imports = append(imports, im.Kind+" "+p)
		}
		sort.Strings(imports)
		outputs[path.Base(key)] = output{exports: out.Exports, entryPoint: out.EntryPoint, imports: imports}
	}
	entryFiles := map[string]bool{}
	for id, d := range deps {
		base := FlattenID(id) + ".js"
		out, ok := outputs[base]
		if !ok {
			return fmt.Errorf("esbuild wrote no %s for %q", base, id)
		}
		entryFiles[base] = true
		format := mf.Inputs[out.entryPoint].Format
		needsInterop := contains(o.opts.NeedsInterop, id) || format != "esm" ||
			(isSingleDefault(out.exports) && !srcSingleDefault(d.Src))
		importsJSON, _ := json.Marshal(out.imports)
		exports := out.exports
		if exports == nil {
			exports = []string{}
		}
		meta.Optimized[id] = &depEntry{
			DepInfo: DepInfo{ID: id, Src: d.Src, File: filepath.Join(o.depsDir, base), NeedsInterop: needsInterop, Exports: exports},
			// Vite's fileHash: it changes when the file's imports (its chunks) change.
			FileHash: getHash(meta.Hash + base + string(importsJSON)),
			Importer: d.Importer,
		}
	}
	for base := range outputs {
		if !entryFiles[base] {
			meta.Chunks[strings.TrimSuffix(base, ".js")] = filepath.Join(o.depsDir, base)
		}
	}
	return nil
}

func isSingleDefault(exports []string) bool { return len(exports) == 1 && exports[0] == "default" }

// srcSingleDefault reports whether an ES module entry itself only exports a default.
func srcSingleDefault(src string) bool {
	data, err := os.ReadFile(src)
	if err != nil {
		return false
	}
	r, err := jslex.Parse(string(data))
	if err != nil {
		return false
	}
	return isSingleDefault(r.Exports) && !r.ExportStar
}

// bundleError explains a failed deps bundle: it bundles the dependencies one by one to tell which of
// them cannot be bundled, and names each with a file that imports it.
func (o *Optimizer) bundleError(deps map[string]*depEntry, errs []api.Message) error {
	ids := sortedKeys(deps)
	failing := map[string][]api.Message{}
	if len(ids) == 1 {
		failing[ids[0]] = errs
	} else {
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for _, id := range ids {
			wg.Add(1)
			sem <- struct{}{}
			go func(id string) {
				defer wg.Done()
				defer func() { <-sem }()
				opts := o.bundleOptions(map[string]*depEntry{id: deps[id]}, filepath.Join(o.opts.CacheDir, ".check"))
				opts.Write = false
				opts.Splitting = false
				opts.Sourcemap = api.SourceMapNone
				opts.Metafile = false
				if r := api.Build(opts); len(r.Errors) > 0 {
					mu.Lock()
					failing[id] = r.Errors
					mu.Unlock()
				}
			}(id)
		}
		wg.Wait()
	}
	var b strings.Builder
	b.WriteString("Error during dependency optimization:\n")
	if len(failing) == 0 {
		b.WriteString("\n")
		for _, m := range errs {
			b.WriteString(formatMessage(o.opts.Root, m) + "\n")
		}
		return errors.New(strings.TrimRight(b.String(), "\n"))
	}
	for _, id := range sortedKeys(failing) {
		from := ""
		if imp := deps[id].Importer; imp != "" {
			from = " (imported by " + o.relPath(imp) + ")"
		} else if contains(o.opts.Include, id) {
			from = " (listed in optimizeDeps.include)"
		}
		fmt.Fprintf(&b, "\ncould not pre-bundle dependency %q%s:\n", id, from)
		for _, m := range failing[id] {
			b.WriteString("  " + strings.ReplaceAll(formatMessage(o.opts.Root, m), "\n", "\n  ") + "\n")
		}
	}
	return &BundleError{Deps: sortedKeys(failing), msg: strings.TrimRight(b.String(), "\n")}
}

// BundleError is the error of a deps bundle that failed; Deps are the ids that cannot be bundled.
type BundleError struct {
	Deps []string
	msg  string
}

func (e *BundleError) Error() string { return e.msg }
