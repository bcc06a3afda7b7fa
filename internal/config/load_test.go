package config

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var buildEnv = ConfigEnv{Command: "build", Mode: "production"}

func load(t *testing.T, root string, env ConfigEnv) (*UserConfig, *Loaded) {
	t.Helper()
	cfg, loaded, err := LoadConfigFile(context.Background(), root, "", env)
	if err != nil {
		t.Fatal(err)
	}
	if cfg == nil {
		t.Fatal("no config loaded")
	}
	return cfg, loaded
}

func TestFindConfigFileOrder(t *testing.T) {
	tests := []struct {
		files []string
		want  string
	}{
		{[]string{"vite.config.ts", "vite.config.js"}, "vite.config.js"},
		{[]string{"vite.config.ts", "vite.config.mjs"}, "vite.config.mjs"},
		{[]string{"vite.config.cjs", "vite.config.ts"}, "vite.config.ts"},
		{[]string{"vite.config.cts", "vite.config.mts", "vite.config.cjs"}, "vite.config.cjs"},
		{[]string{"vite.config.cts", "vite.config.mts"}, "vite.config.mts"},
		{[]string{"vite.config.cts"}, "vite.config.cts"},
		{[]string{"other.js"}, ""},
	}
	for _, tt := range tests {
		files := map[string]string{}
		for _, f := range tt.files {
			files[f] = "export default {}"
		}
		root := writeProject(t, files)
		got := FindConfigFile(root)
		if tt.want == "" {
			if got != "" {
				t.Errorf("%v: got %s, want none", tt.files, got)
			}
			continue
		}
		if got != filepath.Join(root, tt.want) {
			t.Errorf("%v: got %s, want %s", tt.files, got, tt.want)
		}
	}
}

