package config

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "embed"

	"github.com/dop251/goja"
	"github.com/go-sourcemap/sourcemap"
)

// jsVM is the JavaScript engine that evaluated a config file. Plugins defined in the file keep running
// in it, so it lives as long as its plugins.
//
// goja is single-threaded, while the bundler calls plugin hooks from many goroutines: every use of rt
// holds mu. Awaiting a promise releases mu while nothing is runnable, so that the Go work a promise waits
// for (this.resolve running other plugins' hooks, which need the engine too) can proceed. That is the
// same interleaving Node's event loop allows: other callers run only between turns, never inside one.
type jsVM struct {
	mu sync.Mutex
	rt *goja.Runtime

	// wake is closed (and replaced) whenever something an awaiter may be waiting for happened: a task was
	// posted or tasks were run.
	wake    chan struct{}
	tasks   []func() // Go completions to run on the engine, posted from other goroutines
	pending int      // Go operations started by JS (promises they will settle) not yet posted back
	timers  []*jsTimer
	timerID int64

	stdout, stderr io.Writer

	// Source map of the evaluated bundle, to report positions in the files the user wrote.
	bundleName string
	bundleDir  string // the directory the map's sources are relative to
	smap       *sourcemap.Consumer
	shifts     *injections

	// warnings are problems found while running config and plugin code (decoding a config hook's
	// result, console.warn is not one); Resolve collects them.
	warnings []string
	// resolvedObjs caches the JS view of a resolved config, shared by configResolved and
	// this.environment.config.
	resolvedObjs map[*ResolvedConfig]*goja.Object
	// goFuncs are the JS functions made of Go functions for config hooks (see goFuncJS).
	goFuncs map[*goja.Object]goStringFunc
	// goValues are the JS stand-ins of Go functions given to config hooks (see goValueJS).
	goValues map[*goja.Object]any
	// envObjs caches the JS view of an environment's config (this.environment.config).
	envObjs map[envKey]*goja.Object
	// bodyIterator gives a middleware's request its async iterator (see requestBodyJS).
	bodyIterator goja.Callable
	// moduleMeta is Rollup's custom module meta data, by environment and module id: what the
	// resolveId, load and transform hooks of the config's plugins return as meta, merged, and what
	// this.getModuleInfo(id).meta shows them (one object, so a plugin may also change it in place).
	moduleMeta map[metaKey]*goja.Object
}

type metaKey struct{ env, id string }

type envKey struct {
	rc   *ResolvedConfig
	name string
}

type jsTimer struct {
	id       int64
	due      time.Time
	interval time.Duration
	repeat   bool
	fn       goja.Callable
	args     []goja.Value
}

//go:embed shims/prelude.js
var preludeJS string

func newJSVM() (*jsVM, error) {
	vm := &jsVM{
		rt:           goja.New(),
		wake:         make(chan struct{}),
		stdout:       os.Stdout,
		stderr:       os.Stderr,
		resolvedObjs: map[*ResolvedConfig]*goja.Object{},
	}
	if err := vm.installHost(); err != nil {
		return nil, err
	}
	if _, err := vm.rt.RunScript("govite:prelude", preludeJS); err != nil {
		return nil, fmt.Errorf("internal error: govite's JavaScript prelude failed: %w", err)
	}
	if err := vm.installBuffer(); err != nil {
		return nil, err
	}
	return vm, nil
}

// notifyLocked wakes every awaiter. mu must be held.
func (vm *jsVM) notifyLocked() {
	close(vm.wake)
	vm.wake = make(chan struct{})
}

// post schedules f to run on the engine (from any goroutine); an awaiter runs it.
func (vm *jsVM) post(f func()) {
	vm.mu.Lock()
	vm.tasks = append(vm.tasks, f)
	vm.notifyLocked()
	vm.mu.Unlock()
}

// runTasksLocked runs the posted tasks. mu must be held.
func (vm *jsVM) runTasksLocked() {
	ran := false
	for len(vm.tasks) > 0 {
		t := vm.tasks[0]
		vm.tasks = vm.tasks[1:]
		t()
		ran = true
	}
	if ran {
		vm.notifyLocked()
	}
}

