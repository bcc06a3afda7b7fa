package config

import (
	"fmt"
	"math"
	"reflect"
	"sort"

	"github.com/dop251/goja"
)

// encodeUserConfig renders cfg as a config tree, the inverse of decodeUserConfig: a JS plugin's config
// hook receives it, and decoding it again gives back cfg (plugins aside: they are passed as { name }
// objects and never read back).
func encodeUserConfig(cfg *UserConfig) *jsObject {
	return encodeStruct(reflect.ValueOf(cfg).Elem(), "")
}

func encodeStruct(rv reflect.Value, path string) *jsObject {
	o := newJSObject()
	t := rv.Type()
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("js")
		if tag == "" || tag == "-" {
			continue
		}
		p := joinPath(path, tag)
		if v := encodeField(rv.Field(i), rv, p); v != nil {
			o.set(tag, v)
		}
	}
	return o
}

// encodeField renders one option; nil leaves it out.
func encodeField(f, parent reflect.Value, path string) any {
	if v, ok := encodeServerField(f, parent, path); ok {
		return v
	}
	if v, ok := encodeByType(f); ok {
		return v
	}
	switch path {
	case "publicDir":
		if f.IsNil() {
			return nil
		}
		if s := f.Elem().String(); s != "" {
			return s
		}
		return false
	case "input", "build.rollupOptions.input", "build.rolldownOptions.input":
		return encodeInput(f.Interface().(*Input))
	case "build.sourcemap":
		switch s := f.Interface().(Sourcemap); s {
		case SourcemapNone:
			return nil
		case SourcemapExternal:
			return true
		default:
			return string(s)
		}
	case "build.manifest", "build.ssrManifest":
		fo := f.Interface().(FileOption)
		if !fo.Enabled {
			return nil
		}
		if fo.Path == "" {
			return true
		}
		return fo.Path
	case "build.modulePreload":
		mp := f.Interface().(*ModulePreload)
		if mp == nil {
			return nil
		}
		if mp.Disabled {
			return false
		}
		return encodeStruct(reflect.ValueOf(mp).Elem(), path)
	case "build.ssr":
		b := parent.Addr().Interface().(*BuildOptions)
		if b.SSR != "" {
			return b.SSR
		}
		if b.SSRInput {
			return true
		}
		return nil
	case "esbuild":
		eo := f.Interface().(*EsbuildOptions)
		if eo == nil {
			return nil
		}
		if eo.Disabled {
			return false
		}
		return encodeStruct(reflect.ValueOf(eo).Elem(), path)
	case "resolve.alias":
		aliases := f.Interface().([]Alias)
		if aliases == nil {
			return nil
		}
		list := make([]any, 0, len(aliases))
		for _, a := range aliases {
			o := newJSObject()
			if a.FindRegexp != "" {
				src, flags := untranslateRegExp(a.FindRegexp)
				o.set("find", &RegExp{Source: src, Flags: flags})
			} else {
				o.set("find", a.Find)
			}
			o.set("replacement", a.Replacement)
			list = append(list, o)
		}
		return list
	case "plugins":
		plugins := f.Interface().([]*Plugin)
		if plugins == nil {
			return nil
		}
		list := make([]any, 0, len(plugins))
		for _, p := range plugins {
			if p == nil {
				continue
			}
			o := newJSObject()
			o.set("name", p.Name)
			if p.Enforce != "" {
				o.set("enforce", p.Enforce)
			}
			list = append(list, o)
		}
		return list
	}
	switch f.Kind() {
	case reflect.String:
		if f.String() == "" {
			return nil
		}
		return f.String()
	case reflect.Bool:
		if !f.Bool() {
			return nil
		}
		return true
	case reflect.Int:
		return float64(f.Int())
	case reflect.Pointer:
		if f.IsNil() {
			return nil
		}
		switch e := f.Elem(); e.Kind() {
		case reflect.Struct:
			return encodeStruct(e, path)
		case reflect.Bool:
			return e.Bool() // a set *bool is written even when false
		case reflect.Int:
			return float64(e.Int())
		case reflect.String:
			return e.String()
		}
		return nil
	case reflect.Slice:
		if f.IsNil() {
			return nil
		}
		list := make([]any, 0, f.Len())
		for i := 0; i < f.Len(); i++ {
			list = append(list, f.Index(i).Interface())
		}
		return list
	case reflect.Map:
		if f.IsNil() {
			return nil
		}
		keys := make([]string, 0, f.Len())
		for _, k := range f.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		o := newJSObject()
		for _, k := range keys {
			o.set(k, goToTree(f.MapIndex(reflect.ValueOf(k)).Interface()))
		}
		return o
	case reflect.Struct:
		o := encodeStruct(f, path)
		if len(o.keys) == 0 {
			return nil
		}
		return o
	}
	return nil
}

