package config

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/govite/govite/internal/sourcemap"
)

// Vite's transformWithEsbuild and transformWithOxc, for plugins in config files (vite-plugin-svgr
// compiles the component it generates with one of them). Both run esbuild's Transform here: the
// options of transformWithOxc are mapped to esbuild's.

// jsTransformResult is what the shim hands back to JavaScript: the code, the map as JSON (or ""), the
// warnings as "file:line:column: text" lines.
type jsTransformResult struct {
	Code     string   `json:"code"`
	Map      string   `json:"map"`
	Warnings []string `json:"warnings"`
}

// jsTransformError is a failed transform: esbuild's errors, formatted as Vite's error message has them.
type jsTransformError struct {
	Message string
	Errors  []api.Message
}

func (e *jsTransformError) Error() string { return e.Message }

// esbuildJSOptions are esbuild's TransformOptions as JavaScript writes them (the subset that JSON
// carries: a RegExp such as mangleProps does not).
type esbuildJSOptions struct {
	Loader            string            `json:"loader"`
	Target            json.RawMessage   `json:"target"`
	Format            string            `json:"format"`
	Platform          string            `json:"platform"`
	GlobalName        string            `json:"globalName"`
	JSX               string            `json:"jsx"`
	JSXFactory        string            `json:"jsxFactory"`
	JSXFragment       string            `json:"jsxFragment"`
	JSXImportSource   string            `json:"jsxImportSource"`
	JSXDev            bool              `json:"jsxDev"`
	JSXSideEffects    bool              `json:"jsxSideEffects"`
	Define            map[string]string `json:"define"`
	Pure              []string          `json:"pure"`
	KeepNames         bool              `json:"keepNames"`
	Minify            bool              `json:"minify"`
	MinifyWhitespace  bool              `json:"minifyWhitespace"`
	MinifyIdentifiers bool              `json:"minifyIdentifiers"`
	MinifySyntax      bool              `json:"minifySyntax"`
	Charset           string            `json:"charset"`
	LegalComments     string            `json:"legalComments"`
	TreeShaking       *bool             `json:"treeShaking"`
	Sourcemap         json.RawMessage   `json:"sourcemap"`
	Sourcefile        string            `json:"sourcefile"`
	SourceRoot        string            `json:"sourceRoot"`
	SourcesContent    *bool             `json:"sourcesContent"`
	TsconfigRaw       json.RawMessage   `json:"tsconfigRaw"`
	Banner            string            `json:"banner"`
	Footer            string            `json:"footer"`
	Drop              []string          `json:"drop"`
	DropLabels        []string          `json:"dropLabels"`
	Supported         map[string]bool   `json:"supported"`
	IgnoreAnnotations bool              `json:"ignoreAnnotations"`
	LineLimit         int               `json:"lineLimit"`
}

// oxcJSOptions are the options of Vite 8's transformWithOxc that have an esbuild counterpart.
type oxcJSOptions struct {
	Lang      string            `json:"lang"`
	Target    json.RawMessage   `json:"target"`
	Define    map[string]string `json:"define"`
	Sourcemap *bool             `json:"sourcemap"`
	JSX       json.RawMessage   `json:"jsx"`
	Decorator struct {
		Legacy bool `json:"legacy"`
	} `json:"decorator"`
	Typescript struct {
		JSXPragma     string `json:"jsxPragma"`
		JSXPragmaFrag string `json:"jsxPragmaFrag"`
	} `json:"typescript"`
}

