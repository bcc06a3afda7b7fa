package config

import (
	"strings"
	"testing"
)

// viteExports are the names Vite 8 (8.3.8) exports from "vite". A config or plugin that imports any of
// them must load: an ES module import of a name the shim lacks fails the whole config.
var viteExports = strings.Fields(`BuildEnvironment DevEnvironment Visitor build buildErrorMessage
createBuilder createFetchableDevEnvironment createFilter createIdResolver createLogger
createRunnableDevEnvironment createServer createServerHotChannel createServerModuleRunner
createServerModuleRunnerTransport defaultAllowedOrigins defaultClientConditions
defaultClientMainFields defaultExternalConditions defaultServerConditions defaultServerMainFields
defineConfig esbuildVersion esmExternalRequirePlugin fetchModule formatPostcssSourceMap isCSSRequest
isFetchableDevEnvironment isFileLoadingAllowed isFileServingAllowed isRunnableDevEnvironment
loadConfigFromFile loadEnv mergeAlias mergeConfig minify minifySync moduleRunnerTransform
normalizePath optimizeDeps parse parseAst parseAstAsync parseSync perEnvironmentPlugin
perEnvironmentState preprocessCSS preview resolveConfig resolveEnvPrefix rolldownVersion
rollupVersion runnerImport searchForWorkspaceRoot send sortUserPlugins transformWithEsbuild
transformWithOxc version withFilter`)

func TestViteShimHasViteExports(t *testing.T) {
	root := writeProject(t, map[string]string{"vite.config.ts": `
import { ` + strings.Join(viteExports, ", ") + ` } from 'vite'
const caught = (f) => { try { f(); return 'no error' } catch (e) { return e.message } }
const state = perEnvironmentState((env) => ({ env: env.name, n: 0 }))
const [pre, normal, post] = sortUserPlugins([{ name: 'a', enforce: 'post' }, [{ name: 'b' }, false, [{ name: 'c', enforce: 'pre' }]]])
export default defineConfig({
  define: {
    css: [isCSSRequest('/a.scss?direct'), isCSSRequest('/a.module.css'), isCSSRequest('/a.js'), isCSSRequest('/a.css.js')].join(),
    prefixes: resolveEnvPrefix({ envPrefix: ['APP_', 'VITE_'] }).join() + '|' + resolveEnvPrefix({}).join(),
    emptyPrefix: caught(() => resolveEnvPrefix({ envPrefix: '' })),
    sorted: [pre, normal, post].map((l) => l.map((p) => p.name).join('+')).join('/'),
    state: [state({ environment: { name: 'client' } }).n++, state({ environment: { name: 'client' } }).n, state({ environment: { name: 'ssr' } }).n, state({ environment: { name: 'ssr' } }).env].join(),
    alias: JSON.stringify(mergeAlias({ a: '/a' }, [{ find: 'b', replacement: '/b' }])),
    message: buildErrorMessage({ plugin: 'p', id: '/src/x.ts', loc: { line: 2, column: 5 }, frame: '1 | a\n2 | b', stack: 'Error: boom\n    at f (x.js:1:1)\nnoise' }, ['Internal server error: boom']),
    parseAst: caught(() => parseAst('1')),
    versions: [typeof rolldownVersion, typeof version].join(),
  },
})`})
	cfg, _ := load(t, root, buildEnv)
	eq(t, cfg.Define["css"], "true,true,false,false")
	eq(t, cfg.Define["prefixes"], "APP_,VITE_|VITE_")
	eq(t, cfg.Define["emptyPrefix"], "envPrefix option contains value '', which could lead unexpected exposure of sensitive information.")
	eq(t, cfg.Define["sorted"], "c/b/a")
	eq(t, cfg.Define["state"], "0,1,0,ssr")
	eq(t, cfg.Define["alias"], `[{"find":"b","replacement":"/b"},{"find":"a","replacement":"/a"}]`)
	eq(t, cfg.Define["message"], "Internal server error: boom\n  Plugin: p\n  File: /src/x.ts:2:5\n  1 | a\n  2 | b\n      at f (x.js:1:1)")
	eq(t, cfg.Define["parseAst"], "vite.parseAst() is not available in config files run by govite")
	eq(t, cfg.Define["versions"], "string,string")
}

// withFilter gives a plugin's hooks filters, as rolldown's (re-exported by Vite) does; with
// pluginNamePattern only the plugins named get them.
func TestViteShimWithFilter(t *testing.T) {
	root := writeProject(t, map[string]string{"vite.config.ts": `
import { withFilter } from 'vite'
const yaml = () => ({ name: 'yaml', transform(code, id) { return 'export default ' + JSON.stringify(code) } })
export default {
  plugins: [
    withFilter(yaml(), { transform: { id: /\.ya?ml$/ } }),
    withFilter(Promise.resolve([{ name: 'a', load() { return 'a' } }, { name: 'b', load: { handler() { return 'b' } } }]),
      [{ pluginNamePattern: [/^b$/], load: { id: /\.b$/ } }]),
  ],
}`})
	cfg, _ := load(t, root, buildEnv)
	ps := map[string]*Plugin{}
	for _, p := range cfg.Plugins {
		ps[p.Name] = p
	}
	pc := &PluginContext{Environment: &Environment{Name: "client"}}
	if r, err := ps["yaml"].Transform(pc, "k: v", "/src/a.yaml"); err != nil || r == nil || r.Code != `export default "k: v"` {
		t.Errorf("yaml transform of a.yaml: %+v, %v", r, err)
	}
	if r, err := ps["yaml"].Transform(pc, "k: v", "/src/a.js"); err != nil || r != nil {
		t.Errorf("filtered yaml transform ran on a.js: %+v, %v", r, err)
	}
	if r, err := ps["a"].Load(pc, "/src/x.js"); err != nil || r == nil || r.Code != "a" {
		t.Errorf("plugin a (not named by the pattern) lost its load: %+v, %v", r, err)
	}
	if r, err := ps["b"].Load(pc, "/src/x.js"); err != nil || r != nil {
		t.Errorf("filtered load of b ran on x.js: %+v, %v", r, err)
	}
	if r, err := ps["b"].Load(pc, "/src/x.b"); err != nil || r == nil || r.Code != "b" {
		t.Errorf("load of b on x.b: %+v, %v", r, err)
	}
}
