//go:build race

package nfo_test

// raceEnabled is true under the race detector, whose slowdown makes timing meaningless.
const raceEnabled = true
