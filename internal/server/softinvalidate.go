package server

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/govite/govite/internal/jslex"
)

// invalidationState is Vite's EnvironmentModuleNode.invalidationState.
type invalidationState int8

const (
	notInvalidated invalidationState = iota
	// invalidatedSoft: only modules this one imports changed; its old transform is still good once
	// its import URLs carry their new ?t= timestamps.
	invalidatedSoft
	// invalidatedHard: the module must be transformed again.
	invalidatedHard
)

// softInvalidated is Vite's handleModuleSoftInvalidation: it consumes m's invalidation state and, for
// a soft invalidation, returns m's previous transform with the ?t= of each import updated to the last
// hot update of the module it imports (and caches it). The imports are not resolved again: when an
// imported file was deleted, the importer still loads and the browser's request for the deleted module
// gets a 404, as in Vite. It returns nil when m must be transformed normally.
func (e *DevEnvironment) softInvalidated(m *ModuleNode) *TransformResult {
	started := time.Now().UnixMilli()
	g := e.ModuleGraph
	g.mu.Lock()
	state, base := m.invalidation, m.softTransform
	m.invalidation, m.softTransform = notInvalidated, nil
	g.mu.Unlock()
	if state != invalidatedSoft || base == nil {
		return nil
	}
	res := base
	if e.Consumer == "client" {
		var ok bool
		if res, ok = e.refreshImportTimestamps(m, base); !ok {
			return nil
		}
	}
	g.setCached(m, res, started)
	return res
}

// refreshImportTimestamps rewrites the import URLs of a served module's code with the current
// timestamps of the modules they load, and pre-transforms its static imports.
func (e *DevEnvironment) refreshImportTimestamps(m *ModuleNode, base *TransformResult) (*TransformResult, bool) {
	code := base.Code
	lex, err := jslex.Parse(code)
	if err != nil {
		return nil, false
	}
	type match struct {
		imp    jslex.Import
		dep    *ModuleNode
		ts     int64
		static bool
	}
	var matches []match
	g := e.ModuleGraph
	g.mu.Lock()
	for _, imp := range lex.Imports {
		if imp.Kind == jslex.Meta || imp.SpecStart < 0 {
			continue
		}
		dep := g.byURL[servedURLKey(imp.Specifier, e.config.Base)]
		if dep == nil || !m.ImportedModules[dep] {
			continue
		}
		matches = append(matches, match{imp: imp, dep: dep, ts: dep.LastHMRTimestamp, static: imp.Kind == jslex.Static})
	}
	g.mu.Unlock()

	var b strings.Builder
	last := 0
	for _, mt := range matches {
		if mt.ts <= 0 {
			continue
		}
		u := injectQuery(removeQueryParams(mt.imp.Specifier, "t"), "t="+strconv.FormatInt(mt.ts, 10))
		b.WriteString(code[last:mt.imp.SpecStart])
		b.WriteString(strconv.Quote(u))
		last = mt.imp.SpecEnd
	}
	b.WriteString(code[last:])
	out := b.String()

	// Vite's preTransformRequests: the browser asks for the static imports next.
	for _, mt := range matches {
		dep := mt.dep
		if !mt.static || dep == m || dep.File == "" || isInNodeModules(dep.File) || g.cached(dep) != nil {
			continue
		}
		if !fileExists(dep.File) {
			// Deleted: the browser's request will get a 404; Vite reports it from its pre-transform.
			e.server.logger.Error("Pre-transform error: Failed to load url " + dep.URL + " (resolved id: " + dep.ID + ") in " + m.ID + ". Does the file exist?")
			continue
		}
		go e.WarmupRequest(context.Background(), dep.URL)
	}

	res := *base
	res.Code = out
	res.ETag = etagOf(out)
	return &res, true
}

// servedURLKey is the module graph's key for an import URL written into served code: without base
// and without the t, import and v queries.
func servedURLKey(u, base string) string {
	if base != "/" && strings.HasPrefix(u, base) {
		u = "/" + strings.TrimPrefix(u, base)
	}
	return removeQueryParams(u, "t", "import", "v")
}
