// Package optimizer is govite's dependency pre-bundling for the dev server (Vite's dep optimizer):
// it finds the packages a project imports, bundles each into one ES module in
// <cacheDir>/deps with esbuild (shared code in chunk-XXXX.js files, so a package exists once), marks
// the CommonJS ones for import interop, and caches the result in deps/_metadata.json until the
// lockfile or the config changes. Imports met at run time that were not pre-bundled are added with
// Register, which re-bundles all dependencies once after a short pause.
//
// See https://vite.dev/guide/dep-pre-bundling and https://vite.dev/config/dep-optimization-options.
package optimizer

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/evanw/esbuild/pkg/api"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/jslex"
	"github.com/govite/govite/internal/logger"
)

// debounce is how long Register waits for more imports before re-bundling (Vite's debounceMs).
const debounce = 100 * time.Millisecond

// Options configure an Optimizer.
type Options struct {
	Root     string // absolute project root
	CacheDir string // absolute; deps go to CacheDir/<DepsDirName> (Vite: node_modules/.vite/deps)
	// DepsDirName is the deps directory's name under CacheDir: "deps" (the default) for the client
	// environment, "deps_<environment>" for others (Vite: deps_ssr), so that each environment bundles
	// its dependencies with its own conditions.
	DepsDirName string
	// Platform is esbuild's platform for resolving and bundling: browser (the default) or node.
	Platform api.Platform
	// Entries are the absolute paths of the files to scan: .html files (their inline and src module
	// scripts; .vue, .svelte and .astro files have their scripts read the same way) and JS, TS, JSX
	// and TSX files.
	Entries []string
	// EntriesFunc, when set, finds more entries when the scan runs: a glob over the project takes
	// tens of milliseconds on a large one, which then happens in the background (and not at all when
	// the cache is valid) instead of before the server listens.
	EntriesFunc func() ([]string, error)
	// Include and Exclude are optimizeDeps.include and optimizeDeps.exclude. Include takes plain ids,
	// deep imports ("lodash-es/debounce") and nested ids ("pkg > nested": nested as pkg resolves it).
	Include, Exclude []string
	// NeedsInterop is optimizeDeps.needsInterop: ids always treated as CommonJS.
	NeedsInterop []string
	// NoDiscovery is optimizeDeps.noDiscovery: no scan, no runtime discovery; only Include is bundled.
	NoDiscovery bool
	// Force ignores the cache (optimizeDeps.force, --force).
	Force bool
	// Mode is the mode: process.env.NODE_ENV in the deps is the NODE_ENV environment variable when set,
	// else Mode ("development" when empty), as Vite's JSON.stringify(process.env.NODE_ENV || mode).
	Mode string
	// Define are extra defines for the deps bundle, values already JSON-encoded
	// (optimizeDeps.esbuildOptions.define).
	Define map[string]string
	// Resolve options; nil uses Vite's defaults for the browser.
	Alias                              []config.Alias
	Conditions, MainFields, Extensions []string
	PreserveSymlinks                   bool
	// JSX, JSXImportSource: how the scan reads JSX ("automatic" by default, "transform" for classic
	// React.createElement, "preserve"), so that the automatic runtime's import (react/jsx-dev-runtime)
	// is found like any other.
	JSX, JSXImportSource string
	// ConfigHash is mixed into the cache hash (the server's config parts that change the output).
	ConfigHash string
	// ResolveID, when set, is asked first during the scan (the dev server's plugin pipeline): ok with a
	// resolved id that is not an absolute file (a virtual module) makes the scan skip the import.
	ResolveID func(id, importer string) (resolved string, ok bool)
	// TsconfigPaths is resolve.tsconfigPaths: the scan follows the project's tsconfig paths.
	TsconfigPaths bool
	Logger        *slog.Logger
}

// DepInfo describes one pre-bundled dependency.
type DepInfo struct {
	ID   string // the bare id as imported: "react", "react-dom/client", "lodash-es/debounce"
	Src  string // absolute path of the resolved entry file
	File string // absolute path of the bundled file in CacheDir/deps (e.g. .../deps/react-dom_client.js)
	// NeedsInterop is set for CommonJS deps: their ES module only has a default export
	// (module.exports), so named imports must be rewritten (RewriteInteropImport).
	NeedsInterop bool
	// Exports are the names the bundled module exports ("default" only for CommonJS); nil for a
	// dependency found at run time that is not bundled yet.
	Exports []string
}