func encodeInput(in *Input) any {
	if in == nil || len(in.Entries) == 0 {
		return nil
	}
	named := true
	for _, e := range in.Entries {
		if e.Name == "" {
			named = false
		}
	}
	if named {
		o := newJSObject()
		for _, e := range in.Entries {
			o.set(e.Name, e.Path)
		}
		return o
	}
	if len(in.Entries) == 1 {
		return in.Entries[0].Path
	}
	list := make([]any, 0, len(in.Entries))
	for _, e := range in.Entries {
		list = append(list, e.Path)
	}
	return list
}

// goToTree turns plain Go values (define values, plugin options) into tree values.
func goToTree(v any) any {
	switch v := v.(type) {
	case nil, bool, float64, string, *RegExp, *jsObject, *jsFunction, goStringFunc, goValue, jsNull, []byte:
		return v
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := newJSObject()
		for _, k := range keys {
			o.set(k, goToTree(v[k]))
		}
		return o
	case map[string]string:
		m := make(map[string]any, len(v))
		for k, s := range v {
			m[k] = s
		}
		return goToTree(m)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = goToTree(e)
		}
		return out
	case []string:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = e
		}
		return out
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint())
	case reflect.Float32:
		return rv.Float()
	}
	return fmt.Sprint(v)
}

// resolvedConfigTree is the JS view of a resolved config that configResolved hooks and
// this.environment.config see: Vite's option names with resolved values.
func resolvedConfigTree(rc *ResolvedConfig) *jsObject {
	o := newJSObject()
	o.set("root", rc.Root)
	o.set("base", rc.Base)
	o.set("mode", rc.Mode)
	o.set("command", rc.Command)
	o.set("isProduction", rc.IsProduction)
	o.set("isWorker", false)
	if rc.ConfigFile != "" {
		o.set("configFile", rc.ConfigFile)
	}
	o.set("configFileDependencies", goToTree(rc.ConfigFileDependencies))
	if rc.PublicDir != "" {
		o.set("publicDir", rc.PublicDir)
	} else {
		o.set("publicDir", "")
	}
	o.set("cacheDir", rc.CacheDir)
	o.set("envDir", rc.EnvDir)
	o.set("envPrefix", goToTree(rc.EnvPrefix))
	o.set("env", goToTree(ImportMetaEnv(rc, false)))
	o.set("define", goToTree(rc.Define))
	o.set("appType", rc.AppType)
	o.set("logLevel", rc.LogLevel)
	// Vite's experimental options with their defaults: govite has none of them, and plugins read
	// them unguarded (vite-plugin-svelte reads server.config.experimental.hmrPartialAccept).
	experimental := newJSObject()
	experimental.set("importGlobRestoreExtension", false)
	experimental.set("hmrPartialAccept", false)
	experimental.set("skipSsrTransform", false)
	o.set("experimental", experimental)
	o.set("assetsInclude", goToTree(rc.AssetsInclude))
	o.set("resolve", encodeStruct(reflect.ValueOf(rc.Resolve), "resolve"))
	o.set("css", encodeStruct(reflect.ValueOf(rc.CSS), "css"))
	o.set("json", encodeStruct(reflect.ValueOf(rc.JSON), "json"))
	if rc.Esbuild.Disabled {
		o.set("esbuild", false)
	} else {
		o.set("esbuild", encodeStruct(reflect.ValueOf(rc.Esbuild), "esbuild"))
	}
	o.set("build", buildTree(rc.Build))
	plugins := make([]any, 0, len(rc.Plugins))
	for _, p := range rc.Plugins {
		po := newJSObject()
		po.set("name", p.Name)
		if p.Enforce != "" {
			po.set("enforce", p.Enforce)
		}
		plugins = append(plugins, po)
	}
	o.set("plugins", plugins)
	o.set("server", serverTree(rc.Server))
	o.set("optimizeDeps", encodeStruct(reflect.ValueOf(rc.OptimizeDeps), "optimizeDeps"))
	envs := newJSObject()
	for _, name := range rc.EnvironmentOrder {
		if re := rc.Environments[name]; re != nil {
			envs.set(name, environmentTree(re))
		}
	}
	o.set("environments", envs)
	if rc.Builder != nil {
		bo := newJSObject()
		bo.set("sharedConfigBuild", rc.Builder.SharedConfigBuild)
		bo.set("sharedPlugins", rc.Builder.SharedPlugins)
		o.set("builder", bo)
	}
	return o
}

