package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// pollInterval is how often WaitFor, Text and friends re-check the page.
const pollInterval = 50 * time.Millisecond

// Request is one network request of a page, as the browser saw it.
type Request struct {
	ID     string // the browser's request id (shared by the hops of a redirect)
	URL    string
	Method string
	// Type is the browser's resource type: Document, Stylesheet, Image,
	// Script, Fetch, XHR, WebSocket, Other, ...
	Type string
	// Initiator is what started the request: parser, script, preload,
	// other (the browser itself, e.g. for the tab's favicon), ...
	Initiator string
	// Status is the HTTP status, 0 until the response arrives and for
	// requests that failed before any response. A redirect hop keeps its
	// 3xx status; the next hop is a new Request with the same ID.
	Status     int
	StatusText string
	MIMEType   string
	FromCache  bool
	// ErrorText is set when loading failed in the network
	// (net::ERR_CONNECTION_REFUSED, net::ERR_ABORTED, ...).
	ErrorText string
	// Canceled is set when the browser itself canceled the request, for
	// example because the page navigated away.
	Canceled bool
	// Done is set once loading finished or failed (for a WebSocket: once
	// its handshake answered or it closed).
	Done bool
}

// Failure reports whether the request failed: an HTTP status >= 400, or a
// network error that is not a cancellation by the browser.
func (r Request) Failure() bool {
	return r.Status >= 400 || (r.ErrorText != "" && !r.Canceled)
}

func (r Request) String() string {
	s := fmt.Sprintf("%s %s [%s]", r.Method, r.URL, r.Type)
	switch {
	case r.ErrorText != "":
		s += " " + r.ErrorText
		if r.Canceled {
			s += " (canceled)"
		}
	case r.Status != 0:
		s += fmt.Sprintf(" %d", r.Status)
	default:
		s += " (pending)"
	}
	return s
}

// ConsoleMessage is a console.* call or a browser log entry (for example
// "Failed to load resource: the server responded with a status of 404").
type ConsoleMessage struct {
	// Source is "console" for console.* calls, else the browser's log
	// source: network, javascript, security, violation, other, ...
	Source string
	// Level is error, warning, info, log or debug. console.error and
	// failed console.assert calls are "error".
	Level string
	Text  string
	URL   string
	Line  int // 1-based, 0 when unknown
}

func (m ConsoleMessage) String() string {
	s := fmt.Sprintf("[%s %s] %s", m.Source, m.Level, m.Text)
	if m.URL != "" {
		s += fmt.Sprintf(" (%s:%d)", m.URL, m.Line)
	}
	return s
}

// Exception is an uncaught exception or unhandled promise rejection.
type Exception struct {
	// Message is what the console shows first, e.g. "Uncaught Error: boom"
	// or "Uncaught (in promise) TypeError: ...".
	Message string
	// Stack is the exception's description with its stack, when it has one.
	Stack  string
	URL    string
	Line   int // 1-based
	Column int // 1-based
}

func (e Exception) String() string {
	if e.URL == "" {
		return e.Message
	}
	return fmt.Sprintf("%s (%s:%d:%d)", e.Message, e.URL, e.Line, e.Column)
}

// Page is one browser tab. Its records (requests, console messages,
// exceptions) accumulate over navigations and reloads until ClearRecords.
type Page struct {
	b         *Browser
	ctx       context.Context
	cancel    context.CancelFunc
	closeOnce sync.Once

	mu         sync.Mutex
	requests   []Request
	byID       map[string]int  // request id -> index of its latest hop
	ignored    map[string]bool // ids of the browser's own favicon requests
	console    []ConsoleMessage
	exceptions []Exception
}

// Context is the chromedp context of the tab, for anything the helpers do
// not cover: chromedp.Run(p.Context(), ...).
func (p *Page) Context() context.Context { return p.ctx }

// Close closes the tab. It is called in t.Cleanup; calling it earlier is fine.
func (p *Page) Close() { p.closeOnce.Do(p.cancel) }

// Navigate loads url in the tab and waits for its load event.
func (p *Page) Navigate(t testing.TB, url string) {
	t.Helper()
	if err := p.do(DefaultTimeout, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigating to %s: %v%s", url, err, p.Summary())
	}
}

// Reload reloads the page and waits for its load event. Records are kept;
// call ClearRecords first to look at the reload alone.
func (p *Page) Reload(t testing.TB) {
	t.Helper()
	if err := p.do(DefaultTimeout, chromedp.Reload()); err != nil {
		t.Fatalf("reloading: %v%s", err, p.Summary())
	}
}

