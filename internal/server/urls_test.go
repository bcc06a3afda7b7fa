package server

import "testing"

// The URL classes import analysis and the transform middleware use, as Vite's isJSRequest,
// isCSSRequest and ?import rules give them.
func TestURLClasses(t *testing.T) {
	for _, c := range []struct {
		url              string
		js, css, import_ bool
	}{
		{"/src/main.ts", true, false, false},
		{"/src/App.svelte", true, false, false}, // a framework's component is a module (knownJsSrcRE)
		{"/src/App.vue?vue&type=script", true, false, false},
		{"/src/App.svelte?svelte&type=style&lang.css", true, true, false}, // its stylesheet
		{"/src/App.vue?vue&type=style&index=0&lang.scss", true, true, false},
		{"/src/a.css", false, true, false},
		{"/src/a.css?direct", false, true, false},
		{"/src/logo.png", false, false, true},
		{"/src/data.json", false, false, true},
		{"/src/notes.txt?raw", false, false, true},
		{"/src/logo.png?lang.css.x", false, false, true},
		{"/virtual-module", true, false, false},
	} {
		if got := isJSRequest(c.url); got != c.js {
			t.Errorf("isJSRequest(%q) = %v", c.url, got)
		}
		if got := isCSSRequest(c.url); got != c.css {
			t.Errorf("isCSSRequest(%q) = %v", c.url, got)
		}
		if got := explicitImportRequired(c.url); got != c.import_ {
			t.Errorf("explicitImportRequired(%q) = %v", c.url, got)
		}
	}
}
