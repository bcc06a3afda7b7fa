package server

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/govite/govite/internal/css"
)

// The URL forms of the dev server, as Vite names them.
const (
	fsPrefix     = "/@fs/"   // an absolute file path outside root
	idPrefix     = "/@id/"   // a plugin's virtual module
	nullByteCode = "__x00__" // "\x00" in a virtual id's URL
	clientPath   = "/@vite/client"
	envPath      = "/@vite/env"
)

func splitQuery(u string) (string, string) {
	p, q, _ := strings.Cut(u, "?")
	return p, q
}

// hasQueryParam reports whether the raw query has the parameter name (with or without a value).
func hasQueryParam(q, name string) bool {
	for q != "" {
		var part string
		part, q, _ = strings.Cut(q, "&")
		k, _, _ := strings.Cut(part, "=")
		if k == name {
			return true
		}
	}
	return false
}

// removeQueryParams removes the named parameters from url's query.
func removeQueryParams(u string, names ...string) string {
	p, q := splitQuery(u)
	if q == "" {
		return u
	}
	var kept []string
	for _, part := range strings.Split(q, "&") {
		k, _, _ := strings.Cut(part, "=")
		drop := part == ""
		for _, n := range names {
			if k == n {
				drop = true
			}
		}
		if !drop {
			kept = append(kept, part)
		}
	}
	if len(kept) == 0 {
		return p
	}
	return p + "?" + strings.Join(kept, "&")
}

// injectQuery adds a parameter at the front of url's query (Vite puts "import" and "t" first).
func injectQuery(u, param string) string {
	p, q := splitQuery(u)
	if q == "" {
		return p + "?" + param
	}
	return p + "?" + param + "&" + q
}

// isJSPath reports whether the path is JavaScript or a language turned into it (Vite's
// /\.(?:[jt]sx?|m[jt]s|c[jt]s)$/).
func isJSPath(p string) bool {
	i := strings.LastIndexByte(p, '.')
	if i < 0 {
		return false
	}
	switch p[i+1:] {
	case "js", "jsx", "ts", "tsx", "mjs", "mts", "cjs", "cts":
		return true
	}
	return false
}

func isCSSPath(p string) bool { return css.IsCSS(p) }

// isFrameworkSrcPath reports the component files of the frameworks Vite knows (its knownJsSrcRE):
// a plugin turns them into JavaScript, so they are imported and requested as modules.
func isFrameworkSrcPath(p string) bool {
	switch path.Ext(p) {
	case ".vue", ".marko", ".svelte", ".astro", ".imba", ".mdx":
		return true
	}
	return false
}

// isCSSRequest is Vite's isCSSRequest (see css.IsCSSRequest).
func isCSSRequest(u string) bool { return css.IsCSSRequest(u) }

// isJSRequest is Vite's isJSRequest: a module the browser can import without ?import.
func isJSRequest(u string) bool {
	p, _ := splitQuery(u)
	if isJSPath(p) || isFrameworkSrcPath(p) {
		return true
	}
	// Extension-less paths that are not directories are JS (bare virtual modules and the like).
	return filepath.Ext(p) == "" && !strings.HasSuffix(p, "/")
}

// explicitImportRequired: imports of anything but JS and CSS get ?import, so that the server answers
// them with a JS module while a plain request (an <img src>) gets the file.
func explicitImportRequired(u string) bool {
	return !isJSRequest(u) && !isCSSRequest(u)
}

// urlFromID is the URL a resolved id is served at: its path from root, /@fs/ for files outside root,
// /@id/ for virtual modules.
func (e *DevEnvironment) urlFromID(id string) string {
	p, q := splitQuery(id)
	if strings.HasPrefix(p, "\x00") || !filepath.IsAbs(p) {
		return idPrefix + strings.ReplaceAll(id, "\x00", nullByteCode)
	}
	root := e.config.Root
	var u string
	if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel) {
		u = "/" + filepath.ToSlash(rel)
	} else {
		u = fsPrefix + strings.TrimPrefix(filepath.ToSlash(p), "/")
	}
	if q != "" {
		u += "?" + q
	}
	return u
}

// fileOfURL is the file a root-relative or /@fs/ URL path names ("" for /@id/ URLs).
func (e *DevEnvironment) fileOfURL(p string) string {
	switch {
	case strings.HasPrefix(p, idPrefix):
		return ""
	case strings.HasPrefix(p, fsPrefix):
		return filepath.FromSlash("/" + strings.TrimPrefix(p, fsPrefix))
	}
	return filepath.Join(e.config.Root, filepath.FromSlash(p))
}

// prettyPath is a file's path for messages: from root when inside it.
func prettyPath(root, file string) string {
	if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return file
}
