// Command web measures Walros's own web client (web/, embedded in the binary) in headless Chromium
// on the generated library of 100,000 items that bench/jellyfin and bench/plex use ($TMPDIR/
// walros-bench-jellyfin, made once and reused): how long the home screen takes to be interactive
// after navigation, and the frame rate while the 30,000-movie grid scrolls. measure.mjs does the
// measuring (playwright-core from e2e/node_modules drives /usr/bin/chromium, or $CHROMIUM); this
// program builds and serves the library and prints the figures against the targets of issue 8:
// the home screen interactive in at most 1 s on loopback, and the grid not below 50 fps.
//
//	bash scripts/web.sh && go run ./bench/web -runs 5 -seconds 10
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/walros/walros/bench/internal/benchlib"
	"github.com/walros/walros/bench/internal/benchserver"
)

type options struct {
	runs             int
	seconds, speed   float64
	cache            string
	regen, keep      bool
	posters          bool
	origin, password string
	poster           string // the picture every poster request gets, with posters
}

func main() {
	var o options
	flag.IntVar(&o.runs, "runs", 5, "loads of the home screen measured (the first with an empty cache)")
	flag.Float64Var(&o.seconds, "seconds", 10, "how long the grid scrolls")
	flag.Float64Var(&o.speed, "speed", 4000, "how fast the grid scrolls, in CSS pixels a second")
	flag.StringVar(&o.cache, "cache", benchlib.DefaultCache, "where the generated library is kept between runs")
	flag.BoolVar(&o.regen, "regen", false, "generate the library again")
	flag.BoolVar(&o.keep, "keep", false, "keep the run's folder (binary, server log, the script's report)")
	flag.BoolVar(&o.posters, "posters", true, "answer poster requests in the browser with one picture, as a library with posters in a warm cache (the bench library has no picture files: without, they answer 404 and cards show tiles)")
	flag.StringVar(&o.origin, "origin", "", "measure the Walros already running there (its client, as admin) instead of the bench library")
	flag.StringVar(&o.password, "password", "", "with -origin: the admin's password")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := benchmark(ctx, o)
	stop()
	if err != nil {
		log.Fatal(err)
	}
}

// report is what measure.mjs prints (the fields read here).
type report struct {
	OK    bool `json:"ok"`
	Steps []struct {
		Name   string          `json:"name"`
		OK     bool            `json:"ok"`
		Detail json.RawMessage `json:"detail"`
	} `json:"steps"`
	Home *struct {
		Runs []struct {
			Cold                   bool    `json:"cold"`
			Drawn                  float64 `json:"drawn"`
			Interactive            float64 `json:"interactive"`
			Complete               float64 `json:"complete"`
			LongestFrameAfterDrawn float64 `json:"longestFrameAfterDrawn"`
		} `json:"runs"`
		WarmMedian *struct {
			Drawn, Interactive, Complete float64
		} `json:"warmMedian"`
		WorstInteractive float64 `json:"worstInteractive"`
	} `json:"home"`
	Scroll *struct {
		Total            int     `json:"total"`
		Frames           int     `json:"frames"`
		Seconds          float64 `json:"seconds"`
		FPS              float64 `json:"fps"`
		MinSecondFPS     float64 `json:"minSecondFps"`
		P50FrameMs       float64 `json:"p50FrameMs"`
		P99FrameMs       float64 `json:"p99FrameMs"`
		OnePercentLowFPS float64 `json:"onePercentLowFps"`
		LongestFrameMs   float64 `json:"longestFrameMs"`
		FramesOver20ms   int     `json:"framesOver20ms"`
		ScrolledPx       int     `json:"scrolledPx"`
		CardsInDom       int     `json:"cardsInDom"`
		MainThread       struct {
			TaskMsPerS, ScriptMsPerS, StyleMsPerS, LayoutMsPerS float64
		} `json:"mainThread"`
		PostersAfterScroll string `json:"postersAfterScroll"`
	} `json:"scroll"`
	MissingImages int `json:"missingImages"`
}

func benchmark(ctx context.Context, o options) error {
	if _, err := os.Stat(filepath.Join("web", "dist", "index.html")); err != nil {
		return errors.New("web/dist/index.html is missing: build the client first (bash scripts/web.sh), from the repository's root")
	}
	if err := npmCI(ctx); err != nil {
		return err
	}
	if o.origin != "" {
		return measure(ctx, o, o.origin, o.password, "")
	}
	data, m, err := benchlib.Ensure(ctx, o.cache, o.regen)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "walros-bench-web-run-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Println("keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if o.posters {
		if o.poster, err = writePoster(dir); err != nil {
			return err
		}
	}
	fmt.Println("building walros (it embeds web/dist as it is now)")
	bin, err := benchserver.Build(ctx, dir)
	if err != nil {
		return err
	}
	srv, err := benchserver.Start(ctx, benchserver.Options{Bin: bin, Data: data, LogPath: filepath.Join(dir, "walros.log"),
		Env: []string{"WALROS_ADMIN_PASSWORD=" + benchlib.AdminPassword, "WALROS_LOG_FORMAT=json", "WALROS_SCAN_WATCH=false",
			"WALROS_SCAN_INTERVAL=0"}})
	if err != nil {
		return err
	}
	defer srv.Stop()
	if err := srv.WaitIdle(ctx, 2*time.Minute); err != nil {
		return err
	}
	loadavg, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("library: %d items in %s (generated %s)\nCPUs: %d, %s, load %s\n", m.Items, data,
		m.Generated.Format(time.DateOnly), runtime.NumCPU(), runtime.Version(), strings.TrimSpace(string(loadavg)))

	return measure(ctx, o, srv.Base, benchlib.AdminPassword, dir)
}

