package build

import (
	"encoding/json"
	"fmt"
	"github.com/govite/govite/internal/css"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/jslex"
	"github.com/govite/govite/internal/sourcemap"
)

// metafile is the part of esbuild's metafile govite reads.
type metafile struct {
	Inputs map[string]struct {
		Imports []metaImport `json:"imports"`
	} `json:"inputs"`
	Outputs map[string]struct {
		Imports    []metaImport `json:"imports"`
		EntryPoint string       `json:"entryPoint"`
		Exports    []string     `json:"exports"`
		Inputs     map[string]struct {
			BytesInOutput int `json:"bytesInOutput"`
		} `json:"inputs"`
	} `json:"outputs"`
}

type metaImport struct {
	Path     string `json:"path"`
	Kind     string `json:"kind"`
	External bool   `json:"external"`
}

// chunk is one JS output file on its way to its final form.
type chunk struct {
	esName  string // the base name esbuild gave it
	metaKey string
	code    string
	mapJSON []byte

	entry          *entry // set for user entries
	facade         string // metafile input key of the entry module (entries and dynamic entries)
	isDynamicEntry bool
	modules        []string // metafile input keys, in execution order

	imports    []*chunk // static, in import order
	dynImports []*chunk

	css     []string // absolute paths of the stylesheets this chunk carries, in order
	cssFile string   // final CSS file name, "" when none
	pureCSS bool     // nothing but CSS: removed, its CSS handed to importers
	// mergedInto is set for a side-effect-only chunk whose code now runs at the top of that chunk.
	mergedInto *chunk
	mergedCode []*chunk // chunks merged into this one, whose code runs first
	exports    []string

	assets   []string // final file names of emitted assets referenced by the chunk's modules
	name     string
	fileName string // final, relative to outDir
}

var (
	sourceMapCommentRe = regexp.MustCompile(`(?m)^//# sourceMappingURL=.*$`)
	cssMarkerRe        = regexp.MustCompile(cssMarker + `\(("(?:[^"\\]|\\.)*")\)`)
	// wrapDynamicImports wrote `__vitePreload(() => import(X), "__VITE_PRELOAD__")`, and esbuild
	// replaced X with the chunk's path.
	preloadMarkerRe = regexp.MustCompile(`import\(\s*"([^"]+)"\s*\)\s*,\s*"` + preloadMarker + `"`)
)

// generate turns esbuild's output into the final bundle and manifest.
func (b *builder) generate(res api.BuildResult) (*config.OutputBundle, Manifest, error) {
	var meta metafile
	if res.Metafile != "" {
		if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil {
			return nil, nil, fmt.Errorf("reading esbuild's metafile: %w", err)
		}
	}
	chunks, byMetaKey, err := b.collectChunks(res, &meta)
	if err != nil {
		return nil, nil, err
	}
	order := b.moduleOrder(&meta)
	b.execOrder = order
	for _, c := range chunks {
		slices.SortFunc(c.modules, func(x, y string) int { return order[x] - order[y] })
	}
	b.assignCSS(chunks)
	b.removePureCSSChunks(chunks)
	mergeSideEffectChunks(chunks)
	for _, c := range chunks {
		b.nameChunk(c) // pure-CSS chunks too: their CSS file takes the name
	}
	live := slices.DeleteFunc(slices.Clone(chunks), func(c *chunk) bool { return c.pureCSS || c.mergedInto != nil })
	for _, c := range live {
		b.chunkAssets(c)
	}
	bundle := &config.OutputBundle{Files: map[string]*config.OutputFile{}}
	if err := b.emitChunkCSS(live, bundle); err != nil {
		return nil, nil, err
	}
	b.hashChunks(live)
	if err := b.finishChunks(live, byMetaKey, bundle); err != nil {
		return nil, nil, err
	}
	if err := b.emitCSSEntries(bundle); err != nil {
		return nil, nil, err
	}
	if b.cfg.Build.EmitAssets {
		for _, a := range b.assets.byFile {
			bundle.Files[a.FileName] = &config.OutputFile{FileName: a.FileName, Type: "asset", Contents: a.Contents, OriginalFileNames: []string{b.relKey(a.Src)}}
		}
	}
	b.emitWorkerFiles(bundle)
	if err := b.emitHTML(live, bundle); err != nil {
		return nil, nil, err
	}
	if err := b.container.GenerateBundle(bundle); err != nil {
		return nil, nil, err
	}
	manifest := b.manifest(live)
	if b.cfg.Build.Manifest != "" {
		data, _ := json.MarshalIndent(manifest, "", "  ")
		bundle.Files[b.cfg.Build.Manifest] = &config.OutputFile{FileName: b.cfg.Build.Manifest, Type: "asset", Contents: data}
	}
	if b.cfg.Build.SSRManifest != "" {
		data, _ := json.MarshalIndent(b.ssrManifest(live), "", "  ")
		bundle.Files[b.cfg.Build.SSRManifest] = &config.OutputFile{FileName: b.cfg.Build.SSRManifest, Type: "asset", Contents: data}
	}
	return bundle, manifest, nil
}

