package config

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Names of the settings that decide where the config file is.
const (
	configFlag = "config"
	configEnv  = "WALROS_CONFIG"
	dataFlag   = "data"
	dataEnv    = "WALROS_DATA"
	// defaultFile is looked up in the data directory when no file is named.
	defaultFile = "walros.yaml"
)

// setting ties one key of Config to its env var and flag, and parses its text.
type setting struct {
	key   string // YAML path, sections joined with dots: "auth.access_ttl"
	env   string
	flag  string // empty: env and file only
	usage string // flag help; Flags appends the env var name
	def   string // flag default shown in help
	// negate marks a boolean flag that sets the value to false when given (--no-demo).
	negate bool
	// redact hides a secret in error messages.
	redact func(string) string
	set    func(c *Config, v string) error
}

func settings() []setting {
	d := Default()
	str := func(field func(*Config) *string) func(*Config, string) error {
		return func(c *Config, v string) error { *field(c) = v; return nil }
	}
	// Levels and formats are keywords; accept DEBUG or Json as a person would write them.
	keyword := func(field func(*Config) *string) func(*Config, string) error {
		return func(c *Config, v string) error { *field(c) = strings.ToLower(strings.TrimSpace(v)); return nil }
	}
	boolean := func(field func(*Config) *bool) func(*Config, string) error {
		return func(c *Config, v string) error {
			b, err := parseBool(v)
			if err != nil {
				return err
			}
			*field(c) = b
			return nil
		}
	}
	duration := func(field func(*Config) *time.Duration) func(*Config, string) error {
		return func(c *Config, v string) error {
			x, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil {
				return errors.New(`must be a duration such as "90s", "15m" or "2h"`)
			}
			*field(c) = x
			return nil
		}
	}
	whole := func(field func(*Config) *int) func(*Config, string) error {
		return func(c *Config, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("%q is not a whole number", v)
			}
			*field(c) = n
			return nil
		}
	}
	hide := func(v string) string {
		if v == "" {
			return ""
		}
		return masked
	}
	return []setting{
		{key: "data", env: dataEnv, flag: dataFlag, def: d.Data,
			usage: "data directory: database, caches, keys",
			set:   str(func(c *Config) *string { return &c.Data })},
		{key: "addr", env: "WALROS_ADDR", flag: "addr", def: d.Addr,
			usage: "listen address of the native API, Jellyfin API and web client",
			set:   str(func(c *Config) *string { return &c.Addr })},
		{key: "plex_addr", env: "WALROS_PLEX_ADDR", flag: "plex-addr", def: d.PlexAddr,
			usage: "listen address of the Plex API",
			set:   str(func(c *Config) *string { return &c.PlexAddr })},
		{key: "db", env: "WALROS_DB", flag: "db", def: d.DB,
			usage:  "database: empty for SQLite in the data directory, postgres://... or sqlite:PATH",
			redact: redactDSN,
			set:    str(func(c *Config) *string { return &c.DB })},
		{key: "ffmpeg", env: "WALROS_FFMPEG", flag: "ffmpeg", def: d.FFmpeg,
			usage: "ffmpeg binary (empty: look it up on PATH)",
			set:   str(func(c *Config) *string { return &c.FFmpeg })},
		{key: "ffprobe", env: "WALROS_FFPROBE", flag: "ffprobe", def: d.FFprobe,
			usage: "ffprobe binary (empty: look it up on PATH)",
			set:   str(func(c *Config) *string { return &c.FFprobe })},
		{key: "demo", env: "WALROS_DEMO", flag: "no-demo", negate: true,
			usage: "turn off the demo content",
			set:   boolean(func(c *Config) *bool { return &c.Demo })},
		{key: "server_name", env: "WALROS_SERVER_NAME", flag: "server-name", def: d.ServerName,
			usage: "the name clients show for this server",
			set:   str(func(c *Config) *string { return &c.ServerName })},
		{key: "jellyfin_web", env: "WALROS_JELLYFIN_WEB", flag: "jellyfin-web", def: d.JellyfinWeb,
			usage: "folder of an installed jellyfin-web to serve at /web/ (empty: none)",
			set:   str(func(c *Config) *string { return &c.JellyfinWeb })},
		{key: "admin.username", env: "WALROS_ADMIN_USERNAME", flag: "admin-username", def: d.Admin.Username,
			usage: "name of the first admin, created only when the server has no user yet",
			set:   str(func(c *Config) *string { return &c.Admin.Username })},
		{key: "admin.password", env: "WALROS_ADMIN_PASSWORD", flag: "admin-password", def: d.Admin.Password,
			usage:  "password of the first admin (empty: random, printed once); prefer the env var, flags show in ps",
			redact: hide,
			set:    str(func(c *Config) *string { return &c.Admin.Password })},
		{key: "log.level", env: "WALROS_LOG_LEVEL", flag: "log-level", def: d.Log.Level,
			usage: "log level: debug, info, warn or error",
			set:   keyword(func(c *Config) *string { return &c.Log.Level })},
		{key: "log.format", env: "WALROS_LOG_FORMAT", flag: "log-format", def: d.Log.Format,
			usage: "log format: auto (text on a terminal, JSON otherwise), text or json",
			set:   keyword(func(c *Config) *string { return &c.Log.Format })},
		{key: "auth.access_ttl", env: "WALROS_AUTH_ACCESS_TTL",
			set: duration(func(c *Config) *time.Duration { return &c.Auth.AccessTTL })},
		{key: "auth.refresh_ttl", env: "WALROS_AUTH_REFRESH_TTL",
			set: duration(func(c *Config) *time.Duration { return &c.Auth.RefreshTTL })},
		{key: "auth.public_users", env: "WALROS_AUTH_PUBLIC_USERS",
			set: boolean(func(c *Config) *bool { return &c.Auth.PublicUsers })},
		{key: "http.max_body", env: "WALROS_HTTP_MAX_BODY",
			set: func(c *Config, v string) error {
				n, err := parseSize(v)
				if err != nil {
					return err
				}
				c.HTTP.MaxBody = n
				return nil
			}},
		{key: "http.read_header_timeout", env: "WALROS_HTTP_READ_HEADER_TIMEOUT",
			set: duration(func(c *Config) *time.Duration { return &c.HTTP.ReadHeaderTimeout })},
		{key: "http.idle_timeout", env: "WALROS_HTTP_IDLE_TIMEOUT",
			set: duration(func(c *Config) *time.Duration { return &c.HTTP.IdleTimeout })},
		{key: "http.shutdown_timeout", env: "WALROS_HTTP_SHUTDOWN_TIMEOUT",
			set: duration(func(c *Config) *time.Duration { return &c.HTTP.ShutdownTimeout })},
		{key: "http.trusted_proxies", env: "WALROS_HTTP_TRUSTED_PROXIES",
			set: func(c *Config, v string) error {
				c.HTTP.TrustedProxies = nil
				for _, p := range strings.Split(v, ",") {
					if p = strings.TrimSpace(p); p == "" {
						continue
					}
					if _, err := netip.ParsePrefix(p); err != nil {
						if _, err := netip.ParseAddr(p); err != nil {
							return fmt.Errorf("%q is not an IP address or CIDR prefix", p)
						}
					}
					c.HTTP.TrustedProxies = append(c.HTTP.TrustedProxies, p)
				}
				return nil
			}},
		{key: "scan.interval", env: "WALROS_SCAN_INTERVAL",
			set: duration(func(c *Config) *time.Duration { return &c.Scan.Interval })},
		{key: "scan.delete_grace", env: "WALROS_SCAN_DELETE_GRACE",
			set: duration(func(c *Config) *time.Duration { return &c.Scan.DeleteGrace })},
		{key: "scan.parallel", env: "WALROS_SCAN_PARALLEL",
			set: whole(func(c *Config) *int { return &c.Scan.Parallel })},
		{key: "scan.watch", env: "WALROS_SCAN_WATCH",
			set: boolean(func(c *Config) *bool { return &c.Scan.Watch })},
		{key: "scan.poll", env: "WALROS_SCAN_POLL",
			set: duration(func(c *Config) *time.Duration { return &c.Scan.Poll })},
		{key: "transcode.max_encodes", env: "WALROS_TRANSCODE_MAX_ENCODES",
			set: whole(func(c *Config) *int { return &c.Transcode.MaxEncodes })},
		{key: "transcode.max_encodes_per_user", env: "WALROS_TRANSCODE_MAX_ENCODES_PER_USER",
			set: whole(func(c *Config) *int { return &c.Transcode.MaxEncodesPerUser })},
		{key: "transcode.preset", env: "WALROS_TRANSCODE_PRESET",
			set: func(c *Config, v string) error { c.Transcode.Preset = strings.TrimSpace(v); return nil }},
		{key: "transcode.cache_size", env: "WALROS_TRANSCODE_CACHE_SIZE",
			set: func(c *Config, v string) error {
				n, err := parseSize(v)
				if err != nil {
					return err
				}
				c.Transcode.CacheSize = n
				return nil
			}},
		{key: "transcode.idle_timeout", env: "WALROS_TRANSCODE_IDLE_TIMEOUT",
			set: duration(func(c *Config) *time.Duration { return &c.Transcode.IdleTimeout })},
		{key: "transcode.hwaccel", env: "WALROS_TRANSCODE_HWACCEL",
			set: func(c *Config, v string) error {
				c.Transcode.HWAccel = strings.ToLower(strings.TrimSpace(v))
				return nil
			}},
		{key: "transcode.hwaccel_device", env: "WALROS_TRANSCODE_HWACCEL_DEVICE",
			set: func(c *Config, v string) error { c.Transcode.HWDevice = strings.TrimSpace(v); return nil }},
		{key: "metadata.tmdb_api_key", env: "WALROS_METADATA_TMDB_API_KEY", redact: func(string) string { return "xxxxx" },
			set: func(c *Config, v string) error { c.Metadata.TMDbKey = strings.TrimSpace(v); return nil }},
		{key: "metadata.tmdb_url", env: "WALROS_METADATA_TMDB_URL",
			set: httpURL(func(c *Config) *string { return &c.Metadata.TMDbURL })},
		{key: "metadata.tmdb_image_url", env: "WALROS_METADATA_TMDB_IMAGE_URL",
			set: httpURL(func(c *Config) *string { return &c.Metadata.TMDbImageURL })},
		{key: "metadata.tvdb_api_key", env: "WALROS_METADATA_TVDB_API_KEY", redact: func(string) string { return "xxxxx" },
			set: func(c *Config, v string) error { c.Metadata.TVDBKey = strings.TrimSpace(v); return nil }},
		{key: "metadata.tvdb_pin", env: "WALROS_METADATA_TVDB_PIN", redact: func(string) string { return "xxxxx" },
			set: func(c *Config, v string) error { c.Metadata.TVDBPin = strings.TrimSpace(v); return nil }},
		{key: "metadata.myanimelist", env: "WALROS_METADATA_MYANIMELIST",
			set: boolean(func(c *Config) *bool { return &c.Metadata.MyAnimeList })},
		{key: "metadata.spotify_client_id", env: "WALROS_METADATA_SPOTIFY_CLIENT_ID",
			set: func(c *Config, v string) error { c.Metadata.SpotifyID = strings.TrimSpace(v); return nil }},
		{key: "metadata.spotify_client_secret", env: "WALROS_METADATA_SPOTIFY_CLIENT_SECRET", redact: func(string) string { return "xxxxx" },
			set: func(c *Config, v string) error { c.Metadata.SpotifySecret = strings.TrimSpace(v); return nil }},
		{key: "metadata.musicbrainz", env: "WALROS_METADATA_MUSICBRAINZ",
			set: boolean(func(c *Config) *bool { return &c.Metadata.MusicBrainz })},
		{key: "metadata.language", env: "WALROS_METADATA_LANGUAGE",
			set: func(c *Config, v string) error {
				v = strings.TrimSpace(v)
				if len(v) < 2 || len(v) > 16 || strings.ContainsAny(v, " /?&#") {
					return fmt.Errorf("%q is not a language tag such as en-US", v)
				}
				c.Metadata.Language = v
				return nil
			}},
		{key: "user_data.played_at", env: "WALROS_USER_DATA_PLAYED_AT",
			set: func(c *Config, v string) error {
				n, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "%"), 64)
				if err != nil || math.IsNaN(n) {
					return errors.New(`must be a percentage such as "90" or "90%"`)
				}
				c.UserData.PlayedAt = n
				return nil
			}},
		{key: "user_data.next_up_cutoff", env: "WALROS_USER_DATA_NEXT_UP_CUTOFF",
			set: duration(func(c *Config) *time.Duration { return &c.UserData.NextUpCutoff })},
		{key: "metrics", env: "WALROS_METRICS",
			set: boolean(func(c *Config) *bool { return &c.Metrics })},
		{key: "warm_lists", env: "WALROS_WARM_LISTS",
			set: boolean(func(c *Config) *bool { return &c.WarmLists })},
	}
}

