package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
)

// NumRoutes is the number of React.lazy routes in every generated app.
const NumRoutes = 10

// Versions written into the generated app's package.json. They must match
// bench/package.json, which is what is really installed (genapp_test checks).
var Versions = map[string]string{
	"react":                "19.3.1",
	"react-dom":            "19.3.1",
	"vite":                 "8.3.8",
	"@vitejs/plugin-react": "6.3.0",
}

// Stats describes what Generate wrote.
type Stats struct {
	Files  int
	Bytes  int64
	Images int
}

// Image kinds, chosen per component (every 4th component has an image).
const (
	imgSmallPNG = iota // < 4 KiB: Vite inlines it as a data: URL
	imgSmallSVG        // < 4 KiB: inlined
	imgLargePNG        // > 4 KiB: emitted as a hashed file
	imgLargeSVG        // > 4 KiB: emitted as a hashed file
)

type generator struct {
	dir   string
	n     int
	stats Stats

	nEager, nShared int
	routeStart      [NumRoutes + 1]int // route k (0-based) owns [routeStart[k], routeStart[k+1])
}

// Generate writes an app with n components into dir (created if missing).
func Generate(dir string, n int) (Stats, error) {
	if n < 1 {
		return Stats{}, fmt.Errorf("n must be at least 1, got %d", n)
	}
	g := newGenerator(dir, n)
	if err := g.run(); err != nil {
		return g.stats, err
	}
	return g.stats, nil
}

// newGenerator lays out the component groups for n components.
func newGenerator(dir string, n int) *generator {
	g := &generator{dir: dir, n: n, nEager: n / 5, nShared: n / 10}
	rest := n - g.nEager - g.nShared
	start := g.nEager + g.nShared
	for k := 0; k <= NumRoutes; k++ {
		// Spread the remainder over the first routes, so sizes differ by at most one.
		g.routeStart[k] = start + k*(rest/NumRoutes) + min(k, rest%NumRoutes)
	}
	return g
}

func (g *generator) write(rel string, data []byte) error {
	p := filepath.Join(g.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return err
	}
	g.stats.Files++
	g.stats.Bytes += int64(len(data))
	return nil
}

func (g *generator) run() error {
	type file struct {
		rel  string
		data func() ([]byte, error)
	}
	files := []file{
		{"package.json", g.packageJSON},
		{"vite.config.js", text(viteConfig)},
		{"index.html", text(indexHTML)},
		{"public/favicon.svg", func() ([]byte, error) { return smallSVG(9999), nil }},
		{"src/main.jsx", text(mainJSX)},
		{"src/index.css", text(indexCSS)},
		{"src/App.jsx", g.appJSX},
		{"src/App.module.css", text(appCSS)},
		{"src/assets/logo.svg", func() ([]byte, error) { return smallSVG(0xbeef), nil }},
	}
	// Backgrounds referenced from component CSS modules (see componentCSS).
	if g.n > 3 {
		files = append(files, file{"src/assets/bg-small.svg", func() ([]byte, error) { return smallSVG(0xcafe), nil }})
	}
	if g.n > 13 {
		files = append(files, file{"src/assets/bg-large.png", func() ([]byte, error) { return noisePNG(0xf00d) }})
	}
	for _, f := range files {
		data, err := f.data()
		if err != nil {
			return fmt.Errorf("%s: %w", f.rel, err)
		}
		if err := g.write(f.rel, data); err != nil {
			return err
		}
	}
	for k := 0; k < NumRoutes; k++ {
		if err := g.write(fmt.Sprintf("src/routes/Route%d.jsx", k+1), g.routeJSX(k)); err != nil {
			return err
		}
	}
	for i := 0; i < g.n; i++ {
		if err := g.component(i); err != nil {
			return err
		}
	}
	return nil
}

func text(s string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(s), nil }
}

