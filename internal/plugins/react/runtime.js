// govite's React Fast Refresh runtime, served at /@react-refresh.
//
// It speaks the protocol React's renderers offer to a refresh runtime through the DevTools global
// hook: a renderer calls hook.inject(internals) when it loads, and internals.setRefreshHandler,
// internals.scheduleRefresh and internals.scheduleRoot let us swap component implementations. Modules
// compiled by govite's React plugin register their components (register) and hook signatures
// (createSignatureFunctionForTransform); performReactRefresh then tells every mounted root which
// component families were edited and whether their state can be kept.

const FORWARD_REF = Symbol.for("react.forward_ref");
const MEMO = Symbol.for("react.memo");
const global = typeof window !== "undefined" ? window : globalThis;

// A family is { current }: the latest implementation of one component across edits. React asks for
// the family of a type through the handler given to setRefreshHandler.
const familyById = new Map();
const familyOfType = new WeakMap();
// Only types that were edited are answered to React, so that lookups stay cheap.
const editedFamilyOfType = new WeakMap();
const signatureOfType = new WeakMap();
// [family, newType] pairs registered since the last refresh.
let queue = [];

const renderers = new Map(); // renderer id -> internals
const rendererOfRoot = new Map(); // FiberRoot -> internals
const liveRoots = new Set();
const crashedRoots = new Set(); // roots that unmounted with an error: remounted on the next edit
const elementOfRoot = new WeakMap();
let refreshing = false;

function prop(object, key) {
  try {
    return object[key];
  } catch {
    return undefined;
  }
}

function innerType(type) {
  if (type !== null && typeof type === "object") {
    switch (prop(type, "$$typeof")) {
      case FORWARD_REF:
        return ["$render", type.render];
      case MEMO:
        return ["$type", type.type];
    }
  }
  return null;
}

/** register records that type is the implementation of the component called id (module + name). */
export function register(type, id) {
  if (type === null || (typeof type !== "function" && typeof type !== "object")) return;
  // A type keeps its first family (a HOC may hand back a cached component).
  if (familyOfType.has(type)) return;
  let family = familyById.get(id);
  if (family === undefined) {
    family = { current: type };
    familyById.set(id, family);
  } else {
    queue.push([family, type]);
  }
  familyOfType.set(type, family);
  const inner = innerType(type);
  if (inner) register(inner[1], id + inner[0]);
}

/** getRefreshReg returns a $RefreshReg$ for the module with the given id. */
export function getRefreshReg(filename) {
  return (type, id) => register(type, filename + " " + id);
}

function setSignature(type, key, forceReset, getCustomHooks) {
  if (!signatureOfType.has(type)) {
    signatureOfType.set(type, {
      ownKey: key,
      forceReset: !!forceReset,
      getCustomHooks: typeof getCustomHooks === "function" ? getCustomHooks : () => [],
      fullKey: null,
    });
  }
  const inner = innerType(type);
  if (inner) setSignature(inner[1], key, forceReset, getCustomHooks);
}

// fullKey is the signature's key followed by the keys of the custom hooks it calls, computed once.
function fullKey(sig) {
  if (sig.fullKey !== null) return sig.fullKey;
  let key = sig.ownKey;
  let hooks;
  try {
    hooks = sig.getCustomHooks();
  } catch {
    // A hook that cannot be reached yet: assume the worst.
    sig.forceReset = true;
    return (sig.fullKey = key);
  }
  for (const hook of hooks) {
    if (typeof hook !== "function") {
      sig.forceReset = true;
      return (sig.fullKey = key);
    }
    const nested = signatureOfType.get(hook);
    // A hook without a signature comes from a library: it does not change while we run.
    if (nested === undefined) continue;
    key += "\n---\n" + fullKey(nested);
    if (nested.forceReset) sig.forceReset = true;
  }
  return (sig.fullKey = key);
}

