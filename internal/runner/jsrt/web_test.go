package jsrt

import (
	"regexp"
	"testing"
)

func TestStructuredClone(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const out = [];
		const shared = { s: 1 };
		const src = {
			n: 1, s: "str", b: true, nul: null, u: undefined, big: 12n,
			date: new Date(1000), re: /x+/gi, map: new Map([["k", shared]]), set: new Set([shared, 2]),
			arr: [1, shared, [2]], buf: new Uint8Array([1, 2, 3]).buffer, view: new Int16Array([5, -5]),
			err: new RangeError("bad", { cause: "c" }), boxed: new String("boxed"), a: shared, b2: shared,
		};
		src.self = src;
		const c = structuredClone(src);
		out.push(c !== src, c.self === c, c.a === c.b2, c.a !== shared, c.map.get("k") === c.a, c.set.has(c.a), c.arr[1] === c.a);
		out.push(c.n, c.s, c.b, c.nul, "u" in c, c.u, typeof c.big, c.date instanceof Date, c.date.getTime(), c.re.source, c.re.flags);
		out.push(c.buf instanceof ArrayBuffer, Array.from(new Uint8Array(c.buf)), c.view instanceof Int16Array, Array.from(c.view));
		out.push(c.err instanceof RangeError, c.err.message, c.err.cause, c.boxed instanceof String, String(c.boxed));
		// Typed arrays over one buffer keep sharing it.
		const buf = new ArrayBuffer(4);
		const pair = structuredClone([new Uint8Array(buf, 0, 2), new Uint8Array(buf, 2, 2)]);
		pair[0][0] = 7;
		out.push(pair[0].buffer === pair[1].buffer, new Uint8Array(buf)[0]);
		// Class instances become plain objects; getters are read.
		class P { constructor() { this.x = 1 } get y() { return 2 } }
		const p = structuredClone(new P());
		out.push(p instanceof P, Object.getPrototypeOf(p) === Object.prototype, p.x, p.y);
		for (const bad of [() => structuredClone(() => 1), () => structuredClone({ f() {} }), () => structuredClone(Symbol("s")), () => structuredClone(new WeakMap()), () => structuredClone(new Headers())]) {
			try { bad(); out.push("no error") } catch (e) { out.push(e.name + " " + (e instanceof DOMException) + " " + e.code) }
		}
		try { structuredClone() } catch (e) { out.push(e.name) }
		const de = structuredClone(new DOMException("gone", "AbortError"));
		out.push(de instanceof DOMException, de.name, de.message, de.code);
		out`)
	expectJSON(t, got, `[true, true, true, true, true, true, true,
		1, "str", true, null, true, null, "bigint", true, 1000, "x+", "gi",
		true, [1,2,3], true, [5,-5],
		true, "bad", "c", true, "boxed",
		true, 0,
		false, true, 1, null,
		"DataCloneError true 25", "DataCloneError true 25", "DataCloneError true 25", "DataCloneError true 25", "DataCloneError true 25", "TypeError",
		true, "AbortError", "gone", 20]`)
}

func TestBase64(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const out = [btoa("hello"), btoa(""), btoa("\u00ff\u00fe"), atob("aGVsbG8="), atob("aGVsbG8"), atob(" aGVs\nbG8= "), atob("YQ"), atob("YR=="),
			Array.from(atob("//4="), c => c.charCodeAt(0)), btoa(123), atob(null).length];
		for (const bad of [() => btoa("€"), () => atob("a"), () => atob("aGVsbG8=="), () => atob("a*bc"), () => atob("ab=c")]) {
			try { bad(); out.push("no error") } catch (e) { out.push(e.name + " " + (e instanceof DOMException) + " " + e.code) }
		}
		try { btoa() } catch (e) { out.push(e.name) }
		out`)
	expectJSON(t, got, `["aGVsbG8=", "", "//4=", "hello", "hello", "hello", "a", "a", [255, 254], "MTIz", 3,
		"InvalidCharacterError true 5", "InvalidCharacterError true 5", "InvalidCharacterError true 5", "InvalidCharacterError true 5", "InvalidCharacterError true 5", "TypeError"]`)
}

func TestCrypto(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const out = [];
		const a = new Uint8Array(64);
		const same = crypto.getRandomValues(a);
		out.push(same === a, a.some(x => x !== 0));
		const u32 = crypto.getRandomValues(new Uint32Array(4));
		out.push(u32.some(x => x !== 0));
		out.push(crypto.getRandomValues(new Uint8Array(65536)).length);
		for (const bad of [() => crypto.getRandomValues(new Uint8Array(65537)), () => crypto.getRandomValues(new Float64Array(1)), () => crypto.getRandomValues([1])]) {
			try { bad(); out.push("no error") } catch (e) { out.push(e.name + " " + (e instanceof DOMException)) }
		}
		const ids = new Set();
		for (let i = 0; i < 100; i++) ids.add(crypto.randomUUID());
		out.push(ids.size, crypto.randomUUID(), typeof crypto.subtle);
		out`)
	var out []any
	mustUnmarshal(t, got, &out)
	expectJSON(t, mustMarshal(t, out[:8]), `[true, true, true, 65536, "QuotaExceededError true", "TypeMismatchError true", "TypeMismatchError true", 100]`)
	if uuid, _ := out[8].(string); !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(uuid) {
		t.Errorf("randomUUID: %q", uuid)
	}
	if out[9] != "undefined" {
		t.Errorf("crypto.subtle should be absent, got %v", out[9])
	}
}

func TestAbortController(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const out = [];
		const ac = new AbortController();
		const s = ac.signal;
		out.push(s.aborted, s.reason, s instanceof EventTarget);
		s.onabort = (e) => out.push("onabort " + e.type + " " + (e.target === s));
		s.addEventListener("abort", () => out.push("listener"), { once: true });
		ac.abort();
		ac.abort("again");
		out.push(s.aborted, s.reason.name, s.reason.message);
		try { s.throwIfAborted() } catch (e) { out.push("threw " + e.name) }
		const c2 = new AbortController();
		c2.abort({ custom: 1 });
		out.push(c2.signal.reason.custom);
		const pre = AbortSignal.abort("pre");
		out.push(pre.aborted, pre.reason, AbortSignal.abort().reason.name);
		const x = new AbortController(), y = new AbortController();
		const any = AbortSignal.any([x.signal, y.signal]);
		y.abort("from y");
		out.push(any.aborted, any.reason);
		try { new AbortSignal() } catch (e) { out.push(e.name) }
		// A listener registered with a signal is removed when that signal aborts.
		const target = new EventTarget();
		const remover = new AbortController();
		target.addEventListener("ping", () => out.push("ping"), { signal: remover.signal });
		target.dispatchEvent(new Event("ping"));
		remover.abort();
		target.dispatchEvent(new Event("ping"));
		out`)
	expectJSON(t, got, `[false, null, true, "onabort abort true", "listener", true, "AbortError", "This operation was aborted", "threw AbortError",
		1, true, "pre", "AbortError", true, "from y", "TypeError", "ping"]`)
}

