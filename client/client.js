// The HMR client: served at <base>@vite/client. It connects to the dev server
// over a WebSocket (subprotocol "vite-hmr"), applies the server's payloads
// (update, full-reload, prune, custom, error) and gives every served module
// its import.meta.hot through createHotContext.
//
// Source() puts `const hmrOptions = {...}` and overlay.js before this file.
// Every URL built here (socket, ping, re-imports) is resolved against
// import.meta.url, the dev server's origin, so the client also works on a
// page served by another backend.

import "./env";

console.debug("[vite] connecting...");

const base = hmrOptions.base || "/";
const clientURL = new URL(import.meta.url);
const hasDocument = typeof document !== "undefined";
const socketProtocol = hmrOptions.protocol || (clientURL.protocol === "https:" ? "wss" : "ws");
const socketHost = serverHost();
const socketPath = joinPath(base, hmrOptions.path || "");
const socketURL = `${socketProtocol}://${socketHost}${socketPath}?token=${encodeURIComponent(hmrOptions.token || "")}`;
const pingURL = `${socketProtocol === "wss" ? "https" : "http"}://${socketHost}${socketPath}`;
const pollInterval = hmrOptions.timeout > 0 ? hmrOptions.timeout : 1000;
const keepAliveInterval = 30000;

// serverHost is hostname[:port] of the socket: the configured host or the
// host of import.meta.url, with the configured client port when set.
function serverHost() {
  let hostname = clientURL.hostname;
  let port = clientURL.port;
  const host = hmrOptions.host || "";
  if (host) {
    let rest = "";
    if (host.startsWith("[")) {
      const end = host.indexOf("]");
      hostname = host.slice(0, end + 1);
      rest = host.slice(end + 1);
    } else if (host.indexOf(":") !== host.lastIndexOf(":")) {
      hostname = `[${host}]`; // a bare IPv6 address
    } else {
      const colon = host.indexOf(":");
      hostname = colon < 0 ? host : host.slice(0, colon);
      rest = colon < 0 ? "" : host.slice(colon);
    }
    port = rest.startsWith(":") ? rest.slice(1) : "";
  }
  if (hmrOptions.clientPort) port = String(hmrOptions.clientPort);
  return port ? `${hostname}:${port}` : hostname;
}

function joinPath(a, b) {
  if (!b) return a;
  return a.replace(/\/+$/, "") + "/" + b.replace(/^\/+/, "");
}

// browserURL turns a module URL as the server names it (root-relative,
// without base; or a bare id of a virtual module) into an absolute URL on
// the dev server.
function browserURL(moduleURL) {
  let path = moduleURL;
  if (path[0] !== "/" && path[0] !== ".") {
    path = path.startsWith("/@id/") ? path : "/@id/" + path.replace("\0", "__x00__");
  }
  if (path[0] === "/") path = base + path.slice(1);
  return new URL(path, import.meta.url).href;
}

// ---------------------------------------------------------------------------
// The socket

let socket;
let socketOpened = false;
let socketClosed = false;
const outbox = [];
let willUnload = false;

if (typeof window !== "undefined") {
  window.addEventListener?.("beforeunload", () => {
    willUnload = true;
  });
}

function connect() {
  let ws;
  try {
    ws = new WebSocket(socketURL, "vite-hmr");
  } catch (e) {
    console.error(`[vite] failed to connect to websocket (${e}).`);
    socketClosed = true;
    return;
  }
  socket = ws;
  let keepAlive;
  ws.addEventListener(
    "open",
    () => {
      socketOpened = true;
      enqueue({ type: "custom", event: "vite:ws:connect", data: { webSocket: ws } });
      for (const text of outbox.splice(0)) ws.send(text);
      keepAlive = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "ping" }));
      }, keepAliveInterval);
    },
    { once: true },
  );
  ws.addEventListener("message", ({ data }) => {
    let payload;
    try {
      payload = JSON.parse(data);
    } catch {
      console.error("[vite] invalid message from the server:", data);
      return;
    }
    enqueue(payload);
  });
  ws.addEventListener("close", () => {
    socketClosed = true;
    clearInterval(keepAlive);
    if (!socketOpened) {
      console.error(`[vite] failed to connect to websocket at ${socketProtocol}://${socketHost}${socketPath}.`);
      return;
    }
    enqueue({ type: "custom", event: "vite:ws:disconnect", data: { webSocket: ws } });
  });
}

