package config

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dop251/goja"
	"github.com/evanw/esbuild/pkg/api"
	"github.com/go-sourcemap/sourcemap"
	"github.com/govite/govite/internal/fsresolve"
)

// DefaultConfigFiles are the config file names looked for in the root, in Vite's order.
var DefaultConfigFiles = []string{
	"vite.config.js", "vite.config.mjs", "vite.config.ts", "vite.config.cjs", "vite.config.mts", "vite.config.cts",
}

// Loaded describes a config file that was loaded.
type Loaded struct {
	// Path is the config file's absolute path.
	Path string
	// Dependencies are the local files the config was bundled from (the config file included, packages
	// in node_modules left out): a change to one of them calls for reloading the config.
	Dependencies []string
	// Warnings are the options and hooks that govite ignores.
	Warnings []string

	vm *jsVM
}

// shimNamespace is the esbuild namespace of the modules govite provides to config files: `vite`, the
// React plugins and Node's built-in modules.
const shimNamespace = "govite-shim"

//go:embed shims/*.js
var shimFiles embed.FS

// Identifiers that the per-file values of __dirname, __filename and import.meta.url are bound to. A
// define maps the free identifiers to them, so a file that declares its own __dirname keeps it.
const (
	injectedDirname  = "__govite_injected_dirname"
	injectedFilename = "__govite_injected_filename"
	injectedURL      = "__govite_injected_import_meta_url"
)

// nodeBuiltins are Node's built-in modules; imports of them never reach node_modules.
var nodeBuiltins = map[string]bool{}

func init() {
	for _, m := range strings.Fields(`assert assert/strict async_hooks buffer child_process cluster console constants
		crypto dgram diagnostics_channel dns dns/promises domain events fs fs/promises http http2 https inspector
		module net os path path/posix path/win32 perf_hooks process punycode querystring readline
		readline/promises repl stream stream/promises stream/web string_decoder sys timers timers/promises tls
		trace_events tty url util util/types v8 vm wasi worker_threads zlib`) {
		nodeBuiltins[m] = true
	}
}

// shimFor returns the govite module that stands for the import spec, or "".
func shimFor(spec string) string {
	switch {
	case spec == "vite" || strings.HasPrefix(spec, "vite/") || spec == "vitest/config" || spec == "vitest/node":
		return "vite"
	case spec == "@vitejs/plugin-react" || spec == "@vitejs/plugin-react-swc":
		return "plugin-react"
	case spec == "@vitejs/plugin-basic-ssl":
		return "plugin-basic-ssl"
	}
	name, isNode := strings.CutPrefix(spec, "node:")
	if !isNode && !nodeBuiltins[name] {
		return ""
	}
	switch name {
	case "path", "path/posix", "path/win32":
		return "path"
	case "url", "fs", "process", "module", "os", "events", "util", "crypto", "buffer", "tty":
		return name
	case "fs/promises":
		return "fs-promises"
	case "assert", "assert/strict":
		return "assert"
	}
	return "stub:" + name
}

