package jsrt

import "testing"

func TestHeaders(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const out = [];
		const h = new Headers({ "Content-Type": "text/html", "X-Multi": "a" });
		h.append("x-multi", "b");
		h.append("Set-Cookie", "a=1");
		h.append("set-cookie", "b=2");
		h.append("Accept", "  padded\t ");
		out.push(h.get("CONTENT-TYPE"), h.get("x-multi"), h.get("set-cookie"), h.getSetCookie(), h.get("accept"), h.get("missing"), h.has("X-MULTI"));
		// Iteration: sorted, lower-cased, values combined except Set-Cookie.
		out.push([...h], [...h.keys()], [...h.values()]);
		const seen = [];
		h.forEach(function (v, k, obj) { seen.push(k + "=" + v + ":" + (obj === h) + ":" + this.tag) }, { tag: "T" });
		out.push(seen);
		h.set("x-multi", "c");
		h.delete("Content-Type");
		out.push([...h.entries()].map(p => p.join("=")));
		// Init from an array of pairs, from Headers, from a Map (an iterable).
		out.push([...new Headers([["b", "2"], ["a", "1"], ["a", "3"]])], [...new Headers(h)].length, [...new Headers(new Map([["m", "1"]]))]);
		for (const bad of [() => new Headers([["only-one"]]), () => new Headers({ "bad name": "x" }), () => h.set("x", "a\nb"), () => new Headers(42)]) {
			try { bad(); out.push("no error") } catch (e) { out.push(e.name) }
		}
		out.push(Object.prototype.toString.call(h), typeof h[Symbol.iterator]);
		// Immutable headers (Response.error, Response.redirect).
		try { Response.error().headers.set("a", "b"); out.push("no error") } catch (e) { out.push(e.name) }
		out`)
	expectJSON(t, got, `["text/html", "a, b", "a=1, b=2", ["a=1","b=2"], "padded", null, true,
		[["accept","padded"],["content-type","text/html"],["set-cookie","a=1"],["set-cookie","b=2"],["x-multi","a, b"]],
		["accept","content-type","set-cookie","set-cookie","x-multi"],
		["padded","text/html","a=1","b=2","a, b"],
		["accept=padded:true:T","content-type=text/html:true:T","set-cookie=a=1:true:T","set-cookie=b=2:true:T","x-multi=a, b:true:T"],
		["accept=padded","set-cookie=a=1","set-cookie=b=2","x-multi=c"],
		[["a","1, 3"],["b","2"]], 4, [["m","1"]],
		"TypeError","TypeError","TypeError","TypeError",
		"[object Headers]", "function", "TypeError"]`)
}

func TestResponse(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		(async () => {
			const out = [];
			const r = new Response("héllo", { status: 201, statusText: "Made", headers: { "X-A": "1" } });
			out.push(r.status, r.statusText, r.ok, r.type, r.url, r.redirected, r.headers.get("content-type"), r.bodyUsed);
			out.push(await r.text(), r.bodyUsed);
			try { await r.text(); out.push("no error") } catch (e) { out.push(e.name + ": " + e.message) }
			try { r.clone(); out.push("no error") } catch (e) { out.push(e.name) }

			// Body kinds.
			out.push(await new Response(new Uint8Array([104, 105])).text());
			out.push(await new Response(new Uint8Array([1, 2, 3, 4]).subarray(1, 3)).arrayBuffer().then(b => Array.from(new Uint8Array(b))));
			out.push(await new Response(new Uint8Array([5, 6]).buffer).bytes().then(b => [b instanceof Uint8Array, Array.from(b)]));
			const usp = new Response(new URLSearchParams({ a: "1", b: "x y" }));
			out.push(usp.headers.get("content-type"), await usp.text());
			const blobRes = new Response(new Blob(["blob ", "body"], { type: "text/x-blob" }));
			out.push(blobRes.headers.get("content-type"), await blobRes.text());
			const streamRes = new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("str")); c.enqueue(new TextEncoder().encode("eam")); c.close() } }));
			out.push(streamRes.headers.get("content-type"), await streamRes.text());
			const nul = new Response(null, { status: 204 });
			out.push(nul.body, await nul.text(), new Response().body, await new Response(undefined).text());
			out.push(await new Response('{"j":[1]}').json(), await new Response("b").blob().then(b => [b.size, b.type]));

			// body as a stream; reading it makes bodyUsed true.
			const sr = new Response("streamed");
			const body = sr.body;
			out.push(body instanceof ReadableStream, sr.body === body, sr.bodyUsed);
			const reader = body.getReader();
			const first = await reader.read();
			out.push(new TextDecoder().decode(first.value), sr.bodyUsed, (await reader.read()).done);
			try { await sr.text(); out.push("no error") } catch (e) { out.push(e.name) }

			// clone: both copies readable, also for stream bodies.
			const c1 = new Response("twice");
			const c2 = c1.clone();
			out.push(await c1.text(), await c2.text());
			const s1 = new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array([65])); c.close() } }));
			const s2 = s1.clone();
			out.push(await s2.text(), await s1.text());

			// Static constructors.
			const j = Response.json({ a: 1 }, { status: 202, headers: { "x-b": "2" } });
			out.push(j.status, j.headers.get("content-type"), j.headers.get("x-b"), await j.json());
			const red = Response.redirect("http://example.com/next", 307);
			out.push(red.status, red.headers.get("location"));
			const err = Response.error();
			out.push(err.type, err.status, err.ok);

			// Validation.
			for (const bad of [
				() => new Response("x", { status: 99 }),
				() => new Response("x", { status: 600 }),
				() => new Response("x", { status: 204 }),
				() => new Response("x", { statusText: "bad\n" }),
				() => Response.redirect("http://a/", 200),
				() => Response.redirect("not a url"),
				() => Response.json(undefined),
			]) {
				try { bad(); out.push("no error") } catch (e) { out.push(e.name) }
			}
			out.push(Object.prototype.toString.call(r), r instanceof Response);
			return out;
		})()`)
	expectJSON(t, got, `[201, "Made", true, "default", "", false, "text/plain;charset=UTF-8", false,
		"héllo", true, "TypeError: Response.text: Body is unusable: Body has already been read", "TypeError",
		"hi", [2,3], [true,[5,6]],
		"application/x-www-form-urlencoded;charset=UTF-8", "a=1&b=x+y",
		"text/x-blob", "blob body",
		null, "stream",
		null, "", null, "",
		{"j":[1]}, [1, "text/plain;charset=utf-8"],
		true, true, false, "streamed", true, true, "TypeError",
		"twice", "twice", "A", "A",
		202, "application/json", "2", {"a":1},
		307, "http://example.com/next",
		"error", 0, false,
		"RangeError", "RangeError", "TypeError", "TypeError", "RangeError", "TypeError", "TypeError",
		"[object Response]", true]`)
}

