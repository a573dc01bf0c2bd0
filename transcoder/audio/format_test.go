package audio

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

func TestNormalizeRejects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		f     Format
		field string
	}{
		{"no codec", Format{}, "codec"},
		{"unknown codec", Format{Codec: "vorbis"}, "codec"},
		{"opus in adts", Format{Codec: CodecOpus, Container: ContainerADTS}, "container"},
		{"aac in ogg", Format{Codec: CodecAAC, Container: ContainerOgg}, "container"},
		{"unknown container", Format{Codec: CodecMP3, Container: "wav"}, "container"},
		{"mp3 too low", Format{Codec: CodecMP3, Bitrate: 31_999}, "bitrate"},
		{"mp3 too high", Format{Codec: CodecMP3, Bitrate: 321_000}, "bitrate"},
		{"aac too low", Format{Codec: CodecAAC, Bitrate: 16_000}, "bitrate"},
		{"opus too low", Format{Codec: CodecOpus, Bitrate: 15_999}, "bitrate"},
		{"opus too high", Format{Codec: CodecOpus, Bitrate: 511_000}, "bitrate"},
		{"negative bitrate", Format{Codec: CodecOpus, Bitrate: -1}, "bitrate"},
		{"4 channels", Format{Codec: CodecAAC, Channels: 4}, "channels"},
		{"negative channels", Format{Codec: CodecAAC, Channels: -2}, "channels"},
		{"mp3 5.1", Format{Codec: CodecMP3, Channels: 6}, "channels"},
		{"opus 44.1k", Format{Codec: CodecOpus, SampleRate: 44100}, "sampleRate"},
		{"mp3 96k", Format{Codec: CodecMP3, SampleRate: 96000}, "sampleRate"},
		{"aac odd rate", Format{Codec: CodecAAC, SampleRate: 44000}, "sampleRate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := normalize(tc.f)
			var fe *core.FieldError
			if !errors.Is(err, core.ErrInvalid) || !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("normalize(%+v) = %v, want an ErrInvalid on %s", tc.f, err, tc.field)
			}
			if ContentType(tc.f) != "" || Extension(tc.f) != "" {
				t.Errorf("ContentType/Extension of an invalid format are not empty")
			}
		})
	}
}

func TestNormalizeAccepts(t *testing.T) {
	for _, f := range []Format{
		{Codec: CodecAAC, Bitrate: 32_000}, {Codec: CodecAAC, Bitrate: 512_000, Channels: 6},
		{Codec: CodecMP3, Bitrate: 320_000, Channels: 1, SampleRate: 22050},
		{Codec: CodecOpus, Bitrate: 16_000}, {Codec: CodecOpus, Bitrate: 510_000, SampleRate: 48000},
		{Codec: CodecAAC, SampleRate: 96000}, {Codec: CodecOpus, Container: ContainerWebM, Channels: 6},
	} {
		if _, err := normalize(f); err != nil {
			t.Errorf("normalize(%+v) = %v", f, err)
		}
	}
}

func TestContentTypeAndExtension(t *testing.T) {
	for _, tc := range []struct {
		f         Format
		ext, mime string
	}{
		{Format{Codec: CodecAAC}, ".aac", "audio/aac"},
		{Format{Codec: CodecAAC, Container: ContainerMP4}, ".m4a", "audio/mp4"},
		{Format{Codec: CodecOpus}, ".opus", "audio/ogg"},
		{Format{Codec: CodecOpus, Container: ContainerWebM}, ".webm", "audio/webm"},
		{Format{Codec: CodecMP3, Bitrate: 128_000}, ".mp3", "audio/mpeg"},
	} {
		if got := Extension(tc.f); got != tc.ext {
			t.Errorf("Extension(%+v) = %q, want %q", tc.f, got, tc.ext)
		}
		if got := ContentType(tc.f); got != tc.mime {
			t.Errorf("ContentType(%+v) = %q, want %q", tc.f, got, tc.mime)
		}
	}
}

