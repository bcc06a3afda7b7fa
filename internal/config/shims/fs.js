// node:fs for config files run by govite: the reading half, synchronous and promise-based.
const host = globalThis.__govite;

function toPath(p) {
  if (typeof p === 'string') return p;
  if (p && typeof p.href === 'string') return host.fileURLToPath(p.href);
  if (p && typeof p.toString === 'function') return p.toString();
  throw new TypeError('The "path" argument must be of type string or an instance of URL');
}

class Stats {
  constructor(s) {
    this._type = s.type;
    this.size = s.size;
    this.mode = s.mode;
    this.mtimeMs = s.mtimeMs;
    this.atimeMs = this.ctimeMs = this.birthtimeMs = s.mtimeMs;
    this.mtime = this.atime = this.ctime = this.birthtime = new Date(s.mtimeMs);
  }
  isFile() { return this._type === 'file'; }
  isDirectory() { return this._type === 'dir'; }
  isSymbolicLink() { return this._type === 'symlink'; }
  isFIFO() { return false; }
  isSocket() { return false; }
  isBlockDevice() { return false; }
  isCharacterDevice() { return false; }
}

class Dirent {
  constructor(e, dir) {
    this.name = e.name;
    this._type = e.type;
    this.parentPath = this.path = dir;
  }
  isFile() { return this._type === 'file'; }
  isDirectory() { return this._type === 'dir'; }
  isSymbolicLink() { return this._type === 'symlink'; }
  isFIFO() { return false; }
  isSocket() { return false; }
  isBlockDevice() { return false; }
  isCharacterDevice() { return false; }
}

// As in Node, a Buffer without an encoding (so binary files keep their bytes; JSON.parse and string
// concatenation decode it as UTF-8), a string with one.
export function readFileSync(p, options) {
  const encoding = typeof options === 'string' ? options : options && options.encoding;
  if (!encoding) return Buffer.from(host.readFileBytes(toPath(p)));
  if (/^utf-?8$/i.test(encoding)) return host.readFile(toPath(p));
  return Buffer.from(host.readFileBytes(toPath(p))).toString(encoding);
}

export function existsSync(p) {
  try {
    return host.exists(toPath(p));
  } catch (e) {
    return false;
  }
}

function statWith(p, opts, lstat) {
  try {
    return new Stats(host.stat(toPath(p), lstat));
  } catch (e) {
    if (opts && opts.throwIfNoEntry === false && e.code === 'ENOENT') return undefined;
    throw e;
  }
}

export function statSync(p, opts) {
  return statWith(p, opts, false);
}

export function lstatSync(p, opts) {
  return statWith(p, opts, true);
}

export function readdirSync(p, opts) {
  const dir = toPath(p);
  const entries = host.readdir(dir);
  if (opts && typeof opts === 'object' && opts.withFileTypes) return entries.map((e) => new Dirent(e, dir));
  return entries.map((e) => e.name);
}

export function realpathSync(p) {
  return host.realpath(toPath(p));
}
realpathSync.native = realpathSync;

export function accessSync(p) {
  host.stat(toPath(p), false);
}

export const constants = { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 };

// Writing: inside the project only (the host says so otherwise).
function bytesOf(data, options) {
  if (typeof data === 'string') {
    const encoding = typeof options === 'string' ? options : options && options.encoding;
    return !encoding || /^utf-?8$/i.test(encoding) ? data : Buffer.from(data, encoding).buffer;
  }
  if (data instanceof ArrayBuffer) return data;
  if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  return String(data);
}
export function writeFileSync(p, data, options) { host.writeFile(toPath(p), bytesOf(data, options), false); }
export function appendFileSync(p, data, options) { host.writeFile(toPath(p), bytesOf(data, options), true); }
export function mkdirSync(p, options) {
  const recursive = !!(options && options.recursive);
  host.mkdir(toPath(p), recursive);
  return recursive ? toPath(p) : undefined;
}
export function rmSync(p, options) { host.rm(toPath(p), !!(options && options.recursive), !!(options && options.force)); }
export function unlinkSync(p) { host.rm(toPath(p), false, false); }

function promisify(fn) {
  return function (...args) {
    try {
      return Promise.resolve(fn(...args));
    } catch (e) {
      return Promise.reject(e);
    }
  };
}

export const promises = {
  readFile: promisify(readFileSync),
  stat: promisify(statSync),
  lstat: promisify(lstatSync),
  readdir: promisify(readdirSync),
  realpath: promisify(realpathSync),
  access: promisify(accessSync),
  writeFile: promisify(writeFileSync),
  appendFile: promisify(appendFileSync),
  mkdir: promisify(mkdirSync),
  rm: promisify(rmSync),
  unlink: promisify(unlinkSync),
  constants,
};

// Callback forms.
function callbackify(fn) {
  return function (...args) {
    const cb = typeof args[args.length - 1] === 'function' ? args.pop() : null;
    let res, err = null;
    try {
      res = fn(...args);
    } catch (e) {
      err = e;
    }
    if (cb) Promise.resolve().then(() => cb(err, res));
  };
}
export const readFile = callbackify(readFileSync);
export const stat = callbackify(statSync);
export const lstat = callbackify(lstatSync);
export const readdir = callbackify(readdirSync);
export const realpath = callbackify(realpathSync);
export const access = callbackify(accessSync);
export const writeFile = callbackify(writeFileSync);
export const mkdir = callbackify(mkdirSync);
export function exists(p, cb) {
  const r = existsSync(p);
  Promise.resolve().then(() => cb(r));
}

const fs = {
  readFileSync, existsSync, statSync, lstatSync, readdirSync, realpathSync, accessSync, constants,
  writeFileSync, appendFileSync, mkdirSync, rmSync, unlinkSync, writeFile, mkdir, promises, readFile, stat, lstat, readdir, realpath, access, exists,
  Stats, Dirent,
};
export default fs;
globalThis.__govite_modules.fs = fs;
globalThis.__govite_modules['fs/promises'] = promises;
