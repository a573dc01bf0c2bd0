package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/walros/walros/api/native"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/scan"
	"github.com/walros/walros/transcoder/audio"
	"github.com/walros/walros/transcoder/download"
	"github.com/walros/walros/transcoder/thumbs"

	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/hls"
	"github.com/walros/walros/transcoder/keyframes"
	"github.com/walros/walros/transcoder/segcache"
	"github.com/walros/walros/transcoder/subtitle"
)

// streaming is the streaming engine and what it needs: the segment cache and the ffmpeg runners.
type streaming struct {
	manager   *hls.Manager
	audio     *audio.Transcoder
	downloads *download.Transcoder
	thumbs    *thumbJobs
	cache     *segcache.Cache
	ffmpeg    ffmpeg.Runner
	keyframes *keyframes.Index
	probe     ffmpeg.Runner // low priority, for indexing keyframes ahead of playback
}

// newStreaming opens the segment cache under the data directory and starts the session manager.
func newStreaming(cfg config.Config, log *slog.Logger) (*streaming, error) {
	ffBin, err := ffmpeg.Find("ffmpeg", cfg.FFmpeg)
	if err != nil {
		return nil, fmt.Errorf("streaming needs ffmpeg: %w", err)
	}
	probeBin, err := ffmpeg.Find("ffprobe", cfg.FFprobe)
	if err != nil {
		return nil, fmt.Errorf("streaming needs ffprobe: %w", err)
	}
	cache, err := segcache.Open(filepath.Join(cfg.Data, "cache", "segments"), cfg.Transcode.CacheSize, log)
	if err != nil {
		return nil, err
	}
	ff := ffmpeg.Runner{Bin: ffBin, Log: log}
	// Encoders run a little below the server, so requests for cached segments stay quick while
	// the CPU is busy encoding; thumbnails, which nobody waits for, further below.
	encoder, background := ff, ff
	encoder.Nice, background.Nice = 5, 15
	index := &keyframes.Index{Dir: filepath.Join(cfg.Data, "cache", "keyframes"), Log: log}
	m := hls.New(hls.Options{FFmpeg: encoder, FFprobe: ffmpeg.Runner{Bin: probeBin, Log: log}, Cache: cache,
		Keyframes: index,
		Preset:    cfg.Transcode.Preset, MaxTranscodes: cfg.Transcode.MaxEncodes, MaxPerUser: cfg.Transcode.MaxEncodesPerUser,
		IdleTimeout: cfg.Transcode.IdleTimeout, HWAccel: cfg.Transcode.HWAccel, HWDevice: cfg.Transcode.HWDevice, Log: log})
	thumbDir := filepath.Join(cfg.Data, "cache", "thumbs")
	return &streaming{manager: m, cache: cache, ffmpeg: ff, keyframes: index,
		probe: ffmpeg.Runner{Bin: probeBin, Log: log, Nice: 15},
		audio: &audio.Transcoder{FFmpeg: encoder, Cache: cache, Log: log},
		// Downloads have their own bound (2 at once, 1 per user) and the low priority of
		// background work: they run for minutes as fast as the CPU allows, and players come first.
		downloads: &download.Transcoder{FFmpeg: background, Options: download.Options{Preset: cfg.Transcode.Preset}, Log: log},
		thumbs:    newThumbJobs(background, thumbDir, log)}, nil
}

// thumbJobs makes scrub thumbnails in the background, one file at a time, when a player first
// asks for them; they are kept under the data directory per file version.
type thumbJobs struct {
	ffmpeg ffmpeg.Runner
	dir    string
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	slot   chan struct{} // one generation at a time: thumbnails are never urgent
	wg     sync.WaitGroup

	mu      sync.Mutex
	running map[string]bool
	failed  map[string]error
}

func newThumbJobs(ff ffmpeg.Runner, dir string, log *slog.Logger) *thumbJobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &thumbJobs{ffmpeg: ff, dir: dir, log: log, ctx: ctx, cancel: cancel, slot: make(chan struct{}, 1),
		running: map[string]bool{}, failed: map[string]error{}}
}

