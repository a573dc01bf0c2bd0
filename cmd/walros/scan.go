package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/fetch"
	"github.com/walros/walros/core/metadata/mal"
	"github.com/walros/walros/core/metadata/musicbrainz"
	"github.com/walros/walros/core/metadata/spotify"
	"github.com/walros/walros/core/metadata/tmdb"
	"github.com/walros/walros/core/metadata/tvdb"
	"github.com/walros/walros/core/scan"
	"github.com/walros/walros/transcoder/ffmpeg"
	"github.com/walros/walros/transcoder/probe"
)

// newScanner wires the library scanner on the app's store, probing with ffprobe.
func newScanner(a *app, cfg config.Config, log *slog.Logger) (*scan.Scanner, error) {
	return buildScanner(a, cfg, log, nil)
}

// buildScanner is newScanner with a hook that hears of every finished scan (nil for none): the
// server tells connected clients that a library changed.
func buildScanner(a *app, cfg config.Config, log *slog.Logger, onFinish func(scan.Progress)) (*scan.Scanner, error) {
	bin, err := ffmpeg.Find("ffprobe", cfg.FFprobe)
	if err != nil {
		return nil, err
	}
	st := a.db.Stores()
	prober := probe.New(ffmpeg.Runner{Bin: bin, Log: log}, probe.Options{Parallel: cfg.Scan.Parallel})
	var providers []core.Provider
	ua, cache := "Walros/"+buildVersion(), fetch.NewCache(10_000, 24*time.Hour)
	if cfg.Metadata.TMDbKey != "" {
		client := fetch.New(fetch.Options{UserAgent: ua, Cache: cache, Log: log})
		providers = append(providers, tmdb.New(cfg.Metadata.TMDbKey, client, tmdb.Options{Language: cfg.Metadata.Language,
			BaseURL: cfg.Metadata.TMDbURL, ImageBaseURL: cfg.Metadata.TMDbImageURL}))
	}
	if cfg.Metadata.TVDBKey != "" {
		client := fetch.New(fetch.Options{UserAgent: ua, Cache: cache, Log: log})
		providers = append(providers, tvdb.New(cfg.Metadata.TVDBKey, cfg.Metadata.TVDBPin, client, tvdb.Options{Language: cfg.Metadata.Language}))
	}
	if cfg.Metadata.MusicBrainz {
		opts := musicbrainz.ClientOptions("https://github.com/walros/walros")
		opts.Cache, opts.Log = cache, log
		providers = append(providers, musicbrainz.New(fetch.New(opts), musicbrainz.Options{}))
	}
	if cfg.Metadata.SpotifyID != "" && cfg.Metadata.SpotifySecret != "" {
		providers = append(providers, spotify.New(cfg.Metadata.SpotifyID, cfg.Metadata.SpotifySecret, spotify.Options{}))
	}
	if cfg.Metadata.MyAnimeList {
		opts := mal.ClientOptions() // Jikan allows about one request a second
		opts.UserAgent, opts.Cache, opts.Log = ua, cache, log
		providers = append(providers, mal.New(fetch.New(opts), mal.Options{}))
	}
	return scan.New(st.Media, st.Libraries, prober, scan.Options{Parallel: cfg.Scan.Parallel,
		DeleteGrace: cfg.Scan.DeleteGrace, NewID: newID, Log: log, Metadata: st.Metadata, Items: st.Items, Providers: providers,
		OnFinish: onFinish}), nil
}

func scanCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scan [LIBRARY]",
		Short: "Scan libraries for new, changed, moved and removed files",
		Long: `Scan one library (by name or id) or all of them, and wait for the end. On a terminal a progress
line shows files found, probed and failed, the rate and the time left; a summary line ends each library.
It works on the data directory of a stopped or a running server.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			a, err := openApp(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer a.Close()
			log := newLogger(config.Log{Level: "warn", Format: cfg.Log.Format})
			s, err := newScanner(a, cfg, log)
			if err != nil {
				return err
			}
			libs, err := a.libraries.List(cmd.Context(), operator)
			if err != nil {
				return err
			}
			if len(args) == 1 {
				libs = pickLibrary(libs, args[0])
				if len(libs) == 0 {
					return fmt.Errorf("no library named %q", args[0])
				}
			}
			return scanLibraries(cmd.Context(), s, libs, cmd.ErrOrStderr(), isTerminal(cmd.ErrOrStderr()))
		},
	}
	config.DataFlags(cmd.Flags())
	return cmd
}

func pickLibrary(libs []core.Library, name string) []core.Library {
	for _, l := range libs {
		if strings.EqualFold(l.Name, name) || string(l.ID) == name {
			return []core.Library{l}
		}
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// scanLibraries scans each library in turn, drawing a progress line on a terminal and printing a
// summary line per library everywhere.
func scanLibraries(ctx context.Context, s *scan.Scanner, libs []core.Library, out io.Writer, tty bool) error {
	var failed []string
	for _, l := range libs {
		var draw func(scan.Progress)
		if tty {
			draw = func(p scan.Progress) { fmt.Fprintf(out, "\r\033[K%s", progressLine(l.Name, p, time.Now())) }
		}
		p, err := s.Scan(ctx, l, 200*time.Millisecond, draw)
		if tty {
			fmt.Fprint(out, "\r\033[K")
		}
		fmt.Fprintln(out, summaryLine(l.Name, p))
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			failed = append(failed, fmt.Sprintf("%s: %v", l.Name, err))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("scan failed: %s", strings.Join(failed, "; "))
	}
	return nil
}

func progressLine(name string, p scan.Progress, now time.Time) string {
	if p.Walking {
		return fmt.Sprintf("%s: listing files… %d found", name, p.Found)
	}
	line := fmt.Sprintf("%s: %d found · %d/%d probed · %d failed · %.1f files/s", name, p.Found, p.Probed, p.ToProbe,
		p.Failed, p.Rate(now))
	if eta := p.ETA(now); eta > 0 {
		line += " · ETA " + eta.Round(time.Second).String()
	}
	return line
}

func summaryLine(name string, p scan.Progress) string {
	d := p.Finished.Sub(p.Started)
	if p.Finished.IsZero() {
		d = time.Since(p.Started)
	}
	s := fmt.Sprintf("%s: %d files, %d unchanged, %d probed (%d failed), %d moved, %d missing, %d removed in %s",
		name, p.Found, p.Unchanged, p.Probed, p.Failed, p.Moved, p.Missing, p.Removed, d.Round(time.Millisecond))
	if len(p.Offline) > 0 {
		s += "; unreachable, nothing removed: " + strings.Join(p.Offline, ", ")
	}
	return s
}
