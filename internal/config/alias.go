package config

import (
	"regexp"
	"strings"
)

// AliasMatcher applies resolve.alias to specifiers.
type AliasMatcher struct {
	aliases []Alias
	res     []*regexp.Regexp
}

// NewAliasMatcher compiles the regular-expression entries once.
func NewAliasMatcher(aliases []Alias) *AliasMatcher {
	m := &AliasMatcher{aliases: aliases, res: make([]*regexp.Regexp, len(aliases))}
	for i, a := range aliases {
		if a.FindRegexp != "" {
			m.res[i], _ = regexp.Compile(a.FindRegexp) // validated when the config was decoded
		}
	}
	return m
}

// Apply rewrites spec with the first matching entry, as Vite does; ok is false when none matches.
func (m *AliasMatcher) Apply(spec string) (string, bool) {
	for i, a := range m.aliases {
		if a.FindRegexp != "" {
			if re := m.res[i]; re != nil && re.MatchString(spec) {
				return re.ReplaceAllString(spec, jsReplacement(a.Replacement)), true
			}
			continue
		}
		if spec == a.Find {
			return a.Replacement, true
		}
		if strings.HasPrefix(spec, a.Find+"/") || (strings.HasSuffix(a.Find, "/") && strings.HasPrefix(spec, a.Find)) {
			return a.Replacement + spec[len(a.Find):], true
		}
	}
	return spec, false
}

// jsReplacement turns a JS replacement string ("$1") into Go's form ("${1}").
var jsGroupRe = regexp.MustCompile(`\$(\d+)`)

func jsReplacement(s string) string { return jsGroupRe.ReplaceAllString(s, "$${$1}") }
