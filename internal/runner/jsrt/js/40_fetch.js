// Blob, File, Headers, Request, Response and fetch (Fetch standard, server side: no CORS, no forbidden
// headers, no cookies jar). Bodies are kept as bytes while nobody looks at them as a stream, so that
// text()/json() and Go's ToHTTPResponse read them without streaming.
(function (host, internals, global) {
  "use strict";

  const { kImpl, kCreate, kInspect, brand, expose, ReadableStream, readAllBytes, streamFromBytes, isDisturbed, addAbortAlgorithm, signalAbort } = internals;
  const encoder = new TextEncoder();
  const emptyBytes = () => new Uint8Array(0);

  function bytesOfView(view) {
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }

  // ---- Blob, File ----

  class Blob {
    constructor(parts, options) {
      const chunks = [];
      let total = 0;
      if (parts !== undefined && parts !== null) {
        if (typeof parts !== "object" || typeof parts[Symbol.iterator] !== "function") {
          throw new TypeError("Blob constructor: Argument 1 can't be converted to a sequence.");
        }
        for (const part of parts) {
          let bytes;
          if (part instanceof Blob) bytes = part[kImpl].bytes;
          else if (part instanceof ArrayBuffer) bytes = new Uint8Array(part.slice(0));
          else if (ArrayBuffer.isView(part)) bytes = bytesOfView(part).slice();
          else bytes = encoder.encode(String(part));
          chunks.push(bytes);
          total += bytes.byteLength;
        }
      }
      let type = options != null && options.type !== undefined ? String(options.type) : "";
      type = /^[\x20-\x7e]*$/.test(type) ? type.toLowerCase() : "";
      this[kImpl] = { bytes: chunks.length === 1 ? chunks[0] : internals.concatBytes(chunks, total), type };
    }
    get size() {
      return this[kImpl].bytes.byteLength;
    }
    get type() {
      return this[kImpl].type;
    }
    slice(start, end, contentType) {
      const bytes = this[kImpl].bytes;
      const size = bytes.byteLength;
      const clamp = (v, def) => {
        if (v === undefined) return def;
        v = Math.trunc(Number(v)) || 0;
        return v < 0 ? Math.max(size + v, 0) : Math.min(v, size);
      };
      const from = clamp(start, 0);
      const to = clamp(end, size);
      const blob = Object.create(Blob.prototype);
      let type = contentType === undefined ? "" : String(contentType);
      type = /^[\x20-\x7e]*$/.test(type) ? type.toLowerCase() : "";
      // Blobs are immutable, so a slice can share the bytes.
      blob[kImpl] = { bytes: bytes.subarray(from, Math.max(from, to)), type };
      return blob;
    }
    text() {
      return Promise.resolve(host.decodeUTF8(this[kImpl].bytes));
    }
    arrayBuffer() {
      return Promise.resolve(this[kImpl].bytes.slice().buffer);
    }
    bytes() {
      return Promise.resolve(this[kImpl].bytes.slice());
    }
    stream() {
      return streamFromBytes(this[kImpl].bytes.slice());
    }
    [kInspect]() {
      return "Blob { size: " + this.size + ", type: '" + this.type + "' }";
    }
  }
  brand(Blob);
  expose("Blob", Blob);
  internals.isBlob = (v) => v instanceof Blob;
  internals.cloneBlob = (v) => {
    const out = Object.create(Object.getPrototypeOf(v));
    out[kImpl] = Object.assign({}, v[kImpl]);
    return out;
  };

  class File extends Blob {
    constructor(bits, name, options) {
      if (arguments.length < 2) throw new TypeError("File constructor: At least 2 arguments required.");
      super(bits, options);
      this[kImpl].name = String(name);
      this[kImpl].lastModified = options != null && options.lastModified !== undefined ? Number(options.lastModified) : Date.now();
    }
    get name() {
      return this[kImpl].name;
    }
    get lastModified() {
      return this[kImpl].lastModified;
    }
  }
  brand(File);
  expose("File", File);

  // ---- Headers ----

  const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const trimRe = /^[\t\n\r ]+|[\t\n\r ]+$/g;
  const badValueRe = /[\0\r\n]/;

  function headerName(name) {
    name = String(name);
    if (!tokenRe.test(name)) throw new TypeError("Headers: invalid header name " + JSON.stringify(name));
    return name.toLowerCase();
  }
  function headerValue(value) {
    value = String(value).replace(trimRe, "");
    if (badValueRe.test(value)) throw new TypeError("Headers: invalid header value " + JSON.stringify(value));
    return value;
  }

  function checkGuard(h) {
    if (h[kImpl].guard === "immutable") throw new TypeError("Headers are immutable");
  }

  function fillHeaders(h, init) {
    const s = h[kImpl];
    if (init instanceof Headers) {
      for (const [k, values] of init[kImpl].map) s.map.set(k, values.slice());
      return;
    }
    if (init === null || (typeof init !== "object" && typeof init !== "function")) {
      throw new TypeError("Headers: init must be an object, an array of pairs or a Headers");
    }
    if (typeof init[Symbol.iterator] === "function") {
      for (const pair of init) {
        if (pair === null || typeof pair !== "object" || typeof pair[Symbol.iterator] !== "function") {
          throw new TypeError("Headers: each header must be a [name, value] pair");
        }
        const kv = Array.from(pair);
        if (kv.length !== 2) throw new TypeError("Headers: each header must be a [name, value] pair, got " + kv.length + " items");
        appendHeader(s, kv[0], kv[1]);
      }
      return;
    }
    for (const k of Object.keys(init)) appendHeader(s, k, init[k]);
  }

  function appendHeader(s, name, value) {
    const k = headerName(name);
    const v = headerValue(value);
    const list = s.map.get(k);
    if (list) list.push(v);
    else s.map.set(k, [v]);
    s.sorted = null;
  }

  // sortedPairs is the "sort and combine" list: names in order, values joined by ", ", except that each
  // Set-Cookie stays its own pair.
  function sortedPairs(h) {
    const s = h[kImpl];
    if (s.sorted !== null) return s.sorted;
    const names = Array.from(s.map.keys()).sort();
    const out = [];
    for (const k of names) {
      const values = s.map.get(k);
      if (k === "set-cookie") for (const v of values) out.push([k, v]);
      else out.push([k, values.join(", ")]);
    }
    s.sorted = out;
    return out;
  }
  internals.headerPairs = (h) => sortedPairs(h).map((p) => [p[0], p[1]]);

  class Headers {
    constructor(init) {
      this[kImpl] = { map: new Map(), guard: "none", sorted: null };
      if (init !== undefined) fillHeaders(this, init);
    }
    append(name, value) {
      checkGuard(this);
      appendHeader(this[kImpl], name, value);
    }
    delete(name) {
      checkGuard(this);
      const s = this[kImpl];
      if (s.map.delete(headerName(name))) s.sorted = null;
    }
    get(name) {
      const values = this[kImpl].map.get(headerName(name));
      return values ? values.join(", ") : null;
    }
    getSetCookie() {
      const values = this[kImpl].map.get("set-cookie");
      return values ? values.slice() : [];
    }
    has(name) {
      return this[kImpl].map.has(headerName(name));
    }
    set(name, value) {
      checkGuard(this);
      const s = this[kImpl];
      s.map.set(headerName(name), [headerValue(value)]);
      s.sorted = null;
    }
    forEach(callback, thisArg) {
      if (typeof callback !== "function") throw new TypeError("Headers.forEach: Argument 1 is not callable.");
      for (const [k, v] of sortedPairs(this)) callback.call(thisArg, v, k, this);
    }
    entries() {
      return internals.headerPairs(this)[Symbol.iterator]();
    }
    keys() {
      return sortedPairs(this)
        .map((p) => p[0])
        [Symbol.iterator]();
    }
    values() {
      return sortedPairs(this)
        .map((p) => p[1])
        [Symbol.iterator]();
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    [kInspect](inspect) {
      const items = sortedPairs(this).map((p) => inspect(p[0]) + ": " + inspect(p[1]));
      return items.length ? "Headers { " + items.join(", ") + " }" : "Headers {}";
    }
  }
  brand(Headers);
  expose("Headers", Headers);

  function immutableHeaders(init) {
    const h = new Headers(init);
    h[kImpl].guard = "immutable";
    return h;
  }

  // ---- bodies ----

  // A body is null or { stream, source, consumed }: source holds the bytes until someone asks for the
  // stream (then stream is set and source dropped).
  function extractBody(init) {
    if (init instanceof ReadableStream) {
      if (isDisturbed(init) || init.locked) throw new TypeError("The body stream is already read or locked");
      return { body: { stream: init, source: null, consumed: false }, type: null };
    }
    let bytes;
    let type = null;
    if (typeof init === "string") {
      bytes = encoder.encode(init);
      type = "text/plain;charset=UTF-8";
    } else if (init instanceof ArrayBuffer) {
      bytes = new Uint8Array(init.slice(0));
    } else if (ArrayBuffer.isView(init)) {
      bytes = bytesOfView(init).slice();
    } else if (init instanceof Blob) {
      bytes = init[kImpl].bytes;
      type = init.type || null;
    } else if (typeof URLSearchParams === "function" && init instanceof URLSearchParams) {
      bytes = encoder.encode(init.toString());
      type = "application/x-www-form-urlencoded;charset=UTF-8";
    } else if (init !== null && typeof init === "object" && typeof init[Symbol.asyncIterator] === "function") {
      return { body: { stream: ReadableStream.from(init), source: null, consumed: false }, type: null };
    } else {
      bytes = encoder.encode(String(init));
      type = "text/plain;charset=UTF-8";
    }
    return { body: { stream: null, source: bytes, consumed: false }, type };
  }

  function bodyUsed(b) {
    return b !== null && (b.consumed || (b.stream !== null && isDisturbed(b.stream)));
  }

  function bodyStream(b) {
    if (b === null) return null;
    if (b.stream === null) {
      b.stream = streamFromBytes(b.consumed ? emptyBytes() : b.source);
      if (b.consumed) b.stream[kImpl].disturbed = true;
      b.source = null;
    }
    return b.stream;
  }

  // consumeBytes reads the whole body once. It may return the body's own source bytes: callers that hand
  // bytes to user code copy them, because a clone may share them.
  function consumeBytes(obj, what) {
    const b = obj[kImpl].body;
    if (b === null) return Promise.resolve(emptyBytes());
    if (bodyUsed(b) || (b.stream !== null && b.stream.locked)) {
      return Promise.reject(new TypeError(what + ": Body is unusable: Body has already been read"));
    }
    if (b.stream === null) {
      b.consumed = true;
      const bytes = b.source;
      b.source = null;
      return Promise.resolve(bytes);
    }
    return readAllBytes(b.stream);
  }

  function cloneBody(b) {
    if (b === null) return null;
    if (b.stream === null) return { stream: null, source: b.source, consumed: false };
    const [s1, s2] = b.stream.tee();
    b.stream = s1;
    return { stream: s2, source: null, consumed: false };
  }

  // The Body mixin, shared by Request and Response.
  class BodyMixin {
    get body() {
      return bodyStream(this[kImpl].body);
    }
    get bodyUsed() {
      return bodyUsed(this[kImpl].body);
    }
    arrayBuffer() {
      return consumeBytes(this, this.constructor.name + ".arrayBuffer").then((b) => b.slice().buffer);
    }
    bytes() {
      return consumeBytes(this, this.constructor.name + ".bytes").then((b) => b.slice());
    }
    blob() {
      return consumeBytes(this, this.constructor.name + ".blob").then((b) => {
        const blob = new Blob([], { type: this[kImpl].headers.get("content-type") || "" });
        blob[kImpl].bytes = b.slice();
        return blob;
      });
    }
    text() {
      return consumeBytes(this, this.constructor.name + ".text").then(host.decodeUTF8);
    }
    json() {
      return consumeBytes(this, this.constructor.name + ".json").then((b) => JSON.parse(host.decodeUTF8(b)));
    }
    formData() {
      return Promise.reject(new TypeError(this.constructor.name + ".formData is not supported by govite's runtime"));
    }
  }
  function mixBody(cls) {
    for (const name of Object.getOwnPropertyNames(BodyMixin.prototype)) {
      if (name !== "constructor") Object.defineProperty(cls.prototype, name, Object.getOwnPropertyDescriptor(BodyMixin.prototype, name));
    }
  }

  // ---- Request ----

  const normalizedMethods = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
  const forbiddenMethods = new Set(["CONNECT", "TRACE", "TRACK"]);

  function normalizeMethod(m) {
    m = String(m);
    if (!tokenRe.test(m)) throw new TypeError("Request: invalid method " + JSON.stringify(m));
    const upper = m.toUpperCase();
    if (forbiddenMethods.has(upper)) throw new TypeError("Request: method " + m + " is forbidden");
    return normalizedMethods.has(upper) ? upper : m;
  }

  function parseURL(input, what) {
    try {
      return new URL(input).href;
    } catch (e) {
      throw new TypeError(what + ": failed to parse URL from " + input);
    }
  }

  // followSignal makes a request's own signal, aborted when parent is.
  function followSignal(parent) {
    const signal = internals.newAbortSignal();
    if (parent === null || parent === undefined) return signal;
    if (!(parent instanceof AbortSignal)) throw new TypeError("Request: signal must be an AbortSignal");
    if (parent.aborted) signalAbort(signal, parent.reason);
    else addAbortAlgorithm(parent, () => signalAbort(signal, parent.reason));
    return signal;
  }

  const requestDefaults = {
    redirect: "follow",
    mode: "cors",
    credentials: "same-origin",
    cache: "default",
    referrer: "about:client",
    referrerPolicy: "",
    integrity: "",
    keepalive: false,
  };

  class Request {
    constructor(input, init) {
      if (arguments.length === 0) throw new TypeError("Request constructor: At least 1 argument required.");
      if (init === undefined || init === null) init = {};
      else if (typeof init !== "object") throw new TypeError("Request constructor: init must be an object");
      let src = null;
      let url;
      if (input instanceof Request) {
        src = input[kImpl];
        url = src.url;
      } else {
        url = parseURL(String(input), "Request constructor");
      }
      const method = init.method !== undefined ? normalizeMethod(init.method) : src ? src.method : "GET";
      const signal = followSignal(init.signal !== undefined ? init.signal : src ? src.signal : null);
      const headers = new Headers(init.headers !== undefined ? init.headers : src ? src.headers : undefined);
      const hasInitBody = init.body !== undefined && init.body !== null;
      const inputBody = src ? src.body : null;
      if ((hasInitBody || (inputBody !== null && init.body === undefined)) && (method === "GET" || method === "HEAD")) {
        throw new TypeError("Request constructor: a request with GET/HEAD method cannot have a body");
      }
      let body = null;
      if (hasInitBody) {
        const extracted = extractBody(init.body);
        body = extracted.body;
        if (extracted.type !== null && !headers.has("content-type")) headers.append("content-type", extracted.type);
      } else if (inputBody !== null && init.body === undefined) {
        if (bodyUsed(inputBody) || (inputBody.stream !== null && inputBody.stream.locked)) {
          throw new TypeError("Request constructor: the input request's body has already been used");
        }
        // The new request takes the body over; the input one counts as used.
        body = { stream: inputBody.stream, source: inputBody.source, consumed: false };
        inputBody.consumed = true;
      }
      const r = { url, method, headers, body, signal };
      for (const k of Object.keys(requestDefaults)) {
        r[k] = init[k] !== undefined ? (typeof requestDefaults[k] === "boolean" ? !!init[k] : String(init[k])) : src ? src[k] : requestDefaults[k];
      }
      if (!["follow", "error", "manual"].includes(r.redirect)) throw new TypeError("Request constructor: invalid redirect mode " + JSON.stringify(r.redirect));
      this[kImpl] = r;
    }
    get method() {
      return this[kImpl].method;
    }
    get url() {
      return this[kImpl].url;
    }
    get headers() {
      return this[kImpl].headers;
    }
    get signal() {
      return this[kImpl].signal;
    }
    get redirect() {
      return this[kImpl].redirect;
    }
    get mode() {
      return this[kImpl].mode;
    }
    get credentials() {
      return this[kImpl].credentials;
    }
    get cache() {
      return this[kImpl].cache;
    }
    get referrer() {
      return this[kImpl].referrer;
    }
    get referrerPolicy() {
      return this[kImpl].referrerPolicy;
    }
    get integrity() {
      return this[kImpl].integrity;
    }
    get keepalive() {
      return this[kImpl].keepalive;
    }
    get destination() {
      return "";
    }
    get duplex() {
      return "half";
    }
    get isReloadNavigation() {
      return false;
    }
    get isHistoryNavigation() {
      return false;
    }
    clone() {
      const r = this[kImpl];
      if (bodyUsed(r.body)) throw new TypeError("Request.clone: the body has already been used");
      const out = Object.create(Request.prototype);
      out[kImpl] = Object.assign({}, r, { headers: new Headers(r.headers), body: cloneBody(r.body), signal: followSignal(r.signal) });
      return out;
    }
    [kInspect](inspect) {
      const r = this[kImpl];
      return "Request { method: " + inspect(r.method) + ", url: " + inspect(r.url) + ", headers: " + inspect(r.headers) + ", bodyUsed: " + bodyUsed(r.body) + " }";
    }
  }
  mixBody(Request);
  brand(Request);
  expose("Request", Request);

  // makeRequest builds the Request for a Go *http.Request (see NewRequest in Go): body is a host stream
  // or null. It returns the request and a function that aborts its signal.
  internals.makeRequest = function makeRequest(url, method, headerPairs, body) {
    const controller = new AbortController();
    const headers = new Headers();
    const hs = headers[kImpl];
    for (const [k, v] of headerPairs) appendHeader(hs, k, v);
    const req = Object.create(Request.prototype);
    const r = { url, method: normalizeMethod(method), headers, body: body === null ? null : { stream: body, source: null, consumed: false }, signal: controller.signal };
    for (const k of Object.keys(requestDefaults)) r[k] = requestDefaults[k];
    req[kImpl] = r;
    return [req, (reason) => controller.abort(reason)];
  };

  // ---- Response ----

  const nullBodyStatus = new Set([101, 103, 204, 205, 304]);
  const redirectStatus = new Set([301, 302, 303, 307, 308]);
  const reasonPhraseRe = /^[\t\x20-\x7e\x80-\xff]*$/;

  function initResponse(r, init, body) {
    if (init === undefined || init === null) init = {};
    else if (typeof init !== "object") throw new TypeError("Response constructor: init must be an object");
    const status = init.status === undefined ? 200 : Math.trunc(Number(init.status));
    if (!(status >= 200 && status <= 599)) {
      throw new RangeError("Response constructor: the status provided (" + init.status + ") is outside the range [200, 599]");
    }
    const statusText = init.statusText === undefined ? "" : String(init.statusText);
    if (!reasonPhraseRe.test(statusText)) throw new TypeError("Response constructor: invalid statusText " + JSON.stringify(statusText));
    const headers = new Headers(init.headers);
    r.status = status;
    r.statusText = statusText;
    r.headers = headers;
    if (body !== undefined && body !== null) {
      if (nullBodyStatus.has(status)) throw new TypeError("Response constructor: a response with status " + status + " cannot have a body");
      const extracted = extractBody(body);
      r.body = extracted.body;
      if (extracted.type !== null && !headers.has("content-type")) headers.append("content-type", extracted.type);
    }
  }

  class Response {
    constructor(body, init) {
      const r = { type: "default", url: "", redirected: false, status: 200, statusText: "", headers: null, body: null };
      initResponse(r, init, body);
      this[kImpl] = r;
    }
    get type() {
      return this[kImpl].type;
    }
    get url() {
      return this[kImpl].url;
    }
    get redirected() {
      return this[kImpl].redirected;
    }
    get status() {
      return this[kImpl].status;
    }
    get ok() {
      const s = this[kImpl].status;
      return s >= 200 && s <= 299;
    }
    get statusText() {
      return this[kImpl].statusText;
    }
    get headers() {
      return this[kImpl].headers;
    }
    clone() {
      const r = this[kImpl];
      if (bodyUsed(r.body) || (r.body !== null && r.body.stream !== null && r.body.stream.locked)) {
        throw new TypeError("Response.clone: the body has already been used");
      }
      const out = Object.create(Response.prototype);
      const headers = new Headers(r.headers);
      headers[kImpl].guard = r.headers[kImpl].guard;
      out[kImpl] = Object.assign({}, r, { headers, body: cloneBody(r.body) });
      return out;
    }
    static error() {
      const out = Object.create(Response.prototype);
      out[kImpl] = { type: "error", url: "", redirected: false, status: 0, statusText: "", headers: immutableHeaders(), body: null };
      return out;
    }
    static redirect(url, status) {
      const href = parseURL(String(url), "Response.redirect");
      status = status === undefined ? 302 : Math.trunc(Number(status));
      if (!redirectStatus.has(status)) throw new RangeError("Response.redirect: invalid redirect status " + status);
      const out = Object.create(Response.prototype);
      out[kImpl] = { type: "default", url: "", redirected: false, status, statusText: "", headers: immutableHeaders([["location", href]]), body: null };
      return out;
    }
    static json(data, init) {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError("Response.json: the data is not JSON serializable");
      const out = Object.create(Response.prototype);
      const r = { type: "default", url: "", redirected: false, status: 200, statusText: "", headers: null, body: null };
      initResponse(r, init, null);
      r.body = { stream: null, source: encoder.encode(text), consumed: false };
      if (!r.headers.has("content-type")) r.headers.append("content-type", "application/json");
      out[kImpl] = r;
      return out;
    }
    [kInspect](inspect) {
      const r = this[kImpl];
      return (
        "Response { status: " +
        r.status +
        ", statusText: " +
        inspect(r.statusText) +
        ", headers: " +
        inspect(r.headers) +
        ", bodyUsed: " +
        bodyUsed(r.body) +
        ", ok: " +
        this.ok +
        ", redirected: " +
        r.redirected +
        ", type: " +
        inspect(r.type) +
        ", url: " +
        inspect(r.url) +
        " }"
      );
    }
  }
  mixBody(Response);
  brand(Response);
  expose("Response", Response);

  // responseParts hands a Response to Go (ToHTTPResponse): null when v is not a Response. The body is
  // given as bytes when it was never streamed, else as a reader; either way the body counts as used.
  internals.responseParts = function responseParts(v) {
    if (!(v instanceof Response) || v[kImpl] === undefined || v[kImpl].headers === undefined) return null;
    const r = v[kImpl];
    const parts = { status: r.status, statusText: r.statusText, headers: internals.headerPairs(r.headers), bytes: null, reader: null };
    const b = r.body;
    if (b !== null) {
      if (bodyUsed(b) || (b.stream !== null && b.stream.locked)) throw new TypeError("the Response's body has already been read");
      if (b.stream === null) {
        parts.bytes = b.source;
        b.consumed = true;
        b.source = null;
      } else {
        parts.reader = b.stream.getReader();
      }
    }
    return parts;
  };

  // ---- fetch ----

  function fetch(input, init) {
    let request;
    try {
      request = new Request(input, init);
    } catch (e) {
      return Promise.reject(e);
    }
    const r = request[kImpl];
    const signal = r.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      let body = null;
      const b = r.body;
      if (b !== null) {
        if (b.stream === null) {
          body = b.source;
          b.consumed = true;
        } else {
          body = b.stream.getReader();
        }
      }
      let settled = false;
      let responseBody = null;
      const abortGo = host.fetch(
        r.method,
        r.url,
        internals.headerPairs(r.headers),
        body,
        r.redirect,
        (status, statusText, headerPairs, url, redirected, stream) => {
          settled = true;
          const res = Object.create(Response.prototype);
          const headers = immutableHeaders();
          for (const [k, v] of headerPairs) appendHeader(headers[kImpl], k, v);
          responseBody = stream;
          res[kImpl] = { type: "basic", url, redirected, status, statusText, headers, body: stream === null ? null : { stream, source: null, consumed: false } };
          resolve(res);
        },
        (message) => {
          settled = true;
          reject(new TypeError("fetch failed: " + message));
        },
      );
      addAbortAlgorithm(signal, () => {
        abortGo();
        if (!settled) {
          settled = true;
          reject(signal.reason);
        } else if (responseBody !== null) {
          const c = responseBody[kImpl].controller;
          try {
            c.error(signal.reason);
          } catch (e) {}
        }
      });
    });
  }
  expose("fetch", fetch);
});
