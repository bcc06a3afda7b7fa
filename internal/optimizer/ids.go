package optimizer

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// getHash is Vite's getHash: the first length hex digits of the SHA-256 of text.
func getHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])[:8]
}

var (
	underscoresRE     = regexp.MustCompile(`_+`)
	nestedIDRE        = regexp.MustCompile(`\s*>\s*`)
	invalidURLCharsRE = regexp.MustCompile(`[\x00-\x1F"#$%&*+,:;<=>?\[\]^` + "`" + `{|}\x7F]`)
)

// flattenIDMaxLength is Vite's FLATTEN_ID_MAX_FILE_LENGTH.
const flattenIDMaxLength = 170

// FlattenID turns a dependency id into the name of its file in the deps directory, as Vite's flattenId
// does: "react-dom/client" → "react-dom_client", "@scope/pkg" → "@scope_pkg", "lodash.get" →
// "lodash__get", "a > b" → "a_n_b".
func FlattenID(id string) string {
	s := underscoresRE.ReplaceAllString(id, "${0}__")
	s = strings.ReplaceAll(s, "/", "_")
	s = strings.ReplaceAll(s, ".", "__")
	s = nestedIDRE.ReplaceAllString(s, "_n_")
	s = invalidURLCharsRE.ReplaceAllStringFunc(s, func(c string) string {
		return "_0" + strconv.FormatInt(int64(c[0]), 16) + "_"
	})
	if len(s) <= flattenIDMaxLength {
		return s
	}
	return s[:flattenIDMaxLength-9] + "_" + getHash(s)
}

// normalizeID writes the nested-dependency separator the way Vite does: "a>b" → "a > b".
func normalizeID(id string) string { return nestedIDRE.ReplaceAllString(strings.TrimSpace(id), " > ") }

// bareImportRE is the pattern of the scanner's bare imports (Vite's /^[\w@][^:]/).
var bareImportRE = regexp.MustCompile(`^[\w@][^:]`)

func isBareImport(id string) bool {
	if len(id) >= 2 && id[1] == ':' && (id[0]|0x20) >= 'a' && (id[0]|0x20) <= 'z' {
		return false // a Windows drive letter
	}
	return bareImportRE.MatchString(id) && !strings.Contains(id, "://")
}

var inNodeModulesRE = regexp.MustCompile(`(?:^|[\\/])node_modules(?:[\\/]|$)`)

func isInNodeModules(p string) bool { return inNodeModulesRE.MatchString(p) }

// optimizableEntryRE is Vite's OPTIMIZABLE_ENTRY_RE: only JS and TS entries are pre-bundled.
var optimizableEntryRE = regexp.MustCompile(`\.[cm]?[jt]s$`)

func isOptimizable(p string) bool { return optimizableEntryRE.MatchString(p) }

var (
	jsTypesRE   = regexp.MustCompile(`\.(?:j|t)sx?$|\.mjs$`)
	htmlTypesRE = regexp.MustCompile(`\.(?:html|vue|svelte|astro|imba)$`)
	cssLangsRE  = regexp.MustCompile(`\.(css|less|sass|scss|styl|stylus|pcss|postcss|sss)(?:$|\?)`)
	// specialQueryRE is Vite's SPECIAL_QUERY_RE: imports the scanner does not follow.
	specialQueryRE = regexp.MustCompile(`[?&](?:worker|sharedworker|raw|url)\b`)
	jsonWasmRE     = regexp.MustCompile(`\.(?:json|json5|wasm)$`)
	externalURLRE  = regexp.MustCompile(`^([a-z]+:)?//`)
	dataURLRE      = regexp.MustCompile(`^\s*data:`)
)

// knownAssetTypes is Vite's KNOWN_ASSET_TYPES.
var knownAssetTypes = []string{
	"apng", "bmp", "png", "jpe?g", "jfif", "pjpeg", "pjp", "gif", "svg", "ico", "webp", "avif", "cur", "jxl",
	"mp4", "webm", "ogg", "mp3", "wav", "flac", "aac", "opus", "mov", "m4a", "vtt",
	"woff2?", "eot", "ttf", "otf", "webmanifest", "pdf", "txt",
}

var assetTypeRE = regexp.MustCompile(`\.(` + strings.Join(knownAssetTypes, "|") + `)$`)

