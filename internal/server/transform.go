package server

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/govite/govite/internal/build"
	"github.com/govite/govite/internal/sourcemap"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/css"
	"github.com/govite/govite/internal/esbatch"
)

// transformStep is one step of a module's transform: a plugin's transform hook, or one of govite's
// own steps, which see the module's language (loader) and may change it.
type transformStep struct {
	plugin  *config.Plugin
	builtin func(m *ModuleNode, code, loader string) (out, outLoader, outMap string, err error)
}

// transformSteps orders the steps as Vite orders its plugins: the user's "pre" plugins, then
// TypeScript/JSX, JSON and CSS compilation, then the normal and "post" plugins. Plugins therefore see
// JavaScript for .ts files and compiled CSS for stylesheets, as they do in Vite.
func (e *DevEnvironment) transformSteps() []transformStep {
	var steps []transformStep
	builtins := []transformStep{{builtin: e.esbuildStep}, {builtin: e.jsonStep}, {builtin: e.cssStep}}
	added := false
	for _, p := range e.PluginContainer.TransformOrder() {
		if !added && p.Enforce != "pre" && p.HookOrder["transform"] != "pre" {
			steps = append(steps, builtins...)
			added = true
		}
		steps = append(steps, transformStep{plugin: p})
	}
	if !added {
		steps = append(steps, builtins...)
	}
	if e.Consumer == "server" {
		if d := e.serverDefines(); len(d) > 0 {
			steps = append(steps, transformStep{builtin: func(m *ModuleNode, code, loader string) (string, string, string, error) {
				return e.defineStep(m, code, loader, d)
			}})
		}
	}
	return steps
}

// serverDefines are the define entries of a server environment, as esbuild takes them. The browser
// gets define through /@vite/env; server code has no such shim, so the values are replaced in the
// code, as Vite's define plugin does for SSR.
func (e *DevEnvironment) serverDefines() map[string]string {
	src := e.config.Define
	if e.resolvedOptions != nil && e.resolvedOptions.Define != nil {
		src = e.resolvedOptions.Define
	}
	d := map[string]string{}
	for k, v := range src {
		if strings.HasPrefix(k, "import.meta.env") {
			continue // import analysis sets import.meta.env
		}
		d[k] = defineValue(v)
	}
	return d
}

// defineStep replaces the define keys in a server module's JavaScript.
func (e *DevEnvironment) defineStep(m *ModuleNode, code, loader string, defines map[string]string) (string, string, string, error) {
	if loader != "js" {
		return code, loader, "", nil
	}
	found := false
	for k := range defines {
		root, _, _ := strings.Cut(k, ".")
		if strings.Contains(code, root) {
			found = true
			break
		}
	}
	if !found {
		return code, loader, "", nil
	}
	file, _ := splitQuery(m.ID)
	r := api.Transform(code, api.TransformOptions{Loader: api.LoaderJS, Sourcefile: file, Sourcemap: api.SourceMapExternal,
		SourcesContent: api.SourcesContentInclude, Target: api.ESNext, Charset: api.CharsetUTF8, Define: defines,
		LegalComments: api.LegalCommentsInline, LogLevel: api.LogLevelSilent})
	if len(r.Errors) > 0 {
		return "", "", "", esbuildErrorsIn(r.Errors, file, e.config.Root)
	}
	return string(r.Code), loader, string(r.Map), nil
}

func (e *DevEnvironment) runTransforms(m *ModuleNode, code, loader string, maps []string) (string, string, []string, error) {
	for _, s := range e.steps {
		if s.builtin != nil {
			out, l, mp, err := s.builtin(m, code, loader)
			if err != nil {
				return "", "", nil, err
			}
			code, loader = out, l
			if mp != "" {
				maps = append(maps, mp)
			}
			continue
		}
		r, err := e.PluginContainer.TransformWith(s.plugin, code, m.ID, func() string {
			if len(maps) > 0 {
				if composed, err := composeMaps(maps); err == nil {
					return string(composed)
				}
			}
			file, _ := splitQuery(m.ID)
			return string(sourcemap.Identity(file, code))
		})
		if err != nil {
			return "", "", nil, err
		}
		if r == nil {
			continue
		}
		if r.Code != code {
			if r.Map != "" {
				maps = append(maps, r.Map)
			} else if len(maps) > 0 {
				// A transform without a map leaves the earlier maps pointing at text that moved; Vite
				// warns about the same thing. Drop them rather than mislead.
				maps = nil
			}
		}
		code = r.Code
		if r.Loader != "" {
			loader = r.Loader
		}
	}
	return code, loader, maps, nil
}

