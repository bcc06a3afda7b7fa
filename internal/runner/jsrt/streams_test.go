package jsrt

import (
	"context"
	"testing"

	"github.com/dop251/goja"
	"github.com/evanw/esbuild/pkg/api"
)

func TestReadableStreamDefault(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		(async () => {
			const out = [];
			let pulls = 0;
			const s = new ReadableStream({
				start(c) { c.enqueue("a"); out.push("desired after enqueue " + c.desiredSize) },
				pull(c) { pulls++; if (pulls === 3) c.close(); else c.enqueue("p" + pulls) },
			}, { highWaterMark: 2 });
			out.push(s.locked);
			const reader = s.getReader();
			out.push(s.locked);
			try { s.getReader(); out.push("no error") } catch (e) { out.push(e.name) }
			const got = [];
			for (let r = await reader.read(); !r.done; r = await reader.read()) got.push(r.value);
			out.push(got, await reader.closed, (await reader.read()).done);
			reader.releaseLock();
			out.push(s.locked);
			try { await reader.read(); out.push("no error") } catch (e) { out.push(e.name) }

			// error() rejects pending reads and reader.closed.
			let ctrl;
			const es = new ReadableStream({ start(c) { ctrl = c } });
			const er = es.getReader();
			const pending = er.read();
			ctrl.error(new Error("boom"));
			try { await pending } catch (e) { out.push("read: " + e.message) }
			try { await er.closed } catch (e) { out.push("closed: " + e.message) }

			// cancel() calls the source's cancel with the reason and resolves pending reads as done.
			let cancelReason;
			const cs = new ReadableStream({ cancel(r) { cancelReason = r } });
			const cr = cs.getReader();
			const waiting = cr.read();
			await cr.cancel("enough");
			out.push(cancelReason, (await waiting).done);
			try { await new ReadableStream().getReader() && new ReadableStream({ start(c) { c.close() } }).cancel(); out.push("ok") } catch (e) { out.push(e.name) }

			// A throwing start propagates from the constructor; a rejecting pull errors the stream.
			try { new ReadableStream({ start() { throw new Error("start failed") } }) } catch (e) { out.push(e.message) }
			const ps = new ReadableStream({ pull() { return Promise.reject(new Error("pull failed")) } });
			try { await ps.getReader().read() } catch (e) { out.push(e.message) }
			// Strategy size.
			let sc;
			new ReadableStream({ start(c) { sc = c; c.enqueue("abc") } }, new CountQueuingStrategy({ highWaterMark: 4 }));
			out.push(sc.desiredSize);
			new ReadableStream({ start(c) { sc = c; c.enqueue("abcd") } }, { highWaterMark: 10, size: (ch) => ch.length });
			out.push(sc.desiredSize);
			return out;
		})()`)
	expectJSON(t, got, `["desired after enqueue 1", false, true, "TypeError", ["a","p1","p2"], null, true, false, "TypeError",
		"read: boom", "closed: boom", "enough", true, "ok", "start failed", "pull failed", 3, 6]`)
}

// TestByteStreamHighWaterMarkZero mirrors React's renderToReadableStream: a byte stream with
// highWaterMark 0 is pulled only when a read is waiting.
func TestByteStreamHighWaterMarkZero(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		(async () => {
			const log = [];
			let n = 0;
			const s = new ReadableStream({
				type: "bytes",
				start(c) { log.push("start desired=" + c.desiredSize + " byob=" + c.byobRequest) },
				pull(c) {
					n++;
					log.push("pull " + n + " desired=" + c.desiredSize);
					if (n <= 2) c.enqueue(new TextEncoder().encode("chunk" + n));
					else c.close();
				},
				cancel(reason) { log.push("cancel " + reason) },
			}, { highWaterMark: 0 });
			await new Promise(r => setTimeout(r, 5));
			log.push("before read");
			const reader = s.getReader();
			const r1 = await reader.read();
			log.push(new TextDecoder().decode(r1.value), r1.value instanceof Uint8Array);
			await new Promise(r => setTimeout(r, 5));
			log.push("idle");
			const r2 = await reader.read();
			log.push(new TextDecoder().decode(r2.value));
			const r3 = await reader.read();
			log.push("done " + r3.done);
			// Enqueue validation.
			const bad = new ReadableStream({ type: "bytes", start(c) {
				for (const v of ["str", new Uint8Array(0)]) { try { c.enqueue(v); log.push("no error") } catch (e) { log.push(e.name) } }
			} });
			try { new ReadableStream({ type: "bytes" }, { size: () => 1 }) } catch (e) { log.push(e.name) }
			try { new ReadableStream({ type: "nope" }) } catch (e) { log.push(e.name) }
			return log;
		})()`)
	expectJSON(t, got, `["start desired=0 byob=null", "before read", "pull 1 desired=0", "chunk1", true, "idle",
		"pull 2 desired=0", "chunk2", "pull 3 desired=0", "done true", "TypeError", "TypeError", "RangeError", "TypeError"]`)
}

