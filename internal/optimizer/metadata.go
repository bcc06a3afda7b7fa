package optimizer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// metadataFile is the name of the file in the deps directory that describes it (Vite's
// METADATA_FILENAME).
const metadataFile = "_metadata.json"

// formatVersion changes the config hash when govite's deps output changes shape, and keeps a cache
// written by Vite itself (same directory, different bundler) from being taken for govite's.
const formatVersion = "govite-optimizer-1"

// metadata is the state of the deps directory: what _metadata.json holds.
type metadata struct {
	Hash         string
	ConfigHash   string
	LockfileHash string
	BrowserHash  string
	Optimized    map[string]*depEntry
	Chunks       map[string]string // id ("chunk-XXXX") → absolute file
}

// depEntry is one optimized dependency with what only the optimizer needs.
type depEntry struct {
	DepInfo
	FileHash string
	Importer string // a file that imports it, for error messages
}

type jsonDep struct {
	Src          string   `json:"src"`
	File         string   `json:"file"`
	FileHash     string   `json:"fileHash"`
	NeedsInterop bool     `json:"needsInterop"`
	Exports      []string `json:"exports,omitempty"`
}

type jsonChunk struct {
	File string `json:"file"`
}

type jsonMetadata struct {
	Hash         string               `json:"hash"`
	ConfigHash   string               `json:"configHash"`
	LockfileHash string               `json:"lockfileHash"`
	BrowserHash  string               `json:"browserHash"`
	Optimized    map[string]jsonDep   `json:"optimized"`
	Chunks       map[string]jsonChunk `json:"chunks"`
}

// encode writes m in Vite's shape, with paths relative to depsDir.
func (m *metadata) encode(depsDir string) ([]byte, error) {
	rel := func(p string) string {
		r, err := filepath.Rel(depsDir, p)
		if err != nil {
			return filepath.ToSlash(p)
		}
		return filepath.ToSlash(r)
	}
	j := jsonMetadata{Hash: m.Hash, ConfigHash: m.ConfigHash, LockfileHash: m.LockfileHash, BrowserHash: m.BrowserHash,
		Optimized: map[string]jsonDep{}, Chunks: map[string]jsonChunk{}}
	for id, d := range m.Optimized {
		j.Optimized[id] = jsonDep{Src: rel(d.Src), File: rel(d.File), FileHash: d.FileHash, NeedsInterop: d.NeedsInterop, Exports: d.Exports}
	}
	for id, f := range m.Chunks {
		j.Chunks[id] = jsonChunk{File: rel(f)}
	}
	return json.MarshalIndent(j, "", "  ")
}

// readMetadata loads depsDir/_metadata.json; nil when it is missing or not usable.
func readMetadata(depsDir string) *metadata {
	data, err := os.ReadFile(filepath.Join(depsDir, metadataFile))
	if err != nil {
		return nil
	}
	var j jsonMetadata
	if err := json.Unmarshal(data, &j); err != nil || j.Optimized == nil || j.Chunks == nil {
		return nil
	}
	abs := func(p string) string { return filepath.Clean(filepath.Join(depsDir, filepath.FromSlash(p))) }
	m := &metadata{Hash: j.Hash, ConfigHash: j.ConfigHash, LockfileHash: j.LockfileHash, BrowserHash: j.BrowserHash,
		Optimized: map[string]*depEntry{}, Chunks: map[string]string{}}
	for id, d := range j.Optimized {
		if d.FileHash == "" || d.File == "" {
			return nil
		}
		m.Optimized[id] = &depEntry{DepInfo: DepInfo{ID: id, Src: abs(d.Src), File: abs(d.File), NeedsInterop: d.NeedsInterop, Exports: d.Exports}, FileHash: d.FileHash}
	}
	for id, c := range j.Chunks {
		m.Chunks[id] = abs(c.File)
	}
	return m
}

