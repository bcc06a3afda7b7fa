package css

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/evanw/esbuild/pkg/api"
)

// compileForNode bundles a config file (the Vite config, a TypeScript PostCSS config) into an ES
// module Node can import, as Vite does for its config: the file's own imports are bundled, packages
// stay imports that Node resolves from the config's folder, TypeScript is compiled. The module is
// written next to the file (so that import.meta.url and relative paths keep working) under a name
// no one else uses; the caller removes it once Node has imported it.
func compileForNode(file string) (string, error) {
	dir := filepath.Dir(file)
	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	out := file + ".timestamp-" + strconv.FormatInt(time.Now().UnixMilli(), 10) + "-" + hex.EncodeToString(suffix[:]) + ".mjs"
	res := api.Build(api.BuildOptions{
		EntryPoints:   []string{file},
		AbsWorkingDir: dir,
		Outfile:       out,
		Bundle:        true,
		Write:         false,
		Platform:      api.PlatformNode,
		Format:        api.FormatESModule,
		Target:        api.ESNext,
		Packages:      api.PackagesExternal,
		LogLevel:      api.LogLevelSilent,
		// A CommonJS config (require, __dirname) runs as an ES module: give it what Node gives
		// CommonJS, under names of govite's own (a config may declare `require` itself; esbuild
		// renames that one).
		Banner: map[string]string{"js": "import { createRequire as __govite_createRequire } from 'node:module';\n" +
			"var __govite_require = __govite_createRequire(import.meta.url);\n" +
			"var __govite_filename = " + strconv.Quote(file) + ";\n" +
			"var __govite_dirname = " + strconv.Quote(dir) + ";"},
		Define:  map[string]string{"require": "__govite_require", "__filename": "__govite_filename", "__dirname": "__govite_dirname"},
		Plugins: []api.Plugin{viteShimPlugin(dir)},
	})
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return "", fmt.Errorf("compiling it for Node failed:\n%s", strings.Join(msgs, ""))
	}
	for _, f := range res.OutputFiles {
		if strings.HasSuffix(f.Path, ".mjs") {
			if err := os.WriteFile(out, f.Contents, 0o644); err != nil {
				return "", err
			}
			return out, nil
		}
	}
	return "", fmt.Errorf("compiling %s for Node gave no output", file)
}

// viteShimPlugin stands in for the packages a Vite config imports that govite provides itself when
// the project has not installed them (govite runs configs whether or not `vite` is installed): the
// config only needs them to be importable to give its CSS options.
func viteShimPlugin(dir string) api.Plugin {
	return api.Plugin{Name: "govite:config-shims", Setup: func(pb api.PluginBuild) {
		pb.OnResolve(api.OnResolveOptions{Filter: `^(vite|@vitejs/plugin-react|@vitejs/plugin-react-swc)$`}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			if installed(args.Path, dir) {
				return api.OnResolveResult{Path: args.Path, External: true}, nil
			}
			return api.OnResolveResult{Path: args.Path, Namespace: "govite-config-shim"}, nil
		})
		pb.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: "govite-config-shim"}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			src := viteShim
			if args.Path != "vite" {
				src = "export default function react() { return { name: 'vite:react' } }\n"
			}
			return api.OnLoadResult{Contents: &src, Loader: api.LoaderJS}, nil
		})
	}}
}

// installed reports whether the package name can be found in a node_modules folder from dir up.
func installed(name, dir string) bool {
	for {
		if st, err := os.Stat(filepath.Join(dir, "node_modules", filepath.FromSlash(name), "package.json")); err == nil && !st.IsDir() {
			return true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}

// viteShim is `vite` for a config evaluated only for its CSS options: the helpers configs call.
const viteShim = `export const version = '8.0.0';
export function defineConfig(config) { return config; }
export const defineProject = defineConfig;
export function loadEnv() { return {}; }
export function normalizePath(p) { return p.replace(/\\/g, '/'); }
function isObject(v) { return Object.prototype.toString.call(v) === '[object Object]'; }
export function mergeConfig(a, b) {
  const out = { ...a };
  for (const k in b) {
    if (b[k] == null) continue;
    if (Array.isArray(out[k]) || Array.isArray(b[k])) out[k] = [...[out[k] ?? []].flat(), ...[b[k]].flat()];
    else if (isObject(out[k]) && isObject(b[k])) out[k] = mergeConfig(out[k], b[k]);
    else out[k] = b[k];
  }
  return out;
}
export function searchForWorkspaceRoot(root) { return root; }
`
