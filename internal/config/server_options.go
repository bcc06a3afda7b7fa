package config

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/dop251/goja"
)

// This file holds server.https / preview.https (with @vitejs/plugin-basic-ssl), server.watch and the
// server.proxy options that take functions (bypass, configure) or several forms (cookieDomainRewrite):
// their types, decoding, encoding for config hooks, merging and resolution.

// ---- Types ----

// HTTPSOptions is server.https (and preview.https): the options of Node's tls.createSecureContext that
// a dev server needs. As in Vite, a string value that names a readable file (relative to the working
// directory) is that file's contents; any other string, and a Buffer, is the data itself.
type HTTPSOptions struct {
	// Disabled is `https: false`: plain HTTP, even with @vitejs/plugin-basic-ssl in the plugins.
	Disabled bool `js:"-"`
	// Key and Cert are PEM private keys and certificate chains; CA are PEM certificates added to the
	// chain sent (and trusted for client certificates); PFX are PKCS#12 archives with a key and its
	// certificates.
	Key  []TLSSource `js:"key"`
	Cert []TLSSource `js:"cert"`
	CA   []TLSSource `js:"ca"`
	PFX  []TLSSource `js:"pfx"`
	// Passphrase decrypts encrypted private keys and PFX archives (an entry's own passphrase wins).
	Passphrase string `js:"passphrase"`
	// BasicSSL is set (by Resolve) when @vitejs/plugin-basic-ssl is among the plugins: its self-signed
	// certificate is the key and certificate, as the plugin's configResolved hook arranges in Vite.
	BasicSSL *BasicSSLOptions `js:"-"`
}

// TLSSource is one value of a key, cert, ca or pfx option.
type TLSSource struct {
	// Text is a string as written: a file path, or the PEM text itself.
	Text string
	// Data is binary data (a Buffer in a config file); used when Text is "".
	Data []byte
	// Passphrase is the entry's own passphrase ({ pem, passphrase } or { buf, passphrase }).
	Passphrase string
}

// Bytes returns the source's data: the file Text names when it can be read (Vite's readFileIfExists),
// else Text itself, else Data.
func (s TLSSource) Bytes() []byte {
	if s.Text == "" {
		return s.Data
	}
	if !strings.Contains(s.Text, "\n") {
		if p, err := filepath.Abs(s.Text); err == nil {
			if data, err := os.ReadFile(p); err == nil {
				return data
			}
		}
	}
	return []byte(s.Text)
}

// BasicSSLOptions are the options of @vitejs/plugin-basic-ssl.
type BasicSSLOptions struct {
	// CertDir holds _cert.pem (the key and the certificate); absolute. Default: <cacheDir>/basic-ssl.
	CertDir string
	// Name is the certificate's common name (default "example.org").
	Name string
	// Domains are DNS names the certificate covers besides localhost and the loopback addresses.
	Domains []string
	// TTLDays is the certificate's validity (default 30).
	TTLDays int
}

// WatchOptions is server.watch: the file watcher's options (Vite passes them to chokidar).
type WatchOptions struct {
	// Disabled is `watch: null`: no file is watched (no HMR, no restart on config changes).
	Disabled bool `js:"-"`
	// Ignored are paths whose changes are ignored, on top of .git, node_modules, test-results,
	// cacheDir and outDir.
	Ignored []WatchMatcher `js:"ignored"`
	// UsePolling polls the files instead of relying on file system events (network drives, Docker
	// volumes, WSL); nil leaves it to the CHOKIDAR_USEPOLLING environment variable (default off).
	UsePolling *bool `js:"usePolling"`
	// Interval is the polling interval in ms (default 100, or CHOKIDAR_INTERVAL); BinaryInterval is
	// that of binary files (default 300).
	Interval       int `js:"interval"`
	BinaryInterval int `js:"binaryInterval"`
}

// WatchMatcher is one entry of server.watch.ignored (anymatch's forms): a glob matched against the
// absolute, slash-separated path (a string that is not a glob also ignores everything below it), a
// regular expression tested against that path, or a function.
type WatchMatcher struct {
	Glob   string
	Regexp string // Go syntax, translated from a JS RegExp
	// Func reports whether path is ignored; info is nil when the file's stats are not known (it was
	// removed, say).
	Func func(path string, info fs.FileInfo) bool

	funcJS *jsFunction // the JS function Func calls, for config hooks
}