// sendPayload sends a payload to the server, or queues it until the socket
// is open.
function sendPayload(payload) {
  const text = JSON.stringify(payload);
  if (socket && socketOpened && socket.readyState === WebSocket.OPEN) {
    socket.send(text);
  } else if (!socketClosed) {
    outbox.push(text);
  } else {
    console.debug("[vite] not connected, message dropped:", text);
  }
}

// Payloads are handled one after the other, in the order they arrived.
let queue = Promise.resolve();
function enqueue(payload) {
  queue = queue
    .then(() => handleMessage(payload))
    .catch((err) => console.error("[vite]", err));
  return queue;
}

// ---------------------------------------------------------------------------
// HMR state, shared by all hot contexts

const hotModules = new Map(); // owner path -> { id, callbacks: [{ deps, fn, exports }] }
const disposers = new Map(); // path -> dispose callback
const pruners = new Map(); // path -> prune callback
const dataByPath = new Map(); // path -> import.meta.hot.data
const listenersByEvent = new Map(); // event -> [callback]
const listenersByOwner = new Map(); // owner path -> Map(event -> [callback])
let currentFirstInvalidatedBy;

async function notifyListeners(event, data) {
  const callbacks = listenersByEvent.get(event);
  if (!callbacks || callbacks.length === 0) return;
  const results = await Promise.allSettled(callbacks.slice().map(async (cb) => cb(data)));
  for (const r of results) {
    if (r.status === "rejected") console.error(`[vite] error in a ${event} listener:`, r.reason);
  }
}

function addListener(map, event, cb) {
  const list = map.get(event);
  if (list) list.push(cb);
  else map.set(event, [cb]);
}

function removeListener(map, event, cb) {
  const list = map.get(event);
  if (!list) return;
  const kept = list.filter((l) => l !== cb);
  if (kept.length) map.set(event, kept);
  else map.delete(event);
}

class HotContext {
  constructor(ownerPath) {
    this.ownerPath = ownerPath;
    if (!dataByPath.has(ownerPath)) dataByPath.set(ownerPath, {});
    // The module runs again: forget what its previous instance registered.
    const mod = hotModules.get(ownerPath);
    if (mod) mod.callbacks = [];
    const stale = listenersByOwner.get(ownerPath);
    if (stale) {
      for (const [event, fns] of stale) {
        const list = listenersByEvent.get(event);
        if (!list) continue;
        const kept = list.filter((l) => !fns.includes(l));
        if (kept.length) listenersByEvent.set(event, kept);
        else listenersByEvent.delete(event);
      }
    }
    this.ownListeners = new Map();
    listenersByOwner.set(ownerPath, this.ownListeners);
  }

  get data() {
    return dataByPath.get(this.ownerPath);
  }

  accept(deps, callback) {
    if (typeof deps === "function" || !deps) {
      // self-accepting
      this.acceptDeps([this.ownerPath], ([mod]) => deps?.(mod));
    } else if (typeof deps === "string") {
      this.acceptDeps([deps], ([mod]) => callback?.(mod));
    } else if (Array.isArray(deps)) {
      this.acceptDeps(deps, callback);
    } else {
      throw new Error("invalid hot.accept() usage.");
    }
  }

  acceptExports(exportNames, callback) {
    const names = typeof exportNames === "string" ? [exportNames] : exportNames;
    this.acceptDeps([this.ownerPath], ([mod]) => callback?.(mod), names);
  }

  dispose(cb) {
    disposers.set(this.ownerPath, cb);
  }

