package config

import (
	"fmt"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// ParseTarget turns target values ("chrome107", "es2020", "esnext") into esbuild engines; option names
// the option they come from in errors.
func ParseTarget(option string, target []string) ([]api.Engine, error) {
	names := map[string]api.EngineName{
		"chrome": api.EngineChrome, "edge": api.EngineEdge, "firefox": api.EngineFirefox, "safari": api.EngineSafari,
		"ios": api.EngineIOS, "node": api.EngineNode, "opera": api.EngineOpera, "deno": api.EngineDeno,
	}
	var out []api.Engine
	for _, t := range target {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "esnext" || strings.HasPrefix(t, "es") {
			continue // ES versions are passed as esbuild's Target below
		}
		i := strings.IndexAny(t, "0123456789")
		if i <= 0 {
			return nil, fmt.Errorf("%s: %q is not a browser with a version (like chrome107) or an ES version (like es2020)", option, t)
		}
		name, ok := names[t[:i]]
		if !ok {
			return nil, fmt.Errorf("%s: unknown browser %q in %q", option, t[:i], t)
		}
		out = append(out, api.Engine{Name: name, Version: t[i:]})
	}
	return out, nil
}

// ESTarget is the ES version among target values, esnext when there is none.
func ESTarget(target []string) api.Target {
	for _, t := range target {
		switch strings.ToLower(t) {
		case "es2015", "es6":
			return api.ES2015
		case "es2016":
			return api.ES2016
		case "es2017":
			return api.ES2017
		case "es2018":
			return api.ES2018
		case "es2019":
			return api.ES2019
		case "es2020":
			return api.ES2020
		case "es2021":
			return api.ES2021
		case "es2022":
			return api.ES2022
		case "es2023":
			return api.ES2023
		case "es2024":
			return api.ES2024
		}
	}
	return api.ESNext
}
