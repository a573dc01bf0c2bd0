// Package thumbs makes the scrub thumbnails of a video: JPEG sprite sheets of
// small pictures taken every Interval, and a WebVTT index whose cues map each
// time range to a rectangle of a sheet ("sprite-0.jpg#xywh=0,0,320,180"), the
// format of JW Player thumbnail tracks and of Jellyfin's trickplay.
//
// Generate runs one ffmpeg pass per video and decodes only its keyframes:
// on a 60 s 1080p h264 file that is about 0.4 s of CPU instead of 6 s for a
// full decode. A thumb then shows the last keyframe at or before the start of
// its cue, which is where a player's keyframe seek lands.
package thumbs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
)

// VTTName is the name of the WebVTT index in the directory Generate writes.
const VTTName = "thumbs.vtt"

// Defaults of Options.
const (
	DefaultInterval = 10 * time.Second
	DefaultWidth    = 320
	DefaultColumns  = 10
	DefaultRows     = 10
	DefaultQuality  = 5
	// MinThumbs is how many thumbs a short video gets at least, by shortening
	// the default interval, down to MinInterval.
	MinThumbs = 20
	// MinInterval is the shortest interval between two thumbs.
	MinInterval = time.Second
)

var (
	// ErrNoVideo is returned, wrapped, for a file without a video stream
	// (cover art does not count). It is a core.ErrInvalid.
	ErrNoVideo = core.Invalid("", "no video stream")
	// ErrTruncated is returned, wrapped, when the video stops well before
	// the duration the caller gave, even with every frame decoded. It is a
	// core.ErrInvalid.
	ErrTruncated = core.Invalid("", "video ends before its duration")
)

// Options shape the thumbs. The zero value of each field means its default.
type Options struct {
	// Interval is the time between two thumbs. By default it is
	// DefaultInterval, shortened to whole seconds for videos too short for
	// MinThumbs thumbs, but never below MinInterval. It is kept to
	// the millisecond, and may not be below MinInterval.
	Interval time.Duration
	// Width is the width of a thumb in pixels (DefaultWidth), even. The
	// height follows the display aspect ratio, rounded to even. Videos
	// narrower than Width are not enlarged.
	Width int
	// Columns and Rows are the number of thumbs across and down a sprite
	// sheet, DefaultColumns by DefaultRows. A video with fewer thumbs gets a
	// single sheet with only the rows it needs.
	Columns, Rows int
	// Quality is the JPEG quality as ffmpeg's -q:v takes it, from 2 (best,
	// largest) to 31; DefaultQuality by default.
	Quality int
	// Threads is the number of decoding threads, 1 by default: a background
	// job should leave the cores to playback, and decoding keyframes only
	// gained nothing from more threads in our measurements.
	Threads int
	// FullDecode decodes every frame instead of keyframes only. It is about
	// 15 times slower; a thumb then shows the frame at the start of its cue
	// even where keyframes are further apart than Interval.
	FullDecode bool
}

// Result describes what Generate wrote. File names are relative to Dir.
type Result struct {
	Dir     string   // the directory given to Generate
	VTT     string   // VTTName
	Sprites []string // sprite-0.jpg, sprite-1.jpg...: Sprites[i] is sheet i
	// Width and Height are the size of one thumb in pixels. A sheet is
	// Columns*Width by Rows*Height; the last one may be partly black.
	Width, Height int
	Columns, Rows int
	Count         int           // number of thumbs, and of cues
	Interval      time.Duration // time between two thumbs
}

