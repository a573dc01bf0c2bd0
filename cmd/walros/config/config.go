// Package config holds the settings of a Walros process. Load builds one Config
// at startup from defaults, a YAML file, WALROS_* environment variables and
// command-line flags, in that order, and validates it; the result is passed by
// value to whatever needs it. No package reads configuration from a global.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of a Walros process. The yaml tags are the
// keys of walros.yaml; docs/configuration.md lists them with their env vars and flags.
type Config struct {
	// Data is the data directory: the SQLite database, caches and keys. Load makes it absolute.
	Data string `yaml:"data"`
	// Addr is the listen address of the native API, the Jellyfin facade and the web client.
	Addr string `yaml:"addr"`
	// PlexAddr is the listen address of the Plex facade; Plex clients assume port 32400. "off"
	// turns the facade (and its discovery) off, for a machine that also runs Plex Media Server.
	PlexAddr string `yaml:"plex_addr"`
	// DB selects the database: empty for SQLite in Data, a postgres:// or postgresql:// DSN,
	// or sqlite:PATH for an SQLite file elsewhere.
	DB string `yaml:"db"`
	// FFmpeg is the ffmpeg binary; empty means look it up on PATH.
	FFmpeg string `yaml:"ffmpeg"`
	// FFprobe is the ffprobe binary; empty means look it up on PATH.
	FFprobe string `yaml:"ffprobe"`
	// Demo turns on the demo content; --no-demo turns it off.
	Demo bool `yaml:"demo"`
	// ServerName is the name clients show for this server.
	ServerName string `yaml:"server_name"`
	// JellyfinWeb is an installed jellyfin-web to serve at /web/; empty for none.
	JellyfinWeb string `yaml:"jellyfin_web"`
	// Admin is the first user, created only when the server has no user yet.
	Admin Admin `yaml:"admin"`
	// Log configures the process logger.
	Log Log `yaml:"log"`
	// Auth sets the lifetimes of the native API's tokens.
	Auth Auth `yaml:"auth"`
	// HTTP sets limits and timeouts of the HTTP servers.
	HTTP HTTP `yaml:"http"`
	// Scan configures library scanning.
	Scan Scan `yaml:"scan"`
	// Metadata configures the online metadata providers.
	Metadata Metadata `yaml:"metadata"`
	// Transcode configures the streaming engine.
	Transcode Transcode `yaml:"transcode"`
	// UserData sets the rules that turn playback into played state and next up.
	UserData UserData `yaml:"user_data"`
	// Metrics serves /metrics.
	Metrics bool `yaml:"metrics"`
	// WarmLists reads the rest of a long list ahead, in the background, once a page of it is asked
	// for through the Jellyfin or Plex facade, so that its other pages are served from memory.
	WarmLists bool `yaml:"warm_lists"`
	// File is the config file Load read, or empty if it read none. It is not a key of the file.
	File string `yaml:"-"`
}

// Metadata configures the online metadata providers; each is off until it has its key, so Walros
// works fully offline by default.
type Metadata struct {
	// TMDbKey is a TMDb API key (v3) or read access token (v4).
	TMDbKey string `yaml:"tmdb_api_key"`
	// TMDbURL and TMDbImageURL replace TMDb's API root and image prefix (a caching proxy, a
	// mirror, a test's fake); empty means TMDb's own.
	TMDbURL      string `yaml:"tmdb_url"`
	TMDbImageURL string `yaml:"tmdb_image_url"`
	// TVDBKey and TVDBPin are a TheTVDB v4 project key and, for user-supported keys, the subscriber PIN.
	TVDBKey string `yaml:"tvdb_api_key"`
	TVDBPin string `yaml:"tvdb_pin"`
	// MyAnimeList asks MyAnimeList (through the keyless Jikan API) about anime.
	MyAnimeList bool `yaml:"myanimelist"`
	// SpotifyID and SpotifySecret are a Spotify app's client credentials, for music artwork and genres.
	SpotifyID     string `yaml:"spotify_client_id"`
	SpotifySecret string `yaml:"spotify_client_secret"`
	// MusicBrainz asks MusicBrainz about artists and albums (one request a second, no key).
	MusicBrainz bool `yaml:"musicbrainz"`
	// Language is the language asked of providers, such as en-US or fr-FR.
	Language string `yaml:"language"`
}

