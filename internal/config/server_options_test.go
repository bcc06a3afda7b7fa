package config

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// binaryBytes are all 256 byte values: a file that is no valid UTF-8, as a .pfx archive is.
var binaryBytes = func() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

// server.https in a JS config: fs.readFileSync(...) gives a Buffer whose bytes arrive unchanged (binary
// ones included), strings stay strings (paths or PEM text), and the object, array and boolean forms
// decode.
func TestDecodeHTTPS(t *testing.T) {
	root := writeProject(t, map[string]string{
		"key.pem":  "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"cert.pem": "CERT",
		"vite.config.js": `import fs from 'node:fs'
import path from 'node:path'
const here = (f) => path.join(__dirname, f)
export default {
  server: { https: {
    key: fs.readFileSync(here('key.pem')),
    cert: here('cert.pem'),
    ca: [fs.readFileSync(here('cert.pem')), 'inline PEM'],
    pfx: [{ buf: fs.readFileSync(here('bin.pfx')), passphrase: 'p1' }],
    passphrase: 'secret',
    minVersion: 'TLSv1.3',
  } },
  preview: { https: false },
}`,
	})
	if err := os.WriteFile(filepath.Join(root, "bin.pfx"), binaryBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, loaded := load(t, root, buildEnv)
	h := cfg.Server.HTTPS
	if h == nil {
		t.Fatal("server.https not decoded")
	}
	eqv(t, h.Key, []TLSSource{{Data: []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")}})
	eqv(t, h.Cert, []TLSSource{{Text: filepath.Join(root, "cert.pem")}})
	eqv(t, h.CA, []TLSSource{{Data: []byte("CERT")}, {Text: "inline PEM"}})
	if len(h.PFX) != 1 || !bytes.Equal(h.PFX[0].Data, binaryBytes) || h.PFX[0].Passphrase != "p1" {
		t.Errorf("pfx = %+v (the Buffer's bytes must arrive unchanged)", h.PFX)
	}
	eq(t, h.Passphrase, "secret")
	eq(t, string(h.Cert[0].Bytes()), "CERT") // a path is read, as Vite's readFileIfExists
	eq(t, string(h.CA[1].Bytes()), "inline PEM")
	eqv(t, cfg.Preview.HTTPS, &HTTPSOptions{Disabled: true})
	eqv(t, loaded.Warnings, []string{"server.https.minVersion is not supported by govite yet; it is ignored"})

	for _, tt := range []struct{ expr, want string }{
		{`{ server: { https: 'yes' } }`, "server.https: expected an object, got string"},
		{`{ server: { https: { key: 1 } } }`, "server.https.key: expected a string, a Buffer or an array of them, got number"},
		{`{ server: { https: { pfx: [{ buf: 1 }] } } }`, "server.https.pfx[0].buf: expected a string or a Buffer, got number"},
	} {
		if _, _, err := decodeJS(t, tt.expr); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want %q", tt.expr, err, tt.want)
		}
	}
	c, _, err := decodeJS(t, `{ server: { https: true } }`)
	if err != nil {
		t.Fatal(err)
	}
	eqv(t, c.Server.HTTPS, &HTTPSOptions{})
}

// The Buffer global and node:buffer behave as Node's for what configs do with them, and readFileSync
// returns a Buffer without an encoding and a string with one.
func TestConfigBuffer(t *testing.T) {
	root := writeProject(t, map[string]string{
		"data.json": `{"name": "héllo"}`,
		"vite.config.js": `import fs from 'node:fs'
import { Buffer as B } from 'node:buffer'
import path from 'node:path'
const raw = fs.readFileSync(path.join(__dirname, 'data.json'))
const b = Buffer.from('héllo wörld')
export default { define: {
  isBuffer: String(Buffer.isBuffer(raw) && B === Buffer && raw instanceof Uint8Array),
  json: JSON.parse(raw).name,
  str: typeof fs.readFileSync(path.join(__dirname, 'data.json'), 'utf8'),
  concat: '' + raw.slice(2, 6),
  base64: b.toString('base64'),
  hex: Buffer.from('ff00', 'hex').toString('hex') + ':' + Buffer.from('aGk=', 'base64').toString(),
  latin1: Buffer.from([0xe9]).toString('latin1'),
  len: String(Buffer.byteLength('é') + Buffer.concat([Buffer.from('a'), Buffer.from('bc')]).length),
  index: String(b.indexOf('wörld')) + String(b.includes('nope')),
  json2: JSON.stringify(Buffer.from('hi')),
  eq: String(Buffer.from('x').equals(Buffer.from('x'))),
  fromUtf16: Buffer.from('hé', 'utf16le').toString('utf16le'),
} }`,
	})
	cfg, _ := load(t, root, buildEnv)
	want := map[string]any{
		"isBuffer": "true", "json": "héllo", "str": "string", "concat": "name",
		"base64": "aMOpbGxvIHfDtnJsZA==", "hex": "ff00:hi", "latin1": "é", "len": "5", "index": "7false",
		"json2": `{"type":"Buffer","data":[104,105]}`, "eq": "true", "fromUtf16": "hé",
	}
	for k, v := range want {
		if got := cfg.Define[k]; got != v {
			t.Errorf("define[%s] = %#v, want %#v", k, got, v)
		}
	}
}

// server.watch: ignored in its forms (the function called from Go with the path and stats), polling
// options, and null turning watching off.
func TestDecodeWatch(t *testing.T) {
	cfg, warnings, err := decodeJS(t, `{ server: { watch: {
		ignored: ['**/generated/**', /\.tmp$/i, (p, stats) => p.endsWith('.skip') || (stats !== undefined && stats.isDirectory() && p.endsWith('/cache'))],
		usePolling: true, interval: 250, binaryInterval: 900, awaitWriteFinish: true,
	} } }`)
	if err != nil {
		t.Fatal(err)
	}
	w := cfg.Server.Watch
	if w == nil || len(w.Ignored) != 3 {
		t.Fatalf("watch = %+v", w)
	}
	eq(t, w.Ignored[0].Glob, "**/generated/**")
	if w.Ignored[1].Regexp == "" || !strings.Contains(w.Ignored[1].Regexp, "(?i)") {
		t.Errorf("regexp = %q", w.Ignored[1].Regexp)
	}
	f := w.Ignored[2].Func
	if f == nil {
		t.Fatal("function not bridged")
	}
	dir := t.TempDir()
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, f("/p/a.skip", nil), true)
	eq(t, f("/p/a.js", nil), false)
	eq(t, f("/p/cache", info), true)
	eq(t, f("/p/cache", nil), false)
	eq(t, *w.UsePolling, true)
	eq(t, w.Interval, 250)
	eq(t, w.BinaryInterval, 900)
	eqv(t, warnings, []string{"server.watch.awaitWriteFinish is not supported by govite yet; it is ignored"})

	cfg, _, err = decodeJS(t, `{ server: { watch: null } }`)
	if err != nil {
		t.Fatal(err)
	}
	eqv(t, cfg.Server.Watch, &WatchOptions{Disabled: true})
	cfg, _, err = decodeJS(t, `{ server: { watch: undefined } }`)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Watch != nil {
		t.Errorf("watch: undefined = %+v, want nil (the default)", cfg.Server.Watch)
	}
	cfg, _, err = decodeJS(t, `{ server: { watch: { ignored: 'dist' } } }`)
	if err != nil {
		t.Fatal(err)
	}
	eqv(t, cfg.Server.Watch.Ignored, []WatchMatcher{{Glob: "dist"}})
	if _, _, err := decodeJS(t, `{ server: { watch: { ignored: [1] } } }`); err == nil || !strings.Contains(err.Error(), "server.watch.ignored[0]: expected a string, a RegExp, a function or an array of them, got number") {
		t.Errorf("error = %v", err)
	}
	// A function throwing counts as not ignored.
	cfg, _, err = decodeJS(t, `{ server: { watch: { ignored: () => { throw new Error('x') } } } }`)
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.Server.Watch.Ignored[0]
	m.funcJS.vm.stderr = &strings.Builder{}
	eq(t, m.Func("/a", nil), false)
}

// server.proxy bypass, configure and the http-proxy options.
func TestDecodeProxyOptions(t *testing.T) {
	cfg, warnings, err := decodeJS(t, `{ server: { proxy: {
		'/api': {
			target: 'http://api.test', xfwd: true, autoRewrite: true, hostRewrite: 'h.test', protocolRewrite: 'https',
			cookieDomainRewrite: 'dev.test', cookiePathRewrite: { '/old': '/new', '/gone': false }, timeout: 1000, proxyTimeout: 2000,
			configure: (proxy, options) => { proxy.on('proxyReq', () => {}) },
			bypass(req, res, options) {
				if (req.url === '/api/page' && req.headers.accept.includes('text/html')) return '/index.html'
				if (req.url === '/api/none') return false
				if (req.url === '/api/self') { res.statusCode = 201; res.setHeader('X-From', options.target); res.end('hello ' + req.method) ; return }
				if (req.url === '/api/async') return Promise.resolve('/later')
				if (req.url === '/api/throw') throw new Error('boom')
				if (req.url === '/api/ws') return res === undefined ? '/ws-ok' : '/ws-bad'
			},
		},
		'/off': { target: 'http://off.test', cookieDomainRewrite: false },
	} } }`)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) > 0 {
		t.Errorf("warnings: %q", warnings)
	}
	r := cfg.Server.Proxy[0]
	eq(t, r.XFwd, true)
	eq(t, r.AutoRewrite, true)
	eq(t, r.HostRewrite, "h.test")
	eq(t, r.ProtocolRewrite, "https")
	eqv(t, r.CookieDomainRewrite, map[string]string{"*": "dev.test"})
	eqv(t, r.CookiePathRewrite, map[string]string{"/old": "/new", "/gone": ""})
	eq(t, r.Timeout, 1000)
	eq(t, r.ProxyTimeout, 2000)
	eq(t, r.HasConfigure, true)
	if cfg.Server.Proxy[1].CookieDomainRewrite != nil {
		t.Errorf("cookieDomainRewrite: false = %v", cfg.Server.Proxy[1].CookieDomainRewrite)
	}

	call := func(path string, hdr http.Header) (ProxyBypassResult, *httptest.ResponseRecorder, error) {
		req := httptest.NewRequest("GET", path, nil)
		for k, v := range hdr {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		res, err := r.Bypass(rec, req)
		return res, rec, err
	}
	res, _, err := call("/api/page", http.Header{"Accept": {"text/html"}})
	if err != nil || res != (ProxyBypassResult{URL: "/index.html"}) {
		t.Errorf("html page: %+v %v", res, err)
	}
	res, _, err = call("/api/none", nil)
	if err != nil || res != (ProxyBypassResult{NotFound: true}) {
		t.Errorf("false: %+v %v", res, err)
	}
	res, rec, err := call("/api/self", nil)
	if err != nil || !res.Handled || rec.Code != 201 || rec.Body.String() != "hello GET" || rec.Header().Get("X-From") != "http://api.test" {
		t.Errorf("res.end: %+v %v %d %q %v", res, err, rec.Code, rec.Body.String(), rec.Header())
	}
	res, _, err = call("/api/async", nil)
	if err != nil || res.URL != "/later" {
		t.Errorf("promise: %+v %v", res, err)
	}
	res, _, err = call("/api/other", nil)
	if err != nil || res != (ProxyBypassResult{}) {
		t.Errorf("undefined proxies: %+v %v", res, err)
	}
	if _, _, err = call("/api/throw", nil); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("throw: %v", err)
	}
	res, _, err = call("/api/ws", http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}})
	if err != nil || res.URL != "/ws-ok" {
		t.Errorf("upgrade (res must be undefined): %+v %v", res, err)
	}

	if _, _, err := decodeJS(t, `{ server: { proxy: { '/a': { target: 'http://a', bypass: 'no' } } } }`); err == nil || !strings.Contains(err.Error(), `server.proxy["/a"].bypass: expected a function, got string`) {
		t.Errorf("error = %v", err)
	}
}

