package server

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/govite/govite/internal/config"
	"github.com/govite/govite/internal/glob"
)

// watchIgnorer applies server.watch.ignored the way chokidar's anymatch does: globs and regular
// expressions are matched against the absolute path with forward slashes, a string that is not a glob
// also ignores everything below it, a glob starting with "!" un-ignores what it matches, and a function
// is called with the path and, when known, its stats.
type watchIgnorer struct {
	globs   []string // positive globs and plain paths
	plain   []string // the strings that are no globs: their subtrees are ignored too
	negated []string
	regexps []*regexp.Regexp
	funcs   []func(string, fs.FileInfo) bool
}

func newWatchIgnorer(list []config.WatchMatcher, logf func(string)) *watchIgnorer {
	wi := &watchIgnorer{}
	for _, m := range list {
		switch {
		case m.Func != nil:
			wi.funcs = append(wi.funcs, m.Func)
		case m.Regexp != "":
			re, err := regexp.Compile(m.Regexp)
			if err != nil {
				logf("server.watch.ignored: " + err.Error())
				continue
			}
			wi.regexps = append(wi.regexps, re)
		case strings.HasPrefix(m.Glob, "!"):
			wi.negated = append(wi.negated, normalizeIgnoredGlob(m.Glob[1:]))
		case m.Glob != "":
			g := normalizeIgnoredGlob(m.Glob)
			wi.globs = append(wi.globs, g)
			if !isGlobPattern(g) {
				wi.plain = append(wi.plain, strings.TrimSuffix(g, "/"))
			}
		}
	}
	if len(wi.globs)+len(wi.regexps)+len(wi.funcs) == 0 {
		return nil
	}
	return wi
}

// normalizeIgnoredGlob does what chokidar does to a string pattern without a cwd: path.join("", p).
func normalizeIgnoredGlob(p string) string {
	p = filepath.ToSlash(p)
	if p == "" {
		return p
	}
	abs := strings.HasPrefix(p, "/")
	trailing := strings.HasSuffix(p, "/")
	out := filepath.ToSlash(filepath.Clean(p))
	if trailing && out != "/" {
		out += "/"
	}
	if !abs {
		out = strings.TrimPrefix(out, "./")
	}
	return out
}

// isGlobPattern reports whether s has glob syntax (is-glob's test, simplified).
func isGlobPattern(s string) bool {
	return strings.ContainsAny(s, "*?[]{}") || strings.Contains(s, "!(") || strings.Contains(s, "+(") || strings.Contains(s, "@(")
}

// ignored reports whether path (absolute) is ignored; info may be nil.
func (wi *watchIgnorer) ignored(path string, info fs.FileInfo) bool {
	if wi == nil {
		return false
	}
	p := filepath.ToSlash(path)
	for _, g := range wi.negated {
		if g == p || glob.Match(g, p) {
			return false
		}
	}
	for _, g := range wi.globs {
		if g == p || glob.Match(g, p) {
			return true
		}
	}
	for _, d := range wi.plain {
		if strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	for _, re := range wi.regexps {
		if re.MatchString(p) {
			return true
		}
	}
	for _, f := range wi.funcs {
		if f(path, info) {
			return true
		}
	}
	return false
}

// needsStats reports whether a match may call a function (which is given the file's stats).
func (wi *watchIgnorer) needsStats() bool { return wi != nil && len(wi.funcs) > 0 }

// userIgnored reports whether server.watch.ignored ignores path.
func (w *watcher) userIgnored(path string) bool {
	if w.user == nil {
		return false
	}
	var info fs.FileInfo
	if w.user.needsStats() {
		info, _ = os.Lstat(path)
	}
	return w.user.ignored(path, info)
}

// pollSettings are the polling options of server.watch: usePolling (or CHOKIDAR_USEPOLLING), interval
// (or CHOKIDAR_INTERVAL, default 100 ms) and binaryInterval (default 300 ms), as chokidar reads them.
func pollSettings(o config.WatchOptions) (poll bool, interval, binaryInterval time.Duration) {
	if o.UsePolling != nil {
		poll = *o.UsePolling
	}
	if env, ok := os.LookupEnv("CHOKIDAR_USEPOLLING"); ok {
		switch strings.ToLower(env) {
		case "false", "0":
			poll = false
		case "true", "1":
			poll = true
		default:
			poll = env != ""
		}
	}
	ms := 100
	if o.Interval > 0 {
		ms = o.Interval
	}
	if env := os.Getenv("CHOKIDAR_INTERVAL"); env != "" {
		if n, err := strconv.Atoi(env); err == nil && n > 0 {
			ms = n
		}
	}
	bin := 300
	if o.BinaryInterval > 0 {
		bin = o.BinaryInterval
	}
	return poll, time.Duration(ms) * time.Millisecond, time.Duration(bin) * time.Millisecond
}
