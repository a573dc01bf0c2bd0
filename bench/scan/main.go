// Command scan measures a first library scan against plain ffprobe over the same files with the
// same parallelism, in one run, and an unchanged rescan; it prints both and their ratio.
//
//	go run ./bench/scan -files 10000 -parallel 2
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/testmedia"
)

func main() {
	files := flag.Int("files", 10000, "files in the generated library")
	parallel := flag.Int("parallel", runtime.GOMAXPROCS(0), "files probed at once, by both")
	keep := flag.Bool("keep", false, "keep the generated library and data directory")
	flag.Parse()
	ctx := context.Background()

	dir, err := os.MkdirTemp("", "walros-bench-scan-")
	check(err)
	if !*keep {
		defer os.RemoveAll(dir)
	}
	media, data := filepath.Join(dir, "media"), filepath.Join(dir, "data")
	paths := generate(ctx, media, *files)

	ffprobe, err := exec.LookPath("ffprobe")
	check(err)
	start := time.Now()
	probeAll(ffprobe, paths, *parallel)
	raw := time.Since(start)

	bin := filepath.Join(dir, "walros")
	out, err := exec.Command("go", "build", "-o", bin, "./cmd/walros").CombinedOutput()
	check(fmtErr(err, out))
	walros := func(args ...string) (time.Duration, int64, string) {
		cmd := exec.Command(bin, append(args, "--data", data)...)
		cmd.Env = append(os.Environ(), fmt.Sprintf("WALROS_SCAN_PARALLEL=%d", *parallel))
		start := time.Now()
		out, err := cmd.CombinedOutput()
		check(fmtErr(err, out))
		rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
		return time.Since(start), rss, string(out)
	}
	walros("library", "add", "Bench", "--type", "mixed", media)
	first, firstRSS, summary := walros("scan")
	if !regexp.MustCompile(fmt.Sprintf(`%d files`, len(paths))).MatchString(summary) {
		log.Fatalf("walros scan did not see every file: %s", summary)
	}
	again, againRSS, _ := walros("scan")

	n := float64(len(paths))
	fmt.Printf("files: %d, parallel: %d, GOMAXPROCS: %d\n", len(paths), *parallel, runtime.GOMAXPROCS(0))
	fmt.Printf("plain ffprobe:      %8.2fs  %7.1f files/s\n", raw.Seconds(), n/raw.Seconds())
	fmt.Printf("walros first scan:  %8.2fs  %7.1f files/s  peak RSS %d MiB\n", first.Seconds(), n/first.Seconds(), firstRSS>>10)
	fmt.Printf("throughput ratio (walros / ffprobe): %.2f (target >= 0.80)\n", raw.Seconds()/first.Seconds())
	fmt.Printf("walros rescan, nothing changed: %.3fs (target <= 1s)  peak RSS %d MiB\n", again.Seconds(), againRSS>>10)
}

// generate makes one short clip per kind and copies it into a library of movies, episodes and
// tracks: ffprobe's cost depends on the container, not on whether files differ.
func generate(ctx context.Context, root string, n int) []string {
	bin, err := exec.LookPath("ffmpeg")
	check(err)
	r := ffmpeg.Runner{Bin: bin}
	src := filepath.Join(root, ".src")
	specs := []testmedia.Spec{
		{Path: filepath.Join(src, "v.mkv"), Duration: time.Second, Width: 64, Height: 36, VideoCodec: "h264", AudioCodec: "aac"},
		{Path: filepath.Join(src, "a.mp3"), Duration: time.Second, AudioCodec: "mp3", Tags: map[string]string{"artist": "A", "album": "B"}},
	}
	check(testmedia.GenerateAll(ctx, r, specs, 0))
	video, err := os.ReadFile(specs[0].Path)
	check(err)
	audio, err := os.ReadFile(specs[1].Path)
	check(err)
	var paths []string
	for i := range n {
		var p string
		var b []byte
		switch i % 3 {
		case 0:
			p, b = fmt.Sprintf("Movies/Movie %05d (%d)/Movie %05d (%d).mkv", i, 1950+i%70, i, 1950+i%70), video
		case 1:
			p, b = fmt.Sprintf("Shows/Show %03d/Season %02d/Show %03d - S%02dE%02d.mkv", i%100, i/100%10+1, i%100, i/100%10+1, i/1000+1), video
		default:
			p, b = fmt.Sprintf("Music/Artist %03d/Album %03d/%02d - Track %05d.mp3", i%100, i%300, i%20+1, i), audio
		}
		p = filepath.Join(root, p)
		check(os.MkdirAll(filepath.Dir(p), 0o755))
		check(os.WriteFile(p, b, 0o644))
		paths = append(paths, p)
	}
	check(os.RemoveAll(src))
	return paths
}

// probeAll is the reference: ffprobe with the arguments a media server needs, parallel workers.
func probeAll(ffprobe string, paths []string, parallel int) {
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for p := range jobs {
				out, err := exec.Command(ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
					"-show_chapters", "file:"+p).Output()
				if err != nil || len(out) == 0 {
					log.Fatalf("ffprobe %s: %v", p, err)
				}
			}
		})
	}
	for _, p := range paths {
		jobs <- p
	}
	close(jobs)
	wg.Wait()
}

func fmtErr(err error, out []byte) error {
	if err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
