package config

import (
	"reflect"
	"slices"
	"testing"
)

// css.preprocessorOptions keeps its JSON values; JavaScript values (an additionalData function,
// PostCSS plugin objects) are named in JSOptions for the stylesheet worker to read in Node.
func TestDecodeCSSToolOptions(t *testing.T) {
	c, warnings, err := decodeJS(t, `{ css: {
  devSourcemap: true,
  preprocessorOptions: {
    scss: { additionalData: '$x: 1;', loadPaths: ['src/styles'], importers: [{ findFileUrl() {} }] },
    less: { math: 'always', globalVars: { gv: '3px' }, additionalData: (s) => s },
  },
  postcss: { plugins: [{ postcssPlugin: 'p', Once() {} }, false], map: { inline: false } },
} }`)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	want := map[string]map[string]any{
		"scss": {"additionalData": "$x: 1;", "loadPaths": []any{"src/styles"}},
		"less": {"math": "always", "globalVars": map[string]any{"gv": "3px"}},
	}
	if !reflect.DeepEqual(c.CSS.PreprocessorOptions, want) || !c.CSS.DevSourcemap {
		t.Errorf("preprocessorOptions = %#v", c.CSS.PreprocessorOptions)
	}
	p := c.CSS.PostCSS
	if p == nil || !p.Inline || p.Plugins != 1 || !reflect.DeepEqual(p.Options, map[string]any{"map": map[string]any{"inline": false}}) {
		t.Errorf("postcss = %#v", p)
	}
	wantJS := []string{"css.preprocessorOptions.scss.importers", "css.preprocessorOptions.less.additionalData", "css.postcss.plugins"}
	if !slices.Equal(c.CSS.JSOptions, wantJS) {
		t.Errorf("JSOptions = %q, want %q", c.CSS.JSOptions, wantJS)
	}

	c, _, err = decodeJS(t, `{ css: { postcss: './config/postcss' } }`)
	if err != nil || c.CSS.PostCSS == nil || c.CSS.PostCSS.SearchPath != "./config/postcss" || c.CSS.PostCSS.Inline {
		t.Errorf("postcss as a path: %#v, %v", c.CSS.PostCSS, err)
	}
}
