// Package server is govite's dev server (Vite's ViteDevServer): HTTP middlewares that serve a project's
// modules transformed on request, one DevEnvironment per environment with its module graph and plugin
// pipeline, a WebSocket for hot module replacement and a file watcher that drives it.
package server

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/css"
	"github.com/govite/govite/internal/optimizer"
	"github.com/govite/govite/internal/plugins/react"
	"github.com/govite/govite/internal/server/guard"
)

// Options are the dev server's options that are not part of the config.
type Options struct {
	// Force re-bundles the dependencies even when the cache is valid (--force).
	Force bool
	// OnRestartNeeded is called when the config file, a file it imports or an .env file changed: the
	// caller closes this server and creates a new one (the CLI does; open pages reconnect and reload).
	// Without it the change is only logged.
	OnRestartNeeded func(file string)
}

// Server is the dev server. It is an http.Handler: Listen serves it on server.host:server.port, and in
// middleware mode a Go program mounts it in its own mux.
type Server struct {
	Config *config.ResolvedConfig
	// Environments are the dev environments by name; "client" and "ssr" always exist.
	Environments map[string]*DevEnvironment
	// ResolvedURLs are the URLs the server listens on, once Listen succeeded.
	ResolvedURLs ResolvedURLs

	opts      Options
	optCancel context.CancelFunc
	plugins   []*config.Plugin
	origin    string // server.origin, without trailing "/"
	token     string
	watcher   *watcher
	fs        *guard.FS
	handler   http.Handler
	logger    *slog.Logger
	debug     debuggers
	started   time.Time
	httpSrv   *http.Server
	listener  net.Listener
	hmrPort   *hmrPortServer // server.hmr.port's own WebSocket server, when it has one
	// cssProc runs the project's pre-processors and PostCSS in one Node worker for all environments,
	// started by the first stylesheet that needs it.
	cssProc *css.Processor

	mu       sync.Mutex
	htmlProx map[string]string // inline <script type=module> bodies by proxy id
	closed   bool
	// The plugins' configureServer middlewares and watcher listeners (configure.go).
	preMiddlewares, postMiddlewares []func(http.Handler) http.Handler
	fileListeners                   []func(kind, file string)
	preInstalled                    bool // the pre middlewares are in the handler: Use adds post ones
}

// ResolvedURLs are the local and network URLs of a listening server.
type ResolvedURLs struct {
	Local, Network []string
}

