package optimizer

import (
	"context"
	"os"
	"sort"
	"strings"
)

// A cold start bundles the dependencies its scan finds, and the scan crawls the whole project. But
// the dependencies a page needs first are mostly imported by the entry and the files right under
// it: on a 1000-component React app the scan has found react, react/jsx-dev-runtime and
// react-dom/client in the second of its thirteen rounds. So Init starts bundling what the scan has
// found so far while the scan goes on (a speculation), and keeps that bundle when the scan ends
// with the same set: the deps are ready about when the scan is, instead of one bundle after it. A
// round that finds more cancels the bundle in flight and starts another, at most maxSpeculations
// times; a set that the scan ends with differently is bundled again, as without speculation. What
// is served meanwhile does not change: Lookup and BrowserHash come from the scan (scanFound,
// publishScan), and a bundle is the same whether it started early or late.

// maxSpeculations bounds the bundles started during one scan, for an app whose imports of new
// packages are spread over many rounds.
const maxSpeculations = 3

// speculation is one bundle started during the scan.
type speculation struct {
	key    string // depsKey of the bundled set
	cancel context.CancelFunc
	done   chan struct{} // closed when res and err are set
	res    *bundleResult
	err    error
}

// speculator starts and keeps the speculations of one Init.
type speculator struct {
	o        *Optimizer
	ctx      context.Context
	hash     string               // Init's BrowserHash
	includes map[string]*depEntry // optimizeDeps.include, resolved
	cur      *speculation         // the newest, or nil
	stale    []*speculation       // replaced ones, cancelled, to be cleaned up
	started  int
}

// depsKey identifies a set of dependencies by what decides its bundle: each id and its file.
func depsKey(deps map[string]*depEntry) string {
	ids := make([]string, 0, len(deps))
	for id, d := range deps {
		ids = append(ids, id+"\x00"+d.Src)
	}
	sort.Strings(ids)
	return strings.Join(ids, "\x01")
}

// withIncludes is the set Init bundles for the dependencies the scan found: those and
// optimizeDeps.include, less optimizeDeps.exclude.
func (o *Optimizer) withIncludes(found, includes map[string]*depEntry) map[string]*depEntry {
	deps := make(map[string]*depEntry, len(found)+len(includes))
	for id, d := range found {
		deps[id] = d
	}
	for id, d := range includes {
		if deps[id] == nil {
			deps[id] = d
		}
	}
	for id := range deps {
		if o.excluded(id) {
			delete(deps, id)
		}
	}
	return deps
}

// round is the scan's onRound: it starts a bundle of what was found so far when that differs from
// the bundle in flight.
func (s *speculator) round(found map[string]*depEntry) {
	deps := s.o.withIncludes(found, s.includes)
	if len(deps) == 0 {
		return
	}
	key := depsKey(deps)
	if s.cur != nil && s.cur.key == key || s.started >= maxSpeculations {
		return
	}
	if s.cur != nil {
		s.cur.cancel()
		s.stale = append(s.stale, s.cur)
	}
	s.started++
	ctx, cancel := context.WithCancel(s.ctx)
	sp := &speculation{key: key, cancel: cancel, done: make(chan struct{})}
	s.cur = sp
	go func() {
		defer close(sp.done)
		sp.res, sp.err = s.o.bundle(ctx, deps, s.hash)
	}()
}

// take returns the speculation that bundled exactly deps, waiting for it to end, or nil when there
// is none (then Init bundles deps itself). The others are cancelled and cleaned up.
func (s *speculator) take(deps map[string]*depEntry) *speculation {
	var hit *speculation
	if s.cur != nil && s.cur.key == depsKey(deps) {
		hit = s.cur
		s.cur = nil
		s.o.debug.Debug("dependencies bundled during the scan are kept")
	}
	s.discard()
	if hit != nil {
		<-hit.done
	}
	return hit
}

// discard cancels every speculation not taken and waits for each to end, removing what it wrote.
func (s *speculator) discard() {
	if s.cur != nil {
		s.cur.cancel()
		s.stale = append(s.stale, s.cur)
		s.cur = nil
	}
	for _, sp := range s.stale {
		<-sp.done
		if sp.res != nil {
			_ = os.RemoveAll(sp.res.tmpDir)
		}
	}
	s.stale = nil
}
