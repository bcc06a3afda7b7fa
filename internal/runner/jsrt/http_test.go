package jsrt

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
)

// toResponse evaluates src (a Response or a promise of one) and converts it with ToHTTPResponse.
func toResponse(t *testing.T, rt *Runtime, src string) (*http.Response, error) {
	t.Helper()
	var resp *http.Response
	err := rt.Await(context.Background(), func(vm *goja.Runtime) (goja.Value, error) {
		return vm.RunString(src)
	}, func(vm *goja.Runtime, v goja.Value) error {
		var err error
		resp, err = rt.ToHTTPResponse(vm, v)
		return err
	})
	return resp, err
}

func TestToHTTPResponseStreaming(t *testing.T) {
	rt, _ := newTestRuntime(t)
	resp, err := toResponse(t, rt, `
		const enc = new TextEncoder();
		let i = 0;
		const headers = new Headers({ "Content-Type": "text/plain", "X-Custom": "yes" });
		headers.append("Set-Cookie", "a=1; Path=/");
		headers.append("Set-Cookie", "b=2");
		new Response(new ReadableStream({
			// Each chunk comes from a timer: Go's reads must wait for the loop.
			pull(c) { return new Promise(r => setTimeout(() => { i++; if (i <= 3) c.enqueue(enc.encode("part" + i + ";")); else c.close(); r(); }, 5)) },
		}), { status: 206, statusText: "Partial Stuff", headers })`)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 206 || resp.Status != "206 Partial Stuff" || resp.ContentLength != -1 {
		t.Errorf("status: %d %q, length %d", resp.StatusCode, resp.Status, resp.ContentLength)
	}
	if got := resp.Header.Values("Set-Cookie"); len(got) != 2 || got[0] != "a=1; Path=/" || got[1] != "b=2" {
		t.Errorf("Set-Cookie: %q", got)
	}
	if resp.Header.Get("Content-Type") != "text/plain" || resp.Header.Get("X-Custom") != "yes" {
		t.Errorf("headers: %v", resp.Header)
	}
	var reads []string
	buf := make([]byte, 4) // smaller than a chunk: the rest is kept for the next Read
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
			reads = append(reads, string(buf[:n]))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(reads, ""); got != "part1;part2;part3;" || len(reads) < 6 {
		t.Errorf("body %q in %d reads", got, len(reads))
	}
	resp.Body.Close()
}

// TestToHTTPResponseBatchesQueuedChunks: chunks already queued are handed to Go together.
func TestToHTTPResponseBatchesQueuedChunks(t *testing.T) {
	rt, _ := newTestRuntime(t)
	resp, err := toResponse(t, rt, `new Response(new ReadableStream({ type: "bytes", start(c) {
		for (let i = 0; i < 100; i++) c.enqueue(new TextEncoder().encode(String(i % 10)));
		c.close();
	} }))`)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<16)
	n, err := resp.Body.Read(buf)
	if err != nil || n != 100 || string(buf[:10]) != "0123456789" {
		t.Errorf("first read: %d bytes %q, %v", n, buf[:n], err)
	}
	if n, err := resp.Body.Read(buf); n != 0 || err != io.EOF {
		t.Errorf("second read: %d, %v", n, err)
	}
}

func TestToHTTPResponseBytesAndEmpty(t *testing.T) {
	rt, _ := newTestRuntime(t)
	resp, err := toResponse(t, rt, `new Response("héllo")`)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "héllo" || resp.ContentLength != 6 || resp.Status != "200 OK" || resp.Header.Get("Content-Type") != "text/plain;charset=UTF-8" {
		t.Errorf("bytes body: %q, length %d, status %q, %v", body, resp.ContentLength, resp.Status, resp.Header)
	}
	resp, err = toResponse(t, rt, `Promise.resolve(new Response(null, { status: 304 }))`)
	if err != nil {
		t.Fatal(err)
	}
	if body, _ := io.ReadAll(resp.Body); len(body) != 0 || resp.StatusCode != 304 || resp.ContentLength != 0 {
		t.Errorf("null body: %q %d", body, resp.StatusCode)
	}
	resp, err = toResponse(t, rt, `Response.redirect("http://example.com/", 301)`)
	if err != nil || resp.StatusCode != 301 || resp.Header.Get("Location") != "http://example.com/" {
		t.Errorf("redirect: %v %v", resp, err)
	}
	// A used body cannot be sent.
	_, err = toResponse(t, rt, `const used = new Response("x"); used.text().then(() => used)`)
	var jsErr *JSError
	if !errors.As(err, &jsErr) || jsErr.Name != "TypeError" {
		t.Errorf("used body: %v", err)
	}
}