// New creates a dev server for a resolved config (command "serve"): the environments, the dependency
// optimizer (which bundles the dependencies it finds before returning, unless they are cached) and the
// watcher. The server does not listen until Listen is called.
func New(ctx context.Context, cfg *config.ResolvedConfig, opts Options) (*Server, error) {
	s := &Server{Config: cfg, Environments: map[string]*DevEnvironment{}, origin: strings.TrimSuffix(cfg.Server.Origin, "/"),
		logger: cfg.Logger, started: time.Now(), htmlProx: map[string]string{}, opts: opts}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	s.debug = newDebuggers(s.logger)
	s.token = newToken()
	s.cssProc = css.NewProcessor(cfg, css.ProcessorOptions{})
	s.plugins = devPlugins(cfg)
	s.fs = &guard.FS{Root: cfg.Root, Strict: cfg.Server.FSStrict, Allow: cfg.Server.FSAllow, Deny: cfg.Server.FSDeny}
	envs, err := s.environmentOptions()
	if err != nil {
		return nil, err
	}
	for _, o := range envs {
		env, err := newDevEnvironment(s, o)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.Environments[o.name] = env
	}
	if c := s.Environments["client"]; c != nil && cfg.Server.HMR.Disabled {
		c.hot.hmrDisabled = true // server.hmr: false
	}
	for _, name := range s.sortedEnvNames() {
		env := s.Environments[name]
		if env.Consumer == "client" && cfg.OptimizeDeps.Disabled {
			continue
		}
		if env.RunnerType == RunnerNode && (env.resolvedOptions == nil || len(env.resolvedOptions.OptimizeDeps.Include) == 0) {
			continue // Node imports the dependencies itself; only those included are pre-bundled
		}
		if err := s.startOptimizer(ctx, env, opts.Force); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.startWatcher()
	posts, err := s.configureServer()
	if err != nil {
		s.Close()
		return nil, err
	}
	s.handler = s.middlewares()
	if err := s.runPostConfigureServer(posts); err != nil {
		s.Close()
		return nil, err
	}
	if cfg.Server.MiddlewareMode {
		if err := s.listenHMRPort(nil); err != nil {
			s.logger.Error(err.Error())
		}
	}
	for _, env := range s.Environments {
		if err := env.PluginContainer.BuildStart(); err != nil {
			s.Close()
			return nil, err
		}
	}
	go s.warmup(context.WithoutCancel(ctx))
	return s, nil
}

// devPlugins are the config's plugins with govite's built-in plugins standing in for the npm ones
// they replace (react() from @vitejs/plugin-react).
func devPlugins(cfg *config.ResolvedConfig) []*config.Plugin {
	var out []*config.Plugin
	for _, p := range cfg.Plugins {
		if p.Builtin == "react" {
			rp := react.Plugin(p.Options)
			rp.Enforce = "pre"
			out = append(out, rp)
			continue
		}
		out = append(out, p)
	}
	return config.SortPlugins(out)
}

// environmentOptions lists the environments to create, in config order: "client" and "ssr" always,
// and every environment the config names. An environment with a dev.createEnvironment gets what it
// returns.
func (s *Server) environmentOptions() ([]envOptions, error) {
	cfg := s.Config
	names := cfg.EnvironmentOrder
	if len(names) == 0 {
		names = []string{"client", "ssr"}
	}
	var out []envOptions
	for _, name := range names {
		o := envOptions{name: name, consumer: "server"}
		if name == "client" {
			o.consumer = "client"
		}
		if ro := cfg.Environments[name]; ro != nil {
			o.resolved = ro
			o.consumer = ro.Consumer
			o.runner = ro.Dev.Runner
			o.warmup = ro.Dev.Warmup
			// Vite's default server conditions (Node's) do not suit the embedded engine: unless
			// the user wrote others, the engine's own defaults apply (defaultConditions).
			if !slices.Equal(ro.Resolve.Conditions, config.DefaultServerConditions) || o.runner == RunnerNode || o.consumer == "client" {
				o.conditions = config.ExpandConditions(ro.Resolve.Conditions, cfg.IsProduction)
			}
			if create := ro.Dev.CreateEnvironment; create != nil {
				v, err := create(name, cfg)
				if err != nil {
					return nil, fmt.Errorf("environments.%s.dev.createEnvironment: %w", name, err)
				}
				switch x := v.(type) {
				case *DevEnvironmentContext:
					o.devCtx = x
					if x.Runner != "" {
						o.runner = x.Runner
					}
				case *config.JSEnvironment:
					if x.Kind == "runnable" {
						break // createRunnableDevEnvironment: govite's default runnable environment
					}
					return nil, fmt.Errorf("environments.%s.dev.createEnvironment returned a JavaScript environment (%s): govite cannot run Vite's environment classes; use dev.runner (\"engine\" or \"node\"), or a Go environment provider such as govite.FetchableEnvironment", name, cmp.Or(x.Kind, "custom"))
				default:
					return nil, fmt.Errorf("environments.%s.dev.createEnvironment returned %T; it must return a *govite.DevEnvironmentContext", name, v)
				}
			}
		} else if name == "client" {
			o.conditions = cfg.Resolve.Conditions
		}
		out = append(out, o)
	}
	return out, nil
}

// startOptimizer starts pre-bundling env's dependencies in the background. The client's go to
// cacheDir/deps; a server environment on the embedded engine gets its own deps_<name>, bundled with
// its conditions, because the engine cannot load packages from node_modules the way Node does.
func (s *Server) startOptimizer(ctx context.Context, env *DevEnvironment, force bool) error {
	cfg := s.Config
	entries := s.optimizerEntries
	if env.Consumer != "client" {
		entries = s.serverOptimizerEntries
	}
	define := map[string]string{}
	for k, v := range cfg.Esbuild.Define {
		define[k] = v
	}
	opt := cfg.OptimizeDeps
	depsDir := "deps"
	conditions := cfg.Resolve.Conditions // nil: the optimizer's browser defaults for the mode
	if env.Consumer != "client" {
		conditions = env.conditions
		// Server environments do not inherit the top-level optimizeDeps.
		opt = config.OptimizeDeps{}
		if env.resolvedOptions != nil {
			opt = env.resolvedOptions.OptimizeDeps
		}
		// Node imports dependencies itself, so a Node runner's environment bundles only those it
		// includes (Vite's default for server environments); the engine cannot, so it discovers them.
		opt.NoDiscovery = env.RunnerType == RunnerNode
		depsDir = "deps_" + env.Name
	}
	o := optimizer.New(optimizer.Options{
		Root: cfg.Root, CacheDir: cfg.CacheDir, DepsDirName: depsDir, EntriesFunc: entries,
		Include: opt.Include, Exclude: opt.Exclude, NoDiscovery: opt.NoDiscovery,
		Force: force || opt.Force, Mode: cfg.Mode, Define: define,
		Alias: cfg.Resolve.Alias, Conditions: conditions, MainFields: cfg.Resolve.MainFields, Extensions: cfg.Resolve.Extensions,
		PreserveSymlinks: cfg.Resolve.PreserveSymlinks, TsconfigPaths: cfg.Resolve.TsconfigPaths, JSX: cfg.Esbuild.JSX, JSXImportSource: cfg.Esbuild.JSXImportSource,
		// The scan asks the plugins first, so virtual modules and aliases of plugins are followed.
		ResolveID: func(id, importer string) (string, bool) {
			r, err := env.PluginContainer.ResolveID(id, importer, config.ResolveIDOptions{Kind: "import-statement", IsEntry: importer == ""})
			if err != nil || r == nil || r.External {
				return "", false
			}
			return r.ID, true
		},
		Logger: s.logger,
	})
	o.OnRebundle = func() {
		env.ModuleGraph.invalidateAll()
		env.Hot.SendPayload(map[string]any{"type": "full-reload", "path": "*"})
	}
	// The server listens while the dependencies are scanned and bundled (as Vite does); a request that
	// needs them waits for optReady.
	env.optimizer = o
	env.optReady = make(chan struct{})
	initCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	prev := s.optCancel
	s.optCancel = func() {
		if prev != nil {
			prev()
		}
		cancel()
	}
	env.optRun = func() {
		go func() {
			defer close(env.optReady)
			if err := o.Init(initCtx); err != nil && initCtx.Err() == nil {
				s.logger.Error("dependency pre-bundling failed for the " + env.Name + " environment; dependencies are served unbundled: " + err.Error())
				env.optErr = err
			}
		}()
	}
	// The client's scan starts now: the first page asks for its entry within milliseconds. A server
	// environment scans every script of the project, which an app that never runs server code should
	// not pay for, so its scan starts with the environment's first request.
	if env.Consumer == "client" {
		env.startOptimizer()
	}
	return nil
}

// serverOptimizerEntries are the files a server environment's dependency scan starts from: its
// entries are not in any HTML file, so every script of the project (outside node_modules, outDir and
// the cache) is scanned.
func (s *Server) serverOptimizerEntries() ([]string, error) {
	cfg := s.Config
	matches, err := globFiles(cfg.Root, filepath.Join(cfg.Root, "**/*.{js,jsx,ts,tsx,mjs,mts}"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range matches {
		if isInNodeModules(m) || strings.HasPrefix(m, cfg.Build.OutDir+string(filepath.Separator)) ||
			strings.HasPrefix(m, cfg.CacheDir+string(filepath.Separator)) || strings.HasSuffix(m, ".d.ts") ||
			isToolConfig(cfg, m) {
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// isToolConfig reports the files that configure tools rather than belong to the app: the config file
// and what it imports, and other *.config.* files (vitest, tailwind, postcss, ...). Their imports
// (@vitejs/plugin-react, say) are Node tools, not dependencies of the server code.
func isToolConfig(cfg *config.ResolvedConfig, file string) bool {
	if file == cfg.ConfigFile || slices.Contains(cfg.ConfigFileDependencies, file) {
		return true
	}
	name := filepath.Base(file)
	return strings.Contains(strings.TrimSuffix(name, filepath.Ext(name)), ".config")
}

// optimizerEntries are the files the dependency scan starts from: optimizeDeps.entries, else every
// HTML file of the project (outside node_modules and outDir), else the build input.
func (s *Server) optimizerEntries() ([]string, error) {
	cfg := s.Config
	var out []string
	if len(cfg.OptimizeDeps.Entries) > 0 {
		for _, pat := range cfg.OptimizeDeps.Entries {
			matches, err := globFiles(cfg.Root, filepath.Join(cfg.Root, pat))
			if err != nil {
				return nil, fmt.Errorf("optimizeDeps.entries: %w", err)
			}
			out = append(out, matches...)
		}
		return out, nil
	}
	for _, in := range cfg.Build.Input {
		out = append(out, in.Path)
	}
	if len(out) > 0 {
		return out, nil
	}
	matches, err := globFiles(cfg.Root, filepath.Join(cfg.Root, "**/*.html"))
	if err != nil {
		return nil, err
	}
	for _, m := range matches {
		if !strings.HasPrefix(m, cfg.Build.OutDir+string(filepath.Separator)) {
			out = append(out, m)
		}
	}
	return out, nil
}

func (s *Server) warmup(ctx context.Context) {
	for _, name := range s.sortedEnvNames() {
		env := s.Environments[name]
		for _, pat := range env.warmupGlobs {
			files, err := globFiles(s.Config.Root, filepath.Join(s.Config.Root, pat))
			if err != nil {
				s.logger.Warn("environments." + name + ".dev.warmup: " + err.Error())
				continue
			}
			for _, f := range files {
				if strings.HasSuffix(f, ".html") {
					continue
				}
				env.WarmupRequest(ctx, env.urlFromID(f))
			}
		}
	}
}

func newToken() string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ServeHTTP serves a request: modules, HTML, public and static files, the client and the WebSocket.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Listen listens on server.host and server.port (the next free port unless server.strictPort) and
// serves in the background until Close. It fills ResolvedURLs.
func (s *Server) Listen(ctx context.Context) error {
	cfg := s.Config.Server
	tlsCfg, tlsErr := TLSConfig(cfg.HTTPS, "server.https")
	if tlsErr != nil {
		return tlsErr
	}
	port := cfg.Port
	var ln net.Listener
	var err error
	for attempt := 0; attempt < 100; attempt++ {
		ln, err = net.Listen("tcp", net.JoinHostPort(listenHost(cfg.Host), strconv.Itoa(port)))
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("listening on %s:%d: %w", cfg.Host, port, err)
		}
		if cfg.StrictPort {
			return fmt.Errorf("port %d is already in use (server.strictPort is set)", port)
		}
		s.logger.Info(fmt.Sprintf("Port %d is in use, trying another one...", port))
		port++
	}
	if err != nil {
		return err
	}
	s.listener = ln
	s.ResolvedURLs = resolveURLs(cfg.Host, ln.Addr().(*net.TCPAddr).Port, s.Config.Base)
	if tlsCfg != nil {
		s.ResolvedURLs = s.ResolvedURLs.withScheme("https")
	}
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	if f := s.Config.Server.HotFile; f != "" {
		origin := strings.TrimSuffix(s.origin, "/")
		if origin == "" {
			origin = fmt.Sprintf("%s://localhost:%d", scheme(tlsCfg), ln.Addr().(*net.TCPAddr).Port)
		}
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err == nil {
			err = os.WriteFile(f, []byte(origin+strings.TrimSuffix(s.Config.Base, "/")+"\n"), 0o644)
		}
		if err != nil {
			s.logger.Warn("server.hotFile: " + err.Error())
		}
	}
	go func() {
		if err := serveOn(s.httpSrv, ln, tlsCfg); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("dev server stopped: " + err.Error())
		}
	}()
	if err := s.listenHMRPort(tlsCfg); err != nil {
		s.logger.Error(err.Error()) // as in Vite, the dev server keeps running without the HMR socket
	}
	return nil
}

// Port is the port the server listens on (0 before Listen).
func (s *Server) Port() int {
	if s.listener == nil {
		return 0
	}
	return s.listener.Addr().(*net.TCPAddr).Port
}

func listenHost(h string) string {
	switch h {
	case "", "localhost":
		return "localhost"
	case "0.0.0.0", "::":
		return ""
	}
	return h
}

func resolveURLs(host string, port int, base string) ResolvedURLs {
	var u ResolvedURLs
	p := strconv.Itoa(port)
	if host == "" || host == "localhost" || host == "127.0.0.1" || host == "::1" {
		u.Local = []string{"http://localhost:" + p + base}
		return u
	}
	if host != "0.0.0.0" && host != "::" {
		u.Network = []string{"http://" + net.JoinHostPort(host, p) + base}
		return u
	}
	u.Local = []string{"http://localhost:" + p + base}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.To4() == nil || ipn.IP.IsLoopback() {
			continue
		}
		u.Network = append(u.Network, "http://"+net.JoinHostPort(ipn.IP.String(), p)+base)
	}
	return u
}

// Close stops listening, closes the WebSocket clients, the watcher and the environments.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	var errs []error
	if s.httpSrv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s.closeHot()
		errs = append(errs, s.httpSrv.Shutdown(ctx))
	} else {
		s.closeHot()
	}
	errs = append(errs, s.closeHMRPort())
	if s.watcher != nil {
		errs = append(errs, s.watcher.close())
	}
	if f := s.Config.Server.HotFile; f != "" && s.listener != nil {
		os.Remove(f)
	}
	if s.optCancel != nil {
		s.optCancel()
	}
	for _, env := range s.Environments {
		if env.optReady != nil {
			// A scan that never started has nothing to wait for; a running one stops at the cancel,
			// and nothing writes to the cache after Close.
			env.optOnce.Do(func() { close(env.optReady) })
			<-env.optReady
		}
		if env.optimizer != nil {
			env.optimizer.Close()
		}
		_ = env.PluginContainer.BuildEnd(nil)
		env.close()
	}
	errs = append(errs, s.cssProc.Close())
	return errors.Join(errs...)
}

// Reload tells every open page to reload (a Go template changed, say).
func (s *Server) Reload() {
	s.client().Hot.SendPayload(map[string]any{"type": "full-reload", "path": "*"})
}

// client is the client environment.
func (s *Server) client() *DevEnvironment { return s.Environments["client"] }

// closeHot disconnects every environment's clients.
func (s *Server) closeHot() {
	for _, env := range s.Environments {
		env.hot.close()
	}
}

// Token is the WebSocket token pages must present (it is baked into /@vite/client).
func (s *Server) Token() string { return s.token }

// checkFS applies server.fs to a file about to be served.
func (s *Server) checkFS(file string) error {
	if err := s.fs.Check(file); err != nil {
		return &httpError{403, err.Error()}
	}
	return nil
}

// publicFile returns the file in publicDir served at the URL path p, or "".
func (s *Server) publicFile(p string) string {
	if s.Config.PublicDir == "" {
		return ""
	}
	f := filepath.Join(s.Config.PublicDir, filepath.FromSlash(p))
	if !strings.HasPrefix(f, s.Config.PublicDir+string(filepath.Separator)) || !fileExists(f) {
		return ""
	}
	return f
}

// watchFile makes sure changes to a file outside the watched root are seen too.
func (s *Server) watchFile(file string) {
	if s.watcher != nil {
		s.watcher.ensure(file)
	}
}

// sortedEnvNames lists the environments client first.
func (s *Server) sortedEnvNames() []string {
	var names []string
	for n := range s.Environments {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if a == "client" {
			return -1
		}
		if b == "client" {
			return 1
		}
		return strings.Compare(a, b)
	})
	return names
}