// httpURL sets an http or https URL, without its trailing slash; empty keeps the default.
func httpURL(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		v = strings.TrimRight(strings.TrimSpace(v), "/")
		if v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return errors.New("must be an http or https URL such as https://api.themoviedb.org/3")
			}
		}
		*field(c) = v
		return nil
	}
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	}
	return false, errors.New("must be true or false (or 1/0, yes/no)")
}

// Flags registers the flags of walros serve on fs. Their help shows the
// default and the env var. Call Flags or DataFlags on a flag set, not both.
func Flags(fs *pflag.FlagSet) {
	register(fs, func(s setting) bool { return s.flag != "" })
}

// DataFlags registers only --data and --config, for the commands that work on
// a data directory (user add, library add, scan, ...). Load accepts either set.
func DataFlags(fs *pflag.FlagSet) {
	register(fs, func(s setting) bool { return s.flag == dataFlag })
}

func register(fs *pflag.FlagSet, want func(setting) bool) {
	fs.String(configFlag, "", "config file (env "+configEnv+"; default DATA/"+defaultFile+" if it exists)")
	for _, s := range settings() {
		if !want(s) {
			continue
		}
		if s.negate {
			fs.Bool(s.flag, false, s.usage+" (env "+s.env+"=false)")
			continue
		}
		fs.String(s.flag, s.def, s.usage+" (env "+s.env+")")
	}
}

