package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultEnvPrefix is Vite's default envPrefix: only variables starting with it reach client code.
const DefaultEnvPrefix = "VITE_"

// EnvFiles returns the .env files Vite reads for mode, in the order they are applied: a later file's
// variables override an earlier file's.
func EnvFiles(mode string) []string {
	files := []string{".env", ".env.local"}
	if mode != "" {
		files = append(files, ".env."+mode, ".env."+mode+".local")
	}
	return files
}

// LoadEnv reads the .env files of mode from envDir (see EnvFiles) and returns the variables whose names
// start with one of prefixes, as Vite's loadEnv does:
//
//   - values may refer to other variables ($VAR, ${VAR}, ${VAR:-default}, ${VAR:+alternative}); "\$" is a
//     literal dollar sign;
//   - variables already set in the process environment have the highest priority: they are never
//     overridden by a file, and a prefixed one is returned even when no file mentions it.
//
// An empty prefix would expose every variable of the machine (secrets included) to client code, so it is
// refused; nil prefixes mean DefaultEnvPrefix.
func LoadEnv(mode, envDir string, prefixes []string) (map[string]string, error) {
	if len(prefixes) == 0 {
		prefixes = []string{DefaultEnvPrefix}
	}
	for _, p := range prefixes {
		if p == "" {
			return nil, errors.New(`envPrefix contains an empty string, which would expose every environment variable (secrets included) to client code; use a prefix such as "VITE_"`)
		}
	}
	return loadEnv(mode, envDir, prefixes)
}

// loadEnv is LoadEnv without the empty-prefix check. The loadEnv function offered to config files uses it
// directly: there `loadEnv(mode, dir, ”)` is the documented way to read every variable.
func loadEnv(mode, envDir string, prefixes []string) (map[string]string, error) {
	fileVars, _, err := readEnvFiles(mode, envDir)
	if err != nil {
		return nil, err
	}
	hasPrefix := func(key string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(key, p) {
				return true
			}
		}
		return false
	}
	env := map[string]string{}
	for k, v := range fileVars {
		if hasPrefix(k) {
			env[k] = v
		}
	}
	// Variables given to the process (VITE_KEY=1 govite build) win over the files and are exposed even
	// when no file declares them.
	for _, kv := range os.Environ() {
		k, v, ok := strings.Cut(kv, "=")
		if ok && k != "" && hasPrefix(k) {
			env[k] = v
		}
	}
	return env, nil
}

// readEnvFiles reads and expands the .env files of mode. It returns every variable they define (a
// variable also set in the process environment has the process's value) and the files that existed.
func readEnvFiles(mode, envDir string) (map[string]string, []string, error) {
	if mode == "local" {
		return nil, nil, errors.New(`"local" cannot be used as a mode name because it conflicts with the .local suffix of .env files; choose another --mode`)
	}
	var (
		order []string // keys in first-seen order, so expansion sees earlier variables as dotenv-expand does
		vals  = map[string]string{}
		found []string
	)
	for _, name := range EnvFiles(mode) {
		path := filepath.Join(envDir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if info, statErr := os.Stat(path); statErr == nil && info.IsDir() {
				continue
			}
			return nil, nil, fmt.Errorf("reading env file %s: %w", path, err)
		}
		found = append(found, path)
		for _, kv := range ParseDotenv(string(data)) {
			if _, seen := vals[kv.Key]; !seen {
				order = append(order, kv.Key)
			}
			vals[kv.Key] = kv.Value
		}
	}

	processEnv := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			processEnv[k] = v
		}
	}
	// Progressive expansion: a value sees the variables expanded before it and the process environment
	// (which wins), like dotenv-expand.
	expanded := map[string]string{}
	lookup := func(key string) string {
		if v, ok := processEnv[key]; ok {
			return v
		}
		return expanded[key]
	}
	for _, key := range order {
		v := vals[key]
		if pv, ok := processEnv[key]; ok && pv != "" && pv != v {
			v = pv
		} else {
			v = expandEnvValue(v, lookup, 0)
		}
		expanded[key] = unescapeDollar(v)
	}
	return expanded, found, nil
}

// EnvVar is one KEY=value pair of a .env file.
type EnvVar struct {
	Key, Value string
}

// ParseDotenv parses the contents of a .env file the way the dotenv package does: KEY=value lines with an
// optional `export ` prefix (or `KEY: value`), `#` comments, values in single, double or back quotes
// that may span lines, and `\n` / `\r` escapes inside double quotes. Lines that are not assignments are
// skipped. Pairs are returned in file order; a later duplicate overrides an earlier one when applied.
func ParseDotenv(src string) []EnvVar {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.ReplaceAll(src, "\r", "\n")
	var out []EnvVar
	i := 0
	n := len(src)
	nextLine := func(from int) int {
		if j := strings.IndexByte(src[from:], '\n'); j >= 0 {
			return from + j + 1
		}
		return n
	}
	for i < n {
		lineStart := i
		// Leading blanks (blank lines included).
		for i < n && isSpace(src[i]) {
			i++
		}
		if i >= n {
			break
		}
		if strings.HasPrefix(src[i:], "export") && i+6 < n && (src[i+6] == ' ' || src[i+6] == '\t') {
			j := i + 6
			for j < n && (src[j] == ' ' || src[j] == '\t') {
				j++
			}
			i = j
		}
		ks := i
		for i < n && isKeyByte(src[i]) {
			i++
		}
		key := src[ks:i]
		// Separator: `=` (spaces around allowed) or `:` followed by a space.
		j := i
		for j < n && (src[j] == ' ' || src[j] == '\t') {
			j++
		}
		switch {
		case key == "":
			i = nextLine(max(i, lineStart+1))
			continue
		case j < n && src[j] == '=':
			j++
		case j < n && src[j] == ':' && j+1 < n && (src[j+1] == ' ' || src[j+1] == '\t'):
			j++
		default:
			i = nextLine(i)
			continue
		}
		for j < n && (src[j] == ' ' || src[j] == '\t') {
			j++
		}
		value, end := parseDotenvValue(src, j)
		out = append(out, EnvVar{Key: key, Value: value})
		i = end
	}
	return out
}

