// The error overlay: a <vite-error-overlay> custom element with a shadow root
// that shows a server error (plugin, message, file:line:column, code frame,
// stack). Source() puts this file after the options line and before client.js,
// so it can read `hmrOptions`.

const overlayTag = "vite-error-overlay";

const cspNonce =
  typeof document !== "undefined"
    ? document.querySelector("meta[property=csp-nonce]")?.nonce || undefined
    : undefined;

const overlayCSS = `
:host {
  position: fixed;
  inset: 0;
  z-index: 99999;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  --bg: #1b1b1f;
  --fg: #dcdcdc;
  --red: #ff6464;
  --yellow: #e8b45a;
  --purple: #c9a7ff;
  --cyan: #3ed3d6;
  --dim: #b8b8b8;
}
.backdrop {
  position: fixed;
  inset: 0;
  overflow-y: auto;
  background: rgba(0, 0, 0, 0.6);
  margin: 0;
}
.window {
  box-sizing: border-box;
  max-width: 80vw;
  margin: 32px auto;
  padding: 24px 32px;
  background: var(--bg);
  color: var(--fg);
  font-family: var(--mono);
  line-height: 1.5;
  border-top: 6px solid var(--red);
  border-radius: 6px;
  box-shadow: 0 16px 40px rgba(0, 0, 0, 0.4);
  text-align: left;
  direction: ltr;
}
pre {
  font-family: var(--mono);
  font-size: 15px;
  margin: 0 0 1em;
  overflow-x: auto;
}
pre:empty { display: none; }
.message { white-space: pre-wrap; font-weight: 400; }
.message-body { color: var(--red); }
.plugin { color: var(--purple); }
.file { color: var(--cyan); white-space: pre-wrap; word-break: break-all; }
.frame { color: var(--yellow); }
.stack { font-size: 13px; color: var(--dim); }
.tip {
  font-size: 13px;
  color: #999;
  border-top: 1px dotted #777;
  padding-top: 12px;
}
code { font-family: var(--mono); color: var(--yellow); }
kbd {
  font-family: var(--mono);
  font-size: 12px;
  padding: 1px 4px;
  border: 1px solid #555;
  border-radius: 3px;
}
.file-link { text-decoration: underline; cursor: pointer; }
`;

// el builds an element: el("pre", {class: "x"}, child, "text", ...).
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const name in attrs || {}) {
    if (attrs[name] != null) node.setAttribute(name, attrs[name]);
  }
  node.append(...children);
  return node;
}

// fileLocationRE finds "path:line:column" references in a stack or location.
const fileLocationRE = /(?:file:\/\/)?(?:[a-zA-Z]:\\|\/)[^\s():]*?:\d+:\d+/g;

// isFrameLine reports whether a line looks like a code frame line
// ("  3 | code", "> 4 | code" or "    |   ^").
function isFrameLine(line) {
  return /^\s*>?\s*\d+\s*\|/.test(line) || /^\s*\|\s*\^/.test(line);
}

const HTMLElementBase = globalThis.HTMLElement || class {};

class ErrorOverlay extends HTMLElementBase {
  constructor(err, links = true) {
    super();
    err = err || {};
    this.root = this.attachShadow({ mode: "open" });
    const part = (tag, name, ...children) => el(tag, { class: name, part: name }, ...children);
    this.root.append(
      part(
        "div",
        "backdrop",
        part(
          "div",
          "window",
          part("pre", "message", part("span", "plugin"), part("span", "message-body")),
          part("pre", "file"),
          part("pre", "frame"),
          part("pre", "stack"),
          part(
            "div",
            "tip",
            "Click outside, press ",
            el("kbd", null, "Esc"),
            " or fix the code to dismiss.",
            el("br"),
            "You can also disable this overlay by setting ",
            el("code", { part: "config-option-name" }, "server.hmr.overlay"),
            " to ",
            el("code", { part: "config-option-value" }, "false"),
            " in ",
            el("code", { part: "config-file-name" }, "vite.config.js"),
            ".",
          ),
        ),
      ),
      el("style", { nonce: cspNonce }, overlayCSS),
    );

    const message = String(err.message ?? "");
    const frame = typeof err.frame === "string" ? err.frame : "";
    const hasFrame = frame.split(/\r?\n/).some(isFrameLine);
    // The code frame is shown on its own; drop its lines from the message.
    const body = hasFrame
      ? message.split(/\r?\n/).filter((line) => !isFrameLine(line)).join("\n")
      : message;
    if (err.plugin) this.text(".plugin", `[plugin:${err.plugin}] `);
    this.text(".message-body", body.trim());
    const file = String(err.loc?.file || err.id || "unknown file").split("?")[0];
    if (err.loc) {
      this.text(".file", `${file}:${err.loc.line}:${err.loc.column}`, links);
    } else if (err.id) {
      this.text(".file", file);
    }
    if (hasFrame) this.text(".frame", frame.trim());
    if (err.stack) this.text(".stack", String(err.stack), links);

    this.root.querySelector(".window").addEventListener("click", (e) => e.stopPropagation());
    this.addEventListener("click", () => this.close());
    this.onKeydown = (e) => {
      if (e.key === "Escape" || e.code === "Escape") this.close();
    };
    document.addEventListener("keydown", this.onKeydown);
  }

  // text sets the text of the element matching selector; with linkFiles,
  // file:line:column references become links that open the editor.
  text(selector, text, linkFiles = false) {
    const node = this.root.querySelector(selector);
    if (!linkFiles) {
      node.textContent = text;
      return;
    }
    node.textContent = "";
    let last = 0;
    fileLocationRE.lastIndex = 0;
    for (let m; (m = fileLocationRE.exec(text)); ) {
      node.append(text.slice(last, m.index));
      const file = m[0];
      const link = el("a", { class: "file-link" }, file);
      link.addEventListener("click", () => {
        const url = new URL(`${hmrOptions.base}__open-in-editor?file=${encodeURIComponent(file)}`, import.meta.url);
        fetch(url).catch(() => {});
      });
      node.append(link);
      last = m.index + file.length;
    }
    node.append(text.slice(last));
  }

  close() {
    this.parentNode?.removeChild(this);
    document.removeEventListener("keydown", this.onKeydown);
  }
}

if (globalThis.customElements && !globalThis.customElements.get(overlayTag)) {
  globalThis.customElements.define(overlayTag, ErrorOverlay);
}
