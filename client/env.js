// /@vite/env: applies the config's `define` entries (other than
// import.meta.env.*) to the global object, so that code the server does not
// transform still sees them. A key "a.b.c" sets globalThis.a.b.c, creating
// the objects on the way.
const defines = __DEFINES__;
for (const key of Object.keys(defines)) {
  // import.meta.env.* is replaced in the code itself, never a global.
  if (key.startsWith("import.meta.")) continue;
  const parts = key.split(".");
  let target = globalThis;
  for (const part of parts.slice(0, -1)) {
    if (target[part] == null) target[part] = {};
    target = target[part];
  }
  target[parts[parts.length - 1]] = defines[key];
}
