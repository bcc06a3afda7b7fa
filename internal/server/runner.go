package server

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"

	"github.com/govite/govite/internal/runner"
)

// Invoke answers a runner's vite:invoke request (the runner.Host side of the environment).
func (e *DevEnvironment) Invoke(ctx context.Context, name string, args []json.RawMessage) (any, error) {
	return e.invoke(ctx, name, args)
}

// Connect attaches an in-process or piped runner to the environment's hot channel, like a WebSocket
// client.
func (e *DevEnvironment) Connect(send func(payload []byte) bool) (receive func([]byte), disconnect func()) {
	c := &hotClient{send: send}
	e.hot.connect(c)
	return func(msg []byte) { e.hot.receive(c, msg) }, func() { e.hot.disconnect(c) }
}

// Runner is the environment's module runner (Vite's RunnableDevEnvironment.runner), created on first
// use: on the embedded JS engine in process, or in Node when the environment's runner is "node".
func (e *DevEnvironment) Runner(ctx context.Context) (runner.Runner, error) {
	if e.Consumer != "server" {
		return nil, errors.New("environment " + e.Name + " is a client environment: its modules run in the browser, not in a module runner")
	}
	e.runnerMu.Lock()
	defer e.runnerMu.Unlock()
	if e.runner != nil {
		return e.runner, nil
	}
	var r runner.Runner
	var err error
	switch e.RunnerType {
	case RunnerNode:
		r, err = runner.StartNode(ctx, e, runner.NodeOptions{Dir: filepath.Join(e.config.CacheDir, "runner_"+e.Name), Logger: e.server.logger})
	default:
		r, err = runner.NewEngine(ctx, e, runner.EngineOptions{Name: e.Name, Logger: e.server.logger})
	}
	if err != nil {
		return nil, err
	}
	e.runner = r
	return r, nil
}

// closeRunner stops the environment's runner, if it was started.
func (e *DevEnvironment) closeRunner() {
	e.runnerMu.Lock()
	r := e.runner
	e.runner = nil
	e.runnerMu.Unlock()
	if r != nil {
		_ = r.Close()
	}
}
