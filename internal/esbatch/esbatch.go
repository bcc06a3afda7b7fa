// Package esbatch runs esbuild's Transform for files that are asked for at the same time in one
// esbuild build.
//
// Why: the dev server transforms a module per request, and a page asks for hundreds at once (the
// server pre-transforms each module's imports as soon as it has transformed the module). A
// Transform call has a fixed cost that is larger than the work on a small file: esbuild builds the
// text of its runtime, clones the runtime's syntax tree into the link graph and scans its exports,
// then wakes goroutines for a few short jobs. On a 1000-component app that is ~0.4-0.8 ms per call,
// two thirds of the cost of transforming a component. One non-bundling build with many entry points
// pays the runtime part once and runs the files' parses and links in parallel: per file it costs
// 20-45 % less CPU than a Transform (measured in the package's benchmark). It still links each
// file with its own copy of the runtime. Stylesheets go further: a bundling build with code
// splitting links all of them at once, which made a CSS module ~3x cheaper than its Transform
// (and a cold crawl of the 1000-component app ~12 % cheaper in CPU). Scripts are not built that
// way, because a bundle's output has another shape (top-level const as var, exports gathered at
// the end) than Transform's.
//
// Transform is a drop-in for api.Transform: the result is the same, byte for byte (the tests compare
// them). Calls that arrive while a build runs wait for it and go into the next one, so a call made
// alone runs after a short wait (Linger), as a plain Transform.
package esbatch

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/evanw/esbuild/pkg/api"
)

// MaxBatch is the most files one build takes. Past a few dozen files the saving per file levels
// off, while the first file of a batch waits for the whole build.
const MaxBatch = 48

// Linger is how long the first call of a burst waits for others to join its build.
const Linger = 500 * time.Microsecond

// namespace is the esbuild namespace of the batch's files. esbuild writes a non-file namespace in
// front of the path wherever it prints a file's name (source map sources, the fileName of React's
// development JSX); Transform writes the bare Sourcefile, so the prefix is taken out again.
const namespace = "govite-batch"

type item struct {
	code string
	opts api.TransformOptions
	res  api.TransformResult
	done chan struct{}
}

type group struct {
	pending []*item
	running bool
}

var (
	mu     sync.Mutex
	groups = map[string]*group{}
)

// Transform is api.Transform, batched with the calls of other goroutines that use the same options
// (all but Loader and Sourcefile).
func Transform(code string, opts api.TransformOptions) api.TransformResult {
	if !batchable(opts, code) {
		return api.Transform(code, opts)
	}
	key := optionsKey(opts)
	it := &item{code: code, opts: opts, done: make(chan struct{})}
	mu.Lock()
	g := groups[key]
	if g == nil {
		g = &group{}
		groups[key] = g
	}
	g.pending = append(g.pending, it)
	if !g.running {
		g.running = true
		go drain(key, g)
	}
	mu.Unlock()
	<-it.done
	return it.res
}

// drain runs the group's pending calls, a batch at a time, until none are left.
func drain(key string, g *group) {
	// The calls of a page's burst reach the batcher one by one, a few microseconds apart; a short
	// wait before the first build lets them meet (the requests they serve take tens of
	// milliseconds from the browser's fetch to its body, and a lone call waits Linger at most).
	time.Sleep(Linger)
	for {
		mu.Lock()
		batch, rest := take(g.pending)
		g.pending = rest
		if len(batch) == 0 { // nothing pending: a later call starts a new group
			g.running = false
			delete(groups, key)
			mu.Unlock()
			return
		}
		mu.Unlock()
		run(batch)
	}
}

// take splits off the next batch: at most MaxBatch calls, each file at most once (esbuild would
// treat two entry points with one path as one module).
func take(pending []*item) (batch, rest []*item) {
	seen := map[string]bool{}
	for _, it := range pending {
		if len(batch) < MaxBatch && !seen[it.opts.Sourcefile] {
			seen[it.opts.Sourcefile] = true
			batch = append(batch, it)
		} else {
			rest = append(rest, it)
		}
	}
	return batch, rest
}

