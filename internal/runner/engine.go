package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/dop251/goja"
	"github.com/evanw/esbuild/pkg/api"

	"github.com/govite/govite/client"
	"github.com/govite/govite/internal/runner/jsrt"
)

// EngineOptions configure an Engine runner.
type EngineOptions struct {
	Name   string       // the environment, in errors and console records
	Logger *slog.Logger // console output of the modules
}

// Engine runs an environment's modules in process, on govite's embedded JS engine (package jsrt):
// no Node is needed, and each environment gets its own engine, isolated from the others.
type Engine struct {
	rt         *jsrt.Runtime
	host       Host
	runner     *goja.Object // the JS ModuleRunner
	receive    func([]byte)
	disconnect func()
	closeOnce  sync.Once
}

// wrapperHeader opens the function a module's code is evaluated in; the code starts on the next line,
// so the server shifts the module's source map by one line (startOffset).
const wrapperHeader = `(async function (__vite_ssr_exports__, __vite_ssr_import_meta__, __vite_ssr_import__, __vite_ssr_dynamic_import__, __vite_ssr_exportAll__, __vite_ssr_exportName__) {"use strict";`

// runnerProgram is client/runner.js as a script for the engine, compiled once per process.
var runnerProgram = sync.OnceValues(func() (*goja.Program, error) {
	res := api.Transform(client.RunnerSource(), api.TransformOptions{
		Format: api.FormatIIFE, GlobalName: "__govite_runner", Target: api.ES2020, Sourcefile: "govite:runner.js",
	})
	if len(res.Errors) > 0 {
		return nil, fmt.Errorf("compiling the module runner: %s", res.Errors[0].Text)
	}
	return goja.Compile("govite:runner.js", string(res.Code), true)
})

// NewEngine starts an engine runner for host.
func NewEngine(ctx context.Context, host Host, opts EngineOptions) (*Engine, error) {
	prog, err := runnerProgram()
	if err != nil {
		return nil, err
	}
	rt, err := jsrt.New(jsrt.Options{Name: opts.Name, Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	e := &Engine{rt: rt, host: host}
	var handler goja.Callable
	err = rt.Do(ctx, func(vm *goja.Runtime) error {
		if _, err := vm.RunProgram(prog); err != nil {
			return err
		}
		mod := vm.Get("__govite_runner").ToObject(vm)
		transport := vm.NewObject()
		_ = transport.Set("invoke", func(name string, args goja.Value) goja.Value {
			raw, err := json.Marshal(args.Export())
			promise, resolve, reject := rt.NewPromise(vm)
			if err != nil {
				reject(err)
				return promise
			}
			var list []json.RawMessage
			_ = json.Unmarshal(raw, &list)
			go func() {
				res, err := host.Invoke(context.Background(), name, list)
				if err != nil {
					reject(err)
					return
				}
				data, err := json.Marshal(res)
				if err != nil {
					reject(err)
					return
				}
				// The result is parsed on the loop, into the engine's own objects.
				rt.Enqueue(func(vm *goja.Runtime) {
					v, err := parseJSON(vm, data)
					if err != nil {
						reject(err)
						return
					}
					resolve(v)
				})
			}()
			return promise
		})
		_ = transport.Set("send", func(payload goja.Value) {
			data, err := json.Marshal(payload.Export())
			if err == nil && e.receive != nil {
				e.receive(data)
			}
		})
		_ = transport.Set("connect", func(fn goja.Value) {
			handler, _ = goja.AssertFunction(fn)
		})
		evaluator := vm.NewObject()
		_ = evaluator.Set("startOffset", 1)
		keys := mod.Get("contextKeys").ToObject(vm)
		_ = evaluator.Set("runInlinedModule", func(context *goja.Object, code string, m *goja.Object) (goja.Value, error) {
			// The script's name anchors the source map: the module's file, or its URL for a
			// virtual module (whose id may hold a \0).
			name := m.Get("url").String()
			if f := m.Get("file"); f != nil && !goja.IsNull(f) && !goja.IsUndefined(f) {
				name = f.String()
			}
			fnv, err := vm.RunScript(name, wrapperHeader+"\n"+code+"\n})")
			if err != nil {
				return nil, err
			}
			fn, _ := goja.AssertFunction(fnv)
			var args []goja.Value
			for _, k := range keys.Keys() {
				args = append(args, context.Get(keys.Get(k).String()))
			}
			return fn(goja.Undefined(), args...)
		})
		_ = evaluator.Set("runExternalModule", func(url, typ string) (goja.Value, error) {
			return nil, fmt.Errorf("%s cannot be imported by the embedded JS engine (it is a %s module the server left to the runtime); set the environment's dev.runner to \"node\" for code that needs Node's modules", url, typ)
		})
		ctor, ok := goja.AssertConstructor(mod.Get("ModuleRunner"))
		if !ok {
			return errors.New("runner.js does not export ModuleRunner")
		}
		opts := vm.NewObject()
		_ = opts.Set("transport", transport)
		_ = opts.Set("evaluator", evaluator)
		_ = opts.Set("logger", vm.Get("console"))
		r, err := ctor(nil, opts)
		if err != nil {
			return err
		}
		e.runner = r
		return nil
	})
	if err != nil {
		rt.Close()
		return nil, fmt.Errorf("starting the module runner of %s: %w", opts.Name, err)
	}
	// Payloads from the hot channel go to the JS runner's handler, on the loop.
	e.receive, e.disconnect = host.Connect(func(payload []byte) bool {
		data := append([]byte(nil), payload...)
		return rt.Enqueue(func(vm *goja.Runtime) {
			if handler == nil {
				return
			}
			v, err := parseJSON(vm, data)
			if err == nil {
				_, _ = handler(goja.Undefined(), v)
			}
		})
	})
	return e, nil
}

func parseJSON(vm *goja.Runtime, data []byte) (goja.Value, error) {
	parse, _ := goja.AssertFunction(vm.Get("JSON").ToObject(vm).Get("parse"))
	return parse(goja.Undefined(), vm.ToValue(string(data)))
}

// Runtime is the engine the modules run on.
func (e *Engine) Runtime() *jsrt.Runtime { return e.rt }

// Import evaluates the module at url and returns it.
func (e *Engine) Import(ctx context.Context, url string) (Module, error) {
	var ns *goja.Object
	err := e.rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
		imp, _ := goja.AssertFunction(e.runner.Get("import"))
		return imp(e.runner, vm.ToValue(url))
	}, func(vm *goja.Runtime, v goja.Value) error {
		ns = v.ToObject(vm)
		return nil
	})
	if err != nil {
		return nil, jsError(err)
	}
	return &engineModule{e: e, ns: ns}, nil
}