// transformWithEsbuild is Vite's: the loader comes from the file's extension unless given, the map
// is external, TypeScript reads the nearest tsconfig.json, inMap (JSON, or "") is chained before
// the result's map.
func transformWithEsbuild(code, filename, optionsJSON, inMap string) (*jsTransformResult, error) {
	var o esbuildJSOptions
	if optionsJSON != "" {
		if err := json.Unmarshal([]byte(optionsJSON), &o); err != nil {
			return nil, fmt.Errorf("transformWithEsbuild: options: %v", err)
		}
	}
	opts := api.TransformOptions{
		Sourcefile:        filename,
		Sourcemap:         api.SourceMapExternal,
		GlobalName:        o.GlobalName,
		JSXFactory:        o.JSXFactory,
		JSXFragment:       o.JSXFragment,
		JSXImportSource:   o.JSXImportSource,
		JSXDev:            o.JSXDev,
		JSXSideEffects:    o.JSXSideEffects,
		Define:            o.Define,
		Pure:              o.Pure,
		KeepNames:         o.KeepNames,
		MinifyWhitespace:  o.Minify || o.MinifyWhitespace,
		MinifyIdentifiers: o.Minify || o.MinifyIdentifiers,
		MinifySyntax:      o.Minify || o.MinifySyntax,
		SourceRoot:        o.SourceRoot,
		Banner:            o.Banner,
		Footer:            o.Footer,
		DropLabels:        o.DropLabels,
		Supported:         o.Supported,
		IgnoreAnnotations: o.IgnoreAnnotations,
		LineLimit:         o.LineLimit,
		LogLevel:          api.LogLevelSilent,
	}
	if o.Sourcefile != "" {
		opts.Sourcefile = o.Sourcefile
	}
	loader := o.Loader
	if loader == "" {
		loader = loaderFromExtension(filename)
	}
	var err error
	if opts.Loader, err = esbuildLoader(loader); err != nil {
		return nil, err
	}
	if err := setTarget(&opts, "transformWithEsbuild: target", o.Target); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name, value string
		set         func(string) bool
	}{
		{"format", o.Format, func(v string) bool { return pick(&opts.Format, v, formats) }},
		{"platform", o.Platform, func(v string) bool { return pick(&opts.Platform, v, platforms) }},
		{"jsx", o.JSX, func(v string) bool { return pick(&opts.JSX, v, jsxModes) }},
		{"charset", o.Charset, func(v string) bool { return pick(&opts.Charset, v, charsets) }},
		{"legalComments", o.LegalComments, func(v string) bool { return pick(&opts.LegalComments, v, legalComments) }},
	} {
		if f.value != "" && !f.set(f.value) {
			return nil, fmt.Errorf("transformWithEsbuild: options.%s: %q is not one of esbuild's values", f.name, f.value)
		}
	}
	if o.TreeShaking != nil {
		opts.TreeShaking = api.TreeShakingFalse
		if *o.TreeShaking {
			opts.TreeShaking = api.TreeShakingTrue
		}
	}
	if o.SourcesContent != nil && !*o.SourcesContent {
		opts.SourcesContent = api.SourcesContentExclude
	}
	for _, d := range o.Drop {
		switch d {
		case "console":
			opts.Drop |= api.DropConsole
		case "debugger":
			opts.Drop |= api.DropDebugger
		}
	}
	switch sm := strings.TrimSpace(string(o.Sourcemap)); sm {
	case "", "true", `"external"`, `"linked"`, `"both"`:
	case "false":
		opts.Sourcemap = api.SourceMapNone
	case `"inline"`:
		opts.Sourcemap = api.SourceMapInline
	default:
		return nil, fmt.Errorf("transformWithEsbuild: options.sourcemap: %s is not true, false, \"inline\" or \"external\"", sm)
	}
	switch raw := strings.TrimSpace(string(o.TsconfigRaw)); {
	case raw == "" || raw == "null":
		if opts.Loader == api.LoaderTS || opts.Loader == api.LoaderTSX {
			opts.TsconfigRaw = TsconfigFor(filename, "")
		}
	case strings.HasPrefix(raw, `"`):
		_ = json.Unmarshal([]byte(raw), &opts.TsconfigRaw)
	default:
		opts.TsconfigRaw = raw
	}
	return runTransform(code, opts, inMap)
}

// transformWithOxc is Vite 8's, on esbuild: lang gives the loader, jsx "preserve" or an object
// ({runtime, importSource, pragma, pragmaFrag, development}), decorator.legacy TypeScript's
// experimentalDecorators.
func transformWithOxc(code, filename, optionsJSON, inMap string) (*jsTransformResult, error) {
	var o oxcJSOptions
	if optionsJSON != "" {
		if err := json.Unmarshal([]byte(optionsJSON), &o); err != nil {
			return nil, fmt.Errorf("transformWithOxc: options: %v", err)
		}
	}
	opts := api.TransformOptions{Sourcefile: filename, Sourcemap: api.SourceMapExternal, Define: o.Define, LogLevel: api.LogLevelSilent}
	lang := o.Lang
	if lang == "" {
		lang = loaderFromExtension(filename)
	}
	if lang == "dts" {
		lang = "ts"
	}
	var err error
	if opts.Loader, err = esbuildLoader(lang); err != nil {
		return nil, fmt.Errorf("transformWithOxc: options.lang: %w", err)
	}
	if err := setTarget(&opts, "transformWithOxc: target", o.Target); err != nil {
		return nil, err
	}
	if o.Sourcemap != nil && !*o.Sourcemap {
		opts.Sourcemap = api.SourceMapNone
	}
	// oxc's JSX defaults: the automatic runtime, importing from react, production calls.
	opts.JSX, opts.JSXFactory, opts.JSXFragment = api.JSXAutomatic, o.Typescript.JSXPragma, o.Typescript.JSXPragmaFrag
	switch raw := strings.TrimSpace(string(o.JSX)); {
	case raw == `"preserve"`:
		opts.JSX = api.JSXPreserve
	case strings.HasPrefix(raw, "{"):
		var j struct {
			Runtime      string `json:"runtime"`
			ImportSource string `json:"importSource"`
			Pragma       string `json:"pragma"`
			PragmaFrag   string `json:"pragmaFrag"`
			Development  bool   `json:"development"`
		}
		if err := json.Unmarshal([]byte(raw), &j); err != nil {
			return nil, fmt.Errorf("transformWithOxc: options.jsx: %v", err)
		}
		if j.Runtime == "classic" {
			opts.JSX = api.JSXTransform
		}
		opts.JSXImportSource, opts.JSXDev = j.ImportSource, j.Development
		if j.Pragma != "" {
			opts.JSXFactory = j.Pragma
		}
		if j.PragmaFrag != "" {
			opts.JSXFragment = j.PragmaFrag
		}
	case raw != "" && raw != "null":
		return nil, fmt.Errorf("transformWithOxc: options.jsx: %s is not \"preserve\" or an object", raw)
	}
	if o.Decorator.Legacy {
		opts.TsconfigRaw = `{"compilerOptions":{"experimentalDecorators":true}}`
	}
	return runTransform(code, opts, inMap)
}

