// The `vite` module as config files see it when govite runs them: the helpers configs call, implemented
// without Node. Whether or not the real `vite` package is installed, imports of `vite` resolve here.
import path from 'node:path';

const host = globalThis.__govite;

export const version = '8.0.0';
export const rollupVersion = '4.0.0';
export const esbuildVersion = '0.28.2';
export const rolldownVersion = '1.0.0';

// defineConfig only helps editors with types: it returns what it is given (an object, a function or a
// promise), and govite evaluates that as Vite does.
export function defineConfig(config) {
  return config;
}
export const defineProject = defineConfig;
export const defineWorkspace = defineConfig;

function isObject(v) {
  return Object.prototype.toString.call(v) === '[object Object]';
}
function arraify(v) {
  return Array.isArray(v) ? v : [v];
}

function normalizeSingleAlias(a) {
  let { find, replacement } = a;
  if (typeof find === 'string' && typeof replacement === 'string' && find.endsWith('/') && replacement.endsWith('/')) {
    find = find.slice(0, -1);
    replacement = replacement.slice(0, -1);
  }
  const out = { ...a, find, replacement };
  return out;
}
function normalizeAlias(o) {
  if (!o) return [];
  return Array.isArray(o)
    ? o.map(normalizeSingleAlias)
    : Object.keys(o).map((find) => normalizeSingleAlias({ find, replacement: o[find] }));
}
export function mergeAlias(a, b) {
  if (!a) return b;
  if (!b) return a;
  if (isObject(a) && isObject(b)) return { ...a, ...b };
  // Aliases are tried from the top: the later config's entries must come first to take priority.
  return [...normalizeAlias(b), ...normalizeAlias(a)];
}

function mergeRecursively(defaults, overrides, rootPath) {
  const merged = { ...defaults };
  for (const key in overrides) {
    const value = overrides[key];
    if (value == null) continue;
    const existing = merged[key];
    if (existing == null) {
      merged[key] = value;
      continue;
    }
    if (key === 'alias' && (rootPath === 'resolve' || rootPath === '')) {
      merged[key] = mergeAlias(existing, value);
      continue;
    }
    if (key === 'assetsInclude' && rootPath === '') {
      merged[key] = [].concat(existing, value);
      continue;
    }
    if (key === 'noExternal' && (rootPath === 'ssr' || rootPath === 'resolve') && (existing === true || value === true)) {
      merged[key] = true;
      continue;
    }
    if (key === 'allowedHosts' && rootPath === 'server' && (existing === true || value === true)) {
      merged[key] = true;
      continue;
    }
    if (Array.isArray(existing) || Array.isArray(value)) {
      merged[key] = [...arraify(existing), ...arraify(value)];
      continue;
    }
    if (isObject(existing) && isObject(value)) {
      merged[key] = mergeRecursively(existing, value, rootPath ? rootPath + '.' + key : key);
      continue;
    }
    merged[key] = value;
  }
  return merged;
}

// mergeConfig deep-merges two configs: nested objects are merged, arrays concatenated, aliases
// normalised, and a value of the second config replaces a scalar of the first.
export function mergeConfig(defaults, overrides, isRoot = true) {
  if (typeof defaults === 'function' || typeof overrides === 'function') {
    throw new Error('Cannot merge config in form of callback');
  }
  return mergeRecursively(defaults, overrides, isRoot ? '' : '.');
}

export function mergeAliasOptions(a, b) {
  return mergeAlias(a, b);
}

// loadEnv reads the .env files of mode from envDir. Unlike envPrefix, a prefix of '' is allowed here and
// returns every variable (this is how configs read non-VITE_ variables).
export function loadEnv(mode, envDir, prefixes = 'VITE_') {
  return host.loadEnv(mode, envDir, Array.isArray(prefixes) ? prefixes : [prefixes]);
}

export function normalizePath(id) {
  return path.posix.normalize(String(id).replace(/\\/g, '/'));
}

// searchForWorkspaceRoot finds the nearest workspace root (pnpm-workspace.yaml, lerna.json, a
// package.json with workspaces), else root (default: the nearest package root, else current).
export function searchForWorkspaceRoot(current, root) {
  return host.searchForWorkspaceRoot(String(current), root === undefined ? undefined : String(root));
}

function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end > 0) {
        re += '(?:' + glob.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&')).join('|') + ')';
        i = end;
      } else re += '\\{';
    } else re += /[.+^$()|[\]\\]/.test(c) ? '\\' + c : c;
  }
  return new RegExp('^' + re + '$');
}

