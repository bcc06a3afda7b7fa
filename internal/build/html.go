package build

import (
	"bytes"
	"fmt"
	"github.com/govite/govite/internal/css"
	"html"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/govite/govite/internal/config"
	xhtml "golang.org/x/net/html"
)

// htmlDoc is a parsed HTML entry: what its module scripts and stylesheets are (they become the
// entry's chunk) and which byte ranges to rewrite once file names are known.
type htmlDoc struct {
	path   string // absolute
	source string // after "pre" transformIndexHtml hooks
	// imports of the entry module, in document order: absolute paths or inline-script ids
	imports       []string
	inlineScripts []string
	edits         []htmlEdit
}

// htmlEdit replaces source[start:end]; text is final unless asset is set.
type htmlEdit struct {
	start, end int
	text       string
}

// assetAttrs are the attributes that hold URLs of files a page loads, which the build emits and
// rewrites (Vite's list).
var assetAttrs = map[string][]string{
	"audio": {"src"}, "embed": {"src"}, "img": {"src", "srcset"}, "image": {"href", "xlink:href"},
	"input": {"src"}, "link": {"href", "imagesrcset"}, "object": {"data"}, "source": {"src", "srcset"},
	"track": {"src"}, "use": {"href", "xlink:href"}, "video": {"src", "poster"}, "meta": {"content"},
}

func parseHTMLEntry(b *builder, abs string) (*htmlDoc, error) {
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	doc := &htmlDoc{path: abs, source: string(data)}
	hctx := config.IndexHTMLContext{Path: "/" + b.relKey(abs), Filename: abs}
	src, tags, err := b.container.TransformIndexHTML(true, hctx, doc.source)
	if err != nil {
		return nil, err
	}
	doc.source = config.InjectHTMLTags(src, tags)
	if b.cfg.Build.ModulePreload && b.cfg.Build.ModulePreloadPolyfill {
		doc.imports = append(doc.imports, polyfillID)
	}
	if err := doc.scan(b); err != nil {
		return nil, err
	}
	return doc, nil
}

