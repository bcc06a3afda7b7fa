package optimizer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/fsresolve"
)

// Namespaces of the scan's own modules.
const (
	nsScanHTML   = "govite-scan-html"   // the JS module that stands for an HTML-like file
	nsScanScript = "govite-scan-script" // an inline <script> of such a file
	// scanStop is an extra entry point of each scan round that fails to resolve on purpose. The
	// scan learns everything from the resolve and load callbacks, which esbuild has all run when
	// its scan phase ends; an error stops the build there, before linking and printing (which were
	// half of the scan's CPU and produced output nobody read).
	scanStop = "govite-scan-stop"
)

// The patterns Vite's scanner reads HTML-like files with.
var (
	scriptRE       = regexp.MustCompile(`(?is)(<script(?:\s+[a-z_:][-\w:]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^"'<>=\s]+))?)*\s*>)(.*?)</script>`)
	commentRE      = regexp.MustCompile(`(?s)<!--.*?-->`)
	srcRE          = regexp.MustCompile(`(?i)\bsrc\s*=\s*(?:"([^"]+)"|'([^']+)'|([^\s'">]+))`)
	typeRE         = regexp.MustCompile(`(?i)\btype\s*=\s*(?:"([^"]+)"|'([^']+)'|([^\s'">]+))`)
	langRE         = regexp.MustCompile(`(?i)\blang\s*=\s*(?:"([^"]+)"|'([^']+)'|([^\s'">]+))`)
	contextRE      = regexp.MustCompile(`(?i)\bcontext\s*=\s*(?:"([^"]+)"|'([^']+)'|([^\s'">]+))`)
	svelteModuleRE = regexp.MustCompile(`(?i)\smodule\b`)
	// importsRE finds the import paths of TypeScript in .vue/.svelte scripts, which esbuild would drop
	// when the imports look unused (Vite's importsRE, without the lookbehinds RE2 lacks).
	importsRE = regexp.MustCompile(`(?m)(?:^|;|\*/)\s*import(?:\s+type\b)?(?:[\w*{}\n\r\t, ]+from)?\s*("[^"]+"|'[^']+')`)
)

func attr(re *regexp.Regexp, tag string) string {
	m := re.FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return m[1] + m[2] + m[3]
}

type scanResult struct {
	deps    map[string]*depEntry
	missing map[string]string // id → importer
}

type scanScript struct {
	contents string
	loader   api.Loader
	dir      string
}

