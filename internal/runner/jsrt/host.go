package jsrt

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dop251/goja"
	"golang.org/x/net/idna"
)

// The polyfills are our own JavaScript, one function expression per file, run in file name order. They
// are compiled once per process and run in every new Runtime.
//
//go:embed js/*.js
var polyfillFS embed.FS

type polyfill struct {
	name string
	prog *goja.Program
}

var (
	polyfillsOnce sync.Once
	polyfills     []polyfill
	polyfillsErr  error
)

func compiledPolyfills() ([]polyfill, error) {
	polyfillsOnce.Do(func() {
		entries, err := fs.ReadDir(polyfillFS, "js")
		if err != nil {
			polyfillsErr = err
			return
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, e := range entries {
			src, err := polyfillFS.ReadFile("js/" + e.Name())
			if err != nil {
				polyfillsErr = err
				return
			}
			p, err := goja.Compile("govite:jsrt/"+e.Name(), string(src), true)
			if err != nil {
				polyfillsErr = fmt.Errorf("compiling polyfill %s: %w", e.Name(), err)
				return
			}
			polyfills = append(polyfills, polyfill{e.Name(), p})
		}
	})
	return polyfills, polyfillsErr
}

// jsHelpers are the polyfills' internal functions that Go calls.
type jsHelpers struct {
	settle        goja.Callable // (v, onFulfilled, onRejected): Promise.resolve(v).then(...)
	markHandledFn goja.Callable
	inspect       goja.Callable // (v): a readable rendering
	preview       goja.Callable // (v): "string \"hi\"", "object {...}"
	responseParts goja.Callable
	makeRequest   goja.Callable
	hostStream    goja.Callable
	readChunk     goja.Callable
	uint8Array    *goja.Object // the Uint8Array constructor
}

func (h *jsHelpers) markHandled(p goja.Value) {
	_, _ = h.markHandledFn(goja.Undefined(), p)
}

// install gives the engine its globals by running our polyfills.
func (r *Runtime) install() error {
	progs, err := compiledPolyfills()
	if err != nil {
		return err
	}
	vm := r.vm
	global := vm.GlobalObject()

	host := r.hostObject()
	internals := vm.NewObject()
	for _, p := range progs {
		v, err := vm.RunProgram(p.prog)
		if err != nil {
			return fmt.Errorf("polyfill %s: %w", p.name, err)
		}
		fn, ok := goja.AssertFunction(v)
		if !ok {
			return fmt.Errorf("polyfill %s does not evaluate to a function", p.name)
		}
		if _, err := fn(goja.Undefined(), host, internals, global); err != nil {
			return fmt.Errorf("polyfill %s: %w", p.name, err)
		}
	}
	r.internals = internals

	fnOf := func(name string) goja.Callable {
		fn, ok := goja.AssertFunction(internals.Get(name))
		if !ok {
			panic("jsrt: polyfills did not define internals." + name)
		}
		return fn
	}
	r.helpers = jsHelpers{
		settle:        fnOf("settle"),
		markHandledFn: fnOf("markHandled"),
		inspect:       fnOf("inspect"),
		preview:       fnOf("preview"),
		responseParts: fnOf("responseParts"),
		makeRequest:   fnOf("makeRequest"),
		hostStream:    fnOf("hostStream"),
		readChunk:     fnOf("readChunk"),
		uint8Array:    global.Get("Uint8Array").ToObject(vm),
	}
	return nil
}

// hostObject builds the Go functions the polyfills call (the "host" argument of each file).
func (r *Runtime) hostObject() *goja.Object {
	vm := r.vm
	host := vm.NewObject()
	set := func(name string, fn func(call goja.FunctionCall) goja.Value) {
		_ = host.Set(name, fn)
	}

	set("log", func(call goja.FunctionCall) goja.Value {
		level := slog.LevelInfo
		switch call.Argument(0).String() {
		case "debug":
			level = slog.LevelDebug
		case "warn":
			level = slog.LevelWarn
		case "error":
			level = slog.LevelError
		}
		r.logger.Log(context.Background(), level, call.Argument(1).String())
		return goja.Undefined()
	})
	set("reportError", func(call goja.FunctionCall) goja.Value {
		r.reportError(r.jsError(call.Argument(0)))
		return goja.Undefined()
	})
	set("now", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(float64(time.Since(r.start).Nanoseconds()) / 1e6)
	})
	_ = host.Set("timeOrigin", r.originMs)

	// Timers. The callback must be a function (browsers would eval a string; we do not).
	timerArgs := func(call goja.FunctionCall, what string) (goja.Callable, time.Duration, []goja.Value) {
		fn, ok := goja.AssertFunction(call.Argument(0))
		if !ok {
			panic(vm.NewTypeError(what + ": the callback must be a function, got " + r.previewString(call.Argument(0))))
		}
		ms := call.Argument(1).ToFloat()
		switch {
		case ms != ms || ms < 0: // NaN or negative
			ms = 0
		case ms > math.MaxInt32:
			// Node's rule for delays that do not fit 32 bits (browsers overflow to about 0 too).
			ms = 1
		}
		var args []goja.Value
		if len(call.Arguments) > 2 {
			args = append(args, call.Arguments[2:]...)
		}
		return fn, time.Duration(ms * float64(time.Millisecond)), args
	}
	set("setTimeout", func(call goja.FunctionCall) goja.Value {
		fn, d, args := timerArgs(call, "setTimeout")
		return vm.ToValue(r.addTimer(fn, d, false, args))
	})
	set("setInterval", func(call goja.FunctionCall) goja.Value {
		fn, d, args := timerArgs(call, "setInterval")
		return vm.ToValue(r.addTimer(fn, d, true, args))
	})
	clearTimer := func(call goja.FunctionCall) goja.Value {
		if id := call.Argument(0); !goja.IsUndefined(id) && !goja.IsNull(id) {
			r.clearTimer(id.ToInteger())
		}
		return goja.Undefined()
	}
	set("clearTimeout", clearTimer)
	set("clearInterval", clearTimer)
	set("setImmediate", func(call goja.FunctionCall) goja.Value {
		fn, ok := goja.AssertFunction(call.Argument(0))
		if !ok {
			panic(vm.NewTypeError("setImmediate: the callback must be a function, got " + r.previewString(call.Argument(0))))
		}
		var args []goja.Value
		if len(call.Arguments) > 1 {
			args = append(args, call.Arguments[1:]...)
		}
		return vm.ToValue(r.addImmediate(fn, args))
	})
	set("clearImmediate", func(call goja.FunctionCall) goja.Value {
		if id := call.Argument(0); !goja.IsUndefined(id) && !goja.IsNull(id) {
			r.clearImmediate(id.ToInteger())
		}
		return goja.Undefined()
	})
	// postTask queues a macrotask (MessagePort delivery).
	set("postTask", func(call goja.FunctionCall) goja.Value {
		fn, ok := goja.AssertFunction(call.Argument(0))
		if !ok {
			panic(vm.NewTypeError("postTask: not a function"))
		}
		r.Enqueue(func(vm *goja.Runtime) {
			if _, err := fn(goja.Undefined()); err != nil {
				panic(err)
			}
		})
		return goja.Undefined()
	})
	set("promiseState", func(call goja.FunctionCall) goja.Value {
		if obj, ok := call.Argument(0).(*goja.Object); ok {
			if p, ok := obj.Export().(*goja.Promise); ok {
				switch p.State() {
				case goja.PromiseStateFulfilled:
					return vm.NewArray("fulfilled", p.Result())
				case goja.PromiseStateRejected:
					return vm.NewArray("rejected", p.Result())
				}
			}
		}
		return vm.NewArray("pending", goja.Undefined())
	})

	// base64, on "binary strings" (one character per byte). null reports a bad input.
	set("btoa", func(call goja.FunctionCall) goja.Value {
		s := call.Argument(0).String()
		b := make([]byte, 0, len(s))
		for _, c := range s {
			if c > 0xff {
				return goja.Null()
			}
			b = append(b, byte(c))
		}
		return vm.ToValue(base64.StdEncoding.EncodeToString(b))
	})
	set("atob", func(call goja.FunctionCall) goja.Value {
		b, ok := forgivingBase64Decode(call.Argument(0).String())
		if !ok {
			return goja.Null()
		}
		return vm.ToValue(binaryString(b))
	})

	set("fillRandom", func(call goja.FunctionCall) goja.Value {
		b, ok := r.viewBytes(call.Argument(0))
		if !ok {
			panic(vm.NewTypeError("getRandomValues: not a typed array"))
		}
		_, _ = rand.Read(b)
		return goja.Undefined()
	})
	set("randomUUID", func(call goja.FunctionCall) goja.Value {
		return vm.ToValue(randomUUID())
	})

	// Text encoding.
	set("encodeUTF8", func(call goja.FunctionCall) goja.Value {
		return r.newUint8Array([]byte(call.Argument(0).String()))
	})
	set("encodeInto", func(call goja.FunctionCall) goja.Value {
		src := call.Argument(0).String()
		dst, ok := r.viewBytes(call.Argument(1))
		if !ok {
			panic(vm.NewTypeError("encodeInto: the destination is not a Uint8Array"))
		}
		read, written := 0, 0
		for _, c := range src {
			n := utf8.RuneLen(c)
			if written+n > len(dst) {
				break
			}
			utf8.EncodeRune(dst[written:], c)
			written += n
			if c >= 0x10000 {
				read += 2
			} else {
				read++
			}
		}
		return vm.NewArray(read, written)
	})
	set("newDecoder", func(call goja.FunctionCall) goja.Value {
		d := &textDecoder{encoding: call.Argument(0).String(), fatal: call.Argument(1).ToBoolean(), ignoreBOM: call.Argument(2).ToBoolean()}
		return vm.ToValue(d)
	})
	set("decode", func(call goja.FunctionCall) goja.Value {
		d, ok := call.Argument(0).Export().(*textDecoder)
		if !ok {
			panic(vm.NewTypeError("TextDecoder.decode: invalid decoder"))
		}
		var input []byte
		if in := call.Argument(1); !goja.IsUndefined(in) {
			b, ok := r.viewBytes(in)
			if !ok {
				panic(vm.NewTypeError("TextDecoder.decode: Argument 1 must be an ArrayBuffer or an ArrayBufferView"))
			}
			input = b
		}
		s, err := d.decode(input, call.Argument(2).ToBoolean())
		if err != nil {
			panic(vm.NewTypeError("TextDecoder.decode: " + err.Error()))
		}
		return vm.ToValue(s)
	})
	// decodeUTF8 is the Body and Blob text() decoding: UTF-8, BOM removed, errors replaced.
	set("decodeUTF8", func(call goja.FunctionCall) goja.Value {
		b, ok := r.viewBytes(call.Argument(0))
		if !ok {
			panic(vm.NewTypeError("decodeUTF8: not bytes"))
		}
		d := textDecoder{encoding: "utf-8"}
		s, _ := d.decode(b, false)
		return vm.ToValue(s)
	})

	// domainToASCII is the URL standard's domain to ASCII (UTS #46) for hosts that are not plain ASCII;
	// null means failure.
	set("domainToASCII", func(call goja.FunctionCall) goja.Value {
		out, err := idnaProfile.ToASCII(call.Argument(0).String())
		if err != nil {
			return goja.Null()
		}
		return vm.ToValue(out)
	})

	set("fetch", r.hostFetch)
	return host
}

// idnaProfile has the options the URL standard gives UTS #46 ToASCII: no hyphen checks, no DNS length
// check, not transitional, with the bidi and joiner rules.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.CheckJoiners(true),
	idna.CheckHyphens(false),
	idna.Transitional(false),
	idna.StrictDomainName(false),
	idna.VerifyDNSLength(false),
)

// forgivingBase64Decode implements the WHATWG "forgiving-base64 decode": ASCII whitespace is ignored,
// padding is optional, and anything else invalid fails.
func forgivingBase64Decode(s string) ([]byte, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\f', '\r':
		default:
			b.WriteByte(c)
		}
	}
	data := b.String()
	if len(data)%4 == 0 {
		data = strings.TrimSuffix(data, "=")
		data = strings.TrimSuffix(data, "=")
	}
	if len(data)%4 == 1 {
		return nil, false
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
			return nil, false
		}
	}
	// Not Strict(): the forgiving decoder discards non-zero trailing bits too.
	out, err := base64.RawStdEncoding.DecodeString(data)
	if err != nil {
		return nil, false
	}
	return out, true
}

// binaryString maps each byte to the character with that code, as atob returns.
func binaryString(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs)
}

func randomUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
