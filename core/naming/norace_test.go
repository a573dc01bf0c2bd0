//go:build !race

package naming

// raceEnabled is true under the race detector, whose slowdown makes timing meaningless.
const raceEnabled = false
