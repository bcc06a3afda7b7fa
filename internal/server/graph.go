package server

import (
	"github.com/govite/govite/internal/css"
	"strings"
	"sync"
)

// ModuleNode is one module of an environment's module graph (Vite's EnvironmentModuleNode): what the
// browser asked for (URL), what the plugins resolved it to (ID, File), what it imports and who imports
// it, and how it takes hot updates.
type ModuleNode struct {
	URL  string // the served URL without base, t= and import queries: "/src/App.tsx", "/src/a.css?direct"
	ID   string // the resolved id: an absolute path with its query, or a plugin's virtual id
	File string // the file on disk ("" for virtual modules)
	Type string // "js" or "css" (a stylesheet requested by a <link>)

	Importers       map[*ModuleNode]bool
	ImportedModules map[*ModuleNode]bool
	// AcceptedHMRDeps are the imports whose updates this module accepts (import.meta.hot.accept(deps)).
	AcceptedHMRDeps map[*ModuleNode]bool
	// IsSelfAccepting is nil until the module was analysed.
	IsSelfAccepting *bool
	// StaticImports are the modules imported with import statements (not import()), for preloading and
	// the interop of pages that reload.
	StaticImports map[*ModuleNode]bool
	// InlinedAssets are imported assets whose URL import analysis wrote into this module's code in
	// place of their import: a change to one transforms this module again (a soft invalidation
	// would keep the old URL).
	InlinedAssets map[*ModuleNode]bool

	transform *TransformResult
	// invalidation is Vite's invalidationState: how the module was invalidated since it was last
	// served. A soft invalidation (only modules it imports statically changed) keeps the old transform
	// in softTransform; the next request serves it with fresh ?t= on its imports instead of
	// transforming the module again (softinvalidate.go).
	invalidation  invalidationState
	softTransform *TransformResult
	// LastHMRTimestamp is the time of the last hot update that reached this module; importers then ask
	// for it with ?t=, so the browser runs the new version.
	LastHMRTimestamp int64
	// LastInvalidation is when the module was last invalidated (a file change).
	LastInvalidation int64
	// Globs are the import.meta.glob patterns of this module (absolute, for file add/unlink).
	Globs []string
	// UnresolvedImports are specifiers that did not resolve at the last transform; a file created later
	// may satisfy them.
	UnresolvedImports bool

	css *css.Module // the compiled stylesheet, for the JS module that injects it
}

func newModuleNode(url, id, file string) *ModuleNode {
	typ := "js"
	if isDirectCSSURL(url) {
		typ = "css"
	}
	return &ModuleNode{URL: url, ID: id, File: file, Type: typ,
		Importers: map[*ModuleNode]bool{}, ImportedModules: map[*ModuleNode]bool{},
		AcceptedHMRDeps: map[*ModuleNode]bool{}, StaticImports: map[*ModuleNode]bool{}}
}

// ModuleGraph is an environment's module graph. All access goes through its mutex; nodes are only
// changed with it held.
type ModuleGraph struct {
	mu     sync.Mutex
	byURL  map[string]*ModuleNode
	byID   map[string]*ModuleNode
	byFile map[string]map[*ModuleNode]bool
}

// NewModuleGraph returns an empty graph.
func NewModuleGraph() *ModuleGraph {
	return &ModuleGraph{byURL: map[string]*ModuleNode{}, byID: map[string]*ModuleNode{}, byFile: map[string]map[*ModuleNode]bool{}}
}

// GetModuleByURL returns the module served at url, or nil.
func (g *ModuleGraph) GetModuleByURL(url string) *ModuleNode {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.byURL[url]
}

// GetModuleByID returns the module with the resolved id, or nil.
func (g *ModuleGraph) GetModuleByID(id string) *ModuleNode {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.byID[id]
}

// GetModulesByFile returns the modules loaded from file (a file can be several modules: a.css and
// a.css?direct, a.svg and a.svg?raw).
func (g *ModuleGraph) GetModulesByFile(file string) []*ModuleNode {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []*ModuleNode
	for m := range g.byFile[file] {
		out = append(out, m)
	}
	return out
}

// ensure returns the module for url, creating it with id and file.
func (g *ModuleGraph) ensure(url, id, file string) *ModuleNode {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.ensureLocked(url, id, file)
}

func (g *ModuleGraph) ensureLocked(url, id, file string) *ModuleNode {
	if m := g.byURL[url]; m != nil {
		return m
	}
	if m := g.byID[id]; m != nil && id != "" {
		// The same module under a second URL (say /@fs/... and /src/...): one node.
		g.byURL[url] = m
		return m
	}
	m := newModuleNode(url, id, file)
	g.byURL[url] = m
	if id != "" {
		g.byID[id] = m
	}
	if file != "" {
		if g.byFile[file] == nil {
			g.byFile[file] = map[*ModuleNode]bool{}
		}
		g.byFile[file][m] = true
	}
	return m
}

