package config

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// The embedded engine's regular expressions have no Unicode property escapes (/\p{Lu}/u matches
// nothing there), which packages use to tell names apart: Svelte's compiler recognises a component
// tag with /^\p{Lu}[$\u200c\u200d\p{ID_Continue}.]*$/u. esbuild turns such literals into
// new RegExp(...) calls (the config bundle marks the feature unsupported), and the prelude's RegExp
// hands their patterns to expandUnicodeProperties, which writes each escape out as the character
// class it stands for, from Go's Unicode tables.

var expandedPatterns sync.Map // pattern → expanded pattern

// expandUnicodeProperties rewrites the \p{...} and \P{...} escapes of a u-flag pattern as character
// classes. An escape it does not know (or \P{...} inside a class) is left as written.
func expandUnicodeProperties(pattern string) string {
	if v, ok := expandedPatterns.Load(pattern); ok {
		return v.(string)
	}
	var b strings.Builder
	inClass := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern):
			next := pattern[i+1]
			if (next == 'p' || next == 'P') && i+2 < len(pattern) && pattern[i+2] == '{' {
				end := strings.IndexByte(pattern[i+3:], '}')
				if end >= 0 {
					name := pattern[i+3 : i+3+end]
					if ranges, ok := unicodePropertyRanges(name); ok && (next == 'p' || !inClass) {
						class := classContent(ranges)
						switch {
						case inClass:
							b.WriteString(class)
						case next == 'P':
							b.WriteString("[^" + class + "]")
						default:
							b.WriteString("[" + class + "]")
						}
						i += 3 + end
						continue
					}
				}
			}
			b.WriteByte(c)
			b.WriteByte(next)
			i++
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	out := b.String()
	expandedPatterns.Store(pattern, out)
	return out
}

// categoryNames are the long names of the General_Category values.
var categoryNames = map[string]string{
	"Letter": "L", "Cased_Letter": "LC", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll", "Titlecase_Letter": "Lt",
	"Modifier_Letter": "Lm", "Other_Letter": "Lo", "Mark": "M", "Combining_Mark": "M", "Nonspacing_Mark": "Mn",
	"Spacing_Mark": "Mc", "Enclosing_Mark": "Me", "Number": "N", "Decimal_Number": "Nd", "digit": "Nd",
	"Letter_Number": "Nl", "Other_Number": "No", "Punctuation": "P", "punct": "P", "Connector_Punctuation": "Pc",
	"Dash_Punctuation": "Pd", "Open_Punctuation": "Ps", "Close_Punctuation": "Pe", "Initial_Punctuation": "Pi",
	"Final_Punctuation": "Pf", "Other_Punctuation": "Po", "Symbol": "S", "Math_Symbol": "Sm", "Currency_Symbol": "Sc",
	"Modifier_Symbol": "Sk", "Other_Symbol": "So", "Separator": "Z", "Space_Separator": "Zs", "Line_Separator": "Zl",
	"Paragraph_Separator": "Zp", "Other": "C", "Control": "Cc", "cntrl": "Cc", "Format": "Cf", "Surrogate": "Cs",
	"Private_Use": "Co",
}

// unicodePropertyRanges are the code point ranges of a property escape's name: a General_Category
// value (short or long, with or without "General_Category=" or "gc="), a script ("Script=" or "sc=";
// "Script_Extensions=" and "scx=" are read as the script), or a binary property (ID_Start, ID_Continue,
// Alphabetic, White_Space, Uppercase, Lowercase, Any, ASCII, and those Go's unicode package has).
func unicodePropertyRanges(name string) ([][2]rune, bool) {
	key, value, hasValue := strings.Cut(name, "=")
	if hasValue {
		switch key {
		case "General_Category", "gc":
			return categoryRanges(value)
		case "Script", "sc", "Script_Extensions", "scx":
			if t := unicode.Scripts[value]; t != nil {
				return tableRanges(t), true
			}
		}
		return nil, false
	}
	if r, ok := categoryRanges(name); ok {
		return r, true
	}
	patternChars := union(unicode.Pattern_Syntax, unicode.Pattern_White_Space)
	switch name {
	case "Any":
		return [][2]rune{{0, unicode.MaxRune}}, true
	case "ASCII":
		return [][2]rune{{0, 0x7f}}, true
	case "ID_Start", "IDS":
		return subtract(union(unicode.L, unicode.Nl, unicode.Other_ID_Start), patternChars), true
	case "ID_Continue", "IDC":
		return subtract(union(unicode.L, unicode.Nl, unicode.Other_ID_Start, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue), patternChars), true
	case "Alphabetic", "Alpha":
		return union(unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl, unicode.Other_Alphabetic), true
	case "Uppercase", "Upper":
		return union(unicode.Lu, unicode.Other_Uppercase), true
	case "Lowercase", "Lower":
		return union(unicode.Ll, unicode.Other_Lowercase), true
	case "White_Space", "space":
		return tableRanges(unicode.White_Space), true
	}
	if t := unicode.Properties[name]; t != nil {
		return tableRanges(t), true
	}
	if t := unicode.Scripts[name]; t != nil {
		return tableRanges(t), true // Node accepts a bare script name in no mode; harmless to read here
	}
	return nil, false
}

func categoryRanges(name string) ([][2]rune, bool) {
	if long, ok := categoryNames[name]; ok {
		name = long
	}
	if name == "LC" {
		return union(unicode.Lu, unicode.Ll, unicode.Lt), true
	}
	if t := unicode.Categories[name]; t != nil {
		return tableRanges(t), true
	}
	return nil, false
}

func tableRanges(t *unicode.RangeTable) [][2]rune {
	var out [][2]rune
	add := func(lo, hi, stride rune) {
		if stride == 1 {
			out = append(out, [2]rune{lo, hi})
			return
		}
		for c := lo; c <= hi; c += stride {
			out = append(out, [2]rune{c, c})
		}
	}
	for _, r := range t.R16 {
		add(rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	for _, r := range t.R32 {
		add(rune(r.Lo), rune(r.Hi), rune(r.Stride))
	}
	return normalize(out)
}

// union merges the tables' ranges into sorted, non-overlapping ranges.
func union(tables ...*unicode.RangeTable) [][2]rune {
	var all [][2]rune
	for _, t := range tables {
		all = append(all, tableRanges(t)...)
	}
	return normalize(all)
}

func normalize(rs [][2]rune) [][2]rune {
	slices.SortFunc(rs, func(a, b [2]rune) int { return int(a[0] - b[0]) })
	var out [][2]rune
	for _, r := range rs {
		if n := len(out); n > 0 && r[0] <= out[n-1][1]+1 {
			out[n-1][1] = max(out[n-1][1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

// subtract removes the code points of b (sorted, merged) from a.
func subtract(a, b [][2]rune) [][2]rune {
	var out [][2]rune
	for _, r := range a {
		lo := r[0]
		for _, x := range b {
			if x[1] < lo || x[0] > r[1] {
				continue
			}
			if x[0] > lo {
				out = append(out, [2]rune{lo, x[0] - 1})
			}
			lo = x[1] + 1
		}
		if lo <= r[1] {
			out = append(out, [2]rune{lo, r[1]})
		}
	}
	return out
}

// classContent writes ranges as the inside of a u-flag character class.
func classContent(rs [][2]rune) string {
	var b strings.Builder
	for _, r := range rs {
		if r[0] == r[1] {
			fmt.Fprintf(&b, `\u{%X}`, r[0])
		} else {
			fmt.Fprintf(&b, `\u{%X}-\u{%X}`, r[0], r[1])
		}
	}
	return b.String()
}
