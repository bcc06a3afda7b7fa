package server

import (
	"os"
	"path/filepath"
	"strings"
)

// The watcher remembers the files of the folders it watches, as chokidar does for Vite, to tell a new
// file from one renamed over an existing file (an editor's atomic save: write a temporary file, rename
// it over the original). The latter is a change: a new file would also update the globs that list it
// and the modules whose imports failed, and reload pages for nothing.

// rememberFiles records the files of a folder that starts to be watched.
func (w *watcher) rememberFiles(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.files == nil {
		w.files = map[string]bool{}
	}
	for _, e := range entries {
		if !e.IsDir() {
			w.files[filepath.Join(dir, e.Name())] = true
		}
	}
}

// fileCreated records a file the watcher saw created and reports whether it replaced one that existed.
func (w *watcher) fileCreated(p string) (replaced bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.files == nil {
		w.files = map[string]bool{}
	}
	replaced = w.files[p]
	w.files[p] = true
	return replaced
}

// fileRemoved forgets a deleted (or renamed away) file; for a watched folder, it forgets the folder and
// everything under it, so that a folder created again at the same path is watched again.
func (w *watcher) fileRemoved(p string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.files, p)
	if !w.dirs[p] {
		return
	}
	prefix := p + string(filepath.Separator)
	for d := range w.dirs {
		if d == p || strings.HasPrefix(d, prefix) {
			delete(w.dirs, d)
		}
	}
	for f := range w.files {
		if strings.HasPrefix(f, prefix) {
			delete(w.files, f)
		}
	}
}
