package ssr

import (
	"fmt"
	"github.com/govite/govite/internal/sourcemap"
	"sort"
	"strings"
	"unicode/utf8"
)

// applyEdits applies non-overlapping edits to code and returns the result with the "mappings" of a
// source map from the result back to code. Unchanged text is mapped at every word and punctuation
// boundary (like MagicString's hires: "boundary"); an edit's text is mapped to the original offset
// it stands for. Columns are in UTF-16 code units, as source maps require.
func applyEdits(code string, edits []edit) (string, string, error) {
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].start != edits[j].start {
			return edits[i].start < edits[j].start
		}
		return edits[i].end < edits[j].end
	})
	g := mapGen{code: code}
	g.out.Grow(len(code) + len(code)/8)
	for i, e := range edits {
		if e.start < g.pos || e.end < e.start || e.end > len(code) {
			return "", "", fmt.Errorf("ssr transform: internal error: overlapping edits at %d (%q) and %d", edits[max(i-1, 0)].start, e.text, e.start)
		}
		g.copyTo(e.start)
		g.insert(e.text, e.mapTo)
		g.skipTo(e.end)
	}
	g.copyTo(len(code))
	return g.out.String(), g.maps.String(), nil
}

type mapGen struct {
	code string
	pos  int // offset in code
	// position of pos in code, and of the end of out, as line and UTF-16 column
	srcLine, srcCol int
	genLine, genCol int
	out             strings.Builder

	maps                    strings.Builder
	lastGenLine, lastGenCol int
	lastSrcLine, lastSrcCol int
	segLine, segCol         int // last segment's generated position, to skip duplicates
	haveSeg                 bool
	lineStarts              []int
}

func (g *mapGen) segment(srcLine, srcCol int) {
	if g.haveSeg && g.segLine == g.genLine && g.segCol == g.genCol {
		return
	}
	if g.genLine > g.lastGenLine {
		for ; g.lastGenLine < g.genLine; g.lastGenLine++ {
			g.maps.WriteByte(';')
		}
		g.lastGenCol = 0
	} else if g.haveSeg {
		g.maps.WriteByte(',')
	}
	sourcemap.PutVLQ(&g.maps, g.genCol-g.lastGenCol)
	sourcemap.PutVLQ(&g.maps, 0) // the only source
	sourcemap.PutVLQ(&g.maps, srcLine-g.lastSrcLine)
	sourcemap.PutVLQ(&g.maps, srcCol-g.lastSrcCol)
	g.lastGenCol, g.lastSrcLine, g.lastSrcCol = g.genCol, srcLine, srcCol
	g.segLine, g.segCol, g.haveSeg = g.genLine, g.genCol, true
}

func isWordByte(c byte) bool { return isIDPartASCII(c) || c >= utf8.RuneSelf }

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// copyTo copies code[g.pos:to] to the output, mapping each boundary.
func (g *mapGen) copyTo(to int) {
	code := g.code
	start := g.pos
	for g.pos < to {
		c := code[g.pos]
		if !isSpaceByte(c) && (g.pos == start || g.genCol == 0 || isSpaceByte(code[g.pos-1]) ||
			!isWordByte(c) || !isWordByte(code[g.pos-1])) {
			g.segment(g.srcLine, g.srcCol)
		}
		switch {
		case c == '\n':
			g.out.WriteByte(c)
			g.pos++
			g.srcLine, g.srcCol = g.srcLine+1, 0
			g.genLine, g.genCol = g.genLine+1, 0
		case c == '\r':
			g.out.WriteByte(c)
			g.pos++
			if g.pos < len(code) && code[g.pos] == '\n' {
				g.out.WriteByte('\n')
				g.pos++
			}
			g.srcLine, g.srcCol = g.srcLine+1, 0
			g.genLine, g.genCol = g.genLine+1, 0
		case c < utf8.RuneSelf:
			g.out.WriteByte(c)
			g.pos++
			g.srcCol++
			g.genCol++
		default:
			r, n := decodeRune(code[g.pos:])
			g.out.WriteString(code[g.pos : g.pos+n])
			g.pos += n
			if r == 0x2028 || r == 0x2029 {
				g.srcLine, g.srcCol = g.srcLine+1, 0
				g.genLine, g.genCol = g.genLine+1, 0
			} else {
				w := utf16Len(r)
				g.srcCol += w
				g.genCol += w
			}
		}
	}
}

// insert writes text mapped to the original offset at.
func (g *mapGen) insert(text string, at int) {
	if text == "" {
		return
	}
	line, col := g.srcLine, g.srcCol
	if at != g.pos {
		line, col = g.lineColAt(at)
	}
	g.segment(line, col)
	g.out.WriteString(text)
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\n' || c == '\r' && (i+1 >= len(text) || text[i+1] != '\n'):
			g.genLine, g.genCol = g.genLine+1, 0
			i++
		case c < utf8.RuneSelf:
			if c != '\r' {
				g.genCol++
			}
			i++
		default:
			r, n := decodeRune(text[i:])
			if r == 0x2028 || r == 0x2029 {
				g.genLine, g.genCol = g.genLine+1, 0
			} else {
				g.genCol += utf16Len(r)
			}
			i += n
		}
	}
}

// lineColAt returns the line and column of an offset in code away from the cursor (the original
// start of a hoisted statement).
func (g *mapGen) lineColAt(at int) (int, int) {
	if g.lineStarts == nil {
		g.lineStarts = []int{0}
		code := g.code
		for i := 0; i < len(code); i++ {
			switch c := code[i]; {
			case c == '\n':
				g.lineStarts = append(g.lineStarts, i+1)
			case c == '\r':
				if i+1 < len(code) && code[i+1] == '\n' {
					i++
				}
				g.lineStarts = append(g.lineStarts, i+1)
			case c == 0xE2 && (strings.HasPrefix(code[i:], "\u2028") || strings.HasPrefix(code[i:], "\u2029")):
				i += 2
				g.lineStarts = append(g.lineStarts, i+1)
			}
		}
	}
	line := sort.SearchInts(g.lineStarts, at+1) - 1
	_, col := lineCol(g.code[g.lineStarts[line]:at], at-g.lineStarts[line])
	return line, col
}

// skipTo moves the cursor in code to offset to without output.
func (g *mapGen) skipTo(to int) {
	code := g.code
	for g.pos < to {
		c := code[g.pos]
		switch {
		case c == '\n':
			g.srcLine, g.srcCol = g.srcLine+1, 0
			g.pos++
		case c == '\r':
			g.pos++
			if g.pos < len(code) && code[g.pos] == '\n' {
				g.pos++
			}
			g.srcLine, g.srcCol = g.srcLine+1, 0
		case c < utf8.RuneSelf:
			g.srcCol++
			g.pos++
		default:
			r, n := decodeRune(code[g.pos:])
			if r == 0x2028 || r == 0x2029 {
				g.srcLine, g.srcCol = g.srcLine+1, 0
			} else {
				g.srcCol += utf16Len(r)
			}
			g.pos += n
		}
	}
}

func decodeRune(s string) (rune, int) {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		n = 1
	}
	return r, n
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
