// The `vite` module as config files see it when govite runs them: the helpers configs call, implemented
// without Node. Whether or not the real `vite` package is installed, imports of `vite` resolve here.
import path from 'node:path';

const host = globalThis.__govite;

export const version = '8.0.0';
export const rollupVersion = '4.0.0';
export const esbuildVersion = '0.28.2';

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
function mergeAlias(a, b) {
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
export const transformWithEsbuild = unavailable('transformWithEsbuild');
export const transformWithOxc = unavailable('transformWithOxc');
export const optimizeDeps = unavailable('optimizeDeps');
export const formatPostcssSourceMap = unavailable('formatPostcssSourceMap');
export const preprocessCSS = unavailable('preprocessCSS');
export const createServerModuleRunner = unavailable('createServerModuleRunner');