// createFilter mirrors @rollup/pluginutils: ids matching an exclude pattern are rejected, then ids must
// match an include pattern when there is one. String patterns are globs relative to options.resolve
// (default: the working directory).
export function createFilter(include, exclude, options) {
  const base = options && options.resolve === false ? null : options && typeof options.resolve === 'string' ? options.resolve : globalThis.process.cwd();
  const toMatcher = (p) => {
    if (p instanceof RegExp) return (id) => { p.lastIndex = 0; return p.test(id); };
    let g = String(p);
    if (base !== null && !g.startsWith('/') && !g.startsWith('**')) g = path.join(base, g);
    const re = globToRegExp(g);
    return (id) => re.test(id);
  };
  const inc = include == null ? [] : arraify(include).map(toMatcher);
  const exc = exclude == null ? [] : arraify(exclude).map(toMatcher);
  return (id) => {
    if (typeof id !== 'string' || id.includes('\0')) return false;
    const p = normalizePath(id.split('?')[0]);
    if (exc.some((m) => m(p))) return false;
    if (inc.length === 0) return true;
    return inc.some((m) => m(p));
  };
}

export function createLogger(level = 'info', options = {}) {
  const warned = new Set();
  const logger = {
    hasWarned: false,
    hasErrorLogged: () => false,
    info: (msg) => { if (level === 'info') console.log(msg); },
    warn: (msg) => { logger.hasWarned = true; if (level !== 'error' && level !== 'silent') console.warn(msg); },
    warnOnce: (msg) => { if (!warned.has(msg)) { warned.add(msg); logger.warn(msg); } },
    error: (msg) => { if (level !== 'silent') console.error(msg); },
    clearScreen: () => {},
  };
  return logger;
}

export function splitVendorChunkPlugin() {
  return { name: 'vite:split-vendor-chunk' };
}

export function perEnvironmentPlugin(name, applyToEnvironment) {
  return { name, applyToEnvironment };
}

// Environments a createEnvironment function of a config file may return. govite cannot run JavaScript
// environment classes: it reads the kind (and the name) of what was returned.
export function createRunnableDevEnvironment(name, config, context) {
  return { __govite_environment: 'runnable', name, config, context };
}
export function createFetchableDevEnvironment(name, config, context) {
  if (!context || typeof context.handleRequest !== 'function') {
    throw new TypeError('FetchableDevEnvironment requires a `handleRequest` method during initialisation.');
  }
  return { __govite_environment: 'fetchable', name, config, context };
}
export class DevEnvironment {
  constructor(name, config, context) {
    this.__govite_environment = 'dev';
    this.name = name;
    this.config = config;
    this.context = context;
  }
}
export class BuildEnvironment {
  constructor(name, config, setup) {
    this.__govite_environment = 'build';
    this.name = name;
    this.config = config;
    this.setup = setup;
  }
}
export function isRunnableDevEnvironment(environment) {
  return !!environment && environment.__govite_environment === 'runnable';
}
export function isFetchableDevEnvironment(environment) {
  return !!environment && environment.__govite_environment === 'fetchable';
}

// isCSSRequest is Vite's test for a stylesheet request (a CSS language's extension, before any query).
const cssLangsRE = /\.(css|less|sass|scss|styl|stylus|pcss|postcss|sss)(?:$|\?)/;
export function isCSSRequest(request) {
  return cssLangsRE.test(request);
}

// resolveEnvPrefix is config.envPrefix as a list; '' would expose every variable and is refused.
export function resolveEnvPrefix({ envPrefix = 'VITE_' } = {}) {
  const prefixes = Array.isArray(envPrefix) ? envPrefix : [envPrefix];
  if (prefixes.includes('')) {
    throw new Error("envPrefix option contains value '', which could lead unexpected exposure of sensitive information.");
  }
  if (prefixes.some((p) => /\s/.test(p))) {
    console.warn('[vite] Warning: envPrefix option contains values with whitespace, which does not work in practice.');
  }
  return prefixes;
}

// sortUserPlugins splits plugins by enforce: [pre, normal, post].
export function sortUserPlugins(plugins) {
  const pre = [];
  const normal = [];
  const post = [];
  for (const p of plugins ? plugins.flat(Infinity) : []) {
    if (!p) continue;
    if (p.enforce === 'pre') pre.push(p);
    else if (p.enforce === 'post') post.push(p);
    else normal.push(p);
  }
  return [pre, normal, post];
}

// perEnvironmentState keeps one state per environment for a plugin's hooks: state(this) in a hook
// returns initial(environment) the first time that environment asks. Environments are told apart by
// name, because the object a hook sees as this.environment is not the same from call to call here.
export function perEnvironmentState(initial) {
  const states = new Map();
  return function (context) {
    const { environment } = context;
    const key = environment && environment.name !== undefined ? environment.name : environment;
    if (!states.has(key)) states.set(key, initial(environment));
    return states.get(key);
  };
}