// resolve fills in the defaults of o for a video of duration d (zero when
// unknown) and checks the values given.
func (o Options) resolve(d time.Duration) (Options, error) {
	if o.Interval == 0 {
		o.Interval = DefaultInterval
		if d > 0 {
			o.Interval = max(MinInterval, min(DefaultInterval, (d/MinThumbs).Truncate(time.Second)))
		}
	}
	o.Interval = o.Interval.Truncate(time.Millisecond)
	if o.Width == 0 {
		o.Width = DefaultWidth
	}
	if o.Columns == 0 {
		o.Columns = DefaultColumns
	}
	if o.Rows == 0 {
		o.Rows = DefaultRows
	}
	if o.Quality == 0 {
		o.Quality = DefaultQuality
	}
	if o.Threads == 0 {
		o.Threads = 1
	}
	switch {
	case o.Interval < MinInterval:
		return o, core.Invalid("interval", "%v is below %v", o.Interval, MinInterval)
	case o.Width < 16 || o.Width > 4096 || o.Width%2 != 0:
		return o, core.Invalid("width", "%d is not even and within 16..4096", o.Width)
	case o.Columns < 1 || o.Columns > 32 || o.Rows < 1 || o.Rows > 32:
		return o, core.Invalid("tiles", "%dx%d is not within 1x1..32x32", o.Columns, o.Rows)
	case o.Quality < 2 || o.Quality > 31:
		return o, core.Invalid("quality", "%d is not within 2..31", o.Quality)
	case o.Threads < 1 || o.Threads > 64:
		return o, core.Invalid("threads", "%d is not within 1..64", o.Threads)
	}
	if d > 0 { // a short video needs fewer rows; more thumbs than guessed only add a sheet
		o.Rows = min(o.Rows, ceilDiv(slots(d, o.Interval), o.Columns))
	}
	return o, nil
}

// Generate makes the thumbs of the video at path, whose duration the caller
// knows from probing it (zero when unknown: the cues then end with the last
// thumb), and writes them into dir: the sheets sprite-N.jpg and VTTName, whose
// cue URLs are these relative names (see RewriteVTT). dir's parent must exist.
//
// Everything is written into a temporary directory beside dir, which then
// replaces dir: dir never holds a partial result, and an old one stays until
// the new one is complete. Concurrent calls for the same dir must be
// serialized by the caller.
//
// Only keyframes are decoded, unless opt.FullDecode is set. When they cover
// too little of the duration (a file with keyframes minutes apart, or a
// truncated file), Generate decodes again with every frame, and returns an
// error wrapping ErrTruncated if that still falls short.
//
// Errors: a file that is not a readable video wraps core.ErrInvalid
// (ErrNoVideo for audio-only files), as do invalid options; a done ctx
// interrupts ffmpeg and wraps ctx's cause. On error nothing is left behind.
func Generate(ctx context.Context, runner ffmpeg.Runner, path string, duration time.Duration, dir string, opt Options) (Result, error) {
	res, err := generate(ctx, runner, path, duration, dir, opt)
	if err != nil {
		return Result{}, fmt.Errorf("thumbs of %q: %w", path, err) // %q: names may hold newlines
	}
	return res, nil
}

func generate(ctx context.Context, runner ffmpeg.Runner, path string, d time.Duration, dir string, opt Options) (res Result, err error) {
	opt, err = opt.resolve(d)
	if err != nil {
		return Result{}, err
	}
	fi, err := os.Stat(path)
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return Result{}, pe.Err // the path is already in our text
	case err != nil:
		return Result{}, err
	case !fi.Mode().IsRegular():
		return Result{}, core.Invalid("", "not a regular file") // ffmpeg would block on a FIFO
	}
	dir = filepath.Clean(dir)
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".*.tmp")
	if err != nil {
		return Result{}, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp) // a cancelled ffmpeg still writes the sheet it holds: drop it
		}
	}()

	st, err := run(ctx, runner, path, tmp, opt)
	if err == nil && !opt.FullDecode && d > 0 && short(st.count, opt.Interval, d) {
		// Keyframes end early: far apart, or a truncated file. A full decode tells.
		if err = empty(tmp); err == nil {
			opt.FullDecode = true
			st, err = run(ctx, runner, path, tmp, opt)
		}
	}
	switch {
	case err != nil:
		return Result{}, err
	case st.count == 0:
		return Result{}, core.Invalid("", "no video frame could be decoded")
	case d > 0 && short(st.count, opt.Interval, d):
		return Result{}, fmt.Errorf("%w: thumbs stop at %v of %v", ErrTruncated, time.Duration(st.count)*opt.Interval, d)
	}

	res = Result{Dir: dir, VTT: VTTName, Width: st.width, Height: st.height,
		Columns: opt.Columns, Rows: opt.Rows, Count: st.count, Interval: opt.Interval}
	if d > 0 { // a video longer than the caller thinks: no cue past the end
		res.Count = min(res.Count, slots(d, opt.Interval))
	}
	if res.Sprites, err = sheets(tmp, ceilDiv(res.Count, opt.Columns*opt.Rows)); err != nil {
		return Result{}, err
	}
	if err = os.WriteFile(filepath.Join(tmp, VTTName), vtt(res, d), 0o644); err != nil {
		return Result{}, err
	}
	if err = os.Chmod(tmp, 0o755); err != nil { // MkdirTemp made it 0700
		return Result{}, err
	}
	return res, replace(tmp, dir)
}