// scan crawls the entries with esbuild and records the bare imports that resolve into node_modules.
// Problems in the project's code are logged as warnings: the scan goes on with what it could read.
// onRound, when set, is called after each round that is not the last with the dependencies found
// so far (a copy).
func (o *Optimizer) scan(ctx context.Context, onRound func(found map[string]*depEntry)) *scanResult {
	res := &scanResult{deps: map[string]*depEntry{}, missing: map[string]string{}}
	all := o.opts.Entries
	if o.opts.EntriesFunc != nil {
		found, err := o.opts.EntriesFunc()
		if err != nil {
			o.log.Warn("dependency scan: finding the entries: " + err.Error())
		}
		all = append(slices.Clip(all), found...)
	}
	var entries []string
	for _, e := range all {
		if st, err := os.Stat(e); err == nil && !st.IsDir() && isScannable(e) {
			entries = append(entries, filepath.Clean(e))
		}
	}
	if len(entries) == 0 {
		if len(o.opts.Include) == 0 {
			o.log.Warn("(!) Could not auto-determine entry point from rollupOptions or html files and there are no explicit optimizeDeps.include patterns. Skipping dependency pre-bundling.")
		}
		return res
	}
	var mu sync.Mutex
	scripts := map[string]scanScript{}
	// The crawl goes in rounds: a round is one esbuild build whose entry points are files no round
	// has read yet, and the project files they import are left external and queued for a later
	// round. esbuild keeps the syntax tree of every file of a build until the build ends; crawling
	// the whole project in one build made the scan the dev server's peak of memory (for a
	// 1000-file app, a hundred MB of trees only to learn the imports). Each file is still parsed
	// once, and at most scanBatch trees are alive at a time.
	queued := map[string]bool{}
	var next []string
	for _, e := range entries {
		queued[e] = true
	}

	// external leaves an import alone.
	external := func(path string) (api.OnResolveResult, error) {
		return api.OnResolveResult{Path: path, External: true}, nil
	}
	// crawl queues a project file for a later round.
	crawl := func(p string) (api.OnResolveResult, error) {
		mu.Lock()
		if !queued[p] {
			queued[p] = true
			next = append(next, p)
		}
		mu.Unlock()
		return external(p)
	}
	// read is an entry point of this round: esbuild reads it (an HTML-like file as the JS module
	// that stands for it).
	read := func(p string) (api.OnResolveResult, error) {
		if htmlTypesRE.MatchString(p) {
			return api.OnResolveResult{Path: p, Namespace: nsScanHTML}, nil
		}
		return api.OnResolveResult{Path: p}, nil
	}
	importerOf := func(args api.OnResolveArgs) string {
		if args.Namespace == nsScanScript {
			p, _ := splitQuery(args.Importer)
			return p
		}
		return args.Importer
	}

	onResolve := func(pb api.PluginBuild, args api.OnResolveArgs) (api.OnResolveResult, error) {
		if _, ok := args.PluginData.(resolveMarker); ok {
			return api.OnResolveResult{}, nil
		}
		id := args.Path
		importer := importerOf(args)
		resolveDir := args.ResolveDir
		if resolveDir == "" {
			resolveDir = o.opts.Root
		}
		if args.Kind == api.ResolveEntryPoint {
			if id == scanStop {
				return api.OnResolveResult{}, errors.New(scanStop)
			}
			return read(id)
		}
		if externalURLRE.MatchString(id) || dataURLRE.MatchString(id) {
			return api.OnResolveResult{Path: id, External: true}, nil
		}
		if specialQueryRE.MatchString(id) {
			return api.OnResolveResult{Path: id, External: true}, nil
		}
		resolve := func(id string) (string, bool) {
			if o.opts.ResolveID != nil {
				if r, ok := o.opts.ResolveID(id, importer); ok {
					return r, true
				}
			}
			if o.opts.TsconfigPaths {
				clean, query := splitQuery(id)
				if p, ok := config.ResolveTsconfigPaths(clean, importer, o.opts.Root, o.extensions()); ok {
					if query != "" {
						p += "?" + query
					}
					return p, true
				}
			}
			if !isBareImport(id) && !isInNodeModules(importer) {
				if _, aliased := o.applyAlias(id); !aliased {
					clean, query := splitQuery(id)
					if p, ok := fsresolve.File(clean, resolveDir, o.extensions()); ok {
						if query != "" {
							p += "?" + query
						}
						return p, true
					}
				}
			}
			p, err := o.resolveWith(pb, id, resolveDir, importer, args.Kind)
			if err != nil {
				return "", false
			}
			return p, true
		}
		if isBareImport(id) {
			if o.excluded(id) || id == "@vite/client" || id == "@vite/env" || id == "vite/modulepreload-polyfill" {
				return external(id)
			}
			mu.Lock()
			known := res.deps[id] != nil
			mu.Unlock()
			if known {
				return external(id)
			}
			resolved, ok := resolve(id)
			if !ok {
				// Node built-ins are not dependencies; ids with a colon ("virtual:x") are a plugin's
				// virtual modules.
				if !isNodeBuiltin(id) && !strings.Contains(id, ":") {
					mu.Lock()
					if _, seen := res.missing[id]; !seen {
						res.missing[id] = importer
					}
					mu.Unlock()
				}
				return external(id)
			}
			clean, _ := splitQuery(resolved)
			if !filepath.IsAbs(clean) || strings.Contains(resolved, "\x00") {
				return external(id) // virtual
			}
			if isInNodeModules(clean) || contains(o.opts.Include, id) {
				if isOptimizable(clean) {
					mu.Lock()
					found := res.deps[id] == nil
					if found {
						res.deps[id] = &depEntry{DepInfo: DepInfo{ID: id, Src: clean}, Importer: importer}
					}
					mu.Unlock()
					if found {
						o.scanFound(id, clean, importer)
					}
				}
				return external(id)
			}
			if isScannable(clean) {
				return crawl(clean) // a linked package: read it like the project's own code
			}
			return external(id)
		}
		if cssLangsRE.MatchString(id) || jsonWasmRE.MatchString(id) || assetTypeRE.MatchString(id) {
			return external(id)
		}
		resolved, ok := resolve(id)
		if !ok {
			return external(id)
		}
		clean, _ := splitQuery(resolved)
		if !filepath.IsAbs(clean) || strings.Contains(resolved, "\x00") || !isScannable(clean) || isInNodeModules(clean) {
			return external(id)
		}
		return crawl(clean)
	}

	plugin := api.Plugin{Name: "govite-optimizer-scan", Setup: func(pb api.PluginBuild) {
		pb.OnResolve(api.OnResolveOptions{Filter: "^" + nsScanScript + ":"}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			return api.OnResolveResult{Path: strings.TrimPrefix(args.Path, nsScanScript+":"), Namespace: nsScanScript}, nil
		})
		pb.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(args api.OnResolveArgs) (res api.OnResolveResult, err error) {
			defer recoverInto(&err, "resolving "+args.Path)
			return onResolve(pb, args)
		})
		pb.OnLoad(api.OnLoadOptions{Filter: `\.([cm]?[jt]s|[jt]sx)$`, Namespace: "file"}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			data, err := os.ReadFile(args.Path)
			if err != nil || !strings.Contains(string(data), "import.meta.glob") {
				return api.OnLoadResult{}, nil // esbuild reads it
			}
			code := string(data) + o.globImports(string(data), args.Path)
			return api.OnLoadResult{Contents: &code, Loader: fsresolve.Loader(args.Path), ResolveDir: filepath.Dir(args.Path)}, nil
		})
		pb.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: nsScanHTML}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			data, err := os.ReadFile(args.Path)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			js := o.htmlModule(args.Path, string(data), func(key string, s scanScript) {
				mu.Lock()
				scripts[key] = s
				mu.Unlock()
			})
			return api.OnLoadResult{Contents: &js, Loader: api.LoaderJS, ResolveDir: filepath.Dir(args.Path)}, nil
		})
		pb.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: nsScanScript}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			mu.Lock()
			s := scripts[args.Path]
			mu.Unlock()
			return api.OnLoadResult{Contents: &s.contents, Loader: s.loader, ResolveDir: s.dir}, nil
		})
	}}

	opts := o.baseOptions()
	opts.Bundle = true
	opts.Write = false
	opts.Format = api.FormatESModule
	opts.Outdir = filepath.Join(o.opts.CacheDir, ".scan")
	opts.Plugins = []api.Plugin{plugin}
	opts.JSX, opts.JSXDev = o.jsx()
	opts.JSXImportSource = o.opts.JSXImportSource
	opts.Define = o.defines()
	for queue := entries; len(queue) > 0 && ctx.Err() == nil; {
		batch := queue[:min(len(queue), scanBatch)]
		queue = queue[len(batch):]
		if testHookScanRound != nil {
			testHookScanRound(batch)
		}
		opts.EntryPointsAdvanced = make([]api.EntryPoint, len(batch), len(batch)+1)
		for i, e := range batch {
			opts.EntryPointsAdvanced[i] = api.EntryPoint{InputPath: e, OutputPath: "e" + strconv.Itoa(i)}
		}
		opts.EntryPointsAdvanced = append(opts.EntryPointsAdvanced, api.EntryPoint{InputPath: scanStop, OutputPath: scanStop})
		result := api.Build(opts)
		for _, m := range result.Errors {
			if m.Text == scanStop {
				continue
			}
			o.log.Warn("dependency scan: " + formatMessage(o.opts.Root, m))
		}
		mu.Lock()
		queue = append(queue, next...)
		next = nil
		var found map[string]*depEntry
		if onRound != nil && len(queue) > 0 {
			found = maps.Clone(res.deps)
		}
		mu.Unlock()
		if found != nil && ctx.Err() == nil {
			onRound(found)
		}
	}
	return res
}

