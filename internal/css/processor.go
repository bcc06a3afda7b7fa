package css

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/govite/govite/internal/config"
)

// Processor runs the stylesheet tools that exist only as JavaScript packages, from the project's own
// node_modules as Vite does: Sass (sass-embedded, else sass), Less, Stylus, and PostCSS with the
// project's PostCSS config. One Processor serves a dev server or a build; its Node worker starts on
// the first stylesheet that needs it (a project of plain CSS without a PostCSS config never starts
// Node) and stops with Close.
type Processor struct {
	root    string
	cfg     *config.ResolvedConfig
	node    string
	stderr  io.Writer
	command string

	mu       sync.Mutex
	w        *worker
	startErr error
	closed   bool
	// temps are files written for the worker to import while it starts (the Vite config bundled for
	// Node, a TypeScript PostCSS config compiled): removed once it has.
	temps []string

	postcssOnce sync.Once
	postcss     postcssSource

	resolveMu sync.Mutex
	resolvers map[string]*styleResolver
}

// postcssSource is where the PostCSS config comes from: nothing (no PostCSS), a file found from root
// upward, or css.postcss written inline.
type postcssSource struct {
	file   string // the config file ("" for inline or none)
	inline bool
}

// ProcessorOptions are the parts of a Processor that do not come from the config.
type ProcessorOptions struct {
	// Node is the node binary; "" looks for node on PATH.
	Node string
	// Stderr receives what the tools print (Sass warnings, Tailwind's notices); nil: os.Stderr.
	Stderr io.Writer
}

// NewProcessor returns the Processor of a project. Nothing starts until a stylesheet needs it.
func NewProcessor(cfg *config.ResolvedConfig, opts ProcessorOptions) *Processor {
	command := cfg.Command
	if command == "" {
		command = "serve"
	}
	return &Processor{root: cfg.Root, cfg: cfg, node: opts.Node, stderr: opts.Stderr, command: command, resolvers: map[string]*styleResolver{}}
}

// Close stops the worker and releases the resolvers.
func (p *Processor) Close() error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	p.closed = true
	w := p.w
	p.w = nil
	temps := p.temps
	p.temps = nil
	p.mu.Unlock()
	if w != nil {
		w.close()
	}
	for _, f := range temps {
		os.Remove(f)
	}
	p.resolveMu.Lock()
	for _, r := range p.resolvers {
		r.close()
	}
	p.resolvers = map[string]*styleResolver{}
	p.resolveMu.Unlock()
	return nil
}

// Lang is the pre-processor language of a stylesheet path ("scss", "sass", "less", "styl",
// "stylus", "sss"), "" for CSS.
func Lang(p string) string {
	switch ext := strings.ToLower(filepath.Ext(p)); ext {
	case ".scss", ".sass", ".less", ".styl", ".stylus", ".sss":
		return ext[1:]
	}
	return ""
}

// HasPostCSS reports whether stylesheets go through PostCSS: a PostCSS config file was found from
// root upward (postcss-load-config's search places, up to the workspace root), or css.postcss is an
// object.
func (p *Processor) HasPostCSS() bool {
	if p == nil {
		return false
	}
	src := p.postcssSource()
	return src.file != "" || src.inline
}

func (p *Processor) postcssSource() postcssSource {
	p.postcssOnce.Do(func() {
		opt := p.cfg.CSS.PostCSS
		if opt != nil && opt.Inline {
			p.postcss.inline = true
			return
		}
		from := p.root
		if opt != nil && opt.SearchPath != "" {
			from = opt.SearchPath
			if !filepath.IsAbs(from) {
				from = filepath.Join(p.root, from)
			}
		}
		p.postcss.file = findPostCSSConfig(from, config.SearchForWorkspaceRoot(p.root))
	})
	return p.postcss
}

// postcssSearchPlaces are postcss-load-config's file names, in its order.
var postcssSearchPlaces = []string{
	"package.json", ".postcssrc", ".postcssrc.json", ".postcssrc.yaml", ".postcssrc.yml",
	".postcssrc.ts", ".postcssrc.cts", ".postcssrc.mts", ".postcssrc.js", ".postcssrc.cjs", ".postcssrc.mjs",
	"postcss.config.ts", "postcss.config.cts", "postcss.config.mts", "postcss.config.js", "postcss.config.cjs", "postcss.config.mjs",
}

