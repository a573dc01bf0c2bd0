package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// fileConfig has the keys of walros.yaml, each holding the raw node (a zero
// node when the key is absent). yaml.v3 fills only yaml.Node values, not
// pointers to them, with raw nodes. Decoding
// into it with KnownFields rejects unknown keys, while the values are parsed
// by the same code as env vars and flags, with the same messages.
type fileConfig struct {
	Data        yaml.Node     `yaml:"data"`
	Addr        yaml.Node     `yaml:"addr"`
	PlexAddr    yaml.Node     `yaml:"plex_addr"`
	DB          yaml.Node     `yaml:"db"`
	FFmpeg      yaml.Node     `yaml:"ffmpeg"`
	FFprobe     yaml.Node     `yaml:"ffprobe"`
	Demo        yaml.Node     `yaml:"demo"`
	ServerName  yaml.Node     `yaml:"server_name"`
	JellyfinWeb yaml.Node     `yaml:"jellyfin_web"`
	Admin       fileAdmin     `yaml:"admin"`
	Log         fileLog       `yaml:"log"`
	Auth        fileAuth      `yaml:"auth"`
	HTTP        fileHTTP      `yaml:"http"`
	Metrics     yaml.Node     `yaml:"metrics"`
	WarmLists   yaml.Node     `yaml:"warm_lists"`
	Scan        fileScan      `yaml:"scan"`
	Metadata    fileMeta      `yaml:"metadata"`
	Transcode   fileTranscode `yaml:"transcode"`
	UserData    fileUserData  `yaml:"user_data"`
}

type fileUserData struct {
	PlayedAt     yaml.Node `yaml:"played_at"`
	NextUpCutoff yaml.Node `yaml:"next_up_cutoff"`
}

type fileTranscode struct {
	MaxEncodes        yaml.Node `yaml:"max_encodes"`
	MaxEncodesPerUser yaml.Node `yaml:"max_encodes_per_user"`
	Preset            yaml.Node `yaml:"preset"`
	CacheSize         yaml.Node `yaml:"cache_size"`
	IdleTimeout       yaml.Node `yaml:"idle_timeout"`
	HWAccel           yaml.Node `yaml:"hwaccel"`
	HWDevice          yaml.Node `yaml:"hwaccel_device"`
}

type fileMeta struct {
	TMDbKey     yaml.Node `yaml:"tmdb_api_key"`
	TMDbURL     yaml.Node `yaml:"tmdb_url"`
	TMDbImage   yaml.Node `yaml:"tmdb_image_url"`
	TVDBKey     yaml.Node `yaml:"tvdb_api_key"`
	TVDBPin     yaml.Node `yaml:"tvdb_pin"`
	MyAnimeList yaml.Node `yaml:"myanimelist"`
	SpotifyID   yaml.Node `yaml:"spotify_client_id"`
	SpotifySec  yaml.Node `yaml:"spotify_client_secret"`
	MusicBrainz yaml.Node `yaml:"musicbrainz"`
	Language    yaml.Node `yaml:"language"`
}

type fileScan struct {
	Interval    yaml.Node `yaml:"interval"`
	DeleteGrace yaml.Node `yaml:"delete_grace"`
	Parallel    yaml.Node `yaml:"parallel"`
	Watch       yaml.Node `yaml:"watch"`
	Poll        yaml.Node `yaml:"poll"`
}

type fileAdmin struct {
	Username yaml.Node `yaml:"username"`
	Password yaml.Node `yaml:"password"`
}

type fileLog struct {
	Level  yaml.Node `yaml:"level"`
	Format yaml.Node `yaml:"format"`
}

type fileAuth struct {
	AccessTTL   yaml.Node `yaml:"access_ttl"`
	RefreshTTL  yaml.Node `yaml:"refresh_ttl"`
	PublicUsers yaml.Node `yaml:"public_users"`
}

type fileHTTP struct {
	MaxBody           yaml.Node `yaml:"max_body"`
	ReadHeaderTimeout yaml.Node `yaml:"read_header_timeout"`
	IdleTimeout       yaml.Node `yaml:"idle_timeout"`
	ShutdownTimeout   yaml.Node `yaml:"shutdown_timeout"`
	TrustedProxies    yaml.Node `yaml:"trusted_proxies"`
}

