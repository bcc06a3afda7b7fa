// MessageChannel, MessagePort and MessageEvent. A message is structured-cloned when posted and delivered
// as a macrotask of the event loop (host.postTask), which is what React's scheduler relies on: work
// posted through a MessageChannel runs after the current task and its microtasks.
(function (host, internals, global) {
  "use strict";

  const { kImpl, kCreate, brand, expose, defineEventHandler, dispatch } = internals;

  class MessageEvent extends Event {
    constructor(type, init) {
      super(type, init);
      const opts = init == null ? {} : init;
      const e = this[kImpl];
      e.data = opts.data === undefined ? null : opts.data;
      e.origin = opts.origin === undefined ? "" : String(opts.origin);
      e.lastEventId = opts.lastEventId === undefined ? "" : String(opts.lastEventId);
      e.source = opts.source === undefined ? null : opts.source;
      e.ports = opts.ports === undefined ? [] : Array.from(opts.ports);
    }
    get data() {
      return this[kImpl].data;
    }
    get origin() {
      return this[kImpl].origin;
    }
    get lastEventId() {
      return this[kImpl].lastEventId;
    }
    get source() {
      return this[kImpl].source;
    }
    get ports() {
      return this[kImpl].ports;
    }
  }
  brand(MessageEvent);
  expose("MessageEvent", MessageEvent);

  class MessagePort extends EventTarget {
    constructor(token) {
      if (token !== kCreate) throw new TypeError("Illegal constructor");
      super();
      // queue holds messages that arrived before the port was started.
      this[kImpl] = { other: null, started: false, closed: false, queue: [] };
    }
    postMessage(message, transfer) {
      const s = this[kImpl];
      const data = structuredClone(message);
      if (s.closed || s.other === null) return;
      const target = s.other;
      host.postTask(() => deliver(target, data));
    }
    start() {
      const s = this[kImpl];
      if (s.started || s.closed) return;
      s.started = true;
      const queued = s.queue;
      s.queue = [];
      for (const data of queued) host.postTask(() => deliver(this, data));
    }
    close() {
      const s = this[kImpl];
      s.closed = true;
      s.queue = [];
      if (s.other !== null) {
        s.other[kImpl].other = null;
        s.other = null;
      }
    }
  }
  // Setting onmessage starts the port, as in browsers (addEventListener does not).
  defineEventHandler(MessagePort.prototype, "message", (port, fn) => {
    if (fn !== null) port.start();
  });
  defineEventHandler(MessagePort.prototype, "messageerror");
  brand(MessagePort);
  expose("MessagePort", MessagePort);

  function deliver(port, data) {
    const s = port[kImpl];
    if (s.closed) return;
    if (!s.started) {
      s.queue.push(data);
      return;
    }
    dispatch(port, new MessageEvent("message", { data }));
  }

  class MessageChannel {
    constructor() {
      const port1 = new MessagePort(kCreate);
      const port2 = new MessagePort(kCreate);
      port1[kImpl].other = port2;
      port2[kImpl].other = port1;
      this[kImpl] = { port1, port2 };
    }
    get port1() {
      return this[kImpl].port1;
    }
    get port2() {
      return this[kImpl].port2;
    }
  }
  brand(MessageChannel);
  expose("MessageChannel", MessageChannel);
});