// measure runs measure.mjs against origin and prints its figures; dir ("" for none) keeps its
// report.
func measure(ctx context.Context, o options, origin, password, dir string) error {
	cmd := exec.CommandContext(ctx, "node", filepath.Join("bench", "web", "measure.mjs"), "--origin", origin,
		"--username", benchlib.AdminUser, "--password", password, "--runs", fmt.Sprint(o.runs),
		"--seconds", fmt.Sprint(o.seconds), "--speed", fmt.Sprint(o.speed))
	if o.poster != "" {
		cmd.Args = append(cmd.Args, "--poster", o.poster)
	}
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	runErr := cmd.Run()
	if dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "measure.json"), out.Bytes(), 0o644); err != nil {
			return err
		}
	}
	var r report
	if err := json.Unmarshal(bytes.TrimSpace(out.Bytes()), &r); err != nil {
		return fmt.Errorf("measure.mjs: %v; its output is not a JSON report (%v):\n%s", runErr, err, out.String())
	}
	if runErr != nil || !r.OK || r.Home == nil || r.Scroll == nil {
		for _, s := range r.Steps {
			if !s.OK {
				return fmt.Errorf("measure.mjs failed at %s: %s", s.Name, s.Detail)
			}
		}
		return fmt.Errorf("measure.mjs failed: %v", runErr)
	}
	printReport(r, o)
	return nil
}

// npmCI installs e2e/node_modules (playwright-core) when it is missing, as the e2e tests do.
func npmCI(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join("e2e", "node_modules", "playwright-core", "package.json")); err == nil {
		return nil
	}
	fmt.Println("npm ci in e2e/ (playwright-core)")
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = "e2e"
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci in e2e: %w\n%s", err, b)
	}
	return nil
}

func printReport(r report, o options) {
	h, s := r.Home, r.Scroll
	fmt.Printf("\n== the home screen, %d loads of / (signed in; the first with an empty cache), ms since navigation start\n", len(h.Runs))
	for i, run := range h.Runs {
		kind := "warm"
		if run.Cold {
			kind = "cold"
		}
		fmt.Printf("  load %d (%s): drawn %.0f, interactive %.0f, complete %.0f; longest frame in the 500 ms after drawn %.0f ms\n",
			i+1, kind, run.Drawn, run.Interactive, run.Complete, run.LongestFrameAfterDrawn)
	}
	if o.posters {
		fmt.Println("  (posters: every one answered in the browser with one 300 × 450 JPEG, decoded and drawn as in a library with pictures; -posters=false leaves them to 404)")
	}
	if r.MissingImages > 0 {
		fmt.Printf("  (%d pictures answered 404: the library's image files do not exist, so cards show tinted tiles)\n", r.MissingImages)
	}
	fmt.Printf("\n== the Movies grid (%d items), scrolled at %.0f px/s for %.0f s\n", s.Total, o.speed, o.seconds)
	fmt.Printf("  %d frames in %.1f s: %.1f fps on average, %.1f fps over the slowest second; frame time p50 %.1f ms, p99 %.1f ms (1%% low %.1f fps), longest %.1f ms; %d frames over 20 ms; %d cards in the DOM at the end, %d px scrolled\n",
		s.Frames, s.Seconds, s.FPS, s.MinSecondFPS, s.P50FrameMs, s.P99FrameMs, s.OnePercentLowFPS, s.LongestFrameMs, s.FramesOver20ms, s.CardsInDom, s.ScrolledPx)
	m := s.MainThread
	fmt.Printf("  the page's main thread was busy %.0f ms a second (script %.0f, style %.0f, layout %.0f); posters once the scroll stopped: %s\n",
		m.TaskMsPerS, m.ScriptMsPerS, m.StyleMsPerS, m.LayoutMsPerS, s.PostersAfterScroll)

	met := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "no"
	}
	cold := h.Runs[0]
	fmt.Println("\n| measure | walros | target | met |")
	fmt.Println("| --- | --- | --- | --- |")
	fmt.Printf("| home interactive, cold load | %.0f ms | ≤ 1,000 ms | %s |\n", cold.Interactive, met(cold.Interactive <= 1000))
	if w := h.WarmMedian; w != nil {
		fmt.Printf("| home interactive, warm loads (median) | %.0f ms | ≤ 1,000 ms | %s |\n", w.Interactive, met(w.Interactive <= 1000))
	}
	fmt.Printf("| home interactive, worst load | %.0f ms | ≤ 1,000 ms | %s |\n", h.WorstInteractive, met(h.WorstInteractive <= 1000))
	fmt.Printf("| grid scroll, average | %.1f fps | | |\n", s.FPS)
	fmt.Printf("| grid scroll, lowest second (what an fps meter shows at its worst) | %.1f fps | ≥ 50 fps | %s |\n", s.MinSecondFPS, met(s.MinSecondFPS >= 50))
	fmt.Printf("| grid scroll, worst 1%% of frames (p99 frame time), for information | %.1f ms (%.1f fps) | | |\n",
		s.P99FrameMs, s.OnePercentLowFPS)
}

// writePoster writes the picture the posters are answered with: a 300 × 450 JPEG (the size the
// grid asks for) with a gradient and noise, so the browser decodes a real picture of a real size.
func writePoster(dir string) (string, error) {
	m := image.NewRGBA(image.Rect(0, 0, 300, 450))
	rng := rand.New(rand.NewPCG(5, 6))
	for y := range 450 {
		for x := range 300 {
			n := uint8(rng.IntN(24))
			m.Set(x, y, color.RGBA{uint8(x*200/300) + n, uint8(y*200/450) + n, 120 + n, 255})
		}
	}
	path := filepath.Join(dir, "poster.jpg")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := jpeg.Encode(f, m, &jpeg.Options{Quality: 80}); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}
