//go:build race

package jsrt

const raceEnabled = true