// PreviewOptions is Vite's `preview`. Options it does not set are those of server.
type PreviewOptions struct {
	HTTPS *HTTPSOptions `js:"https"`
}

// ResolvedPreviewOptions is preview.* resolved: HTTPS is preview.https, else server.https, with
// @vitejs/plugin-basic-ssl applied; nil for plain HTTP.
type ResolvedPreviewOptions struct {
	HTTPS *HTTPSOptions
}

// ProxyBypassFunc is server.proxy[].bypass. It is called for a request that matches the rule, before
// it is proxied: it may send the response itself (Handled), serve another URL of the dev server
// instead (URL), answer 404 (NotFound, `return false` in JS), or let the request be proxied (the zero
// result). An error answers 500. For a WebSocket upgrade, writing to w is not expected (JavaScript gets
// res = undefined, as in Vite).
type ProxyBypassFunc func(w http.ResponseWriter, r *http.Request) (ProxyBypassResult, error)

// ProxyBypassResult is what a ProxyBypassFunc decided.
type ProxyBypassResult struct {
	URL      string
	NotFound bool
	Handled  bool
}

// jsNull is a JavaScript null where null means something else than "not set" (server.watch).
type jsNull struct{}

// nullPaths are the options whose null is kept by the converter.
var nullPaths = map[string]bool{"server.watch": true}

// ---- Decoding ----

// decodeHTTPS decodes server.https / preview.https: an object, or a boolean (true: TLS with the
// certificate of @vitejs/plugin-basic-ssl; false: plain HTTP).
func decodeHTTPS(d *decoder, v any, field, _ reflect.Value, path string) {
	switch v := v.(type) {
	case bool:
		field.Set(reflect.ValueOf(&HTTPSOptions{Disabled: !v}))
	case *jsObject:
		h := &HTTPSOptions{}
		for _, k := range v.keys {
			val := v.vals[k]
			if val == nil {
				continue
			}
			p := joinPath(path, k)
			switch k {
			case "key":
				h.Key = d.tlsSources(val, p, "pem")
			case "cert":
				h.Cert = d.tlsSources(val, p, "pem")
			case "ca":
				h.CA = d.tlsSources(val, p, "pem")
			case "pfx":
				h.PFX = d.tlsSources(val, p, "buf")
			case "passphrase":
				if s, ok := val.(string); ok {
					h.Passphrase = s
				} else {
					d.typeError(p, "a string", val)
				}
			default:
				d.warnf("%s is not supported by govite yet; it is ignored", p)
			}
		}
		field.Set(reflect.ValueOf(h))
	default:
		d.typeError(path, "an object", v)
	}
}

