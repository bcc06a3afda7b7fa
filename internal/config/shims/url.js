// node:url for config files run by govite.
const host = globalThis.__govite;

export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;

export function fileURLToPath(u) {
  const href = typeof u === 'string' ? u : u && u.href;
  if (typeof href !== 'string') throw new TypeError('The "path" argument must be of type string or an instance of URL');
  return host.fileURLToPath(href);
}

export function pathToFileURL(p) {
  return new URL(host.pathToFileURL(String(p)));
}

export function format(u) {
  return typeof u === 'string' ? u : u && u.href !== undefined ? u.href : String(u);
}

export function parse(s) {
  const u = new URL(s, 'file:///');
  return {
    href: u.href, protocol: u.protocol, host: u.host, hostname: u.hostname, port: u.port || null,
    pathname: u.pathname, search: u.search || null, query: u.search ? u.search.slice(1) : null, hash: u.hash || null,
    path: u.pathname + u.search,
  };
}

export function resolve(from, to) {
  return new URL(to, new URL(from, 'resolve://')).href.replace(/^resolve:\/\//, '');
}

const url = { URL, URLSearchParams, fileURLToPath, pathToFileURL, format, parse, resolve };
export default url;
globalThis.__govite_modules.url = url;