/**
 * createSignatureFunctionForTransform returns the _s function of one component:
 * _s(type, key, forceReset, getCustomHooks) attaches the signature at module evaluation (the first
 * such call names the component itself, later ones its wrappers), and _s() inside the component's
 * body, on its first render, computes the full key while the custom hooks it calls are still the
 * ones it was written against.
 */
export function createSignatureFunctionForTransform() {
  let own;
  let hasCustomHooks = false;
  let collected = false;
  return function (type, key, forceReset, getCustomHooks) {
    if (typeof key === "string") {
      if (own === undefined) {
        own = type;
        hasCustomHooks = typeof getCustomHooks === "function";
      }
      if (type != null && (typeof type === "function" || typeof type === "object")) {
        setSignature(type, key, forceReset, getCustomHooks);
      }
      return type;
    }
    if (!collected && hasCustomHooks) {
      collected = true;
      const sig = signatureOfType.get(own);
      if (sig) fullKey(sig);
    }
  };
}

function isClassComponent(type) {
  return !!(type && type.prototype && type.prototype.isReactComponent);
}

// canKeepState tells whether a component edited from prev to next may keep its state.
function canKeepState(prev, next) {
  if (isClassComponent(prev) || isClassComponent(next)) return false;
  if (typeof prev !== typeof next) return false;
  if (typeof prev === "object" && prev !== null && next !== null) {
    const kind = prop(prev, "$$typeof");
    if (kind !== prop(next, "$$typeof")) return false;
    // memo with and without a compare function are different fibers.
    if (kind === MEMO && (prop(prev, "compare") === null) !== (prop(next, "compare") === null)) return false;
  }
  const a = signatureOfType.get(prev);
  const b = signatureOfType.get(next);
  if (a === undefined && b === undefined) return true;
  if (a === undefined || b === undefined) return false;
  if (fullKey(a) !== fullKey(b)) return false;
  return !b.forceReset;
}

function resolveFamily(type) {
  return editedFamilyOfType.get(type);
}

/**
 * performReactRefresh applies the components registered since the last call: families whose
 * signature changed are remounted (staleFamilies), the others re-render with their state
 * (updatedFamilies). It returns that update, or null when there was nothing to do.
 */
export function performReactRefresh() {
  if (queue.length === 0 || refreshing) return null;
  refreshing = true;
  try {
    const updatedFamilies = new Set();
    const staleFamilies = new Set();
    const pending = queue;
    queue = [];
    for (const [family, next] of pending) {
      const prev = family.current;
      editedFamilyOfType.set(prev, family);
      editedFamilyOfType.set(next, family);
      family.current = next;
      (canKeepState(prev, next) ? updatedFamilies : staleFamilies).add(family);
    }
    const update = { updatedFamilies, staleFamilies };
    for (const internals of renderers.values()) internals.setRefreshHandler(resolveFamily);

    let firstError;
    let failed = false;
    const remember = (err) => {
      if (!failed) {
        failed = true;
        firstError = err;
      }
    };
    // Work on copies: commits during the refresh change these sets.
    const roots = new Map(rendererOfRoot);
    for (const root of new Set(crashedRoots)) {
      const internals = roots.get(root);
      if (internals === undefined) throw new Error("React Refresh: no renderer for a root");
      if (!elementOfRoot.has(root)) continue;
      try {
        internals.scheduleRoot(root, elementOfRoot.get(root));
      } catch (err) {
        remember(err);
      }
    }
    for (const root of new Set(liveRoots)) {
      const internals = roots.get(root);
      if (internals === undefined) throw new Error("React Refresh: no renderer for a root");
      try {
        internals.scheduleRefresh(root, update);
      } catch (err) {
        remember(err);
      }
    }
    if (failed) throw firstError;
    return update;
  } finally {
    refreshing = false;
  }
}

function supportsRefresh(internals) {
  return typeof internals.scheduleRefresh === "function" && typeof internals.setRefreshHandler === "function";
}

