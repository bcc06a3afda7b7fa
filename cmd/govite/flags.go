package main

import (
	"fmt"
	"strconv"
	"strings"
)

// flags are Vite's CLI flags as cac parses them: --name value, --name=value, boolean --name, and
// options whose value is optional (--minify, --sourcemap, --manifest), which take the next argument
// unless it starts with "-".
type flags struct {
	values map[string]string
	set    map[string]bool
	args   []string // positional
}

var aliases = map[string]string{"c": "config", "l": "logLevel", "m": "mode", "h": "help", "v": "version", "f": "filter", "d": "debug"}

// takesValue: true for options with a required value, false for boolean ones; optional-value options
// are listed in optionalValue.
var takesValue = map[string]bool{
	"config": true, "base": true, "logLevel": true, "mode": true, "outDir": true, "assetsDir": true,
	"assetsInlineLimit": true, "target": true, "port": true, "filter": true,
	"clearScreen": false, "emptyOutDir": false, "strictPort": false, "force": false, "help": false,
	"version": false, "app": false, "cors": false,
}

var optionalValue = map[string]bool{"sourcemap": true, "minify": true, "manifest": true, "ssrManifest": true, "ssr": true, "host": true, "open": true, "debug": true}

func parseFlags(args []string) (*flags, error) {
	f := &flags{values: map[string]string{}, set: map[string]bool{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			f.args = append(f.args, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			f.args = append(f.args, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		val, hasVal := "", false
		if j := strings.IndexByte(name, '='); j >= 0 {
			name, val, hasVal = name[:j], name[j+1:], true
		}
		if full, ok := aliases[name]; ok {
			name = full
		}
		if strings.HasPrefix(name, "no-") {
			f.set[name[3:]] = true
			f.values[name[3:]] = "false"
			continue
		}
		req, known := takesValue[name]
		switch {
		case optionalValue[name]:
			if !hasVal && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				val, hasVal = args[i+1], true
				i++
			}
			if !hasVal {
				val = "true"
			}
		case !known:
			return nil, fmt.Errorf("unknown option %q", a)
		case req:
			if !hasVal {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("option --%s needs a value", name)
				}
				val = args[i+1]
				i++
			}
		default:
			if !hasVal {
				val = "true"
				// cac accepts "--clearScreen false"
				if i+1 < len(args) && (args[i+1] == "true" || args[i+1] == "false") {
					val = args[i+1]
					i++
				}
			}
		}
		f.set[name] = true
		f.values[name] = val
	}
	return f, nil
}

func (f *flags) has(name string) bool   { return f.set[name] }
func (f *flags) str(name string) string { return f.values[name] }
func (f *flags) bool(name string) bool  { return f.set[name] && f.values[name] != "false" }
func (f *flags) boolPtr(name string) *bool {
	if !f.set[name] {
		return nil
	}
	b := f.values[name] != "false"
	return &b
}

func (f *flags) int(name string) (int, bool, error) {
	if !f.set[name] {
		return 0, false, nil
	}
	n, err := strconv.Atoi(f.values[name])
	if err != nil {
		return 0, false, fmt.Errorf("--%s: %q is not a number", name, f.values[name])
	}
	return n, true, nil
}

func (f *flags) root() string {
	if len(f.args) > 0 {
		return f.args[0]
	}
	return ""
}
