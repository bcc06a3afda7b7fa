package config

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"github.com/dop251/goja"
)

// The environment side of JS plugins and configs: this.environment, the applyToEnvironment,
// configEnvironment, hotUpdate and buildApp hooks, and the createEnvironment and builder.buildApp
// functions of config files. Every bridge holds the engine's lock for the whole call (see jsVM).

// environmentJS is the JS view of env: `this.environment` and the argument of applyToEnvironment.
// mu must be held.
func (vm *jsVM) environmentJS(env *Environment) *goja.Object {
	o := vm.rt.NewObject()
	if env == nil {
		return o
	}
	_ = o.Set("name", env.Name)
	mode := env.Mode
	if mode == "" && env.Config != nil {
		mode = "dev"
		if env.Config.Command == "build" {
			mode = "build"
		}
	}
	_ = o.Set("mode", mode)
	if env.Config != nil {
		opts := env.Options
		if opts == nil {
			opts = env.Config.Environments[env.Name]
		}
		_ = o.Set("config", vm.envConfigJS(env.Config, env.Name, opts))
	}
	if tr := env.TransformRequest; tr != nil {
		_ = o.Set("transformRequest", func(c goja.FunctionCall) goja.Value {
			u := c.Argument(0).String()
			return vm.startAsync(func() (any, error) { return tr(context.Background(), u) }, func(v any) goja.Value {
				r := vm.rt.NewObject()
				_ = r.Set("code", v)
				_ = r.Set("map", goja.Null())
				return r
			})
		})
	}
	if hot := env.Hot; hot != nil {
		h := vm.rt.NewObject()
		_ = h.Set("send", func(c goja.FunctionCall) goja.Value {
			event, data := "", c.Argument(1)
			if obj, ok := c.Argument(0).(*goja.Object); ok {
				if t := obj.Get("type"); !isSet(t) || t.String() != "custom" {
					panic(vm.rt.NewTypeError("hot.send(payload): govite sends custom events only; use hot.send(event, data)"))
				}
				event, data = obj.Get("event").String(), obj.Get("data")
			} else {
				event = c.Argument(0).String()
			}
			hot.Send(event, vm.plainData(data))
			return goja.Undefined()
		})
		_ = o.Set("hot", h)
	}
	return o
}

// plainData is v as plain Go data (maps, slices, strings, numbers) for a payload sent to the
// browsers; it throws when v cannot be one. mu must be held.
func (vm *jsVM) plainData(v goja.Value) any {
	conv := &converter{vm: vm, ctx: context.Background(), warn: func(string) {}}
	var tv any
	if err := vm.guard(func() (err error) { tv, err = conv.value(v, "data"); return err }); err != nil {
		panic(vm.newError(err.Error()))
	}
	return plainValue(tv, "data", nil)
}

// envConfigJS is an environment's `config` as Vite shows it: the resolved config with the
// environment's own options (consumer, define, resolve, optimizeDeps, dev, build) in place of the
// top-level ones. It is created once per config and environment. mu must be held.
func (vm *jsVM) envConfigJS(rc *ResolvedConfig, name string, opts *ResolvedEnvironmentOptions) goja.Value {
	if opts == nil {
		return vm.resolvedJS(rc)
	}
	key := envKey{rc, name}
	if o, ok := vm.envObjs[key]; ok {
		return o
	}
	t := resolvedConfigTree(rc)
	et := environmentTree(opts)
	for _, k := range et.keys {
		t.set(k, et.vals[k])
	}
	o := vm.resolvedObject(rc, t)
	if vm.envObjs == nil {
		vm.envObjs = map[envKey]*goja.Object{}
	}
	vm.envObjs[key] = o
	return o
}

// environmentTree is the JS view of one environment's resolved options (Vite's
// ResolvedEnvironmentOptions, config.environments[name]).
func environmentTree(re *ResolvedEnvironmentOptions) *jsObject {
	o := newJSObject()
	o.set("consumer", re.Consumer)
	o.set("define", goToTree(re.Define))
	o.set("resolve", encodeStruct(reflect.ValueOf(re.Resolve), "resolve"))
	o.set("optimizeDeps", encodeStruct(reflect.ValueOf(re.OptimizeDeps), "optimizeDeps"))
	dev := newJSObject()
	dev.set("warmup", goToTree(re.Dev.Warmup))
	dev.set("preTransformRequests", re.Dev.PreTransformRequests)
	dev.set("moduleRunnerTransform", re.Dev.ModuleRunnerTransform)
	if re.Dev.Runner != "" {
		dev.set("runner", re.Dev.Runner)
	}
	o.set("dev", dev)
	build := buildTree(re.Build)
	build.set("emitAssets", re.Build.EmitAssets)
	o.set("build", build)
	return o
}

