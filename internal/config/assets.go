package config

import (
	"path"
	"path/filepath"
	"strings"
)

// knownAssetExts are the file types Vite treats as static assets when imported.
var knownAssetExts = map[string]bool{
	// images
	".apng": true, ".bmp": true, ".png": true, ".jpg": true, ".jpeg": true, ".jfif": true, ".pjpeg": true,
	".pjp": true, ".gif": true, ".svg": true, ".ico": true, ".webp": true, ".avif": true, ".cur": true, ".jxl": true,
	// media
	".mp4": true, ".webm": true, ".ogg": true, ".mp3": true, ".wav": true, ".flac": true, ".aac": true,
	".opus": true, ".mov": true, ".m4a": true, ".vtt": true,
	// fonts
	".woff": true, ".woff2": true, ".eot": true, ".ttf": true, ".otf": true,
	// other
	".webmanifest": true, ".pdf": true, ".txt": true,
}

// IsAsset reports whether p is a static asset, by its extension (Vite's KNOWN_ASSET_TYPES) or the
// assetsInclude patterns (what the resolved config's assetsInclude(file) answers in Vite).
func IsAsset(p string, include []string) bool {
	if knownAssetExts[strings.ToLower(filepath.Ext(p))] {
		return true
	}
	for _, pat := range include {
		if ok, _ := path.Match(pat, filepath.ToSlash(filepath.Base(p))); ok {
			return true
		}
		if ok, _ := path.Match(pat, filepath.ToSlash(p)); ok {
			return true
		}
	}
	return false
}
