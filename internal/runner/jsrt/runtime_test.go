package jsrt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"
)

func TestDoAndAwait(t *testing.T) {
	rt, _ := newTestRuntime(t)
	ctx := context.Background()

	var n int64
	if err := rt.Do(ctx, func(vm *goja.Runtime) error {
		v, err := vm.RunString("1 + 41")
		n = v.ToInteger()
		return err
	}); err != nil || n != 42 {
		t.Fatalf("Do: %v, %d", err, n)
	}
	wantErr := errors.New("from go")
	if err := rt.Do(ctx, func(vm *goja.Runtime) error { return wantErr }); err != wantErr {
		t.Errorf("Do should return fn's error, got %v", err)
	}

	// A promise settled by a timer; a plain value; a foreign thenable.
	for src, want := range map[string]string{
		`new Promise(r => setTimeout(() => r("late"), 5))`: "late",
		`"plain"`: "plain",
		`({ then(res) { setTimeout(() => res("thenable"), 1) } })`: "thenable",
		`(async () => { await null; return "async" })()`:           "async",
	} {
		var got string
		err := rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
			return vm.RunString(src)
		}, func(vm *goja.Runtime, v goja.Value) error {
			got = v.String()
			return nil
		})
		if err != nil || got != want {
			t.Errorf("Await(%s) = %q, %v; want %q", src, got, err, want)
		}
	}
}

func TestAwaitErrors(t *testing.T) {
	rt, logs := newTestRuntime(t)
	ctx := context.Background()
	await := func(src string) error {
		return rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
			return vm.RunString(src)
		}, nil)
	}

	// A rejection carries the JS error with its stack.
	err := await(`
function inner() { throw new RangeError("deep problem") }
function outer() { inner() }
(async function handler() { await null; outer() })()`)
	var jsErr *JSError
	if !errors.As(err, &jsErr) {
		t.Fatalf("want *JSError, got %T %v", err, err)
	}
	if jsErr.Name != "RangeError" || jsErr.Message != "deep problem" || jsErr.Error() != "RangeError: deep problem" || jsErr.Env != "test" {
		t.Errorf("JSError fields: %+v", jsErr)
	}
	if !strings.Contains(jsErr.Stack, "RangeError: deep problem") || !strings.Contains(jsErr.Stack, "at inner (") || !strings.Contains(jsErr.Stack, "at outer (") {
		t.Errorf("stack lacks the JS frames:\n%s", jsErr.Stack)
	}

	// A synchronous throw.
	err = await(`function boom() { null.x }
boom()`)
	if !errors.As(err, &jsErr) || jsErr.Name != "TypeError" || !strings.Contains(jsErr.Stack, "at boom (") {
		t.Errorf("sync throw: %T %v", err, err)
	}

	// Thrown non-errors.
	err = await(`throw "just a string"`)
	if !errors.As(err, &jsErr) || jsErr.Name != "" || jsErr.Message != "just a string" || !strings.Contains(jsErr.Stack, "<eval>:1:1") {
		t.Errorf("thrown string: %+v", jsErr)
	}
	err = await(`Promise.reject({ code: 42 })`)
	if !errors.As(err, &jsErr) || jsErr.Message != "{ code: 42 }" {
		t.Errorf("rejected object: %+v", jsErr)
	}

	// A DOMException is an Error too.
	err = await(`Promise.reject(new DOMException("nope", "AbortError"))`)
	if !errors.As(err, &jsErr) || jsErr.Error() != "AbortError: nope" {
		t.Errorf("DOMException: %+v", jsErr)
	}

	// convert's error is returned; a JS exception in convert is a *JSError.
	err = rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
		return vm.RunString(`Promise.resolve(1)`)
	}, func(vm *goja.Runtime, v goja.Value) error {
		_, err := vm.RunString("undefinedFunction()")
		return err
	})
	if !errors.As(err, &jsErr) || jsErr.Name != "ReferenceError" {
		t.Errorf("convert error: %T %v", err, err)
	}
	// Rejections Await observed are handled: nothing logged.
	time.Sleep(10 * time.Millisecond)
	for _, r := range logs.all() {
		t.Errorf("unexpected log: %+v", r)
	}
}

func TestPanicsOnTheLoop(t *testing.T) {
	rt, _ := newTestRuntime(t)
	ctx := context.Background()
	err := rt.Do(ctx, func(vm *goja.Runtime) error { panic("oops") })
	if err == nil || !strings.Contains(err.Error(), "panic on the event loop: oops") {
		t.Errorf("a Go panic should become an error: %v", err)
	}
	// A goja exception panicked by a goja API is a *JSError.
	err = rt.Do(ctx, func(vm *goja.Runtime) error {
		v, _ := vm.RunString(`({ get bad() { throw new SyntaxError("getter threw") } })`)
		v.ToObject(vm).Get("bad")
		return nil
	})
	var jsErr *JSError
	if !errors.As(err, &jsErr) || jsErr.Error() != "SyntaxError: getter threw" {
		t.Errorf("panicked exception: %T %v", err, err)
	}
	// Await with fn returning nil gives undefined to convert.
	var got goja.Value
	if err := rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) { return nil, nil }, func(vm *goja.Runtime, v goja.Value) error {
		got = v
		return nil
	}); err != nil || got == nil || !goja.IsUndefined(got) {
		t.Errorf("nil value: %v %v", got, err)
	}
	// The loop survived.
	if got := evalJSON(t, rt, `"alive"`); got != `"alive"` {
		t.Errorf("after panics: %s", got)
	}
}

