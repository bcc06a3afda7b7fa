// Package plugin runs plugin hooks: one Container per environment calls each hook of every plugin in
// order (enforce "pre", normal, "post") with a context that names the environment, the way Vite's
// plugin container does.
package plugin

import (
	"fmt"
	"slices"
	"sync"

	"github.com/govite/govite/internal/config"
)

// Container runs the plugins of one environment.
type Container struct {
	Environment string
	Config      *config.ResolvedConfig
	Plugins     []*config.Plugin

	byHook map[string][]*config.Plugin // plugins in the order each hook runs them

	mu         sync.Mutex
	watchFiles []string
}

// New returns a container for the given environment. plugins must already be filtered for the command
// and sorted by enforce (config.Resolve does that).
func New(cfg *config.ResolvedConfig, environment string, plugins []*config.Plugin) *Container {
	c := &Container{Environment: environment, Config: cfg, Plugins: plugins, byHook: map[string][]*config.Plugin{}}
	for _, hook := range []string{"resolveId", "load", "transform", "buildStart", "buildEnd"} {
		c.byHook[hook] = ForHook(plugins, hook)
	}
	return c
}

// ForHook orders plugins for one hook as Vite does: those whose hook asked for order "pre" first,
// then the rest, then "post"; within each group the enforce order stays.
func ForHook(plugins []*config.Plugin, hook string) []*config.Plugin {
	rank := func(p *config.Plugin) int {
		switch p.HookOrder[hook] {
		case "pre":
			return 0
		case "post":
			return 2
		}
		return 1
	}
	out := slices.Clone(plugins)
	slices.SortStableFunc(out, func(a, b *config.Plugin) int { return rank(a) - rank(b) })
	return out
}

// host is the PluginHost given to one hook call: it knows which plugin is calling, so this.resolve()
// can skip it.
type host struct {
	c    *Container
	self *config.Plugin
}

func (h host) Resolve(source, importer string, skipSelf bool) (*config.ResolveIDResult, error) {
	var skip *config.Plugin
	if skipSelf {
		skip = h.self
	}
	return h.c.resolveID(source, importer, config.ResolveIDOptions{Kind: "import-statement"}, skip)
}

func (h host) AddWatchFile(file string) {
	h.c.mu.Lock()
	h.c.watchFiles = append(h.c.watchFiles, file)
	h.c.mu.Unlock()
}

func (h host) Warn(msg string) {
	if h.c.Config != nil && h.c.Config.Logger != nil {
		h.c.Config.Logger.Warn(fmt.Sprintf("[plugin %s] %s", h.self.Name, msg))
	}
}

func (c *Container) ctx(p *config.Plugin) *config.PluginContext {
	return &config.PluginContext{Environment: c.Environment, Config: c.Config, Host: host{c, p}}
}

// WatchFiles returns the files plugins asked to watch.
func (c *Container) WatchFiles() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.watchFiles)
}

// HookError is an error returned by a plugin hook; it names the plugin, the hook and the module.
type HookError struct {
	Plugin, Hook, ID string
	Err              error
}

func (e *HookError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("[plugin %s] %s %s: %v", e.Plugin, e.Hook, e.ID, e.Err)
	}
	return fmt.Sprintf("[plugin %s] %s: %v", e.Plugin, e.Hook, e.Err)
}

func (e *HookError) Unwrap() error { return e.Err }

// BuildStart calls every buildStart hook.
func (c *Container) BuildStart() error {
	for _, p := range c.byHook["buildStart"] {
		if p.BuildStart != nil {
			if err := p.BuildStart(c.ctx(p)); err != nil {
				return &HookError{p.Name, "buildStart", "", err}
			}
		}
	}
	return nil
}

// BuildEnd calls every buildEnd hook with the build's error, if any.
func (c *Container) BuildEnd(buildErr error) error {
	for _, p := range c.byHook["buildEnd"] {
		if p.BuildEnd != nil {
			if err := p.BuildEnd(c.ctx(p), buildErr); err != nil {
				return &HookError{p.Name, "buildEnd", "", err}
			}
		}
	}
	return nil
}

// ResolveID asks each plugin in turn; the first non-nil answer wins. A nil result means no plugin
// resolved the id and the default resolver should.
func (c *Container) ResolveID(source, importer string, opts config.ResolveIDOptions) (*config.ResolveIDResult, error) {
	return c.resolveID(source, importer, opts, nil)
}