// tlsSources decodes key, cert, ca or pfx: a string, a Buffer, an object { <dataKey>, passphrase } or
// an array of them.
func (d *decoder) tlsSources(v any, path, dataKey string) []TLSSource {
	items, isList := v.([]any)
	if !isList {
		items = []any{v}
	}
	out := []TLSSource{}
	for i, e := range items {
		p := path
		if isList {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		switch e := e.(type) {
		case string:
			out = append(out, TLSSource{Text: e})
		case []byte:
			out = append(out, TLSSource{Data: e})
		case *jsObject:
			var src TLSSource
			switch data := e.get(dataKey).(type) {
			case string:
				src.Text = data
			case []byte:
				src.Data = data
			default:
				d.typeError(joinPath(p, dataKey), "a string or a Buffer", data)
				continue
			}
			if pp, ok := e.get("passphrase").(string); ok {
				src.Passphrase = pp
			}
			out = append(out, src)
		default:
			d.typeError(p, "a string, a Buffer or an array of them", e)
		}
	}
	return out
}

// decodeWatch decodes server.watch: null turns watching off; an object holds chokidar's options.
func decodeWatch(d *decoder, v any, field, _ reflect.Value, path string) {
	switch v := v.(type) {
	case jsNull:
		field.Set(reflect.ValueOf(&WatchOptions{Disabled: true}))
	case *jsObject:
		w := &WatchOptions{}
		d.decodeStruct(v, reflect.ValueOf(w).Elem(), path)
		field.Set(reflect.ValueOf(w))
	default:
		d.typeError(path, "an object or null", v)
	}
}

// decodeWatchIgnored decodes server.watch.ignored: a glob, a RegExp, a function or an array of them.
func decodeWatchIgnored(d *decoder, v any, field, _ reflect.Value, path string) {
	items, isList := v.([]any)
	if !isList {
		items = []any{v}
	}
	out := []WatchMatcher{}
	for i, e := range items {
		p := path
		if isList {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		switch e := e.(type) {
		case nil:
		case string:
			out = append(out, WatchMatcher{Glob: e})
		case *RegExp:
			src, err := TranslateRegExp(e.Source, e.Flags)
			if err != nil {
				d.errorf(p, "%v", err)
				continue
			}
			out = append(out, WatchMatcher{Regexp: src})
		case goValue:
			if f, ok := e.v.(func(string, fs.FileInfo) bool); ok {
				out = append(out, WatchMatcher{Func: f})
				continue
			}
			d.typeError(p, "a string, a RegExp or a function", e)
		case *jsFunction:
			if g, ok := e.vm.goValue(e).(func(string, fs.FileInfo) bool); ok {
				out = append(out, WatchMatcher{Func: g})
				continue
			}
			fn, ok := goja.AssertFunction(e.val.(goja.Value))
			if !ok {
				d.typeError(p, "a function", e)
				continue
			}
			out = append(out, WatchMatcher{Func: e.vm.bridgeWatchIgnored(fn, p), funcJS: e})
		default:
			d.typeError(p, "a string, a RegExp, a function or an array of them", e)
		}
	}
	field.Set(reflect.ValueOf(out))
}

// proxyBypass decodes a proxy rule's bypass function.
func (d *decoder) proxyBypass(v any, r *ProxyRule, opts *jsObject, path string) {
	switch f := v.(type) {
	case goValue:
		if g, ok := f.v.(ProxyBypassFunc); ok {
			r.Bypass = g
			return
		}
	case *jsFunction:
		if g, ok := f.vm.goValue(f).(ProxyBypassFunc); ok {
			r.Bypass = g
			return
		}
		fn, ok := goja.AssertFunction(f.val.(goja.Value))
		if !ok {
			break
		}
		r.Bypass = f.vm.bridgeProxyBypass(fn, opts, path)
		r.bypassJS = f
		return
	}
	d.typeError(path, "a function", v)
}

// cookieRewrite decodes cookieDomainRewrite / cookiePathRewrite: false (none), a string (every value
// becomes it) or an object { old: new }, "*" matching any value.
func (d *decoder) cookieRewrite(v any, path string) map[string]string {
	switch v := v.(type) {
	case bool:
		if v {
			d.typeError(path, "false, a string or an object", v)
		}
		return nil
	case string:
		return map[string]string{"*": v}
	case *jsObject:
		m := map[string]string{}
		for _, k := range v.keys {
			switch s := v.vals[k].(type) {
			case string:
				m[k] = s
			case bool, nil:
				if s == true {
					d.typeError(joinPath(path, k), "a string or false", s)
					continue
				}
				m[k] = "" // false removes the attribute
			default:
				d.typeError(joinPath(path, k), "a string or false", s)
			}
		}
		return m
	default:
		d.typeError(path, "false, a string or an object", v)
		return nil
	}
}

// ---- Encoding (the inverse of the decoders above) ----

// encodeServerOptionField renders the options of this file; handled is false for the others.
func encodeServerOptionField(f reflect.Value, path string) (v any, handled bool) {
	switch path {
	case "server.https", "preview.https":
		h := f.Interface().(*HTTPSOptions)
		if h == nil {
			return nil, true
		}
		return encodeHTTPS(h), true
	case "server.watch":
		w := f.Interface().(*WatchOptions)
		if w == nil {
			return nil, true
		}
		if w.Disabled {
			return jsNull{}, true
		}
		return encodeStruct(reflect.ValueOf(w).Elem(), path), true
	case "server.watch.ignored":
		list := f.Interface().([]WatchMatcher)
		if list == nil {
			return nil, true
		}
		out := make([]any, 0, len(list))
		for _, m := range list {
			switch {
			case m.funcJS != nil:
				out = append(out, m.funcJS)
			case m.Func != nil:
				out = append(out, goValue{m.Func})
			case m.Regexp != "":
				src, flags := untranslateRegExp(m.Regexp)
				out = append(out, &RegExp{Source: src, Flags: flags})
			default:
				out = append(out, m.Glob)
			}
		}
		return out, true
	}
	return nil, false
}

func encodeHTTPS(h *HTTPSOptions) any {
	if h.Disabled {
		return false
	}
	o := newJSObject()
	sources := func(list []TLSSource, dataKey string) any {
		if list == nil {
			return nil
		}
		items := make([]any, 0, len(list))
		for _, s := range list {
			var data any = s.Text
			if s.Text == "" {
				data = slices.Clone(s.Data)
			}
			if s.Passphrase != "" {
				e := newJSObject()
				e.set(dataKey, data)
				e.set("passphrase", s.Passphrase)
				data = e
			}
			items = append(items, data)
		}
		if len(items) == 1 {
			if _, isObj := items[0].(*jsObject); !isObj {
				return items[0]
			}
		}
		return items
	}
	for _, kv := range []struct {
		key  string
		list []TLSSource
		data string
	}{{"key", h.Key, "pem"}, {"cert", h.Cert, "pem"}, {"ca", h.CA, "pem"}, {"pfx", h.PFX, "buf"}} {
		if v := sources(kv.list, kv.data); v != nil {
			o.set(kv.key, v)
		}
	}
	if h.Passphrase != "" {
		o.set("passphrase", h.Passphrase)
	}
	return o
}

// encodeProxyExtras adds a rule's function and union-typed options to its encoded object.
func encodeProxyExtras(ro *jsObject, r ProxyRule) {
	switch {
	case r.bypassJS != nil:
		ro.set("bypass", r.bypassJS)
	case r.Bypass != nil:
		ro.set("bypass", goValue{r.Bypass})
	}
	if r.configureJS != nil {
		ro.set("configure", r.configureJS)
	}
	if r.CookieDomainRewrite != nil {
		ro.set("cookieDomainRewrite", encodeCookieRewrite(r.CookieDomainRewrite))
	}
	if r.CookiePathRewrite != nil {
		ro.set("cookiePathRewrite", encodeCookieRewrite(r.CookiePathRewrite))
	}
}

func encodeCookieRewrite(m map[string]string) any {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	o := newJSObject()
	for _, k := range keys {
		if m[k] == "" {
			o.set(k, false)
		} else {
			o.set(k, m[k])
		}
	}
	return o
}

// serverTreeExtras adds https and watch to the JS view of the resolved server options.
func serverTreeExtras(o *jsObject, s ResolvedServerOptions) {
	if s.HTTPS != nil {
		o.set("https", encodeHTTPS(s.HTTPS))
	}
	if s.Watch.Disabled {
		o.set("watch", jsNull{})
	} else {
		w := s.Watch
		o.set("watch", encodeStruct(reflect.ValueOf(&w).Elem(), "server.watch"))
	}
}

// ---- Merging ----

// mergeHTTPS merges server.https: false (or a side that is false) replaces the other; otherwise each
// option set in override replaces base's (key, cert, ca and pfx are single values to Vite's
// mergeConfig unless written as arrays, and a key replaced must take its certificate along).
func mergeHTTPS(dst reflect.Value, v *HTTPSOptions) {
	if v == nil {
		return
	}
	cur := dst.Interface().(*HTTPSOptions)
	if v.Disabled || cur == nil || cur.Disabled {
		c := cloneHTTPS(*v)
		dst.Set(reflect.ValueOf(&c))
		return
	}
	m := cloneHTTPS(*cur)
	for _, f := range []struct{ dst, src *[]TLSSource }{{&m.Key, &v.Key}, {&m.Cert, &v.Cert}, {&m.CA, &v.CA}, {&m.PFX, &v.PFX}} {
		if *f.src != nil {
			*f.dst = slices.Clone(*f.src)
		}
	}
	if v.Passphrase != "" {
		m.Passphrase = v.Passphrase
	}
	if v.BasicSSL != nil {
		b := *v.BasicSSL
		m.BasicSSL = &b
	}
	dst.Set(reflect.ValueOf(&m))
}

func cloneHTTPS(h HTTPSOptions) HTTPSOptions {
	h.Key, h.Cert, h.CA, h.PFX = slices.Clone(h.Key), slices.Clone(h.Cert), slices.Clone(h.CA), slices.Clone(h.PFX)
	if h.BasicSSL != nil {
		b := *h.BasicSSL
		b.Domains = slices.Clone(b.Domains)
		h.BasicSSL = &b
	}
	return h
}

// ---- Resolution ----

// resolveServerExtras resolves server.https, preview.https and server.watch. @vitejs/plugin-basic-ssl
// turns TLS on for both unless https is false, as its configResolved hook does in Vite.
func resolveServerExtras(rc *ResolvedConfig, cfg *UserConfig, cwd string) {
	basic := basicSSLFromPlugins(rc.Plugins, rc.CacheDir, cwd)
	rc.Server.HTTPS = resolveHTTPS(cfg.Server.HTTPS, basic)
	preview := cfg.Preview.HTTPS
	if preview == nil {
		preview = cfg.Server.HTTPS
	}
	rc.Preview.HTTPS = resolveHTTPS(preview, basic)
	if cfg.Server.Watch != nil {
		rc.Server.Watch = *cfg.Server.Watch
		rc.Server.Watch.Ignored = slices.Clone(cfg.Server.Watch.Ignored)
		if p := cfg.Server.Watch.UsePolling; p != nil {
			rc.Server.Watch.UsePolling = Bool(*p)
		}
	}
}

func resolveHTTPS(h *HTTPSOptions, basic *BasicSSLOptions) *HTTPSOptions {
	if h != nil && h.Disabled {
		return nil
	}
	if h == nil && basic == nil {
		return nil
	}
	out := HTTPSOptions{}
	if h != nil {
		out = cloneHTTPS(*h)
	}
	if basic != nil {
		b := *basic
		b.Domains = slices.Clone(b.Domains)
		out.BasicSSL = &b
	}
	return &out
}

// basicSSLFromPlugins returns the options of @vitejs/plugin-basic-ssl when it is a plugin of the
// config, else nil.
func basicSSLFromPlugins(plugins []*Plugin, cacheDir, cwd string) *BasicSSLOptions {
	for _, p := range plugins {
		if p == nil || p.Builtin != "basic-ssl" {
			continue
		}
		b := &BasicSSLOptions{CertDir: filepath.Join(cacheDir, "basic-ssl"), Name: "example.org", TTLDays: 30}
		if s, ok := p.Options["certDir"].(string); ok && s != "" {
			b.CertDir = absFrom(cwd, s) // relative to the working directory, as the plugin's path.join
		}
		if s, ok := p.Options["name"].(string); ok && s != "" {
			b.Name = s
		}
		if list, ok := p.Options["domains"].([]any); ok {
			for _, d := range list {
				if s, ok := d.(string); ok {
					b.Domains = append(b.Domains, s)
				}
			}
		}
		if n, ok := p.Options["ttlDays"].(float64); ok && n > 0 {
			b.TTLDays = int(n)
		}
		return b
	}
	return nil
}

// ---- Bridges to JavaScript functions ----

// bridgeWatchIgnored makes a Go matcher of a JS ignored function, called as chokidar calls it: with the
// path and, when known, its fs.Stats. An exception counts as "not ignored" and is reported on stderr.
func (vm *jsVM) bridgeWatchIgnored(fn goja.Callable, where string) func(string, fs.FileInfo) bool {
	return func(path string, info fs.FileInfo) bool {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		var stats goja.Value = goja.Undefined()
		if info != nil {
			stats = vm.fsStatsJS(info)
		}
		res, err := fn(goja.Undefined(), vm.rt.ToValue(path), stats)
		if err != nil {
			fmt.Fprintf(vm.stderr, "govite: %s threw for %q: %v\n", where, path, vm.jsError(err))
			return false
		}
		return res.ToBoolean()
	}
}

// fsStatsJS is a Node fs.Stats-like object for info. mu must be held.
func (vm *jsVM) fsStatsJS(info fs.FileInfo) *goja.Object {
	rt := vm.rt
	o := rt.NewObject()
	mode := info.Mode()
	isFn := func(b bool) func(goja.FunctionCall) goja.Value {
		return func(goja.FunctionCall) goja.Value { return rt.ToValue(b) }
	}
	_ = o.Set("isFile", isFn(mode.IsRegular()))
	_ = o.Set("isDirectory", isFn(mode.IsDir()))
	_ = o.Set("isSymbolicLink", isFn(mode&fs.ModeSymlink != 0))
	for _, name := range []string{"isFIFO", "isSocket", "isBlockDevice", "isCharacterDevice"} {
		_ = o.Set(name, isFn(false))
	}
	_ = o.Set("size", info.Size())
	_ = o.Set("mode", uint32(mode.Perm()))
	ms := float64(info.ModTime().UnixNano()) / 1e6
	_ = o.Set("mtimeMs", ms)
	if d, err := rt.New(rt.Get("Date"), rt.ToValue(ms)); err == nil {
		_ = o.Set("mtime", d)
	}
	return o
}

// bridgeProxyBypass makes a ProxyBypassFunc of a JS bypass(req, res, options). req has Node's
// IncomingMessage fields (url, method, headers with lower-case names, httpVersion, socket); res is a
// small ServerResponse (statusCode, setHeader, getHeader, removeHeader, writeHead, write, end) whose
// response is sent when the function used it; it is undefined for WebSocket upgrades. A promise is
// awaited, as Vite does.
func (vm *jsVM) bridgeProxyBypass(fn goja.Callable, opts *jsObject, where string) ProxyBypassFunc {
	return func(w http.ResponseWriter, r *http.Request) (ProxyBypassResult, error) {
		res, result, err := vm.callProxyBypass(fn, opts, where, w, r)
		if res != nil && res.used {
			res.send(w) // outside the engine's lock: the client may be slow
		}
		return result, err
	}
}

// callProxyBypass calls a JS bypass function and reads its answer; res records what it did with the
// response.
func (vm *jsVM) callProxyBypass(fn goja.Callable, opts *jsObject, where string, w http.ResponseWriter, r *http.Request) (*bypassResponse, ProxyBypassResult, error) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	req := vm.incomingMessageJS(r)
	var res *bypassResponse
	var resJS goja.Value = goja.Undefined()
	if !isUpgradeRequest(r) && w != nil {
		res = &bypassResponse{status: http.StatusOK, header: http.Header{}}
		resJS = vm.serverResponseJS(res)
	}
	ctx := r.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	out, err := vm.callLocked(ctx, fn, goja.Undefined(), req, resJS, vm.toJS(opts))
	result := ProxyBypassResult{Handled: res != nil && res.used}
	if err != nil {
		return res, result, fmt.Errorf("%s: %w", where, err)
	}
	if s, ok := out.Export().(string); ok {
		result.URL = s
		if result.URL == "" {
			result.URL = "/"
		}
	} else if b, ok := out.Export().(bool); ok && !b {
		result.NotFound = true
	}
	return res, result, nil
}

func isUpgradeRequest(r *http.Request) bool {
	if r.Header.Get("Upgrade") == "" {
		return false
	}
	for _, v := range r.Header.Values("Connection") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return true
			}
		}
	}
	return false
}

