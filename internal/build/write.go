package build

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/govite/govite/internal/config"
)

// write puts the bundle into outDir: the folder is emptied first when allowed (Vite's emptyOutDir
// rules), public/ is copied, then every file is written. It runs only after the build succeeded, so a
// failed build leaves the previous output as it was.
func (b *builder) write(bundle *config.OutputBundle) error {
	outDir := b.cfg.Build.OutDir
	root := b.cfg.Root
	if samePath(outDir, root) || isInside(root, outDir) {
		return fmt.Errorf("build.outDir %s is the project root or contains it; refusing to write there. Set build.outDir to a folder such as %q", outDir, "dist")
	}
	inside := isInside(outDir, root)
	empty := inside
	if b.cfg.Build.EmptyOutDir != nil {
		empty = *b.cfg.Build.EmptyOutDir
	} else if !inside {
		if _, err := os.Stat(outDir); err == nil {
			b.log.Warn(fmt.Sprintf("(!) outDir %s is not inside project root and will not be emptied.\nUse --emptyOutDir to override.", outDir))
		}
	}
	if empty {
		if err := emptyDir(outDir); err != nil {
			return fmt.Errorf("emptying outDir: %w", err)
		}
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	if b.cfg.PublicDir != "" && b.cfg.Build.CopyPublicDir {
		if st, err := os.Stat(b.cfg.PublicDir); err == nil && st.IsDir() {
			if err := copyDir(b.cfg.PublicDir, outDir); err != nil {
				return fmt.Errorf("copying publicDir: %w", err)
			}
		}
	}
	// Folders first, then the files in parallel: an app has hundreds of files and each write is a
	// few system calls, which add up when done one at a time.
	dirs := map[string]bool{}
	for name := range bundle.Files {
		dirs[filepath.Dir(filepath.Join(outDir, filepath.FromSlash(name)))] = true
	}
	for d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, 8)
	)
	for name, f := range bundle.Files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := os.WriteFile(filepath.Join(outDir, filepath.FromSlash(name)), f.Contents, 0o644); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return firstErr
}

func samePath(a, b string) bool { return filepath.Clean(a) == filepath.Clean(b) }

// isInside reports whether p is inside dir (not equal to it).
func isInside(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && !strings.HasPrefix(rel, "..") && !filepath.IsAbs(rel)
}

// emptyDir removes what is in dir, keeping dir itself and a .git folder as Vite does.
func emptyDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.Name() == ".git" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
