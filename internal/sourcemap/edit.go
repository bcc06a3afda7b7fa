// Package sourcemap keeps a generated file's source map right while the file is edited after the
// bundler wrote it: govite replaces placeholders in finished chunks (preload dependency lists, chunk
// file names), which moves the columns of everything after the edit on the same line.
package sourcemap

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Edit replaces Src[Start:End] with Text.
type Edit struct {
	Start, End int
	Text       string
}

// Apply applies non-overlapping edits to code and, when mapJSON is not empty, returns the map with the
// generated columns moved to match. Edits may be given in any order.
func Apply(code string, mapJSON []byte, edits []Edit) (string, []byte, error) {
	if len(edits) == 0 {
		return code, mapJSON, nil
	}
	// By position; an insertion (Start == End) goes before a replacement that starts at the same place.
	slices.SortStableFunc(edits, func(a, b Edit) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
	})
	var b strings.Builder
	last := 0
	for _, e := range edits {
		b.WriteString(code[last:e.Start])
		b.WriteString(e.Text)
		last = e.End
	}
	b.WriteString(code[last:])
	if len(mapJSON) == 0 {
		return b.String(), nil, nil
	}
	// Positions of edits as (line, column) in the old code; an edit must not span lines for the column
	// arithmetic below, which holds for every edit govite makes (string literals and identifiers).
	byLine := map[int]shifts{}
	line, lineStart, pos := 0, 0, 0
	for _, e := range edits {
		for pos < e.Start {
			if code[pos] == '\n' {
				line++
				lineStart = pos + 1
			}
			pos++
		}
		byLine[line] = append(byLine[line], shift{line: line, col: e.Start - lineStart, endCol: e.End - lineStart, delta: len(e.Text) - (e.End - e.Start)})
	}
	// The dev server applies edits to every module it serves, so the common case avoids decoding the
	// JSON and the whole mappings string: only the lines with edits are rewritten, in place.
	if out, ok := applyFast(mapJSON, byLine); ok {
		return b.String(), out, nil
	}
	out, err := applyDecoded(mapJSON, byLine)
	return b.String(), out, err
}

// applyDecoded moves the generated columns of the lines in byLine by decoding the whole map.
func applyDecoded(mapJSON []byte, byLine map[int]shifts) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(mapJSON, &m); err != nil {
		return nil, err
	}
	mappings, _ := m["mappings"].(string)
	lines := decode(mappings)
	for line, ss := range byLine {
		if line >= len(lines) {
			continue
		}
		for i := range lines[line] {
			lines[line][i][0] = ss.moved(lines[line][i][0])
		}
	}
	m["mappings"] = encode(lines)
	return json.Marshal(m)
}

// A shift is one edit as seen by the map: on generated line line, the old columns col..endCol were
// replaced by text delta bytes longer.
type shift struct{ line, col, endCol, delta int }

type shifts []shift

// moved is where a segment at old column col of the line goes: it moves by the deltas of the edits
// that end at or before it (all comparisons use old columns, so several edits on a line add up).
func (ss shifts) moved(col int) int {
	moved := col
	for _, s := range ss {
		if col >= s.endCol && (s.endCol > s.col || col >= s.col) {
			moved += s.delta
		}
	}
	return moved
}

// applyFast moves the generated columns of the lines in byLine without decoding the rest of the
// map: a segment's other fields are relative to the previous segment's and stay valid as long as the
// segments keep their order. ok is false when the map's "mappings" cannot be found as a plain JSON
// string or an edit reorders segments; Apply then decodes everything.
func applyFast(mapJSON []byte, byLine map[int]shifts) ([]byte, bool) {
	start, end, ok := mappingsValue(mapJSON)
	if !ok {
		return nil, false
	}
	mappings := string(mapJSON[start:end])
	var b strings.Builder
	b.Grow(len(mapJSON) + 16)
	b.Write(mapJSON[:start])
	line := 0
	for rest := mappings; ; line++ {
		ln, after, more := strings.Cut(rest, ";")
		if line > 0 {
			b.WriteByte(';')
		}
		if ss, ok := byLine[line]; ok {
			if !shiftLine(&b, ln, ss) {
				return nil, false
			}
		} else {
			b.WriteString(ln)
		}
		if !more {
			break
		}
		rest = after
	}
	b.Write(mapJSON[end:])
	return []byte(b.String()), true
}

// shiftLine writes one line of mappings with its segments' generated columns moved.
func shiftLine(b *strings.Builder, ln string, ss shifts) bool {
	oldCol, newPrev, first := 0, 0, true
	for seg := range strings.SplitSeq(ln, ",") {
		if seg == "" {
			continue
		}
		d, n := vlq(seg)
		oldCol += d
		col := ss.moved(oldCol)
		if col < newPrev {
			return false
		}
		if !first {
			b.WriteByte(',')
		}
		putVLQ(b, col-newPrev)
		b.WriteString(seg[n:])
		newPrev, first = col, false
	}
	return true
}

