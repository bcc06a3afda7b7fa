package react

import (
	"strings"
	"testing"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/govite/govite/internal/config"
)

// testHost is a PluginHost that records warnings.
type testHost struct{ warnings []string }

func (h *testHost) Resolve(string, string, bool) (*config.ResolveIDResult, error) { return nil, nil }
func (h *testHost) AddWatchFile(string)                                           {}
func (h *testHost) Warn(msg string)                                               { h.warnings = append(h.warnings, msg) }

const testRoot = "/project"

func serveCtx() *config.PluginContext {
	return &config.PluginContext{
		Environment: &config.Environment{Name: "client", Consumer: "client", Mode: "dev"},
		Config:      &config.ResolvedConfig{Root: testRoot, Base: "/", Command: "serve", Mode: "development"},
		Host:        &testHost{},
	}
}

// compileModule runs the plugin's transform on src as the file /project/src/<name>.
func compileModule(t *testing.T, name, src string) *compiled {
	t.Helper()
	return compileWith(t, newPlugin(nil), serveCtx(), name, src)
}

func compileWith(t *testing.T, p *plugin, ctx *config.PluginContext, name, src string) *compiled {
	t.Helper()
	c, err := p.compile(ctx, src, testRoot+"/src/"+name)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	if c == nil {
		t.Fatalf("compile %s: the plugin left the module alone", name)
	}
	checkSyntax(t, name, c.result.Code)
	return c
}

// checkSyntax fails when code is not a valid ES module.
func checkSyntax(t *testing.T, name, code string) {
	t.Helper()
	r := api.Transform(code, api.TransformOptions{Loader: api.LoaderJS, Format: api.FormatESModule})
	if len(r.Errors) > 0 {
		var msgs []string
		for _, e := range r.Errors {
			line := ""
			if e.Location != nil {
				line = e.Location.LineText
			}
			msgs = append(msgs, e.Text+": "+line)
		}
		t.Fatalf("%s: output is not valid JavaScript: %s\n%s", name, strings.Join(msgs, "; "), code)
	}
}

func regNames(out *refreshOutput) []string {
	var names []string
	for _, r := range out.Registrations {
		names = append(names, r.Name)
	}
	return names
}

func sigOf(out *refreshOutput, target string) *signature {
	for i := range out.Signatures {
		if out.Signatures[i].Target == target {
			return &out.Signatures[i]
		}
	}
	return nil
}