// incomingMessageJS is the req a bypass function receives. mu must be held.
func (vm *jsVM) incomingMessageJS(r *http.Request) *goja.Object {
	rt := vm.rt
	o := rt.NewObject()
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	_ = o.Set("url", uri)
	_ = o.Set("originalUrl", uri)
	_ = o.Set("method", r.Method)
	_ = o.Set("httpVersion", fmt.Sprintf("%d.%d", r.ProtoMajor, r.ProtoMinor))
	_ = o.Set("httpVersionMajor", r.ProtoMajor)
	_ = o.Set("httpVersionMinor", r.ProtoMinor)
	headers := rt.NewObject()
	if r.Host != "" {
		_ = headers.Set("host", r.Host)
	}
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vals := r.Header[k]
		name := strings.ToLower(k)
		if name == "set-cookie" {
			list := make([]any, len(vals))
			for i, v := range vals {
				list[i] = v
			}
			_ = headers.Set(name, rt.NewArray(list...))
			continue
		}
		sep := ", "
		if name == "cookie" {
			sep = "; "
		}
		_ = headers.Set(name, strings.Join(vals, sep))
	}
	_ = o.Set("headers", headers)
	sock := rt.NewObject()
	host, port := r.RemoteAddr, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		host, port = host[:i], host[i+1:]
	}
	_ = sock.Set("remoteAddress", strings.Trim(host, "[]"))
	_ = sock.Set("remotePort", port)
	_ = sock.Set("encrypted", r.TLS != nil)
	_ = o.Set("socket", sock)
	_ = o.Set("connection", sock)
	return o
}