// fileValue is one key's value in the file: its text and "path:line", or, when
// it is not a single value, a message in err.
type fileValue struct {
	raw, from, err string
}

// decodeFile returns the values set in a walros.yaml by key ("auth.access_ttl").
// Keys set to null (key: or key: ~) count as absent.
func decodeFile(path string, b []byte) (map[string]fileValue, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f fileConfig
	err := dec.Decode(&f)
	var typeErr *yaml.TypeError
	switch {
	case errors.Is(err, io.EOF):
		return map[string]fileValue{}, nil // an empty file, or only comments
	case errors.As(err, &typeErr):
		return nil, decodeErrors(path, typeErr)
	case err != nil:
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	nodes := map[string]*yaml.Node{}
	flatten("", reflect.ValueOf(&f).Elem(), nodes)
	values := make(map[string]fileValue, len(nodes))
	for key, n := range nodes {
		from := fmt.Sprintf("%s:%d", path, n.Line)
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch {
		case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
			continue
		case n.Kind == yaml.ScalarNode:
			values[key] = fileValue{raw: n.Value, from: from}
		case n.Kind == yaml.SequenceNode && listKeys[key] && scalars(n):
			items := make([]string, len(n.Content))
			for i, c := range n.Content {
				items[i] = c.Value
			}
			values[key] = fileValue{raw: strings.Join(items, ","), from: from}
		default:
			values[key] = fileValue{raw: "a list or mapping", from: from, err: "must be a single value"}
		}
	}
	return values, nil
}

// listKeys may be written as a YAML list as well as a comma-separated string.
var listKeys = map[string]bool{"http.trusted_proxies": true}

func scalars(n *yaml.Node) bool {
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			return false
		}
	}
	return true
}

// flatten collects the present nodes of an addressable fileConfig by dotted key.
func flatten(prefix string, v reflect.Value, out map[string]*yaml.Node) {
	t := v.Type()
	for i := range t.NumField() {
		key := prefix + yamlName(t.Field(i))
		f := v.Field(i)
		if n, ok := f.Addr().Interface().(*yaml.Node); ok {
			if n.Kind != 0 {
				out[key] = n
			}
			continue
		}
		flatten(key+".", f, out)
	}
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// sections maps the Go names of fileConfig's types, which yaml.v3 puts in its
// messages, to key prefixes: "config.fileAuth" → "auth.".
func sections() map[string]string {
	m := map[string]string{reflect.TypeFor[fileConfig]().String(): ""}
	t := reflect.TypeFor[fileConfig]()
	for i := range t.NumField() {
		if f := t.Field(i); f.Type != reflect.TypeFor[yaml.Node]() {
			m[f.Type.String()] = yamlName(f) + "."
		}
	}
	return m
}

// unknownKey matches yaml.v3's message for an unknown key under KnownFields.
var unknownKey = regexp.MustCompile(`^line (\d+): field (.+) not found in type (\S+)$`)

// decodeErrors rewrites yaml.v3's type errors into our form, naming keys by
// their full dotted path; messages it does not recognise keep their text.
func decodeErrors(path string, e *yaml.TypeError) error {
	secs := sections()
	lines := make([]string, 0, len(e.Errors))
	for _, msg := range e.Errors {
		if m := unknownKey.FindStringSubmatch(msg); m != nil {
			if prefix, ok := secs[m[3]]; ok {
				lines = append(lines, fmt.Sprintf("config: %s%s: unknown key, see docs/configuration.md (from %s:%s)", prefix, m[2], path, m[1]))
				continue
			}
		}
		for typ, prefix := range secs {
			where := "the top level"
			if prefix != "" {
				where = fmt.Sprintf("section %q", strings.TrimSuffix(prefix, "."))
			}
			msg = strings.ReplaceAll(msg, typ, where)
		}
		lines = append(lines, fmt.Sprintf("config: %s: %s", path, msg))
	}
	return errors.New(strings.Join(lines, "\n"))
}