func TestByteStreamBYOB(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		(async () => {
			const out = [];
			let i = 0;
			const s = new ReadableStream({
				type: "bytes",
				pull(c) {
					const req = c.byobRequest;
					if (i === 3) { c.close(); if (req) req.respond(0); return }
					i++;
					if (req) {
						out.push("byob view " + req.view.byteLength);
						req.view[0] = 100 + i;
						req.view[1] = 200 + i;
						req.respond(2);
					} else {
						c.enqueue(new Uint8Array([i, i, i]));
					}
				},
			});
			const byob = s.getReader({ mode: "byob" });
			const r1 = await byob.read(new Uint8Array(8));
			out.push(Array.from(r1.value), r1.value.byteLength);
			byob.releaseLock();
			const def = s.getReader();
			const r2 = await def.read();
			out.push(Array.from(r2.value));
			def.releaseLock();
			// Data queued by enqueue is copied into the BYOB view, possibly across reads.
			const q = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([1, 2, 3, 4, 5])); c.close() } });
			const qr = q.getReader({ mode: "byob" });
			const a = await qr.read(new Uint8Array(2));
			const b = await qr.read(new Uint8Array(10));
			const c = await qr.read(new Uint8Array(10));
			out.push(Array.from(a.value), Array.from(b.value), c.done, c.value.byteLength);
			// A Uint16Array view gets whole elements.
			const w = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([1, 0, 2, 0, 3])); c.close() } });
			const wr = w.getReader({ mode: "byob" });
			const wv = await wr.read(new Uint16Array(4));
			out.push(wv.value instanceof Uint16Array, Array.from(wv.value));
			try { new ReadableStream().getReader({ mode: "byob" }) } catch (e) { out.push(e.name) }
			return out;
		})()`)
	expectJSON(t, got, `["byob view 8", [101, 201], 2, [2,2,2], [1,2], [3,4,5], true, 0, true, [1, 2], "TypeError"]`)
}

func TestStreamTee(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		(async () => {
			const readAll = async (s) => { const r = s.getReader(), out = []; for (let x = await r.read(); !x.done; x = await r.read()) out.push(x.value); return out; };
			const out = [];
			const [a, b] = new ReadableStream({ start(c) { ["x", "y", "z"].forEach(v => c.enqueue(v)); c.close() } }).tee();
			out.push(await readAll(a), await readAll(b));
			// Byte streams: the branches do not share buffers.
			const src = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([1, 2])); c.close() } });
			const [b1, b2] = src.tee();
			const [c1] = await readAll(b1);
			const [c2] = await readAll(b2);
			c1[0] = 9;
			out.push(Array.from(c1), Array.from(c2), src.locked);
			// Cancelling both branches cancels the source with both reasons.
			let reason;
			const [x1, x2] = new ReadableStream({ cancel(r) { reason = r } }).tee();
			const p1 = x1.cancel("r1");
			await x2.cancel("r2");
			await p1;
			out.push(reason);
			// An error reaches both branches.
			let ctrl;
			const [e1, e2] = new ReadableStream({ start(c) { ctrl = c } }).tee();
			ctrl.error(new Error("tee error"));
			for (const s of [e1, e2]) { try { await s.getReader().read() } catch (e) { out.push(e.message) } }
			return out;
		})()`)
	expectJSON(t, got, `[["x","y","z"], ["x","y","z"], [9, 2], [1, 2], true, ["r1","r2"], "tee error", "tee error"]`)
}

