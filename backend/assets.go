package backend

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
)

// AssetsHandler serves the built files under Base: mount it at Base's path (mux.Handle("/assets/", h)
// for the default base serves the hashed files; mux.Handle("/", h) as a fallback serves public/ files
// too). It answers GET and HEAD with the file's Content-Type; hashed files under AssetsDir get
// "Cache-Control: public, max-age=31536000, immutable", the others "no-cache" and an ETag, so that a
// browser revalidates them with If-None-Match and gets 304 Not Modified while they are unchanged.
// Directories, the .vite folder (the manifest) and other dot-files are not served. In development the
// requests are redirected to the dev server, which serves the sources and public/.
func (v *Vite) AssetsHandler() http.Handler {
	return http.HandlerFunc(v.serveAsset)
}

func (v *Vite) serveAsset(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rel, ok := strings.CutPrefix(r.URL.Path, v.basePath)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if dev, prefix, err := v.state(); dev && err == nil && strings.Contains(prefix, "://") {
		target := prefix + escapePath(rel)
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusTemporaryRedirect)
		return
	}
	if v.fsys == nil || rel == "" || !fs.ValidPath(rel) || hiddenPath(rel) {
		http.NotFound(w, r)
		return
	}
	f, err := v.fsys.Open(rel)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			http.NotFound(w, r)
		} else {
			http.Error(w, "cannot open "+rel, http.StatusInternalServerError)
		}
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		http.NotFound(w, r)
		return
	}
	var content io.ReadSeeker
	if rs, ok := f.(io.ReadSeeker); ok {
		content = rs
	} else {
		data, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "cannot read "+rel, http.StatusInternalServerError)
			return
		}
		content = bytes.NewReader(data)
	}
	etag, err := v.etag(rel, fi, content)
	if err != nil {
		http.Error(w, "cannot read "+rel, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType(rel))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", etag)
	if v.immutable(rel) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	// ServeContent answers If-None-Match (with the ETag set above), If-Modified-Since, Range and HEAD.
	http.ServeContent(w, r, rel, fi.ModTime(), content)
}

// hashedName matches a file name with a content hash, as Vite names its output by default
// ([name]-[hash].[ext], 8 characters of base64url; "." before the hash in older versions).
var hashedName = regexp.MustCompile(`[-.][A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$`)

// immutable reports whether rel is a hashed file under AssetsDir, whose content never changes.
func (v *Vite) immutable(rel string) bool {
	if v.cfg.AssetsDir != "" && !strings.HasPrefix(rel, v.cfg.AssetsDir+"/") {
		return false
	}
	return hashedName.MatchString(path.Base(rel))
}

type etagEntry struct {
	modTime time.Time
	size    int64
	etag    string
}

// etag returns a strong ETag of the content (a hash, cached while the file's time and size stay the
// same), leaving content at its start.
func (v *Vite) etag(rel string, fi fs.FileInfo, content io.ReadSeeker) (string, error) {
	v.mu.Lock()
	e, ok := v.etags[rel]
	v.mu.Unlock()
	if ok && e.modTime.Equal(fi.ModTime()) && e.size == fi.Size() {
		return e.etag, nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, content); err != nil {
		return "", err
	}
	if _, err := content.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	tag := `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12]) + `"`
	v.mu.Lock()
	v.etags[rel] = etagEntry{fi.ModTime(), fi.Size(), tag}
	v.mu.Unlock()
	return tag, nil
}

// hiddenPath reports whether a slash path has a segment starting with "." (the .vite folder with the
// manifest, editor and OS files), except .well-known.
func hiddenPath(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if strings.HasPrefix(seg, ".") && seg != ".well-known" {
			return true
		}
	}
	return false
}

// contentTypes are the types of the files a Vite build writes, independent of the system's MIME
// tables.
var contentTypes = map[string]string{
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".cjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".txt":         "text/plain; charset=utf-8",
	".xml":         "application/xml",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".apng":        "image/apng",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".jfif":        "image/jpeg",
	".pjpeg":       "image/jpeg",
	".pjp":         "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".bmp":         "image/bmp",
	".cur":         "image/x-icon",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".eot":         "application/vnd.ms-fontobject",
	".wasm":        "application/wasm",
	".mp4":         "video/mp4",
	".webm":        "video/webm",
	".ogg":         "audio/ogg",
	".mp3":         "audio/mpeg",
	".wav":         "audio/wav",
	".flac":        "audio/flac",
	".aac":         "audio/aac",
	".opus":        "audio/opus",
	".pdf":         "application/pdf",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