func TestLoadConfigFileForms(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		env   ConfigEnv
		check func(t *testing.T, cfg *UserConfig)
	}{
		{
			name: "typescript with defineConfig",
			files: map[string]string{"vite.config.ts": `
import { defineConfig } from 'vite'
interface Opts { dir: string }
const o: Opts = { dir: 'out' }
export default defineConfig({ build: { outDir: o.dir } })`},
			check: func(t *testing.T, cfg *UserConfig) { eq(t, cfg.Build.OutDir, "out") },
		},
		{
			name: "commonjs with require",
			files: map[string]string{"vite.config.cjs": `
const { defineConfig } = require('vite')
const path = require('path')
module.exports = defineConfig({ base: '/x/', root: path.join('a', 'b') })`},
			check: func(t *testing.T, cfg *UserConfig) {
				eq(t, cfg.Base, "/x/")
				eq(t, cfg.Root, "a/b")
			},
		},
		{
			name: "require.resolve in commonjs is answered by the bundler",
			files: map[string]string{
				"node_modules/dep/package.json": `{"name":"dep","exports":{".":{"require":"./c.js","import":"./m.js"}}}`,
				"node_modules/dep/c.js":         ``,
				"vite.config.cjs":               "module.exports = { define: { dep: require.resolve('dep'), path: require.resolve('node:path') } }",
			},
			check: func(t *testing.T, cfg *UserConfig) {
				if d, _ := cfg.Define["dep"].(string); !strings.HasSuffix(d, filepath.Join("node_modules", "dep", "c.js")) {
					t.Errorf("require.resolve('dep') = %q", d)
				}
				eq(t, cfg.Define["path"], "node:path")
			},
		},
		{
			name: "modern syntax is lowered for the engine",
			files: map[string]string{"vite.config.ts": `
class Counter { #n = 0; static make = () => new Counter(); inc() { return ++this.#n } }
async function* gen() { yield 1; yield 2 }
export default async () => {
  const parts: number[] = []
  for await (const v of gen()) parts.push(v)
  const o = { a: { b: null as null | { c: number } } }
  const c = Counter.make(); c.inc()
  const { a, ...rest } = { a: 1, x: 2 }
  return { define: { parts, chained: o.a.b?.c ?? 'none', count: c.inc(), rest, big: String(2n ** 64n) } }
}`},
			check: func(t *testing.T, cfg *UserConfig) {
				want := map[string]any{"parts": []any{float64(1), float64(2)}, "chained": "none", "count": float64(2), "rest": map[string]any{"x": float64(2)}, "big": "18446744073709551616"}
				eqv(t, cfg.Define, want)
			},
		},
		{
			name: "function form receives the env",
			files: map[string]string{"vite.config.mjs": `
export default ({ command, mode, isSsrBuild, isPreview }) => ({
  define: { command, mode, isSsrBuild, isPreview },
})`},
			env: ConfigEnv{Command: "serve", Mode: "staging", IsSsrBuild: true},
			check: func(t *testing.T, cfg *UserConfig) {
				want := map[string]any{"command": "serve", "mode": "staging", "isSsrBuild": true, "isPreview": false}
				if !reflect.DeepEqual(cfg.Define, want) {
					t.Errorf("define = %v, want %v", cfg.Define, want)
				}
			},
		},
		{
			name: "async function and a promise",
			files: map[string]string{"vite.config.js": `
import { defineConfig } from 'vite'
const delay = (ms, v) => new Promise((r) => setTimeout(() => r(v), ms))
export default defineConfig(async () => {
  const dir = await delay(5, 'later')
  return { build: { outDir: dir } }
})`},
			check: func(t *testing.T, cfg *UserConfig) { eq(t, cfg.Build.OutDir, "later") },
		},
		{
			name:  "a promise as the export",
			files: map[string]string{"vite.config.mjs": `export default Promise.resolve({ base: '/p/' })`},
			check: func(t *testing.T, cfg *UserConfig) { eq(t, cfg.Base, "/p/") },
		},
		{
			name: "vite shim even when vite is installed",
			files: map[string]string{
				"node_modules/vite/package.json": `{"name":"vite","main":"index.js"}`,
				"node_modules/vite/index.js":     `throw new Error('the real vite must not be loaded')`,
				"vite.config.ts": `
import { defineConfig, mergeConfig, normalizePath, searchForWorkspaceRoot, version } from 'vite'
import type { UserConfig } from 'vite'
const base: UserConfig = { build: { outDir: 'a' }, resolve: { dedupe: ['x'] } }
export default defineConfig(mergeConfig(base, {
  build: { assetsDir: 'static' },
  resolve: { dedupe: ['y'] },
  define: { norm: normalizePath('a\\b//c/../d'), ws: searchForWorkspaceRoot('/r'), v: version },
}))`,
			},
			check: func(t *testing.T, cfg *UserConfig) {
				eq(t, cfg.Build.OutDir, "a")
				eq(t, cfg.Build.AssetsDir, "static")
				eqv(t, cfg.Resolve.Dedupe, []string{"x", "y"})
				eq(t, cfg.Define["norm"], "a/b/d")
				eq(t, cfg.Define["ws"], "/r")
				eq(t, cfg.Define["v"], "8.0.0")
			},
		},
		{
			name: "vitest/config defineConfig",
			files: map[string]string{"vite.config.ts": `
import { defineConfig } from 'vitest/config'
export default defineConfig({ base: '/t/' })`},
			check: func(t *testing.T, cfg *UserConfig) { eq(t, cfg.Base, "/t/") },
		},
		{
			name: "packages from node_modules are bundled",
			files: map[string]string{
				"node_modules/helper/package.json": `{"name":"helper","exports":{"import":"./esm.mjs","require":"./cjs.js"}}`,
				"node_modules/helper/esm.mjs":      `export const outDir = 'from-esm'`,
				"node_modules/helper/cjs.js":       `exports.outDir = 'from-cjs'`,
				"node_modules/cjsonly/index.js":    `module.exports = function () { return { assetsDir: 'cjs-assets', dir: __dirname } }`,
				"vite.config.ts": `
import { outDir } from 'helper'
import make from 'cjsonly'
const made = make()
export default { build: { outDir, assetsDir: made.assetsDir }, define: { dir: made.dir } }`,
			},
			check: func(t *testing.T, cfg *UserConfig) {
				eq(t, cfg.Build.OutDir, "from-esm")
				eq(t, cfg.Build.AssetsDir, "cjs-assets")
				if d, _ := cfg.Define["dir"].(string); !strings.HasSuffix(d, filepath.Join("node_modules", "cjsonly")) {
					t.Errorf("__dirname in a package = %q", d)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeProject(t, tt.files)
			env := tt.env
			if env.Command == "" {
				env = buildEnv
			}
			cfg, _ := load(t, root, env)
			tt.check(t, cfg)
		})
	}
}

