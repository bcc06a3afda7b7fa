package server

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govite/govite/internal/config"
)

// On a cold start the entry is served as soon as the dependency scan has found the entry's own bare
// imports, not when the scan has read the whole project: here the scan is held on a file the entry
// imports, and the entry is still served, with the ?v= the bundle ends with.
func TestEntryServedWhileTheScanReadsTheRest(t *testing.T) {
	root := writeProject(t, map[string]string{
		"index.html":                    `<script type="module" src="/src/main.js"></script>`,
		"src/main.js":                   "import { v } from 'dep'\nimport './later.js'\nconsole.log(v)\n",
		"src/later.js":                  "import './held.js'\n",
		"src/held.js":                   "export {}\n",
		"node_modules/dep/package.json": `{"name":"dep","version":"1.0.0","main":"index.js","type":"module"}`,
		"node_modules/dep/index.js":     "export const v = 'from dep'\n",
	})
	held, release := make(chan struct{}), make(chan struct{})
	var heldOnce, releaseOnce sync.Once
	unhold := func() { releaseOnce.Do(func() { close(release) }) }
	hold := &config.Plugin{
		Name: "hold-the-scan",
		ResolveID: func(ctx *config.PluginContext, source, importer string, opts config.ResolveIDOptions) (*config.ResolveIDResult, error) {
			if source == "./held.js" {
				heldOnce.Do(func() { close(held) })
				<-release
			}
			return nil, nil
		},
	}
	s, ts := newTestServer(t, root, func(c *config.UserConfig) { c.Plugins = []*config.Plugin{hold} })
	t.Cleanup(unhold) // runs before the server's cleanup: a failed check must not leave the scan held
	select {
	case <-held:
	case <-time.After(20 * time.Second):
		t.Fatal("the scan never reached src/held.js")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/src/main.js", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("the entry was not served while the scan was held: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	depURL := regexp.MustCompile(`/[^"]*\.vite/deps/dep\.js\?v=[0-9a-f]{8}`)
	early := depURL.FindString(string(body))
	if res.StatusCode != 200 || early == "" {
		t.Fatalf("main.js during the scan: %d\n%s", res.StatusCode, body)
	}

	unhold()
	select {
	case <-s.Environments["client"].optReady:
	case <-time.After(20 * time.Second):
		t.Fatal("the optimizer did not finish after the scan was released")
	}
	_, body2, _ := get(t, ts, "/src/main.js")
	if late := depURL.FindString(body2); late != early {
		t.Errorf("dep URL %q during the scan, %q after the bundle", early, late)
	}
	if code, dep, _ := get(t, ts, early); code != 200 || !strings.Contains(dep, "from dep") {
		t.Errorf("%s: %d\n%s", early, code, dep)
	}
}