// short reports whether n thumbs every interval fall short of duration d by
// more than one interval and a tenth of d: more than keyframes further apart
// than the interval, or a video stream that ends a little before the audio,
// would explain.
func short(n int, interval, d time.Duration) bool {
	return time.Duration(n+1)*interval < d-d/10
}

// stats is what the counting output of the ffmpeg run tells.
type stats struct {
	count         int // thumbs made
	width, height int // size of one thumb
}

// run runs ffmpeg once, writing the sheets into tmp, and counts the thumbs.
func run(ctx context.Context, runner ffmpeg.Runner, path, tmp string, opt Options) (stats, error) {
	var out frameCounter
	err := runner.Run(ctx, args(path, tmp, opt), &out)
	var exit *ffmpeg.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return stats{}, err // Run's error wraps ctx's cause
	case errors.As(err, &exit) && strings.Contains(exit.Stderr, "matches no streams"):
		return stats{}, ErrNoVideo // "Stream specifier ':V:0' in filtergraph description ... matches no streams."
	case errors.As(err, &exit) && !strings.Contains(exit.Stderr, tmp):
		return stats{}, core.Invalid("", "not a readable video: %s", reason(exit.Stderr, path))
	default:
		return stats{}, err // ffmpeg did not start, or could not write into tmp
	}
	if out.err != nil {
		return stats{}, out.err
	}
	return out.stats, nil
}

// args is ffmpeg's command line. The filter graph takes the first video
// stream that is not cover art (V, not v), counts time from its first frame
// (so a stream starting at 0.021 s, as Matroska muxers write, does not push
// every keyframe past the thumb it belongs to), keeps for each multiple of
// the interval the last frame at or before it (round=up), scales to the
// display aspect ratio, and splits: one branch tiles the sheets, the other
// goes to a framecrc on stdout that costs nothing (wrapped_avframe) and
// tells how many thumbs there are and their size, which the sheets do not:
// tile pads the last one with black.
func args(path, tmp string, opt Options) []string {
	a := []string{"-nostats", "-loglevel", "error", "-protocol_whitelist", "file", "-threads", strconv.Itoa(opt.Threads)}
	if !opt.FullDecode {
		a = append(a, "-skip_frame", "nokey")
	}
	graph := fmt.Sprintf("[0:V:0]setpts=PTS-STARTPTS,fps=fps=1000/%d:round=up,"+
		"scale=w='min(%d,trunc(iw/2)*2)':h='max(2,trunc(ow/dar/2)*2)',setsar=1,split[t][c];"+
		"[t]tile=%dx%d[s]", opt.Interval.Milliseconds(), opt.Width, opt.Columns, opt.Rows)
	return append(a,
		"-i", "file:"+path, "-an", "-sn", "-dn", "-filter_complex", graph,
		"-map", "[s]", "-c:v", "mjpeg", "-q:v", strconv.Itoa(opt.Quality), "-fps_mode", "passthrough",
		// image2 reads % as a pattern: a % in the folder name must be doubled.
		"-f", "image2", "-start_number", "0", "file:"+strings.ReplaceAll(tmp, "%", "%%")+"/sprite-%d.jpg",
		"-map", "[c]", "-c:v", "wrapped_avframe", "-fps_mode", "passthrough", "-f", "framecrc", "pipe:1")
}

