package core

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestValidateUsername(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"alice", "alice", true},
		{"  Alice Smith \t", "Alice Smith", true},
		{"Zoë", "Zoë", true},
		{"a.b-c_d@e", "a.b-c_d@e", true},
		{strings.Repeat("x", 64), strings.Repeat("x", 64), true},
		{strings.Repeat("é", 64), strings.Repeat("é", 64), true}, // 64 characters, 128 bytes
		{"", "", false},
		{" \t\n", "", false},
		{strings.Repeat("x", 65), "", false},
		{strings.Repeat("é", 65), "", false},
		{"a/b", "", false},
		{`a\b`, "", false},
		{"../admin", "", false},
		{"a\x00b", "", false},
		{"a\nb", "", false},
		{"a\x1bb", "", false},
		{"a\x7fb", "", false},
		{"a\u0085b", "", false}, // NEL is a C1 control
		{"a\xffb", "", false},
		{"\xc3", "", false},
	} {
		got, err := validateUsername(tc.in)
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("validateUsername(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if !tc.ok && (!errors.Is(err, ErrInvalid) || got != "") {
			t.Errorf("validateUsername(%q) = %q, %v; want ErrInvalid", tc.in, got, err)
		}
		var fe *FieldError
		if !tc.ok && (!errors.As(err, &fe) || fe.Field != "username") {
			t.Errorf("validateUsername(%q): error %v does not name the field", tc.in, err)
		}
	}
}

func TestValidateDisplayName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "fallback", true},
		{"   ", "fallback", true},
		{" Bob ", "Bob", true},
		{"Bob/Alice", "Bob/Alice", true},
		{strings.Repeat("ß", 100), strings.Repeat("ß", 100), true},
		{strings.Repeat("ß", 101), "", false},
		{"a\tb", "", false},
		{"a\xffb", "", false},
	} {
		got, err := validateDisplayName(tc.in, "fallback")
		if tc.ok != (err == nil) || got != tc.want || err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("validateDisplayName(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestValidateLibraryName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{" Movies ", "Movies", true},
		{"Films / 4K", "Films / 4K", true},
		{strings.Repeat("m", 100), strings.Repeat("m", 100), true},
		{"", "", false},
		{"  ", "", false},
		{strings.Repeat("m", 101), "", false},
		{"a\nb", "", false},
		{"\xfe", "", false},
	} {
		got, err := validateLibraryName(tc.in)
		if tc.ok != (err == nil) || got != tc.want || err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("validateLibraryName(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestCleanPaths(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []string
		want []string // nil means ErrInvalid
	}{
		{"one", []string{"/media/movies"}, []string{"/media/movies"}},
		{"cleaned", []string{"/media//movies/./a/../"}, []string{"/media/movies"}},
		{"dot-dot above root", []string{"/../../etc"}, []string{"/etc"}},
		{"duplicates after cleaning", []string{"/m", "/m/", "/x", "/m/."}, []string{"/m", "/x"}},
		{"order kept", []string{"/b", "/a"}, []string{"/b", "/a"}},
		{"spaces kept", []string{"/media/My Movies "}, []string{"/media/My Movies "}},
		{"4096 bytes", []string{"/" + strings.Repeat("a", 4095)}, []string{"/" + strings.Repeat("a", 4095)}},
		{"none", nil, nil},
		{"empty list", []string{}, nil},
		{"empty path", []string{""}, nil},
		{"relative", []string{"media/movies"}, nil},
		{"dot", []string{"."}, nil},
		{"one bad of two", []string{"/ok", "bad"}, nil},
		{"nul", []string{"/media/\x00movies"}, nil},
		{"invalid utf-8", []string{"/media/\xff"}, nil},
		{"too long", []string{"/" + strings.Repeat("a", 4096)}, nil},
	} {
		got, err := cleanPaths(tc.in)
		switch {
		case tc.want == nil && !errors.Is(err, ErrInvalid):
			t.Errorf("%s: cleanPaths(%q) = %q, %v; want ErrInvalid", tc.name, tc.in, got, err)
		case tc.want != nil && (err != nil || !slices.Equal(got, tc.want)):
			t.Errorf("%s: cleanPaths(%q) = %q, %v; want %q", tc.name, tc.in, got, err, tc.want)
		}
	}
}

func TestCleanDevice(t *testing.T) {
	long := strings.Repeat("d", 200)
	got, err := cleanDevice(Device{Client: " Infuse ", DeviceID: long, DeviceName: "ü" + long[1:],
		Address: strings.Repeat("1", 70)})
	if err != nil || got.Client != "Infuse" || got.DeviceID != long || len(got.Address) != 64 {
		t.Fatalf("cleanDevice = %+v, %v", got, err)
	}
	for _, field := range []string{"client", "deviceId", "deviceName"} {
		for _, bad := range []string{long + "d", "\xff"} {
			d := Device{}
			switch field {
			case "client":
				d.Client = bad
			case "deviceId":
				d.DeviceID = bad
			case "deviceName":
				d.DeviceName = bad
			}
			var fe *FieldError
			if _, err := cleanDevice(d); !errors.As(err, &fe) || fe.Field != field {
				t.Errorf("%s of %d bytes: err = %v, want a FieldError on %s", field, len(bad), err, field)
			}
		}
	}
}
