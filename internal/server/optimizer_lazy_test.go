package server

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A server environment's dependency scan reads every script of the project, so it waits for the
// environment's first request: an app that only serves pages never pays for it. The client's starts
// with the server.
func TestServerEnvironmentOptimizerStartsOnFirstUse(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":                    `<script type="module" src="/src/app.js"></script>`,
		"src/app.js":                    "import { v } from 'dep'\nexport const out = v\n",
		"node_modules/dep/package.json": `{"name":"dep","version":"1.0.0","main":"index.js"}`,
		"node_modules/dep/index.js":     "exports.v = 'from dep'\n",
	})
	s, ts := newTestServer(t, root, nil)
	client, ssr := s.Environments["client"], s.Environments["ssr"]
	select {
	case <-client.optReady:
	case <-time.After(20 * time.Second):
		t.Fatal("the client's dependency scan did not run by itself")
	}
	get(t, ts, "/src/app.js")
	select {
	case <-ssr.optReady:
		t.Fatal("the ssr environment scanned before anything ran in it")
	default:
	}
	if _, err := os.Stat(filepath.Join(s.Config.CacheDir, "deps_ssr")); err == nil {
		t.Fatal("deps_ssr was written before anything ran in the ssr environment")
	}

	m, err := engineRunner(t, ssr).Import(context.Background(), "/src/app.js")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Get(context.Background(), "out"); v != "from dep" {
		t.Errorf("out = %v", v)
	}
	<-ssr.optReady
	if _, err := os.Stat(filepath.Join(s.Config.CacheDir, "deps_ssr", "_metadata.json")); err != nil {
		t.Errorf("the ssr environment's dependencies were not pre-bundled on first use: %v", err)
	}
}
