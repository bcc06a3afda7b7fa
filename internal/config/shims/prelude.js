// govite's prelude: the globals Node offers that config files and the packages they import commonly use.
// It runs once per engine before the config bundle. Host functions live on globalThis.__govite (Go).
(function () {
  'use strict';
  var host = globalThis.__govite;

  // ---- console ----
  function inspect(v, depth) {
    if (depth === undefined) depth = 0;
    if (typeof v === 'string') return depth === 0 ? v : JSON.stringify(v);
    if (typeof v === 'function') return '[Function: ' + (v.name || 'anonymous') + ']';
    if (typeof v === 'symbol') return v.toString();
    if (v instanceof Error) return v.stack || String(v);
    if (v instanceof RegExp) return String(v);
    if (v === null || typeof v !== 'object') return String(v);
    if (depth > 2) return Array.isArray(v) ? '[Array]' : '[Object]';
    try {
      if (Array.isArray(v)) return '[ ' + v.map(function (e) { return inspect(e, depth + 1); }).join(', ') + ' ]';
      var keys = Object.keys(v);
      if (keys.length === 0) return '{}';
      return '{ ' + keys.map(function (k) { return k + ': ' + inspect(v[k], depth + 1); }).join(', ') + ' }';
    } catch (e) {
      return '[Object]';
    }
  }
  function format(args) {
    args = Array.prototype.slice.call(args);
    var out = [];
    if (typeof args[0] === 'string' && args[0].indexOf('%') >= 0) {
      var fmt = args.shift();
      fmt = fmt.replace(/%([sdifjoOc%])/g, function (m, c) {
        if (c === '%') return '%';
        if (args.length === 0) return m;
        var a = args.shift();
        switch (c) {
          case 's': return typeof a === 'string' ? a : inspect(a, 1);
          case 'd': case 'i': return String(parseInt(a, 10));
          case 'f': return String(parseFloat(a));
          case 'j': try { return JSON.stringify(a); } catch (e) { return '[Circular]'; }
          case 'c': return '';
          default: return inspect(a, 1);
        }
      });
      out.push(fmt);
    }
    for (var i = 0; i < args.length; i++) out.push(inspect(args[i]));
    return out.join(' ');
  }
  function writer(fd) {
    return function () { host.write(fd, format(arguments) + '\n'); };
  }
  var timers = {};
  globalThis.console = {
    log: writer(1), info: writer(1), debug: writer(1), trace: writer(2),
    warn: writer(2), error: writer(2),
    dir: function (v) { host.write(1, inspect(v) + '\n'); },
    table: writer(1), group: writer(1), groupEnd: function () {}, groupCollapsed: writer(1),
    assert: function (cond) { if (!cond) host.write(2, 'Assertion failed: ' + format(Array.prototype.slice.call(arguments, 1)) + '\n'); },
    time: function (l) { timers[l || 'default'] = Date.now(); },
    timeEnd: function (l) { l = l || 'default'; host.write(1, l + ': ' + (Date.now() - (timers[l] || Date.now())) + 'ms\n'); delete timers[l]; },
    timeLog: function () {}, count: function () {}, countReset: function () {},
  };
  globalThis.__govite_format = format;
  globalThis.__govite_inspect = inspect;

  // ---- timers ----
  globalThis.setTimeout = function (fn, ms) {
    var args = Array.prototype.slice.call(arguments, 2);
    return host.setTimer.apply(null, [fn, ms || 0, false].concat(args));
  };
  globalThis.setInterval = function (fn, ms) {
    var args = Array.prototype.slice.call(arguments, 2);
    return host.setTimer.apply(null, [fn, ms || 0, true].concat(args));
  };
  globalThis.setImmediate = function (fn) {
    var args = Array.prototype.slice.call(arguments, 1);
    return host.setTimer.apply(null, [fn, 0, false].concat(args));
  };
  globalThis.clearTimeout = globalThis.clearInterval = globalThis.clearImmediate = function (id) {
    if (id != null) host.clearTimer(id);
  };
  if (typeof globalThis.queueMicrotask !== 'function') {
    globalThis.queueMicrotask = function (fn) { Promise.resolve().then(fn); };
  }
  if (typeof globalThis.structuredClone !== 'function') {
    globalThis.structuredClone = function (v) { return v === undefined ? undefined : JSON.parse(JSON.stringify(v)); };
  }

  // ---- process ----
  var listeners = {};
  var proc = {
    env: host.env(),
    argv: ['govite', 'govite'],
    execArgv: [],
    argv0: 'govite',
    execPath: 'govite',
    platform: host.platform(),
    arch: host.arch(),
    pid: 1,
    ppid: 0,
    title: 'govite',
    // A current Node LTS: packages gate features on it.
    version: 'v22.12.0',
    versions: { node: '22.12.0', govite: '0.0.0' },
    release: { name: 'node' },
    exitCode: undefined,
    cwd: function () { return host.cwd(); },
    chdir: function () { throw new Error('process.chdir() is not available in config files run by govite'); },
    exit: function (code) { throw new Error('process.exit(' + (code === undefined ? '' : code) + ') was called while loading the config'); },
    nextTick: function (fn) {
      var args = Array.prototype.slice.call(arguments, 1);
      Promise.resolve().then(function () { fn.apply(null, args); });
    },
    hrtime: Object.assign(function (prev) {
      var now = Date.now();
      var s = Math.floor(now / 1000), ns = (now % 1000) * 1e6;
      if (prev) { s -= prev[0]; ns -= prev[1]; if (ns < 0) { s--; ns += 1e9; } }
      return [s, ns];
    }, { bigint: function () { return BigInt(Date.now()) * 1000000n; } }),
    uptime: function () { return 0; },
    memoryUsage: function () { return { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }; },
    cpuUsage: function () { return { user: 0, system: 0 }; },
    emitWarning: function (w) { host.warn('process.emitWarning: ' + (w && w.message ? w.message : String(w))); },
    on: function (ev, fn) { (listeners[ev] = listeners[ev] || []).push(fn); return proc; },
    once: function (ev, fn) { return proc.on(ev, fn); },
    off: function (ev, fn) { listeners[ev] = (listeners[ev] || []).filter(function (f) { return f !== fn; }); return proc; },
    removeListener: function (ev, fn) { return proc.off(ev, fn); },
    removeAllListeners: function () { listeners = {}; return proc; },
    emit: function () { return false; },
    listeners: function (ev) { return (listeners[ev] || []).slice(); },
    stdout: { isTTY: false, columns: 80, write: function (s) { host.write(1, String(s)); return true; } },
    stderr: { isTTY: false, columns: 80, write: function (s) { host.write(2, String(s)); return true; } },
    stdin: { isTTY: false },
    features: {},
    config: { variables: {} },
    umask: function () { return 18; },
    getuid: function () { return 0; },
  };
  globalThis.process = proc;
  globalThis.global = globalThis;

  // ---- URL ----
  function URLSearchParams(init) {
    if (!(this instanceof URLSearchParams)) throw new TypeError("Class constructor URLSearchParams cannot be invoked without 'new'");
    this._list = [];
    if (typeof init === 'string') {
      if (init[0] === '?') init = init.slice(1);
      var self = this;
      init.split('&').forEach(function (pair) {
        if (!pair) return;
        var i = pair.indexOf('=');
        var k = i < 0 ? pair : pair.slice(0, i), v = i < 0 ? '' : pair.slice(i + 1);
        self._list.push([decodeURIComponent(k.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' '))]);
      });
    } else if (Array.isArray(init)) {
      this._list = init.map(function (p) { return [String(p[0]), String(p[1])]; });
    } else if (init && typeof init === 'object') {
      var list = this._list;
      Object.keys(init).forEach(function (k) { list.push([k, String(init[k])]); });
    }
  }
  URLSearchParams.prototype = {
    constructor: URLSearchParams,
    get: function (k) { for (var i = 0; i < this._list.length; i++) if (this._list[i][0] === k) return this._list[i][1]; return null; },
    getAll: function (k) { return this._list.filter(function (p) { return p[0] === k; }).map(function (p) { return p[1]; }); },
    has: function (k) { return this.get(k) !== null; },
    set: function (k, v) { this.delete(k); this._list.push([k, String(v)]); this._update(); },
    append: function (k, v) { this._list.push([k, String(v)]); this._update(); },
    delete: function (k) { this._list = this._list.filter(function (p) { return p[0] !== k; }); this._update(); },
    forEach: function (fn, thisArg) { var self = this; this._list.forEach(function (p) { fn.call(thisArg, p[1], p[0], self); }); },
    keys: function () { return this._list.map(function (p) { return p[0]; })[Symbol.iterator](); },
    values: function () { return this._list.map(function (p) { return p[1]; })[Symbol.iterator](); },
    entries: function () { return this._list.map(function (p) { return [p[0], p[1]]; })[Symbol.iterator](); },
    toString: function () {
      return this._list.map(function (p) { return encodeURIComponent(p[0]) + '=' + encodeURIComponent(p[1]); }).join('&');
    },
    _update: function () {
      if (this._url) { var s = this.toString(); this._url.search = s ? '?' + s : ''; this._url._rebuild(); }
    },
  };
  URLSearchParams.prototype[Symbol.iterator] = URLSearchParams.prototype.entries;
  Object.defineProperty(URLSearchParams.prototype, 'size', { get: function () { return this._list.length; } });

  function URL(input, base) {
    if (!(this instanceof URL)) throw new TypeError("Class constructor URL cannot be invoked without 'new'");
    var parts = host.urlParse(String(input), base === undefined ? undefined : String(base));
    this._set(parts);
  }
  URL.prototype = {
    constructor: URL,
    _set: function (parts) {
      this.href = parts.href; this.protocol = parts.protocol; this.host = parts.host;
      this.hostname = parts.hostname; this.port = parts.port; this.pathname = parts.pathname;
      this.search = parts.search; this.hash = parts.hash; this.origin = parts.origin;
      this.username = parts.username; this.password = parts.password;
      this.searchParams = new URLSearchParams(parts.search);
      this.searchParams._url = this;
    },
    _rebuild: function () {
      var auth = this.username ? this.username + (this.password ? ':' + this.password : '') + '@' : '';
      var slashes = this.host || this.protocol === 'file:' ? '//' : '';
      this.href = this.protocol + slashes + auth + this.host + this.pathname + this.search + this.hash;
    },
    toString: function () { return this.href; },
    toJSON: function () { return this.href; },
  };
  URL.canParse = function (input, base) { try { new URL(input, base); return true; } catch (e) { return false; } };
  URL.parse = function (input, base) { try { return new URL(input, base); } catch (e) { return null; } };
  globalThis.URL = URL;
  globalThis.URLSearchParams = URLSearchParams;

  // ---- TextEncoder / TextDecoder (UTF-8) ----
  if (typeof globalThis.TextEncoder !== 'function') {
    globalThis.TextEncoder = function TextEncoder() { this.encoding = 'utf-8'; };
    globalThis.TextEncoder.prototype.encode = function (s) {
      s = String(s === undefined ? '' : s);
      var bytes = unescape(encodeURIComponent(s));
      var out = new Uint8Array(bytes.length);
      for (var i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
      return out;
    };
    globalThis.TextDecoder = function TextDecoder() { this.encoding = 'utf-8'; };
    globalThis.TextDecoder.prototype.decode = function (buf) {
      if (!buf) return '';
      var u8 = buf instanceof Uint8Array ? buf : new Uint8Array(buf.buffer || buf);
      var s = '';
      for (var i = 0; i < u8.length; i++) s += String.fromCharCode(u8[i]);
      try { return decodeURIComponent(escape(s)); } catch (e) { return s; }
    };
  }

  // ---- RegExp: Unicode property escapes (\p{Lu}, \p{ID_Continue}), which the engine lacks, are
  // written out as character classes by the host. esbuild turns such literals into RegExp calls. ----
  (function () {
    var Native = RegExp;
    var escape = /\\[pP]\{/;
    function GoviteRegExp(pattern, flags) {
      if (typeof pattern === 'string' && typeof flags === 'string' && flags.indexOf('u') >= 0 && escape.test(pattern)) {
        pattern = host.expandUnicodeProperties(pattern);
      }
      return new.target ? Reflect.construct(Native, [pattern, flags], new.target) : Native(pattern, flags);
    }
    GoviteRegExp.prototype = Native.prototype;
    Object.setPrototypeOf(GoviteRegExp, Native);
    Object.defineProperty(Native.prototype, 'constructor', { value: GoviteRegExp, writable: true, configurable: true });
    globalThis.RegExp = GoviteRegExp;
  })();

  // ---- require: the Node built-ins govite provides, for require() calls esbuild could not bundle
  // (a computed module name, createRequire). The shim modules register themselves here. ----
  globalThis.__govite_modules = globalThis.__govite_modules || {};
  globalThis.__govite_modules.process = proc;
  globalThis.__govite_require = function (name) {
    name = String(name);
    var bare = name.indexOf('node:') === 0 ? name.slice(5) : name;
    var mod = globalThis.__govite_modules[bare];
    if (mod) return mod;
    // A project file by its URL or absolute path (import(pathToFileURL(file).href + '?t=1')): bundled
    // and run now. The query and hash only ask Node for a fresh copy, which this always is.
    var file = name.indexOf('file://') === 0 ? decodeURIComponent(name.slice(7).replace(/^localhost\//, '/')) : name;
    file = file.replace(/[?#].*$/, '');
    if (file.charAt(0) === '/' && /\.(c|m)?(j|t)s$/.test(file) && host.isFile(file)) return host.loadFile(file);
    var err = new Error("Cannot find module '" + name + "': govite bundles the config file and its imports ahead of time, " +
      'so only static imports and require() calls with a literal module name can be loaded');
    err.code = 'MODULE_NOT_FOUND';
    throw err;
  };
  // require.resolve(): the answers found while bundling, else esbuild's resolver from dir (the config's
  // directory, or the one createRequire was given).
  globalThis.__govite_resolve = function (name, dir) {
    name = String(name);
    var table = globalThis.__govite_resolved || {};
    if (Object.prototype.hasOwnProperty.call(table, name) && dir === undefined) return table[name];
    if (globalThis.__govite_modules[name.replace(/^node:/, '')]) return name;
    return host.resolve(name, dir === undefined ? globalThis.__govite_config_dir : dir);
  };
  globalThis.__govite_require.resolve = function (name) { return globalThis.__govite_resolve(name); };
})();