// Optimizer pre-bundles a project's dependencies. Its methods are safe for concurrent use.
type Optimizer struct {
	// OnRebundle is called after a re-bundle caused by runtime discovery (Register) changed the
	// already optimized files, so pages that loaded them must reload (Vite: "optimized dependencies
	// changed. reloading"): the server sends one full reload. A re-bundle that only added files keeps
	// BrowserHash and does not call it, as in Vite. It runs on the optimizer's goroutine after the new
	// files are in place and before Wait returns, so it must not call Wait. Set it before Init.
	OnRebundle func()

	aliasOnce sync.Once
	aliases   *config.AliasMatcher

	opts    Options
	log     *slog.Logger
	debug   *slog.Logger // vite:deps
	depsDir string

	hash, lockHash, cfgHash string
	// session is mixed into the browserHash of forced bundles (Vite's sessionTimestamp), so that
	// browsers drop the copies of the deps they cached as immutable before --force.
	session string

	// runMu serializes bundle runs (Init's and the re-bundles).
	runMu sync.Mutex
	// removals tracks the background removal of replaced deps directories.
	removals sync.WaitGroup

	mu          sync.Mutex
	meta        *metadata // what the deps directory holds now
	browserHash string
	discovered  map[string]*depEntry // registered at run time, not bundled yet
	// firstRun are the dependencies Init's scan found, from the moment the scan finds each to the
	// end of Init's bundle: they are served (with the interop guessed from their source) while
	// esbuild bundles them, as Vite serves source modules once its scan is done.
	firstRun map[string]*depEntry
	scanned  chan struct{} // closed once Init knows the first set of dependencies
	scanOnce sync.Once
	// newDuringRun is set when a dependency is registered while a bundle runs (Vite's
	// newDepsDiscovered).
	newDuringRun bool
	timer        *time.Timer
	timerGen     int
	running      bool // a re-bundle loop is running
	rerun        bool // the timer fired while running
	initRunning  bool
	idle         chan struct{} // closed when nothing runs or is scheduled
	closed       bool

	pkgCache sync.Map // resolveDir + "\x00" + package name → bool (package directory found)
}

// New returns an Optimizer; call Init before using it.
func New(opts Options) *Optimizer {
	opts.Root = filepath.Clean(opts.Root)
	if opts.CacheDir == "" {
		opts.CacheDir = filepath.Join(opts.Root, "node_modules", ".vite")
	}
	opts.CacheDir = filepath.Clean(opts.CacheDir)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	idle := make(chan struct{})
	close(idle)
	if opts.DepsDirName == "" {
		opts.DepsDirName = "deps"
	}
	o := &Optimizer{opts: opts, log: log, debug: logger.Debugger(log, "vite:deps"), depsDir: filepath.Join(opts.CacheDir, opts.DepsDirName),
		discovered: map[string]*depEntry{}, idle: idle, meta: emptyMetadata(), scanned: make(chan struct{})}
	if opts.Force {
		o.session = strconv.FormatInt(time.Now().UnixNano(), 10)
	}
	return o
}

func emptyMetadata() *metadata {
	return &metadata{Optimized: map[string]*depEntry{}, Chunks: map[string]string{}}
}

// DepsDir is the absolute path of the deps directory (CacheDir/DepsDirName).
func (o *Optimizer) DepsDir() string { return o.depsDir }

// IsOptimizedFile reports whether absPath is inside DepsDir.
func (o *Optimizer) IsOptimizedFile(absPath string) bool {
	p := filepath.Clean(absPath)
	return strings.HasPrefix(p, o.depsDir+string(filepath.Separator))
}

// BrowserHash is the ?v= value of the served deps.
func (o *Optimizer) BrowserHash() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.browserHash
}

// Lookup returns the dependency id ("react", "a > b"), optimized or registered and pending.
func (o *Optimizer) Lookup(id string) (*DepInfo, bool) {
	id = normalizeID(id)
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range []map[string]*depEntry{o.meta.Optimized, o.firstRun, o.discovered} {
		if d := m[id]; d != nil {
			info := d.DepInfo
			return &info, true
		}
	}
	return nil, false
}

