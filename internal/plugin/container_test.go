package plugin

import (
	"errors"
	"strings"
	"testing"

	"github.com/govite/govite/internal/config"
)

func TestHookOrderAndChaining(t *testing.T) {
	var calls []string
	mk := func(name string, order string) *config.Plugin {
		p := &config.Plugin{Name: name}
		if order != "" {
			p.HookOrder = map[string]string{"transform": order}
		}
		p.Transform = func(ctx *config.PluginContext, code, id string) (*config.TransformResult, error) {
			calls = append(calls, name+"@"+ctx.EnvironmentName())
			return &config.TransformResult{Code: code + name}, nil
		}
		return p
	}
	c := New(&config.ResolvedConfig{}, "ssr", []*config.Plugin{mk("a", ""), mk("b", "post"), mk("c", "pre")})
	code, _, err := c.Transform("", "/x.js", "js")
	if err != nil {
		t.Fatal(err)
	}
	if code != "cab" || strings.Join(calls, ",") != "c@ssr,a@ssr,b@ssr" {
		t.Errorf("code %q calls %v", code, calls)
	}
}

func TestResolveFirstAnswerWinsAndSelfSkip(t *testing.T) {
	outer := &config.Plugin{Name: "outer"}
	outer.ResolveID = func(ctx *config.PluginContext, source, importer string, _ config.ResolveIDOptions) (*config.ResolveIDResult, error) {
		if source != "virtual:x" {
			return nil, nil
		}
		// this.resolve skips the calling plugin, so this does not recurse.
		r, err := ctx.Resolve("real", importer)
		if err != nil || r == nil {
			return nil, err
		}
		return &config.ResolveIDResult{ID: r.ID + "?wrapped"}, nil
	}
	inner := &config.Plugin{Name: "inner", ResolveID: func(ctx *config.PluginContext, source, importer string, _ config.ResolveIDOptions) (*config.ResolveIDResult, error) {
		return &config.ResolveIDResult{ID: "/abs/" + source}, nil
	}}
	c := New(&config.ResolvedConfig{}, "client", []*config.Plugin{outer, inner})
	r, err := c.ResolveID("virtual:x", "", config.ResolveIDOptions{})
	if err != nil || r.ID != "/abs/real?wrapped" {
		t.Errorf("got %+v, %v", r, err)
	}
	failing := &config.Plugin{Name: "bad", Load: func(*config.PluginContext, string) (*config.LoadResult, error) { return nil, errors.New("nope") }}
	_, err = New(&config.ResolvedConfig{}, "client", []*config.Plugin{failing}).Load("/m.js")
	if err == nil || !strings.Contains(err.Error(), "[plugin bad] load /m.js: nope") {
		t.Errorf("error %v", err)
	}
}

func TestContainerUsesTheEnvironmentsPlugins(t *testing.T) {
	rc := &config.ResolvedConfig{Command: "build", Environments: map[string]*config.ResolvedEnvironmentOptions{
		"client": {Name: "client", Consumer: "client"}, "ssr": {Name: "ssr", Consumer: "server"},
	}}
	var seen []string
	probe := func(name string) *config.Plugin {
		return &config.Plugin{Name: name, Transform: func(ctx *config.PluginContext, code, id string) (*config.TransformResult, error) {
			e := ctx.Environment
			seen = append(seen, name+"@"+e.Name+"/"+e.Consumer+"/"+e.Mode)
			return nil, nil
		}}
	}
	serverOnly := probe("server-only")
	serverOnly.ApplyToEnvironment = func(env *config.Environment) (bool, []*config.Plugin) { return env.Consumer == "server", nil }
	per := config.PerEnvironmentPlugin("per", func(env *config.Environment) *config.Plugin { return probe("per-" + env.Name) })
	plugins := []*config.Plugin{probe("all"), serverOnly, per}

	for _, env := range []string{"client", "ssr"} {
		c := New(rc, env, plugins)
		if _, _, err := c.Transform("", "/x.js", "js"); err != nil {
			t.Fatal(err)
		}
		if c.Environment.Options != rc.Environments[env] {
			t.Errorf("%s: Environment.Options not the resolved ones", env)
		}
	}
	want := "all@client/client/build,per-client@client/client/build,all@ssr/server/build,server-only@ssr/server/build,per-ssr@ssr/server/build"
	if got := strings.Join(seen, ","); got != want {
		t.Errorf("calls\n got  %s\n want %s", got, want)
	}
}

func TestContainerHotUpdate(t *testing.T) {
	var calls []string
	hook := func(name, order string, f func(mods []string) []string) *config.Plugin {
		p := &config.Plugin{Name: name, HotUpdate: func(ctx *config.PluginContext, o *config.HotUpdateOptions) ([]string, error) {
			calls = append(calls, name+"@"+ctx.EnvironmentName()+":"+strings.Join(o.Modules, "+"))
			return f(o.Modules), nil
		}}
		if order != "" {
			p.HookOrder = map[string]string{"hotUpdate": order}
		}
		return p
	}
	keep := func([]string) []string { return nil }
	dropB := func(mods []string) []string {
		var out []string
		for _, m := range mods {
			if m != "/b.js" {
				out = append(out, m)
			}
		}
		return out
	}
	handled := func([]string) []string { return []string{} }
	c := New(&config.ResolvedConfig{Command: "serve"}, "client", []*config.Plugin{hook("keep", "post", keep), hook("filter", "pre", dropB), {Name: "none"}})
	mods, err := c.HotUpdate(&config.HotUpdateOptions{Type: "update", File: "/a.js", Modules: []string{"/a.js", "/b.js"}})
	if err != nil || strings.Join(mods, ",") != "/a.js" {
		t.Errorf("modules %v, %v", mods, err)
	}
	if got := strings.Join(calls, ","); got != "filter@client:/a.js+/b.js,keep@client:/a.js" {
		t.Errorf("calls %s", got)
	}

	c = New(&config.ResolvedConfig{Command: "serve"}, "ssr", []*config.Plugin{hook("handled", "", handled), hook("after", "", keep)})
	mods, err = c.HotUpdate(&config.HotUpdateOptions{File: "/a.js", Modules: []string{"/a.js"}})
	if err != nil || mods == nil || len(mods) != 0 {
		t.Errorf("handled: %#v, %v", mods, err)
	}
	failing := &config.Plugin{Name: "bad", HotUpdate: func(*config.PluginContext, *config.HotUpdateOptions) ([]string, error) {
		return nil, errors.New("nope")
	}}
	_, err = New(&config.ResolvedConfig{}, "client", []*config.Plugin{failing}).HotUpdate(&config.HotUpdateOptions{File: "/f.js"})
	if err == nil || !strings.Contains(err.Error(), "[plugin bad] hotUpdate /f.js: nope") {
		t.Errorf("error %v", err)
	}
}
