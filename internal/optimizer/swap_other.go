//go:build !linux

package optimizer

import (
	"errors"
	"os"
)

// swapDir makes newDir the directory at dst and returns where the replaced directory went ("" when
// dst did not exist): two renames, as Vite does (dst is missing for the moment between them).
func swapDir(newDir, dst string) (string, error) {
	if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
		return "", os.Rename(newDir, dst)
	}
	return swapDirRename(newDir, dst)
}
