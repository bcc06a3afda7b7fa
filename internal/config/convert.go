package config

import (
	"context"
	"fmt"
	"math/big"

	"github.com/dop251/goja"
)

// converter copies JavaScript values out of the engine into the tree decode reads (see tree.go). It runs
// with the engine's lock held.
type converter struct {
	vm    *jsVM
	ctx   context.Context
	warn  func(string)
	stack []*goja.Object // objects being converted, to cut reference cycles
}

const maxTreeDepth = 64

// value converts v; path names it in messages ("build.rollupOptions").
func (c *converter) value(v goja.Value, path string) (any, error) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		if v != nil && goja.IsNull(v) && nullPaths[path] {
			return jsNull{}, nil
		}
		return nil, nil
	}
	obj, isObj := v.(*goja.Object)
	if !isObj {
		switch x := v.Export().(type) {
		case bool:
			return x, nil
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		case string:
			return x, nil
		case *big.Int:
			f, _ := new(big.Float).SetInt(x).Float64()
			return f, nil
		default:
			return jsOther{kind: "symbol"}, nil
		}
	}
	if len(c.stack) >= maxTreeDepth {
		return jsOther{kind: "too deeply nested object"}, nil
	}
	for _, o := range c.stack {
		if o == obj {
			return jsOther{kind: "circular reference"}, nil
		}
	}
	c.stack = append(c.stack, obj)
	defer func() { c.stack = c.stack[:len(c.stack)-1] }()

	if _, ok := goja.AssertFunction(obj); ok {
		return &jsFunction{vm: c.vm, val: obj}, nil
	}
	switch obj.ClassName() {
	case "Array":
		n := int(obj.Get("length").ToInteger())
		out := make([]any, 0, n)
		for i := 0; i < n; i++ {
			e, err := c.value(obj.Get(fmt.Sprint(i)), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return out, nil
	case "RegExp":
		return &RegExp{Source: obj.Get("source").String(), Flags: obj.Get("flags").String()}, nil
	case "Promise":
		return jsOther{kind: "promise"}, nil
	case "Date":
		return jsOther{kind: "Date"}, nil
	case "Error":
		return jsOther{kind: "Error"}, nil
	case "Map", "Set", "WeakMap", "WeakSet":
		return jsOther{kind: obj.ClassName()}, nil
	}
	if b, ok := exportBytes(obj); ok {
		return b, nil // a Buffer, another Uint8Array or an ArrayBuffer
	}
	o := newJSObject()
	for _, k := range obj.Keys() {
		val, err := c.value(obj.Get(k), joinPath(path, k))
		if err != nil {
			return nil, err
		}
		o.set(k, val)
	}
	return o, nil
}

// config converts a config object (the file's export, or a config hook's result). Its `plugins` are
// flattened as Vite does (nested arrays, promises awaited, falsy entries dropped) and converted to
// *Plugin.
func (c *converter) config(v goja.Value) (out *jsObject, err error) {
	err = c.vm.guard(func() error {
		out, err = c.configObject(v)
		return err
	})
	return out, err
}

func (c *converter) configObject(v goja.Value) (*jsObject, error) {
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() == "Array" {
		return nil, fmt.Errorf("the config must be an object, got %s", describeJS(v))
	}
	if _, isFn := goja.AssertFunction(obj); isFn {
		return nil, fmt.Errorf("the config must be an object, got a function")
	}
	c.stack = append(c.stack, obj)
	defer func() { c.stack = c.stack[:len(c.stack)-1] }()
	out := newJSObject()
	for _, k := range obj.Keys() {
		if k == "plugins" {
			var list []any
			if err := c.flattenPlugins(obj.Get(k), "plugins", &list); err != nil {
				return nil, err
			}
			out.set(k, list)
			continue
		}
		if k == "worker" {
			val, err := c.workerOptions(obj.Get(k))
			if err != nil {
				return nil, err
			}
			out.set(k, val)
			continue
		}
		val, err := c.value(obj.Get(k), k)
		if err != nil {
			return nil, err
		}
		out.set(k, val)
	}
	return out, nil
}

// flattenPlugins appends the plugins in v to out.
func (c *converter) flattenPlugins(v goja.Value, path string, out *[]any) error {
	if p, ok := asPromise(v); ok {
		res, err := c.vm.awaitLocked(c.ctx, c.vm.rt.ToValue(p))
		if err != nil {
			return fmt.Errorf("%s: the promise was rejected: %w", path, err)
		}
		v = res
	}
	if v == nil || !v.ToBoolean() {
		return nil // Vite drops falsy entries: `cond && plugin()`
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		return fmt.Errorf("%s: expected a plugin object, got %s", path, describeJS(v))
	}
	if obj.ClassName() == "Array" {
		n := int(obj.Get("length").ToInteger())
		for i := 0; i < n; i++ {
			if err := c.flattenPlugins(obj.Get(fmt.Sprint(i)), fmt.Sprintf("%s[%d]", path, i), out); err != nil {
				return err
			}
		}
		return nil
	}
	if _, isFn := goja.AssertFunction(obj); isFn {
		return fmt.Errorf("%s: expected a plugin object, got a function (did you forget to call the plugin factory, e.g. react() instead of react?)", path)
	}
	p, err := c.vm.pluginFromJS(c, obj, path)
	if err != nil {
		return err
	}
	*out = append(*out, p)
	return nil
}

// describeJS names v's type as JavaScript's typeof would, with arrays and null told apart.
func describeJS(v goja.Value) string {
	switch {
	case v == nil || goja.IsUndefined(v):
		return "undefined"
	case goja.IsNull(v):
		return "null"
	}
	if obj, ok := v.(*goja.Object); ok {
		if _, isFn := goja.AssertFunction(obj); isFn {
			return "function"
		}
		if obj.ClassName() == "Array" {
			return "array"
		}
		return "object"
	}
	switch v.Export().(type) {
	case bool:
		return "boolean"
	case int64, float64:
		return "number"
	case string:
		return "string"
	}
	return "symbol"
}
