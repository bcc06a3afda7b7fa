// govite's stylesheet worker: runs the CSS tools that only exist as JavaScript packages (Sass, Less,
// Stylus, PostCSS and its plugins) from the project's own node_modules, for one dev server or build.
// govite starts it as
//   node --input-type=module --eval <this file>
// in the project root, with two pipes: fd 3 carries newline-delimited JSON from govite, fd 4 carries
// JSON to govite. Messages:
//   govite -> worker  {id, op, ...}               a request: "init", "sass", "less", "stylus", "postcss"
//                     {reply, result | error}     the answer to one of the worker's calls
//   worker -> govite  {id, result | error}        the answer to a request
//                     {call, id, op, args}        a call back into govite while request id runs:
//                                                 "resolve" (an @import / @use through govite's
//                                                 resolver) and "load" (a file with its url()s rebased)
// Packages are resolved from the project root with Node's own resolution, as Vite does, and loaded
// once; Sass keeps one long-lived compiler.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const out = fs.createWriteStream("", { fd: 4 });
const write = (msg) => out.write(JSON.stringify(msg) + "\n");

let root = process.cwd();
let options = { preprocessorOptions: {}, postcss: null };
let configFile = ""; // the Vite config bundled for Node, when options hold JavaScript values
let configEnv = { command: "serve", mode: "development", isSsrBuild: false, isPreview: false };
let postcssConfigFile = "";
let installCommand = "npm install";

// --- calls back into govite -------------------------------------------------------------------

let nextCall = 0;
const calls = new Map();

function callGo(id, op, args) {
  const call = ++nextCall;
  return new Promise((resolve, reject) => {
    calls.set(call, { resolve, reject });
    write({ call, id, op, args });
  });
}

// --- package loading --------------------------------------------------------------------------

const rootRequire = () => createRequire(path.join(root, "noop.js"));

// MissingPackage is a package the project must install; the message names the install command.
class MissingPackage extends Error {}

function resolvePackage(name) {
  try {
    return rootRequire().resolve(name);
  } catch {
    return null;
  }
}

function preprocessorPath(name) {
  const p = resolvePackage(name);
  if (!p) {
    throw new MissingPackage(`Preprocessor dependency "${name}" not found. Did you install it? Try \`${installCommand} -D ${name}\`.`);
  }
  return p;
}

const imported = new Map();
function importOnce(file) {
  let p = imported.get(file);
  if (!p) {
    p = import(pathToFileURL(file).href).then((m) => m.default ?? m);
    imported.set(file, p);
  }
  return p;
}

// --- options from the Vite config ---------------------------------------------------------------

// viteCSSOptions evaluates the Vite config in Node once, for the CSS options whose values are
// JavaScript (functions, PostCSS plugin objects) and so could not be passed as JSON.
let viteCSS;
function viteCSSOptions() {
  viteCSS ??= (async () => {
    const mod = await import(pathToFileURL(configFile).href);
    let config = mod.default ?? mod;
    if (typeof config === "function") config = config(configEnv);
    config = await config;
    return config?.css ?? {};
  })();
  return viteCSS;
}

async function langOptions(lang) {
  if (configFile) {
    const css = await viteCSSOptions();
    return { ...(css.preprocessorOptions?.[lang] ?? {}) };
  }
  return { ...(options.preprocessorOptions?.[lang] ?? {}) };
}

// additionalData is prepended to the source (Vite's getSource); a function may rewrite the source.
async function withAdditionalData(code, file, additionalData, sep = "") {
  if (!additionalData) return { content: code, prefix: "" };
  if (typeof additionalData === "function") {
    const r = await additionalData(code, file);
    return { content: typeof r === "string" ? r : r.content, prefix: null };
  }
  return { content: additionalData + sep + code, prefix: additionalData + sep };
}

// --- Sass ---------------------------------------------------------------------------------------

let sassPackage;
let sassCompiler;

