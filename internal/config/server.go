package config

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// This file holds what the `server` and `optimizeDeps` options need beyond the reflective decoder,
// encoder and merger: their union-typed options (host: string | boolean, cors: boolean | object, ...),
// proxy rules with JS rewrite functions, and the defaults applied by Resolve.

// ---- Decoding ----

// decodeServerHost decodes server.host: a string, true (all addresses, "0.0.0.0") or false
// ("localhost").
func decodeServerHost(d *decoder, v any, field, _ reflect.Value, path string) {
	switch v := v.(type) {
	case bool:
		h := "localhost"
		if v {
			h = "0.0.0.0"
		}
		field.Set(reflect.ValueOf(String(h)))
	case string:
		field.Set(reflect.ValueOf(String(v)))
	default:
		d.typeError(path, "a string or a boolean", v)
	}
}

// decodeServerOpen decodes server.open: a boolean (true opens "/") or the path to open.
func decodeServerOpen(d *decoder, v any, field, _ reflect.Value, path string) {
	switch v := v.(type) {
	case bool:
		if v {
			field.SetString("/")
		} else {
			field.SetString("")
		}
	case string:
		field.SetString(v)
	default:
		d.typeError(path, "a boolean or a string", v)
	}
}

// decodeCORS decodes server.cors: true (any origin), false (no CORS headers) or the options of the
// `cors` package.
func decodeCORS(d *decoder, v any, field, _ reflect.Value, path string) {
	switch v := v.(type) {
	case bool:
		field.Set(reflect.ValueOf(&CORSOptions{Disabled: !v, AllowAll: v}))
	case *jsObject:
		c := &CORSOptions{}
		d.decodeStruct(v, reflect.ValueOf(c).Elem(), path)
		if c.Disabled {
			c = &CORSOptions{Disabled: true} // origin: false turns CORS off; nothing else matters
		}
		field.Set(reflect.ValueOf(c))
	default:
		d.typeError(path, "a boolean or an object", v)
	}
}

