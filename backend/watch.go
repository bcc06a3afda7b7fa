package backend

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"time"
)

// DefaultWatchInterval is WatchFiles' polling interval when none is given.
const DefaultWatchInterval = 250 * time.Millisecond

// WatchFiles watches the files that patterns match (filepath.Glob patterns; a pattern that matches a
// directory stands for every file below it) by polling their size and modification time every
// interval (DefaultWatchInterval when 0). When files were changed, added or removed it calls onChange
// with their paths, sorted, from its own goroutine, one call at a time. It returns at once, after the
// first scan (changes made after WatchFiles returns are seen), and stops when ctx is done.
//
// It is how a Go app makes pages reload when a template changes: call Vite.Reload (a separate dev
// server) or the dev server's Reload (middleware mode) from onChange.
func WatchFiles(ctx context.Context, interval time.Duration, onChange func(changed []string), patterns ...string) error {
	if onChange == nil {
		return fmt.Errorf("WatchFiles: onChange is nil")
	}
	for _, p := range patterns {
		if _, err := filepath.Match(p, ""); err != nil {
			return fmt.Errorf("WatchFiles: pattern %q: %w", p, err)
		}
	}
	if interval <= 0 {
		interval = DefaultWatchInterval
	}
	prev := scanFiles(patterns)
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			cur := scanFiles(patterns)
			var changed []string
			for p, s := range cur {
				if old, ok := prev[p]; !ok || old != s {
					changed = append(changed, p)
				}
			}
			for p := range prev {
				if _, ok := cur[p]; !ok {
					changed = append(changed, p)
				}
			}
			prev = cur
			if len(changed) > 0 && ctx.Err() == nil {
				slices.Sort(changed)
				onChange(changed)
			}
		}
	}()
	return nil
}

type fileStamp struct {
	modTime int64
	size    int64
}

// scanFiles stamps every file the patterns match.
func scanFiles(patterns []string) map[string]fileStamp {
	out := map[string]fileStamp{}
	for _, p := range patterns {
		matches, _ := filepath.Glob(p)
		for _, m := range matches {
			_ = filepath.WalkDir(m, func(f string, d fs.DirEntry, err error) error {
				if err != nil {
					return nil
				}
				if d.IsDir() {
					if f != m && (d.Name() == "node_modules" || d.Name() == ".git") {
						return filepath.SkipDir
					}
					return nil
				}
				if fi, err := d.Info(); err == nil {
					out[f] = fileStamp{fi.ModTime().UnixNano(), fi.Size()}
				}
				return nil
			})
		}
	}
	return out
}