// collectChunks reads esbuild's JS outputs and their relations from the metafile.
func (b *builder) collectChunks(res api.BuildResult, meta *metafile) ([]*chunk, map[string]*chunk, error) {
	byMetaKey := map[string]*chunk{}
	maps := map[string][]byte{}
	var chunks []*chunk
	entryByInput := map[string]*entry{}
	for _, e := range b.entries {
		if e.Kind == entryHTML {
			entryByInput[nsHTML+":"+e.inputPath] = e
		} else {
			entryByInput[b.relKey(e.Path)] = e
		}
	}
	for _, f := range res.OutputFiles {
		key := b.relKey(f.Path)
		if strings.HasSuffix(key, ".map") {
			maps[strings.TrimSuffix(key, ".map")] = f.Contents
			continue
		}
		if !strings.HasSuffix(key, ".js") {
			return nil, nil, fmt.Errorf("unexpected bundler output %s", key)
		}
		c := &chunk{esName: path.Base(key), metaKey: key, code: string(f.Contents)}
		chunks = append(chunks, c)
		byMetaKey[key] = c
	}
	for _, c := range chunks {
		c.mapJSON = maps[c.metaKey]
		out := meta.Outputs[c.metaKey]
		if out.EntryPoint != "" {
			c.facade = out.EntryPoint
			if e := entryByInput[out.EntryPoint]; e != nil {
				c.entry = e
			} else {
				c.isDynamicEntry = true
			}
		}
		c.exports = out.Exports
		for k := range out.Inputs {
			c.modules = append(c.modules, k)
		}
		for _, im := range out.Imports {
			target := byMetaKey[im.Path]
			if target == nil {
				continue // external
			}
			switch im.Kind {
			case "import-statement":
				c.imports = append(c.imports, target)
			case "dynamic-import":
				// Two import() calls of one file (two globs matching it, say) are one entry, as in Vite.
				if !slices.Contains(c.dynImports, target) {
					c.dynImports = append(c.dynImports, target)
				}
			}
		}
		// esbuild lists a chunk's static imports in the order of the import statements it wrote.
		c.imports = orderByOffset(c.code, c.imports)
	}
	return chunks, byMetaKey, nil
}

func orderByOffset(code string, cs []*chunk) []*chunk {
	slices.SortStableFunc(cs, func(x, y *chunk) int {
		return offsetOf(code, x.esName) - offsetOf(code, y.esName)
	})
	return slices.Compact(cs)
}

func offsetOf(code, name string) int {
	if i := strings.Index(code, name); i >= 0 {
		return i
	}
	return len(code)
}