/**
 * injectIntoGlobalHook installs the DevTools global hook on globalObject, or wraps the one already
 * there (React DevTools), so that renderers are kept when they inject themselves and roots are
 * tracked as they commit. It must run before React DOM is loaded.
 */
export function injectIntoGlobalHook(globalObject) {
  let hook = globalObject.__REACT_DEVTOOLS_GLOBAL_HOOK__;
  if (hook === undefined) {
    let nextId = 0;
    hook = globalObject.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
      renderers: new Map(),
      supportsFiber: true,
      inject() {
        return nextId++;
      },
      onScheduleFiberRoot() {},
      onCommitFiberRoot() {},
      onCommitFiberUnmount() {},
    };
  }
  if (hook.__goviteRefresh) return;
  if (hook.isDisabled) {
    console.warn(
      "The React DevTools global hook (__REACT_DEVTOOLS_GLOBAL_HOOK__) is disabled; Fast Refresh is off.",
    );
    return;
  }
  hook.__goviteRefresh = true;

  const inject = hook.inject;
  hook.inject = function (internals) {
    const id = inject.apply(this, arguments);
    if (internals && supportsRefresh(internals)) renderers.set(id, internals);
    return id;
  };
  // Renderers that came before us.
  if (hook.renderers && typeof hook.renderers.forEach === "function") {
    hook.renderers.forEach((internals, id) => {
      if (internals && supportsRefresh(internals)) renderers.set(id, internals);
    });
  }

  const onScheduleFiberRoot = hook.onScheduleFiberRoot || function () {};
  hook.onScheduleFiberRoot = function (id, root, children) {
    if (!refreshing) {
      // Scheduled by the app (a render or an unmount): nothing to restore.
      crashedRoots.delete(root);
      elementOfRoot.set(root, children);
    }
    return onScheduleFiberRoot.apply(this, arguments);
  };

  const onCommitFiberRoot = hook.onCommitFiberRoot || function () {};
  hook.onCommitFiberRoot = function (id, root, priority, didError) {
    const internals = renderers.get(id);
    if (internals !== undefined) {
      rendererOfRoot.set(root, internals);
      const current = root.current;
      const alternate = current.alternate;
      const isMounted = current.memoizedState != null && current.memoizedState.element != null;
      if (alternate === null) {
        liveRoots.add(root);
      } else {
        const wasMounted =
          alternate.memoizedState != null && alternate.memoizedState.element != null && liveRoots.has(root);
        if (!wasMounted && isMounted) {
          liveRoots.add(root);
          crashedRoots.delete(root);
        } else if (wasMounted && !isMounted) {
          liveRoots.delete(root);
          if (didError) crashedRoots.add(root);
          else rendererOfRoot.delete(root);
        } else if (!wasMounted && !isMounted && didError) {
          crashedRoots.add(root);
        }
      }
    }
    return onCommitFiberRoot.apply(this, arguments);
  };
}

/** hasUnrecoverableErrors is part of react-refresh's API; errors are recovered on the next edit. */
export function hasUnrecoverableErrors() {
  return false;
}

export function getFamilyByID(id) {
  return familyById.get(id);
}

export function getFamilyByType(type) {
  return familyOfType.get(type);
}

/** isLikelyComponentType guesses whether a value exported by a module is a React component. */
export function isLikelyComponentType(type) {
  if (typeof type === "function") {
    const proto = type.prototype;
    if (proto != null) {
      if (proto.isReactComponent) return true;
      const own = Object.getOwnPropertyNames(proto);
      // A class with methods, or a subclass, is not a function component.
      if (own.length > 1 || own[0] !== "constructor") return false;
      if (Object.getPrototypeOf(proto) !== Object.prototype) return false;
    }
    const name = type.name || type.displayName;
    return typeof name === "string" && /^[A-Z]/.test(name);
  }
  if (type !== null && typeof type === "object") {
    const kind = prop(type, "$$typeof");
    return kind === FORWARD_REF || kind === MEMO;
  }
  return false;
}