func run(batch []*item) {
	defer func() {
		for _, it := range batch {
			close(it.done)
		}
	}()
	sheets, rest, alone := linkable(batch)
	for _, it := range alone {
		it.res = api.Transform(it.code, it.opts)
	}
	if len(sheets) > 1 {
		build(sheets, true)
	} else {
		rest = append(rest, sheets...)
	}
	switch {
	case len(rest) == 1:
		// A build of one file costs more than a Transform.
		rest[0].res = api.Transform(rest[0].code, rest[0].opts)
	case len(rest) > 1:
		build(rest, false)
	}
}

// build runs the files in one esbuild build and gives each its result. A bundling build (for
// stylesheets that linkable accepts) links all of its files at once; a build that does not bundle
// links each file on its own, with a copy of esbuild's runtime. It returns how many files it had to
// give to Transform instead.
func build(batch []*item, bundle bool) (fallbacks int) {
	r := api.Build(buildOptions(batch, bundle))
	if len(r.Errors) > 0 {
		// esbuild writes no output when any file fails; give each call its own result and errors.
		for _, it := range batch {
			it.res = api.Transform(it.code, it.opts)
		}
		return len(batch)
	}
	out := make(map[string][]byte, len(r.OutputFiles))
	for _, f := range r.OutputFiles {
		out[f.Path] = f.Contents
	}
	for i, it := range batch {
		name := "/out/" + strconv.Itoa(i) + outExt(it.opts.Loader)
		code, ok := out[name]
		m := out[name+".map"]
		if ok && bundle {
			code, m, ok = dropFileComment(code, m, it.opts.Sourcefile)
		}
		if !ok {
			it.res = api.Transform(it.code, it.opts)
			fallbacks++
			continue
		}
		prefixed, bare := strconv.Quote(namespace+":"+it.opts.Sourcefile), strconv.Quote(it.opts.Sourcefile)
		it.res.Code = fixNames(code, prefixed, bare)
		if m != nil {
			it.res.Map = fixNames(m, prefixed, bare)
		}
	}
	// Warnings go to the file they are about (the dev server's callers do not print them, but a
	// Transform returns them).
	for _, w := range r.Warnings {
		for _, it := range batch {
			if w.Location != nil && w.Location.File == namespace+":"+it.opts.Sourcefile {
				w.Location.File = it.opts.Sourcefile
				it.res.Warnings = append(it.res.Warnings, w)
				break
			}
		}
	}
	return fallbacks
}

// linkable sorts a batch for the builds that give each file what Transform gives it.
//
// sheets can go into one bundling build with code splitting, which links all its entry points at
// once, so the runtime's fixed cost (most of the work on a small stylesheet) is paid once per build
// rather than once per file. Stylesheets with @import or composes stay in rest, because the bundler
// would follow them, and so do those with @charset, which a bundle writes above the file's comment.
//
// alone are stylesheets whose local names may clash with another file's: in any build of several
// files, esbuild keeps CSS modules' local names unique (it renames one with a number), where
// Transform names each file's alone. A name is the file's base name, "_" and the name, so two files
// may clash only when one base name followed by "_" begins the other's, or a file's text holds the
// other's base and "_".
func linkable(batch []*item) (sheets, rest, alone []*item) {
	var bases, texts []string
	for _, it := range batch {
		switch it.opts.Loader {
		case api.LoaderCSS, api.LoaderLocalCSS, api.LoaderGlobalCSS:
		default:
			rest = append(rest, it)
			continue
		}
		base := localBase(it.opts.Sourcefile)
		clash := false
		for j, b := range bases {
			if strings.HasPrefix(b+"_", base+"_") || strings.HasPrefix(base+"_", b+"_") ||
				strings.Contains(it.code, b+"_") || strings.Contains(texts[j], base+"_") {
				clash = true
				break
			}
		}
		switch {
		case clash:
			alone = append(alone, it)
			continue
		case strings.Contains(it.code, "@import") || strings.Contains(it.code, "composes") || strings.Contains(it.code, "@charset"):
			rest = append(rest, it)
		default:
			sheets = append(sheets, it)
		}
		bases, texts = append(bases, base), append(texts, it.code)
	}
	return sheets, rest, alone
}

