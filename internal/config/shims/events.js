export class EventEmitter {
  constructor() { this._events = {}; this._max = 10; }
  on(ev, fn) { (this._ev()[ev] = this._ev()[ev] || []).push(fn); return this; }
  addListener(ev, fn) { return this.on(ev, fn); }
  prependListener(ev, fn) { (this._ev()[ev] = this._ev()[ev] || []).unshift(fn); return this; }
  once(ev, fn) {
    const wrapped = (...args) => { this.off(ev, wrapped); fn.apply(this, args); };
    wrapped.listener = fn;
    return this.on(ev, wrapped);
  }
  off(ev, fn) {
    const l = this._ev()[ev];
    if (l) this._ev()[ev] = l.filter((f) => f !== fn && f.listener !== fn);
    return this;
  }
  removeListener(ev, fn) { return this.off(ev, fn); }
  removeAllListeners(ev) { if (ev === undefined) this._events = {}; else delete this._ev()[ev]; return this; }
  emit(ev, ...args) {
    const l = this._ev()[ev];
    if (!l || l.length === 0) {
      if (ev === 'error') throw args[0] instanceof Error ? args[0] : new Error('Unhandled error event');
      return false;
    }
    for (const f of l.slice()) f.apply(this, args);
    return true;
  }
  listeners(ev) { return (this._ev()[ev] || []).map((f) => f.listener || f); }
  rawListeners(ev) { return (this._ev()[ev] || []).slice(); }
  listenerCount(ev) { return (this._ev()[ev] || []).length; }
  eventNames() { return Object.keys(this._ev()); }
  setMaxListeners(n) { this._max = n; return this; }
  getMaxListeners() { return this._max; }
  _ev() { if (!this._events) this._events = {}; return this._events; }
}
EventEmitter.EventEmitter = EventEmitter;
EventEmitter.defaultMaxListeners = 10;
EventEmitter.once = function (emitter, ev) {
  return new Promise((resolve) => emitter.once(ev, (...args) => resolve(args)));
};
export const once = EventEmitter.once;
export default EventEmitter;
globalThis.__govite_modules.events = EventEmitter;
