package build

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/govite/govite/internal/config"
)

// Report prints the file table Vite prints after a build: other files, then CSS, then JS, each group
// by size; sizes in kB truncated to two decimals, with gzip sizes for text files.
func Report(w io.Writer, cfg *config.ResolvedConfig, bundle *config.OutputBundle, cwd string) {
	type row struct {
		name       string
		size, gz   int
		group      int
		compressed bool
	}
	outRel, err := filepath.Rel(cwd, cfg.Build.OutDir)
	if err != nil {
		outRel = cfg.Build.OutDir
	}
	outRel = filepath.ToSlash(outRel)
	var rows []row
	for name, f := range bundle.Files {
		if strings.HasSuffix(name, ".map") {
			continue
		}
		r := row{name: outRel + "/" + name, size: len(f.Contents)}
		switch ext := strings.ToLower(filepath.Ext(name)); ext {
		case ".js", ".mjs":
			r.group = 2
		case ".css":
			r.group = 1
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".js", ".mjs", ".css", ".html", ".json", ".svg", ".txt", ".xml", ".webmanifest":
			r.compressed = cfg.Build.ReportCompressedSize
		}
		rows = append(rows, r)
	}
	// gzip sizes in parallel: for big apps this is most of the report's time.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := range rows {
		if !rows[i].compressed {
			continue
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rows[i].gz = gzipSize(bundle.Files[strings.TrimPrefix(rows[i].name, outRel+"/")].Contents)
		}(i)
	}
	wg.Wait()
	slices.SortFunc(rows, func(a, b row) int {
		if a.group != b.group {
			return a.group - b.group
		}
		if a.size != b.size {
			return a.size - b.size
		}
		return strings.Compare(a.name, b.name)
	})
	nameW, sizeW, gzW := 0, 0, 0
	for _, r := range rows {
		nameW = max(nameW, len(r.name))
		sizeW = max(sizeW, len(kB(r.size)))
		if r.compressed {
			gzW = max(gzW, len(kB(r.gz)))
		}
	}
	for _, r := range rows {
		line := fmt.Sprintf("%-*s  %*s kB", nameW, r.name, sizeW, kB(r.size))
		if r.compressed {
			line += fmt.Sprintf(" │ gzip: %*s kB", gzW, kB(r.gz))
		}
		fmt.Fprintln(w, line)
	}
	var big []string
	for _, r := range rows {
		if r.group == 2 && r.size > cfg.Build.ChunkSizeWarningLimit*1000 {
			big = append(big, r.name)
		}
	}
	if len(big) > 0 {
		fmt.Fprintf(w, "\n(!) Some chunks are larger than %d kB after minification (%s). Consider:\n- Using dynamic import() to code-split the application\n- Adjust chunk size limit for this warning via build.chunkSizeWarningLimit.\n", cfg.Build.ChunkSizeWarningLimit, strings.Join(big, ", "))
	}
}

// kB formats bytes as Vite does: thousands of bytes, truncated to two decimals.
func kB(n int) string {
	return fmt.Sprintf("%d.%02d", n/1000, (n%1000)/10)
}

func gzipSize(data []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	zw.Write(data)
	zw.Close()
	return buf.Len()
}