// moduleOrder numbers the modules in execution order: depth-first through static imports from each
// entry in turn, then the dynamic imports. CSS is ordered by it.
func (b *builder) moduleOrder(meta *metafile) map[string]int {
	order := map[string]int{}
	seen := map[string]bool{}
	var dynamic []string
	var visit func(string)
	visit = func(m string) {
		if seen[m] {
			return
		}
		seen[m] = true
		for _, im := range meta.Inputs[m].Imports {
			if im.External {
				continue
			}
			if im.Kind == "dynamic-import" {
				dynamic = append(dynamic, im.Path)
				continue
			}
			visit(im.Path)
		}
		order[m] = len(order)
	}
	for _, e := range b.entries {
		if e.Kind == entryHTML {
			visit(nsHTML + ":" + e.inputPath)
		} else {
			visit(b.relKey(e.Path))
		}
	}
	for i := 0; i < len(dynamic); i++ {
		visit(dynamic[i])
	}
	return order
}

// assignCSS finds the CSS markers in each chunk: the stylesheets it carries, in execution order.
func (b *builder) assignCSS(chunks []*chunk) {
	for _, c := range chunks {
		for _, m := range cssMarkerRe.FindAllStringSubmatch(c.code, -1) {
			id, _ := strconv.Unquote(m[1])
			if p, ok := b.cssByID[id]; ok && !slices.Contains(c.css, p) {
				c.css = append(c.css, p)
			}
		}
	}
}

// removePureCSSChunks marks chunks that hold nothing but stylesheets (a CSS file imported from two
// entries, say): Vite removes such chunks and links their CSS from the importers instead.
func (b *builder) removePureCSSChunks(chunks []*chunk) {
	for _, c := range chunks {
		if len(c.css) == 0 || c.entry != nil || c.isDynamicEntry || len(c.imports) > 0 || len(c.dynImports) > 0 {
			continue
		}
		rest := cssMarkerRe.ReplaceAllString(c.code, "")
		rest = sourceMapCommentRe.ReplaceAllString(rest, "")
		if strings.Trim(stripComments(rest), " \n\t;,") == "" {
			c.pureCSS = true
		}
	}
}

// stripComments removes the comments esbuild writes in unminified output ("// src/a.css" above each
// module, /* ... */ annotations), so what is left is code.
func stripComments(code string) string {
	var out strings.Builder
	for _, line := range strings.Split(code, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "//") {
			continue
		}
		for {
			i := strings.Index(line, "/*")
			if i < 0 {
				break
			}
			j := strings.Index(line[i+2:], "*/")
			if j < 0 {
				break
			}
			line = line[:i] + line[i+2+j+2:]
		}
		out.WriteString(line + "\n")
	}
	return out.String()
}

// mergeSideEffectChunks folds a chunk that only runs code (no imports, no exports, such as the
// modulepreload polyfill imported by every entry) into the shared chunk that all its importers load
// anyway. esbuild gives such a module its own chunk whenever its set of importing entries differs
// from the shared chunk's only by dynamic entries; Rollup and Rolldown know those dynamic entries run
// after one of the other entries and keep one chunk, which saves a request and matches Vite's
// manifest. The merge is done only when it cannot change what runs, or in which order:
//   - P has no imports and no exports, and S (the target) has no imports, so P's code at the top of
//     S still runs before anything of S;
//   - every importer of P imports S;
//   - every other importer of S is a dynamic entry whose importers all import P, so P has already
//     run whenever S is loaded without it.
func mergeSideEffectChunks(chunks []*chunk) {
	importers := map[*chunk][]*chunk{}
	dynImporters := map[*chunk][]*chunk{}
	for _, c := range chunks {
		for _, d := range c.imports {
			importers[d] = append(importers[d], c)
		}
		for _, d := range c.dynImports {
			dynImporters[d] = append(dynImporters[d], c)
		}
	}
	for _, p := range chunks {
		if p.entry != nil || p.facade != "" || p.pureCSS || len(p.imports) > 0 || len(p.dynImports) > 0 || len(p.exports) > 0 || len(p.css) > 0 || len(importers[p]) == 0 {
			continue
		}
		for _, s := range chunks {
			if s == p || s.entry != nil || s.facade != "" || s.pureCSS || s.mergedInto != nil || len(s.imports) > 0 {
				continue
			}
			ok := true
			for _, imp := range importers[p] {
				if !slices.Contains(imp.imports, s) {
					ok = false
				}
			}
			for _, imp := range importers[s] {
				if slices.Contains(importers[p], imp) {
					continue
				}
				if !imp.isDynamicEntry || len(dynImporters[imp]) == 0 {
					ok = false
					break
				}
				for _, di := range dynImporters[imp] {
					if !slices.Contains(importers[p], di) {
						ok = false
					}
				}
			}
			if !ok {
				continue
			}
			p.mergedInto = s
			s.mergedCode = append(s.mergedCode, p)
			break
		}
	}
}

