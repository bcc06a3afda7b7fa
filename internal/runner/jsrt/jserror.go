package jsrt

import (
	"strings"

	"github.com/dop251/goja"
)

// JSError is a JavaScript exception or promise rejection seen from Go.
type JSError struct {
	// Env is the name of the runtime it happened in.
	Env string
	// Name and Message are the error's name and message ("TypeError", "x is not a function"). For a
	// thrown value that is not an Error, Name is empty and Message renders the value.
	Name    string
	Message string
	// Stack is the JavaScript stack as goja prints it: "TypeError: msg\n\tat f (file.js:1:2(3))...".
	Stack string

	value goja.Value
	vm    *goja.Runtime
}

// Error returns "Name: Message".
func (e *JSError) Error() string {
	switch {
	case e.Name == "":
		return e.Message
	case e.Message == "":
		return e.Name
	}
	return e.Name + ": " + e.Message
}

// Detail returns the stack when there is one, else Error().
func (e *JSError) Detail() string {
	if e.Stack != "" {
		return e.Stack
	}
	return e.Error()
}

// Value returns the thrown or rejected JavaScript value (nil for errors made in Go). It belongs to the
// runtime's engine: use it only on that runtime's loop.
func (e *JSError) Value() goja.Value { return e.value }

// jsError describes a thrown or rejected value. Runs on the loop.
func (r *Runtime) jsError(v goja.Value) *JSError {
	e := &JSError{Env: r.name, value: v, vm: r.vm}
	if v == nil {
		e.Message = "undefined"
		return e
	}
	obj, isObj := v.(*goja.Object)
	if isObj && r.isErrorLike(obj) {
		func() {
			// Getters may throw; what was read so far is enough.
			defer func() { _ = recover() }()
			e.Name = stringProp(obj, "name")
			e.Message = stringProp(obj, "message")
			e.Stack = strings.TrimRight(stringProp(obj, "stack"), "\n")
		}()
		if e.Name == "" && e.Message == "" {
			e.Message = r.inspectString(v)
		}
		return e
	}
	if s, ok := v.Export().(string); ok && !isObj {
		e.Message = s
	} else {
		e.Message = r.inspectString(v)
	}
	return e
}

// exceptionError is jsError for a goja exception: a thrown value that is not an Error gets the stack of
// the throw site.
func (r *Runtime) exceptionError(ex *goja.Exception) *JSError {
	e := r.jsError(ex.Value())
	if e.Stack == "" {
		e.Stack = strings.TrimRight(ex.String(), "\n")
	}
	return e
}

func (r *Runtime) isErrorLike(obj *goja.Object) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	if ctor, isObj := r.vm.Get("Error").(*goja.Object); isObj && r.vm.InstanceOf(obj, ctor) {
		return true
	}
	_, hasStack := obj.Get("stack").Export().(string)
	_, hasMessage := obj.Get("message").Export().(string)
	return hasStack && hasMessage
}

func stringProp(obj *goja.Object, name string) string {
	v := obj.Get(name)
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return ""
	}
	return v.String()
}

// inspectString renders a value the way console.log does. Runs on the loop.
func (r *Runtime) inspectString(v goja.Value) string {
	if r.helpers.inspect == nil {
		return v.String()
	}
	var out string
	err := r.protect(func() error {
		res, err := r.helpers.inspect(goja.Undefined(), v)
		if err == nil {
			out = res.String()
		}
		return err
	})
	if err != nil {
		return "<value that cannot be inspected>"
	}
	return out
}

// previewString is a short "type value" description for error messages. Runs on the loop.
func (r *Runtime) previewString(v goja.Value) string {
	if r.helpers.preview == nil {
		return v.String()
	}
	var out string
	err := r.protect(func() error {
		res, err := r.helpers.preview(goja.Undefined(), v)
		if err == nil {
			out = res.String()
		}
		return err
	})
	if err != nil {
		return "<value that cannot be previewed>"
	}
	return out
}

// typeError is a JavaScript-style TypeError made in Go.
func (r *Runtime) typeError(msg string) *JSError {
	return &JSError{Env: r.name, Name: "TypeError", Message: msg}
}
