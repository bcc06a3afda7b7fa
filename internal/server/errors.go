package server

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
	"github.com/govite/govite/internal/plugin"
)

// DevError is an error in a module, with what the browser overlay and the terminal show: the file,
// line and column, a code frame and the plugin that failed (Vite's ErrorPayload.err).
type DevError struct {
	Message string
	Plugin  string
	ID      string // the file (or id) the error is in
	Loc     *ErrorLoc
	Frame   string
	Stack   string
}

// ErrorLoc is a 1-based line and column in File.
type ErrorLoc struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

func (e *DevError) Error() string {
	var b strings.Builder
	if e.Plugin != "" {
		fmt.Fprintf(&b, "[plugin:%s] ", e.Plugin)
	}
	if e.Loc != nil {
		fmt.Fprintf(&b, "%s:%d:%d: ", e.Loc.File, e.Loc.Line, e.Loc.Column)
	}
	b.WriteString(e.Message)
	if e.Frame != "" {
		b.WriteString("\n" + e.Frame)
	}
	return b.String()
}

// payload is the error as sent to the browser.
func (e *DevError) payload() map[string]any {
	err := map[string]any{"message": e.Message, "stack": e.Stack, "id": e.ID, "frame": e.Frame, "plugin": e.Plugin}
	if e.Loc != nil {
		err["loc"] = e.Loc
	}
	return err
}

// asDevError gives any error the overlay's shape.
func asDevError(err error) *DevError {
	var de *DevError
	if errors.As(err, &de) {
		return de
	}
	out := &DevError{Message: err.Error()}
	var he *plugin.HookError
	if errors.As(err, &he) {
		out.Plugin = he.Plugin
		out.ID = he.ID
		if errors.As(he.Err, &de) {
			d := *de
			d.Plugin = he.Plugin
			return &d
		}
		out.Message = he.Err.Error()
	}
	return out
}

// codeError is an error at a byte offset of a module's code.
func codeError(root, file, code string, offset int, msg, pluginName string) *DevError {
	if offset > len(code) {
		offset = len(code)
	}
	line := strings.Count(code[:offset], "\n") + 1
	col := offset - (strings.LastIndexByte(code[:offset], '\n') + 1) + 1
	return &DevError{Message: msg, Plugin: pluginName, ID: file,
		Loc: &ErrorLoc{File: file, Line: line, Column: col}, Frame: codeFrame(code, line, col)}
}

// codeFrame shows the lines around line (1-based) with a caret under col, as Vite's generateCodeFrame.
func codeFrame(code string, line, col int) string {
	lines := strings.Split(code, "\n")
	var b strings.Builder
	width := len(strconv.Itoa(min(line+2, len(lines))))
	for n := max(1, line-2); n <= min(len(lines), line+2); n++ {
		text := strings.TrimRight(lines[n-1], "\r")
		if len(text) > 200 {
			text = text[:200]
		}
		fmt.Fprintf(&b, "%*d  |  %s\n", width, n, text)
		if n == line {
			fmt.Fprintf(&b, "%s  |  %s^\n", strings.Repeat(" ", width), strings.Repeat(" ", max(0, col-1)))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// esbuildErrorsIn turns esbuild's messages for file into a DevError (the first one, with the others
// appended to the message).
func esbuildErrorsIn(msgs []api.Message, file, root string) error {
	for i := range msgs {
		if l := msgs[i].Location; l != nil && (l.File == "" || l.File == "<stdin>") {
			l.File = file
		}
	}
	return esbuildErrors(msgs)
}

func esbuildErrors(msgs []api.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	m := msgs[0]
	de := &DevError{Message: m.Text, Plugin: "vite:esbuild"}
	if l := m.Location; l != nil {
		de.ID = l.File
		de.Loc = &ErrorLoc{File: l.File, Line: l.Line, Column: l.Column + 1}
		n := strconv.Itoa(l.Line)
		de.Frame = fmt.Sprintf("%s  |  %s\n%s  |  %s^", n, l.LineText, strings.Repeat(" ", len(n)), strings.Repeat(" ", l.Column))
	}
	for _, extra := range msgs[1:] {
		de.Message += "\n" + extra.Text
	}
	return de
}
