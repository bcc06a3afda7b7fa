// The Buffer global of config files run by govite: a Uint8Array subclass with the parts of Node's Buffer
// configs use (Buffer.from, alloc, concat, isBuffer, byteLength, toString with an encoding, equals,
// indexOf / includes, toJSON). fs.readFileSync without an encoding returns one, as in Node, so binary
// files (a .pfx certificate, say) keep their bytes. Encoding and decoding run in Go.
(function () {
  var host = globalThis.__govite;
  var encodings = {
    utf8: 'utf8', 'utf-8': 'utf8', latin1: 'latin1', binary: 'latin1', ascii: 'ascii', base64: 'base64',
    base64url: 'base64url', hex: 'hex', utf16le: 'utf16le', 'utf-16le': 'utf16le', ucs2: 'utf16le', 'ucs-2': 'utf16le',
  };
  function encodingOf(e) {
    if (e === undefined || e === null) return 'utf8';
    var n = encodings[String(e).toLowerCase()];
    if (!n) {
      var err = new TypeError('Unknown encoding: ' + e);
      err.code = 'ERR_UNKNOWN_ENCODING';
      throw err;
    }
    return n;
  }

  class Buffer extends Uint8Array {
    static from(value, encodingOrOffset, length) {
      if (typeof value === 'string') return new Buffer(host.bufferEncode(value, encodingOf(encodingOrOffset)));
      if (value instanceof ArrayBuffer) {
        var off = encodingOrOffset === undefined ? 0 : Number(encodingOrOffset);
        return new Buffer(value, off, length === undefined ? value.byteLength - off : Number(length));
      }
      if (ArrayBuffer.isView(value) || Array.isArray(value)) {
        var b = new Buffer(value.length);
        b.set(value);
        return b;
      }
      if (value && value.type === 'Buffer' && Array.isArray(value.data)) return Buffer.from(value.data);
      if (value && typeof value.valueOf === 'function') {
        var prim = value.valueOf();
        if (prim !== value && prim !== undefined && prim !== null) return Buffer.from(prim, encodingOrOffset, length);
      }
      throw new TypeError('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object');
    }
    static alloc(size, fill, encoding) {
      var b = new Buffer(size);
      if (fill !== undefined && fill !== 0) b.fill(fill, 0, b.length, encoding);
      return b;
    }
    static allocUnsafe(size) { return new Buffer(size); }
    static allocUnsafeSlow(size) { return new Buffer(size); }
    static isBuffer(b) { return b instanceof Buffer; }
    static isEncoding(e) { return typeof e === 'string' && Object.prototype.hasOwnProperty.call(encodings, e.toLowerCase()); }
    static byteLength(v, encoding) {
      if (typeof v === 'string') return Buffer.from(v, encoding).length;
      return v.byteLength;
    }
    static concat(list, total) {
      if (total === undefined) total = list.reduce(function (n, b) { return n + b.length; }, 0);
      var out = Buffer.alloc(total);
      var at = 0;
      for (var i = 0; i < list.length && at < total; i++) {
        var b = list[i];
        var n = Math.min(b.length, total - at);
        out.set(n === b.length ? b : b.subarray(0, n), at);
        at += n;
      }
      return out;
    }
    static compare(a, b) { return a.compare(b); }

    toString(encoding, start, end) {
      var view = (start === undefined && end === undefined) ? this : this.subarray(start || 0, end === undefined ? this.length : end);
      return host.bufferDecode(view, encodingOf(encoding));
    }
    toLocaleString(encoding, start, end) { return this.toString(encoding, start, end); }
    toJSON() { return { type: 'Buffer', data: Array.prototype.slice.call(this) }; }
    equals(other) { return this.compare(other) === 0; }
    compare(other) {
      var n = Math.min(this.length, other.length);
      for (var i = 0; i < n; i++) {
        if (this[i] !== other[i]) return this[i] < other[i] ? -1 : 1;
      }
      return this.length === other.length ? 0 : (this.length < other.length ? -1 : 1);
    }
    slice(start, end) { return this.subarray(start, end); }
    fill(value, start, end, encoding) {
      if (typeof value === 'string') {
        var bytes = Buffer.from(value, encoding);
        start = start === undefined ? 0 : start;
        end = end === undefined ? this.length : end;
        for (var i = start, j = 0; i < end && bytes.length > 0; i++, j = (j + 1) % bytes.length) this[i] = bytes[j];
        return this;
      }
      return Uint8Array.prototype.fill.call(this, value, start, end);
    }
    indexOf(value, byteOffset, encoding) {
      if (typeof value === 'number') return Uint8Array.prototype.indexOf.call(this, value, byteOffset);
      var needle = typeof value === 'string' ? Buffer.from(value, encoding) : value;
      var from = byteOffset === undefined ? 0 : (byteOffset < 0 ? Math.max(this.length + byteOffset, 0) : byteOffset);
      outer: for (var i = from; i + needle.length <= this.length; i++) {
        for (var j = 0; j < needle.length; j++) {
          if (this[i + j] !== needle[j]) continue outer;
        }
        return i;
      }
      return -1;
    }
    includes(value, byteOffset, encoding) { return this.indexOf(value, byteOffset, encoding) !== -1; }
    copy(target, targetStart, sourceStart, sourceEnd) {
      targetStart = targetStart || 0;
      var src = this.subarray(sourceStart || 0, sourceEnd === undefined ? this.length : sourceEnd);
      var n = Math.min(src.length, target.length - targetStart);
      target.set(n === src.length ? src : src.subarray(0, n), targetStart);
      return n;
    }
    write(string, offset, length, encoding) {
      if (typeof offset === 'string') { encoding = offset; offset = 0; length = undefined; }
      else if (typeof length === 'string') { encoding = length; length = undefined; }
      offset = offset || 0;
      var bytes = Buffer.from(string, encoding);
      var n = Math.min(bytes.length, this.length - offset, length === undefined ? Infinity : length);
      this.set(bytes.subarray(0, n), offset);
      return n;
    }
  }

  globalThis.Buffer = Buffer;
  globalThis.__govite_modules = globalThis.__govite_modules || {};
  globalThis.__govite_modules.buffer = { Buffer: Buffer, constants: { MAX_LENGTH: 4294967296, MAX_STRING_LENGTH: 536870888 }, kMaxLength: 4294967296 };
})();
