package config

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/dop251/goja"
)

// Plugins written in JavaScript become *Plugin values whose hooks call back into the engine that
// evaluated the config. Every bridge takes the engine's lock for the whole call, promise included (the
// lock is only released while the promise waits on Go work; see jsVM).

// supportedHooks are the hooks bridged to Plugin fields.
var supportedHooks = []string{
	"config", "configEnvironment", "configResolved", "buildStart", "resolveId", "load", "transform", "buildEnd",
	"transformIndexHtml", "hotUpdate", "handleHotUpdate", "buildApp", "configureServer",
}

// unsupportedHooks are Vite and Rollup hooks govite does not call yet: a plugin that has one gets a
// warning that names it.
var unsupportedHooks = []string{
	"options", "outputOptions", "renderStart", "renderChunk", "augmentChunkHash", "generateBundle",
	"writeBundle", "closeBundle", "banner", "footer", "intro", "outro", "resolveDynamicImport",
	"resolveFileUrl", "resolveImportMeta", "renderDynamicImport", "renderError", "moduleParsed",
	"watchChange", "closeWatcher", "shouldTransformCachedModule", "onLog",
	"configurePreviewServer",
}

// pluginProps are plugin properties that are not hooks.
// applyToEnvironment is one of them: a plain function, bridged by pluginFromJS.
var pluginProps = map[string]bool{
	"name": true, "enforce": true, "apply": true, "api": true, "version": true, "meta": true,
	"sharedDuringBuild": true, "perEnvironmentStartEndDuringDev": true,
	"perEnvironmentWatchChangeDuringDev": true, "cacheKey": true, "applyToEnvironment": true,
}

func isSet(v goja.Value) bool {
	return v != nil && !goja.IsUndefined(v) && !goja.IsNull(v)
}

// jsHook is one hook of a JS plugin.
type jsHook struct {
	fn     goja.Callable
	order  string
	filter *hookFilter
	// obj is the { handler, filter } object of an object hook, and filterVal the filter value that
	// filter was parsed from: a plugin may set or replace the filter later (vite-plugin-svelte does in
	// configResolved), and Vite reads it then, so it is read again when it changed.
	obj         *goja.Object
	filterVal   goja.Value
	name, where string
}

// currentFilter is h's filter as the hook object has it now. mu must be held.
func (vm *jsVM) currentFilter(h *jsHook) (*hookFilter, error) {
	if h.obj == nil {
		return h.filter, nil
	}
	v := h.obj.Get("filter")
	if v == h.filterVal || (v != nil && h.filterVal != nil && v.SameAs(h.filterVal)) {
		return h.filter, nil
	}
	var f *hookFilter
	if isSet(v) {
		var err error
		if f, err = vm.parseFilter(v, h.name, h.where); err != nil {
			return nil, err
		}
	}
	h.filter, h.filterVal = f, v
	return f, nil
}