// Thumbs returns the folder of a file's thumbnails, or starts making them.
func (j *thumbJobs) Thumbs(_ context.Context, f core.MediaFile) (string, error) {
	key := fmt.Sprintf("%s-%d-%d", f.ID, f.Size, f.ModTime.UnixNano())
	dir := filepath.Join(j.dir, key)
	if _, err := os.Stat(filepath.Join(dir, thumbs.VTTName)); err == nil {
		return dir, nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err, ok := j.failed[key]; ok {
		return "", err
	}
	if !j.running[key] && j.ctx.Err() == nil {
		j.running[key] = true
		j.wg.Add(1)
		go j.make(key, dir, f)
	}
	return "", native.ErrThumbsPending
}

func (j *thumbJobs) make(key, dir string, f core.MediaFile) {
	defer j.wg.Done()
	select {
	case j.slot <- struct{}{}:
		defer func() { <-j.slot }()
	case <-j.ctx.Done():
		return
	}
	err := os.MkdirAll(j.dir, 0o755)
	var res thumbs.Result
	if err == nil {
		res, err = thumbs.Generate(j.ctx, j.ffmpeg, f.Path, f.Info.Duration, dir, thumbs.Options{})
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.running, key)
	switch {
	case err != nil && j.ctx.Err() == nil:
		j.log.Warn("scrub thumbnails not made", "file", f.Path, "err", err)
		j.failed[key] = fmt.Errorf("no thumbnails for %s: %w", f.ID, core.ErrNotFound)
	case err == nil:
		j.log.Info("scrub thumbnails made", "file", f.Path, "result", res.String())
	}
}

// Close stops a generation in progress and waits for it.
func (j *thumbJobs) Close() {
	j.cancel()
	j.wg.Wait()
}

// indexKeyframes lists the keyframes of every video file the index lacks, one file at a time at
// low priority, so that the first play of a film does not wait for a read of the whole file (a
// 4 GB film over a network share takes seconds). It goes round the libraries every interval.
func (s *streaming) indexKeyframes(ctx context.Context, a *app, interval time.Duration, log *slog.Logger) {
	failed := map[string]bool{} // file versions ffprobe could not index: not read again
	for {
		libs, err := a.libraries.List(ctx, operator)
		if err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "keyframe indexing: list libraries", "err", err)
		}
		for _, lib := range libs {
			if lib.Type == core.LibraryMusic {
				continue
			}
			files, err := a.db.Stores().Media.LibraryFiles(ctx, lib.ID)
			if err != nil {
				log.WarnContext(ctx, "keyframe indexing: list files", "library", lib.Name, "err", err)
				continue
			}
			for _, f := range files {
				if ctx.Err() != nil {
					return
				}
				version := fmt.Sprintf("%s\x00%d\x00%d", f.Path, f.Size, f.ModTime.UnixNano())
				if f.ProbeError != "" || f.MissingSince != nil || !scan.IsVideoFile(f.Path) || failed[version] {
					continue
				}
				if _, err := s.keyframes.Get(ctx, s.probe, f.Path, f.Size, f.ModTime); err != nil && ctx.Err() == nil {
					log.DebugContext(ctx, "keyframes not indexed", "file", f.Path, "err", err)
					failed[version] = true
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// subtitles extracts an embedded text subtitle as WebVTT.
func (s *streaming) subtitles(ctx context.Context, path string, index int) ([]byte, error) {
	var b bytes.Buffer
	if err := subtitle.Extract(ctx, s.ffmpeg, path, index, &b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Close stops the encoders, then writes the cache's index.
func (s *streaming) Close() {
	s.manager.Close()
	s.audio.Close()
	s.thumbs.Close()
	s.keyframes.Close() // its scans outlive their callers: they must not write after run returns
	s.cache.Close()
}