// FindConfigFile returns the absolute path of the config file in root, or "" when there is none.
func FindConfigFile(root string) string {
	for _, name := range DefaultConfigFiles {
		p := filepath.Join(root, name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
	}
	return ""
}

// LoadConfigFile loads a vite.config.* file without Node: esbuild bundles it with its imports into one
// CommonJS script (TypeScript included), and an embedded JavaScript engine evaluates it. configFile is
// the file to load (relative to the working directory); "" looks for DefaultConfigFiles in root, and
// finding none returns nil, nil, nil.
//
// A config that exports a function is called with env; a promise is awaited. Plugins in the config
// stay usable after loading: their hooks run in the same engine.
func LoadConfigFile(ctx context.Context, root, configFile string, env ConfigEnv) (*UserConfig, *Loaded, error) {
	var file string
	if configFile == "" {
		file = FindConfigFile(root)
		if file == "" {
			return nil, nil, nil
		}
	} else {
		abs, err := filepath.Abs(configFile)
		if err != nil {
			return nil, nil, fmt.Errorf("config file %s: %w", configFile, err)
		}
		file = abs
		if _, err := os.Stat(file); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil, fmt.Errorf("config file %s does not exist; check the --config path", file)
			}
			return nil, nil, fmt.Errorf("config file %s: %w", file, err)
		}
	}
	fail := func(err error) (*UserConfig, *Loaded, error) {
		return nil, nil, fmt.Errorf("failed to load config from %s: %w", file, err)
	}

	b, err := bundleConfig(file)
	if err != nil {
		return fail(err)
	}
	vm, err := newJSVM()
	if err != nil {
		return fail(err)
	}
	vm.bundleName = b.name
	vm.bundleDir = filepath.Dir(b.name)
	vm.smap = b.smap
	vm.shifts = b.shifts

	vm.mu.Lock()
	defer vm.mu.Unlock()
	vm.prepareForConfig(env, b.resolved)
	// An endless loop in the config must not hang the caller: cancelling ctx interrupts the engine.
	stop := context.AfterFunc(ctx, func() { vm.rt.Interrupt(ctx.Err()) })
	defer func() {
		stop()
		vm.rt.ClearInterrupt()
	}()

	var value goja.Value
	err = vm.guard(func() error {
		value, err = vm.evaluateConfig(ctx, file, b.code, env)
		return err
	})
	if err != nil {
		return fail(err)
	}
	var warnings []string
	conv := &converter{vm: vm, ctx: ctx, warn: func(s string) { warnings = append(warnings, s) }}
	tree, err := conv.config(value)
	if err != nil {
		return fail(err)
	}
	cfg, decodeWarnings, err := decodeUserConfig(tree)
	if err != nil {
		return fail(fmt.Errorf("invalid config:\n%w", indentErrors(err)))
	}
	warnings = append(warnings, decodeWarnings...)
	warnings = append(warnings, vm.warnings...)
	vm.warnings = nil
	return cfg, &Loaded{Path: file, Dependencies: b.deps, Warnings: warnings, vm: vm}, nil
}

// indentErrors puts each error of a joined error on its own indented line.
func indentErrors(err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return errors.New(strings.Join(lines, "\n"))
}

// prepareForConfig sets what Vite sets before loading a config: NODE_ENV (when the environment has
// none: production for build and preview, development for serve) and the answers of require.resolve().
// mu must be held.
func (vm *jsVM) prepareForConfig(env ConfigEnv, resolved *resolutions) {
	procEnv := vm.rt.Get("process").(*goja.Object).Get("env").(*goja.Object)
	if v := procEnv.Get("NODE_ENV"); !isSet(v) || v.String() == "" {
		nodeEnv := "development"
		if env.Command == "build" || env.IsPreview {
			nodeEnv = "production"
		}
		_ = procEnv.Set("NODE_ENV", nodeEnv)
	}
	table := vm.rt.NewObject()
	resolved.mu.Lock()
	for spec, p := range resolved.m {
		_ = table.Set(spec, p)
	}
	resolved.mu.Unlock()
	_ = vm.rt.Set("__govite_resolved", table)
	_ = vm.rt.Set("__govite_config_dir", filepath.Dir(vm.bundleName))
}

// evaluateConfig runs the bundle and returns the config object. mu must be held.
func (vm *jsVM) evaluateConfig(ctx context.Context, file, code string, env ConfigEnv) (goja.Value, error) {
	value, err := vm.runCommonJS(vm.bundleName, code, file)
	if err != nil {
		var ce *compileError
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("govite's JavaScript engine cannot run the bundled config: %v", ce.err)
		}
		return nil, vm.jsError(err)
	}
	if obj, ok := value.(*goja.Object); ok {
		if esm := obj.Get("__esModule"); isSet(esm) && esm.ToBoolean() {
			value = obj.Get("default")
			if !isSet(value) {
				return nil, errors.New("the config file has no default export; export the config with `export default defineConfig({ ... })`")
			}
		}
	}
	if fnCfg, ok := goja.AssertFunction(value); ok {
		res, err := fnCfg(goja.Undefined(), vm.envJS(env))
		if err != nil {
			return nil, vm.jsError(err)
		}
		value = res
	}
	value, err = vm.awaitLocked(ctx, value)
	if err != nil {
		return nil, err
	}
	if obj, ok := value.(*goja.Object); !ok || obj.ClassName() == "Array" {
		return nil, fmt.Errorf("config must export or return an object, got %s", describeJS(value))
	}
	return value, nil
}

