// node:module: createRequire returns a require() for the Node built-ins govite provides, and for JSON
// files (a package's package.json, most often), which it reads from disk as Node does. JavaScript
// packages cannot be loaded at run time: they are bundled ahead of time from static imports.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import 'node:process';
import 'node:os';
import 'node:events';
import 'node:util';
import 'node:assert';
import 'node:crypto';

const jsonFiles = {};

export function createRequire(from) {
  let file = typeof from === 'string' ? from : from && from.href;
  if (typeof file === 'string' && file.startsWith('file:')) file = fileURLToPath(file);
  const dir = typeof file === 'string' ? (file.endsWith('/') ? file : path.dirname(file)) : undefined;
  const req = (name) => {
    const bare = String(name).replace(/^node:/, '');
    if (!globalThis.__govite_modules[bare] && dir !== undefined) {
      let file;
      try { file = globalThis.__govite_resolve(name, dir); } catch (e) { file = undefined; }
      if (typeof file === 'string' && file.endsWith('.json')) {
        if (!(file in jsonFiles)) jsonFiles[file] = JSON.parse(fs.readFileSync(file, 'utf8'));
        return jsonFiles[file];
      }
    }
    return globalThis.__govite_require(name);
  };
  req.resolve = (name) => globalThis.__govite_resolve(name, dir);
  req.cache = {};
  return req;
}
export const builtinModules = [
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console', 'constants', 'crypto', 'dgram',
  'diagnostics_channel', 'dns', 'domain', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'inspector',
  'module', 'net', 'os', 'path', 'path/posix', 'path/win32', 'perf_hooks', 'process', 'punycode', 'querystring',
  'readline', 'repl', 'stream', 'stream/promises', 'string_decoder', 'sys', 'timers', 'tls', 'trace_events',
  'tty', 'url', 'util', 'v8', 'vm', 'wasi', 'worker_threads', 'zlib',
];
export function isBuiltin(name) {
  return builtinModules.includes(String(name).replace(/^node:/, ''));
}
const mod = { createRequire, builtinModules, isBuiltin };
export default mod;
globalThis.__govite_modules.module = mod;
