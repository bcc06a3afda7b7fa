package build

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/css"
)

// nsPublic holds files of publicDir imported from JS ("import logo from '/logo.png'"). As in Vite's
// build they are not bundled: the module exports the URL the file is copied to (base applied; the
// query but ?url kept), its text with ?raw and a data URL with ?inline. Only assets and ?url imports
// are public modules, and a file in root at the same path wins.
const nsPublic = "govite-public"

// publicImport reports whether the root-relative specifier clean (with its query, "?..." or "")
// names a public module.
func (b *builder) publicImport(clean, query string) bool {
	if !strings.HasPrefix(clean, "/") || b.publicFile(clean) == "" {
		return false
	}
	if _, ok := workerConstructor(query); ok {
		return false
	}
	if !config.IsAsset(clean, b.cfg.AssetsInclude) && !hasQuery(query, "url") {
		return false
	}
	return !css.FileExists(clean) && !css.FileExists(filepath.Join(b.cfg.Root, filepath.FromSlash(clean)))
}

// publicModule is the code of the public module for p (a path from publicDir, "/logo.png") with its
// query.
func (b *builder) publicModule(p, query string) (string, error) {
	file := b.publicFile(p)
	switch {
	case hasQuery(query, "raw"):
		data, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		return "export default " + strconv.Quote(string(data)), nil
	case hasQuery(query, "inline"):
		data, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		return "export default " + strconv.Quote(dataURL(file, data)), nil
	}
	var kept []string
	if query != "" {
		for _, part := range strings.Split(query[1:], "&") {
			if part != "url" && !strings.HasPrefix(part, "url=") {
				kept = append(kept, part)
			}
		}
	}
	name := strings.TrimPrefix(p, "/")
	if len(kept) > 0 {
		name += "?" + strings.Join(kept, "&")
	}
	switch {
	case b.server:
		// As for emitted assets: server code gets the URL pages use, from the root when base is
		// relative.
		base := b.cfg.Base
		if b.relativeBase() {
			base = "/"
		}
		return "export default " + strconv.Quote(base+name), nil
	case b.relativeBase():
		// Chunks live in assetsDir, public files at the top of outDir.
		rel := strings.Repeat("../", len(strings.Split(path.Clean(b.cfg.Build.AssetsDir), "/")))
		if path.Clean(b.cfg.Build.AssetsDir) == "." {
			rel = "./"
		}
		return fmt.Sprintf("export default new URL(%q, import.meta.url).href", rel+name), nil
	}
	return "export default " + strconv.Quote(b.cfg.Base+name), nil
}
