package config

import (
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dop251/goja"
)

//go:embed shims/buffer-global.js
var bufferGlobalJS string

// installBuffer gives the engine Node's Buffer global (shims/buffer-global.js) and the host functions
// it and fs.readFileSync use: bufferEncode(string, encoding) -> ArrayBuffer, bufferDecode(bytes,
// encoding) -> string and readFileBytes(path) -> ArrayBuffer. It runs after the prelude.
func (vm *jsVM) installBuffer() error {
	rt := vm.rt
	h, ok := rt.Get("__govite").(*goja.Object)
	if !ok {
		return fmt.Errorf("internal error: the host object is missing")
	}
	_ = h.Set("bufferEncode", func(c goja.FunctionCall) goja.Value {
		data, err := encodeString(c.Argument(0).String(), c.Argument(1).String())
		if err != nil {
			vm.throwTypeError(err.Error())
		}
		return rt.ToValue(rt.NewArrayBuffer(data))
	})
	_ = h.Set("bufferDecode", func(c goja.FunctionCall) goja.Value {
		var data []byte
		if obj, ok := c.Argument(0).(*goja.Object); ok {
			data, _ = exportBytes(obj)
		}
		s, err := decodeBytes(data, c.Argument(1).String())
		if err != nil {
			vm.throwTypeError(err.Error())
		}
		return rt.ToValue(s)
	})
	_ = h.Set("readFileBytes", func(c goja.FunctionCall) goja.Value {
		p := c.Argument(0).String()
		data, err := os.ReadFile(p)
		if err != nil {
			vm.throwNodeError(err, "open", p)
		}
		return rt.ToValue(rt.NewArrayBuffer(data))
	})
	if _, err := rt.RunScript("govite:buffer", bufferGlobalJS); err != nil {
		return fmt.Errorf("internal error: govite's Buffer shim failed: %w", err)
	}
	return nil
}

// encodeString encodes s (a JS string: UTF-16 code units, lone surrogates included) with a Node
// encoding name as Buffer.from(s, encoding) does.
func encodeString(s, encoding string) ([]byte, error) {
	switch encoding {
	case "utf8":
		return []byte(strings.ToValidUTF8(s, "\uFFFD")), nil
	case "latin1", "ascii":
		out := make([]byte, 0, len(s))
		for _, r := range s {
			out = append(out, byte(r))
		}
		return out, nil
	case "utf16le":
		units := utf16.Encode([]rune(s))
		out := make([]byte, 0, 2*len(units))
		for _, u := range units {
			out = append(out, byte(u), byte(u>>8))
		}
		return out, nil
	case "hex":
		n := len(s) &^ 1
		out := make([]byte, 0, n/2)
		for i := 0; i+1 < len(s); i += 2 {
			b, err := hex.DecodeString(s[i : i+2])
			if err != nil {
				break // Node stops at the first pair that is not hex
			}
			out = append(out, b...)
		}
		return out, nil
	case "base64", "base64url":
		// Node accepts both alphabets, with or without padding, and skips whitespace.
		clean := strings.Map(func(r rune) rune {
			switch {
			case r == '-':
				return '+'
			case r == '_':
				return '/'
			case r == '=' || r == ' ' || r == '\n' || r == '\r' || r == '\t':
				return -1
			}
			return r
		}, s)
		out, err := base64.RawStdEncoding.DecodeString(clean)
		if err != nil {
			return nil, fmt.Errorf("invalid base64 data: %v", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("Unknown encoding: %s", encoding)
}

// decodeBytes decodes data with a Node encoding name, as buffer.toString(encoding) does.
func decodeBytes(data []byte, encoding string) (string, error) {
	switch encoding {
	case "utf8":
		if utf8.Valid(data) {
			return string(data), nil
		}
		return strings.ToValidUTF8(string(data), "\uFFFD"), nil
	case "latin1":
		r := make([]rune, len(data))
		for i, b := range data {
			r[i] = rune(b)
		}
		return string(r), nil
	case "ascii":
		r := make([]rune, len(data))
		for i, b := range data {
			r[i] = rune(b & 0x7f)
		}
		return string(r), nil
	case "utf16le":
		units := make([]uint16, len(data)/2)
		for i := range units {
			units[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
		}
		return string(utf16.Decode(units)), nil
	case "hex":
		return hex.EncodeToString(data), nil
	case "base64":
		return base64.StdEncoding.EncodeToString(data), nil
	case "base64url":
		return base64.RawURLEncoding.EncodeToString(data), nil
	}
	return "", fmt.Errorf("Unknown encoding: %s", encoding)
}
