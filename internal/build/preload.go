package build

import (
	"strconv"
)

// preloadHelperCode is the module behind __vitePreload: before running a dynamic import it adds
// <link rel="modulepreload"> for the chunks the imported chunk needs and <link rel="stylesheet"> for
// its CSS, and waits for the CSS, so a lazy view never renders unstyled. A failed preload dispatches
// the cancelable `vite:preloadError` event on window, as Vite documents.
func (b *builder) preloadHelperCode() string {
	var toURL string
	if b.relativeBase() {
		toURL = `(dep, importerUrl) => new URL(dep, importerUrl).href`
	} else {
		toURL = `(dep) => ` + strconv.Quote(b.cfg.Base) + ` + dep`
	}
	relList := `"modulepreload"`
	return `const assetsURL = ` + toURL + `;
const seen = {};
const preloadRel = ` + relList + `;
function preloadError(err) {
  const e = new Event("vite:preloadError", { cancelable: true });
  e.payload = err;
  window.dispatchEvent(e);
  if (!e.defaultPrevented) throw err;
}
export function __vitePreload(load, deps, importerUrl) {
  let ready = Promise.resolve();
  if (deps && deps.length > 0 && typeof document !== "undefined") {
    const nonceMeta = document.querySelector("meta[property=csp-nonce]");
    const nonce = nonceMeta && (nonceMeta.nonce || nonceMeta.getAttribute("nonce"));
    ready = Promise.allSettled(deps.map((dep) => {
      dep = assetsURL(dep, importerUrl);
      if (dep in seen) return;
      seen[dep] = true;
      const isCss = dep.endsWith(".css");
      for (const link of document.querySelectorAll(isCss ? 'link[rel="stylesheet"]' : "link")) {
        if (link.href === dep) return;
      }
      const link = document.createElement("link");
      link.rel = isCss ? "stylesheet" : preloadRel;
      if (!isCss) link.as = "script";
      link.crossOrigin = "";
      link.href = dep;
      if (nonce) link.setAttribute("nonce", nonce);
      document.head.appendChild(link);
      if (isCss) {
        return new Promise((resolve, reject) => {
          link.addEventListener("load", resolve);
          link.addEventListener("error", () => reject(new Error("Unable to preload CSS for " + dep)));
        });
      }
    }));
  }
  return ready.then((results) => {
    for (const r of results || []) {
      if (r.status === "rejected") preloadError(r.reason);
    }
    return load().catch(preloadError);
  });
}
`
}

// modulePreloadPolyfill makes <link rel="modulepreload"> work in browsers that lack it, by fetching
// such links itself so the module is in the HTTP cache when it is imported.
const modulePreloadPolyfill = `(function polyfillModulePreload() {
  const relList = document.createElement("link").relList;
  if (relList && relList.supports && relList.supports("modulepreload")) return;
  for (const link of document.querySelectorAll('link[rel="modulepreload"]')) preload(link);
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type !== "childList") continue;
      for (const node of m.addedNodes) {
        if (node.tagName === "LINK" && node.rel === "modulepreload") preload(node);
      }
    }
  }).observe(document, { childList: true, subtree: true });
  function fetchOptions(link) {
    const opts = {};
    if (link.integrity) opts.integrity = link.integrity;
    if (link.referrerPolicy) opts.referrerPolicy = link.referrerPolicy;
    if (link.crossOrigin === "use-credentials") opts.credentials = "include";
    else if (link.crossOrigin === "anonymous") opts.credentials = "omit";
    else opts.credentials = "same-origin";
    return opts;
  }
  function preload(link) {
    if (link.ep) return;
    link.ep = true;
    fetch(link.href, fetchOptions(link));
  }
})();
`