// bridgeCreateEnvironment makes a Go createEnvironment of a config file's function. It is called
// with the environment's name and the resolved config, as in Vite; what it returns is described by a
// *JSEnvironment.
func (vm *jsVM) bridgeCreateEnvironment(fn goja.Callable, where string) func(string, *ResolvedConfig) (any, error) {
	return func(name string, rc *ResolvedConfig) (any, error) {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		cfgJS := goja.Undefined()
		if rc != nil {
			cfgJS = vm.envConfigJS(rc, name, rc.Environments[name])
		}
		res, err := vm.callLocked(context.Background(), fn, goja.Undefined(), vm.rt.ToValue(name), cfgJS, vm.rt.NewObject())
		if err != nil {
			return nil, fmt.Errorf("%s (environment %q) threw: %w", where, name, err)
		}
		obj, ok := res.(*goja.Object)
		if !ok {
			return nil, fmt.Errorf("%s (environment %q) returned %s; expected an environment object", where, name, describeJS(res))
		}
		je := &JSEnvironment{Name: name}
		if n := obj.Get("name"); isSet(n) {
			je.Name = n.String()
		}
		if k := obj.Get("__govite_environment"); isSet(k) {
			je.Kind = k.String()
		}
		return je, nil
	}
}

// bridgeBuildApp makes a Go buildApp of a JS function: builder.buildApp of a config file (plugin "")
// or a plugin's buildApp hook.
func (vm *jsVM) bridgeBuildApp(fn goja.Callable, plugin, where string) func(context.Context, AppBuilder) error {
	return func(ctx context.Context, b AppBuilder) error {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		this := goja.Undefined()
		if plugin != "" {
			this = vm.hookThis(nil, plugin)
		}
		_, err := vm.callLocked(ctx, fn, this, vm.appBuilderJS(ctx, b))
		if err != nil {
			if plugin != "" {
				return hookError(plugin, "buildApp", err)
			}
			return fmt.Errorf("%s: %w", where, err)
		}
		return nil
	}
}

// bridgeResolveDependencies makes a ResolveDependenciesFunc of a JS
// resolveDependencies(filename, deps, { hostId, hostType }). Vite calls it synchronously; a promise
// is awaited here all the same.
func (vm *jsVM) bridgeResolveDependencies(fn goja.Callable, where string) ResolveDependenciesFunc {
	return func(filename string, deps []string, hostID, hostType string) ([]string, error) {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		rt := vm.rt
		list := make([]any, len(deps))
		for i, d := range deps {
			list[i] = d
		}
		host := rt.NewObject()
		_ = host.Set("hostId", hostID)
		_ = host.Set("hostType", hostType)
		out, err := vm.callLocked(context.Background(), fn, goja.Undefined(), rt.ToValue(filename), rt.NewArray(list...), host)
		if err != nil {
			return nil, fmt.Errorf("%s(%q, …, { hostId: %q, hostType: %q }): %w", where, filename, hostID, hostType, err)
		}
		bad := fmt.Errorf("%s(%q, …, { hostId: %q, hostType: %q }) returned %s; it must return an array of file names relative to build.outDir",
			where, filename, hostID, hostType, describeJS(out))
		items, ok := out.Export().([]any)
		if !ok {
			return nil, bad
		}
		files := make([]string, len(items))
		for i, it := range items {
			if files[i], ok = it.(string); !ok {
				return nil, bad
			}
		}
		return files, nil
	}
}

