package config

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/dop251/goja"
)

// maxMiddlewareBody is the largest request body a JS middleware is given: the body is read whole
// before the middleware runs (and handed on to the next handler when it calls next()).
const maxMiddlewareBody = 32 << 20

// bridgeConfigureServer runs a configureServer hook with the JS view of the dev server (serverJS).
// A function it returns (or resolves to) becomes the post hook.
func (vm *jsVM) bridgeConfigureServer(plugin string, h *jsHook) func(DevServer) (func() error, error) {
	return func(ds DevServer) (func() error, error) {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		res, err := vm.callLocked(context.Background(), h.fn, vm.hookThis(nil, plugin), vm.serverJS(plugin, ds))
		if err != nil {
			return nil, hookError(plugin, "configureServer", err)
		}
		post, ok := goja.AssertFunction(res)
		if !ok {
			return nil, nil
		}
		return func() error {
			vm.mu.Lock()
			defer vm.mu.Unlock()
			if _, err := vm.callLocked(context.Background(), post, goja.Undefined()); err != nil {
				return hookError(plugin, "configureServer (the function it returned)", err)
			}
			return nil
		}, nil
	}
}

// serverJS is the server a configureServer hook gets: Vite's ViteDevServer with middlewares.use,
// config, ws (also as hot: send, on, off), watcher (on, off, add), environments (as
// this.environment shows one), restart() and transformIndexHtml; httpServer is null, as in
// middleware mode. Reading any other property logs once that govite does not offer it yet, and
// gives undefined. mu must be held.
func (vm *jsVM) serverJS(plugin string, ds DevServer) goja.Value {
	rt := vm.rt
	log := ds.Config().Logger
	if log == nil {
		log = slog.Default()
	}
	o := rt.NewObject()

	mws := rt.NewObject()
	_ = mws.Set("use", func(c goja.FunctionCall) goja.Value {
		route, handler := "", c.Argument(0)
		if goja.IsString(handler) {
			route, handler = c.Argument(0).String(), c.Argument(1)
		}
		fn, ok := goja.AssertFunction(handler)
		if !ok {
			// connect also takes an app (an object with handle(req, res, next)).
			if obj, isObj := handler.(*goja.Object); isObj {
				if h, ok2 := goja.AssertFunction(obj.Get("handle")); ok2 {
					fn = func(_ goja.Value, args ...goja.Value) (goja.Value, error) { return h(obj, args...) }
					ok = true
				}
			}
		}
		if !ok {
			vm.throwTypeError(fmt.Sprintf("server.middlewares.use(): expected a function (req, res, next), got %s", describeJS(handler)))
		}
		if obj, isObj := handler.(*goja.Object); isObj && obj.Get("length").ToInteger() >= 4 {
			log.Warn(fmt.Sprintf("[plugin %s] server.middlewares.use(): error-handling middlewares (err, req, res, next) are not supported by govite; this one is never called (an error passed to next() answers 500)", plugin))
			return mws
		}
		ds.Use(vm.jsMiddleware(plugin, normalizeRoute(route), fn, log))
		return mws
	})
	_ = o.Set("middlewares", mws)
	_ = o.Set("config", vm.resolvedJS(ds.Config()))
	ws := vm.wsJS(plugin, ds, log)
	_ = o.Set("ws", ws)
	_ = o.Set("hot", ws)
	_ = o.Set("watcher", vm.watcherJS(plugin, ds, log))
	_ = o.Set("transformIndexHtml", func(c goja.FunctionCall) goja.Value {
		u, html := c.Argument(0).String(), c.Argument(1).String()
		return vm.startAsync(func() (any, error) {
			return ds.TransformIndexHTML(context.Background(), u, html)
		}, nil)
	})
	_ = o.Set("httpServer", goja.Null())
	envs := rt.NewObject()
	for name, env := range ds.Environments() {
		_ = envs.Set(name, vm.environmentJS(env))
	}
	_ = o.Set("environments", envs)
	_ = o.Set("restart", func(goja.FunctionCall) goja.Value {
		return vm.startAsync(func() (any, error) { return nil, ds.Restart() }, nil)
	})

	var warned sync.Map
	proxy := rt.NewProxy(o, &goja.ProxyTrapConfig{
		Get: func(target *goja.Object, property string, receiver goja.Value) goja.Value {
			v := target.Get(property)
			if v == nil && property != "then" && property != "toJSON" && !strings.HasPrefix(property, "__") {
				if _, dup := warned.LoadOrStore(property, true); !dup {
					log.Warn(fmt.Sprintf("[plugin %s] server.%s is not supported by govite yet; it is undefined", plugin, property))
				}
				return goja.Undefined()
			}
			return v
		},
	})
	return rt.ToValue(proxy)
}