// Transcode configures the streaming engine: encoder limits and the segment cache.
type Transcode struct {
	// MaxEncodes is how many video encodes run at once; 0 means one per CPU.
	MaxEncodes int `yaml:"max_encodes"`
	// MaxEncodesPerUser is how many video encodes one user may have at once.
	MaxEncodesPerUser int `yaml:"max_encodes_per_user"`
	// Preset is libx264's speed preset.
	Preset string `yaml:"preset"`
	// CacheSize bounds the segment cache, in bytes.
	CacheSize int64 `yaml:"cache_size"`
	// IdleTimeout stops an encoder nobody asked anything of for this long.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// HWAccel encodes video on the GPU: vaapi, qsv or nvenc; empty for software.
	HWAccel string `yaml:"hwaccel"`
	// HWDevice is the VAAPI or QSV device.
	HWDevice string `yaml:"hwaccel_device"`
}

// UserData sets the rules of played state and next up.
type UserData struct {
	// PlayedAt is the share of its runtime, in percent, past which an item counts as played.
	PlayedAt float64 `yaml:"played_at"`
	// NextUpCutoff drops a series from next up when its last play is older; 0 keeps it forever.
	NextUpCutoff time.Duration `yaml:"next_up_cutoff"`
}

// Scan configures library scanning.
type Scan struct {
	// Interval is how often every library is rescanned; 0 turns scheduled scans off.
	Interval time.Duration `yaml:"interval"`
	// DeleteGrace is how long a vanished file keeps its item, in case it comes back (a network
	// share that dropped for a while).
	DeleteGrace time.Duration `yaml:"delete_grace"`
	// Parallel is how many files are probed at once; 0 means one per CPU.
	Parallel int `yaml:"parallel"`
	// Watch rescans a library as soon as its files change (inotify).
	Watch bool `yaml:"watch"`
	// Poll is how often folders that cannot be watched (network mounts) are rescanned.
	Poll time.Duration `yaml:"poll"`
}

// Admin is the account created on first start.
type Admin struct {
	// Username is the first admin's name.
	Username string `yaml:"username"`
	// Password is the first admin's password; empty means a random one, printed once.
	Password string `yaml:"password"`
}

// Log configures the process logger.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is auto (text on a terminal, JSON otherwise), text or json.
	Format string `yaml:"format"`
}

// Auth sets token lifetimes.
type Auth struct {
	// AccessTTL is the lifetime of an access token.
	AccessTTL time.Duration `yaml:"access_ttl"`
	// RefreshTTL is the lifetime of a refresh token; it must be longer than AccessTTL.
	RefreshTTL time.Duration `yaml:"refresh_ttl"`
	// PublicUsers lets anyone list the users not hidden from the sign-in screen (GET
	// /api/v1/users/public, Jellyfin's /Users/Public). On by default, as Jellyfin's list is, where
	// users are hidden until an admin shows them; off, both lists are empty.
	PublicUsers bool `yaml:"public_users"`
}