// scanBatch is the most files one round of the scan reads: enough for esbuild to keep the cores
// busy, few enough that their syntax trees stay a few MB.
var scanBatch = 128

// testHookScanRound, set by tests, sees the entry points of each round of the scan.
var testHookScanRound func(entries []string)

func (o *Optimizer) jsx() (api.JSX, bool) {
	switch o.opts.JSX {
	case "transform", "classic", "react":
		return api.JSXTransform, false
	case "preserve":
		return api.JSXPreserve, false
	}
	return api.JSXAutomatic, !o.isProduction()
}

// htmlModule turns an HTML-like file into the JS module the scan reads for it (Vite's
// htmlTypeOnLoadCallback): src scripts become imports, inline scripts become virtual modules.
func (o *Optimizer) htmlModule(path, raw string, addScript func(string, scanScript)) string {
	raw = commentRE.ReplaceAllString(raw, "<!---->")
	isHTML := strings.HasSuffix(path, ".html")
	var js strings.Builder
	n := 0
	for _, m := range scriptRE.FindAllStringSubmatch(raw, -1) {
		openTag, content := m[1], m[2]
		typ := attr(typeRE, openTag)
		lang := attr(langRE, openTag)
		if isHTML && typ != "module" {
			continue
		}
		if typ != "" && !(strings.Contains(typ, "javascript") || strings.Contains(typ, "ecmascript") || typ == "module") {
			continue
		}
		loader := api.LoaderJS
		switch lang {
		case "ts":
			loader = api.LoaderTS
		case "tsx":
			loader = api.LoaderTSX
		case "jsx":
			loader = api.LoaderJSX
		default:
			if strings.HasSuffix(path, ".astro") {
				loader = api.LoaderTS
			}
		}
		if src := attr(srcRE, openTag); src != "" {
			fmt.Fprintf(&js, "import %s\n", jsonString(src))
			continue
		}
		if strings.TrimSpace(content) == "" {
			continue
		}
		contents := content
		if loader == api.LoaderTS || loader == api.LoaderTSX {
			contents += extractImportPaths(content)
		}
		if strings.Contains(content, "import.meta.glob") {
			contents += o.globImports(content, path)
		}
		key := path + "?id=" + strconv.Itoa(n)
		n++
		addScript(key, scanScript{contents: contents, loader: loader, dir: filepath.Dir(path)})
		virtual := jsonString(nsScanScript + ":" + key)
		if strings.HasSuffix(path, ".svelte") {
			isModule := svelteModuleRE.MatchString(openTag) || attr(contextRE, openTag) == "module"
			if !isModule {
				fmt.Fprintf(&js, "import %s\n", virtual)
				continue
			}
		}
		fmt.Fprintf(&js, "export * from %s\n", virtual)
	}
	if !strings.HasSuffix(path, ".vue") || !strings.Contains(js.String(), "export default") {
		js.WriteString("\nexport default {}")
	}
	return js.String()
}