// decodeCORSOrigin decodes server.cors.origin: true (reflect any origin), false (no CORS), '*', an
// origin, a RegExp or an array of origins and RegExps.
func decodeCORSOrigin(d *decoder, v any, _, parent reflect.Value, path string) {
	c := parent.Addr().Interface().(*CORSOptions)
	switch v := v.(type) {
	case bool:
		c.AllowAll, c.Disabled = v, !v
		return
	case string:
		if v == "*" {
			c.AllowAll = true
			return
		}
	case *jsFunction:
		d.warnf("%s: a function is not supported by govite yet; it is ignored (localhost origins are allowed)", path)
		return
	}
	items, isList := v.([]any)
	if !isList {
		items = []any{v}
	}
	for i, e := range items {
		p := path
		if isList {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		switch e := e.(type) {
		case string:
			c.Origin = append(c.Origin, e)
		case *RegExp:
			src, err := TranslateRegExp(e.Source, e.Flags)
			if err != nil {
				d.errorf(p, "%v", err)
				continue
			}
			c.OriginRegexps = append(c.OriginRegexps, src)
		default:
			d.typeError(p, "a boolean, a string, a RegExp or an array of strings and RegExps", e)
		}
	}
}

// decodeAllowedHosts decodes server.allowedHosts: true (any host) or a list of host names.
func decodeAllowedHosts(d *decoder, v any, field, _ reflect.Value, path string) {
	if b, ok := v.(bool); ok {
		field.Set(reflect.ValueOf(&AllowedHosts{All: b}))
		return
	}
	list, ok := d.stringList(v, path)
	if !ok {
		return
	}
	if len(list) == 0 {
		list = nil
	}
	field.Set(reflect.ValueOf(&AllowedHosts{Hosts: list}))
}

// decodeHMR decodes server.hmr: a boolean or an object.
func decodeHMR(d *decoder, v any, field, _ reflect.Value, path string) {
	switch v := v.(type) {
	case bool:
		field.Set(reflect.ValueOf(&HMROptions{Disabled: !v}))
	case *jsObject:
		h := &HMROptions{}
		d.decodeStruct(v, reflect.ValueOf(h).Elem(), path)
		field.Set(reflect.ValueOf(h))
	default:
		d.typeError(path, "a boolean or an object", v)
	}
}

// decodeOptimizeDepsDisabled decodes optimizeDeps.disabled: a boolean, 'build' (dev pre-bundling stays
// on) or 'dev'.
func decodeOptimizeDepsDisabled(d *decoder, v any, field, _ reflect.Value, path string) {
	switch v := v.(type) {
	case bool:
		field.SetBool(v)
	case string:
		switch v {
		case "dev":
			field.SetBool(true)
		case "build":
			field.SetBool(false)
		default:
			d.errorf(path, "expected a boolean, 'build' or 'dev', got %q", v)
		}
	default:
		d.typeError(path, "a boolean, 'build' or 'dev'", v)
	}
}

// decodeProxy decodes server.proxy: { context: target | options }, in the order written.
func decodeProxy(d *decoder, v any, field, _ reflect.Value, path string) {
	o, ok := v.(*jsObject)
	if !ok {
		d.typeError(path, "an object", v)
		return
	}
	rules := []ProxyRule{}
	for _, k := range o.keys {
		p := joinPath(path, k)
		switch e := o.vals[k].(type) {
		case nil:
		case bool:
			if e {
				d.typeError(p, "a target URL or an options object", e)
			}
		case string:
			// The string form is { target, changeOrigin: true } (Vite's proxyMiddleware).
			rules = append(rules, ProxyRule{Context: k, Target: e, ChangeOrigin: true})
		case *jsObject:
			r := ProxyRule{Context: k}
			rest := newJSObject()
			for _, kk := range e.keys {
				val := e.vals[kk]
				if val == nil {
					continue
				}
				switch kk {
				case "rewrite":
					d.proxyRewrite(val, &r, joinPath(p, kk))
				case "target":
					if t, ok := d.proxyTarget(val, joinPath(p, kk)); ok {
						r.Target = t
					}
				case "bypass":
					d.proxyBypass(val, &r, e, joinPath(p, kk))
				case "configure":
					if f, ok := val.(*jsFunction); ok {
						r.HasConfigure, r.configureJS = true, f
					} else {
						d.typeError(joinPath(p, kk), "a function", val)
					}
				case "cookieDomainRewrite":
					r.CookieDomainRewrite = d.cookieRewrite(val, joinPath(p, kk))
				case "cookiePathRewrite":
					r.CookiePathRewrite = d.cookieRewrite(val, joinPath(p, kk))
				default:
					rest.set(kk, val)
				}
			}
			d.decodeStruct(rest, reflect.ValueOf(&r).Elem(), p)
			if r.Target == "" {
				d.warnf("%s has no target (govite needs one); the rule is ignored", p)
				continue
			}
			rules = append(rules, r)
		default:
			d.typeError(p, "a target URL or an options object", e)
		}
	}
	field.Set(reflect.ValueOf(rules))
}

// proxyTarget decodes a proxy target: a URL, or http-proxy's object form { protocol, host | hostname,
// port }.
func (d *decoder) proxyTarget(v any, path string) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case *jsObject:
		proto, _ := v.get("protocol").(string)
		host, _ := v.get("hostname").(string)
		if host == "" {
			host, _ = v.get("host").(string)
		}
		if host == "" {
			d.errorf(path, "expected a URL or an object with a host")
			return "", false
		}
		proto = strings.TrimSuffix(cmp.Or(proto, "http:"), ":")
		switch port := v.get("port").(type) {
		case float64:
			host += ":" + strconv.Itoa(int(port))
		case string:
			if port != "" {
				host += ":" + port
			}
		}
		return proto + "://" + host, true
	default:
		d.typeError(path, "a URL", v)
		return "", false
	}
}

