// Package sourcemap keeps a generated file's source map right while the file is edited after the
// bundler wrote it: govite replaces placeholders in finished chunks (preload dependency lists, chunk
// file names), which moves the columns of everything after the edit on the same line.
package sourcemap

import (
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
	var m map[string]any
	if err := json.Unmarshal(mapJSON, &m); err != nil {
		return "", nil, err
	}
	mappings, _ := m["mappings"].(string)
	lines := decode(mappings)
	// Positions of edits as (line, column) in the old code; an edit must not span lines for the column
	// arithmetic below, which holds for every edit govite makes (string literals and identifiers).
	type shift struct{ line, col, endCol, delta, newLines int }
	var shifts []shift
	line, lineStart, pos := 0, 0, 0
	for _, e := range edits {
		for pos < e.Start {
			if code[pos] == '\n' {
				line++
				lineStart = pos + 1
			}
			pos++
		}
		shifts = append(shifts, shift{line: line, col: e.Start - lineStart, endCol: e.End - lineStart, delta: len(e.Text) - (e.End - e.Start), newLines: strings.Count(e.Text, "\n")})
	}
	// Each segment moves by the deltas of the edits that end at or before its original column on its
	// line; all comparisons use the original columns, so several edits on one line add up right.
	byLine := map[int][]shift{}
	for _, s := range shifts {
		byLine[s.line] = append(byLine[s.line], s)
	}
	for line, ss := range byLine {
		if line >= len(lines) {
			continue
		}
		for i := range lines[line] {
			col := lines[line][i][0]
			moved := col
			for _, s := range ss {
				if col >= s.endCol && (s.endCol > s.col || col >= s.col) {
					moved += s.delta
				}
			}
			lines[line][i][0] = moved
		}
	}
	m["mappings"] = encode(lines)
	out, err := json.Marshal(m)
	return b.String(), out, err
}

// ShiftLines returns the map with n empty generated lines added at the top (for a prologue).
func ShiftLines(mapJSON []byte, n int) ([]byte, error) {
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
		d := strings.IndexByte(b64, s[n])
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