// mappingsValue finds the bytes of the "mappings" string in a source map's JSON. Inside a JSON
// string every quote is escaped, so an unescaped "mappings" followed by a colon is the key.
func mappingsValue(mapJSON []byte) (start, end int, ok bool) {
	key := []byte(`"mappings"`)
	for off := 0; ; {
		i := bytes.Index(mapJSON[off:], key)
		if i < 0 {
			return 0, 0, false
		}
		j := off + i + len(key)
		off = j
		for j < len(mapJSON) && isJSONSpace(mapJSON[j]) {
			j++
		}
		if j >= len(mapJSON) || mapJSON[j] != ':' {
			continue
		}
		j++
		for j < len(mapJSON) && isJSONSpace(mapJSON[j]) {
			j++
		}
		if j >= len(mapJSON) || mapJSON[j] != '"' {
			return 0, 0, false
		}
		k := bytes.IndexByte(mapJSON[j+1:], '"')
		if k < 0 || bytes.IndexByte(mapJSON[j+1:j+1+k], '\\') >= 0 {
			return 0, 0, false
		}
		return j + 1, j + 1 + k, true
	}
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// ShiftLines returns the map with n empty generated lines added at the top (for a prologue).
func ShiftLines(mapJSON []byte, n int) ([]byte, error) {
	if start, _, ok := mappingsValue(mapJSON); ok {
		out := make([]byte, 0, len(mapJSON)+n)
		out = append(out, mapJSON[:start]...)
		out = append(out, strings.Repeat(";", n)...)
		return append(out, mapJSON[start:]...), nil
	}
	var m map[string]any
	if err := json.Unmarshal(mapJSON, &m); err != nil {
		return nil, err
	}
	mappings, _ := m["mappings"].(string)
	m["mappings"] = strings.Repeat(";", n) + mappings
	return json.Marshal(m)
}

// A segment is [genCol, srcIdx, srcLine, srcCol, nameIdx] with absolute values; len 1, 4 or 5.
type segment []int

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// b64Index maps a base64 digit to its value (0 for other bytes, as a malformed map decodes anyway).
var b64Index = func() (t [256]byte) {
	for i := 0; i < len(b64); i++ {
		t[b64[i]] = byte(i)
	}
	return t
}()

func decode(mappings string) [][]segment {
	var lines [][]segment
	var cur []segment
	var src, sline, scol, name int
	i := 0
	for _, ln := range strings.Split(mappings, ";") {
		cur = nil
		gcol := 0
		for _, seg := range strings.Split(ln, ",") {
			if seg == "" {
				continue
			}
			var vals []int
			i = 0
			for i < len(seg) {
				v, n := vlq(seg[i:])
				vals = append(vals, v)
				i += n
			}
			s := segment{}
			gcol += vals[0]
			s = append(s, gcol)
			if len(vals) >= 4 {
				src += vals[1]
				sline += vals[2]
				scol += vals[3]
				s = append(s, src, sline, scol)
			}
			if len(vals) >= 5 {
				name += vals[4]
				s = append(s, name)
			}
			cur = append(cur, s)
		}
		lines = append(lines, cur)
	}
	return lines
}

func vlq(s string) (int, int) {
	v, shift, n := 0, 0, 0
	for n < len(s) {
		d := int(b64Index[s[n]])
		n++
		v |= (d & 31) << shift
		if d&32 == 0 {
			break
		}
		shift += 5
	}
	if v&1 != 0 {
		return -(v >> 1), n
	}
	return v >> 1, n
}

func putVLQ(b *strings.Builder, v int) {
	u := v << 1
	if v < 0 {
		u = (-v << 1) | 1
	}
	for {
		d := u & 31
		u >>= 5
		if u > 0 {
			d |= 32
		}
		b.WriteByte(b64[d])
		if u == 0 {
			return
		}
	}
}

func encode(lines [][]segment) string {
	var b strings.Builder
	var src, sline, scol, name int
	for li, ln := range lines {
		if li > 0 {
			b.WriteByte(';')
		}
		gcol := 0
		slices.SortStableFunc(ln, func(a, c segment) int { return a[0] - c[0] })
		for si, s := range ln {
			if si > 0 {
				b.WriteByte(',')
			}
			putVLQ(&b, s[0]-gcol)
			gcol = s[0]
			if len(s) >= 4 {
				putVLQ(&b, s[1]-src)
				putVLQ(&b, s[2]-sline)
				putVLQ(&b, s[3]-scol)
				src, sline, scol = s[1], s[2], s[3]
			}
			if len(s) >= 5 {
				putVLQ(&b, s[4]-name)
				name = s[4]
			}
		}
	}
	return b.String()
}

// Segment is one decoded mapping with absolute values: generated column, then (when present) source
// index, source line, source column and name index.
type Segment = segment

// Decode decodes a mappings string into lines of segments.
func Decode(mappings string) [][]Segment { return decode(mappings) }

// PutVLQ appends v to a mappings string as a base64 VLQ, for callers that build mappings themselves.
func PutVLQ(b *strings.Builder, v int) { putVLQ(b, v) }

// Identity is a map from code to itself as the file source (each line to the same line, from its
// start), with the text as sourcesContent: Rollup's getCombinedSourcemap() before any transform.
func Identity(source, code string) []byte {
	var b strings.Builder
	lines := strings.Count(code, "\n") + 1
	for i := 0; i < lines; i++ {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString("AA")
		if i == 0 {
			b.WriteString("AA")
		} else {
			b.WriteString("CA")
		}
	}
	out, _ := json.Marshal(map[string]any{"version": 3, "sources": []string{source}, "sourcesContent": []string{code}, "names": []string{}, "mappings": b.String()})
	return out
}
