export function inherits(ctor, superCtor) {
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  Object.setPrototypeOf(ctor, superCtor);
  ctor.super_ = superCtor;
}
export function promisify(fn) {
  if (typeof fn !== 'function') throw new TypeError('The "original" argument must be of type function');
  return function (...args) {
    return new Promise((resolve, reject) => {
      fn.call(this, ...args, (err, value) => (err ? reject(err) : resolve(value)));
    });
  };
}
export function callbackify(fn) {
  return function (...args) {
    const cb = args.pop();
    fn.apply(this, args).then((v) => cb(null, v), (e) => cb(e));
  };
}
export function format(...args) { return globalThis.__govite_format(args); }
export function inspect(v) { return globalThis.__govite_inspect(v, 1); }
// The options (colors, depth) only change how Node styles the text.
export function formatWithOptions(_options, ...args) { return globalThis.__govite_format(args); }
export function deprecate(fn) { return fn; }
export function debuglog() { const f = function () {}; f.enabled = false; return f; }
export function isDeepStrictEqual(a, b) {
  try { return JSON.stringify(a) === JSON.stringify(b); } catch (e) { return a === b; }
}
export function stripVTControlCharacters(s) { return String(s).replace(/\u001b\[[0-9;]*[A-Za-z]/g, ''); }
export function styleText(_format, text) { return text; }
export const types = {
  isRegExp: (v) => v instanceof RegExp,
  isDate: (v) => v instanceof Date,
  isPromise: (v) => v instanceof Promise,
  isNativeError: (v) => v instanceof Error,
  isMap: (v) => v instanceof Map,
  isSet: (v) => v instanceof Set,
};
export const TextEncoder = globalThis.TextEncoder;
export const TextDecoder = globalThis.TextDecoder;
const util = { inherits, promisify, callbackify, format, formatWithOptions, inspect, deprecate, debuglog, isDeepStrictEqual, stripVTControlCharacters, styleText, types, TextEncoder, TextDecoder };
export default util;
globalThis.__govite_modules.util = util;