// source is where a value came from, as error messages show it: a file path
// and line, an env var name or a flag.
type source struct {
	got, from string
}

// Load builds the configuration from defaults, then the config file, then the
// env vars in environ (as from os.Environ), then the flags changed on fs, which
// must already be parsed. Flags not registered on fs are skipped, so a flag set
// from DataFlags works too, and fs may be nil. An env var set to the empty string counts as unset.
//
// The config file is --config, else $WALROS_CONFIG, else walros.yaml in the
// data directory (given by --data, $WALROS_DATA or the default) if it exists.
// Load makes Data absolute and validates the result; the error names each bad
// key, what is wrong with it and where the value came from.
func Load(fs *pflag.FlagSet, environ []string) (Config, error) {
	env := envMap(environ)
	ss := settings()
	flags := changedFlags(fs, ss)
	c := Default()
	var bad []problem
	seen := map[string]source{}
	apply := func(s setting, raw, from string) {
		got := raw
		if s.redact != nil {
			got = s.redact(raw)
		}
		seen[s.key] = source{got: got, from: from}
		if err := s.set(&c, raw); err != nil {
			bad = append(bad, problem{key: s.key, msg: err.Error(), got: got, from: from})
		}
	}

	path, from, err := configPath(flags, env)
	if err != nil {
		return Config{}, err
	}
	values, err := readFile(path, from)
	if err != nil {
		return Config{}, err
	}
	if values != nil {
		c.File = path
	}
	for _, s := range ss {
		if v, ok := values[s.key]; ok {
			if v.err != "" {
				bad = append(bad, problem{key: s.key, msg: v.err, got: v.raw, from: v.from})
				continue
			}
			apply(s, v.raw, v.from)
		}
	}
	for _, s := range ss {
		if v, ok := env[s.env]; ok {
			apply(s, v, s.env)
		}
	}
	for _, s := range ss {
		v, ok := flags[s.flag]
		if !ok {
			continue
		}
		if s.negate {
			v = strconv.FormatBool(v != "true") // pflag writes a bool flag as true or false
		}
		apply(s, v, "--"+s.flag)
	}

	if c.Data != "" {
		abs, err := filepath.Abs(c.Data)
		if err != nil {
			return Config{}, fmt.Errorf("config: data: %w", err)
		}
		c.Data = abs
	}

	// A key that failed to parse is reported once, by its parse error, not
	// again by validation of whatever value it was left with.
	failed := map[string]bool{}
	for _, p := range bad {
		failed[p.key] = true
	}
	for _, p := range c.problems() {
		if failed[p.key] {
			continue
		}
		if src, ok := seen[p.key]; ok {
			p.got, p.from = src.got, src.from
		}
		bad = append(bad, p)
	}
	if err := report(bad); err != nil {
		return Config{}, err
	}
	return c, nil
}

