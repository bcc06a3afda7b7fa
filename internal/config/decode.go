package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
)

// decoder turns a config tree (see tree.go) into a UserConfig. Options are matched to struct fields by
// their `js` tag. Options with several accepted types (publicDir: false, build.minify: 'esbuild', ...)
// are decoded by the functions in specialDecoders. An option govite does not know becomes a warning
// that names it; a value of the wrong type becomes an error that names it.
type decoder struct {
	warnings []string
	errs     []error
}

func (d *decoder) warnf(format string, args ...any) {
	d.warnings = append(d.warnings, fmt.Sprintf(format, args...))
}

func (d *decoder) typeError(path, want string, got any) {
	d.errs = append(d.errs, fmt.Errorf("%s: expected %s, got %s", path, want, jsTypeName(got)))
}

func (d *decoder) errorf(path, format string, args ...any) {
	d.errs = append(d.errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

// decodeUserConfig decodes a config tree. It returns the warnings and one error listing every option
// of the wrong type.
func decodeUserConfig(o *jsObject) (*UserConfig, []string, error) {
	d := &decoder{}
	cfg := &UserConfig{}
	d.decodeStruct(o, reflect.ValueOf(cfg).Elem(), "")
	return cfg, d.warnings, errors.Join(d.errs...)
}

// fieldIndexCache holds jsFields' answers: reflect.Type -> map[string]int.
var fieldIndexCache sync.Map

// jsFields maps the js tags of a struct type to field indexes.
func jsFields(t reflect.Type) map[string]int {
	if m, ok := fieldIndexCache.Load(t); ok {
		return m.(map[string]int)
	}
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("js")
		if tag == "" || tag == "-" {
			continue
		}
		m[tag] = i
	}
	fieldIndexCache.Store(t, m)
	return m
}

func (d *decoder) decodeStruct(o *jsObject, rv reflect.Value, path string) {
	fields := jsFields(rv.Type())
	for _, k := range o.keys {
		v := o.vals[k]
		p := joinPath(path, k)
		if v == nil {
			continue // undefined and null leave the option unset
		}
		key := optionKey(p)
		if dec, ok := specialDecoders[key]; ok {
			var field reflect.Value
			i, hasField := fields[k]
			if hasField {
				field = rv.Field(i)
			} else if !fieldlessDecoders[key] {
				d.unsupported(p, v)
				continue
			}
			dec(d, v, field, rv, p)
			continue
		}
		i, ok := fields[k]
		if !ok {
			d.unsupported(p, v)
			continue
		}
		d.decodeValue(v, rv.Field(i), p)
	}
}

// optionKey is the name of the option at path as the top level spells it: the options of an
// environment ("environments.edge.build.outDir") are decoded as their top-level counterparts
// ("build.outDir").
func optionKey(path string) string {
	rest, ok := strings.CutPrefix(path, "environments")
	if !ok {
		return path
	}
	switch {
	case strings.HasPrefix(rest, "."):
		rest = rest[1:]
		i := strings.IndexAny(rest, ".[")
		if i < 0 {
			return ""
		}
		rest = rest[i:]
	case strings.HasPrefix(rest, "["):
		end := strings.Index(rest, `"]`)
		if end < 0 {
			return path
		}
		rest = rest[end+2:]
	default:
		return path
	}
	return strings.TrimPrefix(rest, ".")
}

// fieldlessDecoders are special decoders that set their parent rather than a field of their own.
var fieldlessDecoders = map[string]bool{"build.ssr": true, "worker.plugins": true}

// topLevelOnly reports whether key names an option that exists at the top level (so, under
// environments, one that is not per environment).
func topLevelOnly(key string) bool {
	t := reflect.TypeFor[UserConfig]()
	for _, part := range strings.Split(key, ".") {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return false
		}
		i, ok := jsFields(t)[part]
		if !ok {
			return false
		}
		t = t.Field(i).Type
	}
	return true
}