// Fetch calls the fetch(request) handler of the module at url (its default export is an object with
// a fetch method, the Workers convention) and returns its Response. A handler that returns something
// else is a TypeError naming what it returned.
func (e *Engine) Fetch(ctx context.Context, url string, req *http.Request) (*http.Response, error) {
	m, err := e.Import(ctx, url)
	if err != nil {
		return nil, err
	}
	ns := m.(*engineModule).ns
	var resp *http.Response
	err = e.rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
		def := ns.Get("default")
		if def == nil || goja.IsUndefined(def) || goja.IsNull(def) {
			return nil, fmt.Errorf("TypeError: %s has no default export; a fetch handler module exports default { fetch(request) { ... } }", url)
		}
		obj := def.ToObject(vm)
		fetch, ok := goja.AssertFunction(obj.Get("fetch"))
		if !ok {
			return nil, fmt.Errorf("TypeError: the default export of %s has no fetch(request) method", url)
		}
		jsReq, err := e.rt.NewRequest(vm, req)
		if err != nil {
			return nil, err
		}
		return fetch(obj, jsReq)
	}, func(vm *goja.Runtime, v goja.Value) error {
		r, err := e.rt.ToHTTPResponse(vm, v)
		if err != nil {
			return fmt.Errorf("the fetch handler of %s: %w", url, err)
		}
		resp = r
		return nil
	})
	if err != nil {
		return nil, jsError(err)
	}
	return resp, nil
}

// Close stops the engine.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() {
		e.disconnect()
		e.rt.Close()
	})
	return nil
}

type engineModule struct {
	e  *Engine
	ns *goja.Object
}

func (m *engineModule) Keys() []string {
	var keys []string
	_ = m.e.rt.Do(context.Background(), func(vm *goja.Runtime) error {
		keys = m.ns.Keys()
		return nil
	})
	return keys
}

func (m *engineModule) Get(ctx context.Context, name string) (any, error) {
	var out any
	err := m.e.rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
		return m.ns.Get(name), nil
	}, func(vm *goja.Runtime, v goja.Value) error {
		var err error
		out, err = m.e.export(vm, v)
		return err
	})
	return out, jsError(err)
}

func (m *engineModule) Call(ctx context.Context, name string, args ...any) (any, error) {
	var out any
	err := m.e.rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
		fn, ok := goja.AssertFunction(m.ns.Get(name))
		if !ok {
			return nil, fmt.Errorf("TypeError: export %s is not a function", name)
		}
		jsArgs := make([]goja.Value, len(args))
		for i, a := range args {
			if req, ok := a.(*http.Request); ok {
				v, err := m.e.rt.NewRequest(vm, req)
				if err != nil {
					return nil, err
				}
				jsArgs[i] = v
				continue
			}
			jsArgs[i] = vm.ToValue(a)
		}
		return fn(goja.Undefined(), jsArgs...)
	}, func(vm *goja.Runtime, v goja.Value) error {
		var err error
		out, err = m.e.export(vm, v)
		return err
	})
	return out, jsError(err)
}

// export turns a JS value into Go: a Response into an *http.Response, bytes into []byte, functions
// into Function, everything else as goja exports it.
func (e *Engine) export(vm *goja.Runtime, v goja.Value) (any, error) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil, nil
	}
	if obj, ok := v.(*goja.Object); ok {
		if _, isFn := goja.AssertFunction(obj); isFn {
			return Function{Name: obj.Get("name").String()}, nil
		}
		if resp, err := e.rt.ToHTTPResponse(vm, obj); err == nil {
			return resp, nil
		}
		switch x := obj.Export().(type) {
		case []byte:
			return x, nil
		case goja.ArrayBuffer:
			return x.Bytes(), nil
		}
	}
	return v.Export(), nil
}

// jsError turns a jsrt error into an *Error.
func jsError(err error) error {
	var je *jsrt.JSError
	if errors.As(err, &je) {
		return &Error{Name: je.Name, Message: je.Message, Stack: je.Stack}
	}
	return err
}
