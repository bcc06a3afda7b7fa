package jsrt

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"
)

// ErrClosed is returned by Do and Await when the runtime was closed before the work finished.
var ErrClosed = errors.New("jsrt: runtime closed")

// Options configure a Runtime.
type Options struct {
	// Name names the environment ("ssr", "edge") in errors and log records.
	Name string
	// Logger receives console output: console.log/info/debug/warn/error become records at the matching
	// level with the attribute env=Name. Nil means slog.Default().
	Logger *slog.Logger
	// HTTPClient performs fetch() calls. Nil means http.DefaultClient.
	HTTPClient *http.Client
}

// Runtime is a JavaScript engine with its event loop. Create it with New, use it with Do, Await and
// Enqueue from any goroutine, and Close it when done.
type Runtime struct {
	name   string
	logger *slog.Logger
	client *http.Client

	vm        *goja.Runtime
	internals *goja.Object // the polyfills' private helpers, never reachable from user code
	helpers   jsHelpers

	// ctx is cancelled by Close; Go operations started for JS (fetch, body reads) use it.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	tasks   []func() // work posted from any goroutine, run in order
	closed  bool
	wake    chan struct{} // buffered(1): something was posted
	stopped chan struct{} // closed by Close: the loop must stop
	done    chan struct{} // closed when the loop goroutine has returned

	// The fields below belong to the loop goroutine.
	timers     timerHeap
	timerByID  map[int64]*timer
	timerSeq   int64 // orders timers due at the same time
	lastID     int64 // ids of timers and immediates share one space, so clearing one never clears the other
	immediates []*immediate
	immByID    map[int64]*immediate
	rejections []*goja.Promise // rejected without a handler during the current task
	start      time.Time       // for performance.now
	originMs   float64         // performance.timeOrigin
}

// New creates a runtime and starts the goroutine that owns its engine and runs its event loop until Close.
func New(opts Options) (*Runtime, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	client := opts.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithCancel(context.Background())
	now := time.Now()
	r := &Runtime{
		name:      opts.Name,
		logger:    logger.With("env", opts.Name),
		client:    client,
		vm:        goja.New(),
		ctx:       ctx,
		cancel:    cancel,
		wake:      make(chan struct{}, 1),
		stopped:   make(chan struct{}),
		done:      make(chan struct{}),
		timerByID: map[int64]*timer{},
		immByID:   map[int64]*immediate{},
		start:     now,
		originMs:  float64(now.UnixNano()) / 1e6,
	}
	r.vm.SetPromiseRejectionTracker(r.trackRejection)
	if err := r.install(); err != nil {
		cancel()
		return nil, fmt.Errorf("jsrt: setting up runtime %q: %w", opts.Name, err)
	}
	go r.loop()
	return r, nil
}

// Name returns the environment name the runtime was created with.
func (r *Runtime) Name() string { return r.name }

// Close stops the event loop and drops pending timers and tasks. JavaScript that is running is
// interrupted. Calls waiting in Do or Await return ErrClosed. Close waits for the loop goroutine to
// return, so it must not be called from inside a function running on the loop.
func (r *Runtime) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		<-r.done
		return
	}
	r.closed = true
	r.tasks = nil
	close(r.stopped)
	r.mu.Unlock()
	r.cancel()
	r.vm.Interrupt(ErrClosed)
	<-r.done
}

// Enqueue schedules fn to run on the loop goroutine as a task of its own (after the tasks already
// queued). It may be called from any goroutine; it returns false when the runtime is closed and fn will
// not run. fn must not block; uncaught JavaScript exceptions it causes are logged.
func (r *Runtime) Enqueue(fn func(vm *goja.Runtime)) bool {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return false
	}
	r.tasks = append(r.tasks, func() { fn(r.vm) })
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return true
}

// Do runs fn on the loop goroutine and returns its error once it has run, or ctx.Err() if ctx is done
// first (fn is then skipped if it had not started), or ErrClosed. A JavaScript exception thrown out of
// goja calls made by fn (a *goja.Exception returned or panicked) comes back as a *JSError. fn must not
// block: the loop runs nothing else meanwhile. Promises fn starts keep running after Do returns.
func (r *Runtime) Do(ctx context.Context, fn func(vm *goja.Runtime) error) error {
	var cancelled atomic.Bool
	result := make(chan error, 1)
	ok := r.Enqueue(func(vm *goja.Runtime) {
		if cancelled.Load() {
			return
		}
		result <- r.protect(func() error { return fn(vm) })
	})
	if !ok {
		return ErrClosed
	}
	return r.wait(ctx, result, &cancelled)
}