func TestResolve(t *testing.T) {
	stereo48 := core.Stream{Channels: 2, SampleRate: 48000}
	surround := core.Stream{Channels: 6, SampleRate: 44100}
	mono := core.Stream{Channels: 1, SampleRate: 22050}
	hires := core.Stream{Channels: 2, SampleRate: 96000}
	cd4x := core.Stream{Channels: 2, SampleRate: 176400}
	for _, tc := range []struct {
		name string
		f    Format
		s    core.Stream
		want Format // Codec and Container are copied from f
	}{
		{"aac stereo defaults", Format{Codec: CodecAAC}, stereo48, Format{Bitrate: 192_000, Channels: 2, SampleRate: 48000}},
		{"opus stereo defaults", Format{Codec: CodecOpus}, stereo48, Format{Bitrate: 128_000, Channels: 2, SampleRate: 48000}},
		{"5.1 downmixed by default", Format{Codec: CodecAAC}, surround, Format{Bitrate: 192_000, Channels: 2, SampleRate: 44100}},
		{"5.1 kept when asked", Format{Codec: CodecAAC, Channels: 6}, surround, Format{Bitrate: 384_000, Channels: 6, SampleRate: 44100}},
		{"opus 5.1 at 48k", Format{Codec: CodecOpus, Channels: 6}, surround, Format{Bitrate: 384_000, Channels: 6, SampleRate: 48000}},
		{"no upmix", Format{Codec: CodecAAC, Channels: 6}, stereo48, Format{Bitrate: 192_000, Channels: 2, SampleRate: 48000}},
		{"mono stays mono", Format{Codec: CodecMP3, Channels: 2}, mono, Format{Bitrate: 96_000, Channels: 1, SampleRate: 22050}},
		{"mono asked of stereo", Format{Codec: CodecOpus, Channels: 1, Bitrate: 48_000}, stereo48, Format{Bitrate: 48_000, Channels: 1, SampleRate: 48000}},
		{"hi-res to 48k", Format{Codec: CodecMP3}, hires, Format{Bitrate: 192_000, Channels: 2, SampleRate: 48000}},
		{"176.4k to 44.1k", Format{Codec: CodecAAC}, cd4x, Format{Bitrate: 192_000, Channels: 2, SampleRate: 44100}},
		{"hi-res aac when asked", Format{Codec: CodecAAC, SampleRate: 96000}, hires, Format{Bitrate: 192_000, Channels: 2, SampleRate: 96000}},
		{"unknown source", Format{Codec: CodecMP3}, core.Stream{}, Format{Bitrate: 192_000, Channels: 2, SampleRate: 48000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := normalize(tc.f)
			if err != nil {
				t.Fatal(err)
			}
			got := resolve(f, tc.s).Format
			tc.want.Codec, tc.want.Container = f.Codec, f.Container
			if got != tc.want {
				t.Errorf("resolve = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestArgs(t *testing.T) {
	f, _ := normalize(Format{Codec: CodecAAC, Container: ContainerMP4})
	a := args("-weird:name.flac", 3, resolve(f, core.Stream{Channels: 6, SampleRate: 48000}))
	line := strings.Join(a, " ")
	for _, want := range []string{"-i file:-weird:name.flac", "-map 0:3 -vn -sn -dn", "-map_metadata 0",
		"-c:a aac", "-b:a 192000", "-ac 2", "-ar 48000", "-frag_duration 1000000", "-f mp4 pipe:1",
		"-protocol_whitelist file", "-abort_on empty_output_stream"} {
		if !strings.Contains(line, want) {
			t.Errorf("args lack %q: %s", want, line)
		}
	}
	if slices.Contains(a, "-re") {
		t.Errorf("args hold -re: %s", line)
	}
}

func TestCacheKey(t *testing.T) {
	src := Source{ID: "f1", Size: 10, StreamIndex: 1}
	f := Format{Codec: CodecOpus, Container: ContainerOgg}
	k := cacheKey(src, f)
	if !strings.HasPrefix(k, keyVersion) || len(k) != len(keyVersion)+64 {
		t.Fatalf("key %q", k)
	}
	for name, other := range map[string]string{
		"id":      cacheKey(Source{ID: "f2", Size: 10, StreamIndex: 1}, f),
		"size":    cacheKey(Source{ID: "f1", Size: 11, StreamIndex: 1}, f),
		"stream":  cacheKey(Source{ID: "f1", Size: 10, StreamIndex: 2}, f),
		"bitrate": cacheKey(src, Format{Codec: CodecOpus, Container: ContainerOgg, Bitrate: 64_000}),
		"box":     cacheKey(src, Format{Codec: CodecOpus, Container: ContainerWebM}),
	} {
		if other == k {
			t.Errorf("a different %s gives the same key", name)
		}
	}
}
