package server

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounce is how long the watcher waits after the last event before it reports a batch: an
// editor's save is several events (truncate, write, chmod, or a rename over the file) within a few
// milliseconds, and saves in quick succession make one update. It is also the floor of every HMR
// update's latency (Vite, which does not batch, has none): 50 ms made govite's HMR slower than
// Vite's on a small app.
const debounce = 20 * time.Millisecond

// watcher watches the project root recursively (fsnotify watches single directories, so each folder is
// added, and folders created later too), plus the folders of files served from outside root.
type watcher struct {
	s  *Server
	fw *fsnotify.Watcher

	// user holds server.watch.ignored; poll is set in polling mode (server.watch.usePolling), where fw
	// is nil.
	user *watchIgnorer
	poll *poller

	mu      sync.Mutex
	dirs    map[string]bool
	files   map[string]bool   // the files of the watched folders (watchfiles.go)
	pending map[string]string // file -> kind
	timer   *time.Timer
	done    chan struct{}
}

func newWatcher(s *Server) (*watcher, error) {
	w := &watcher{s: s, dirs: map[string]bool{}, pending: map[string]string{}, done: make(chan struct{}),
		user: newWatchIgnorer(s.Config.Server.Watch.Ignored, func(msg string) { s.logger.Warn(msg) })}
	if poll, interval, binaryInterval := pollSettings(s.Config.Server.Watch); poll {
		w.poll = newPoller(w, interval, binaryInterval)
	} else {
		fw, err := fsnotify.NewWatcher()
		if err != nil {
			return nil, err
		}
		w.fw = fw
	}
	w.addTree(s.Config.Root)
	if s.Config.PublicDir != "" && !strings.HasPrefix(s.Config.PublicDir, s.Config.Root) {
		w.addTree(s.Config.PublicDir)
	}
	if s.Config.EnvDir != "" {
		w.addDir(s.Config.EnvDir)
	}
	if w.poll != nil {
		go w.poll.run(w.done)
	} else {
		go w.loop()
	}
	return w, nil
}

// ignored are folders whose changes never matter to the dev server.
func (w *watcher) ignored(dir string) bool {
	base := filepath.Base(dir)
	if base == "node_modules" || base == ".git" || base == "test-results" || dir == w.s.Config.CacheDir || dir == w.s.Config.Build.OutDir {
		return true
	}
	return w.userIgnored(dir)
}

func (w *watcher) addTree(root string) {
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if p != root && w.ignored(p) {
			return filepath.SkipDir
		}
		w.addDir(p)
		return nil
	})
}

func (w *watcher) addDir(dir string) {
	w.mu.Lock()
	if w.dirs[dir] {
		w.mu.Unlock()
		return
	}
	w.dirs[dir] = true
	w.mu.Unlock()
	if w.poll != nil {
		w.poll.add(dir)
		return
	}
	if err := w.fw.Add(dir); err != nil {
		w.s.debug.watcher.Debug("cannot watch "+dir, "err", err)
		return
	}
	w.rememberFiles(dir)
}

// ensure watches the folder of a file served from outside the watched folders (linked packages,
// /@fs/ files). Dependencies in node_modules are left alone: they change by reinstalling, which the
// optimizer's lockfile hash sees.
func (w *watcher) ensure(file string) {
	dir := filepath.Dir(file)
	w.mu.Lock()
	known := w.dirs[dir]
	w.mu.Unlock()
	if known || isInNodeModules(file) {
		return
	}
	w.addDir(dir)
}

func (w *watcher) loop() {
	for {
		select {
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			w.event(ev)
		case _, ok := <-w.fw.Errors:
			if !ok {
				return
			}
		case <-w.done:
			return
		}
	}
}

func (w *watcher) event(ev fsnotify.Event) {
	p := ev.Name
	kind := "change"
	switch {
	case ev.Op.Has(fsnotify.Create):
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			if !w.ignored(p) {
				w.addTree(p)
				// Files may have been written into the folder before it was watched.
				_ = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
					if err == nil && !d.IsDir() {
						w.queue(f, "add")
					}
					return nil
				})
			}
			return
		}
		kind = "add"
		if w.fileCreated(p) {
			kind = "change" // renamed over a file that exists: an editor's atomic save
		}
	case ev.Op.Has(fsnotify.Remove), ev.Op.Has(fsnotify.Rename):
		kind = "unlink"
		w.fileRemoved(p)
	case ev.Op.Has(fsnotify.Write):
	default:
		return // chmod
	}
	w.queue(p, kind)
}

func (w *watcher) queue(p, kind string) {
	if w.userIgnored(p) {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if prev, ok := w.pending[p]; ok {
		// unlink then add (an editor's atomic save) is a change; add then change stays an add.
		switch {
		case prev == "unlink" && kind == "add":
			kind = "change"
		case prev == "add" && kind == "change":
			kind = "add"
		case prev == "add" && kind == "unlink":
			// Created and deleted within the batch (an editor's temporary file): nothing to report.
			delete(w.pending, p)
			return
		}
	}
	w.pending[p] = kind
	if w.timer == nil {
		w.timer = time.AfterFunc(debounce, w.flush)
	} else {
		w.timer.Reset(debounce)
	}
}

func (w *watcher) flush() {
	w.mu.Lock()
	pending := w.pending
	w.pending = map[string]string{}
	w.timer = nil
	w.mu.Unlock()
	var changes []fileChange
	for f, kind := range pending {
		if kind == "unlink" && fileExists(f) {
			kind = "change" // renamed over: the file is still there
		}
		if kind != "unlink" {
			if st, err := os.Stat(f); err != nil || st.IsDir() {
				continue
			}
		}
		changes = append(changes, fileChange{File: f, Kind: kind})
	}
	if len(changes) > 0 {
		w.s.handleFileChanges(changes)
		w.s.notifyFileListeners(changes)
	}
}

func (w *watcher) close() error {
	close(w.done)
	if w.fw == nil {
		return nil
	}
	return w.fw.Close()
}
