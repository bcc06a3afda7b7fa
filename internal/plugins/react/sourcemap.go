package react

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// sourceMap is a version 3 source map.
type sourceMap struct {
	Version        int       `json:"version"`
	File           string    `json:"file,omitempty"`
	SourceRoot     string    `json:"sourceRoot,omitempty"`
	Sources        []string  `json:"sources"`
	SourcesContent []*string `json:"sourcesContent,omitempty"`
	Names          []string  `json:"names"`
	Mappings       string    `json:"mappings"`
}

// adjustMap moves the generated positions of esbuild's map of js to match the output of addRefresh:
// prologue lines are added before the first line and the insertions (which never contain a line
// break) move the columns after them on their line.
func adjustMap(mapJSON []byte, js string, out *refreshOutput) ([]byte, error) {
	var m sourceMap
	if err := json.Unmarshal(mapJSON, &m); err != nil {
		return nil, fmt.Errorf("reading esbuild's source map: %w", err)
	}
	lines, err := decodeMappings(m.Mappings)
	if err != nil {
		return nil, err
	}
	// Line and column of every insertion, in order.
	type at struct{ line, col, n int }
	var ats []at
	line, lineStart, pos := 0, 0, 0
	inserts := append([]insertion(nil), out.inserts...)
	sort.SliceStable(inserts, func(i, j int) bool { return inserts[i].pos < inserts[j].pos })
	for _, ins := range inserts {
		for pos < ins.pos {
			if js[pos] == '\n' {
				line++
				lineStart = pos + 1
			}
			pos++
		}
		ats = append(ats, at{line, ins.pos - lineStart, len(ins.text)})
	}
	for _, a := range ats {
		if a.line >= len(lines) {
			continue
		}
		for i := range lines[a.line] {
			// Columns are compared with the original ones: segments were moved by the insertions
			// before this one on the line, which all lie to the left.
			if lines[a.line][i].orig >= a.col {
				lines[a.line][i].col += a.n
			}
		}
	}
	m.Mappings = strings.Repeat(";", out.prologueLines) + encodeMappings(lines)
	return json.Marshal(&m)
}

// segment is one mapping with absolute values; n is how many fields it has (1, 4 or 5).
type segment struct {
	col, orig                  int // generated column (adjusted) and as decoded
	src, srcLine, srcCol, name int
	n                          int
}

const base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

var base64Index = func() (t [256]int) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base64Chars); i++ {
		t[base64Chars[i]] = i
	}
	return
}()

func decodeMappings(s string) ([][]segment, error) {
	var lines [][]segment
	var src, srcLine, srcCol, name int
	for _, l := range strings.Split(s, ";") {
		var segs []segment
		col := 0
		for _, f := range strings.Split(l, ",") {
			if f == "" {
				continue
			}
			var vals []int
			for i := 0; i < len(f); {
				v, n, err := readVLQ(f[i:])
				if err != nil {
					return nil, err
				}
				vals = append(vals, v)
				i += n
			}
			col += vals[0]
			seg := segment{col: col, orig: col, n: len(vals)}
			if len(vals) >= 4 {
				src += vals[1]
				srcLine += vals[2]
				srcCol += vals[3]
				seg.src, seg.srcLine, seg.srcCol = src, srcLine, srcCol
			}
			if len(vals) >= 5 {
				name += vals[4]
				seg.name = name
			}
			segs = append(segs, seg)
		}
		lines = append(lines, segs)
	}
	return lines, nil
}

func readVLQ(s string) (value, n int, err error) {
	shift := 0
	for {
		if n >= len(s) {
			return 0, 0, fmt.Errorf("source map: truncated VLQ")
		}
		d := base64Index[s[n]]
		if d < 0 {
			return 0, 0, fmt.Errorf("source map: bad character %q in mappings", s[n])
		}
		n++
		value += (d & 31) << shift
		shift += 5
		if d&32 == 0 {
			break
		}
	}
	if value&1 != 0 {
		return -(value >> 1), n, nil
	}
	return value >> 1, n, nil
}

func writeVLQ(b *strings.Builder, v int) {
	if v < 0 {
		v = (-v << 1) | 1
	} else {
		v <<= 1
	}
	for {
		d := v & 31
		v >>= 5
		if v > 0 {
			d |= 32
		}
		b.WriteByte(base64Chars[d])
		if v == 0 {
			return
		}
	}
}

func encodeMappings(lines [][]segment) string {
	var b strings.Builder
	var src, srcLine, srcCol, name int
	for li, segs := range lines {
		if li > 0 {
			b.WriteByte(';')
		}
		col := 0
		for si, s := range segs {
			if si > 0 {
				b.WriteByte(',')
			}
			writeVLQ(&b, s.col-col)
			col = s.col
			if s.n >= 4 {
				writeVLQ(&b, s.src-src)
				writeVLQ(&b, s.srcLine-srcLine)
				writeVLQ(&b, s.srcCol-srcCol)
				src, srcLine, srcCol = s.src, s.srcLine, s.srcCol
			}
			if s.n >= 5 {
				writeVLQ(&b, s.name-name)
				name = s.name
			}
		}
	}
	return b.String()
}
