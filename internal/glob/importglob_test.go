package glob

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govite/govite/internal/jslex"
)

func TestImportGlobCallsAndKeys(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"src/pages/a.js", "src/pages/b.js", "src/pages/c.js", "src/lib/x.js"} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(root, f), []byte("export default 1\n"), 0o644)
	}
	alias := func(s string) (string, bool) {
		if strings.HasPrefix(s, "@/") {
			return filepath.Join(root, "src", s[2:]), true
		}
		return s, false
	}
	code := `const a = import.meta.glob(['./pages/*.js', '!./pages/c.js'], { eager: true, import: 'default', query: { raw: true, b: 1 } })
const b = import.meta.glob<any>('@/lib/*.js')
const c = import.meta.url
const d = import.meta.glob('/src/pages/a.js', { base: '/src' })
`
	// TypeScript's type arguments are read when the code has not been turned into JS yet (the
	// optimizer's scan); the lexer reads JS.
	if c, ok := ReadImportGlob(code, strings.Index(code, "import.meta.glob<"), strings.Index(code, ".glob<")); !ok || c.Err != nil || c.Patterns[0] != "@/lib/*.js" {
		t.Errorf("with type arguments: %+v", c)
	}
	js := strings.Replace(code, "<any>", "", 1)
	lex, err := jslex.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	calls := FindImportGlobs(js, lex.Imports)
	if len(calls) != 3 {
		t.Fatalf("want 3 calls, got %+v", calls)
	}
	if o := calls[0].Options; !o.Eager || o.Import != "default" || o.Query != "?b=1&raw=true" {
		t.Errorf("options %+v", o)
	}
	keys := func(c ImportGlobCall) string {
		files, _, err := ExpandImportGlob(root, filepath.Join(root, "src"), c.Patterns, c.Options, alias)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range files {
			out = append(out, f.Key+"="+f.Spec)
		}
		return strings.Join(out, " ")
	}
	for i, want := range []string{
		"./pages/a.js=./pages/a.js ./pages/b.js=./pages/b.js", // relative: from the importer
		"/src/lib/x.js=./lib/x.js",                            // alias: from root
		"./pages/a.js=./pages/a.js",                           // base: from base
	} {
		if got := keys(calls[i]); got != want {
			t.Errorf("call %d: keys %q, want %q", i, got, want)
		}
	}
	obj, imports := ImportGlobObject(0, []ImportGlobFile{{Key: "./a.js", Spec: "./a.js"}}, calls[0].Options)
	if obj != `/* #__PURE__ */ Object.assign({"./a.js": __vite_glob_0_0})` || imports != `import { default as __vite_glob_0_0 } from "./a.js?b=1&raw=true";` {
		t.Errorf("object %s, imports %s", obj, imports)
	}
	for args, want := range map[string]string{
		"p":                          "the patterns must be a string literal",
		"'./*.js', { eagre: true }":  `unknown option "eagre"`,
		"'./*.js', opts":             "the options must be an object literal",
		"['./a.js', 1]":              "the patterns must be string literals",
		"'./*.js', { eager: !true }": "only literals are allowed",
	} {
		if _, _, err := ParseImportGlobArgs(args); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", args, err, want)
		}
	}
}
