package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/hls"
	"github.com/walros/walros/transcoder/keyframes"
	"github.com/walros/walros/transcoder/segcache"
	"github.com/walros/walros/transcoder/subtitle"
)

// streaming is the streaming engine and what it needs: the segment cache and the ffmpeg runners.
type streaming struct {
	manager *hls.Manager
	cache   *segcache.Cache
	ffmpeg  ffmpeg.Runner
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
	m := hls.New(hls.Options{FFmpeg: ff, FFprobe: ffmpeg.Runner{Bin: probeBin, Log: log}, Cache: cache,
		Keyframes: &keyframes.Index{Dir: filepath.Join(cfg.Data, "cache", "keyframes"), Log: log},
		Preset:    cfg.Transcode.Preset, MaxTranscodes: cfg.Transcode.MaxEncodes, MaxPerUser: cfg.Transcode.MaxEncodesPerUser,
		IdleTimeout: cfg.Transcode.IdleTimeout, Log: log})
	return &streaming{manager: m, cache: cache, ffmpeg: ff}, nil
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
	s.cache.Close()
}