  prune(cb) {
    pruners.set(this.ownerPath, cb);
  }

  // decline is kept for compatibility; it does nothing.
  decline() {}

  invalidate(message) {
    const data = {
      path: this.ownerPath,
      message,
      firstInvalidatedBy: currentFirstInvalidatedBy ?? this.ownerPath,
    };
    notifyListeners("vite:invalidate", data);
    this.send("vite:invalidate", data);
    console.debug(`[vite] invalidate ${this.ownerPath}${message ? `: ${message}` : ""}`);
  }

  on(event, cb) {
    addListener(listenersByEvent, event, cb);
    addListener(this.ownListeners, event, cb);
  }

  off(event, cb) {
    removeListener(listenersByEvent, event, cb);
    removeListener(this.ownListeners, event, cb);
  }

  send(event, data) {
    sendPayload({ type: "custom", event, data });
  }

  acceptDeps(deps, callback = () => {}, exports) {
    let mod = hotModules.get(this.ownerPath);
    if (!mod) {
      mod = { id: this.ownerPath, callbacks: [] };
      hotModules.set(this.ownerPath, mod);
    }
    mod.callbacks.push({ deps, fn: callback, exports });
  }
}

export function createHotContext(ownerPath) {
  return new HotContext(ownerPath);
}

// ---------------------------------------------------------------------------
// js-update

let reloadTimer;
function reloadSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => location.reload(), 20);
}

function importUpdatedModule({ acceptedPath, timestamp, explicitImportRequired, isWithinCircularImport }) {
  const q = acceptedPath.indexOf("?");
  const path = q < 0 ? acceptedPath : acceptedPath.slice(0, q);
  const query = q < 0 ? "" : acceptedPath.slice(q + 1);
  const url = browserURL(`${path}?${explicitImportRequired ? "import&" : ""}t=${timestamp}${query ? `&${query}` : ""}`);
  const loading = import(/* @vite-ignore */ url);
  if (isWithinCircularImport) {
    loading.catch(() => {
      console.info(
        `[hmr] ${acceptedPath} failed to apply HMR as it's within a circular import. Reloading page to reset the execution order.`,
      );
      reloadSoon();
    });
  }
  return loading;
}

// fetchUpdate runs the dispose handler and imports the new module; it
// returns a function that runs the accept callbacks.
async function fetchUpdate(update) {
  const { path, acceptedPath, firstInvalidatedBy } = update;
  const mod = hotModules.get(path);
  if (!mod) return; // not (or no longer) a hot module in this page
  const isSelfUpdate = path === acceptedPath;
  const accepting = mod.callbacks.filter(({ deps }) => deps.includes(acceptedPath));
  let newModule;
  if (isSelfUpdate || accepting.length > 0) {
    const dispose = disposers.get(acceptedPath);
    if (dispose) await dispose(dataByPath.get(acceptedPath));
    try {
      newModule = await importUpdatedModule(update);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.includes("fetch")) console.error("[vite]", e);
      console.error(
        "[vite]",
        `Failed to reload ${acceptedPath}. This could be due to syntax errors or importing non-existent modules. (see errors above)`,
      );
    }
  }
  return () => {
    try {
      currentFirstInvalidatedBy = firstInvalidatedBy;
      for (const { deps, fn } of accepting) {
        fn(deps.map((dep) => (dep === acceptedPath ? newModule : undefined)));
      }
      console.debug(`[vite] hot updated: ${isSelfUpdate ? path : `${acceptedPath} via ${path}`}`);
    } finally {
      currentFirstInvalidatedBy = undefined;
    }
  };
}

// Updates that arrive in the same tick are fetched in parallel and applied
// in the order they were sent.
let batch;
function queueUpdate(update) {
  const loading = fetchUpdate(update);
  if (batch) {
    batch.loads.push(loading);
    return batch.done;
  }
  const current = { loads: [loading] };
  batch = current;
  current.done = Promise.resolve().then(async () => {
    batch = undefined;
    const apply = await Promise.all(current.loads);
    for (const fn of apply) fn?.();
  });
  return current.done;
}

