// govite's Node runner: runs a dev server environment's modules in Node, for server code that needs
// Node's APIs. govite starts it as
//   node node-runner.mjs
// with two pipes: fd 3 carries newline-delimited JSON messages from govite, fd 4 messages to govite.
// Messages are the environment's hot-channel payloads (Vite's), vite:invoke requests and responses,
// and govite:call / govite:result for the Go side's Import and Call.
import fs from "node:fs";
import readline from "node:readline";
import { ModuleRunner, contextKeys } from "./runner.js";

process.setSourceMapsEnabled?.(true);

const out = fs.createWriteStream("", { fd: 4 });
const write = (msg) => out.write(JSON.stringify(msg) + "\n");

let nextInvoke = 0;
const invokes = new Map();
let onPayload = () => {};

const transport = {
  invoke(name, data) {
    const id = `send:${++nextInvoke}`;
    return new Promise((resolve, reject) => {
      invokes.set(id.slice(5), { resolve, reject });
      write({ type: "custom", event: "vite:invoke", data: { id, name, data } });
    });
  },
  send(payload) {
    write(payload);
  },
  connect(handler) {
    onPayload = handler;
  },
};

const AsyncFunction = (async () => {}).constructor;
// The lines Node puts before a function body it compiles (the source map is shifted by as much).
const padding = (() => {
  const marker = "/*body*/";
  const src = new AsyncFunction("a", marker).toString();
  return src.slice(0, src.indexOf(marker)).split("\n").length - 1;
})();

const evaluator = {
  startOffset: padding + 1,
  async runInlinedModule(context, code) {
    const fn = new AsyncFunction(...contextKeys, '"use strict";\n' + code);
    await fn(...contextKeys.map((k) => context[k]));
  },
  runExternalModule(url) {
    return import(url);
  },
};

const runner = new ModuleRunner({
  transport,
  evaluator,
  createImportMeta(path) {
    const dirname = path.slice(0, path.lastIndexOf("/")) || "/";
    return { url: "file://" + encodeURI(path), filename: path, dirname, main: false, resolve: (s) => import.meta.resolve(s) };
  },
});

// encode turns a call's result into JSON for Go: Responses with their body, bytes as base64.
async function encode(v) {
  if (typeof Response !== "undefined" && v instanceof Response) {
    const body = Buffer.from(await v.arrayBuffer()).toString("base64");
    return { $response: { status: v.status, statusText: v.statusText, headers: [...v.headers], body } };
  }
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString("base64") };
  if (typeof v === "function") return { $function: v.name || "anonymous" };
  if (v === undefined) return { $undefined: true };
  return v;
}

// imported keeps the namespace each Import returned, so that reading or calling its exports does not
// ask the server about the module again (Go's Module holds the module it imported, as the engine's
// does; Go imports again to see changes).
const imported = new Map();

async function call({ id, url, name, args }) {
  try {
    let exports = name == null ? undefined : imported.get(url);
    if (!exports) {
      exports = await runner.import(url);
      imported.set(url, exports);
    }
    let value;
    if (name === undefined || name === null) {
      value = { $exports: Object.keys(exports) };
    } else {
      value = exports[name];
      if (Array.isArray(args)) {
        if (typeof value !== "function") throw new TypeError(`export ${name} of ${url} is not a function (it is ${typeof value})`);
        value = await value(...args);
      } else {
        value = await value;
      }
    }
    write({ type: "custom", event: "govite:result", data: { id, value: await encode(value) } });
  } catch (e) {
    write({ type: "custom", event: "govite:result", data: { id, error: { name: e?.name, message: e?.message ?? String(e), stack: e?.stack } } });
  }
}

const input = readline.createInterface({ input: fs.createReadStream("", { fd: 3 }), crlfDelay: Infinity });
input.on("line", (line) => {
  if (!line) return;
  const msg = JSON.parse(line);
  if (msg.type === "custom" && msg.event === "vite:invoke" && msg.data.id.startsWith("response:")) {
    const p = invokes.get(msg.data.id.slice(9));
    if (!p) return;
    invokes.delete(msg.data.id.slice(9));
    const { result, error } = msg.data.data;
    if (error) {
      const err = new Error(error.message);
      Object.assign(err, error);
      p.reject(err);
    } else p.resolve(result);
    return;
  }
  if (msg.type === "custom" && msg.event === "govite:call") {
    call(msg.data);
    return;
  }
  onPayload(msg);
});
input.on("close", () => process.exit(0));