func TestLoadConfigFileScopeValues(t *testing.T) {
	root := writeProject(t, map[string]string{
		"config/paths.ts": `
export const here = { dirname: __dirname, filename: __filename, url: import.meta.url,
  metaDirname: import.meta.dirname, metaFilename: import.meta.filename }`,
		"vite.config.mts": `
import { fileURLToPath, URL } from 'node:url'
import path from 'node:path'
import { here } from './config/paths'
const __dirname = path.dirname(fileURLToPath(import.meta.url)) // a config's own __dirname wins
export default {
  define: { here, own: __dirname, src: fileURLToPath(new URL('./src', import.meta.url)), url: import.meta.url },
}`,
	})
	cfg, loaded := load(t, root, buildEnv)
	here := cfg.Define["here"].(map[string]any)
	sub := filepath.Join(root, "config")
	eq(t, here["dirname"], sub)
	eq(t, here["filename"], filepath.Join(sub, "paths.ts"))
	eq(t, here["metaDirname"], sub)
	eq(t, here["metaFilename"], filepath.Join(sub, "paths.ts"))
	eq(t, here["url"], "file://"+filepath.ToSlash(filepath.Join(sub, "paths.ts")))
	eq(t, cfg.Define["own"], root)
	eq(t, cfg.Define["src"], filepath.Join(root, "src"))
	eq(t, cfg.Define["url"], "file://"+filepath.ToSlash(filepath.Join(root, "vite.config.mts")))
	eqv(t, loaded.Dependencies, []string{filepath.Join(root, "config", "paths.ts"), filepath.Join(root, "vite.config.mts")})
}

func TestLoadConfigFileNodeShims(t *testing.T) {
	root := writeProject(t, map[string]string{
		"data.json":                     `{"name":"app"}`,
		"dir/a.txt":                     "A",
		"dir/sub/b.txt":                 "B",
		".env":                          "VITE_FROM_FILE=1\nPLAIN=2",
		".env.staging":                  "VITE_STAGE=s",
		"package.json":                  `{"name":"pkg","version":"1.2.3"}`,
		"node_modules/dep/package.json": `{"name":"dep","main":"lib/main.js"}`,
		"node_modules/dep/lib/main.js":  `module.exports = 1`,
		"vite.config.js": `
import fs, { readFileSync, existsSync, readdirSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'path'
import process from 'node:process'
import { createRequire } from 'node:module'
import os from 'node:os'
import { EventEmitter } from 'node:events'
import { promisify, format } from 'node:util'
import { createHash } from 'node:crypto'
import { loadEnv } from 'vite'
import pkg from './package.json'

const require = createRequire(import.meta.url)
const env = loadEnv('staging', __dirname, '')
const viteOnly = loadEnv('staging', __dirname)
export default async () => {
  const ee = new EventEmitter(); let got = 0; ee.on('x', (v) => { got = v }); ee.emit('x', 7)
  const p = promisify((a, cb) => cb(null, a * 2))
  return {
    define: {
      json: JSON.parse(readFileSync(path.join(__dirname, 'data.json'), 'utf-8')).name,
      asyncRead: await readFile(new URL('./dir/a.txt', import.meta.url), 'utf8'),
      exists: existsSync(path.resolve(__dirname, 'dir/a.txt')) && !existsSync('/nope/nope'),
      dir: readdirSync(path.join(__dirname, 'dir')).sort(),
      types: readdirSync(path.join(__dirname, 'dir'), { withFileTypes: true }).map((d) => d.name + ':' + d.isDirectory()).sort(),
      isDir: statSync(path.join(__dirname, 'dir')).isDirectory(),
      enoent: (() => { try { readFileSync('/definitely/missing') } catch (e) { return e.code } })(),
      cwd: process.cwd() === globalThis.process.cwd(),
      home: typeof process.env.GOVITE_TEST_VAR,
      testVar: process.env.GOVITE_TEST_VAR,
      platform: process.platform,
      requiredPath: require('node:path').basename('/a/b.c'),
      osEOL: os.EOL,
      emitted: got,
      promisified: await p(21),
      formatted: format('%s-%d', 'a', 3),
      hash: createHash('sha256').update('abc').digest('hex').slice(0, 8),
      pkgVersion: pkg.version,
      envAll: [env.VITE_FROM_FILE, env.PLAIN, env.VITE_STAGE],
      envViteOnly: Object.keys(viteOnly).filter((k) => !k.startsWith('VITE_GOVITE')).includes('PLAIN'),
      relative: path.relative('/a/b/c', '/a/d'),
      parsed: path.parse('/x/y/file.tar.gz').name,
      resolvedDep: require.resolve('dep'),
      nodeEnv: process.env.NODE_ENV,
    },
  }
}`,
	})
	t.Setenv("GOVITE_TEST_VAR", "yes")
	t.Setenv("NODE_ENV", "")
	cfg, _ := load(t, root, buildEnv)
	want := map[string]any{
		"json": "app", "asyncRead": "A", "exists": true, "dir": []any{"a.txt", "sub"},
		"types": []any{"a.txt:false", "sub:true"}, "isDir": true, "enoent": "ENOENT", "cwd": true,
		"home": "string", "testVar": "yes", "platform": "linux", "requiredPath": "b.c", "osEOL": "\n",
		"emitted": float64(7), "promisified": float64(42), "formatted": "a-3", "hash": "ba7816bf",
		"pkgVersion": "1.2.3", "envAll": []any{"1", "2", "s"}, "envViteOnly": false,
		"relative": "../../d", "parsed": "file.tar",
		"resolvedDep": filepath.Join(root, "node_modules", "dep", "lib", "main.js"), "nodeEnv": "production",
	}
	for k, v := range want {
		if !reflect.DeepEqual(cfg.Define[k], v) {
			t.Errorf("define.%s = %#v, want %#v", k, cfg.Define[k], v)
		}
	}
}