// esbuildStep turns TypeScript and JSX into JavaScript (Vite's vite:esbuild plugin).
func (e *DevEnvironment) esbuildStep(m *ModuleNode, code, loader string) (string, string, string, error) {
	var l api.Loader
	switch loader {
	case "ts":
		l = api.LoaderTS
	case "tsx":
		l = api.LoaderTSX
	case "jsx":
		l = api.LoaderJSX
	default:
		return code, loader, "", nil
	}
	es := e.config.Esbuild
	if es.Disabled {
		return code, loader, "", nil
	}
	file, _ := splitQuery(m.ID)
	opts := api.TransformOptions{
		Loader:          l,
		Sourcefile:      file,
		Sourcemap:       api.SourceMapExternal,
		SourcesContent:  api.SourcesContentInclude,
		Target:          api.ESNext,
		Format:          api.FormatDefault,
		Charset:         api.CharsetUTF8,
		JSX:             api.JSXAutomatic,
		JSXDev:          true,
		JSXFactory:      es.JSXFactory,
		JSXFragment:     es.JSXFragment,
		JSXImportSource: es.JSXImportSource,
		Define:          es.Define,
		KeepNames:       es.KeepNames,
		LegalComments:   api.LegalCommentsInline,
		LogLevel:        api.LogLevelSilent,
		TsconfigRaw:     es.TsconfigRaw(file, e.config.Root),
	}
	switch es.JSX {
	case "transform":
		opts.JSX = api.JSXTransform
	case "preserve":
		opts.JSX = api.JSXPreserve
	}
	if es.JSXDev != nil {
		opts.JSXDev = *es.JSXDev
	}
	if es.JSXInject != "" && (l == api.LoaderJSX || l == api.LoaderTSX) {
		code = es.JSXInject + ";" + code
	}
	r := esbatch.Transform(code, opts)
	if len(r.Errors) > 0 {
		return "", "", "", esbuildErrorsIn(r.Errors, file, e.config.Root)
	}
	return string(r.Code), "js", string(r.Map), nil
}

// jsonStep turns JSON into a module with a default export and, by default, one named export per
// top-level key (Vite's vite:json).
func (e *DevEnvironment) jsonStep(m *ModuleNode, code, loader string) (string, string, string, error) {
	if loader != "json" {
		return code, loader, "", nil
	}
	file, _ := splitQuery(m.ID)
	if e.config.JSON.Stringify {
		var v any
		if err := json.Unmarshal([]byte(code), &v); err != nil {
			return "", "", "", fmt.Errorf("%s: invalid JSON: %v", prettyPath(e.config.Root, file), err)
		}
		compact, _ := json.Marshal(v)
		return "export default JSON.parse(" + strconv.Quote(string(compact)) + ")", "js", "", nil
	}
	if e.config.JSON.NamedExports != nil && !*e.config.JSON.NamedExports {
		r := api.Transform(code, api.TransformOptions{Loader: api.LoaderJSON, Sourcefile: file, LogLevel: api.LogLevelSilent})
		if len(r.Errors) > 0 {
			return "", "", "", esbuildErrorsIn(r.Errors, file, e.config.Root)
		}
		return "export default " + strings.TrimSpace(code), "js", "", nil
	}
	r := api.Transform(code, api.TransformOptions{Loader: api.LoaderJSON, Format: api.FormatESModule, Sourcefile: file, LogLevel: api.LogLevelSilent})
	if len(r.Errors) > 0 {
		return "", "", "", esbuildErrorsIn(r.Errors, file, e.config.Root)
	}
	return string(r.Code), "js", "", nil
}