// parseDotenvValue reads the value starting at src[i] and returns it with the offset of the next line.
func parseDotenvValue(src string, i int) (string, int) {
	n := len(src)
	lineEnd := strings.IndexByte(src[i:], '\n')
	if lineEnd < 0 {
		lineEnd = n
	} else {
		lineEnd += i
	}
	next := min(lineEnd+1, n)
	if i < n && (src[i] == '\'' || src[i] == '"' || src[i] == '`') {
		q := src[i]
		j := i + 1
		for j < n {
			if src[j] == '\\' && j+1 < n && src[j+1] == q {
				j += 2
				continue
			}
			if src[j] == q {
				break
			}
			j++
		}
		if j < n {
			// A quoted value counts only when nothing but blanks or a comment follows it on its line.
			restEnd := strings.IndexByte(src[j+1:], '\n')
			if restEnd < 0 {
				restEnd = n
			} else {
				restEnd += j + 1
			}
			rest := strings.TrimLeft(src[j+1:restEnd], " \t")
			if rest == "" || rest[0] == '#' {
				v := src[i+1 : j]
				if q == '"' {
					v = strings.ReplaceAll(v, `\n`, "\n")
					v = strings.ReplaceAll(v, `\r`, "\r")
				}
				return v, min(restEnd+1, n)
			}
		}
	}
	// Unquoted: up to a comment or the end of the line.
	raw := src[i:lineEnd]
	if h := strings.IndexByte(raw, '#'); h >= 0 {
		raw = raw[:h]
	}
	v := strings.TrimSpace(raw)
	if len(v) >= 2 && (v[0] == '\'' || v[0] == '"' || v[0] == '`') && v[len(v)-1] == v[0] {
		q := v[0]
		v = v[1 : len(v)-1]
		if q == '"' {
			v = strings.ReplaceAll(v, `\n`, "\n")
			v = strings.ReplaceAll(v, `\r`, "\r")
		}
	}
	return v, next
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isKeyByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// expandEnvValue replaces $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:+alt} and
// ${NAME+alt} in v, as dotenv-expand does. A "\$" is left alone (unescapeDollar turns it into "$"
// afterwards). An unset variable expands to "".
func expandEnvValue(v string, lookup func(string) string, depth int) string {
	if depth > 16 || !strings.Contains(v, "$") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) && v[i+1] == '$' {
			b.WriteString(`\$`)
			i++
			continue
		}
		if c != '$' || i+1 >= len(v) {
			b.WriteByte(c)
			continue
		}
		if v[i+1] == '{' {
			end := strings.IndexAny(v[i+2:], "{}")
			if end < 0 || v[i+2+end] != '}' || end == 0 {
				b.WriteByte(c)
				continue
			}
			expr := v[i+2 : i+2+end]
			b.WriteString(expandEnvExpr(expr, lookup, depth))
			i += 2 + end
			continue
		}
		j := i + 1
		if !(v[j] == '_' || v[j] >= 'a' && v[j] <= 'z' || v[j] >= 'A' && v[j] <= 'Z') {
			b.WriteByte(c)
			continue
		}
		for j < len(v) && (v[j] == '_' || v[j] >= 'a' && v[j] <= 'z' || v[j] >= 'A' && v[j] <= 'Z' || v[j] >= '0' && v[j] <= '9') {
			j++
		}
		b.WriteString(lookup(v[i+1 : j]))
		i = j - 1
	}
	return b.String()
}

// expandEnvExpr evaluates the inside of ${...}.
func expandEnvExpr(expr string, lookup func(string) string, depth int) string {
	// The first operator wins, as in dotenv-expand: `:+`, `+`, `:-` or `-`.
	op, at := "", -1
	for k := 0; k < len(expr); k++ {
		switch {
		case strings.HasPrefix(expr[k:], ":+"), strings.HasPrefix(expr[k:], ":-"):
			op, at = expr[k:k+2], k
		case expr[k] == '+' || expr[k] == '-':
			op, at = expr[k:k+1], k
		default:
			continue
		}
		break
	}
	if at < 0 {
		return lookup(expr)
	}
	key, arg := expr[:at], expr[at+len(op):]
	val := lookup(key)
	if op == ":+" || op == "+" {
		if val != "" {
			return expandEnvValue(arg, lookup, depth+1)
		}
		return ""
	}
	if val != "" {
		return val
	}
	return expandEnvValue(arg, lookup, depth+1)
}

func unescapeDollar(v string) string { return strings.ReplaceAll(v, `\$`, "$") }

// ImportMetaEnv returns the import.meta.env object of cfg: the built-in BASE_URL, MODE, DEV, PROD and SSR
// keys and the loaded .env variables.
func ImportMetaEnv(cfg *ResolvedConfig, ssr bool) map[string]any {
	env := make(map[string]any, len(cfg.Env)+5)
	for k, v := range cfg.Env {
		env[k] = v
	}
	env["BASE_URL"] = cfg.Base
	env["MODE"] = cfg.Mode
	env["DEV"] = !cfg.IsProduction
	env["PROD"] = cfg.IsProduction
	env["SSR"] = ssr
	return env
}
