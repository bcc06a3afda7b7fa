package server

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// poller is the watcher's polling mode (server.watch.usePolling, for network drives, Docker volumes and
// WSL, where file system events do not arrive): every watched folder is listed again each interval and
// its files' sizes and modification times compared with the last listing. Binary files (images, fonts,
// archives...) are compared every binaryInterval, as chokidar does. Changes go through the watcher's
// queue, so they are debounced and filtered like events.
type poller struct {
	w                        *watcher
	interval, binaryInterval time.Duration

	mu   sync.Mutex
	dirs map[string]map[string]pollEntry // folder -> entry name -> state
}

type pollEntry struct {
	dir  bool
	size int64
	mod  time.Time
}

func newPoller(w *watcher, interval, binaryInterval time.Duration) *poller {
	return &poller{w: w, interval: interval, binaryInterval: binaryInterval, dirs: map[string]map[string]pollEntry{}}
}

// add starts polling dir: its current entries are the baseline (no events for them).
func (p *poller) add(dir string) {
	snap := listDir(dir)
	p.mu.Lock()
	if _, ok := p.dirs[dir]; !ok {
		p.dirs[dir] = snap
	}
	p.mu.Unlock()
}

func listDir(dir string) map[string]pollEntry {
	out := map[string]pollEntry{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		out[e.Name()] = pollEntry{dir: info.IsDir(), size: info.Size(), mod: info.ModTime()}
	}
	return out
}

// run polls until done is closed.
func (p *poller) run(done <-chan struct{}) {
	tick := min(p.interval, p.binaryInterval)
	t := time.NewTicker(tick)
	defer t.Stop()
	var lastText, lastBinary time.Time
	for {
		select {
		case <-done:
			return
		case now := <-t.C:
			text := now.Sub(lastText) >= p.interval-tick/2
			binary := now.Sub(lastBinary) >= p.binaryInterval-tick/2
			if text {
				lastText = now
			}
			if binary {
				lastBinary = now
			}
			p.scan(text, binary)
		}
	}
}

// scan lists every polled folder and queues what changed: files compared when their kind (text or
// binary) is due, files and folders that appeared or disappeared always.
func (p *poller) scan(text, binary bool) {
	p.mu.Lock()
	dirs := make([]string, 0, len(p.dirs))
	for d := range p.dirs {
		dirs = append(dirs, d)
	}
	p.mu.Unlock()
	for _, dir := range dirs {
		cur := listDir(dir)
		p.mu.Lock()
		prev, ok := p.dirs[dir]
		if !ok {
			p.mu.Unlock()
			continue // dropped while scanning (its parent disappeared)
		}
		if _, err := os.Stat(dir); err != nil {
			delete(p.dirs, dir)
			p.mu.Unlock()
			p.removed(dir, prev)
			continue
		}
		next := make(map[string]pollEntry, len(cur))
		var added, changed, gone []string
		var newDirs []string
		for name, e := range cur {
			old, existed := prev[name]
			switch {
			case !existed || old.dir != e.dir:
				if e.dir {
					newDirs = append(newDirs, name)
				} else {
					added = append(added, name)
				}
				next[name] = e
			case e.dir:
				next[name] = e
			case isBinaryPath(name) && !binary, !isBinaryPath(name) && !text:
				next[name] = old // not due: compared on a later pass
			default:
				if e.size != old.size || !e.mod.Equal(old.mod) {
					changed = append(changed, name)
				}
				next[name] = e
			}
		}
		for name, old := range prev {
			if e, ok := cur[name]; !ok || e.dir != old.dir {
				if !old.dir {
					gone = append(gone, name)
				} else {
					gone = append(gone, name+string(filepath.Separator))
				}
			}
		}
		p.dirs[dir] = next
		p.mu.Unlock()

		for _, name := range gone {
			full := filepath.Join(dir, name)
			if strings.HasSuffix(name, string(filepath.Separator)) {
				p.dropTree(full)
				continue
			}
			p.w.queue(full, "unlink")
		}
		for _, name := range added {
			p.w.queue(filepath.Join(dir, name), "add")
		}
		for _, name := range changed {
			p.w.queue(filepath.Join(dir, name), "change")
		}
		for _, name := range newDirs {
			full := filepath.Join(dir, name)
			if p.w.ignored(full) {
				continue
			}
			p.w.addTree(full)
			// Its files are new too (addTree took them as the folder's baseline).
			_ = filepath.WalkDir(full, func(f string, d fs.DirEntry, err error) error {
				if err != nil {
					return nil
				}
				if d.IsDir() {
					if f != full && p.w.ignored(f) {
						return filepath.SkipDir
					}
					return nil
				}
				p.w.queue(f, "add")
				return nil
			})
		}
	}
}

