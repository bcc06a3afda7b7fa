//go:build !linux

package main

import (
	"io"
	"os"
)

// isTerminal reports whether r is an interactive terminal (a character device; on Linux the terminal
// attributes are checked, see tty_linux.go).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