// wait waits for the result of work posted to the loop, for ctx, or for the loop to stop. When ctx
// ends first it sets cancelled, so that work not started yet is skipped.
func (r *Runtime) wait(ctx context.Context, result <-chan error, cancelled *atomic.Bool) error {
	select {
	case err := <-result:
		return err
	case <-ctx.Done():
		cancelled.Store(true)
		return ctx.Err()
	case <-r.done:
		// The work may have finished just before the loop stopped.
		select {
		case err := <-result:
			return err
		default:
			return ErrClosed
		}
	}
}

// Await runs fn on the loop. When fn returns a promise or another thenable, Await waits for it to
// settle; then convert runs on the loop with the fulfilled value (or with fn's value when it is not a
// thenable), so the caller can turn it into Go values, and Await returns convert's error. A rejection or
// a thrown exception returns a *JSError. convert may be nil. ctx bounds the whole wait; when it ends
// first Await returns ctx.Err() and the promise is left to settle unobserved.
func (r *Runtime) Await(ctx context.Context, fn func(vm *goja.Runtime) (goja.Value, error), convert func(vm *goja.Runtime, v goja.Value) error) error {
	var cancelled atomic.Bool
	result := make(chan error, 1)
	finish := func(err error) {
		select {
		case result <- err:
		default:
		}
	}
	settled := func(v goja.Value) {
		if cancelled.Load() || convert == nil {
			finish(nil)
			return
		}
		finish(r.protect(func() error { return convert(r.vm, v) }))
	}
	ok := r.Enqueue(func(vm *goja.Runtime) {
		if cancelled.Load() {
			return
		}
		var v goja.Value
		err := r.protect(func() error {
			var err error
			v, err = fn(vm)
			return err
		})
		if err != nil {
			finish(err)
			return
		}
		if err := r.protect(func() error { return r.whenSettled(v, settled, func(e error) { finish(e) }) }); err != nil {
			finish(err)
		}
	})
	if !ok {
		return ErrClosed
	}
	return r.wait(ctx, result, &cancelled)
}

// whenSettled calls onValue with v itself, or, when v is a thenable, with its fulfilled value once it
// settles; a rejection calls onError with a *JSError. Runs on the loop.
func (r *Runtime) whenSettled(v goja.Value, onValue func(goja.Value), onError func(error)) error {
	if v == nil {
		v = goja.Undefined()
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		onValue(v)
		return nil
	}
	if p, ok := obj.Export().(*goja.Promise); ok {
		// Already settled: answer now rather than one more turn later.
		switch p.State() {
		case goja.PromiseStateFulfilled:
			onValue(p.Result())
			return nil
		case goja.PromiseStateRejected:
			// Attach a handler anyway, so the rejection does not count as unhandled.
			r.helpers.markHandled(obj)
			onError(r.jsError(p.Result()))
			return nil
		}
	} else if then, ok := goja.AssertFunction(obj.Get("then")); !ok || then == nil {
		onValue(v)
		return nil
	}
	// Promise.resolve(v).then(onFulfilled, onRejected), which also adopts foreign thenables.
	onFul := r.vm.ToValue(func(call goja.FunctionCall) goja.Value {
		onValue(call.Argument(0))
		return goja.Undefined()
	})
	onRej := r.vm.ToValue(func(call goja.FunctionCall) goja.Value {
		onError(r.jsError(call.Argument(0)))
		return goja.Undefined()
	})
	_, err := r.helpers.settle(goja.Undefined(), v, onFul, onRej)
	return err
}