// ---------------------------------------------------------------------------
// css-update

const replacedLinks = new WeakSet();

function withoutDirect(path) {
  const url = new URL(path, "http://vite.invalid");
  url.searchParams.delete("direct");
  return url.pathname + url.search;
}

function decodePath(p) {
  try {
    return decodeURI(p);
  } catch {
    return p;
  }
}

function updateLinkedStyle({ path, timestamp }) {
  const searchURL = withoutDirect(path);
  const wanted = decodePath(searchURL.split("?")[0]);
  const link = Array.from(document.querySelectorAll("link[href]")).find((e) => {
    if (replacedLinks.has(e)) return false;
    let href;
    try {
      href = new URL(e.href);
    } catch {
      return false;
    }
    return decodePath(href.pathname).endsWith(wanted);
  });
  if (!link) return;
  const href = new URL(browserURL(`${searchURL}${searchURL.includes("?") ? "&" : "?"}t=${timestamp}`));
  // Keep the origin of the link (it may point at the dev server from a page
  // on another origin).
  const newHref = new URL(href.pathname + href.search, link.href).href;
  return new Promise((resolve) => {
    const next = link.cloneNode();
    next.href = newHref;
    const done = () => {
      link.remove();
      console.debug(`[vite] css hot updated: ${searchURL}`);
      resolve();
    };
    next.addEventListener("load", done);
    next.addEventListener("error", done);
    replacedLinks.add(link);
    link.after(next);
  });
}

// ---------------------------------------------------------------------------
// Styles of CSS modules imported from JS

const styleById = new Map();
const linkById = new Map();
if (hasDocument) {
  for (const e of document.querySelectorAll("style[data-vite-dev-id]")) {
    styleById.set(e.getAttribute("data-vite-dev-id"), e);
  }
  for (const e of document.querySelectorAll('link[rel="stylesheet"][data-vite-dev-id]')) {
    linkById.set(e.getAttribute("data-vite-dev-id"), e);
  }
}

let lastInsertedStyle;

export function updateStyle(id, content) {
  if (linkById.has(id)) return; // rendered by the server as a <link>
  let style = styleById.get(id);
  if (!style) {
    style = document.createElement("style");
    style.setAttribute("type", "text/css");
    style.setAttribute("data-vite-dev-id", id);
    if (cspNonce) style.setAttribute("nonce", cspNonce);
    style.textContent = content;
    // Styles inserted in the same tick keep their import order.
    if (lastInsertedStyle && lastInsertedStyle.isConnected) {
      lastInsertedStyle.after(style);
    } else {
      document.head.appendChild(style);
      setTimeout(() => {
        lastInsertedStyle = undefined;
      }, 0);
    }
    lastInsertedStyle = style;
    styleById.set(id, style);
  } else if (style.textContent !== content) {
    style.textContent = content;
  }
}

export function removeStyle(id) {
  const link = linkById.get(id);
  if (link) {
    for (const e of document.querySelectorAll('link[rel="stylesheet"][data-vite-dev-id]')) {
      if (e.getAttribute("data-vite-dev-id") === id) e.remove();
    }
    linkById.delete(id);
  }
  const style = styleById.get(id);
  if (style) {
    style.remove();
    styleById.delete(id);
  }
}