// wsJS is server.ws: send(payload) or send(event, data) to every browser, on(event, fn(data,
// client)) for their import.meta.hot.send, off(event, fn). client.send reaches every browser: govite
// does not tell the sender apart. mu must be held.
func (vm *jsVM) wsJS(plugin string, ds DevServer, log *slog.Logger) *goja.Object {
	rt := vm.rt
	ws := rt.NewObject()
	send := func(c goja.FunctionCall) goja.Value {
		first := c.Argument(0)
		if goja.IsString(first) {
			ds.Send(first.String(), vm.plainData(c.Argument(1)))
			return goja.Undefined()
		}
		payload, ok := vm.plainData(first).(map[string]any)
		if !ok {
			vm.throwTypeError(fmt.Sprintf("server.ws.send(): expected an event name or a payload object, got %s", describeJS(first)))
		}
		ds.SendPayload(payload)
		return goja.Undefined()
	}
	_ = ws.Set("send", send)
	client := rt.NewObject()
	_ = client.Set("send", send)

	type listener struct {
		event string
		fn    goja.Value
		off   func()
	}
	var listeners []*listener
	_ = ws.Set("on", func(c goja.FunctionCall) goja.Value {
		event := c.Argument(0).String()
		fn, ok := goja.AssertFunction(c.Argument(1))
		if !ok {
			vm.throwTypeError("server.ws.on(): expected a listener function")
		}
		if event == "connection" || event == "error" || event == "listening" || event == "close" {
			log.Warn(fmt.Sprintf("[plugin %s] server.ws.on(%q) is not supported by govite yet; the listener is never called", plugin, event))
			return ws
		}
		where := fmt.Sprintf("[plugin %s] server.ws.on(%q) listener", plugin, event)
		l := &listener{event: event, fn: c.Argument(1)}
		l.off = ds.OnCustomEvent(event, func(data json.RawMessage) {
			go vm.callListener(log, where, fn, func() []goja.Value {
				var v any
				if len(data) > 0 {
					_ = json.Unmarshal(data, &v)
				}
				return []goja.Value{rt.ToValue(v), client}
			})
		})
		listeners = append(listeners, l)
		return ws
	})
	_ = ws.Set("off", func(c goja.FunctionCall) goja.Value {
		event, fn := c.Argument(0).String(), c.Argument(1)
		for i, l := range listeners {
			if l.event == event && l.fn.StrictEquals(fn) {
				l.off()
				listeners = append(listeners[:i], listeners[i+1:]...)
				break
			}
		}
		return ws
	})
	return ws
}