// removed reports the files of a folder that disappeared.
func (p *poller) removed(dir string, entries map[string]pollEntry) {
	for name, e := range entries {
		if !e.dir {
			p.w.queue(filepath.Join(dir, name), "unlink")
		}
	}
	p.dropTree(dir)
}

// dropTree stops polling a folder that is gone, and the folders below it, reporting their files.
func (p *poller) dropTree(dir string) {
	prefix := dir + string(filepath.Separator)
	p.mu.Lock()
	var dropped []string
	var files []string
	for d, entries := range p.dirs {
		if d == dir || strings.HasPrefix(d, prefix) {
			dropped = append(dropped, d)
			for name, e := range entries {
				if !e.dir {
					files = append(files, filepath.Join(d, name))
				}
			}
			delete(p.dirs, d)
		}
	}
	p.mu.Unlock()
	p.w.mu.Lock()
	for _, d := range dropped {
		delete(p.w.dirs, d)
	}
	p.w.mu.Unlock()
	for _, f := range files {
		p.w.queue(f, "unlink")
	}
}

// binaryExtensions are the extensions chokidar polls at binaryInterval (the common part of the
// binary-extensions list).
var binaryExtensions = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`3dm 3ds 3g2 3gp 7z a aac adp ai aif aiff als alz ape apk appimage ar arj asf au avi
		bak baml bh bin bk bmp btif bz2 bzip2 cab caf cgm class cmx cpio cr2 cur dat dcm deb dex djvu dll dmg dng doc
		docm docx dot dotm dra DS_Store dsk dts dtshd dvb dwg dxf ecelp4800 ecelp7470 ecelp9600 egg eol eot epub exe
		f4v fbs fh fla flac flatpak fli flv fpx fst fvt g3 gh gif glb graffle gz gzip h261 h263 h264 icns ico ief img
		ipa iso jar jpeg jpg jpgv jpm jxr key ktx lha lib lvp lz lzh lzma lzo m3u m4a m4v mar mdi mht mid midi mj2 mka
		mkv mmr mng mobi mov movie mp3 mp4 mp4a mpeg mpg mpga mxu nef npx numbers nupkg o odp ods odt oga ogg ogv otf
		ott pages pbm pcx pdb pdf pea pgm pic png pnm pot potm potx ppa ppam ppm pps ppsm ppsx ppt pptm pptx psd pya
		pyc pyo pyv qt rar ras raw resources rgb rip riff rlc rmf rmvb rpm rtf rz s3m s7z scpt sgi shar snap sil sketch
		slk smv snk so stl suo sub swf tar tbz tbz2 tga tgz thmx tif tiff tlz ttc ttf txz udf uvh uvi uvm uvp uvs uvu
		viv vob war wav wax wbmp wdp weba webm webp whl wim wm wma wmv wmx woff woff2 wrm wvx xbm xif xla xlam xls xlsb
		xlsm xlsx xlt xltm xltx xm xmind xpi xpm xwd xz z zip zipx`) {
		binaryExtensions[strings.ToLower(e)] = true
	}
}

func isBinaryPath(name string) bool {
	ext := strings.TrimPrefix(filepath.Ext(name), ".")
	return ext != "" && binaryExtensions[strings.ToLower(ext)]
}
