package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// load writes file, when not empty, as walros.yaml in a new data directory,
// then loads with --data set to that directory followed by args, and environ.
func load(t *testing.T, file string, environ []string, args ...string) (Config, string, error) {
	t.Helper()
	dir := t.TempDir()
	if file != "" {
		writeFile(t, filepath.Join(dir, defaultFile), file)
	}
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	Flags(fs)
	if err := fs.Parse(append([]string{"--data", dir}, args...)); err != nil {
		t.Fatalf("parse flags: %v", err)
	}
	c, err := Load(fs, environ)
	return c, dir, err
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	c, dir, err := load(t, "", nil)
	if err != nil {
		t.Fatalf("Load with nothing set: %v", err)
	}
	want := Default()
	want.Data = dir
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("Load with nothing set = %+v, want %+v", c, want)
	}
}

func TestPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		environ []string
		args    []string
		get     func(Config) any
		want    any
	}{
		{"addr default", "", nil, nil,
			func(c Config) any { return c.Addr }, ":8096"},
		{"addr from file", "addr: :9001\n", nil, nil,
			func(c Config) any { return c.Addr }, ":9001"},
		{"addr env over file", "addr: :9001\n", []string{"WALROS_ADDR=:9002"}, nil,
			func(c Config) any { return c.Addr }, ":9002"},
		{"addr flag over env", "addr: :9001\n", []string{"WALROS_ADDR=:9002"}, []string{"--addr", ":9003"},
			func(c Config) any { return c.Addr }, ":9003"},
		{"empty env var is unset", "addr: :9001\n", []string{"WALROS_ADDR="}, nil,
			func(c Config) any { return c.Addr }, ":9001"},
		{"first duplicate env var wins", "", []string{"WALROS_ADDR=:9004", "WALROS_ADDR=:9005"}, nil,
			func(c Config) any { return c.Addr }, ":9004"},
		{"flag default does not override env", "", []string{"WALROS_LOG_LEVEL=debug"}, nil,
			func(c Config) any { return c.Log.Level }, "debug"},
		{"log level from file", "log:\n  level: warn\n", nil, nil,
			func(c Config) any { return c.Log.Level }, "warn"},
		{"log level env over file", "log:\n  level: warn\n", []string{"WALROS_LOG_LEVEL=error"}, nil,
			func(c Config) any { return c.Log.Level }, "error"},
		{"log level flag over env, any case", "log:\n  level: warn\n", []string{"WALROS_LOG_LEVEL=error"}, []string{"--log-level=DEBUG"},
			func(c Config) any { return c.Log.Level }, "debug"},
		{"log format from file", "log: {format: json}\n", nil, nil,
			func(c Config) any { return c.Log.Format }, "json"},
		{"db file < env < flag", "db: postgres://a/walros\n", []string{"WALROS_DB=postgresql://b/walros"}, []string{"--db", "sqlite:/srv/walros.db"},
			func(c Config) any { return c.DB }, "sqlite:/srv/walros.db"},
		{"db env over file", "db: postgres://a/walros\n", []string{"WALROS_DB=postgresql://b/walros"}, nil,
			func(c Config) any { return c.DB }, "postgresql://b/walros"},
		{"access ttl from file", "auth:\n  access_ttl: 30m\n", nil, nil,
			func(c Config) any { return c.Auth.AccessTTL }, 30 * time.Minute},
		{"access ttl env over file", "auth:\n  access_ttl: 30m\n", []string{"WALROS_AUTH_ACCESS_TTL=1h"}, nil,
			func(c Config) any { return c.Auth.AccessTTL }, time.Hour},
		{"refresh ttl from env", "", []string{"WALROS_AUTH_REFRESH_TTL=48h"}, nil,
			func(c Config) any { return c.Auth.RefreshTTL }, 48 * time.Hour},
		{"max body from file with unit", "http:\n  max_body: 8MiB\n", nil, nil,
			func(c Config) any { return c.HTTP.MaxBody }, int64(8 << 20)},
		{"max body env over file", "http:\n  max_body: 8MiB\n", []string{"WALROS_HTTP_MAX_BODY=2048"}, nil,
			func(c Config) any { return c.HTTP.MaxBody }, int64(2048)},
		{"timeouts from file", "http:\n  read_header_timeout: 5s\n  idle_timeout: 2m\n  shutdown_timeout: 1m\n", nil, nil,
			func(c Config) any {
				return []time.Duration{c.HTTP.ReadHeaderTimeout, c.HTTP.IdleTimeout, c.HTTP.ShutdownTimeout}
			},
			[]time.Duration{5 * time.Second, 2 * time.Minute, time.Minute}},
		{"timeout env over file", "http:\n  idle_timeout: 2m\n", []string{"WALROS_HTTP_IDLE_TIMEOUT=30s"}, nil,
			func(c Config) any { return c.HTTP.IdleTimeout }, 30 * time.Second},
		{"metrics from file", "metrics: false\n", nil, nil,
			func(c Config) any { return c.Metrics }, false},
		{"metrics env over file", "metrics: false\n", []string{"WALROS_METRICS=yes"}, nil,
			func(c Config) any { return c.Metrics }, true},
		{"admin from file, flag over env", "admin:\n  username: root\n  password: fromfile\n",
			[]string{"WALROS_ADMIN_USERNAME=boss"}, []string{"--admin-username", "chief"},
			func(c Config) any { return c.Admin }, Admin{Username: "chief", Password: "fromfile"}},
		{"ffmpeg paths", "ffmpeg: /opt/ffmpeg\nffprobe: /opt/ffprobe\n", []string{"WALROS_FFPROBE=/usr/bin/ffprobe"}, nil,
			func(c Config) any { return [2]string{c.FFmpeg, c.FFprobe} }, [2]string{"/opt/ffmpeg", "/usr/bin/ffprobe"}},
		{"null value keeps default", "addr:\nlog:\n", nil, nil,
			func(c Config) any { return c.Addr }, ":8096"},
		{"plex facade off", "plex_addr: \"off\"\n", nil, nil, func(c Config) any { return c.PlexAddr }, "off"},
		{"plex addr flag", "plex_addr: :32401\n", nil, []string{"--plex-addr", "127.0.0.1:32402"},
			func(c Config) any { return c.PlexAddr }, "127.0.0.1:32402"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := load(t, tc.file, tc.environ, tc.args...)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := tc.get(c); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDemo(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		environ []string
		args    []string
		want    bool
	}{
		{"default on", "", nil, nil, true},
		{"--no-demo", "", nil, []string{"--no-demo"}, false},
		{"--no-demo over env", "", []string{"WALROS_DEMO=true"}, []string{"--no-demo"}, false},
		{"--no-demo=false over env", "", []string{"WALROS_DEMO=0"}, []string{"--no-demo=false"}, true},
		{"env no", "", []string{"WALROS_DEMO=no"}, nil, false},
		{"env over file", "demo: false\n", []string{"WALROS_DEMO=YES"}, nil, true},
		{"file", "demo: false\n", nil, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := load(t, tc.file, tc.environ, tc.args...)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Demo != tc.want {
				t.Fatalf("Demo = %v, want %v", c.Demo, tc.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		environ []string
		args    []string
		want    []string // substrings of the error
		notWant string
		lines   int // if not 0, the number of problems reported
	}{
		{name: "unknown key", file: "addr: :9000\nbogus: 1\n",
			want: []string{"config: bogus: unknown key", "walros.yaml:2)"}},
		{name: "unknown nested key", file: "http:\n  max_bodyy: 1\n",
			want: []string{"config: http.max_bodyy: unknown key", "walros.yaml:2)"}},
		{name: "yaml syntax", file: "addr: [\n",
			want: []string{"config: ", "walros.yaml"}},
		{name: "list for a value", file: "addr: [1, 2]\n",
			want: []string{"config: addr: must be a single value", "walros.yaml:1)"}},
		{name: "section is a value", file: "auth: 5\n",
			want: []string{`section "auth"`}},
		{name: "duration not a duration, env", environ: []string{"WALROS_AUTH_ACCESS_TTL=soon"},
			want: []string{`config: auth.access_ttl: must be a duration`, `got "soon" (from WALROS_AUTH_ACCESS_TTL)`}},
		{name: "duration without unit, file", file: "http:\n  idle_timeout: 120\n",
			want: []string{`config: http.idle_timeout: must be a duration`, `got "120"`, "walros.yaml:2)"}},
		{name: "duration out of range, file", file: "auth:\n  refresh_ttl: 10000h\n",
			want: []string{`config: auth.refresh_ttl: must be between 1h and 8760h, got "10000h"`, "walros.yaml:2)"}},
		{name: "refresh shorter than access", environ: []string{"WALROS_AUTH_ACCESS_TTL=2h", "WALROS_AUTH_REFRESH_TTL=90m"},
			want: []string{`config: auth.refresh_ttl: must be longer than auth.access_ttl (2h), got "90m" (from WALROS_AUTH_REFRESH_TTL)`}},
		{name: "timeout zero", environ: []string{"WALROS_HTTP_SHUTDOWN_TIMEOUT=0s"},
			want: []string{`config: http.shutdown_timeout: must be between 1s and 1h, got "0s" (from WALROS_HTTP_SHUTDOWN_TIMEOUT)`}},
		{name: "addr without port", args: []string{"--addr", "localhost"},
			want: []string{`config: addr: must be HOST:PORT`, `got "localhost" (from --addr)`}},
		{name: "port out of range", args: []string{"--plex-addr", ":70000"},
			want: []string{`config: plex_addr: must be HOST:PORT`, "0 to 65535", `got ":70000" (from --plex-addr)`}},
		{name: "addr from file", file: "addr: 8096\n",
			want: []string{`config: addr: must be HOST:PORT`, `got "8096"`, "walros.yaml:1)"}},
		{name: "same addresses", environ: []string{"WALROS_PLEX_ADDR=:8096"},
			want: []string{`config: plex_addr: must differ from addr, got ":8096" (from WALROS_PLEX_ADDR)`}},
		{name: "db of another kind, password hidden", environ: []string{"WALROS_DB=mysql://walros:hunter2@db/walros"},
			want:    []string{`config: db: must be empty`, `got "mysql://walros:xxxxx@db/walros" (from WALROS_DB)`},
			notWant: "hunter2"},
		{name: "db sqlite without path", args: []string{"--db", "sqlite:"},
			want: []string{`config: db: must name a file`, "(from --db)"}},
		{name: "size with unknown unit", file: "http:\n  max_body: 1MB\n",
			want: []string{`config: http.max_body: must be a size in bytes`, `got "1MB"`, "walros.yaml:2)"}},
		{name: "size too large", environ: []string{"WALROS_HTTP_MAX_BODY=2GiB"},
			want: []string{`config: http.max_body: must be between 1KiB and 1GiB, got "2GiB" (from WALROS_HTTP_MAX_BODY)`}},
		{name: "size too small", file: "http:\n  max_body: 100\n",
			want: []string{`config: http.max_body: must be between 1KiB and 1GiB, got "100"`}},
		{name: "log level", args: []string{"--log-level", "verbose"},
			want: []string{`config: log.level: must be debug, info, warn or error, got "verbose" (from --log-level)`}},
		{name: "log format", environ: []string{"WALROS_LOG_FORMAT=xml"},
			want: []string{`config: log.format: must be auto, text or json, got "xml" (from WALROS_LOG_FORMAT)`}},
		{name: "bool", environ: []string{"WALROS_METRICS=maybe"},
			want: []string{`config: metrics: must be true or false`, `got "maybe" (from WALROS_METRICS)`}},
		{name: "empty admin username", args: []string{"--admin-username", ""},
			want: []string{`config: admin.username: must not be empty, got "" (from --admin-username)`}},
		{name: "empty data", args: []string{"--data", ""},
			want: []string{`config: data: must not be empty, got "" (from --data)`}},
		{name: "every problem at once", environ: []string{"WALROS_LOG_LEVEL=loud", "WALROS_ADDR=nowhere"},
			want: []string{"config: log.level:", "config: addr:"}, lines: 2},
		{name: "a key that fails to parse is reported once", file: "http:\n  max_body: 100\n",
			environ: []string{"WALROS_HTTP_MAX_BODY=1MB"},
			want:    []string{`config: http.max_body: must be a size in bytes, optionally with KiB, MiB or GiB, such as "1048576" or "8MiB", got "1MB" (from WALROS_HTTP_MAX_BODY)`},
			lines:   1},
		{name: "bad file value reported even when env overrides it", file: "auth:\n  access_ttl: soon\n",
			environ: []string{"WALROS_AUTH_ACCESS_TTL=20m"},
			want:    []string{"config: auth.access_ttl: must be a duration", "walros.yaml:2)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := load(t, tc.file, tc.environ, tc.args...)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if tc.notWant != "" && strings.Contains(err.Error(), tc.notWant) {
				t.Errorf("error %q contains %q", err, tc.notWant)
			}
			if n := strings.Count(err.Error(), "config: "); tc.lines != 0 && n != tc.lines {
				t.Errorf("error %q has %d problems, want %d", err, n, tc.lines)
			}
		})
	}
}

// TestBriefMessage pins one message word for word, as the operator sees it.
func TestBriefMessage(t *testing.T) {
	_, _, err := load(t, "", []string{"WALROS_AUTH_ACCESS_TTL=5s"})
	const want = `config: auth.access_ttl: must be between 1m and 24h, got "5s" (from WALROS_AUTH_ACCESS_TTL)`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}

func TestConfigFile(t *testing.T) {
	t.Run("missing --config is an error", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "nope.yaml")
		_, _, err := load(t, "", nil, "--config", missing)
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "(from --config)") {
			t.Fatalf("error = %v, want a not-exist error naming %s and --config", err, missing)
		}
	})
	t.Run("missing WALROS_CONFIG is an error", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "nope.yaml")
		_, _, err := load(t, "", []string{"WALROS_CONFIG=" + missing})
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "(from WALROS_CONFIG)") {
			t.Fatalf("error = %v, want a not-exist error naming WALROS_CONFIG", err)
		}
	})
	t.Run("missing default file is fine", func(t *testing.T) {
		c, _, err := load(t, "", nil)
		if err != nil || c.File != "" {
			t.Fatalf("Load = %q, %v; want no file and no error", c.File, err)
		}
	})
	t.Run("empty file is fine", func(t *testing.T) {
		c, dir, err := load(t, "# nothing yet\n", nil)
		if err != nil || c.File != filepath.Join(dir, defaultFile) {
			t.Fatalf("Load = %q, %v; want the file read without error", c.File, err)
		}
	})
	t.Run("--config over WALROS_CONFIG", func(t *testing.T) {
		dir := t.TempDir()
		a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
		writeFile(t, a, "addr: :1111\n")
		writeFile(t, b, "addr: :2222\n")
		c, _, err := load(t, "addr: :3333\n", []string{"WALROS_CONFIG=" + a}, "--config", b)
		if err != nil || c.Addr != ":2222" || c.File != b {
			t.Fatalf("Load = %q from %q, %v; want :2222 from %s", c.Addr, c.File, err, b)
		}
	})
	t.Run("WALROS_CONFIG over the default file", func(t *testing.T) {
		a := filepath.Join(t.TempDir(), "a.yaml")
		writeFile(t, a, "addr: :1111\n")
		c, _, err := load(t, "addr: :3333\n", []string{"WALROS_CONFIG=" + a})
		if err != nil || c.Addr != ":1111" {
			t.Fatalf("Load = %q, %v; want :1111", c.Addr, err)
		}
	})
	t.Run("default file in a data directory from env", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, defaultFile), "addr: :4444\n")
		fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
		Flags(fs)
		c, err := Load(fs, []string{"WALROS_DATA=" + dir})
		if err != nil || c.Addr != ":4444" || c.Data != dir {
			t.Fatalf("Load = %q in %q, %v; want :4444 in %s", c.Addr, c.Data, err, dir)
		}
	})
	t.Run("--data over WALROS_DATA picks the file", func(t *testing.T) {
		envDir, flagDir := t.TempDir(), t.TempDir()
		writeFile(t, filepath.Join(envDir, defaultFile), "addr: :5555\n")
		writeFile(t, filepath.Join(flagDir, defaultFile), "addr: :6666\n")
		fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
		Flags(fs)
		if err := fs.Parse([]string{"--data", flagDir}); err != nil {
			t.Fatal(err)
		}
		c, err := Load(fs, []string{"WALROS_DATA=" + envDir})
		if err != nil || c.Addr != ":6666" || c.Data != flagDir {
			t.Fatalf("Load = %q in %q, %v; want :6666 in %s", c.Addr, c.Data, err, flagDir)
		}
	})
}

