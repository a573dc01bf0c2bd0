package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"
	"github.com/walros/walros/api/jellyfin"
	"github.com/walros/walros/api/middleware"
	"github.com/walros/walros/api/native"
	"github.com/walros/walros/api/plex"
	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/core/artwork"
	"github.com/walros/walros/core/nowplaying"
	"github.com/walros/walros/core/scan"
	"github.com/walros/walros/internal/logring"
	"github.com/walros/walros/web"
)

func serveCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server",
		Long: `Run the Walros server: the native API, the API docs and the web client on --addr.
With no library configured, it first generates a small demo library with ffmpeg (--no-demo turns that off).
On the first start it creates an admin and prints how to sign in.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			serverGC()
			return run(cmd.Context(), cfg, cmd.OutOrStdout(), nil)
		},
	}
	config.Flags(cmd.Flags())
	return cmd
}

// serverGC sets the collector's target to 200% unless GOGC says otherwise. The store's caches
// keep a large, long-lived heap of small objects (rows, metadata, cards of a whole library), which
// each collection scans again; at Go's default 100% a busy server spent a quarter of its CPU there
// (bench/jellyfin: 1,082 req/s, 1,443 at 300%). The price is at most twice the garbage on top of
// the live heap.
func serverGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
}

// run wires everything and serves until ctx ends, then shuts down gracefully. It reports the
// addresses it listens on (main, Plex) through ready, when not nil, so tests can use port 0.
func run(ctx context.Context, cfg config.Config, out io.Writer, ready func(addr, plexAddr string)) error {
	// The latest records are also kept in memory, for the admin's logs page (GET /system/logs).
	logs := logring.New(1000)
	log := slog.New(logs.Handler(newLogger(cfg.Log).Handler()))
	log.InfoContext(ctx, "starting walros", "version", buildVersion(), "data", cfg.Data)
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()

	password, created, err := bootstrapAdmin(ctx, a, cfg.Admin)
	if err != nil {
		return err
	}
	if cfg.Demo {
		if err := ensureDemo(ctx, a, cfg, log); err != nil {
			log.WarnContext(ctx, "demo library not created", "err", err)
		}
	}
	// The Jellyfin facade, made further down, tells its clients about finished scans.
	var facade atomic.Pointer[jellyfin.Handler]
	var plexFacade atomic.Pointer[plex.Handler]
	var hasher atomic.Pointer[artwork.Hasher] // made further down; after each scan, hashes new posters and removes orphaned uploads
	scanner, err := buildScanner(a, cfg, log, func(p scan.Progress) {
		if h := hasher.Load(); h != nil {
			h.Kick()
		}
		if jf := facade.Load(); jf != nil {
			jf.ScanFinished(p)
		}
		if px := plexFacade.Load(); px != nil {
			px.ScanFinished(p)
		}
	})
	if err != nil {
		return err
	}
	defer scanner.Close() // runs before a.Close: scans stop before the database closes

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics, err := middleware.NewMetrics(reg)
	if err != nil {
		return err
	}
	var gatherer prometheus.Gatherer
	if cfg.Metrics {
		gatherer = reg
	}
	gin.SetMode(gin.ReleaseMode)
	art, err := artwork.New(artwork.Options{CacheDir: filepath.Join(cfg.Data, "cache", "images"), Log: log,
		UploadDir:    filepath.Join(cfg.Data, "images"), // admins' uploads: data, not cache
		Uploads:      a.db.Stores().Metadata,            // this database's ledger of them (decision 0044)
		AllowedRoots: func() []string { return libraryRoots(ctx, a) }})
	if err != nil {
		return err
	}
	hasher.Store(art.NewHasher(a.db.Stores().Metadata, artwork.HasherOptions{Log: log}))
	streams, err := newStreaming(cfg, log)
	if err != nil {
		return err
	}
	defer streams.Close() // after the HTTP server has stopped: no request waits on an encoder
	// What every client plays, across the three APIs (GET /api/v1/system/playing).
	playing := nowplaying.New(0)
	api, err := native.New(native.Deps{Auth: a.auth, Users: a.users, Libraries: a.libraries, Items: a.items, Playlists: a.playlists, BoxSets: a.boxSets,
		History: a.history, UserData: a.userData, Lists: a.lists, Transfer: a.transfer, Stats: a.stats, Scans: scanner, Artwork: art,
		Streams: streams.manager, Subtitles: streams.subtitles, Audio: streams.audio, Thumbs: streams.thumbs,
		Downloads: streams.downloads, Ready: a.db.Ping, Metrics: metrics, Gatherer: gatherer, Log: log, MaxBody: cfg.HTTP.MaxBody,
		TrustedProxies: cfg.HTTP.TrustedProxies, Logs: logs, Encoders: streams.manager, NowPlaying: playing})
	if err != nil {
		return err
	}
	id, err := serverID(cfg.Data)
	if err != nil {
		return err
	}
	jf := jellyfin.New(jellyfin.Deps{Auth: a.auth, Users: a.users, Libraries: a.libraries, Items: a.items, Scans: scanner,
		UserData: a.userData, History: a.history, Playlists: a.playlists, BoxSets: a.boxSets, Preferences: a.prefs, Artwork: art, Streams: streams.manager, Audio: streams.audio, Subtitles: streams.subtitles, ServerID: id, ServerName: cfg.ServerName, WebDir: cfg.JellyfinWeb, Metrics: metrics, Log: log,
		MaxBody: cfg.HTTP.MaxBody, TrustedProxies: cfg.HTTP.TrustedProxies, WarmLists: cfg.WarmLists, NowPlaying: playing})
	defer jf.Close() // after the HTTP server: its web sockets outlive Shutdown
	facade.Store(jf)
	a.userData.OnChange = jf.NotifyUserData
	client := web.New()
	if !client.Built() {
		log.WarnContext(ctx, "the web client was not built into this binary: / shows how to build it (make run, or npm ci && npm run build in web/)")
	}
	srv := &http.Server{
		Handler:           facadeMux(api.Engine(), jf.Engine(), cfg.JellyfinWeb, client),
		ReadHeaderTimeout: cfg.HTTP.ReadHeaderTimeout,
		IdleTimeout:       cfg.HTTP.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// No BaseContext from ctx: a SIGTERM must let requests in flight finish, not cancel them.
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	ph := plex.New(plex.Deps{Auth: a.auth, Users: a.users, Libraries: a.libraries, Items: a.items, UserData: a.userData, Playlists: a.playlists, History: a.history,
		Scans: scanner, Streams: streams.manager, Artwork: art, Subtitles: streams.subtitles, ServerID: id, ServerName: cfg.ServerName, Metrics: metrics, Log: log,
		MaxBody: cfg.HTTP.MaxBody, TrustedProxies: cfg.HTTP.TrustedProxies, WarmLists: cfg.WarmLists, NowPlaying: playing})
	px, err := startPlex(cfg, ph, cfg.ServerName, id, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer ph.Close() // after the HTTP servers: notification sockets outlive Shutdown
	plexFacade.Store(ph)
	printWelcome(out, ln.Addr(), cfg.Admin.Username, password, created)
	log.InfoContext(ctx, "listening", "addr", ln.Addr().String())
	if ready != nil {
		ready(ln.Addr().String(), px.Addr())
	}

	// The background work stops, and is waited for, before the streams and the database close:
	// the keyframe indexer still wrote into the data directory after run returned.
	bg, stopBackground := context.WithCancel(ctx)
	var background sync.WaitGroup
	defer func() {
		stopBackground()
		background.Wait()
	}()
	background.Go(func() { pruneSessions(bg, a, log) })
	background.Go(func() { scheduleScans(bg, a, scanner, cfg.Scan.Interval, log) })
	background.Go(func() { streams.indexKeyframes(bg, a, 10*time.Minute, log) })
	background.Go(func() { hasher.Load().Run(bg) })
	if cfg.Scan.Watch {
		background.Go(func() {
			if err := scanner.Watch(bg, scan.WatchOptions{Poll: cfg.Scan.Poll}); err != nil {
				log.WarnContext(bg, "library folders are not watched; new files appear at the next scheduled scan", "err", err)
			}
		})
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		px.close() // the Plex facade's requests must not outlive the database either
		return fmt.Errorf("serve: %w", err)
	case err := <-px.errc:
		px.close()
		srv.Close()
		return fmt.Errorf("serve plex: %w", err)
	case <-ctx.Done():
	}
	log.InfoContext(ctx, "shutting down", "grace", cfg.HTTP.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.HTTP.ShutdownTimeout)
	defer cancel()
	// Both servers drain at once, within the same grace.
	perr := make(chan error, 1)
	go func() { perr <- px.shutdown(sctx) }()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close() // requests still running must not outlive the database closed below
		px.close()
		return errors.Join(fmt.Errorf("shutdown: %w", err), <-perr)
	}
	if err := <-perr; err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.InfoContext(ctx, "stopped")
	return nil
}

// bootstrapAdmin creates the first admin when there is no user, with the configured password or a
// random one. It returns the password only when it made it up, so it can be shown once.
func bootstrapAdmin(ctx context.Context, a *app, c config.Admin) (string, bool, error) {
	password, generated := c.Password, false
	if password == "" {
		password, generated = rand.Text()[:20], true
	}
	created, err := a.users.Bootstrap(ctx, c.Username, password)
	if err != nil {
		return "", false, fmt.Errorf("create the first admin: %w", err)
	}
	if !created || !generated {
		password = ""
	}
	return password, created, nil
}

func printWelcome(out io.Writer, addr net.Addr, user, password string, created bool) {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	base := "http://" + net.JoinHostPort(host, port)
	var b strings.Builder // one write, so the lines stay together in any log collector
	fmt.Fprintf(&b, "\nWalros is running at %s (API docs: %s/api/docs)\n", base, base)
	switch {
	case created && password != "":
		fmt.Fprintf(&b, "Sign in as %q with password %q. It is shown only this once.\n", user, password)
	case created:
		fmt.Fprintf(&b, "Sign in as %q with the configured admin password.\n", user)
	}
	fmt.Fprintf(&b, "  curl -s %s/api/v1/auth/login -H 'Content-Type: application/json' -d '{\"username\":\"%s\",\"password\":\"...\"}'\n\n", base, user)
	io.WriteString(out, b.String())
}

// libraryRoots lists every library folder: the only places local artwork is served from.
func libraryRoots(ctx context.Context, a *app) []string {
	libs, err := a.libraries.List(ctx, operator)
	if err != nil {
		return nil
	}
	var roots []string
	for _, l := range libs {
		roots = append(roots, l.Paths...)
	}
	return roots
}

// scheduleScans scans every library at start, so that files added while the server was down show
// up, and then every interval (never when it is 0).
func scheduleScans(ctx context.Context, a *app, s *scan.Scanner, interval time.Duration, log *slog.Logger) {
	for {
		libs, err := a.libraries.List(ctx, operator)
		if err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "list libraries to scan", "err", err)
		}
		for _, l := range libs {
			if _, err := s.Start(ctx, operator, l.ID); err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "start scan", "library", l.Name, "err", err)
			}
		}
		if interval <= 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

func pruneSessions(ctx context.Context, a *app, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := a.auth.PruneSessions(ctx); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "prune sessions", "err", err)
		} else if n > 0 {
			log.InfoContext(ctx, "pruned expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