// unsupported warns about an option govite ignores. For some containers each option inside is named, so
// that the warning says exactly what is lost.
func (d *decoder) unsupported(path string, v any) {
	if key := optionKey(path); key != path && key != "" && topLevelOnly(key) {
		d.warnf("%s is not a per-environment option (Vite ignores it there); it is ignored: set %s at the top level", path, key)
		return
	}
	if o, ok := v.(*jsObject); ok && namedUnsupportedContainers[optionKey(path)] {
		for _, k := range o.keys {
			if o.vals[k] != nil {
				d.unsupported(joinPath(path, k), o.vals[k])
			}
		}
		return
	}
	d.warnf("%s is not supported by govite yet; it is ignored", path)
}

// namedUnsupportedContainers are option objects whose entries are reported one by one.
var namedUnsupportedContainers = map[string]bool{
	"build.rollupOptions.output":   true,
	"build.rolldownOptions.output": true,
}

func (d *decoder) decodeValue(v any, field reflect.Value, path string) {
	t := field.Type()
	switch t {
	case reflect.TypeFor[ModuleList]():
		if l, ok := d.moduleList(v, path); ok {
			field.Set(reflect.ValueOf(l))
		}
		return
	case reflect.TypeFor[[]Pattern]():
		if ps, ok := d.patterns(v, path); ok {
			field.Set(reflect.ValueOf(ps))
		}
		return
	case reflect.TypeFor[CreateDevEnvironmentFunc](), reflect.TypeFor[CreateBuildEnvironmentFunc](), reflect.TypeFor[BuildAppFunc](),
		reflect.TypeFor[ResolveDependenciesFunc]():
		d.function(v, field, path)
		return
	}
	switch t.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			d.typeError(path, "a string", v)
			return
		}
		field.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			d.typeError(path, "a boolean", v)
			return
		}
		field.SetBool(b)
	case reflect.Int:
		n, ok := d.integer(v, path)
		if ok {
			field.SetInt(int64(n))
		}
	case reflect.Pointer:
		elem := reflect.New(t.Elem())
		switch t.Elem().Kind() {
		case reflect.Struct:
			o, ok := v.(*jsObject)
			if !ok {
				d.typeError(path, "an object", v)
				return
			}
			d.decodeStruct(o, elem.Elem(), path)
		default:
			before := len(d.errs)
			d.decodeValue(v, elem.Elem(), path)
			if len(d.errs) > before {
				return
			}
		}
		field.Set(elem)
	case reflect.Slice:
		switch t.Elem().Kind() {
		case reflect.String:
			list, ok := d.stringList(v, path)
			if ok {
				field.Set(reflect.ValueOf(list))
			}
		case reflect.Pointer:
			if t.Elem() != reflect.TypeFor[*Plugin]() {
				d.errorf(path, "internal error: govite cannot decode a %s", t)
				return
			}
			d.decodePlugins(v, field, path)
		default:
			d.errorf(path, "internal error: govite cannot decode a %s", t)
		}
	case reflect.Map:
		o, ok := v.(*jsObject)
		if !ok {
			d.typeError(path, "an object", v)
			return
		}
		m := reflect.MakeMapWithSize(t, len(o.keys))
		for _, k := range o.keys {
			ev := o.vals[k]
			if ev == nil {
				continue
			}
			p := joinPath(path, k)
			switch t.Elem().Kind() {
			case reflect.String:
				s, ok := ev.(string)
				if !ok {
					d.typeError(p, "a string", ev)
					continue
				}
				m.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(s))
			case reflect.Interface:
				pv := plainValue(ev, p, func(bp, kind string) {
					d.errorf(bp, "a %s cannot be used here; use a JSON value", kind)
				})
				m.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(&pv).Elem())
			default:
				d.errorf(path, "internal error: govite cannot decode a %s", t)
				return
			}
		}
		field.Set(m)
	case reflect.Struct:
		o, ok := v.(*jsObject)
		if !ok {
			d.typeError(path, "an object", v)
			return
		}
		d.decodeStruct(o, field, path)
	default:
		d.errorf(path, "internal error: govite cannot decode a %s", t)
	}
}

func (d *decoder) integer(v any, path string) (int, bool) {
	f, ok := v.(float64)
	if !ok {
		d.typeError(path, "a number", v)
		return 0, false
	}
	if f != math.Trunc(f) || math.IsInf(f, 0) || f > math.MaxInt32 || f < math.MinInt32 {
		d.errorf(path, "expected an integer, got %v", f)
		return 0, false
	}
	return int(f), true
}