func (c *Container) resolveID(source, importer string, opts config.ResolveIDOptions, skip *config.Plugin) (*config.ResolveIDResult, error) {
	for _, p := range c.byHook["resolveId"] {
		if p.ResolveID == nil || p == skip {
			continue
		}
		r, err := p.ResolveID(c.ctx(p), source, importer, opts)
		if err != nil {
			return nil, &HookError{p.Name, "resolveId", source, err}
		}
		if r != nil {
			return r, nil
		}
	}
	return nil, nil
}

// Load asks each plugin in turn; nil means no plugin loaded the id and it is read from disk.
func (c *Container) Load(id string) (*config.LoadResult, error) {
	for _, p := range c.byHook["load"] {
		if p.Load == nil {
			continue
		}
		r, err := p.Load(c.ctx(p), id)
		if err != nil {
			return nil, &HookError{p.Name, "load", id, err}
		}
		if r != nil {
			return r, nil
		}
	}
	return nil, nil
}

// Transform runs every transform hook in order, each on the previous one's output. loader is the
// language of code ("js", "ts", "css", ...); a hook may change it.
func (c *Container) Transform(code, id, loader string) (string, string, error) {
	for _, p := range c.byHook["transform"] {
		if p.Transform == nil {
			continue
		}
		r, err := p.Transform(c.ctx(p), code, id)
		if err != nil {
			return "", "", &HookError{p.Name, "transform", id, err}
		}
		if r != nil {
			code = r.Code
			if r.Loader != "" {
				loader = r.Loader
			}
		}
	}
	return code, loader, nil
}

// HasTransform reports whether any plugin has a transform hook, so callers can skip work.
func (c *Container) HasTransform() bool {
	for _, p := range c.Plugins {
		if p.Transform != nil {
			return true
		}
	}
	return false
}

// TransformIndexHTML runs the transformIndexHtml hooks of the given order ("pre" or the rest), returning
// the new HTML and the tags to inject.
func (c *Container) TransformIndexHTML(pre bool, hctx config.IndexHTMLContext, html string) (string, []config.HTMLTag, error) {
	var tags []config.HTMLTag
	for _, p := range c.Plugins {
		if p.TransformIndexHTML == nil || (p.TransformIndexHTMLOrder == "pre") != pre {
			continue
		}
		hc := hctx
		hc.PluginContext = *c.ctx(p)
		r, err := p.TransformIndexHTML(&hc, html)
		if err != nil {
			return "", nil, &HookError{p.Name, "transformIndexHtml", hctx.Path, err}
		}
		if r != nil {
			if r.HTML != "" {
				html = r.HTML
			}
			tags = append(tags, r.Tags...)
		}
	}
	return html, tags, nil
}

// GenerateBundle calls every generateBundle hook.
func (c *Container) GenerateBundle(b *config.OutputBundle) error {
	for _, p := range c.Plugins {
		if p.GenerateBundle != nil {
			if err := p.GenerateBundle(c.ctx(p), b); err != nil {
				return &HookError{p.Name, "generateBundle", "", err}
			}
		}
	}
	return nil
}

// WriteBundle calls every writeBundle hook.
func (c *Container) WriteBundle(b *config.OutputBundle) error {
	for _, p := range c.Plugins {
		if p.WriteBundle != nil {
			if err := p.WriteBundle(c.ctx(p), b); err != nil {
				return &HookError{p.Name, "writeBundle", "", err}
			}
		}
	}
	return nil
}

// TransformWith runs one plugin's transform hook, for callers that interleave their own steps with the
// plugins' (the dev server runs its TypeScript, JSON and CSS steps between the "pre" plugins and the
// rest, where Vite runs them).
func (c *Container) TransformWith(p *config.Plugin, code, id string) (*config.TransformResult, error) {
	r, err := p.Transform(c.ctx(p), code, id)
	if err != nil {
		return nil, &HookError{p.Name, "transform", id, err}
	}
	return r, nil
}

// TransformOrder returns the plugins with a transform hook, in the order they run.
func (c *Container) TransformOrder() []*config.Plugin {
	var out []*config.Plugin
	for _, p := range c.byHook["transform"] {
		if p.Transform != nil {
			out = append(out, p)
		}
	}
	return out
}
