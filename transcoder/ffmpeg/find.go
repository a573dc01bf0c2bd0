package ffmpeg

import (
	"fmt"
	"os/exec"
)

// Find returns the path of the binary name ("ffmpeg" or "ffprobe"). A
// non-empty configured path wins over PATH; it may also be a bare name, which
// is looked up in PATH. The error names the binary and how to install it.
func Find(name, configured string) (string, error) {
	if configured != "" {
		p, err := exec.LookPath(configured)
		if err != nil {
			return "", fmt.Errorf("%s: configured path %q is not an executable file: %w", name, configured, err)
		}
		return p, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found in PATH: install Debian's ffmpeg package (apt-get install ffmpeg) or configure its path: %w", name, err)
	}
	return p, nil
}