// sheetName is the file name of sheet i.
func sheetName(i int) string { return "sprite-" + strconv.Itoa(i) + ".jpg" }

// sheets checks that tmp holds sheets 0 to n-1, removes any sheet past them
// (thumbs past the caller's duration), and returns their names.
func sheets(tmp string, n int) ([]string, error) {
	names := make([]string, n)
	for i := range names {
		names[i] = sheetName(i)
		if _, err := os.Stat(filepath.Join(tmp, names[i])); err != nil {
			return nil, fmt.Errorf("ffmpeg wrote no %s: %w", names[i], err)
		}
	}
	for i := n; ; i++ {
		if err := os.Remove(filepath.Join(tmp, sheetName(i))); err != nil {
			break
		}
	}
	return names, nil
}

// empty removes the files in dir, keeping dir.
func empty(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// replace renames tmp to dir. An existing dir is first moved aside and
// removed after, so dir is either the old result or the new one, never a mix.
func replace(tmp, dir string) error {
	err := os.Rename(tmp, dir)
	if err == nil {
		return nil
	}
	if _, serr := os.Lstat(dir); serr != nil {
		return err // not "dir exists": the rename failed for its own reason
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir) // put the old result back
		return err
	}
	os.RemoveAll(old) // the new result is in place: a leftover only wastes space
	return nil
}

// frameCounter parses the framecrc output: "#dimensions 0: 320x180" and
// one "0, pts, dts, duration, size, crc" line per thumb, whose pts must count
// from 0 in steps of one interval.
type frameCounter struct {
	line []byte // an incomplete line from the previous Write
	stats
	err error
}

// maxLine bounds one line of framecrc output; a frame line is about 60 bytes.
const maxLine = 1 << 10

func (c *frameCounter) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			if len(c.line)+len(b) <= maxLine {
				c.line = append(c.line, b...)
			}
			break
		}
		c.parse(append(c.line, b[:i]...))
		c.line = c.line[:0]
		b = b[i+1:]
	}
	return n, nil // never an error: os/exec would stop draining, and ffmpeg would block
}

func (c *frameCounter) parse(line []byte) {
	s := strings.TrimSpace(string(line))
	if dims, ok := strings.CutPrefix(s, "#dimensions 0:"); ok {
		w, h, _ := strings.Cut(strings.TrimSpace(dims), "x")
		c.width, _ = strconv.Atoi(w)
		c.height, _ = strconv.Atoi(h)
		return
	}
	fields := strings.Split(s, ",")
	if len(fields) < 2 || strings.TrimSpace(fields[0]) != "0" {
		return
	}
	pts, err := strconv.Atoi(strings.TrimSpace(fields[1]))
	if err != nil || pts != c.count {
		if c.err == nil {
			c.err = fmt.Errorf("thumb %d has timestamp %q in intervals", c.count, strings.TrimSpace(fields[1]))
		}
	}
	c.count++
}

// reason is the last line of ffmpeg's stderr without the "file:<path>: "
// prefix, shortened: enough to tell a text file from a truncated film.
func reason(stderr, path string) string {
	s := strings.TrimSpace(stderr)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimPrefix(s, "file:"+path+": ")
	if len(s) > 200 {
		s = s[:200]
	}
	if s == "" {
		return "ffmpeg failed"
	}
	return s
}

// ceilDiv is a/b rounded up, for positive a and b.
func ceilDiv(a, b int) int { return (a + b - 1) / b }

// slots is the number of intervals that start before d.
func slots(d, interval time.Duration) int { return int((d + interval - 1) / interval) }
