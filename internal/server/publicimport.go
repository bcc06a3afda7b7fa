package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Files in publicDir imported from JS ("import logo from '/logo.png'"), as in Vite: the asset plugin
// resolves such an import to its URL (the module's id is "/logo.png", with the import's query), the
// import is rewritten to "/logo.png?import" and that module exports the file's URL at base (with
// server.origin), a data URL for a small SVG or with ?inline, or the file's text with ?raw. Only
// assets and ?url imports are public modules: importing another public file (a .js, a .json?raw) is
// an error. A file in root at the same path wins over the public one (Vite's resolver runs first).

// publicModule is the file in publicDir that the module URL u (a path from root with its query, base
// removed) names, or "".
func (e *DevEnvironment) publicModule(u string) string {
	p, q := splitQuery(u)
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "/@") {
		return ""
	}
	// The cheap test first: this runs for every module request.
	if !isAssetPath(p, e.config.AssetsInclude) && !hasQueryParam(q, "url") {
		return ""
	}
	f := e.server.publicFile(p)
	if f == "" {
		return ""
	}
	if fileExists(filepath.Join(e.config.Root, filepath.FromSlash(p))) {
		return ""
	}
	return f
}

// isPublicModule reports whether m is a public file imported from JS (see publicModule): its id is a
// URL, its file the one in publicDir.
func (e *DevEnvironment) isPublicModule(m *ModuleNode) bool {
	p, _ := splitQuery(m.ID)
	return m.File != "" && p != m.File && strings.HasPrefix(p, "/") && e.server.publicFile(p) == m.File
}

// publicImportError is Vite's error for importing a file of publicDir that is no asset (and has no
// ?url): such files are copied as they are by the build, so JS cannot import them.
type publicImportError struct{ spec string }

func (e *publicImportError) Error() string {
	return fmt.Sprintf("Cannot import non-asset file %s which is inside /public. JS/CSS files inside /public are copied as-is on build and can only be referenced via <script src> or <link href> in html. If you want to get the URL of that file, use %s instead.", e.spec, injectQuery(e.spec, "url"))
}

// checkPublicImport returns a publicImportError when spec names a file in publicDir that JS cannot
// import (Vite checks this before resolving, whatever root holds at that path).
func (e *DevEnvironment) checkPublicImport(spec string) error {
	if !strings.HasPrefix(spec, "/") {
		return nil
	}
	p, q := splitQuery(spec)
	if isAssetPath(p, e.config.AssetsInclude) || hasQueryParam(q, "url") || e.server.publicFile(p) == "" {
		return nil
	}
	return &publicImportError{spec}
}

// loadPublicModule is the code of a public module (see publicModule).
func (e *DevEnvironment) loadPublicModule(m *ModuleNode) (string, error) {
	p, query := splitQuery(m.ID)
	if hasQueryParam(query, "raw") {
		data, err := readFile(m.File)
		if err != nil {
			return "", err
		}
		return "export default " + strconv.Quote(string(data)), nil
	}
	if _, err := os.Stat(m.File); err != nil {
		return "", notFound(m.URL)
	}
	// Vite's fileToDevUrl: the URL keeps the query but ?url.
	_, q := splitQuery(removeQueryParams(m.ID, "url"))
	suffix := ""
	if q != "" {
		suffix = "?" + q
	}
	u, _ := e.inlineDevAsset(m.File, suffix)
	if u == "" {
		u = e.server.origin + e.config.Base + strings.TrimPrefix(p, "/") + suffix
	}
	return "export default " + strconv.Quote(u), nil
}

// warnPublicPathInURL is Vite's warning for a request of a URL starting with publicDir's path in root
// ("/public/logo.png"): public files are served at the root path.
func (s *Server) warnPublicPathInURL(u string) {
	cfg := s.Config
	if cfg.PublicDir == "" || !strings.HasPrefix(cfg.PublicDir, cfg.Root+string(filepath.Separator)) {
		return
	}
	publicPath := filepath.ToSlash(strings.TrimPrefix(cfg.PublicDir, cfg.Root)) + "/"
	if !strings.HasPrefix(u, publicPath) {
		return
	}
	var msg string
	_, q := splitQuery(u)
	if hasQueryParam(q, "import") {
		raw := removeQueryParams(u, "import")
		if hasQueryParam(q, "url") {
			msg = fmt.Sprintf("Assets in the public directory are served at the root path.\nInstead of %s, use %s.", raw, strings.Replace(raw, publicPath, "/", 1))
		} else {
			msg = fmt.Sprintf("Assets in public directory cannot be imported from JavaScript.\nIf you intend to import that asset, put the file in the src directory, and use %s instead of %s.\nIf you intend to use the URL of that asset, use %s.",
				strings.Replace(raw, publicPath, "/src/", 1), raw, injectQuery(strings.Replace(raw, publicPath, "/", 1), "url"))
		}
	} else {
		msg = fmt.Sprintf("Files in the public directory are served at the root path.\nInstead of %s, use %s.", u, strings.Replace(u, publicPath, "/", 1))
	}
	s.logger.Warn(msg)
}
