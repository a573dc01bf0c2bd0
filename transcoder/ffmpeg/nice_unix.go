//go:build unix

package ffmpeg

import "syscall"

// setNice sets the scheduling priority of a process.
func setNice(pid, nice int) error {
	return syscall.Setpriority(syscall.PRIO_PROCESS, pid, nice)
}