// Eval evaluates js (an expression, or statements whose last value is the
// result) in the page, waits for it when it is a promise, and decodes the
// JSON value of the result into out. out may be nil to ignore the result.
// An exception fails the test.
func (p *Page) Eval(t testing.TB, js string, out any) {
	t.Helper()
	raw, err := p.eval(DefaultTimeout, js)
	if err != nil {
		t.Fatalf("evaluating %s: %v%s", js, err, p.Summary())
	}
	if out == nil {
		return
	}
	if len(raw) == 0 {
		raw = []byte("null") // undefined
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("evaluating %s: decoding %s into %T: %v", js, raw, out, err)
	}
}

// WaitFor polls the JavaScript expression jsExpr until it is truthy (a
// promise is awaited first), and fails the test after timeout. Exceptions
// while polling (say, a global that is not defined yet) count as falsy; a
// SyntaxError fails at once.
func (p *Page) WaitFor(t testing.TB, jsExpr string, timeout time.Duration) {
	t.Helper()
	js := "(async () => { const v = (" + jsExpr + "\n); return !!(v && typeof v.then === 'function' ? await v : v); })()"
	var lastErr error
	deadline := time.Now().Add(timeout)
	for {
		raw, err := p.eval(time.Until(deadline)+pollInterval, js)
		if err == nil && string(raw) == "true" {
			return
		}
		if err != nil {
			if isSyntaxError(err) {
				t.Fatalf("WaitFor(%s): %v", jsExpr, err)
			}
			lastErr = err
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(pollInterval)
	}
	if lastErr != nil {
		t.Fatalf("WaitFor(%s): still not true after %v (last error: %v)%s", jsExpr, timeout, lastErr, p.Summary())
	}
	t.Fatalf("WaitFor(%s): still not true after %v%s", jsExpr, timeout, p.Summary())
}

// Text waits (up to DefaultTimeout) for the first element matching the CSS
// selector and returns its textContent with surrounding space trimmed.
func (p *Page) Text(t testing.TB, selector string) string {
	t.Helper()
	return strings.TrimSpace(p.onElement(t, "Text", selector, "el.textContent"))
}

// ComputedStyle waits (up to DefaultTimeout) for the first element matching
// the CSS selector and returns getComputedStyle(el).getPropertyValue(prop),
// e.g. "rgb(255, 0, 0)" for prop "color".
func (p *Page) ComputedStyle(t testing.TB, selector, prop string) string {
	t.Helper()
	return p.onElement(t, "ComputedStyle", selector, "getComputedStyle(el).getPropertyValue("+jsString(prop)+")")
}

// Click waits (up to DefaultTimeout) for the first element matching the CSS
// selector to be visible and clicks it with the mouse.
func (p *Page) Click(t testing.TB, selector string) {
	t.Helper()
	if err := p.do(DefaultTimeout, chromedp.Click(chromedp.CSS(selector))); err != nil {
		t.Fatalf("Click(%s): %v%s", selector, err, p.Summary())
	}
}

// Screenshot writes a PNG of the whole page to path, creating its folder.
func (p *Page) Screenshot(t testing.TB, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, DefaultTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
}

// Requests returns every request recorded so far, in the order they started.
func (p *Page) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.requests...)
}

// FailedRequests returns the requests that got a status >= 400 or failed in
// the network (requests the browser canceled itself are not failures).
func (p *Page) FailedRequests() []Request {
	var out []Request
	for _, r := range p.Requests() {
		if r.Failure() {
			out = append(out, r)
		}
	}
	return out
}

// WaitForRequest waits until a request whose URL contains urlPart is done
// (finished or failed) and returns it; it fails the test after timeout.
func (p *Page) WaitForRequest(t testing.TB, urlPart string, timeout time.Duration) Request {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, r := range p.Requests() {
			if r.Done && strings.Contains(r.URL, urlPart) {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("WaitForRequest(%q): no finished request after %v%s", urlPart, timeout, p.requestList())
		}
		time.Sleep(pollInterval)
	}
}

// Console returns every console message and browser log entry so far.
func (p *Page) Console() []ConsoleMessage {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]ConsoleMessage(nil), p.console...)
}

// ConsoleErrors returns the console messages of level "error": console.error,
// failed console.assert, and browser errors such as "Failed to load
// resource". Uncaught exceptions are in Exceptions.
func (p *Page) ConsoleErrors() []ConsoleMessage {
	var out []ConsoleMessage
	for _, m := range p.Console() {
		if m.Level == "error" {
			out = append(out, m)
		}
	}
	return out
}

// Exceptions returns the uncaught exceptions and unhandled rejections so far.
func (p *Page) Exceptions() []Exception {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Exception(nil), p.exceptions...)
}

// ClearRecords forgets the requests, console messages and exceptions
// recorded so far.
func (p *Page) ClearRecords() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = nil
	p.byID = map[string]int{}
	p.ignored = map[string]bool{}
	p.console = nil
	p.exceptions = nil
}

