package sourcemap

import (
	"encoding/json"
	"sort"
)

// Compose chains source maps: maps[0] maps step 1's output to the original sources, maps[1] maps step
// 2's output to step 1's output, and so on. The result maps the last output to the original sources.
// Names are dropped; a position of a later step that falls outside the earlier map stays unmapped.
func Compose(maps ...[]byte) ([]byte, error) {
	if len(maps) == 0 {
		return nil, nil
	}
	type srcMap struct {
		Version        int       `json:"version"`
		Sources        []string  `json:"sources"`
		SourcesContent []*string `json:"sourcesContent,omitempty"`
		Names          []string  `json:"names"`
		Mappings       string    `json:"mappings"`
		File           string    `json:"file,omitempty"`
	}
	var first srcMap
	if err := json.Unmarshal(maps[0], &first); err != nil {
		return nil, err
	}
	lines := decode(first.Mappings)
	for _, next := range maps[1:] {
		var m srcMap
		if err := json.Unmarshal(next, &m); err != nil {
			return nil, err
		}
		outer := decode(m.Mappings)
		for li, ln := range outer {
			var kept []segment
			for _, s := range ln {
				if len(s) < 4 {
					continue
				}
				// s points at (line s[2], column s[3]) of the previous output: find the segment of the
				// earlier map that covers it.
				if s[2] >= len(lines) {
					continue
				}
				prev := lines[s[2]]
				i := sort.Search(len(prev), func(i int) bool { return prev[i][0] > s[3] }) - 1
				if i < 0 || len(prev[i]) < 4 {
					continue
				}
				kept = append(kept, segment{s[0], prev[i][1], prev[i][2], prev[i][3]})
			}
			outer[li] = kept
		}
		lines = outer
	}
	first.Names = []string{}
	first.Mappings = encode(lines)
	first.Version = 3
	return json.Marshal(first)
}
