package glob

import (
	"strings"
	"testing"
)

func TestParseDynamicImport(t *testing.T) {
	for _, c := range []struct {
		template            string
		pattern, raw, query string
		namespace           bool
		segments            int
		err                 string // part of the error, "" for none
		ignored             bool   // no glob needed
	}{
		{template: "`./locales/${lang}.js`", pattern: "./locales/*.js", raw: "./locales/${lang}.js", segments: 3},
		{template: "`../x/${a}/${b}.json?raw`", pattern: "../x/*/*.json", raw: "../x/${a}/${b}.json", query: "?raw", namespace: true, segments: 4},
		{template: "`./x/${a}.js?foo=1`", pattern: "./x/*.js", raw: "./x/${a}.js", query: "?foo=1", segments: 3},
		{template: "`./x/${a + `${b}`}-${'lit'}.js`", pattern: "./x/*-lit.js", raw: "./x/${a + `${b}`}-${'lit'}.js", segments: 3},
		{template: "`./x/${o[\"}\"]}.js`", pattern: "./x/*.js", raw: "./x/${o[\"}\"]}.js", segments: 3},
		{template: "`./[id]/${a}.js`", pattern: `./\[id\]/*.js`, raw: "./[id]/${a}.js", segments: 3},
		{template: "`./plain.js`", ignored: true},
		{template: "`https://cdn/${v}.js`", ignored: true},
		{template: "`${x}.js`", err: "It cannot be statically analyzed"},
		{template: "`/abs/${x}.js`", err: "Variable absolute imports are not supported"},
		{template: "`pkg/${x}.js`", err: "Variable bare imports are not supported"},
		{template: "`./${x}.js`", err: "cannot import their own directory"},
		{template: "`./x/${x}`", err: "A file extension must be included"},
		{template: "`./x/*${x}.js`", err: "cannot contain * characters"},
	} {
		tl, ok := ParseTemplate(c.template, 0)
		if !ok || tl.End != len(c.template) {
			t.Errorf("%s: ParseTemplate = %+v, %v", c.template, tl, ok)
			continue
		}
		d, err := ParseDynamicImport(tl)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.template, err, c.err)
			}
		case err != nil:
			t.Errorf("%s: %v", c.template, err)
		case c.ignored:
			if d != nil {
				t.Errorf("%s: %+v, want nil", c.template, d)
			}
		case d == nil:
			t.Errorf("%s: nil", c.template)
		case d.Pattern != c.pattern || d.RawPattern != c.raw || d.Query != c.query || d.Namespace != c.namespace || d.Segments != c.segments:
			t.Errorf("%s: %+v", c.template, d)
		}
	}
}

func TestMatchEscapedPattern(t *testing.T) {
	if !Match(`/p/\[id\]/*.js`, "/p/[id]/a.js") || Match(`/p/\[id\]/*.js`, "/p/i/a.js") {
		t.Error("escaped brackets must match themselves only")
	}
	if Match("/p/*.js", "/p/sub/a.js") {
		t.Error("* must not cross folders")
	}
}

func TestMayHaveDynamicImports(t *testing.T) {
	for code, want := range map[string]bool{
		"import(`./pages/${name}.js`)":                       true,
		"const m = await import (\n  `./a/${x}.js`)":         true,
		"import(/* @vite-ignore */ `./a/${x}.js`)":           true,
		"import( // why\n `./a/${x}.js`)":                    true,
		"x.import(`./a/${x}.js`)":                            true,
		"reimport(`./a/${x}.js`)":                            false,
		"import('./a.js'); const s = `t`":                    false,
		"import x from './x.js'; import(`./y/${x}.js`)":      true,
		"const importer = 1; f(`a`); importer(`./a/${x}`)":   false,
		"no template literal here: import('./a/' + x)":       false,
		"import { a } from './a.js'\nimport(/* a */`b${c}`)": true,
	} {
		if got := MayHaveDynamicImports(code); got != want {
			t.Errorf("MayHaveDynamicImports(%q) = %v, want %v", code, got, want)
		}
	}
}