// goStringFunc is a Go func(string) string in a config tree (a ProxyRule.Rewrite set from Go), so that
// encoding for a config hook and decoding again keeps it.
type goStringFunc func(string) string

// proxyRewrite decodes a proxy rule's rewrite function.
func (d *decoder) proxyRewrite(v any, r *ProxyRule, path string) {
	switch f := v.(type) {
	case goStringFunc:
		r.Rewrite = f
	case *jsFunction:
		if g := f.vm.goFunc(f); g != nil {
			r.Rewrite = g // a Go function a config hook was given and handed back
			return
		}
		fn, ok := goja.AssertFunction(f.val.(goja.Value))
		if !ok {
			d.typeError(path, "a function", v)
			return
		}
		r.Rewrite = f.vm.bridgeStringFunc(fn, path)
		r.rewriteJS = f
	default:
		d.typeError(path, "a function", v)
	}
}

// bridgeStringFunc makes a Go function of a JS function from string to string (a proxy rewrite). An
// exception or a result that is not a string leaves the input unchanged; it is reported on stderr since
// it happens while serving, after the warnings were collected.
func (vm *jsVM) bridgeStringFunc(fn goja.Callable, where string) func(string) string {
	return func(s string) string {
		vm.mu.Lock()
		defer vm.mu.Unlock()
		res, err := vm.callLocked(context.Background(), fn, goja.Undefined(), vm.rt.ToValue(s))
		if err != nil {
			fmt.Fprintf(vm.stderr, "govite: %s threw for %q: %v\n", where, s, err)
			return s
		}
		out, ok := res.Export().(string)
		if !ok {
			fmt.Fprintf(vm.stderr, "govite: %s returned %s for %q; expected a string\n", where, describeJS(res), s)
			return s
		}
		return out
	}
}

// goFuncJS makes a JS function of a Go function (for a config hook) and remembers it, so that decoding
// the hook's config gives back the Go function rather than a bridge to it. mu must be held.
func (vm *jsVM) goFuncJS(f goStringFunc) goja.Value {
	obj := vm.rt.ToValue(func(c goja.FunctionCall) goja.Value {
		return vm.rt.ToValue(f(c.Argument(0).String()))
	}).(*goja.Object)
	if vm.goFuncs == nil {
		vm.goFuncs = map[*goja.Object]goStringFunc{}
	}
	vm.goFuncs[obj] = f
	return obj
}

// goFunc returns the Go function f stands for, if goFuncJS made it. mu must be held.
func (vm *jsVM) goFunc(f *jsFunction) goStringFunc {
	if vm == nil {
		return nil
	}
	obj, _ := f.val.(*goja.Object)
	return vm.goFuncs[obj]
}

// ---- Encoding (the inverse of the decoders above) ----

// encodeServerField renders the server options with special forms; handled is false for the others.
func encodeServerField(f, parent reflect.Value, path string) (v any, handled bool) {
	if v, ok := encodeServerOptionField(f, path); ok {
		return v, true
	}
	switch path {
	case "server.host":
		if f.IsNil() {
			return nil, true
		}
		return f.Elem().String(), true
	case "server.cors":
		c := f.Interface().(*CORSOptions)
		if c == nil {
			return nil, true
		}
		return encodeCORS(*c), true
	case "server.cors.origin":
		return encodeCORSOrigin(parent.Interface().(CORSOptions)), true
	case "server.allowedHosts":
		ah := f.Interface().(*AllowedHosts)
		if ah == nil {
			return nil, true
		}
		if ah.All {
			return true, true
		}
		return goToTree(slices.Clone(ah.Hosts)), true
	case "server.hmr":
		h := f.Interface().(*HMROptions)
		if h == nil {
			return nil, true
		}
		if h.Disabled {
			return false, true
		}
		return encodeStruct(reflect.ValueOf(h).Elem(), path), true
	case "server.proxy":
		rules := f.Interface().([]ProxyRule)
		if rules == nil {
			return nil, true
		}
		return encodeProxy(rules), true
	}
	return nil, false
}

