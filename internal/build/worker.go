package build

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/fsresolve"
	"github.com/govite/govite/internal/glob"
	"github.com/govite/govite/internal/jslex"
	"github.com/govite/govite/internal/sourcemap"
)

// Web workers in a build, as Vite builds them: each worker script (`?worker` imports and
// `new Worker(new URL('./w.js', import.meta.url))`) is bundled on its own, with worker.plugins instead
// of the app's plugins and in worker.format (iife by default), and written next to the app's files as
// [name]-[hash].js. The importing chunk gets the worker's URL; the manifest lists the worker file
// among that chunk's assets and gives it no key of its own, as Vite 8's does.
//
// The same pass handles the two other import forms that need the module's own code rewritten before
// bundling: new URL('./x.png', import.meta.url) (the asset is emitted and its URL put in) and
// import(`./dir/${name}.js`) (an object of the matching files' dynamic imports and a lookup helper,
// so that each file becomes a dynamic chunk).

// workerContext is a builder's part of the worker machinery.
type workerContext struct {
	state *workerState
	// chain lists the worker files being bundled, outermost first: empty for the app's own build,
	// which writes the workers' files.
	chain []string
}

// workerState is shared by a build and the worker builds it starts.
type workerState struct {
	mu   sync.Mutex
	jobs map[string]*workerJob // by worker file
	// waits records, for a worker whose build waits for another worker being bundled elsewhere,
	// that worker (see bundleWorker).
	waits map[string]string
	// files are the files the workers write (entries referenced by URL, their chunks, source maps
	// and assets), by name relative to outDir.
	files map[string][]byte
	// refs lists, by the metafile key of a module, the emitted files its code refers to by URL, in
	// order: the manifest lists them among the assets of the chunk holding the module.
	refs map[string][]string
}

type workerJob struct {
	done chan struct{}
	res  *workerBundle
	err  error
}

// workerBundle is a bundled worker.
type workerBundle struct {
	entryFile string            // relative to outDir
	entryCode string            // the entry chunk's code, for ?worker&inline
	files     map[string][]byte // the other files it writes: chunks, source maps, assets
}

func newWorkerContext() *workerContext {
	return &workerContext{state: &workerState{jobs: map[string]*workerJob{}, waits: map[string]string{},
		files: map[string][]byte{}, refs: map[string][]string{}}}
}

// inWorker reports whether b bundles a worker.
func (b *builder) inWorker() bool { return b.worker != nil && len(b.worker.chain) > 0 }

// addRef records that the module with metafile key moduleKey refers to the emitted file fileName.
func (b *builder) addRef(moduleKey, fileName string) {
	st := b.worker.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if !slices.Contains(st.refs[moduleKey], fileName) {
		st.refs[moduleKey] = append(st.refs[moduleKey], fileName)
	}
}

// moduleRefs are the emitted files the module with metafile key moduleKey refers to.
func (b *builder) moduleRefs(moduleKey string) []string {
	if b.worker == nil {
		return nil
	}
	st := b.worker.state
	st.mu.Lock()
	defer st.mu.Unlock()
	return slices.Clone(st.refs[moduleKey])
}

// emitWorkerFiles adds the workers' files to the app's bundle (the build of a worker leaves that to
// the app's build, which writes them).
func (b *builder) emitWorkerFiles(bundle *config.OutputBundle) {
	if b.inWorker() || b.worker == nil || !b.cfg.Build.EmitAssets {
		return
	}
	st := b.worker.state
	st.mu.Lock()
	defer st.mu.Unlock()
	for name, data := range st.files {
		if _, taken := bundle.Files[name]; taken {
			continue
		}
		bundle.Files[name] = &config.OutputFile{FileName: name, Type: "asset", Contents: data}
	}
}