func TestRequest(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		(async () => {
			const out = [];
			const r = new Request("http://example.com/a/../b?x=1", { method: "post", headers: { "X-Token": "t" }, body: '{"n":1}' });
			out.push(r.url, r.method, r.headers.get("x-token"), r.headers.get("content-type"), r.bodyUsed, r.body instanceof ReadableStream);
			out.push(r.redirect, r.mode, r.credentials, r.cache, r.signal instanceof AbortSignal, r.signal.aborted);
			const c = r.clone();
			out.push(await r.json(), r.bodyUsed, await c.text());
			try { await r.arrayBuffer(); out.push("no error") } catch (e) { out.push(e.name) }

			out.push(new Request("http://e.com/", { method: "patch" }).method, new Request("http://e.com/").method, new Request("http://e.com/").body);
			// A Request from a Request takes its body over.
			const src = new Request("http://e.com/src", { method: "PUT", body: "moved" });
			const dst = new Request(src, { headers: { a: "b" } });
			out.push(dst.url, dst.method, dst.headers.get("a"), src.bodyUsed, await dst.text());
			try { new Request(src); out.push("no error") } catch (e) { out.push(e.name) }

			// The signal follows the init's signal.
			const ac = new AbortController();
			const sr = new Request("http://e.com/", { signal: ac.signal });
			ac.abort("why");
			out.push(sr.signal.aborted, sr.signal.reason, sr.signal !== ac.signal);

			for (const bad of [
				() => new Request("/relative"),
				() => new Request("http://e.com/", { method: "GET", body: "x" }),
				() => new Request("http://e.com/", { method: "HEAD", body: "x" }),
				() => new Request("http://e.com/", { method: "CONNECT" }),
				() => new Request("http://e.com/", { method: "bad method" }),
				() => new Request("http://e.com/", { redirect: "sometimes" }),
				() => new Request(),
			]) {
				try { bad(); out.push("no error") } catch (e) { out.push(e.name) }
			}
			return out;
		})()`)
	expectJSON(t, got, `["http://example.com/b?x=1", "POST", "t", "text/plain;charset=UTF-8", false, true,
		"follow", "cors", "same-origin", "default", true, false,
		{"n":1}, true, "{\"n\":1}", "TypeError",
		"patch", "GET", null,
		"http://e.com/src", "PUT", "b", true, "moved", "TypeError",
		true, "why", true,
		"TypeError", "TypeError", "TypeError", "TypeError", "TypeError", "TypeError", "TypeError"]`)
}

func TestBlob(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		(async () => {
			const out = [];
			const b = new Blob(["héllo ", new Uint8Array([119, 111]), new Uint8Array([114, 108, 100]).buffer, new Blob(["!"])], { type: "Text/Plain" });
			out.push(b.size, b.type, await b.text());
			out.push(await b.slice(1, 3).text(), await b.slice(-3).text(), b.slice(2, 1).size, b.slice(0, 5, "x/y").type);
			out.push(Array.from(await b.slice(0, 2).bytes()), new Uint8Array(await b.slice(0, 1).arrayBuffer())[0]);
			const chunks = [];
			const reader = b.stream().getReader();
			for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value.length);
			out.push(chunks);
			const f = new File(["file body"], "a.txt", { type: "text/plain", lastModified: 42 });
			out.push(f.name, f.lastModified, f.size, f instanceof Blob, await f.text());
			out.push(new Blob().size, new Blob([], { type: "bad\u0100" }).type);
			const clone = structuredClone(b);
			out.push(clone instanceof Blob, clone !== b, await clone.text());
			return out;
		})()`)
	expectJSON(t, got, `[13, "text/plain", "héllo world!",
		"é", "ld!", 0, "x/y",
		[104, 195], 104,
		[13],
		"a.txt", 42, 9, true, "file body",
		0, "", true, true, "héllo world!"]`)
}