// watcherJS is server.watcher: on(event, fn) for "add", "change", "unlink" (fn(file)) and "all"
// (fn(event, file)), off(event, fn), and add(paths). mu must be held.
func (vm *jsVM) watcherJS(plugin string, ds DevServer, log *slog.Logger) *goja.Object {
	rt := vm.rt
	w := rt.NewObject()
	type listener struct {
		event string
		fn    goja.Value
		call  goja.Callable
	}
	var mu sync.Mutex
	var listeners []*listener
	ds.OnFileChange(func(kind, file string) {
		mu.Lock()
		var matched []*listener
		for _, l := range listeners {
			if l.event == kind || l.event == "all" {
				matched = append(matched, l)
			}
		}
		mu.Unlock()
		for _, l := range matched {
			where := fmt.Sprintf("[plugin %s] server.watcher.on(%q) listener", plugin, l.event)
			all := l.event == "all"
			vm.callListener(log, where, l.call, func() []goja.Value {
				if all {
					return []goja.Value{rt.ToValue(kind), rt.ToValue(file)}
				}
				return []goja.Value{rt.ToValue(file)}
			})
		}
	})
	on := func(c goja.FunctionCall) goja.Value {
		event := c.Argument(0).String()
		fn, ok := goja.AssertFunction(c.Argument(1))
		if !ok {
			vm.throwTypeError("server.watcher.on(): expected a listener function")
		}
		switch event {
		case "add", "change", "unlink", "all":
		default:
			log.Warn(fmt.Sprintf("[plugin %s] server.watcher.on(%q) is not supported by govite yet (only add, change, unlink and all); the listener is never called", plugin, event))
			return w
		}
		mu.Lock()
		listeners = append(listeners, &listener{event: event, fn: c.Argument(1), call: fn})
		mu.Unlock()
		return w
	}
	_ = w.Set("on", on)
	_ = w.Set("addListener", on)
	off := func(c goja.FunctionCall) goja.Value {
		event, fn := c.Argument(0).String(), c.Argument(1)
		mu.Lock()
		for i, l := range listeners {
			if l.event == event && l.fn.StrictEquals(fn) {
				listeners = append(listeners[:i], listeners[i+1:]...)
				break
			}
		}
		mu.Unlock()
		return w
	}
	_ = w.Set("off", off)
	_ = w.Set("removeListener", off)
	_ = w.Set("add", func(c goja.FunctionCall) goja.Value {
		arg := c.Argument(0)
		if obj, ok := arg.(*goja.Object); ok && obj.ClassName() == "Array" {
			for _, k := range obj.Keys() {
				ds.Watch(obj.Get(k).String())
			}
		} else if isSet(arg) {
			ds.Watch(arg.String())
		}
		return w
	})
	return w
}

// callListener calls a JS listener from a Go event (a watcher or WebSocket event, on their own
// goroutine), awaiting a promise it returns; an error is logged. args runs on the engine.
func (vm *jsVM) callListener(log *slog.Logger, where string, fn goja.Callable, args func() []goja.Value) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if _, err := vm.callLocked(context.Background(), fn, goja.Undefined(), args()...); err != nil {
		log.Error(fmt.Sprintf("%s: %v", where, err))
	}
}

// normalizeRoute is connect's route: without a trailing slash ("/" is every path).
func normalizeRoute(route string) string {
	return strings.TrimSuffix(route, "/")
}

// matchRoute is connect's test of a request path against a use() route: the route is a prefix that
// ends at a "/" or "." (or the path's end), compared without case.
func matchRoute(route, path string) bool {
	if route == "" {
		return true
	}
	if len(path) < len(route) || !strings.EqualFold(path[:len(route)], route) {
		return false
	}
	if len(path) == len(route) {
		return true
	}
	c := path[len(route)]
	return c == '/' || c == '.'
}

// middlewareOutcome is how a JS middleware left a request: answered (res), passed on (next, with the
// URL and headers it may have changed), or failed.
type middlewareOutcome struct {
	res    *bypassResponse
	next   bool
	url    string            // req.url as the middleware left it, route restored
	header map[string]string // req.headers as the middleware left them
}

