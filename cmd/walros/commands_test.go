package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/walros/walros/cmd/walros/config"
	"github.com/walros/walros/core"
)

// walros runs the CLI in-process, as a user would type it.
func walros(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := rootCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestCommands(t *testing.T) {
	t.Setenv("WALROS_DATA", "") // the tests name the data directory themselves
	data := t.TempDir()
	media := t.TempDir()
	out, err := walros(t, "user", "add", "alice", "--password", "alice-password", "--admin", "--data", data)
	if err != nil || !strings.Contains(out, `added admin "alice"`) {
		t.Fatalf("user add: %q, %v", out, err)
	}
	// Flags may come after the positional arguments, and relative paths become absolute.
	t.Chdir(media)
	out, err = walros(t, "library", "add", "Movies", "films", "--type", "movies", "--data", data)
	if err != nil || !strings.Contains(out, `added movies library "Movies"`) {
		t.Fatalf("library add: %q, %v", out, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "add", "ALICE", "--password", "another-password", "--data", data}, "conflict"},
		{[]string{"user", "add", "bob", "--password", "short", "--data", data}, "password"},
		{[]string{"user", "add", "bob", "--data", data}, `"password" not set`},
		{[]string{"library", "add", "Music", "--type", "podcasts", "/x", "--data", data}, "type"},
		{[]string{"library", "add", "Music", "/x", "--data", data}, `"type" not set`},
		{[]string{"library", "add", "Music", "--type", "music", "--data", data}, "requires at least 2 arg"},
	} {
		if _, err := walros(t, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("walros %v: err = %v, want it to mention %q", tc.args, err, tc.want)
		}
	}

	cfg := config.Default()
	cfg.Data = data
	a, err := openApp(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	libs, err := a.libraries.List(context.Background(), operator)
	if err != nil || len(libs) != 1 || libs[0].Paths[0] != filepath.Join(media, "films") || libs[0].Type != core.LibraryMovies {
		t.Fatalf("libraries: %+v, %v", libs, err)
	}
	users, err := a.users.List(context.Background(), operator)
	if err != nil || len(users) != 1 || !users[0].Admin {
		t.Fatalf("users: %+v, %v", users, err)
	}
	if fi, err := os.Stat(filepath.Join(data, "keys", "jwt.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("signing key: %v, %v", fi, err)
	}
}

func TestVersionAndHelp(t *testing.T) {
	out, err := walros(t, "version")
	if err != nil || !strings.HasPrefix(out, "walros ") {
		t.Fatalf("version: %q, %v", out, err)
	}
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"user", "add", "--help"}, {"library", "add", "--help"}} {
		out, err := walros(t, args...)
		if err != nil || !strings.Contains(out, "Usage:") {
			t.Errorf("walros %v: %q, %v", args, out, err)
		}
	}
	if out, _ := walros(t, "serve", "--help"); !strings.Contains(out, "--no-demo") || !strings.Contains(out, "--data") {
		t.Errorf("serve --help lacks flags:\n%s", out)
	}
}

func TestServeRejectsBadConfig(t *testing.T) {
	_, err := walros(t, "serve", "--data", t.TempDir(), "--addr", "nowhere")
	if err == nil || !strings.Contains(err.Error(), "addr") {
		t.Fatalf("bad --addr: %v", err)
	}
}

func TestParseName(t *testing.T) {
	out, err := walros(t, "parse-name", "The.Matrix.1999.1080p.BluRay.x264-GRP.mkv", "Dark/Season 01/Dark - S01E02E03.mkv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per path:\n%s", out)
	}
	for i, want := range []string{
		`{"path":"The.Matrix.1999.1080p.BluRay.x264-GRP.mkv","type":"movie","title":"The Matrix","year":1999,`,
		`{"path":"Dark/Season 01/Dark - S01E02E03.mkv","type":"episode","title":"Dark","season":1,"episode":2,"episodes":[2,3]`,
	} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d:\n%s\nwant a prefix of\n%s", i, lines[i], want)
		}
	}
	cmd := rootCommand()
	var buf bytes.Buffer
	cmd.SetOut(&buf)
	cmd.SetIn(strings.NewReader("[SubsPlease] One Piece - 1001 (1080p).mkv\n\nHeat (1995).mkv\n"))
	cmd.SetArgs([]string{"parse-name", "--library-type", "shows"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(buf.String(), "\n"); got != 2 || !strings.Contains(buf.String(), `"absolute":1001`) {
		t.Fatalf("stdin: %s", buf.String())
	}
	if _, err := walros(t, "parse-name", "--library-type", "podcasts", "x"); err == nil {
		t.Fatal("unknown library type accepted")
	}
}
