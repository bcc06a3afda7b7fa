// URL and URLSearchParams, following the WHATWG URL standard's basic URL parser (state machine, host
// parsing with IPv4/IPv6, percent-encode sets, setters through state overrides). Internationalized
// domain names go to Go (host.domainToASCII, UTS #46 via golang.org/x/net/idna); all-ASCII hosts never
// leave JavaScript.
(function (host, internals, global) {
  "use strict";

  const { kImpl, kInspect, brand, expose } = internals;

  const specialPorts = { ftp: 21, file: null, http: 80, https: 443, ws: 80, wss: 443 };
  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const isSpecialScheme = (s) => hasOwn(specialPorts, s);
  const isSpecial = (url) => isSpecialScheme(url.scheme);

  // ---- percent-encoding ----

  const c0Set = (cp) => cp < 0x20 || cp > 0x7e;
  const fragmentSet = (cp) => c0Set(cp) || cp === 0x20 || cp === 0x22 || cp === 0x3c || cp === 0x3e || cp === 0x60;
  const querySet = (cp) => c0Set(cp) || cp === 0x20 || cp === 0x22 || cp === 0x23 || cp === 0x3c || cp === 0x3e;
  const specialQuerySet = (cp) => querySet(cp) || cp === 0x27;
  // Without U+005E (^), which newer editions of the standard add: Node (ada) and browsers keep it as is.
  const pathSet = (cp) => querySet(cp) || cp === 0x3f || cp === 0x60 || cp === 0x7b || cp === 0x7d;
  const userinfoSet = (cp) => pathSet(cp) || cp === 0x2f || cp === 0x3a || cp === 0x3b || cp === 0x3d || cp === 0x40 || (cp >= 0x5b && cp <= 0x5d) || cp === 0x7c;
  const componentSet = (cp) => userinfoSet(cp) || (cp >= 0x24 && cp <= 0x26) || cp === 0x2b || cp === 0x2c;
  const formSet = (cp) => componentSet(cp) || cp === 0x21 || (cp >= 0x27 && cp <= 0x29) || cp === 0x7e;

  const hex = "0123456789ABCDEF";
  function pctByte(b) {
    return "%" + hex[b >> 4] + hex[b & 15];
  }

  function utf8Bytes(cp) {
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // a lone surrogate
    if (cp < 0x80) return [cp];
    if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
    if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  }

  // percentEncode encodes one code point (a string of one code point) if the set says so.
  function percentEncode(c, set) {
    const cp = c.codePointAt(0);
    if (!set(cp)) return c;
    let out = "";
    for (const b of utf8Bytes(cp)) out += pctByte(b);
    return out;
  }

  function percentEncodeString(s, set, spaceAsPlus) {
    let out = "";
    for (const c of s) {
      if (spaceAsPlus && c === " ") out += "+";
      else out += percentEncode(c, set);
    }
    return out;
  }

  const isHexDigit = (c) => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

  // percentDecode turns %XX sequences into bytes and decodes the result as UTF-8.
  function percentDecode(s) {
    if (!s.includes("%")) return s;
    const bytes = host.encodeUTF8(s);
    const out = new Uint8Array(bytes.length);
    let n = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x25 && i + 2 < bytes.length && isHexDigit(String.fromCharCode(bytes[i + 1])) && isHexDigit(String.fromCharCode(bytes[i + 2]))) {
        out[n++] = parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16);
        i += 2;
      } else {
        out[n++] = b;
      }
    }
    return host.decodeUTF8(out.subarray(0, n));
  }

  // ---- hosts ----

  const forbiddenHostRe = /[\0\t\n\r #/:<>?@[\\\]^|]/;
  const forbiddenDomainRe = /[\0-\x20#%/:<>?@[\\\]^|\x7f]/;

  function parseIPv4Number(s) {
    if (s === "") return null;
    let radix = 10;
    if (s.length >= 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
      s = s.slice(2);
      radix = 16;
    } else if (s.length >= 2 && s[0] === "0") {
      s = s.slice(1);
      radix = 8;
    }
    if (s === "") return 0;
    const re = radix === 10 ? /^[0-9]+$/ : radix === 16 ? /^[0-9A-Fa-f]+$/ : /^[0-7]+$/;
    if (!re.test(s)) return null;
    return parseInt(s, radix);
  }

  function endsInANumber(input) {
    const parts = input.split(".");
    if (parts[parts.length - 1] === "") {
      if (parts.length === 1) return false;
      parts.pop();
    }
    const last = parts[parts.length - 1];
    if (last !== "" && /^[0-9]+$/.test(last)) return true;
    return parseIPv4Number(last) !== null;
  }

  function parseIPv4(input) {
    const parts = input.split(".");
    if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
    if (parts.length > 4) return null;
    const nums = [];
    for (const p of parts) {
      const n = parseIPv4Number(p);
      if (n === null) return null;
      nums.push(n);
    }
    for (let i = 0; i < nums.length - 1; i++) if (nums[i] > 255) return null;
    if (nums[nums.length - 1] >= Math.pow(256, 5 - nums.length)) return null;
    let ipv4 = nums[nums.length - 1];
    for (let i = 0; i < nums.length - 1; i++) ipv4 += nums[i] * Math.pow(256, 3 - i);
    const out = [];
    for (let i = 0; i < 4; i++) {
      out.unshift(String(ipv4 % 256));
      ipv4 = Math.floor(ipv4 / 256);
    }
    return out.join(".");
  }

  function parseIPv6(input) {
    const address = [0, 0, 0, 0, 0, 0, 0, 0];
    let pieceIndex = 0;
    let compress = null;
    let p = 0;
    const cps = Array.from(input);
    const isDigit = (c) => c !== undefined && c >= "0" && c <= "9";
    if (cps[p] === ":") {
      if (cps[p + 1] !== ":") return null;
      p += 2;
      pieceIndex++;
      compress = pieceIndex;
    }
    while (cps[p] !== undefined) {
      if (pieceIndex === 8) return null;
      if (cps[p] === ":") {
        if (compress !== null) return null;
        p++;
        pieceIndex++;
        compress = pieceIndex;
        continue;
      }
      let value = 0;
      let length = 0;
      while (length < 4 && isHexDigit(cps[p])) {
        value = value * 16 + parseInt(cps[p], 16);
        p++;
        length++;
      }
      if (cps[p] === ".") {
        if (length === 0) return null;
        p -= length;
        if (pieceIndex > 6) return null;
        let numbersSeen = 0;
        while (cps[p] !== undefined) {
          let piece = null;
          if (numbersSeen > 0) {
            if (cps[p] === "." && numbersSeen < 4) p++;
            else return null;
          }
          if (!isDigit(cps[p])) return null;
          while (isDigit(cps[p])) {
            const n = Number(cps[p]);
            if (piece === null) piece = n;
            else if (piece === 0) return null;
            else piece = piece * 10 + n;
            if (piece > 255) return null;
            p++;
          }
          address[pieceIndex] = address[pieceIndex] * 0x100 + piece;
          numbersSeen++;
          if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
        }
        if (numbersSeen !== 4) return null;
        break;
      } else if (cps[p] === ":") {
        p++;
        if (cps[p] === undefined) return null;
      } else if (cps[p] !== undefined) {
        return null;
      }
      address[pieceIndex] = value;
      pieceIndex++;
    }
    if (compress !== null) {
      let swaps = pieceIndex - compress;
      pieceIndex = 7;
      while (pieceIndex !== 0 && swaps > 0) {
        const t = address[pieceIndex];
        address[pieceIndex] = address[compress + swaps - 1];
        address[compress + swaps - 1] = t;
        pieceIndex--;
        swaps--;
      }
    } else if (pieceIndex !== 8) {
      return null;
    }
    return address;
  }

  function serializeIPv6(address) {
    // Compress the first longest run of two or more zero pieces.
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      if (address[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && address[j] === 0) j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    let out = "";
    let ignore0 = false;
    for (let i = 0; i < 8; i++) {
      if (ignore0 && address[i] === 0) continue;
      ignore0 = false;
      if (i === best) {
        out += i === 0 ? "::" : ":";
        ignore0 = true;
        continue;
      }
      out += address[i].toString(16);
      if (i !== 7) out += ":";
    }
    return out;
  }

  function domainToASCII(domain) {
    if (/^[\x00-\x7f]*$/.test(domain) && !/(^|\.)xn--/i.test(domain)) return domain.toLowerCase();
    return host.domainToASCII(domain);
  }

  // parseHost returns the serialized host, or null on failure.
  function parseHost(input, isOpaque) {
    if (input.startsWith("[")) {
      if (!input.endsWith("]")) return null;
      const address = parseIPv6(input.slice(1, -1));
      return address === null ? null : "[" + serializeIPv6(address) + "]";
    }
    if (isOpaque) {
      if (forbiddenHostRe.test(input)) return null;
      return percentEncodeString(input, c0Set);
    }
    const ascii = domainToASCII(percentDecode(input));
    if (ascii === null || ascii === "" || forbiddenDomainRe.test(ascii)) return null;
    if (endsInANumber(ascii)) return parseIPv4(ascii);
    return ascii;
  }

  // ---- the basic URL parser ----

  const SCHEME_START = 1,
    SCHEME = 2,
    NO_SCHEME = 3,
    SPECIAL_RELATIVE_OR_AUTHORITY = 4,
    PATH_OR_AUTHORITY = 5,
    RELATIVE = 6,
    RELATIVE_SLASH = 7,
    SPECIAL_AUTHORITY_SLASHES = 8,
    SPECIAL_AUTHORITY_IGNORE_SLASHES = 9,
    AUTHORITY = 10,
    HOST = 11,
    HOSTNAME = 12,
    PORT = 13,
    FILE = 14,
    FILE_SLASH = 15,
    FILE_HOST = 16,
    PATH_START = 17,
    PATH = 18,
    OPAQUE_PATH = 19,
    QUERY = 20,
    FRAGMENT = 21;

  const isAlpha = (c) => c !== undefined && /^[A-Za-z]$/.test(c);
  const isWindowsDriveLetter = (s) => /^[A-Za-z][:|]$/.test(s);
  const isNormalizedWindowsDriveLetter = (s) => /^[A-Za-z]:$/.test(s);
  const isSingleDot = (s) => s === "." || s.toLowerCase() === "%2e";
  const isDoubleDot = (s) => {
    const l = s.toLowerCase();
    return l === ".." || l === ".%2e" || l === "%2e." || l === "%2e%2e";
  };

  function startsWithWindowsDriveLetter(cps, p) {
    if (cps.length - p < 2) return false;
    if (!isAlpha(cps[p]) || (cps[p + 1] !== ":" && cps[p + 1] !== "|")) return false;
    if (cps.length - p === 2) return true;
    const c = cps[p + 2];
    return c === "/" || c === "\\" || c === "?" || c === "#";
  }

  function shortenPath(url) {
    const path = url.path;
    if (url.scheme === "file" && path.length === 1 && isNormalizedWindowsDriveLetter(path[0])) return;
    path.pop();
  }

  function includesCredentials(url) {
    return url.username !== "" || url.password !== "";
  }

  function newRecord() {
    return { scheme: "", username: "", password: "", host: null, port: null, path: [], query: null, fragment: null };
  }

  // basicParse returns the URL record, or null on failure. With url and stateOverride it modifies url
  // (the setters).
  function basicParse(input, base, url, stateOverride) {
    if (!url) {
      url = newRecord();
      input = input.replace(/^[\0-\x20]+|[\0-\x20]+$/g, "");
    }
    input = input.replace(/[\t\n\r]/g, "");
    let state = stateOverride || SCHEME_START;
    let buffer = "";
    let atSignSeen = false;
    let insideBrackets = false;
    let passwordTokenSeen = false;
    const cps = Array.from(input);
    let p = 0;
    for (;;) {
      const c = cps[p];
      switch (state) {
        case SCHEME_START:
          if (isAlpha(c)) {
            buffer += c.toLowerCase();
            state = SCHEME;
          } else if (!stateOverride) {
            state = NO_SCHEME;
            p--;
          } else return null;
          break;

        case SCHEME:
          if (c !== undefined && /^[A-Za-z0-9+\-.]$/.test(c)) {
            buffer += c.toLowerCase();
          } else if (c === ":") {
            if (stateOverride) {
              if (isSpecial(url) !== isSpecialScheme(buffer)) return url;
              if ((includesCredentials(url) || url.port !== null) && buffer === "file") return url;
              if (url.scheme === "file" && url.host === "") return url;
            }
            url.scheme = buffer;
            if (stateOverride) {
              if (url.port === specialPorts[url.scheme]) url.port = null;
              return url;
            }
            buffer = "";
            if (url.scheme === "file") {
              state = FILE;
            } else if (isSpecial(url) && base && base.scheme === url.scheme) {
              state = SPECIAL_RELATIVE_OR_AUTHORITY;
            } else if (isSpecial(url)) {
              state = SPECIAL_AUTHORITY_SLASHES;
            } else if (cps[p + 1] === "/") {
              state = PATH_OR_AUTHORITY;
              p++;
            } else {
              url.path = "";
              state = OPAQUE_PATH;
            }
          } else if (!stateOverride) {
            buffer = "";
            state = NO_SCHEME;
            p = -1;
          } else return null;
          break;

        case NO_SCHEME:
          if (!base || (typeof base.path === "string" && c !== "#")) return null;
          if (typeof base.path === "string" && c === "#") {
            url.scheme = base.scheme;
            url.path = base.path;
            url.query = base.query;
            url.fragment = "";
            state = FRAGMENT;
          } else if (base.scheme !== "file") {
            state = RELATIVE;
            p--;
          } else {
            state = FILE;
            p--;
          }
          break;

        case SPECIAL_RELATIVE_OR_AUTHORITY:
          if (c === "/" && cps[p + 1] === "/") {
            state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
            p++;
          } else {
            state = RELATIVE;
            p--;
          }
          break;

        case PATH_OR_AUTHORITY:
          if (c === "/") state = AUTHORITY;
          else {
            state = PATH;
            p--;
          }
          break;

        case RELATIVE:
          url.scheme = base.scheme;
          if (c === "/" || (isSpecial(url) && c === "\\")) {
            state = RELATIVE_SLASH;
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            url.path = base.path.slice();
            url.query = base.query;
            if (c === "?") {
              url.query = "";
              state = QUERY;
            } else if (c === "#") {
              url.fragment = "";
              state = FRAGMENT;
            } else if (c !== undefined) {
              url.query = null;
              shortenPath(url);
              state = PATH;
              p--;
            }
          }
          break;

        case RELATIVE_SLASH:
          if (isSpecial(url) && (c === "/" || c === "\\")) {
            state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          } else if (c === "/") {
            state = AUTHORITY;
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            state = PATH;
            p--;
          }
          break;

        case SPECIAL_AUTHORITY_SLASHES:
          state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          if (c === "/" && cps[p + 1] === "/") p++;
          else p--;
          break;

        case SPECIAL_AUTHORITY_IGNORE_SLASHES:
          if (c !== "/" && c !== "\\") {
            state = AUTHORITY;
            p--;
          }
          break;

        case AUTHORITY:
          if (c === "@") {
            if (atSignSeen) buffer = "%40" + buffer;
            atSignSeen = true;
            for (const bc of buffer) {
              if (bc === ":" && !passwordTokenSeen) {
                passwordTokenSeen = true;
                continue;
              }
              const enc = percentEncode(bc, userinfoSet);
              if (passwordTokenSeen) url.password += enc;
              else url.username += enc;
            }
            buffer = "";
          } else if (c === undefined || c === "/" || c === "?" || c === "#" || (isSpecial(url) && c === "\\")) {
            if (atSignSeen && buffer === "") return null;
            p -= Array.from(buffer).length + 1;
            buffer = "";
            state = HOST;
          } else {
            buffer += c;
          }
          break;

        case HOST:
        case HOSTNAME:
          if (stateOverride && url.scheme === "file") {
            p--;
            state = FILE_HOST;
          } else if (c === ":" && !insideBrackets) {
            if (buffer === "") return null;
            if (stateOverride === HOSTNAME) return null;
            const h = parseHost(buffer, !isSpecial(url));
            if (h === null) return null;
            url.host = h;
            buffer = "";
            state = PORT;
          } else if (c === undefined || c === "/" || c === "?" || c === "#" || (isSpecial(url) && c === "\\")) {
            p--;
            if (isSpecial(url) && buffer === "") return null;
            if (stateOverride && buffer === "" && (includesCredentials(url) || url.port !== null)) return null;
            const h = parseHost(buffer, !isSpecial(url));
            if (h === null) return null;
            url.host = h;
            buffer = "";
            state = PATH_START;
            if (stateOverride) return url;
          } else {
            if (c === "[") insideBrackets = true;
            if (c === "]") insideBrackets = false;
            buffer += c;
          }
          break;

        case PORT:
          if (c !== undefined && c >= "0" && c <= "9") {
            buffer += c;
          } else if (c === undefined || c === "/" || c === "?" || c === "#" || (isSpecial(url) && c === "\\") || stateOverride) {
            if (buffer !== "") {
              const port = parseInt(buffer, 10);
              if (port > 65535) return null;
              url.port = isSpecial(url) && port === specialPorts[url.scheme] ? null : port;
              buffer = "";
              if (stateOverride) return url;
            }
            if (stateOverride) return null;
            state = PATH_START;
            p--;
          } else return null;
          break;

        case FILE:
          url.scheme = "file";
          url.host = "";
          if (c === "/" || c === "\\") {
            state = FILE_SLASH;
          } else if (base && base.scheme === "file") {
            url.host = base.host;
            url.path = base.path.slice();
            url.query = base.query;
            if (c === "?") {
              url.query = "";
              state = QUERY;
            } else if (c === "#") {
              url.fragment = "";
              state = FRAGMENT;
            } else if (c !== undefined) {
              url.query = null;
              if (!startsWithWindowsDriveLetter(cps, p)) shortenPath(url);
              else url.path = [];
              state = PATH;
              p--;
            }
          } else {
            state = PATH;
            p--;
          }
          break;

        case FILE_SLASH:
          if (c === "/" || c === "\\") {
            state = FILE_HOST;
          } else {
            if (base && base.scheme === "file") {
              url.host = base.host;
              if (!startsWithWindowsDriveLetter(cps, p) && base.path.length > 0 && isNormalizedWindowsDriveLetter(base.path[0])) {
                url.path.push(base.path[0]);
              }
            }
            state = PATH;
            p--;
          }
          break;

        case FILE_HOST:
          if (c === undefined || c === "/" || c === "\\" || c === "?" || c === "#") {
            p--;
            if (!stateOverride && isWindowsDriveLetter(buffer)) {
              state = PATH;
            } else if (buffer === "") {
              url.host = "";
              if (stateOverride) return url;
              state = PATH_START;
            } else {
              let h = parseHost(buffer, !isSpecial(url));
              if (h === null) return null;
              if (h === "localhost") h = "";
              url.host = h;
              if (stateOverride) return url;
              buffer = "";
              state = PATH_START;
            }
          } else {
            buffer += c;
          }
          break;

        case PATH_START:
          if (isSpecial(url)) {
            state = PATH;
            if (c !== "/" && c !== "\\") p--;
          } else if (!stateOverride && c === "?") {
            url.query = "";
            state = QUERY;
          } else if (!stateOverride && c === "#") {
            url.fragment = "";
            state = FRAGMENT;
          } else if (c !== undefined) {
            state = PATH;
            if (c !== "/") p--;
          } else if (stateOverride && url.host === null) {
            url.path.push("");
          }
          break;

        case PATH: {
          const slash = c === "/" || (isSpecial(url) && c === "\\");
          if (c === undefined || slash || (!stateOverride && (c === "?" || c === "#"))) {
            if (isDoubleDot(buffer)) {
              shortenPath(url);
              if (!slash) url.path.push("");
            } else if (isSingleDot(buffer) && !slash) {
              url.path.push("");
            } else if (!isSingleDot(buffer)) {
              if (url.scheme === "file" && url.path.length === 0 && isWindowsDriveLetter(buffer)) buffer = buffer[0] + ":";
              url.path.push(buffer);
            }
            buffer = "";
            if (c === "?") {
              url.query = "";
              state = QUERY;
            }
            if (c === "#") {
              url.fragment = "";
              state = FRAGMENT;
            }
          } else {
            buffer += percentEncode(c, pathSet);
          }
          break;
        }

        case OPAQUE_PATH:
          if (c === "?") {
            url.query = "";
            state = QUERY;
          } else if (c === "#") {
            url.fragment = "";
            state = FRAGMENT;
          } else if (c !== undefined) {
            url.path += percentEncode(c, c0Set);
          }
          break;

        case QUERY:
          if ((!stateOverride && c === "#") || c === undefined) {
            url.query += percentEncodeString(buffer, isSpecial(url) ? specialQuerySet : querySet);
            buffer = "";
            if (c === "#") {
              url.fragment = "";
              state = FRAGMENT;
            }
          } else {
            buffer += c;
          }
          break;

        case FRAGMENT:
          if (c !== undefined) url.fragment += percentEncode(c, fragmentSet);
          break;
      }
      if (p >= cps.length) break;
      p++;
    }
    return url;
  }

  function serializePath(url) {
    if (typeof url.path === "string") return url.path;
    let out = "";
    for (const seg of url.path) out += "/" + seg;
    return out;
  }

  function serializeURL(url, excludeFragment) {
    let out = url.scheme + ":";
    if (url.host !== null) {
      out += "//";
      if (includesCredentials(url)) {
        out += url.username;
        if (url.password !== "") out += ":" + url.password;
        out += "@";
      }
      out += url.host;
      if (url.port !== null) out += ":" + url.port;
    } else if (typeof url.path !== "string" && url.path.length > 1 && url.path[0] === "") {
      out += "/.";
    }
    out += serializePath(url);
    if (url.query !== null) out += "?" + url.query;
    if (!excludeFragment && url.fragment !== null) out += "#" + url.fragment;
    return out;
  }

  function originOf(url) {
    if (url.scheme === "blob") {
      const inner = typeof url.path === "string" ? basicParse(url.path) : null;
      return inner && (inner.scheme === "http" || inner.scheme === "https") ? originOf(inner) : "null";
    }
    if (isSpecial(url) && url.scheme !== "file") return url.scheme + "://" + url.host + (url.port !== null ? ":" + url.port : "");
    return "null";
  }

  function cannotHaveCredentialsOrPort(url) {
    return url.host === null || url.host === "" || url.scheme === "file";
  }

  // ---- URL ----

  function parseOrThrow(url, base) {
    let baseRec = null;
    if (base !== undefined) {
      baseRec = basicParse(String(base));
      if (baseRec === null) throw new TypeError("Invalid base URL: " + String(base));
    }
    const rec = basicParse(String(url), baseRec);
    if (rec === null) throw new TypeError("Invalid URL: " + String(url) + (base !== undefined ? " (base " + String(base) + ")" : ""));
    return rec;
  }

  class URL {
    constructor(url, base) {
      if (arguments.length === 0) throw new TypeError("URL constructor: At least 1 argument required.");
      this[kImpl] = { rec: parseOrThrow(url, base), params: null };
    }
    static canParse(url, base) {
      try {
        parseOrThrow(url, base);
        return true;
      } catch (e) {
        return false;
      }
    }
    static parse(url, base) {
      try {
        return new URL(url, base);
      } catch (e) {
        return null;
      }
    }
    get href() {
      return serializeURL(this[kImpl].rec);
    }
    set href(value) {
      const rec = basicParse(String(value));
      if (rec === null) throw new TypeError("Invalid URL: " + String(value));
      this[kImpl].rec = rec;
      syncParams(this[kImpl]);
    }
    get origin() {
      return originOf(this[kImpl].rec);
    }
    get protocol() {
      return this[kImpl].rec.scheme + ":";
    }
    set protocol(value) {
      basicParse(String(value) + ":", null, this[kImpl].rec, SCHEME_START);
    }
    get username() {
      return this[kImpl].rec.username;
    }
    set username(value) {
      const rec = this[kImpl].rec;
      if (cannotHaveCredentialsOrPort(rec)) return;
      rec.username = percentEncodeString(String(value), userinfoSet);
    }
    get password() {
      return this[kImpl].rec.password;
    }
    set password(value) {
      const rec = this[kImpl].rec;
      if (cannotHaveCredentialsOrPort(rec)) return;
      rec.password = percentEncodeString(String(value), userinfoSet);
    }
    get host() {
      const rec = this[kImpl].rec;
      if (rec.host === null) return "";
      return rec.port === null ? rec.host : rec.host + ":" + rec.port;
    }
    set host(value) {
      const rec = this[kImpl].rec;
      if (typeof rec.path === "string") return;
      basicParse(String(value), null, rec, HOST);
    }
    get hostname() {
      const h = this[kImpl].rec.host;
      return h === null ? "" : h;
    }
    set hostname(value) {
      const rec = this[kImpl].rec;
      if (typeof rec.path === "string") return;
      basicParse(String(value), null, rec, HOSTNAME);
    }
    get port() {
      const port = this[kImpl].rec.port;
      return port === null ? "" : String(port);
    }
    set port(value) {
      const rec = this[kImpl].rec;
      if (cannotHaveCredentialsOrPort(rec)) return;
      value = String(value);
      if (value === "") rec.port = null;
      else basicParse(value, null, rec, PORT);
    }
    get pathname() {
      return serializePath(this[kImpl].rec);
    }
    set pathname(value) {
      const rec = this[kImpl].rec;
      if (typeof rec.path === "string") return;
      rec.path = [];
      basicParse(String(value), null, rec, PATH_START);
    }
    get search() {
      const q = this[kImpl].rec.query;
      return q === null || q === "" ? "" : "?" + q;
    }
    set search(value) {
      const s = this[kImpl];
      value = String(value);
      if (value === "") {
        s.rec.query = null;
      } else {
        s.rec.query = "";
        basicParse(value[0] === "?" ? value.slice(1) : value, null, s.rec, QUERY);
      }
      syncParams(s);
    }
    get searchParams() {
      const s = this[kImpl];
      if (s.params === null) {
        s.params = new URLSearchParams(s.rec.query === null ? "" : s.rec.query);
        s.params[kImpl].url = s;
      }
      return s.params;
    }
    get hash() {
      const f = this[kImpl].rec.fragment;
      return f === null || f === "" ? "" : "#" + f;
    }
    set hash(value) {
      const rec = this[kImpl].rec;
      value = String(value);
      if (value === "") {
        rec.fragment = null;
        return;
      }
      rec.fragment = "";
      basicParse(value[0] === "#" ? value.slice(1) : value, null, rec, FRAGMENT);
    }
    toString() {
      return this.href;
    }
    toJSON() {
      return this.href;
    }
  }
  brand(URL);
  expose("URL", URL);

  function syncParams(urlState) {
    if (urlState.params !== null) {
      urlState.params[kImpl].list = parseForm(urlState.rec.query === null ? "" : urlState.rec.query);
    }
  }

  // ---- URLSearchParams ----

  function parseForm(input) {
    const list = [];
    for (const seq of input.split("&")) {
      if (seq === "") continue;
      const eq = seq.indexOf("=");
      const name = eq >= 0 ? seq.slice(0, eq) : seq;
      const value = eq >= 0 ? seq.slice(eq + 1) : "";
      list.push([percentDecode(name.replace(/\+/g, " ")), percentDecode(value.replace(/\+/g, " "))]);
    }
    return list;
  }

  function serializeForm(list) {
    return list.map(([k, v]) => percentEncodeString(k, formSet, true) + "=" + percentEncodeString(v, formSet, true)).join("&");
  }

  // toUSV replaces lone surrogates, as WebIDL's USVString conversion does.
  function toUSV(v) {
    const s = String(v);
    return /[\ud800-\udfff]/.test(s) ? s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd") : s;
  }

  class URLSearchParams {
    constructor(init) {
      this[kImpl] = { list: [], url: null };
      if (init === undefined || init === null) return;
      if (typeof init === "object" || typeof init === "function") {
        if (typeof init[Symbol.iterator] === "function") {
          for (const pair of init) {
            const kv = Array.from(pair);
            if (kv.length !== 2) throw new TypeError("URLSearchParams: each pair must have exactly two items");
            this[kImpl].list.push([toUSV(kv[0]), toUSV(kv[1])]);
          }
        } else {
          for (const k of Object.keys(init)) this[kImpl].list.push([toUSV(k), toUSV(init[k])]);
        }
        return;
      }
      let s = toUSV(init);
      if (s[0] === "?") s = s.slice(1);
      this[kImpl].list = parseForm(s);
    }
    get size() {
      return this[kImpl].list.length;
    }
    append(name, value) {
      this[kImpl].list.push([toUSV(name), toUSV(value)]);
      update(this);
    }
    delete(name, value) {
      name = toUSV(name);
      value = value === undefined ? undefined : toUSV(value);
      const s = this[kImpl];
      s.list = s.list.filter(([k, v]) => !(k === name && (value === undefined || v === value)));
      update(this);
    }
    get(name) {
      name = toUSV(name);
      const pair = this[kImpl].list.find(([k]) => k === name);
      return pair ? pair[1] : null;
    }
    getAll(name) {
      name = toUSV(name);
      return this[kImpl].list.filter(([k]) => k === name).map(([, v]) => v);
    }
    has(name, value) {
      name = toUSV(name);
      value = value === undefined ? undefined : toUSV(value);
      return this[kImpl].list.some(([k, v]) => k === name && (value === undefined || v === value));
    }
    set(name, value) {
      name = toUSV(name);
      value = toUSV(value);
      const s = this[kImpl];
      const i = s.list.findIndex(([k]) => k === name);
      if (i < 0) s.list.push([name, value]);
      else {
        s.list[i][1] = value;
        s.list = s.list.filter(([k], j) => j <= i || k !== name);
      }
      update(this);
    }
    sort() {
      // Stable, by UTF-16 code units of the names.
      const s = this[kImpl];
      s.list = s.list.map((p, i) => [p, i]).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map((x) => x[0]);
      update(this);
    }
    forEach(callback, thisArg) {
      if (typeof callback !== "function") throw new TypeError("URLSearchParams.forEach: Argument 1 is not callable.");
      for (const [k, v] of this[kImpl].list.slice()) callback.call(thisArg, v, k, this);
    }
    entries() {
      return this[kImpl].list.map(([k, v]) => [k, v])[Symbol.iterator]();
    }
    keys() {
      return this[kImpl].list.map(([k]) => k)[Symbol.iterator]();
    }
    values() {
      return this[kImpl].list.map(([, v]) => v)[Symbol.iterator]();
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    toString() {
      return serializeForm(this[kImpl].list);
    }
    [kInspect](inspect) {
      const items = this[kImpl].list.map(([k, v]) => inspect(k) + " => " + inspect(v));
      return items.length ? "URLSearchParams { " + items.join(", ") + " }" : "URLSearchParams {}";
    }
  }
  brand(URLSearchParams);
  expose("URLSearchParams", URLSearchParams);

  function update(params) {
    const urlState = params[kImpl].url;
    if (urlState === null) return;
    const s = serializeForm(params[kImpl].list);
    urlState.rec.query = s === "" ? null : s;
  }

  URL.prototype[kInspect] = function (inspect) {
    return "URL { href: " + inspect(this.href) + " }";
  };
});
