// console, and inspect: the readable rendering of values that console output, error messages and
// Go's "expected a Response, got ..." errors use. The output follows Node's util.inspect in spirit
// ({ a: 1, b: 'x' }, Map(1) { 'k' => 1 }, [Function: f]) without its options.
(function (host, internals, global) {
  "use strict";

  const { kImpl, kInspect, TypedArray } = internals;
  const maxArrayItems = 100;
  const maxStringInside = 10000;
  const breakLength = 72;

  const identRe = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

  function quote(s) {
    if (s.length > maxStringInside) s = s.slice(0, maxStringInside) + "... " + (s.length - maxStringInside) + " more characters";
    let q = "'";
    if (s.includes("'")) q = !s.includes('"') ? '"' : !s.includes("`") ? "`" : "'";
    let out = "";
    for (const ch of s) {
      if (ch === q || ch === "\\") out += "\\" + ch;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (ch < " ") out += "\\x" + ch.charCodeAt(0).toString(16).padStart(2, "0");
      else out += ch;
    }
    return q + out + q;
  }

  function formatKey(k) {
    if (typeof k === "symbol") return "[" + k.toString() + "]";
    return identRe.test(k) ? k : quote(k);
  }

  function constructorName(obj) {
    let proto = Object.getPrototypeOf(obj);
    while (proto) {
      const desc = Object.getOwnPropertyDescriptor(proto, "constructor");
      if (desc && typeof desc.value === "function" && desc.value.name) return desc.value.name;
      proto = Object.getPrototypeOf(proto);
    }
    return null;
  }

  function functionLabel(fn) {
    let src = "";
    try {
      src = Function.prototype.toString.call(fn);
    } catch (e) {}
    const name = fn.name ? String(fn.name) : "";
    if (/^class[\s{]/.test(src)) return "[class " + (name || "(anonymous)") + "]";
    const kind = /^async\s/.test(src) ? "AsyncFunction" : /^function\s*\*/.test(src) ? "GeneratorFunction" : "Function";
    return "[" + kind + (name ? ": " + name : " (anonymous)") + "]";
  }

  // join lays entries out on one line when they fit, else one per line.
  function join(prefix, open, entries, close, indent) {
    if (entries.length === 0) return prefix + open + close;
    const oneLine = prefix + open + " " + entries.join(", ") + " " + close;
    if (oneLine.length + indent.length <= breakLength && !oneLine.includes("\n")) return oneLine;
    const pad = indent + "  ";
    return prefix + open + "\n" + entries.map((e) => pad + e.replace(/\n/g, "\n" + pad)).join(",\n") + "\n" + indent + close;
  }

  function inspectError(err, ctx) {
    let stack = "";
    try {
      stack = typeof err.stack === "string" ? err.stack : "";
    } catch (e) {}
    let head;
    try {
      head = String(err.name) + (err.message ? ": " + String(err.message) : "");
    } catch (e) {
      head = "Error";
    }
    if (ctx.depth > 0) return "[" + head + "]";
    let out = stack ? stack.replace(/\n$/, "") : head;
    if (err.cause !== undefined) {
      out += "\n  [cause]: " + inspectValue(err.cause, ctx.child());
    }
    return out;
  }

  class Ctx {
    constructor(depth, maxDepth, seen) {
      this.depth = depth;
      this.maxDepth = maxDepth;
      this.seen = seen;
    }
    child() {
      return new Ctx(this.depth + 1, this.maxDepth, this.seen);
    }
    get indent() {
      return "  ".repeat(this.depth);
    }
  }

  function ownEntries(obj, ctx) {
    const entries = [];
    for (const k of Reflect.ownKeys(obj)) {
      const desc = Object.getOwnPropertyDescriptor(obj, k);
      if (!desc || !desc.enumerable || k === kImpl) continue;
      let v;
      if (desc.get || desc.set) v = desc.get && desc.set ? "[Getter/Setter]" : desc.get ? "[Getter]" : "[Setter]";
      else v = inspectValue(desc.value, ctx.child());
      entries.push(formatKey(k) + ": " + v);
    }
    return entries;
  }

  function inspectValue(v, ctx) {
    switch (typeof v) {
      case "string":
        return quote(v);
      case "number":
        return Object.is(v, -0) ? "-0" : String(v);
      case "bigint":
        return String(v) + "n";
      case "boolean":
      case "undefined":
        return String(v);
      case "symbol":
        return v.toString();
      case "function":
        return functionLabel(v);
    }
    if (v === null) return "null";
    if (ctx.seen.includes(v)) return "[Circular]";
    ctx.seen.push(v);
    try {
      return inspectObject(v, ctx);
    } finally {
      ctx.seen.pop();
    }
  }

  function inspectObject(v, ctx) {
    const ind = ctx.indent;
    if (typeof v[kInspect] === "function") {
      return v[kInspect]((x) => inspectValue(x, ctx.child()), ctx.depth > ctx.maxDepth);
    }
    if (v instanceof Error) return inspectError(v, ctx);
    if (v instanceof Date) return isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
    if (v instanceof RegExp) return String(v);
    if (v instanceof Promise) {
      const [state, result] = host.promiseState(v);
      const inner = state === "pending" ? "<pending>" : state === "rejected" ? "<rejected> " + inspectValue(result, ctx.child()) : inspectValue(result, ctx.child());
      return "Promise { " + inner + " }";
    }
    if (v instanceof Number || v instanceof String || v instanceof Boolean) {
      return "[" + constructorName(v) + ": " + inspectValue(v.valueOf(), ctx.child()) + "]";
    }
    if (v instanceof WeakMap || v instanceof WeakSet) return constructorName(v) + " { <items unknown> }";
    if (typeof URL === "function" && v instanceof URL) return "URL { href: " + quote(v.href) + " }";
    if (typeof URLSearchParams === "function" && v instanceof URLSearchParams) {
      const items = [];
      for (const [k, val] of v) items.push(quote(k) + " => " + quote(val));
      return join("URLSearchParams ", "{", items, "}", ind);
    }
    const name = constructorName(v);
    const tooDeep = ctx.depth > ctx.maxDepth;
    if (Array.isArray(v)) {
      if (tooDeep) return "[Array]";
      const items = [];
      const n = Math.min(v.length, maxArrayItems);
      let holes = 0;
      for (let i = 0; i < n; i++) {
        if (!(i in v)) {
          holes++;
          continue;
        }
        if (holes) {
          items.push("<" + holes + " empty item" + (holes > 1 ? "s" : "") + ">");
          holes = 0;
        }
        items.push(inspectValue(v[i], ctx.child()));
      }
      if (holes) items.push("<" + holes + " empty item" + (holes > 1 ? "s" : "") + ">");
      if (v.length > n) items.push("... " + (v.length - n) + " more item" + (v.length - n > 1 ? "s" : ""));
      for (const k of Object.keys(v)) {
        if (!/^\d+$/.test(k)) items.push(formatKey(k) + ": " + inspectValue(v[k], ctx.child()));
      }
      return join(name && name !== "Array" ? name + "(" + v.length + ") " : "", "[", items, "]", ind);
    }
    if (v instanceof TypedArray) {
      const items = [];
      const n = Math.min(v.length, maxArrayItems);
      for (let i = 0; i < n; i++) items.push(inspectValue(v[i], ctx.child()));
      if (v.length > n) items.push("... " + (v.length - n) + " more item" + (v.length - n > 1 ? "s" : ""));
      return join(name + "(" + v.length + ") ", "[", items, "]", ind);
    }
    if (v instanceof ArrayBuffer) {
      const bytes = new Uint8Array(v, 0, Math.min(v.byteLength, 50));
      let hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
      if (v.byteLength > 50) hex += " ... " + (v.byteLength - 50) + " more bytes";
      return "ArrayBuffer { [Uint8Contents]: <" + hex + ">, byteLength: " + v.byteLength + " }";
    }
    if (v instanceof DataView) {
      return "DataView { byteLength: " + v.byteLength + ", byteOffset: " + v.byteOffset + " }";
    }
    if (v instanceof Map) {
      if (tooDeep) return "[Map]";
      const items = [];
      for (const [k, val] of v) items.push(inspectValue(k, ctx.child()) + " => " + inspectValue(val, ctx.child()));
      return join((name || "Map") + "(" + v.size + ") ", "{", items, "}", ind);
    }
    if (v instanceof Set) {
      if (tooDeep) return "[Set]";
      const items = [];
      for (const val of v) items.push(inspectValue(val, ctx.child()));
      return join((name || "Set") + "(" + v.size + ") ", "{", items, "}", ind);
    }
    let prefix = "";
    if (name === null) prefix = "[Object: null prototype] ";
    else if (name !== "Object") prefix = name + " ";
    const tag = v[Symbol.toStringTag];
    if (typeof tag === "string" && tag !== name && tag !== "") prefix = (name || "Object") + " [" + tag + "] ";
    if (tooDeep) return "[" + (name || "Object") + "]";
    return join(prefix, "{", ownEntries(v, ctx), "}", ind);
  }

  // inspect renders any value. Strings at the top level are quoted; console passes raw strings itself.
  function inspect(value, depth) {
    return inspectValue(value, new Ctx(0, depth === undefined ? 2 : depth, []));
  }
  internals.inspect = inspect;

  // preview is a one-line description of a value for error messages: its type and a short rendering.
  internals.preview = function preview(value) {
    if (value === undefined) return "undefined";
    if (value === null) return "null";
    if (value instanceof Promise) return "a Promise (did you forget to await it?)";
    let s = typeof value === "function" ? functionLabel(value) : inspect(value, 1).replace(/\s*\n\s*/g, " ");
    if (s.length > 60) s = s.slice(0, 57) + "...";
    if (typeof value === "string") s = JSON.stringify(value.length > 40 ? value.slice(0, 37) + "..." : value);
    if (typeof value === "object") {
      const name = Array.isArray(value) ? "array" : "object";
      return name + " " + s;
    }
    return typeof value + " " + s;
  };

  // hasOwnToString tells whether %s should call the object's toString (one the user wrote) rather than
  // inspect it, as Node does.
  const builtinProtos = [Object.prototype, Array.prototype, Date.prototype, RegExp.prototype, Error.prototype, Number.prototype, Boolean.prototype, String.prototype];
  function hasOwnToString(obj) {
    for (let o = obj; o !== null; o = Object.getPrototypeOf(o)) {
      if (Object.prototype.hasOwnProperty.call(o, "toString")) return !builtinProtos.includes(o) && typeof o.toString === "function";
    }
    return false;
  }

  // format implements util.format's placeholders: %s %d %i %f %j %o %O %c %%.
  function format(args) {
    let out = "";
    let i = 0;
    if (typeof args[0] === "string") {
      const f = args[0];
      i = 1;
      let last = 0;
      for (let p = 0; p < f.length - 1; p++) {
        if (f.charCodeAt(p) !== 37) continue; // '%'
        const c = f[p + 1];
        if (c === "%") {
          out += f.slice(last, p) + "%";
          last = p + 2;
          p++;
          continue;
        }
        if (!"sdifjoOc".includes(c)) continue;
        if (i >= args.length) continue;
        const a = args[i++];
        let s;
        switch (c) {
          case "s":
            s = typeof a === "bigint" ? a + "n" : typeof a === "object" && a !== null && !hasOwnToString(a) ? inspect(a, 1) : typeof a === "symbol" ? a.toString() : String(a);
            break;
          case "d":
          case "i":
            if (typeof a === "bigint") s = a + "n";
            else if (typeof a === "symbol" || (typeof a === "object" && a !== null)) s = "NaN";
            else s = String(c === "i" ? parseInt(a) : Number(a));
            break;
          case "f":
            s = typeof a === "symbol" ? "NaN" : String(parseFloat(a));
            break;
          case "j":
            try {
              s = JSON.stringify(a);
            } catch (e) {
              s = "[Circular]";
            }
            break;
          case "o":
            s = inspect(a, 4);
            break;
          case "O":
            s = inspect(a);
            break;
          case "c":
            s = "";
            break;
        }
        out += f.slice(last, p) + s;
        last = p + 2;
        p++;
      }
      out += f.slice(last);
    }
    for (; i < args.length; i++) {
      const a = args[i];
      if (out !== "" || i > 0) out += " ";
      out += typeof a === "string" ? a : inspect(a);
    }
    return out;
  }
  internals.format = format;

  let groupIndent = "";
  function emit(level, args) {
    let msg = format(args);
    if (groupIndent) msg = groupIndent + msg.replace(/\n/g, "\n" + groupIndent);
    host.log(level, msg);
  }

  const counts = new Map();
  const timers = new Map();

  function tableLite(data, columns) {
    if (data === null || typeof data !== "object") return format([data]);
    const rows = [];
    const keys = [];
    const addKey = (k) => {
      if (!keys.includes(k)) keys.push(k);
    };
    const entries = data instanceof Map ? Array.from(data.entries()) : Object.entries(data);
    let hasValues = false;
    for (const [index, row] of entries) {
      const cells = { "(index)": String(index) };
      if (row !== null && typeof row === "object") {
        for (const k of columns || Object.keys(row)) {
          addKey(k);
          cells[k] = inspect(row[k], 0);
        }
      } else {
        hasValues = true;
        cells.Values = inspect(row, 0);
      }
      rows.push(cells);
    }
    const cols = ["(index)", ...keys, ...(hasValues ? ["Values"] : [])];
    const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] === undefined ? 0 : r[c].length))) + 2);
    const center = (s, w) => {
      const left = Math.floor((w - s.length) / 2);
      return " ".repeat(left) + s + " ".repeat(w - s.length - left);
    };
    const line = (l, m, r) => l + widths.map((w) => "─".repeat(w)).join(m) + r;
    const out = [line("┌", "┬", "┐"), "│" + cols.map((c, i) => center(c, widths[i])).join("│") + "│", line("├", "┼", "┤")];
    for (const r of rows) out.push("│" + cols.map((c, i) => center(r[c] === undefined ? "" : r[c], widths[i])).join("│") + "│");
    out.push(line("└", "┴", "┘"));
    return out.join("\n");
  }

  const console = {
    log: (...args) => emit("info", args),
    info: (...args) => emit("info", args),
    debug: (...args) => emit("debug", args),
    warn: (...args) => emit("warn", args),
    error: (...args) => emit("error", args),
    trace(...args) {
      const stack = String(new Error().stack || "").split("\n").slice(2).join("\n");
      emit("info", ["Trace" + (args.length ? ": " + format(args) : "") + (stack ? "\n" + stack : "")]);
    },
    dir: (value) => emit("info", [inspect(value)]),
    dirxml: (...args) => emit("info", args),
    table(data, columns) {
      emit("info", [tableLite(data, columns)]);
    },
    assert(condition, ...args) {
      if (condition) return;
      if (typeof args[0] === "string") args[0] = "Assertion failed: " + args[0];
      else args.unshift("Assertion failed");
      emit("error", args);
    },
    count(label = "default") {
      label = String(label);
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      emit("info", [label + ": " + n]);
    },
    countReset(label = "default") {
      counts.delete(String(label));
    },
    time(label = "default") {
      label = String(label);
      if (timers.has(label)) {
        emit("warn", ["Label '" + label + "' already exists for console.time()"]);
        return;
      }
      timers.set(label, host.now());
    },
    timeLog(label = "default", ...args) {
      label = String(label);
      if (!timers.has(label)) {
        emit("warn", ["No such label '" + label + "' for console.timeLog()"]);
        return;
      }
      emit("info", [label + ": " + formatMs(host.now() - timers.get(label)), ...args]);
    },
    timeEnd(label = "default") {
      label = String(label);
      if (!timers.has(label)) {
        emit("warn", ["No such label '" + label + "' for console.timeEnd()"]);
        return;
      }
      emit("info", [label + ": " + formatMs(host.now() - timers.get(label))]);
      timers.delete(label);
    },
    group(...args) {
      if (args.length) emit("info", args);
      groupIndent += "  ";
    },
    groupCollapsed(...args) {
      console.group(...args);
    },
    groupEnd() {
      groupIndent = groupIndent.slice(2);
    },
    clear() {},
    timeStamp() {},
    profile() {},
    profileEnd() {},
  };

  function formatMs(ms) {
    return ms >= 1000 ? (ms / 1000).toFixed(3) + "s" : ms.toFixed(3) + "ms";
  }

  Object.defineProperty(console, Symbol.toStringTag, { value: "console", configurable: true });
  internals.expose("console", console);
});
