package server

import (
	"encoding/json"
	"github.com/govite/govite/internal/config"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// fileChange is one file event after debouncing.
type fileChange struct {
	File string
	Kind string // "change", "add" or "unlink"
}

// handleFileChanges reacts to a batch of file events (a burst of saves is one batch, so one update):
// each environment finds the modules of the changed files, walks up its module graph to the modules
// that accept the change, and sends one update, or a full reload when nothing accepts it.
func (s *Server) handleFileChanges(changes []fileChange) {
	cfg := s.Config
	for _, ch := range changes {
		if ch.Kind == "unlink" {
			for _, env := range s.Environments {
				env.ModuleGraph.onFileDelete(ch.File)
			}
		}
	}
	if cfg.Server.HMR.Disabled {
		s.invalidateChangedFiles(changes) // server.hmr: false: no HMR handling, as in Vite
		return
	}
	ts := time.Now().UnixMilli()
	for _, ch := range changes {
		s.debug.hmr.Debug("[file " + ch.Kind + "] " + prettyPath(cfg.Root, ch.File))
	}
	for _, ch := range changes {
		if config.IsTsconfigFile(ch.File) {
			// Every TypeScript module may compile differently now (Vite does the same).
			s.logger.Info("changed tsconfig file detected: " + prettyPath(cfg.Root, ch.File) +
				" - Clearing cache and forcing full-reload to ensure TypeScript is compiled with updated config values.")
			for _, name := range s.sortedEnvNames() {
				env := s.Environments[name]
				env.ModuleGraph.invalidateAll()
				env.Hot.SendPayload(map[string]any{"type": "full-reload", "path": "*"})
			}
			return
		}
	}
	for _, ch := range changes {
		if ch.File == cfg.ConfigFile || slices.Contains(cfg.ConfigFileDependencies, ch.File) || isEnvFile(cfg, ch.File) {
			if s.opts.OnRestartNeeded != nil {
				s.logger.Info(prettyPath(cfg.Root, ch.File) + " changed, restarting server...")
				s.opts.OnRestartNeeded(ch.File)
				return
			}
			s.logger.Warn(prettyPath(cfg.Root, ch.File) + " changed; restart the server to apply it")
		}
	}
	for _, name := range s.sortedEnvNames() {
		env := s.Environments[name]
		var mods []*ModuleNode
		fullReload := ""
		seen := map[*ModuleNode]bool{}
		add := func(m *ModuleNode) {
			if !seen[m] {
				seen[m] = true
				mods = append(mods, m)
			}
		}
		// The changed files' modules lose their transforms before the hotUpdate hooks run, as in
		// Vite (its watcher calls moduleGraph.onFileChange first): a hook that transforms one again
		// (vite-plugin-svelte compares the new output with the old) gets the new file.
		for _, ch := range changes {
			for _, m := range env.ModuleGraph.GetModulesByFile(ch.File) {
				env.ModuleGraph.invalidate(m, ts, false)
			}
		}
		for _, ch := range changes {
			for _, m := range env.hotUpdateModules(ch, ts) {
				add(m)
			}
			// A deleted page reloads too (Vite does): it then shows the 404 or the fallback.
			if name == "client" && strings.HasSuffix(ch.File, ".html") {
				if rel := prettyPath(cfg.Root, ch.File); !strings.HasPrefix(rel, "/") && !strings.HasPrefix(rel, "..") {
					fullReload = "/" + rel
					if cfg.Server.MiddlewareMode {
						// The pages are the backend's: any of them may render this template.
						fullReload = "*"
					}
				}
			}
			if ch.Kind == "add" || ch.Kind == "unlink" {
				for _, m := range env.ModuleGraph.modules() {
					// A failed import may resolve once a file is created (Vite re-runs those modules on
					// "create" only); a glob's set of files changes both ways.
					if m.UnresolvedImports && ch.Kind == "add" || globsMatch(m.Globs, ch.File) {
						add(m)
					}
				}
			}
		}
		if len(mods) == 0 {
			if fullReload != "" {
				s.logger.Info("page reload " + strings.TrimPrefix(fullReload, "/"))
				env.Hot.SendPayload(map[string]any{"type": "full-reload", "path": fullReload})
			}
			continue
		}
		env.updateModules(mods, ts, changes, "")
	}
}

// isEnvFile reports whether file is one of the .env files import.meta.env is read from.
func isEnvFile(cfg *config.ResolvedConfig, file string) bool {
	if filepath.Dir(file) != cfg.EnvDir {
		return false
	}
	switch filepath.Base(file) {
	case ".env", ".env.local", ".env." + cfg.Mode, ".env." + cfg.Mode + ".local":
		return true
	}
	return false
}

// updateModules sends the hot update for the changed modules (Vite's updateModules).
func (e *DevEnvironment) updateModules(mods []*ModuleNode, ts int64, changes []fileChange, firstInvalidatedBy string) {
	for _, m := range mods {
		e.ModuleGraph.invalidate(m, ts, true)
	}
	var updates []map[string]any
	needFullReload := false
	reason := ""
	e.ModuleGraph.mu.Lock()
	for _, m := range mods {
		var boundaries []hmrBoundary
		if propagateUpdate(m, map[*ModuleNode]bool{}, &boundaries, []*ModuleNode{m}) {
			needFullReload = true
			reason = m.URL
			break
		}
		for _, b := range boundaries {
			if firstInvalidatedBy != "" && b.boundary.URL == firstInvalidatedBy {
				needFullReload = true // an update that comes back to the module that invalidated it
				reason = b.boundary.URL
				break
			}
			b.boundary.LastHMRTimestamp = ts
			typ := "js-update"
			if b.boundary.Type == "css" {
				typ = "css-update"
			}
			u := map[string]any{
				"type": typ, "timestamp": ts, "path": b.boundary.URL, "acceptedPath": b.acceptedVia.URL,
				"explicitImportRequired": b.boundary.Type == "js" && explicitImportRequired(b.acceptedVia.URL),
				"isWithinCircularImport": b.circular,
			}
			if firstInvalidatedBy != "" {
				u["firstInvalidatedBy"] = firstInvalidatedBy
			}
			updates = append(updates, u)
		}
	}
	e.ModuleGraph.mu.Unlock()
	if needFullReload {
		for _, m := range mods {
			e.ModuleGraph.invalidate(m, ts, false)
		}
		e.server.logger.Info("page reload " + strings.TrimPrefix(reason, "/"))
		e.Hot.SendPayload(map[string]any{"type": "full-reload", "triggeredBy": changedFile(changes), "path": "*"})
		return
	}
	if len(updates) == 0 {
		return
	}
	seen := map[string]bool{}
	var unique []map[string]any
	var names []string
	for _, u := range updates {
		key := u["path"].(string) + "|" + u["acceptedPath"].(string)
		if !seen[key] {
			seen[key] = true
			unique = append(unique, u)
			names = append(names, u["path"].(string))
		}
	}
	e.server.logger.Info("hmr update " + strings.Join(names, ", "))
	e.Hot.SendPayload(map[string]any{"type": "update", "updates": unique})
}

func changedFile(changes []fileChange) string {
	if len(changes) == 0 {
		return ""
	}
	return changes[0].File
}

type hmrBoundary struct {
	boundary, acceptedVia *ModuleNode
	circular              bool
}

// propagateUpdate walks from node up through its importers, collecting the modules that accept the
// update; it returns true when a path reaches a module nothing accepts (a dead end: reload the page).
// The graph's lock is held.
func propagateUpdate(node *ModuleNode, traversed map[*ModuleNode]bool, boundaries *[]hmrBoundary, chain []*ModuleNode) bool {
	if traversed[node] {
		return false
	}
	traversed[node] = true
	if node.IsSelfAccepting != nil && *node.IsSelfAccepting {
		*boundaries = append(*boundaries, hmrBoundary{boundary: node, acceptedVia: node, circular: isCircular(node, chain)})
		return false
	}
	if len(node.Importers) == 0 {
		return true
	}
	// A JS module imported only by stylesheets cannot be updated by them. (A file a stylesheet was
	// made from, an "asset" entry, is not imported: its change updates the stylesheets.)
	if node.Type != "asset" && !isCSSPath(pathOf(node.URL)) {
		onlyCSS := true
		for imp := range node.Importers {
			if !isCSSPath(pathOf(imp.URL)) {
				onlyCSS = false
			}
		}
		if onlyCSS {
			return true
		}
	}
	for imp := range node.Importers {
		if imp.AcceptedHMRDeps[node] {
			*boundaries = append(*boundaries, hmrBoundary{boundary: imp, acceptedVia: node, circular: isCircular(imp, chain)})
			continue
		}
		if contains(chain, imp) {
			continue // a cycle: the rest of the walk covers it
		}
		imp.LastInvalidation = node.LastInvalidation
		if propagateUpdate(imp, traversed, boundaries, append(chain, imp)) {
			return true
		}
	}
	return false
}

func isCircular(n *ModuleNode, chain []*ModuleNode) bool {
	for imp := range n.Importers {
		if contains(chain, imp) {
			return true
		}
	}
	return false
}

func contains(chain []*ModuleNode, n *ModuleNode) bool {
	for _, c := range chain {
		if c == n {
			return true
		}
	}
	return false
}

func pathOf(u string) string {
	p, _ := splitQuery(u)
	return p
}

// handleInvalidate handles import.meta.hot.invalidate() from a page: the module cannot take its own
// update after all, so the update continues from its importers.
func (s *Server) handleInvalidate(env *DevEnvironment, data json.RawMessage) {
	var msg struct {
		Path               string `json:"path"`
		Message            string `json:"message"`
		FirstInvalidatedBy string `json:"firstInvalidatedBy"`
	}
	if json.Unmarshal(data, &msg) != nil {
		return
	}
	m := env.ModuleGraph.GetModuleByURL(msg.Path)
	if m == nil {
		return
	}
	line := "hmr invalidate " + msg.Path
	if msg.Message != "" {
		line += " " + msg.Message
	}
	s.logger.Info(line)
	env.ModuleGraph.mu.Lock()
	ts := m.LastHMRTimestamp
	var importers []*ModuleNode
	for imp := range m.Importers {
		importers = append(importers, imp)
	}
	env.ModuleGraph.mu.Unlock()
	if ts == 0 {
		ts = time.Now().UnixMilli()
	}
	first := msg.FirstInvalidatedBy
	if first == "" {
		first = msg.Path
	}
	if len(importers) == 0 {
		env.Hot.SendPayload(map[string]any{"type": "full-reload", "path": "*"})
		return
	}
	env.updateModules(importers, ts, nil, first)
}

// prune tells the pages that modules are no longer imported, so their prune callbacks run (a
// stylesheet removes its <style>).
func (e *DevEnvironment) prune(mods []*ModuleNode) {
	var paths []string
	for _, m := range mods {
		paths = append(paths, m.URL)
	}
	e.Hot.SendPayload(map[string]any{"type": "prune", "paths": paths})
}

func globsMatch(globs []string, file string) bool {
	for _, g := range globs {
		neg := strings.HasPrefix(g, "!")
		if !neg && globMatch(filepath.ToSlash(g), filepath.ToSlash(file)) {
			return true
		}
	}
	return false
}

// hotUpdateModules are the modules of env a file change affects: those of the file, as the plugins'
// hotUpdate hooks leave them (Vite calls hotUpdate once per environment; a hook may narrow or widen
// the list, or handle the change itself by returning none).
func (e *DevEnvironment) hotUpdateModules(ch fileChange, ts int64) []*ModuleNode {
	mods := e.ModuleGraph.GetModulesByFile(ch.File)
	if !slices.ContainsFunc(e.PluginContainer.Plugins, func(p *config.Plugin) bool { return p.HotUpdate != nil }) {
		return mods
	}
	typ := map[string]string{"add": "create", "unlink": "delete"}[ch.Kind]
	if typ == "" {
		typ = "update"
	}
	ids, urls := make([]string, len(mods)), make([]string, len(mods))
	for i, m := range mods {
		ids[i], urls[i] = m.ID, m.URL
	}
	file := ch.File
	out, err := e.PluginContainer.HotUpdate(&config.HotUpdateOptions{Type: typ, File: file, Timestamp: ts, Modules: ids, ModuleURLs: urls,
		Read: func() (string, error) {
			data, err := os.ReadFile(file)
			return string(data), err
		},
		Server: &devServerHandle{s: e.server}})
	if err != nil {
		e.server.logger.Error("hotUpdate: " + err.Error())
		return mods
	}
	if out == nil {
		return mods
	}
	var res []*ModuleNode
	for _, id := range out {
		if m := e.ModuleGraph.GetModuleByID(id); m != nil {
			res = append(res, m)
		}
	}
	return res
}
