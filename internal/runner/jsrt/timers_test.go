package jsrt

import "testing"

func TestTimersOrder(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const log = [];
		setTimeout(() => log.push("t20"), 20);
		setTimeout(() => log.push("t5-a"), 5);
		setTimeout(() => log.push("t5-b"), 5);
		setTimeout((a, b) => log.push("t0 " + a + b), 0, "x", "y");
		const cancelled = setTimeout(() => log.push("cancelled"), 1);
		clearTimeout(cancelled);
		setImmediate((a) => log.push("immediate " + a), "arg");
		const noImm = setImmediate(() => log.push("no immediate"));
		clearImmediate(noImm);
		let ticks = 0;
		let finish;
		const done = new Promise(r => finish = r);
		let t20 = false;
		setTimeout(() => { t20 = true; if (ticks >= 3) finish() }, 21);
		const iv = setInterval((tag) => {
			log.push(tag + ++ticks);
			if (ticks === 3) { clearInterval(iv); if (t20) finish() }
		}, 2, "iv");
		clearTimeout(undefined); clearTimeout(null); clearTimeout(12345);
		// Resolve once everything expected ran (time on a loaded machine is elastic), plus one more
		// timer turn for anything that should not run.
		done.then(() => new Promise(r => setTimeout(() => r(log), 5)))`)
	// Order between timers of different delays is by due time; the interval's ticks interleave with
	// the 5 ms timers depending on scheduling, so check the constraints rather than one sequence.
	var log []string
	mustUnmarshal(t, got, &log)
	idx := indexer(log)
	for _, want := range []string{"t0 xy", "immediate arg", "t5-a", "t5-b", "t20", "iv1", "iv2", "iv3"} {
		if idx(want) < 0 {
			t.Errorf("%q did not run: %v", want, log)
		}
	}
	if idx("cancelled") >= 0 || idx("no immediate") >= 0 || idx("iv4") >= 0 {
		t.Errorf("cleared callbacks ran: %v", log)
	}
	// Immediates run at the end of the current loop turn, before the timers of the next turn (Node's
	// order for code running in an I/O callback, which is what a task from Go is).
	if !(idx("immediate arg") < idx("t0 xy") && idx("t0 xy") < idx("t5-a") && idx("t5-a") < idx("t5-b") && idx("t5-b") < idx("t20")) {
		t.Errorf("timers out of order: %v", log)
	}
	if !(idx("iv1") < idx("iv2") && idx("iv2") < idx("iv3")) {
		t.Errorf("interval ticks out of order: %v", log)
	}
}

// TestMicrotasksBeforeMacrotasks: promise reactions and queueMicrotask run before any timer,
// immediate or message, and a task's microtasks run before the next task.
func TestMicrotasksBeforeMacrotasks(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const log = [];
		const ch = new MessageChannel();
		let finish;
		const done = new Promise(r => finish = r);
		ch.port1.onmessage = (e) => {
			log.push("message " + e.data);
			Promise.resolve().then(() => log.push("micro after message"));
			setTimeout(() => finish(log), 0);
		};
		setTimeout(() => { log.push("timeout"); queueMicrotask(() => log.push("micro after timeout")); }, 0);
		setTimeout(() => log.push("timeout 2"), 0);
		ch.port2.postMessage("m");
		Promise.resolve().then(() => log.push("promise 1")).then(() => log.push("promise 2"));
		queueMicrotask(() => log.push("queueMicrotask"));
		log.push("sync");
		done`)
	expectJSON(t, got, `["sync","promise 1","queueMicrotask","promise 2","timeout","micro after timeout","timeout 2","message m","micro after message"]`)
}

func TestMessageChannel(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const log = [];
		const { port1, port2 } = new MessageChannel();
		// addEventListener does not start the port: messages wait for start().
		let finish;
		const done = new Promise(r => finish = r);
		const listener = (e) => {
			log.push("listener " + JSON.stringify(e.data) + " " + (e instanceof MessageEvent) + " " + (e.target === port1));
			port1.removeEventListener("message", listener);
			port2.postMessage("nobody hears");
			setTimeout(() => finish([sync, ...log]), 5);
		};
		port1.addEventListener("message", listener);
		const obj = { n: 1, nested: { deep: [1, 2] } };
		port2.postMessage(obj);
		obj.n = 2; // structured clone happened at postMessage
		// The other direction, through onmessage (which starts port2); then port1 starts.
		port2.onmessage = (e) => {
			log.push("port2 got " + e.data);
			port2.close();
			port1.postMessage("after close"); // dropped: the channel is closed
			setTimeout(() => { log.push("start"); port1.start(); }, 5);
		};
		port1.postMessage("hello");
		const sync = log.length;
		done`)
	expectJSON(t, got, `[0, "port2 got hello", "start", "listener {\"n\":1,\"nested\":{\"deep\":[1,2]}} true true"]`)

	got = evalJSON(t, rt, `
		let err;
		try { new MessageChannel().port1.postMessage(() => 1) } catch (e) { err = e.name + " " + (e instanceof DOMException) }
		err`)
	if got != `"DataCloneError true"` {
		t.Errorf("posting a function: %s", got)
	}
}

func TestAbortSignalTimeout(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const s = AbortSignal.timeout(10);
		const t0 = performance.now();
		const log = [s.aborted];
		new Promise(r => s.addEventListener("abort", () => {
			log.push(s.aborted, s.reason.name, s.reason instanceof DOMException, s.reason.code, performance.now() - t0 >= 9);
			try { s.throwIfAborted() } catch (e) { log.push("threw " + e.name) }
			r(log);
		}))`)
	expectJSON(t, got, `[false, true, "TimeoutError", true, 23, true, "threw TimeoutError"]`)
}
