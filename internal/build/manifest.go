package build

import (
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/govite/govite/internal/config"
)

// ManifestChunk is one entry of .vite/manifest.json, with Vite's fields in Vite's order.
type ManifestChunk struct {
	File           string   `json:"file"`
	Name           string   `json:"name,omitempty"`
	Names          []string `json:"names,omitempty"`
	Src            string   `json:"src,omitempty"`
	IsEntry        bool     `json:"isEntry,omitempty"`
	IsDynamicEntry bool     `json:"isDynamicEntry,omitempty"`
	Imports        []string `json:"imports,omitempty"`
	DynamicImports []string `json:"dynamicImports,omitempty"`
	CSS            []string `json:"css,omitempty"`
	Assets         []string `json:"assets,omitempty"`
}

// Manifest maps manifest keys to chunks; encoding/json writes map keys sorted, as Vite does.
type Manifest map[string]*ManifestChunk

// chunkAssets fills c.assets: the emitted files its modules (JS imports and CSS url()s) reference.
func (b *builder) chunkAssets(c *chunk) {
	add := func(f string) {
		if !slices.Contains(c.assets, f) {
			c.assets = append(c.assets, f)
		}
	}
	if c.entry != nil && c.entry.Kind == entryHTML {
		for _, f := range b.htmlAssets[c.entry.Path] {
			add(f)
		}
	}
	for _, m := range c.modules {
		for _, f := range b.moduleRefs(m) {
			add(f) // workers and new URL() assets the module's code refers to
		}
		if strings.Contains(m, ":") && !filepath.IsAbs(m) {
			continue // a namespaced (virtual) module
		}
		abs := filepath.Join(b.cfg.Root, filepath.FromSlash(m))
		if a := b.assets.get(abs); a != nil && config.IsAsset(abs, b.cfg.AssetsInclude) {
			add(a.FileName)
		}
		if a := b.assets.get(abs + "?url"); a != nil {
			add(a.FileName)
		}
	}
	for _, p := range c.css {
		if m := b.css[p]; m != nil {
			for _, f := range m.Assets {
				add(f)
			}
		}
	}
}

// manifestKey is the key of a chunk: its entry module's path from root, or "_" + file name for
// shared chunks.
func (b *builder) manifestKey(c *chunk) string {
	switch {
	case c.entry != nil:
		return c.entry.Key
	case c.facade != "" && !strings.Contains(c.facade, ":"):
		return c.facade
	}
	return "_" + path.Base(c.fileName)
}

// manifest builds .vite/manifest.json as Vite documents it.
func (b *builder) manifest(chunks []*chunk) Manifest {
	m := Manifest{}
	for _, c := range chunks {
		mc := &ManifestChunk{File: c.fileName, Name: c.name}
		key := b.manifestKey(c)
		if c.entry != nil || (c.facade != "" && !strings.Contains(c.facade, ":")) {
			mc.Src = key
		}
		mc.IsEntry = c.entry != nil
		mc.IsDynamicEntry = c.isDynamicEntry
		for _, d := range c.imports {
			if !d.pureCSS && d.mergedInto == nil {
				mc.Imports = append(mc.Imports, b.manifestKey(d))
			}
		}
		for _, d := range c.dynImports {
			mc.DynamicImports = append(mc.DynamicImports, b.manifestKey(d))
		}
		if b.cfg.Build.CSSCodeSplit {
			mc.CSS = b.chunkCSSFiles(c)
		}
		mc.Assets = c.assets
		m[key] = mc
		// A shared chunk's CSS file gets a key of its own (Vite 8 does this too).
		if c.entry == nil && c.facade == "" && c.cssFile != "" && b.cfg.Build.CSSCodeSplit {
			k := "_" + path.Base(c.cssFile)
			m[k] = &ManifestChunk{File: c.cssFile, Src: k}
		}
		for _, d := range c.imports {
			if d.pureCSS && d.cssFile != "" {
				k := "_" + path.Base(d.cssFile)
				m[k] = &ManifestChunk{File: d.cssFile, Src: k}
			}
		}
	}
	if b.styleCSS != "" {
		m["style.css"] = &ManifestChunk{File: b.styleCSS, Src: "style.css"}
	}
	for _, ce := range b.cssEntryFiles {
		mc := &ManifestChunk{File: ce.file, Name: ce.e.Name, Names: []string{ce.e.Name + ".css"}, Src: ce.e.Key, IsEntry: true}
		if cm := b.css[ce.e.Path]; cm != nil {
			mc.Assets = cm.Assets
		}
		m[ce.e.Key] = mc
	}
	for _, a := range b.assets.byFile {
		if a.Src == "" || strings.HasPrefix(a.Src, "\x00") || !b.cfg.Build.EmitAssets {
			continue // an environment that writes no assets lists them only under its chunks
		}
		src, _ := splitQuery(a.Src)
		key := b.relKey(src)
		if _, taken := m[key]; taken {
			continue
		}
		m[key] = &ManifestChunk{File: a.FileName, Src: key}
	}
	return m
}

// ssrManifest maps each module to the files its chunk needs, as Vite's ssr-manifest.json does:
// non-entry chunks list their JS and CSS, every chunk its assets, all as URLs with base.
func (b *builder) ssrManifest(chunks []*chunk) map[string][]string {
	out := map[string][]string{}
	for _, c := range chunks {
		var files []string
		if c.entry == nil {
			files = append(files, b.cfg.Base+c.fileName)
			for _, f := range b.chunkCSSFiles(c) {
				files = append(files, b.cfg.Base+f)
			}
		}
		for _, f := range c.assets {
			files = append(files, b.cfg.Base+f)
		}
		listed := map[string]bool{}
		add := func(key string) {
			if !listed[key] {
				listed[key] = true
				out[key] = append(out[key], files...)
			}
		}
		for _, mod := range c.modules {
			key := mod
			if strings.HasPrefix(mod, "<") {
				continue // esbuild's own modules (<define:...>, <runtime>) are not modules of the app
			}
			if i := strings.Index(mod, ":"); i >= 0 && !filepath.IsAbs(mod) {
				key = mod[i+1:]
				switch {
				case strings.HasPrefix(key, htmlEntryPrefix):
					key = b.relKey(strings.TrimPrefix(key, htmlEntryPrefix))
				case key == polyfillID:
					key = "\x00" + polyfillID + ".js" // Vite's id for it
				}
			}
			add(key)
		}
		// A stylesheet is a module of the chunk that imports it (listed above when esbuild saw it).
		for _, p := range c.css {
			add(b.relKey(p))
		}
	}
	for k, v := range out {
		if v == nil {
			out[k] = []string{}
		}
	}
	return out
}