var (
	multilineCommentsRE  = regexp.MustCompile(`(?s)/\*.*?\*/`)
	singlelineCommentsRE = regexp.MustCompile(`//.*`)
)

// extractImportPaths adds `import "x"` for each import of a TypeScript script, so that imports
// esbuild drops as unused (used only in a template) are still crawled.
func extractImportPaths(code string) string {
	code = multilineCommentsRE.ReplaceAllString(code, "/* */")
	code = singlelineCommentsRE.ReplaceAllString(code, "")
	var js strings.Builder
	for _, m := range importsRE.FindAllStringSubmatch(code, -1) {
		if strings.Contains(m[0], "import type") {
			continue
		}
		js.WriteString("\nimport " + m[1])
	}
	return js.String()
}

// formatMessage renders an esbuild message as "file:line:col: text".
func formatMessage(root string, m api.Message) string {
	var b strings.Builder
	if l := m.Location; l != nil {
		file := l.File
		if filepath.IsAbs(file) {
			if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
				file = filepath.ToSlash(rel)
			}
		}
		fmt.Fprintf(&b, "%s:%d:%d: ", file, l.Line, l.Column)
	}
	b.WriteString(m.Text)
	if m.PluginName != "" && !strings.HasPrefix(m.PluginName, "govite-") {
		fmt.Fprintf(&b, " [plugin %s]", m.PluginName)
	}
	for _, n := range m.Notes {
		if n.Text != "" {
			b.WriteString("\n  " + n.Text)
		}
	}
	return b.String()
}

// recoverInto turns a panic in an esbuild callback into an error for that module.
func recoverInto(err *error, what string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("internal error while %s: %v", what, r)
	}
}