// pluginFromJS converts a plugin object. mu must be held.
func (vm *jsVM) pluginFromJS(c *converter, obj *goja.Object, at string) (*Plugin, error) {
	name := ""
	if n := obj.Get("name"); isSet(n) {
		name = n.String()
	}
	if b := obj.Get("__govite_builtin"); isSet(b) {
		return vm.builtinPlugin(c, obj, name, b.String(), at)
	}
	label := name
	if label == "" {
		label = at
		c.warn(fmt.Sprintf("%s: the plugin has no name; it is called %q in messages", at, at))
	}
	p := &Plugin{Name: label}
	where := fmt.Sprintf("plugin %q", label)

	if e := obj.Get("enforce"); isSet(e) {
		switch s := e.String(); s {
		case "pre", "post":
			p.Enforce = s
		default:
			return nil, fmt.Errorf("%s (%s): enforce must be 'pre' or 'post', got %q", where, at, s)
		}
	}
	if a := obj.Get("apply"); isSet(a) {
		if fn, ok := goja.AssertFunction(a); ok {
			p.ApplyFunc = vm.bridgeApply(label, fn)
		} else {
			switch s := a.String(); s {
			case "build", "serve":
				p.Apply = s
			default:
				return nil, fmt.Errorf("%s (%s): apply must be 'build', 'serve' or a function, got %q", where, at, s)
			}
		}
	}

	hooks := map[string]*jsHook{}
	for _, h := range supportedHooks {
		hk, err := vm.readHook(c, obj, label, h, at)
		if err != nil {
			return nil, err
		}
		if hk != nil {
			hooks[h] = hk
			if hk.order != "" && h != "transformIndexHtml" {
				if p.HookOrder == nil {
					p.HookOrder = map[string]string{}
				}
				p.HookOrder[h] = hk.order
			}
		}
	}
	for _, h := range unsupportedHooks {
		if isSet(obj.Get(h)) {
			c.warn(fmt.Sprintf("%s: hook %s is not supported by govite yet; it is ignored", where, h))
		}
	}
	// Own properties that look like hooks but are not known: a typo or a hook of a newer Vite.
	for _, k := range obj.Keys() {
		if pluginProps[k] || slices.Contains(supportedHooks, k) || slices.Contains(unsupportedHooks, k) || strings.HasPrefix(k, "__") {
			continue
		}
		v := obj.Get(k)
		_, isFn := goja.AssertFunction(v)
		isHookObj := false
		if o, ok := v.(*goja.Object); ok && !isFn {
			_, isHookObj = goja.AssertFunction(o.Get("handler"))
		}
		if isFn || isHookObj {
			c.warn(fmt.Sprintf("%s: %s is not a hook govite knows; it is ignored", where, k))
		}
	}

	if a := obj.Get("applyToEnvironment"); isSet(a) {
		fn, ok := goja.AssertFunction(a)
		if !ok {
			return nil, fmt.Errorf("%s (%s): applyToEnvironment must be a function, got %s", where, at, describeJS(a))
		}
		p.ApplyToEnvironment = vm.bridgeApplyToEnvironment(label, fn, obj)
	}
	if h := hooks["config"]; h != nil {
		p.Config = vm.bridgeConfig(label, h)
	}
	if h := hooks["configEnvironment"]; h != nil {
		p.ConfigEnvironment = vm.bridgeConfigEnvironment(label, h)
	}
	if h := hooks["configureServer"]; h != nil {
		p.ConfigureServer = vm.bridgeConfigureServer(label, h)
	}
	if h := hooks["hotUpdate"]; h != nil {
		p.HotUpdate = vm.bridgeHotUpdate(label, h)
	} else if h := hooks["handleHotUpdate"]; h != nil {
		p.HotUpdate = vm.bridgeHandleHotUpdate(label, h)
	}
	if h := hooks["buildApp"]; h != nil {
		p.BuildApp = vm.bridgeBuildApp(h.fn, label, "")
	}
	if h := hooks["configResolved"]; h != nil {
		p.ConfigResolved = func(rc *ResolvedConfig) error {
			vm.mu.Lock()
			defer vm.mu.Unlock()
			_, err := vm.callLocked(context.Background(), h.fn, vm.hookThis(nil, label), vm.resolvedJS(rc))
			return hookError(label, "configResolved", err)
		}
	}
	if h := hooks["buildStart"]; h != nil {
		p.BuildStart = func(pc *PluginContext) error {
			vm.mu.Lock()
			defer vm.mu.Unlock()
			opts := vm.rt.NewObject()
			if pc != nil && pc.Config != nil {
				_ = opts.Set("input", vm.toJS(encodeInput(&Input{Entries: pc.Config.Build.Input})))
			}
			_, err := vm.callLocked(context.Background(), h.fn, vm.hookThis(pc, label), opts)
			return hookError(label, "buildStart", err)
		}
	}
	if h := hooks["buildEnd"]; h != nil {
		p.BuildEnd = func(pc *PluginContext, buildErr error) error {
			vm.mu.Lock()
			defer vm.mu.Unlock()
			arg := goja.Undefined()
			if buildErr != nil {
				arg = vm.newError(buildErr.Error())
			}
			_, err := vm.callLocked(context.Background(), h.fn, vm.hookThis(pc, label), arg)
			return hookError(label, "buildEnd", err)
		}
	}
	if h := hooks["resolveId"]; h != nil {
		p.ResolveID = vm.bridgeResolveID(label, h)
	}
	if h := hooks["load"]; h != nil {
		p.Load = func(pc *PluginContext, id string) (*LoadResult, error) {
			vm.mu.Lock()
			defer vm.mu.Unlock()
			if f, err := vm.currentFilter(h); err != nil || !f.matches(id, "") {
				return nil, err
			}
			res, err := vm.callLocked(context.Background(), h.fn, vm.hookThis(pc, label), vm.rt.ToValue(id))
			if err != nil {
				return nil, hookError(label, "load", err)
			}
			code, m, loader, ok, err := vm.codeResult(res)
			if err != nil {
				return nil, fmt.Errorf("plugin %q: load(%q) %w", label, id, err)
			}
			if !ok {
				return nil, nil
			}
			vm.keepMeta(pc, id, res)
			return &LoadResult{Code: code, Map: m, Loader: loader}, nil
		}
	}
	if h := hooks["transform"]; h != nil {
		p.Transform = func(pc *PluginContext, code, id string) (*TransformResult, error) {
			vm.mu.Lock()
			defer vm.mu.Unlock()
			if f, err := vm.currentFilter(h); err != nil || !f.matches(id, code) {
				return nil, err
			}
			res, err := vm.callLocked(context.Background(), h.fn, vm.hookThis(pc, label), vm.rt.ToValue(code), vm.rt.ToValue(id))
			if err != nil {
				return nil, hookError(label, "transform", err)
			}
			out, m, loader, ok, err := vm.codeResult(res)
			if err != nil {
				return nil, fmt.Errorf("plugin %q: transform(%q) %w", label, id, err)
			}
			if !ok {
				return nil, nil
			}
			vm.keepMeta(pc, id, res)
			return &TransformResult{Code: out, Map: m, Loader: loader}, nil
		}
	}
	if h := hooks["transformIndexHtml"]; h != nil {
		p.TransformIndexHTML = vm.bridgeIndexHTML(label, h)
		p.TransformIndexHTMLOrder = h.order
	}
	return p, nil
}

