package css

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/govite/govite/client"
	"github.com/govite/govite/internal/nodeproc"
)

// worker is one Node process running client/css-worker.mjs. It talks over two pipes, as govite's
// Node runner does (fd 3: requests from govite, fd 4: answers and calls back), one JSON message a
// line, so it needs no port and never mixes with what the tools print on stdout and stderr.
type worker struct {
	cmd    *exec.Cmd
	toNode *os.File

	writeMu sync.Mutex
	mu      sync.Mutex
	nextID  int
	pending map[int]*pendingRequest
	dead    bool // the process has exited: no request can be answered
	exited  chan struct{}
	exitErr error
	stderr  *tailBuffer
}

// pendingRequest is a request the worker has not answered yet; calls are the worker's calls back into
// govite (resolve, load) while it runs.
type pendingRequest struct {
	done  chan workerAnswer
	calls func(op string, args json.RawMessage) (any, error)
}

type workerAnswer struct {
	Result json.RawMessage
	Err    *workerError
}

// workerError is an error the worker reported: a tool's error with its location, or a missing
// package.
type workerError struct {
	Message string `json:"message"`
	Stack   string `json:"stack"`
	Missing bool   `json:"missing"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
}

// startWorker starts Node in root with the worker script. node is the binary ("" looks on PATH).
func startWorker(node, root string, env []string, stderr io.Writer) (*worker, error) {
	node, err := nodeproc.Find(node, "compiling this stylesheet needs Node.js (for the project's Sass, Less, Stylus or PostCSS packages), but node is not on PATH; install Node.js 20 or later")
	if err != nil {
		return nil, err
	}
	tail := &tailBuffer{max: 8 << 10}
	cmd := exec.Command(node, "--input-type=module", "--eval", client.CSSWorkerSource())
	cmd.Dir = root
	cmd.Env = env
	if stderr == nil {
		stderr = os.Stderr
	}
	// The tools print their own warnings (Sass deprecations, Tailwind's notices) as they do under Vite;
	// the tail is kept to explain a crash.
	cmd.Stdout = stderr
	cmd.Stderr = io.MultiWriter(stderr, tail)
	toNode, fromNode, err := nodeproc.Start(cmd, "the stylesheet worker")
	if err != nil {
		return nil, err
	}
	w := &worker{cmd: cmd, toNode: toNode, pending: map[int]*pendingRequest{}, exited: make(chan struct{}), stderr: tail}
	go func() {
		err := cmd.Wait()
		w.mu.Lock()
		w.exitErr, w.dead = err, true
		pending := w.pending
		w.pending = map[int]*pendingRequest{}
		w.mu.Unlock()
		for _, p := range pending {
			p.done <- workerAnswer{Err: &workerError{Message: w.exitMessage(err)}}
		}
		close(w.exited)
	}()
	go w.readLoop(fromNode)
	return w, nil
}

func (w *worker) exitMessage(err error) string {
	msg := fmt.Sprintf("the stylesheet worker (Node) exited (%v)", err)
	if t := strings.TrimSpace(w.stderr.String()); t != "" {
		msg += ":\n" + t
	}
	return msg
}

func (w *worker) send(msg any) error {
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	_, err = w.toNode.Write(append(data, '\n'))
	return err
}

func (w *worker) readLoop(out *os.File) {
	defer out.Close()
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 512<<20)
	for sc.Scan() {
		var msg struct {
			ID     *int            `json:"id"`
			Call   int             `json:"call"`
			Op     string          `json:"op"`
			Args   json.RawMessage `json:"args"`
			Result json.RawMessage `json:"result"`
			Error  *workerError    `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &msg); err != nil || msg.ID == nil {
			continue
		}
		w.mu.Lock()
		p := w.pending[*msg.ID]
		if msg.Call == 0 {
			delete(w.pending, *msg.ID)
		}
		w.mu.Unlock()
		if p == nil {
			continue
		}
		if msg.Call == 0 {
			p.done <- workerAnswer{Result: msg.Result, Err: msg.Error}
			continue
		}
		// A call back into govite: answered on its own goroutine, as it may take a while (a resolve
		// through esbuild) and the worker may have several requests running.
		go func(call int, op string, args json.RawMessage) {
			reply := map[string]any{"reply": call}
			var res any
			var err error
			if p.calls == nil {
				err = fmt.Errorf("govite has no handler for %q", op)
			} else {
				res, err = p.calls(op, args)
			}
			if err != nil {
				reply["error"] = err.Error()
			} else {
				reply["result"] = res
			}
			_ = w.send(reply)
		}(msg.Call, msg.Op, msg.Args)
	}
}

// request sends one request and waits for its answer; calls handles the worker's calls back.
func (w *worker) request(ctx context.Context, op string, fields map[string]any, calls func(op string, args json.RawMessage) (any, error)) (json.RawMessage, error) {
	w.mu.Lock()
	if w.dead {
		w.mu.Unlock()
		return nil, errors.New(w.exitMessage(w.exitErr))
	}
	w.nextID++
	id := w.nextID
	p := &pendingRequest{done: make(chan workerAnswer, 1), calls: calls}
	w.pending[id] = p
	w.mu.Unlock()
	msg := map[string]any{"id": id, "op": op}
	for k, v := range fields {
		msg[k] = v
	}
	if err := w.send(msg); err != nil {
		w.mu.Lock()
		delete(w.pending, id)
		w.mu.Unlock()
		return nil, fmt.Errorf("the stylesheet worker is not running: %w", err)
	}
	select {
	case a := <-p.done:
		if a.Err != nil {
			return nil, a.Err
		}
		return a.Result, nil
	case <-ctx.Done():
		w.mu.Lock()
		delete(w.pending, id)
		w.mu.Unlock()
		return nil, ctx.Err()
	}
}

// close ends the process: it exits when its input closes (after disposing of the Sass compiler).
func (w *worker) close() {
	w.toNode.Close()
	select {
	case <-w.exited:
	case <-time.After(5 * time.Second):
		_ = w.cmd.Process.Kill()
		<-w.exited
	}
}

func (e *workerError) Error() string { return e.Message }

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