func TestStreamAsyncIteration(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		(async () => {
			const out = [];
			const make = () => new ReadableStream({ start(c) { [1, 2, 3].forEach(v => c.enqueue(v)); c.close() } });
			out.push(typeof Symbol.asyncIterator, Symbol.asyncIterator === Symbol.for("Symbol.asyncIterator"));
			const it = make()[Symbol.asyncIterator]();
			out.push(it[Symbol.asyncIterator]() === it);
			const vals = [];
			for (let r = await it.next(); !r.done; r = await it.next()) vals.push(r.value);
			out.push(vals);
			// return() cancels and unlocks unless preventCancel.
			let cancelled = false;
			const s = new ReadableStream({ pull(c) { c.enqueue("v") }, cancel() { cancelled = true } });
			const it2 = s.values();
			await it2.next();
			await it2.return("stop");
			out.push(cancelled, s.locked);
			let cancelled2 = false;
			const s2 = new ReadableStream({ pull(c) { c.enqueue("v") }, cancel() { cancelled2 = true } });
			const it3 = s2.values({ preventCancel: true });
			await it3.next();
			await it3.return();
			out.push(cancelled2, s2.locked);
			// Concurrent next() calls are answered in order.
			const it4 = make().values();
			out.push((await Promise.all([it4.next(), it4.next(), it4.next(), it4.next()])).map(r => r.done ? "done" : r.value));
			// ReadableStream.from: arrays, sync iterables of promises, async iterables.
			const collect = async (s) => { const o = []; const i = s.values(); for (let r = await i.next(); !r.done; r = await i.next()) o.push(r.value); return o; };
			out.push(await collect(ReadableStream.from(["a", Promise.resolve("b")])));
			const asyncIterable = { [Symbol.asyncIterator]() { let k = 0; return { next: () => Promise.resolve(k < 2 ? { value: "ai" + k++, done: false } : { done: true }) } } };
			out.push(await collect(ReadableStream.from(asyncIterable)));
			out.push(await collect(ReadableStream.from(make())));
			return out;
		})()`)
	expectJSON(t, got, `["symbol", true, true, [1,2,3], true, false, false, false, [1,2,3,"done"], ["a","b"], ["ai0","ai1"], [1,2,3]]`)
}

// TestForAwaitLoweredByEsbuild: goja cannot parse for await; code compiled by esbuild for an older
// target uses Symbol.asyncIterator (or its Symbol.for fallback), which our streams implement.
func TestForAwaitLoweredByEsbuild(t *testing.T) {
	res := api.Transform(`
		export async function collect(stream) {
			const out = [];
			for await (const chunk of stream) out.push(chunk);
			return out;
		}`, api.TransformOptions{Target: api.ES2017, Format: api.FormatIIFE, GlobalName: "lowered"})
	if len(res.Errors) > 0 {
		t.Fatalf("esbuild: %v", res.Errors)
	}
	rt, _ := newTestRuntime(t)
	if err := rt.Do(context.Background(), func(vm *goja.Runtime) error {
		_, err := vm.RunString(string(res.Code))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	got := evalJSON(t, rt, `lowered.collect(new ReadableStream({ start(c) { c.enqueue("a"); c.enqueue("b"); c.close() } }))`)
	expectJSON(t, got, `["a","b"]`)
}

func TestPipeToAndTransformStream(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		(async () => {
			const out = [];
			const written = [];
			let closed = false;
			const upper = new TransformStream({
				transform(chunk, c) { c.enqueue(chunk.toUpperCase()); if (chunk === "b") c.enqueue("extra") },
				flush(c) { c.enqueue("flushed") },
			});
			await ReadableStream.from(["a", "b", "c"])
				.pipeThrough(upper)
				.pipeTo(new WritableStream({ write(ch) { written.push(ch) }, close() { closed = true } }));
			out.push(written, closed);

			// An error in the source aborts the destination; preventAbort keeps it.
			let abortReason;
			const failing = new ReadableStream({ pull(c) { c.error(new Error("source broke")) } });
			try { await failing.pipeTo(new WritableStream({ abort(r) { abortReason = r.message } })) } catch (e) { out.push("pipeTo: " + e.message) }
			out.push(abortReason);

			// An error in the destination cancels the source.
			let cancelReason;
			const endless = new ReadableStream({ pull(c) { c.enqueue(1) }, cancel(r) { cancelReason = r.message } });
			try { await endless.pipeTo(new WritableStream({ write() { throw new Error("sink broke") } })) } catch (e) { out.push("pipeTo: " + e.message) }
			out.push(cancelReason);

			// An abort signal stops the pipe.
			const ac = new AbortController();
			const slow = new ReadableStream({ pull(c) { return new Promise(r => setTimeout(() => { c.enqueue(1); r() }, 2)) } });
			const pipe = slow.pipeTo(new WritableStream(), { signal: ac.signal });
			setTimeout(() => ac.abort(new Error("stopped")), 10);
			try { await pipe } catch (e) { out.push(e.message) }

			// Locked streams are refused.
			const ls = new ReadableStream();
			ls.getReader();
			try { await ls.pipeTo(new WritableStream()) } catch (e) { out.push(e.name) }
			try { ls.pipeThrough(new TransformStream()) } catch (e) { out.push(e.name) }

			// A TransformStream's error reaches both sides; terminate closes the readable.
			const ts = new TransformStream({ transform(ch, c) { if (ch === "stop") c.terminate(); else c.enqueue(ch) } });
			const tw = ts.writable.getWriter();
			const tr = ts.readable.getReader();
			tw.write("go");
			out.push((await tr.read()).value);
			tw.write("stop").catch(() => {});
			out.push((await tr.read()).done);
			return out;
		})()`)
	expectJSON(t, got, `[["A","B","extra","C","flushed"], true, "pipeTo: source broke", "source broke",
		"pipeTo: sink broke", "sink broke", "stopped", "TypeError", "TypeError", "go", true]`)
}

