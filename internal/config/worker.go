package config

import (
	"fmt"
	"reflect"

	"github.com/dop251/goja"
)

// WorkerOptions is Vite's `worker`: how the web workers an app creates (`?worker` imports and
// `new Worker(new URL('./w.js', import.meta.url))`) are bundled in a build. The dev server serves
// workers as module workers and ignores these options, as Vite does.
type WorkerOptions struct {
	// Format is the output format of worker bundles: "iife" (the default) or "es".
	Format string `js:"format"`
	// Plugins are the plugins of worker bundles. The config's plugins do not apply to workers in a
	// build (Vite documents the same). In a config file `worker.plugins` is a function returning the
	// plugins; it is called once when the config is loaded.
	Plugins []*Plugin `js:"-"`
	// RollupOptions and RolldownOptions name the worker bundles' output files.
	RollupOptions   WorkerRollupOptions `js:"rollupOptions"`
	RolldownOptions WorkerRollupOptions `js:"rolldownOptions"`
}

// WorkerRollupOptions is the part of worker.rollupOptions / worker.rolldownOptions govite reads.
type WorkerRollupOptions struct {
	Output WorkerOutputOptions `js:"output"`
}

// WorkerOutputOptions are the file-name patterns of worker bundles' chunks, with Rollup's
// placeholders [name], [hash] (and [hash:N]), [ext] and [extname]. assetFileNames is not read: the
// assets a worker imports are named like the app's.
type WorkerOutputOptions struct {
	EntryFileNames string `js:"entryFileNames"`
	ChunkFileNames string `js:"chunkFileNames"`
}

// ResolvedWorkerOptions is worker.* with defaults applied. The file-name patterns are "" when not
// set (the build then names files [assetsDir]/[name]-[hash].[ext], as Vite does).
type ResolvedWorkerOptions struct {
	Format string // "iife" or "es"
	// Plugins are worker.plugins filtered by apply and sorted by enforce.
	Plugins        []*Plugin
	EntryFileNames string
	ChunkFileNames string
}

// resolveWorker applies worker.*'s defaults. rolldownOptions wins over rollupOptions, as in Vite 8.
func resolveWorker(w *WorkerOptions, command string, env ConfigEnv, cfg *UserConfig) (ResolvedWorkerOptions, error) {
	r := ResolvedWorkerOptions{Format: w.Format}
	switch r.Format {
	case "":
		r.Format = "iife"
	case "es", "iife":
	default:
		return r, fmt.Errorf("worker.format: expected 'es' or 'iife', got %q", r.Format)
	}
	for _, o := range []WorkerOutputOptions{w.RollupOptions.Output, w.RolldownOptions.Output} {
		if o.EntryFileNames != "" {
			r.EntryFileNames = o.EntryFileNames
		}
		if o.ChunkFileNames != "" {
			r.ChunkFileNames = o.ChunkFileNames
		}
	}
	var plugins []*Plugin
	for _, p := range w.Plugins {
		if p == nil {
			continue
		}
		if p.ApplyFunc != nil {
			if !p.ApplyFunc(cfg, env) {
				continue
			}
		} else if p.Apply != "" && p.Apply != command {
			continue
		}
		plugins = append(plugins, p)
	}
	if len(plugins) > 0 {
		r.Plugins = SortPlugins(plugins)
	}
	return r, nil
}

// runWorkerConfigResolved calls the configResolved hooks of the worker plugins, which see the same
// resolved config as the others.
func runWorkerConfigResolved(rc *ResolvedConfig) error {
	for _, p := range rc.Worker.Plugins {
		if p.ConfigResolved == nil {
			continue
		}
		if err := p.ConfigResolved(rc); err != nil {
			return pluginError(p, "configResolved", err)
		}
	}
	return nil
}

// decodeWorkerPlugins decodes worker.plugins, which the converter has already turned from the
// function a config file gives into a list of plugins.
func decodeWorkerPlugins(d *decoder, v any, _, parent reflect.Value, path string) {
	if _, ok := v.(*jsFunction); ok {
		d.errorf(path, "the function could not be called while reading the config; return the plugins from worker.plugins: () => [...]")
		return
	}
	w := parent.Addr().Interface().(*WorkerOptions)
	field := reflect.ValueOf(&w.Plugins).Elem()
	d.decodePlugins(v, field, path)
}

// decodeFileNamePattern decodes build.* and worker.rollupOptions.output.*FileNames: a string; Rollup's function
// form is not supported and is warned about.
func decodeFileNamePattern(d *decoder, v any, field, _ reflect.Value, path string) {
	switch v := v.(type) {
	case string:
		field.SetString(v)
	case *jsFunction:
		d.warnf("%s: a function is not supported by govite yet; it is ignored (the default file names are used)", path)
	default:
		d.typeError(path, "a string", v)
	}
}

// workerOptions converts a config file's `worker` object. Its `plugins` is a function returning the
// plugins (Vite 5 and later); it is called here, with the engine's lock held, and its result flattened
// like the config's plugins.
func (c *converter) workerOptions(v goja.Value) (any, error) {
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() == "Array" {
		return c.value(v, "worker")
	}
	if _, isFn := goja.AssertFunction(obj); isFn {
		return c.value(v, "worker")
	}
	out := newJSObject()
	for _, k := range obj.Keys() {
		if k != "plugins" {
			val, err := c.value(obj.Get(k), joinPath("worker", k))
			if err != nil {
				return nil, err
			}
			out.set(k, val)
			continue
		}
		pv := obj.Get(k)
		if pv == nil || goja.IsUndefined(pv) || goja.IsNull(pv) {
			continue
		}
		po, _ := pv.(*goja.Object)
		fn, isFn := goja.AssertFunction(po)
		if po == nil || !isFn {
			return nil, fmt.Errorf("worker.plugins is now a function that returns an array of plugins (since Vite 5); write worker: { plugins: () => [...] }")
		}
		res, err := c.vm.callLocked(c.ctx, fn, goja.Undefined(), c.vm.rt.NewArray())
		if err != nil {
			return nil, fmt.Errorf("worker.plugins: %w", err)
		}
		var list []any
		if err := c.flattenPlugins(res, "worker.plugins", &list); err != nil {
			return nil, err
		}
		out.set(k, list)
	}
	return out, nil
}