// localBase is the start of the names esbuild gives a stylesheet's local names: its file name up
// to the first dot. (esbuild also replaces characters that may not be in a name; the clash test
// only needs a string that every generated name begins with, and the raw text is one.)
func localBase(file string) string {
	base := file[strings.LastIndexByte(file, '/')+1:]
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	return base
}

// dropFileComment takes out the comment that names the file at the top of a bundled stylesheet
// (Transform writes none) and the map's empty line for it.
func dropFileComment(code, m []byte, file string) ([]byte, []byte, bool) {
	comment := "/* " + namespace + ":" + file + " */\n"
	if !strings.HasPrefix(string(code), comment) {
		return nil, nil, false
	}
	code = code[len(comment):]
	if m == nil {
		return code, nil, true
	}
	const key = `"mappings": ";`
	i := strings.Index(string(m), key)
	if i < 0 {
		return nil, nil, false
	}
	i += len(key) - 1
	return code, append(m[:i:i], m[i+1:]...), true
}

func fixNames(b []byte, prefixed, bare string) []byte {
	s := string(b)
	if !strings.Contains(s, prefixed) {
		return b
	}
	return []byte(strings.ReplaceAll(s, prefixed, bare))
}

func buildOptions(batch []*item, bundle bool) api.BuildOptions {
	o := batch[0].opts
	format, splitting, legal := o.Format, false, o.LegalComments
	if bundle {
		// Code splitting is what makes one link for all entry points; it needs ES modules. A
		// stylesheet's output is the same in any format. A bundle's legal comments go to the end of
		// the file by default; Transform's stay where they are.
		format, splitting = api.FormatESModule, true
		if legal == api.LegalCommentsDefault {
			legal = api.LegalCommentsInline
		}
	}
	entries := make([]api.EntryPoint, len(batch))
	for i := range batch {
		entries[i] = api.EntryPoint{InputPath: strconv.Itoa(i), OutputPath: strconv.Itoa(i)}
	}
	return api.BuildOptions{
		EntryPointsAdvanced: entries,
		Bundle:              bundle,
		Splitting:           splitting,
		Write:               false,
		Outdir:              "/out",
		AbsWorkingDir:       "/",
		LogLevel:            api.LogLevelSilent,

		Sourcemap:         o.Sourcemap,
		SourceRoot:        o.SourceRoot,
		SourcesContent:    o.SourcesContent,
		Target:            o.Target,
		Engines:           o.Engines,
		Supported:         o.Supported,
		Platform:          o.Platform,
		Format:            format,
		GlobalName:        o.GlobalName,
		MangleProps:       o.MangleProps,
		ReserveProps:      o.ReserveProps,
		MangleQuoted:      o.MangleQuoted,
		MangleCache:       o.MangleCache,
		Drop:              o.Drop,
		DropLabels:        o.DropLabels,
		MinifyWhitespace:  o.MinifyWhitespace,
		MinifyIdentifiers: o.MinifyIdentifiers,
		MinifySyntax:      o.MinifySyntax,
		LineLimit:         o.LineLimit,
		Charset:           o.Charset,
		TreeShaking:       o.TreeShaking,
		IgnoreAnnotations: o.IgnoreAnnotations,
		LegalComments:     legal,
		JSX:               o.JSX,
		JSXFactory:        o.JSXFactory,
		JSXFragment:       o.JSXFragment,
		JSXImportSource:   o.JSXImportSource,
		JSXDev:            o.JSXDev,
		JSXSideEffects:    o.JSXSideEffects,
		TsconfigRaw:       o.TsconfigRaw,
		Define:            o.Define,
		Pure:              o.Pure,
		KeepNames:         o.KeepNames,

		Plugins: []api.Plugin{{Name: "govite:batch", Setup: func(pb api.PluginBuild) {
			pb.OnResolve(api.OnResolveOptions{Filter: `^\d+$`}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
				if a.Kind != api.ResolveEntryPoint {
					return api.OnResolveResult{}, nil
				}
				i, _ := strconv.Atoi(a.Path)
				return api.OnResolveResult{Path: batch[i].opts.Sourcefile, Namespace: namespace, PluginData: i}, nil
			})
			if bundle {
				// url() tokens: left as they are written, as Transform leaves them.
				pb.OnResolve(api.OnResolveOptions{Filter: `.*`}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
					return api.OnResolveResult{Path: a.Path, External: true}, nil
				})
			}
			pb.OnLoad(api.OnLoadOptions{Filter: `.*`, Namespace: namespace}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
				it := batch[a.PluginData.(int)]
				loader := it.opts.Loader
				if loader == api.LoaderNone {
					loader = api.LoaderJS
				}
				return api.OnLoadResult{Contents: &it.code, Loader: loader}, nil
			})
		}}},
	}
}