// scan walks the tokens, tracking byte offsets through Raw().
func (d *htmlDoc) scan(b *builder) error {
	z := xhtml.NewTokenizer(strings.NewReader(d.source))
	off := 0
	inScript := -1 // start offset of an open module <script> to remove
	scriptInline := false
	var inline strings.Builder
	for {
		tt := z.Next()
		raw := z.Raw()
		start, end := off, off+len(raw)
		off = end
		switch tt {
		case xhtml.ErrorToken:
			return nil
		case xhtml.TextToken:
			if inScript >= 0 && scriptInline {
				inline.Write(raw)
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			if string(name) == "script" && inScript >= 0 {
				if scriptInline {
					idx := len(d.inlineScripts)
					d.inlineScripts = append(d.inlineScripts, inline.String())
					d.imports = append(d.imports, fmt.Sprintf("\x00html-proxy:%s?index=%d.js", d.path, idx))
				}
				d.removeElement(inScript, end)
				inScript = -1
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			attrs := map[string]string{}
			var attrOrder []string
			for hasAttr {
				k, v, more := z.TagAttr()
				attrs[string(k)] = string(v)
				attrOrder = append(attrOrder, string(k))
				hasAttr = more
			}
			switch {
			case tag == "script" && attrs["type"] == "module":
				srcAttr, hasSrc := attrs["src"]
				if hasSrc && !isLocalURL(srcAttr) {
					continue
				}
				inScript, scriptInline = start, !hasSrc
				inline.Reset()
				if hasSrc {
					p, err := d.localPath(b, srcAttr)
					if err != nil {
						return err
					}
					d.imports = append(d.imports, p)
				}
			case tag == "link" && strings.Contains(" "+attrs["rel"]+" ", " stylesheet ") && isLocalURL(attrs["href"]) && b.publicFile(attrs["href"]) == "":
				p, err := d.localPath(b, attrs["href"])
				if err != nil {
					return err
				}
				d.imports = append(d.imports, p)
				d.removeElement(start, end)
			default:
				if err := d.rewriteAssetAttrs(b, tag, attrs, raw, start); err != nil {
					return err
				}
			}
		}
	}
}

// removeElement removes source[start:end], and the whole line when the element is alone on it.
func (d *htmlDoc) removeElement(start, end int) {
	ls := strings.LastIndexByte(d.source[:start], '\n') + 1
	le := strings.IndexByte(d.source[end:], '\n')
	if le >= 0 && strings.TrimSpace(d.source[ls:start]) == "" && strings.TrimSpace(d.source[end:end+le]) == "" {
		start, end = ls, end+le+1
	}
	d.edits = append(d.edits, htmlEdit{start: start, end: end})
}

// rewriteAssetAttrs emits the files the tag's URL attributes point at and records the new URLs.
func (d *htmlDoc) rewriteAssetAttrs(b *builder, tag string, attrs map[string]string, raw []byte, start int) error {
	names := assetAttrs[tag]
	if tag == "link" {
		rel := attrs["rel"]
		if !strings.Contains(rel, "icon") && !strings.Contains(rel, "manifest") && !strings.Contains(rel, "apple-touch") && !strings.Contains(rel, "preload") {
			return nil
		}
	}
	if tag == "meta" {
		prop := attrs["property"] + attrs["name"]
		if !strings.Contains(prop, "image") {
			return nil
		}
	}
	for _, name := range names {
		val, ok := attrs[name]
		if !ok || val == "" {
			continue
		}
		var newVal string
		if strings.HasSuffix(name, "srcset") {
			var parts []string
			for _, cand := range strings.Split(val, ",") {
				f := strings.Fields(cand)
				if len(f) == 0 {
					continue
				}
				u, err := d.assetURL(b, f[0])
				if err != nil {
					return err
				}
				f[0] = u
				parts = append(parts, strings.Join(f, " "))
			}
			newVal = strings.Join(parts, ", ")
		} else {
			u, err := d.assetURL(b, val)
			if err != nil {
				return err
			}
			newVal = u
		}
		if newVal == val {
			continue
		}
		// Find the attribute's value in the raw tag and replace just it.
		i := findAttrValue(string(raw), name, val)
		if i < 0 {
			continue
		}
		escaped := html.EscapeString(newVal)
		d.edits = append(d.edits, htmlEdit{start: start + i, end: start + i + len(rawAttrValue(string(raw), i, val)), text: escaped})
	}
	return nil
}

// findAttrValue returns the offset in tag of the value of attribute name.
func findAttrValue(tag, name, val string) int {
	lower := strings.ToLower(tag)
	from := 0
	for {
		i := strings.Index(lower[from:], name)
		if i < 0 {
			return -1
		}
		i += from
		j := i + len(name)
		for j < len(tag) && (tag[j] == ' ' || tag[j] == '\t' || tag[j] == '\n') {
			j++
		}
		if j < len(tag) && tag[j] == '=' && (i == 0 || strings.ContainsRune(" \t\n\r", rune(tag[i-1]))) {
			j++
			for j < len(tag) && (tag[j] == ' ' || tag[j] == '\t' || tag[j] == '\n') {
				j++
			}
			if j < len(tag) && (tag[j] == '"' || tag[j] == '\'') {
				j++
			}
			return j
		}
		from = i + len(name)
	}
}

// rawAttrValue is the attribute value as written at offset i (it may contain entities).
func rawAttrValue(tag string, i int, val string) string {
	q := byte(0)
	if i > 0 && (tag[i-1] == '"' || tag[i-1] == '\'') {
		q = tag[i-1]
	}
	j := i
	for j < len(tag) {
		c := tag[j]
		if (q != 0 && c == q) || (q == 0 && (c == ' ' || c == '>' || c == '\t' || c == '\n')) {
			break
		}
		j++
	}
	return tag[i:j]
}

func isLocalURL(u string) bool {
	return u != "" && !css.IsExternalURL(u) && !strings.HasPrefix(u, "#") && !strings.HasPrefix(u, "{{") && !strings.HasPrefix(u, "mailto:")
}

// localPath resolves a URL written in the HTML to a file: "/x" from root, "x" or "./x" from the
// HTML file's folder.
func (d *htmlDoc) localPath(b *builder, u string) (string, error) {
	clean, _ := splitQuery(u)
	var abs string
	if strings.HasPrefix(clean, "/") {
		abs = filepath.Join(b.cfg.Root, filepath.FromSlash(clean))
	} else {
		abs = filepath.Join(filepath.Dir(d.path), filepath.FromSlash(clean))
	}
	if !css.FileExists(abs) {
		if aliased, ok := b.applyAlias(clean); ok && css.FileExists(aliased) {
			return aliased, nil
		}
		return "", fmt.Errorf("%s: %q does not exist (looked for %s)", b.relKey(d.path), u, abs)
	}
	return abs, nil
}

// assetURL is the URL an HTML attribute gets for a file: emitted, inlined, or a public file with base.
func (d *htmlDoc) assetURL(b *builder, u string) (string, error) {
	if !isLocalURL(u) {
		return u, nil
	}
	clean, query := splitQuery(u)
	if strings.HasPrefix(clean, "/") && b.publicFile(clean) != "" {
		return b.htmlURL(d.path, strings.TrimPrefix(clean, "/")) + query, nil
	}
	p, err := d.localPath(b, u)
	if err != nil {
		b.warnf("%s", err)
		return u, nil
	}
	if !config.IsAsset(p, b.cfg.AssetsInclude) && !css.IsCSS(p) {
		return u, nil
	}
	inline, a, err := b.inlineOrEmit(p)
	if err != nil || a == nil {
		return inline, err
	}
	b.htmlAssets[d.path] = append(b.htmlAssets[d.path], a.FileName)
	return b.htmlURL(d.path, a.FileName), nil
}

// htmlURL is the URL of an output file from an HTML page: base + file, or relative to the page when
// base is relative.
func (b *builder) htmlURL(htmlAbs, fileName string) string {
	if !b.relativeBase() {
		return b.cfg.Base + fileName
	}
	pageDir := path.Dir(b.relKey(htmlAbs))
	rel, err := filepath.Rel(pageDir, fileName)
	if err != nil {
		return fileName
	}
	rel = filepath.ToSlash(rel)
	if !strings.HasPrefix(rel, ".") {
		rel = "./" + rel
	}
	return rel
}

// entryModule is the JS module that stands for the page in the bundle: it imports the page's module
// scripts and stylesheets in document order.
func (d *htmlDoc) entryModule(b *builder) string {
	var sb strings.Builder
	for _, p := range d.imports {
		fmt.Fprintf(&sb, "import %s;\n", strconv.Quote(p))
	}
	return sb.String()
}

// htmlProxy finds the page and script index of an inline-script id.
func (b *builder) htmlProxy(id string) (*entry, int) {
	rest := strings.TrimPrefix(id, "\x00html-proxy:")
	i := strings.LastIndex(rest, "?index=")
	file := rest[:i]
	n, _ := strconv.Atoi(strings.TrimSuffix(rest[i+len("?index="):], ".js"))
	return b.htmlByEntryID[htmlEntryPrefix+file], n
}

// emitHTML writes each HTML entry with its scripts replaced by the built ones.
func (b *builder) emitHTML(chunks []*chunk, bundle *config.OutputBundle) error {
	for _, e := range b.entries {
		if e.Kind != entryHTML {
			continue
		}
		var c *chunk
		for _, x := range chunks {
			if x.entry == e {
				c = x
			}
		}
		doc := e.html
		var out bytes.Buffer
		last := 0
		edits := doc.edits
		slices.SortFunc(edits, func(a, b htmlEdit) int { return a.start - b.start })
		for _, ed := range edits {
			out.WriteString(doc.source[last:ed.start])
			out.WriteString(ed.text)
			last = ed.end
		}
		out.WriteString(doc.source[last:])
		page := out.String()
		var tags []config.HTMLTag
		if c != nil {
			var err error
			if tags, err = b.entryTags(e, c); err != nil {
				return err
			}
		}
		page = config.InjectHTMLTags(page, tags)
		hctx := config.IndexHTMLContext{Path: "/" + e.Key, Filename: e.Path, Bundle: bundle}
		page, more, err := b.container.TransformIndexHTML(false, hctx, page)
		if err != nil {
			return err
		}
		page = config.InjectHTMLTags(page, more)
		bundle.Files[e.Key] = &config.OutputFile{FileName: e.Key, Type: "asset", Contents: []byte(page), OriginalFileNames: []string{e.Key}}
	}
	return nil
}

// entryTags are the tags a page needs for its entry chunk, in Vite's order: the module script, a
// modulepreload link per imported chunk (depth-first; or per file build.modulePreload.
// resolveDependencies chose from them), the imported chunks' CSS, the entry's own CSS.
func (b *builder) entryTags(e *entry, c *chunk) ([]config.HTMLTag, error) {
	url := func(f string) string { return b.htmlURL(e.Path, f) }
	tags := []config.HTMLTag{tag("script", "type", "module", "crossorigin", "", "src", url(c.fileName))}
	var imported []*chunk
	seen := map[*chunk]bool{c: true}
	var walk func(*chunk)
	walk = func(x *chunk) {
		for _, d := range x.imports {
			if seen[d] {
				continue
			}
			seen[d] = true
			imported = append(imported, d)
			walk(d)
		}
	}
	walk(c)
	if b.cfg.Build.ModulePreload {
		var preload []string
		for _, d := range imported {
			if !d.pureCSS && d.mergedInto == nil {
				preload = append(preload, d.fileName)
			}
		}
		if rd := b.cfg.Build.ResolveDependencies; rd != nil {
			var err error
			if preload, err = rd(c.fileName, preload, e.Key, "html"); err != nil {
				return nil, err
			}
		}
		for _, f := range preload {
			tags = append(tags, tag("link", "rel", "modulepreload", "crossorigin", "", "href", url(f)))
		}
	}
	var css []string
	if b.cfg.Build.CSSCodeSplit {
		for _, d := range imported {
			if d.cssFile != "" && !d.pureCSS {
				css = append(css, d.cssFile)
			}
		}
		css = append(css, b.chunkCSSFiles(c)...)
	} else if b.styleCSS != "" {
		css = append(css, b.styleCSS)
	}
	for _, f := range css {
		tags = append(tags, tag("link", "rel", "stylesheet", "crossorigin", "", "href", url(f)))
	}
	return tags, nil
}

// tag builds a head tag with attributes in the given order (name, value, name, value, ...).
func tag(name string, kv ...string) config.HTMLTag {
	t := config.HTMLTag{Tag: name, Attrs: map[string]string{}, InjectTo: "head"}
	for i := 0; i+1 < len(kv); i += 2 {
		t.Attrs[kv[i]] = kv[i+1]
		t.AttrOrder = append(t.AttrOrder, kv[i])
	}
	return t
}