async function loadSass() {
  if (sassPackage) return sassPackage;
  const embedded = resolvePackage("sass-embedded");
  if (embedded) {
    try {
      sassPackage = { name: "sass-embedded", sass: await importOnce(embedded) };
      return sassPackage;
    } catch (e) {
      // sass-embedded installed without the compiler binary for this platform: Vite falls back to sass.
      if (!/sass-embedded-[a-z0-9]+-[a-z0-9]+/i.test(String(e?.message))) throw e;
    }
  }
  const dart = resolvePackage("sass");
  if (!dart) preprocessorPath("sass-embedded"); // throws the message Vite gives
  sassPackage = { name: "sass", sass: await importOnce(dart) };
  return sassPackage;
}

async function compiler() {
  const { sass } = await loadSass();
  if (!sassCompiler) {
    sassCompiler = typeof sass.initAsyncCompiler === "function" ? sass.initAsyncCompiler() : Promise.resolve(sass);
  }
  return sassCompiler;
}

const fileURL = (u) => (u.protocol === "file:" ? fileURLToPath(u) : null);

async function runSass(id, req) {
  const lang = req.indented ? "sass" : "scss";
  const opts = await langOptions(lang);
  const { content, prefix } = await withAdditionalData(req.code, req.file, opts.additionalData);
  delete opts.additionalData;
  delete opts.api; // Vite 8 always uses the modern API
  if (opts.includePaths && !opts.loadPaths) opts.loadPaths = opts.includePaths;
  delete opts.includePaths;
  const internal = {
    async canonicalize(url, context) {
      const importer = context?.containingUrl ? fileURL(context.containingUrl) ?? req.file : req.file;
      const resolved = await callGo(id, "resolve", { lang: "sass", spec: url, importer });
      if (resolved && /\.(css|scss|sass)$/.test(resolved)) return pathToFileURL(resolved);
      return null;
    },
    async load(canonicalUrl) {
      const file = fileURLToPath(canonicalUrl);
      const ext = path.extname(file);
      const contents = await callGo(id, "load", { lang: "sass", file, rootFile: req.file });
      return { contents, syntax: ext === ".sass" ? "indented" : ext === ".css" ? "css" : "scss", sourceMapUrl: canonicalUrl };
    },
  };
  const c = await compiler();
  const sassOptions = {
    ...opts,
    url: pathToFileURL(req.file),
    syntax: req.indented ? "indented" : opts.syntax ?? "scss",
    sourceMap: !!req.sourcemap,
    sourceMapIncludeSources: !!req.sourcemap,
    importers: [...(opts.importers ?? []), internal],
    importer: opts.importer ?? internal,
  };
  let result;
  try {
    result = await c.compileStringAsync(content, sassOptions);
  } catch (e) {
    if (e instanceof MissingPackage) throw e;
    const start = e?.span?.start;
    const spanFile = e?.span?.url ? fileURL(e.span.url) : null;
    throw toolError("sass", e?.sassMessage ?? e?.message ?? String(e), spanFile ?? req.file, start ? start.line + 1 : 0, start ? start.column + 1 : 0);
  }
  const deps = result.loadedUrls.map(fileURL).filter((f) => f && f !== req.file);
  let map;
  if (result.sourceMap) {
    map = { ...result.sourceMap, sources: result.sourceMap.sources.map((s) => (s.startsWith("file:") ? fileURLToPath(s) : s)) };
  }
  return { css: result.css, map, deps, prefix };
}

// --- Less ---------------------------------------------------------------------------------------

let lessManager;

function viteLessPlugin(less, id, rootFile) {
  // A FileManager that resolves @import through govite (aliases, node_modules with the "less" and
  // "style" fields) and rebases the url()s of imported files, as Vite's does; what govite cannot
  // resolve goes to Less's own lookup (paths).
  lessManager ??= class GoviteLessManager extends less.FileManager {
    constructor(id, rootFile) {
      super();
      this.id = id;
      this.rootFile = rootFile;
    }
    supports(filename) {
      return !/^(?:https?:)?\/\//.test(filename);
    }
    supportsSync() {
      return false;
    }
    async loadFile(filename, dir, opts, env) {
      const resolved = await callGo(this.id, "resolve", { lang: "less", spec: filename, importer: path.join(dir, "*") });
      if (resolved) {
        const contents =
          opts.mime === "application/javascript"
            ? await fs.promises.readFile(resolved, "utf8")
            : await callGo(this.id, "load", { lang: "less", file: resolved, rootFile: this.rootFile });
        return { filename: path.resolve(resolved), contents };
      }
      return super.loadFile(filename, dir, opts, env);
    }
  };
  const Manager = lessManager;
  return {
    install(_, pluginManager) {
      pluginManager.addFileManager(new Manager(id, rootFile));
    },
    minVersion: [3, 0, 0],
  };
}