// lockfileFormat is one package manager's lock (or install-state) file, as Vite lists them.
type lockfileFormat struct {
	path       string
	patchesDir string // a directory whose mtime counts too ("" for none)
}

// lockfileFormats are Vite 8's lockfiles, searched first (in each directory from root up); they
// change whenever node_modules is installed again. fallbackLockfileFormats are searched after them:
// Vite's own fallback (yarn.lock) and the lockfiles Vite 5 read, for projects without an install
// state file.
var (
	lockfileFormats = []lockfileFormat{
		{"node_modules/.pnpm/lock.yaml", ""},
		{"node_modules/.package-lock.json", "patches"},
		{"node_modules/.yarn-state.yml", ""},
		{"bun.lock", "patches"},
		{".rush/temp/shrinkwrap-deps.json", ""},
		{"aube-lock.yaml", ""},
		{"nub.lock", ""},
		{".pnp.cjs", ".yarn/patches"},
		{".pnp.js", ".yarn/patches"},
		{"node_modules/.yarn-integrity", "patches"},
		{"bun.lockb", "patches"},
	}
	fallbackLockfileFormats = []lockfileFormat{
		{"yarn.lock", ""},
		{"package-lock.json", "patches"},
		{"pnpm-lock.yaml", "patches"},
		{"npm-shrinkwrap.json", "patches"},
	}
)

// findLockfile looks for the first of formats in root and then each parent directory (Vite's
// lookupFile).
func findLockfile(root string, formats []lockfileFormat) (string, lockfileFormat, bool) {
	dir := root
	for {
		for _, f := range formats {
			p := filepath.Join(dir, filepath.FromSlash(f.path))
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return dir, f, true
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", lockfileFormat{}, false
		}
		dir = parent
	}
}

// lockfileHash hashes the project's lockfile and, for the package managers that apply patches, the
// modification time of the patches directory next to it.
func lockfileHash(root string) string {
	dir, f, ok := findLockfile(root, lockfileFormats)
	if !ok {
		dir, f, ok = findLockfile(root, fallbackLockfileFormats)
	}
	content := ""
	if ok {
		data, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.path)))
		content = string(data)
		if f.patchesDir != "" {
			if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.patchesDir))); err == nil && st.IsDir() {
				content += strconv.FormatInt(st.ModTime().UnixNano(), 10)
			}
		}
	}
	return getHash(content)
}

// configHash hashes the options that change the optimizer's output.
func (o *Optimizer) configHash() string {
	sorted := func(s []string) []string {
		seen := map[string]bool{}
		var out []string
		for _, v := range s {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		sort.Strings(out)
		return out
	}
	defines := make([]string, 0, len(o.opts.Define))
	for k, v := range o.opts.Define {
		defines = append(defines, k+"="+v)
	}
	sort.Strings(defines)
	data, _ := json.Marshal(map[string]any{
		"version":          formatVersion,
		"define":           o.nodeEnv(),
		"defines":          defines,
		"root":             o.opts.Root,
		"alias":            o.opts.Alias,
		"conditions":       o.conditions(),
		"mainFields":       o.mainFields(),
		"extensions":       o.extensions(),
		"preserveSymlinks": o.opts.PreserveSymlinks,
		"include":          sorted(o.opts.Include),
		"exclude":          sorted(o.opts.Exclude),
		"needsInterop":     sorted(o.opts.NeedsInterop),
		"server":           o.opts.ConfigHash,
	})
	return getHash(string(data))
}

// optimizedBrowserHash is Vite's getOptimizedBrowserHash: the ?v= of the deps, which changes with the
// set of dependencies.
func optimizedBrowserHash(hash string, deps map[string]string) string {
	ids := make([]string, 0, len(deps))
	for id := range deps {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	b.WriteString(hash)
	for _, id := range ids {
		b.WriteString(id + "\x00" + deps[id] + "\x00")
	}
	return getHash(b.String())
}
