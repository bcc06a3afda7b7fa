package server

import "time"

// MixedModuleGraph is Vite's server.moduleGraph, kept for code written before the Environment API:
// the client and ssr environments' module graphs seen as one. A module in it may be known to either
// environment or to both.
type MixedModuleGraph struct {
	client, ssr *ModuleGraph
}

// MixedModuleNode is one module of the MixedModuleGraph: its node in each environment (nil where the
// environment has not seen it).
type MixedModuleNode struct {
	URL, ID, File string
	Client, SSR   *ModuleNode
}

// ModuleGraph is the server-wide module graph (Vite's server.moduleGraph).
func (s *Server) ModuleGraph() *MixedModuleGraph {
	return &MixedModuleGraph{client: s.Environments["client"].ModuleGraph, ssr: s.Environments["ssr"].ModuleGraph}
}

func mixed(c, s *ModuleNode) *MixedModuleNode {
	if c == nil && s == nil {
		return nil
	}
	n := &MixedModuleNode{Client: c, SSR: s}
	for _, m := range []*ModuleNode{c, s} {
		if m != nil {
			n.URL, n.ID, n.File = m.URL, m.ID, m.File
			break
		}
	}
	return n
}

// GetModuleByURL finds a module by its URL.
func (g *MixedModuleGraph) GetModuleByURL(url string) *MixedModuleNode {
	return mixed(g.client.GetModuleByURL(url), g.ssr.GetModuleByURL(url))
}

// GetModuleByID finds a module by its id.
func (g *MixedModuleGraph) GetModuleByID(id string) *MixedModuleNode {
	return mixed(g.client.GetModuleByID(id), g.ssr.GetModuleByID(id))
}

// GetModulesByFile finds the modules of a file (one file may be several modules: with ?raw, say).
func (g *MixedModuleGraph) GetModulesByFile(file string) []*MixedModuleNode {
	byURL := map[string]*MixedModuleNode{}
	var out []*MixedModuleNode
	for _, m := range g.client.GetModulesByFile(file) {
		n := &MixedModuleNode{URL: m.URL, ID: m.ID, File: m.File, Client: m}
		byURL[m.URL] = n
		out = append(out, n)
	}
	for _, m := range g.ssr.GetModulesByFile(file) {
		if n := byURL[m.URL]; n != nil {
			n.SSR = m
			continue
		}
		out = append(out, &MixedModuleNode{URL: m.URL, ID: m.ID, File: m.File, SSR: m})
	}
	return out
}

// InvalidateModule drops the cached transforms of m (and of the modules importing it) in both
// environments.
func (g *MixedModuleGraph) InvalidateModule(m *MixedModuleNode) {
	ts := time.Now().UnixMilli()
	if m.Client != nil {
		g.client.invalidate(m.Client, ts, false)
	}
	if m.SSR != nil {
		g.ssr.invalidate(m.SSR, ts, false)
	}
}

// InvalidateAll drops every cached transform.
func (g *MixedModuleGraph) InvalidateAll() {
	g.client.invalidateAll()
	g.ssr.invalidateAll()
}
