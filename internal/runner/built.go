package runner

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/govite/govite/internal/sourcemap"
	"github.com/govite/govite/internal/ssr"
)

// BuiltHost serves the files of a server build (govite build --ssr, or the server environments of
// build --app) to a runner, so that production server code runs on the embedded engine with no dev
// server and no Node: each file is read from the build's output directory and given the module-runner
// transform once. The build must bundle its dependencies (resolve.noExternal: true, or ssr.target
// "webworker"); a bare import that is left is an error naming it.
type BuiltHost struct {
	fsys fs.FS
	name string // for messages: the directory

	mu    sync.Mutex
	cache map[string]any
}

// NewBuiltHost serves the build output in dir.
func NewBuiltHost(dir string) *BuiltHost {
	return &BuiltHost{fsys: os.DirFS(dir), name: dir, cache: map[string]any{}}
}

// NewBuiltHostFS serves a build output embedded in the program (an embed.FS, say).
func NewBuiltHostFS(fsys fs.FS, name string) *BuiltHost {
	return &BuiltHost{fsys: fsys, name: name, cache: map[string]any{}}
}

// ImportBuilt starts an engine runner on the build output in dir; Import then takes the output's file
// names ("entry-server.js").
func ImportBuilt(ctx context.Context, host *BuiltHost, logger *slog.Logger) (*Engine, error) {
	return NewEngine(ctx, host, EngineOptions{Name: "ssr", Logger: logger})
}

// Invoke answers fetchModule from the build output.
func (h *BuiltHost) Invoke(ctx context.Context, name string, args []json.RawMessage) (any, error) {
	if name != "fetchModule" {
		return nil, fmt.Errorf("a built server bundle answers fetchModule only, not %s", name)
	}
	var spec, importer string
	if len(args) > 0 {
		_ = json.Unmarshal(args[0], &spec)
	}
	if len(args) > 1 {
		_ = json.Unmarshal(args[1], &importer)
	}
	var opts struct {
		Cached      bool `json:"cached"`
		StartOffset int  `json:"startOffset"`
	}
	if len(args) > 2 {
		_ = json.Unmarshal(args[2], &opts)
	}
	p, err := h.resolve(spec, importer)
	if err != nil {
		return nil, err
	}
	if opts.Cached {
		return map[string]any{"cache": true}, nil
	}
	h.mu.Lock()
	res, ok := h.cache[p]
	h.mu.Unlock()
	if ok {
		return res, nil
	}
	data, err := fs.ReadFile(h.fsys, p)
	if err != nil {
		return nil, fmt.Errorf("server bundle %s: %w", h.name, err)
	}
	var inMap []byte
	if m, err := fs.ReadFile(h.fsys, p+".map"); err == nil {
		inMap = m
	}
	code := stripSourceMappingURL(string(data))
	out, err := ssr.Transform(code, inMap, "/"+p)
	if err != nil {
		return nil, fmt.Errorf("server bundle %s: %w", h.name, err)
	}
	body := out.Code
	if len(out.Map) > 0 {
		if m, err := sourcemap.ShiftLines(out.Map, opts.StartOffset); err == nil {
			body += "\n//# sourceMappingURL=data:application/json;base64," + base64.StdEncoding.EncodeToString(m) + "\n"
		}
	}
	file := filepath.ToSlash(filepath.Join(h.name, filepath.FromSlash(p)))
	res = map[string]any{"code": body, "file": file, "id": "/" + p, "url": "/" + p, "invalidate": false}
	h.mu.Lock()
	h.cache[p] = res
	h.mu.Unlock()
	return res, nil
}

// resolve finds the output file spec names: a file name of the output, or a path relative to the
// importing module.
func (h *BuiltHost) resolve(spec, importer string) (string, error) {
	switch {
	case strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../"):
		if importer == "" {
			return path.Clean(spec), nil
		}
		rel := strings.TrimPrefix(filepath.ToSlash(importer), filepath.ToSlash(h.name)+"/")
		return path.Join(path.Dir(strings.TrimPrefix(rel, "/")), spec), nil
	case strings.HasPrefix(spec, "/"):
		return path.Clean(strings.TrimPrefix(spec, "/")), nil
	case importer == "":
		return path.Clean(spec), nil
	}
	return "", fmt.Errorf("server bundle %s imports %q, which the embedded engine cannot load from node_modules: build the server environment with resolve.noExternal: true (or ssr.target: 'webworker') so dependencies are bundled", h.name, spec)
}

// Connect: a build does not change, so there are no hot updates.
func (h *BuiltHost) Connect(send func([]byte) bool) (func([]byte), func()) {
	return func([]byte) {}, func() {}
}

func stripSourceMappingURL(code string) string {
	if i := strings.LastIndex(code, "\n//# sourceMappingURL="); i >= 0 {
		return code[:i+1]
	}
	return code
}