func runTransform(code string, opts api.TransformOptions, inMap string) (*jsTransformResult, error) {
	r := api.Transform(code, opts)
	if len(r.Errors) > 0 {
		lines := make([]string, len(r.Errors))
		for i, m := range r.Errors {
			lines[i] = messageLine(m)
		}
		return nil, &jsTransformError{Message: "Transform failed with " + plural(len(r.Errors), "error") + ":\n" + strings.Join(lines, "\n"), Errors: r.Errors}
	}
	out := &jsTransformResult{Code: string(r.Code), Warnings: []string{}}
	for _, w := range r.Warnings {
		out.Warnings = append(out.Warnings, messageLine(w))
	}
	m := r.Map
	if len(m) > 0 && strings.TrimSpace(inMap) != "" && inMap != "null" {
		composed, err := sourcemap.Compose([]byte(inMap), m)
		if err != nil {
			return nil, fmt.Errorf("chaining the input source map: %v", err)
		}
		m = composed
	}
	out.Map = string(m)
	return out, nil
}

func messageLine(m api.Message) string {
	if l := m.Location; l != nil {
		return fmt.Sprintf("%s:%d:%d: ERROR: %s", l.File, l.Line, l.Column, m.Text)
	}
	return m.Text
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// loaderFromExtension is Vite's: the extension of the path without its query, .mjs and .cjs read as
// js, .mts and .cts as ts.
func loaderFromExtension(filename string) string {
	p, _, _ := strings.Cut(filename, "?")
	ext := strings.TrimPrefix(filepath.Ext(p), ".")
	switch ext {
	case "mjs", "cjs":
		return "js"
	case "mts", "cts":
		return "ts"
	}
	return ext
}

// LoaderByName is esbuild's loader of a name as plugins and esbuild's JavaScript API write it
// (LoaderNone for a name it does not know).
func LoaderByName(name string) api.Loader {
	return loaders[name]
}

var loaders = map[string]api.Loader{"js": api.LoaderJS, "jsx": api.LoaderJSX, "ts": api.LoaderTS, "tsx": api.LoaderTSX,
	"css": api.LoaderCSS, "local-css": api.LoaderLocalCSS, "global-css": api.LoaderGlobalCSS, "json": api.LoaderJSON,
	"text": api.LoaderText, "base64": api.LoaderBase64, "dataurl": api.LoaderDataURL, "binary": api.LoaderBinary}

func esbuildLoader(name string) (api.Loader, error) {
	if l := LoaderByName(name); l != api.LoaderNone {
		return l, nil
	}
	return api.LoaderNone, fmt.Errorf("no loader for %q: give options.loader (js, jsx, ts, tsx, css, json, text)", name)
}

// setTarget reads a target given as a string or a list of strings.
func setTarget(opts *api.TransformOptions, option string, raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		var one string
		if err := json.Unmarshal(raw, &one); err != nil {
			return fmt.Errorf("%s: %s is not a string or a list of strings", option, raw)
		}
		list = []string{one}
	}
	engines, err := ParseTarget(option, list)
	if err != nil {
		return err
	}
	opts.Target, opts.Engines = ESTarget(list), engines
	return nil
}

var (
	formats       = map[string]api.Format{"iife": api.FormatIIFE, "cjs": api.FormatCommonJS, "esm": api.FormatESModule}
	platforms     = map[string]api.Platform{"browser": api.PlatformBrowser, "node": api.PlatformNode, "neutral": api.PlatformNeutral}
	jsxModes      = map[string]api.JSX{"transform": api.JSXTransform, "preserve": api.JSXPreserve, "automatic": api.JSXAutomatic}
	charsets      = map[string]api.Charset{"ascii": api.CharsetASCII, "utf8": api.CharsetUTF8}
	legalComments = map[string]api.LegalComments{"none": api.LegalCommentsNone, "inline": api.LegalCommentsInline,
		"eof": api.LegalCommentsEndOfFile, "linked": api.LegalCommentsLinked, "external": api.LegalCommentsExternal}
)

func pick[T any](dst *T, v string, values map[string]T) bool {
	x, ok := values[v]
	if ok {
		*dst = x
	}
	return ok
}