func (g *generator) packageJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`{
  "name": "govite-bench-app",
  "private": true,
  "version": "0.0.0",
  "type": "module",
  "scripts": {
    "dev": "vite",
    "build": "vite build",
    "preview": "vite preview"
  },
  "dependencies": {
    "react": %q,
    "react-dom": %q
  },
  "devDependencies": {
    "@vitejs/plugin-react": %q,
    "vite": %q
  }
}
`, Versions["react"], Versions["react-dom"], Versions["@vitejs/plugin-react"], Versions["vite"])), nil
}

const viteConfig = `import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// https://vite.dev/config/
export default defineConfig({
  plugins: [react()],
  build: {
    manifest: true,
  },
})
`

const indexHTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>govite bench app</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.jsx"></script>
  </body>
</html>
`

const mainJSX = `import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './index.css'
import App from './App.jsx'

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
`

const indexCSS = `:root {
  font-family: system-ui, Avenir, Helvetica, Arial, sans-serif;
  line-height: 1.5;
  color: #213547;
  background-color: #ffffff;
}

body {
  margin: 0;
  min-width: 320px;
}

button {
  border-radius: 6px;
  border: 1px solid transparent;
  padding: 0.3em 0.8em;
  cursor: pointer;
}
`

const appCSS = `.app {
  padding: 1rem;
}

.nav {
  display: flex;
  gap: 0.5rem;
  align-items: center;
  margin-bottom: 1rem;
}

.active {
  background: #646cff;
  color: #ffffff;
}
`

func (g *generator) appJSX() ([]byte, error) {
	var b strings.Builder
	b.WriteString("import React, { Suspense, useState } from 'react'\n")
	b.WriteString("import styles from './App.module.css'\n")
	b.WriteString("import logo from './assets/logo.svg'\n")
	if g.nEager > 0 {
		b.WriteString("import Comp0 from './components/Comp0.jsx'\n")
	}
	b.WriteString("\n")
	for k := 1; k <= NumRoutes; k++ {
		fmt.Fprintf(&b, "const Route%d = React.lazy(() => import('./routes/Route%d.jsx'))\n", k, k)
	}
	b.WriteString("\nconst routes = [\n")
	for k := 1; k <= NumRoutes; k++ {
		fmt.Fprintf(&b, "  { name: 'Route %d', Component: Route%d },\n", k, k)
	}
	b.WriteString(`]