// moduleInfo is what import analysis learnt about a module.
type moduleInfo struct {
	imports       []*ModuleNode
	staticImports []*ModuleNode
	acceptedDeps  []*ModuleNode
	selfAccepting bool
	globs         []string
	unresolved    bool
	inlinedAssets []*ModuleNode
}

// updateModuleInfo replaces the module's edges. It returns the modules no longer imported by anyone
// (Vite prunes them on the client).
func (g *ModuleGraph) updateModuleInfo(m *ModuleNode, info moduleInfo) []*ModuleNode {
	g.mu.Lock()
	defer g.mu.Unlock()
	next := map[*ModuleNode]bool{}
	for _, d := range info.imports {
		if d == m {
			// A module that imports itself (a React Fast Refresh boundary reads its own exports
			// that way) is not its own importer: the edge would keep it from ever being pruned
			// and make every update look like it propagates through itself.
			continue
		}
		next[d] = true
		d.Importers[m] = true
	}
	var noLongerImported []*ModuleNode
	for d := range m.ImportedModules {
		if !next[d] {
			delete(d.Importers, m)
			if len(d.Importers) == 0 {
				noLongerImported = append(noLongerImported, d)
			}
		}
	}
	m.ImportedModules = next
	m.StaticImports = map[*ModuleNode]bool{}
	for _, d := range info.staticImports {
		if d == m {
			continue
		}
		m.StaticImports[d] = true
	}
	m.AcceptedHMRDeps = map[*ModuleNode]bool{}
	for _, d := range info.acceptedDeps {
		m.AcceptedHMRDeps[d] = true
	}
	m.InlinedAssets = nil
	for _, d := range info.inlinedAssets {
		if m.InlinedAssets == nil {
			m.InlinedAssets = map[*ModuleNode]bool{}
		}
		m.InlinedAssets[d] = true
	}
	self := info.selfAccepting
	m.IsSelfAccepting = &self
	m.Globs = info.globs
	m.UnresolvedImports = info.unresolved
	return noLongerImported
}

// invalidate drops the cached transform of m and of every module that imports it, directly or not:
// their import URLs carry the timestamps of what they import, so a stale one could load a second copy
// of an updated module. As in Vite, m is invalidated hard (transformed again), and a JS importer that
// imports an invalidated module statically (or imports a softly invalidated one) softly: its next
// request reuses its old transform with the new timestamps, without resolving its imports again (so
// an import of a deleted file answers 404 rather than failing the importer). Also as in Vite, the
// walk stops at an importer that accepts the module's updates (import.meta.hot.accept('./dep')): the
// page keeps that importer, which loads the new version itself, so neither it nor its own importers
// change.
func (g *ModuleGraph) invalidate(m *ModuleNode, ts int64, hmr bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	seen := map[*ModuleNode]bool{}
	var walk func(n *ModuleNode, soft bool)
	walk = func(n *ModuleNode, soft bool) {
		prev := n.invalidation
		switch {
		case !soft:
			n.invalidation, n.softTransform = invalidatedHard, nil
		case n.invalidation == notInvalidated && n.transform != nil:
			n.invalidation, n.softTransform = invalidatedSoft, n.transform
		case n.invalidation == notInvalidated:
			n.invalidation = invalidatedHard
		}
		if seen[n] && prev == n.invalidation {
			return
		}
		seen[n] = true
		n.transform = nil
		n.LastInvalidation = ts
		for imp := range n.Importers {
			if imp.AcceptedHMRDeps[n] {
				continue
			}
			walk(imp, (imp.StaticImports[n] || soft) && imp.Type == "js" && !imp.InlinedAssets[n])
		}
	}
	walk(m, false)
	if hmr {
		m.LastHMRTimestamp = ts
	}
}

// onFileDelete is Vite's ModuleGraph.onFileDelete: the modules of a deleted file no longer import
// anything. Their importers keep them, so the update still reaches those.
func (g *ModuleGraph) onFileDelete(file string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for m := range g.byFile[file] {
		for d := range m.ImportedModules {
			delete(d.Importers, m)
		}
	}
}

// invalidateAll drops every cached transform (a full reload after the dependencies changed).
func (g *ModuleGraph) invalidateAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, m := range g.byURL {
		m.transform = nil
		m.invalidation, m.softTransform = invalidatedHard, nil
	}
}

func (g *ModuleGraph) cached(m *ModuleNode) *TransformResult {
	g.mu.Lock()
	defer g.mu.Unlock()
	return m.transform
}

func (g *ModuleGraph) setCached(m *ModuleNode, r *TransformResult, startedAt int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	// A file change during the transform makes its result stale: do not cache it.
	if m.LastInvalidation <= startedAt {
		m.transform = r
	}
}

// snapshotModules returns every module, for walks that must not hold the lock.
func (g *ModuleGraph) modules() []*ModuleNode {
	g.mu.Lock()
	defer g.mu.Unlock()
	seen := map[*ModuleNode]bool{}
	var out []*ModuleNode
	for _, m := range g.byURL {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

func isDirectCSSURL(url string) bool {
	path, q, _ := strings.Cut(url, "?")
	return isCSSPath(path) && hasQueryParam(q, "direct")
}
