package backend

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// DefaultManifestPath is where Vite (build.manifest: true) and govite write the manifest, relative
// to outDir.
const DefaultManifestPath = ".vite/manifest.json"

// Chunk is one entry of Vite's manifest: a JS chunk, a CSS file or an asset. Imports and
// DynamicImports hold manifest keys; File, CSS and Assets hold paths relative to outDir.
type Chunk struct {
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

// Manifest is the content of .vite/manifest.json: chunks by key. Entries and dynamic entries are
// keyed by their source path from the project root ("src/main.js", "index.html"), shared chunks by
// "_" and their file's base name.
type Manifest map[string]*Chunk

// ParseManifest decodes a manifest. Every chunk must have a file, and every key it imports must be in
// the manifest.
func ParseManifest(data []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(data, int(se.Offset))
			return nil, fmt.Errorf("invalid JSON at line %d, column %d: %v", line, col, err)
		}
		return nil, fmt.Errorf("not a Vite manifest: %v", err)
	}
	if m == nil {
		return nil, errors.New("not a Vite manifest: the JSON is null, want an object of chunks")
	}
	for _, k := range m.Keys() {
		c := m[k]
		if c == nil || c.File == "" {
			return nil, fmt.Errorf("not a Vite manifest: chunk %q has no \"file\"", k)
		}
		for _, imp := range c.Imports {
			if m[imp] == nil {
				return nil, fmt.Errorf("chunk %q imports %q, which is not a key of the manifest", k, imp)
			}
		}
	}
	return m, nil
}

// ReadManifest reads and decodes the manifest at name in fsys (usually DefaultManifestPath in the
// build's outDir). Its errors name the file.
func ReadManifest(fsys fs.FS, name string) (Manifest, error) {
	return readManifest(fsys, name, name)
}

// readManifest is ReadManifest with where (the path shown in errors: the OS path when there is one).
func readManifest(fsys fs.FS, name, where string) (Manifest, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("vite manifest %s does not exist: build the frontend first (vite build or govite build, with build.manifest: true)", where)
		}
		return nil, fmt.Errorf("reading vite manifest %s: %w", where, err)
	}
	m, err := ParseManifest(data)
	if err != nil {
		return nil, fmt.Errorf("vite manifest %s: %w", where, err)
	}
	return m, nil
}

// Keys returns the manifest's keys, sorted.
func (m Manifest) Keys() []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Entries returns the keys of the entry chunks (isEntry), sorted.
func (m Manifest) Entries() []string {
	var keys []string
	for k, c := range m {
		if c.IsEntry {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// missingKeyError describes a key that is not in the manifest: it lists the manifest's entries (all
// keys when it has no entry) and suggests keys that end like name.
func (m Manifest) missingKeyError(what, name, where string) error {
	list := m.Entries()
	kind := "entries"
	if len(list) == 0 {
		list, kind = m.Keys(), "keys"
	}
	msg := fmt.Sprintf("%s %q is not in the vite manifest %s; its %s are: %s", what, name, where, kind, quoteList(list))
	var similar []string
	for _, k := range m.Keys() {
		if strings.HasSuffix(k, "/"+name) || strings.HasSuffix(name, "/"+k) {
			similar = append(similar, k)
		}
	}
	if len(similar) > 0 {
		msg += fmt.Sprintf(" (did you mean %s? keys are paths from the Vite root)", quoteList(similar))
	}
	return errors.New(msg)
}

func quoteList(list []string) string {
	if len(list) == 0 {
		return "(none)"
	}
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// importedChunks returns the keys of the chunks key imports statically, recursively, each before the
// chunks that import it (a post-order walk, as Vite's HTML plugin does for modulepreload links),
// skipping keys in seen and adding the ones it returns.
func (m Manifest) importedChunks(key string, seen map[string]bool) []string {
	var out []string
	c := m[key]
	if c == nil {
		return nil
	}
	for _, imp := range c.Imports {
		if seen[imp] || m[imp] == nil {
			continue
		}
		seen[imp] = true
		out = append(out, m.importedChunks(imp, seen)...)
		out = append(out, imp)
	}
	return out
}

// cssFiles returns the stylesheets a chunk needs, in the order Vite's HTML plugin links them: the CSS
// of the chunks it imports (depth first, recursively) before its own. seenChunks and seenCSS carry
// over between calls so that several entries on one page link each file once.
func (m Manifest) cssFiles(key string, seenChunks, seenCSS map[string]bool) []string {
	if seenChunks[key] {
		return nil
	}
	seenChunks[key] = true
	c := m[key]
	if c == nil {
		return nil
	}
	var out []string
	for _, imp := range c.Imports {
		out = append(out, m.cssFiles(imp, seenChunks, seenCSS)...)
	}
	for _, f := range c.CSS {
		if !seenCSS[f] {
			seenCSS[f] = true
			out = append(out, f)
		}
	}
	return out
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(data []byte, off int) (int, int) {
	if off > len(data) {
		off = len(data)
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