// workerConstructor reports whether an import's query (with its "?") asks for a worker (?worker,
// ?sharedworker) and which constructor starts it.
func workerConstructor(query string) (string, bool) {
	switch {
	case hasQuery(query, "sharedworker"):
		return "SharedWorker", true
	case hasQuery(query, "worker"):
		return "Worker", true
	}
	return "", false
}

// workerModule is the module a ?worker / ?sharedworker import gets: a function that starts the worker
// from its bundled file, from a blob (or data: URL) of its code with ?inline, or with ?url the URL.
func (b *builder) workerModule(abs, query, constructor string) (string, error) {
	moduleKey := b.moduleKeyOf(abs, query)
	typeOption := ""
	if b.cfg.Worker.Format == "es" {
		typeOption = `type: "module", `
	}
	if hasQuery(query, "inline") && !b.isCurrentWorker(abs) {
		wb, err := b.bundleWorker(abs)
		if err != nil {
			return "", err
		}
		return inlineWorkerModule(wb.entryCode, constructor, typeOption, b.cfg.Worker.Format == "es"), nil
	}
	u, err := b.workerURLExpr(abs, moduleKey)
	if err != nil {
		return "", err
	}
	if hasQuery(query, "url") {
		return "export default " + u + ";\n", nil
	}
	return fmt.Sprintf("export default function WorkerWrapper(options) {\n  return new %s(%s, { %sname: options?.name });\n}\n", constructor, u, typeOption), nil
}

// inlineWorkerModule starts the worker from a blob URL of its code, revoked once the worker runs (or
// fails); where blobs cannot be used, from a data: URL.
func inlineWorkerModule(code, constructor, typeOption string, module bool) string {
	revoke := `"(self.URL || self.webkitURL).revokeObjectURL(self.location.href);"`
	if module {
		revoke = `"URL.revokeObjectURL(import.meta.url);"`
	}
	dataURL := `"data:text/javascript;charset=utf-8," + encodeURIComponent(jsContent)`
	if constructor == "SharedWorker" {
		// A shared worker is shared by URL: a fresh blob URL per page would start one per page.
		return fmt.Sprintf("const jsContent = %s;\nexport default function WorkerWrapper(options) {\n"+
			"  return new SharedWorker(%s, { %sname: options?.name });\n}\n", strconv.Quote(code), dataURL, typeOption)
	}
	return fmt.Sprintf(`const jsContent = %s;
const blob = typeof self !== "undefined" && self.Blob && new Blob([%s, jsContent], { type: "text/javascript;charset=utf-8" });
export default function WorkerWrapper(options) {
  let objURL;
  try {
    objURL = blob && (self.URL || self.webkitURL).createObjectURL(blob);
    if (!objURL) throw "";
    const worker = new Worker(objURL, { %sname: options?.name });
    worker.addEventListener("error", () => (self.URL || self.webkitURL).revokeObjectURL(objURL));
    return worker;
  } catch (e) {
    return new Worker(%s, { %sname: options?.name });
  }
}
`, strconv.Quote(code), revoke, typeOption, dataURL, typeOption)
}

// workerURLExpr bundles the worker at abs and returns a JS expression of its URL; the worker's file is
// written with the build, and listed among the assets of the module (moduleKey) that refers to it.
// A worker that starts itself gets its own location.
func (b *builder) workerURLExpr(abs, moduleKey string) (string, error) {
	if b.isCurrentWorker(abs) {
		return "self.location.href", nil
	}
	wb, err := b.bundleWorker(abs)
	if err != nil {
		return "", err
	}
	st := b.worker.state
	st.mu.Lock()
	st.files[wb.entryFile] = []byte(wb.entryCode)
	st.mu.Unlock()
	b.addRef(moduleKey, wb.entryFile)
	return b.builtURLExpr(wb.entryFile), nil
}

// isCurrentWorker reports whether abs is the worker b bundles (a worker that starts another copy of
// itself).
func (b *builder) isCurrentWorker(abs string) bool {
	return b.inWorker() && b.worker.chain[len(b.worker.chain)-1] == abs
}

