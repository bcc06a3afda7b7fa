package config

import (
	"reflect"
	"slices"
)

// Merge returns override deep-merged into base with the semantics of Vite's mergeConfig: options set in
// override win, nested option groups are merged, lists are concatenated (base first), define entries are
// merged, and resolve.alias puts override's entries first (aliases are tried in order, so the later
// config takes priority) and drops base entries override redefines.
//
// Go cannot tell an unset option from its zero value for plain strings and bools: "" and false in
// override leave base's value. Options that are a single value or a list in a config file (envPrefix,
// build.target, build.rollupOptions.external) are replaced, not concatenated, when override sets them.
// A build input is replaced unless both inputs are named entries ({ name: path }), which are merged.
// Environments are merged by name (new ones appended, in order); resolve.external and noExternal
// become `true` when either side is `true`, and are concatenated otherwise.
//
// Neither argument is modified; either may be nil.
func Merge(base, override *UserConfig) *UserConfig {
	out := &UserConfig{}
	if base != nil {
		mergeValue(reflect.ValueOf(out).Elem(), reflect.ValueOf(base).Elem(), "")
	}
	if override != nil {
		mergeValue(reflect.ValueOf(out).Elem(), reflect.ValueOf(override).Elem(), "")
	}
	return out
}

// replacedLists are list options that are replaced rather than concatenated.
var replacedLists = map[string]bool{
	"envPrefix":                      true,
	"build.target":                   true,
	"build.rollupOptions.external":   true,
	"build.rolldownOptions.external": true,
}

// mergeValue merges src into dst (both of the same type); path is the option's name.
func mergeValue(dst, src reflect.Value, path string) {
	switch v := src.Interface().(type) {
	case []Alias:
		if v == nil {
			return
		}
		dst.Set(reflect.ValueOf(mergeAliases(dst.Interface().([]Alias), v)))
		return
	case *Input:
		if v == nil {
			return
		}
		dst.Set(reflect.ValueOf(mergeInput(dst.Interface().(*Input), v)))
		return
	case FileOption:
		if v.Enabled {
			dst.Set(src)
		}
		return
	case *EsbuildOptions:
		mergeDisableable(dst, v, func(o *EsbuildOptions) bool { return o.Disabled }, path)
		return
	case *ModulePreload:
		mergeDisableable(dst, v, func(o *ModulePreload) bool { return o.Disabled }, path)
		return
	case *HMROptions:
		mergeDisableable(dst, v, func(o *HMROptions) bool { return o.Disabled }, path)
		return
	case *HTTPSOptions:
		mergeHTTPS(dst, v)
		return
	case *WatchOptions:
		mergeDisableable(dst, v, func(o *WatchOptions) bool { return o.Disabled }, path)
		return
	case *CORSOptions:
		mergeCORS(dst, v, path)
		return
	case *AllowedHosts:
		mergeAllowedHosts(dst, v)
		return
	case []ProxyRule:
		mergeProxy(dst, v, path)
		return
	case ModuleList:
		mergeModuleList(dst, v)
		return
	case []NamedEnvironment:
		mergeEnvironments(dst, v)
		return
	}

	switch src.Kind() {
	case reflect.String:
		if src.String() != "" {
			dst.Set(src)
		}
	case reflect.Bool:
		if src.Bool() {
			dst.SetBool(true)
		}
	case reflect.Int:
		if src.Int() != 0 {
			dst.Set(src)
		}
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		switch src.Elem().Kind() {
		case reflect.Struct:
			// Only option groups are merged; a plugin or a logger is a value like any other.
			if src.Type() == reflect.TypeFor[*Plugin]() || src.Type().Elem().PkgPath() != reflect.TypeFor[UserConfig]().PkgPath() {
				dst.Set(src)
				return
			}
			n := reflect.New(src.Type().Elem())
			if !dst.IsNil() {
				n.Elem().Set(dst.Elem())
			}
			mergeStruct(n.Elem(), src.Elem(), path)
			dst.Set(n)
		default:
			// A *bool, *int or *string: copy the value so that the result shares nothing with its inputs.
			n := reflect.New(src.Type().Elem())
			n.Elem().Set(src.Elem())
			dst.Set(n)
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		if replacedLists[path] || dst.IsNil() {
			dst.Set(reflect.AppendSlice(reflect.MakeSlice(src.Type(), 0, src.Len()), src))
			return
		}
		n := reflect.MakeSlice(src.Type(), 0, dst.Len()+src.Len())
		n = reflect.AppendSlice(n, dst)
		n = reflect.AppendSlice(n, src)
		dst.Set(n)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		n := reflect.MakeMapWithSize(src.Type(), dst.Len()+src.Len())
		iter := dst.MapRange()
		for iter.Next() {
			n.SetMapIndex(iter.Key(), iter.Value())
		}
		iter = src.MapRange()
		for iter.Next() {
			n.SetMapIndex(iter.Key(), iter.Value())
		}
		dst.Set(n)
	case reflect.Struct:
		mergeStruct(dst, src, path)
	case reflect.Func:
		if !src.IsNil() {
			dst.Set(src)
		}
	}
}

func mergeStruct(dst, src reflect.Value, path string) {
	t := src.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Tag.Get("js")
		p := path
		if name != "" && name != "-" {
			p = joinPath(path, name)
		} else {
			p = joinPath(path, f.Name)
		}
		mergeValue(dst.Field(i), src.Field(i), p)
	}
}