async function runLess(id, req) {
  const less = await importOnce(preprocessorPath("less"));
  const opts = await langOptions("less");
  const { content, prefix } = await withAdditionalData(req.code, req.file, opts.additionalData);
  delete opts.additionalData;
  let result;
  try {
    result = await less.render(content, {
      paths: ["node_modules"],
      ...opts,
      filename: req.file,
      plugins: [viteLessPlugin(less, id, req.file), ...(opts.plugins ?? [])],
      ...(req.sourcemap ? { sourceMap: { outputSourceFiles: true, disableSourcemapAnnotation: true, sourceMapFileInline: false } } : {}),
    });
  } catch (e) {
    if (e instanceof MissingPackage) throw e;
    const col = typeof e?.column === "number" ? e.column + 1 : 0;
    throw toolError("less", e?.message || e?.type || String(e), e?.filename || req.file, e?.line ?? 0, col);
  }
  let map;
  if (result.map) {
    map = JSON.parse(result.map);
    map.sources = map.sources.map((s) => path.resolve(path.dirname(req.file), s));
  }
  return { css: result.css, map, deps: (result.imports ?? []).filter((f) => f !== req.file), prefix };
}

// --- Stylus -------------------------------------------------------------------------------------

async function runStylus(id, req) {
  const stylus = await importOnce(preprocessorPath("stylus"));
  const opts = await langOptions(req.lang);
  const { content, prefix } = await withAdditionalData(req.code, req.file, opts.additionalData, "\n");
  delete opts.additionalData;
  const define = opts.define;
  delete opts.define;
  try {
    const ref = stylus(content, { paths: ["node_modules"], ...opts, filename: req.file });
    for (const key in define ?? {}) ref.define(key, define[key]);
    if (req.sourcemap) ref.set("sourcemap", { comment: false, inline: false, basePath: root });
    const css = ref.render();
    let map;
    if (ref.sourcemap) {
      map = { ...ref.sourcemap, sources: ref.sourcemap.sources.map((s) => path.resolve(root, s)) };
      delete map.file;
    }
    const deps = [...ref.deps(), ...(opts.imports ?? []).map((d) => path.resolve(d))].filter((f) => f !== req.file);
    return { css, map, deps, prefix };
  } catch (e) {
    if (e instanceof MissingPackage) throw e;
    const first = String(e?.message ?? e).split("\n");
    // Stylus puts "file:line:col" and a code frame before the message itself.
    const text = first.filter((l) => l.trim()).at(-1) ?? String(e);
    throw toolError("stylus", text, e?.filename || req.file, e?.lineno ?? 0, e?.column ?? 0);
  }
}

// --- PostCSS ------------------------------------------------------------------------------------

let postcssModule;
let postcssConfig;

async function loadPostcss(fromFile) {
  if (postcssModule) return postcssModule;
  let p = null;
  for (const base of [fromFile, path.join(root, "noop.js")]) {
    try {
      p = createRequire(base).resolve("postcss");
      break;
    } catch {}
  }
  if (!p) {
    throw new MissingPackage(`PostCSS is configured (${fromFile}) but the "postcss" package is not installed. Try \`${installCommand} -D postcss\`.`);
  }
  postcssModule = await importOnce(p);
  return postcssModule;
}

// requireFrom loads a module the way postcss-load-config does: resolved from the config file, ES
// module or CommonJS.
async function requireFrom(name, fromFile) {
  const p = createRequire(fromFile).resolve(name);
  const m = await import(pathToFileURL(p).href);
  return m.default ?? m;
}