// buildTree is the JS view of resolved build options.
func buildTree(b ResolvedBuildOptions) *jsObject {
	build := newJSObject()
	build.set("outDir", b.OutDir)
	build.set("assetsDir", b.AssetsDir)
	build.set("assetsInlineLimit", float64(b.AssetsInlineLimit))
	build.set("cssCodeSplit", b.CSSCodeSplit)
	build.set("cssMinify", b.CSSMinify)
	build.set("minify", b.Minify)
	switch b.Sourcemap {
	case SourcemapNone:
		build.set("sourcemap", false)
	case SourcemapExternal:
		build.set("sourcemap", true)
	default:
		build.set("sourcemap", string(b.Sourcemap))
	}
	build.set("target", goToTree(b.Target))
	if b.EmptyOutDir != nil {
		build.set("emptyOutDir", *b.EmptyOutDir)
	} else {
		build.set("emptyOutDir", nil)
	}
	build.set("manifest", fileOrFalse(b.Manifest))
	build.set("ssrManifest", fileOrFalse(b.SSRManifest))
	if b.ModulePreload {
		mp := newJSObject()
		mp.set("polyfill", b.ModulePreloadPolyfill)
		if b.ResolveDependencies != nil {
			mp.set("resolveDependencies", goValue{b.ResolveDependencies})
		}
		build.set("modulePreload", mp)
	} else {
		build.set("modulePreload", false)
	}
	input := &Input{Entries: b.Input}
	ro := newJSObject()
	if v := encodeInput(input); v != nil {
		ro.set("input", v)
	}
	ro.set("external", goToTree(b.External))
	build.set("rollupOptions", ro)
	build.set("rolldownOptions", ro)
	build.set("write", b.Write)
	switch {
	case b.SSR != "":
		build.set("ssr", b.SSR)
	default:
		build.set("ssr", b.SSRBuild)
	}
	build.set("reportCompressedSize", b.ReportCompressedSize)
	build.set("chunkSizeWarningLimit", float64(b.ChunkSizeWarningLimit))
	build.set("copyPublicDir", b.CopyPublicDir)
	return build
}

func fileOrFalse(s string) any {
	if s == "" {
		return false
	}
	return s
}

// toJS creates the JavaScript value of a tree value. mu must be held.
func (vm *jsVM) toJS(v any) goja.Value {
	rt := vm.rt
	switch v := v.(type) {
	case nil:
		return goja.Undefined()
	case bool, string:
		return rt.ToValue(v)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return rt.ToValue(int64(v))
		}
		return rt.ToValue(v)
	case int:
		return rt.ToValue(v)
	case []any:
		vals := make([]any, len(v))
		for i, e := range v {
			vals[i] = vm.toJS(e)
		}
		return rt.NewArray(vals...)
	case *jsObject:
		o := rt.NewObject()
		for _, k := range v.keys {
			_ = o.Set(k, vm.toJS(v.vals[k]))
		}
		return o
	case *RegExp:
		ctor, _ := goja.AssertConstructor(rt.Get("RegExp"))
		re, err := ctor(nil, rt.ToValue(v.Source), rt.ToValue(v.Flags))
		if err != nil {
			return rt.ToValue(v.String())
		}
		return re
	case *jsFunction:
		if gv, ok := v.val.(goja.Value); ok && v.vm == vm {
			return gv
		}
		if fn, ok := v.val.(goja.Value); ok && v.vm != nil {
			// A function of another engine (a config file's rewrite seen by another file's plugin):
			// call it through its own engine.
			if c, ok := goja.AssertFunction(fn); ok {
				return vm.goFuncJS(v.vm.bridgeStringFunc(c, "a JS function"))
			}
		}
		return goja.Undefined()
	case goStringFunc:
		return vm.goFuncJS(v)
	case goValue:
		return vm.goValueJS(v)
	case jsNull:
		return goja.Null()
	case []byte:
		return vm.bufferJS(v)
	case jsOther:
		return goja.Undefined()
	default:
		return vm.toJS(goToTree(v))
	}
}
