package config

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// fakeHost is the pipeline as far as hooks see it.
type fakeHost struct {
	mu       sync.Mutex
	resolve  func(source, importer string, skipSelf bool) (*ResolveIDResult, error)
	watched  []string
	warnings []string
}

func (h *fakeHost) Resolve(source, importer string, skipSelf bool) (*ResolveIDResult, error) {
	return h.resolve(source, importer, skipSelf)
}

func (h *fakeHost) AddWatchFile(file string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.watched = append(h.watched, file)
}

func (h *fakeHost) Warn(msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.warnings = append(h.warnings, msg)
}

// loadPlugins loads a config whose plugins are the JS array expression plugins.
func loadPlugins(t *testing.T, plugins string) map[string]*Plugin {
	ps, _ := loadPluginsVM(t, plugins)
	return ps
}

func loadPluginsVM(t *testing.T, plugins string) (map[string]*Plugin, *jsVM) {
	t.Helper()
	root := writeProject(t, map[string]string{"vite.config.ts": "export default { plugins: " + plugins + " }"})
	cfg, loaded := load(t, root, buildEnv)
	out := map[string]*Plugin{}
	for _, p := range cfg.Plugins {
		out[p.Name] = p
	}
	return out, loaded.vm
}

func TestJSPluginResolveLoadTransform(t *testing.T) {
	ps := loadPlugins(t, `[{
  name: 'p',
  resolveId(source, importer, opts) {
    if (source === 'virtual:a') return '\0virtual:a'
    if (source === 'obj') return { id: '/abs/obj.js', external: 'absolute', moduleSideEffects: false }
    if (source === 'ext') return false
    if (source === 'entry') return opts.isEntry ? 'entry:yes' : 'entry:no'
    if (source === 'importer') return 'from:' + importer
    if (source === 'async') return new Promise((r) => setTimeout(() => r('async:done'), 1))
    return null
  },
  load: {
    filter: { id: /^\0virtual:/ },
    async handler(id) {
      await null
      return id === '\0virtual:a' ? 'export default 1' : { code: 'x', map: { version: 3, mappings: 'AAAA', sources: ['s'] }, moduleType: 'ts' }
    },
  },
  transform: {
    order: 'pre',
    filter: { id: { include: ['**/*.ts'], exclude: /skip/ }, code: 'TODO' },
    handler(code, id) { return { code: code.replace('TODO', 'DONE') } },
  },
}]`)
	p := ps["p"]
	pc := &PluginContext{Environment: &Environment{Name: "client"}}
	resolveTests := []struct {
		source, importer string
		opts             ResolveIDOptions
		want             *ResolveIDResult
	}{
		{"virtual:a", "", ResolveIDOptions{}, &ResolveIDResult{ID: "\x00virtual:a"}},
		{"obj", "", ResolveIDOptions{}, &ResolveIDResult{ID: "/abs/obj.js", External: true, SideEffects: Bool(false)}},
		{"ext", "", ResolveIDOptions{}, &ResolveIDResult{ID: "ext", External: true}},
		{"entry", "", ResolveIDOptions{IsEntry: true}, &ResolveIDResult{ID: "entry:yes"}},
		{"importer", "/src/main.ts", ResolveIDOptions{}, &ResolveIDResult{ID: "from:/src/main.ts"}},
		{"async", "", ResolveIDOptions{}, &ResolveIDResult{ID: "async:done"}},
		{"other", "", ResolveIDOptions{}, nil},
	}
	for _, tt := range resolveTests {
		got, err := p.ResolveID(pc, tt.source, tt.importer, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		eqv(t, got, tt.want)
	}

	lr, err := p.Load(pc, "\x00virtual:a")
	if err != nil {
		t.Fatal(err)
	}
	eqv(t, lr, &LoadResult{Code: "export default 1"})
	lr, _ = p.Load(pc, "\x00virtual:b")
	eqv(t, lr, &LoadResult{Code: "x", Map: `{"version":3,"mappings":"AAAA","sources":["s"]}`, Loader: "ts"})
	if lr, _ := p.Load(pc, "/src/real.ts"); lr != nil {
		t.Errorf("filtered load was called: %+v", lr)
	}

	eq(t, p.HookOrder["transform"], "pre")
	transformTests := []struct {
		code, id string
		want     *TransformResult
	}{
		{"// TODO", "/src/a.ts", &TransformResult{Code: "// DONE"}},
		{"// TODO", "/src/skip.ts", nil},  // excluded id
		{"// TODO", "/src/a.js", nil},     // not included
		{"// nothing", "/src/a.ts", nil},  // code filter
		{"// TODO", "/src/a.ts?v=1", nil}, // the glob must match the whole id
		{"// TODO", "/x/y/z/b.ts", &TransformResult{Code: "// DONE"}},
	}
	for _, tt := range transformTests {
		got, err := p.Transform(pc, tt.code, tt.id)
		if err != nil {
			t.Fatal(err)
		}
		eqv(t, got, tt.want)
	}
}

func TestJSPluginContext(t *testing.T) {
	ps := loadPlugins(t, `[
  {
    name: 'outer',
    async resolveId(source, importer) {
      if (!source.startsWith('outer:')) return null
      const r = await this.resolve(source.slice(6), importer, { skipSelf: true })
      this.addWatchFile('/watched/' + source)
      this.warn('resolved ' + source)
      return r && { id: r.id + '?outer', external: r.external }
    },
    transform(code, id) {
      if (id === 'fail') this.error('bad module')
      if (id === 'fail-obj') this.error({ message: 'bad object' })
      return this.environment.name + ':' + this.environment.config.root + ':' + this.meta.watchMode
    },
  },
  { name: 'inner', resolveId(source) { return source === 'x' ? '/resolved/x' : null } },
]`)
	outer, inner := ps["outer"], ps["inner"]
	host := &fakeHost{}
	// The pipeline runs the other plugins' hooks, in the same engine, while outer's hook awaits.
	host.resolve = func(source, importer string, skipSelf bool) (*ResolveIDResult, error) {
		if !skipSelf {
			t.Error("skipSelf not passed")
		}
		return inner.ResolveID(&PluginContext{Environment: &Environment{Name: "client"}, Host: host}, source, importer, ResolveIDOptions{})
	}
	rc := &ResolvedConfig{Root: "/root", Command: "serve", Mode: "development"}
	pc := &PluginContext{Environment: &Environment{Name: "ssr"}, Config: rc, Host: host}
	got, err := outer.ResolveID(pc, "outer:x", "/imp.js", ResolveIDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eqv(t, got, &ResolveIDResult{ID: "/resolved/x?outer"})
	eqv(t, host.watched, []string{"/watched/outer:x"})
	eqv(t, host.warnings, []string{"[plugin outer] resolved outer:x"})

	tr, err := outer.Transform(pc, "", "/a.js")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, tr.Code, "ssr:/root:true")

	for id, msg := range map[string]string{"fail": "bad module", "fail-obj": "bad object"} {
		_, err = outer.Transform(pc, "", id)
		if err == nil || !strings.Contains(err.Error(), `plugin "outer": transform hook failed`) || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), "vite.config.ts:") {
			t.Errorf("this.error: %v", err)
		}
	}

	// Many goroutines at once (the bundler's), each awaiting Go work that re-enters the engine.
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := outer.ResolveID(pc, "outer:x", fmt.Sprint(i), ResolveIDOptions{})
			if err != nil {
				errs <- err
			} else if r == nil || r.ID != "/resolved/x?outer" {
				errs <- fmt.Errorf("got %+v", r)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestJSPluginHookErrorPosition(t *testing.T) {
	root := writeProject(t, map[string]string{"vite.config.ts": `export default {
  plugins: [{
    name: 'thrower',
    transform(code: string, id: string) {
      throw new Error('cannot transform ' + id)
    },
  }],
}`})
	cfg, _ := load(t, root, buildEnv)
	_, err := cfg.Plugins[0].Transform(&PluginContext{}, "", "/m.js")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`plugin "thrower": transform hook failed`, "vite.config.ts:5:", "Error: cannot transform /m.js"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestJSPluginIndexHTML(t *testing.T) {
	ps := loadPlugins(t, `[
  { name: 'str', transformIndexHtml: (html) => html.replace('</head>', '<meta name="x"></head>') },
  { name: 'tags', transformIndexHtml: { order: 'pre', handler: async (html, ctx) => [
    { tag: 'script', attrs: { type: 'module', src: '/' + ctx.path, defer: true, async: false }, injectTo: 'body' },
    { tag: 'div', children: [{ tag: 'span', children: 'hi' }, { tag: 'br' }] },
  ] } },
  { name: 'both', transformIndexHtml: { enforce: 'post', transform: (html) => ({ html: html + '<!-- x -->', tags: [{ tag: 'title', children: 'T' }] }) } },
  { name: 'bad', transformIndexHtml: () => [{ tag: 'x', injectTo: 'footer' }] },
]`)
	ic := &IndexHTMLContext{Path: "/index.html", Filename: "/r/index.html"}
	res, err := ps["str"].TransformIndexHTML(ic, "<head></head>")
	if err != nil {
		t.Fatal(err)
	}
	eqv(t, res, &IndexHTMLResult{HTML: `<head><meta name="x"></head>`})
	eq(t, ps["str"].TransformIndexHTMLOrder, "")

	res, err = ps["tags"].TransformIndexHTML(ic, "")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, ps["tags"].TransformIndexHTMLOrder, "pre")
	eqv(t, res, &IndexHTMLResult{Tags: []HTMLTag{
		{Tag: "script", Attrs: map[string]string{"type": "module", "src": "//index.html", "defer": ""}, InjectTo: "body"},
		{Tag: "div", Children: "<span>hi</span><br>"},
	}})

	res, err = ps["both"].TransformIndexHTML(ic, "<p>")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, ps["both"].TransformIndexHTMLOrder, "post")
	eqv(t, res, &IndexHTMLResult{HTML: "<p><!-- x -->", Tags: []HTMLTag{{Tag: "title", Children: "T"}}})

	_, err = ps["bad"].TransformIndexHTML(ic, "")
	if err == nil || !strings.Contains(err.Error(), "injectTo must be") {
		t.Errorf("bad injectTo: %v", err)
	}
}