async function readYAML(file, text) {
  let yaml;
  try {
    yaml = await requireFrom("yaml", path.join(root, "noop.js"));
  } catch (e) {
    throw new Error(`'yaml' is required for the YAML PostCSS config ${file}. Make sure it is installed\nError: ${e.message}`);
  }
  return yaml.parse(text);
}

// loadConfigFile reads the PostCSS config file govite found (searched from root upward, as
// postcss-load-config does). A TypeScript config arrives compiled and already imported by init.
let postcssPreloaded;
async function loadConfigFile(file) {
  const base = path.basename(file);
  const text = () => fs.readFileSync(file, "utf8");
  if (base === "package.json") return JSON.parse(text()).postcss;
  if (/\.(ya?ml)$/.test(base)) return readYAML(file, text());
  if (base === ".postcssrc" || base.endsWith(".json")) {
    try {
      return JSON.parse(text());
    } catch (e) {
      if (base.endsWith(".json")) throw e;
      return readYAML(file, text());
    }
  }
  const m = postcssPreloaded ?? (await import(pathToFileURL(file).href + "?t=" + Date.now()));
  return m.default ?? m;
}

async function normalizePlugins(list, file) {
  let plugins = [];
  if (Array.isArray(list)) {
    plugins = list.filter(Boolean);
  } else if (list && typeof list === "object") {
    plugins = await Promise.all(
      Object.entries(list)
        .filter(([, o]) => o !== false)
        .map(async ([name, o]) => {
          let plugin;
          try {
            plugin = await requireFrom(name, file);
          } catch (e) {
            throw new Error(`Loading PostCSS Plugin failed: ${e.message}\n\n(@${file})`);
          }
          return o === null || o === undefined || o === true || Object.keys(o).length === 0 ? plugin : plugin(o);
        }),
    );
  }
  return plugins.map((plugin, i) => {
    if (plugin.default) plugin = plugin.default;
    if (plugin.postcss === true) plugin = plugin();
    else if (plugin.postcss) plugin = plugin.postcss;
    if (!((typeof plugin === "object" && (Array.isArray(plugin.plugins) || plugin.postcssPlugin)) || typeof plugin === "function")) {
      throw new TypeError(`Invalid PostCSS Plugin found at: plugins[${i}]\n\n(@${file})`);
    }
    return plugin;
  });
}

async function loadOption(config, key, file) {
  if (typeof config[key] === "string") {
    try {
      config[key] = await requireFrom(config[key], file);
    } catch (e) {
      throw new Error(`Loading PostCSS ${key} failed: ${e.message}\n\n(@${file})`);
    }
  }
}

function resolvePostcssConfig() {
  postcssConfig ??= (async () => {
    const ctx = { cwd: root, env: process.env.NODE_ENV };
    let inline = options.postcss?.inline;
    if (inline && configFile) inline = (await viteCSSOptions()).postcss;
    if (inline && typeof inline === "object") {
      const { plugins, ...opts } = inline;
      return { file: configFile || path.join(root, "vite.config.js"), options: opts, plugins: await normalizePlugins(plugins ?? [], path.join(root, "noop.js")) };
    }
    const file = postcssConfigFile;
    let config;
    try {
      config = await loadConfigFile(file);
      config = config?.default ?? config ?? {};
      config = typeof config === "function" ? await config(ctx) : { ...config, ...ctx };
      const opts = { ...config };
      delete opts.plugins;
      for (const key of ["parser", "syntax", "stringifier"]) await loadOption(opts, key, file);
      return { file, options: opts, plugins: await normalizePlugins(config.plugins ?? [], file) };
    } catch (e) {
      if (e instanceof MissingPackage) throw e;
      const err = new Error(`Failed to load PostCSS config (${file}): [${e?.name ?? "Error"}] ${e?.message ?? e}`);
      err.stack = e?.stack;
      throw err;
    }
  })();
  return postcssConfig;
}