// HTTP sets limits and timeouts shared by the HTTP servers.
type HTTP struct {
	// MaxBody is the largest request body accepted, in bytes; media uploads are not request bodies.
	MaxBody int64 `yaml:"max_body"`
	// ReadHeaderTimeout bounds the time to read request headers (http.Server.ReadHeaderTimeout).
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	// IdleTimeout closes keep-alive connections idle this long (http.Server.IdleTimeout).
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// ShutdownTimeout is how long a shutdown waits for requests in flight.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// TrustedProxies are the reverse proxies (IPs or CIDRs) whose X-Forwarded-For is believed; with
	// none, the client address is the TCP peer's, so a spoofed header cannot dodge login throttling.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// Default returns the configuration used when nothing is set. It is valid.
func Default() Config {
	return Config{
		Data:       "./data",
		Addr:       ":8096",
		PlexAddr:   ":32400",
		Demo:       true,
		ServerName: "walros",
		Admin:      Admin{Username: "admin"},
		Log:        Log{Level: "info", Format: "auto"},
		Auth:       Auth{AccessTTL: 15 * time.Minute, RefreshTTL: 720 * time.Hour, PublicUsers: true},
		HTTP: HTTP{
			MaxBody:           1 << 20,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       120 * time.Second,
			ShutdownTimeout:   15 * time.Second,
		},
		Scan:     Scan{Interval: 6 * time.Hour, DeleteGrace: 24 * time.Hour, Watch: true, Poll: time.Minute},
		Metadata: Metadata{Language: "en-US"},
		Transcode: Transcode{MaxEncodesPerUser: 2, Preset: "veryfast", CacheSize: 20 << 30,
			IdleTimeout: 20 * time.Second},
		UserData:  UserData{PlayedAt: 90, NextUpCutoff: 365 * 24 * time.Hour},
		Metrics:   true,
		WarmLists: true,
	}
}

// x264Presets are libx264's speed presets, fastest first.
var x264Presets = []string{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"}

// Limits checked by Validate.
const (
	minAccessTTL  = time.Minute
	maxAccessTTL  = 24 * time.Hour
	minRefreshTTL = time.Hour
	maxRefreshTTL = 8760 * time.Hour
	minMaxBody    = 1 << 10
	maxMaxBody    = 1 << 30
	minTimeout    = time.Second
	maxTimeout    = time.Hour
)

// problem is one thing wrong with one key. got and from are filled in by Load
// with the value as written and where it came from; Validate alone leaves from empty.
type problem struct {
	key, msg, got, from string
}

func (p problem) String() string {
	s := fmt.Sprintf("config: %s: %s, got %q", p.key, p.msg, p.got)
	if p.from != "" {
		s += " (from " + p.from + ")"
	}
	return s
}

// Validate reports every invalid value, one line per key.
func (c Config) Validate() error {
	return report(c.problems())
}

func (c Config) problems() []problem {
	var ps []problem
	add := func(key, msg, got string) { ps = append(ps, problem{key: key, msg: msg, got: got}) }
	if c.Data == "" {
		add("data", "must not be empty", c.Data)
	}
	if msg := checkAddr(c.Addr); msg != "" {
		add("addr", msg, c.Addr)
	}
	if c.PlexAddr == "off" { // no Plex facade (a Plex Media Server may hold 32400)
	} else if msg := checkAddr(c.PlexAddr); msg != "" {
		add("plex_addr", msg+`, or "off"`, c.PlexAddr)
	} else if c.PlexAddr == c.Addr && !strings.HasSuffix(c.Addr, ":0") {
		add("plex_addr", "must differ from addr", c.PlexAddr)
	}
	if msg := checkDB(c.DB); msg != "" {
		add("db", msg, redactDSN(c.DB))
	}
	if strings.TrimSpace(c.Admin.Username) == "" {
		add("admin.username", "must not be empty", c.Admin.Username)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level", "must be debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "auto", "text", "json":
	default:
		add("log.format", "must be auto, text or json", c.Log.Format)
	}
	durations := []struct {
		key      string
		d        time.Duration
		min, max time.Duration
	}{
		{"auth.access_ttl", c.Auth.AccessTTL, minAccessTTL, maxAccessTTL},
		{"auth.refresh_ttl", c.Auth.RefreshTTL, minRefreshTTL, maxRefreshTTL},
		{"http.read_header_timeout", c.HTTP.ReadHeaderTimeout, minTimeout, maxTimeout},
		{"http.idle_timeout", c.HTTP.IdleTimeout, minTimeout, maxTimeout},
		{"http.shutdown_timeout", c.HTTP.ShutdownTimeout, minTimeout, maxTimeout},
		{"scan.delete_grace", c.Scan.DeleteGrace, 0, 365 * 24 * time.Hour},
		{"scan.poll", c.Scan.Poll, 5 * time.Second, 24 * time.Hour},
	}
	if c.Scan.Interval != 0 && (c.Scan.Interval < time.Minute || c.Scan.Interval > 30*24*time.Hour) {
		add("scan.interval", "must be 0 (off) or between 1m and 720h", formatDuration(c.Scan.Interval))
	}
	if c.Transcode.MaxEncodes < 0 || c.Transcode.MaxEncodes > 256 {
		add("transcode.max_encodes", "must be between 0 (one per CPU) and 256", fmt.Sprint(c.Transcode.MaxEncodes))
	}
	if c.Transcode.MaxEncodesPerUser < 1 || c.Transcode.MaxEncodesPerUser > 256 {
		add("transcode.max_encodes_per_user", "must be between 1 and 256", fmt.Sprint(c.Transcode.MaxEncodesPerUser))
	}
	if !slices.Contains(x264Presets, c.Transcode.Preset) {
		add("transcode.preset", "must be one of "+strings.Join(x264Presets, ", "), c.Transcode.Preset)
	}
	if !slices.Contains([]string{"", "vaapi", "qsv", "nvenc"}, c.Transcode.HWAccel) {
		add("transcode.hwaccel", "must be empty (software), vaapi, qsv or nvenc", c.Transcode.HWAccel)
	}
	if c.Transcode.CacheSize < 64<<20 {
		add("transcode.cache_size", "must be at least 64MiB", fmt.Sprint(c.Transcode.CacheSize))
	}
	if c.Transcode.IdleTimeout < time.Second || c.Transcode.IdleTimeout > time.Hour {
		add("transcode.idle_timeout", "must be between 1s and 1h", formatDuration(c.Transcode.IdleTimeout))
	}
	if c.UserData.PlayedAt < 50 || c.UserData.PlayedAt > 100 {
		add("user_data.played_at", "must be a percentage from 50 to 100", strconv.FormatFloat(c.UserData.PlayedAt, 'f', -1, 64))
	}
	if c.UserData.NextUpCutoff < 0 || c.UserData.NextUpCutoff > 10*8760*time.Hour {
		add("user_data.next_up_cutoff", "must be 0 (never) or up to 87600h (ten years)", formatDuration(c.UserData.NextUpCutoff))
	}
	if c.Scan.Parallel < 0 || c.Scan.Parallel > 64 {
		add("scan.parallel", "must be between 0 (one per CPU) and 64", fmt.Sprint(c.Scan.Parallel))
	}
	for _, d := range durations {
		if d.d < d.min || d.d > d.max {
			add(d.key, fmt.Sprintf("must be between %s and %s", formatDuration(d.min), formatDuration(d.max)), formatDuration(d.d))
		}
	}
	// A refresh token that dies before the access token it renews would be useless.
	if c.Auth.RefreshTTL <= c.Auth.AccessTTL && c.Auth.AccessTTL >= minAccessTTL && c.Auth.RefreshTTL >= minRefreshTTL {
		add("auth.refresh_ttl", fmt.Sprintf("must be longer than auth.access_ttl (%s)", formatDuration(c.Auth.AccessTTL)), formatDuration(c.Auth.RefreshTTL))
	}
	if c.HTTP.MaxBody < minMaxBody || c.HTTP.MaxBody > maxMaxBody {
		add("http.max_body", "must be between 1KiB and 1GiB", formatSize(c.HTTP.MaxBody))
	}
	return ps
}

// report joins problems into one error, or returns nil if there are none.
func report(ps []problem) error {
	if len(ps) == 0 {
		return nil
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return errors.New(strings.Join(lines, "\n"))
}

func checkAddr(addr string) string {
	const want = `must be HOST:PORT, such as ":8096" or "127.0.0.1:8096"`
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return want
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return want + ", with a port from 0 to 65535"
	}
	return ""
}

func checkDB(dsn string) string {
	lower := strings.ToLower(dsn)
	switch {
	case dsn == "", strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		// Multi-host DSNs (host1:5432,host2:5432) are valid for pgx but not for
		// net/url, so the rest is left to the driver.
		return ""
	case strings.HasPrefix(lower, "sqlite:"):
		if len(dsn) == len("sqlite:") {
			return "must name a file after sqlite:, as in sqlite:/var/lib/walros/walros.db"
		}
		return ""
	default:
		return "must be empty (SQLite in the data directory), postgres://..., postgresql://... or sqlite:PATH"
	}
}

// masked replaces secrets, as net/url's URL.Redacted does.
const masked = "xxxxx"

// Redacted returns a copy safe to log: the admin password and the password in
// the database DSN are masked.
func (c Config) Redacted() Config {
	for _, k := range []*string{&c.Metadata.TMDbKey, &c.Metadata.TVDBKey, &c.Metadata.TVDBPin, &c.Metadata.SpotifySecret} {
		if *k != "" {
			*k = "xxxxx"
		}
	}
	if c.Admin.Password != "" {
		c.Admin.Password = masked
	}
	c.DB = redactDSN(c.DB)
	return c
}

var (
	urlPasswordParam = regexp.MustCompile(`([?&](?:ssl)?password=)[^&#]*`)
	keywordPassword  = regexp.MustCompile(`((?:^|\s)(?:ssl)?password\s*=\s*)(?:'[^']*'|\S*)`)
)

// redactDSN masks the password of a URL DSN (user info and ?password=) or of a
// keyword DSN (password=...). It does not use net/url: pgx accepts multi-host
// URLs that url.Parse rejects, and a rejected DSN must still be masked.
func redactDSN(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return keywordPassword.ReplaceAllString(dsn, "${1}"+masked)
	}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		if user, _, hasPassword := strings.Cut(authority[:at], ":"); hasPassword {
			authority = user + ":" + masked + authority[at:]
		}
	}
	return scheme + "://" + authority + urlPasswordParam.ReplaceAllString(tail, "${1}"+masked)
}

// SlogLevel returns Level as a slog.Level; an unknown level (which Validate rejects) is info.
func (l Log) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

// formatDuration writes whole minutes and hours without the zero tail: "1m", not "1m0s".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

var sizeUnits = []struct {
	suffix string
	mult   int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}

// parseSize reads a byte count: a plain integer, or one followed by KiB, MiB or GiB.
func parseSize(s string) (int64, error) {
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range sizeUnits {
		if len(num) >= len(u.suffix) && strings.EqualFold(num[len(num)-len(u.suffix):], u.suffix) {
			num, mult = strings.TrimSpace(num[:len(num)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<63-1)/mult {
		return 0, errors.New(`must be a size in bytes, optionally with KiB, MiB or GiB, such as "1048576" or "8MiB"`)
	}
	return n * mult, nil
}

// formatSize writes n with the largest unit that divides it exactly.
func formatSize(n int64) string {
	for _, u := range sizeUnits {
		if n != 0 && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}