// nameChunk gives a chunk its [name]: the entry's name, the dynamic entry's file name, or for a
// shared chunk the file name of the last module in it (Vite 8 names shared chunks that way).
func (b *builder) nameChunk(c *chunk) {
	switch {
	case c.entry != nil:
		c.name = c.entry.Name
	case c.facade != "":
		c.name = chunkName(c.facade)
	case len(c.modules) > 0:
		c.name = chunkName(c.modules[len(c.modules)-1])
	default:
		c.name = "chunk"
	}
}

// chunkName is the [name] Rolldown gives a chunk after a module: the module's file name, query
// included, without its last extension ("notes.txt?raw" is "notes", "foo.bar.js" "foo.bar",
// "x.txt?raw&v=1.2" "x.txt_raw_v_1"); a file named index or mod is named after its folder.
func chunkName(key string) string {
	if i := strings.LastIndex(key, ":"); i >= 0 && !strings.HasPrefix(key[i:], ":/") {
		key = key[i+1:]
	}
	key = filepath.ToSlash(strings.TrimPrefix(key, "\x00"))
	clean, _ := splitQuery(key)
	dir, base := path.Split(clean)
	base += key[len(clean):]
	stem := fileStem(base)
	if stem == "index" || stem == "mod" {
		if parent := path.Base(strings.TrimSuffix(dir, "/")); dir != "" && parent != "." && parent != "/" {
			stem = fileStem(parent)
		}
	}
	return sanitizeChunkName(stem)
}

// fileStem is a file name without its last extension, as Rust's Path::file_stem has it.
func fileStem(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return name
}

// sanitizeChunkName replaces the characters Rollup and Rolldown do not allow in a chunk's [name].
func sanitizeChunkName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune("\"#$%&*+,:;<=>?[]^`{|}", r) {
			return '_'
		}
		return r
	}, s)
}

// cssChunkName is the [name] of a chunk's CSS file: Vite gives the chunk's name the extension .css,
// replacing the one it has ("foo.bar" gives foo.css, "p.module" p.css).
func cssChunkName(name string) string {
	dir, base := path.Split(name)
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	return dir + base
}

// moduleName is a module's file name without extension or query, as a chunk name.
func moduleName(key string) string {
	if i := strings.LastIndex(key, ":"); i >= 0 && !strings.HasPrefix(key[i:], ":/") {
		key = key[i+1:]
	}
	key = strings.TrimPrefix(key, "\x00")
	key, _ = splitQuery(key)
	base := path.Base(filepath.ToSlash(key))
	for ext := path.Ext(base); ext != "" && len(base) > len(ext); ext = path.Ext(base) {
		if ext == ".module" || jsLoaders[ext] != 0 || css.IsCSS(base) || ext == ".js" {
			base = strings.TrimSuffix(base, ext)
			continue
		}
		break
	}
	return sanitizeName(base)
}

