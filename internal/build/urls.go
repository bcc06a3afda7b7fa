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
func (b *builder) inlineOrEmit(abs string) (inline string, a *emittedAsset, err error) {
	if a := b.assets.get(abs); a != nil {
		return "", a, nil
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return "", nil, err
	}
	if len(data) < b.cfg.Build.AssetsInlineLimit && !strings.HasSuffix(abs, ".webmanifest") {
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
	env := config.ImportMetaEnv(b.cfg, false)
	d := map[string]string{}
	envJSON, _ := json.Marshal(env)
	d["import.meta.env"] = string(envJSON)
	for k, v := range env {
		j, _ := json.Marshal(v)
		d["import.meta.env."+k] = string(j)
	}
	nodeEnv := "production"
	if !b.cfg.IsProduction {
		nodeEnv = "development"
	}
	d["process.env.NODE_ENV"] = strconv.Quote(nodeEnv)
	d["global.process.env.NODE_ENV"] = strconv.Quote(nodeEnv)
	d["globalThis.process.env.NODE_ENV"] = strconv.Quote(nodeEnv)
	for k, v := range b.cfg.Define {
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