// bundled is a config file bundled into one script.
type bundled struct {
	name string // the script's name in stack traces: the virtual output file
	code string
	smap *sourcemap.Consumer
	deps []string
	// shifts are the injected declarations, by absolute file path, for correcting columns.
	shifts *injections
	// resolved maps the specifiers of require.resolve() calls to the files esbuild resolved them to.
	resolved *resolutions
}

// resolutions are the require.resolve() answers found while bundling. Node would resolve at run time,
// but only the bundler knows the file system layout rules here.
type resolutions struct {
	mu sync.Mutex
	m  map[string]string
}

func (r *resolutions) add(spec, path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.m[spec]; !ok {
		r.m[spec] = path
	}
}

// injections records where injectFileScope put its declarations in each file (esbuild loads files
// concurrently).
type injections struct {
	mu sync.Mutex
	at map[string]injection
}

// injection is a declaration of length bytes inserted at the start of line.
type injection struct{ line, length int }

func (in *injections) record(file string, at injection) {
	in.mu.Lock()
	in.at[file] = at
	in.mu.Unlock()
}

// correct maps a position (1-based line and column) in the loaded contents of file back to the file
// on disk.
func (in *injections) correct(file string, line, col int) int {
	if in == nil {
		return col
	}
	in.mu.Lock()
	at, ok := in.at[file]
	in.mu.Unlock()
	if !ok || line != at.line {
		return col
	}
	return max(col-at.length, 1)
}

// bundleConfig bundles file and everything it imports (node_modules included: there is no Node to
// load packages at run time) into one CommonJS script.
func bundleConfig(file string) (*bundled, error) {
	dir := filepath.Dir(file)
	outfile := file + ".govite-bundle.cjs" // never written: Write is false
	shifts := &injections{at: map[string]injection{}}
	resolved := &resolutions{m: map[string]string{}}
	build := func(lazy map[lazyImport]bool) api.BuildResult {
		shifts = &injections{at: map[string]injection{}}
		resolved = &resolutions{m: map[string]string{}}
		return api.Build(api.BuildOptions{
			EntryPoints:   []string{file},
			AbsWorkingDir: dir,
			Outfile:       outfile,
			Bundle:        true,
			Write:         false,
			Platform:      api.PlatformNode,
			Format:        api.FormatCommonJS,
			Target:        api.ES2017, // goja runs ES2017 and lowers nothing itself
			// goja has no import(): esbuild writes a require() in a promise for each one (those of a
			// computed name then fail at run time with MODULE_NOT_FOUND, as an import() of a module
			// that is not installed does in Node).
			// import() becomes require (the engine has no import()); regular expressions with
			// Unicode property escapes become new RegExp() calls, which the prelude expands (see
			// regexpprops.go).
			Supported:      map[string]bool{"dynamic-import": false, "regexp-unicode-property-escapes": false},
			Sourcemap:      api.SourceMapExternal,
			SourcesContent: api.SourcesContentExclude,
			Metafile:       true,
			LogLevel:       api.LogLevelSilent,
			Charset:        api.CharsetUTF8,
			KeepNames:      true,
			Define: map[string]string{
				"__dirname":            injectedDirname,
				"__filename":           injectedFilename,
				"import.meta.url":      injectedURL,
				"import.meta.dirname":  injectedDirname,
				"import.meta.filename": injectedFilename,
			},
			Plugins: []api.Plugin{configPlugin(shifts, resolved, lazy)},
		})
	}
	res := build(nil)
	if lazy := lazyImports(res.Errors, dir); lazy != nil {
		// Packages import optional packages that they load only on some paths (cosmiconfig loads
		// TypeScript for .ts config files, @babel/core its TypeScript preset): Node resolves an import
		// when it runs, and fails only if that path is taken. The second build leaves those imports
		// to run time, where they fail as Node's would, with MODULE_NOT_FOUND.
		res = build(lazy)
	}
	if len(res.Errors) > 0 {
		return nil, bundleErrors(res.Errors, dir, shifts)
	}
	b := &bundled{name: outfile, shifts: shifts, resolved: resolved}
	for _, f := range res.OutputFiles {
		switch {
		case strings.HasSuffix(f.Path, ".map"):
			m, err := sourcemap.Parse("", f.Contents)
			if err == nil {
				b.smap = m
			}
		default:
			b.code = string(f.Contents)
		}
	}
	var meta struct {
		Inputs map[string]json.RawMessage `json:"inputs"`
	}
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err == nil {
		for in := range meta.Inputs {
			if strings.Contains(in, ":") && !filepath.IsAbs(in) {
				continue // a namespaced module (govite's shims)
			}
			p := in
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, filepath.FromSlash(p))
			}
			if strings.Contains(p, string(filepath.Separator)+"node_modules"+string(filepath.Separator)) {
				continue
			}
			b.deps = append(b.deps, p)
		}
		sort.Strings(b.deps)
	}
	return b, nil
}