func TestEventTarget(t *testing.T) {
	rt, logs := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const out = [];
		const t = new EventTarget();
		const fn = function (e) { out.push("fn " + e.type + " " + (this === t) + " " + (e.currentTarget === t) + " " + e.eventPhase) };
		t.addEventListener("x", fn);
		t.addEventListener("x", fn); // duplicate ignored
		t.addEventListener("x", { handleEvent(e) { out.push("object " + e.type) } });
		t.addEventListener("x", () => { throw new Error("listener threw") });
		t.addEventListener("x", (e) => { out.push("after throw"); e.stopImmediatePropagation() });
		t.addEventListener("x", () => out.push("not reached"));
		t.addEventListener("x", () => out.push("once"), { once: true });
		const ev = new Event("x", { cancelable: true });
		out.push(t.dispatchEvent(ev), ev.target === t, ev.currentTarget, ev.eventPhase);
		t.removeEventListener("x", fn);
		const cancel = new Event("y", { cancelable: true });
		t.addEventListener("y", (e) => e.preventDefault());
		out.push(t.dispatchEvent(cancel), cancel.defaultPrevented);
		const passive = new Event("z", { cancelable: true });
		t.addEventListener("z", (e) => e.preventDefault(), { passive: true });
		out.push(t.dispatchEvent(passive));
		const ce = new CustomEvent("c", { detail: { d: 1 } });
		out.push(ce.detail.d, ce instanceof Event, new CustomEvent("c").detail);
		try { new Event() } catch (e) { out.push(e.name) }
		try { t.dispatchEvent({ type: "fake" }) } catch (e) { out.push(e.name) }
		class MyTarget extends EventTarget {}
		const m = new MyTarget();
		m.addEventListener("m", (e) => out.push("subclass " + e.type));
		m.dispatchEvent(new Event("m"));
		out`)
	expectJSON(t, got, `["fn x true true 2", "object x", "after throw", true, true, null, 0, false, true, true, 1, true, null, "TypeError", "TypeError", "subclass m"]`)
	msgs := logs.messages()
	if len(msgs) != 1 || !regexp.MustCompile(`^Uncaught Error: listener threw`).MatchString(msgs[0]) {
		t.Errorf("a throwing listener should be reported: %q", msgs)
	}
}

func TestDOMException(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const e = new DOMException("msg", "NotFoundError");
		const d = new DOMException();
		const o = new DOMException("with cause", { name: "DataError", cause: 1 });
		[e.name, e.message, e.code, e instanceof Error, e instanceof DOMException, String(e), typeof e.stack,
		 d.name, d.message, d.code, o.name, o.cause, DOMException.ABORT_ERR, DOMException.URL_MISMATCH_ERR, DOMException.DATA_CLONE_ERR,
		 Object.prototype.toString.call(e)]`)
	expectJSON(t, got, `["NotFoundError", "msg", 8, true, true, "NotFoundError: msg", "string", "Error", "", 0, "DataError", 1, 20, 21, 25, "[object DOMException]"]`)
}

func TestURL(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const u = new URL("https://user:pw@Example.com:8443/a/./b/../c?x=1&y=2#frag");
		const out = [u.href, u.protocol, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.origin, u.username];
		u.searchParams.append("z", "a b");
		out.push(u.search, new URL("../d?q", "http://h.com/a/b/c").href, String(new URL("http://h.com")), JSON.stringify({ u: new URL("http://h.com/x") }));
		const p = new URLSearchParams("a=1&b=2&a=3");
		out.push(p.getAll("a"), p.get("b"), p.has("c"), [...p.keys()], p.toString());
		p.sort(); p.delete("b");
		out.push(p.toString(), new URLSearchParams({ k: "v w" }).toString(), new URLSearchParams([["x", "1"]]).get("x"));
		try { new URL("no scheme") } catch (e) { out.push(e.name) }
		out`)
	expectJSON(t, got, `["https://user:pw@example.com:8443/a/c?x=1&y=2#frag", "https:", "example.com:8443", "example.com", "8443", "/a/c", "?x=1&y=2", "#frag", "https://example.com:8443", "user",
		"?x=1&y=2&z=a+b", "http://h.com/a/d?q", "http://h.com/", "{\"u\":\"http://h.com/x\"}",
		["1","3"], "2", false, ["a","b","a"], "a=1&b=2&a=3",
		"a=1&a=3", "k=v+w", "1", "TypeError"]`)
}