// ExpectNoErrors reports (t.Errorf) every failed request, console error and
// uncaught exception recorded so far.
func (p *Page) ExpectNoErrors(t testing.TB) {
	t.Helper()
	if s := p.Summary(); s != "" {
		t.Errorf("page has errors:%s", s)
	}
}

// Summary lists the failed requests, console errors and exceptions recorded
// so far, one per line, each line starting with a newline; it is "" when
// there are none. The helpers add it to their failure messages.
func (p *Page) Summary() string {
	var b strings.Builder
	for _, r := range p.FailedRequests() {
		b.WriteString("\n  failed request: " + r.String())
	}
	for _, m := range p.ConsoleErrors() {
		b.WriteString("\n  console error: " + m.String())
	}
	for _, e := range p.Exceptions() {
		b.WriteString("\n  exception: " + e.String())
		if e.Stack != "" && e.Stack != strings.TrimPrefix(e.Message, "Uncaught ") {
			b.WriteString("\n    " + strings.ReplaceAll(e.Stack, "\n", "\n    "))
		}
	}
	return b.String()
}

func (p *Page) requestList() string {
	var b strings.Builder
	for _, r := range p.Requests() {
		b.WriteString("\n  request: " + r.String())
	}
	return b.String()
}

// do runs actions with a timeout that leaves the tab usable.
func (p *Page) do(timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// eval evaluates js, awaiting a promise, and returns the JSON of its value
// (nil for undefined).
func (p *Page) eval(timeout time.Duration, js string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
}

// onElement polls until document.querySelector(selector) exists and returns
// the string value of expr, evaluated with the element bound to el.
func (p *Page) onElement(t testing.TB, what, selector, expr string) string {
	t.Helper()
	js := "(() => { const el = document.querySelector(" + jsString(selector) + "); return el ? String(" + expr + ") : null; })()"
	var lastErr error
	deadline := time.Now().Add(DefaultTimeout)
	for {
		raw, err := p.eval(time.Until(deadline)+pollInterval, js)
		if err == nil && len(raw) > 0 && string(raw) != "null" {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				t.Fatalf("%s(%s): decoding %s: %v", what, selector, raw, err)
			}
			return s
		}
		if err != nil {
			if isSyntaxError(err) {
				t.Fatalf("%s(%s): %v", what, selector, err)
			}
			lastErr = err
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(pollInterval)
	}
	if lastErr != nil {
		t.Fatalf("%s(%s): no such element after %v (last error: %v)%s", what, selector, DefaultTimeout, lastErr, p.Summary())
	}
	t.Fatalf("%s(%s): no such element after %v%s", what, selector, DefaultTimeout, p.Summary())
	return ""
}

func isSyntaxError(err error) bool {
	var ex *chromedp.ExceptionError
	if !errors.As(err, &ex) {
		return false
	}
	d := ex.ExceptionDetails
	return strings.Contains(d.Text, "SyntaxError") ||
		(d.Exception != nil && strings.Contains(d.Exception.Description, "SyntaxError"))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// record is the tab's event listener. It runs on chromedp's reader
// goroutine, in the order the browser sent the events, so it must be quick.
func (p *Page) record(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		id := string(e.RequestID)
		if e.RedirectResponse != nil {
			if i, ok := p.byID[id]; ok {
				r := &p.requests[i]
				r.Status = int(e.RedirectResponse.Status)
				r.StatusText = e.RedirectResponse.StatusText
				r.MIMEType = e.RedirectResponse.MimeType
				r.Done = true
			}
		}
		r := Request{ID: id, Type: string(e.Type)}
		if e.Initiator != nil {
			r.Initiator = string(e.Initiator.Type)
		}
		if e.Request != nil {
			r.URL = e.Request.URL
			r.Method = e.Request.Method
		}
		if isAutoFavicon(r) {
			p.ignored[id] = true
			return
		}
		p.requests = append(p.requests, r)
		p.byID[id] = len(p.requests) - 1
	case *network.EventResponseReceived:
		if p.ignored[string(e.RequestID)] {
			return
		}
		r := p.request(string(e.RequestID))
		if e.Type != "" {
			r.Type = string(e.Type)
		}
		if res := e.Response; res != nil {
			if r.URL == "" {
				r.URL = res.URL
			}
			r.Status = int(res.Status)
			r.StatusText = res.StatusText
			r.MIMEType = res.MimeType
			r.FromCache = r.FromCache || res.FromDiskCache || res.FromPrefetchCache
		}
	case *network.EventRequestServedFromCache:
		if p.ignored[string(e.RequestID)] {
			return
		}
		p.request(string(e.RequestID)).FromCache = true
	case *network.EventLoadingFinished:
		if p.ignored[string(e.RequestID)] {
			return
		}
		p.request(string(e.RequestID)).Done = true
	case *network.EventLoadingFailed:
		if p.ignored[string(e.RequestID)] {
			return
		}
		r := p.request(string(e.RequestID))
		r.Done = true
		r.Canceled = e.Canceled
		r.ErrorText = e.ErrorText
		if e.BlockedReason != "" {
			r.ErrorText += " (blocked: " + string(e.BlockedReason) + ")"
		}
		if r.ErrorText == "" {
			r.ErrorText = "loading failed"
		}
	case *network.EventWebSocketCreated:
		id := string(e.RequestID)
		p.requests = append(p.requests, Request{ID: id, URL: e.URL, Method: "GET", Type: "WebSocket"})
		p.byID[id] = len(p.requests) - 1
	case *network.EventWebSocketHandshakeResponseReceived:
		r := p.request(string(e.RequestID))
		r.Done = true
		if e.Response != nil {
			r.Status = int(e.Response.Status)
			r.StatusText = e.Response.StatusText
		}
	case *network.EventWebSocketClosed:
		r := p.request(string(e.RequestID))
		if r.Status == 0 && r.ErrorText == "" {
			r.ErrorText = "WebSocket closed before its handshake completed"
		}
		r.Done = true
	case *runtime.EventConsoleAPICalled:
		m := ConsoleMessage{Source: "console", Level: consoleLevel(e.Type), Text: formatArgs(e.Args)}
		if e.StackTrace != nil && len(e.StackTrace.CallFrames) > 0 {
			f := e.StackTrace.CallFrames[0]
			m.URL, m.Line = f.URL, int(f.LineNumber)+1
		}
		p.console = append(p.console, m)
	case *log.EventEntryAdded:
		if en := e.Entry; en != nil && !p.ignored[string(en.NetworkRequestID)] {
			m := ConsoleMessage{Source: string(en.Source), Level: string(en.Level), Text: en.Text, URL: en.URL}
			if en.LineNumber > 0 {
				m.Line = int(en.LineNumber) + 1
			}
			if en.Level == log.EntryLevelVerbose {
				m.Level = "debug"
			}
			p.console = append(p.console, m)
		}
	case *runtime.EventExceptionThrown:
		if d := e.ExceptionDetails; d != nil {
			p.exceptions = append(p.exceptions, exception(d))
		}
	}
}

// isAutoFavicon reports whether r is the browser's own request for the
// tab's /favicon.ico, which it makes at an unpredictable time after the load
// event. The page did not ask for it, so it is not recorded (and its 404 is
// not a failure). A favicon the page links to has another initiator.
func isAutoFavicon(r Request) bool {
	if r.Initiator != "other" || r.Type != "Other" {
		return false
	}
	u, err := url.Parse(r.URL)
	return err == nil && u.Path == "/favicon.ico"
}

// request returns the latest hop of the request with that id, adding an
// entry when its start was not seen.
func (p *Page) request(id string) *Request {
	i, ok := p.byID[id]
	if !ok {
		p.requests = append(p.requests, Request{ID: id})
		i = len(p.requests) - 1
		p.byID[id] = i
	}
	return &p.requests[i]
}

func consoleLevel(t runtime.ConsoleAPICalledType) string {
	switch t {
	case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeAssert:
		return "error"
	case runtime.ConsoleAPICalledTypeWarning:
		return "warning"
	case runtime.ConsoleAPICalledTypeInfo:
		return "info"
	case runtime.ConsoleAPICalledTypeDebug:
		return "debug"
	}
	return "log"
}

func formatArgs(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		parts = append(parts, remoteString(a))
	}
	return strings.Join(parts, " ")
}