// lazyImport is an import that a file in node_modules makes of a module that is not installed.
type lazyImport struct{ importer, path string }

var couldNotResolveRE = regexp.MustCompile(`^Could not resolve "([^"]+)"$`)

// lazyImports lists the failed imports of a config bundle when all of them are made by installed
// packages (nil otherwise: an import that the project's own files make must resolve, as it would
// in Node, where a static import fails when the config loads).
func lazyImports(errs []api.Message, dir string) map[lazyImport]bool {
	if len(errs) == 0 {
		return nil
	}
	lazy := map[lazyImport]bool{}
	for _, m := range errs {
		sm := couldNotResolveRE.FindStringSubmatch(m.Text)
		if sm == nil || m.Location == nil || (m.Location.Namespace != "file" && m.Location.Namespace != "") {
			return nil
		}
		importer := absFrom(dir, m.Location.File)
		if !strings.Contains(importer, string(filepath.Separator)+"node_modules"+string(filepath.Separator)) {
			return nil
		}
		lazy[lazyImport{importer, sm[1]}] = true
	}
	return lazy
}

var noMatchingExportRE = regexp.MustCompile(`No matching export in "` + shimNamespace + `:([^"]+)" for import "([^"]+)"`)

// bundleErrors formats esbuild's errors as "file:line:column: message" lines, with hints.
func bundleErrors(msgs []api.Message, dir string, shifts *injections) error {
	var b strings.Builder
	b.WriteString("bundling the config failed:")
	for _, m := range msgs {
		text := m.Text
		if sm := noMatchingExportRE.FindStringSubmatch(text); sm != nil {
			text = fmt.Sprintf("%q does not provide %q in config files run by govite", strings.TrimPrefix(sm[1], "stub:"), sm[2])
		}
		b.WriteString("\n  ")
		if l := m.Location; l != nil {
			file, col := l.File, l.Column+1
			if l.Namespace == "file" || l.Namespace == "" {
				file = absFrom(dir, l.File)
				col = shifts.correct(file, l.Line, col)
			}
			fmt.Fprintf(&b, "%s:%d:%d: ", file, l.Line, col)
		}
		b.WriteString(text)
		if strings.HasPrefix(m.Text, "Could not resolve") {
			b.WriteString(" (govite bundles the packages a config imports from node_modules: install it, e.g. with npm install)")
		}
		if strings.Contains(m.Text, "Top-level await") {
			b.WriteString(" (govite evaluates configs as CommonJS: move the await into an async function exported as the config)")
		}
	}
	return errors.New(b.String())
}

var jsFileRE = regexp.MustCompile(`\.[cm]?[jt]sx?$`)

