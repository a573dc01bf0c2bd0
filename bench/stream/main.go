// Command stream measures Walros's HLS streaming against plain ffmpeg (and nginx for cached
// segments) in one run, on a generated 60 s 1080p H.264 source transcoded to 720p H.264, and
// prints each figure next to its reference, the ratio and the target:
//
//   - time to first segment: master playlist, 720p media playlist, init.mp4 and segment 0 of a
//     rendition nobody has watched, against ffmpeg encoding that first segment alone;
//   - seek: one segment in the middle of a fresh rendition, against ffmpeg encoding that segment
//     alone;
//   - second viewer: another session starting the rendition the first one just started;
//   - remux start: the same start sequence for the copied video (v-copy) on a fresh data directory;
//   - cached segments: 200 clients fetching cached segments, against nginx serving the same files.
//
// The keyframe index is warm for the time to first segment and the seek (the master playlist is
// fetched once beforehand; its cold cost is printed apart) and cold for the remux start.
//
//	go run ./bench/stream -n 5
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/walros/walros/bench/internal/benchserver"
)

type options struct {
	n        int
	preset   string
	cache    string
	clients  int
	loadD    time.Duration
	interval time.Duration
	seed     uint64
	keep     bool
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 5, "repetitions of each start, seek and remux measurement (medians are reported)")
	defPreset := os.Getenv("WALROS_TRANSCODE_PRESET")
	if defPreset == "" {
		defPreset = "veryfast"
	}
	flag.StringVar(&o.preset, "preset", defPreset, "libx264 preset of both Walros and the reference")
	flag.StringVar(&o.cache, "cache", filepath.Join(os.TempDir(), "walros-bench-stream"), "folder where the source is kept between runs")
	flag.IntVar(&o.clients, "clients", 200, "concurrent clients fetching cached segments")
	flag.DurationVar(&o.loadD, "d", 10*time.Second, "duration of each cached-segment load run")
	flag.DurationVar(&o.interval, "interval", time.Second, "mean pause of a cached-segment client between requests (a player buffering at 4× real time with 4 s segments); the back-to-back run is printed too")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the random seek points and load")
	flag.BoolVar(&o.keep, "keep", false, "keep the data directories and logs")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := benchmark(ctx, o) // returns, running its deferred clean-ups, when ctx ends
	stop()
	if err != nil {
		log.Fatal(err)
	}
}

// row is one line of the result table.
type row struct {
	measure, walros, ref, ratio, target, pass string
}

