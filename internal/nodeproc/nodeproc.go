// Package nodeproc starts the Node.js processes govite talks to (the Node module runner, the
// stylesheet worker) over two pipes of their own: the child reads fd 3 and writes fd 4, so that its
// stdout and stderr stay free for the output of the user's code and tools.
package nodeproc

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// Find returns node: path when it is set, else node on PATH. needs says what needs Node, for the
// error when it is missing ("the Node runner needs node on PATH ...").
func Find(path, needs string) (string, error) {
	if path != "" {
		return path, nil
	}
	p, err := exec.LookPath("node")
	if err != nil {
		return "", errors.New(needs)
	}
	return p, nil
}

// Start starts cmd with a pipe to it as its fd 3 and a pipe from it as its fd 4, and returns
// govite's ends: toNode to write to, fromNode to read from. what names the process in errors.
func Start(cmd *exec.Cmd, what string) (toNode, fromNode *os.File, err error) {
	inR, inW, err := os.Pipe() // govite -> node (fd 3)
	if err != nil {
		return nil, nil, err
	}
	outR, outW, err := os.Pipe() // node -> govite (fd 4)
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, nil, err
	}
	cmd.ExtraFiles = []*os.File{inR, outW}
	if err := cmd.Start(); err != nil {
		inR.Close()
		inW.Close()
		outR.Close()
		outW.Close()
		return nil, nil, fmt.Errorf("starting %s (%s): %w", what, cmd.Path, err)
	}
	// The child has its own copies; ours would keep the pipes open after it exits.
	inR.Close()
	outW.Close()
	return inW, outR, nil
}
