//go:build !unix

package ffmpeg

// setNice does nothing where priorities are not Unix ones.
func setNice(int, int) error { return nil }