// stringList accepts a string or an array of strings, as most list options of Vite do.
func (d *decoder) stringList(v any, path string) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		ok := true
		for i, e := range v {
			s, isStr := e.(string)
			if !isStr {
				d.typeError(fmt.Sprintf("%s[%d]", path, i), "a string", e)
				ok = false
				continue
			}
			out = append(out, s)
		}
		return out, ok
	default:
		d.typeError(path, "a string or an array of strings", v)
		return nil, false
	}
}

func (d *decoder) decodePlugins(v any, field reflect.Value, path string) {
	list, ok := v.([]any)
	if !ok {
		d.typeError(path, "an array of plugins", v)
		return
	}
	var plugins []*Plugin
	for i, e := range list {
		switch p := e.(type) {
		case *Plugin:
			plugins = append(plugins, p)
		case nil:
		default:
			d.typeError(fmt.Sprintf("%s[%d]", path, i), "a plugin object", e)
		}
	}
	field.Set(reflect.ValueOf(plugins))
}

// specialDecoder decodes the option at path into field (the option's struct field, invalid when the
// option has none) of parent.
type specialDecoder func(d *decoder, v any, field, parent reflect.Value, path string)

var specialDecoders map[string]specialDecoder

func init() {
	input := func(d *decoder, v any, field, _ reflect.Value, path string) {
		in, ok := d.input(v, path)
		if ok {
			field.Set(reflect.ValueOf(in))
		}
	}
	external := func(d *decoder, v any, field, _ reflect.Value, path string) {
		field.Set(reflect.ValueOf(d.patternList(v, path, "list the module names instead", true)))
	}
	specialDecoders = map[string]specialDecoder{
		// worker.* (see worker.go)
		"worker.plugins": decodeWorkerPlugins,
		"worker.rollupOptions.output.entryFileNames":   decodeFileNamePattern,
		"worker.rollupOptions.output.chunkFileNames":   decodeFileNamePattern,
		"worker.rolldownOptions.output.entryFileNames": decodeFileNamePattern,
		"worker.rolldownOptions.output.chunkFileNames": decodeFileNamePattern,
		"build.rollupOptions.output.entryFileNames":    decodeFileNamePattern,
		"build.rollupOptions.output.chunkFileNames":    decodeFileNamePattern,
		"build.rollupOptions.output.assetFileNames":    decodeFileNamePattern,
		"build.rolldownOptions.output.entryFileNames":  decodeFileNamePattern,
		"build.rolldownOptions.output.chunkFileNames":  decodeFileNamePattern,
		"build.rolldownOptions.output.assetFileNames":  decodeFileNamePattern,

		"publicDir": func(d *decoder, v any, field, _ reflect.Value, path string) {
			switch v := v.(type) {
			case bool:
				if v {
					d.errorf(path, "expected a string or false, got true")
					return
				}
				field.Set(reflect.ValueOf(String("")))
			case string:
				field.Set(reflect.ValueOf(String(v)))
			default:
				d.typeError(path, "a string or false", v)
			}
		},
		"base": func(d *decoder, v any, field, _ reflect.Value, path string) {
			s, ok := v.(string)
			if !ok {
				d.typeError(path, "a string", v)
				return
			}
			if s == "" {
				s = "./" // '' is Vite's other spelling of the relative base
			}
			field.SetString(s)
		},
		"input":                          input,
		"build.rollupOptions.input":      input,
		"build.rolldownOptions.input":    input,
		"build.rollupOptions.external":   external,
		"build.rolldownOptions.external": external,
		"build.minify": func(d *decoder, v any, field, _ reflect.Value, path string) {
			switch v := v.(type) {
			case bool:
				field.Set(reflect.ValueOf(Bool(v)))
			case string:
				switch v {
				case "esbuild", "oxc":
				case "terser":
					d.warnf("%s: 'terser' is not available in govite; esbuild minifies instead", path)
				default:
					d.errorf(path, "expected a boolean, 'esbuild', 'oxc' or 'terser', got %q", v)
					return
				}
				field.Set(reflect.ValueOf(Bool(true)))
			default:
				d.typeError(path, "a boolean or 'esbuild'", v)
			}
		},
		"build.cssMinify": func(d *decoder, v any, field, _ reflect.Value, path string) {
			switch v := v.(type) {
			case bool:
				field.Set(reflect.ValueOf(Bool(v)))
			case string:
				switch v {
				case "esbuild":
				case "lightningcss":
					d.warnf("%s: 'lightningcss' is not available in govite; esbuild minifies CSS instead", path)
				default:
					d.errorf(path, "expected a boolean, 'esbuild' or 'lightningcss', got %q", v)
					return
				}
				field.Set(reflect.ValueOf(Bool(true)))
			default:
				d.typeError(path, "a boolean or 'esbuild'", v)
			}
		},
		"build.sourcemap": func(d *decoder, v any, field, _ reflect.Value, path string) {
			switch v := v.(type) {
			case bool:
				if v {
					field.Set(reflect.ValueOf(SourcemapExternal))
				} else {
					field.Set(reflect.ValueOf(SourcemapNone))
				}
			case string:
				switch Sourcemap(v) {
				case SourcemapInline, SourcemapHidden:
					field.Set(reflect.ValueOf(Sourcemap(v)))
				default:
					d.errorf(path, "expected true, false, 'inline' or 'hidden', got %q", v)
				}
			default:
				d.typeError(path, "a boolean, 'inline' or 'hidden'", v)
			}
		},
		"build.manifest":    fileOption,
		"build.ssrManifest": fileOption,
		"build.modulePreload": func(d *decoder, v any, field, _ reflect.Value, path string) {
			switch v := v.(type) {
			case bool:
				field.Set(reflect.ValueOf(&ModulePreload{Disabled: !v}))
			case *jsObject:
				mp := &ModulePreload{}
				d.decodeStruct(v, reflect.ValueOf(mp).Elem(), path)
				field.Set(reflect.ValueOf(mp))
			default:
				d.typeError(path, "a boolean or an object", v)
			}
		},
		"build.ssr": func(d *decoder, v any, _, parent reflect.Value, path string) {
			b := parent.Addr().Interface().(*BuildOptions)
			switch v := v.(type) {
			case bool:
				b.SSRInput = v
			case string:
				b.SSR = v
			default:
				d.typeError(path, "a boolean or a string", v)
			}
		},
		"build.assetsInlineLimit": func(d *decoder, v any, field, _ reflect.Value, path string) {
			if _, ok := v.(*jsFunction); ok {
				d.warnf("%s: a function is not supported by govite yet; it is ignored (the default limit of 4096 bytes applies)", path)
				return
			}
			if n, ok := d.integer(v, path); ok {
				field.Set(reflect.ValueOf(Int(n)))
			}
		},
		"build.target": func(d *decoder, v any, field, _ reflect.Value, path string) {
			if b, ok := v.(bool); ok && !b {
				d.warnf("%s: false is not supported by govite yet; the default target is used", path)
				return
			}
			if list, ok := d.stringList(v, path); ok {
				field.Set(reflect.ValueOf(list))
			}
		},
		"esbuild": func(d *decoder, v any, field, _ reflect.Value, path string) {
			switch v := v.(type) {
			case bool:
				if v {
					field.Set(reflect.ValueOf(&EsbuildOptions{}))
				} else {
					field.Set(reflect.ValueOf(&EsbuildOptions{Disabled: true}))
				}
			case *jsObject:
				eo := &EsbuildOptions{}
				d.decodeStruct(v, reflect.ValueOf(eo).Elem(), path)
				field.Set(reflect.ValueOf(eo))
			default:
				d.typeError(path, "false or an object", v)
			}
		},
		"esbuild.target": func(d *decoder, v any, field, _ reflect.Value, path string) {
			if list, ok := d.stringList(v, path); ok {
				field.SetString(strings.Join(list, ","))
			}
		},
		"resolve.alias": func(d *decoder, v any, field, _ reflect.Value, path string) {
			if aliases, ok := d.aliases(v, path); ok {
				field.Set(reflect.ValueOf(aliases))
			}
		},
		"json.stringify": func(d *decoder, v any, field, _ reflect.Value, path string) {
			switch v := v.(type) {
			case bool:
				field.SetBool(v)
			case string:
				if v != "auto" {
					d.errorf(path, "expected a boolean or 'auto', got %q", v)
				}
				// 'auto' stringifies only large files; govite treats it as false for now.
			default:
				d.typeError(path, "a boolean or 'auto'", v)
			}
		},
		"assetsInclude": func(d *decoder, v any, field, _ reflect.Value, path string) {
			field.Set(reflect.ValueOf(d.patternList(v, path, "use a glob such as '**/*.glb'", false)))
		},
		"server.host":           decodeServerHost,
		"server.open":           decodeServerOpen,
		"server.cors":           decodeCORS,
		"server.cors.origin":    decodeCORSOrigin,
		"server.allowedHosts":   decodeAllowedHosts,
		"server.proxy":          decodeProxy,
		"server.hmr":            decodeHMR,
		"server.https":          decodeHTTPS,
		"server.watch":          decodeWatch,
		"server.watch.ignored":  decodeWatchIgnored,
		"preview.https":         decodeHTTPS,
		"optimizeDeps.disabled": decodeOptimizeDepsDisabled,
		"environments":          decodeEnvironments,
		"consumer":              oneOf("client", "server"),
		"dev.runner":            oneOf("engine", "node"),
		"ssr.target":            oneOf("node", "webworker"),
		"css.modules": func(d *decoder, v any, field, _ reflect.Value, path string) {
			switch v := v.(type) {
			case bool:
				d.warnf("%s: %v is not supported by govite yet; it is ignored", path, v)
			case *jsObject:
				m := &CSSModulesOptions{}
				d.decodeStruct(v, reflect.ValueOf(m).Elem(), path)
				field.Set(reflect.ValueOf(m))
			default:
				d.typeError(path, "an object", v)
			}
		},
	}
}