// builtinPlugin converts the object returned by a shim of a plugin govite implements itself.
func (vm *jsVM) builtinPlugin(c *converter, obj *goja.Object, name, builtin, at string) (*Plugin, error) {
	tv, err := c.value(obj.Get("__govite_options"), at)
	if err != nil {
		return nil, err
	}
	opts := map[string]any{}
	switch t := tv.(type) {
	case nil:
	case *jsObject:
		opts = plainValue(t, "", func(p, kind string) {
			c.warn(fmt.Sprintf("plugin %q: option %s: a %s is not supported by govite; it is ignored", name, p, kind))
		}).(map[string]any)
	default:
		return nil, fmt.Errorf("%s: the options of plugin %q must be an object, got %s", at, name, jsTypeName(tv))
	}
	return &Plugin{Name: name, Builtin: builtin, Options: opts}, nil
}

// readHook reads hook name of obj: a function or { handler, order, filter }.
func (vm *jsVM) readHook(c *converter, obj *goja.Object, plugin, name, at string) (*jsHook, error) {
	v := obj.Get(name)
	if !isSet(v) {
		return nil, nil
	}
	if fn, ok := goja.AssertFunction(v); ok {
		return &jsHook{fn: fn}, nil
	}
	where := fmt.Sprintf("plugin %q: hook %s", plugin, name)
	ho, ok := v.(*goja.Object)
	if !ok {
		return nil, fmt.Errorf("%s: expected a function or { handler }, got %s", where, describeJS(v))
	}
	handler := ho.Get("handler")
	if name == "transformIndexHtml" && !isSet(handler) {
		handler = ho.Get("transform") // Vite 4's { enforce, transform } form
	}
	fn, ok := goja.AssertFunction(handler)
	if !ok {
		return nil, fmt.Errorf("%s: expected a function or { handler }, got an object without a handler function", where)
	}
	h := &jsHook{fn: fn, obj: ho, name: name, where: where}
	order := ho.Get("order")
	if !isSet(order) && name == "transformIndexHtml" {
		order = ho.Get("enforce")
	}
	if isSet(order) {
		switch s := order.String(); s {
		case "pre", "post":
			h.order = s
		default:
			return nil, fmt.Errorf("%s: order must be 'pre', 'post' or null, got %q", where, s)
		}
	}
	if f := ho.Get("filter"); isSet(f) {
		if name != "resolveId" && name != "load" && name != "transform" {
			c.warn(fmt.Sprintf("%s: filter is only used on resolveId, load and transform; it is ignored", where))
		} else {
			filter, err := vm.parseFilter(f, name, where)
			if err != nil {
				return nil, err
			}
			h.filter, h.filterVal = filter, f
		}
	}
	for _, k := range ho.Keys() {
		switch k {
		case "handler", "order", "filter", "transform", "enforce":
		default:
			c.warn(fmt.Sprintf("%s: %s is not supported by govite yet; it is ignored", where, k))
		}
	}
	return h, nil
}

func hookError(plugin, hook string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("plugin %q: %s hook failed: %w", plugin, hook, err)
}

func (vm *jsVM) envJS(env ConfigEnv) *goja.Object {
	o := vm.rt.NewObject()
	_ = o.Set("command", env.Command)
	_ = o.Set("mode", env.Mode)
	_ = o.Set("isSsrBuild", env.IsSsrBuild)
	_ = o.Set("isPreview", env.IsPreview)
	return o
}

func (vm *jsVM) bridgeApply(plugin string, fn goja.Callable) func(*UserConfig, ConfigEnv) bool {
	return func(cfg *UserConfig, env ConfigEnv) bool {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		res, err := fn(goja.Undefined(), vm.toJS(encodeUserConfig(cfg)), vm.envJS(env))
		if err != nil {
			vm.warnf("plugin %q: apply threw, so the plugin is not used: %v", plugin, vm.jsError(err))
			return false
		}
		return res.ToBoolean()
	}
}

// bridgeConfig runs a config hook. As in Vite, the hook may return a partial config (merged by the
// caller) or change the config object it receives; changes are read back into cfg.
func (vm *jsVM) bridgeConfig(plugin string, h *jsHook) func(*UserConfig, ConfigEnv) (*UserConfig, error) {
	return func(cfg *UserConfig, env ConfigEnv) (*UserConfig, error) {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		ctx := context.Background()
		cfgJS := vm.toJS(encodeUserConfig(cfg)).(*goja.Object)
		res, err := vm.callLocked(ctx, h.fn, vm.hookThis(nil, plugin), cfgJS, vm.envJS(env))
		if err != nil {
			return nil, hookError(plugin, "config", err)
		}
		prefix := fmt.Sprintf("plugin %q: config hook: ", plugin)
		conv := &converter{vm: vm, ctx: ctx, warn: func(s string) { vm.warnf("%s%s", prefix, s) }}

		// Changes made to the object itself. Plugins cannot be added this way (Vite ignores them too).
		_ = cfgJS.Delete("plugins")
		tree, err := conv.config(cfgJS)
		if err != nil {
			return nil, fmt.Errorf("%s%w", prefix, err)
		}
		changed, warns, err := decodeUserConfig(tree)
		if err != nil {
			return nil, fmt.Errorf("%sthe config it changed is invalid: %w", prefix, err)
		}
		for _, w := range warns {
			vm.warnf("%s%s", prefix, w)
		}
		changed.Plugins, changed.Logger = cfg.Plugins, cfg.Logger
		changed.Worker.Plugins = cfg.Worker.Plugins // not in the object the hook sees (a function in Vite)
		if !reflect.DeepEqual(changed, cfg) {
			*cfg = *changed
		}

		if !isSet(res) {
			return nil, nil
		}
		tree, err = conv.config(res)
		if err != nil {
			return nil, fmt.Errorf("%sits result: %w", prefix, err)
		}
		partial, warns, err := decodeUserConfig(tree)
		if err != nil {
			return nil, fmt.Errorf("%sthe config it returned is invalid: %w", prefix, err)
		}
		for _, w := range warns {
			vm.warnf("%s%s", prefix, w)
		}
		if len(partial.Plugins) > 0 {
			vm.warnf("%splugins returned by a config hook are not used (as in Vite); add them to the config's plugins instead", prefix)
			partial.Plugins = nil
		}
		return partial, nil
	}
}