// injectQuery adds a query to a URL of a dynamic import() that could not be
// analysed statically. Bare specifiers are returned as they are.
export function injectQuery(url, queryToInject) {
  if (url[0] !== "." && url[0] !== "/") return url;
  const pathname = url.replace(/[?#].*$/, "");
  const { search, hash } = new URL(url, "http://vite.invalid");
  return `${pathname}?${queryToInject}${search ? "&" + search.slice(1) : ""}${hash || ""}`;
}

// ---------------------------------------------------------------------------
// The overlay

let isFirstUpdate = true;

function hasErrorOverlay() {
  return document.querySelectorAll(overlayTag).length > 0;
}

function clearErrorOverlay() {
  document.querySelectorAll(overlayTag).forEach((n) => (n.close ? n.close() : n.remove()));
}

function showErrorOverlay(err) {
  clearErrorOverlay();
  const Overlay = globalThis.customElements?.get(overlayTag);
  if (Overlay) document.body.appendChild(new Overlay(err));
}

// ---------------------------------------------------------------------------
// Reconnecting

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function whenVisible() {
  if (document.visibilityState === "visible") return Promise.resolve();
  return new Promise((resolve) => {
    const onChange = () => {
      if (document.visibilityState === "visible") {
        document.removeEventListener("visibilitychange", onChange);
        resolve();
      }
    };
    document.addEventListener("visibilitychange", onChange);
  });
}

async function ping() {
  try {
    // Any answer counts: a no-cors fetch only fails when nothing answers.
    await fetch(pingURL, { mode: "no-cors", cache: "no-store", headers: { Accept: "text/x-vite-ping" } });
    return true;
  } catch {
    return false;
  }
}

async function waitForServer() {
  await whenVisible();
  if (await ping()) return;
  for (;;) {
    await sleep(pollInterval);
    await whenVisible();
    if (await ping()) return;
  }
}

// ---------------------------------------------------------------------------
// Payloads

async function handleMessage(payload) {
  switch (payload.type) {
    case "connected":
      console.debug("[vite] connected.");
      break;
    case "update": {
      await notifyListeners("vite:beforeUpdate", payload);
      if (hasDocument) {
        // An overlay shown before the first update means the page never
        // loaded properly: start over instead of patching it.
        if (isFirstUpdate && hasErrorOverlay()) {
          location.reload();
          return;
        }
        if (hmrOptions.overlay) clearErrorOverlay();
        isFirstUpdate = false;
      }
      await Promise.all(
        (payload.updates || []).map((update) => {
          if (update.type === "js-update") return queueUpdate(update);
          if (update.type === "css-update" && hasDocument) return updateLinkedStyle(update);
        }),
      );
      await notifyListeners("vite:afterUpdate", payload);
      break;
    }
    case "custom":
      await notifyListeners(payload.event, payload.data);
      if (payload.event === "vite:ws:disconnect" && hasDocument && !willUnload) {
        console.log("[vite] server connection lost. Polling for restart...");
        await waitForServer();
        location.reload();
      }
      break;
    case "full-reload":
      if (payload.ifFallback && !globalThis.__vite_is_fallback_page__) break;
      await notifyListeners("vite:beforeFullReload", payload);
      if (!hasDocument) break;
      if (payload.path && payload.path.endsWith(".html")) {
        const pagePath = decodePath(location.pathname);
        const htmlPath = base + payload.path.slice(1);
        if (
          pagePath === htmlPath ||
          payload.path === "/index.html" ||
          (pagePath.endsWith("/") && pagePath + "index.html" === htmlPath)
        ) {
          reloadSoon();
        }
      } else {
        reloadSoon();
      }
      break;
    case "prune":
      await notifyListeners("vite:beforePrune", payload);
      await prunePaths(payload.paths || []);
      break;
    case "error": {
      await notifyListeners("vite:error", payload);
      if (hasDocument) {
        const err = payload.err || {};
        if (hmrOptions.overlay) showErrorOverlay(err);
        else console.error(`[vite] Internal Server Error\n${err.message}\n${err.stack}`);
      }
      break;
    }
    case "ping":
      break;
    default:
      break;
  }
}

async function prunePaths(paths) {
  try {
    await Promise.all(paths.map((p) => disposers.get(p)?.(dataByPath.get(p))));
    await Promise.all(paths.map((p) => pruners.get(p)?.(dataByPath.get(p))));
  } finally {
    for (const p of paths) dataByPath.delete(p);
  }
}

connect();

export { ErrorOverlay };
