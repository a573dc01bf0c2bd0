package main

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// profile records walros with perf (call graphs, 999 Hz) into out while sc runs for d, so the cost
// of each request can be read with `perf report -i out`.
func profile(ctx context.Context, walros *server, size int64, sc scenario, d time.Duration, out, dir string) error {
	bin, err := exec.LookPath("perf")
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, "record", "-F", "999", "-g", "-o", out, "-p", strconv.Itoa(walros.cmd.Process.Pid))
	p, err := start("perf", cmd, dir+"/perf.log")
	if err != nil {
		return err
	}
	time.Sleep(time.Second)
	r, err := run(ctx, walros, size, sc, d)
	p.cmd.Process.Signal(syscall.SIGINT)
	<-p.done
	if err != nil {
		return err
	}
	fmt.Printf("\nperf profile of walros during %q (%.1f req/s) written to %s\n", sc.name, r.rps(), out)
	return nil
}
