package jsrt

import (
	"errors"
	"reflect"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dop251/goja"
)

var (
	typeBytes       = reflect.TypeOf([]byte(nil))
	typeArrayBuffer = reflect.TypeOf(goja.ArrayBuffer{})
)

// Bytes returns a copy of the bytes of v when v is a Uint8Array (or another TypedArray or a DataView),
// an ArrayBuffer or a string (its UTF-8 encoding); ok is false for anything else. Call it on the loop.
func Bytes(vm *goja.Runtime, v goja.Value) (b []byte, ok bool) {
	if v == nil {
		return nil, false
	}
	if _, isObj := v.(*goja.Object); !isObj {
		if v.ExportType() != nil && v.ExportType().Kind() == reflect.String {
			return []byte(v.String()), true
		}
		return nil, false
	}
	view, ok := bytesOf(vm, v)
	if !ok {
		return nil, false
	}
	return append([]byte(nil), view...), true
}

// viewBytes returns the bytes of an ArrayBuffer, TypedArray or DataView without copying: writes through
// the slice are seen by JavaScript. Call it on the loop and do not keep the slice past the call.
func (r *Runtime) viewBytes(v goja.Value) ([]byte, bool) {
	return bytesOf(r.vm, v)
}

func bytesOf(vm *goja.Runtime, v goja.Value) ([]byte, bool) {
	obj, ok := v.(*goja.Object)
	if !ok {
		return nil, false
	}
	// ExportType tells the kind without converting the object (Export of a plain object would copy it
	// into a map).
	switch obj.ExportType() {
	case typeBytes: // Uint8Array, Uint8ClampedArray: the slice shares the buffer
		b, ok := obj.Export().([]byte)
		return b, ok
	case typeArrayBuffer:
		ab, ok := obj.Export().(goja.ArrayBuffer)
		if !ok {
			return nil, false
		}
		return ab.Bytes(), true
	}
	// Other TypedArrays and DataView: go through buffer, byteOffset and byteLength.
	if !isView(vm, obj) {
		return nil, false
	}
	bufObj, ok := obj.Get("buffer").(*goja.Object)
	if !ok || bufObj.ExportType() != typeArrayBuffer {
		return nil, false
	}
	all := bufObj.Export().(goja.ArrayBuffer).Bytes()
	off := obj.Get("byteOffset").ToInteger()
	n := obj.Get("byteLength").ToInteger()
	if off < 0 || n < 0 || off+n > int64(len(all)) {
		return nil, false
	}
	return all[off : off+n], true
}

func isView(vm *goja.Runtime, obj *goja.Object) bool {
	ab, ok := vm.Get("ArrayBuffer").(*goja.Object)
	if !ok {
		return false
	}
	isViewFn, ok := goja.AssertFunction(ab.Get("isView"))
	if !ok {
		return false
	}
	res, err := isViewFn(ab, obj)
	return err == nil && res.ToBoolean()
}

// newUint8Array makes a Uint8Array over b (not copied). Call it on the loop.
func (r *Runtime) newUint8Array(b []byte) goja.Value {
	ab := r.vm.NewArrayBuffer(b)
	o, err := r.vm.New(r.helpers.uint8Array, r.vm.ToValue(ab))
	if err != nil {
		panic(err)
	}
	return o
}

// textDecoder is the state of a JavaScript TextDecoder: the bytes of an incomplete sequence kept
// between streaming decode calls and whether the BOM was dealt with.
type textDecoder struct {
	encoding  string // "utf-8", "utf-16le", "utf-16be", "windows-1252"
	fatal     bool
	ignoreBOM bool
	pending   []byte
	bomDone   bool
}

var errInvalidData = errors.New("the encoded data was not valid")