// jsMiddleware makes a Go middleware of a connect middleware fn(req, res, next) mounted at route.
// The request body is read before fn runs (and given to the next handler again); the response is
// sent once fn ends it, so a middleware cannot stream (server-sent events, say).
func (vm *jsVM) jsMiddleware(plugin, route string, fn goja.Callable, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !matchRoute(route, r.URL.EscapedPath()) { // connect matches the URL as sent
				next.ServeHTTP(w, r)
				return
			}
			var body []byte
			if r.Body != nil && r.Body != http.NoBody {
				b, err := io.ReadAll(io.LimitReader(r.Body, maxMiddlewareBody+1))
				if err != nil || len(b) > maxMiddlewareBody {
					http.Error(w, "reading the request body for a plugin's middleware failed (the limit is 32 MB)", http.StatusRequestEntityTooLarge)
					return
				}
				body = b
			}
			out, err := vm.runMiddleware(route, fn, r, body)
			if err != nil {
				log.Error(fmt.Sprintf("[plugin %s] middleware for %s: %v", plugin, r.URL.RequestURI(), err))
				if out == nil || !out.res.used {
					http.Error(w, fmt.Sprintf("Internal Server Error: a middleware of plugin %s failed (see the terminal)", plugin), http.StatusInternalServerError)
				} else {
					out.res.send(w)
				}
				return
			}
			if !out.next {
				out.res.send(w)
				return
			}
			for k, v := range out.res.header {
				w.Header()[k] = v
			}
			r2 := r.Clone(r.Context())
			if body != nil {
				r2.Body = io.NopCloser(bytes.NewReader(body))
			}
			if out.url != r.URL.RequestURI() {
				if u, err := url.ParseRequestURI(out.url); err == nil {
					r2.URL.Path, r2.URL.RawPath, r2.URL.RawQuery = u.Path, u.RawPath, u.RawQuery
				}
			}
			for k, v := range out.header {
				if k != "host" && r.Header.Get(k) != v {
					r2.Header.Set(k, v)
				}
			}
			next.ServeHTTP(w, r2)
		})
	}
}

// runMiddleware calls fn(req, res, next) and waits, running the engine's tasks and timers, until the
// middleware ends the response, calls next, or fails.
func (vm *jsVM) runMiddleware(route string, fn goja.Callable, r *http.Request, body []byte) (*middlewareOutcome, error) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	rt := vm.rt
	uri := r.URL.RequestURI()
	// connect strips the route from req.url while the middleware runs (adding a "/" if none is left).
	jsURL, slashAdded := uri[len(route):], false
	if !strings.HasPrefix(jsURL, "/") {
		jsURL, slashAdded = "/"+jsURL, true
	}
	req := vm.incomingMessageJS(r) // originalUrl: the URL the request came with (r.RequestURI)
	_ = req.Set("url", jsURL)
	vm.requestBodyJS(req, body)

	out := &middlewareOutcome{res: &bypassResponse{status: http.StatusOK, header: http.Header{}}}
	res := vm.serverResponseJS(out.res)
	done, resolve, reject := rt.NewPromise()
	settled := false
	settle := func(next bool, errv goja.Value) {
		if settled {
			return
		}
		settled = true
		if errv != nil {
			_ = reject(errv)
			return
		}
		out.next = next
		_ = resolve(goja.Undefined())
	}
	end, _ := goja.AssertFunction(res.Get("end"))
	_ = res.Set("end", func(c goja.FunctionCall) goja.Value {
		v, err := end(res, c.Arguments...)
		if err != nil {
			panic(err)
		}
		settle(false, nil)
		return v
	})
	nextJS := func(c goja.FunctionCall) goja.Value {
		if e := c.Argument(0); isSet(e) {
			settle(false, e)
		} else {
			settle(true, nil)
		}
		return goja.Undefined()
	}
	ret, err := fn(goja.Undefined(), req, res, rt.ToValue(nextJS))
	if err != nil {
		return out, vm.jsError(err)
	}
	if p, ok := ret.(*goja.Object); ok {
		if then, ok := goja.AssertFunction(p.Get("then")); ok {
			_, _ = then(p, goja.Undefined(), rt.ToValue(func(c goja.FunctionCall) goja.Value {
				settle(false, c.Argument(0))
				return goja.Undefined()
			}))
		}
	}
	ctx := r.Context()
	if _, err := vm.awaitLocked(ctx, rt.ToValue(done)); err != nil {
		if strings.Contains(err.Error(), "never settled") {
			err = fmt.Errorf("the middleware neither ended the response nor called next()")
		}
		return out, err
	}
	if out.next {
		u := req.Get("url").String()
		if slashAdded {
			u = strings.TrimPrefix(u, "/")
		}
		out.url = uri[:len(route)] + u
		out.header = map[string]string{}
		if h, ok := req.Get("headers").(*goja.Object); ok {
			for _, k := range h.Keys() {
				out.header[strings.ToLower(k)] = h.Get(k).String()
			}
		}
	}
	return out, nil
}

