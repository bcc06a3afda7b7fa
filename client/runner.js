// govite's module runner: imports modules that a dev server environment transformed into the
// module-runner form (__vite_ssr_import__ and friends) and evaluates them, with import.meta.hot.
//
// The same code runs in process on govite's embedded JS engine and in Node (node-runner.mjs). It
// talks to the environment through a transport:
//   invoke(name, args) -> Promise   request/response: fetchModule(url, importer, options)
//   send(payload)                   to the server: custom events, vite:invalidate
//   connect(onMessage)              payloads from the server: update, full-reload, prune, custom
// and evaluates code through an evaluator:
//   startOffset                     lines the evaluator puts before a module's code
//   runInlinedModule(context, code, module) -> Promise
//   runExternalModule(url) -> Promise<namespace>  (a module the server left to the runtime)

const ssrImportKey = "__vite_ssr_import__";
const ssrDynamicImportKey = "__vite_ssr_dynamic_import__";
const ssrExportsKey = "__vite_ssr_exports__";
const ssrExportAllKey = "__vite_ssr_exportAll__";
const ssrExportNameKey = "__vite_ssr_exportName__";
const ssrImportMetaKey = "__vite_ssr_import_meta__";

export const contextKeys = [ssrExportsKey, ssrImportMetaKey, ssrImportKey, ssrDynamicImportKey, ssrExportAllKey, ssrExportNameKey];

// A module known to the runner. id is the server's module id (unique per module); a module is fetched
// by url and may be reached by several urls (with a timestamp query, as a file path, ...).
class EvaluatedModule {
  constructor(id, url) {
    this.id = id;
    this.url = url;
    this.file = null;
    this.meta = null; // the fetch result
    this.exports = undefined;
    this.promise = undefined; // evaluation in progress or done
    this.evaluated = false;
    this.imports = new Set();
    this.importers = new Set();
  }
}

class ModuleCache {
  constructor() {
    this.byId = new Map();
    this.byUrl = new Map();
    this.byFile = new Map();
  }
  ensure(id, url) {
    let mod = this.byId.get(id);
    if (!mod) {
      mod = new EvaluatedModule(id, url);
      this.byId.set(id, mod);
    }
    this.byUrl.set(url, mod);
    return mod;
  }
  setFile(mod, file) {
    if (!file) return;
    mod.file = file;
    let set = this.byFile.get(file);
    if (!set) this.byFile.set(file, (set = new Set()));
    set.add(mod);
  }
  invalidate(mod) {
    mod.evaluated = false;
    mod.meta = null;
    mod.promise = undefined;
    mod.exports = undefined;
    mod.imports.clear();
  }
  clear() {
    this.byId.clear();
    this.byUrl.clear();
    this.byFile.clear();
  }
}

function posixDirname(p) {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

function posixResolve(dir, rel) {
  const parts = dir.split("/").filter(Boolean);
  for (const seg of rel.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== "." && seg !== "") parts.push(seg);
  }
  return (dir.startsWith("/") ? "/" : "") + parts.join("/");
}

