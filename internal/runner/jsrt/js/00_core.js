// Core web platform globals: DOMException, Event/EventTarget, AbortController/AbortSignal,
// queueMicrotask, reportError, atob/btoa, structuredClone, crypto, performance, navigator.
//
// Every file in this folder is one function expression, called once per runtime with:
//   host      Go functions of this runtime (see host.go)
//   internals an object shared by these files and Go, never reachable from user code
//   global    globalThis
(function (host, internals, global) {
  "use strict";

  // kImpl keys the internal state of every platform object defined in these files. A symbol keeps it out
  // of for-in, Object.keys and JSON.stringify.
  const kImpl = Symbol("impl");
  // kCreate is the token that lets these files construct objects whose constructors are "illegal" for
  // user code (AbortSignal, MessagePort, ReadableStreamDefaultController, ...).
  const kCreate = Symbol("create");
  // kInspect: a method returning how console.log shows the object.
  const kInspect = Symbol("inspect");
  internals.kImpl = kImpl;
  internals.kCreate = kCreate;
  internals.kInspect = kInspect;

  // expose defines a global the way WebIDL does: writable, configurable, not enumerable.
  function expose(name, value) {
    Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  }
  internals.expose = expose;

  // brand sets the class's Symbol.toStringTag, so Object.prototype.toString says "[object Headers]".
  function brand(cls, tag) {
    Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: tag || cls.name, configurable: true });
  }
  internals.brand = brand;

  // goja has no Symbol.asyncIterator. Use the registered symbol that esbuild's lowered `for await` helper
  // (__knownSymbol) falls back to, so bundled code iterating our streams agrees with us.
  if (typeof Symbol.asyncIterator !== "symbol") {
    Object.defineProperty(Symbol, "asyncIterator", { value: Symbol.for("Symbol.asyncIterator") });
  }
  // %AsyncIteratorPrototype%, for the async iterators these files create.
  internals.AsyncIteratorPrototype = {
    [Symbol.asyncIterator]() {
      return this;
    },
  };

  if (typeof Promise.withResolvers !== "function") {
    Object.defineProperty(Promise, "withResolvers", {
      value: function withResolvers() {
        let resolve, reject;
        const promise = new this((res, rej) => {
          resolve = res;
          reject = rej;
        });
        return { promise, resolve, reject };
      },
      writable: true,
      configurable: true,
    });
  }

  const noop = () => {};
  // markHandled keeps a promise that may reject from being reported as an unhandled rejection.
  function markHandled(p) {
    p.then(undefined, noop);
    return p;
  }
  internals.markHandled = markHandled;
  // settle is Promise.resolve(v).then(onFulfilled, onRejected), for Go.
  internals.settle = (v, onFulfilled, onRejected) => Promise.resolve(v).then(onFulfilled, onRejected);

  // ---- DOMException ----

  const legacyCodes = {
    IndexSizeError: 1,
    HierarchyRequestError: 3,
    WrongDocumentError: 4,
    InvalidCharacterError: 5,
    NoModificationAllowedError: 7,
    NotFoundError: 8,
    NotSupportedError: 9,
    InvalidStateError: 11,
    SyntaxError: 12,
    InvalidModificationError: 13,
    NamespaceError: 14,
    InvalidAccessError: 15,
    TypeMismatchError: 17,
    SecurityError: 18,
    NetworkError: 19,
    AbortError: 20,
    URLMismatchError: 21,
    QuotaExceededError: 22,
    TimeoutError: 23,
    InvalidNodeTypeError: 24,
    DataCloneError: 25,
  };

  class DOMException extends Error {
    constructor(message = "", options = "Error") {
      super(String(message));
      let name = "Error";
      if (options !== null && typeof options === "object") {
        if (options.name !== undefined) name = String(options.name);
        if ("cause" in options) {
          Object.defineProperty(this, "cause", { value: options.cause, writable: true, configurable: true });
        }
      } else if (options !== undefined) {
        name = String(options);
      }
      Object.defineProperty(this, "name", { value: name, writable: true, configurable: true });
    }
    get code() {
      return legacyCodes[this.name] || 0;
    }
  }
  brand(DOMException);
  for (const name of Object.keys(legacyCodes)) {
    const constName = name
      .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
      .replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase().replace(/_ERROR$/, "_ERR");
    Object.defineProperty(DOMException, constName, { value: legacyCodes[name], enumerable: true });
  }
  expose("DOMException", DOMException);

  // ---- Event, EventTarget, CustomEvent ----

  class Event {
    constructor(type, init) {
      if (arguments.length === 0) throw new TypeError("Event: 1 argument required, but only 0 present.");
      const opts = init == null ? {} : init;
      this[kImpl] = {
        type: String(type),
        bubbles: !!opts.bubbles,
        cancelable: !!opts.cancelable,
        composed: !!opts.composed,
        canceled: false,
        stop: false,
        stopImmediate: false,
        dispatching: false,
        inPassive: false,
        target: null,
        currentTarget: null,
        timeStamp: host.now(),
        isTrusted: false,
      };
    }
    get type() {
      return this[kImpl].type;
    }
    get bubbles() {
      return this[kImpl].bubbles;
    }
    get cancelable() {
      return this[kImpl].cancelable;
    }
    get composed() {
      return this[kImpl].composed;
    }
    get defaultPrevented() {
      return this[kImpl].canceled;
    }
    get returnValue() {
      return !this[kImpl].canceled;
    }
    set returnValue(v) {
      if (!v) this.preventDefault();
    }
    get cancelBubble() {
      return this[kImpl].stop;
    }
    set cancelBubble(v) {
      if (v) this[kImpl].stop = true;
    }
    get target() {
      return this[kImpl].target;
    }
    get srcElement() {
      return this[kImpl].target;
    }
    get currentTarget() {
      return this[kImpl].currentTarget;
    }
    get eventPhase() {
      return this[kImpl].dispatching ? Event.AT_TARGET : Event.NONE;
    }
    get isTrusted() {
      return this[kImpl].isTrusted;
    }
    get timeStamp() {
      return this[kImpl].timeStamp;
    }
    composedPath() {
      const s = this[kImpl];
      return s.dispatching && s.currentTarget ? [s.currentTarget] : [];
    }
    preventDefault() {
      const s = this[kImpl];
      if (s.cancelable && !s.inPassive) s.canceled = true;
    }
    stopPropagation() {
      this[kImpl].stop = true;
    }
    stopImmediatePropagation() {
      const s = this[kImpl];
      s.stop = true;
      s.stopImmediate = true;
    }
    [kInspect](inspect) {
      const s = this[kImpl];
      return this.constructor.name + " { type: " + inspect(s.type) + ", defaultPrevented: " + s.canceled + ", cancelable: " + s.cancelable + " }";
    }
  }
  for (const [name, value] of [["NONE", 0], ["CAPTURING_PHASE", 1], ["AT_TARGET", 2], ["BUBBLING_PHASE", 3]]) {
    Object.defineProperty(Event, name, { value, enumerable: true });
    Object.defineProperty(Event.prototype, name, { value, enumerable: true });
  }
  brand(Event);
  expose("Event", Event);

  class CustomEvent extends Event {
    constructor(type, init) {
      super(type, init);
      this[kImpl].detail = init != null && init.detail !== undefined ? init.detail : null;
    }
    get detail() {
      return this[kImpl].detail;
    }
  }
  brand(CustomEvent);
  expose("CustomEvent", CustomEvent);

  // Listeners live under their own symbol so that subclasses (AbortSignal, MessagePort) keep kImpl.
  const kListeners = Symbol("listeners");
  const kHandlers = Symbol("handlers");

  function listenersOf(target, type, create) {
    let all = target[kListeners];
    if (!all) {
      if (!create) return undefined;
      all = target[kListeners] = new Map();
    }
    let list = all.get(type);
    if (!list && create) {
      list = [];
      all.set(type, list);
    }
    return list;
  }

  function flattenOptions(options) {
    if (typeof options === "boolean") return { capture: options, once: false, passive: false, signal: null };
    if (options == null || typeof options !== "object") return { capture: false, once: false, passive: false, signal: null };
    return { capture: !!options.capture, once: !!options.once, passive: !!options.passive, signal: options.signal == null ? null : options.signal };
  }

  function removeListener(target, type, callback, capture) {
    const list = listenersOf(target, type, false);
    if (!list) return;
    const i = list.findIndex((l) => l.callback === callback && l.capture === capture);
    if (i >= 0) {
      list[i].removed = true;
      list.splice(i, 1);
    }
  }

  class EventTarget {
    constructor() {
      this[kListeners] = undefined;
    }
    addEventListener(type, callback, options) {
      if (arguments.length < 2) throw new TypeError("EventTarget.addEventListener: At least 2 arguments required.");
      if (callback == null) return;
      if (typeof callback !== "function" && typeof callback !== "object") {
        throw new TypeError("EventTarget.addEventListener: Argument 2 is not an object.");
      }
      const opts = flattenOptions(options);
      if (opts.signal && opts.signal.aborted) return;
      type = String(type);
      const list = listenersOf(this, type, true);
      if (list.some((l) => l.callback === callback && l.capture === opts.capture)) return;
      const listener = { callback, capture: opts.capture, once: opts.once, passive: opts.passive, removed: false };
      list.push(listener);
      if (opts.signal) {
        addAbortAlgorithm(opts.signal, () => removeListener(this, type, callback, opts.capture));
      }
    }
    removeEventListener(type, callback, options) {
      if (callback == null) return;
      removeListener(this, String(type), callback, flattenOptions(options).capture);
    }
    dispatchEvent(event) {
      if (!(event instanceof Event)) throw new TypeError("EventTarget.dispatchEvent: Argument 1 does not implement interface Event.");
      return dispatch(this, event);
    }
  }
  brand(EventTarget);
  expose("EventTarget", EventTarget);

  function dispatch(target, event) {
    const e = event[kImpl];
    if (e.dispatching) throw new DOMException("The event is already being dispatched.", "InvalidStateError");
    e.dispatching = true;
    e.target = target;
    e.currentTarget = target;
    try {
      const list = listenersOf(target, e.type, false);
      if (list && list.length) {
        for (const l of list.slice()) {
          if (l.removed) continue;
          if (l.once) removeListener(target, e.type, l.callback, l.capture);
          e.inPassive = l.passive;
          try {
            if (typeof l.callback === "function") l.callback.call(target, event);
            else if (typeof l.callback.handleEvent === "function") l.callback.handleEvent(event);
          } catch (err) {
            host.reportError(err);
          }
          e.inPassive = false;
          if (e.stopImmediate) break;
        }
      }
    } finally {
      e.dispatching = false;
      e.currentTarget = null;
      e.stop = false;
      e.stopImmediate = false;
    }
    return !e.canceled;
  }
  internals.dispatch = dispatch;

  // defineEventHandler adds an on<type> attribute (onabort, onmessage) to a prototype. As in the HTML
  // spec, the handler is registered as a listener when first set, so it runs in registration order.
  function defineEventHandler(proto, type, onSet) {
    Object.defineProperty(proto, "on" + type, {
      get() {
        const h = this[kHandlers] && this[kHandlers][type];
        return h ? h.value : null;
      },
      set(value) {
        const fn = typeof value === "function" || (value !== null && typeof value === "object") ? value : null;
        const handlers = this[kHandlers] || (this[kHandlers] = {});
        let h = handlers[type];
        if (!h) {
          if (fn === null) return;
          h = handlers[type] = { value: fn };
          this.addEventListener(type, function (ev) {
            if (typeof h.value !== "function") return;
            const ret = h.value.call(this, ev);
            if (ret === false) ev.preventDefault();
          });
        } else {
          h.value = fn;
        }
        if (onSet) onSet(this, fn);
      },
      configurable: true,
      enumerable: true,
    });
  }
  internals.defineEventHandler = defineEventHandler;

  // ---- AbortController, AbortSignal ----

  class AbortSignal extends EventTarget {
    constructor(token) {
      if (token !== kCreate) throw new TypeError("Illegal constructor");
      super();
      this[kImpl] = { aborted: false, reason: undefined, algorithms: new Set() };
    }
    get aborted() {
      return this[kImpl].aborted;
    }
    get reason() {
      return this[kImpl].reason;
    }
    throwIfAborted() {
      const s = this[kImpl];
      if (s.aborted) throw s.reason;
    }
    [kInspect](inspect) {
      const s = this[kImpl];
      return "AbortSignal { aborted: " + s.aborted + (s.aborted ? ", reason: " + inspect(s.reason) : "") + " }";
    }
    static abort(reason) {
      const signal = new AbortSignal(kCreate);
      signal[kImpl].aborted = true;
      signal[kImpl].reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
      return signal;
    }
    static timeout(ms) {
      ms = Number(ms);
      if (!(ms >= 0) || ms > Number.MAX_SAFE_INTEGER) throw new TypeError("AbortSignal.timeout: the delay must be a non-negative number");
      const signal = new AbortSignal(kCreate);
      global.setTimeout(() => {
        signalAbort(signal, new DOMException("The operation was aborted due to timeout", "TimeoutError"));
      }, ms);
      return signal;
    }
    static any(signals) {
      const result = new AbortSignal(kCreate);
      const list = Array.from(signals);
      for (const s of list) {
        if (!(s instanceof AbortSignal)) throw new TypeError("AbortSignal.any: Argument 1 must contain AbortSignal objects.");
        if (s.aborted) {
          result[kImpl].aborted = true;
          result[kImpl].reason = s.reason;
          return result;
        }
      }
      for (const s of list) addAbortAlgorithm(s, () => signalAbort(result, s.reason));
      return result;
    }
  }
  defineEventHandler(AbortSignal.prototype, "abort");
  brand(AbortSignal);
  expose("AbortSignal", AbortSignal);

  // addAbortAlgorithm runs fn when signal aborts (before its abort event); it returns a function that
  // unregisters fn.
  function addAbortAlgorithm(signal, fn) {
    const s = signal[kImpl];
    if (!s || !s.algorithms) throw new TypeError("expected an AbortSignal");
    if (s.aborted) return noop;
    s.algorithms.add(fn);
    return () => s.algorithms.delete(fn);
  }
  internals.addAbortAlgorithm = addAbortAlgorithm;

  function signalAbort(signal, reason) {
    const s = signal[kImpl];
    if (s.aborted) return;
    s.aborted = true;
    s.reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
    const algorithms = Array.from(s.algorithms);
    s.algorithms.clear();
    for (const fn of algorithms) {
      try {
        fn();
      } catch (err) {
        host.reportError(err);
      }
    }
    dispatch(signal, new Event("abort"));
  }
  internals.signalAbort = signalAbort;
  internals.newAbortSignal = () => new AbortSignal(kCreate);

  class AbortController {
    constructor() {
      this[kImpl] = { signal: new AbortSignal(kCreate) };
    }
    get signal() {
      return this[kImpl].signal;
    }
    abort(reason) {
      signalAbort(this[kImpl].signal, reason);
    }
  }
  brand(AbortController);
  expose("AbortController", AbortController);

  // ---- microtasks, errors ----

  const resolved = Promise.resolve();
  expose("queueMicrotask", function queueMicrotask(callback) {
    if (typeof callback !== "function") throw new TypeError("queueMicrotask: Argument 1 is not callable.");
    resolved.then(() => {
      try {
        callback();
      } catch (err) {
        host.reportError(err);
      }
    });
  });
  expose("reportError", function reportError(error) {
    if (arguments.length === 0) throw new TypeError("reportError: 1 argument required.");
    host.reportError(error);
  });

  // ---- base64 ----

  expose("btoa", function btoa(data) {
    if (arguments.length === 0) throw new TypeError("btoa: 1 argument required, but only 0 present.");
    const out = host.btoa(String(data));
    if (out === null) throw new DOMException("Invalid character: btoa accepts only characters in the Latin-1 range", "InvalidCharacterError");
    return out;
  });
  expose("atob", function atob(data) {
    if (arguments.length === 0) throw new TypeError("atob: 1 argument required, but only 0 present.");
    const out = host.atob(String(data));
    if (out === null) throw new DOMException("The string to be decoded is not correctly encoded.", "InvalidCharacterError");
    return out;
  });

  // ---- structuredClone ----

  function cloneError(what) {
    return new DOMException(what + " could not be cloned.", "DataCloneError");
  }

  const errorCtors = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  const typedArrayCtors = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array];
  if (typeof BigInt64Array === "function") typedArrayCtors.push(BigInt64Array, BigUint64Array);
  const TypedArray = Object.getPrototypeOf(Uint8Array);
  internals.TypedArray = TypedArray;

  // structuredClone follows the HTML structured serialize algorithm for the types listed in the runtime's
  // documentation. Shared references and cycles are preserved through the memo.
  function structuredClone(value, options) {
    if (arguments.length === 0) throw new TypeError("structuredClone: 1 argument required, but only 0 present.");
    return cloneValue(value, new Map());
  }

  function cloneValue(value, memo) {
    const t = typeof value;
    if (t === "symbol") throw cloneError(String(value));
    if (t === "function") throw cloneError(describeFunction(value));
    if (t !== "object" || value === null) return value;
    if (memo.has(value)) return memo.get(value);

    let out;
    if (Array.isArray(value)) {
      out = new Array(value.length);
      memo.set(value, out);
      for (const k of Object.keys(value)) out[k] = cloneValue(value[k], memo);
      return out;
    }
    if (value instanceof Date) {
      out = new Date(value.getTime());
    } else if (value instanceof RegExp) {
      out = new RegExp(value.source, value.flags);
    } else if (value instanceof ArrayBuffer) {
      out = value.slice(0);
    } else if (ArrayBuffer.isView(value)) {
      const buffer = cloneValue(value.buffer, memo);
      if (value instanceof DataView) {
        out = new DataView(buffer, value.byteOffset, value.byteLength);
      } else {
        out = new value.constructor(buffer, value.byteOffset, value.length);
      }
    } else if (value instanceof Map) {
      out = new Map();
      memo.set(value, out);
      for (const [k, v] of value) out.set(cloneValue(k, memo), cloneValue(v, memo));
      return out;
    } else if (value instanceof Set) {
      out = new Set();
      memo.set(value, out);
      for (const v of value) out.add(cloneValue(v, memo));
      return out;
    } else if (value instanceof DOMException) {
      out = new DOMException(value.message, value.name);
    } else if (value instanceof Error) {
      const name = errorCtors[value.name] ? value.name : "Error";
      out = Object.create(errorCtors[name].prototype);
      memo.set(value, out);
      const props = { message: value.message, stack: value.stack };
      for (const k of ["message", "stack"]) {
        if (props[k] !== undefined) Object.defineProperty(out, k, { value: String(props[k]), writable: true, configurable: true });
      }
      if ("cause" in value) Object.defineProperty(out, "cause", { value: cloneValue(value.cause, memo), writable: true, configurable: true });
      return out;
    } else if (value instanceof Boolean || value instanceof Number || value instanceof String) {
      out = Object(value.valueOf());
    } else if (typeof BigInt === "function" && value instanceof BigInt) {
      out = Object(value.valueOf());
    } else if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) {
      throw cloneError("#<" + value.constructor.name + ">");
    } else if (value[kImpl] !== undefined) {
      // A platform object defined by these files: only Blob (and File) is serializable.
      if (typeof internals.cloneBlob === "function" && internals.isBlob(value)) {
        out = internals.cloneBlob(value);
      } else {
        throw cloneError(Object.prototype.toString.call(value));
      }
    } else {
      // Any other object is serialized as a plain object: own enumerable string keys; the prototype is
      // not kept.
      out = {};
      memo.set(value, out);
      for (const k of Object.keys(value)) out[k] = cloneValue(value[k], memo);
      return out;
    }
    memo.set(value, out);
    return out;
  }

  function describeFunction(fn) {
    const src = Function.prototype.toString.call(fn);
    return src.length > 60 ? src.slice(0, 57) + "..." : src;
  }
  expose("structuredClone", structuredClone);

  // ---- crypto ----

  class Crypto {
    constructor(token) {
      if (token !== kCreate) throw new TypeError("Illegal constructor");
    }
    getRandomValues(array) {
      if (arguments.length === 0) throw new TypeError("Crypto.getRandomValues: 1 argument required.");
      if (!(array instanceof TypedArray) || array instanceof Float32Array || array instanceof Float64Array) {
        throw new DOMException("Crypto.getRandomValues: Argument 1 must be an integer TypedArray", "TypeMismatchError");
      }
      if (array.byteLength > 65536) {
        throw new DOMException(
          "Crypto.getRandomValues: the ArrayBufferView's byte length (" + array.byteLength + ") exceeds the number of bytes of entropy available via this API (65536)",
          "QuotaExceededError",
        );
      }
      host.fillRandom(array);
      return array;
    }
    randomUUID() {
      return host.randomUUID();
    }
  }
  brand(Crypto);
  expose("Crypto", Crypto);
  expose("crypto", new Crypto(kCreate));

  // ---- performance, navigator, self ----

  class Performance extends EventTarget {
    constructor(token) {
      if (token !== kCreate) throw new TypeError("Illegal constructor");
      super();
    }
    now() {
      return host.now();
    }
    get timeOrigin() {
      return host.timeOrigin;
    }
    toJSON() {
      return { timeOrigin: host.timeOrigin };
    }
  }
  brand(Performance);
  expose("Performance", Performance);
  expose("performance", new Performance(kCreate));

  class Navigator {
    constructor(token) {
      if (token !== kCreate) throw new TypeError("Illegal constructor");
    }
    get userAgent() {
      return "govite";
    }
    get language() {
      return "en-US";
    }
    get languages() {
      return ["en-US"];
    }
  }
  brand(Navigator);
  expose("Navigator", Navigator);
  expose("navigator", new Navigator(kCreate));

  expose("self", global);

  // ---- timers (implemented by the Go event loop) ----

  expose("setTimeout", host.setTimeout);
  expose("clearTimeout", host.clearTimeout);
  expose("setInterval", host.setInterval);
  expose("clearInterval", host.clearInterval);
  expose("setImmediate", host.setImmediate);
  expose("clearImmediate", host.clearImmediate);
});
