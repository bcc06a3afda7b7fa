package jsrt

import (
	"bytes"
	"context"
	"testing"

	"github.com/dop251/goja"
)

func TestTextEncoder(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const enc = new TextEncoder();
		const out = [];
		out.push(enc.encoding, Array.from(enc.encode("aé€😀")), enc.encode().length, Array.from(enc.encode("\ud800x")));
		const dest = new Uint8Array(5);
		out.push(enc.encodeInto("a😀b", dest), Array.from(dest));
		out.push(enc.encodeInto("ab", new Uint8Array(8)));
		out.push(enc.encode("x") instanceof Uint8Array);
		out`)
	expectJSON(t, got, `["utf-8", [97,195,169,226,130,172,240,159,152,128], 0, [239,191,189,120],
		{"read":3,"written":5}, [97,240,159,152,128], {"read":2,"written":2}, true]`)
}

func TestTextDecoder(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const out = [];
		const bytes = new TextEncoder().encode("h€llo 😀!");
		// Streaming, one byte at a time: multi-byte characters are split across chunks.
		const d = new TextDecoder();
		let s = "";
		for (const b of bytes) s += d.decode(new Uint8Array([b]), { stream: true });
		s += d.decode();
		out.push(s);
		// Split in the middle of the 4-byte emoji, end of stream with an incomplete sequence.
		const d2 = new TextDecoder();
		out.push(d2.decode(bytes.subarray(0, 8), { stream: true }), d2.decode(bytes.subarray(8, 10), { stream: true }), d2.decode(bytes.subarray(10)));
		out.push(new TextDecoder().decode(new Uint8Array([0xf0, 0x9f, 0x98])));
		// Invalid sequences: one U+FFFD per maximal subpart.
		out.push(new TextDecoder().decode(new Uint8Array([0x61, 0xe2, 0x82, 0x62, 0xff, 0xc0, 0x80, 0xed, 0xa0, 0x80])));
		// fatal
		try { new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff])); out.push("no error") } catch (e) { out.push(e.name) }
		const df = new TextDecoder("utf-8", { fatal: true });
		out.push(df.fatal, df.decode(new Uint8Array([0xe2, 0x82]), { stream: true }), df.decode(new Uint8Array([0xac])));
		// BOM handling
		const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x41]);
		out.push(new TextDecoder().decode(bom), new TextDecoder("utf-8", { ignoreBOM: true }).decode(bom).length);
		const db = new TextDecoder();
		out.push(db.decode(bom.subarray(0, 2), { stream: true }) + db.decode(bom.subarray(2)), db.decode(bom));
		// Inputs: ArrayBuffer, DataView, other typed arrays, undefined.
		const buf = new TextEncoder().encode("buffer").buffer;
		out.push(new TextDecoder().decode(buf), new TextDecoder().decode(new DataView(buf, 1, 3)), new TextDecoder().decode(new Uint16Array(buf, 0, 2)), new TextDecoder().decode());
		// Labels and other encodings.
		out.push(new TextDecoder("UTF8").encoding, new TextDecoder("latin1").encoding, new TextDecoder(" utf-16 ").encoding);
		try { new TextDecoder("klingon") } catch (e) { out.push(e.name) }
		try { new TextDecoder().decode("string") } catch (e) { out.push(e.name) }
		out.push(new TextDecoder("windows-1252").decode(new Uint8Array([0x80, 0xe9, 0x41])));
		out`)
	expectJSON(t, got, `["h€llo 😀!", "h€llo ", "", "😀!", "\ufffd",
		"a\ufffdb\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd", "TypeError", true, "", "€",
		"A", 2, "A", "A",
		"buffer", "uff", "buff", "",
		"utf-8", "windows-1252", "utf-16le", "RangeError", "TypeError", "€éA"]`)
}

func TestTextDecoderUTF16(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const out = [];
		// "a😀" in UTF-16LE with a BOM: FF FE 61 00 3D D8 00 DE
		const le = new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x3d, 0xd8, 0x00, 0xde]);
		out.push(new TextDecoder("utf-16le").decode(le));
		// Streaming split after an odd byte and between the surrogates.
		const d = new TextDecoder("utf-16le");
		out.push([d.decode(le.subarray(0, 3), { stream: true }), d.decode(le.subarray(3, 6), { stream: true }), d.decode(le.subarray(6))].join("|"));
		// Lone surrogate and odd trailing byte.
		out.push(new TextDecoder("utf-16le").decode(new Uint8Array([0x3d, 0xd8, 0x61, 0x00, 0x62])));
		try { new TextDecoder("utf-16le", { fatal: true }).decode(new Uint8Array([0x00, 0xd8])) } catch (e) { out.push(e.name) }
		out.push(new TextDecoder("utf-16be").decode(new Uint8Array([0x00, 0x61, 0xd8, 0x3d, 0xde, 0x00])));
		out`)
	expectJSON(t, got, `["a😀", "|a|😀", "\ufffda\ufffd", "TypeError", "a😀"]`)
}

func TestEncodingStreams(t *testing.T) {
	rt, _ := newTestRuntime(t)
	got := evalJSON(t, rt, `
		const parts = ["plain ", "\ud83d", "\ude00 emoji ", "€"];
		ReadableStream.from(parts)
			.pipeThrough(new TextEncoderStream())
			.pipeThrough(new TransformStream({
				// Re-chunk into single bytes so the decoder sees split sequences.
				transform(chunk, c) { for (const b of chunk) c.enqueue(new Uint8Array([b])) }
			}))
			.pipeThrough(new TextDecoderStream())
			.pipeTo(new WritableStream({
				write(s) { (globalThis.decoded ||= []).push(s) },
			}))
			.then(() => [globalThis.decoded.join(""), globalThis.decoded.length > 5])`)
	expectJSON(t, got, `["plain 😀 emoji €", true]`)
}

func TestBytesHelper(t *testing.T) {
	rt, _ := newTestRuntime(t)
	err := rt.Do(context.Background(), func(vm *goja.Runtime) error {
		for src, want := range map[string][]byte{
			`new Uint8Array([1, 2, 3])`:                         {1, 2, 3},
			`new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 3)`:    {1, 2},
			`new Uint8Array([5, 6]).buffer`:                     {5, 6},
			`new DataView(new Uint8Array([7, 8, 9]).buffer, 1)`: {8, 9},
			`new Uint16Array([0x0201])`:                         {1, 2},
			`"h€"`:                                              []byte("h€"),
		} {
			v, err := vm.RunString(src)
			if err != nil {
				return err
			}
			got, ok := Bytes(vm, v)
			if !ok || !bytes.Equal(got, want) {
				t.Errorf("Bytes(%s) = %v, %v; want %v", src, got, ok, want)
			}
		}
		for _, src := range []string{`({ length: 2 })`, `[1, 2]`, `42`, `undefined`, `null`} {
			v, _ := vm.RunString(src)
			if _, ok := Bytes(vm, v); ok {
				t.Errorf("Bytes(%s) should fail", src)
			}
		}
		// Bytes copies: changing the result does not change the JS array.
		v, _ := vm.RunString(`globalThis.arr = new Uint8Array([1]); arr`)
		b, _ := Bytes(vm, v)
		b[0] = 9
		if v, _ := vm.RunString(`arr[0]`); v.ToInteger() != 1 {
			t.Error("Bytes should copy")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