func remoteString(a *runtime.RemoteObject) string {
	if a == nil {
		return ""
	}
	if len(a.Value) > 0 {
		var s string
		if a.Type == runtime.RemoteObjectTypeString && json.Unmarshal(a.Value, &s) == nil {
			return s
		}
		return string(a.Value)
	}
	if a.UnserializableValue != "" {
		return string(a.UnserializableValue)
	}
	if a.Description != "" {
		return a.Description
	}
	return string(a.Type)
}

func exception(d *runtime.ExceptionDetails) Exception {
	e := Exception{Message: d.Text, URL: d.URL, Line: int(d.LineNumber) + 1, Column: int(d.ColumnNumber) + 1}
	if d.StackTrace != nil && len(d.StackTrace.CallFrames) > 0 && e.URL == "" {
		e.URL = d.StackTrace.CallFrames[0].URL
	}
	if ex := d.Exception; ex != nil {
		desc := remoteString(ex)
		if ex.Description != "" {
			desc = ex.Description
		}
		first, _, _ := strings.Cut(desc, "\n")
		if first != "" && !strings.Contains(e.Message, first) {
			e.Message = strings.TrimSpace(e.Message + " " + first)
		}
		if strings.Contains(desc, "\n") {
			e.Stack = desc
		}
	}
	return e
}
