package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/dop251/goja"
)

// Decoding and encoding of the environment options: environments, resolve.external / noExternal /
// builtins, and the function options (createEnvironment, buildApp).

// decodeEnvironments decodes `environments: { name: options }`, keeping the order of the names.
func decodeEnvironments(d *decoder, v any, field, _ reflect.Value, path string) {
	o, ok := v.(*jsObject)
	if !ok {
		d.typeError(path, "an object of environments ({ name: options })", v)
		return
	}
	envs := []NamedEnvironment{}
	for _, name := range o.keys {
		ev := o.vals[name]
		if ev == nil {
			continue
		}
		p := joinPath(path, name)
		eo, ok := ev.(*jsObject)
		if !ok {
			d.typeError(p, "an object of environment options", ev)
			continue
		}
		e := NamedEnvironment{Name: name}
		d.decodeStruct(eo, reflect.ValueOf(&e.Options).Elem(), p)
		envs = append(envs, e)
	}
	field.Set(reflect.ValueOf(envs))
}

// decodeEnvironmentOptions decodes one environment's options; path names them in messages
// ("environments.edge").
func decodeEnvironmentOptions(o *jsObject, path string) (*EnvironmentOptions, []string, error) {
	d := &decoder{}
	opts := &EnvironmentOptions{}
	d.decodeStruct(o, reflect.ValueOf(opts).Elem(), path)
	return opts, d.warnings, errors.Join(d.errs...)
}

// oneOf decodes a string option that takes one of values.
func oneOf(values ...string) specialDecoder {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "'" + v + "'"
	}
	want := strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
	return func(d *decoder, v any, field, _ reflect.Value, path string) {
		s, ok := v.(string)
		if !ok {
			d.typeError(path, want, v)
			return
		}
		for _, allowed := range values {
			if s == allowed {
				field.SetString(s)
				return
			}
		}
		d.errorf(path, "expected %s, got %q", want, s)
	}
}

// moduleList decodes resolve.external / resolve.noExternal (and ssr.*): true, or a string, a RegExp
// (noExternal only) or an array of them.
func (d *decoder) moduleList(v any, path string) (ModuleList, bool) {
	if b, ok := v.(bool); ok {
		if !b {
			return ModuleList{}, true // false: nothing listed, as undefined
		}
		return ModuleList{All: true}, true
	}
	ps, ok := d.patternsFor(v, path, strings.HasSuffix(path, "noExternal"))
	return ModuleList{Patterns: ps}, ok
}

// patterns decodes resolve.builtins: a string, a RegExp or an array of them.
func (d *decoder) patterns(v any, path string) ([]Pattern, bool) {
	return d.patternsFor(v, path, true)
}

