package config

import "testing"

// Pages without <head> or <body> get the tags where Vite's injectToHead and injectToBody put them.
func TestInjectHTMLTagsWithoutHeadOrBody(t *testing.T) {
	tag := func(to string) []HTMLTag {
		return []HTMLTag{{Tag: "script", Attrs: map[string]string{"src": "/" + to + ".js"}, InjectTo: to}}
	}
	for _, c := range []struct{ name, page, to, want string }{
		{"head before body", "<!doctype html>\n<html>\n<body>\n</body>\n</html>\n", "head",
			"<!doctype html>\n<html>\n<script src=\"/head.js\"></script>\n<body>\n</body>\n</html>\n"},
		{"head after html", "<!doctype html>\n<html>\n<p>x</p>\n</html>\n", "head",
			"<!doctype html>\n<html>\n<script src=\"/head.js\"></script>\n<p>x</p>\n</html>\n"},
		{"head-prepend after doctype", "<!doctype html>\n<p>x</p>\n", "head-prepend",
			"<!doctype html>\n<script src=\"/head-prepend.js\"></script>\n<p>x</p>\n"},
		{"head at the start", "<p>x</p>\n", "head",
			"<script src=\"/head.js\"></script>\n<p>x</p>\n"},
		{"body-prepend after head", "<html><head></head>\n</html>\n", "body-prepend",
			"<html><head></head>\n<script src=\"/body-prepend.js\"></script>\n</html>\n"},
		{"body before html end", "<html>\n<p>x</p>\n</html>\n", "body",
			"<html>\n<p>x</p>\n  <script src=\"/body.js\"></script>\n</html>\n"},
		{"body at the end", "<p>x</p>\n", "body",
			"<p>x</p>\n<script src=\"/body.js\"></script>\n"},
		{"head with head", "<html>\n  <head>\n  </head>\n</html>\n", "head",
			"<html>\n  <head>\n    <script src=\"/head.js\"></script>\n  </head>\n</html>\n"},
	} {
		if got := InjectHTMLTags(c.page, tag(c.to)); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.name, got, c.want)
		}
	}
}