func fileOption(d *decoder, v any, field, _ reflect.Value, path string) {
	switch v := v.(type) {
	case bool:
		field.Set(reflect.ValueOf(FileOption{Enabled: v}))
	case string:
		field.Set(reflect.ValueOf(FileOption{Enabled: true, Path: v}))
	default:
		d.typeError(path, "a boolean or a file path", v)
	}
}

// input decodes `string | string[] | Record<string, string>`.
func (d *decoder) input(v any, path string) (*Input, bool) {
	in := &Input{}
	switch v := v.(type) {
	case string:
		in.Entries = append(in.Entries, InputEntry{Path: v})
	case []any:
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				d.typeError(fmt.Sprintf("%s[%d]", path, i), "a string", e)
				return nil, false
			}
			in.Entries = append(in.Entries, InputEntry{Path: s})
		}
	case *jsObject:
		for _, k := range v.keys {
			s, ok := v.vals[k].(string)
			if !ok {
				d.typeError(joinPath(path, k), "a string", v.vals[k])
				return nil, false
			}
			in.Entries = append(in.Entries, InputEntry{Name: k, Path: s})
		}
	default:
		d.typeError(path, "a string, an array of strings or an object of named entries", v)
		return nil, false
	}
	return in, true
}

// aliases decodes resolve.alias in its object form ({ '@': '/src' }, in key order) or its array form
// ([{ find, replacement }], find being a string or a RegExp).
func (d *decoder) aliases(v any, path string) ([]Alias, bool) {
	var out []Alias
	switch v := v.(type) {
	case *jsObject:
		for _, k := range v.keys {
			r, ok := v.vals[k].(string)
			if !ok {
				d.typeError(joinPath(path, k), "a string", v.vals[k])
				return nil, false
			}
			out = append(out, Alias{Find: k, Replacement: r})
		}
	case []any:
		for i, e := range v {
			p := fmt.Sprintf("%s[%d]", path, i)
			o, ok := e.(*jsObject)
			if !ok {
				d.typeError(p, "an object { find, replacement }", e)
				return nil, false
			}
			var a Alias
			switch f := o.get("find").(type) {
			case string:
				a.Find = f
			case *RegExp:
				src, err := TranslateRegExp(f.Source, f.Flags)
				if err != nil {
					d.errorf(p+".find", "%v", err)
					return nil, false
				}
				a.FindRegexp = src
			default:
				d.typeError(p+".find", "a string or a RegExp", o.get("find"))
				return nil, false
			}
			switch r := o.get("replacement").(type) {
			case string:
				a.Replacement = r
			case *jsFunction:
				d.errorf(p+".replacement", "a function replacement is not supported by govite yet; use a string")
				return nil, false
			default:
				d.typeError(p+".replacement", "a string", o.get("replacement"))
				return nil, false
			}
			for _, k := range o.keys {
				if k != "find" && k != "replacement" && o.vals[k] != nil {
					d.warnf("%s.%s is not supported by govite yet; it is ignored", p, k)
				}
			}
			out = append(out, a)
		}
	default:
		d.typeError(path, "an object or an array of { find, replacement }", v)
		return nil, false
	}
	return out, true
}