func TestAwaitContextCancel(t *testing.T) {
	rt, _ := newTestRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
		return vm.RunString(`new Promise(() => {})`)
	}, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v", err)
	}
	// The runtime still works.
	if got := evalJSON(t, rt, `1+1`); got != "2" {
		t.Errorf("after a cancelled Await: %s", got)
	}
}

func TestCloseWhileWaiting(t *testing.T) {
	rt, err := New(Options{Name: "closing", Logger: slog.New(&logRecorder{})})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	errs := make(chan error, 3)
	started := make(chan struct{})
	// An Await on a promise that never settles.
	go func() {
		errs <- rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
			return vm.RunString(`new Promise(() => {})`)
		}, nil)
	}()
	// A Do running an endless loop, and one queued behind it.
	go func() {
		errs <- rt.Do(ctx, func(vm *goja.Runtime) error {
			close(started)
			_, err := vm.RunString(`for (;;) {}`)
			return err
		})
	}()
	<-started
	go func() {
		errs <- rt.Do(ctx, func(vm *goja.Runtime) error { return nil })
	}()
	time.Sleep(20 * time.Millisecond)
	done := make(chan struct{})
	go func() {
		rt.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	for i := 0; i < 3; i++ {
		select {
		case err := <-errs:
			if !errors.Is(err, ErrClosed) {
				t.Errorf("waiting call returned %v, want ErrClosed", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a waiting call did not return after Close")
		}
	}
	if rt.Enqueue(func(*goja.Runtime) {}) {
		t.Error("Enqueue after Close should return false")
	}
	if err := rt.Do(ctx, func(*goja.Runtime) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Do after Close: %v", err)
	}
	rt.Close() // twice is fine
}

func TestNewPromiseFromGoroutine(t *testing.T) {
	rt, _ := newTestRuntime(t)
	ctx := context.Background()
	var got string
	err := rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
		p, resolve, _ := rt.NewPromise(vm)
		go func() {
			time.Sleep(5 * time.Millisecond)
			resolve("from a goroutine")
			resolve("ignored")
		}()
		return p, nil
	}, func(vm *goja.Runtime, v goja.Value) error {
		got = v.String()
		return nil
	})
	if err != nil || got != "from a goroutine" {
		t.Errorf("resolve: %q %v", got, err)
	}

	err = rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
		p, _, reject := rt.NewPromise(vm)
		go reject(errors.New("disk on fire"))
		vm.Set("p", p)
		return vm.RunString(`p.catch(e => { throw new Error("wrapped: " + e.message) })`)
	}, nil)
	var jsErr *JSError
	if !errors.As(err, &jsErr) || jsErr.Message != "wrapped: disk on fire" {
		t.Errorf("reject: %v", err)
	}
}

func TestEnqueueOrder(t *testing.T) {
	rt, _ := newTestRuntime(t)
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		rt.Enqueue(func(vm *goja.Runtime) {
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			wg.Done()
		})
	}
	wg.Wait()
	for i, v := range order {
		if i != v {
			t.Fatalf("tasks ran out of order: %v", order)
		}
	}
}

func TestUncaughtErrorsAreLogged(t *testing.T) {
	rt, logs := newTestRuntime(t)
	evalJSON(t, rt, `
		setTimeout(() => { throw new TypeError("timer exploded") }, 0);
		Promise.reject(new Error("nobody listens"));
		const late = Promise.reject(new Error("handled later in the same task"));
		late.catch(() => {});
		queueMicrotask(() => { throw new Error("microtask exploded") });
		new Promise(r => setTimeout(r, 10))`)
	msgs := strings.Join(logs.messages(), "\n")
	for _, want := range []string{"Uncaught TypeError: timer exploded", "Uncaught (in promise) Error: nobody listens", "Uncaught Error: microtask exploded"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("logs lack %q:\n%s", want, msgs)
		}
	}
	if strings.Contains(msgs, "handled later") {
		t.Errorf("a rejection handled in the same task was reported:\n%s", msgs)
	}
	for _, r := range logs.all() {
		if r.Level != slog.LevelError || r.Env != "test" {
			t.Errorf("record %+v: want level ERROR, env test", r)
		}
	}
}

// TestRuntimesAreIsolated runs many runtimes at once: globals, prototypes and polyfill state are not
// shared.
func TestRuntimesAreIsolated(t *testing.T) {
	const n = 8
	rts := make([]*Runtime, n)
	for i := range rts {
		rt, err := New(Options{Name: fmt.Sprint("env", i), Logger: slog.New(&logRecorder{})})
		if err != nil {
			t.Fatal(err)
		}
		defer rt.Close()
		rts[i] = rt
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i, rt := range rts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := tryEvalJSON(rt, fmt.Sprintf(`
				const before = [typeof globalThis.marker, typeof Array.prototype.marked, Headers.prototype.extra === undefined];
				globalThis.marker = %d;
				Array.prototype.marked = true;
				Headers.prototype.extra = 1;
				new Promise(r => setTimeout(() => r(before.concat([globalThis.marker])), 5))`, i))
			if err != nil {
				errs <- err
				return
			}
			if want := fmt.Sprintf(`["undefined","undefined",true,%d]`, i); got != want {
				errs <- fmt.Errorf("runtime %d: got %s, want %s", i, got, want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNotNode(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `[typeof process, typeof require, typeof global, typeof module, typeof Buffer, self === globalThis,
		navigator.userAgent, typeof performance.now(), performance.timeOrigin > 1.6e12,
		Object.keys(globalThis).length]`)
	expectJSON(t, got, `["undefined","undefined","undefined","undefined","undefined",true,"govite","number",true,0]`)
}
