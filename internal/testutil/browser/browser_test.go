package browser

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const indexHTML = `<!doctype html>
<html>
<head>
  <meta charset="utf-8">
  <title>browser test</title>
  <link rel="stylesheet" href="/style.css">
</head>
<body>
  <h1 id="title">  Hello govite  </h1>
  <img id="logo" src="/logo.png" alt="logo">
  <img id="gone" src="/missing.png" alt="missing">
  <script>
    console.log("page says", 42);
    console.error("custom error", 1 + 1);
    window.counter = 0;
    document.addEventListener("click", () => { window.counter++ });
    setTimeout(() => { document.body.dataset.late = "yes" }, 300);
    Promise.reject(new TypeError("rejected on purpose"));
  </script>
  <script>throw new Error("boom from page")</script>
</body>
</html>
`

const styleCSS = `#title { color: rgb(255, 0, 0); font-size: 31px; }
#logo { width: 8px; height: 8px; }
`

func logoPNG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	for x := range 2 {
		for y := range 2 {
			img.Set(x, y, color.RGBA{R: 0x64, G: 0x6c, B: 0xff, A: 0xff})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func testServer(t testing.TB) *httptest.Server {
	logo := logoPNG(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, indexHTML)
	})
	mux.HandleFunc("/style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, styleCSS)
	})
	mux.HandleFunc("/logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(logo)
	})
	mux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true,"n":7}`)
	})
	srv := httptest.NewServer(mux) // everything else, /missing.png included, is a 404
	t.Cleanup(srv.Close)
	return srv
}

func TestPage(t *testing.T) {
	srv := testServer(t)
	b := New(t)
	p := b.Page(t, srv.URL+"/")

	t.Run("Text", func(t *testing.T) {
		if got := p.Text(t, "#title"); got != "Hello govite" {
			t.Errorf("Text(#title) = %q, want %q", got, "Hello govite")
		}
	})

	t.Run("ComputedStyle", func(t *testing.T) {
		if got := p.ComputedStyle(t, "#title", "color"); got != "rgb(255, 0, 0)" {
			t.Errorf("color = %q, want rgb(255, 0, 0)", got)
		}
		if got := p.ComputedStyle(t, "#title", "font-size"); got != "31px" {
			t.Errorf("font-size = %q, want 31px", got)
		}
	})

	t.Run("Requests", func(t *testing.T) {
		want := map[string]int{"/": 200, "/style.css": 200, "/logo.png": 200, "/missing.png": 404}
		got := map[string]int{}
		for _, r := range p.Requests() {
			got[strings.TrimPrefix(r.URL, srv.URL)] = r.Status
			if !r.Done {
				t.Errorf("request not done after load: %v", r)
			}
		}
		for path, status := range want {
			if got[path] != status {
				t.Errorf("status of %s = %d, want %d (requests: %v)", path, got[path], status, p.Requests())
			}
		}
		failed := p.FailedRequests()
		if len(failed) != 1 || failed[0].URL != srv.URL+"/missing.png" || failed[0].Status != 404 || failed[0].Type != "Image" {
			t.Errorf("FailedRequests() = %v, want only the 404 image /missing.png; all: %#v", failed, p.Requests())
		}
	})

	t.Run("ConsoleAndExceptions", func(t *testing.T) {
		var sawLog, sawCustom, saw404 bool
		for _, m := range p.Console() {
			sawLog = sawLog || (m.Level == "log" && m.Text == "page says 42")
		}
		for _, m := range p.ConsoleErrors() {
			sawCustom = sawCustom || (m.Source == "console" && m.Text == "custom error 2")
			saw404 = saw404 || (m.Source == "network" && strings.Contains(m.Text, "404") && m.URL == srv.URL+"/missing.png")
		}
		if !sawLog || !sawCustom || !saw404 {
			t.Errorf("console: log=%v custom error=%v 404 error=%v; messages: %v", sawLog, sawCustom, saw404, p.Console())
		}
		// The rejection is reported when the microtask queue drains; give it a moment.
		p.WaitFor(t, "true", time.Second)
		var sawBoom, sawRejection bool
		for _, e := range p.Exceptions() {
			sawBoom = sawBoom || (e.Message == "Uncaught Error: boom from page" && e.URL == srv.URL+"/")
			sawRejection = sawRejection || strings.Contains(e.Message, "TypeError: rejected on purpose")
		}
		if !sawBoom || !sawRejection {
			t.Errorf("exceptions: boom=%v rejection=%v; got %v", sawBoom, sawRejection, p.Exceptions())
		}
		s := p.Summary()
		for _, want := range []string{"failed request: GET " + srv.URL + "/missing.png [Image] 404", "console error: [console error] custom error 2", "exception: Uncaught Error: boom from page"} {
			if !strings.Contains(s, want) {
				t.Errorf("Summary() lacks %q:%s", want, s)
			}
		}
	})

	t.Run("EvalAndWaitFor", func(t *testing.T) {
		var n int
		p.Eval(t, "1 + 2", &n)
		if n != 3 {
			t.Errorf("Eval(1 + 2) = %d", n)
		}
		var api struct {
			OK bool `json:"ok"`
			N  int  `json:"n"`
		}
		p.Eval(t, `fetch("/api").then(r => r.json())`, &api)
		if !api.OK || api.N != 7 {
			t.Errorf("Eval(fetch) = %+v", api)
		}
		p.Eval(t, "undefined", nil)
		p.WaitFor(t, `document.body.dataset.late === "yes"`, 5*time.Second)
		p.WaitFor(t, `new Promise(r => setTimeout(() => r(1), 50))`, 5*time.Second)
		p.WaitForRequest(t, "/api", time.Second)
		p.Click(t, "#title")
		p.WaitFor(t, "window.counter === 1", 2*time.Second)
	})

	t.Run("ReloadAndClear", func(t *testing.T) {
		p.ClearRecords()
		if n := len(p.Requests()) + len(p.Console()) + len(p.Exceptions()); n != 0 {
			t.Fatalf("ClearRecords left %d records", n)
		}
		p.Eval(t, "window.marker = 1", nil)
		p.Reload(t)
		var marker any
		p.Eval(t, "window.marker", &marker)
		if marker != nil {
			t.Errorf("window.marker = %v after reload, want undefined", marker)
		}
		if len(p.FailedRequests()) != 1 || len(p.Exceptions()) == 0 {
			t.Errorf("after reload: failed %v, exceptions %v", p.FailedRequests(), p.Exceptions())
		}
	})

	t.Run("Screenshot", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "shots", "page.png")
		p.Screenshot(t, path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("screenshot is not a PNG (%d bytes)", len(data))
		}
	})

	t.Run("CleanPage", func(t *testing.T) {
		// A second tab of the same browser, with its own records.
		q := b.Page(t, srv.URL+"/style.css")
		// The browser asks for /favicon.ico (a 404 here) on its own, some
		// time after the load event; that is neither recorded nor an error.
		q.WaitFor(t, "new Promise(r => setTimeout(() => r(true), 500))", 2*time.Second)
		if f := q.FailedRequests(); len(f) != 0 {
			t.Errorf("FailedRequests() = %v, want none", f)
		}
		q.ExpectNoErrors(t)
	})
}

// fakeTB records Skip and Fatal instead of stopping a real test.
type fakeTB struct {
	testing.TB
	skipped, fatal string
}

type stopped struct{}

func (f *fakeTB) Helper()          {}
func (f *fakeTB) Skip(args ...any) { f.skipped = fmt.Sprint(args...); panic(stopped{}) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	panic(stopped{})
}

func callNew(f *fakeTB) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stopped); !ok {
				panic(r)
			}
		}
	}()
	New(f)
}

func TestMissingChromium(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-chromium")
	t.Setenv(EnvChromium, missing)

	t.Setenv("CI", "")
	f := &fakeTB{TB: t}
	callNew(f)
	if f.skipped != "chromium not installed: run scripts/test to install it" || f.fatal != "" {
		t.Errorf("without CI: skipped %q, fatal %q", f.skipped, f.fatal)
	}

	t.Setenv("CI", "true")
	f = &fakeTB{TB: t}
	callNew(f)
	if f.skipped != "" || !strings.Contains(f.fatal, "Chromium") || !strings.Contains(f.fatal, missing) {
		t.Errorf("with CI=true: skipped %q, fatal %q", f.skipped, f.fatal)
	}
}
