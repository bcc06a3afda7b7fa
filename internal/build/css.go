package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/govite/govite/internal/css"
)

// cssCompiler is the build's css.Resolver: url()s become emitted (or inlined) assets, recorded for the
// manifest, public files get base, and @import follows the aliases.
type cssCompiler struct {
	b *builder

	mu     sync.Mutex
	assets []string // emitted files the stylesheet references
}

// cssModule is one stylesheet compiled for the build and the assets its url()s emitted. Per-chunk CSS
// is the concatenation of the cssModules a chunk contains, so every CSS file is compiled exactly once.
type cssModule struct {
	*css.Module
	Assets []string // file names of the emitted assets its url()s point at
}

// compile compiles the stylesheet at abs whose source text is code. A build writes no CSS source
// maps, whatever build.sourcemap says, as Vite 8 writes none either.
func (c *cssCompiler) compile(abs, code string) (*cssModule, error) {
	comp := &css.Compiler{Root: c.b.cfg.Root, Engines: c.b.engines, Resolver: c, Key: c.b.relKey, Errors: formatErrors, Processor: c.b.cssProc}
	m, err := comp.Compile(abs, code)
	if err != nil {
		return nil, c.toolError(err)
	}
	return &cssModule{Module: m, Assets: c.assets}, nil
}

// toolError words a stylesheet tool's error (Sass, Less, Stylus, PostCSS) for the build's report:
// file:line:column, the message and the line it points at. (esbuild adds it to its own message for
// the module that failed to load, so it is not formatted as a message of its own here.)
func (c *cssCompiler) toolError(err error) error {
	var ce *css.Error
	if !errors.As(err, &ce) {
		return err
	}
	if ce.File == "" || ce.Line <= 0 {
		return errors.New(ce.Message)
	}
	col := max(ce.Column, 1)
	text := fmt.Sprintf("%s:%d:%d: %s", c.b.relKey(ce.File), ce.Line, col, ce.Message)
	if data, rerr := os.ReadFile(ce.File); rerr == nil {
		if lines := strings.Split(string(data), "\n"); ce.Line <= len(lines) {
			line := strings.TrimRight(lines[ce.Line-1], "\r")
			text += fmt.Sprintf("\n  %d | %s\n  %s | %s^", ce.Line, line, strings.Repeat(" ", len(strconv.Itoa(ce.Line))), strings.Repeat(" ", min(col-1, len(line))))
		}
	}
	return errors.New(text)
}

func (c *cssCompiler) Warn(msg string) { c.b.warnf("%s", msg) }

func (c *cssCompiler) Import(p string) (string, bool) {
	if aliased, ok := c.b.applyAlias(p); ok {
		return aliased, true
	}
	if strings.HasPrefix(p, "/") && !css.FileExists(p) {
		if abs := filepath.Join(c.b.cfg.Root, p); css.FileExists(abs) {
			return abs, true
		}
	}
	return "", false
}

func (c *cssCompiler) URL(p, dir, importer string) (string, bool, error) {
	return c.resolveURL(p, dir, importer)
}

func (c *cssCompiler) FileURL(abs string) (string, error) { return c.assetFileURL(abs) }

// resolveURL turns a url() of a stylesheet in dir into its output URL: public files get base, local
// files are emitted or inlined, remote and data URLs stay. ok is false for a package path
// ("pkg/img.png"), which needs the bundler's resolver.
func (c *cssCompiler) resolveURL(p, dir, importer string) (string, bool, error) {
	b := c.b
	if p == "" || css.IsExternalURL(p) || strings.HasPrefix(p, "#") {
		return p, true, nil
	}
	if aliased, ok := b.applyAlias(p); ok {
		p = aliased
	}
	clean, query := splitQuery(p)
	var abs string
	switch {
	case strings.HasPrefix(clean, "/") && b.publicFile(clean) != "":
		return b.publicURL(strings.TrimPrefix(clean, "/")) + query, true, nil
	case strings.HasPrefix(clean, "/") && css.FileExists(filepath.Join(b.cfg.Root, clean)):
		abs = filepath.Join(b.cfg.Root, clean)
	case filepath.IsAbs(clean) && css.FileExists(clean):
		abs = clean
	case strings.HasPrefix(clean, "."):
		abs = filepath.Join(dir, clean)
	default:
		if !css.FileExists(filepath.Join(dir, clean)) {
			return "", false, nil
		}
		abs = filepath.Join(dir, clean)
	}
	if !css.FileExists(abs) {
		b.warnf("%s referenced in %s didn't resolve at build time, it will remain unchanged to be resolved at runtime", p, b.relKey(importer))
		return p, true, nil
	}
	u, err := c.assetFileURL(abs)
	return u, err == nil, err
}

// assetFileURL emits (or inlines) a file referenced from CSS and records it for the manifest.
func (c *cssCompiler) assetFileURL(abs string) (string, error) {
	u, err := c.b.cssAssetURL(abs)
	if err != nil {
		return "", err
	}
	if a := c.b.assets.get(abs); a != nil {
		c.mu.Lock()
		if !slices.Contains(c.assets, a.FileName) {
			c.assets = append(c.assets, a.FileName)
		}
		c.mu.Unlock()
	}
	return u, nil
}