// bypassResponse records what a bypass function did with res.
type bypassResponse struct {
	used   bool // writeHead, write or end was called
	ended  bool
	status int
	header http.Header
	body   []byte
}

func (b *bypassResponse) send(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body)
}

// serverResponseJS is the res a bypass function receives. mu must be held.
func (vm *jsVM) serverResponseJS(res *bypassResponse) *goja.Object {
	rt := vm.rt
	o := rt.NewObject()
	_ = o.Set("statusCode", 200)
	_ = o.Set("statusMessage", "")
	headerValue := func(v goja.Value) []string {
		if obj, ok := v.(*goja.Object); ok && obj.ClassName() == "Array" {
			var out []string
			for _, k := range obj.Keys() {
				out = append(out, obj.Get(k).String())
			}
			return out
		}
		return []string{v.String()}
	}
	syncStatus := func() {
		if n := o.Get("statusCode").ToInteger(); n >= 100 && n <= 999 {
			res.status = int(n)
		}
	}
	chunk := func(v goja.Value) {
		if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
			return
		}
		if b, ok := v.Export().([]byte); ok {
			res.body = append(res.body, b...)
			return
		}
		res.body = append(res.body, v.String()...)
	}
	markSent := func() {
		res.used = true
		_ = o.Set("headersSent", true)
	}
	_ = o.Set("headersSent", false)
	_ = o.Set("writableEnded", false)
	_ = o.Set("finished", false)
	_ = o.Set("setHeader", func(c goja.FunctionCall) goja.Value {
		res.header[http.CanonicalHeaderKey(c.Argument(0).String())] = headerValue(c.Argument(1))
		return o
	})
	_ = o.Set("getHeader", func(c goja.FunctionCall) goja.Value {
		vals := res.header.Values(c.Argument(0).String())
		switch len(vals) {
		case 0:
			return goja.Undefined()
		case 1:
			return rt.ToValue(vals[0])
		}
		return rt.ToValue(vals)
	})
	_ = o.Set("hasHeader", func(c goja.FunctionCall) goja.Value {
		return rt.ToValue(len(res.header.Values(c.Argument(0).String())) > 0)
	})
	_ = o.Set("removeHeader", func(c goja.FunctionCall) goja.Value {
		res.header.Del(c.Argument(0).String())
		return goja.Undefined()
	})
	_ = o.Set("writeHead", func(c goja.FunctionCall) goja.Value {
		_ = o.Set("statusCode", c.Argument(0))
		syncStatus()
		hdrs := c.Argument(1)
		if goja.IsString(hdrs) {
			hdrs = c.Argument(2)
		}
		if obj, ok := hdrs.(*goja.Object); ok {
			for _, k := range obj.Keys() {
				res.header[http.CanonicalHeaderKey(k)] = headerValue(obj.Get(k))
			}
		}
		markSent()
		return o
	})
	_ = o.Set("write", func(c goja.FunctionCall) goja.Value {
		syncStatus()
		chunk(c.Argument(0))
		markSent()
		return rt.ToValue(true)
	})
	_ = o.Set("end", func(c goja.FunctionCall) goja.Value {
		if res.ended {
			return o
		}
		syncStatus()
		if _, isFn := goja.AssertFunction(c.Argument(0)); !isFn {
			chunk(c.Argument(0))
		}
		res.ended = true
		markSent()
		_ = o.Set("writableEnded", true)
		_ = o.Set("finished", true)
		return o
	})
	return o
}

// bufferJS makes a Buffer (a Uint8Array when Buffer is missing) holding a copy of data. mu must be
// held.
func (vm *jsVM) bufferJS(data []byte) goja.Value {
	ab := vm.rt.NewArrayBuffer(slices.Clone(data))
	ctor := vm.rt.Get("Buffer")
	if ctor == nil || goja.IsUndefined(ctor) {
		ctor = vm.rt.Get("Uint8Array")
	}
	obj, err := vm.rt.New(ctor, vm.rt.ToValue(ab))
	if err != nil {
		return vm.rt.ToValue(ab)
	}
	return obj
}

// exportBytes returns the bytes of a Uint8Array (a Buffer) or an ArrayBuffer, copied.
func exportBytes(obj *goja.Object) ([]byte, bool) {
	switch obj.ExportType() {
	case reflect.TypeFor[[]byte]():
		if b, ok := obj.Export().([]byte); ok {
			return slices.Clone(b), true
		}
	case reflect.TypeFor[goja.ArrayBuffer]():
		if ab, ok := obj.Export().(goja.ArrayBuffer); ok {
			return slices.Clone(ab.Bytes()), true
		}
	}
	return nil, false
}
