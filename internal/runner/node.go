package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govite/govite/client"
	"github.com/govite/govite/internal/nodeproc"
)

// NodeOptions configure a Node runner.
type NodeOptions struct {
	// Node is the node binary; "" looks for "node" on PATH.
	Node string
	// Dir is where the runner's two scripts are written (the environment's cache directory).
	Dir string
	// Stdout and Stderr receive the output of the modules (console.log); nil: os.Stdout, os.Stderr.
	Stdout, Stderr io.Writer
	Logger         *slog.Logger
}

// NodeRunner runs an environment's modules in a Node process (govite's Node runner). The process
// talks to govite over two pipes with the environment's hot-channel messages, so it needs no port and
// works in middleware mode.
type NodeRunner struct {
	cmd        *exec.Cmd
	toNode     *os.File
	receive    func([]byte)
	disconnect func()
	log        *slog.Logger

	writeMu sync.Mutex
	mu      sync.Mutex
	nextID  int
	calls   map[string]chan callResult
	exited  chan struct{}
	exitErr error
	closed  bool
}

type callResult struct {
	Value json.RawMessage `json:"value"`
	Error *Error          `json:"error"`
}

// StartNode starts a Node runner for host. The process lives until Close.
func StartNode(ctx context.Context, host Host, opts NodeOptions) (*NodeRunner, error) {
	node, err := nodeproc.Find(opts.Node, "the Node runner needs node on PATH (Node.js 20 or later); install it, or let the environment run on the embedded engine")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("node runner: %w", err)
	}
	for name, src := range map[string]string{"runner.js": client.RunnerSource(), "node-runner.mjs": client.NodeRunnerSource()} {
		if err := writeIfChanged(filepath.Join(opts.Dir, name), src); err != nil {
			return nil, fmt.Errorf("node runner: %w", err)
		}
	}
	// package.json makes runner.js an ES module for Node.
	if err := writeIfChanged(filepath.Join(opts.Dir, "package.json"), `{"type":"module"}`+"\n"); err != nil {
		return nil, fmt.Errorf("node runner: %w", err)
	}
	cmd := exec.CommandContext(context.WithoutCancel(ctx), node, filepath.Join(opts.Dir, "node-runner.mjs"))
	cmd.Dir = opts.Dir
	cmd.Stdout, cmd.Stderr = opts.Stdout, opts.Stderr
	if cmd.Stdout == nil {
		cmd.Stdout = os.Stdout
	}
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	toNode, fromNode, err := nodeproc.Start(cmd, "the Node runner")
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	r := &NodeRunner{cmd: cmd, toNode: toNode, log: log, calls: map[string]chan callResult{}, exited: make(chan struct{})}
	r.receive, r.disconnect = host.Connect(r.send)
	go func() {
		err := cmd.Wait()
		r.mu.Lock()
		r.exitErr = err
		calls := r.calls
		r.calls = map[string]chan callResult{}
		r.mu.Unlock()
		for _, c := range calls {
			c <- callResult{Error: &Error{Name: "Error", Message: fmt.Sprintf("the Node runner exited (%v)", err)}}
		}
		close(r.exited)
	}()
	go r.readLoop(fromNode)
	return r, nil
}

func writeIfChanged(p, content string) error {
	if old, err := os.ReadFile(p); err == nil && string(old) == content {
		return nil
	}
	return os.WriteFile(p, []byte(content), 0o644)
}

// send writes a message to the process.
func (r *NodeRunner) send(payload []byte) bool {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	if _, err := r.toNode.Write(append(bytes.TrimRight(payload, "\n"), '\n')); err != nil {
		return false
	}
	return true
}

func (r *NodeRunner) readLoop(out *os.File) {
	defer out.Close()
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var msg struct {
			Type  string          `json:"type"`
			Event string          `json:"event"`
			Data  json.RawMessage `json:"data"`
		}
		if json.Unmarshal(line, &msg) == nil && msg.Type == "custom" && msg.Event == "govite:result" {
			var res struct {
				ID string `json:"id"`
				callResult
			}
			if json.Unmarshal(msg.Data, &res) == nil {
				r.mu.Lock()
				c := r.calls[res.ID]
				delete(r.calls, res.ID)
				r.mu.Unlock()
				if c != nil {
					c <- res.callResult
				}
			}
			continue
		}
		r.receive(append([]byte(nil), line...))
	}
}

