package ffmpeg

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	binDir := t.TempDir()
	fake := filepath.Join(binDir, "ffmpeg")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	notExec := filepath.Join(binDir, "ffprobe")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	emptyDir := t.TempDir()
	for _, tc := range []struct {
		name, bin, configured, path string
		want                        string   // the path found, when no error
		wantErr                     []string // substrings of the error
	}{
		{"configured path", "ffmpeg", fake, emptyDir, fake, nil},
		{"found in PATH", "ffmpeg", "", binDir, fake, nil},
		{"configured bare name looked up in PATH", "ffmpeg", "ffmpeg", binDir, fake, nil},
		{"configured path missing", "ffmpeg", filepath.Join(emptyDir, "ffmpeg"), binDir, "",
			[]string{"ffmpeg", "configured path", emptyDir}},
		{"configured file not executable", "ffprobe", notExec, binDir, "", []string{"ffprobe", notExec}},
		{"missing from PATH", "ffprobe", "", emptyDir, "",
			[]string{"ffprobe not found", "Debian's ffmpeg package", "apt-get install ffmpeg"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PATH", tc.path)
			got, err := Find(tc.bin, tc.configured)
			if tc.wantErr == nil {
				if err != nil || got != tc.want {
					t.Fatalf("Find = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Find = %q, want an error", got)
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			if tc.configured == "" && !errors.Is(err, exec.ErrNotFound) {
				t.Errorf("error %v does not wrap exec.ErrNotFound", err)
			}
		})
	}
}