// NewPromise, called on the loop, returns a promise and the functions that settle it. resolve and
// reject may be called from any goroutine, any number of times (only the first counts); they post the
// settlement to the loop. resolve accepts what goja's ToValue does, and also a goja.Value; reject turns
// the error into a JavaScript Error (a *JSError's value is rethrown as is).
func (r *Runtime) NewPromise(vm *goja.Runtime) (promise goja.Value, resolve func(v any), reject func(err error)) {
	p, res, rej := vm.NewPromise()
	var once atomic.Bool
	resolve = func(v any) {
		if once.Swap(true) {
			return
		}
		r.Enqueue(func(vm *goja.Runtime) {
			if err := res(v); err != nil {
				r.reportError(err)
			}
		})
	}
	reject = func(err error) {
		if once.Swap(true) {
			return
		}
		r.Enqueue(func(vm *goja.Runtime) {
			if err := rej(r.errorValue(err)); err != nil {
				r.reportError(err)
			}
		})
	}
	return vm.ToValue(p), resolve, reject
}

// errorValue turns a Go error into the JavaScript value to reject or throw with. Runs on the loop.
func (r *Runtime) errorValue(err error) goja.Value {
	var jsErr *JSError
	if errors.As(err, &jsErr) && jsErr.value != nil && jsErr.vm == r.vm {
		return jsErr.value
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return ex.Value()
	}
	return r.vm.NewGoError(err)
}

// protect runs fn, turning goja exceptions (returned or panicked) into *JSError and other panics into
// errors, so that a bad callback cannot take the loop goroutine (and the process) down.
func (r *Runtime) protect(fn func() error) (err error) {
	defer func() {
		if x := recover(); x != nil {
			switch x := x.(type) {
			case *goja.Exception:
				err = r.exceptionError(x)
			case *goja.InterruptedError:
				err = ErrClosed
			default:
				err = fmt.Errorf("jsrt %s: panic on the event loop: %v\n%s", r.name, x, debug.Stack())
			}
		}
	}()
	err = fn()
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return r.exceptionError(ex)
	}
	var intr *goja.InterruptedError
	if errors.As(err, &intr) {
		return ErrClosed
	}
	return err
}

// loop is the event loop: each turn runs the timers that are due, then the tasks posted so far, then
// the immediates queued so far (the order of Node's timers, poll and check phases), then sleeps until
// the next timer or the next posted task.
func (r *Runtime) loop() {
	defer close(r.done)
	defer r.dropAll()
	sleep := time.NewTimer(time.Hour)
	sleep.Stop()
	for {
		if r.isStopped() {
			return
		}
		r.runTimers()
		if !r.runTasks() {
			return
		}
		r.runImmediates()
		if r.isStopped() {
			return
		}

		r.mu.Lock()
		pending := len(r.tasks) > 0
		r.mu.Unlock()
		if pending || len(r.immediates) > 0 {
			continue
		}
		var timerC <-chan time.Time
		if len(r.timers) > 0 {
			d := time.Until(r.timers[0].due)
			if d <= 0 {
				continue
			}
			sleep.Reset(d)
			timerC = sleep.C
		}
		select {
		case <-r.wake:
		case <-timerC:
		case <-r.stopped:
		}
		if !sleep.Stop() {
			select {
			case <-sleep.C:
			default:
			}
		}
	}
}

func (r *Runtime) isStopped() bool {
	select {
	case <-r.stopped:
		return true
	default:
		return false
	}
}

// dropAll forgets every timer and task when the loop ends, so their closures (and the JS values they
// hold) can be collected.
func (r *Runtime) dropAll() {
	r.timers = nil
	r.timerByID = nil
	r.immediates = nil
	r.immByID = nil
	r.mu.Lock()
	r.tasks = nil
	r.mu.Unlock()
}

// runTasks runs the tasks posted before it started. It returns false when the loop must stop.
func (r *Runtime) runTasks() bool {
	r.mu.Lock()
	tasks := r.tasks
	r.tasks = nil
	r.mu.Unlock()
	for i, t := range tasks {
		if r.isStopped() {
			return false
		}
		r.runTask(func() error { t(); return nil })
		tasks[i] = nil
	}
	return true
}

// runTask runs one macrotask. goja drains the microtask queue whenever control returns from JavaScript
// to Go at the top level, so promise reactions queued by the task have run when it returns. Exceptions
// escaping the task are reported like uncaught errors in a browser: logged, and the loop goes on.
func (r *Runtime) runTask(t func() error) {
	if err := r.protect(t); err != nil && !errors.Is(err, ErrClosed) {
		r.reportError(err)
	}
	r.reportRejections()
}