func TestLoadConfigFilePlugins(t *testing.T) {
	root := writeProject(t, map[string]string{
		"vite.config.ts": `
import react from '@vitejs/plugin-react'
import swc from '@vitejs/plugin-react-swc'
const later = (name) => Promise.resolve({ name })
export default {
  plugins: [
    react({ jsxImportSource: '@emotion/react', include: /\.mdx$/ }),
    false,
    null,
    undefined,
    [later('async-one'), [[{ name: 'nested', enforce: 'pre' }]], process.env.NOPE && { name: 'dropped' }],
    swc(),
    { name: 'served', apply: 'serve' },
    { name: 'hooks', configurePreviewServer() {}, generateBundle() {}, transfrom() {}, transform: { order: 'post', handler() {} } },
  ],
}`,
	})
	cfg, loaded := load(t, root, buildEnv)
	var names []string
	for _, p := range cfg.Plugins {
		names = append(names, p.Name)
	}
	eqv(t, names, []string{"vite:react", "async-one", "nested", "vite:react", "served", "hooks"})
	r := cfg.Plugins[0]
	eq(t, r.Builtin, "react")
	eq(t, r.Options["jsxImportSource"], "@emotion/react")
	if re, ok := r.Options["include"].(*RegExp); !ok || re.Source != `\.mdx$` {
		t.Errorf("include option = %#v", r.Options["include"])
	}
	eq(t, cfg.Plugins[3].Builtin, "react")
	eq(t, cfg.Plugins[2].Enforce, "pre")
	eq(t, cfg.Plugins[4].Apply, "serve")
	eq(t, cfg.Plugins[5].HookOrder["transform"], "post")
	for _, w := range []string{
		`plugin "hooks": hook generateBundle is not supported by govite yet; it is ignored`,
		`plugin "hooks": hook configurePreviewServer is not supported by govite yet; it is ignored`,
		`plugin "hooks": transfrom is not a hook govite knows; it is ignored`,
	} {
		if !slices.Contains(loaded.Warnings, w) {
			t.Errorf("missing warning %q in %q", w, loaded.Warnings)
		}
	}
}

func TestLoadConfigFileErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error
	}{
		{
			name: "throw maps to the original line and column",
			files: map[string]string{"vite.config.ts": `import { defineConfig } from 'vite'
type T = { a: string }
const t: T = { a: 'x' }

export default defineConfig(() => {
  if (t.a === 'x') throw new Error('boom from config')
  return {}
})`},
			want: []string{"failed to load config from", "vite.config.ts:6:", "Error: boom from config"},
		},
		{
			name: "rejection in an async config",
			files: map[string]string{"vite.config.mts": `
export default async () => {
  await null
  throw new TypeError('async boom')
}`},
			want: []string{"vite.config.mts:4:", "TypeError: async boom"},
		},
		{
			name: "error thrown in an imported file names that file",
			files: map[string]string{
				"lib/check.ts":   "export function check(): never {\n  throw new Error('bad check')\n}",
				"vite.config.ts": "import { check } from './lib/check'\ncheck()\nexport default {}",
			},
			want: []string{filepath.Join("lib", "check.ts") + ":2:", "bad check"},
		},
		{
			name:  "reference error at top level",
			files: map[string]string{"vite.config.js": "\n\nexport default { base: notDefined }"},
			want:  []string{"vite.config.js:3:", "ReferenceError", "notDefined"},
		},
		{
			name:  "getter that throws while the config is read",
			files: map[string]string{"vite.config.js": "export default {\n  get base() { throw new Error('getter') },\n}"},
			want:  []string{"vite.config.js:2:", "Error: getter"},
		},
		{
			name:  "syntax error",
			files: map[string]string{"vite.config.ts": "export default {\n  base: '/',,\n}"},
			want:  []string{"bundling the config failed", "vite.config.ts:2:"},
		},
		{
			name:  "missing package",
			files: map[string]string{"vite.config.js": "import x from 'not-installed-pkg'\nexport default x"},
			want:  []string{`vite.config.js:1:15:`, `Could not resolve "not-installed-pkg"`, "npm install"},
		},
		{
			name:  "missing export of the vite shim",
			files: map[string]string{"vite.config.js": "import { noSuchThing } from 'vite'\nexport default noSuchThing()"},
			want:  []string{`vite.config.js:1:10:`, `"vite" does not provide "noSuchThing"`},
		},
		{
			name:  "not an object",
			files: map[string]string{"vite.config.js": "export default 42"},
			want:  []string{"config must export or return an object, got number"},
		},
		{
			name:  "no default export",
			files: map[string]string{"vite.config.mjs": "export const config = {}"},
			want:  []string{"no default export"},
		},
		{
			name:  "unavailable node module",
			files: map[string]string{"vite.config.js": "import cp from 'node:child_process'\ncp.execSync('ls')\nexport default {}"},
			want:  []string{"node:child_process.execSync is not available", "vite.config.js:2:"},
		},
		{
			name:  "wrong option type",
			files: map[string]string{"vite.config.js": "export default { build: { outDir: 5, minify: 'uglify' }, base: [] }"},
			want:  []string{"build.outDir: expected a string, got number", `build.minify: expected a boolean, 'esbuild', 'oxc' or 'terser', got "uglify"`, "base: expected a string, got array"},
		},
		{
			name:  "plugin factory not called",
			files: map[string]string{"vite.config.js": "import react from '@vitejs/plugin-react'\nexport default { plugins: [react] }"},
			want:  []string{"plugins[0]: expected a plugin object, got a function", "react()"},
		},
		{
			name:  "rejected plugin promise",
			files: map[string]string{"vite.config.js": "export default { plugins: [Promise.reject(new Error('no plugin'))] }"},
			want:  []string{"plugins[0]: the promise was rejected", "no plugin"},
		},
		{
			name:  "promise that never settles",
			files: map[string]string{"vite.config.js": "export default new Promise(() => {})"},
			want:  []string{"never settled"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeProject(t, tt.files)
			_, _, err := LoadConfigFile(context.Background(), root, "", buildEnv)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
			if !strings.Contains(err.Error(), root) {
				t.Errorf("error does not name the config file:\n%v", err)
			}
		})
	}
}

func TestLoadConfigFileExplicitPathAndMissing(t *testing.T) {
	root := writeProject(t, map[string]string{"configs/custom.ts": "export default { base: '/c/' }"})
	cfg, loaded, err := LoadConfigFile(context.Background(), root, filepath.Join(root, "configs/custom.ts"), buildEnv)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, cfg.Base, "/c/")
	eq(t, loaded.Path, filepath.Join(root, "configs", "custom.ts"))

	cfg, loaded, err = LoadConfigFile(context.Background(), root, "", buildEnv)
	if cfg != nil || loaded != nil || err != nil {
		t.Errorf("no config file: got %v %v %v", cfg, loaded, err)
	}
	_, _, err = LoadConfigFile(context.Background(), root, filepath.Join(root, "nope.ts"), buildEnv)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing explicit config: %v", err)
	}
}

func TestLoadConfigFileCancel(t *testing.T) {
	root := writeProject(t, map[string]string{"vite.config.js": "while (true) {}\nexport default {}"})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, _, err := LoadConfigFile(ctx, root, "", buildEnv)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a deadline error", err)
	}
}

func eq[T comparable](t *testing.T, got any, want T) {
	t.Helper()
	if g, ok := got.(T); !ok || g != want {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

func eqv(t *testing.T, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}