func (d *decoder) patternsFor(v any, path string, regexpAllowed bool) ([]Pattern, bool) {
	items, isList := v.([]any)
	if !isList {
		items = []any{v}
	}
	want := "true, a string or an array of strings"
	if regexpAllowed {
		want = "a string, a RegExp or an array of them"
		if !strings.HasSuffix(path, "builtins") {
			want = "true, " + want
		}
	}
	out := []Pattern{}
	ok := true
	for i, e := range items {
		p := path
		if isList {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		switch e := e.(type) {
		case string:
			out = append(out, Pattern{Name: e})
		case *RegExp:
			if !regexpAllowed {
				d.typeError(p, want, e)
				ok = false
				continue
			}
			src, err := TranslateRegExp(e.Source, e.Flags)
			if err != nil {
				d.errorf(p, "%v", err)
				ok = false
				continue
			}
			out = append(out, Pattern{Regexp: src})
		default:
			d.typeError(p, want, e)
			ok = false
		}
	}
	return out, ok
}

// function decodes an option whose value is a function: a JS function is bridged (calls go through
// its engine); a function that stands for a Go function (a config hook was given the config and
// handed it back) is that Go function again.
func (d *decoder) function(v any, field reflect.Value, path string) {
	if g, ok := v.(goValue); ok && reflect.TypeOf(g.v) == field.Type() {
		field.Set(reflect.ValueOf(g.v))
		return
	}
	f, ok := v.(*jsFunction)
	if !ok {
		d.typeError(path, "a function", v)
		return
	}
	if g := f.vm.goValue(f); g != nil {
		if gv := reflect.ValueOf(g); gv.Type() == field.Type() {
			field.Set(gv)
			return
		}
	}
	fn, ok := goja.AssertFunction(f.val.(goja.Value))
	if !ok {
		d.typeError(path, "a function", v)
		return
	}
	vm := f.vm
	switch field.Type() {
	case reflect.TypeFor[CreateDevEnvironmentFunc]():
		field.Set(reflect.ValueOf(CreateDevEnvironmentFunc(vm.bridgeCreateEnvironment(fn, path))))
	case reflect.TypeFor[CreateBuildEnvironmentFunc]():
		field.Set(reflect.ValueOf(CreateBuildEnvironmentFunc(vm.bridgeCreateEnvironment(fn, path))))
	case reflect.TypeFor[BuildAppFunc]():
		field.Set(reflect.ValueOf(BuildAppFunc(vm.bridgeBuildApp(fn, "", path))))
	case reflect.TypeFor[ResolveDependenciesFunc]():
		field.Set(reflect.ValueOf(vm.bridgeResolveDependencies(fn, path)))
	}
}

// goValue is a Go value in a config tree that JavaScript can only hold and hand back (a Go
// createEnvironment or buildApp function given to a config hook): it becomes a JS function that throws
// when called, and decoding that function gives the Go value back.
type goValue struct{ v any }

// goValueJS makes the JS stand-in of a Go value and remembers it. mu must be held.
func (vm *jsVM) goValueJS(g goValue) goja.Value {
	obj := vm.rt.ToValue(func(goja.FunctionCall) goja.Value {
		panic(vm.newError("this function was set in Go and cannot be called from JavaScript"))
	}).(*goja.Object)
	if vm.goValues == nil {
		vm.goValues = map[*goja.Object]any{}
	}
	vm.goValues[obj] = g.v
	return obj
}

// goValue returns the Go value f stands for, if goValueJS made it. mu must be held.
func (vm *jsVM) goValue(f *jsFunction) any {
	if vm == nil {
		return nil
	}
	obj, _ := f.val.(*goja.Object)
	return vm.goValues[obj]
}

// encodeByType renders the options whose form depends on their type rather than their name;
// handled is false for the others.
func encodeByType(f reflect.Value) (v any, handled bool) {
	switch x := f.Interface().(type) {
	case ModuleList:
		if x.All {
			return true, true
		}
		if x.Patterns == nil {
			return nil, true
		}
		return encodePatterns(x.Patterns), true
	case []Pattern:
		if x == nil {
			return nil, true
		}
		return encodePatterns(x), true
	case []NamedEnvironment:
		if x == nil {
			return nil, true
		}
		o := newJSObject()
		for _, e := range x {
			o.set(e.Name, encodeEnvironmentOptions(&e.Options))
		}
		return o, true
	case CreateDevEnvironmentFunc, CreateBuildEnvironmentFunc, BuildAppFunc, ResolveDependenciesFunc:
		if f.IsNil() {
			return nil, true
		}
		return goValue{x}, true
	}
	return nil, false
}

func encodePatterns(ps []Pattern) []any {
	list := make([]any, 0, len(ps))
	for _, p := range ps {
		if p.Regexp != "" {
			src, flags := untranslateRegExp(p.Regexp)
			list = append(list, &RegExp{Source: src, Flags: flags})
		} else {
			list = append(list, p.Name)
		}
	}
	return list
}

// encodeEnvironmentOptions renders one environment's options, the inverse of decodeEnvironmentOptions.
func encodeEnvironmentOptions(o *EnvironmentOptions) *jsObject {
	return encodeStruct(reflect.ValueOf(o).Elem(), "")
}