// trackRejection records promises rejected with no handler attached, and forgets them when a handler is
// attached later in the same task. Whatever is left at the end of the task is reported.
func (r *Runtime) trackRejection(p *goja.Promise, op goja.PromiseRejectionOperation) {
	switch op {
	case goja.PromiseRejectionReject:
		r.rejections = append(r.rejections, p)
	case goja.PromiseRejectionHandle:
		for i, q := range r.rejections {
			if q == p {
				r.rejections = append(r.rejections[:i], r.rejections[i+1:]...)
				break
			}
		}
	}
}

func (r *Runtime) reportRejections() {
	if len(r.rejections) == 0 {
		return
	}
	rejected := r.rejections
	r.rejections = nil
	for _, p := range rejected {
		err := r.jsError(p.Result())
		r.logger.Error("Uncaught (in promise) " + err.Detail())
	}
}

// reportError logs an error nobody could catch (an exception escaping a timer or task callback).
func (r *Runtime) reportError(err error) {
	var jsErr *JSError
	if errors.As(err, &jsErr) {
		r.logger.Error("Uncaught " + jsErr.Detail())
		return
	}
	r.logger.Error("Uncaught error", "err", err)
}

// timer is a setTimeout/setInterval registration.
type timer struct {
	id       int64
	seq      int64 // order among timers due at the same time
	due      time.Time
	interval time.Duration
	repeat   bool
	fn       goja.Callable
	args     []goja.Value
	index    int // in the heap; -1 when not in it
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].due.Equal(h[j].due) {
		return h[i].seq < h[j].seq
	}
	return h[i].due.Before(h[j].due)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}

// addTimer registers a timer; runs on the loop.
func (r *Runtime) addTimer(fn goja.Callable, delay time.Duration, repeat bool, args []goja.Value) int64 {
	if delay < 0 {
		delay = 0
	}
	r.timerSeq++
	r.lastID++
	t := &timer{id: r.lastID, seq: r.timerSeq, due: time.Now().Add(delay), interval: delay, repeat: repeat, fn: fn, args: args}
	if repeat && t.interval < time.Millisecond {
		// An interval of 0 would spin; browsers and Node clamp it too.
		t.interval = time.Millisecond
	}
	r.timerByID[t.id] = t
	heap.Push(&r.timers, t)
	return t.id
}

func (r *Runtime) clearTimer(id int64) {
	t, ok := r.timerByID[id]
	if !ok {
		return
	}
	delete(r.timerByID, id)
	if t.index >= 0 {
		heap.Remove(&r.timers, t.index)
	}
}

// runTimers runs the timers due now, in due order. Timers added while they run wait for the next turn.
func (r *Runtime) runTimers() {
	now := time.Now()
	limit := r.timerSeq
	for len(r.timers) > 0 && !r.isStopped() {
		t := r.timers[0]
		if t.due.After(now) || t.seq > limit {
			return
		}
		heap.Pop(&r.timers)
		if t.repeat {
			r.timerSeq++
			t.seq = r.timerSeq
			t.due = now.Add(t.interval)
			heap.Push(&r.timers, t)
		} else {
			delete(r.timerByID, t.id)
		}
		r.runTask(func() error {
			_, err := t.fn(goja.Undefined(), t.args...)
			return err
		})
	}
}

// immediate is a setImmediate registration.
type immediate struct {
	id        int64
	fn        goja.Callable
	args      []goja.Value
	cancelled bool
}

func (r *Runtime) addImmediate(fn goja.Callable, args []goja.Value) int64 {
	r.lastID++
	im := &immediate{id: r.lastID, fn: fn, args: args}
	r.immediates = append(r.immediates, im)
	r.immByID[im.id] = im
	return im.id
}

func (r *Runtime) clearImmediate(id int64) {
	if im, ok := r.immByID[id]; ok {
		im.cancelled = true
		delete(r.immByID, id)
	}
}

// runImmediates runs the immediates queued before it started; ones queued meanwhile wait a turn.
func (r *Runtime) runImmediates() {
	batch := r.immediates
	r.immediates = nil
	for _, im := range batch {
		if r.isStopped() {
			return
		}
		if im.cancelled {
			continue
		}
		delete(r.immByID, im.id)
		r.runTask(func() error {
			_, err := im.fn(goja.Undefined(), im.args...)
			return err
		})
	}
}
