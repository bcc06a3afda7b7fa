package build

import (
	"encoding/json"
	"fmt"
	"github.com/govite/govite/internal/css"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/config"
)

// publicURL is the URL of an output file (relative to outDir) from pages, with base applied.
func (b *builder) publicURL(fileName string) string {
	if b.relativeBase() {
		return "./" + fileName
	}
	return b.cfg.Base + fileName
}

// inlineOrEmit decides what a referenced file becomes: a data URL below build.assetsInlineLimit
// (returned as inline), or an emitted file (returned as a). A file already emitted is not read again.
// A Git LFS pointer (the asset was not fetched) is never inlined, as in Vite.
func (b *builder) inlineOrEmit(abs string) (inline string, a *emittedAsset, err error) {
	if a := b.assets.get(abs); a != nil {
		return "", a, nil
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return "", nil, err
	}
	if len(data) < b.cfg.Build.AssetsInlineLimit && !strings.HasSuffix(abs, ".webmanifest") && !IsGitLFSPointer(data) {
		return dataURL(abs, data), nil, nil
	}
	return "", b.assets.emitData(abs, filepath.Base(abs), data, b.cfg.Build.AssetsDir), nil
}

// assetModule is the JS module for an imported file: it exports the file's URL.
func (b *builder) assetModule(abs string) (string, error) {
	inline, a, err := b.inlineOrEmit(abs)
	if err != nil || a == nil {
		return "export default " + strconv.Quote(inline), err
	}
	return b.assetExport(a.FileName), nil
}

// cssAssetURL is the url() a stylesheet gets for a file. CSS files live in assetsDir next to the
// assets, so with a relative base the URL is the file's base name.
func (b *builder) cssAssetURL(abs string) (string, error) {
	inline, a, err := b.inlineOrEmit(abs)
	switch {
	case err != nil || a == nil:
		return inline, err
	case b.relativeBase():
		return "./" + path.Base(a.FileName), nil
	}
	return b.cfg.Base + a.FileName, nil
}

// assetExport is the module that exports an emitted file's URL.
func (b *builder) assetExport(fileName string) string {
	if b.server {
		// Server code is not served from outDir: its asset URLs are the ones the client build gives
		// pages, from the root when base is relative (as Vite writes them).
		base := b.cfg.Base
		if b.relativeBase() {
			base = "/"
		}
		return "export default " + strconv.Quote(base+fileName)
	}
	if b.relativeBase() {
		// Chunks and assets share assetsDir, so the URL relative to the chunk is the file's base name.
		return fmt.Sprintf("export default new URL(%q, import.meta.url).href", "./"+path.Base(fileName))
	}
	return "export default " + strconv.Quote(b.cfg.Base+fileName)
}

// publicFile returns the absolute path of /p in publicDir if it exists.
func (b *builder) publicFile(p string) string {
	if b.cfg.PublicDir == "" {
		return ""
	}
	abs := filepath.Join(b.cfg.PublicDir, filepath.FromSlash(strings.TrimPrefix(p, "/")))
	if css.FileExists(abs) {
		return abs
	}
	return ""
}

// defines is import.meta.env, process.env.NODE_ENV and the user's define, in esbuild's form.
func (b *builder) defines() map[string]string {
	env := config.ImportMetaEnv(b.cfg, b.server)
	d := map[string]string{}
	envJSON, _ := json.Marshal(env)
	d["import.meta.env"] = string(envJSON)
	for k, v := range env {
		j, _ := json.Marshal(v)
		d["import.meta.env."+k] = string(j)
	}
	// A server environment keeps process.env as it is at run time (Vite's keepProcessEnv).
	if !b.env.keepProcessEnv() {
		nodeEnv := "production"
		if !b.cfg.IsProduction {
			nodeEnv = "development"
		}
		d["process.env.NODE_ENV"] = strconv.Quote(nodeEnv)
		d["global.process.env.NODE_ENV"] = strconv.Quote(nodeEnv)
		d["globalThis.process.env.NODE_ENV"] = strconv.Quote(nodeEnv)
	}
	define := b.cfg.Define
	if b.env != nil && b.env.Define != nil {
		define = b.env.Define // the environment's define, inherited from the top level and merged
	}
	for k, v := range define {
		switch v := v.(type) {
		case string:
			d[k] = v // an expression, as Vite treats define strings
		default:
			j, err := json.Marshal(v)
			if err == nil {
				d[k] = string(j)
			}
		}
	}
	for k, v := range b.cfg.Esbuild.Define {
		d[k] = v
	}
	return d
}

