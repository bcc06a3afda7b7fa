package sourcemap

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, m := range []string{"AAAA,SAAS,CAAC;;AACA,gBAAgB", "AAAAA,EAAEC;AACD", ""} {
		if got := encode(decode(m)); got != m {
			t.Errorf("encode(decode(%q)) = %q", m, got)
		}
	}
}

func TestApplyShiftsColumnsAfterEdit(t *testing.T) {
	code := "a(PLACEHOLDER);b()\nc()"
	// segments: col 0 (a), col 15 (b) on line 0; col 0 (c) on line 1
	mapJSON, _ := json.Marshal(map[string]any{"version": 3, "sources": []string{"x.js"}, "mappings": encode([][]segment{{{0, 0, 0, 0}, {15, 0, 1, 0}}, {{0, 0, 2, 0}}})})
	out, newMap, err := Apply(code, mapJSON, []Edit{{Start: 2, End: 13, Text: "[1,2]"}})
	if err != nil {
		t.Fatal(err)
	}
	if out != "a([1,2]);b()\nc()" {
		t.Fatalf("code = %q", out)
	}
	var m map[string]any
	json.Unmarshal(newMap, &m)
	lines := decode(m["mappings"].(string))
	if lines[0][1][0] != 9 { // b() moved from column 15 to 9
		t.Errorf("b column = %d, want 9", lines[0][1][0])
	}
	if lines[0][0][0] != 0 || lines[1][0][0] != 0 {
		t.Errorf("other segments moved: %v", lines)
	}
}

func TestComposeFollowsBothMaps(t *testing.T) {
	// Step 1 moved original line 0 to output line 1; step 2 moved step 1's line 1 to line 2.
	m1 := []byte(`{"version":3,"sources":["a.ts"],"names":[],"mappings":";AAAA"}`)
	m2 := []byte(`{"version":3,"sources":["step1.js"],"names":[],"mappings":";;AACA"}`)
	out, err := Compose(m1, m2)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Sources  []string
		Mappings string
	}
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if m.Sources[0] != "a.ts" || m.Mappings != ";;AAAA" {
		t.Fatalf("got sources %v mappings %q", m.Sources, m.Mappings)
	}
}

func TestApplyTwoEditsOnOneLine(t *testing.T) {
	// "abcdef": segments at columns 0, 2 and 4; insert "XX" at 0 and replace "cd" (2..4) with "Y".
	m := []byte(`{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA,EAAE,EAAE"}`)
	out, outMap, err := Apply("abcdef", m, []Edit{{Start: 0, End: 0, Text: "XX"}, {Start: 2, End: 4, Text: "Y"}})
	if err != nil {
		t.Fatal(err)
	}
	if out != "XXabYef" {
		t.Fatalf("code %q", out)
	}
	var got struct{ Mappings string }
	json.Unmarshal(outMap, &got)
	// col 0 -> 2 (after the insertion), col 2 -> 4, col 4 -> 5 (after "XX" and "Y").
	lines := decode(got.Mappings)
	cols := []int{lines[0][0][0], lines[0][1][0], lines[0][2][0]}
	if cols[0] != 2 || cols[1] != 4 || cols[2] != 5 {
		t.Fatalf("columns %v, want [2 4 5]", cols)
	}
}

// The fast path (only the edited lines re-encoded, the JSON left as it is) must give the same
// mappings as decoding the whole map, and fall back to it when an edit reorders segments.
func TestApplyFastPathMatchesFullDecode(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 300; n++ {
		var lines [][]segment
		src, sline, scol := 0, 0, 0
		for l := 0; l < 1+rng.IntN(6); l++ {
			var ln []segment
			col := 0
			for k := 0; k < rng.IntN(5); k++ {
				col += rng.IntN(8)
				src, sline, scol = rng.IntN(2), sline+rng.IntN(3)-1, max(0, scol+rng.IntN(9)-4)
				if rng.IntN(3) == 0 {
					ln = append(ln, segment{col, src, max(sline, 0), scol, rng.IntN(3)})
				} else {
					ln = append(ln, segment{col, src, max(sline, 0), scol})
				}
			}
			lines = append(lines, ln)
		}
		mapJSON, _ := json.Marshal(map[string]any{"version": 3, "sources": []string{"a.js", "b.js"}, "names": []string{"x", "y", "z"},
			"sourcesContent": []string{`say "mappings": "no"`, ""}, "mappings": encode(lines)})
		byLine := map[int]shifts{}
		for k := 0; k < 1+rng.IntN(3); k++ {
			l, c := rng.IntN(len(lines)+1), rng.IntN(30)
			e := c + rng.IntN(4)
			byLine[l] = append(byLine[l], shift{line: l, col: c, endCol: e, delta: rng.IntN(12) - 3})
		}
		want, err := applyDecoded(mapJSON, byLine)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := applyFast(mapJSON, byLine)
		if !ok {
			continue // a reordering edit: Apply uses applyDecoded
		}
		var g, w struct{ Mappings string }
		json.Unmarshal(got, &g)
		json.Unmarshal(want, &w)
		if encode(decode(g.Mappings)) != w.Mappings {
			t.Fatalf("case %d: fast %q, full %q (map %s, shifts %v)", n, g.Mappings, w.Mappings, mapJSON, byLine)
		}
	}
}

func TestApplyFallsBackWhenSegmentsReorder(t *testing.T) {
	// Replacing columns 0..4 by one byte moves the segment at column 4 before the one at 2.
	m := []byte(`{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA,EAAE,EAAE"}`)
	if _, ok := applyFast(m, map[int]shifts{0: {{line: 0, col: 0, endCol: 4, delta: -3}}}); ok {
		t.Fatal("fast path accepted a reordering edit")
	}
	_, out, err := Apply("abcdef", m, []Edit{{Start: 0, End: 4, Text: "X"}})
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Mappings string }
	json.Unmarshal(out, &got)
	if lines := decode(got.Mappings); lines[0][0][0] > lines[0][1][0] || lines[0][1][0] > lines[0][2][0] {
		t.Fatalf("segments not in order: %v", lines)
	}
}

func TestShiftLinesKeepsTheRestOfTheMap(t *testing.T) {
	m := []byte(`{"version":3,"sourcesContent":["x = \"mappings\": 1"],"mappings" : "AAAA;AACA","names":[]}`)
	out, err := ShiftLines(m, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"version":3,"sourcesContent":["x = \"mappings\": 1"],"mappings" : ";;AAAA;AACA","names":[]}`; string(out) != want {
		t.Fatalf("got %s", out)
	}
}