// fireTimersLocked runs the timers that are due and reports whether any ran. mu must be held.
func (vm *jsVM) fireTimersLocked() bool {
	now := time.Now()
	fired := false
	for {
		sort.SliceStable(vm.timers, func(i, j int) bool { return vm.timers[i].due.Before(vm.timers[j].due) })
		if len(vm.timers) == 0 || vm.timers[0].due.After(now) {
			break
		}
		t := vm.timers[0]
		if t.repeat {
			t.due = now.Add(max(t.interval, time.Millisecond))
		} else {
			vm.timers = vm.timers[1:]
		}
		fired = true
		if _, err := t.fn(goja.Undefined(), t.args...); err != nil {
			vm.warnf("an error was thrown in a timer callback: %v", vm.jsError(err))
		}
	}
	if fired {
		vm.notifyLocked()
	}
	return fired
}

// asPromise reports whether v is a promise (a goja Promise; thenables from other libraries are promises
// created by the same engine in practice).
func asPromise(v goja.Value) (*goja.Promise, bool) {
	if v == nil {
		return nil, false
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	p, ok := obj.Export().(*goja.Promise)
	return p, ok
}

// awaitLocked waits for v when it is a promise and returns its value. mu must be held; it is released
// while waiting for Go work or timers and held again on return.
func (vm *jsVM) awaitLocked(ctx context.Context, v goja.Value) (goja.Value, error) {
	p, ok := asPromise(v)
	if !ok {
		return v, nil
	}
	for {
		vm.runTasksLocked()
		switch p.State() {
		case goja.PromiseStateFulfilled:
			return p.Result(), nil
		case goja.PromiseStateRejected:
			return nil, vm.jsError(p.Result())
		}
		if vm.fireTimersLocked() {
			continue
		}
		if vm.pending == 0 && len(vm.timers) == 0 && len(vm.tasks) == 0 {
			return nil, errors.New("a promise never settled: nothing is left that could resolve it (was a resolve function never called?)")
		}
		var timer *time.Timer
		var timerC <-chan time.Time
		if len(vm.timers) > 0 {
			timer = time.NewTimer(time.Until(vm.timers[0].due))
			timerC = timer.C
		}
		wake := vm.wake
		vm.mu.Unlock()
		var err error
		select {
		case <-wake:
		case <-timerC:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if timer != nil {
			timer.Stop()
		}
		vm.mu.Lock()
		if err != nil {
			return nil, fmt.Errorf("waiting for a promise: %w", err)
		}
	}
}

// startAsync runs work on a new goroutine and returns a promise settled with its result. mu must be held.
// convert turns the result into a JS value; it runs on the engine.
func (vm *jsVM) startAsync(work func() (any, error), convert func(any) goja.Value) goja.Value {
	p, resolve, reject := vm.rt.NewPromise()
	vm.pending++
	go func() {
		res, err := work()
		vm.post(func() {
			vm.pending--
			if err != nil {
				_ = reject(vm.newError(err.Error()))
				return
			}
			if convert != nil {
				_ = resolve(convert(res))
			} else {
				_ = resolve(res)
			}
		})
	}()
	return vm.rt.ToValue(p)
}

func (vm *jsVM) newError(msg string) *goja.Object {
	ctor, _ := goja.AssertConstructor(vm.rt.Get("Error"))
	obj, err := ctor(nil, vm.rt.ToValue(msg))
	if err != nil {
		return vm.rt.NewObject()
	}
	return obj
}

func (vm *jsVM) warnf(format string, args ...any) {
	vm.warnings = append(vm.warnings, fmt.Sprintf(format, args...))
}

// takeWarnings returns and clears the warnings collected so far.
func (vm *jsVM) takeWarnings() []string {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	w := vm.warnings
	vm.warnings = nil
	return w
}

// JSError is an exception thrown by config or plugin code, with its position mapped back to the file the
// user wrote.
type JSError struct {
	Message string // as JavaScript prints it: "Error: message"
	File    string // absolute path of the original file; "" when unknown
	Line    int    // 1-based
	Column  int    // 1-based
	Stack   string // the mapped stack trace, one "at ..." line per frame
}

func (e *JSError) Error() string {
	if e.File == "" {
		return e.Message
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

var stackFrameRE = regexp.MustCompile(`at (?:(.*?) \()?([^\s()]+):(\d+):(\d+)(?:\(\d+\))?\)?\s*$`)

// jsError converts an exception or a rejection reason into a Go error. Uncatchable engine errors
// (interrupts) are returned unchanged.
func (vm *jsVM) jsError(x any) error {
	var val goja.Value
	var frames []goja.StackFrame
	switch e := x.(type) {
	case nil:
		return errors.New("unknown JavaScript error")
	case *goja.Exception:
		val = e.Value()
		frames = e.Stack()
	case *goja.InterruptedError:
		if err, ok := e.Value().(error); ok {
			return err
		}
		return e
	case goja.Value:
		val = e
	case error:
		return e
	default:
		return fmt.Errorf("%v", x)
	}
	out := &JSError{Message: "undefined"}
	if val != nil {
		out.Message = val.String()
	}
	var stack string
	if obj, ok := val.(*goja.Object); ok {
		// Errors created by Go code (GoError) carry the Go error; errors print as "Name: message".
		if s := obj.Get("stack"); s != nil && !goja.IsUndefined(s) && !goja.IsNull(s) {
			stack = s.String()
		}
		if name, msg := obj.Get("name"), obj.Get("message"); name != nil && msg != nil && !goja.IsUndefined(msg) {
			out.Message = name.String() + ": " + msg.String()
		}
	}
	// Frames: from the error's stack property, else from where the exception was thrown.
	type frame struct {
		fn, file  string
		line, col int
	}
	var fs []frame
	if stack != "" {
		for _, l := range strings.Split(stack, "\n") {
			m := stackFrameRE.FindStringSubmatch(strings.TrimSpace(l))
			if m == nil {
				continue
			}
			line, _ := strconv.Atoi(m[3])
			col, _ := strconv.Atoi(m[4])
			fs = append(fs, frame{m[1], m[2], line, col})
		}
	} else {
		for _, f := range frames {
			p := f.Position()
			if p.Filename == "" {
				continue
			}
			fn := f.FuncName()
			if fn == "<anonymous>" {
				fn = ""
			}
			fs = append(fs, frame{fn, p.Filename, p.Line, p.Column})
		}
	}
	var b strings.Builder
	fallback := -1
	for i, f := range fs {
		file, line, col := vm.mapPosition(f.file, f.line, f.col)
		fs[i] = frame{f.fn, file, line, col}
		if f.fn != "" {
			fmt.Fprintf(&b, "    at %s (%s:%d:%d)\n", f.fn, file, line, col)
		} else {
			fmt.Fprintf(&b, "    at %s:%d:%d\n", file, line, col)
		}
		if out.File != "" || !filepath.IsAbs(file) {
			continue
		}
		if strings.Contains(file, string(filepath.Separator)+"node_modules"+string(filepath.Separator)) {
			if fallback < 0 {
				fallback = i
			}
			continue
		}
		out.File, out.Line, out.Column = file, line, col
	}
	if out.File == "" && fallback >= 0 {
		out.File, out.Line, out.Column = fs[fallback].file, fs[fallback].line, fs[fallback].col
	}
	out.Stack = strings.TrimRight(b.String(), "\n")
	return out
}

// mapPosition maps a position in the evaluated bundle (1-based line and column) to the original source.
// Positions in other scripts are returned unchanged.
func (vm *jsVM) mapPosition(file string, line, col int) (string, int, int) {
	if vm.smap == nil || file != vm.bundleName {
		return file, line, col
	}
	src, _, l, c, ok := vm.smap.Source(line, col-1)
	if !ok || src == "" {
		return file, line, col
	}
	if i := strings.Index(src, shimNamespace+":"); i >= 0 {
		// A govite shim module: name it as the module it stands for.
		return "govite:" + src[i+len(shimNamespace)+1:], l, c + 1
	}
	if !filepath.IsAbs(src) {
		src = filepath.Join(vm.bundleDir, filepath.FromSlash(src))
	}
	return src, l, vm.shifts.correct(src, l, c+1)
}

// guard runs f, turning a JavaScript exception thrown outside a call (a getter that throws while a
// config object is read, say) into an error. mu must be held.
func (vm *jsVM) guard(f func() error) (err error) {
	defer func() {
		if x := recover(); x != nil {
			switch x.(type) {
			case *goja.Exception, *goja.InterruptedError, *goja.StackOverflowError:
				err = vm.jsError(x)
			case goja.Value:
				err = vm.jsError(x)
			default:
				panic(x)
			}
		}
	}()
	return f()
}

// call calls fn with this and args and awaits the result. mu must be held.
func (vm *jsVM) callLocked(ctx context.Context, fn goja.Callable, this goja.Value, args ...goja.Value) (goja.Value, error) {
	res, err := fn(this, args...)
	if err != nil {
		return nil, vm.jsError(err)
	}
	return vm.awaitLocked(ctx, res)
}

// ---- Host functions: what the shims and the prelude call into. ----

// nodeError throws a Node-style error (with code, syscall and path) from a Go error.
func (vm *jsVM) throwNodeError(err error, syscallName, path string) {
	code := "EIO"
	switch {
	case errors.Is(err, fs.ErrNotExist):
		code = "ENOENT"
	case errors.Is(err, fs.ErrPermission):
		code = "EACCES"
	case errors.Is(err, fs.ErrExist):
		code = "EEXIST"
	case errors.Is(err, syscall.ENOTDIR):
		code = "ENOTDIR"
	case errors.Is(err, syscall.EISDIR):
		code = "EISDIR"
	}
	e := vm.newError(fmt.Sprintf("%s: %s, %s '%s'", code, errText(err), syscallName, path))
	_ = e.Set("code", code)
	_ = e.Set("syscall", syscallName)
	_ = e.Set("path", path)
	panic(e)
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (vm *jsVM) throwTypeError(msg string) {
	panic(vm.rt.NewTypeError(msg))
}

func (vm *jsVM) statObject(info fs.FileInfo) *goja.Object {
	o := vm.rt.NewObject()
	typ := "other"
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		typ = "symlink"
	case info.IsDir():
		typ = "dir"
	case info.Mode().IsRegular():
		typ = "file"
	}
	_ = o.Set("type", typ)
	_ = o.Set("size", info.Size())
	_ = o.Set("mtimeMs", float64(info.ModTime().UnixNano())/1e6)
	_ = o.Set("mode", uint32(info.Mode().Perm()))
	return o
}

func (vm *jsVM) installHost() error {
	rt := vm.rt
	h := rt.NewObject()
	set := func(name string, fn func(goja.FunctionCall) goja.Value) {
		_ = h.Set(name, fn)
	}
	str := func(c goja.FunctionCall, i int) string {
		a := c.Argument(i)
		if goja.IsUndefined(a) || goja.IsNull(a) {
			return ""
		}
		return a.String()
	}
	set("readFile", func(c goja.FunctionCall) goja.Value {
		p := str(c, 0)
		data, err := os.ReadFile(p)
		if err != nil {
			vm.throwNodeError(err, "open", p)
		}
		return rt.ToValue(string(data))
	})
	// writeFile(path, data, append), mkdir(path, recursive), rm(path, recursive, force): plugins keep
	// caches and generated files (vite-plugin-svelte its metadata under node_modules/.vite), inside
	// the project only.
	set("writeFile", func(c goja.FunctionCall) goja.Value {
		p := vm.writablePath(str(c, 0), "open")
		var data []byte
		switch v := c.Argument(1).Export().(type) {
		case string:
			data = []byte(v)
		case []byte:
			data = v
		case goja.ArrayBuffer:
			data = v.Bytes()
		default:
			data = []byte(c.Argument(1).String())
		}
		flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if c.Argument(2).ToBoolean() {
			flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := os.OpenFile(p, flag, 0o644)
		if err == nil {
			_, err = f.Write(data)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			vm.throwNodeError(err, "open", p)
		}
		return goja.Undefined()
	})
	set("mkdir", func(c goja.FunctionCall) goja.Value {
		p := vm.writablePath(str(c, 0), "mkdir")
		var err error
		if c.Argument(1).ToBoolean() {
			err = os.MkdirAll(p, 0o755)
		} else {
			err = os.Mkdir(p, 0o755)
		}
		if err != nil {
			vm.throwNodeError(err, "mkdir", p)
		}
		return goja.Undefined()
	})
	set("rm", func(c goja.FunctionCall) goja.Value {
		p := vm.writablePath(str(c, 0), "rm")
		recursive, force := c.Argument(1).ToBoolean(), c.Argument(2).ToBoolean()
		if _, err := os.Lstat(p); err != nil {
			if force && errors.Is(err, fs.ErrNotExist) {
				return goja.Undefined()
			}
			vm.throwNodeError(err, "rm", p)
		}
		var err error
		if recursive {
			err = os.RemoveAll(p)
		} else {
			err = os.Remove(p)
		}
		if err != nil {
			vm.throwNodeError(err, "rm", p)
		}
		return goja.Undefined()
	})
	set("exists", func(c goja.FunctionCall) goja.Value {
		_, err := os.Stat(str(c, 0))
		return rt.ToValue(err == nil)
	})
	set("stat", func(c goja.FunctionCall) goja.Value {
		p := str(c, 0)
		var info fs.FileInfo
		var err error
		if c.Argument(1).ToBoolean() {
			info, err = os.Lstat(p)
		} else {
			info, err = os.Stat(p)
		}
		if err != nil {
			vm.throwNodeError(err, "stat", p)
		}
		return vm.statObject(info)
	})
	set("readdir", func(c goja.FunctionCall) goja.Value {
		p := str(c, 0)
		entries, err := os.ReadDir(p)
		if err != nil {
			vm.throwNodeError(err, "scandir", p)
		}
		out := make([]any, 0, len(entries))
		for _, e := range entries {
			typ := "other"
			switch {
			case e.Type()&fs.ModeSymlink != 0:
				typ = "symlink"
			case e.IsDir():
				typ = "dir"
			case e.Type().IsRegular():
				typ = "file"
			}
			o := rt.NewObject()
			_ = o.Set("name", e.Name())
			_ = o.Set("type", typ)
			out = append(out, o)
		}
		return rt.NewArray(out...)
	})
	set("realpath", func(c goja.FunctionCall) goja.Value {
		p := str(c, 0)
		r, err := filepath.EvalSymlinks(p)
		if err != nil {
			vm.throwNodeError(err, "realpath", p)
		}
		abs, _ := filepath.Abs(r)
		return rt.ToValue(abs)
	})
	set("cwd", func(goja.FunctionCall) goja.Value {
		wd, _ := os.Getwd()
		return rt.ToValue(filepath.ToSlash(wd))
	})
	set("env", func(goja.FunctionCall) goja.Value {
		o := rt.NewObject()
		for _, kv := range os.Environ() {
			if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
				_ = o.Set(k, v)
			}
		}
		return o
	})
	set("platform", func(goja.FunctionCall) goja.Value {
		if runtime.GOOS == "windows" {
			return rt.ToValue("win32")
		}
		return rt.ToValue(runtime.GOOS)
	})
	set("arch", func(goja.FunctionCall) goja.Value {
		switch runtime.GOARCH {
		case "amd64":
			return rt.ToValue("x64")
		case "386":
			return rt.ToValue("ia32")
		}
		return rt.ToValue(runtime.GOARCH)
	})
	set("homedir", func(goja.FunctionCall) goja.Value {
		d, _ := os.UserHomeDir()
		return rt.ToValue(d)
	})
	set("tmpdir", func(goja.FunctionCall) goja.Value { return rt.ToValue(os.TempDir()) })
	set("hostname", func(goja.FunctionCall) goja.Value {
		n, _ := os.Hostname()
		return rt.ToValue(n)
	})
	set("loadEnv", func(c goja.FunctionCall) goja.Value {
		mode, dir := str(c, 0), str(c, 1)
		var prefixes []string
		if arr, ok := c.Argument(2).(*goja.Object); ok && arr.ClassName() == "Array" {
			for _, k := range arr.Keys() {
				prefixes = append(prefixes, arr.Get(k).String())
			}
		} else if a := c.Argument(2); !goja.IsUndefined(a) && !goja.IsNull(a) {
			prefixes = []string{a.String()}
		} else {
			prefixes = []string{DefaultEnvPrefix}
		}
		if dir == "" {
			dir, _ = os.Getwd()
		}
		env, err := loadEnv(mode, dir, prefixes)
		if err != nil {
			panic(vm.newError("loadEnv: " + err.Error()))
		}
		o := rt.NewObject()
		keys := make([]string, 0, len(env))
		for k := range env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			_ = o.Set(k, env[k])
		}
		return o
	})
	set("searchForWorkspaceRoot", func(c goja.FunctionCall) goja.Value {
		dir := str(c, 0)
		if !filepath.IsAbs(dir) {
			wd, _ := os.Getwd()
			dir = filepath.Join(wd, dir)
		}
		if a := c.Argument(1); !goja.IsUndefined(a) && !goja.IsNull(a) {
			if ws, ok := searchWorkspaceMarker(dir); ok {
				return rt.ToValue(filepath.ToSlash(ws))
			}
			return a
		}
		return rt.ToValue(filepath.ToSlash(SearchForWorkspaceRoot(dir)))
	})
	set("urlParse", func(c goja.FunctionCall) goja.Value {
		input, base := str(c, 0), c.Argument(1)
		u, err := url.Parse(input)
		if err != nil {
			vm.throwTypeError("Invalid URL: " + input)
		}
		if !goja.IsUndefined(base) && !goja.IsNull(base) {
			b, err := url.Parse(base.String())
			if err != nil || b.Scheme == "" {
				vm.throwTypeError("Invalid base URL: " + base.String())
			}
			u = b.ResolveReference(u)
		} else if u.Scheme == "" {
			vm.throwTypeError("Invalid URL: " + input)
		}
		if u.Scheme == "file" && u.Path == "" {
			u.Path = "/"
		}
		if (u.Scheme == "http" || u.Scheme == "https") && u.Path == "" && u.Opaque == "" {
			u.Path = "/"
		}
		o := rt.NewObject()
		href := u.String()
		if u.Scheme == "file" && !strings.HasPrefix(href, "file://") {
			href = "file://" + strings.TrimPrefix(href, "file:")
		}
		_ = o.Set("href", href)
		_ = o.Set("protocol", u.Scheme+":")
		_ = o.Set("host", u.Host)
		_ = o.Set("hostname", u.Hostname())
		_ = o.Set("port", u.Port())
		_ = o.Set("username", u.User.Username())
		pw, _ := u.User.Password()
		_ = o.Set("password", pw)
		pathname := u.EscapedPath()
		if u.Opaque != "" {
			pathname = u.Opaque
		}
		_ = o.Set("pathname", pathname)
		search := ""
		if u.RawQuery != "" {
			search = "?" + u.RawQuery
		}
		_ = o.Set("search", search)
		hash := ""
		if u.Fragment != "" {
			hash = "#" + u.EscapedFragment()
		}
		_ = o.Set("hash", hash)
		origin := "null"
		if u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "ws" || u.Scheme == "wss" {
			origin = u.Scheme + "://" + u.Host
		}
		_ = o.Set("origin", origin)
		return o
	})
	set("fileURLToPath", func(c goja.FunctionCall) goja.Value {
		s := str(c, 0)
		if !strings.HasPrefix(s, "file:") {
			vm.throwTypeError("The URL must be of scheme file: " + s)
		}
		u, err := url.Parse(s)
		if err != nil {
			vm.throwTypeError("Invalid URL: " + s)
		}
		if u.Host != "" && u.Host != "localhost" {
			vm.throwTypeError("File URL host must be \"localhost\" or empty on " + runtime.GOOS)
		}
		return rt.ToValue(u.Path)
	})
	set("pathToFileURL", func(c goja.FunctionCall) goja.Value {
		p := str(c, 0)
		abs, err := filepath.Abs(p)
		if err != nil {
			abs = p
		}
		// path.resolve keeps a trailing slash's meaning for directories.
		if strings.HasSuffix(p, "/") && !strings.HasSuffix(abs, "/") {
			abs += "/"
		}
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
		return rt.ToValue("file://" + u.EscapedPath())
	})
	set("hash", func(c goja.FunctionCall) goja.Value {
		alg, data, enc := strings.ToLower(str(c, 0)), str(c, 1), str(c, 2)
		var hh hash.Hash
		switch alg {
		case "md5":
			hh = md5.New()
		case "sha1":
			hh = sha1.New()
		case "sha256":
			hh = sha256.New()
		case "sha512":
			hh = sha512.New()
		default:
			panic(vm.newError("crypto.createHash: digest " + alg + " is not supported by govite (md5, sha1, sha256, sha512 are)"))
		}
		hh.Write([]byte(data))
		sum := hh.Sum(nil)
		switch enc {
		case "base64":
			return rt.ToValue(base64.StdEncoding.EncodeToString(sum))
		case "base64url":
			return rt.ToValue(base64.RawURLEncoding.EncodeToString(sum))
		default:
			return rt.ToValue(hex.EncodeToString(sum))
		}
	})
	set("randomUUID", func(goja.FunctionCall) goja.Value {
		var b [16]byte
		_, _ = rand.Read(b[:])
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		x := hex.EncodeToString(b[:])
		return rt.ToValue(x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:])
	})
	set("write", func(c goja.FunctionCall) goja.Value {
		w := vm.stdout
		if c.Argument(0).ToInteger() == 2 {
			w = vm.stderr
		}
		if w != nil {
			_, _ = io.WriteString(w, str(c, 1))
		}
		return goja.Undefined()
	})
	set("setTimer", func(c goja.FunctionCall) goja.Value {
		fn, ok := goja.AssertFunction(c.Argument(0))
		if !ok {
			vm.throwTypeError("The \"callback\" argument must be of type function")
		}
		ms := c.Argument(1).ToFloat()
		if ms != ms || ms < 0 {
			ms = 0
		}
		vm.timerID++
		t := &jsTimer{id: vm.timerID, fn: fn, interval: time.Duration(ms * float64(time.Millisecond)), repeat: c.Argument(2).ToBoolean()}
		t.due = time.Now().Add(t.interval)
		if len(c.Arguments) > 3 {
			t.args = append(t.args, c.Arguments[3:]...)
		}
		vm.timers = append(vm.timers, t)
		return rt.ToValue(t.id)
	})
	set("clearTimer", func(c goja.FunctionCall) goja.Value {
		id := c.Argument(0).ToInteger()
		for i, t := range vm.timers {
			if t.id == id {
				vm.timers = append(vm.timers[:i], vm.timers[i+1:]...)
				break
			}
		}
		return goja.Undefined()
	})
	// loadFile(path): a JavaScript or TypeScript file that config code imports by a computed name at
	// run time (vite-plugin-svelte's import(pathToFileURL(svelte.config.js) + '?t=...')): bundled
	// like the config file, then run in this engine, afresh for each import as the query asks.
	set("expandUnicodeProperties", func(c goja.FunctionCall) goja.Value {
		return rt.ToValue(expandUnicodeProperties(str(c, 0)))
	})
	set("isFile", func(c goja.FunctionCall) goja.Value {
		st, err := os.Stat(str(c, 0))
		return rt.ToValue(err == nil && st.Mode().IsRegular())
	})
	set("loadFile", func(c goja.FunctionCall) goja.Value {
		v, err := vm.loadFileLocked(str(c, 0))
		if err != nil {
			e := vm.newError(err.Error())
			_ = e.Set("code", "ERR_GOVITE_LOAD")
			panic(e)
		}
		return v
	})
	set("resolve", func(c goja.FunctionCall) goja.Value {
		spec, dir := str(c, 0), str(c, 1)
		p, err := resolveModule(spec, dir)
		if err != nil {
			e := vm.newError(fmt.Sprintf("Cannot find module '%s' from '%s': %s", spec, dir, err))
			_ = e.Set("code", "MODULE_NOT_FOUND")
			panic(e)
		}
		return rt.ToValue(p)
	})
	// transform(kind, code, filename, optionsJSON, inMapJSON): vite's transformWithEsbuild ("esbuild")
	// and transformWithOxc ("oxc").
	set("transform", func(c goja.FunctionCall) goja.Value {
		run := transformWithEsbuild
		if str(c, 0) == "oxc" {
			run = transformWithOxc
		}
		r, err := run(str(c, 1), str(c, 2), str(c, 3), str(c, 4))
		if err != nil {
			e := vm.newError(err.Error())
			var te *jsTransformError
			if errors.As(err, &te) {
				list := make([]any, len(te.Errors))
				for i, m := range te.Errors {
					item := map[string]any{"text": m.Text}
					if l := m.Location; l != nil {
						item["location"] = map[string]any{"file": l.File, "line": l.Line, "column": l.Column, "lineText": l.LineText}
					}
					list[i] = item
				}
				_ = e.Set("errors", list)
			}
			panic(e)
		}
		o := rt.NewObject()
		_ = o.Set("code", r.Code)
		_ = o.Set("map", r.Map)
		_ = o.Set("warnings", r.Warnings)
		return o
	})
	set("warn", func(c goja.FunctionCall) goja.Value {
		vm.warnf("%s", str(c, 0))
		return goja.Undefined()
	})
	return rt.Set("__govite", h)
}

// loadFileLocked bundles file like a config file and runs it, returning its module.exports. mu must
// be held (it runs inside a call from the engine).
func (vm *jsVM) loadFileLocked(file string) (goja.Value, error) {
	b, err := bundleConfig(file)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %v", file, err)
	}
	if table, ok := vm.rt.Get("__govite_resolved").(*goja.Object); ok {
		b.resolved.mu.Lock()
		for spec, p := range b.resolved.m {
			if !isSet(table.Get(spec)) {
				_ = table.Set(spec, p)
			}
		}
		b.resolved.mu.Unlock()
	}
	v, err := vm.runCommonJS(b.name, b.code, file)
	var ce *compileError
	if errors.As(err, &ce) {
		return nil, fmt.Errorf("loading %s: govite's JavaScript engine cannot run it: %v", file, ce.err)
	}
	return v, err
}

// compileError is a bundle the engine cannot compile.
type compileError struct{ err error }

func (e *compileError) Error() string { return e.err.Error() }

// runCommonJS runs a bundled CommonJS script for file and returns its module.exports. The wrapper
// shares the bundle's first line so that line numbers need no shifting. mu must be held.
func (vm *jsVM) runCommonJS(name, code, file string) (goja.Value, error) {
	prg, err := goja.Compile(name, "(function (exports, require, module, __filename, __dirname) {"+code+"\n})", false)
	if err != nil {
		return nil, &compileError{err}
	}
	wrapper, err := vm.rt.RunProgram(prg)
	if err != nil {
		return nil, err
	}
	fn, _ := goja.AssertFunction(wrapper)
	module, exports := vm.rt.NewObject(), vm.rt.NewObject()
	_ = module.Set("exports", exports)
	_ = module.Set("id", file)
	_ = module.Set("filename", file)
	if _, err := fn(goja.Undefined(), exports, vm.rt.Get("__govite_require"), module, vm.rt.ToValue(file), vm.rt.ToValue(filepath.Dir(file))); err != nil {
		return nil, err
	}
	return module.Get("exports"), nil
}

// writablePath is p when config code may write there: inside the config file's directory (the
// project). Elsewhere it throws an EACCES error that says so.
func (vm *jsVM) writablePath(p, syscallName string) string {
	abs, err := filepath.Abs(p)
	if err == nil && vm.bundleDir != "" {
		if rel, err := filepath.Rel(vm.bundleDir, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return abs
		}
	}
	e := vm.newError(fmt.Sprintf("EACCES: config files and their plugins run by govite may only write inside the project (%s), %s '%s'", vm.bundleDir, syscallName, p))
	_ = e.Set("code", "EACCES")
	_ = e.Set("syscall", syscallName)
	_ = e.Set("path", p)
	panic(e)
}
