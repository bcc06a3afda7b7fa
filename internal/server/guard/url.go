package guard

import (
	"net/http"
	"net/url"
	"strings"
)

// CleanURLPath takes a request's raw path (as sent, e.g. r.URL.EscapedPath(); a "?query" in it is split
// off) and raw query, and returns the decoded, normalized path without the query, and the query parsed
// leniently: "&" and "?" both separate parameters, so "?raw??", "?import&raw" and "?raw&foo" all have
// "raw". Whatever the query, the caller checks the same path.
//
// It refuses (an *Error): malformed URLs (invalid percent-encoding, NUL, "#", a path not starting with
// "/") with 400; encoded separators (%2F, %5C, also double-encoded like %252F), backslashes and ".."
// segments that climb above the root after decoding with 403. ".." and "." segments inside the root and
// repeated slashes are resolved; a trailing slash is kept.
func CleanURLPath(rawPath, rawQuery string) (path string, query url.Values, err error) {
	if i := strings.IndexByte(rawPath, '?'); i >= 0 {
		q := rawPath[i+1:]
		if rawQuery != "" {
			q += "&" + rawQuery
		}
		rawPath, rawQuery = rawPath[:i], q
	}
	if strings.ContainsRune(rawPath, '#') || strings.ContainsRune(rawQuery, '#') {
		return "", nil, badURL(rawPath, "contains \"#\"")
	}
	if !strings.HasPrefix(rawPath, "/") {
		return "", nil, badURL(rawPath, "is not a path")
	}
	lower := strings.ToLower(rawPath)
	if strings.Contains(lower, "%00") {
		return "", nil, badURL(rawPath, "contains a NUL byte")
	}
	if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") {
		return "", nil, forbiddenURL(rawPath, "contains an encoded path separator")
	}
	decoded, err := url.PathUnescape(rawPath)
	if err != nil {
		return "", nil, badURL(rawPath, "has an invalid percent-encoding")
	}
	if strings.ContainsRune(decoded, 0) {
		return "", nil, badURL(rawPath, "contains a NUL byte")
	}
	if strings.ContainsRune(decoded, '\\') {
		return "", nil, forbiddenURL(rawPath, "contains a backslash")
	}
	if hasEncodedSpecial(decoded) {
		return "", nil, forbiddenURL(rawPath, "is encoded twice")
	}
	path, ok := cleanSegments(decoded)
	if !ok {
		return "", nil, forbiddenURL(rawPath, "goes above the root")
	}
	query, err = parseQuery(rawQuery)
	if err != nil {
		return "", nil, badURL(rawPath+"?"+rawQuery, "has an invalid query")
	}
	return path, query, nil
}

func badURL(raw, why string) error {
	return &Error{Status: http.StatusBadRequest, Kind: ErrBadURL, Msg: "The request url " + jsString(raw) + " " + why + "."}
}

func forbiddenURL(raw, why string) error {
	return &Error{Status: http.StatusForbidden, Kind: ErrForbiddenURL, Msg: "The request url " + jsString(raw) + " " + why + "."}
}

// hasEncodedSpecial reports whether s (decoded once) still holds a percent-encoded "/", "\", ".", "%"
// or NUL: a second decoding somewhere would turn it into a separator or a traversal.
func hasEncodedSpecial(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '%' || !isHex(s[i+1]) || !isHex(s[i+2]) {
			continue
		}
		switch unhex(s[i+1])<<4 | unhex(s[i+2]) {
		case '/', '\\', '.', '%', 0:
			return true
		}
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// cleanSegments resolves "." and ".." segments and repeated slashes; ok is false when ".." climbs above
// the root.
func cleanSegments(p string) (string, bool) {
	var out []string
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) == 0 {
				return "", false
			}
			out = out[:len(out)-1]
		default:
			out = append(out, seg)
		}
	}
	clean := "/" + strings.Join(out, "/")
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean, true
}

// parseQuery parses a query leniently: "&" and "?" separate parameters; a parameter without "=" has an
// empty value.
func parseQuery(raw string) (url.Values, error) {
	q := url.Values{}
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == '&' || r == '?' }) {
		k, v, _ := strings.Cut(part, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			return nil, err
		}
		v, err = url.QueryUnescape(v)
		if err != nil {
			return nil, err
		}
		q.Add(k, v)
	}
	return q, nil
}
