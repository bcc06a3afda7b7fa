package jsrt

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/evanw/esbuild/pkg/api"

	"github.com/govite/govite/internal/testutil/tools"
)

var (
	reactBundleOnce sync.Once
	reactBundle     *goja.Program
	reactBundleErr  error
)

// reactProgram bundles react and react-dom/server.browser from e2e/vite8/node_modules into one IIFE
// (global ReactSSR), compiled once for all the tests that use it.
func reactProgram(t *testing.T) *goja.Program {
	t.Helper()
	dir := filepath.Join(tools.RepoRoot(), "e2e", "vite8")
	_, err := os.Stat(filepath.Join(dir, "node_modules", "react-dom", "package.json"))
	tools.Require(t, err == nil, filepath.Join(dir, "node_modules")+" has no react-dom: run `cd e2e/vite8 && npm ci` (scripts/test does it)")
	reactBundleOnce.Do(func() {
		res := api.Build(api.BuildOptions{
			Stdin: &api.StdinOptions{
				Contents: `import * as React from "react";
import { renderToString, renderToReadableStream } from "react-dom/server.browser";
export { React, renderToString, renderToReadableStream };`,
				ResolveDir: dir,
				Loader:     api.LoaderJS,
			},
			Bundle:     true,
			Format:     api.FormatIIFE,
			GlobalName: "ReactSSR",
			Platform:   api.PlatformBrowser,
			Conditions: []string{"browser", "worker"},
			Define:     map[string]string{"process.env.NODE_ENV": `"production"`},
			Target:     api.ES2020,
			Write:      false,
		})
		if len(res.Errors) > 0 {
			msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
			reactBundleErr = &bundleError{strings.Join(msgs, "\n")}
			return
		}
		reactBundle, reactBundleErr = goja.Compile("react-ssr-bundle.js", string(res.OutputFiles[0].Contents), false)
	})
	if reactBundleErr != nil {
		t.Fatalf("bundling React: %v", reactBundleErr)
	}
	return reactBundle
}

type bundleError struct{ msg string }

func (e *bundleError) Error() string { return e.msg }

// reactComponents defines test components on globalThis (no JSX: createElement).
const reactComponents = `
var h = ReactSSR.React.createElement;
function App(props) {
	return h("div", { className: "app" },
		h("h1", null, "Hello ", props.name),
		h("ul", null, [1, 2, 3].map(function (i) { return h("li", { key: i }, "item " + i); })));
}
`

func loadReact(t *testing.T, rt *Runtime) {
	t.Helper()
	prog := reactProgram(t)
	err := rt.Do(context.Background(), func(vm *goja.Runtime) error {
		if _, err := vm.RunProgram(prog); err != nil {
			return err
		}
		_, err := vm.RunString(reactComponents)
		return err
	})
	if err != nil {
		t.Fatalf("evaluating the React bundle: %v", err)
	}
}

func TestReactRenderToString(t *testing.T) {
	rt, logs := newTestRuntime(t)
	loadReact(t, rt)
	got := evalJSON(t, rt, `ReactSSR.renderToString(h(App, { name: "govite" }))`)
	want := `"<div class=\"app\"><h1>Hello <!-- -->govite</h1><ul><li>item 1</li><li>item 2</li><li>item 3</li></ul></div>"`
	if got != want {
		t.Errorf("renderToString:\n got %s\nwant %s", got, want)
	}
	for _, r := range logs.all() {
		t.Errorf("unexpected log: %v", r)
	}
}

// TestReactRenderToReadableStream streams a page with a Suspense boundary that resolves on a timer,
// through a Response and ToHTTPResponse, and reads it from Go.
func TestReactRenderToReadableStream(t *testing.T) {
	rt, logs := newTestRuntime(t)
	loadReact(t, rt)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	var resp *httpResponse
	err := rt.Await(ctx, func(vm *goja.Runtime) (goja.Value, error) {
		return vm.RunString(`
			// The boundary's data comes from a timer that Go starts once it has read the shell, so that
			// the shell and the boundary are flushed apart however slow the machine is.
			var slowData = new Promise(function (resolve) {
				globalThis.startSlowTimer = function () { setTimeout(function () { resolve("loaded after a timer"); }, 10); };
			});
			function Slow() { return h("p", { id: "slow" }, ReactSSR.React.use(slowData)); }
			function Page() {
				return h("html", null,
					h("head", null, h("title", null, "t")),
					h("body", null,
						h(App, { name: "stream" }),
						h(ReactSSR.React.Suspense, { fallback: h("span", null, "loading...") }, h(Slow))));
			}
			ReactSSR.renderToReadableStream(h(Page)).then(function (stream) {
				return new Response(stream, { status: 200, headers: { "content-type": "text/html; charset=utf-8" } });
			});`)
	}, func(vm *goja.Runtime, v goja.Value) error {
		r, err := rt.ToHTTPResponse(vm, v)
		if err != nil {
			return err
		}
		resp = &httpResponse{r.StatusCode, r.Header.Get("Content-Type"), r.Body}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.body.Close()
	if resp.status != 200 || resp.contentType != "text/html; charset=utf-8" {
		t.Errorf("status %d, content-type %q", resp.status, resp.contentType)
	}
	var chunks []string
	buf := make([]byte, 64<<10)
	for {
		n, err := resp.body.Read(buf)
		if n > 0 {
			chunks = append(chunks, string(buf[:n]))
			if len(chunks) == 1 {
				if err := rt.Do(ctx, func(vm *goja.Runtime) error {
					_, err := vm.RunString("startSlowTimer()")
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading the body: %v", err)
		}
	}
	html := strings.Join(chunks, "")
	// The shell (with the fallback) must be flushed before the timer resolves the boundary: the two
	// must arrive in different reads.
	chunkOf := func(s string) int {
		at := strings.Index(html, s)
		for i, end := 0, 0; i < len(chunks); i++ {
			end += len(chunks[i])
			if at < end {
				return i
			}
		}
		return -1
	}
	if a, b := chunkOf("loading..."), chunkOf("loaded after a timer"); a < 0 || b <= a {
		t.Errorf("the fallback (chunk %d) should arrive before the resolved boundary (chunk %d); %d chunks", a, b, len(chunks))
	}
	for _, want := range []string{
		"<!DOCTYPE html><html><head>",
		`<div class="app"><h1>Hello <!-- -->stream</h1><ul><li>item 1</li>`,
		"<span>loading...</span>",
		`<p id="slow">loaded after a timer</p>`,
		"</body></html>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("streamed HTML lacks %q:\n%s", want, html)
		}
	}
	for _, r := range logs.all() {
		t.Errorf("unexpected log: %v", r)
	}
}

type httpResponse struct {
	status      int
	contentType string
	body        io.ReadCloser
}
