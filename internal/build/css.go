package build

import (
	"path/filepath"
	"slices"
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

// compile compiles the stylesheet at abs whose source text is code.
func (c *cssCompiler) compile(abs, code string) (*cssModule, error) {
	comp := &css.Compiler{Root: c.b.cfg.Root, Engines: c.b.engines, Resolver: c, Key: c.b.relKey, Errors: formatErrors}
	m, err := comp.Compile(abs, code)
	if err != nil {
		return nil, err
	}
	return &cssModule{Module: m, Assets: c.assets}, nil
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
