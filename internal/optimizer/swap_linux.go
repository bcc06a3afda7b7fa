//go:build linux

package optimizer

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// swapDir makes newDir the directory at dst in one atomic step and returns where the replaced
// directory went ("" when dst did not exist). On Linux both names are exchanged with renameat2
// (RENAME_EXCHANGE), so dst never stops existing and readers see either the old or the new files.
func swapDir(newDir, dst string) (string, error) {
	if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
		return "", os.Rename(newDir, dst)
	}
	err := unix.Renameat2(unix.AT_FDCWD, newDir, unix.AT_FDCWD, dst, unix.RENAME_EXCHANGE)
	if err == nil {
		return newDir, nil // newDir now holds the old files
	}
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP) {
		return swapDirRename(newDir, dst)
	}
	return "", err
}
