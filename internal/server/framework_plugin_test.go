package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFrameworkPluginLikeSvelte: a framework plugin from a package, written the way
// vite-plugin-svelte is, works in the dev server:
//   - it imports the project's own config file at run time by URL, with a cache-busting query;
//   - it writes a cache file under node_modules/.vite (and may not write outside the project);
//   - it calls the resolved config's assetsInclude(file);
//   - it sets its hooks' filters in configResolved, and a filter that matches nothing turns a hook off;
//   - its transform compiles a file type govite has no loader for into JavaScript;
//   - it reads this.getCombinedSourcemap() there.
func TestFrameworkPluginLikeSvelte(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":                            `<script type="module" src="/src/main.js"></script>`,
		"package.json":                          `{"name":"app","private":true,"type":"module"}`,
		"src/main.js":                           "import App from './App.comp'\nconsole.log(App)\n",
		"src/App.comp":                          "<h1>hello</h1>\n",
		"comp.config.js":                        "import { suffix } from './comp.shared.js'\nexport default { suffix }\n",
		"comp.shared.js":                        "export const suffix = '!'\n",
		"node_modules/comp-plugin/package.json": `{"name":"comp-plugin","type":"module","exports":"./index.js"}`,
		"node_modules/comp-plugin/index.js": `
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
export default function comp() {
  const api = {}
  const disabled = { name: 'comp:disabled', transform: { handler() { throw new Error('a hook whose filter matches nothing ran') } },
    configResolved() { disabled.transform.filter = { id: /$./ } } }
  const compile = {
    name: 'comp:compile',
    async config(config) {
      const file = path.join(config.root, 'comp.config.js')
      api.options = (await import(pathToFileURL(file).href + '?t=' + Date.now())).default
    },
    async configResolved(config) {
      compile.transform.filter = { id: /\.comp$/ }
      const dir = path.join(config.cacheDir, 'comp')
      await fs.promises.mkdir(dir, { recursive: true })
      await fs.promises.writeFile(path.join(dir, 'meta.json'), JSON.stringify(api.options))
      try { fs.writeFileSync('/comp-outside.json', '{}'); api.outside = 'written' } catch (e) { api.outside = e.code }
      api.assets = [config.assetsInclude('a.png'), config.assetsInclude('a.comp')]
    },
    transform: {
      handler(code, id) {
        const map = this.getCombinedSourcemap()
        const meta = JSON.parse(fs.readFileSync(path.join(this.environment.config.cacheDir, 'comp', 'meta.json'), 'utf8'))
        return { code: 'export default ' + JSON.stringify({ html: code.trim() + meta.suffix, sources: map.sources, outside: api.outside, assets: api.assets }), moduleType: 'js' }
      },
    },
  }
  return [disabled, compile]
}
`,
		"vite.config.js": "import comp from 'comp-plugin'\nexport default { plugins: [comp()] }\n",
	})
	_, ts := serverFromConfigFile(t, root)
	status, body, _ := get(t, ts, "/src/App.comp?import")
	if status != 200 {
		t.Fatalf("App.comp: %d\n%s", status, body)
	}
	mustContain(t, "App.comp", body, `"html":"<h1>hello</h1>!"`, `"sources":["`+filepath.Join(root, "src/App.comp")+`"]`,
		`"outside":"EACCES"`, `"assets":[true,false]`)
	if _, err := os.Stat(filepath.Join(root, "node_modules/.vite/comp/meta.json")); err != nil {
		t.Errorf("the plugin's cache file: %v", err)
	}
	// Without a plugin that takes it, the file type is an error that says what to do.
	root2 := writeProject(t, map[string]string{"index.html": "", "src/App.comp": "<h1/>"})
	_, ts2 := newTestServer(t, root2, nil)
	if _, body, _ := get(t, ts2, "/src/App.comp?import"); !strings.Contains(body, `no loader for ".comp" files`) {
		t.Errorf("an unknown file type with no plugin:\n%s", body)
	}
}

// TestPluginModuleMetaAndVirtualStylesheet: a framework plugin that compiles a component keeps its
// stylesheet in the module's meta and serves it as a virtual module whose query says its language,
// as vite-plugin-svelte does: the meta a transform returns is what this.getModuleInfo(id).meta shows
// a later load, and "App.comp?comp&type=style&lang.css" is imported without ?import and served as CSS.
func TestPluginModuleMetaAndVirtualStylesheet(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":   `<script type="module" src="/src/main.js"></script>`,
		"package.json": `{"name":"app","private":true,"type":"module"}`,
		"src/main.js":  "import App from './App.comp'\nconsole.log(App)\n",
		"src/App.comp": "<h1>hello</h1>\n",
		"vite.config.js": `
const style = /\?comp&type=style&lang\.css$/
export default { plugins: [{
  name: 'comp',
  resolveId(id) { if (style.test(id)) return id },
  load(id) {
    if (!style.test(id)) return
    const info = this.getModuleInfo(id.replace(style, ''))
    return info ? info.meta.comp.css : 'h1 { color: blue }'
  },
  transform(code, id) {
    if (!id.endsWith('.comp')) return
    return { code: 'import ' + JSON.stringify(id + '?comp&type=style&lang.css') + '\nexport default ' + JSON.stringify(code.trim()),
      meta: { comp: { css: 'h1 { color: red }' } } }
  },
}] }
`,
	})
	_, ts := serverFromConfigFile(t, root)
	app := getOK(t, ts, "/src/App.comp?import")
	mustContain(t, "App.comp", app, `import "/src/App.comp?comp&type=style&lang.css"`)
	css := getOK(t, ts, "/src/App.comp?comp&type=style&lang.css")
	mustContain(t, "the component's stylesheet", css, "__vite__updateStyle(", `color: red`)
}