func TestDataFlags(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, defaultFile), "log:\n  level: debug\n")
	fs := pflag.NewFlagSet("user add", pflag.ContinueOnError)
	DataFlags(fs)
	fs.Bool("admin", false, "a flag of the command, not of config")
	if fs.Lookup("addr") != nil || fs.Lookup("no-demo") != nil {
		t.Fatal("DataFlags registered serve flags")
	}
	if err := fs.Parse([]string{"--data", dir, "--admin"}); err != nil {
		t.Fatal(err)
	}
	c, err := Load(fs, []string{"WALROS_ADDR=:9999"})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.Data != dir || c.Addr != ":9999" || c.Log.Level != "debug" {
		t.Fatalf("Load = data %q addr %q level %q; want %s, :9999, debug", c.Data, c.Addr, c.Log.Level, dir)
	}
}

func TestNilFlagSet(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(nil, []string{"WALROS_DATA=" + dir, "WALROS_ADDR=:7777"})
	if err != nil || c.Data != dir || c.Addr != ":7777" {
		t.Fatalf("Load(nil) = data %q addr %q, %v; want %s, :7777", c.Data, c.Addr, err, dir)
	}
}

func TestDataIsAbsolute(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"default", nil, filepath.Join(wd, "data")},
		{"relative flag", []string{"--data", "some/../rel"}, filepath.Join(wd, "rel")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
			Flags(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			c, err := Load(fs, nil)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Data != tc.want {
				t.Fatalf("Data = %q, want %q", c.Data, tc.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Config)
		want   string // empty: valid
	}{
		{"default", func(*Config) {}, ""},
		{"ipv6 addr", func(c *Config) { c.Addr = "[::1]:8096" }, ""},
		{"both on port 0", func(c *Config) { c.Addr, c.PlexAddr = ":0", ":0" }, ""},
		{"postgres", func(c *Config) { c.DB = "postgres://walros:pw@db:5432/walros?sslmode=disable" }, ""},
		{"postgres multi-host", func(c *Config) { c.DB = "postgresql://walros@db1:5432,db2:5432/walros" }, ""},
		{"sqlite path", func(c *Config) { c.DB = "sqlite:/var/lib/walros/walros.db" }, ""},
		{"named port", func(c *Config) { c.Addr = ":http" }, `config: addr: must be HOST:PORT`},
		{"no data", func(c *Config) { c.Data = "" }, `config: data: must not be empty, got ""`},
		{"access ttl", func(c *Config) { c.Auth.AccessTTL = 25 * time.Hour }, `config: auth.access_ttl: must be between 1m and 24h, got "25h"`},
		{"max body", func(c *Config) { c.HTTP.MaxBody = 1<<30 + 1 }, `config: http.max_body: must be between 1KiB and 1GiB, got "1073741825"`},
		{"upper-case level", func(c *Config) { c.Log.Level = "INFO" }, `config: log.level:`},
		{"db keyword form", func(c *Config) { c.DB = "host=db password=hunter2" }, `got "host=db password=xxxxx"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.change(&c)
			err := c.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate = %v, want nil", err)
			case tc.want != "" && err == nil:
				t.Fatalf("Validate = nil, want %q", tc.want)
			case tc.want != "" && (!strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "(from")):
				t.Fatalf("Validate = %q, want %q without a source", err, tc.want)
			}
		})
	}
}

func TestRedacted(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"", ""},
		{"sqlite:/srv/walros.db", "sqlite:/srv/walros.db"},
		{"postgres://walros:hunter2@db:5432/walros?sslmode=disable", "postgres://walros:xxxxx@db:5432/walros?sslmode=disable"},
		{"postgresql://walros@db/walros", "postgresql://walros@db/walros"},
		{"postgres://w:p@ss@db1:5432,db2:5432/walros", "postgres://w:xxxxx@db1:5432,db2:5432/walros"},
		{"postgres://db/walros?sslmode=require&password=hunter2", "postgres://db/walros?sslmode=require&password=xxxxx"},
		{"postgres://db/walros?sslpassword=hunter2#x", "postgres://db/walros?sslpassword=xxxxx#x"},
		{"host=db password=hunter2 user=walros", "host=db password=xxxxx user=walros"},
	} {
		t.Run(tc.dsn, func(t *testing.T) {
			c := Default()
			c.DB = tc.dsn
			c.Admin.Password = "s3cret"
			r := c.Redacted()
			if r.DB != tc.want {
				t.Errorf("DB = %q, want %q", r.DB, tc.want)
			}
			if r.Admin.Password != masked {
				t.Errorf("Admin.Password = %q, want %q", r.Admin.Password, masked)
			}
			if c.DB != tc.dsn || c.Admin.Password != "s3cret" {
				t.Errorf("Redacted changed the original: %q, %q", c.DB, c.Admin.Password)
			}
		})
	}
	if got := Default().Redacted().Admin.Password; got != "" {
		t.Errorf("empty password redacted to %q; empty must stay visible: it means random", got)
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64 // -1: error
	}{
		{"1048576", 1 << 20},
		{"1KiB", 1 << 10},
		{"8MiB", 8 << 20},
		{" 8 mib ", 8 << 20},
		{"1GiB", 1 << 30},
		{"0", 0},
		{"", -1},
		{"1MB", -1},
		{"1.5MiB", -1},
		{"-1", -1},
		{"MiB", -1},
		{"99999999999GiB", -1},
	} {
		t.Run(tc.in, func(t *testing.T) {
			n, err := parseSize(tc.in)
			switch {
			case tc.want < 0 && err == nil:
				t.Fatalf("parseSize(%q) = %d, want an error", tc.in, n)
			case tc.want >= 0 && (err != nil || n != tc.want):
				t.Fatalf("parseSize(%q) = %d, %v; want %d", tc.in, n, err, tc.want)
			}
		})
	}
}

// keysOf lists the dotted YAML keys of a struct type, as walros.yaml spells them.
func keysOf(t reflect.Type, prefix string) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		name := yamlName(f)
		if name == "-" {
			continue
		}
		if f.Type.Kind() == reflect.Struct && f.Type.String() != "yaml.Node" && f.Type.String() != "time.Duration" {
			keys = append(keys, keysOf(f.Type, prefix+name+".")...)
			continue
		}
		keys = append(keys, prefix+name)
	}
	slices.Sort(keys)
	return keys
}

// TestKeysAgree checks that Config, the file schema and the settings table
// list the same keys, and that names follow one rule.
func TestKeysAgree(t *testing.T) {
	configKeys := keysOf(reflect.TypeFor[Config](), "")
	fileKeys := keysOf(reflect.TypeFor[fileConfig](), "")
	var settingKeys []string
	for _, s := range settings() {
		settingKeys = append(settingKeys, s.key)
		if want := "WALROS_" + strings.ToUpper(strings.ReplaceAll(s.key, ".", "_")); s.env != want {
			t.Errorf("%s: env %s, want %s", s.key, s.env, want)
		}
	}
	slices.Sort(settingKeys)
	if !slices.Equal(configKeys, fileKeys) || !slices.Equal(configKeys, settingKeys) {
		t.Fatalf("keys differ:\nConfig     %v\nfileConfig %v\nsettings   %v", configKeys, fileKeys, settingKeys)
	}
}

func TestFlagHelp(t *testing.T) {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	Flags(fs)
	want := []string{"config"}
	for _, s := range settings() {
		if s.flag == "" {
			continue
		}
		want = append(want, s.flag)
		f := fs.Lookup(s.flag)
		if f == nil {
			t.Errorf("--%s not registered", s.flag)
			continue
		}
		if !strings.Contains(f.Usage, s.env) {
			t.Errorf("--%s help %q does not name %s", s.flag, f.Usage, s.env)
		}
		if !s.negate && f.DefValue != s.def {
			t.Errorf("--%s default %q, want %q", s.flag, f.DefValue, s.def)
		}
	}
	var got []string
	fs.VisitAll(func(f *pflag.Flag) { got = append(got, f.Name) })
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("flags = %v, want %v", got, want)
	}
	if d := fs.Lookup("addr").DefValue; d != Default().Addr {
		t.Fatalf("--addr shows default %q, want %q", d, Default().Addr)
	}
}

// TestDocsListEveryKey keeps docs/configuration.md in step with the settings.
func TestDocsListEveryKey(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, s := range settings() {
		names := []string{"`" + s.key + "`", "`" + s.env + "`"}
		if s.flag != "" {
			names = append(names, "`--"+s.flag+"`")
		}
		for _, n := range names {
			if !strings.Contains(doc, n) {
				t.Errorf("docs/configuration.md does not mention %s", n)
			}
		}
	}
}

func TestSlogLevel(t *testing.T) {
	for level, want := range map[string]string{"debug": "DEBUG", "info": "INFO", "warn": "WARN", "error": "ERROR"} {
		if got := (Log{Level: level}).SlogLevel().String(); got != want {
			t.Errorf("SlogLevel(%s) = %s, want %s", level, got, want)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		env        []string
		want       []string
		err        string
	}{
		{"none by default", "", nil, nil, ""},
		{"YAML list", "http:\n  trusted_proxies: [127.0.0.1, 10.0.0.0/8]\n", nil, []string{"127.0.0.1", "10.0.0.0/8"}, ""},
		{"comma-separated env over file", "http:\n  trusted_proxies: [127.0.0.1]\n",
			[]string{"WALROS_HTTP_TRUSTED_PROXIES=::1, fd00::/8"}, []string{"::1", "fd00::/8"}, ""},
		{"not an address", "", []string{"WALROS_HTTP_TRUSTED_PROXIES=10.0.0.0/8,proxy.lan"}, nil, "http.trusted_proxies"},
		{"nested list", "http:\n  trusted_proxies: [[1.2.3.4]]\n", nil, nil, "http.trusted_proxies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := load(t, tc.file, tc.env)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one naming %s", err, tc.err)
				}
				return
			}
			if err != nil || !slices.Equal(c.HTTP.TrustedProxies, tc.want) {
				t.Fatalf("TrustedProxies = %q, %v; want %q", c.HTTP.TrustedProxies, err, tc.want)
			}
		})
	}
}

func TestMetadataKeys(t *testing.T) {
	c, _, err := load(t, "metadata:\n  tmdb_api_key: abc123\n", []string{"WALROS_METADATA_LANGUAGE=fr-FR"})
	if err != nil || c.Metadata.TMDbKey != "abc123" || c.Metadata.Language != "fr-FR" {
		t.Fatalf("metadata = %+v, %v", c.Metadata, err)
	}
	if r := c.Redacted(); r.Metadata.TMDbKey == "abc123" {
		t.Fatal("Redacted keeps the TMDb key")
	}
	if _, _, err := load(t, "", []string{"WALROS_METADATA_LANGUAGE=en US"}); err == nil || !strings.Contains(err.Error(), "metadata.language") {
		t.Fatalf("bad language: %v", err)
	}
	if c, _, _ := load(t, "", nil); c.Metadata.TMDbKey != "" || c.Metadata.Language != "en-US" {
		t.Fatalf("defaults: %+v", c.Metadata)
	}
}

func TestTMDbURLs(t *testing.T) {
	c, _, err := load(t, "metadata:\n  tmdb_url: http://127.0.0.1:9999/3/\n", []string{"WALROS_METADATA_TMDB_IMAGE_URL=https://img.example/t/p/original"})
	if err != nil || c.Metadata.TMDbURL != "http://127.0.0.1:9999/3" || c.Metadata.TMDbImageURL != "https://img.example/t/p/original" {
		t.Fatalf("metadata = %+v, %v", c.Metadata, err)
	}
	for _, bad := range []string{"file:///etc/passwd", "127.0.0.1:9999", "http://", "https://x.test/3?api_key=1"} {
		if _, _, err := load(t, "", []string{"WALROS_METADATA_TMDB_URL=" + bad}); err == nil || !strings.Contains(err.Error(), "metadata.tmdb_url") {
			t.Errorf("%q: err = %v, want one naming metadata.tmdb_url", bad, err)
		}
	}
	if c, _, _ := load(t, "", nil); c.Metadata.TMDbURL != "" || c.Metadata.TMDbImageURL != "" {
		t.Fatalf("defaults: %+v", c.Metadata)
	}
}

func TestUserDataKeys(t *testing.T) {
	c, _, err := load(t, "user_data:\n  played_at: 85%\n  next_up_cutoff: 720h\n", nil)
	if err != nil || c.UserData.PlayedAt != 85 || c.UserData.NextUpCutoff != 720*time.Hour {
		t.Fatalf("user_data = %+v, %v", c.UserData, err)
	}
	if c, _, err := load(t, "", []string{"WALROS_USER_DATA_PLAYED_AT=95", "WALROS_USER_DATA_NEXT_UP_CUTOFF=0s"}); err != nil ||
		c.UserData.PlayedAt != 95 || c.UserData.NextUpCutoff != 0 {
		t.Fatalf("from the environment: %+v, %v", c.UserData, err)
	}
	for _, env := range []string{"WALROS_USER_DATA_PLAYED_AT=40", "WALROS_USER_DATA_PLAYED_AT=most", "WALROS_USER_DATA_PLAYED_AT=101",
		"WALROS_USER_DATA_NEXT_UP_CUTOFF=-1h", "WALROS_USER_DATA_NEXT_UP_CUTOFF=a year"} {
		if _, _, err := load(t, "", []string{env}); err == nil || !strings.Contains(err.Error(), "user_data.") {
			t.Errorf("%s: %v", env, err)
		}
	}
	if c, _, _ := load(t, "", nil); c.UserData.PlayedAt != 90 || c.UserData.NextUpCutoff != 8760*time.Hour {
		t.Fatalf("defaults: %+v", c.UserData)
	}
}

func TestWarmLists(t *testing.T) {
	if c, _, err := load(t, "", nil); err != nil || !c.WarmLists {
		t.Fatalf("default: %v, %v; want on", c.WarmLists, err)
	}
	if c, _, err := load(t, "warm_lists: false\n", nil); err != nil || c.WarmLists {
		t.Fatalf("from the file: %v, %v; want off", c.WarmLists, err)
	}
	if c, _, err := load(t, "", []string{"WALROS_WARM_LISTS=false"}); err != nil || c.WarmLists {
		t.Fatalf("from the environment: %v, %v; want off", c.WarmLists, err)
	}
	if _, _, err := load(t, "", []string{"WALROS_WARM_LISTS=sometimes"}); err == nil || !strings.Contains(err.Error(), "warm_lists") {
		t.Fatalf("a bad value: %v", err)
	}
}