function isPlainObject(value) {
  if (Object.prototype.toString.call(value) !== "[object Object]") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// A compound component is a plain object of components: export const Tabs = { List, Panel }.
function isCompoundComponent(value) {
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    if (!isLikelyComponentType(value[key])) return false;
  }
  return true;
}

/**
 * registerExportsForReactRefresh registers what a module exports that looks like a component, also
 * what the transform could not see (components made by factories such as styled-components).
 */
export function registerExportsForReactRefresh(filename, moduleExports) {
  for (const key in moduleExports) {
    if (key === "__esModule") continue;
    const value = moduleExports[key];
    // "export" in the id keeps a renamed export apart from a local component of the same name.
    if (isLikelyComponentType(value)) {
      register(value, filename + " export " + key);
    } else if (isCompoundComponent(value)) {
      for (const sub in value) register(value[sub], filename + " export " + key + "-" + sub);
    }
  }
}

// Hooks of other tools (React Router's Vite plugin uses them): run before each refresh, and exports
// a module may change without losing Fast Refresh.
const beforeRefresh = [];
global.__registerBeforePerformReactRefresh = (cb) => {
  beforeRefresh.push(cb);
};

let timer;
function enqueueUpdate() {
  // Several modules of one HMR update each enqueue: refresh once, after they all ran.
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (beforeRefresh.length) await Promise.all(beforeRefresh.map((cb) => cb()));
    performReactRefresh();
  }, 16);
}

/**
 * validateRefreshBoundaryAndEnqueueUpdate compares the exports of a module before and after an edit.
 * When every export is a component (or an unchanged value) and none was added or removed, it
 * schedules a refresh and returns undefined; otherwise it returns why the update cannot be applied
 * in place, for import.meta.hot.invalidate.
 */
export function validateRefreshBoundaryAndEnqueueUpdate(id, prevExports, nextExports) {
  const ignored = (global.__getReactRefreshIgnoredExports && global.__getReactRefreshIgnoredExports({ id })) || [];
  for (const key in prevExports) {
    if (ignored.includes(key)) continue;
    if (!(key in nextExports)) return `Could not Fast Refresh (export "${key}" removed)`;
  }
  let exportsSomething = false;
  for (const key in nextExports) {
    if (ignored.includes(key)) continue;
    exportsSomething = true;
    if (!(key in prevExports)) return `Could not Fast Refresh (export "${key}" added)`;
    const next = nextExports[key];
    if (isLikelyComponentType(next)) continue;
    const prev = prevExports[key];
    if (isCompoundComponent(next)) {
      if (!isCompoundComponent(prev)) return `Could not Fast Refresh (compound component "${key}" added)`;
      for (const sub in prev) {
        if (!(sub in next)) return `Could not Fast Refresh (compound component "${key}.${sub}" removed)`;
      }
      for (const sub in next) {
        if (!(sub in prev)) return `Could not Fast Refresh (compound component "${key}.${sub}" added)`;
      }
      continue;
    }
    if (prev !== next) {
      return `Could not Fast Refresh ("${key}" export is incompatible). Learn more at https://github.com/vitejs/vite-plugin-react/tree/main/packages/plugin-react#consistent-components-exports`;
    }
  }
  if (!exportsSomething) return "No exports";
  enqueueUpdate();
  return undefined;
}

/** __hmr_import imports a module by URL; kept here so that the import stays out of the module's code. */
export const __hmr_import = (url) => import(/* @vite-ignore */ url);

export default {
  injectIntoGlobalHook,
  register,
  getRefreshReg,
  createSignatureFunctionForTransform,
  performReactRefresh,
  isLikelyComponentType,
  registerExportsForReactRefresh,
  validateRefreshBoundaryAndEnqueueUpdate,
  hasUnrecoverableErrors,
  getFamilyByID,
  getFamilyByType,
  __hmr_import,
};