func benchmark(ctx context.Context, o options) error {
	root, src, err := ensureSource(ctx, o.cache)
	if err != nil {
		return err
	}
	keys, err := keyframes(ctx, src)
	if err != nil {
		return err
	}
	probe, _ := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration,bit_rate", "-of", "csv=p=0", src).Output()
	dir, err := os.MkdirTemp("", "walros-bench-stream-run-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Println("keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	fmt.Println("building walros")
	bin, err := benchserver.Build(ctx, dir)
	if err != nil {
		return err
	}
	ffv, _ := exec.Command("ffmpeg", "-version").Output()
	ffVersion, _, _ := strings.Cut(string(ffv), "\n")
	loadavg, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("source: %s (duration, bit rate: %s), %d keyframes\nCPUs: %d, %s, %s, preset %s, load %s\n",
		src, strings.TrimSpace(string(probe)), len(keys), runtime.NumCPU(), runtime.Version(), ffVersion, o.preset,
		strings.TrimSpace(string(loadavg)))
	seg := func(k int) (time.Duration, time.Duration) { // a segment's start and length: the source's GOPs
		if k+1 < len(keys) {
			return keys[k], keys[k+1] - keys[k]
		}
		return keys[k], 60*time.Second - keys[k]
	}
	// Warm-up, not counted: ffmpeg's libraries and the source in the page cache.
	if _, err := refEncode(ctx, src, keys[0], keys[1]-keys[0], 2_400_000, o.preset, dir); err != nil {
		return err
	}
	var rows []row

	// Remux start, cold keyframe index: a fresh data directory each time.
	fmt.Println("\n== remux start (v-copy), fresh data directory and keyframe index each time")
	var remuxW, remuxR, remuxScan, remuxMaster []time.Duration
	for i := range o.n {
		w, err := startWalros(ctx, bin, filepath.Join(dir, "remux-"+strconv.Itoa(i)), root, o.preset)
		if err != nil {
			return err
		}
		if err := w.waitIdle(ctx); err != nil {
			w.stop()
			return err
		}
		off := w.logSize()
		measureW := func() error {
			p := newPlayer(w.token)
			defer p.close()
			steps, _, err := p.start(w.masterURL(w.token), "v-copy")
			if err != nil {
				return err
			}
			remuxW = append(remuxW, total(steps))
			remuxMaster = append(remuxMaster, steps[0].d())
			scan := probeTime(w, off)
			remuxScan = append(remuxScan, scan)
			fmt.Printf("  walros %s (%s; keyframe scan %s)\n", ms(total(steps)), describe(steps), ms(scan))
			return nil
		}
		measureR := func() error {
			start, d := seg(0)
			t, err := refCopy(ctx, src, start, d, dir)
			if err != nil {
				return err
			}
			remuxR = append(remuxR, t)
			fmt.Printf("  ffmpeg %s\n", ms(t))
			return nil
		}
		err = alternate(i, measureW, measureR)
		w.stop()
		if !o.keep {
			os.RemoveAll(w.data)
		}
		if err != nil {
			return err
		}
	}

	remuxSeek, err := copySeek(ctx, bin, filepath.Join(dir, "remux-seek"), root, o.preset, 7, o.keep)
	if err != nil {
		return err
	}

	// The main instance: warm keyframe index, fresh renditions (another bitrate) each time.
	w, err := startWalros(ctx, bin, filepath.Join(dir, "data"), root, o.preset)
	if err != nil {
		return err
	}
	defer w.stop()
	if err := w.waitIdle(ctx); err != nil {
		return err
	}
	token2, err := w.login("bench-viewer-2")
	if err != nil {
		return err
	}
	off := w.logSize()
	p := newPlayer(w.token)
	s, master, err := p.get("master playlist", w.masterURL(w.token), true)
	p.close()
	if err != nil {
		return err
	}
	coldMaster, coldScan := s.d(), probeTime(w, off)
	ladder, err := ladder720(master)
	if err != nil {
		return err
	}
	kbps, _ := strconv.Atoi(strings.TrimSuffix(ladder[strings.LastIndex(ladder, "-")+1:], "k"))
	fmt.Printf("\nmaster playlist with a cold keyframe index: %s (ffprobe keyframe scan %s); 720p variant %s\n",
		ms(coldMaster), ms(coldScan), ladder)
	if err := w.waitIdle(ctx); err != nil {
		return err
	}

	fmt.Println("\n== time to first segment (fresh 720p rendition, warm keyframe index), then a second viewer")
	var ttfsW, ttfsR, second, secondSeg, secondMore, spawn, encode []time.Duration
	for i := range o.n {
		bitrate := int64(kbps+1+i) * 1000
		id := fmt.Sprintf("v-h264-1280x720-%dk", bitrate/1000)
		measureW := func() error {
			if err := w.waitIdle(ctx); err != nil {
				return err
			}
			off := w.logSize()
			p := newPlayer(w.token)
			defer p.close()
			steps, m, err := p.start(w.masterURL(w.token), id)
			if err != nil {
				return err
			}
			ttfsW = append(ttfsW, total(steps))
			// The second viewer starts right away, while the first one's encoder runs.
			p2 := newPlayer(token2)
			defer p2.close()
			steps2, _, err := p2.start(w.masterURL(token2), id)
			if err != nil {
				return err
			}
			second = append(second, total(steps2))
			secondSeg = append(secondSeg, steps2[2].d()+steps2[3].d())
			var more []step
			for k := 1; k <= 3 && k < len(m.segs); k++ {
				s, _, err := p2.get("segment "+strconv.Itoa(k), m.segs[k], false)
				if err != nil {
					return err
				}
				more = append(more, s)
			}
			secondMore = append(secondMore, total(more))
			line := fmt.Sprintf("  walros %s (%s)", ms(total(steps)), describe(steps))
			if st, ok := encoderStart(w, off, "-b:v", strconv.FormatInt(bitrate, 10)); ok {
				spawn = append(spawn, st.Sub(steps[2].start))
				encode = append(encode, steps[2].end.Sub(st))
				line += fmt.Sprintf("; init asked → ffmpeg started %s, ffmpeg started → init received %s",
					ms(st.Sub(steps[2].start)), ms(steps[2].end.Sub(st)))
			}
			fmt.Println(line)
			fmt.Printf("    second viewer %s (%s); then segments 1-3 %s (%s)\n", ms(total(steps2)), describe(steps2),
				ms(total(more)), describe(more))
			return nil
		}
		measureR := func() error {
			start, d := seg(0)
			t, err := refEncode(ctx, src, start, d, bitrate, o.preset, dir)
			if err != nil {
				return err
			}
			ttfsR = append(ttfsR, t)
			fmt.Printf("  ffmpeg %s (%s, segment 0 alone)\n", ms(t), id)
			return nil
		}
		if err := alternate(i, measureW, measureR); err != nil {
			return err
		}
	}

	fmt.Println("\n== seek: one segment of a fresh 720p rendition, no encoder near it")
	rng := rand.New(rand.NewPCG(o.seed, 0))
	var seekW, seekR, seekSpawn, seekEncode []time.Duration
	var seekErr string
	for i := range o.n {
		bitrate := int64(kbps+50+i) * 1000
		id := fmt.Sprintf("v-h264-1280x720-%dk", bitrate/1000)
		k := 3 + rng.IntN(len(keys)-6)
		measureW := func() error {
			if seekErr != "" {
				return nil
			}
			if err := w.waitIdle(ctx); err != nil {
				return err
			}
			p := newPlayer(w.token)
			defer p.close()
			// The player already has the playlists: fetched before the clock starts.
			_, mb, err := p.get("master playlist", w.masterURL(w.token), true)
			if err != nil {
				return err
			}
			u, err := renditionURL(w.masterURL(w.token), mb, id)
			if err != nil {
				return err
			}
			_, body, err := p.get("media playlist", u, true)
			if err != nil {
				return err
			}
			m, err := parseMedia(u, body)
			if err != nil {
				return err
			}
			off := w.logSize()
			s, _, err := p.get("segment "+strconv.Itoa(k), m.segs[k], false)
			if err != nil {
				// Recorded, not fatal: the rest of the run still measures. Later seeks are
				// skipped (each failure costs the server's one-minute wait).
				seekErr = fmt.Sprintf("%v, after %s", err, s.end.Sub(s.start).Round(100*time.Millisecond))
				if s.end.IsZero() {
					seekErr = err.Error()
				}
				fmt.Printf("  walros segment %d FAILED: %s\n", k, seekErr)
				if st, ok := encoderStart(w, off, "-b:v", strconv.FormatInt(bitrate, 10)); ok {
					fmt.Printf("    (ffmpeg started %s after the request)\n", ms(st.Sub(s.start)))
				}
				return nil
			}
			seekW = append(seekW, s.d())
			line := fmt.Sprintf("  walros segment %d: %s (%d bytes)", k, ms(s.d()), s.bytes)
			if st, ok := encoderStart(w, off, "-b:v", strconv.FormatInt(bitrate, 10)); ok {
				seekSpawn = append(seekSpawn, st.Sub(s.start))
				seekEncode = append(seekEncode, s.end.Sub(st))
				line += fmt.Sprintf("; asked → ffmpeg started %s, ffmpeg started → received %s", ms(st.Sub(s.start)), ms(s.end.Sub(st)))
			}
			fmt.Println(line)
			return nil
		}
		measureR := func() error {
			start, d := seg(k)
			t, err := refEncode(ctx, src, start, d, bitrate, o.preset, dir)
			if err != nil {
				return err
			}
			seekR = append(seekR, t)
			fmt.Printf("  ffmpeg segment %d (-ss %s -t %s): %s\n", k, secs(start), secs(d), ms(t))
			return nil
		}
		if err := alternate(i, measureW, measureR); err != nil {
			return err
		}
	}

	fmt.Printf("\n== cached segments: %d clients, %s each run\n", o.clients, o.loadD)
	if err := w.waitIdle(ctx); err != nil {
		return err
	}
	p = newPlayer(w.token)
	steps, m, err := p.start(w.masterURL(w.token), ladder)
	if err != nil {
		return err
	}
	segDir := filepath.Join(dir, "segments")
	if err := os.MkdirAll(segDir, 0o755); err != nil {
		return err
	}
	var urls, files []string
	var sizes []int64
	fillStart := steps[0].start
	for k, u := range m.segs {
		s, body, err := p.get("segment "+strconv.Itoa(k), u, true)
		if err != nil {
			return err
		}
		urls, sizes = append(urls, u), append(sizes, s.bytes)
		name := strconv.Itoa(k) + ".m4s"
		files = append(files, name)
		if err := os.WriteFile(filepath.Join(segDir, name), body, 0o644); err != nil {
			return err
		}
	}
	_, initBody, err := p.get("init.mp4", m.init, true)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(segDir, "init.mp4"), initBody, 0o644); err != nil {
		return err
	}
	p.close()
	var sum int64
	for _, s := range sizes {
		sum += s
	}
	fmt.Printf("  %s: %d segments (%d KiB on average) encoded and cached in %s by one player fetching them in order\n",
		ladder, len(urls), sum/int64(len(sizes))>>10, time.Since(fillStart).Round(time.Millisecond))
	if err := w.waitIdle(ctx); err != nil {
		return err
	}
	var ng *nginx
	if _, err := exec.LookPath("nginx"); err == nil {
		if ng, err = startNginx(ctx, dir, segDir); err != nil {
			return err
		}
		defer ng.stop()
	} else {
		fmt.Println("  nginx is not installed (apt-get install -y nginx-light): no reference for cached segments")
	}
	runLoad := func(name string, interval time.Duration) (loadResult, loadResult) {
		var ngURLs []string
		for _, f := range files {
			ngURLs = append(ngURLs, (ng.baseOrEmpty())+"/"+f)
		}
		wr := load(ctx, urls, sizes, o.clients, o.loadD, interval, o.seed)
		printLoad("walros", name, wr)
		var nr loadResult
		if ng != nil {
			time.Sleep(time.Second)
			nr = load(ctx, ngURLs, sizes, o.clients, o.loadD, interval, o.seed)
			printLoad("nginx", name, nr)
		}
		time.Sleep(time.Second)
		return wr, nr
	}
	pacedName := fmt.Sprintf("paced (one request per client per %s on average)", o.interval)
	pacedW, pacedN := runLoad(pacedName, o.interval)
	burstW, burstN := runLoad("back to back", 0)
	if ctx.Err() != nil {
		return ctx.Err()
	}

	// The table.
	rows = append(rows,
		ratioRow("time to first segment, 720p (master → segment 0)", ttfsW, ttfsR, 1.25),
		seekRow(seekW, seekR, seekErr),
		absRow("second viewer: master → segment 0, same rendition", second, 50*time.Millisecond),
		row{measure: "  〃 init.mp4 + segment 0 only", walros: ms(median(secondSeg)), ref: "–", ratio: "", target: "", pass: ""},
		absRowRef("remux start (v-copy, cold keyframe index): master → segment 0", remuxW, remuxR, 500*time.Millisecond),
		row{measure: "remux seek: v-copy segment 7 first (fresh data directory)", walros: remuxSeek, ref: "–"},
		loadRow(fmt.Sprintf("%d clients, cached segments, %s: p99", o.clients, pacedName), pacedW, pacedN, ng != nil, true),
		loadRow(fmt.Sprintf("%d clients, cached segments, back to back: p99", o.clients), burstW, burstN, ng != nil, false),
	)
	fmt.Printf("\nmedians of %d; preset %s; reference = plain ffmpeg (nginx for cached segments)\n\n", o.n, o.preset)
	fmt.Println("| measure | walros | reference | ratio | target | met |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", r.measure, r.walros, r.ref, r.ratio, r.target, r.pass)
	}
	fmt.Println("\nwhere Walros's time goes (medians):")
	fmt.Printf("  cold keyframe index: master playlist %s, of which ffprobe's packet scan %s\n", ms(coldMaster), ms(coldScan))
	fmt.Printf("  first segment: init.mp4 asked → ffmpeg started %s; ffmpeg started → init.mp4 received %s (ffmpeg alone, whole run: %s)\n",
		ms(median(spawn)), ms(median(encode)), ms(median(ttfsR)))
	if len(seekSpawn) > 0 {
		fmt.Printf("  seek: segment asked → ffmpeg started %s; ffmpeg started → segment received %s (ffmpeg alone: %s)\n",
			ms(median(seekSpawn)), ms(median(seekEncode)), ms(median(seekR)))
	}
	fmt.Printf("  median of the per-round ratios (each Walros run over the ffmpeg run next to it): first segment %s, seek %s, remux %s\n",
		pairRatio(ttfsW, ttfsR), pairRatio(seekW, seekR), pairRatio(remuxW, remuxR))
	fmt.Printf("  remux: master playlist %s (keyframe scan %s) of %s\n", ms(median(remuxMaster)), ms(median(remuxScan)), ms(median(remuxW)))
	fmt.Printf("  second viewer, segments 1-3 after segment 0 (waiting on the first viewer's encoder): %s\n", ms(median(secondMore)))
	return nil
}

// alternate runs a and b, b first on odd rounds, so that drift in the machine's load hits both.
func alternate(i int, a, b func() error) error {
	first, second := a, b
	if i%2 == 1 {
		first, second = b, a
	}
	if err := first(); err != nil {
		return err
	}
	return second()
}