// minifyCSS minifies (when build.cssMinify) and lowers CSS for build.target.
func (b *builder) minifyCSS(css, file string) (string, error) {
	r := api.Transform(css, api.TransformOptions{
		Loader:            api.LoaderCSS,
		MinifyWhitespace:  b.cfg.Build.CSSMinify,
		MinifySyntax:      b.cfg.Build.CSSMinify,
		MinifyIdentifiers: b.cfg.Build.CSSMinify,
		Engines:           b.engines,
		Sourcefile:        file,
		Charset:           api.CharsetUTF8,
	})
	if len(r.Errors) > 0 {
		return "", formatErrors(r.Errors)
	}
	return string(r.Code), nil
}

// splitDefines separates the defines whose value is an object or an array. esbuild turns such a
// define into a module injected into every file, and as soon as the bundle holds a CommonJS module
// every module calls that module's initializer: a shared chunk that every chunk imports, even in apps
// that never use import.meta.env. Vite (Rolldown) inlines the value where it is used instead, which
// inlineObjectDefines does per module.
func splitDefines(all map[string]string) (plain, objects map[string]string) {
	plain, objects = map[string]string{}, map[string]string{}
	for k, v := range all {
		if t := strings.TrimSpace(v); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			objects[k] = v
		} else {
			plain[k] = v
		}
	}
	return plain, objects
}

// usesObjectDefine reports whether code refers to an object-valued define other than through one
// of its keys that has a define of its own (import.meta.env.MODE is replaced by esbuild directly).
func (b *builder) usesObjectDefine(code string) bool {
	for key := range b.objectDefines {
		for i := 0; ; {
			j := strings.Index(code[i:], key)
			if j < 0 {
				break
			}
			end := i + j + len(key)
			i = end
			rest := code[end:]
			if rest != "" && isIdentByte(rest[0]) {
				continue // a longer name
			}
			rest = strings.TrimPrefix(strings.TrimPrefix(rest, "?"), ".")
			if len(rest) < len(code[end:]) {
				n := 0
				for n < len(rest) && isIdentByte(rest[n]) {
					n++
				}
				if _, ok := b.plainDefines[key+"."+rest[:n]]; ok && n > 0 {
					continue
				}
			}
			return true
		}
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// inlineObjectDefines applies every define to a module that uses an object-valued one, so that the
// value is declared in that module (esbuild's transform does that) rather than injected into all. The
// result is JavaScript (JSX kept) with an inline source map, which the bundler follows.
func (b *builder) inlineObjectDefines(code, id string, loader api.Loader) (string, api.Loader) {
	if len(b.objectDefines) == 0 || loader == api.LoaderJSON || !b.usesObjectDefine(code) {
		return code, loader
	}
	define := make(map[string]string, len(b.plainDefines)+len(b.objectDefines))
	for k, v := range b.plainDefines {
		define[k] = v
	}
	for k, v := range b.objectDefines {
		define[k] = v
	}
	r := api.Transform(code, api.TransformOptions{
		Loader: loader, Sourcefile: id, Sourcemap: api.SourceMapInline, SourcesContent: api.SourcesContentInclude,
		Define: define, JSX: api.JSXPreserve, TsconfigRaw: b.tsconfigRaw(id), Format: api.FormatDefault, Charset: api.CharsetUTF8,
	})
	if len(r.Errors) > 0 {
		return code, loader // the bundler reports the error with its location
	}
	switch loader {
	case api.LoaderJSX, api.LoaderTSX:
		loader = api.LoaderJSX
	default:
		loader = api.LoaderJS
	}
	return string(r.Code), loader
}