func encodeCORS(c CORSOptions) any {
	if c.Disabled {
		return false
	}
	if reflect.DeepEqual(c, CORSOptions{AllowAll: true}) {
		return true
	}
	return encodeStruct(reflect.ValueOf(c), "server.cors")
}

func encodeCORSOrigin(c CORSOptions) any {
	if c.AllowAll {
		return true
	}
	if len(c.Origin) == 0 && len(c.OriginRegexps) == 0 {
		return nil
	}
	list := make([]any, 0, len(c.Origin)+len(c.OriginRegexps))
	for _, o := range c.Origin {
		list = append(list, o)
	}
	for _, re := range c.OriginRegexps {
		src, flags := untranslateRegExp(re)
		list = append(list, &RegExp{Source: src, Flags: flags})
	}
	return list
}

func encodeProxy(rules []ProxyRule) *jsObject {
	o := newJSObject()
	for _, r := range rules {
		ro := encodeStruct(reflect.ValueOf(r), "server.proxy.rule")
		switch {
		case r.rewriteJS != nil:
			ro.set("rewrite", r.rewriteJS)
		case r.Rewrite != nil:
			ro.set("rewrite", goStringFunc(r.Rewrite))
		}
		encodeProxyExtras(ro, r)
		o.set(r.Context, ro)
	}
	return o
}

// serverTree is the JS view of the resolved server options (configResolved hooks).
func serverTree(s ResolvedServerOptions) *jsObject {
	o := newJSObject()
	o.set("host", s.Host)
	o.set("port", float64(s.Port))
	o.set("strictPort", s.StrictPort)
	if s.Open != "" {
		o.set("open", s.Open)
	} else {
		o.set("open", false)
	}
	if s.Origin != "" {
		o.set("origin", s.Origin)
	}
	o.set("cors", encodeCORS(s.Cors))
	if s.AllowedHosts.All {
		o.set("allowedHosts", true)
	} else {
		o.set("allowedHosts", goToTree(slices.Clone(s.AllowedHosts.Hosts)))
	}
	o.set("headers", goToTree(maps.Clone(s.Headers)))
	if s.Proxy != nil {
		o.set("proxy", encodeProxy(s.Proxy))
	}
	if s.HMR.Disabled {
		o.set("hmr", false)
	} else {
		o.set("hmr", encodeStruct(reflect.ValueOf(s.HMR), "server.hmr"))
	}
	o.set("warmup", encodeStruct(reflect.ValueOf(s.Warmup), "server.warmup"))
	fs := newJSObject()
	fs.set("strict", s.FSStrict)
	fs.set("allow", goToTree(s.FSAllow))
	fs.set("deny", goToTree(s.FSDeny))
	o.set("fs", fs)
	o.set("middlewareMode", s.MiddlewareMode)
	if s.HotFile != "" {
		o.set("hotFile", s.HotFile)
	}
	serverTreeExtras(o, s)
	return o
}

// ---- Merging ----

// mergeCORS merges server.cors: a boolean form (true, false) replaces the other side; two objects
// merge, their origin lists concatenated.
func mergeCORS(dst reflect.Value, v *CORSOptions, path string) {
	if v == nil {
		return
	}
	isBool := func(c *CORSOptions) bool {
		return c.Disabled || reflect.DeepEqual(*c, CORSOptions{AllowAll: true})
	}
	cur := dst.Interface().(*CORSOptions)
	if cur == nil || isBool(v) || isBool(cur) {
		c := cloneCORS(*v)
		dst.Set(reflect.ValueOf(&c))
		return
	}
	merged := cloneCORS(*cur)
	mergeStruct(reflect.ValueOf(&merged).Elem(), reflect.ValueOf(v).Elem(), path)
	dst.Set(reflect.ValueOf(&merged))
}