// builtURLExpr is the JS expression of an output file's URL in the code of a chunk (chunks are in
// assetsDir): base + file, or with a relative base, the file relative to the chunk's own URL.
func (b *builder) builtURLExpr(fileName string) string {
	switch {
	case b.server:
		base := b.cfg.Base
		if b.relativeBase() {
			base = "/"
		}
		return strconv.Quote(base + fileName)
	case b.relativeBase():
		rel := strings.TrimPrefix(relImport(path.Join(b.cfg.Build.AssetsDir, "x.js"), fileName), "./")
		return fmt.Sprintf("new URL(%s, import.meta.url).href", strconv.Quote(rel))
	}
	return strconv.Quote(b.cfg.Base + fileName)
}

// bundleWorker bundles the worker at abs once per build, whichever module asks first.
func (b *builder) bundleWorker(abs string) (*workerBundle, error) {
	if slices.Contains(b.worker.chain, abs) {
		return nil, b.circularWorkers(append(slices.Clone(b.worker.chain), abs))
	}
	st := b.worker.state
	st.mu.Lock()
	job := st.jobs[abs]
	if job != nil {
		// The worker is being bundled for another module. Two workers that start each other, asked
		// for at once from two places, would each wait for the other: follow what the build being
		// waited for waits for, and fail as Vite does if it comes back to this chain.
		for n := abs; n != ""; n = st.waits[n] {
			if slices.Contains(b.worker.chain, n) {
				st.mu.Unlock()
				return nil, b.circularWorkers(append(slices.Clone(b.worker.chain), abs, n))
			}
		}
		cur := ""
		if b.inWorker() {
			cur = b.worker.chain[len(b.worker.chain)-1]
			st.waits[cur] = abs
		}
		st.mu.Unlock()
		<-job.done
		if cur != "" {
			st.mu.Lock()
			delete(st.waits, cur)
			st.mu.Unlock()
		}
		return job.res, job.err
	}
	job = &workerJob{done: make(chan struct{})}
	st.jobs[abs] = job
	st.mu.Unlock()
	job.res, job.err = b.buildWorker(abs, append(slices.Clone(b.worker.chain), abs))
	close(job.done)
	return job.res, job.err
}

func (b *builder) circularWorkers(chain []string) error {
	var names []string
	for _, f := range chain {
		names = append(names, b.relKey(f))
	}
	return fmt.Errorf("Circular worker imports detected. Vite does not support it. Import chain: %s", strings.Join(names, " -> "))
}

// buildWorker runs the worker's own build: a client build with worker.plugins, in worker.format.
func (b *builder) buildWorker(abs string, chain []string) (*workerBundle, error) {
	var env Environment
	if b.env.isServer() {
		env = *ClientEnvironment(b.cfg)
	} else {
		env = *b.env
	}
	env.Name, env.Consumer, env.Webworker, env.KeepProcessEnv = "client", "client", false, nil
	env.Plugins = b.cfg.Worker.Plugins
	wb, err := newBuilder(b.cfg, env.withDefaults())
	if err != nil {
		return nil, err
	}
	defer wb.close()
	wb.log = b.log
	wb.worker = &workerContext{state: b.worker.state, chain: chain}
	key := wb.relKey(abs)
	wb.entries = []*entry{{Name: moduleName(key), Path: abs, Key: key, inputPath: abs}}
	if err := wb.container.BuildStart(); err != nil {
		return nil, err
	}
	opts := wb.esbuildOptions()
	if b.cfg.Worker.Format == "es" {
		opts.Format, opts.Splitting = api.FormatESModule, true
	} else {
		// A classic worker script has no import.meta; its URL is the worker's location (Vite's
		// vite:worker-post does the same).
		opts.Format, opts.Splitting = api.FormatIIFE, false
		define := make(map[string]string, len(opts.Define)+1)
		for k, v := range opts.Define {
			define[k] = v
		}
		define["import.meta.url"] = "self.location.href"
		opts.Define = define
	}
	res := api.Build(opts)
	var buildErr error
	if len(res.Errors) > 0 {
		buildErr = formatErrors(res.Errors)
	}
	if endErr := wb.container.BuildEnd(buildErr); buildErr == nil {
		buildErr = endErr
	}
	if buildErr != nil {
		return nil, buildErr
	}
	for _, w := range res.Warnings {
		b.log.Warn(strings.TrimSpace(formatMessage(w, api.WarningMessage)))
	}
	return wb.workerOutput(res, key)
}