// LookupFile returns the dependency whose bundled entry file is absPath.
func (o *Optimizer) LookupFile(absPath string) (*DepInfo, bool) {
	p := filepath.Clean(absPath)
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range []map[string]*depEntry{o.meta.Optimized, o.firstRun, o.discovered} {
		for _, d := range m {
			if d.File == p {
				info := d.DepInfo
				return &info, true
			}
		}
	}
	return nil, false
}

// Deps lists the optimized dependencies (not the pending ones), sorted by id.
func (o *Optimizer) Deps() []DepInfo {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]DepInfo, 0, len(o.meta.Optimized))
	for _, d := range o.meta.Optimized {
		out = append(out, d.DepInfo)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Init loads CacheDir/deps/_metadata.json when its hash matches (lockfile + the options that change the
// output + ConfigHash) and Force is false; otherwise it scans the entries for bare imports that
// resolve into node_modules, adds Include, drops Exclude and bundles them. A cache hit runs no esbuild
// at all.
func (o *Optimizer) Init(ctx context.Context) error {
	o.mu.Lock()
	o.initRunning = true
	o.markBusyLocked()
	o.mu.Unlock()
	defer func() {
		o.mu.Lock()
		o.initRunning = false
		o.maybeIdleLocked()
		o.mu.Unlock()
	}()

	defer o.markScanned() // also when Init fails or finds a valid cache

	o.runMu.Lock()
	defer o.runMu.Unlock()
	o.cleanStaleTempDirs()

	o.lockHash = lockfileHash(o.opts.Root)
	o.cfgHash = o.configHash()
	o.hash = getHash(o.lockHash + o.cfgHash)

	if !o.opts.Force {
		if m := readMetadata(o.depsDir); m != nil {
			switch {
			case m.LockfileHash != o.lockHash:
				o.log.Info("Re-optimizing dependencies because lockfile has changed")
			case m.ConfigHash != o.cfgHash:
				o.log.Info("Re-optimizing dependencies because vite config has changed")
			case !filesExist(m):
				o.log.Info("Re-optimizing dependencies because the deps cache is incomplete")
			default:
				o.debug.Debug("Hash is consistent. Skipping. Use --force to override.")
				o.mu.Lock()
				o.meta, o.browserHash = m, m.BrowserHash
				o.mu.Unlock()
				return nil
			}
		}
	} else {
		o.log.Info("Forced re-optimization of dependencies")
	}

	// A cold run's BrowserHash is fixed before the scan, so that a module whose dependencies the scan
	// has already found can be served while the scan goes on (see scanFound). It is new for every
	// cold bundle, so that no browser keeps a copy of a dep it cached as immutable from another one.
	// (Vite derives it from the set of dependencies, which is only known when the scan ends.)
	firstHash := getHash(o.hash + o.session + "\x00" + strconv.FormatInt(time.Now().UnixNano(), 10))
	o.mu.Lock()
	o.browserHash = firstHash
	o.firstRun = map[string]*depEntry{}
	o.mu.Unlock()

	includes := o.resolveIncludes(ctx)
	spec := &speculator{o: o, ctx: ctx, hash: firstHash, includes: includes}
	defer spec.discard()
	found := map[string]*depEntry{}
	if !o.opts.NoDiscovery {
		t0 := time.Now()
		res := o.scan(ctx, spec.round)
		if err := ctx.Err(); err != nil {
			o.mu.Lock()
			o.firstRun = nil
			o.mu.Unlock()
			return err
		}
		found = res.deps
		if len(res.missing) > 0 {
			var lines []string
			for _, id := range sortedKeys(res.missing) {
				lines = append(lines, fmt.Sprintf("  %s (imported by %s)", id, o.relPath(res.missing[id])))
			}
			o.log.Warn("The following dependencies are imported but could not be resolved:\n\n" + strings.Join(lines, "\n") + "\n\nAre they installed?")
		}
		if on := o.debug.Enabled(ctx, slog.LevelDebug); on && len(found) > 0 {
			o.debug.Debug(fmt.Sprintf("Scan completed in %.2fms: %s", float64(time.Since(t0).Microseconds())/1000, strings.Join(sortedKeys(found), ", ")))
		} else if on {
			o.debug.Debug(fmt.Sprintf("Scan completed in %.2fms: no dependencies found", float64(time.Since(t0).Microseconds())/1000))
		}
	}
	deps := o.withIncludes(found, includes)
	if len(deps) > 0 {
		o.debug.Debug("Pre-bundling dependencies:\n  " + strings.Join(sortedKeys(deps), "\n  "))
	}
	o.publishScan(deps)
	var res *bundleResult
	var err error
	if sp := spec.take(deps); sp != nil {
		res, err = sp.res, sp.err
	} else {
		res, err = o.bundle(ctx, deps, firstHash)
	}
	if err == nil {
		err = o.commit(res.tmpDir)
	}
	o.mu.Lock()
	served := o.firstRun
	o.firstRun = nil
	if err != nil {
		o.mu.Unlock()
		if len(served) > 0 && o.OnRebundle != nil {
			o.OnRebundle() // pages got URLs of files that will not exist
		}
		return err
	}
	var mismatch []string
	for _, id := range sortedKeys(served) {
		if d := res.meta.Optimized[id]; d != nil && d.NeedsInterop != served[id].NeedsInterop {
			mismatch = append(mismatch, id)
		}
	}
	o.meta, o.browserHash = res.meta, res.meta.BrowserHash
	o.mu.Unlock()
	if len(mismatch) > 0 {
		// Modules served during the bundle imported these with the wrong interop: reload them.
		o.warnMixedInterop(mismatch)
		if o.OnRebundle != nil {
			o.OnRebundle()
		}
	}
	return nil
}

// scanFound makes a dependency the scan has just found available to Lookup before the scan ends, as
// publishScan does for all of them: the module that imports it can be served at once, with the
// BrowserHash Init fixed before the scan. A dependency in optimizeDeps.exclude is left out, as
// publishScan leaves it out.
func (o *Optimizer) scanFound(id, src, importer string) {
	if o.excluded(id) {
		return
	}
	d := o.firstRunEntry(id, src, importer)
	o.mu.Lock()
	if o.firstRun != nil && o.firstRun[id] == nil {
		o.firstRun[id] = d
	}
	o.mu.Unlock()
}

// firstRunEntry is a dependency of the first run as it is served while esbuild bundles it: its file
// (which Wait guards) and the interop its source suggests.
func (o *Optimizer) firstRunEntry(id, src, importer string) *depEntry {
	return &depEntry{DepInfo: DepInfo{ID: id, Src: src, File: o.depFile(id), NeedsInterop: o.guessInterop(id, src)}, Importer: importer}
}

// publishScan makes all the scanned dependencies available to Lookup while they are bundled, so
// that no module is served two versions of a dep; the ones scanFound published keep their entry.
func (o *Optimizer) publishScan(deps map[string]*depEntry) {
	o.mu.Lock()
	early := o.firstRun
	o.mu.Unlock()
	first := make(map[string]*depEntry, len(deps))
	for id, d := range deps {
		if e := early[id]; e != nil && e.Src == d.Src {
			first[id] = e
			continue
		}
		first[id] = o.firstRunEntry(id, d.Src, d.Importer)
	}
	o.mu.Lock()
	o.firstRun = first
	o.mu.Unlock()
	o.markScanned()
}

// browserHashOf is the BrowserHash of a re-bundle of these dependencies (Vite's: a function of their
// set). Init's bundle has the hash Init fixed before its scan instead.
func (o *Optimizer) browserHashOf(srcs map[string]string) string {
	return optimizedBrowserHash(o.hash+o.session, srcs)
}

func (o *Optimizer) markScanned() { o.scanOnce.Do(func() { close(o.scanned) }) }

// WaitScan blocks until Init knows the first set of dependencies (from the cache, or from its scan
// while it bundles them), or ctx is done. Lookup and BrowserHash are then final for them; their
// files are not written before Wait returns. During a cold run's scan, Lookup already answers for
// the dependencies found so far (with the final BrowserHash); an id it does not know yet needs
// WaitScan before it is registered as a new dependency.
func (o *Optimizer) WaitScan(ctx context.Context) error {
	select {
	case <-o.scanned:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func filesExist(m *metadata) bool {
	for _, d := range m.Optimized {
		if _, err := os.Stat(d.File); err != nil {
			return false
		}
	}
	for _, f := range m.Chunks {
		if _, err := os.Stat(f); err != nil {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (o *Optimizer) relPath(p string) string {
	if rel, err := filepath.Rel(o.opts.Root, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return p
}

// excluded reports whether id is in optimizeDeps.exclude (or a deep import of an excluded package).
func (o *Optimizer) excluded(id string) bool { return moduleListContains(o.opts.Exclude, id) }

// resolveIncludes resolves optimizeDeps.include from the root.
func (o *Optimizer) resolveIncludes(ctx context.Context) map[string]*depEntry {
	out := map[string]*depEntry{}
	if len(o.opts.Include) == 0 {
		return out
	}
	var reqs []resolveRequest
	for _, id := range o.opts.Include {
		reqs = append(reqs, resolveRequest{id: normalizeID(id), importer: ""})
	}
	results := o.resolveIDs(reqs)
	for i, r := range reqs {
		src, err := results[i].path, results[i].err
		switch {
		case err != nil || src == "":
			o.log.Warn(fmt.Sprintf("Failed to resolve dependency: %s, present in client 'optimizeDeps.include'", r.id))
		case !isOptimizable(src):
			o.log.Warn(fmt.Sprintf("Cannot optimize dependency: %s, present in client 'optimizeDeps.include'", r.id))
		default:
			out[r.id] = &depEntry{DepInfo: DepInfo{ID: r.id, Src: src}} // no importer: optimizeDeps.include
		}
	}
	_ = ctx
	return out
}

// Register is called for a bare import met at run time that is not optimized. When id resolves (from
// importer) to a package file in node_modules and is not excluded, it is added, a re-bundle of all
// dependencies is scheduled (debounced: several registrations make one run), and the DepInfo of the
// future file is returned at once. Its file must not be served before the bundle is done: see Wait.
func (o *Optimizer) Register(id string, importer string) (*DepInfo, bool) {
	id = normalizeID(id)
	if d, ok := o.Lookup(id); ok {
		return d, true
	}
	if o.opts.NoDiscovery || !isBareImport(id) || strings.ContainsAny(id, "?#") || o.excluded(id) {
		return nil, false
	}
	res := o.resolveIDs([]resolveRequest{{id: id, importer: importer}})[0]
	if res.err != nil || res.path == "" || !filepath.IsAbs(res.path) {
		return nil, false
	}
	src := res.path
	if !isInNodeModules(src) && !contains(o.opts.Include, id) {
		return nil, false // a linked package: served as source, like the project's own files
	}
	if !isOptimizable(src) {
		return nil, false
	}
	d := &depEntry{DepInfo: DepInfo{ID: id, Src: src, File: o.depFile(id), NeedsInterop: o.guessInterop(id, src)}, Importer: importer}

	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil, false
	}
	for _, m := range []map[string]*depEntry{o.meta.Optimized, o.firstRun, o.discovered} {
		if e := m[id]; e != nil {
			info := e.DepInfo
			return &info, true
		}
	}
	o.discovered[id] = d
	o.newDuringRun = true
	o.debug.Debug("new dependency found: " + id)
	o.scheduleLocked(debounce)
	info := d.DepInfo
	return &info, true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (o *Optimizer) depFile(id string) string {
	return filepath.Join(o.depsDir, FlattenID(id)+".js")
}

// guessInterop tells, before bundling, whether a dependency is CommonJS: its entry has no import or
// export statement (Vite reads it with es-module-lexer the same way).
func (o *Optimizer) guessInterop(id, src string) bool {
	if contains(o.opts.NeedsInterop, id) {
		return true
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return false
	}
	r, err := jslex.Parse(string(data))
	if err != nil {
		return false
	}
	return !r.HasModuleSyntax
}

// Wait blocks until no bundle is running or scheduled, or ctx is done.
func (o *Optimizer) Wait(ctx context.Context) error {
	o.mu.Lock()
	ch := o.idle
	o.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close cancels a scheduled re-bundle and waits for a running one and for the removal of replaced
// directories. Register does nothing after Close.
func (o *Optimizer) Close() {
	o.mu.Lock()
	o.closed = true
	if o.timer != nil {
		o.timer.Stop()
		o.timer = nil
	}
	o.timerGen++
	o.maybeIdleLocked()
	o.mu.Unlock()
	o.runMu.Lock()
	o.runMu.Unlock() //nolint:staticcheck // waiting for a running bundle
	o.removals.Wait()
}

func (o *Optimizer) markBusyLocked() {
	select {
	case <-o.idle:
		o.idle = make(chan struct{})
	default:
	}
}

func (o *Optimizer) maybeIdleLocked() {
	if o.running || o.timer != nil || o.initRunning {
		return
	}
	select {
	case <-o.idle:
	default:
		close(o.idle)
	}
}

// scheduleLocked (re)starts the debounce timer.
func (o *Optimizer) scheduleLocked(d time.Duration) {
	o.markBusyLocked()
	if o.timer != nil {
		o.timer.Stop()
	}
	o.timerGen++
	gen := o.timerGen
	o.timer = time.AfterFunc(d, func() { o.onTimer(gen) })
}

func (o *Optimizer) onTimer(gen int) {
	o.mu.Lock()
	if gen != o.timerGen || o.closed {
		o.mu.Unlock()
		return
	}
	o.timer = nil
	if o.running {
		o.rerun = true
		o.mu.Unlock()
		return
	}
	o.running = true
	o.mu.Unlock()
	reload := false
	for {
		if o.rebundle() {
			reload = true
		}
		o.mu.Lock()
		if o.rerun && !o.closed {
			o.rerun = false
			o.mu.Unlock()
			continue
		}
		o.mu.Unlock()
		// Once for all the runs in a row, after the new files are in place and before Wait returns.
		if reload && o.OnRebundle != nil {
			o.OnRebundle()
		}
		reload = false
		o.mu.Lock()
		if o.rerun && !o.closed {
			o.rerun = false
			o.mu.Unlock()
			continue
		}
		o.rerun = false
		o.running = false
		o.maybeIdleLocked()
		o.mu.Unlock()
		return
	}
}

// rebundle bundles the optimized and the discovered dependencies together, then switches the deps
// directory to the result, as Vite's runOptimizer does after runtime discovery. It reports whether
// pages must reload.
func (o *Optimizer) rebundle() bool {
	o.runMu.Lock()
	defer o.runMu.Unlock()

	o.mu.Lock()
	old := o.meta
	for id := range o.discovered {
		if old.Optimized[id] != nil {
			delete(o.discovered, id) // optimized meanwhile (by Init)
		}
	}
	if len(o.discovered) == 0 || o.closed {
		o.mu.Unlock()
		return false
	}
	deps := map[string]*depEntry{}
	for id, d := range old.Optimized {
		deps[id] = d
	}
	batch := map[string]*depEntry{}
	for id, d := range o.discovered {
		deps[id] = d
		batch[id] = d
	}
	o.newDuringRun = false
	o.mu.Unlock()

	o.debug.Debug("new dependencies found: " + strings.Join(sortedKeys(batch), ", "))
	res, err := o.bundle(context.Background(), deps, "")
	if err != nil {
		o.log.Error("error while updating dependencies:\n" + err.Error())
		o.mu.Lock()
		for id := range batch {
			delete(o.discovered, id)
		}
		o.mu.Unlock()
		return false
	}

	o.mu.Lock()
	var mismatch []string
	for _, id := range sortedKeys(batch) {
		if d := res.meta.Optimized[id]; d != nil && d.NeedsInterop != batch[id].NeedsInterop {
			mismatch = append(mismatch, id)
		}
	}
	needsReload := len(mismatch) > 0 || old.Hash != res.meta.Hash
	for id, d := range old.Optimized {
		if n := res.meta.Optimized[id]; n == nil || n.FileHash != d.FileHash {
			needsReload = true
		}
	}
	if needsReload && o.newDuringRun {
		// More dependencies came while bundling: the next run reloads once for all of them.
		o.mu.Unlock()
		o.debug.Debug("delaying reload as new dependencies have been found...")
		_ = os.RemoveAll(res.tmpDir)
		return false
	}
	if err := o.commit(res.tmpDir); err != nil {
		o.mu.Unlock()
		o.log.Error("error while updating dependencies:\n" + err.Error())
		return false
	}
	var added []string
	for _, id := range sortedKeys(res.meta.Optimized) {
		if old.Optimized[id] == nil {
			added = append(added, id)
		}
	}
	for id := range batch {
		delete(o.discovered, id)
	}
	o.meta = res.meta
	if needsReload {
		o.browserHash = res.meta.BrowserHash
	}
	o.mu.Unlock()

	// Vite 8's wording (Vite 5 printed "✨ new dependencies optimized: …").
	if len(added) == 1 {
		o.log.Info("dependency optimized: " + added[0])
	} else if len(added) > 1 {
		o.log.Info("dependencies optimized: " + strings.Join(added, ", "))
	}
	if needsReload {
		o.log.Info("optimized dependencies changed. reloading")
		if len(mismatch) > 0 {
			o.warnMixedInterop(mismatch)
		}
	}
	return needsReload
}

// warnMixedInterop is Vite's warning for dependencies whose interop was guessed wrong before bundling.
func (o *Optimizer) warnMixedInterop(ids []string) {
	word := "them"
	if len(ids) == 1 {
		word = "it"
	}
	o.log.Warn(fmt.Sprintf("Mixed ESM and CJS detected in %s, add %s to optimizeDeps.needsInterop to speed up cold start", strings.Join(ids, ", "), word))
}

// commit switches the deps directory to tmp in one step; the replaced directory is removed in the
// background (files already opened from it stay readable).
func (o *Optimizer) commit(tmp string) error {
	old, err := swapDir(tmp, o.depsDir)
	if err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("replacing %s: %w", o.depsDir, err)
	}
	if old != "" {
		o.removals.Add(1)
		go func() {
			defer o.removals.Done()
			_ = os.RemoveAll(old)
		}()
	}
	return nil
}

// tempSuffix names a processing directory (Vite's getTempSuffix).
func tempSuffix() string {
	return "_temp_" + getHash(fmt.Sprintf("%d:%d", os.Getpid(), time.Now().UnixNano()))
}

// staleTempAge is how old a leftover <deps>_temp_* directory must be to be removed (Vite: 24 hours).
const staleTempAge = 24 * time.Hour

func (o *Optimizer) cleanStaleTempDirs() {
	entries, err := os.ReadDir(o.opts.CacheDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), o.opts.DepsDirName+"_temp_") {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTempAge {
			_ = os.RemoveAll(filepath.Join(o.opts.CacheDir, e.Name()))
		}
	}
}

// nodeEnv is the value of process.env.NODE_ENV in the deps: Vite's `process.env.NODE_ENV || mode`
// (a define of process.env.NODE_ENV in Options.Define wins).
func (o *Optimizer) nodeEnv() string {
	if v, ok := o.opts.Define["process.env.NODE_ENV"]; ok {
		var s string
		if json.Unmarshal([]byte(v), &s) == nil {
			return s
		}
	}
	if env := os.Getenv("NODE_ENV"); env != "" {
		return env
	}
	if o.opts.Mode == "" {
		return "development"
	}
	return o.opts.Mode
}

func (o *Optimizer) isProduction() bool { return o.nodeEnv() == "production" }

func (o *Optimizer) conditions() []string {
	if len(o.opts.Conditions) > 0 {
		return o.opts.Conditions
	}
	c := []string{"module", "browser"}
	if o.isProduction() {
		return append(c, "production")
	}
	return append(c, "development")
}

func (o *Optimizer) mainFields() []string {
	if len(o.opts.MainFields) > 0 {
		f := o.opts.MainFields
		if !contains(f, "main") {
			f = append(append([]string{}, f...), "main")
		}
		return f
	}
	return []string{"browser", "module", "jsnext:main", "jsnext", "main"}
}

func (o *Optimizer) extensions() []string {
	if len(o.opts.Extensions) > 0 {
		return o.opts.Extensions
	}
	return config.DefaultExtensions
}

func (o *Optimizer) defines() map[string]string {
	d := map[string]string{"process.env.NODE_ENV": jsonString(o.nodeEnv())}
	for k, v := range o.opts.Define {
		d[k] = v
	}
	return d
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