func cloneCORS(c CORSOptions) CORSOptions {
	c.Origin = slices.Clone(c.Origin)
	c.OriginRegexps = slices.Clone(c.OriginRegexps)
	c.Methods = slices.Clone(c.Methods)
	c.AllowedHeaders = slices.Clone(c.AllowedHeaders)
	c.ExposedHeaders = slices.Clone(c.ExposedHeaders)
	return c
}

// mergeAllowedHosts merges server.allowedHosts: true wins when override sets it; lists concatenate; a
// list over true is the list (what Vite's mergeConfig result amounts to).
func mergeAllowedHosts(dst reflect.Value, v *AllowedHosts) {
	if v == nil {
		return
	}
	cur := dst.Interface().(*AllowedHosts)
	out := &AllowedHosts{All: v.All}
	if !v.All {
		if cur != nil && !cur.All {
			out.Hosts = append(out.Hosts, cur.Hosts...)
		}
		out.Hosts = append(out.Hosts, v.Hosts...)
	}
	dst.Set(reflect.ValueOf(out))
}

// mergeProxy merges server.proxy as Vite merges its object: a rule of override for a context base has
// too is merged into base's rule (which keeps its place); rules for new contexts are appended.
func mergeProxy(dst reflect.Value, v []ProxyRule, path string) {
	if v == nil {
		return
	}
	out := slices.Clone(dst.Interface().([]ProxyRule))
	for _, r := range v {
		i := slices.IndexFunc(out, func(b ProxyRule) bool { return b.Context == r.Context })
		if i < 0 {
			out = append(out, r)
			continue
		}
		merged := out[i]
		mergeStruct(reflect.ValueOf(&merged).Elem(), reflect.ValueOf(r), joinPath(path, r.Context))
		if r.Rewrite != nil {
			merged.Rewrite, merged.rewriteJS = r.Rewrite, r.rewriteJS
		}
		if r.Bypass != nil {
			merged.Bypass, merged.bypassJS = r.Bypass, r.bypassJS
		}
		if r.HasConfigure {
			merged.configureJS = r.configureJS
		}
		out[i] = merged
	}
	dst.Set(reflect.ValueOf(out))
}

// ---- Resolution ----