// workerOutput names the files of a worker's build ([name]-[hash].js in assetsDir, or the
// worker.rollupOptions.output patterns) and rewrites the chunks' references to each other.
func (wb *builder) workerOutput(res api.BuildResult, entryKey string) (*workerBundle, error) {
	var meta metafile
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil {
		return nil, fmt.Errorf("reading esbuild's metafile: %w", err)
	}
	type output struct {
		esName, final string
		code          string
		mapJSON       []byte
		entry         bool
	}
	var outs []*output
	maps := map[string][]byte{}
	for _, f := range res.OutputFiles {
		if key := wb.relKey(f.Path); strings.HasSuffix(key, ".map") {
			maps[strings.TrimSuffix(key, ".map")] = f.Contents
		}
	}
	for _, f := range res.OutputFiles {
		key := wb.relKey(f.Path)
		if strings.HasSuffix(key, ".map") {
			continue
		}
		m := meta.Outputs[key]
		o := &output{esName: path.Base(key), code: string(f.Contents), mapJSON: maps[key], entry: m.EntryPoint == entryKey}
		name, pattern := "", wb.cfg.Worker.ChunkFileNames
		switch {
		case o.entry:
			name, pattern = wb.entries[0].Name, wb.cfg.Worker.EntryFileNames
		case m.EntryPoint != "":
			name = moduleName(m.EntryPoint)
		default:
			var inputs []string
			for k := range m.Inputs {
				inputs = append(inputs, k)
			}
			slices.Sort(inputs)
			name = "chunk"
			if len(inputs) > 0 {
				name = moduleName(inputs[len(inputs)-1])
			}
		}
		if pattern == "" {
			pattern = path.Join(wb.cfg.Build.AssetsDir, "[name]-[hash].js")
		}
		o.final = fileNameFromPattern(pattern, name, contentHash([]byte(o.code)), ".js")
		outs = append(outs, o)
	}
	wbOut := &workerBundle{files: map[string][]byte{}}
	for _, o := range outs {
		var edits []sourcemap.Edit
		for _, m := range cssMarkerRe.FindAllStringIndex(o.code, -1) {
			edits = append(edits, markerRemoval(o.code, m[0], m[1])) // workers have no stylesheets
		}
		for _, d := range outs {
			for i := 0; ; {
				j := strings.Index(o.code[i:], d.esName)
				if j < 0 {
					break
				}
				start, end := i+j, i+j+len(d.esName)
				text := path.Base(d.final)
				if d != o && start >= 2 && o.code[start-2:start] == "./" {
					start, text = start-2, relImport(o.final, d.final)
				}
				if !overlaps(edits, start, end) {
					edits = append(edits, sourcemap.Edit{Start: start, End: end, Text: text})
				}
				i = end
			}
		}
		code, mapJSON, err := sourcemap.Apply(o.code, o.mapJSON, edits)
		if err != nil {
			return nil, fmt.Errorf("updating the source map of %s: %w", o.final, err)
		}
		if o.entry {
			wbOut.entryFile, wbOut.entryCode = o.final, code
		} else {
			wbOut.files[o.final] = []byte(code)
		}
		if mapJSON != nil {
			var m map[string]any
			if json.Unmarshal(mapJSON, &m) == nil {
				m["file"] = path.Base(o.final)
				mapJSON, _ = json.Marshal(m)
			}
			wbOut.files[o.final+".map"] = mapJSON
		}
	}
	if wbOut.entryFile == "" {
		return nil, fmt.Errorf("the build of worker %s gave no entry chunk", entryKey)
	}
	for _, a := range wb.assets.byFile {
		wbOut.files[a.FileName] = a.Contents
	}
	st := wb.worker.state
	st.mu.Lock()
	for name, data := range wbOut.files {
		st.files[name] = data
	}
	st.mu.Unlock()
	return wbOut, nil
}