// withFilter gives the resolveId, load and transform hooks of a plugin (or of a list, or a promise of
// one) the hook filters of filterObject, as rolldown's withFilter does: with several filter objects,
// or one with pluginNamePattern, only plugins whose name matches a pattern get one.
export function withFilter(pluginOption, filterObject) {
  const list = Array.isArray(filterObject) ? filterObject : [filterObject];
  return applyFilter(pluginOption, list);
}
function applyFilter(option, list) {
  if (option && typeof option.then === 'function') return option.then((p) => applyFilter(p, list));
  if (option == false || option == null) return option;
  if (Array.isArray(option)) return option.map((p) => applyFilter(p, list));
  const index = matchingFilter(option.name, list);
  if (index === -1) return option;
  const filter = list[index];
  for (const key of ['transform', 'resolveId', 'load']) {
    const hook = option[key];
    if (!hook) continue;
    if (typeof hook === 'object') hook.filter = filter[key] ?? hook.filter;
    else option[key] = { handler: hook, filter: filter[key] };
  }
  return option;
}
function matchingFilter(name, list) {
  if (list.length === 1 && list[0].pluginNamePattern === undefined) return 0;
  for (let i = 0; i < list.length; i++) {
    for (const pattern of list[i].pluginNamePattern ?? []) {
      if (typeof pattern === 'string' ? pattern === name : pattern instanceof RegExp && pattern.test(name)) return i;
    }
  }
  return -1;
}

// buildErrorMessage formats an error as Vite's terminal shows it: args, then the plugin, the file
// with line and column, the code frame and the stack's "at" lines.
export function buildErrorMessage(err, args = [], includeStack = true) {
  const pad = (text) => String(text).split(/\r?\n/).map((l) => '  ' + l).join('\n');
  if (err.plugin) args.push('  Plugin: ' + err.plugin);
  const loc = err.loc ? ':' + err.loc.line + ':' + err.loc.column : '';
  if (err.id) args.push('  File: ' + err.id + loc);
  if (err.frame) args.push(pad(err.frame));
  if (includeStack && err.stack) args.push(pad(err.stack.split(/\n/).filter((l) => /^\s*at/.test(l)).join('\n')));
  return args.join('\n');
}

export const defaultClientConditions = ['module', 'browser', 'development|production'];
export const defaultServerConditions = ['module', 'node', 'development|production'];
export const defaultClientMainFields = ['browser', 'module', 'jsnext:main', 'jsnext'];
export const defaultServerMainFields = ['module', 'jsnext:main', 'jsnext'];
export const defaultExternalConditions = ['node', 'module-sync'];
export const defaultAllowedOrigins = /^https?:\/\/(?:(?:[^:]+\.)?localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$/;

function unavailable(name) {
  return function () {
    throw new Error('vite.' + name + '() is not available in config files run by govite');
  };
}
export const build = unavailable('build');
export const createServer = unavailable('createServer');
export const createBuilder = unavailable('createBuilder');
export const preview = unavailable('preview');
export const resolveConfig = unavailable('resolveConfig');
export const loadConfigFromFile = unavailable('loadConfigFromFile');
// transformWithEsbuild and transformWithOxc run esbuild in govite (transformWithOxc's options are
// mapped to esbuild's). The result's map is an object, { mappings: '' } when there is none.
function runTransform(kind, code, filename, options, inMap) {
  const host = globalThis.__govite;
  const json = (v) => (v == null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  const r = host.transform(kind, String(code), String(filename), json(options), json(inMap));
  return {
    code: r.code,
    map: r.map ? JSON.parse(r.map) : { mappings: '' },
    warnings: r.warnings.map((text) => ({ text })),
  };
}
export async function transformWithEsbuild(code, filename, options, inMap) {
  return runTransform('esbuild', code, filename, options, inMap);
}
export async function transformWithOxc(code, filename, options, inMap) {
  return { ...runTransform('oxc', code, filename, options, inMap), errors: [] };
}
export const optimizeDeps = unavailable('optimizeDeps');
export const formatPostcssSourceMap = unavailable('formatPostcssSourceMap');
export const preprocessCSS = unavailable('preprocessCSS');
export const createServerModuleRunner = unavailable('createServerModuleRunner');
// Vite's other exports: importable, so that a config or plugin that names them loads; calling one
// says it is not available.
export const send = unavailable('send');
export const fetchModule = unavailable('fetchModule');
export const runnerImport = unavailable('runnerImport');
export const moduleRunnerTransform = unavailable('moduleRunnerTransform');
export const createServerHotChannel = unavailable('createServerHotChannel');
export const createServerModuleRunnerTransport = unavailable('createServerModuleRunnerTransport');
export const createIdResolver = unavailable('createIdResolver');
export const esmExternalRequirePlugin = unavailable('esmExternalRequirePlugin');
export const isFileServingAllowed = unavailable('isFileServingAllowed');
export const isFileLoadingAllowed = unavailable('isFileLoadingAllowed');
export const parse = unavailable('parse');
export const parseSync = unavailable('parseSync');
export const parseAst = unavailable('parseAst');
export const parseAstAsync = unavailable('parseAstAsync');
export const minify = unavailable('minify');
export const minifySync = unavailable('minifySync');
export const Visitor = unavailable('Visitor');