func (d *textDecoder) decode(in []byte, stream bool) (string, error) {
	buf := in
	if len(d.pending) > 0 {
		buf = append(d.pending, in...)
		d.pending = nil
	}
	var (
		s    string
		rest []byte
		err  error
	)
	switch d.encoding {
	case "utf-8":
		s, rest, err = decodeUTF8(buf, d.fatal, stream)
	case "utf-16le":
		s, rest, err = decodeUTF16(buf, false, d.fatal, stream)
	case "utf-16be":
		s, rest, err = decodeUTF16(buf, true, d.fatal, stream)
	default:
		s = decodeWindows1252(buf)
	}
	if err != nil {
		d.pending = nil
		d.bomDone = false
		return "", err
	}
	if len(rest) > 0 {
		d.pending = append([]byte(nil), rest...)
	}
	if !d.bomDone && s != "" {
		if !d.ignoreBOM {
			s = strings.TrimPrefix(s, "\uFEFF")
		}
		d.bomDone = true
	}
	if !stream {
		// The end of a stream: the next call starts a new one.
		d.bomDone = false
		d.pending = nil
	}
	return s, nil
}

// decodeUTF8 is the WHATWG UTF-8 decoder: each maximal invalid subpart becomes one U+FFFD (or an error
// when fatal). With stream, an incomplete sequence at the end is returned as rest.
func decodeUTF8(b []byte, fatal, stream bool) (s string, rest []byte, err error) {
	if utf8.Valid(b) {
		return string(b), nil, nil
	}
	var sb strings.Builder
	sb.Grow(len(b) + 8)
	i := 0
outer:
	for i < len(b) {
		c := b[i]
		if c < 0x80 {
			sb.WriteByte(c)
			i++
			continue
		}
		need := 0
		lo, hi := byte(0x80), byte(0xBF)
		switch {
		case c >= 0xC2 && c <= 0xDF:
			need = 1
		case c >= 0xE0 && c <= 0xEF:
			need = 2
			if c == 0xE0 {
				lo = 0xA0
			} else if c == 0xED {
				hi = 0x9F
			}
		case c >= 0xF0 && c <= 0xF4:
			need = 3
			if c == 0xF0 {
				lo = 0x90
			} else if c == 0xF4 {
				hi = 0x8F
			}
		default:
			if fatal {
				return "", nil, errInvalidData
			}
			sb.WriteRune(utf8.RuneError)
			i++
			continue
		}
		j := i + 1
		for k := 0; k < need; k++ {
			if j >= len(b) {
				if stream {
					return sb.String(), b[i:], nil
				}
				if fatal {
					return "", nil, errInvalidData
				}
				sb.WriteRune(utf8.RuneError)
				break outer
			}
			if cb := b[j]; cb < lo || cb > hi {
				if fatal {
					return "", nil, errInvalidData
				}
				sb.WriteRune(utf8.RuneError)
				i = j
				continue outer
			}
			lo, hi = 0x80, 0xBF
			j++
		}
		sb.Write(b[i:j])
		i = j
	}
	return sb.String(), nil, nil
}

func decodeUTF16(b []byte, bigEndian, fatal, stream bool) (s string, rest []byte, err error) {
	n := len(b) / 2 * 2
	units := make([]uint16, 0, n/2)
	for i := 0; i < n; i += 2 {
		if bigEndian {
			units = append(units, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			units = append(units, uint16(b[i])|uint16(b[i+1])<<8)
		}
	}
	odd := n < len(b)
	if stream {
		rest = b[n:]
		if k := len(units); k > 0 && units[k-1] >= 0xD800 && units[k-1] <= 0xDBFF {
			// A high surrogate whose pair may come in the next chunk.
			units = units[:k-1]
			rest = b[n-2:]
		}
		odd = false
	}
	var sb strings.Builder
	sb.Grow(len(units) + 8)
	for i := 0; i < len(units); i++ {
		u := units[i]
		switch {
		case u >= 0xD800 && u <= 0xDBFF && i+1 < len(units) && units[i+1] >= 0xDC00 && units[i+1] <= 0xDFFF:
			sb.WriteRune(utf16.DecodeRune(rune(u), rune(units[i+1])))
			i++
		case u >= 0xD800 && u <= 0xDFFF:
			if fatal {
				return "", nil, errInvalidData
			}
			sb.WriteRune(utf8.RuneError)
		default:
			sb.WriteRune(rune(u))
		}
	}
	if odd {
		if fatal {
			return "", nil, errInvalidData
		}
		sb.WriteRune(utf8.RuneError)
	}
	return sb.String(), rest, nil
}

// windows1252 maps the bytes 0x80-0x9F, where windows-1252 differs from Latin-1.
var windows1252 = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

func decodeWindows1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xA0:
			sb.WriteRune(windows1252[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}
