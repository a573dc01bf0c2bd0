package thumbs

import (
	"testing"
	"time"
)

func TestVTT(t *testing.T) {
	r := Result{Width: 160, Height: 90, Columns: 2, Rows: 2, Count: 5, Interval: 10 * time.Second}
	want := "WEBVTT\n" +
		"\n00:00:00.000 --> 00:00:10.000\nsprite-0.jpg#xywh=0,0,160,90\n" +
		"\n00:00:10.000 --> 00:00:20.000\nsprite-0.jpg#xywh=160,0,160,90\n" +
		"\n00:00:20.000 --> 00:00:30.000\nsprite-0.jpg#xywh=0,90,160,90\n" +
		"\n00:00:30.000 --> 00:00:40.000\nsprite-0.jpg#xywh=160,90,160,90\n" +
		"\n00:00:40.000 --> 00:00:44.321\nsprite-1.jpg#xywh=0,0,160,90\n"
	if got := string(vtt(r, 44321*time.Millisecond)); got != want {
		t.Errorf("vtt =\n%s\nwant\n%s", got, want)
	}
	// Unknown duration: the last cue lasts one interval.
	r.Count = 1
	if got, want := string(vtt(r, 0)), "WEBVTT\n\n00:00:00.000 --> 00:00:10.000\nsprite-0.jpg#xywh=0,0,160,90\n"; got != want {
		t.Errorf("vtt =\n%s\nwant\n%s", got, want)
	}
}

func TestTimestamp(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                              "00:00:00.000",
		1500 * time.Millisecond:        "00:00:01.500",
		61*time.Minute + 5*time.Second: "01:01:05.000",
		125*time.Hour + 999*time.Millisecond + 999*time.Microsecond: "125:00:00.999",
	} {
		if got := timestamp(d); got != want {
			t.Errorf("timestamp(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestRewriteVTT(t *testing.T) {
	in := "WEBVTT\n\n00:00:00.000 --> 00:00:10.000\nsprite-0.jpg#xywh=0,0,160,90\n\n" +
		"id-2\n00:00:10.000 --> 00:00:20.000\nsprite-1.jpg#xywh=160,0,160,90\n"
	for _, tc := range []struct {
		name, in, prefix, query, want string
	}{
		{"prefix and token", in, "/thumbs/42/", "token=a%2Bb",
			"WEBVTT\n\n00:00:00.000 --> 00:00:10.000\n/thumbs/42/sprite-0.jpg?token=a%2Bb#xywh=0,0,160,90\n\n" +
				"id-2\n00:00:10.000 --> 00:00:20.000\n/thumbs/42/sprite-1.jpg?token=a%2Bb#xywh=160,0,160,90\n"},
		{"nothing to add", in, "", "", in},
		{"query after an existing one, CRLF, no final newline",
			"WEBVTT\r\n\r\n00:00:00.000 --> 00:00:01.000\r\ns.jpg?v=2#xywh=0,0,1,1\r\n\r\n00:00:01.000 --> 00:00:02.000\r\nt.jpg",
			"https://x/", "k=1",
			"WEBVTT\r\n\r\n00:00:00.000 --> 00:00:01.000\r\nhttps://x/s.jpg?v=2&k=1#xywh=0,0,1,1\r\n\r\n00:00:01.000 --> 00:00:02.000\r\nhttps://x/t.jpg?k=1"},
		{"empty", "", "/p/", "q=1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(RewriteVTT([]byte(tc.in), tc.prefix, tc.query)); got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
