package css

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/govite/govite/internal/sourcemap"
)

// A stylesheet's source map is built stage by stage (pre-processor, @import inlining, PostCSS,
// esbuild), each stage mapping its output to its input. A stage's input is named by the stylesheet's
// own path, as the tools see it; its other sources (the partials a tool read itself) are originals.

type rawMap struct {
	Version        int       `json:"version"`
	File           string    `json:"file,omitempty"`
	Sources        []string  `json:"sources"`
	SourcesContent []*string `json:"sourcesContent,omitempty"`
	Names          []string  `json:"names"`
	Mappings       string    `json:"mappings"`
}

func parseMap(data []byte) (*rawMap, bool) {
	if len(data) == 0 || string(data) == "null" {
		return nil, false
	}
	var m rawMap
	if json.Unmarshal(data, &m) != nil {
		return nil, false
	}
	return &m, true
}

// chainMaps combines prev (the stage input back to the originals; nil when the input is the original)
// with next (a stage's output to its sources, where input names the stage input).
func chainMaps(prev, next []byte, input string) []byte {
	nm, ok := parseMap(next)
	if !ok {
		return nil
	}
	pm, hasPrev := parseMap(prev)
	if !hasPrev {
		return next
	}
	var out rawMap
	out.Version, out.File, out.Names = 3, nm.File, []string{}
	index := map[string]int{}
	addSource := func(name string, content *string) int {
		if i, ok := index[name]; ok {
			if out.SourcesContent[i] == nil {
				out.SourcesContent[i] = content
			}
			return i
		}
		index[name] = len(out.Sources)
		out.Sources = append(out.Sources, name)
		out.SourcesContent = append(out.SourcesContent, content)
		return index[name]
	}
	contentOf := func(m *rawMap, i int) *string {
		if i < len(m.SourcesContent) {
			return m.SourcesContent[i]
		}
		return nil
	}
	prevLines := sourcemap.Decode(pm.Mappings)
	lines := sourcemap.Decode(nm.Mappings)
	for li, ln := range lines {
		kept := ln[:0]
		for _, s := range ln {
			if len(s) < 4 || s[1] >= len(nm.Sources) {
				continue
			}
			if nm.Sources[s[1]] != input {
				kept = append(kept, sourcemap.Segment{s[0], addSource(nm.Sources[s[1]], contentOf(nm, s[1])), s[2], s[3]})
				continue
			}
			if s[2] >= len(prevLines) {
				continue
			}
			pl := prevLines[s[2]]
			i := sort.Search(len(pl), func(i int) bool { return pl[i][0] > s[3] }) - 1
			if i < 0 || len(pl[i]) < 4 || pl[i][1] >= len(pm.Sources) {
				continue
			}
			kept = append(kept, sourcemap.Segment{s[0], addSource(pm.Sources[pl[i][1]], contentOf(pm, pl[i][1])), pl[i][2], pl[i][3]})
		}
		lines[li] = kept
	}
	out.Mappings = encodeMappings(lines)
	return marshalMap(&out)
}

// encodeMappings writes decoded lines back as a mappings string.
func encodeMappings(lines [][]sourcemap.Segment) string {
	var b strings.Builder
	prevSrc, prevLine, prevCol := 0, 0, 0
	for li, ln := range lines {
		if li > 0 {
			b.WriteByte(';')
		}
		prevGen := 0
		for si, s := range ln {
			if si > 0 {
				b.WriteByte(',')
			}
			sourcemap.PutVLQ(&b, s[0]-prevGen)
			prevGen = s[0]
			if len(s) >= 4 {
				sourcemap.PutVLQ(&b, s[1]-prevSrc)
				sourcemap.PutVLQ(&b, s[2]-prevLine)
				sourcemap.PutVLQ(&b, s[3]-prevCol)
				prevSrc, prevLine, prevCol = s[1], s[2], s[3]
			}
		}
	}
	return b.String()
}

// unshiftMap moves a pre-processor's map off additionalData: the tool compiled prefix + source, so
// the positions of the source in file are shifted by the prefix; positions inside the prefix itself
// have no place in the file and are dropped.
func unshiftMap(data []byte, file, prefix string) []byte {
	m, ok := parseMap(data)
	if !ok {
		return data
	}
	idx := -1
	for i, s := range m.Sources {
		if s == file {
			idx = i
		}
	}
	if idx < 0 {
		return data
	}
	nl := strings.Count(prefix, "\n")
	lastLen := len(prefix) - (strings.LastIndexByte(prefix, '\n') + 1)
	lines := sourcemap.Decode(m.Mappings)
	for li, ln := range lines {
		kept := ln[:0]
		for _, s := range ln {
			if len(s) >= 4 && s[1] == idx {
				switch {
				case s[2] < nl || s[2] == nl && s[3] < lastLen:
					continue
				case s[2] == nl:
					s = sourcemap.Segment{s[0], s[1], 0, s[3] - lastLen}
				default:
					s = sourcemap.Segment{s[0], s[1], s[2] - nl, s[3]}
				}
			}
			kept = append(kept, s)
		}
		lines[li] = kept
	}
	m.Mappings = encodeMappings(lines)
	if idx < len(m.SourcesContent) && m.SourcesContent[idx] != nil {
		c := strings.TrimPrefix(*m.SourcesContent[idx], prefix)
		m.SourcesContent[idx] = &c
	}
	return marshalMap(m)
}

// finishMap gives every source of the stylesheet's map its content (read from disk when a tool left
// it out) and writes the sources as Vite serves them: relative to the stylesheet's folder when
// relative is set (a stylesheet served as CSS), else as absolute paths.
func finishMap(data []byte, file string, relative bool) []byte {
	m, ok := parseMap(data)
	if !ok {
		return nil
	}
	for len(m.SourcesContent) < len(m.Sources) {
		m.SourcesContent = append(m.SourcesContent, nil)
	}
	for i, s := range m.Sources {
		// The file on disk, as Vite injects it: the tools saw partials with their url()s rebased.
		if filepath.IsAbs(s) {
			if b, err := os.ReadFile(s); err == nil {
				c := string(b)
				m.SourcesContent[i] = &c
			}
		}
		if relative && filepath.IsAbs(s) {
			if rel, err := filepath.Rel(filepath.Dir(file), s); err == nil {
				m.Sources[i] = filepath.ToSlash(rel)
			}
		} else {
			m.Sources[i] = filepath.ToSlash(s)
		}
	}
	m.Version, m.File = 3, filepath.ToSlash(file)
	if m.Names == nil {
		m.Names = []string{}
	}
	return marshalMap(m)
}

// marshalMap writes a map as JSON without escaping <, > and & (source text is full of them).
func marshalMap(m *rawMap) []byte {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(m) != nil {
		return nil
	}
	return []byte(strings.TrimSuffix(b.String(), "\n"))
}

// InlineMap appends a stylesheet's source map to it as a data URL comment, as Vite serves CSS with
// css.devSourcemap. relative writes the sources relative to the stylesheet's folder (a stylesheet
// served as CSS) instead of as absolute paths (the CSS inside a JS module).
func InlineMap(css string, mapJSON []byte, file string, relative bool) string {
	data := finishMap(mapJSON, file, relative)
	if data == nil {
		return css
	}
	if !strings.HasSuffix(css, "\n") {
		css += "\n"
	}
	return css + "/*# sourceMappingURL=data:application/json;base64," + base64.StdEncoding.EncodeToString(data) + " */"
}