func TestWritableStream(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		(async () => {
			const out = [];
			const log = [];
			let release;
			const ws = new WritableStream({
				start(c) { log.push("start") },
				write(chunk, c) { log.push("write " + chunk); return new Promise(r => release = r) },
				close() { log.push("close") },
			}, { highWaterMark: 2 });
			const w = ws.getWriter();
			out.push(ws.locked, w.desiredSize);
			const p1 = w.write("a");
			const p2 = w.write("b");
			out.push(w.desiredSize);
			let readyResolved = false;
			w.ready.then(() => readyResolved = true);
			await new Promise(r => setTimeout(r, 1));
			out.push(readyResolved, log.slice());
			release(); await p1;
			await new Promise(r => setTimeout(r, 1));
			out.push(readyResolved);
			release(); await p2;
			await w.close();
			out.push(log, await w.closed);
			try { await w.write("late") } catch (e) { out.push(e.name) }
			w.releaseLock();
			out.push(ws.locked);

			// abort() aborts the controller's signal, waits for the write in flight, then rejects the
			// queued writes and calls the sink's abort.
			let aborted, signalAborted = false;
			const ws2 = new WritableStream({
				write(ch, c) { return new Promise(r => c.signal.addEventListener("abort", () => { signalAborted = true; r() })) },
				abort(r) { aborted = r },
			});
			await new Promise(r => setTimeout(r, 0)); // started
			const w2 = ws2.getWriter();
			const inflight = w2.write(1).then(() => "inflight resolved");
			const queued = w2.write(2).catch(e => "queued rejected " + e);
			await w2.abort("reason");
			out.push(signalAborted, await inflight, await queued, aborted);
			// controller.error
			let wc;
			const ws3 = new WritableStream({ start(c) { wc = c } });
			const w3 = ws3.getWriter();
			wc.error(new Error("sink error"));
			try { await w3.write("x") } catch (e) { out.push(e.message) }
			try { await w3.closed } catch (e) { out.push("closed " + e.message) }
			return out;
		})()`)
	expectJSON(t, got, `[true, 2, 0, false, ["start","write a"], true, ["start","write a","write b","close"], null, "TypeError", false,
		true, "inflight resolved", "queued rejected reason", "reason", "sink error", "closed sink error"]`)
}
