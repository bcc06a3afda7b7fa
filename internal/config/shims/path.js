// node:path for config files run by govite: the POSIX implementation (govite normalises paths to "/").
function assertPath(p, name) {
  if (typeof p !== 'string') throw new TypeError('The "' + (name || 'path') + '" argument must be of type string. Received ' + (p === null ? 'null' : typeof p));
}

function normalizeString(p, allowAboveRoot) {
  const out = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (allowAboveRoot) out.push('..');
      continue;
    }
    out.push(seg);
  }
  return out.join('/');
}

export const sep = '/';
export const delimiter = ':';

export function isAbsolute(p) {
  assertPath(p);
  return p.length > 0 && p[0] === '/';
}

export function normalize(p) {
  assertPath(p);
  if (p === '') return '.';
  const abs = p[0] === '/';
  const trailing = p[p.length - 1] === '/';
  let s = normalizeString(p, !abs);
  if (s === '' && !abs) s = '.';
  if (s !== '' && trailing) s += '/';
  return abs ? '/' + s : s;
}

export function join(...parts) {
  const kept = [];
  for (const p of parts) {
    assertPath(p);
    if (p !== '') kept.push(p);
  }
  return kept.length === 0 ? '.' : normalize(kept.join('/'));
}

export function resolve(...parts) {
  let resolved = '';
  let abs = false;
  for (let i = parts.length - 1; i >= -1 && !abs; i--) {
    const p = i >= 0 ? parts[i] : globalThis.process.cwd();
    assertPath(p);
    if (p === '') continue;
    resolved = p + '/' + resolved;
    abs = p[0] === '/';
  }
  resolved = normalizeString(resolved, !abs);
  if (abs) return '/' + resolved;
  return resolved.length > 0 ? resolved : '.';
}

export function relative(from, to) {
  assertPath(from, 'from');
  assertPath(to, 'to');
  if (from === to) return '';
  from = resolve(from);
  to = resolve(to);
  if (from === to) return '';
  const f = from.split('/').filter(Boolean);
  const t = to.split('/').filter(Boolean);
  let i = 0;
  while (i < f.length && i < t.length && f[i] === t[i]) i++;
  return f.slice(i).map(() => '..').concat(t.slice(i)).join('/');
}

export function dirname(p) {
  assertPath(p);
  if (p === '') return '.';
  let end = p.length;
  while (end > 1 && p[end - 1] === '/') end--;
  const i = p.lastIndexOf('/', end - 1);
  if (i < 0) return '.';
  if (i === 0) return '/';
  let d = p.slice(0, i);
  while (d.length > 1 && d[d.length - 1] === '/') d = d.slice(0, -1);
  return d;
}

export function basename(p, ext) {
  assertPath(p);
  let end = p.length;
  while (end > 0 && p[end - 1] === '/') end--;
  if (end === 0) return '';
  let base = p.slice(p.lastIndexOf('/', end - 1) + 1, end);
  if (ext !== undefined && ext !== base && base.endsWith(ext)) base = base.slice(0, base.length - ext.length);
  return base;
}

export function extname(p) {
  assertPath(p);
  const base = basename(p);
  const i = base.lastIndexOf('.');
  if (i <= 0 || i === base.length - 1 && base.length === 1) return '';
  return base.slice(i);
}

export function parse(p) {
  assertPath(p);
  const root = p[0] === '/' ? '/' : '';
  const base = basename(p);
  const ext = extname(p);
  let dir = dirname(p);
  if (dir === '.' && !p.includes('/')) dir = '';
  return { root, dir, base, ext, name: ext ? base.slice(0, base.length - ext.length) : base };
}

export function format(o) {
  const dir = o.dir || o.root || '';
  const base = o.base || (o.name || '') + (o.ext ? (o.ext[0] === '.' ? '' : '.') + o.ext : '');
  if (!dir) return base;
  return dir === o.root ? dir + base : dir + '/' + base;
}

export function toNamespacedPath(p) {
  return p;
}

export function matchesGlob() {
  throw new Error('path.matchesGlob() is not available in config files run by govite');
}

const path = {
  sep, delimiter, isAbsolute, normalize, join, resolve, relative, dirname, basename, extname, parse, format,
  toNamespacedPath, matchesGlob,
};
path.posix = path;
path.win32 = path;
export const posix = path;
export const win32 = path;
export default path;

globalThis.__govite_modules.path = path;
globalThis.__govite_modules['path/posix'] = path;