// appBuilderJS is Vite's ViteBuilder as JS sees it: environments (name -> { name, mode, config,
// isBuilt }), config, and build(environment), whose promise settles when the Go build of that
// environment is done. mu must be held.
func (vm *jsVM) appBuilderJS(ctx context.Context, b AppBuilder) *goja.Object {
	rt := vm.rt
	var rc *ResolvedConfig
	if cb, ok := b.(interface{ Config() *ResolvedConfig }); ok {
		rc = cb.Config()
	}
	names := b.Environments()
	o := rt.NewObject()
	envs := rt.NewObject()
	for _, name := range names {
		eo := rt.NewObject()
		_ = eo.Set("name", name)
		_ = eo.Set("mode", "build")
		if rc != nil {
			_ = eo.Set("config", vm.envConfigJS(rc, name, rc.Environments[name]))
		}
		_ = eo.DefineAccessorProperty("isBuilt", rt.ToValue(func(goja.FunctionCall) goja.Value {
			return rt.ToValue(b.IsBuilt(name))
		}), nil, goja.FLAG_TRUE, goja.FLAG_TRUE)
		_ = envs.Set(name, eo)
	}
	_ = o.Set("environments", envs)
	if rc != nil {
		_ = o.Set("config", vm.resolvedJS(rc))
	}
	rejected := func(msg string) goja.Value {
		p, _, reject := rt.NewPromise()
		_ = reject(vm.newError(msg))
		return rt.ToValue(p)
	}
	_ = o.Set("build", func(c goja.FunctionCall) goja.Value {
		name := ""
		switch a := c.Argument(0).(type) {
		case *goja.Object:
			if n := a.Get("name"); isSet(n) {
				name = n.String()
			}
		default:
			if isSet(a) {
				name = a.String()
			}
		}
		if !slices.Contains(names, name) {
			return rejected(fmt.Sprintf("builder.build(): unknown environment %q (environments: %v)", name, names))
		}
		return vm.startAsync(func() (any, error) {
			return nil, b.Build(ctx, name)
		}, func(any) goja.Value { return goja.Undefined() })
	})
	_ = o.Set("buildApp", func(goja.FunctionCall) goja.Value {
		return rejected("builder.buildApp() cannot be called from buildApp itself")
	})
	_ = o.Set("runDevTools", func(goja.FunctionCall) goja.Value {
		p, resolve, _ := rt.NewPromise()
		_ = resolve(goja.Undefined())
		return rt.ToValue(p)
	})
	return o
}

// bridgeApplyToEnvironment runs an applyToEnvironment hook: false (or a falsy value) drops the plugin
// from the environment, true keeps it, a plugin or an array of plugins (promises allowed) replaces it.
// An exception drops the plugin with a warning.
func (vm *jsVM) bridgeApplyToEnvironment(plugin string, fn goja.Callable, self *goja.Object) func(*Environment) (bool, []*Plugin) {
	return func(env *Environment) (bool, []*Plugin) {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		name := ""
		if env != nil {
			name = env.Name
		}
		warn := func(msg string) {
			if env != nil && env.Config != nil && env.Config.Logger != nil {
				env.Config.Logger.Warn(msg)
				return
			}
			vm.warnf("%s", msg)
		}
		res, err := vm.callLocked(context.Background(), fn, self, vm.environmentJS(env))
		if err != nil {
			warn(fmt.Sprintf("plugin %q: applyToEnvironment threw for environment %q, so the plugin is not used there: %v", plugin, name, err))
			return false, nil
		}
		if !isSet(res) || !res.ToBoolean() {
			return false, nil
		}
		if b, ok := res.Export().(bool); ok {
			return b, nil
		}
		conv := &converter{vm: vm, ctx: context.Background(), warn: warn}
		var list []any
		at := fmt.Sprintf("plugin %q: applyToEnvironment(%q)", plugin, name)
		if err := vm.guard(func() error { return conv.flattenPlugins(res, at, &list) }); err != nil {
			warn(fmt.Sprintf("%v; the plugin is not used in environment %q", err, name))
			return false, nil
		}
		out := []*Plugin{}
		for _, p := range list {
			if pp, ok := p.(*Plugin); ok {
				out = append(out, pp)
			}
		}
		return true, out
	}
}

// bridgeConfigEnvironment runs a configEnvironment hook. As in Vite, the hook may change the options
// object it receives (read back into opts) or return a partial (merged by the caller).
func (vm *jsVM) bridgeConfigEnvironment(plugin string, h *jsHook) func(string, *EnvironmentOptions, ConfigEnv) (*EnvironmentOptions, error) {
	return func(name string, opts *EnvironmentOptions, env ConfigEnv) (*EnvironmentOptions, error) {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		ctx := context.Background()
		optsJS := vm.toJS(encodeEnvironmentOptions(opts)).(*goja.Object)
		envObj := vm.envJS(env)
		_ = envObj.Set("isSsrTargetWebworker", env.IsSsrTargetWebworker)
		res, err := vm.callLocked(ctx, h.fn, vm.hookThis(nil, plugin), vm.rt.ToValue(name), optsJS, envObj)
		if err != nil {
			return nil, hookError(plugin, "configEnvironment", err)
		}
		prefix := fmt.Sprintf("plugin %q: configEnvironment hook: ", plugin)
		conv := &converter{vm: vm, ctx: ctx, warn: func(s string) { vm.warnf("%s%s", prefix, s) }}
		at := joinPath("environments", name)
		read := func(v goja.Value) (*EnvironmentOptions, error) {
			var tv any
			if err := vm.guard(func() (err error) { tv, err = conv.value(v, at); return err }); err != nil {
				return nil, err
			}
			o, ok := tv.(*jsObject)
			if !ok {
				return nil, fmt.Errorf("expected an object of environment options, got %s", jsTypeName(tv))
			}
			eo, warns, err := decodeEnvironmentOptions(o, at)
			for _, w := range warns {
				vm.warnf("%s%s", prefix, w)
			}
			return eo, err
		}
		changed, err := read(optsJS)
		if err != nil {
			return nil, fmt.Errorf("%sthe options it changed are invalid: %w", prefix, err)
		}
		if !reflect.DeepEqual(changed, opts) {
			*opts = *changed
		}
		if !isSet(res) {
			return nil, nil
		}
		partial, err := read(res)
		if err != nil {
			return nil, fmt.Errorf("%sthe options it returned are invalid: %w", prefix, err)
		}
		return partial, nil
	}
}