// cssStep compiles a stylesheet: pre-processor and PostCSS, @import inlined, url()s pointing at
// served files, CSS-module classes made local (Vite's vite:css). With css.devSourcemap the CSS
// carries its source map inline, as Vite serves it: sources relative to the stylesheet when it is
// served as CSS, absolute inside the JS module that injects it.
func (e *DevEnvironment) cssStep(m *ModuleNode, code, loader string) (string, string, string, error) {
	if loader != "css" {
		return code, loader, "", nil
	}
	file, query := splitQuery(m.ID)
	res := &devCSSResolver{e: e}
	cc := *e.cssc
	cc.Resolver = res
	mod, err := cc.Compile(file, code)
	if err != nil {
		return "", "", "", e.cssError(err)
	}
	// The files inlined into url()s are files the stylesheet was made from, as its partials are.
	for _, f := range res.deps {
		if f != file && !slices.Contains(mod.Deps, f) && !slices.Contains(mod.Imports, f) {
			mod.Deps = append(mod.Deps, f)
		}
	}
	slices.Sort(mod.Deps)
	e.ModuleGraph.mu.Lock()
	m.css = mod
	e.ModuleGraph.mu.Unlock()
	out := mod.CSS
	// The map goes with styles the browser applies, not with ?inline strings or server code.
	if len(mod.Map) > 0 && !hasQueryParam(query, "inline") && e.Consumer != "server" {
		out = css.InlineMap(out, mod.Map, file, m.Type == "css")
	}
	return out, "css", "", nil
}

// cssError gives a stylesheet tool's error (Sass, Less, Stylus, PostCSS) the overlay's shape: the
// file, line and column it points at and a code frame of that file.
func (e *DevEnvironment) cssError(err error) error {
	var ce *css.Error
	if !errors.As(err, &ce) {
		return err
	}
	de := &DevError{Message: ce.Message, Plugin: ce.Plugin, ID: ce.File, Stack: ce.Stack}
	if ce.File != "" && ce.Line > 0 {
		col := max(ce.Column, 1)
		de.Loc = &ErrorLoc{File: prettyPath(e.config.Root, ce.File), Line: ce.Line, Column: col}
		if data, rerr := os.ReadFile(ce.File); rerr == nil {
			de.Frame = codeFrame(string(data), ce.Line, col)
		}
	}
	return de
}

// cssModuleJS is the JS module a stylesheet imported from JS is served as: it injects the CSS with the
// client's updateStyle and accepts its own updates; a CSS module exports its class names and lets its
// importers take the update, as their markup uses the names.
func (e *DevEnvironment) cssModuleJS(m *ModuleNode, cssText string) (string, []string) {
	e.ModuleGraph.mu.Lock()
	mod := m.css
	e.ModuleGraph.mu.Unlock()
	_, query := splitQuery(m.URL)
	var b strings.Builder
	if hasQueryParam(query, "inline") {
		return "export default " + strconv.Quote(cssText), nil
	}
	if e.Consumer == "server" {
		// Server code gets the class names of a CSS module, or the stylesheet as a string; styles are
		// the browser's business.
		if mod != nil && mod.IsModule {
			return css.ModuleProxy(mod, e.localsConvention()), nil
		}
		return "export default " + strconv.Quote(cssText) + ";\n", nil
	}
	fmt.Fprintf(&b, "import { updateStyle as __vite__updateStyle, removeStyle as __vite__removeStyle } from %q;\n", clientPath)
	fmt.Fprintf(&b, "const __vite__id = %q;\nconst __vite__css = %s;\n__vite__updateStyle(__vite__id, __vite__css);\n", m.ID, strconv.Quote(cssText))
	if mod != nil && mod.IsModule {
		b.WriteString(css.ModuleProxy(mod, e.localsConvention()))
	} else {
		b.WriteString("import.meta.hot.accept();\nexport default __vite__css;\n")
	}
	b.WriteString("import.meta.hot.prune(() => __vite__removeStyle(__vite__id));\n")
	return b.String(), nil
}

func (e *DevEnvironment) localsConvention() string {
	if e.config.CSS.Modules != nil {
		return e.config.CSS.Modules.LocalsConvention
	}
	return ""
}

// cssImportNodes are the files a stylesheet was made from: the stylesheets it inlined with @import,
// and the other files its pre-processor and PostCSS read (Sass partials, Tailwind's config and
// content files). A change to one of them updates the stylesheet.
func (e *DevEnvironment) cssImportNodes(m *ModuleNode) []*ModuleNode {
	e.ModuleGraph.mu.Lock()
	mod := m.css
	e.ModuleGraph.mu.Unlock()
	if mod == nil {
		return nil
	}
	var out []*ModuleNode
	for _, f := range mod.Imports {
		out = append(out, e.ModuleGraph.ensure(e.urlFromID(f), f, f))
		e.server.watchFile(f)
	}
	for _, f := range mod.Deps {
		out = append(out, e.ModuleGraph.fileOnlyEntry(f))
		e.server.watchFile(f)
	}
	return out
}

