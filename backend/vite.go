package backend

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Mode says whether tags point at the built files or at a dev server.
type Mode int

const (
	// Auto is development while a dev server is known (Config.DevServerURL, or Config.HotFile exists),
	// production otherwise.
	Auto Mode = iota
	// Dev always renders development tags: from DevServerURL, else from the hot file (which must
	// exist), else from a dev server mounted in this app at Base (middleware mode).
	Dev
	// Prod always renders the built files from the manifest.
	Prod
)

func (m Mode) String() string {
	switch m {
	case Auto:
		return "auto"
	case Dev:
		return "dev"
	case Prod:
		return "prod"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Config configures New. Only one of FS and Dir may be set.
type Config struct {
	// FS holds the build's outDir (dist): an embed.FS sub-tree (fs.Sub(embedded, "web/dist")), say.
	FS fs.FS
	// Dir is the build's outDir on disk, used when FS is nil. The manifest is read again when it
	// changes (a rebuild while the app runs).
	Dir string
	// ManifestPath is the manifest's path inside FS or Dir; default ".vite/manifest.json" (set it when
	// build.manifest names another file).
	ManifestPath string
	// Base is the URL prefix of the built files: Vite's base ("/", "/static/",
	// "https://cdn.example.com/app/"); default "/". A trailing "/" is added. AssetsHandler serves the
	// URL paths under it.
	Base string
	// AssetsDir is build.assetsDir, where the hashed files are; default "assets". AssetsHandler marks
	// the hashed files under it immutable.
	AssetsDir string

	// Mode chooses between development and production tags; Auto (the zero value) detects it.
	Mode Mode
	// DevServerURL is the dev server's URL with its base ("http://localhost:5173"). When set, tags
	// are always development tags (unless Mode is Prod). A path ("/") means a dev server mounted in
	// this app.
	DevServerURL string
	// HotFile is the path of the file the dev server writes its URL into while it runs (server.hotFile
	// in the Vite config, relative to the Vite root; here relative to the working directory). While it
	// exists, Auto mode renders development tags from that URL. It is checked again at most every few
	// hundred milliseconds, so starting and stopping the dev server is picked up without a restart.
	HotFile string

	// ReactRefresh makes Tags put the React Fast Refresh preamble (which @vitejs/plugin-react needs on
	// pages it does not render itself) before the entries in development.
	ReactRefresh bool
	// ReloadPath, when set, is the URL path where the app serves ReloadHandler: development tags then
	// include a small script that reloads the page when Reload is called (a Go template changed) and
	// when the Go app restarts.
	ReloadPath string
}

// Vite renders the tags and URLs of a Vite frontend for a Go app. It is safe for concurrent use.
type Vite struct {
	cfg      Config
	fsys     fs.FS
	where    string // the manifest's path as errors show it
	base     string // ends with "/"
	basePath string // the path part of base, for AssetsHandler
	devURL   string // from DevServerURL: a URL prefix ending with "/", or ""
	ttl      time.Duration

	mu    sync.Mutex
	hot   hotState
	man   manifestState
	etags map[string]etagEntry

	reload reloadHub
}

type hotState struct {
	checked time.Time
	exists  bool
	modTime time.Time
	size    int64
	prefix  string
	err     error
}

type manifestState struct {
	checked time.Time
	loaded  bool
	modTime time.Time
	size    int64
	m       Manifest
	err     error
}

// defaultTTL is how long the hot file's and the manifest's state is trusted before they are checked
// again.
const defaultTTL = 250 * time.Millisecond

// New checks cfg and returns a Vite for it. With Mode Prod the manifest is read now, so that a missing
// build is reported at startup.
func New(cfg Config) (*Vite, error) {
	v := &Vite{cfg: cfg, ttl: defaultTTL, etags: map[string]etagEntry{}}
	switch {
	case cfg.FS != nil && cfg.Dir != "":
		return nil, errors.New("backend.New: set Config.FS or Config.Dir, not both")
	case cfg.FS != nil:
		v.fsys = cfg.FS
	case cfg.Dir != "":
		v.fsys = os.DirFS(cfg.Dir)
	}
	if cfg.ManifestPath == "" {
		cfg.ManifestPath = DefaultManifestPath
	}
	cfg.ManifestPath = strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(cfg.ManifestPath)), "/")
	v.where = cfg.ManifestPath + " (in Config.FS)"
	if cfg.Dir != "" {
		v.where = filepath.Join(cfg.Dir, filepath.FromSlash(cfg.ManifestPath))
	}
	if cfg.AssetsDir == "" {
		cfg.AssetsDir = "assets"
	}
	cfg.AssetsDir = strings.Trim(filepath.ToSlash(cfg.AssetsDir), "/")
	v.base = cfg.Base
	if v.base == "" {
		v.base = "/"
	}
	if !strings.HasSuffix(v.base, "/") {
		v.base += "/"
	}
	v.basePath = v.base
	if u, err := url.Parse(v.base); err == nil && u.Host != "" {
		v.basePath = u.Path
		if v.basePath == "" {
			v.basePath = "/"
		}
	}
	if cfg.DevServerURL != "" {
		u, err := url.Parse(cfg.DevServerURL)
		if err != nil || (u.Host == "" && !strings.HasPrefix(cfg.DevServerURL, "/")) {
			return nil, fmt.Errorf("backend.New: DevServerURL %q is neither an absolute URL (http://localhost:5173) nor a path", cfg.DevServerURL)
		}
		v.devURL = strings.TrimSuffix(cfg.DevServerURL, "/") + "/"
	}
	switch cfg.Mode {
	case Auto, Dev:
	case Prod:
		if v.fsys == nil {
			return nil, errors.New("backend.New: Mode is Prod but neither Config.FS nor Config.Dir holds the built files")
		}
	default:
		return nil, fmt.Errorf("backend.New: unknown Mode %d", int(cfg.Mode))
	}
	if cfg.Mode == Auto && v.fsys == nil && v.devURL == "" && cfg.HotFile == "" {
		return nil, errors.New("backend.New: nothing to serve: set Config.FS or Config.Dir (the built files), or Config.HotFile or Config.DevServerURL (a dev server)")
	}
	v.cfg = cfg
	v.reload.init()
	if cfg.Mode == Prod {
		if _, err := v.Manifest(); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// IsDev reports whether tags currently point at a dev server.
func (v *Vite) IsDev() bool {
	dev, _, _ := v.state()
	return dev
}

// DevServerURL returns the URL prefix (ending with "/") development tags use, or "" in production.
func (v *Vite) DevServerURL() string {
	dev, prefix, err := v.state()
	if !dev || err != nil {
		return ""
	}
	return prefix
}

// state returns whether tags are development tags and, if so, the dev server's URL prefix (ending
// with "/").
func (v *Vite) state() (dev bool, prefix string, err error) {
	switch v.cfg.Mode {
	case Prod:
		return false, "", nil
	case Dev:
		if v.devURL != "" {
			return true, v.devURL, nil
		}
		if v.cfg.HotFile != "" {
			p, ok, err := v.readHot()
			if err != nil {
				return true, "", err
			}
			if !ok {
				return true, "", fmt.Errorf("development mode: the hot file %s does not exist: is the dev server running, with server.hotFile set?", v.cfg.HotFile)
			}
			return true, p, nil
		}
		return true, v.basePath, nil
	}
	if v.devURL != "" {
		return true, v.devURL, nil
	}
	if v.cfg.HotFile != "" {
		p, ok, err := v.readHot()
		if err != nil {
			return false, "", err
		}
		if ok {
			return true, p, nil
		}
	}
	return false, "", nil
}

// readHot returns the URL prefix in the hot file and whether the file exists. The answer is cached
// for ttl, and the file is read again only when its size or time changed.
func (v *Vite) readHot() (string, bool, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	h := &v.hot
	now := time.Now()
	if !h.checked.IsZero() && now.Sub(h.checked) < v.ttl {
		return h.prefix, h.exists, h.err
	}
	h.checked = now
	fi, err := os.Stat(v.cfg.HotFile)
	if err != nil {
		h.exists, h.prefix, h.err = false, "", nil
		if !errors.Is(err, fs.ErrNotExist) {
			h.err = fmt.Errorf("hot file: %w", err)
		}
		return h.prefix, h.exists, h.err
	}
	if h.exists && h.err == nil && fi.ModTime().Equal(h.modTime) && fi.Size() == h.size {
		return h.prefix, true, nil
	}
	h.exists, h.modTime, h.size = true, fi.ModTime(), fi.Size()
	data, err := os.ReadFile(v.cfg.HotFile)
	if err != nil {
		// Removed between the stat and the read: the dev server stopped.
		h.exists, h.prefix, h.err = false, "", nil
		if !errors.Is(err, fs.ErrNotExist) {
			h.err = fmt.Errorf("hot file: %w", err)
		}
		return h.prefix, h.exists, h.err
	}
	h.prefix, h.err = parseHot(v.cfg.HotFile, data)
	if errors.Is(h.err, errHotEmpty) {
		// The dev server is writing it right now: not there yet, and read again next time.
		h.exists, h.err, h.modTime = false, nil, time.Time{}
	}
	return h.prefix, h.exists, h.err
}

var errHotEmpty = errors.New("hot file is empty")

// parseHot reads the dev server's URL from a hot file's first line.
func parseHot(name string, data []byte) (string, error) {
	line, _, _ := strings.Cut(string(data), "\n")
	line = strings.TrimSpace(line)
	if line == "" {
		return "", errHotEmpty
	}
	u, err := url.Parse(line)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("hot file %s holds %q, not the dev server's URL (http://host:port)", name, line)
	}
	return strings.TrimSuffix(line, "/") + "/", nil
}

// Manifest returns the build's manifest, read on first use and again when the file changes.
func (v *Vite) Manifest() (Manifest, error) {
	if v.fsys == nil {
		return nil, errors.New("production mode needs the built files, and neither Config.FS nor Config.Dir is set")
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	s := &v.man
	now := time.Now()
	if !s.checked.IsZero() && now.Sub(s.checked) < v.ttl {
		return s.m, s.err
	}
	s.checked = now
	fi, statErr := fs.Stat(v.fsys, v.cfg.ManifestPath)
	if statErr == nil && s.loaded && s.err == nil && fi.ModTime().Equal(s.modTime) && fi.Size() == s.size {
		return s.m, nil
	}
	m, err := readManifest(v.fsys, v.cfg.ManifestPath, v.where)
	s.m, s.err, s.loaded = m, err, err == nil
	if statErr == nil {
		s.modTime, s.size = fi.ModTime(), fi.Size()
	}
	return m, err
}

// Tags renders the HTML that loads entries (manifest keys, i.e. source paths from the Vite root such
// as "src/main.js"; CSS files may be entries too).
//
// In production, for each entry: its module script, modulepreload links for the chunks it imports
// (recursively, dependencies first) and stylesheet links for the CSS of those chunks and then its
// own: the tags, in the order, that Vite puts in a built HTML page. A CSS entry is one stylesheet
// link. Entries given together share one seen-set, so no file is linked twice and an entry is never
// preloaded. Dynamic imports are neither preloaded nor linked: Vite's preload helper loads them and
// their CSS when they are imported.
//
// In development: the React preamble (with Config.ReactRefresh), the dev server's /@vite/client, and
// each entry from the dev server (a stylesheet link for CSS entries).
func (v *Vite) Tags(entries ...string) (template.HTML, error) {
	if len(entries) == 0 {
		return "", errors.New("vite: Tags needs at least one entry")
	}
	dev, prefix, err := v.state()
	if err != nil {
		return "", fmt.Errorf("vite: %w", err)
	}
	if dev {
		return template.HTML(v.devTags(prefix, entries)), nil
	}
	m, err := v.Manifest()
	if err != nil {
		return "", fmt.Errorf("vite: %w", err)
	}
	return m.tags(v.base, v.where, entries)
}

// tags renders the production tags of entries (see Vite.Tags); base ends with "/".
func (m Manifest) tags(base, where string, entries []string) (template.HTML, error) {
	keys := make([]string, len(entries))
	scripted := map[string]bool{}
	for i, e := range entries {
		keys[i] = entryKey(e)
		if m[keys[i]] == nil {
			return "", fmt.Errorf("vite: %w", m.missingKeyError("entry", e, where))
		}
		// An entry is loaded by its own script: never preload it from another entry.
		scripted[keys[i]] = true
	}
	var lines []string
	preloaded := map[string]bool{}
	for k := range scripted {
		preloaded[k] = true
	}
	seenChunks, seenCSS := map[string]bool{}, map[string]bool{}
	done := map[string]bool{}
	for _, key := range keys {
		if done[key] {
			continue
		}
		done[key] = true
		c := m[key]
		if isCSS(c.File) {
			if !seenCSS[c.File] {
				seenCSS[c.File] = true
				lines = append(lines, stylesheetTag(base+c.File, true))
			}
			continue
		}
		lines = append(lines, scriptTag(base+c.File, true))
		for _, imp := range m.importedChunks(key, preloaded) {
			lines = append(lines, preloadTag(base+m[imp].File))
		}
		for _, f := range m.cssFiles(key, seenChunks, seenCSS) {
			lines = append(lines, stylesheetTag(base+f, true))
		}
	}
	return template.HTML(strings.Join(lines, "\n")), nil
}

// devTags renders the development tags of entries; prefix is the dev server's URL prefix.
func (v *Vite) devTags(prefix string, entries []string) string {
	var lines []string
	if v.cfg.ReactRefresh {
		lines = append(lines, reactPreamble(prefix))
	}
	lines = append(lines, `<script type="module" src="`+html.EscapeString(prefix+"@vite/client")+`"></script>`)
	if v.cfg.ReloadPath != "" {
		lines = append(lines, reloadScript(v.cfg.ReloadPath))
	}
	seen := map[string]bool{}
	for _, e := range entries {
		key := entryKey(e)
		if seen[key] {
			continue
		}
		seen[key] = true
		u := prefix + escapePath(key)
		if isCSS(key) {
			lines = append(lines, stylesheetTag(u, false))
		} else {
			lines = append(lines, scriptTag(u, false))
		}
	}
	return strings.Join(lines, "\n")
}

// ReactRefresh returns the React Fast Refresh preamble in development and nothing in production,
// for templates that place it themselves (Config.ReactRefresh makes Tags include it instead).
func (v *Vite) ReactRefresh() (template.HTML, error) {
	dev, prefix, err := v.state()
	if err != nil {
		return "", fmt.Errorf("vite: %w", err)
	}
	if !dev {
		return "", nil
	}
	return template.HTML(reactPreamble(prefix)), nil
}

// Asset returns the URL of a file by its source path from the Vite root ("src/images/logo.png"): the
// hashed built file in production (the file a manifest key names, so entries and chunks work too,
// else a file of the same path in the build, as public/ files are), the dev server's URL of the
// source in development.
func (v *Vite) Asset(src string) (string, error) {
	dev, prefix, err := v.state()
	if err != nil {
		return "", fmt.Errorf("vite: %w", err)
	}
	key := entryKey(src)
	if dev {
		return prefix + escapePath(key), nil
	}
	m, err := v.Manifest()
	if err != nil {
		return "", fmt.Errorf("vite: %w", err)
	}
	if c := m[key]; c != nil {
		return v.base + escapePath(c.File), nil
	}
	if fs.ValidPath(key) && !hiddenPath(key) {
		if fi, err := fs.Stat(v.fsys, key); err == nil && !fi.IsDir() {
			return v.base + escapePath(key), nil
		}
	}
	err = m.missingKeyError("asset", src, v.where)
	return "", fmt.Errorf("vite: %w (an asset is listed when JS or CSS imports it and it was not inlined under build.assetsInlineLimit; public/ files are found by their path in the build)", err)
}

// FuncMap returns template functions:
//
//	{{ vite "src/main.js" }}                the tags of one or more entries (Tags)
//	{{ viteAsset "src/images/logo.png" }}   the URL of a file (Asset)
//	{{ viteReactRefresh }}                  the React preamble in development (ReactRefresh)
//	{{ if viteIsDev }}...{{ end }}          whether tags point at a dev server (IsDev)
func (v *Vite) FuncMap() template.FuncMap {
	return template.FuncMap{
		"vite":             v.Tags,
		"viteAsset":        v.Asset,
		"viteReactRefresh": v.ReactRefresh,
		"viteIsDev":        v.IsDev,
	}
}

// entryKey turns what a template names ("src/main.js", "/src/main.js", "./src/main.js") into a
// manifest key.
func entryKey(s string) string {
	s = strings.TrimPrefix(s, "./")
	return strings.TrimLeft(s, "/")
}

var cssExts = []string{".css", ".scss", ".sass", ".less", ".styl", ".stylus", ".pcss", ".postcss", ".sss"}

func isCSS(name string) bool {
	name, _, _ = strings.Cut(name, "?")
	ext := strings.ToLower(path.Ext(name))
	for _, e := range cssExts {
		if ext == e {
			return true
		}
	}
	return false
}

// escapePath escapes a slash path for a URL (spaces, "#", "?", ...), leaving "/" and "@".
func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

func scriptTag(src string, crossorigin bool) string {
	if crossorigin {
		return `<script type="module" crossorigin src="` + html.EscapeString(src) + `"></script>`
	}
	return `<script type="module" src="` + html.EscapeString(src) + `"></script>`
}

func preloadTag(href string) string {
	return `<link rel="modulepreload" crossorigin href="` + html.EscapeString(href) + `">`
}

func stylesheetTag(href string, crossorigin bool) string {
	if crossorigin {
		return `<link rel="stylesheet" crossorigin href="` + html.EscapeString(href) + `">`
	}
	return `<link rel="stylesheet" href="` + html.EscapeString(href) + `">`
}

// jsString is s as a JavaScript string literal that is also safe inside a <script> element.
func jsString(s string) string {
	b, _ := json.Marshal(s) // escapes <, > and & as \u003c...
	return string(b)
}

// reactPreamble is the inline script of Vite's backend-integration guide for @vitejs/plugin-react.
func reactPreamble(prefix string) string {
	return `<script type="module">
import RefreshRuntime from ` + jsString(prefix+"@react-refresh") + `
RefreshRuntime.injectIntoGlobalHook(window)
window.$RefreshReg$ = () => {}
window.$RefreshSig$ = () => (type) => type
window.__vite_plugin_react_preamble_installed__ = true
</script>`
}
