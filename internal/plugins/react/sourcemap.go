package react

import (
	"github.com/govite/govite/internal/sourcemap"
)

// adjustMap moves the generated positions of esbuild's map of js to match the output of addRefresh:
// prologue lines are added before the first line and the insertions (which never contain a line
// break) move the columns after them on their line.
func adjustMap(mapJSON []byte, js string, out *refreshOutput) ([]byte, error) {
	edits := make([]sourcemap.Edit, len(out.inserts))
	for i, ins := range out.inserts {
		edits[i] = sourcemap.Edit{Start: ins.pos, End: ins.pos, Text: ins.text}
	}
	_, m, err := sourcemap.Apply(js, mapJSON, edits)
	if err != nil || out.prologueLines == 0 {
		return m, err
	}
	return sourcemap.ShiftLines(m, out.prologueLines)
}