// Encoding for config hooks and decoding again keeps the new options, Go functions included.
func TestEncodeDecodeServerOptionsRoundTrip(t *testing.T) {
	goBypass := ProxyBypassFunc(func(http.ResponseWriter, *http.Request) (ProxyBypassResult, error) {
		return ProxyBypassResult{URL: "/go"}, nil
	})
	goIgnore := func(p string, _ fs.FileInfo) bool { return strings.HasSuffix(p, ".go-ignored") }
	cfg := &UserConfig{
		Server: ServerOptions{
			HTTPS: &HTTPSOptions{Key: []TLSSource{{Text: "k.pem"}}, Cert: []TLSSource{{Data: binaryBytes}}, CA: []TLSSource{{Text: "a"}, {Data: []byte("b")}},
				PFX: []TLSSource{{Data: []byte{1, 2}, Passphrase: "pp"}}, Passphrase: "x"},
			Watch: &WatchOptions{Ignored: []WatchMatcher{{Glob: "**/x/**"}, {Regexp: `(?i)\.tmp$`}}, UsePolling: Bool(true), Interval: 5, BinaryInterval: 6},
			Proxy: []ProxyRule{{Context: "/a", Target: "http://a", XFwd: true, AutoRewrite: true, HostRewrite: "h", ProtocolRewrite: "https",
				CookieDomainRewrite: map[string]string{"*": "d", "old": ""}, Timeout: 1, ProxyTimeout: 2}},
		},
		Preview: PreviewOptions{HTTPS: &HTTPSOptions{Disabled: true}},
	}
	got, warnings, err := decodeUserConfig(encodeUserConfig(cfg))
	if err != nil || len(warnings) > 0 {
		t.Fatalf("decode: %v %v", err, warnings)
	}
	if !reflect.DeepEqual(got, cfg) {
		t.Errorf("round trip changed the config:\n got  %+v\n want %+v", got.Server, cfg.Server)
	}
	for _, c := range []*UserConfig{
		{Server: ServerOptions{Watch: &WatchOptions{Disabled: true}, HTTPS: &HTTPSOptions{}}},
		{Server: ServerOptions{HTTPS: &HTTPSOptions{Disabled: true}}},
	} {
		got, _, err := decodeUserConfig(encodeUserConfig(c))
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Errorf("round trip of %+v: %+v %v", c.Server, got.Server, err)
		}
	}
	// Go functions come back as themselves.
	fcfg := &UserConfig{Server: ServerOptions{
		Watch: &WatchOptions{Ignored: []WatchMatcher{{Func: goIgnore}}},
		Proxy: []ProxyRule{{Context: "/a", Target: "http://a", Bypass: goBypass}},
	}}
	got, _, err = decodeUserConfig(encodeUserConfig(fcfg))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, got.Server.Watch.Ignored[0].Func("/a.go-ignored", nil), true)
	res, _ := got.Server.Proxy[0].Bypass(nil, httptest.NewRequest("GET", "/", nil))
	eq(t, res.URL, "/go")
}