// findPostCSSConfig searches dir and its parents up to stop for a PostCSS config, as
// postcss-load-config does: a package.json counts only with a "postcss" field, an empty file not at
// all.
func findPostCSSConfig(dir, stop string) string {
	for {
		for _, name := range postcssSearchPlaces {
			f := filepath.Join(dir, name)
			data, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			if name == "package.json" {
				var pkg map[string]json.RawMessage
				if json.Unmarshal(data, &pkg) == nil && len(pkg["postcss"]) > 0 && string(pkg["postcss"]) != "null" {
					return f
				}
				continue
			}
			if strings.TrimSpace(string(data)) == "" {
				continue
			}
			return f
		}
		parent := filepath.Dir(dir)
		if dir == stop || parent == dir {
			return ""
		}
		dir = parent
	}
}

// worker returns the running worker, starting it on first use.
func (p *Processor) worker() (*worker, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errors.New("the stylesheet processor is closed (the server or build has ended)")
	}
	if p.w != nil {
		select {
		case <-p.w.exited:
			p.w = nil // crashed: start a new one
		default:
			return p.w, nil
		}
	}
	if p.startErr != nil {
		return nil, p.startErr
	}
	init := map[string]any{
		"root":       p.root,
		"configEnv":  map[string]any{"command": p.command, "mode": p.cfg.Mode, "isSsrBuild": false, "isPreview": false},
		"options":    p.workerOptions(),
		"configFile": "",
	}
	// The worker imports what govite compiled for it during init; the files go right after.
	defer func() {
		for _, f := range p.temps {
			os.Remove(f)
		}
		p.temps = nil
	}()
	if len(p.cfg.CSS.JSOptions) > 0 && p.cfg.ConfigFile != "" {
		// Options with JavaScript values (a PostCSS plugin, an additionalData function) exist only in
		// the config file: the worker evaluates it in Node.
		bundled, err := compileForNode(p.cfg.ConfigFile)
		if err != nil {
			p.startErr = fmt.Errorf("%s (needed for the CSS options %s, whose values are JavaScript): %w", p.cfg.ConfigFile, strings.Join(p.cfg.CSS.JSOptions, ", "), err)
			return nil, p.startErr
		}
		p.temps = append(p.temps, bundled)
		init["configFile"] = bundled
	}
	src := p.postcssSource()
	init["postcssConfig"] = src.file
	if ext := filepath.Ext(src.file); ext == ".ts" || ext == ".mts" || ext == ".cts" {
		// Node 20 cannot import TypeScript; postcss-load-config would need tsx or jiti. govite has
		// esbuild.
		loaded, err := compileForNode(src.file)
		if err != nil {
			p.startErr = fmt.Errorf("Failed to load PostCSS config (%s): %w", src.file, err)
			return nil, p.startErr
		}
		p.temps = append(p.temps, loaded)
		init["postcssLoaded"] = loaded
	}
	env := os.Environ()
	if os.Getenv("NODE_ENV") == "" {
		// Vite sets NODE_ENV before loading anything; PostCSS plugins (Tailwind) read it.
		nodeEnv := "development"
		if p.cfg.IsProduction || p.command == "build" {
			nodeEnv = "production"
		}
		env = append(env, "NODE_ENV="+nodeEnv)
	}
	w, err := startWorker(p.node, p.root, env, p.stderr)
	if err != nil {
		p.startErr = err
		return nil, err
	}
	if _, err := w.request(context.Background(), "init", init, nil); err != nil {
		w.close()
		p.startErr = fmt.Errorf("starting the stylesheet worker: %w", err)
		return nil, p.startErr
	}
	p.w = w
	return w, nil
}

// workerOptions are the CSS options the worker gets as JSON.
func (p *Processor) workerOptions() map[string]any {
	o := map[string]any{"preprocessorOptions": p.cfg.CSS.PreprocessorOptions}
	if pc := p.cfg.CSS.PostCSS; pc != nil && pc.Inline {
		inline := map[string]any{}
		for k, v := range pc.Options {
			inline[k] = v
		}
		o["postcss"] = map[string]any{"inline": inline}
	}
	return o
}

// stage is what one tool made of a stylesheet.
type stage struct {
	CSS  string          `json:"css"`
	Map  json.RawMessage `json:"map"`
	Deps []string        `json:"deps"`
	// Prefix is the additionalData the worker put before the source (its lines shift the source map),
	// null when a function rewrote the source.
	Prefix   *string          `json:"prefix"`
	DirDeps  []dirDependency  `json:"dirDeps"`
	Warnings []postcssWarning `json:"warnings"`
}