// fileNameFromPattern fills Rollup's placeholders of an output file-name pattern.
func fileNameFromPattern(pattern, name, hash, ext string) string {
	r := strings.NewReplacer("[name]", name, "[hash]", hash, "[ext]", strings.TrimPrefix(ext, "."), "[extname]", ext)
	return hashLengthRE.ReplaceAllStringFunc(r.Replace(pattern), func(m string) string {
		n, _ := strconv.Atoi(hashLengthRE.FindStringSubmatch(m)[1])
		h := hash
		for len(h) < n {
			h += hash
		}
		return h[:n]
	})
}

var hashLengthRE = regexp.MustCompile(`\[hash:(\d+)\]`)

// transformImportForms rewrites what needs the module's code before bundling (see the top of this
// file): new URL(x, import.meta.url) for workers and assets (client builds), and dynamic imports with
// variables. importer is the module's file (for relative paths), moduleKey its metafile key. TS and
// JSX are turned into JS first when there is something to rewrite: the lexer reads JS.
func (b *builder) transformImportForms(code, importer, moduleKey string, loader api.Loader) (string, api.Loader, error) {
	urls := !b.server && jslex.MayHaveImportMetaURLs(code)
	vars := glob.MayHaveDynamicImports(code)
	if !urls && !vars || loader == api.LoaderJSON {
		return code, loader, nil
	}
	js, ok := b.toJS(code, importer, loader)
	if !ok {
		return code, loader, nil // esbuild reports the error with its location when it parses the original
	}
	lex, err := jslex.Parse(js)
	if err != nil {
		return code, loader, nil // esbuild reports the syntax error with its location
	}
	dir := filepath.Dir(importer)
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	helper := false
	if vars {
		sites := glob.FindDynamicImports(js, lex.Imports, dir, b.aliases.Apply, func(_ int, msg string) {
			b.warnf("[plugin vite:dynamic-import-vars] %s: %s", b.relKey(importer), msg)
		})
		for _, s := range sites {
			obj, err := b.dynamicImportObject(s.Import, dir, importer)
			if err != nil {
				return "", loader, err
			}
			edits = append(edits, edit{s.Start, s.End, s.Import.HelperCall(obj)})
			helper = true
		}
	}
	if urls {
		for _, u := range jslex.FindImportMetaURLs(js, lex.Imports) {
			text, err := b.importMetaURL(u, js[u.Start:u.End], dir, moduleKey)
			if err != nil {
				return "", loader, err
			}
			if text != "" {
				edits = append(edits, edit{u.Start, u.End, text})
			}
		}
	}
	if len(edits) == 0 {
		return code, loader, nil
	}
	slices.SortFunc(edits, func(x, y edit) int { return x.start - y.start })
	var out strings.Builder
	last := 0
	for _, e := range edits {
		if e.start < last {
			continue
		}
		out.WriteString(js[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.WriteString(js[last:])
	if helper {
		// Appended rather than prepended so line numbers stay as they were; imports are hoisted.
		out.WriteString("\n" + glob.HelperImport(glob.DynamicImportHelperID) + "\n")
	}
	return out.String(), api.LoaderJS, nil
}

// dynamicImportObject is the object of the files a dynamic import with variables may load, each a
// dynamic import of its own (so a dynamic chunk), keyed by its path from the importer.
func (b *builder) dynamicImportObject(d *glob.DynamicImport, dir, importer string) (string, error) {
	files, err := glob.Files(b.cfg.Root, filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(d.Pattern))))
	if err != nil {
		return "", err
	}
	var keys []string
	for _, f := range files {
		if f == importer {
			continue
		}
		rel, err := filepath.Rel(dir, f)
		if err != nil {
			continue
		}
		rel = filepath.ToSlash(rel)
		if !strings.HasPrefix(rel, "../") {
			rel = "./" + rel
		}
		keys = append(keys, rel)
	}
	slices.Sort(keys)
	var obj strings.Builder
	obj.WriteString("Object.assign({")
	for i, k := range keys {
		if i > 0 {
			obj.WriteString(", ")
		}
		fmt.Fprintf(&obj, "%s: () => import(%s)", strconv.Quote(k), strconv.Quote(k+d.Query))
	}
	obj.WriteString("})")
	return obj.String(), nil
}

// importMetaURL is the code that replaces new URL(path, import.meta.url): for a worker, the URL of its
// bundled file; for an asset, the URL of the emitted file (or its data: URL below
// build.assetsInlineLimit, or the public file's URL). "" leaves it as written.
func (b *builder) importMetaURL(u jslex.ImportMetaURL, raw, dir, moduleKey string) (string, error) {
	if u.Template {
		if u.Worker {
			return "", fmt.Errorf("%s: `new URL(url, import.meta.url)` is not supported in dynamic template string", moduleKey)
		}
		return "", nil
	}
	clean, _ := splitQuery(u.Spec)
	if u.Ignored && !u.Worker || strings.HasPrefix(clean, "data:") || strings.Contains(clean, "://") || isFolderPath(clean) {
		return "", nil
	}
	var file string
	switch {
	case strings.HasPrefix(clean, "."):
		file, _ = fsresolve.File(clean, dir, b.extensions())
	case strings.HasPrefix(clean, "/"):
		if p := b.publicFile(clean); p != "" && !u.Worker {
			return fmt.Sprintf("new URL(%s, \"\" + import.meta.url)", strconv.Quote(b.publicURL(strings.TrimPrefix(clean, "/")))), nil
		}
		file, _ = fsresolve.File(filepath.Join(b.cfg.Root, filepath.FromSlash(clean)), dir, b.extensions())
	default:
		if aliased, ok := b.applyAlias(clean); ok {
			file, _ = fsresolve.File(aliased, dir, b.extensions())
		}
	}
	if file == "" {
		if !u.Worker {
			b.warnf("\n%s doesn't exist at build time, it will remain unchanged to be resolved at runtime. If this is intended, you can use the /* @vite-ignore */ comment to suppress this warning.", raw)
			return "", nil
		}
		return "", fmt.Errorf("%s: could not resolve the worker %q", moduleKey, u.Spec)
	}
	if u.Worker {
		expr, err := b.workerURLExpr(file, moduleKey)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("new URL(%s, \"\" + import.meta.url)", expr), nil
	}
	inline, a, err := b.inlineOrEmit(file)
	if err != nil {
		return "", err
	}
	if a == nil {
		return fmt.Sprintf("new URL(%s, \"\" + import.meta.url)", strconv.Quote(inline)), nil
	}
	b.addRef(moduleKey, a.FileName)
	return fmt.Sprintf("new URL(%s, \"\" + import.meta.url)", b.builtURLExpr(a.FileName)), nil
}

// isFolderPath reports a new URL() path that names a folder ("./", "..", "."): the URL of the folder,
// which is no file to emit.
func isFolderPath(p string) bool {
	return p == "." || p == ".." || strings.HasSuffix(p, "/")
}

// moduleKeyOf is the metafile key esbuild gives a module loaded from a file: its path relative to
// root ("../" included for files outside it) with the import's query.
func (b *builder) moduleKeyOf(abs, query string) string {
	rel, err := filepath.Rel(b.cfg.Root, abs)
	if err != nil {
		return b.relKey(abs) + query
	}
	return filepath.ToSlash(rel) + query
}
