// WHATWG Streams: ReadableStream (default and byte streams, default and BYOB readers, tee, pipeTo,
// pipeThrough, async iteration, ReadableStream.from), WritableStream, TransformStream and the queuing
// strategies. The algorithms follow the Streams standard's structure (names in comments) with these
// simplifications: chunks enqueued into byte streams are not transferred (their buffers stay usable),
// autoAllocateChunkSize is ignored, and pending BYOB reads are answered with done when the stream closes.
// Written without async functions' newer relatives (no async generators: goja lacks them).
(function (host, internals, global) {
  "use strict";

  const { kImpl, kCreate, brand, expose, markHandled, AsyncIteratorPrototype, addAbortAlgorithm } = internals;
  const noop = () => {};
  const resolvedPromise = () => Promise.resolve();

  // deferred is a promise with its settle functions and whether it settled.
  function deferred() {
    const d = { promise: null, resolve: null, reject: null, settled: false };
    d.promise = new Promise((resolve, reject) => {
      d.resolve = (v) => {
        d.settled = true;
        resolve(v);
      };
      d.reject = (e) => {
        d.settled = true;
        reject(e);
      };
    });
    return d;
  }
  function rejectedDeferred(e) {
    const d = deferred();
    markHandled(d.promise);
    d.reject(e);
    return d;
  }
  function resolvedDeferred() {
    const d = deferred();
    d.resolve();
    return d;
  }

  // promiseCall calls a method of an underlying source/sink and always returns a promise.
  function promiseCall(fn, thisArg, ...args) {
    try {
      return Promise.resolve(fn.apply(thisArg, args));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  function method(obj, name, owner) {
    if (obj === null) return undefined;
    const fn = obj[name];
    if (fn === undefined || fn === null) return undefined;
    if (typeof fn !== "function") throw new TypeError(owner + "." + name + " must be a function");
    return fn;
  }

  function highWaterMark(strategy, def) {
    const h = strategy.highWaterMark;
    if (h === undefined) return def;
    const n = Number(h);
    if (Number.isNaN(n) || n < 0) throw new RangeError("The highWaterMark must be a non-negative number, got " + String(h));
    return n;
  }

  function sizeAlgorithm(strategy) {
    const size = strategy.size;
    if (size === undefined) return () => 1;
    if (typeof size !== "function") throw new TypeError("The strategy's size must be a function");
    return (chunk) => size(chunk);
  }

  function checkSize(size) {
    if (typeof size !== "number" || Number.isNaN(size) || size < 0 || size === Infinity) {
      throw new RangeError("The return value of a queuing strategy's size function must be a finite, non-NaN, non-negative number");
    }
    return size;
  }

  // ---- queuing strategies ----

  class CountQueuingStrategy {
    constructor(init) {
      if (init == null || init.highWaterMark === undefined) throw new TypeError("CountQueuingStrategy: highWaterMark is required");
      this[kImpl] = { highWaterMark: Number(init.highWaterMark) };
    }
    get highWaterMark() {
      return this[kImpl].highWaterMark;
    }
    get size() {
      return countSize;
    }
  }
  const countSize = function size() {
    return 1;
  };
  brand(CountQueuingStrategy);
  expose("CountQueuingStrategy", CountQueuingStrategy);

  class ByteLengthQueuingStrategy {
    constructor(init) {
      if (init == null || init.highWaterMark === undefined) throw new TypeError("ByteLengthQueuingStrategy: highWaterMark is required");
      this[kImpl] = { highWaterMark: Number(init.highWaterMark) };
    }
    get highWaterMark() {
      return this[kImpl].highWaterMark;
    }
    get size() {
      return byteLengthSize;
    }
  }
  const byteLengthSize = function size(chunk) {
    return chunk.byteLength;
  };
  brand(ByteLengthQueuingStrategy);
  expose("ByteLengthQueuingStrategy", ByteLengthQueuingStrategy);

  // ---- ReadableStream ----

  class ReadableStream {
    constructor(source, strategy) {
      if (source === undefined) source = null;
      if (source !== null && typeof source !== "object") throw new TypeError("ReadableStream: the underlying source must be an object");
      if (strategy == null) strategy = {};
      this[kImpl] = { state: "readable", reader: null, storedError: undefined, disturbed: false, controller: null };
      const type = source === null ? undefined : source.type;
      if (type !== undefined && String(type) === "bytes") {
        if (strategy.size !== undefined) throw new RangeError("The strategy for a byte stream cannot have a size function");
        setUpController(this, source, highWaterMark(strategy, 0), null, true);
      } else {
        if (type !== undefined) throw new TypeError("ReadableStream: invalid type " + JSON.stringify(String(type)));
        setUpController(this, source, highWaterMark(strategy, 1), sizeAlgorithm(strategy), false);
      }
    }
    get locked() {
      return this[kImpl].reader !== null;
    }
    cancel(reason) {
      if (this[kImpl].reader !== null) return Promise.reject(new TypeError("Cannot cancel a stream that is locked to a reader"));
      return readableCancel(this, reason);
    }
    getReader(options) {
      const mode = options == null ? undefined : options.mode;
      if (mode === undefined) return new ReadableStreamDefaultReader(this);
      if (String(mode) === "byob") return new ReadableStreamBYOBReader(this);
      throw new TypeError("ReadableStream.getReader: invalid mode " + JSON.stringify(String(mode)));
    }
    pipeThrough(transform, options) {
      if (transform == null || !(transform.writable instanceof WritableStream) || !(transform.readable instanceof ReadableStream)) {
        throw new TypeError("ReadableStream.pipeThrough: the argument must be a { readable, writable } pair");
      }
      if (this.locked) throw new TypeError("ReadableStream.pipeThrough: the stream is locked");
      if (transform.writable.locked) throw new TypeError("ReadableStream.pipeThrough: the writable side is locked");
      markHandled(pipeTo(this, transform.writable, options));
      return transform.readable;
    }
    pipeTo(destination, options) {
      if (!(destination instanceof WritableStream)) return Promise.reject(new TypeError("ReadableStream.pipeTo: the destination must be a WritableStream"));
      if (this.locked) return Promise.reject(new TypeError("ReadableStream.pipeTo: the stream is locked"));
      if (destination.locked) return Promise.reject(new TypeError("ReadableStream.pipeTo: the destination is locked"));
      return pipeTo(this, destination, options);
    }
    tee() {
      return tee(this);
    }
    values(options) {
      return asyncIterator(this, !!(options != null && options.preventCancel));
    }
    [Symbol.asyncIterator](options) {
      return asyncIterator(this, !!(options != null && options.preventCancel));
    }
    static from(asyncIterable) {
      return readableFrom(asyncIterable);
    }
    [internals.kInspect]() {
      return "ReadableStream { locked: " + this.locked + ", state: '" + this[kImpl].state + "', supportsBYOB: " + this[kImpl].controller[kImpl].byte + " }";
    }
  }
  brand(ReadableStream);
  expose("ReadableStream", ReadableStream);
  internals.ReadableStream = ReadableStream;

  // SetUpReadableStreamDefaultController / SetUpReadableByteStreamController.
  function setUpController(stream, source, hwm, size, byte) {
    const start = method(source, "start", "source");
    const pull = method(source, "pull", "source");
    const cancel = method(source, "cancel", "source");
    const controller = byte ? new ReadableByteStreamController(kCreate) : new ReadableStreamDefaultController(kCreate);
    const c = {
      stream,
      byte,
      queue: [],
      queueTotalSize: 0,
      started: false,
      closeRequested: false,
      pulling: false,
      pullAgain: false,
      hwm,
      size,
      pendingPullIntos: [],
      byobRequest: null,
      pullAlgorithm: pull ? () => promiseCall(pull, source, controller) : resolvedPromise,
      cancelAlgorithm: cancel ? (reason) => promiseCall(cancel, source, reason) : resolvedPromise,
    };
    controller[kImpl] = c;
    stream[kImpl].controller = controller;
    const startResult = start ? start.call(source, controller) : undefined;
    Promise.resolve(startResult).then(
      () => {
        c.started = true;
        callPullIfNeeded(c);
      },
      (e) => errorController(c, e),
    );
  }

  function clearAlgorithms(c) {
    c.pullAlgorithm = resolvedPromise;
    c.cancelAlgorithm = resolvedPromise;
    c.size = null;
  }

  function canCloseOrEnqueue(c) {
    return !c.closeRequested && c.stream[kImpl].state === "readable";
  }

  function desiredSize(c) {
    const state = c.stream[kImpl].state;
    if (state === "errored") return null;
    if (state === "closed") return 0;
    return c.hwm - c.queueTotalSize;
  }

  // ReadableStreamDefaultControllerShouldCallPull (and the byte controller's).
  function shouldCallPull(c) {
    if (!c.started || !canCloseOrEnqueue(c)) return false;
    const reader = c.stream[kImpl].reader;
    if (reader !== null) {
      const r = reader[kImpl];
      if (r.byob ? r.readIntoRequests.length > 0 : r.readRequests.length > 0) return true;
    }
    return desiredSize(c) > 0;
  }

  function callPullIfNeeded(c) {
    if (!shouldCallPull(c)) return;
    if (c.pulling) {
      c.pullAgain = true;
      return;
    }
    c.pulling = true;
    c.pullAlgorithm().then(
      () => {
        c.pulling = false;
        if (c.pullAgain) {
          c.pullAgain = false;
          callPullIfNeeded(c);
        }
      },
      (e) => errorController(c, e),
    );
  }

  function errorController(c, e) {
    if (c.stream[kImpl].state !== "readable") return;
    c.queue = [];
    c.queueTotalSize = 0;
    clearPendingPullIntos(c);
    clearAlgorithms(c);
    readableError(c.stream, e);
  }

  function clearPendingPullIntos(c) {
    invalidateBYOBRequest(c);
    c.pendingPullIntos = [];
  }

  // ReadableStreamClose.
  function readableClose(stream) {
    const s = stream[kImpl];
    s.state = "closed";
    const reader = s.reader;
    if (reader === null) return;
    const r = reader[kImpl];
    r.closed.resolve();
    if (!r.byob) {
      const requests = r.readRequests;
      r.readRequests = [];
      for (const req of requests) req.close();
    }
  }

  // ReadableStreamError.
  function readableError(stream, e) {
    const s = stream[kImpl];
    s.state = "errored";
    s.storedError = e;
    const reader = s.reader;
    if (reader === null) return;
    const r = reader[kImpl];
    markHandled(r.closed.promise);
    r.closed.reject(e);
    const requests = r.byob ? r.readIntoRequests : r.readRequests;
    if (r.byob) r.readIntoRequests = [];
    else r.readRequests = [];
    for (const req of requests) req.error(e);
  }

  // ReadableStreamCancel.
  function readableCancel(stream, reason) {
    const s = stream[kImpl];
    s.disturbed = true;
    if (s.state === "closed") return Promise.resolve();
    if (s.state === "errored") return Promise.reject(s.storedError);
    readableClose(stream);
    const reader = s.reader;
    if (reader !== null && reader[kImpl].byob) {
      const requests = reader[kImpl].readIntoRequests;
      reader[kImpl].readIntoRequests = [];
      for (const req of requests) req.close(undefined);
    }
    const c = s.controller[kImpl];
    c.queue = [];
    c.queueTotalSize = 0;
    clearPendingPullIntos(c);
    const cancel = c.cancelAlgorithm;
    clearAlgorithms(c);
    return cancel(reason).then(noop);
  }
  internals.readableCancel = readableCancel;

  // ReadableStreamDefaultReaderRead: req has chunk(v), close() and error(e).
  function readableRead(stream, req) {
    const s = stream[kImpl];
    s.disturbed = true;
    if (s.state === "closed") req.close();
    else if (s.state === "errored") req.error(s.storedError);
    else {
      const c = s.controller[kImpl];
      if (c.byte) bytePullSteps(c, req);
      else defaultPullSteps(c, req);
    }
  }

  // ---- default controller ----

  class ReadableStreamDefaultController {
    constructor(token) {
      if (token !== kCreate) throw new TypeError("Illegal constructor");
    }
    get desiredSize() {
      return desiredSize(this[kImpl]);
    }
    close() {
      const c = this[kImpl];
      if (!canCloseOrEnqueue(c)) throw new TypeError("ReadableStreamDefaultController.close: the stream is not in a state that permits close");
      defaultClose(c);
    }
    enqueue(chunk) {
      const c = this[kImpl];
      if (!canCloseOrEnqueue(c)) throw new TypeError("ReadableStreamDefaultController.enqueue: the stream is not in a state that permits enqueue");
      defaultEnqueue(c, chunk);
    }
    error(e) {
      errorController(this[kImpl], e);
    }
  }
  brand(ReadableStreamDefaultController);
  expose("ReadableStreamDefaultController", ReadableStreamDefaultController);

  function defaultClose(c) {
    c.closeRequested = true;
    if (c.queue.length === 0) {
      clearAlgorithms(c);
      readableClose(c.stream);
    }
  }

  function defaultEnqueue(c, chunk) {
    const reader = c.stream[kImpl].reader;
    if (reader !== null && reader[kImpl].readRequests.length > 0) {
      reader[kImpl].readRequests.shift().chunk(chunk);
    } else {
      let size;
      try {
        size = checkSize(c.size(chunk));
      } catch (e) {
        errorController(c, e);
        throw e;
      }
      c.queue.push({ chunk, size });
      c.queueTotalSize += size;
    }
    callPullIfNeeded(c);
  }

  function defaultPullSteps(c, req) {
    if (c.queue.length > 0) {
      const { chunk, size } = c.queue.shift();
      c.queueTotalSize -= size;
      if (c.queueTotalSize < 0 || c.queue.length === 0) c.queueTotalSize = 0;
      if (c.closeRequested && c.queue.length === 0) {
        clearAlgorithms(c);
        readableClose(c.stream);
      } else {
        callPullIfNeeded(c);
      }
      req.chunk(chunk);
      return;
    }
    c.stream[kImpl].reader[kImpl].readRequests.push(req);
    callPullIfNeeded(c);
  }

  // ---- byte stream controller ----

  class ReadableByteStreamController {
    constructor(token) {
      if (token !== kCreate) throw new TypeError("Illegal constructor");
    }
    get byobRequest() {
      const c = this[kImpl];
      if (c.byobRequest === null && c.pendingPullIntos.length > 0) {
        const d = c.pendingPullIntos[0];
        const view = new Uint8Array(d.buffer, d.byteOffset + d.filled, d.byteLength - d.filled);
        c.byobRequest = new ReadableStreamBYOBRequest(kCreate, c, view);
      }
      return c.byobRequest;
    }
    get desiredSize() {
      return desiredSize(this[kImpl]);
    }
    close() {
      const c = this[kImpl];
      if (!canCloseOrEnqueue(c)) throw new TypeError("ReadableByteStreamController.close: the stream is closed or closing");
      byteClose(c);
    }
    enqueue(chunk) {
      const c = this[kImpl];
      if (!ArrayBuffer.isView(chunk)) throw new TypeError("ReadableByteStreamController.enqueue: chunk must be an ArrayBufferView");
      if (chunk.byteLength === 0) throw new TypeError("ReadableByteStreamController.enqueue: chunk must not be empty");
      if (!canCloseOrEnqueue(c)) throw new TypeError("ReadableByteStreamController.enqueue: the stream is closed or closing");
      byteEnqueue(c, chunk);
    }
    error(e) {
      errorController(this[kImpl], e);
    }
  }
  brand(ReadableByteStreamController);
  expose("ReadableByteStreamController", ReadableByteStreamController);

  class ReadableStreamBYOBRequest {
    constructor(token, c, view) {
      if (token !== kCreate) throw new TypeError("Illegal constructor");
      this[kImpl] = { controller: c, view };
    }
    get view() {
      return this[kImpl].view;
    }
    respond(bytesWritten) {
      const c = this[kImpl].controller;
      if (c === null) throw new TypeError("ReadableStreamBYOBRequest.respond: this request was already answered");
      bytesWritten = Number(bytesWritten);
      const d = c.pendingPullIntos[0];
      if (c.stream[kImpl].state === "closed") {
        if (bytesWritten !== 0) throw new TypeError("ReadableStreamBYOBRequest.respond: bytesWritten must be 0 after the stream closed");
      } else {
        if (!(bytesWritten > 0)) throw new TypeError("ReadableStreamBYOBRequest.respond: bytesWritten must be greater than 0");
        if (d.filled + bytesWritten > d.byteLength) throw new RangeError("ReadableStreamBYOBRequest.respond: bytesWritten out of range");
      }
      respondInternal(c, bytesWritten);
    }
    respondWithNewView(view) {
      const c = this[kImpl].controller;
      if (c === null) throw new TypeError("ReadableStreamBYOBRequest.respondWithNewView: this request was already answered");
      if (!ArrayBuffer.isView(view)) throw new TypeError("ReadableStreamBYOBRequest.respondWithNewView: view must be an ArrayBufferView");
      const d = c.pendingPullIntos[0];
      if (d.byteOffset + d.filled !== view.byteOffset) throw new RangeError("respondWithNewView: the view's offset does not match the request");
      if (d.filled + view.byteLength > d.byteLength) throw new RangeError("respondWithNewView: the view is too large");
      d.buffer = view.buffer;
      respondInternal(c, view.byteLength);
    }
  }
  brand(ReadableStreamBYOBRequest);
  expose("ReadableStreamBYOBRequest", ReadableStreamBYOBRequest);

  function invalidateBYOBRequest(c) {
    if (c.byobRequest !== null) {
      c.byobRequest[kImpl].controller = null;
      c.byobRequest[kImpl].view = null;
      c.byobRequest = null;
    }
  }

  function asUint8(view) {
    return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }

  function byteEnqueue(c, chunk) {
    const bytes = asUint8(chunk);
    invalidateBYOBRequest(c);
    const reader = c.stream[kImpl].reader;
    if (reader !== null && !reader[kImpl].byob && reader[kImpl].readRequests.length > 0 && c.queue.length === 0) {
      reader[kImpl].readRequests.shift().chunk(bytes);
    } else {
      c.queue.push(bytes);
      c.queueTotalSize += bytes.byteLength;
      if (reader !== null && reader[kImpl].byob) processPullIntosUsingQueue(c);
    }
    callPullIfNeeded(c);
  }

  function byteClose(c) {
    if (c.queueTotalSize > 0) {
      c.closeRequested = true;
      return;
    }
    if (c.pendingPullIntos.length > 0 && c.pendingPullIntos[0].filled % c.pendingPullIntos[0].elementSize !== 0) {
      const e = new TypeError("Insufficient bytes to fill elements in the given buffer");
      errorController(c, e);
      throw e;
    }
    clearAlgorithms(c);
    readableClose(c.stream);
    closePendingPullIntos(c);
  }

  // closePendingPullIntos answers BYOB reads still waiting when the stream closes with done and what they
  // had received (the standard leaves that to the source calling respond(0)).
  function closePendingPullIntos(c) {
    const reader = c.stream[kImpl].reader;
    const pending = c.pendingPullIntos;
    clearPendingPullIntos(c);
    if (reader === null || !reader[kImpl].byob) return;
    const requests = reader[kImpl].readIntoRequests;
    reader[kImpl].readIntoRequests = [];
    for (let i = 0; i < requests.length; i++) requests[i].close(pending[i] ? pullIntoView(pending[i]) : undefined);
  }

  function bytePullSteps(c, req) {
    if (c.queueTotalSize > 0) {
      const bytes = c.queue.shift();
      c.queueTotalSize -= bytes.byteLength;
      handleQueueDrain(c);
      req.chunk(bytes);
      return;
    }
    c.stream[kImpl].reader[kImpl].readRequests.push(req);
    callPullIfNeeded(c);
  }

  function handleQueueDrain(c) {
    if (c.queueTotalSize === 0 && c.closeRequested) {
      clearAlgorithms(c);
      readableClose(c.stream);
      closePendingPullIntos(c);
    } else {
      callPullIfNeeded(c);
    }
  }

  function pullIntoView(d) {
    return new d.ctor(d.buffer, d.byteOffset, d.filled / d.elementSize);
  }

  // ReadableByteStreamControllerFillPullIntoDescriptorFromQueue: copies queued bytes into the pull-into
  // buffer and says whether it now holds at least one whole element.
  function fillFromQueue(c, d) {
    const maxBytes = Math.min(c.queueTotalSize, d.byteLength - d.filled);
    const maxEnd = d.filled + maxBytes;
    let toCopy = maxBytes;
    let ready = false;
    const alignedEnd = maxEnd - (maxEnd % d.elementSize);
    if (alignedEnd > d.filled - (d.filled % d.elementSize) && alignedEnd >= d.elementSize) {
      toCopy = alignedEnd - d.filled;
      ready = true;
    }
    const target = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    while (toCopy > 0) {
      const head = c.queue[0];
      const n = Math.min(toCopy, head.byteLength);
      target.set(n === head.byteLength ? head : head.subarray(0, n), d.filled);
      if (n === head.byteLength) c.queue.shift();
      else c.queue[0] = head.subarray(n);
      c.queueTotalSize -= n;
      d.filled += n;
      toCopy -= n;
    }
    return ready;
  }

  function processPullIntosUsingQueue(c) {
    const reader = c.stream[kImpl].reader;
    while (c.pendingPullIntos.length > 0 && c.queueTotalSize > 0) {
      const d = c.pendingPullIntos[0];
      if (!fillFromQueue(c, d)) return;
      c.pendingPullIntos.shift();
      reader[kImpl].readIntoRequests.shift().chunk(pullIntoView(d));
    }
    if (c.queueTotalSize === 0 && c.closeRequested) handleQueueDrain(c);
  }

  function respondInternal(c, bytesWritten) {
    const d = c.pendingPullIntos[0];
    invalidateBYOBRequest(c);
    const reader = c.stream[kImpl].reader;
    if (c.stream[kImpl].state === "closed") {
      closePendingPullIntos(c);
    } else {
      d.filled += bytesWritten;
      if (d.filled >= d.elementSize) {
        c.pendingPullIntos.shift();
        const remainder = d.filled % d.elementSize;
        if (remainder > 0) {
          const end = d.byteOffset + d.filled;
          const rest = new Uint8Array(d.buffer.slice(end - remainder, end));
          c.queue.unshift(rest);
          c.queueTotalSize += remainder;
          d.filled -= remainder;
        }
        if (reader !== null && reader[kImpl].byob) {
          reader[kImpl].readIntoRequests.shift().chunk(pullIntoView(d));
          processPullIntosUsingQueue(c);
        }
      }
    }
    callPullIfNeeded(c);
  }

  // ReadableByteStreamControllerPullInto.
  function byobPullInto(c, view, req) {
    const elementSize = view instanceof DataView ? 1 : view.BYTES_PER_ELEMENT;
    const ctor = view.constructor;
    const d = { buffer: view.buffer, byteOffset: view.byteOffset, byteLength: view.byteLength, filled: 0, elementSize, ctor };
    const s = c.stream[kImpl];
    const reader = s.reader[kImpl];
    if (c.pendingPullIntos.length > 0) {
      c.pendingPullIntos.push(d);
      reader.readIntoRequests.push(req);
      return;
    }
    if (s.state === "closed") {
      req.close(new ctor(d.buffer, d.byteOffset, 0));
      return;
    }
    if (c.queueTotalSize > 0) {
      if (fillFromQueue(c, d)) {
        handleQueueDrain(c);
        req.chunk(pullIntoView(d));
        return;
      }
      if (c.closeRequested) {
        const e = new TypeError("Insufficient bytes to fill elements in the given buffer");
        errorController(c, e);
        req.error(e);
        return;
      }
    }
    c.pendingPullIntos.push(d);
    reader.readIntoRequests.push(req);
    callPullIfNeeded(c);
  }

  // ---- readers ----

  function initReader(reader, stream, byob) {
    const s = stream[kImpl];
    if (s.reader !== null) throw new TypeError("ReadableStream is already locked to a reader");
    let closed;
    if (s.state === "readable") closed = deferred();
    else if (s.state === "closed") closed = resolvedDeferred();
    else closed = rejectedDeferred(s.storedError);
    markHandled(closed.promise);
    reader[kImpl] = { stream, closed, byob, readRequests: [], readIntoRequests: [] };
    s.reader = reader;
  }

  // ReadableStreamReaderGenericRelease.
  function releaseReader(reader) {
    const r = reader[kImpl];
    const stream = r.stream;
    if (stream === null) return;
    const s = stream[kImpl];
    const e = new TypeError("The reader was released");
    if (s.state === "readable" && !r.closed.settled) r.closed.reject(e);
    else r.closed = rejectedDeferred(e);
    markHandled(r.closed.promise);
    s.reader = null;
    r.stream = null;
    const requests = r.byob ? r.readIntoRequests : r.readRequests;
    r.readRequests = [];
    r.readIntoRequests = [];
    for (const req of requests) req.error(e);
    if (r.byob) clearPendingPullIntos(s.controller[kImpl]);
  }

  function readRequest(resolve, reject) {
    return {
      chunk: (value) => resolve({ value, done: false }),
      close: (value) => resolve({ value, done: true }),
      error: reject,
    };
  }

  class ReadableStreamDefaultReader {
    constructor(stream) {
      if (!(stream instanceof ReadableStream)) throw new TypeError("ReadableStreamDefaultReader: argument must be a ReadableStream");
      initReader(this, stream, false);
    }
    get closed() {
      return this[kImpl].closed.promise;
    }
    read() {
      const stream = this[kImpl].stream;
      if (stream === null) return Promise.reject(new TypeError("ReadableStreamDefaultReader.read: the reader was released"));
      return new Promise((resolve, reject) => readableRead(stream, readRequest(resolve, reject)));
    }
    releaseLock() {
      releaseReader(this);
    }
    cancel(reason) {
      const stream = this[kImpl].stream;
      if (stream === null) return Promise.reject(new TypeError("ReadableStreamDefaultReader.cancel: the reader was released"));
      return readableCancel(stream, reason);
    }
  }
  brand(ReadableStreamDefaultReader);
  expose("ReadableStreamDefaultReader", ReadableStreamDefaultReader);

  class ReadableStreamBYOBReader {
    constructor(stream) {
      if (!(stream instanceof ReadableStream)) throw new TypeError("ReadableStreamBYOBReader: argument must be a ReadableStream");
      if (!stream[kImpl].controller[kImpl].byte) throw new TypeError("ReadableStreamBYOBReader: the stream is not a byte stream");
      initReader(this, stream, true);
    }
    get closed() {
      return this[kImpl].closed.promise;
    }
    read(view) {
      const stream = this[kImpl].stream;
      if (!ArrayBuffer.isView(view)) return Promise.reject(new TypeError("ReadableStreamBYOBReader.read: argument must be an ArrayBufferView"));
      if (view.byteLength === 0) return Promise.reject(new TypeError("ReadableStreamBYOBReader.read: view must not be empty"));
      if (stream === null) return Promise.reject(new TypeError("ReadableStreamBYOBReader.read: the reader was released"));
      return new Promise((resolve, reject) => {
        const s = stream[kImpl];
        s.disturbed = true;
        if (s.state === "errored") reject(s.storedError);
        else byobPullInto(s.controller[kImpl], view, readRequest(resolve, reject));
      });
    }
    releaseLock() {
      releaseReader(this);
    }
    cancel(reason) {
      const stream = this[kImpl].stream;
      if (stream === null) return Promise.reject(new TypeError("ReadableStreamBYOBReader.cancel: the reader was released"));
      return readableCancel(stream, reason);
    }
  }
  brand(ReadableStreamBYOBReader);
  expose("ReadableStreamBYOBReader", ReadableStreamBYOBReader);

  // ---- tee ----

  // ReadableStreamDefaultTee, also used for byte streams (the branches are byte streams then, and the
  // second branch gets copies of the chunks so that the branches never share a buffer).
  function tee(stream) {
    const reader = new ReadableStreamDefaultReader(stream);
    const byte = stream[kImpl].controller[kImpl].byte;
    let reading = false;
    let readAgain = false;
    let canceled1 = false;
    let canceled2 = false;
    let reason1;
    let reason2;
    let c1;
    let c2;
    const cancelled = deferred();

    function enqueue(c, chunk) {
      if (!canCloseOrEnqueue(c)) return;
      if (c.byte) byteEnqueue(c, chunk);
      else defaultEnqueue(c, chunk);
    }
    function close(c) {
      if (!canCloseOrEnqueue(c)) return;
      if (c.byte) byteClose(c);
      else defaultClose(c);
    }
    function pull() {
      if (reading) {
        readAgain = true;
        return Promise.resolve();
      }
      reading = true;
      readableRead(stream, {
        chunk(value) {
          // Let the branches see the chunk in a later microtask, as the standard does, so that a branch
          // cancelled in reaction to this chunk is honoured.
          Promise.resolve().then(() => {
            readAgain = false;
            let v2 = value;
            if (byte && !canceled1 && !canceled2) v2 = new Uint8Array(value);
            if (!canceled1) enqueue(c1, value);
            if (!canceled2) enqueue(c2, v2);
            reading = false;
            if (readAgain) pull();
          });
        },
        close() {
          reading = false;
          if (!canceled1) close(c1);
          if (!canceled2) close(c2);
          if (!canceled1 || !canceled2) cancelled.resolve();
        },
        error() {
          reading = false;
        },
      });
      return Promise.resolve();
    }
    function cancel1(reason) {
      canceled1 = true;
      reason1 = reason;
      if (canceled2) cancelled.resolve(readableCancel(stream, [reason1, reason2]));
      return cancelled.promise;
    }
    function cancel2(reason) {
      canceled2 = true;
      reason2 = reason;
      if (canceled1) cancelled.resolve(readableCancel(stream, [reason1, reason2]));
      return cancelled.promise;
    }
    const type = byte ? "bytes" : undefined;
    const branch1 = new ReadableStream({ type, start: (c) => void (c1 = c[kImpl]), pull, cancel: cancel1 });
    const branch2 = new ReadableStream({ type, start: (c) => void (c2 = c[kImpl]), pull, cancel: cancel2 });
    reader[kImpl].closed.promise.then(noop, (e) => {
      errorController(c1, e);
      errorController(c2, e);
      if (!canceled1 || !canceled2) cancelled.resolve();
    });
    return [branch1, branch2];
  }

  // ---- async iteration ----

  const ReadableStreamAsyncIteratorPrototype = Object.create(AsyncIteratorPrototype);
  Object.defineProperties(ReadableStreamAsyncIteratorPrototype, {
    next: {
      value: function next() {
        const it = this[kImpl];
        const step = () => {
          if (it.finished) return { value: undefined, done: true };
          return it.reader.read().then(
            (result) => {
              if (result.done) {
                it.finished = true;
                releaseReader(it.reader);
              }
              return result;
            },
            (e) => {
              it.finished = true;
              releaseReader(it.reader);
              throw e;
            },
          );
        };
        it.ongoing = it.ongoing ? it.ongoing.then(step, step) : Promise.resolve().then(step);
        return it.ongoing;
      },
      writable: true,
      configurable: true,
    },
    return: {
      value: function (value) {
        const it = this[kImpl];
        const step = () => {
          if (it.finished) return { value, done: true };
          it.finished = true;
          const reader = it.reader;
          if (!it.preventCancel) {
            const p = reader.cancel(value);
            releaseReader(reader);
            return p.then(() => ({ value, done: true }));
          }
          releaseReader(reader);
          return { value, done: true };
        };
        it.ongoing = it.ongoing ? it.ongoing.then(step, step) : Promise.resolve().then(step);
        return it.ongoing;
      },
      writable: true,
      configurable: true,
    },
    [Symbol.toStringTag]: { value: "ReadableStream AsyncIterator", configurable: true },
  });

  function asyncIterator(stream, preventCancel) {
    const reader = new ReadableStreamDefaultReader(stream);
    const it = Object.create(ReadableStreamAsyncIteratorPrototype);
    it[kImpl] = { reader, preventCancel, finished: false, ongoing: null };
    return it;
  }

  function readableFrom(iterable) {
    if (iterable == null) throw new TypeError("ReadableStream.from: argument must be an iterable or async iterable");
    let iterator;
    const asyncMethod = iterable[Symbol.asyncIterator];
    if (asyncMethod != null) {
      iterator = asyncMethod.call(iterable);
    } else {
      const syncMethod = iterable[Symbol.iterator];
      if (typeof syncMethod !== "function") throw new TypeError("ReadableStream.from: argument must be an iterable or async iterable");
      iterator = syncMethod.call(iterable);
    }
    if (iterator === null || typeof iterator !== "object") throw new TypeError("ReadableStream.from: the iterator is not an object");
    const next = iterator.next;
    return new ReadableStream(
      {
        pull(c) {
          return Promise.resolve(next.call(iterator)).then((result) => {
            if (result === null || typeof result !== "object") throw new TypeError("ReadableStream.from: the iterator result is not an object");
            if (result.done) c.close();
            else return Promise.resolve(result.value).then((v) => c.enqueue(v));
          });
        },
        cancel(reason) {
          const ret = iterator.return;
          if (ret == null) return;
          return Promise.resolve(ret.call(iterator, reason)).then((result) => {
            if (result === null || typeof result !== "object") throw new TypeError("ReadableStream.from: the iterator's return() result is not an object");
          });
        },
      },
      { highWaterMark: 0 },
    );
  }

  // ---- WritableStream ----

  class WritableStream {
    constructor(sink, strategy) {
      if (sink === undefined) sink = null;
      if (sink !== null && typeof sink !== "object") throw new TypeError("WritableStream: the underlying sink must be an object");
      if (sink !== null && sink.type !== undefined) throw new RangeError("WritableStream: invalid type");
      if (strategy == null) strategy = {};
      const size = sizeAlgorithm(strategy);
      const hwm = highWaterMark(strategy, 1);
      this[kImpl] = {
        state: "writable",
        storedError: undefined,
        writer: null,
        controller: null,
        backpressure: false,
        closeRequested: false,
        pendingAbort: null,
      };
      setUpWritableController(this, sink, hwm, size);
    }
    get locked() {
      return this[kImpl].writer !== null;
    }
    abort(reason) {
      if (this.locked) return Promise.reject(new TypeError("WritableStream.abort: the stream is locked"));
      return writableAbort(this, reason);
    }
    close() {
      if (this.locked) return Promise.reject(new TypeError("WritableStream.close: the stream is locked"));
      return writableClose(this);
    }
    getWriter() {
      return new WritableStreamDefaultWriter(this);
    }
    [internals.kInspect]() {
      return "WritableStream { locked: " + this.locked + ", state: '" + this[kImpl].state + "' }";
    }
  }
  brand(WritableStream);
  expose("WritableStream", WritableStream);
  internals.WritableStream = WritableStream;

  class WritableStreamDefaultController {
    constructor(token) {
      if (token !== kCreate) throw new TypeError("Illegal constructor");
    }
    get signal() {
      return this[kImpl].abortController.signal;
    }
    error(e) {
      const c = this[kImpl];
      if (c.stream[kImpl].state !== "writable") return;
      writableStartErroring(c.stream, e);
    }
  }
  brand(WritableStreamDefaultController);
  expose("WritableStreamDefaultController", WritableStreamDefaultController);

  function setUpWritableController(stream, sink, hwm, size) {
    const start = method(sink, "start", "sink");
    const write = method(sink, "write", "sink");
    const close = method(sink, "close", "sink");
    const abort = method(sink, "abort", "sink");
    const controller = new WritableStreamDefaultController(kCreate);
    const c = {
      stream,
      queue: [],
      queueTotalSize: 0,
      hwm,
      size,
      started: false,
      inFlight: false,
      abortController: new AbortController(),
      writeAlgorithm: write ? (chunk) => promiseCall(write, sink, chunk, controller) : resolvedPromise,
      closeAlgorithm: close ? () => promiseCall(close, sink) : resolvedPromise,
      abortAlgorithm: abort ? (reason) => promiseCall(abort, sink, reason) : resolvedPromise,
    };
    controller[kImpl] = c;
    stream[kImpl].controller = controller;
    updateBackpressure(stream);
    const startResult = start ? start.call(sink, controller) : undefined;
    Promise.resolve(startResult).then(
      () => {
        c.started = true;
        advanceQueue(c);
      },
      (e) => {
        c.started = true;
        writableDealWithRejection(stream, e);
      },
    );
  }

  function writableDesiredSize(stream) {
    const s = stream[kImpl];
    if (s.state === "errored" || s.state === "erroring") return null;
    if (s.state === "closed") return 0;
    const c = s.controller[kImpl];
    return c.hwm - c.queueTotalSize;
  }

  function updateBackpressure(stream) {
    const s = stream[kImpl];
    if (s.state !== "writable" || s.closeRequested) return;
    const backpressure = writableDesiredSize(stream) <= 0;
    if (backpressure === s.backpressure) return;
    s.backpressure = backpressure;
    const writer = s.writer;
    if (writer === null) return;
    const w = writer[kImpl];
    if (backpressure) {
      w.ready = deferred();
      markHandled(w.ready.promise);
    } else {
      w.ready.resolve();
    }
  }

  function writableWrite(stream, chunk) {
    const s = stream[kImpl];
    const c = s.controller[kImpl];
    let size = 1;
    if (s.state === "writable" && !s.closeRequested) {
      try {
        size = checkSize(c.size(chunk));
      } catch (e) {
        writableStartErroring(stream, e);
      }
    }
    if (s.state === "errored" || s.state === "erroring") return Promise.reject(s.storedError);
    if (s.state === "closed" || s.closeRequested) return Promise.reject(new TypeError("Cannot write to a closed or closing WritableStream"));
    const d = deferred();
    c.queue.push({ chunk, size, d });
    c.queueTotalSize += size;
    updateBackpressure(stream);
    advanceQueue(c);
    return d.promise;
  }

  function writableClose(stream) {
    const s = stream[kImpl];
    if (s.state === "closed" || s.state === "errored") return Promise.reject(new TypeError("WritableStream is already closed or errored"));
    if (s.closeRequested) return Promise.reject(new TypeError("WritableStream is already closing"));
    const d = deferred();
    s.closeRequested = true;
    const c = s.controller[kImpl];
    c.queue.push({ close: true, size: 0, d });
    if (s.writer !== null && s.backpressure && s.state === "writable") s.writer[kImpl].ready.resolve();
    advanceQueue(c);
    return d.promise;
  }
  internals.writableClose = writableClose;

  function writableAbort(stream, reason) {
    const s = stream[kImpl];
    if (s.state === "closed" || s.state === "errored") return Promise.resolve();
    s.controller[kImpl].abortController.abort(reason);
    if (s.state === "closed" || s.state === "errored") return Promise.resolve();
    if (s.pendingAbort !== null) return s.pendingAbort.d.promise;
    const wasErroring = s.state === "erroring";
    const pending = { d: deferred(), reason: wasErroring ? undefined : reason, wasErroring };
    s.pendingAbort = pending;
    if (!wasErroring) writableStartErroring(stream, reason);
    return pending.d.promise;
  }
  internals.writableAbort = writableAbort;

  function writableStartErroring(stream, reason) {
    const s = stream[kImpl];
    s.state = "erroring";
    s.storedError = reason;
    if (s.writer !== null) {
      const w = s.writer[kImpl];
      if (w.ready.settled) w.ready = rejectedDeferred(reason);
      else {
        markHandled(w.ready.promise);
        w.ready.reject(reason);
      }
    }
    const c = s.controller[kImpl];
    if (!c.inFlight && c.started) writableFinishErroring(stream);
  }

  function writableFinishErroring(stream) {
    const s = stream[kImpl];
    s.state = "errored";
    const c = s.controller[kImpl];
    const queue = c.queue;
    c.queue = [];
    c.queueTotalSize = 0;
    for (const item of queue) item.d.reject(s.storedError);
    const abort = s.pendingAbort;
    s.pendingAbort = null;
    const rejectClosed = () => {
      if (s.writer !== null) {
        const w = s.writer[kImpl];
        markHandled(w.closed.promise);
        w.closed.reject(s.storedError);
      }
    };
    if (abort === null) {
      rejectClosed();
      return;
    }
    if (abort.wasErroring) {
      abort.d.reject(s.storedError);
      rejectClosed();
      return;
    }
    c.abortAlgorithm(abort.reason).then(
      () => {
        abort.d.resolve();
        rejectClosed();
      },
      (e) => {
        abort.d.reject(e);
        rejectClosed();
      },
    );
  }

  function writableDealWithRejection(stream, e) {
    const s = stream[kImpl];
    if (s.state === "writable") {
      writableStartErroring(stream, e);
      return;
    }
    if (s.state === "erroring") writableFinishErroring(stream);
  }

  // WritableStreamDefaultControllerAdvanceQueueIfNeeded: one write (or the close) in flight at a time.
  function advanceQueue(c) {
    const stream = c.stream;
    const s = stream[kImpl];
    if (!c.started || c.inFlight) return;
    if (s.state === "erroring") {
      writableFinishErroring(stream);
      return;
    }
    if (s.state !== "writable" || c.queue.length === 0) return;
    const item = c.queue[0];
    c.inFlight = true;
    if (item.close) {
      c.queue.shift();
      const close = c.closeAlgorithm;
      c.writeAlgorithm = c.closeAlgorithm = c.abortAlgorithm = resolvedPromise;
      close().then(
        () => {
          c.inFlight = false;
          if (s.state === "erroring") {
            s.storedError = undefined;
            if (s.pendingAbort !== null) {
              s.pendingAbort.d.resolve();
              s.pendingAbort = null;
            }
          }
          s.state = "closed";
          item.d.resolve();
          if (s.writer !== null) s.writer[kImpl].closed.resolve();
        },
        (e) => {
          c.inFlight = false;
          item.d.reject(e);
          if (s.pendingAbort !== null) {
            s.pendingAbort.d.reject(e);
            s.pendingAbort = null;
          }
          writableDealWithRejection(stream, e);
        },
      );
      return;
    }
    c.writeAlgorithm(item.chunk).then(
      () => {
        c.inFlight = false;
        c.queue.shift();
        c.queueTotalSize -= item.size;
        if (c.queueTotalSize < 0 || c.queue.length === 0) c.queueTotalSize = 0;
        item.d.resolve();
        if (s.state === "erroring") {
          writableFinishErroring(stream);
          return;
        }
        updateBackpressure(stream);
        advanceQueue(c);
      },
      (e) => {
        c.inFlight = false;
        c.queue.shift();
        item.d.reject(e);
        writableDealWithRejection(stream, e);
      },
    );
  }

  class WritableStreamDefaultWriter {
    constructor(stream) {
      if (!(stream instanceof WritableStream)) throw new TypeError("WritableStreamDefaultWriter: argument must be a WritableStream");
      const s = stream[kImpl];
      if (s.writer !== null) throw new TypeError("WritableStream is already locked to a writer");
      let ready;
      let closed;
      if (s.state === "writable") {
        ready = s.backpressure && !s.closeRequested ? deferred() : resolvedDeferred();
        closed = deferred();
      } else if (s.state === "erroring") {
        ready = rejectedDeferred(s.storedError);
        closed = deferred();
      } else if (s.state === "closed") {
        ready = resolvedDeferred();
        closed = resolvedDeferred();
      } else {
        ready = rejectedDeferred(s.storedError);
        closed = rejectedDeferred(s.storedError);
      }
      markHandled(ready.promise);
      markHandled(closed.promise);
      this[kImpl] = { stream, ready, closed };
      s.writer = this;
    }
    get closed() {
      return this[kImpl].closed.promise;
    }
    get ready() {
      return this[kImpl].ready.promise;
    }
    get desiredSize() {
      const stream = this[kImpl].stream;
      if (stream === null) throw new TypeError("WritableStreamDefaultWriter.desiredSize: the writer was released");
      return writableDesiredSize(stream);
    }
    abort(reason) {
      const stream = this[kImpl].stream;
      if (stream === null) return Promise.reject(new TypeError("WritableStreamDefaultWriter.abort: the writer was released"));
      return writableAbort(stream, reason);
    }
    close() {
      const stream = this[kImpl].stream;
      if (stream === null) return Promise.reject(new TypeError("WritableStreamDefaultWriter.close: the writer was released"));
      return writableClose(stream);
    }
    write(chunk) {
      const stream = this[kImpl].stream;
      if (stream === null) return Promise.reject(new TypeError("WritableStreamDefaultWriter.write: the writer was released"));
      return writableWrite(stream, chunk);
    }
    releaseLock() {
      const w = this[kImpl];
      const stream = w.stream;
      if (stream === null) return;
      const e = new TypeError("The writer was released");
      if (w.ready.settled) w.ready = rejectedDeferred(e);
      else w.ready.reject(e);
      if (w.closed.settled) w.closed = rejectedDeferred(e);
      else w.closed.reject(e);
      stream[kImpl].writer = null;
      w.stream = null;
    }
  }
  brand(WritableStreamDefaultWriter);
  expose("WritableStreamDefaultWriter", WritableStreamDefaultWriter);

  // ---- pipeTo ----

  // ReadableStreamPipeTo: reads a chunk whenever the destination is ready, keeps one chain of writes, and
  // on closing, erroring or abort propagates as the options allow.
  function pipeTo(source, dest, options) {
    const opts = options == null ? {} : options;
    const preventClose = !!opts.preventClose;
    const preventAbort = !!opts.preventAbort;
    const preventCancel = !!opts.preventCancel;
    const signal = opts.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) return Promise.reject(new TypeError("pipeTo: signal must be an AbortSignal"));
    const reader = new ReadableStreamDefaultReader(source);
    const writer = new WritableStreamDefaultWriter(dest);
    source[kImpl].disturbed = true;
    const done = deferred();
    let shuttingDown = false;
    let currentWrite = Promise.resolve();
    let removeAbort = noop;

    function finalize(isError, error) {
      removeAbort();
      writer.releaseLock();
      releaseReader(reader);
      if (isError) done.reject(error);
      else done.resolve();
    }
    function shutdown(action, isError, error) {
      if (shuttingDown) return;
      shuttingDown = true;
      const s = dest[kImpl];
      const waitWrites = s.state === "writable" && !s.closeRequested ? currentWrite.then(noop, noop) : Promise.resolve();
      waitWrites.then(() => {
        if (!action) {
          finalize(isError, error);
          return;
        }
        promiseCall(action).then(
          () => finalize(isError, error),
          (e) => finalize(true, e),
        );
      });
    }
    function sourceClosed() {
      if (!preventClose) shutdown(() => closeWithErrorPropagation(), false);
      else shutdown(null, false);
    }
    function closeWithErrorPropagation() {
      const s = dest[kImpl];
      if (s.state === "closed") return undefined;
      if (s.closeRequested) return writer.closed;
      if (s.state === "errored") return Promise.reject(s.storedError);
      return writableClose(dest);
    }
    function pump() {
      if (shuttingDown) return;
      writer.ready.then(() => {
        if (shuttingDown) return;
        readableRead(source, {
          chunk(value) {
            if (shuttingDown) return;
            currentWrite = writableWrite(dest, value);
            markHandled(currentWrite);
            pump();
          },
          close: sourceClosed,
          error: noop, // handled through reader.closed below
        });
      }, noop);
    }

    if (signal !== undefined) {
      const onAbort = () => {
        const e = signal.reason;
        const actions = [];
        if (!preventAbort && dest[kImpl].state === "writable") actions.push(() => writableAbort(dest, e));
        if (!preventCancel && source[kImpl].state === "readable") actions.push(() => readableCancel(source, e));
        shutdown(() => Promise.all(actions.map((a) => a())), true, e);
      };
      if (signal.aborted) {
        onAbort();
        return done.promise;
      }
      removeAbort = addAbortAlgorithm(signal, onAbort);
    }

    const srcState = source[kImpl];
    const dstState = dest[kImpl];
    if (srcState.state === "errored") {
      const e = srcState.storedError;
      if (!preventAbort) shutdown(() => writableAbort(dest, e), true, e);
      else shutdown(null, true, e);
    } else if (dstState.state === "errored" || dstState.state === "erroring") {
      const e = dstState.storedError;
      if (!preventCancel) shutdown(() => readableCancel(source, e), true, e);
      else shutdown(null, true, e);
    } else if (srcState.state === "closed") {
      sourceClosed();
    } else if (dstState.state === "closed" || dstState.closeRequested) {
      const e = new TypeError("pipeTo: the destination is closed");
      if (!preventCancel) shutdown(() => readableCancel(source, e), true, e);
      else shutdown(null, true, e);
    }

    reader[kImpl].closed.promise.then(
      () => {
        if (!shuttingDown) sourceClosed();
      },
      (e) => {
        if (shuttingDown) return;
        if (!preventAbort) shutdown(() => writableAbort(dest, e), true, e);
        else shutdown(null, true, e);
      },
    );
    writer[kImpl].closed.promise.then(noop, (e) => {
      if (shuttingDown) return;
      if (!preventCancel) shutdown(() => readableCancel(source, e), true, e);
      else shutdown(null, true, e);
    });
    pump();
    return done.promise;
  }

  // ---- TransformStream ----

  class TransformStream {
    constructor(transformer, writableStrategy, readableStrategy) {
      if (transformer === undefined) transformer = null;
      if (transformer !== null && typeof transformer !== "object") throw new TypeError("TransformStream: the transformer must be an object");
      if (transformer !== null && transformer.readableType !== undefined) throw new RangeError("TransformStream: invalid readableType");
      if (transformer !== null && transformer.writableType !== undefined) throw new RangeError("TransformStream: invalid writableType");
      const start = method(transformer, "start", "transformer");
      const transform = method(transformer, "transform", "transformer");
      const flush = method(transformer, "flush", "transformer");
      const cancel = method(transformer, "cancel", "transformer");
      const controller = new TransformStreamDefaultController(kCreate);
      const t = {
        backpressure: true,
        backpressureChange: deferred(),
        readableController: null,
        writable: null,
        readable: null,
        finish: null, // the promise of a flush or cancel in progress
        transformAlgorithm: transform
          ? (chunk) => promiseCall(transform, transformer, chunk, controller)
          : (chunk) => {
              try {
                transformEnqueue(t, chunk);
                return Promise.resolve();
              } catch (e) {
                return Promise.reject(e);
              }
            },
        flushAlgorithm: flush ? () => promiseCall(flush, transformer, controller) : resolvedPromise,
        cancelAlgorithm: cancel ? (reason) => promiseCall(cancel, transformer, reason) : resolvedPromise,
      };
      controller[kImpl] = t;
      this[kImpl] = t;
      const startD = deferred();
      const ws = writableStrategy == null ? {} : writableStrategy;
      const rs = readableStrategy == null ? {} : readableStrategy;
      t.writable = new WritableStream(
        {
          start: () => startD.promise,
          write: (chunk) => transformSinkWrite(t, chunk),
          close: () => transformSinkClose(t),
          abort: (reason) => transformSinkAbort(t, reason),
        },
        { highWaterMark: highWaterMark(ws, 1), size: ws.size },
      );
      t.readable = new ReadableStream(
        {
          start: (c) => {
            t.readableController = c[kImpl];
            return startD.promise;
          },
          pull: () => {
            setBackpressure(t, false);
            return t.backpressureChange.promise;
          },
          cancel: (reason) => transformSourceCancel(t, reason),
        },
        { highWaterMark: highWaterMark(rs, 0), size: rs.size },
      );
      setBackpressure(t, true);
      try {
        startD.resolve(start ? start.call(transformer, controller) : undefined);
      } catch (e) {
        startD.reject(e);
        throw e;
      }
    }
    get readable() {
      return this[kImpl].readable;
    }
    get writable() {
      return this[kImpl].writable;
    }
  }
  brand(TransformStream);
  expose("TransformStream", TransformStream);
  internals.TransformStream = TransformStream;

  class TransformStreamDefaultController {
    constructor(token) {
      if (token !== kCreate) throw new TypeError("Illegal constructor");
    }
    get desiredSize() {
      return desiredSize(this[kImpl].readableController);
    }
    enqueue(chunk) {
      transformEnqueue(this[kImpl], chunk);
    }
    error(reason) {
      transformError(this[kImpl], reason);
    }
    terminate() {
      const t = this[kImpl];
      const c = t.readableController;
      if (canCloseOrEnqueue(c)) defaultClose(c);
      transformErrorWritable(t, new TypeError("TransformStream terminated"));
    }
  }
  brand(TransformStreamDefaultController);
  expose("TransformStreamDefaultController", TransformStreamDefaultController);

  function setBackpressure(t, backpressure) {
    if (t.backpressureChange.settled === false) t.backpressureChange.resolve();
    t.backpressureChange = deferred();
    t.backpressure = backpressure;
  }

  function transformEnqueue(t, chunk) {
    const c = t.readableController;
    if (!canCloseOrEnqueue(c)) throw new TypeError("TransformStream: the readable side is not in a state that permits enqueue");
    try {
      defaultEnqueue(c, chunk);
    } catch (e) {
      transformErrorWritable(t, e);
      throw t.readable[kImpl].storedError;
    }
    if (!shouldCallPull(c) && !t.backpressure) setBackpressure(t, true);
  }

  function transformError(t, e) {
    errorController(t.readableController, e);
    transformErrorWritable(t, e);
  }

  function transformErrorWritable(t, e) {
    t.transformAlgorithm = resolvedPromise;
    t.flushAlgorithm = resolvedPromise;
    t.cancelAlgorithm = resolvedPromise;
    const ws = t.writable[kImpl];
    if (ws.state === "writable") writableStartErroring(t.writable, e);
    if (t.backpressure) setBackpressure(t, false);
  }

  function transformSinkWrite(t, chunk) {
    const perform = () =>
      t.transformAlgorithm(chunk).then(undefined, (e) => {
        transformError(t, e);
        throw e;
      });
    if (t.backpressure) {
      return t.backpressureChange.promise.then(() => {
        const ws = t.writable[kImpl];
        if (ws.state === "erroring") throw ws.storedError;
        return perform();
      });
    }
    return perform();
  }

  function transformSinkClose(t) {
    if (t.finish) return t.finish;
    const flush = t.flushAlgorithm;
    t.transformAlgorithm = t.flushAlgorithm = t.cancelAlgorithm = resolvedPromise;
    t.finish = flush().then(
      () => {
        const rs = t.readable[kImpl];
        if (rs.state === "errored") throw rs.storedError;
        const c = t.readableController;
        if (canCloseOrEnqueue(c)) defaultClose(c);
      },
      (e) => {
        errorController(t.readableController, e);
        throw e;
      },
    );
    return t.finish;
  }

  function transformSinkAbort(t, reason) {
    if (t.finish) return t.finish;
    const cancel = t.cancelAlgorithm;
    t.transformAlgorithm = t.flushAlgorithm = t.cancelAlgorithm = resolvedPromise;
    t.finish = cancel(reason).then(
      () => {
        const rs = t.readable[kImpl];
        if (rs.state === "errored") throw rs.storedError;
        errorController(t.readableController, reason);
      },
      (e) => {
        errorController(t.readableController, e);
        throw e;
      },
    );
    return t.finish;
  }

  function transformSourceCancel(t, reason) {
    if (t.finish) return t.finish;
    const cancel = t.cancelAlgorithm;
    t.transformAlgorithm = t.flushAlgorithm = t.cancelAlgorithm = resolvedPromise;
    t.finish = cancel(reason).then(
      () => {
        const ws = t.writable[kImpl];
        if (ws.state === "errored") throw ws.storedError;
        transformErrorWritable(t, reason);
      },
      (e) => {
        transformErrorWritable(t, e);
        throw e;
      },
    );
    return t.finish;
  }

  // ---- helpers for the other files and for Go ----

  internals.isDisturbed = (stream) => stream[kImpl].disturbed;

  // readAllBytes reads a stream of Uint8Array chunks to its end and returns one Uint8Array.
  internals.readAllBytes = function readAllBytes(stream) {
    const reader = new ReadableStreamDefaultReader(stream);
    const chunks = [];
    let total = 0;
    return new Promise((resolve, reject) => {
      const next = () => {
        readableRead(stream, {
          chunk(value) {
            if (!(value instanceof Uint8Array)) {
              const e = new TypeError("Body stream chunks must be Uint8Array, got " + internals.preview(value));
              markHandled(readableCancel(stream, e));
              releaseReader(reader);
              reject(e);
              return;
            }
            chunks.push(value);
            total += value.byteLength;
            next();
          },
          close() {
            releaseReader(reader);
            if (chunks.length === 1) resolve(chunks[0]);
            else resolve(concatBytes(chunks, total));
          },
          error(e) {
            releaseReader(reader);
            reject(e);
          },
        });
      };
      next();
    });
  };

  function concatBytes(chunks, total) {
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.byteLength;
    }
    return out;
  }
  internals.concatBytes = concatBytes;

  // streamFromBytes is a byte stream holding bytes (a body given as a string, buffer or Blob).
  internals.streamFromBytes = function streamFromBytes(bytes) {
    return new ReadableStream({
      type: "bytes",
      start(c) {
        if (bytes.byteLength > 0) c.enqueue(bytes);
        c.close();
      },
    });
  };

  // hostStream is a byte stream whose data comes from Go: pull(controller) returns a promise settled once
  // Go has enqueued a chunk, closed or errored the stream; cancel() releases the Go side.
  internals.hostStream = function hostStream(pull, cancel) {
    return new ReadableStream({ type: "bytes", pull, cancel }, { highWaterMark: 0 });
  };

  // readChunk reads for Go: cb(value, done, error). When the first chunk is a Uint8Array, the byte
  // chunks already queued behind it are read too (synchronously, up to 256 KiB) and handed over as one,
  // so that a render flushing many small chunks costs one trip through the loop, not one per chunk.
  internals.readChunk = function readChunk(reader, cb) {
    reader.read().then(
      (r) => {
        const stream = reader[kImpl].stream;
        if (r.done || !(r.value instanceof Uint8Array) || stream === null) {
          cb(r.value, r.done, undefined);
          return;
        }
        const chunks = [r.value];
        let total = r.value.byteLength;
        const c = stream[kImpl].controller[kImpl];
        while (total < 256 << 10 && stream[kImpl].state === "readable" && c.queue.length > 0) {
          const head = c.byte ? c.queue[0] : c.queue[0].chunk;
          if (!(head instanceof Uint8Array)) break;
          let got = null;
          readableRead(stream, { chunk: (v) => (got = v), close: noop, error: noop });
          if (got === null) break;
          chunks.push(got);
          total += got.byteLength;
        }
        cb(chunks.length === 1 ? chunks[0] : concatBytes(chunks, total), false, undefined);
      },
      (e) => cb(undefined, false, e === undefined ? new TypeError("stream errored") : e),
    );
  };
});
