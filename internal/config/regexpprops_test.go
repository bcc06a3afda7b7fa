package config

import (
	"reflect"
	"testing"
)

// TestUnicodePropertyEscapesInConfigCode: a package's regular expressions with Unicode property
// escapes match as in Node, though the engine has none (Svelte's compiler tells a component from an
// element this way); the RegExp global still behaves as RegExp.
func TestUnicodePropertyEscapesInConfigCode(t *testing.T) {
	root := writeProject(t, map[string]string{
		"node_modules/names/package.json": `{"name":"names","type":"module","exports":"./index.js"}`,
		"node_modules/names/index.js": `
const component = /^(?:\p{Lu}[$\u200c\u200d\p{ID_Continue}.]*|\p{ID_Start}[$\u200c\u200d\p{ID_Continue}]*(?:\.[$\u200c\u200d\p{ID_Continue}]+)+)$/u
export const results = ['Counter', 'div', 'a.b', 'Élan', 'élan'].map((n) => component.test(n))
export const negated = /^\P{L}+$/u.test('123') && !/^\P{L}+$/u.test('a1')
export const script = new RegExp('^\\p{Script=Greek}+$', 'u').test('αβγ')
export const plain = /^[a-z]+$/.test('abc') && new RegExp('x', 'g').flags === 'g' && /a/ instanceof RegExp && /a/.constructor === RegExp
`,
		"vite.config.js": `
import { results, negated, script, plain } from 'names'
export default { define: { results: JSON.stringify(results), negated, script, plain } }`,
	})
	cfg, _ := load(t, root, buildEnv)
	want := map[string]any{"results": `[true,false,true,true,false]`, "negated": true, "script": true, "plain": true}
	for k, v := range want {
		if !reflect.DeepEqual(cfg.Define[k], v) {
			t.Errorf("define.%s = %#v, want %#v", k, cfg.Define[k], v)
		}
	}
}

func TestExpandUnicodeProperties(t *testing.T) {
	for in, want := range map[string]string{
		`\p{Nd}`:         `[\u{30}-\u{39}`,
		`[a\p{Nd}]`:      `[a\u{30}-\u{39}`,
		`\P{ASCII}`:      `[^\u{0}-\u{7F}]`,
		`\\p{Lu}`:        `\\p{Lu}`, // an escaped backslash, then "p{Lu}"
		`\p{Unknown_Xy}`: `\p{Unknown_Xy}`,
		`[\P{L}]`:        `[\P{L}]`, // a negated escape inside a class is left as written
	} {
		got := expandUnicodeProperties(in)
		if len(got) < len(want) || got[:len(want)] != want {
			t.Errorf("%s: %.60s, want it to begin with %s", in, got, want)
		}
	}
}
