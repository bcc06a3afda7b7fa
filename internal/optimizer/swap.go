package optimizer

import "os"

// swapDirRename moves dst aside and newDir to dst.
func swapDirRename(newDir, dst string) (string, error) {
	old := dst + tempSuffix()
	if err := os.Rename(dst, old); err != nil {
		return "", err
	}
	if err := os.Rename(newDir, dst); err != nil {
		_ = os.Rename(old, dst)
		return "", err
	}
	return old, nil
}