func (vm *jsVM) bridgeResolveID(plugin string, h *jsHook) func(*PluginContext, string, string, ResolveIDOptions) (*ResolveIDResult, error) {
	return func(pc *PluginContext, source, importer string, opts ResolveIDOptions) (*ResolveIDResult, error) {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		if f, err := vm.currentFilter(h); err != nil || !f.matches(source, "") {
			return nil, err
		}
		o := vm.rt.NewObject()
		_ = o.Set("isEntry", opts.IsEntry)
		_ = o.Set("ssr", opts.SSR)
		if opts.Kind != "" {
			_ = o.Set("kind", opts.Kind)
		}
		_ = o.Set("attributes", vm.rt.NewObject())
		_ = o.Set("custom", vm.rt.NewObject())
		imp := goja.Undefined()
		if importer != "" {
			imp = vm.rt.ToValue(importer)
		}
		res, err := vm.callLocked(context.Background(), h.fn, vm.hookThis(pc, plugin), vm.rt.ToValue(source), imp, o)
		if err != nil {
			return nil, hookError(plugin, "resolveId", err)
		}
		if !isSet(res) {
			return nil, nil
		}
		if b, ok := res.Export().(bool); ok {
			if b {
				return nil, fmt.Errorf("plugin %q: resolveId(%q) returned true; expected a string, an object { id }, false or null", plugin, source)
			}
			return &ResolveIDResult{ID: source, External: true}, nil // Rollup: false marks the import external
		}
		if s, ok := res.Export().(string); ok {
			return &ResolveIDResult{ID: s}, nil
		}
		obj, ok := res.(*goja.Object)
		if !ok || obj.ClassName() == "Array" {
			return nil, fmt.Errorf("plugin %q: resolveId(%q) returned %s; expected a string, an object { id }, false or null", plugin, source, describeJS(res))
		}
		idv := obj.Get("id")
		if !isSet(idv) {
			return nil, fmt.Errorf("plugin %q: resolveId(%q) returned an object without id", plugin, source)
		}
		out := &ResolveIDResult{ID: idv.String()}
		vm.keepMeta(pc, out.ID, obj)
		if ext := obj.Get("external"); isSet(ext) {
			if s, ok := ext.Export().(string); ok {
				out.External = s == "absolute" || s == "relative"
			} else {
				out.External = ext.ToBoolean()
			}
		}
		if se := obj.Get("moduleSideEffects"); isSet(se) {
			b := true
			if v, ok := se.Export().(bool); ok {
				b = v
			}
			out.SideEffects = &b
		}
		return out, nil
	}
}

// keepMeta merges the meta of a hook's result object (Rollup's custom module meta) into what the
// environment keeps for module id, one level deep as Rollup merges it. mu must be held.
func (vm *jsVM) keepMeta(pc *PluginContext, id string, res goja.Value) {
	obj, ok := res.(*goja.Object)
	if !ok {
		return
	}
	meta, ok := obj.Get("meta").(*goja.Object)
	if !ok {
		return
	}
	k := metaKey{pc.EnvironmentName(), id}
	kept := vm.moduleMeta[k]
	if kept == nil {
		if vm.moduleMeta == nil {
			vm.moduleMeta = map[metaKey]*goja.Object{}
		}
		kept = vm.rt.NewObject()
		vm.moduleMeta[k] = kept
	}
	if kept == meta {
		return
	}
	for _, key := range meta.Keys() {
		_ = kept.Set(key, meta.Get(key))
	}
}

// moduleInfoJS is this.getModuleInfo(id): { id, meta } for a module that a hook of the config's
// plugins gave meta, null for any other (govite keeps no other module information for JS hooks
// yet). mu must be held.
func (vm *jsVM) moduleInfoJS(pc *PluginContext, id string) goja.Value {
	meta := vm.moduleMeta[metaKey{pc.EnvironmentName(), id}]
	if meta == nil {
		return goja.Null()
	}
	o := vm.rt.NewObject()
	_ = o.Set("id", id)
	_ = o.Set("meta", meta)
	_ = o.Set("isEntry", false)
	_ = o.Set("isExternal", false)
	return o
}