// patternList decodes an option that takes a string, a RegExp or an array of them (external,
// assetsInclude). govite keeps the strings; a RegExp (and, where allowed, a function) is warned about
// with hint, since it is not supported yet.
func (d *decoder) patternList(v any, path, hint string, funcAllowed bool) []string {
	items, isList := v.([]any)
	if !isList {
		items = []any{v}
	}
	var out []string
	for i, e := range items {
		p := path
		if isList {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		switch e := e.(type) {
		case string:
			out = append(out, e)
		case *RegExp:
			d.warnf("%s: regular expression %s is not supported by govite yet; it is ignored (%s)", p, e, hint)
		case *jsFunction:
			if funcAllowed {
				d.warnf("%s: a function is not supported by govite yet; it is ignored (%s)", p, hint)
				continue
			}
			d.typeError(p, "a string, a RegExp or an array of them", e)
		default:
			d.typeError(p, "a string, a RegExp or an array of them", e)
		}
	}
	return out
}

func init() {
	specialDecoders["css.preprocessorOptions"] = decodePreprocessorOptions
	specialDecoders["css.postcss"] = decodePostCSS
}

// decodePreprocessorOptions keeps the JSON values of css.preprocessorOptions and records the paths of
// the others (functions, class instances) in CSS.JSOptions: the stylesheet worker evaluates the config
// in Node to get them, as they cannot leave the config's engine.
func decodePreprocessorOptions(d *decoder, v any, field, parent reflect.Value, path string) {
	o, ok := v.(*jsObject)
	if !ok {
		d.typeError(path, "an object", v)
		return
	}
	css := parent.Addr().Interface().(*CSSOptions)
	out := map[string]map[string]any{}
	for _, lang := range o.keys {
		lp := joinPath(path, lang)
		lo, ok := o.vals[lang].(*jsObject)
		if !ok {
			if o.vals[lang] != nil {
				d.typeError(lp, "an object", o.vals[lang])
			}
			continue
		}
		opts := map[string]any{}
		for _, k := range lo.keys {
			if lo.vals[k] == nil {
				continue
			}
			jsValued := false
			pv := plainValue(lo.vals[k], joinPath(lp, k), func(string, string) { jsValued = true })
			if jsValued {
				css.JSOptions = append(css.JSOptions, joinPath(lp, k))
				continue
			}
			opts[k] = pv
		}
		out[lang] = opts
	}
	field.Set(reflect.ValueOf(out))
}

// decodePostCSS decodes css.postcss: a search path, or an inline PostCSS config whose plugins (and any
// other JavaScript values) the stylesheet worker reads from the config in Node.
func decodePostCSS(d *decoder, v any, field, parent reflect.Value, path string) {
	css := parent.Addr().Interface().(*CSSOptions)
	switch v := v.(type) {
	case string:
		field.Set(reflect.ValueOf(&PostCSSOptions{SearchPath: v}))
	case *jsObject:
		p := &PostCSSOptions{Inline: true, Options: map[string]any{}}
		for _, k := range v.keys {
			ev := v.vals[k]
			if ev == nil {
				continue
			}
			if k == "plugins" {
				list, ok := ev.([]any)
				if !ok {
					d.typeError(joinPath(path, k), "an array of PostCSS plugins", ev)
					continue
				}
				for _, e := range list {
					if e != nil && e != false {
						p.Plugins++
					}
				}
				if p.Plugins > 0 {
					css.JSOptions = append(css.JSOptions, joinPath(path, k))
				}
				continue
			}
			jsValued := false
			pv := plainValue(ev, joinPath(path, k), func(string, string) { jsValued = true })
			if jsValued {
				css.JSOptions = append(css.JSOptions, joinPath(path, k))
				continue
			}
			p.Options[k] = pv
		}
		field.Set(reflect.ValueOf(p))
	default:
		d.typeError(path, "a string or an object", v)
	}
}