// call asks the process to import url and read (args nil) or call an export; name "" lists exports.
func (r *NodeRunner) call(ctx context.Context, url, name string, args []any) (json.RawMessage, error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, errors.New("the Node runner is closed")
	}
	r.nextID++
	id := strconv.Itoa(r.nextID)
	c := make(chan callResult, 1)
	r.calls[id] = c
	r.mu.Unlock()
	data := map[string]any{"id": id, "url": url}
	if name != "" {
		data["name"] = name
	}
	if args != nil {
		data["args"] = args
	}
	msg, err := json.Marshal(map[string]any{"type": "custom", "event": "govite:call", "data": data})
	if err != nil {
		return nil, fmt.Errorf("node runner: the arguments of %s do not encode to JSON: %w", name, err)
	}
	if !r.send(msg) {
		return nil, errors.New("the Node runner is not running")
	}
	select {
	case res := <-c:
		if res.Error != nil {
			return nil, res.Error
		}
		return res.Value, nil
	case <-ctx.Done():
		r.mu.Lock()
		delete(r.calls, id)
		r.mu.Unlock()
		return nil, ctx.Err()
	}
}

// Import runs the module at url in Node.
func (r *NodeRunner) Import(ctx context.Context, url string) (Module, error) {
	raw, err := r.call(ctx, url, "", nil)
	if err != nil {
		return nil, err
	}
	var v struct {
		Exports []string `json:"$exports"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("node runner: unexpected answer to import %s: %s", url, raw)
	}
	return &nodeModule{r: r, url: url, keys: v.Exports}, nil
}

// Close stops the process.
func (r *NodeRunner) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.mu.Unlock()
	r.disconnect()
	r.toNode.Close() // the runner exits when its input closes
	select {
	case <-r.exited:
	case <-time.After(5 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.exited
	}
	return nil
}

type nodeModule struct {
	r    *NodeRunner
	url  string
	keys []string
}

func (m *nodeModule) Keys() []string { return m.keys }

func (m *nodeModule) Get(ctx context.Context, name string) (any, error) {
	raw, err := m.r.call(ctx, m.url, name, nil)
	if err != nil {
		return nil, err
	}
	return decodeValue(raw)
}

func (m *nodeModule) Call(ctx context.Context, name string, args ...any) (any, error) {
	if args == nil {
		args = []any{}
	}
	raw, err := m.r.call(ctx, m.url, name, args)
	if err != nil {
		return nil, err
	}
	return decodeValue(raw)
}

// Function stands for a JavaScript function read with Get from a runner in another process.
type Function struct{ Name string }

// decodeValue turns the Node runner's encoding of a value back into Go values.
func decodeValue(raw json.RawMessage) (any, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok || len(obj) != 1 {
		return v, nil
	}
	switch {
	case obj["$undefined"] != nil:
		return nil, nil
	case obj["$function"] != nil:
		return Function{Name: fmt.Sprint(obj["$function"])}, nil
	case obj["$bytes"] != nil:
		return base64.StdEncoding.DecodeString(fmt.Sprint(obj["$bytes"]))
	case obj["$response"] != nil:
		var r struct {
			Status     int         `json:"status"`
			StatusText string      `json:"statusText"`
			Headers    [][2]string `json:"headers"`
			Body       string      `json:"body"`
		}
		b, _ := json.Marshal(obj["$response"])
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, err
		}
		body, err := base64.StdEncoding.DecodeString(r.Body)
		if err != nil {
			return nil, err
		}
		resp := &http.Response{StatusCode: r.Status, Status: strings.TrimSpace(strconv.Itoa(r.Status) + " " + r.StatusText),
			Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
		for _, h := range r.Headers {
			resp.Header.Add(h[0], h[1])
		}
		return resp, nil
	}
	return v, nil
}
