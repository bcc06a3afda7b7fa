package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A config file's value is first copied out of the JavaScript engine into a plain Go tree, then decoded
// into UserConfig. The tree keeps what JSON would lose and the decoder needs: the order of object keys
// (named inputs, object-form aliases), regular expressions, and functions (plugin hooks, function-form
// options, which stay callable through the engine).
//
// Tree values are: nil (undefined or null), bool, float64, string, []any, *jsObject, *RegExp,
// *jsFunction, *Plugin (an entry of `plugins`, already converted) and jsOther (anything else: a promise
// outside `plugins`, a symbol, a class instance the decoder cannot read, ...).

// jsObject is a JavaScript object with its own enumerable keys in their order.
type jsObject struct {
	keys []string
	vals map[string]any
}

func newJSObject() *jsObject { return &jsObject{vals: map[string]any{}} }

func (o *jsObject) get(k string) any {
	if o == nil {
		return nil
	}
	return o.vals[k]
}

func (o *jsObject) has(k string) bool {
	_, ok := o.vals[k]
	return ok
}

func (o *jsObject) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// RegExp is a JavaScript regular expression as written in a config file.
type RegExp struct {
	Source string
	Flags  string
}

// String renders r as a JS literal.
func (r *RegExp) String() string { return "/" + r.Source + "/" + r.Flags }

// Go compiles r into a Go regexp (see TranslateRegExp for what cannot be translated).
func (r *RegExp) Go() (*regexp.Regexp, error) {
	src, err := TranslateRegExp(r.Source, r.Flags)
	if err != nil {
		return nil, err
	}
	return regexp.Compile(src)
}

// jsFunction is a JavaScript function; calls go through its engine.
type jsFunction struct {
	vm  *jsVM
	val any // goja.Value; kept as any so the tree stays engine-agnostic
}

// jsOther is a value the tree cannot represent; kind says what it was ("promise", "symbol", ...).
type jsOther struct{ kind string }

// jsTypeName names a tree value's JavaScript type for error messages.
func jsTypeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "undefined"
	case bool:
		return "boolean"
	case float64, int:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case *jsObject:
		return "object"
	case *RegExp:
		return "RegExp"
	case *jsFunction, goValue:
		return "function"
	case jsNull:
		return "null"
	case []byte:
		return "Buffer"
	case *Plugin:
		return "plugin"
	case jsOther:
		return v.kind
	default:
		return fmt.Sprintf("%T", v)
	}
}

// plainValue turns a tree value into ordinary Go values: objects become map[string]any, arrays []any,
// regular expressions *RegExp. Functions cannot be represented and are reported through bad.
func plainValue(v any, path string, bad func(path, kind string)) any {
	switch v := v.(type) {
	case *jsObject:
		m := make(map[string]any, len(v.keys))
		for _, k := range v.keys {
			if v.vals[k] == nil {
				continue
			}
			m[k] = plainValue(v.vals[k], joinPath(path, k), bad)
		}
		return m
	case []any:
		out := make([]any, 0, len(v))
		for i, e := range v {
			out = append(out, plainValue(e, fmt.Sprintf("%s[%d]", path, i), bad))
		}
		return out
	case jsNull:
		return nil
	case *jsFunction, jsOther, *Plugin, goValue:
		if bad != nil {
			bad(path, jsTypeName(v))
		}
		return nil
	default:
		return v
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	if isIdentifier(key) {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// TranslateRegExp converts a JavaScript regular expression (source and flags) into Go's RE2 syntax.
// Flags i, m and s map to Go flags; g, y, u, v and d do not change what matches a single string and
// are dropped. Named groups (?<name>) become (?P<name>). Lookaround and backreferences have no RE2
// equivalent and are reported as errors.
func TranslateRegExp(source, flags string) (string, error) {
	var goFlags strings.Builder
	for _, f := range flags {
		switch f {
		case 'i', 'm', 's':
			goFlags.WriteRune(f)
		case 'g', 'y', 'u', 'v', 'd':
		default:
			return "", fmt.Errorf("regular expression /%s/%s: unknown flag %q", source, flags, f)
		}
	}
	var b strings.Builder
	if goFlags.Len() > 0 {
		b.WriteString("(?" + goFlags.String() + ")")
	}
	inClass := false
	for i := 0; i < len(source); i++ {
		c := source[i]
		switch {
		case c == '\\' && i+1 < len(source):
			n := source[i+1]
			switch {
			case n >= '1' && n <= '9' && !inClass:
				return "", fmt.Errorf("regular expression /%s/%s: backreferences (\\%c) are not supported by Go regular expressions", source, flags, n)
			case n == 'k' && !inClass:
				return "", fmt.Errorf("regular expression /%s/%s: named backreferences are not supported by Go regular expressions", source, flags)
			case n == 'u' && i+2 < len(source) && source[i+2] == '{':
				end := strings.IndexByte(source[i:], '}')
				if end < 0 {
					return "", fmt.Errorf("regular expression /%s/%s: unterminated \\u{...}", source, flags)
				}
				b.WriteString(`\x{` + source[i+3:i+end] + `}`)
				i += end
				continue
			case n == 'u' && i+5 < len(source):
				b.WriteString(`\x{` + source[i+2:i+6] + `}`)
				i += 5
				continue
			case n == 'c' && i+2 < len(source):
				b.WriteString(fmt.Sprintf(`\x{%x}`, source[i+2]%32))
				i += 2
				continue
			case n == '0':
				b.WriteString(`\x00`)
			default:
				b.WriteByte(c)
				b.WriteByte(n)
			}
			i++
		case c == '[' && !inClass:
			if strings.HasPrefix(source[i:], "[^]") {
				b.WriteString(`[\x00-\x{10FFFF}]`)
				i += 2
				continue
			}
			inClass = true
			b.WriteByte(c)
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		case c == '(' && !inClass && strings.HasPrefix(source[i:], "(?<") && !strings.HasPrefix(source[i:], "(?<=") && !strings.HasPrefix(source[i:], "(?<!"):
			b.WriteString("(?P<")
			i += 2
		case c == '(' && !inClass && (strings.HasPrefix(source[i:], "(?=") || strings.HasPrefix(source[i:], "(?!") || strings.HasPrefix(source[i:], "(?<=") || strings.HasPrefix(source[i:], "(?<!")):
			return "", fmt.Errorf("regular expression /%s/%s: lookahead and lookbehind are not supported by Go regular expressions", source, flags)
		default:
			b.WriteByte(c)
		}
	}
	out := b.String()
	if _, err := regexp.Compile(out); err != nil {
		return "", fmt.Errorf("regular expression /%s/%s cannot be used by govite: %v", source, flags, err)
	}
	return out, nil
}

// untranslateRegExp turns a Go pattern produced by TranslateRegExp back into JS source and flags, so a
// config hook sees the alias it was given.
func untranslateRegExp(goSrc string) (source, flags string) {
	if strings.HasPrefix(goSrc, "(?") {
		if end := strings.IndexByte(goSrc, ')'); end > 2 {
			f := goSrc[2:end]
			if strings.Trim(f, "ims") == "" {
				flags, goSrc = f, goSrc[end+1:]
			}
		}
	}
	return strings.ReplaceAll(goSrc, "(?P<", "(?<"), flags
}
