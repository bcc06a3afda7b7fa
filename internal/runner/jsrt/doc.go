// Package jsrt is the embedded JavaScript runtime on which govite's module runner runs server code (SSR
// renders, Workers-style fetch handlers) in process, without Node.
//
// A Runtime is one goja engine plus the event loop that drives it, owned by a single goroutine. Every use
// of the engine happens on that goroutine: callers hand it work with Do, Await and Enqueue. The engine is
// given the web platform APIs that server code written for Workers, Deno or browsers expects (console,
// timers, TextEncoder/TextDecoder, URL, Headers/Request/Response/fetch, streams, Blob, MessageChannel,
// structuredClone, AbortController, crypto.getRandomValues, ...). It deliberately does not pretend to be
// Node: there is no process, require or global.
//
// Runtimes are independent: each has its own engine and global objects; only the compiled polyfill
// programs are shared.
//
// # Using a Runtime
//
//	rt, err := jsrt.New(jsrt.Options{Name: "ssr", Logger: logger})
//	defer rt.Close()
//	err = rt.Do(ctx, func(vm *goja.Runtime) error { _, err := vm.RunProgram(bundle); return err })
//	err = rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
//		req, err := rt.NewRequest(vm, httpReq)
//		if err != nil {
//			return nil, err
//		}
//		return handler(goja.Undefined(), req) // may return a promise
//	}, func(vm *goja.Runtime, v goja.Value) (err error) {
//		resp, err = rt.ToHTTPResponse(vm, v)
//		return err
//	})
//	// Read resp.Body off the loop: each Read waits for the loop.
//
// Everything that touches a goja value runs on the loop goroutine: inside Do, Await, Enqueue, or the
// functions they call. goja values must not be kept and used from other goroutines.
//
// # Event loop
//
// Each loop turn runs the timers that are due (in due order), then the tasks posted with Enqueue or by
// the runtime itself (fetch and body completions, MessagePort deliveries) in order, then the
// setImmediate callbacks queued so far. Microtasks (promise reactions, queueMicrotask) run after each
// task, as goja drains its job queue whenever control returns to Go. An exception escaping a task, and a
// promise rejected with no handler by the end of a task, are logged at level ERROR ("Uncaught ...") and
// the loop goes on, as in a browser or a Worker.
//
// # Web APIs
//
// Globals (non-enumerable, like WebIDL's; self === globalThis; there is no process, require, global or
// Buffer):
//
//   - console: log, info, debug, warn, error, trace, dir, dirxml, table (a plain-text table), assert,
//     count, countReset, time, timeLog, timeEnd, group, groupCollapsed, groupEnd. util.format
//     placeholders %s %d %i %f %j %o %O %c %%; values rendered like Node's util.inspect (nested
//     objects to depth 2, Map, Set, typed arrays, errors with stack and cause, cycles as [Circular]).
//     Records go to the Logger at the matching level (log, info, dir, table, trace: INFO) with env=Name.
//   - setTimeout, setInterval, setImmediate and their clear functions (extra arguments passed;
//     numeric ids, no Node Timeout objects: no unref/ref), queueMicrotask, reportError.
//   - TextEncoder (encode, encodeInto), TextDecoder (utf-8, utf-16le, utf-16be, windows-1252 and their
//     WHATWG labels; fatal, ignoreBOM, streaming decode keeping split sequences; input ArrayBuffer, any
//     TypedArray, DataView), TextEncoderStream, TextDecoderStream.
//   - URL (WHATWG parser: special and opaque schemes, IPv4/IPv6 hosts, IDNA through x/net/idna,
//     relative resolution, all setters, URL.canParse, URL.parse, searchParams kept in sync) and
//     URLSearchParams (including size, sort, has/delete with a value).
//   - Headers (case-insensitive, sorted iteration, Set-Cookie kept apart and getSetCookie; no forbidden
//     header names: this is a server runtime), Request, Response (bodies: string, ArrayBuffer, any view,
//     Blob, URLSearchParams, ReadableStream, async iterable; text, json, arrayBuffer, bytes, blob; clone;
//     Response.json, Response.redirect, Response.error). formData() is not supported (no FormData).
//   - fetch over net/http (Options.HTTPClient): http and https URLs, request bodies as bytes or streamed,
//     redirect follow/manual/error, the signal aborting the request and the body, response bodies
//     streamed. No data: or file: URLs, no cookie jar unless the client has one, no CORS.
//   - Blob (size, type, slice, text, arrayBuffer, bytes, stream), File.
//   - ReadableStream (default and byte streams, default and BYOB readers, byobRequest, tee, pipeTo,
//     pipeThrough, values and Symbol.asyncIterator, ReadableStream.from), WritableStream,
//     TransformStream, CountQueuingStrategy, ByteLengthQueuingStrategy. Chunks enqueued into byte
//     streams are not transferred (their buffers stay usable) and autoAllocateChunkSize is ignored.
//   - MessageChannel, MessagePort (postMessage structured-clones and delivers as a task; onmessage
//     starts the port, addEventListener needs start(); close), MessageEvent.
//   - structuredClone (primitives, plain objects, arrays, Date, RegExp, Map, Set, ArrayBuffer, typed
//     arrays, DataView, Error types, DOMException, Blob, boxed primitives, cycles and shared
//     references; functions, symbols, WeakMap/WeakSet, Promise and other platform objects throw a
//     DataCloneError; the transfer option is ignored).
//   - atob, btoa (forgiving base64; InvalidCharacterError on bad input).
//   - crypto.getRandomValues (crypto/rand; integer typed arrays, QuotaExceededError over 65536 bytes),
//     crypto.randomUUID. There is no crypto.subtle.
//   - AbortController, AbortSignal (abort, timeout, any, throwIfAborted, onabort), Event, EventTarget
//     (once, passive, signal, handleEvent objects), CustomEvent, DOMException (names, legacy codes).
//   - performance.now, performance.timeOrigin (no marks or measures), navigator.userAgent "govite".
//
// goja itself has no async generators, no WeakRef or FinalizationRegistry and no Intl; the polyfills
// do not use them. Symbol.asyncIterator, missing in goja, is defined as Symbol.for("Symbol.asyncIterator"),
// the symbol esbuild's lowered for-await code falls back to, so bundles compiled for an older target
// iterate our streams. Promise.withResolvers is added.
package jsrt
