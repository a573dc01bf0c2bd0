package segcache

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeys(t *testing.T) {
	for _, tc := range []struct {
		key string
		ok  bool
	}{
		{"0123abcd/v0/00012.m4s", true},
		{"0123abcd/init-v0.mp4", true},
		{"a", true},
		{"with space/é.ts", true},
		{"c:/windows", true}, // hashed, so a drive letter names nothing
		{strings.Repeat("k", MaxKeyLen), true},

		{"", false},
		{strings.Repeat("k", MaxKeyLen+1), false},
		{"/etc/passwd", false},
		{"../../etc/passwd", false},
		{"a/../../b", false},
		{"..", false},
		{".", false},
		{"./a", false},
		{"a/./b", false},
		{"a//b", false},
		{"a/", false},
		{`..\..\windows`, false},
		{`a\b`, false},
		{"a\x00b", false},
		{"a\nb", false},
		{"a\x7fb", false},
		{"\xff\xfe", false},
	} {
		t.Run(tc.key, func(t *testing.T) {
			err := checkKey(tc.key)
			if (err == nil) != tc.ok {
				t.Fatalf("checkKey(%q) = %v, want ok=%v", tc.key, err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("error %v is not ErrInvalidKey", err)
			}
		})
	}
}

// TestHostileKeysStayInside puts and gets hostile keys through the public API
// and checks that nothing outside the cache directory was touched.
func TestHostileKeysStayInside(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "cache")
	c := open(t, dir, 1<<20)
	hostile := []string{"../escape", "../../escape", "/tmp/escape", `..\escape`, "a/../../escape", "..", "escape\x00"}
	for _, k := range hostile {
		if err := tryPut(c, k, "evil"); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey", k, err)
		}
		if _, _, err := c.Get(k); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Get(%q) = %v, want ErrInvalidKey", k, err)
		}
		if c.Has(k) {
			t.Errorf("Has(%q) = true", k)
		}
	}
	weird := []string{"c:/escape", "escape..", "..escape/x", "~/escape", "$HOME/escape", "%2e%2e/escape"}
	for _, k := range weird {
		put(t, c, k, "fine")
		mustGet(t, c, k, "fine")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	var outside []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && p != dir && !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			outside = append(outside, p)
		}
		if strings.Contains(filepath.Base(p), "escape") {
			t.Errorf("a key became a path: %s", p)
		}
		return nil
	})
	if len(outside) > 0 {
		t.Errorf("files outside the cache dir: %v", outside)
	}
}

func TestParseName(t *testing.T) {
	k, _ := keyID("x")
	if got, ok := parseName(k.name()); !ok || got != k {
		t.Errorf("parseName(name) = %v, %v", got, ok)
	}
	for _, s := range []string{"", "ab", strings.ToUpper(k.name()), k.name() + "0", k.name()[1:] + "g"} {
		if _, ok := parseName(s); ok {
			t.Errorf("parseName(%q) = ok", s)
		}
	}
}
