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
			calls = append(calls, name+"@"+ctx.Environment)
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