export default function App() {
  const [active, setActive] = useState(0)
  const Active = routes[active].Component
  return (
    <div className={styles.app}>
      <nav className={styles.nav}>
        <img src={logo} alt="govite bench" width="24" height="24" />
        {routes.map((route, i) => (
          <button
            key={route.name}
            className={i === active ? styles.active : undefined}
            onClick={() => setActive(i)}
          >
            {route.name}
          </button>
        ))}
      </nav>
      <Suspense fallback={<p>Loading...</p>}>
        <Active />
      </Suspense>
`)
	if g.nEager > 0 {
		b.WriteString("      <Comp0 />\n")
	}
	b.WriteString("    </div>\n  )\n}\n")
	return []byte(b.String()), nil
}

func (g *generator) routeJSX(k int) []byte {
	var imports, body strings.Builder
	lo, hi := g.routeStart[k], g.routeStart[k+1]
	if lo < hi {
		fmt.Fprintf(&imports, "import Comp%d from '../components/Comp%d.jsx'\n", lo, lo)
		fmt.Fprintf(&body, "      <Comp%d />\n", lo)
	}
	// Every shared component is imported directly by at least one route.
	for j := k; j < g.nShared; j += NumRoutes {
		c := g.nEager + j
		fmt.Fprintf(&imports, "import Comp%d from '../components/Comp%d.jsx'\n", c, c)
		fmt.Fprintf(&body, "      <Comp%d />\n", c)
	}
	return []byte(fmt.Sprintf(`%s
export default function Route%d() {
  return (
    <main data-route="%d">
      <h2>Route %d</h2>
%s    </main>
  )
}
`, imports.String(), k+1, k+1, k+1, body.String()))
}

// group returns the [lo, hi) index range of the group component i belongs to,
// and the group's kind: 'e' eager, 's' shared, 'r' route.
func (g *generator) group(i int) (lo, hi int, kind byte) {
	switch {
	case i < g.nEager:
		return 0, g.nEager, 'e'
	case i < g.nEager+g.nShared:
		return g.nEager, g.nEager + g.nShared, 's'
	}
	for k := 0; k < NumRoutes; k++ {
		if i < g.routeStart[k+1] {
			return g.routeStart[k], g.routeStart[k+1], 'r'
		}
	}
	panic("component index out of range")
}

// deps lists the components that component i imports, in import order.
func (g *generator) deps(i int) []int {
	lo, hi, kind := g.group(i)
	l := i - lo
	var out []int
	seen := map[int]bool{}
	add := func(c int) {
		if c != i && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	if kind != 's' { // shared components are leaves within their group
		for c := 3*l + 1; c <= 3*l+3 && lo+c < hi; c++ {
			add(lo + c)
		}
	}
	switch kind {
	case 'e':
		// A few extra forward edges make the eager graph a DAG, not a tree.
		if l%6 == 1 {
			if c := l*5 + 7; c > 3*l+3 && c < g.nEager {
				add(c)
			}
		}
	case 's':
		if g.nEager > 0 && l%2 == 0 {
			add(pick(i, g.nEager))
		}
	case 'r':
		if g.nEager > 0 && l%4 == 0 {
			add(pick(i, g.nEager))
		}
		if g.nShared > 0 && l%7 == 0 {
			add(g.nEager + pick(i+1<<20, g.nShared))
		}
	}
	return out
}

// pick chooses a pseudo-random index in [0, n) for component i.
func pick(i, n int) int { return newRand(uint64(i)).intn(n) }

func imageKind(i int) (kind int, ok bool) {
	if i%4 != 2 {
		return 0, false
	}
	return (i / 4) % 4, true
}

func (g *generator) component(i int) error {
	name := fmt.Sprintf("Comp%d", i)
	deps := g.deps(i)

	var b strings.Builder
	b.WriteString("import { useState } from 'react'\n")
	fmt.Fprintf(&b, "import styles from './%s.module.css'\n", name)
	hasImg := false
	if kind, ok := imageKind(i); ok {
		var rel string
		var data []byte
		var err error
		switch kind {
		case imgSmallPNG:
			rel = fmt.Sprintf("assets/comp%d.png", i)
			data, err = smallPNG(uint64(i))
		case imgSmallSVG:
			rel = fmt.Sprintf("assets/comp%d.svg", i)
			data = smallSVG(uint64(i))
		case imgLargePNG:
			rel = fmt.Sprintf("assets/comp%d.png", i)
			data, err = noisePNG(uint64(i))
		case imgLargeSVG:
			rel = fmt.Sprintf("assets/comp%d.svg", i)
			data = largeSVG(uint64(i))
		}
		if err != nil {
			return err
		}
		if err := g.write("src/"+rel, data); err != nil {
			return err
		}
		g.stats.Images++
		fmt.Fprintf(&b, "import icon from '../%s'\n", rel)
		hasImg = true
	}
	for _, d := range deps {
		fmt.Fprintf(&b, "import Comp%d from './Comp%d.jsx'\n", d, d)
	}
	fmt.Fprintf(&b, `
const LABELS = ['alpha-%[1]d', 'beta-%[1]d', 'gamma-%[1]d', 'delta-%[1]d']

function label(count) {
  return LABELS[count %% LABELS.length] + ' #' + count
}

export default function %[2]s() {
  const [count, setCount] = useState(%[3]d)
`, i, name, i%7)
	if len(deps) > 0 {
		b.WriteString("  const [open, setOpen] = useState(true)\n")
	}
	fmt.Fprintf(&b, `  return (
    <section className={styles.card} data-comp="%d">
      <header className={styles.title}>
`, i)
	if hasImg {
		b.WriteString("        <img src={icon} alt=\"\" width=\"16\" height=\"16\" />\n")
	}
	fmt.Fprintf(&b, `        %s: {label(count)}
      </header>
      <button className={styles.button} onClick={() => setCount((c) => c + 1)}>
        count is {count}
      </button>
`, name)
	if len(deps) > 0 {
		b.WriteString(`      <button onClick={() => setOpen((o) => !o)}>{open ? 'hide' : 'show'}</button>
      {open && (
        <div className={styles.children}>
`)
		for _, d := range deps {
			fmt.Fprintf(&b, "          <Comp%d />\n", d)
		}
		b.WriteString("        </div>\n      )}\n")
	}
	b.WriteString("    </section>\n  )\n}\n")
	if err := g.write("src/components/"+name+".jsx", []byte(b.String())); err != nil {
		return err
	}
	return g.write("src/components/"+name+".module.css", componentCSS(i))
}

func componentCSS(i int) []byte {
	r := newRand(uint64(i) + 0x5eed)
	var b strings.Builder
	fmt.Fprintf(&b, `.card {
  padding: %dpx %dpx;
  margin: 4px 0;
  border: 1px solid %s;
  border-radius: %dpx;
`, 2+r.intn(6), 4+r.intn(8), r.hexColor(), 2+r.intn(8))
	switch i % 20 {
	case 3:
		b.WriteString("  background: url('../assets/bg-small.svg') no-repeat right top;\n")
	case 13:
		b.WriteString("  background-image: url('../assets/bg-large.png');\n")
	}
	fmt.Fprintf(&b, `}

.title {
  font-weight: 600;
  color: %s;
}

.button {
  background: %s;
  color: #ffffff;
}

.children {
  margin-left: %dpx;
}
`, r.hexColor(), r.hexColor(), 8+r.intn(12))
	return []byte(b.String())
}

// rng is splitmix64: tiny, and stable across Go versions.
type rng struct{ s uint64 }

func newRand(seed uint64) *rng { return &rng{s: seed*0x9e3779b97f4a7c15 + 1} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func (r *rng) hexColor() string { return fmt.Sprintf("#%06x", r.next()&0xffffff) }

// smallPNG is a 16x16 gradient: a few hundred bytes.
func smallPNG(seed uint64) ([]byte, error) {
	r := newRand(seed)
	base := color.NRGBA{uint8(r.next()), uint8(r.next()), uint8(r.next()), 255}
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for y := 0; y < 16; y++ {
		for x := 0; x < 16; x++ {
			img.SetNRGBA(x, y, color.NRGBA{base.R + uint8(x*8), base.G + uint8(y*8), base.B, 255})
		}
	}
	return encodePNG(img)
}

// noisePNG is 64x64 of random opaque pixels: about 12 KiB, incompressible.
func noisePNG(seed uint64) ([]byte, error) {
	r := newRand(seed)
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for i := 0; i < len(img.Pix); i += 4 {
		v := r.next()
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(v), uint8(v>>8), uint8(v>>16), 255
	}
	return encodePNG(img)
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func smallSVG(seed uint64) []byte {
	r := newRand(seed)
	return []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
  <rect x="2" y="2" width="28" height="28" rx="6" fill="%s"/>
  <circle cx="16" cy="16" r="%d" fill="%s"/>
</svg>
`, r.hexColor(), 4+r.intn(8), r.hexColor()))
}

// largeSVG has 160 random circles: about 9 KiB.
func largeSVG(seed uint64) []byte {
	r := newRand(seed)
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">` + "\n")
	for k := 0; k < 160; k++ {
		fmt.Fprintf(&b, "  <circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\" opacity=\"0.%d\"/>\n",
			r.intn(256), r.intn(256), 2+r.intn(20), r.hexColor(), 3+r.intn(6))
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}
