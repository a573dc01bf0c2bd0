package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/core"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/testmedia"
)

// demoLibraries are the libraries made from testmedia.Demo's folders.
var demoLibraries = []struct {
	name, dir string
	typ       core.LibraryType
}{
	{"Demo Movies", "Movies", core.LibraryMovies},
	{"Demo Shows", "Shows", core.LibraryShows},
}

// ensureDemo gives a server with no library something to show: a few generated clips in the data
// directory, registered as libraries. Files already there are kept, so a restart costs nothing.
func ensureDemo(ctx context.Context, a *app, cfg config.Config, log *slog.Logger) error {
	libs, err := a.libraries.List(ctx, operator)
	if err != nil || len(libs) > 0 {
		return err
	}
	bin, err := ffmpeg.Find("ffmpeg", cfg.FFmpeg)
	if err != nil {
		return err
	}
	root := filepath.Join(cfg.Data, "demo")
	var missing []testmedia.Spec
	for _, s := range testmedia.Demo(root) {
		if _, err := os.Stat(s.Path); errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		start := time.Now()
		log.InfoContext(ctx, "generating the demo library with ffmpeg", "files", len(missing), "dir", root)
		if err := testmedia.GenerateAll(ctx, ffmpeg.Runner{Bin: bin, Log: log}, missing, 0); err != nil {
			return fmt.Errorf("generate demo media: %w", err)
		}
		log.InfoContext(ctx, "demo library generated", "duration", time.Since(start).Round(time.Millisecond).String())
	}
	for _, d := range demoLibraries {
		l, err := a.libraries.Create(ctx, operator, core.NewLibrary{Name: d.name, Type: d.typ,
			Paths: []string{filepath.Join(root, d.dir)}})
		if err != nil && !errors.Is(err, core.ErrConflict) {
			return err
		}
		log.InfoContext(ctx, "demo library registered", "name", l.Name, "id", l.ID)
	}
	return nil
}
