package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// refEncode is the reference for an encoded segment: one plain ffmpeg process that encodes just
// that segment of the source (input -ss at its start, input -t its length) to 1280x720 H.264 with
// the encode settings Walros uses (transcoder/hls/args.go: bicubic scale, preset, High profile at
// level 4.0, -b:v, maxrate 1.5×, bufsize 2×, -bf 2, no scene-cut keyframes) into one fMP4 HLS
// segment, timed from process start to exit. Video only, as Walros's video renditions are.
func refEncode(ctx context.Context, src string, start, dur time.Duration, bitrate int64, preset, dir string) (time.Duration, error) {
	out, err := os.MkdirTemp(dir, "ref-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(out)
	d, err := runFFmpeg(ctx, "-loglevel", "error", "-ss", secs(start), "-t", secs(dur), "-i", src,
		"-map", "0:v:0", "-an", "-sn", "-dn", "-vf", "scale=1280:720:flags=bicubic,format=yuv420p",
		"-c:v", "libx264", "-preset", preset, "-profile:v", "high", "-level:v", "4.0",
		"-b:v", strconv.FormatInt(bitrate, 10), "-maxrate", strconv.FormatInt(bitrate*3/2, 10),
		"-bufsize", strconv.FormatInt(bitrate*2, 10), "-g", "100000", "-keyint_min", "100000",
		"-sc_threshold", "0", "-bf", "2",
		"-f", "hls", "-hls_time", "1000", "-hls_segment_type", "fmp4", "-hls_playlist_type", "vod",
		"-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", out+"/%d.m4s", out+"/index.m3u8")
	if err != nil {
		return d, err
	}
	return d, checkOne(out)
}

// refCopy is the reference for a remuxed segment: plain ffmpeg copying that segment's video into
// one fMP4 HLS segment, timed from process start to exit.
func refCopy(ctx context.Context, src string, start, dur time.Duration, dir string) (time.Duration, error) {
	out, err := os.MkdirTemp(dir, "ref-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(out)
	d, err := runFFmpeg(ctx, "-loglevel", "error", "-ss", secs(start), "-t", secs(dur), "-i", src,
		"-map", "0:v:0", "-an", "-sn", "-dn", "-c:v", "copy",
		"-f", "hls", "-hls_time", "1000", "-hls_segment_type", "fmp4", "-hls_playlist_type", "vod",
		"-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", out+"/%d.m4s", out+"/index.m3u8")
	if err != nil {
		return d, err
	}
	return d, checkOne(out)
}

// checkOne makes sure the reference wrote an init segment and exactly one media segment.
func checkOne(dir string) error {
	segs, _ := filepath.Glob(filepath.Join(dir, "*.m4s"))
	if _, err := os.Stat(filepath.Join(dir, "init.mp4")); err != nil || len(segs) != 1 {
		return fmt.Errorf("reference ffmpeg wrote %d segments into %s, want 1 and init.mp4", len(segs), dir)
	}
	return nil
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 6, 64) }

// copySeek starts a fresh instance and asks for segment k of the copied video first, as a player
// seeking before it played anything would (the playlists are fetched beforehand); it returns the
// time or the failure. The client gives up after 15 s: a copied segment takes well under a second.
func copySeek(ctx context.Context, bin, data, root, preset string, k int, keep bool) (string, error) {
	fmt.Printf("\n== remux seek: v-copy segment %d first, fresh data directory\n", k)
	w, err := startWalros(ctx, bin, data, root, preset)
	if err != nil {
		return "", err
	}
	defer func() {
		w.stop()
		if !keep {
			os.RemoveAll(data)
		}
	}()
	if err := w.waitIdle(ctx); err != nil {
		return "", err
	}
	p := newPlayer(w.token)
	defer p.close()
	p.hc.Timeout = 15 * time.Second
	_, mb, err := p.get("master playlist", w.masterURL(w.token), true)
	if err != nil {
		return "", err
	}
	u, err := renditionURL(w.masterURL(w.token), mb, "v-copy")
	if err != nil {
		return "", err
	}
	_, body, err := p.get("media playlist", u, true)
	if err != nil {
		return "", err
	}
	m, err := parseMedia(u, body)
	if err != nil {
		return "", err
	}
	start := time.Now()
	s, _, err := p.get("segment "+strconv.Itoa(k), m.segs[k], false)
	if err != nil {
		res := fmt.Sprintf("fails after %s: %v", time.Since(start).Round(100*time.Millisecond), err)
		fmt.Println(" ", res)
		return res, nil
	}
	fmt.Printf("  %s (%d bytes)\n", ms(s.d()), s.bytes)
	return ms(s.d()), nil
}