// codeResult reads what load and transform return: a string, or { code, map, moduleType }. ok is false
// for null/undefined (the next plugin answers).
func (vm *jsVM) codeResult(res goja.Value) (code, sourceMap, loader string, ok bool, err error) {
	if !isSet(res) {
		return "", "", "", false, nil
	}
	if s, isStr := res.Export().(string); isStr {
		return s, "", "", true, nil
	}
	obj, isObj := res.(*goja.Object)
	if !isObj || obj.ClassName() == "Array" {
		return "", "", "", false, fmt.Errorf("returned %s; expected a string, an object { code, map } or null", describeJS(res))
	}
	c := obj.Get("code")
	if !isSet(c) {
		return "", "", "", false, nil
	}
	code = c.String()
	if m := obj.Get("map"); isSet(m) {
		if s, isStr := m.Export().(string); isStr {
			sourceMap = s
		} else if mo, isObj := m.(*goja.Object); isObj {
			b, err := mo.MarshalJSON()
			if err != nil {
				return "", "", "", false, fmt.Errorf("returned a source map that cannot be serialised: %v", err)
			}
			sourceMap = string(b)
		}
	}
	if mt := obj.Get("moduleType"); isSet(mt) {
		switch s := mt.String(); s {
		case "js", "jsx", "ts", "tsx", "json", "css":
			loader = s
		}
	}
	return code, sourceMap, loader, true, nil
}

func (vm *jsVM) bridgeIndexHTML(plugin string, h *jsHook) func(*IndexHTMLContext, string) (*IndexHTMLResult, error) {
	return func(ic *IndexHTMLContext, html string) (*IndexHTMLResult, error) {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		ctxObj := vm.rt.NewObject()
		var pc *PluginContext
		if ic != nil {
			pc = &ic.PluginContext
			_ = ctxObj.Set("path", ic.Path)
			_ = ctxObj.Set("filename", ic.Filename)
			if ic.OriginalURL != "" {
				_ = ctxObj.Set("originalUrl", ic.OriginalURL)
			}
			if ic.Bundle != nil {
				_ = ctxObj.Set("bundle", vm.bundleJS(ic.Bundle))
			}
		}
		res, err := vm.callLocked(context.Background(), h.fn, vm.hookThis(pc, plugin), vm.rt.ToValue(html), ctxObj)
		if err != nil {
			return nil, hookError(plugin, "transformIndexHtml", err)
		}
		if !isSet(res) {
			return nil, nil
		}
		if s, ok := res.Export().(string); ok {
			return &IndexHTMLResult{HTML: s}, nil
		}
		obj, ok := res.(*goja.Object)
		if !ok {
			return nil, fmt.Errorf("plugin %q: transformIndexHtml returned %s; expected a string, an array of tags or { html, tags }", plugin, describeJS(res))
		}
		out := &IndexHTMLResult{}
		tags := res
		if obj.ClassName() != "Array" {
			if hv := obj.Get("html"); isSet(hv) {
				out.HTML = hv.String()
			}
			tags = obj.Get("tags")
		}
		if isSet(tags) {
			list, err := vm.htmlTags(tags)
			if err != nil {
				return nil, fmt.Errorf("plugin %q: transformIndexHtml: %w", plugin, err)
			}
			out.Tags = list
		}
		return out, nil
	}
}