// configPlugin is the esbuild plugin that gives config files the modules and per-file values Node and
// Vite would.
func configPlugin(shifts *injections, resolved *resolutions, lazy map[lazyImport]bool) api.Plugin {
	return api.Plugin{
		Name: "govite-config",
		Setup: func(build api.PluginBuild) {
			build.OnResolve(api.OnResolveOptions{Filter: `.*`}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
				if shim := shimFor(args.Path); shim != "" {
					return api.OnResolveResult{Path: shim, Namespace: shimNamespace}, nil
				}
				if lazy[lazyImport{args.Importer, args.Path}] {
					return api.OnResolveResult{Path: args.Path, External: true}, nil
				}
				if args.Kind == api.ResolveJSRequireResolve {
					// esbuild leaves require.resolve() in the code: record the answer for run time.
					r := build.Resolve(args.Path, api.ResolveOptions{ResolveDir: args.ResolveDir, Importer: args.Importer, Kind: api.ResolveJSRequireCall})
					if len(r.Errors) == 0 && r.Path != "" {
						resolved.add(args.Path, r.Path)
					}
					return api.OnResolveResult{Path: args.Path, External: true}, nil
				}
				return api.OnResolveResult{}, nil
			})
			build.OnLoad(api.OnLoadOptions{Filter: `.*`, Namespace: shimNamespace}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
				var code string
				if name, ok := strings.CutPrefix(args.Path, "stub:"); ok {
					code = stubModule(name)
				} else {
					data, err := shimFiles.ReadFile("shims/" + args.Path + ".js")
					if err != nil {
						return api.OnLoadResult{}, fmt.Errorf("internal error: no shim module %q", args.Path)
					}
					code = string(data)
				}
				wd, _ := os.Getwd()
				return api.OnLoadResult{Contents: &code, Loader: api.LoaderJS, ResolveDir: wd}, nil
			})
			build.OnLoad(api.OnLoadOptions{Filter: jsFileRE.String(), Namespace: "file"}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
				data, err := os.ReadFile(args.Path)
				if err != nil {
					return api.OnLoadResult{}, err
				}
				code, at := injectFileScope(string(data), args.Path)
				shifts.record(args.Path, at)
				return api.OnLoadResult{Contents: &code, Loader: fsresolve.Loader(args.Path)}, nil
			})
		},
	}
}

// resolveModule resolves spec from dir as a require() there would, for require.resolve() calls that
// the bundler could not see (a require made by createRequire, a computed name). It runs esbuild's
// resolver, which knows package.json exports and main fields.
func resolveModule(spec, dir string) (string, error) {
	var found string
	var resolveErrs []api.Message
	contents := "require(" + strconv.Quote(spec) + ")"
	res := api.Build(api.BuildOptions{
		Stdin:    &api.StdinOptions{Contents: contents, ResolveDir: dir, Sourcefile: "<require.resolve>"},
		Bundle:   true,
		Write:    false,
		Platform: api.PlatformNode,
		LogLevel: api.LogLevelSilent,
		Plugins: []api.Plugin{{
			Name: "govite-resolve",
			Setup: func(build api.PluginBuild) {
				inner := false // build.Resolve runs this callback again: let that call resolve normally
				build.OnResolve(api.OnResolveOptions{Filter: `.*`}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
					if inner || args.Kind != api.ResolveJSRequireCall {
						return api.OnResolveResult{}, nil
					}
					inner = true
					r := build.Resolve(args.Path, api.ResolveOptions{ResolveDir: args.ResolveDir, Kind: api.ResolveJSRequireCall})
					inner = false
					found, resolveErrs = r.Path, r.Errors
					return api.OnResolveResult{Path: args.Path, External: true}, nil
				})
			},
		}},
	})
	if len(resolveErrs) > 0 {
		return "", errors.New(resolveErrs[0].Text)
	}
	if len(res.Errors) > 0 {
		return "", errors.New(res.Errors[0].Text)
	}
	if found == "" {
		return "", fmt.Errorf("cannot resolve %q from %s", spec, dir)
	}
	return found, nil
}

// injectFileScope declares the file's own __dirname, __filename and import.meta.url values. They go on
// the first line (after a hashbang) so that line numbers stay those of the file.
func injectFileScope(code, file string) (string, injection) {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(file)}
	decl := "var " + injectedDirname + " = " + strconv.Quote(filepath.Dir(file)) +
		", " + injectedFilename + " = " + strconv.Quote(file) +
		", " + injectedURL + " = " + strconv.Quote("file://"+u.EscapedPath()) + ";"
	if strings.HasPrefix(code, "#!") {
		nl := strings.IndexByte(code, '\n')
		if nl < 0 {
			return code, injection{}
		}
		return code[:nl+1] + decl + code[nl+1:], injection{line: 2, length: len(decl)}
	}
	return decl + code, injection{line: 1, length: len(decl)}
}

// stubModule is a Node built-in govite does not provide: importing it works, using it throws an error
// that says so.
func stubModule(name string) string {
	return fmt.Sprintf(`module.exports = new Proxy({}, {
  get(_, key) {
    if (key === '__esModule' || typeof key === 'symbol' || key === 'then') return undefined;
    throw new Error('node:%[1]s' + '.' + String(key) + ' is not available in config files run by govite');
  },
});
globalThis.__govite_modules[%[1]q] = module.exports;
`, name)
}