// bridgeHotUpdate runs a hotUpdate hook. Its options are Vite's { type, file, timestamp, modules,
// read, server }; modules are { id, file } objects, and the hook returns module objects (or ids), or
// nothing.
func (vm *jsVM) bridgeHotUpdate(plugin string, h *jsHook) func(*PluginContext, *HotUpdateOptions) ([]string, error) {
	return func(pc *PluginContext, o *HotUpdateOptions) ([]string, error) {
		return vm.callHotUpdate(plugin, "hotUpdate", h, pc, o)
	}
}

// bridgeHandleHotUpdate runs a handleHotUpdate hook, Vite's hook from before the Environment API:
// as in Vite it sees changes to existing files only (not created or deleted ones), once, in the
// client environment, with the same { file, timestamp, modules, read, server } context, and what it
// returns replaces the modules the client updates. A plugin with both hooks gets only hotUpdate.
func (vm *jsVM) bridgeHandleHotUpdate(plugin string, h *jsHook) func(*PluginContext, *HotUpdateOptions) ([]string, error) {
	return func(pc *PluginContext, o *HotUpdateOptions) ([]string, error) {
		if o.Type != "update" || (pc != nil && pc.EnvironmentName() != "client") {
			return nil, nil
		}
		return vm.callHotUpdate(plugin, "handleHotUpdate", h, pc, o)
	}
}

func (vm *jsVM) callHotUpdate(plugin, hook string, h *jsHook, pc *PluginContext, o *HotUpdateOptions) ([]string, error) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	rt := vm.rt
	opts := rt.NewObject()
	mods := make([]any, 0, len(o.Modules))
	for i, id := range o.Modules {
		m := rt.NewObject()
		_ = m.Set("id", id)
		if i < len(o.ModuleURLs) && o.ModuleURLs[i] != "" {
			_ = m.Set("url", o.ModuleURLs[i])
		}
		file := id
		if i := indexQuery(id); i >= 0 {
			file = id[:i]
		}
		_ = m.Set("file", file)
		mods = append(mods, m)
	}
	_ = opts.Set("type", o.Type)
	_ = opts.Set("file", o.File)
	_ = opts.Set("timestamp", o.Timestamp)
	_ = opts.Set("modules", rt.NewArray(mods...))
	read := o.Read
	_ = opts.Set("read", func(goja.FunctionCall) goja.Value {
		if read == nil {
			panic(vm.newError("read() is not available for this update"))
		}
		s, err := read()
		if err != nil {
			panic(vm.newError(err.Error()))
		}
		return rt.ToValue(s)
	})
	if o.Server != nil {
		_ = opts.Set("server", vm.serverJS(plugin, o.Server))
	}
	res, err := vm.callLocked(context.Background(), h.fn, vm.hookThis(pc, plugin), opts)
	if err != nil {
		return nil, hookError(plugin, hook, err)
	}
	if !isSet(res) {
		return nil, nil
	}
	arr, ok := res.(*goja.Object)
	if !ok || arr.ClassName() != "Array" {
		return nil, fmt.Errorf("plugin %q: %s returned %s; expected an array of modules or nothing", plugin, hook, describeJS(res))
	}
	n := int(arr.Get("length").ToInteger())
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		e := arr.Get(fmt.Sprint(i))
		if mo, ok := e.(*goja.Object); ok {
			if id := mo.Get("id"); isSet(id) {
				out = append(out, id.String())
				continue
			}
		} else if s, ok := e.Export().(string); ok {
			out = append(out, s)
			continue
		}
		if !isSet(e) {
			continue
		}
		return nil, fmt.Errorf("plugin %q: %s returned %s at index %d; expected a module (an object with an id)", plugin, hook, describeJS(e), i)
	}
	return out, nil
}

func indexQuery(id string) int {
	for i := 0; i < len(id); i++ {
		if id[i] == '?' || id[i] == '#' {
			return i
		}
	}
	return -1
}
