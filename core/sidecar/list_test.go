package sidecar_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/walros/walros/core/sidecar"
)

func TestList(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"Movie.mkv", "Movie.en.srt", "poster.jpg"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "extrafanart"), 0o700); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"fanart.jpg": "poster.jpg",  // to a file: listed
		"Subs":       "extrafanart", // to a folder: not
		"logo.png":   "missing.png", // dangling: not
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skipf("no symlinks here: %v", err)
		}
	}
	got, err := sidecar.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Movie.en.srt", "Movie.mkv", "fanart.jpg", "poster.jpg"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("List = %q, want %q", got, want)
	}

	if _, err := sidecar.List(filepath.Join(dir, "nope")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing folder: err = %v, want fs.ErrNotExist", err)
	}
}