// resolveServer applies the defaults of server.* (Vite's resolveServerOptions).
func resolveServer(s *ServerOptions, root string, w *warningList) ResolvedServerOptions {
	rs := ResolvedServerOptions{
		Host:           "localhost",
		Port:           DefaultServerPort,
		StrictPort:     s.StrictPort,
		Open:           s.Open,
		Origin:         s.Origin,
		Headers:        maps.Clone(s.Headers),
		Warmup:         Warmup{ClientFiles: slices.Clone(s.Warmup.ClientFiles), SSRFiles: slices.Clone(s.Warmup.SSRFiles)},
		FSStrict:       true,
		MiddlewareMode: s.MiddlewareMode,
	}
	if s.Host != nil && *s.Host != "" {
		rs.Host = *s.Host
	}
	if s.HotFile != "" {
		rs.HotFile = absFrom(root, s.HotFile)
	}
	if s.Port != 0 {
		rs.Port = s.Port
	}
	for _, r := range s.Proxy {
		if err := validProxyTarget(r.Target); err != nil {
			w.add(fmt.Sprintf("server.proxy[%q]: target %q: %v; the rule is ignored", r.Context, r.Target, err))
			continue
		}
		if strings.HasPrefix(r.Context, "^") {
			if _, err := TranslateRegExp(r.Context, ""); err != nil {
				w.add(fmt.Sprintf("server.proxy[%q]: %v; the rule is ignored", r.Context, err))
				continue
			}
		}
		rs.Proxy = append(rs.Proxy, r)
	}
	if strings.HasSuffix(rs.Origin, "/") {
		rs.Origin = strings.TrimRight(rs.Origin, "/")
		w.add(fmt.Sprintf(`server.origin should not end with "/". Using %q instead.`, rs.Origin))
	}

	if s.Cors != nil {
		rs.Cors = cloneCORS(*s.Cors)
	}
	if c := rs.Cors; !c.Disabled && !c.AllowAll && len(c.Origin) == 0 && len(c.OriginRegexps) == 0 {
		// No cors option, or an object without origin: Vite merges it over { origin: defaultAllowedOrigins }.
		rs.Cors.OriginRegexps = []string{DefaultAllowedOrigins}
	}
	if s.AllowedHosts != nil {
		rs.AllowedHosts = AllowedHosts{All: s.AllowedHosts.All, Hosts: slices.Clone(s.AllowedHosts.Hosts)}
	}

	if s.HMR != nil {
		rs.HMR = *s.HMR
	}
	if rs.HMR.Overlay == nil {
		rs.HMR.Overlay = Bool(true)
	} else {
		rs.HMR.Overlay = Bool(*rs.HMR.Overlay)
	}

	if s.FS.Strict != nil {
		rs.FSStrict = *s.FS.Strict
	}
	// As in Vite, a given allow list replaces the workspace root (configs add it back with
	// searchForWorkspaceRoot).
	if s.FS.Allow != nil {
		for _, a := range s.FS.Allow {
			rs.FSAllow = append(rs.FSAllow, absFrom(root, a))
		}
	} else {
		rs.FSAllow = []string{SearchForWorkspaceRoot(root)}
	}
	if s.FS.Deny != nil {
		rs.FSDeny = slices.Clone(s.FS.Deny)
	} else {
		rs.FSDeny = slices.Clone(DefaultFSDeny)
	}
	return rs
}

// resolveOptimizeDeps copies optimizeDeps (nothing depends on the mode).
func resolveOptimizeDeps(o OptimizeDeps) OptimizeDeps {
	o.Include = slices.Clone(o.Include)
	o.Exclude = slices.Clone(o.Exclude)
	o.Entries = slices.Clone(o.Entries)
	return o
}

// SearchForWorkspaceRoot returns the workspace root of dir as Vite's searchForWorkspaceRoot does: the
// nearest directory at or above dir with pnpm-workspace.yaml, lerna.json, a package.json with
// "workspaces" or a deno.json(c) with "workspace"; else the nearest directory with a package.json; else
// dir.
func SearchForWorkspaceRoot(dir string) string {
	dir = filepath.Clean(dir)
	if ws, ok := searchWorkspaceMarker(dir); ok {
		return ws
	}
	if pkg := findPackageDir(dir); pkg != "" {
		return pkg
	}
	return dir
}

// searchWorkspaceMarker returns the nearest directory at or above dir that is a workspace root.
func searchWorkspaceMarker(dir string) (string, bool) {
	for d := dir; ; {
		if isWorkspaceRoot(d) {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

func isWorkspaceRoot(dir string) bool {
	for _, f := range []string{"pnpm-workspace.yaml", "lerna.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	hasKey := func(file, key string) bool {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return false
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) != nil {
			return false
		}
		v, ok := m[key]
		return ok && isTruthyJSON(v)
	}
	return hasKey("package.json", "workspaces") || hasKey("deno.json", "workspace") || hasKey("deno.jsonc", "workspace")
}

// isTruthyJSON reports whether a JSON value is truthy in JavaScript.
func isTruthyJSON(v json.RawMessage) bool {
	switch s := strings.TrimSpace(string(v)); s {
	case "", "null", "false", "0", `""`:
		return false
	}
	return true
}

// validProxyTarget reports a proxy target govite cannot use.
func validProxyTarget(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return fmt.Errorf("the target must be an http(s):// or ws(s):// URL")
	}
	if u.Host == "" {
		return fmt.Errorf("the target has no host")
	}
	return nil
}