function cleanUrl(u) {
  return u.replace(/[?#].*$/, "");
}

function fileHref(path) {
  return "file://" + encodeURI(path).replace(/[?#]/g, encodeURIComponent);
}

function exportAll(exports, source) {
  if (exports === source || source == null || typeof source !== "object" || Array.isArray(source) || source instanceof Promise) return;
  for (const key in source) {
    if (key !== "default" && key !== "__esModule" && !(key in exports)) {
      try {
        Object.defineProperty(exports, key, { enumerable: true, configurable: true, get: () => source[key] });
      } catch {}
    }
  }
}

function reviveError(e) {
  if (e instanceof Error) return e;
  const err = new Error((e && e.message) || "unknown error from the dev server");
  if (e && typeof e === "object") Object.assign(err, e);
  if (e && e.stack) err.stack = e.stack;
  return err;
}

export class ModuleRunner {
  constructor({ transport, evaluator, hmr = true, logger = console, createImportMeta } = {}) {
    this.transport = transport;
    this.evaluator = evaluator;
    this.logger = logger;
    this.modules = new ModuleCache();
    this.fetching = new Map(); // url -> Promise<EvaluatedModule>
    this.roots = new Set(); // urls imported through import(): re-imported after a full reload
    this.closed = false;
    this.createImportMeta = createImportMeta;
    this.hmr = hmr ? new HMRClient(this) : null;
    this.queue = Promise.resolve();
    if (transport.connect) {
      transport.connect((payload) => {
        // Payloads are handled one at a time, in order, as a browser's client does.
        this.queue = this.queue.then(() => this.handlePayload(payload)).catch((e) => this.logger.error(e));
        return this.queue;
      });
    }
  }

  // import runs the module at url (a server URL, a root-relative id, a file path or a file:// URL)
  // and returns its exports.
  async import(url) {
    this.roots.add(url);
    return this.request(url);
  }

  async request(url) {
    const mod = await this.cachedModule(url);
    return this.cachedRequest(url, mod, []);
  }

  clearCache() {
    this.modules.clear();
    if (this.hmr) this.hmr.clear();
  }

  close() {
    this.clearCache();
    this.closed = true;
    this.hmr = null;
  }

  async cachedModule(url, importer) {
    let p = this.fetching.get(url);
    if (!p) {
      p = this.fetchModule(url, importer).finally(() => this.fetching.delete(url));
      this.fetching.set(url, p);
    }
    return p;
  }

  async fetchModule(url, importer) {
    if (this.closed) throw new Error("the module runner is closed");
    const known = this.modules.byUrl.get(url);
    const cached = !!(known && known.meta);
    let result;
    if (url.startsWith("data:")) {
      result = { externalize: url, type: "builtin" };
    } else {
      try {
        result = await this.transport.invoke("fetchModule", [url, importer ?? null, { cached, startOffset: this.evaluator.startOffset || 0 }]);
      } catch (e) {
        throw reviveError(e);
      }
    }
    if (result.cache) {
      if (!known || !known.meta) throw new Error(`module "${url}" was invalidated while it was fetched`);
      return known;
    }
    const id = result.externalize ?? result.id;
    const mod = this.modules.ensure(id, result.url ?? url);
    this.modules.byUrl.set(url, mod);
    if (result.invalidate) this.modules.invalidate(mod);
    this.modules.setFile(mod, result.file);
    mod.meta = result;
    return mod;
  }

  // isCircular reports whether evaluating mod waits, through its imports, on a module of callstack.
  isCircular(mod, callstack, seen = new Set()) {
    if (seen.has(mod.id)) return false;
    seen.add(mod.id);
    for (const id of mod.imports) {
      const dep = this.modules.byId.get(id);
      if (dep && dep.promise && !dep.evaluated && (callstack.includes(id) || this.isCircular(dep, callstack, seen))) return true;
    }
    return false;
  }

  async cachedRequest(url, mod, callstack) {
    const importer = callstack[callstack.length - 1];
    if (importer) mod.importers.add(importer);
    if (mod.promise) {
      // A module imported while it is still being evaluated up the chain (a cycle) gets its exports
      // as they are so far, as ES modules do.
      if (!mod.evaluated && mod.exports && (callstack.includes(mod.id) || this.isCircular(mod, callstack))) return mod.exports;
      return mod.promise;
    }
    mod.evaluated = false;
    mod.promise = this.directRequest(url, mod, callstack);
    try {
      return await mod.promise;
    } finally {
      mod.evaluated = true;
    }
  }

  async directRequest(url, mod, parentStack) {
    const meta = mod.meta;
    const callstack = [...parentStack, mod.id];
    if (meta.externalize) {
      mod.exports = await this.evaluator.runExternalModule(meta.externalize, meta.type);
      return mod.exports;
    }
    const request = async (dep) => {
      const importer = meta.file || mod.id;
      const depMod = await this.cachedModule(dep, importer);
      depMod.importers.add(mod.id);
      mod.imports.add(depMod.id);
      return this.cachedRequest(dep, depMod, callstack);
    };
    const dynamicRequest = (dep) => {
      dep = String(dep);
      if (dep[0] === ".") dep = posixResolve(posixDirname(mod.url), dep);
      return request(dep);
    };
    const path = cleanUrl(meta.file || mod.id);
    const meta_ = this.createImportMeta
      ? this.createImportMeta(path)
      : { url: fileHref(path), filename: path, dirname: posixDirname(path) };
    if (this.hmr) {
      let hot;
      Object.defineProperty(meta_, "hot", {
        enumerable: true,
        configurable: true,
        get: () => (hot ||= this.hmr ? this.hmr.context(mod.url) : undefined),
        set: (v) => (hot = v),
      });
    }
    const exports = Object.create(null);
    Object.defineProperty(exports, Symbol.toStringTag, { value: "Module", enumerable: false, configurable: false });
    mod.exports = exports;
    const context = {
      [ssrImportKey]: request,
      [ssrDynamicImportKey]: dynamicRequest,
      [ssrExportsKey]: exports,
      [ssrExportAllKey]: (source) => exportAll(exports, source),
      [ssrExportNameKey]: (name, getter) => Object.defineProperty(exports, name, { enumerable: true, configurable: true, get: getter }),
      [ssrImportMetaKey]: meta_,
    };
    await this.evaluator.runInlinedModule(context, meta.code, mod);
    Object.seal(exports);
    return exports;
  }

  async handlePayload(payload) {
    if (this.closed) return;
    const hmr = this.hmr;
    switch (payload.type) {
      case "update":
        if (!hmr) return;
        await hmr.notify("vite:beforeUpdate", payload);
        await Promise.all(payload.updates.map((u) => (u.type === "js-update" ? hmr.queueUpdate(u) : undefined)));
        await hmr.notify("vite:afterUpdate", payload);
        return;
      case "full-reload":
        await this.fullReload(payload);
        return;
      case "prune":
        if (hmr) await hmr.prune(payload.paths);
        return;
      case "custom":
        if (hmr) await hmr.notify(payload.event, payload.data);
        return;
      case "error":
        this.logger.error(`[govite] error in the dev server: ${payload.err && payload.err.message}`);
        return;
    }
  }

  // fullReload drops every evaluated module and imports again the modules the runner was asked for
  // (those that import the changed file, when the server says which).
  async fullReload(payload) {
    if (this.hmr) await this.hmr.notify("vite:beforeFullReload", payload);
    const roots = [...this.roots];
    this.clearCache();
    for (const url of roots) {
      if (this.closed) return;
      try {
        await this.import(url);
      } catch (e) {
        this.logger.error(`[govite] re-importing ${url} after a full reload failed: ${e && e.stack ? e.stack : e}`);
      }
    }
  }
}

// HMRClient is import.meta.hot for the runner's modules, as Vite documents it.
class HMRClient {
  constructor(runner) {
    this.runner = runner;
    this.hotModules = new Map(); // owner url -> { id, callbacks: [{ deps, fn }] }
    this.disposers = new Map();
    this.pruners = new Map();
    this.data = new Map();
    this.listeners = new Map(); // event -> [fn]
    this.ownerListeners = new Map(); // owner url -> Map(event -> [fn])
    this.pending = [];
    this.flushing = null;
  }

  clear() {
    this.hotModules.clear();
    this.disposers.clear();
    this.pruners.clear();
    this.data.clear();
    this.listeners.clear();
    this.ownerListeners.clear();
  }

  context(ownerPath) {
    return new HotContext(this, ownerPath);
  }

  async notify(event, data) {
    const fns = this.listeners.get(event);
    if (fns) await Promise.all(fns.slice().map((fn) => fn(data)));
  }

  async prune(paths) {
    await Promise.all(
      paths.map((p) => {
        const fn = this.pruners.get(p);
        if (fn) return fn(this.data.get(p));
      }),
    );
  }

  // queueUpdate fetches the updated module now and runs the accept callbacks of a burst of updates
  // together, in the order the server sent them.
  queueUpdate(update) {
    this.pending.push(this.fetchUpdate(update));
    if (!this.flushing) {
      this.flushing = Promise.resolve().then(async () => {
        const queued = this.pending;
        this.pending = [];
        this.flushing = null;
        for (const apply of await Promise.all(queued)) if (apply) apply();
      });
    }
    return this.flushing;
  }

  async fetchUpdate({ path, acceptedPath }) {
    const owner = this.hotModules.get(path);
    if (!owner) return; // not loaded by this runner
    const isSelf = path === acceptedPath;
    const callbacks = owner.callbacks.filter(({ deps }) => deps.includes(acceptedPath));
    if (!isSelf && callbacks.length === 0) return;
    const dispose = this.disposers.get(acceptedPath);
    if (dispose) await dispose(this.data.get(acceptedPath));
    let fresh;
    try {
      fresh = await this.runner.request(acceptedPath);
    } catch (e) {
      this.runner.logger.error(`[hmr] failed to reload ${acceptedPath}: ${e && e.stack ? e.stack : e}`);
      return;
    }
    return () => {
      for (const { deps, fn } of callbacks) fn(deps.map((d) => (d === acceptedPath ? fresh : undefined)));
      this.runner.logger.debug?.(`[hmr] ${isSelf ? acceptedPath : `${acceptedPath} via ${path}`} updated`);
    };
  }
}

class HotContext {
  constructor(client, ownerPath) {
    this.client = client;
    this.ownerPath = ownerPath;
    if (!client.data.has(ownerPath)) client.data.set(ownerPath, {});
    // A module evaluated again registers its callbacks again: drop the old ones.
    const mod = client.hotModules.get(ownerPath);
    if (mod) mod.callbacks = [];
    const stale = client.ownerListeners.get(ownerPath);
    if (stale) {
      for (const [event, fns] of stale) {
        const all = client.listeners.get(event);
        if (all) client.listeners.set(event, all.filter((fn) => !fns.includes(fn)));
      }
    }
    this.newListeners = new Map();
    client.ownerListeners.set(ownerPath, this.newListeners);
  }

  get data() {
    return this.client.data.get(this.ownerPath);
  }

  accept(deps, callback) {
    if (typeof deps === "function" || !deps) {
      this.acceptDeps([this.ownerPath], ([mod]) => deps && deps(mod));
    } else if (typeof deps === "string") {
      this.acceptDeps([deps], ([mod]) => callback && callback(mod));
    } else if (Array.isArray(deps)) {
      this.acceptDeps(deps, callback);
    } else {
      throw new Error("invalid hot.accept() usage");
    }
  }

  acceptExports(_, callback) {
    this.acceptDeps([this.ownerPath], ([mod]) => callback && callback(mod));
  }

  dispose(cb) {
    this.client.disposers.set(this.ownerPath, cb);
  }

  prune(cb) {
    this.client.pruners.set(this.ownerPath, cb);
  }

  decline() {}

  invalidate(message) {
    this.client.runner.transport.send?.({
      type: "custom",
      event: "vite:invalidate",
      data: { path: this.ownerPath, message, firstInvalidatedBy: undefined },
    });
    this.client.runner.logger.debug?.(`[hmr] invalidate ${this.ownerPath}${message ? `: ${message}` : ""}`);
  }

  on(event, cb) {
    const add = (map) => {
      const list = map.get(event) || [];
      list.push(cb);
      map.set(event, list);
    };
    add(this.client.listeners);
    add(this.newListeners);
  }

  off(event, cb) {
    const remove = (map) => {
      const list = map.get(event);
      if (!list) return;
      const rest = list.filter((fn) => fn !== cb);
      if (rest.length) map.set(event, rest);
      else map.delete(event);
    };
    remove(this.client.listeners);
    remove(this.newListeners);
  }

  send(event, data) {
    this.client.runner.transport.send?.({ type: "custom", event, data });
  }

  acceptDeps(deps, callback = () => {}) {
    const mod = this.client.hotModules.get(this.ownerPath) || { id: this.ownerPath, callbacks: [] };
    mod.callbacks.push({ deps, fn: callback });
    this.client.hotModules.set(this.ownerPath, mod);
  }
}
