// Package plugin runs plugin hooks: one Container per environment calls each hook of every plugin in
// order (enforce "pre", normal, "post") with a context that names the environment, the way Vite's
// plugin container does.
package plugin

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/sourcemap"
)

// Container runs the plugins of one environment.
type Container struct {
	// Environment is the environment the hooks run for (their ctx.Environment). A dev server sets its
	// Hot after New.
	Environment *config.Environment
	Config      *config.ResolvedConfig
	// Plugins are the environment's plugins (see config.PluginsForEnvironment).
	Plugins []*config.Plugin

	byHook map[string][]*config.Plugin // plugins in the order each hook runs them

	mu         sync.Mutex
	watchFiles []string
	// moduleWatchFiles are the watch files by the module whose hook added them.
	moduleWatchFiles map[string][]string
}

// New returns a container for the environment named environment of cfg (config.NewEnvironment).
// plugins must already be filtered for the command and sorted by enforce (config.Resolve does that);
// New keeps those the environment uses (config.PluginsForEnvironment: applyToEnvironment).
func New(cfg *config.ResolvedConfig, environment string, plugins []*config.Plugin) *Container {
	return NewForEnvironment(config.NewEnvironment(cfg, environment), plugins)
}

// NewForEnvironment is New for an Environment the caller made (with its hot channel, say).
func NewForEnvironment(env *config.Environment, plugins []*config.Plugin) *Container {
	plugins = config.PluginsForEnvironment(plugins, env)
	c := &Container{Environment: env, Config: env.Config, Plugins: plugins, byHook: map[string][]*config.Plugin{}}
	for _, hook := range []string{"resolveId", "load", "transform", "buildStart", "buildEnd", "hotUpdate"} {
		c.byHook[hook] = ForHook(plugins, hook)
	}
	return c
}

// ForHook orders plugins for one hook as Vite does: those whose hook asked for order "pre" first,
// then the rest, then "post"; within each group the enforce order stays.
func ForHook(plugins []*config.Plugin, hook string) []*config.Plugin {
	return config.SortPluginsByHook(plugins, hook)
}

// host is the PluginHost given to one hook call: it knows which plugin is calling, so this.resolve()
// can skip it.
type host struct {
	c    *Container
	self *config.Plugin
	id   string // the module a load or transform hook works on, "" for other hooks
}

func (h host) Resolve(source, importer string, skipSelf bool) (*config.ResolveIDResult, error) {
	var skip *config.Plugin
	if skipSelf {
		skip = h.self
	}
	return h.c.resolveID(source, importer, config.ResolveIDOptions{Kind: "import-statement"}, skip)
}

func (h host) AddWatchFile(file string) {
	if !filepath.IsAbs(file) && h.c.Config != nil {
		file = filepath.Join(h.c.Config.Root, file)
	}
	h.c.mu.Lock()
	h.c.watchFiles = append(h.c.watchFiles, file)
	if h.id != "" {
		if h.c.moduleWatchFiles == nil {
			h.c.moduleWatchFiles = map[string][]string{}
		}
		if !slices.Contains(h.c.moduleWatchFiles[h.id], file) {
			h.c.moduleWatchFiles[h.id] = append(h.c.moduleWatchFiles[h.id], file)
		}
	}
	h.c.mu.Unlock()
}

func (h host) Warn(msg string) {
	if h.c.Config != nil && h.c.Config.Logger != nil {
		h.c.Config.Logger.Warn(fmt.Sprintf("[plugin %s] %s", h.self.Name, msg))
	}
}

func (c *Container) ctx(p *config.Plugin) *config.PluginContext {
	return &config.PluginContext{Environment: c.Environment, Config: c.Config, Host: host{c: c, self: p}}
}

// moduleCtx is ctx for a hook working on module id (load, transform): this.addWatchFile ties the file
// to that module.
func (c *Container) moduleCtx(p *config.Plugin, id string) *config.PluginContext {
	return &config.PluginContext{Environment: c.Environment, Config: c.Config, Host: host{c: c, self: p, id: id}}
}

// ModuleWatchFiles returns the files the load and transform hooks of module id asked to watch
// (this.addWatchFile): a change to one of them is a change to the module.
func (c *Container) ModuleWatchFiles(id string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.moduleWatchFiles[id])
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
		r, err := p.Load(c.moduleCtx(p, id), id)
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
		ctx := c.moduleCtx(p, id)
		// The build does not chain the plugins' maps: the code a hook gets stands for itself.
		current := code
		file, _, _ := strings.Cut(id, "?")
		ctx.CombinedSourcemap = func() string { return string(sourcemap.Identity(file, current)) }
		r, err := p.Transform(ctx, code, id)
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

// HotUpdate runs the hotUpdate hooks in hook order for a file change in this environment (Vite's
// hotUpdate): each sees the modules the previous one left (a hook returning nil keeps them, a non-nil
// list replaces them). It returns the modules to update; an empty list means the plugins handled the
// change.
func (c *Container) HotUpdate(opts *config.HotUpdateOptions) ([]string, error) {
	mods := opts.Modules
	for _, p := range c.byHook["hotUpdate"] {
		if p.HotUpdate == nil {
			continue
		}
		o := *opts
		o.Modules = slices.Clone(mods)
		r, err := p.HotUpdate(c.ctx(p), &o)
		if err != nil {
			return nil, &HookError{p.Name, "hotUpdate", opts.File, err}
		}
		if r != nil {
			mods = r
		}
	}
	return mods, nil
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
// combined gives this.getCombinedSourcemap(): the map from code back to the file.
func (c *Container) TransformWith(p *config.Plugin, code, id string, combined func() string) (*config.TransformResult, error) {
	ctx := c.moduleCtx(p, id)
	ctx.CombinedSourcemap = combined
	r, err := p.Transform(ctx, code, id)
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
