package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"mime"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// contentHash is the 8-character hash used in output file names, from URL-safe base64 like Vite's.
func contentHash(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
		h.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:6])
}

// sanitizeName makes a chunk or asset name safe for a file name, as Rollup does: characters other than
// letters, digits, "-", "_" and "." become "_".
func sanitizeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}

// emittedAsset is a file the build writes to assetsDir: an imported image, font, a `?url` file.
type emittedAsset struct {
	Src      string // absolute source path
	FileName string // relative to outDir
	Contents []byte
}

// assetStore records emitted assets; bundler callbacks run concurrently.
type assetStore struct {
	mu     sync.Mutex
	bySrc  map[string]*emittedAsset
	byFile map[string]*emittedAsset
	// pattern is build.rollupOptions.output.assetFileNames ("": [assetsDir]/[name]-[hash][extname]).
	pattern string
}

func newAssetStore(pattern string) *assetStore {
	return &assetStore{bySrc: map[string]*emittedAsset{}, byFile: map[string]*emittedAsset{}, pattern: pattern}
}

// emit registers the file at abs (contents read once) and returns its output entry.
func (s *assetStore) emit(abs, assetsDir string) (*emittedAsset, error) {
	s.mu.Lock()
	if a := s.bySrc[abs]; a != nil {
		s.mu.Unlock()
		return a, nil
	}
	s.mu.Unlock()
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	return s.emitData(abs, filepath.Base(abs), data, assetsDir), nil
}

// emitData registers generated contents under a name such as "style.css".
func (s *assetStore) emitData(src, name string, data []byte, assetsDir string) *emittedAsset {
	ext := filepath.Ext(name)
	stem := sanitizeName(strings.TrimSuffix(name, ext))
	file := path.Join(assetsDir, stem+"-"+contentHash(data)+ext)
	if s.pattern != "" {
		file = fileNameFromPattern(s.pattern, stem, contentHash(data), ext)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.bySrc[src]; a != nil && src != "" {
		return a
	}
	a := &emittedAsset{Src: src, FileName: file, Contents: data}
	if src != "" {
		s.bySrc[src] = a
	}
	s.byFile[file] = a
	return a
}

// get returns the emitted asset for a source file, or nil.
func (s *assetStore) get(src string) *emittedAsset {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bySrc[src]
}

// dataURL encodes a small asset inline, as Vite does below build.assetsInlineLimit.
func dataURL(file string, data []byte) string {
	typ := mime.TypeByExtension(strings.ToLower(filepath.Ext(file)))
	if i := strings.IndexByte(typ, ';'); i >= 0 {
		typ = typ[:i]
	}
	if typ == "" {
		typ = "application/octet-stream"
	}
	if typ == "image/svg+xml" {
		return SVGDataURL(data)
	}
	return fmt.Sprintf("data:%s;base64,%s", typ, base64.StdEncoding.EncodeToString(data))
}

// SVGDataURL is the data URL of an inlined SVG, Vite's svgToDataURL: readable and URL-encoded
// (smaller than base64), or base64 for an SVG with <text>, <foreignObject> or nested quotes, which
// the URL-encoded form would break. The build and the dev server both use it.
func SVGDataURL(data []byte) string {
	if u, ok := svgDataURL(string(data)); ok {
		return u
	}
	return "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(data)
}

// IsGitLFSPointer reports whether data is a Git LFS pointer file (the asset itself was not
// fetched), which Vite never inlines.
func IsGitLFSPointer(data []byte) bool {
	return bytes.HasPrefix(data, []byte("version https://git-lfs.github.com"))
}

var (
	nestedQuotesRE   = regexp.MustCompile(`"[^"']*'[^"]*"|'[^'"]*"[^']*'`)
	spaceBetweenTags = regexp.MustCompile(`>\s+<`)
	spacesRE         = regexp.MustCompile(`\s+`)
)

// svgDataURL is Vite's svgToDataURL: an SVG without <text>, <foreignObject> or nested quotes becomes
// a readable URL-encoded data URL (smaller than base64), the others are base64-encoded (ok false).
func svgDataURL(s string) (string, bool) {
	if strings.Contains(s, "<text") || strings.Contains(s, "<foreignObject") || nestedQuotesRE.MatchString(s) {
		return "", false
	}
	s = spaceBetweenTags.ReplaceAllString(strings.TrimSpace(s), "><")
	s = strings.NewReplacer(`"`, "'", "%", "%25", "#", "%23", "<", "%3c", ">", "%3e").Replace(s)
	return "data:image/svg+xml," + spacesRE.ReplaceAllString(s, "%20"), true
}