// requestBodyJS makes req the readable stream of body, as far as middlewares read one: the events
// data and end (sent once a data, end or readable listener is added, or resume() is called, as a
// paused Node stream starts flowing), setEncoding, and for await (const chunk of req). mu must be
// held.
func (vm *jsVM) requestBodyJS(req *goja.Object, body []byte) {
	rt := vm.rt
	type listener struct {
		fn   goja.Callable
		val  goja.Value
		once bool
	}
	listeners := map[string][]listener{}
	encoding := ""
	started := false
	emit := func(event string, args ...goja.Value) {
		ls := listeners[event]
		kept := ls[:0:0]
		for _, l := range ls {
			if !l.once {
				kept = append(kept, l)
			}
		}
		listeners[event] = kept
		for _, l := range ls {
			if _, err := l.fn(req, args...); err != nil {
				panic(err)
			}
		}
	}
	start := func() {
		if started {
			return
		}
		started = true
		vm.tasks = append(vm.tasks, func() {
			if len(body) > 0 {
				chunk := vm.bufferJS(body)
				if encoding != "" {
					chunk = rt.ToValue(string(body))
				}
				emit("data", chunk)
			}
			_ = req.Set("complete", true)
			emit("end")
		})
	}
	add := func(once bool) func(goja.FunctionCall) goja.Value {
		return func(c goja.FunctionCall) goja.Value {
			event := c.Argument(0).String()
			fn, ok := goja.AssertFunction(c.Argument(1))
			if !ok {
				vm.throwTypeError("req.on(): expected a listener function")
			}
			listeners[event] = append(listeners[event], listener{fn: fn, val: c.Argument(1), once: once})
			if event == "data" || event == "end" || event == "readable" {
				start()
			}
			return req
		}
	}
	remove := func(c goja.FunctionCall) goja.Value {
		event, fn := c.Argument(0).String(), c.Argument(1)
		ls := listeners[event]
		for i, l := range ls {
			if l.val.StrictEquals(fn) {
				listeners[event] = append(ls[:i:i], ls[i+1:]...)
				break
			}
		}
		return req
	}
	_ = req.Set("on", add(false))
	_ = req.Set("addListener", add(false))
	_ = req.Set("once", add(true))
	_ = req.Set("off", remove)
	_ = req.Set("removeListener", remove)
	_ = req.Set("setEncoding", func(c goja.FunctionCall) goja.Value {
		encoding = c.Argument(0).String()
		return req
	})
	_ = req.Set("resume", func(goja.FunctionCall) goja.Value {
		start()
		return req
	})
	_ = req.Set("complete", false)
	_ = req.Set("readable", true)
	// for await (const chunk of req): one chunk, the whole body.
	if vm.bodyIterator == nil {
		v, err := rt.RunProgram(bodyIteratorJS)
		if err != nil {
			panic(err)
		}
		vm.bodyIterator, _ = goja.AssertFunction(v)
	}
	if _, err := vm.bodyIterator(goja.Undefined(), req, vm.bufferJS(body)); err != nil {
		panic(err)
	}
}

// bodyIteratorJS makes a request's body one chunk of for await (const chunk of req).
var bodyIteratorJS = goja.MustCompile("govite:request-body", `(function (req, body) {
	// esbuild's for-await helper looks the symbol up the same way (goja has no Symbol.asyncIterator).
	const asyncIterator = Symbol.asyncIterator || Symbol.for("Symbol.asyncIterator");
	req[asyncIterator] = function () {
		let done = body.length === 0;
		return {
			next() {
				const r = done ? { value: undefined, done: true } : { value: body, done: false };
				done = true;
				return Promise.resolve(r);
			},
			return() {
				done = true;
				return Promise.resolve({ value: undefined, done: true });
			},
			[asyncIterator]() { return this; },
		};
	};
})`, true)
