// Command ssr is govite's side of the SSR benchmark (bench/run-ssr.sh): one process that creates a
// dev server in middleware mode, imports the SSR example's server entry with the ssr environment's
// module runner, renders "/" once, then renders it in a loop for a fixed time, and writes what it
// measured as JSON. bench/ssr/vite-ssr.mjs does the same with Vite 8.
//
//	go build -o bench/.work/ssr/ssrbench ./bench/ssr
//	bench/.work/ssr/ssrbench -root APP -config CONFIG -runner engine -duration 3s -json out.json -html out.html
//	bench/.work/ssr/ssrbench -root APP -config CONFIG -duration 0 -cpuprofile cold.prof   # profile a cold import
//
// Times are in milliseconds. since_t0_ms counts from BENCH_T0_NS (nanoseconds since the epoch, set by
// the caller just before it starts the process), so it includes the process start; the phases count
// from the start of main. Peak RSS is VmHWM from /proc: this process's, and that of its child processes
// (the Node runner) read before the server closes.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/govite/govite"
)

type result struct {
	Tool           string  `json:"tool"`
	CreateServerMS float64 `json:"create_server_ms"`  // govite.CreateServer
	RunnerMS       float64 `json:"runner_ms"`         // Environments["ssr"].Runner
	ImportMS       float64 `json:"import_ms"`         // runner.Import of the entry
	FirstRenderMS  float64 `json:"first_render_ms"`   // the first render("/")
	ColdMS         float64 `json:"cold_ms"`           // main start -> first HTML
	SinceT0MS      float64 `json:"since_t0_ms"`       // BENCH_T0_NS -> first HTML (0: not given)
	WarmupRenders  int     `json:"warmup_renders"`    // untimed renders before the timed loop
	Renders        int     `json:"renders"`           // renders in the timed loop
	RenderSeconds  float64 `json:"render_seconds"`    // length of the timed loop
	RendersPerS    float64 `json:"renders_per_s"`     // Renders / RenderSeconds
	ImportRSSKB    int64   `json:"import_rss_kb"`     // VmHWM of this process and its children after the first render
	PeakRSSKB      int64   `json:"peak_rss_kb"`       // VmHWM of this process at the end
	ChildPeakRSSKB int64   `json:"child_peak_rss_kb"` // VmHWM of the child processes at the end, summed
	ChildProcesses int     `json:"child_processes"`
	HTMLBytes      int     `json:"html_bytes"`
	GetUS          float64 `json:"get_us"` // mean time of Module.Get("render"), a round trip to the runner that runs no render (µs)
	Error          string  `json:"error,omitempty"`
	mainStart      time.Time
}

func main() {
	root := flag.String("root", "", "the SSR app (a copy of examples/ssr-react)")
	runnerType := flag.String("runner", "engine", `the ssr environment's runner: "engine" (embedded) or "node"`)
	configFile := flag.String("config", "", "the config file (default: vite.config.* in -root)")
	include := flag.String("ssr-include", "", "comma-separated optimizeDeps.include of the ssr environment (Vite's way to pre-bundle dependencies for a server environment)")
	entry := flag.String("entry", "/src/entry-server.jsx", "the server entry")
	url := flag.String("url", "/", "the URL rendered")
	warmup := flag.Duration("warmup", time.Second, "untimed renders for this long before the timed loop")
	duration := flag.Duration("duration", 3*time.Second, "length of the timed render loop (0: only the cold import and first render)")
	jsonOut := flag.String("json", "", "write the result here (default stdout)")
	htmlOut := flag.String("html", "", "write the first render's HTML here")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the cold import (createServer to the first HTML) here")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		stopProfile = func() {
			pprof.StopCPUProfile()
			f.Close()
			stopProfile = func() {}
		}
	}

	res := &result{Tool: "govite-" + *runnerType, mainStart: time.Now()}
	err := run(res, *root, *configFile, *include, *runnerType, *entry, *url, *warmup, *duration, *htmlOut)
	stopProfile()
	if err != nil {
		res.Error = err.Error()
	}
	out, _ := json.MarshalIndent(res, "", "  ")
	out = append(out, '\n')
	if *jsonOut != "" {
		if werr := os.WriteFile(*jsonOut, out, 0o644); werr != nil {
			fmt.Fprintln(os.Stderr, werr)
			os.Exit(1)
		}
	} else {
		os.Stdout.Write(out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ssrbench:", err)
		os.Exit(1)
	}
}