func TestJSPluginConfigHooks(t *testing.T) {
	ps, vm := loadPluginsVM(t, `[{
  name: 'cfg',
  apply(config, env) { return env.command === 'build' && config.mode !== 'skip' },
  config(config, env) {
    config.build.outDir = 'mutated-' + env.mode   // changing the object counts
    config.resolve.alias.push({ find: /^#/, replacement: '/hash' })
    return { define: { fromHook: config.base }, build: { assetsDir: 'hooked' }, preview: { port: 1 } }
  },
  configResolved(rc) {
    globalThis.seen = [rc.root, rc.command, rc.build.outDir, rc.env.MODE, rc.plugins.map((p) => p.name).join()].join('|')
    if (rc.mode === 'explode') throw new Error('resolved boom')
  },
  buildStart(opts) { globalThis.started = JSON.stringify(opts.input) },
}]`)
	p := ps["cfg"]
	cfg := &UserConfig{Base: "/b/", Mode: "production", Build: BuildOptions{OutDir: "dist"}, Resolve: ResolveOptions{Alias: []Alias{{Find: "@", Replacement: "/src"}}}}
	if !p.ApplyFunc(cfg, ConfigEnv{Command: "build", Mode: "production"}) {
		t.Error("apply returned false")
	}
	if p.ApplyFunc(&UserConfig{Mode: "skip"}, ConfigEnv{Command: "build"}) || p.ApplyFunc(cfg, ConfigEnv{Command: "serve"}) {
		t.Error("apply returned true")
	}
	partial, err := p.Config(cfg, ConfigEnv{Command: "build", Mode: "production"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, cfg.Build.OutDir, "mutated-production")
	eqv(t, cfg.Resolve.Alias, []Alias{{Find: "@", Replacement: "/src"}, {FindRegexp: "^#", Replacement: "/hash"}})
	eq(t, partial.Define["fromHook"], "/b/")
	eq(t, partial.Build.AssetsDir, "hooked")

	rc := &ResolvedConfig{Root: "/r", Command: "build", Mode: "production", Base: "/", Build: ResolvedBuildOptions{OutDir: "/r/dist", Input: []InputEntry{{Path: "/r/index.html"}}}, Plugins: []*Plugin{p}}
	if err := p.ConfigResolved(rc); err != nil {
		t.Fatal(err)
	}
	if err := p.BuildStart(&PluginContext{Config: rc}); err != nil {
		t.Fatal(err)
	}
	vm.mu.Lock()
	seen, started := vm.rt.Get("seen").String(), vm.rt.Get("started").String()
	warns := vm.warnings
	vm.mu.Unlock()
	eq(t, seen, "/r|build|/r/dist|production|cfg")
	eq(t, started, `"/r/index.html"`)
	found := false
	for _, w := range warns {
		if w == `plugin "cfg": config hook: preview.port is not supported by govite yet; it is ignored` {
			found = true
		}
	}
	if !found {
		t.Errorf("warnings %q lack the preview warning", warns)
	}

	rc2 := &ResolvedConfig{Mode: "explode"}
	if err := p.ConfigResolved(rc2); err == nil || !strings.Contains(err.Error(), "resolved boom") || !strings.Contains(err.Error(), `plugin "cfg": configResolved hook failed`) {
		t.Errorf("configResolved error: %v", err)
	}
}
