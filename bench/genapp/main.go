// Command genapp writes a synthetic React 19 + Vite app used by govite's
// benchmarks (bench/run-build.sh) and tests.
//
//	go run ./bench/genapp -out bench/.work/app -n 1000
//
// The app has an index.html, src/main.jsx rendering App with react-dom/client,
// n components src/components/CompN.jsx (each with its own CSS module and
// useState, importing a few others), 10 routes loaded with React.lazy, and
// real PNG/SVG assets, some under Vite's 4 KiB inline limit and some above
// it. Output is deterministic for a given n.
//
// Shape of the module graph (n components, split into groups):
//
//   - eager  (first n/5):  a ternary tree rooted at Comp0 plus a few extra
//     DAG edges; App.jsx imports Comp0, so all of it lands in the entry chunk.
//   - shared (next n/10):  leaves imported by several routes but never by the
//     entry, so bundlers emit shared lazy chunks for them.
//   - routes (the rest):   split into 10 contiguous groups, each a ternary tree
//     whose root is imported by src/routes/RouteK.jsx; every 4th component
//     also imports an eager one and every 7th a shared one.
//
// Edges always go from a later group to an earlier one, or within a group
// from a lower to a higher index, so the graph is acyclic.
//
// The app imports packages by bare name; run-build.sh generates it inside
// bench/.work/app so Node's resolution finds bench/node_modules, installed
// with `npm ci` from bench/package-lock.json.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	out := flag.String("out", "", "directory to write the app into (required)")
	n := flag.Int("n", 1000, "number of components (use -n 20 for a quick smoke app)")
	clean := flag.Bool("clean", false, "remove -out first if it exists")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "genapp: -out is required")
		flag.Usage()
		os.Exit(2)
	}
	if *clean {
		if err := os.RemoveAll(*out); err != nil {
			fmt.Fprintln(os.Stderr, "genapp:", err)
			os.Exit(1)
		}
	}
	st, err := Generate(*out, *n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genapp:", err)
		os.Exit(1)
	}
	fmt.Printf("genapp: wrote %d files (%d bytes) to %s: %d components, %d routes, %d images\n",
		st.Files, st.Bytes, *out, *n, NumRoutes, st.Images)
}