func mergeAliases(base, override []Alias) []Alias {
	out := make([]Alias, 0, len(base)+len(override))
	out = append(out, override...)
	for _, a := range base {
		shadowed := false
		for _, o := range override {
			if o.Find == a.Find && o.FindRegexp == a.FindRegexp {
				shadowed = true
				break
			}
		}
		if !shadowed {
			out = append(out, a)
		}
	}
	return out
}

func mergeInput(base, override *Input) *Input {
	allNamed := func(in *Input) bool {
		for _, e := range in.Entries {
			if e.Name == "" {
				return false
			}
		}
		return len(in.Entries) > 0
	}
	out := &Input{}
	if base == nil || !allNamed(base) || !allNamed(override) {
		out.Entries = append(out.Entries, override.Entries...)
		return out
	}
	out.Entries = append(out.Entries, base.Entries...)
	for _, e := range override.Entries {
		replaced := false
		for i := range out.Entries {
			if out.Entries[i].Name == e.Name {
				out.Entries[i].Path = e.Path
				replaced = true
			}
		}
		if !replaced {
			out.Entries = append(out.Entries, e)
		}
	}
	return out
}

// mergeDisableable merges an option that can be switched off as a whole (`esbuild: false`,
// `build.modulePreload: false`): a disabled side replaces the other, otherwise the fields merge.
func mergeDisableable[T any](dst reflect.Value, v *T, disabled func(*T) bool, path string) {
	if v == nil {
		return
	}
	cur := dst.Interface().(*T)
	if disabled(v) || cur == nil || disabled(cur) {
		c := *v
		dst.Set(reflect.ValueOf(&c))
		return
	}
	merged := *cur
	mergeStruct(reflect.ValueOf(&merged).Elem(), reflect.ValueOf(v).Elem(), path)
	dst.Set(reflect.ValueOf(&merged))
}

func reflectValue[T any](p *T) reflect.Value { return reflect.ValueOf(p).Elem() }

// mergeModuleList merges resolve.external / noExternal: `true` on either side wins, lists are
// concatenated.
func mergeModuleList(dst reflect.Value, v ModuleList) {
	cur := dst.Interface().(ModuleList)
	switch {
	case v.All || cur.All:
		dst.Set(reflect.ValueOf(ModuleList{All: true}))
	case v.Patterns != nil:
		p := make([]Pattern, 0, len(cur.Patterns)+len(v.Patterns))
		p = append(append(p, cur.Patterns...), v.Patterns...)
		dst.Set(reflect.ValueOf(ModuleList{Patterns: p}))
	}
}

// mergeEnvironments merges `environments` by name: an environment of override that base has too is
// merged into base's (which keeps its place); new ones are appended.
func mergeEnvironments(dst reflect.Value, v []NamedEnvironment) {
	if v == nil {
		return
	}
	cur := dst.Interface().([]NamedEnvironment)
	out := make([]NamedEnvironment, 0, len(cur)+len(v))
	for _, e := range cur {
		out = append(out, NamedEnvironment{Name: e.Name, Options: *MergeEnvironment(nil, &e.Options)})
	}
	for _, e := range v {
		i := slices.IndexFunc(out, func(b NamedEnvironment) bool { return b.Name == e.Name })
		if i < 0 {
			out = append(out, NamedEnvironment{Name: e.Name, Options: *MergeEnvironment(nil, &e.Options)})
			continue
		}
		out[i].Options = *MergeEnvironment(&out[i].Options, &e.Options)
	}
	dst.Set(reflect.ValueOf(out))
}