func (vm *jsVM) htmlTags(v goja.Value) ([]HTMLTag, error) {
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() != "Array" {
		return nil, fmt.Errorf("tags: expected an array, got %s", describeJS(v))
	}
	var out []HTMLTag
	n := int(obj.Get("length").ToInteger())
	for i := 0; i < n; i++ {
		t, err := vm.htmlTag(obj.Get(fmt.Sprint(i)), fmt.Sprintf("tags[%d]", i))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func (vm *jsVM) htmlTag(v goja.Value, at string) (HTMLTag, error) {
	obj, ok := v.(*goja.Object)
	if !ok {
		return HTMLTag{}, fmt.Errorf("%s: expected a tag object { tag, attrs, children, injectTo }, got %s", at, describeJS(v))
	}
	var t HTMLTag
	tag := obj.Get("tag")
	if !isSet(tag) {
		return HTMLTag{}, fmt.Errorf("%s: the tag name (tag) is missing", at)
	}
	t.Tag = tag.String()
	if a, ok := obj.Get("attrs").(*goja.Object); ok {
		t.Attrs = map[string]string{}
		for _, k := range a.Keys() {
			av := a.Get(k)
			if !isSet(av) {
				continue
			}
			if b, isBool := av.Export().(bool); isBool {
				if b {
					t.Attrs[k] = "" // a boolean attribute
				}
				continue
			}
			t.Attrs[k] = av.String()
		}
	}
	if ch := obj.Get("children"); isSet(ch) {
		if co, ok := ch.(*goja.Object); ok && co.ClassName() == "Array" {
			kids, err := vm.htmlTags(ch)
			if err != nil {
				return HTMLTag{}, fmt.Errorf("%s.children: %w", at, err)
			}
			var b strings.Builder
			for _, k := range kids {
				b.WriteString(RenderHTMLTag(k))
			}
			t.Children = b.String()
		} else {
			t.Children = ch.String()
		}
	}
	if inj := obj.Get("injectTo"); isSet(inj) {
		switch s := inj.String(); s {
		case "head", "body", "head-prepend", "body-prepend":
			t.InjectTo = s
		default:
			return HTMLTag{}, fmt.Errorf("%s: injectTo must be 'head', 'body', 'head-prepend' or 'body-prepend', got %q", at, s)
		}
	}
	return t, nil
}

var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// RenderHTMLTag renders t as HTML the way Vite prints injected tags: attributes in AttrOrder, then
// by name; an empty value as a bare (boolean) attribute; void elements without a closing tag.
func RenderHTMLTag(t HTMLTag) string {
	var b strings.Builder
	b.WriteString("<" + t.Tag)
	keys := make([]string, 0, len(t.Attrs))
	for k := range t.Attrs {
		if !slices.Contains(t.AttrOrder, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range append(slices.Clone(t.AttrOrder), keys...) {
		if _, ok := t.Attrs[k]; !ok {
			continue
		}
		if v := t.Attrs[k]; v == "" {
			b.WriteString(" " + k)
		} else {
			b.WriteString(" " + k + `="` + attrEscaper.Replace(v) + `"`)
		}
	}
	b.WriteString(">")
	if voidElements[t.Tag] {
		return b.String()
	}
	b.WriteString(t.Children)
	b.WriteString("</" + t.Tag + ">")
	return b.String()
}

var attrEscaper = strings.NewReplacer("&", "&amp;", `"`, "&quot;")

// bundleJS is the build output as transformIndexHtml's ctx.bundle shows it.
func (vm *jsVM) bundleJS(bundle *OutputBundle) *goja.Object {
	o := vm.rt.NewObject()
	names := make([]string, 0, len(bundle.Files))
	for n := range bundle.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := bundle.Files[n]
		fo := vm.rt.NewObject()
		_ = fo.Set("type", f.Type)
		_ = fo.Set("fileName", f.FileName)
		if f.Type == "chunk" {
			_ = fo.Set("name", f.Name)
			_ = fo.Set("code", string(f.Contents))
			_ = fo.Set("isEntry", f.IsEntry)
			_ = fo.Set("isDynamicEntry", f.IsDynamicEntry)
			if f.FacadeModuleID != "" {
				_ = fo.Set("facadeModuleId", f.FacadeModuleID)
			} else {
				_ = fo.Set("facadeModuleId", goja.Null())
			}
			_ = fo.Set("moduleIds", vm.toJS(goToTree(f.ModuleIDs)))
			_ = fo.Set("imports", vm.toJS(goToTree(f.Imports)))
			_ = fo.Set("dynamicImports", vm.toJS(goToTree(f.DynamicImports)))
			meta := vm.rt.NewObject()
			_ = meta.Set("importedCss", vm.toJS(goToTree(f.ImportedCSS)))
			_ = meta.Set("importedAssets", vm.toJS(goToTree(f.ImportedAssets)))
			_ = fo.Set("viteMetadata", meta)
		} else {
			_ = fo.Set("source", string(f.Contents))
			_ = fo.Set("originalFileNames", vm.toJS(goToTree(f.OriginalFileNames)))
		}
		_ = o.Set(n, fo)
	}
	return o
}

// resolvedObject turns the tree of a resolved config into its JS object, with what the tree cannot
// hold: Vite's assetsInclude is a function of a file name there (vite-plugin-svelte calls it).
func (vm *jsVM) resolvedObject(rc *ResolvedConfig, t *jsObject) *goja.Object {
	o := vm.toJS(t).(*goja.Object)
	patterns := rc.AssetsInclude
	_ = o.Set("assetsInclude", func(c goja.FunctionCall) goja.Value {
		return vm.rt.ToValue(IsAsset(c.Argument(0).String(), patterns))
	})
	return o
}

// resolvedJS is the JS view of rc, created once per resolved config. mu must be held.
func (vm *jsVM) resolvedJS(rc *ResolvedConfig) goja.Value {
	if rc == nil {
		return goja.Undefined()
	}
	if o, ok := vm.resolvedObjs[rc]; ok {
		return o
	}
	o := vm.resolvedObject(rc, resolvedConfigTree(rc))
	vm.resolvedObjs[rc] = o
	return o
}

// hookThis is `this` inside a hook: Rollup's plugin context as far as govite offers it. pc is nil for
// hooks that run before there is a pipeline (config, configResolved). mu must be held.
func (vm *jsVM) hookThis(pc *PluginContext, plugin string) *goja.Object {
	rt := vm.rt
	o := rt.NewObject()
	message := func(v goja.Value) string {
		if obj, ok := v.(*goja.Object); ok {
			if m := obj.Get("message"); isSet(m) {
				return m.String()
			}
		}
		if !isSet(v) {
			return ""
		}
		return v.String()
	}
	warn := func(c goja.FunctionCall) goja.Value {
		msg := message(c.Argument(0))
		if pc != nil && pc.Host != nil {
			pc.Host.Warn(fmt.Sprintf("[plugin %s] %s", plugin, msg))
		} else {
			vm.warnf("plugin %q: %s", plugin, msg)
		}
		return goja.Undefined()
	}
	_ = o.Set("warn", warn)
	_ = o.Set("info", func(c goja.FunctionCall) goja.Value {
		_, _ = fmt.Fprintf(vm.stdout, "[plugin %s] %s\n", plugin, message(c.Argument(0)))
		return goja.Undefined()
	})
	_ = o.Set("debug", func(goja.FunctionCall) goja.Value { return goja.Undefined() })
	_ = o.Set("error", func(c goja.FunctionCall) goja.Value {
		arg := c.Argument(0)
		if obj, ok := arg.(*goja.Object); ok && obj.ClassName() == "Error" {
			panic(obj)
		}
		panic(vm.newError(message(arg)))
	})
	meta := rt.NewObject()
	_ = meta.Set("rollupVersion", "4.0.0")
	_ = meta.Set("viteVersion", "8.0.0")
	_ = meta.Set("watchMode", pc != nil && pc.Config != nil && pc.Config.Command == "serve")
	_ = o.Set("meta", meta)
	_ = o.Set("addWatchFile", func(c goja.FunctionCall) goja.Value {
		if pc != nil && pc.Host != nil {
			pc.Host.AddWatchFile(c.Argument(0).String())
		}
		return goja.Undefined()
	})
	if pc != nil && pc.CombinedSourcemap != nil {
		combined := pc.CombinedSourcemap
		_ = o.Set("getCombinedSourcemap", func(goja.FunctionCall) goja.Value {
			var m any
			if err := json.Unmarshal([]byte(combined()), &m); err != nil {
				panic(vm.newError("this.getCombinedSourcemap(): " + err.Error()))
			}
			return rt.ToValue(m)
		})
	}
	_ = o.Set("getWatchFiles", func(goja.FunctionCall) goja.Value { return rt.NewArray() })
	_ = o.Set("getModuleInfo", func(c goja.FunctionCall) goja.Value { return vm.moduleInfoJS(pc, c.Argument(0).String()) })
	_ = o.Set("getModuleIds", func(goja.FunctionCall) goja.Value { return rt.NewArray() })
	for _, name := range []string{"emitFile", "getFileName", "setAssetSource", "parse", "load"} {
		name := name
		_ = o.Set(name, func(goja.FunctionCall) goja.Value {
			panic(vm.newError(fmt.Sprintf("this.%s() is not supported by govite yet (plugin %s)", name, plugin)))
		})
	}
	_ = o.Set("resolve", func(c goja.FunctionCall) goja.Value {
		source := c.Argument(0).String()
		importer := ""
		if a := c.Argument(1); isSet(a) {
			importer = a.String()
		}
		skipSelf := true
		if opts, ok := c.Argument(2).(*goja.Object); ok {
			if s := opts.Get("skipSelf"); isSet(s) {
				skipSelf = s.ToBoolean()
			}
		}
		if pc == nil || pc.Host == nil {
			p, _, reject := rt.NewPromise()
			_ = reject(vm.newError("this.resolve() is not available in this hook"))
			return rt.ToValue(p)
		}
		host := pc.Host
		return vm.startAsync(func() (any, error) {
			return host.Resolve(source, importer, skipSelf)
		}, func(v any) goja.Value {
			r, _ := v.(*ResolveIDResult)
			if r == nil {
				return goja.Null()
			}
			ro := rt.NewObject()
			_ = ro.Set("id", r.ID)
			_ = ro.Set("external", r.External)
			if r.SideEffects != nil {
				_ = ro.Set("moduleSideEffects", *r.SideEffects)
			} else {
				_ = ro.Set("moduleSideEffects", true)
			}
			return ro
		})
	})
	if pc != nil {
		env := pc.Environment
		switch {
		case env == nil:
			env = &Environment{Config: pc.Config}
		case env.Config == nil && pc.Config != nil:
			e := *env
			e.Config = pc.Config
			env = &e
		}
		_ = o.Set("environment", vm.environmentJS(env))
	}
	return o
}

// ---- hook filters ----

// hookFilter is the `filter` of a { handler, filter } hook: ids and code the hook is called for. A nil
// filter matches everything. It is evaluated with mu held (JS regular expressions may be used).
type hookFilter struct {
	id, code, moduleType *patternSet
}

type patternSet struct {
	include, exclude []func(string) bool
}

func (s *patternSet) match(v string) bool {
	if s == nil {
		return true
	}
	for _, m := range s.exclude {
		if m(v) {
			return false
		}
	}
	if len(s.include) == 0 {
		return true
	}
	for _, m := range s.include {
		if m(v) {
			return true
		}
	}
	return false
}

func (f *hookFilter) matches(id, code string) bool {
	if f == nil {
		return true
	}
	normID := filepath.ToSlash(id)
	return f.id.match(normID) && f.code.match(code) && f.moduleType.match(moduleTypeOf(normID))
}

// moduleTypeOf guesses the module type of id from its extension.
func moduleTypeOf(id string) string {
	if i := strings.IndexAny(id, "?#"); i >= 0 {
		id = id[:i]
	}
	switch path.Ext(id) {
	case ".js", ".mjs", ".cjs":
		return "js"
	case ".jsx":
		return "jsx"
	case ".ts", ".mts", ".cts":
		return "ts"
	case ".tsx":
		return "tsx"
	case ".json":
		return "json"
	case ".css":
		return "css"
	}
	return ""
}

func (vm *jsVM) parseFilter(v goja.Value, hook, where string) (*hookFilter, error) {
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() == "Array" {
		return nil, fmt.Errorf("%s: filter must be an object { id, code, moduleType }, got %s", where, describeJS(v))
	}
	f := &hookFilter{}
	var err error
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		switch k {
		case "id":
			f.id, err = vm.patternSet(val, "id", hook, where+": filter.id")
		case "code":
			if hook != "transform" {
				return nil, fmt.Errorf("%s: filter.code is only available for transform", where)
			}
			f.code, err = vm.patternSet(val, "code", hook, where+": filter.code")
		case "moduleType":
			f.moduleType, err = vm.patternSet(val, "moduleType", hook, where+": filter.moduleType")
		default:
			return nil, fmt.Errorf("%s: filter.%s is not a filter govite knows (id, code, moduleType)", where, k)
		}
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (vm *jsVM) patternSet(v goja.Value, kind, hook, where string) (*patternSet, error) {
	if !isSet(v) {
		return nil, nil
	}
	s := &patternSet{}
	obj, isObj := v.(*goja.Object)
	if isObj && obj.ClassName() == "Object" {
		for _, k := range obj.Keys() {
			var dst *[]func(string) bool
			switch k {
			case "include":
				dst = &s.include
			case "exclude":
				dst = &s.exclude
			default:
				return nil, fmt.Errorf("%s: expected { include, exclude }, got key %q", where, k)
			}
			ms, err := vm.patterns(obj.Get(k), kind, hook, where+"."+k)
			if err != nil {
				return nil, err
			}
			*dst = ms
		}
		return s, nil
	}
	ms, err := vm.patterns(v, kind, hook, where)
	if err != nil {
		return nil, err
	}
	s.include = ms
	return s, nil
}

func (vm *jsVM) patterns(v goja.Value, kind, hook, where string) ([]func(string) bool, error) {
	if !isSet(v) {
		return nil, nil
	}
	if obj, ok := v.(*goja.Object); ok && obj.ClassName() == "Array" {
		var out []func(string) bool
		n := int(obj.Get("length").ToInteger())
		for i := 0; i < n; i++ {
			m, err := vm.pattern(obj.Get(fmt.Sprint(i)), kind, hook, fmt.Sprintf("%s[%d]", where, i))
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		return out, nil
	}
	m, err := vm.pattern(v, kind, hook, where)
	if err != nil {
		return nil, err
	}
	return []func(string) bool{m}, nil
}

func (vm *jsVM) pattern(v goja.Value, kind, hook, where string) (func(string) bool, error) {
	if obj, ok := v.(*goja.Object); ok && obj.ClassName() == "RegExp" {
		src, flags := obj.Get("source").String(), obj.Get("flags").String()
		if goSrc, err := TranslateRegExp(src, flags); err == nil {
			re := regexp.MustCompile(goSrc)
			return re.MatchString, nil
		}
		// Lookaround and the like: let the engine test it (filters run with the lock held).
		test, _ := goja.AssertFunction(obj.Get("test"))
		return func(s string) bool {
			_ = obj.Set("lastIndex", 0)
			r, err := test(obj, vm.rt.ToValue(s))
			return err == nil && r.ToBoolean()
		}, nil
	}
	s, ok := v.Export().(string)
	if !ok {
		return nil, fmt.Errorf("%s: expected a string or a RegExp, got %s", where, describeJS(v))
	}
	switch kind {
	case "code":
		return func(code string) bool { return strings.Contains(code, s) }, nil
	case "moduleType":
		return func(mt string) bool { return mt == s }, nil
	}
	if hook == "resolveId" {
		return nil, fmt.Errorf("%s: string patterns are not available for resolveId (ids are not paths yet); use a RegExp", where)
	}
	glob := s
	if !strings.HasPrefix(glob, "/") && !strings.HasPrefix(glob, "*") {
		wd, _ := os.Getwd()
		glob = path.Join(filepath.ToSlash(wd), glob)
	}
	re, err := regexp.Compile(GlobToRegexp(glob))
	if err != nil {
		return nil, fmt.Errorf("%s: invalid glob %q: %v", where, s, err)
	}
	return re.MatchString, nil
}

// GlobToRegexp translates a glob (`**` any path, `*` and `?` within a path segment, `{a,b}`
// alternatives, `[...]` classes) into an anchored Go regular expression.
func GlobToRegexp(glob string) string {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(glob); i++ {
		c := glob[i]
		switch c {
		case '*':
			if i+1 < len(glob) && glob[i+1] == '*' {
				i++
				if i+1 < len(glob) && glob[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '{':
			end := strings.IndexByte(glob[i:], '}')
			if end < 0 {
				b.WriteString(`\{`)
				continue
			}
			alts := strings.Split(glob[i+1:i+end], ",")
			for j, a := range alts {
				alts[j] = regexp.QuoteMeta(a)
			}
			b.WriteString("(?:" + strings.Join(alts, "|") + ")")
			i += end
		case '[':
			end := strings.IndexByte(glob[i:], ']')
			if end < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := glob[i+1 : i+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i += end
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return b.String()
}