func outExt(l api.Loader) string {
	switch l {
	case api.LoaderCSS, api.LoaderLocalCSS, api.LoaderGlobalCSS:
		return ".css"
	}
	return ".js"
}

// batchable reports whether a build gives exactly what Transform gives for this call. Only the
// forms the dev server uses are batched; the rest go to Transform as they are.
func batchable(o api.TransformOptions, code string) bool {
	switch o.Loader {
	case api.LoaderNone, api.LoaderJS, api.LoaderJSX, api.LoaderTS, api.LoaderTSX, api.LoaderCSS, api.LoaderLocalCSS, api.LoaderGlobalCSS:
	default:
		return false
	}
	switch o.Sourcemap {
	case api.SourceMapNone, api.SourceMapExternal:
	default:
		return false // an inline map would carry the namespace in its base64 text
	}
	if o.Banner != "" || o.Footer != "" || o.MangleCache != nil || o.LogLevel != api.LogLevelSilent {
		return false
	}
	if strings.Contains(code, "NODE_ENV") {
		// A build for the browser defines process.env.NODE_ENV (to "development"), Transform does not.
		return false
	}
	return plainPath(o.Sourcefile)
}

// plainPath reports whether p is an absolute path that esbuild prints as it is, between double
// quotes, so that its namespace prefix can be found and taken out of the output text.
func plainPath(p string) bool {
	if len(p) < 2 || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("/._-+@~,=", c) >= 0) {
			return false
		}
	}
	return true
}

// optionsKey is the part of the options that one build shares among its files: every field but
// Loader and Sourcefile, written out by reflection so that a field a newer esbuild adds is part of
// it too. (fmt's %#v gives the same but costs ~20 µs a call, most of a small file's saving.)
func optionsKey(o api.TransformOptions) string {
	o.Loader, o.Sourcefile = api.LoaderNone, ""
	b := make([]byte, 0, 256+len(o.TsconfigRaw))
	return string(appendValue(b, reflect.ValueOf(o)))
}

func appendValue(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.String:
		b = strconv.AppendInt(b, int64(v.Len()), 10)
		return append(append(b, ':'), v.String()...)
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, v.Uint(), 10)
	case reflect.Slice:
		b = append(b, '[')
		for i := 0; i < v.Len(); i++ {
			b = append(appendValue(b, v.Index(i)), ',')
		}
		return append(b, ']')
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		b = append(b, '{')
		for _, k := range keys {
			b = append(appendValue(append(appendValue(b, k), '='), v.MapIndex(k)), ',')
		}
		return append(b, '}')
	case reflect.Struct:
		b = append(b, '(')
		for i := 0; i < v.NumField(); i++ {
			b = append(appendValue(b, v.Field(i)), ';')
		}
		return append(b, ')')
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return append(b, "nil"...)
		}
		return appendValue(b, v.Elem())
	}
	// No field of TransformOptions has another kind today; a new one must not batch unlike calls.
	panic(fmt.Sprintf("esbatch: cannot key an option of kind %s", v.Kind()))
}