func TestToHTTPResponseNotAResponse(t *testing.T) {
	rt, _ := newTestRuntime(t)
	for src, want := range map[string]string{
		`"hello"`:                      `TypeError: expected a Response, got string "hello"`,
		`undefined`:                    `TypeError: expected a Response, got undefined`,
		`null`:                         `TypeError: expected a Response, got null`,
		`42`:                           `TypeError: expected a Response, got number 42`,
		`({ status: 200, body: "x" })`: `TypeError: expected a Response, got object { status: 200, body: 'x' }`,
		`[1, 2]`:                       `TypeError: expected a Response, got array [ 1, 2 ]`,
		`(function handler() {})`:      `TypeError: expected a Response, got function [Function: handler]`,
		`new Request("http://a.com/")`: `TypeError: expected a Response, got object Request { method: 'GET', url: 'http://a.com/', headers: H...`,
		`({ then: undefined, x: "y".repeat(100) })`: `TypeError: expected a Response, got object { then: undefined, x: 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...`,
	} {
		_, err := toResponse(t, rt, src)
		var jsErr *JSError
		if !errors.As(err, &jsErr) || jsErr.Name != "TypeError" || err.Error() != want {
			t.Errorf("%s:\n got %v\nwant %s", src, err, want)
		}
	}
	// A promise given to ToHTTPResponse directly (Do, not Await) says to await it.
	err := rt.Do(context.Background(), func(vm *goja.Runtime) error {
		v, _ := vm.RunString(`Promise.resolve(new Response("x"))`)
		_, err := rt.ToHTTPResponse(vm, v)
		return err
	})
	if err == nil || err.Error() != "TypeError: expected a Response, got a Promise (did you forget to await it?)" {
		t.Errorf("promise: %v", err)
	}
}

