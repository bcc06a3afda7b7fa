package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func generate(t *testing.T, n int) (string, Stats) {
	t.Helper()
	dir := t.TempDir()
	st, err := Generate(dir, n)
	if err != nil {
		t.Fatalf("Generate(%d): %v", n, err)
	}
	return dir, st
}

// listFiles returns every generated file as a slash path relative to dir.
func listFiles(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = true
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestExpectedFiles(t *testing.T) {
	const n = 20
	dir, st := generate(t, n)
	files := listFiles(t, dir)
	if st.Files != len(files) {
		t.Errorf("Stats.Files = %d, walked %d files", st.Files, len(files))
	}
	want := []string{"index.html", "package.json", "vite.config.js", "public/favicon.svg",
		"src/main.jsx", "src/App.jsx", "src/index.css", "src/App.module.css"}
	for i := 0; i < n; i++ {
		want = append(want, fmt.Sprintf("src/components/Comp%d.jsx", i), fmt.Sprintf("src/components/Comp%d.module.css", i))
	}
	for k := 1; k <= NumRoutes; k++ {
		want = append(want, fmt.Sprintf("src/routes/Route%d.jsx", k))
	}
	for _, f := range want {
		if !files[f] {
			t.Errorf("missing %s", f)
		}
	}

	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	html := read("index.html")
	for _, s := range []string{`<div id="root"></div>`, `<script type="module" src="/src/main.jsx"></script>`} {
		if !strings.Contains(html, s) {
			t.Errorf("index.html lacks %s", s)
		}
	}
	cfg := read("vite.config.js")
	for _, s := range []string{"import react from '@vitejs/plugin-react'", "plugins: [react()]", "manifest: true"} {
		if !strings.Contains(cfg, s) {
			t.Errorf("vite.config.js lacks %s", s)
		}
	}
	if main := read("src/main.jsx"); !strings.Contains(main, "from 'react-dom/client'") {
		t.Errorf("main.jsx does not use react-dom/client")
	}
	if app := read("src/App.jsx"); strings.Count(app, "React.lazy(() => import('./routes/Route") != NumRoutes {
		t.Errorf("App.jsx should have %d React.lazy routes:\n%s", NumRoutes, app)
	}
	for i := 0; i < n; i++ {
		if c := read(fmt.Sprintf("src/components/Comp%d.jsx", i)); !strings.Contains(c, "useState(") {
			t.Errorf("Comp%d does not use useState", i)
		}
	}

	// Images: real PNGs and SVGs, some under Vite's 4 KiB inline limit, some over.
	var small, large, pngs, svgs int
	for f := range files {
		if !strings.HasPrefix(f, "src/assets/") {
			continue
		}
		b := []byte(read(f))
		switch path.Ext(f) {
		case ".png":
			pngs++
			if _, err := png.Decode(bytes.NewReader(b)); err != nil {
				t.Errorf("%s is not a valid PNG: %v", f, err)
			}
		case ".svg":
			svgs++
			if !bytes.HasPrefix(b, []byte("<svg ")) {
				t.Errorf("%s does not look like an SVG", f)
			}
		}
		if len(b) < 4096 {
			small++
		} else {
			large++
		}
	}
	if pngs == 0 || svgs == 0 || small == 0 || large == 0 {
		t.Errorf("want both PNGs and SVGs, both under and over 4 KiB; got %d png, %d svg, %d small, %d large", pngs, svgs, small, large)
	}
}

var (
	reFrom    = regexp.MustCompile(`(?m)^import .* from '([^']+)'$`)
	reBare    = regexp.MustCompile(`(?m)^import '([^']+)'$`)
	reDynamic = regexp.MustCompile(`import\('([^']+)'\)`)
	reCSSURL  = regexp.MustCompile(`url\('([^']+)'\)`)
	reHTMLRef = regexp.MustCompile(`(?:src|href)="([^"]+)"`)
)

// specifiers returns the module specifiers a generated file refers to.
func specifiers(rel, src string) []string {
	var res []*regexp.Regexp
	switch path.Ext(rel) {
	case ".jsx", ".js":
		res = []*regexp.Regexp{reFrom, reBare, reDynamic}
	case ".css":
		res = []*regexp.Regexp{reCSSURL}
	case ".html":
		res = []*regexp.Regexp{reHTMLRef}
	}
	var out []string
	for _, re := range res {
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

var allowedBare = map[string]bool{
	"react": true, "react-dom/client": true, "vite": true, "@vitejs/plugin-react": true,
}

// TestImportsResolve checks that every relative or root-absolute reference in
// a generated file points to a generated file, that bare imports name only the
// installed packages, and that every file under src/ is reachable from
// index.html.
func TestImportsResolve(t *testing.T) {
	for _, n := range []int{1, 7, 20, 137} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			dir, _ := generate(t, n)
			files := listFiles(t, dir)
			graph := map[string][]string{}
			for f := range files {
				if strings.HasPrefix(f, "src/assets/") || strings.HasPrefix(f, "public/") || f == "package.json" {
					continue
				}
				b, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				specs := specifiers(f, string(b))
				if (strings.HasSuffix(f, ".jsx") || f == "index.html") && !strings.HasPrefix(f, "src/routes/") && len(specs) == 0 {
					t.Errorf("%s: found no references; the scanner is out of date", f)
				}
				for _, s := range specs {
					var target string
					switch {
					case strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../"):
						target = path.Join(path.Dir(f), s)
					case strings.HasPrefix(s, "/"):
						// Root-absolute URLs in index.html: the app root, else public/.
						target = strings.TrimPrefix(s, "/")
						if !files[target] {
							target = "public/" + target
						}
					default:
						if !allowedBare[s] {
							t.Errorf("%s: unexpected bare import %q", f, s)
						}
						continue
					}
					if !files[target] {
						t.Errorf("%s: %q does not resolve to a generated file", f, s)
						continue
					}
					graph[f] = append(graph[f], target)
				}
			}
			seen := map[string]bool{}
			var walk func(string)
			walk = func(f string) {
				if seen[f] {
					return
				}
				seen[f] = true
				for _, d := range graph[f] {
					walk(d)
				}
			}
			walk("index.html")
			var unreached []string
			for f := range files {
				if strings.HasPrefix(f, "src/") && !seen[f] {
					unreached = append(unreached, f)
				}
			}
			sort.Strings(unreached)
			if len(unreached) > 0 {
				t.Errorf("not reachable from index.html: %v", unreached)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := generate(t, 20)
	b, _ := generate(t, 20)
	fa, fb := listFiles(t, a), listFiles(t, b)
	if len(fa) != len(fb) {
		t.Fatalf("file counts differ: %d vs %d", len(fa), len(fb))
	}
	for f := range fa {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, err := os.ReadFile(filepath.Join(b, f))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", f)
		}
	}
}

// TestSharedComponents checks the 1000-component layout has components that
// several routes import but the entry does not, so bundlers make shared chunks.
func TestSharedComponents(t *testing.T) {
	g := newGenerator("", 1000)
	lo, hi := g.nEager, g.nEager+g.nShared
	importers := map[int]map[int]bool{} // shared component -> route groups importing it
	for k := 0; k < NumRoutes; k++ {
		for i := g.routeStart[k]; i < g.routeStart[k+1]; i++ {
			for _, d := range g.deps(i) {
				if d >= lo && d < hi {
					if importers[d] == nil {
						importers[d] = map[int]bool{}
					}
					importers[d][k] = true
				}
			}
		}
	}
	multi := 0
	for _, ks := range importers {
		if len(ks) > 1 {
			multi++
		}
	}
	if multi < 10 {
		t.Errorf("only %d shared components are imported by more than one route", multi)
	}
	for i := 0; i < lo; i++ {
		for _, d := range g.deps(i) {
			if d >= lo {
				t.Errorf("eager Comp%d imports non-eager Comp%d", i, d)
			}
		}
	}
}

// TestVersionsMatchBenchPackageJSON keeps the generated package.json in step
// with bench/package.json, which is what bench/run-build.sh installs.
func TestVersionsMatchBenchPackageJSON(t *testing.T) {
	b, err := os.ReadFile("../package.json")
	if err != nil {
		t.Skip("bench/package.json not found:", err)
	}
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	for name, v := range Versions {
		got := pkg.Dependencies[name]
		if got == "" {
			got = pkg.DevDependencies[name]
		}
		if got != v {
			t.Errorf("%s: genapp writes %q, bench/package.json pins %q", name, v, got)
		}
	}
}