// Config hooks see https, watch and the proxy functions, and can change them; JS functions given back
// stay callable.
func TestServerOptionsInConfigHooks(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json": "{}",
		"vite.config.js": `export default {
  server: {
    https: { key: 'k.pem', cert: 'c.pem' },
    watch: { ignored: [(p) => p.endsWith('.a')] },
    proxy: { '/api': { target: 'http://api.test', bypass: (req) => '/from-file' } },
  },
  plugins: [{
    name: 'hook',
    config(config) {
      const https = config.server.https
      if (https.key !== 'k.pem' || https.cert !== 'c.pem') throw new Error('https: ' + JSON.stringify(https))
      const fileIgnore = config.server.watch.ignored[0]
      config.server.watch.ignored = [fileIgnore, (p) => p.endsWith('.b')]
      config.server.https.cert = Buffer.from('from hook')
      return { server: { watch: { usePolling: true }, proxy: { '/api': { target: 'http://api.test', bypass: (req) => req.url === '/api/x' ? '/hooked' : undefined } } } }
    },
  }],
}`,
	})
	rc := resolveIn(t, root, nil, ResolveConfigOptions{Command: "serve"})
	s := rc.Server
	if s.HTTPS == nil || len(s.HTTPS.Cert) != 1 || string(s.HTTPS.Cert[0].Data) != "from hook" || s.HTTPS.Key[0].Text != "k.pem" {
		t.Fatalf("https = %+v", s.HTTPS)
	}
	eq(t, *s.Watch.UsePolling, true)
	if len(s.Watch.Ignored) != 2 {
		t.Fatalf("ignored = %+v", s.Watch.Ignored)
	}
	eq(t, s.Watch.Ignored[0].Func("/x.a", nil), true)
	eq(t, s.Watch.Ignored[1].Func("/x.b", nil), true)
	eq(t, s.Watch.Ignored[1].Func("/x.a", nil), false)
	res, err := s.Proxy[0].Bypass(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/x", nil))
	if err != nil || res.URL != "/hooked" {
		t.Errorf("bypass from the hook: %+v %v", res, err)
	}
	tree := resolvedConfigTree(rc).get("server").(*jsObject)
	if h, ok := tree.get("https").(*jsObject); !ok || h.get("key") != "k.pem" {
		t.Errorf("configResolved's server.https = %#v", tree.get("https"))
	}
}