// depExternalTypes are the files a dependency imports that stay outside the bundle (Vite's
// externalTypes): the dev server serves them as it serves the project's own.
var depExternalTypes = append([]string{
	"css", "less", "sass", "scss", "styl", "stylus", "pcss", "postcss", "wasm", "vue", "svelte", "marko",
	"astro", "imba", "jsx", "tsx",
}, knownAssetTypes...)

var depExternalTypesRE = regexp.MustCompile(`\.(?:` + strings.Join(depExternalTypes, "|") + `)(\?.*)?$`)

func isScannable(p string) bool { return jsTypesRE.MatchString(p) || htmlTypesRE.MatchString(p) }

// moduleListContains reports whether id is one of list or a deep import of one (Vite's helper).
func moduleListContains(list []string, id string) bool {
	for _, m := range list {
		if m == id || strings.HasPrefix(id, strings.TrimSuffix(m, "/")+"/") {
			return true
		}
	}
	return false
}

// packageName returns the package part of a bare id: "@a/b/c" → "@a/b", "react-dom/client" → "react-dom".
func packageName(id string) string {
	parts := strings.SplitN(id, "/", 3)
	if strings.HasPrefix(id, "@") && len(parts) >= 2 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// nodeBuiltins are Node's built-in modules (without the "node:" prefix).
var nodeBuiltins = map[string]bool{}

func init() {
	for _, m := range strings.Fields(`assert assert/strict async_hooks buffer child_process cluster console
		constants crypto dgram diagnostics_channel dns dns/promises domain events fs fs/promises http http2
		https inspector inspector/promises module net os path path/posix path/win32 perf_hooks process
		punycode querystring readline readline/promises repl stream stream/consumers stream/promises
		stream/web string_decoder sys timers timers/promises tls trace_events tty url util util/types v8 vm
		wasi worker_threads zlib`) {
		nodeBuiltins[m] = true
	}
}

// isNodeBuiltin reports whether id names a Node (or Bun) built-in module.
func isNodeBuiltin(id string) bool {
	if strings.HasPrefix(id, "node:") || strings.HasPrefix(id, "bun:") {
		return true
	}
	return nodeBuiltins[id]
}

// forbiddenIdentifiers are the names makeLegalIdentifier prefixes with "_".
var forbiddenIdentifiers = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`break case class catch const continue debugger default delete do else
		export extends finally for function if import in instanceof let new return super switch this throw
		try typeof var void while with yield enum await implements package protected static interface
		private public arguments Infinity NaN undefined null true false eval uneval isFinite isNaN
		parseFloat parseInt decodeURI decodeURIComponent encodeURI encodeURIComponent escape unescape Object
		Function Boolean Symbol Error EvalError InternalError RangeError ReferenceError SyntaxError TypeError
		URIError Number Math Date String RegExp Array Int8Array Uint8Array Uint8ClampedArray Int16Array
		Uint16Array Int32Array Uint32Array Float32Array Float64Array Map Set WeakMap WeakSet SIMD ArrayBuffer
		DataView JSON Promise Generator GeneratorFunction Reflect Proxy Intl`) {
		forbiddenIdentifiers[w] = true
	}
}

var (
	dashWordRE     = regexp.MustCompile(`-(\w)`)
	illegalIdentRE = regexp.MustCompile(`[^$_a-zA-Z0-9]`)
)

// makeLegalIdentifier is @rollup/pluginutils' makeLegalIdentifier, which Vite uses to name the
// binding of an interop import.
func makeLegalIdentifier(s string) string {
	if isPlainIdentifier(s) {
		if forbiddenIdentifiers[s] {
			return "_" + s
		}
		return s
	}
	id := dashWordRE.ReplaceAllStringFunc(s, func(m string) string { return strings.ToUpper(m[1:]) })
	id = illegalIdentRE.ReplaceAllString(id, "_")
	if id == "" {
		return "_"
	}
	if (id[0] >= '0' && id[0] <= '9') || forbiddenIdentifiers[id] {
		id = "_" + id
	}
	return id
}

// isPlainIdentifier reports whether s is made of identifier characters only and does not start with
// a digit: makeLegalIdentifier's common case, which needs no regexp.
func isPlainIdentifier(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '$' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// splitQuery splits "a.js?x" into "a.js" and "?x".
func splitQuery(p string) (string, string) {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}

// within reports whether p is dir or inside it.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