// dirDependency is a PostCSS dir-dependency message: the files under Dir matching Glob are inputs of
// the stylesheet (Tailwind's content globs).
type dirDependency struct {
	Dir  string `json:"dir"`
	Glob string `json:"glob"`
}

type postcssWarning struct {
	Text   string `json:"text"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Plugin string `json:"plugin"`
}

// call runs one tool in the worker on a stylesheet; r answers the worker's resolve and load calls.
func (p *Processor) call(op string, fields map[string]any, r Resolver) (*stage, error) {
	w, err := p.worker()
	if err != nil {
		return nil, err
	}
	raw, err := w.request(context.Background(), op, fields, func(callOp string, args json.RawMessage) (any, error) {
		return p.answer(callOp, args, r)
	})
	if err != nil {
		var we *workerError
		if errors.As(err, &we) {
			return nil, we.toError()
		}
		return nil, err
	}
	var s stage
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("unexpected answer from the stylesheet worker to %s: %v", op, err)
	}
	return &s, nil
}

// answer handles a call of the worker back into govite.
func (p *Processor) answer(op string, args json.RawMessage, r Resolver) (any, error) {
	var a struct {
		Lang     string `json:"lang"`
		Spec     string `json:"spec"`
		Importer string `json:"importer"`
		File     string `json:"file"`
		RootFile string `json:"rootFile"`
	}
	if err := json.Unmarshal(args, &a); err != nil {
		return nil, err
	}
	switch op {
	case "resolve":
		if f := p.resolveStyle(a.Lang, a.Spec, a.Importer, r); f != "" {
			return f, nil
		}
		return nil, nil
	case "load":
		data, err := os.ReadFile(a.File)
		if err != nil {
			return nil, err
		}
		return p.rebaseURLs(string(data), a.File, a.RootFile, a.Lang, r), nil
	}
	return nil, fmt.Errorf("unknown call %q", op)
}

// Error is a stylesheet tool's error (Sass, Less, Stylus, PostCSS) or a missing package, with the
// place it points at when the tool said.
type Error struct {
	Plugin  string // "vite:css", as Vite names the plugin in its overlay
	Message string // "[sass] Undefined variable."
	File    string // absolute; "" when unknown
	Line    int    // 1-based; 0 when unknown
	Column  int    // 1-based; 0 when unknown
	Stack   string
}

func (e *Error) Error() string {
	if e.File != "" && e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, max(e.Column, 1), e.Message)
	}
	return e.Message
}

func (we *workerError) toError() *Error {
	return &Error{Plugin: "vite:css", Message: we.Message, File: we.File, Line: we.Line, Column: we.Column, Stack: we.Stack}
}

// Preprocess compiles a Sass, Less or Stylus stylesheet (lang from Lang) to CSS. sourcemap asks for a
// source map of the result.
func (p *Processor) Preprocess(lang, abs, code string, sourcemap bool, r Resolver) (*stage, error) {
	fields := map[string]any{"file": abs, "code": code, "sourcemap": sourcemap, "lang": lang}
	op := ""
	switch lang {
	case "scss":
		op = "sass"
	case "sass":
		op, fields["indented"] = "sass", true
	case "less":
		op = "less"
	case "styl", "stylus":
		op = "stylus"
	case "sss":
		op, fields["sugarss"] = "postcss", true
	default:
		return nil, fmt.Errorf("%s: %q is not a pre-processor language", abs, lang)
	}
	s, err := p.call(op, fields, r)
	if err != nil {
		return nil, err
	}
	if s.Prefix != nil && *s.Prefix != "" && len(s.Map) > 0 {
		// The map points into additionalData + source: move it back onto the source.
		s.Map = unshiftMap(s.Map, abs, *s.Prefix)
	}
	s.Deps = slices.DeleteFunc(s.Deps, func(d string) bool { return d == abs || d == "" })
	return s, nil
}

// PostCSS runs the project's PostCSS plugins on a stylesheet (code is CSS, after pre-processing).
// prevMap, when sourcemap is set, is the map of code back to the sources.
func (p *Processor) PostCSS(abs, code string, sourcemap bool, r Resolver) (*stage, error) {
	return p.call("postcss", map[string]any{"file": abs, "code": code, "sourcemap": sourcemap}, r)
}