// stopProfile ends the CPU profile, if one was asked for.
var stopProfile = func() {}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func run(res *result, root, configFile, include, runnerType, entry, url string, warmup, duration time.Duration, htmlOut string) error {
	if root == "" {
		return fmt.Errorf("-root is required")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	ctx := context.Background()
	cfg := govite.Config{
		Root:    abs,
		AppType: "custom",
		Server:  govite.ServerOptions{MiddlewareMode: true},
		// Warnings and errors only, as Vite's logLevel 'warn' in the Node script.
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if runnerType != "engine" || include != "" {
		ssr := govite.EnvironmentOptions{Dev: govite.DevEnvironmentOptions{Runner: runnerType}}
		if include != "" {
			ssr.OptimizeDeps.Include = strings.Split(include, ",")
		}
		cfg.Environments = []govite.NamedEnvironment{{Name: "ssr", Options: ssr}}
	}

	t := time.Now()
	srv, err := govite.CreateServer(ctx, govite.InlineConfig{Config: cfg, ConfigFile: configFile})
	if err != nil {
		return fmt.Errorf("CreateServer: %w", err)
	}
	defer srv.Close()
	res.CreateServerMS = ms(time.Since(t))

	env := srv.Environments["ssr"]
	if env == nil {
		return fmt.Errorf("the server has no ssr environment")
	}
	t = time.Now()
	r, err := env.Runner(ctx)
	if err != nil {
		return fmt.Errorf("Runner: %w", err)
	}
	res.RunnerMS = ms(time.Since(t))

	t = time.Now()
	m, err := r.Import(ctx, entry)
	if err != nil {
		return fmt.Errorf("Import(%s): %w", entry, err)
	}
	res.ImportMS = ms(time.Since(t))

	t = time.Now()
	out, err := m.Call(ctx, "render", url)
	if err != nil {
		return fmt.Errorf("render(%q): %w", url, err)
	}
	now := time.Now()
	res.FirstRenderMS = ms(now.Sub(t))
	res.ColdMS = ms(now.Sub(res.mainStart))
	if t0, err := strconv.ParseInt(os.Getenv("BENCH_T0_NS"), 10, 64); err == nil && t0 > 0 {
		res.SinceT0MS = float64(now.UnixNano()-t0) / 1e6
	}
	stopProfile()
	self, kids, _ := peakRSS()
	res.ImportRSSKB = self + kids
	html, ok := out.(string)
	if !ok {
		return fmt.Errorf("render(%q) returned %T, not a string", url, out)
	}
	res.HTMLBytes = len(html)
	if htmlOut != "" {
		if err := os.WriteFile(htmlOut, []byte(html), 0o644); err != nil {
			return err
		}
	}

	if duration > 0 {
		// Warm-up, then the timed loop: one render at a time, each awaited.
		end := time.Now().Add(warmup)
		for time.Now().Before(end) {
			if _, err := m.Call(ctx, "render", url); err != nil {
				return fmt.Errorf("render(%q): %w", url, err)
			}
			res.WarmupRenders++
		}
		start := time.Now()
		end = start.Add(duration)
		n := 0
		for {
			if _, err := m.Call(ctx, "render", url); err != nil {
				return fmt.Errorf("render(%q): %w", url, err)
			}
			n++
			if !time.Now().Before(end) {
				break
			}
		}
		res.Renders = n
		res.RenderSeconds = time.Since(start).Seconds()
		res.RendersPerS = float64(n) / res.RenderSeconds

		// The cost of a call that renders nothing: reading the export, a round trip to the runner
		// (through the pipes, for the Node runner).
		start = time.Now()
		end = start.Add(duration / 6)
		n = 0
		for time.Now().Before(end) {
			if _, err := m.Get(ctx, "render"); err != nil {
				return fmt.Errorf("Get(render): %w", err)
			}
			n++
		}
		res.GetUS = float64(time.Since(start).Microseconds()) / float64(n)
	}

	res.PeakRSSKB, res.ChildPeakRSSKB, res.ChildProcesses = peakRSS()
	return nil
}

// peakRSS is the peak resident set size (VmHWM, KiB) of this process and of its child processes
// (summed), and how many children there are.
func peakRSS() (self, kids int64, n int) {
	self = vmHWM("self")
	for _, pid := range children() {
		if kb := vmHWM(pid); kb > 0 {
			kids += kb
			n++
		}
	}
	return self, kids, n
}

// vmHWM is the peak resident set size of process pid ("self" or a number) in KiB, 0 if unknown.
func vmHWM(pid string) int64 {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// children are the pids of this process's child processes (from every thread's children list).
func children() []string {
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	seen := map[string]bool{}
	var pids []string
	for _, f := range tasks {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		data, _ := io.ReadAll(fh)
		fh.Close()
		for _, p := range strings.Fields(string(data)) {
			if !seen[p] {
				seen[p] = true
				pids = append(pids, p)
			}
		}
	}
	return pids
}