// envMap turns KEY=VALUE pairs into a map. The first of duplicate keys wins, as
// with os.Getenv; empty values are dropped, so WALROS_ADDR= means "not set".
func envMap(environ []string) map[string]string {
	m := map[string]string{}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || v == "" {
			continue
		}
		if _, dup := m[k]; !dup {
			m[k] = v
		}
	}
	return m
}

// changedFlags returns, by name, the values of the config flags that are
// registered on fs and were set on the command line.
func changedFlags(fs *pflag.FlagSet, ss []setting) map[string]string {
	m := map[string]string{}
	if fs == nil {
		return m
	}
	names := []string{configFlag}
	for _, s := range ss {
		if s.flag != "" {
			names = append(names, s.flag)
		}
	}
	for _, name := range names {
		if f := fs.Lookup(name); f != nil && fs.Changed(name) {
			m[name] = f.Value.String()
		}
	}
	return m
}

// configPath chooses the config file and says who named it: "--config",
// "WALROS_CONFIG", or "" for the default file in the data directory.
func configPath(flags, env map[string]string) (path, from string, err error) {
	if p := flags[configFlag]; p != "" {
		return p, "--" + configFlag, nil
	}
	if p := env[configEnv]; p != "" {
		return p, configEnv, nil
	}
	data := Default().Data
	if v, ok := env[dataEnv]; ok {
		data = v
	}
	if v, ok := flags[dataFlag]; ok {
		data = v
	}
	if data == "" {
		return "", "", nil // reported by validation of data
	}
	abs, err := filepath.Abs(data)
	if err != nil {
		return "", "", fmt.Errorf("config: data: %w", err)
	}
	return filepath.Join(abs, defaultFile), "", nil
}

// readFile reads and decodes the config file. A file named by flag or env var
// (from is not empty) must exist; the default one may be missing, and then
// readFile returns nil values.
func readFile(path, from string) (map[string]fileValue, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if from == "" && errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		if from != "" {
			return nil, fmt.Errorf("config: config file: %w (from %s)", err, from)
		}
		return nil, fmt.Errorf("config: config file: %w", err)
	}
	return decodeFile(path, b)
}
