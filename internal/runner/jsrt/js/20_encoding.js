// TextEncoder, TextDecoder, TextEncoderStream, TextDecoderStream. The byte work is done in Go
// (host.encodeUTF8, host.newDecoder/host.decode); these classes hold the state and the WebIDL surface.
(function (host, internals, global) {
  "use strict";

  const { kImpl, brand, expose } = internals;

  class TextEncoder {
    get encoding() {
      return "utf-8";
    }
    encode(input = "") {
      return host.encodeUTF8(String(input));
    }
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) throw new TypeError("TextEncoder.encodeInto: Argument 2 must be a Uint8Array.");
      const [read, written] = host.encodeInto(String(source), destination);
      return { read, written };
    }
  }
  brand(TextEncoder);
  expose("TextEncoder", TextEncoder);

  // Labels from the WHATWG Encoding standard for the encodings we decode.
  const labels = new Map();
  for (const l of ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"]) labels.set(l, "utf-8");
  for (const l of ["csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"]) labels.set(l, "utf-16le");
  for (const l of ["unicodefffe", "utf-16be"]) labels.set(l, "utf-16be");
  for (const l of [
    "ansi_x3.4-1968",
    "ascii",
    "cp1252",
    "cp819",
    "csisolatin1",
    "ibm819",
    "iso-8859-1",
    "iso-ir-100",
    "iso8859-1",
    "iso88591",
    "iso_8859-1",
    "iso_8859-1:1987",
    "l1",
    "latin1",
    "us-ascii",
    "windows-1252",
    "x-cp1252",
  ]) {
    labels.set(l, "windows-1252");
  }

  function encodingFor(label) {
    const name = labels.get(String(label).trim().toLowerCase());
    if (!name) throw new RangeError("TextDecoder: the encoding label provided ('" + label + "') is not supported.");
    return name;
  }

  class TextDecoder {
    constructor(label = "utf-8", options) {
      const encoding = encodingFor(label);
      const fatal = !!(options && options.fatal);
      const ignoreBOM = !!(options && options.ignoreBOM);
      this[kImpl] = { encoding, fatal, ignoreBOM, state: host.newDecoder(encoding, fatal, ignoreBOM) };
    }
    get encoding() {
      return this[kImpl].encoding;
    }
    get fatal() {
      return this[kImpl].fatal;
    }
    get ignoreBOM() {
      return this[kImpl].ignoreBOM;
    }
    // decode accepts an ArrayBuffer, any TypedArray or a DataView. With {stream: true}, an incomplete
    // sequence at the end of input is kept for the next call.
    decode(input, options) {
      const stream = !!(options && options.stream);
      if (input !== undefined && !(input instanceof ArrayBuffer) && !ArrayBuffer.isView(input)) {
        throw new TypeError("TextDecoder.decode: Argument 1 must be an ArrayBuffer or an ArrayBufferView.");
      }
      return host.decode(this[kImpl].state, input, stream);
    }
  }
  brand(TextDecoder);
  expose("TextDecoder", TextDecoder);
  internals.decodeUTF8 = host.decodeUTF8;

  class TextEncoderStream {
    constructor() {
      let pending = ""; // a high surrogate waiting for its pair
      const transform = new internals.TransformStream({
        transform(chunk, controller) {
          let s = pending + String(chunk);
          pending = "";
          const last = s.charCodeAt(s.length - 1);
          if (last >= 0xd800 && last <= 0xdbff) {
            pending = s[s.length - 1];
            s = s.slice(0, -1);
          }
          if (s !== "") controller.enqueue(host.encodeUTF8(s));
        },
        flush(controller) {
          if (pending !== "") controller.enqueue(new Uint8Array([0xef, 0xbf, 0xbd]));
        },
      });
      this[kImpl] = { transform };
    }
    get encoding() {
      return "utf-8";
    }
    get readable() {
      return this[kImpl].transform.readable;
    }
    get writable() {
      return this[kImpl].transform.writable;
    }
  }
  brand(TextEncoderStream);
  expose("TextEncoderStream", TextEncoderStream);

  class TextDecoderStream {
    constructor(label = "utf-8", options) {
      const decoder = new TextDecoder(label, options);
      const transform = new internals.TransformStream({
        transform(chunk, controller) {
          const s = decoder.decode(chunk, { stream: true });
          if (s !== "") controller.enqueue(s);
        },
        flush(controller) {
          const s = decoder.decode();
          if (s !== "") controller.enqueue(s);
        },
      });
      this[kImpl] = { decoder, transform };
    }
    get encoding() {
      return this[kImpl].decoder.encoding;
    }
    get fatal() {
      return this[kImpl].decoder.fatal;
    }
    get ignoreBOM() {
      return this[kImpl].decoder.ignoreBOM;
    }
    get readable() {
      return this[kImpl].transform.readable;
    }
    get writable() {
      return this[kImpl].transform.writable;
    }
  }
  brand(TextDecoderStream);
  expose("TextDecoderStream", TextDecoderStream);
});
