package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"
)

// These match strace -f lines: "PID name(fd, ..." and "PID <... name resumed> ...", ending
// with " = RESULT" when the call finished on that line.
var (
	callRe   = regexp.MustCompile(`^(\d+)\s+(\w+)\((\d+),`)
	resumeRe = regexp.MustCompile(`^(\d+)\s+<\.\.\. (\w+) resumed>`)
	resultRe = regexp.MustCompile(`\)\s+= (\d+)$`)
)

// traceSends attaches strace to srv, has the client fetch the file once and 20 ranges of rangeLen,
// and sums the bytes each sending system call wrote to sockets (writes to stdout and stderr, the
// log, are left out). It answers whether the body went through sendfile(2).
func traceSends(ctx context.Context, srv *server, size, rangeLen int64, dir string) (map[string][2]int64, error) {
	bin, err := exec.LookPath("strace")
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "strace-"+srv.name+".txt")
	cmd := exec.Command(bin, "-f", "-qq", "-e", "trace=sendfile,write,writev,sendto,sendmsg,splice,copy_file_range",
		"-o", out, "-p", strconv.Itoa(srv.cmd.Process.Pid))
	st, err := start("strace", cmd, out+".log")
	if err != nil {
		return nil, err
	}
	time.Sleep(time.Second) // let it attach to every thread
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	buf := make([]byte, 1<<20)
	for i := range 21 {
		l := rangeLen
		if i == 0 {
			l = 0 // the whole file
		}
		if _, err := fetch(ctx, client, srv.url, size, l, buf); err != nil {
			st.stop()
			return nil, err
		}
	}
	st.cmd.Process.Signal(syscall.SIGINT)
	<-st.done
	return parseTrace(out)
}

func parseTrace(path string) (map[string][2]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string][2]int64{} // calls, bytes
	pending := map[string]int{}   // pid -> fd of an unfinished call
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var name string
		var fd int
		if m := callRe.FindStringSubmatch(line); m != nil {
			name = m[2]
			fd, _ = strconv.Atoi(m[3])
			pending[m[1]] = fd
		} else if m := resumeRe.FindStringSubmatch(line); m != nil {
			name, fd = m[2], pending[m[1]]
		} else {
			continue
		}
		r := resultRe.FindStringSubmatch(line)
		if r == nil || (name == "write" || name == "writev") && fd <= 2 {
			continue
		}
		n, _ := strconv.ParseInt(r[1], 10, 64)
		s := sums[name]
		sums[name] = [2]int64{s[0] + 1, s[1] + n}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return sums, nil
}