// Merging: https false replaces, an override's key and cert replace base's; watch: null replaces.
func TestMergeServerOptionsHTTPSAndWatch(t *testing.T) {
	base := &UserConfig{Server: ServerOptions{HTTPS: &HTTPSOptions{Key: []TLSSource{{Text: "a.key"}}, Cert: []TLSSource{{Text: "a.crt"}}, CA: []TLSSource{{Text: "ca"}}},
		Watch: &WatchOptions{Ignored: []WatchMatcher{{Glob: "a"}}, Interval: 10}}}
	got := Merge(base, &UserConfig{Server: ServerOptions{HTTPS: &HTTPSOptions{Key: []TLSSource{{Text: "b.key"}}, Cert: []TLSSource{{Text: "b.crt"}}},
		Watch: &WatchOptions{Ignored: []WatchMatcher{{Glob: "b"}}}}})
	eqv(t, got.Server.HTTPS, &HTTPSOptions{Key: []TLSSource{{Text: "b.key"}}, Cert: []TLSSource{{Text: "b.crt"}}, CA: []TLSSource{{Text: "ca"}}})
	eqv(t, got.Server.Watch, &WatchOptions{Ignored: []WatchMatcher{{Glob: "a"}, {Glob: "b"}}, Interval: 10})
	got = Merge(base, &UserConfig{Server: ServerOptions{HTTPS: &HTTPSOptions{Disabled: true}, Watch: &WatchOptions{Disabled: true}}})
	eqv(t, got.Server.HTTPS, &HTTPSOptions{Disabled: true})
	eqv(t, got.Server.Watch, &WatchOptions{Disabled: true})
	eq(t, base.Server.HTTPS.Key[0].Text, "a.key") // inputs untouched
}