async function runPostcss(id, req) {
  const config = req.sugarss ? { file: req.file, options: {}, plugins: [] } : await resolvePostcssConfig();
  const postcss = await loadPostcss(config.file);
  const opts = { ...config.options };
  delete opts.cwd;
  delete opts.env;
  if (req.sugarss) opts.parser = await importOnce(preprocessorPath("sugarss"));
  let result;
  try {
    result = await postcss(config.plugins).process(req.code, {
      ...opts,
      from: req.file,
      to: req.file,
      ...(req.sourcemap ? { map: { inline: false, annotation: false, sourcesContent: true, ...(req.map ? { prev: req.map } : {}) } } : {}),
    });
  } catch (e) {
    throw toolError("postcss", e?.reason ?? e?.message ?? String(e), e?.file || req.file, e?.line ?? 0, e?.column ?? 0);
  }
  const deps = [];
  const dirDeps = [];
  const warnings = [];
  for (const m of result.messages) {
    if (m.type === "dependency") deps.push(m.file);
    else if (m.type === "dir-dependency") dirDeps.push({ dir: path.resolve(path.dirname(req.file), m.dir), glob: m.glob || "**" });
    else if (m.type === "warning") warnings.push({ text: m.text, line: m.line ?? 0, column: m.column ?? 0, plugin: m.plugin ?? "" });
  }
  let map;
  if (req.sourcemap && result.map) {
    map = result.map.toJSON();
    map.sources = map.sources.map((s) => {
      const clean = decodeURIComponent(s).replace(/[?#].*$/, "");
      if (clean.startsWith("<") && clean.endsWith(">")) return clean;
      return path.resolve(path.dirname(req.file), clean);
    });
  }
  return { css: result.css, map, deps, dirDeps, warnings };
}

// --- errors and the request loop -----------------------------------------------------------------

function toolError(tool, message, file, line, column) {
  const e = new Error(`[${tool}] ${message}`);
  e.loc = { file, line, column };
  return e;
}

function encodeError(e) {
  return {
    message: e?.message ?? String(e),
    stack: e?.stack ?? "",
    missing: e instanceof MissingPackage,
    file: e?.loc?.file ?? "",
    line: e?.loc?.line ?? 0,
    column: e?.loc?.column ?? 0,
  };
}

const ops = {
  // init receives the project; the modules govite compiled for Node (the Vite config, a TypeScript
  // PostCSS config) are imported right away, so govite can remove those files again.
  async init(_id, req) {
    root = req.root;
    options = req.options ?? options;
    configFile = req.configFile ?? "";
    postcssConfigFile = req.postcssConfig ?? "";
    if (req.configEnv) configEnv = req.configEnv;
    if (req.installCommand) installCommand = req.installCommand;
    if (configFile) await viteCSSOptions();
    if (req.postcssLoaded) postcssPreloaded = await import(pathToFileURL(req.postcssLoaded).href);
    return { node: process.version };
  },
  sass: runSass,
  less: runLess,
  stylus: runStylus,
  postcss: runPostcss,
};

async function handle(msg) {
  try {
    const op = ops[msg.op];
    if (!op) throw new Error(`unknown request ${JSON.stringify(msg.op)}`);
    write({ id: msg.id, result: await op(msg.id, msg) });
  } catch (e) {
    write({ id: msg.id, error: encodeError(e) });
  }
}

// A tool's stray asynchronous error must not take the worker (and the Sass compiler) down with it:
// it is printed, and the request it belonged to reports its own error.
process.on("uncaughtException", (e) => console.error("[govite css worker]", e));
process.on("unhandledRejection", (e) => console.error("[govite css worker]", e));

const input = readline.createInterface({ input: fs.createReadStream("", { fd: 3 }), crlfDelay: Infinity });
input.on("line", (line) => {
  if (!line) return;
  const msg = JSON.parse(line);
  if (msg.reply !== undefined) {
    const c = calls.get(msg.reply);
    if (!c) return;
    calls.delete(msg.reply);
    if (msg.error) c.reject(new Error(msg.error));
    else c.resolve(msg.result);
    return;
  }
  handle(msg);
});
input.on("close", async () => {
  try {
    await (await sassCompiler)?.dispose?.();
  } catch {}
  process.exit(0);
});