func TestToHTTPResponseCloseCancels(t *testing.T) {
	rt, _ := newTestRuntime(t)
	resp, err := toResponse(t, rt, `
		globalThis.cancelled = null;
		new Response(new ReadableStream({
			pull(c) { c.enqueue(new Uint8Array(10)) },
			cancel(reason) { globalThis.cancelled = "cancelled" },
		}))`)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := resp.Body.Read(buf); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := resp.Body.Read(buf); err == nil {
		t.Error("Read after Close should fail")
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		if got := evalJSON(t, rt, `globalThis.cancelled`); got == `"cancelled"` {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("closing the body did not cancel the JS stream")
		}
		time.Sleep(5 * time.Millisecond)
	}

	// A chunk that is not bytes fails the read with a TypeError.
	resp, err = toResponse(t, rt, `new Response(new ReadableStream({ start(c) { c.enqueue("a string"); c.close() } }))`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	if err == nil || !strings.Contains(err.Error(), `TypeError: response body chunks must be Uint8Array, got string "a string"`) {
		t.Errorf("string chunk: %v", err)
	}
	// A stream that errors fails the read with the JS error.
	resp, err = toResponse(t, rt, `new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array([65])) }, pull(c) { c.error(new RangeError("stream broke")) } }))`)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	var jsErr *JSError
	if string(body) != "A" || !errors.As(err, &jsErr) || jsErr.Error() != "RangeError: stream broke" {
		t.Errorf("erroring stream: %q %v", body, err)
	}
}

// TestNewRequest hands Go requests to a JS fetch handler, which reads their bodies three ways.
func TestNewRequest(t *testing.T) {
	rt, _ := newTestRuntime(t)
	if err := rt.Do(context.Background(), func(vm *goja.Runtime) error {
		_, err := vm.RunString(`
			globalThis.handler = async (req) => {
				const info = { method: req.method, url: req.url, host: req.headers.get("host"), ct: req.headers.get("content-type"), multi: req.headers.get("x-multi"), aborted: req.signal.aborted };
				const mode = new URL(req.url).searchParams.get("mode");
				if (mode === "text") info.body = await req.text();
				else if (mode === "json") info.body = await req.json();
				else if (mode === "stream") {
					const reader = req.body.getReader();
					info.chunks = [];
					for (let r = await reader.read(); !r.done; r = await reader.read()) info.chunks.push(new TextDecoder().decode(r.value));
				} else info.body = req.body;
				info.bodyUsed = req.bodyUsed;
				return Response.json(info);
			};`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	call := func(req *http.Request) string {
		t.Helper()
		var out string
		err := rt.Await(context.Background(), func(vm *goja.Runtime) (goja.Value, error) {
			jsReq, err := rt.NewRequest(vm, req)
			if err != nil {
				return nil, err
			}
			fn, _ := goja.AssertFunction(vm.Get("handler"))
			return fn(goja.Undefined(), jsReq)
		}, func(vm *goja.Runtime, v goja.Value) error {
			resp, err := rt.ToHTTPResponse(vm, v)
			if err != nil {
				return err
			}
			// ToHTTPResponse gave the bytes; reading them needs no loop.
			b, err := io.ReadAll(resp.Body)
			out = string(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	req := httptest.NewRequest("POST", "/submit?mode=text", strings.NewReader("plain body"))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Add("X-Multi", "1")
	req.Header.Add("X-Multi", "2")
	expectJSON(t, call(req), `{"method":"POST","url":"http://example.com/submit?mode=text","host":"example.com","ct":"text/plain","multi":"1, 2","aborted":false,"body":"plain body","bodyUsed":true}`)

	req = httptest.NewRequest("PUT", "http://api.test:8080/x?mode=json", strings.NewReader(`{"a":[1,2]}`))
	expectJSON(t, call(req), `{"method":"PUT","url":"http://api.test:8080/x?mode=json","host":"api.test:8080","ct":null,"multi":null,"aborted":false,"body":{"a":[1,2]},"bodyUsed":true}`)

	// A body larger than one chunk, streamed.
	big := strings.Repeat("0123456789", 8000)
	req = httptest.NewRequest("POST", "/big?mode=stream", strings.NewReader(big))
	var info struct {
		Chunks []string `json:"chunks"`
	}
	mustUnmarshal(t, call(req), &info)
	if strings.Join(info.Chunks, "") != big || len(info.Chunks) < 2 {
		t.Errorf("streamed body: %d bytes in %d chunks", len(strings.Join(info.Chunks, "")), len(info.Chunks))
	}

	// GET has no body.
	req = httptest.NewRequest("GET", "https://secure.test/page", nil)
	expectJSON(t, call(req), `{"method":"GET","url":"https://secure.test/page","host":"secure.test","ct":null,"multi":null,"aborted":false,"body":null,"bodyUsed":false}`)
}

func TestNewRequestSignal(t *testing.T) {
	rt, _ := newTestRuntime(t)
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest("GET", "/slow", nil).WithContext(ctx)
	var got string
	errc := make(chan error, 1)
	go func() {
		errc <- rt.Await(context.Background(), func(vm *goja.Runtime) (goja.Value, error) {
			jsReq, err := rt.NewRequest(vm, req)
			if err != nil {
				return nil, err
			}
			vm.Set("req", jsReq)
			return vm.RunString(`new Promise(resolve => req.signal.addEventListener("abort", () => resolve(req.signal.reason.name)))`)
		}, func(vm *goja.Runtime, v goja.Value) error {
			got = v.String()
			return nil
		})
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case err := <-errc:
		if err != nil || got != "AbortError" {
			t.Errorf("got %q, %v", got, err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the request's signal was not aborted when its context ended")
	}
}

func TestFetch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/json":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Add("Set-Cookie", "s=1")
			w.Header().Add("Set-Cookie", "t=2")
			io.WriteString(w, `{"hello":"world","ua":"`+r.Header.Get("X-Test")+`"}`)
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			w.WriteHeader(201)
			io.WriteString(w, r.Method+" "+r.Header.Get("Content-Type")+" "+string(b))
		case "/redirect":
			http.Redirect(w, r, "/json", http.StatusFound)
		case "/slow":
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	rt, _ := newTestRuntime(t)
	if err := rt.Do(context.Background(), func(vm *goja.Runtime) error {
		return vm.Set("base", srv.URL)
	}); err != nil {
		t.Fatal(err)
	}
	got := evalJSON(t, rt, `
		(async () => {
			const out = [];
			const r = await fetch(base + "/json", { headers: { "X-Test": "govite" } });
			out.push(r.status, r.ok, r.headers.get("content-type"), r.headers.getSetCookie(), r.type, r.redirected, await r.json());
			const e = await fetch(new Request(base + "/echo", { method: "POST", body: "payload" }));
			out.push(e.status, await e.text());
			const s = await fetch(base + "/echo", { method: "PUT", body: ReadableStream.from([new TextEncoder().encode("stre"), new TextEncoder().encode("amed")]), duplex: "half" });
			out.push(await s.text());
			const red = await fetch(base + "/redirect");
			out.push(red.redirected, red.url === base + "/json", red.status);
			const manual = await fetch(base + "/redirect", { redirect: "manual" });
			out.push(manual.status, manual.headers.get("location"));
			try { await fetch(base + "/redirect", { redirect: "error" }); out.push("no error") } catch (e) { out.push(e.name) }
			out.push((await fetch(base + "/missing")).status);
			try { await fetch("http://127.0.0.1:1/refused"); out.push("no error") } catch (e) { out.push(e.name, e.message.startsWith("fetch failed")) }
			try { await fetch("not a url"); out.push("no error") } catch (e) { out.push(e.name) }
			// Abort before the response, and while reading the body.
			try { await fetch(base + "/slow", { signal: AbortSignal.abort() }); out.push("no error") } catch (e) { out.push(e.name) }
			const ac = new AbortController();
			const slow = await fetch(base + "/slow", { signal: ac.signal });
			const reading = slow.text();
			setTimeout(() => ac.abort(), 10);
			try { await reading; out.push("no error") } catch (e) { out.push(e.name) }
			const head = await fetch(base + "/json", { method: "HEAD" });
			out.push(head.body);
			return out;
		})()`)
	expectJSON(t, got, `[200, true, "application/json", ["s=1","t=2"], "basic", false, {"hello":"world","ua":"govite"},
		201, "POST text/plain;charset=UTF-8 payload", "PUT  streamed",
		true, true, 200, 302, "/json", "TypeError", 404, "TypeError", true, "TypeError",
		"AbortError", "AbortError", null]`)
}