// @vitejs/plugin-basic-ssl is recognised, installed or not: TLS for dev and preview with its options,
// unless https is false.
func TestResolveBasicSSL(t *testing.T) {
	root := writeProject(t, map[string]string{
		"package.json": "{}",
		"vite.config.js": `import basicSsl from '@vitejs/plugin-basic-ssl'
export default { plugins: [basicSsl()], server: { https: { ca: 'ca.pem' } } }`,
	})
	rc := resolveIn(t, root, nil, ResolveConfigOptions{Command: "serve"})
	want := &BasicSSLOptions{CertDir: filepath.Join(root, "node_modules", ".vite", "basic-ssl"), Name: "example.org", TTLDays: 30}
	if rc.Server.HTTPS == nil || !reflect.DeepEqual(rc.Server.HTTPS.BasicSSL, want) || len(rc.Server.HTTPS.CA) != 1 {
		t.Fatalf("server.https = %+v", rc.Server.HTTPS)
	}
	if rc.Preview.HTTPS == nil || !reflect.DeepEqual(rc.Preview.HTTPS.BasicSSL, want) {
		t.Errorf("preview.https = %+v", rc.Preview.HTTPS)
	}
	if !slices.ContainsFunc(rc.Plugins, func(p *Plugin) bool { return p.Name == "vite:basic-ssl" && p.Builtin == "basic-ssl" }) {
		t.Errorf("plugins = %+v", rc.Plugins)
	}

	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root = writeProject(t, map[string]string{
		"vite.config.js": `import basicSsl, { getCertificate } from '@vitejs/plugin-basic-ssl'
export default { plugins: [basicSsl({ certDir: 'certs', name: 'dev.test', domains: ['*.dev.test'], ttlDays: 2 })], preview: { https: false } }`,
	})
	rc = resolveIn(t, root, nil, ResolveConfigOptions{Command: "serve"})
	eqv(t, rc.Server.HTTPS.BasicSSL, &BasicSSLOptions{CertDir: filepath.Join(cwd, "certs"), Name: "dev.test", Domains: []string{"*.dev.test"}, TTLDays: 2})
	if rc.Preview.HTTPS != nil {
		t.Errorf("preview.https false = %+v", rc.Preview.HTTPS)
	}

	root = writeProject(t, map[string]string{
		"vite.config.js": `import basicSsl from '@vitejs/plugin-basic-ssl'
export default { plugins: [basicSsl()], server: { https: false } }`,
	})
	rc = resolveIn(t, root, nil, ResolveConfigOptions{Command: "serve"})
	if rc.Server.HTTPS != nil {
		t.Errorf("https: false with the plugin = %+v", rc.Server.HTTPS)
	}

	// Without the plugin, no https unless asked for; preview inherits server.https.
	rc = resolveIn(t, writeProject(t, nil), &UserConfig{Server: ServerOptions{HTTPS: &HTTPSOptions{Cert: []TLSSource{{Text: "c"}}}, Watch: &WatchOptions{Disabled: true}}}, ResolveConfigOptions{Command: "serve"})
	if rc.Server.HTTPS == nil || rc.Server.HTTPS.BasicSSL != nil || rc.Preview.HTTPS == nil || rc.Preview.HTTPS.Cert[0].Text != "c" {
		t.Errorf("https = %+v, preview = %+v", rc.Server.HTTPS, rc.Preview.HTTPS)
	}
	eq(t, rc.Server.Watch.Disabled, true)
}

// getCertificate is exported (configs that import it load) and says what to do instead.
func TestBasicSSLGetCertificate(t *testing.T) {
	root := writeProject(t, map[string]string{
		"vite.config.js": `import { getCertificate } from '@vitejs/plugin-basic-ssl'
export default async () => {
  try { await getCertificate('x'); return { define: { r: 'resolved' } } } catch (e) { return { define: { r: e.message } } }
}`,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg, _, err := LoadConfigFile(ctx, root, "", buildEnv)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := cfg.Define["r"].(string); !strings.Contains(r, "add basicSsl() to plugins") {
		t.Errorf("getCertificate: %v", cfg.Define["r"])
	}
}