// fileOnlyEntry is the graph's node for a file a stylesheet was made from (Vite's
// createFileOnlyEntry): an "asset" node known by its file only, apart from any module served from the
// same file. A Tailwind content file is also a JS module that accepts its own updates; its own node
// would stop the update there, while this one carries it to the stylesheet. No URL leads to it.
func (g *ModuleGraph) fileOnlyEntry(file string) *ModuleNode {
	g.mu.Lock()
	defer g.mu.Unlock()
	for m := range g.byFile[file] {
		if m.Type == "asset" {
			return m
		}
	}
	m := newModuleNode(fsPrefix+strings.TrimPrefix(filepath.ToSlash(file), "/"), "", file)
	m.Type = "asset"
	if g.byFile[file] == nil {
		g.byFile[file] = map[*ModuleNode]bool{}
	}
	g.byFile[file][m] = true
	return m
}

// devCSSResolver maps the references in stylesheets to served URLs. Each compile has its own
// (cssStep): it records the files whose contents its URLs depend on (an SVG it inlined, or left as a
// URL only for its size), which become the stylesheet's Deps, so that editing one updates it.
type devCSSResolver struct {
	e    *DevEnvironment
	mu   sync.Mutex // esbuild resolves a stylesheet's url()s concurrently
	deps []string
}

func (r *devCSSResolver) URL(spec, dir, importer string) (string, bool, error) {
	e := r.e
	if spec == "" || css.IsExternalURL(spec) || strings.HasPrefix(spec, "#") {
		return spec, true, nil
	}
	if aliased, ok := e.resolver.aliases.Apply(spec); ok {
		spec = aliased
	}
	// The fragment goes back on the URL; the query stays on it too (Vite's CSS urlResolver).
	p, frag, hasFrag := strings.Cut(spec, "#")
	clean, query := splitQuery(p)
	suffix := ""
	if query != "" {
		suffix = "?" + query
	}
	if hasFrag {
		suffix += "#" + frag
	}
	switch {
	case strings.HasPrefix(clean, "/") && e.server.publicFile(clean) != "":
		// Public files keep their URL (Vite inlines none of them in stylesheets).
		return e.server.origin + e.config.Base + strings.TrimPrefix(clean, "/") + suffix, true, nil
	case strings.HasPrefix(clean, "/") && fileExists(filepath.Join(e.config.Root, clean)):
		return r.fileURL(filepath.Join(e.config.Root, clean), suffix), true, nil
	case filepath.IsAbs(clean) && fileExists(clean):
		return r.fileURL(clean, suffix), true, nil
	case strings.HasPrefix(clean, "."):
		return r.fileURL(filepath.Join(dir, clean), suffix), true, nil
	}
	if fileExists(filepath.Join(dir, clean)) {
		return r.fileURL(filepath.Join(dir, clean), suffix), true, nil
	}
	return "", false, nil
}

func (r *devCSSResolver) FileURL(abs string) (string, error) { return r.fileURL(abs, ""), nil }

// fileURL is a referenced file's URL or data URL, recording the file when its contents decided it.
func (r *devCSSResolver) fileURL(file, suffix string) string {
	u, read := r.e.devAssetURL(file, suffix)
	if read {
		r.mu.Lock()
		if !slices.Contains(r.deps, file) {
			r.deps = append(r.deps, file)
		}
		r.mu.Unlock()
	}
	return u
}

func (r *devCSSResolver) Import(spec string) (string, bool) {
	if aliased, ok := r.e.resolver.aliases.Apply(spec); ok {
		return aliased, true
	}
	if strings.HasPrefix(spec, "/") && !fileExists(spec) {
		if abs := filepath.Join(r.e.config.Root, spec); fileExists(abs) {
			return abs, true
		}
	}
	return "", false
}

func (r *devCSSResolver) Warn(msg string) { r.e.config.Logger.Warn(msg) }

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// dataURL inlines a file (?inline, a small SVG): base64, or an SVG as the build encodes it.
func dataURL(file string, data []byte) string {
	if strings.HasSuffix(file, ".svg") {
		return build.SVGDataURL(data)
	}
	return "data:" + mimeType(file) + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// composeMaps chains the source maps of the transform steps into one.
func composeMaps(maps []string) ([]byte, error) {
	bs := make([][]byte, len(maps))
	for i, m := range maps {
		bs[i] = []byte(m)
	}
	if len(bs) == 1 {
		return bs[0], nil
	}
	return sourcemap.Compose(bs...)
}

// isAssetPath reports whether a file is imported as a URL (images, fonts, media, assetsInclude).
func isAssetPath(p string, include []string) bool { return config.IsAsset(p, include) }