// emitChunkCSS writes each chunk's CSS file (or the single style.css when cssCodeSplit is off).
func (b *builder) emitChunkCSS(chunks []*chunk, bundle *config.OutputBundle) error {
	if !b.cfg.Build.CSSCodeSplit {
		var all []string
		seen := map[string]bool{}
		for _, c := range b.cssInGlobalOrder(chunks) {
			if !seen[c] {
				seen[c] = true
				all = append(all, c)
			}
		}
		if len(all) == 0 {
			return nil
		}
		css, err := b.joinCSS(all)
		if err != nil {
			return err
		}
		a := b.assets.emitData("\x00style.css", "style.css", []byte(css), b.cfg.Build.AssetsDir)
		b.styleCSS = a.FileName
		return nil
	}
	for _, c := range b.withPureCSS(chunks) {
		if len(c.css) == 0 {
			continue
		}
		css, err := b.joinCSS(c.css)
		if err != nil {
			return err
		}
		a := b.assets.emitData("", cssChunkName(c.name)+".css", []byte(css), b.cfg.Build.AssetsDir)
		c.cssFile = a.FileName
	}
	return nil
}

// withPureCSS is chunks plus the pure-CSS chunks they import, which still get a CSS file.
func (b *builder) withPureCSS(chunks []*chunk) []*chunk {
	out := slices.Clone(chunks)
	seen := map[*chunk]bool{}
	for _, c := range chunks {
		for _, d := range c.imports {
			if d.pureCSS && !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}

func (b *builder) cssInGlobalOrder(chunks []*chunk) []string {
	var out []string
	for _, c := range b.withPureCSS(chunks) {
		out = append(out, c.css...)
	}
	// Execution order, which esbuild's metafile gives deterministically (load order does not).
	slices.SortStableFunc(out, func(x, y string) int { return b.execOrder[b.relKey(x)] - b.execOrder[b.relKey(y)] })
	return out
}

func (b *builder) joinCSS(files []string) (string, error) {
	var sb strings.Builder
	for _, f := range files {
		m := b.css[f]
		if m == nil {
			continue
		}
		sb.WriteString(m.CSS)
		if !strings.HasSuffix(m.CSS, "\n") {
			sb.WriteByte('\n')
		}
	}
	return b.minifyCSS(sb.String(), "")
}

// reach is every chunk reachable from c through static and dynamic imports, c included.
func reach(c *chunk) []*chunk {
	seen := map[*chunk]bool{}
	var out []*chunk
	var walk func(*chunk)
	walk = func(x *chunk) {
		if seen[x] {
			return
		}
		seen[x] = true
		out = append(out, x)
		for _, d := range x.imports {
			walk(d)
		}
		for _, d := range x.dynImports {
			walk(d)
		}
	}
	walk(c)
	return out
}

// hashChunks names each chunk's file. The hash covers the chunk's own code and everything it can
// reach, so a change anywhere below a chunk changes its name too (its import paths or preload list
// may have changed), and cycles between chunks need no special case.
func (b *builder) hashChunks(chunks []*chunk) {
	own := map[*chunk][]byte{}
	for _, c := range chunks {
		parts := [][]byte{[]byte(cssMarkerRe.ReplaceAllString(c.code, "")), []byte(c.cssFile), []byte(strings.Join(c.assets, ","))}
		for _, p := range c.mergedCode {
			parts = append(parts, []byte(p.code))
		}
		h := contentHash(parts...)
		own[c] = []byte(h)
	}
	for _, c := range chunks {
		var parts [][]byte
		for _, r := range reach(c) {
			if r.mergedInto != nil {
				continue
			}
			if !r.pureCSS {
				parts = append(parts, own[r])
			} else {
				parts = append(parts, []byte(r.cssFile))
			}
		}
		slices.SortFunc(parts, func(x, y []byte) int { return strings.Compare(string(x), string(y)) })
		parts = append([][]byte{own[c]}, parts...)
		pattern := b.cfg.Build.ChunkFileNames
		if c.entry != nil {
			pattern = b.cfg.Build.EntryFileNames
		}
		switch {
		case pattern != "":
			c.fileName = fileNameFromPattern(pattern, c.name, contentHash(parts...), "."+b.jsExt)
		case b.server && c.entry != nil:
			// Vite names a server build's entries [name].js, at the root of outDir.
			c.fileName = c.name + "." + b.jsExt
		default:
			c.fileName = path.Join(b.cfg.Build.AssetsDir, c.name+"-"+contentHash(parts...)+"."+b.jsExt)
		}
	}
}

// finishChunks rewrites each chunk's code: esbuild's file names become the final ones, CSS markers go,
// imports of removed pure-CSS chunks go, and each dynamic import gets its preload list.
func (b *builder) finishChunks(chunks []*chunk, byMetaKey map[string]*chunk, bundle *config.OutputBundle) error {
	for _, c := range chunks {
		var edits []sourcemap.Edit
		code := c.code
		// Imports of removed chunks (pure-CSS, merged): remove the import statement.
		if hasRemoved(c) {
			lex, err := jslex.Parse(code)
			if err == nil {
				for _, im := range lex.Imports {
					if im.Kind != jslex.Static {
						continue
					}
					for _, d := range c.imports {
						if (d.pureCSS || d.mergedInto != nil) && path.Base(im.Specifier) == d.esName {
							edits = append(edits, sourcemap.Edit{Start: im.Start, End: im.End, Text: ""})
						}
					}
				}
			}
		}
		for _, m := range cssMarkerRe.FindAllStringIndex(code, -1) {
			edits = append(edits, markerRemoval(code, m[0], m[1]))
		}
		for _, m := range preloadMarkerRe.FindAllStringSubmatchIndex(code, -1) {
			target := code[m[2]:m[3]]
			var deps []string
			if t := chunkByBase(chunks, path.Base(target)); t != nil {
				var err error
				if deps, err = b.preloadDeps(c, t); err != nil {
					return err
				}
			}
			list := "[]"
			if len(deps) > 0 {
				q := make([]string, len(deps))
				for i, d := range deps {
					q[i] = strconv.Quote(d)
				}
				list = "[" + strings.Join(q, ",") + "]"
			}
			markerStart := m[1] - len(preloadMarker) - 2
			edits = append(edits, sourcemap.Edit{Start: markerStart, End: m[1], Text: list})
		}
		// File names of other chunks (and of this chunk in its sourceMappingURL comment). esbuild
		// wrote every chunk to one folder and imports them as "./name"; the final files may be in
		// different folders (a server build's entries are at the root of outDir).
		for _, d := range append(append([]*chunk{c}, c.imports...), c.dynImports...) {
			if d.pureCSS || d.mergedInto != nil {
				continue
			}
			rel := relImport(c.fileName, d.fileName)
			for i := 0; ; {
				j := strings.Index(code[i:], d.esName)
				if j < 0 {
					break
				}
				start, end := i+j, i+j+len(d.esName)
				text := path.Base(d.fileName)
				if d != c && start >= 2 && code[start-2:start] == "./" {
					start, text = start-2, rel
				}
				if !overlaps(edits, start, end) {
					edits = append(edits, sourcemap.Edit{Start: start, End: end, Text: text})
				}
				i = end
			}
		}
		newCode, newMap, err := sourcemap.Apply(code, c.mapJSON, edits)
		if err != nil {
			return fmt.Errorf("updating the source map of %s: %w", c.fileName, err)
		}
		if b.server && !b.env.Webworker && strings.Contains(newCode, esbuildRequireShim) {
			// esbuild turns require() of an external module in ESM output into a call that needs a
			// global require; Node's ES modules have none, so give the chunk one (Rolldown does the same).
			const pre = "import { createRequire as __govite_createRequire } from \"node:module\";\nvar require = __govite_createRequire(import.meta.url);\n"
			newCode = pre + newCode
			if newMap != nil {
				if newMap, err = sourcemap.ShiftLines(newMap, 2); err != nil {
					return err
				}
			}
		}
		if len(c.mergedCode) > 0 {
			var pre strings.Builder
			for _, p := range c.mergedCode {
				body := sourceMapCommentRe.ReplaceAllString(p.code, "")
				pre.WriteString("(() => {\n" + strings.TrimSpace(body) + "\n})();\n")
			}
			newCode = pre.String() + newCode
			if newMap != nil {
				if newMap, err = sourcemap.ShiftLines(newMap, strings.Count(pre.String(), "\n")); err != nil {
					return err
				}
			}
		}
		c.code = newCode
		out := &config.OutputFile{
			FileName: c.fileName, Type: "chunk", Contents: []byte(newCode), Name: c.name,
			IsEntry: c.entry != nil, IsDynamicEntry: c.isDynamicEntry,
			ModuleIDs: c.modules, ImportedAssets: c.assets,
		}
		if c.entry != nil {
			out.FacadeModuleID = c.entry.Path
		} else if c.facade != "" {
			out.FacadeModuleID = filepath.Join(b.cfg.Root, c.facade)
		}
		for _, d := range c.imports {
			if !d.pureCSS && d.mergedInto == nil {
				out.Imports = append(out.Imports, d.fileName)
			}
		}
		for _, d := range c.dynImports {
			out.DynamicImports = append(out.DynamicImports, d.fileName)
		}
		out.ImportedCSS = b.chunkCSSFiles(c)
		bundle.Files[c.fileName] = out
		if newMap != nil {
			var m map[string]any
			if json.Unmarshal(newMap, &m) == nil {
				m["file"] = path.Base(c.fileName)
				newMap, _ = json.Marshal(m)
			}
			bundle.Files[c.fileName+".map"] = &config.OutputFile{FileName: c.fileName + ".map", Type: "asset", Contents: newMap}
		}
	}
	return nil
}

// esbuildRequireShim is in the code of esbuild's __require helper, which it adds to ESM output that
// calls require().
const esbuildRequireShim = `Dynamic require of "`

// relImport is the specifier a chunk at from imports the chunk at to with (both relative to outDir).
func relImport(from, to string) string {
	rel, err := filepath.Rel(path.Dir(from), to)
	if err != nil {
		return "./" + path.Base(to)
	}
	rel = filepath.ToSlash(rel)
	if !strings.HasPrefix(rel, "../") {
		rel = "./" + rel
	}
	return rel
}

func hasRemoved(c *chunk) bool {
	for _, d := range c.imports {
		if d.pureCSS || d.mergedInto != nil {
			return true
		}
	}
	return false
}

func overlaps(edits []sourcemap.Edit, start, end int) bool {
	for _, e := range edits {
		if start < e.End && e.Start < end {
			return true
		}
	}
	return false
}

func chunkByBase(chunks []*chunk, base string) *chunk {
	for _, c := range chunks {
		if c.esName == base {
			return c
		}
	}
	return nil
}

// markerRemoval removes a CSS marker call without breaking the statement or expression around it.
func markerRemoval(code string, start, end int) sourcemap.Edit {
	if end < len(code) && (code[end] == ';' || code[end] == ',') {
		return sourcemap.Edit{Start: start, End: end + 1, Text: ""}
	}
	if start > 0 && code[start-1] == ',' {
		return sourcemap.Edit{Start: start - 1, End: end, Text: ""}
	}
	return sourcemap.Edit{Start: start, End: end, Text: "void 0"}
}

// chunkCSSFiles is the CSS a chunk links: its own file plus the files of pure-CSS chunks it imported.
func (b *builder) chunkCSSFiles(c *chunk) []string {
	var out []string
	for _, d := range c.imports {
		if d.pureCSS && d.cssFile != "" {
			out = append(out, d.cssFile)
		}
	}
	if c.cssFile != "" {
		out = append(out, c.cssFile)
	}
	return out
}

// preloadDeps is the list `import()` of chunk t from chunk importer passes to __vitePreload, as Vite 8
// builds it (collectPreloadDependencies): t itself, then each of its static imports depth-first, each
// chunk's CSS after its imports (its own file first, then those of the pure-CSS chunks it imported),
// every file once; the importer is skipped (not the chunks it imports: Vite lists them too). A list
// that would hold only t is empty, and with modulePreload off only the CSS of a full list is kept.
// build.modulePreload.resolveDependencies, when set, chooses the JS files of the list (it is called
// for every import(), an empty list included); the CSS files stay, after them.
func (b *builder) preloadDeps(importer, t *chunk) ([]string, error) {
	var deps []string
	listed := map[string]bool{}
	add := func(f string) {
		if f != "" && !listed[f] {
			listed[f] = true
			deps = append(deps, f)
		}
	}
	seen := map[*chunk]bool{}
	var visit func(*chunk)
	visit = func(c *chunk) {
		if c.mergedInto != nil {
			c = c.mergedInto
		}
		if c == importer || seen[c] {
			return
		}
		seen[c] = true
		if c.pureCSS {
			// Only reached as the import() target itself: Vite lists the removed chunk's CSS.
			if b.cfg.Build.CSSCodeSplit {
				add(c.cssFile)
			}
			return
		}
		add(c.fileName)
		var pure []*chunk
		for _, d := range c.imports {
			if d.pureCSS {
				pure = append(pure, d)
				continue
			}
			visit(d)
		}
		if b.cfg.Build.CSSCodeSplit {
			add(c.cssFile)
			for _, d := range pure {
				add(d.cssFile)
			}
		}
	}
	visit(t)
	if len(deps) < 2 && !(t.pureCSS && len(deps) > 0) {
		deps = nil
	}
	if rd := b.cfg.Build.ResolveDependencies; rd != nil {
		var js, css []string
		for _, d := range deps {
			if strings.HasSuffix(d, ".css") {
				css = append(css, d)
			} else {
				js = append(js, d)
			}
		}
		target := t
		if target.mergedInto != nil {
			target = target.mergedInto
		}
		chosen, err := rd(target.fileName, js, importer.fileName, "js")
		if err != nil {
			return nil, err
		}
		deps = append(chosen, css...)
	}
	out := deps[:0:0]
	for _, d := range deps {
		if b.cfg.Build.ModulePreload || strings.HasSuffix(d, ".css") {
			out = append(out, b.depURL(importer, d))
		}
	}
	return out, nil
}

// depURL is how a preload list names a file: relative to base, or to the importing chunk when base is
// relative.
func (b *builder) depURL(importer *chunk, fileName string) string {
	if b.relativeBase() {
		rel, err := filepath.Rel(path.Dir(importer.fileName), fileName)
		if err != nil {
			return fileName
		}
		rel = filepath.ToSlash(rel)
		if !strings.HasPrefix(rel, ".") {
			rel = "./" + rel
		}
		return rel
	}
	return fileName
}

// emitCSSEntries compiles CSS files given as build inputs into their own files.
func (b *builder) emitCSSEntries(bundle *config.OutputBundle) error {
	for _, e := range b.entries {
		if e.Kind != entryCSS {
			continue
		}
		m, err := b.loadCSS(e.Path, e.Path)
		if err != nil {
			return err
		}
		css, err := b.minifyCSS(m.CSS, e.Path)
		if err != nil {
			return err
		}
		a := b.assets.emitData("", e.Name+".css", []byte(css), b.cfg.Build.AssetsDir)
		b.cssEntryFiles = append(b.cssEntryFiles, cssEntryFile{e, a.FileName})
		if !b.cfg.Build.EmitAssets {
			continue
		}
		bundle.Files[a.FileName] = &config.OutputFile{FileName: a.FileName, Type: "asset", Contents: a.Contents, Name: e.Name, IsEntry: true, OriginalFileNames: []string{e.Key}}
	}
	return nil
}

type cssEntryFile struct {
	e    *entry
	file string
}
