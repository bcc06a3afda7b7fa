package jsrt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dop251/goja"
)

// chunkSize is how much one pull of a Go-backed body stream reads.
const chunkSize = 32 << 10

// NewRequest (call it on the loop) makes a JavaScript Request for req: absolute URL (from req.Host and
// TLS when req.URL is a path), method, headers (plus Host) and a body that streams from req.Body as
// JavaScript reads it. Its signal aborts when req's context is done.
func (r *Runtime) NewRequest(vm *goja.Runtime, req *http.Request) (goja.Value, error) {
	u := *req.URL
	if !u.IsAbs() {
		u.Scheme = "http"
		if req.TLS != nil {
			u.Scheme = "https"
		}
		u.Host = req.Host
	}
	if u.Host == "" {
		u.Host = "localhost"
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	pairs := make([]any, 0, len(req.Header)+1)
	if req.Header.Get("Host") == "" && req.Host != "" {
		pairs = append(pairs, []any{"host", req.Host})
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			pairs = append(pairs, []any{k, v})
		}
	}
	body := goja.Null()
	if req.Body != nil && req.Body != http.NoBody && method != http.MethodGet && method != http.MethodHead {
		s, err := r.readerStream(req.Body)
		if err != nil {
			return nil, err
		}
		body = s
	}
	var res goja.Value
	err := r.protect(func() error {
		var err error
		res, err = r.helpers.makeRequest(goja.Undefined(), vm.ToValue(u.String()), vm.ToValue(method), vm.NewArray(pairs...), body)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("jsrt %s: making a Request for %s %s: %w", r.name, method, u.String(), err)
	}
	arr := res.ToObject(vm)
	request := arr.Get("0")
	abort, _ := goja.AssertFunction(arr.Get("1"))
	if done := req.Context().Done(); done != nil {
		go func() {
			select {
			case <-done:
				r.Enqueue(func(vm *goja.Runtime) {
					_, _ = abort(goja.Undefined())
				})
			case <-r.ctx.Done():
			}
		}()
	}
	return request, nil
}

// readerStream makes a JavaScript byte stream reading from rc on demand (one Read per pull, in a
// goroutine). Cancelling the stream closes rc, and so does reaching its end or an error.
func (r *Runtime) readerStream(rc io.ReadCloser) (goja.Value, error) {
	vm := r.vm
	var closeOnce sync.Once
	closeBody := func() { closeOnce.Do(func() { _ = rc.Close() }) }
	pull := vm.ToValue(func(call goja.FunctionCall) goja.Value {
		ctrl := call.Argument(0).ToObject(vm)
		p, resolve, reject := vm.NewPromise()
		go func() {
			buf := make([]byte, chunkSize)
			n, err := io.ReadAtLeast(rc, buf, 1)
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = io.EOF
			}
			ok := r.Enqueue(func(vm *goja.Runtime) {
				if n > 0 {
					if _, callErr := callMethod(ctrl, "enqueue", r.newUint8Array(buf[:n])); callErr != nil {
						// The stream was cancelled or errored meanwhile: nothing to deliver.
						closeBody()
						_ = resolve(goja.Undefined())
						return
					}
				}
				switch {
				case err == io.EOF:
					closeBody()
					_, _ = callMethod(ctrl, "close")
				case err != nil:
					closeBody()
					_ = reject(vm.NewTypeError("reading the body failed: " + err.Error()))
					return
				}
				_ = resolve(goja.Undefined())
			})
			if !ok {
				closeBody()
			}
		}()
		return vm.ToValue(p)
	})
	cancel := vm.ToValue(func(call goja.FunctionCall) goja.Value {
		go closeBody() // Close may block (a network body); never on the loop
		return goja.Undefined()
	})
	var s goja.Value
	err := r.protect(func() error {
		var err error
		s, err = r.helpers.hostStream(goja.Undefined(), pull, cancel)
		return err
	})
	return s, err
}

func callMethod(obj *goja.Object, name string, args ...goja.Value) (goja.Value, error) {
	fn, ok := goja.AssertFunction(obj.Get(name))
	if !ok {
		return nil, fmt.Errorf("%s is not a function", name)
	}
	return fn(obj, args...)
}

// ToHTTPResponse (call it on the loop) turns a JavaScript Response into an *http.Response: status,
// status text and headers (each Set-Cookie kept apart) are copied; the body is handed over whole when
// the Response was built from bytes or a string, else it streams from the JavaScript ReadableStream:
// each Read pulls a chunk through the loop (so Read must not be called on the loop goroutine itself: it
// would wait for itself), Close cancels the stream. When v is not a Response the error is a *JSError
// TypeError naming what v is ("expected a Response, got string \"hello\"").
func (r *Runtime) ToHTTPResponse(vm *goja.Runtime, v goja.Value) (*http.Response, error) {
	var parts *goja.Object
	err := r.protect(func() error {
		res, err := r.helpers.responseParts(goja.Undefined(), v)
		if err != nil {
			return err
		}
		if !goja.IsNull(res) {
			parts = res.ToObject(vm)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if parts == nil {
		return nil, r.typeError("expected a Response, got " + r.previewString(v))
	}
	status := int(parts.Get("status").ToInteger())
	statusText := parts.Get("statusText").String()
	if statusText == "" {
		statusText = http.StatusText(status)
	}
	resp := &http.Response{
		StatusCode:    status,
		Status:        strconv.Itoa(status) + " " + statusText,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{},
		ContentLength: -1,
		Body:          http.NoBody,
	}
	if err := addHeaderPairs(vm, resp.Header, parts.Get("headers")); err != nil {
		return nil, err
	}
	if b := parts.Get("bytes"); b != nil && !goja.IsNull(b) {
		// The bytes are the Response's own (copied or encoded when it was built), so no copy is needed.
		data, _ := r.viewBytes(b)
		resp.Body = io.NopCloser(bytes.NewReader(data))
		resp.ContentLength = int64(len(data))
	} else if rd, ok := parts.Get("reader").(*goja.Object); ok {
		resp.Body = r.newStreamReader(rd)
	} else {
		resp.ContentLength = 0
	}
	return resp, nil
}

// addHeaderPairs adds a JS array of [name, value] pairs to h.
func addHeaderPairs(vm *goja.Runtime, h http.Header, v goja.Value) error {
	obj, ok := v.(*goja.Object)
	if !ok {
		return errors.New("jsrt: headers are not an array")
	}
	n := int(obj.Get("length").ToInteger())
	for i := 0; i < n; i++ {
		pair := obj.Get(strconv.Itoa(i)).ToObject(vm)
		h.Add(pair.Get("0").String(), pair.Get("1").String())
	}
	return nil
}

// streamReader is an io.ReadCloser over a JavaScript ReadableStreamDefaultReader. Read asks the loop
// for the next chunk and waits for it; Close cancels the stream.
type streamReader struct {
	r      *Runtime
	reader *goja.Object // used on the loop only

	mu      sync.Mutex // serializes Read
	buf     []byte     // the rest of the last chunk
	err     error      // sticky end or error
	closed  chan struct{}
	closeMu sync.Once
}

func (r *Runtime) newStreamReader(reader *goja.Object) *streamReader {
	return &streamReader{r: r, reader: reader, closed: make(chan struct{})}
}

type chunkResult struct {
	data []byte
	err  error
}

func (s *streamReader) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.closed:
		return 0, errors.New("jsrt: read from a closed response body")
	default:
	}
	for len(s.buf) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		res := s.next()
		s.buf, s.err = res.data, res.err
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// next reads one chunk through the loop.
func (s *streamReader) next() chunkResult {
	select {
	case <-s.closed:
		return chunkResult{err: errors.New("jsrt: read from a closed response body")}
	default:
	}
	ch := make(chan chunkResult, 1)
	ok := s.r.Enqueue(func(vm *goja.Runtime) {
		cb := vm.ToValue(func(call goja.FunctionCall) goja.Value {
			value, done, jsErr := call.Argument(0), call.Argument(1).ToBoolean(), call.Argument(2)
			switch {
			case !goja.IsUndefined(jsErr):
				ch <- chunkResult{err: s.r.jsError(jsErr)}
			case done:
				ch <- chunkResult{err: io.EOF}
			default:
				view, ok := s.r.viewBytes(value)
				if !ok {
					err := s.r.typeError("response body chunks must be Uint8Array, got " + s.r.previewString(value))
					_, _ = callMethod(s.reader, "cancel", vm.ToValue(err.Error()))
					ch <- chunkResult{err: err}
					return goja.Undefined()
				}
				// Copied: the JS side may reuse its buffer.
				ch <- chunkResult{data: append([]byte(nil), view...)}
			}
			return goja.Undefined()
		})
		if _, err := s.r.helpers.readChunk(goja.Undefined(), s.reader, cb); err != nil {
			ch <- chunkResult{err: s.r.protect(func() error { return err })}
		}
	})
	if !ok {
		return chunkResult{err: ErrClosed}
	}
	select {
	case res := <-ch:
		return res
	case <-s.closed:
		return chunkResult{err: errors.New("jsrt: response body closed while reading")}
	case <-s.r.done:
		return chunkResult{err: ErrClosed}
	}
}

// Close cancels the JavaScript stream (when it has not ended) and makes Read fail.
func (s *streamReader) Close() error {
	s.closeMu.Do(func() {
		close(s.closed)
		s.r.Enqueue(func(vm *goja.Runtime) {
			_, _ = callMethod(s.reader, "cancel")
		})
	})
	return nil
}

// hostFetch implements fetch's network part: host.fetch(method, url, headerPairs, body, redirect,
// onResponse, onError) starts the request in a goroutine and returns a function that aborts it. body
// is null, a Uint8Array, or a ReadableStreamDefaultReader.
func (r *Runtime) hostFetch(call goja.FunctionCall) goja.Value {
	vm := r.vm
	method := call.Argument(0).String()
	target := call.Argument(1).String()
	redirect := call.Argument(4).String()
	onResponse, _ := goja.AssertFunction(call.Argument(5))
	onError, _ := goja.AssertFunction(call.Argument(6))

	ctx, cancel := context.WithCancel(r.ctx)
	var body io.Reader
	switch b := call.Argument(3).(type) {
	case *goja.Object:
		if data, ok := Bytes(vm, b); ok {
			body = bytes.NewReader(data)
		} else {
			body = r.newStreamReader(b)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		cancel()
		panic(vm.NewTypeError("fetch: " + err.Error()))
	}
	if err := addHeaderPairs(vm, req.Header, call.Argument(2)); err != nil {
		cancel()
		panic(vm.NewTypeError("fetch: " + err.Error()))
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h
	}
	client := *r.client
	var redirected atomic.Bool
	policy := r.client.CheckRedirect
	client.CheckRedirect = func(next *http.Request, via []*http.Request) error {
		switch redirect {
		case "manual":
			return http.ErrUseLastResponse
		case "error":
			return fmt.Errorf("redirect to %s refused (redirect: \"error\")", next.URL)
		}
		if policy != nil {
			if err := policy(next, via); err != nil {
				return err
			}
		} else if len(via) >= 20 {
			return errors.New("stopped after 20 redirects")
		}
		redirected.Store(true)
		return nil
	}

	go func() {
		resp, err := client.Do(req)
		ok := r.Enqueue(func(vm *goja.Runtime) {
			if err != nil {
				cancel()
				if _, err := onError(goja.Undefined(), vm.ToValue(err.Error())); err != nil {
					panic(err)
				}
				return
			}
			stream := goja.Null()
			if method == http.MethodHead || resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified || resp.StatusCode == 205 {
				_ = resp.Body.Close()
				cancel()
			} else {
				// The request's context lives until the body is read or cancelled.
				s, err := r.readerStream(&cancelOnClose{ReadCloser: resp.Body, cancel: cancel})
				if err != nil {
					panic(err)
				}
				stream = s
			}
			pairs := make([]any, 0, len(resp.Header))
			for k, vs := range resp.Header {
				for _, v := range vs {
					pairs = append(pairs, []any{strings.ToLower(k), v})
				}
			}
			statusText := strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
			finalURL := target
			if redirected.Load() && resp.Request != nil && resp.Request.URL != nil {
				finalURL = resp.Request.URL.String()
			}
			if _, err := onResponse(goja.Undefined(), vm.ToValue(resp.StatusCode), vm.ToValue(statusText), vm.NewArray(pairs...),
				vm.ToValue(finalURL), vm.ToValue(redirected.Load()), stream); err != nil {
				panic(err)
			}
		})
		if !ok {
			if err == nil {
				_ = resp.Body.Close()
			}
			cancel()
		}
	}()
	return vm.ToValue(func(goja.FunctionCall) goja.Value {
		cancel()
		return goja.Undefined()
	})
}

// cancelOnClose releases a fetch's context when its response body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
