package testmedia

import (
	"bytes"
	"encoding/json"
	"github.com/walros/walros/transcoder/ffmpeg/ffmpegtest"
	"math"
	"strconv"
	"strings"
	"testing"
)

// probed is the part of ffprobe's JSON the tests check.
type probed struct {
	Streams []struct {
		CodecType string            `json:"codec_type"`
		CodecName string            `json:"codec_name"`
		Width     int               `json:"width"`
		Height    int               `json:"height"`
		Channels  int               `json:"channels"`
		Tags      map[string]string `json:"tags"`
	} `json:"streams"`
	Format struct {
		FormatName string            `json:"format_name"`
		Duration   string            `json:"duration"`
		Tags       map[string]string `json:"tags"`
	} `json:"format"`
	Packets []struct {
		PTSTime string `json:"pts_time"`
		Flags   string `json:"flags"`
	} `json:"packets"`
}

// probe runs the real ffprobe on path with extra arguments before it.
func probe(t *testing.T, path string, extra ...string) probed {
	t.Helper()
	var out bytes.Buffer
	args := append([]string{"-v", "error", "-show_format", "-show_streams", "-of", "json"}, extra...)
	if err := ffmpegtest.RequireFFprobe(t).Run(t.Context(), append(args, "file:"+path), &out); err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p probed
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", path, err, out.Bytes())
	}
	return p
}

// codecs lists the streams as "type:codec", in file order.
func (p probed) codecs() string {
	var s []string
	for _, st := range p.Streams {
		s = append(s, st.CodecType+":"+st.CodecName)
	}
	return strings.Join(s, " ")
}

// size is the size of the first video stream, "" when there is none.
func (p probed) size() string {
	for _, st := range p.Streams {
		if st.CodecType == "video" {
			return strconv.Itoa(st.Width) + "x" + strconv.Itoa(st.Height)
		}
	}
	return ""
}

// tags merges format and stream tags with lowercased keys: Matroska stores
// keys upper-case and Ogg keeps them on the stream.
func (p probed) tags() map[string]string {
	m := map[string]string{}
	add := func(tags map[string]string) {
		for k, v := range tags {
			m[strings.ToLower(k)] = v
		}
	}
	for _, st := range p.Streams {
		add(st.Tags)
	}
	add(p.Format.Tags)
	return m
}

// checkDuration fails unless the container duration is want ± 0.2 s.
func (p probed) checkDuration(t *testing.T, want float64) {
	t.Helper()
	got, err := strconv.ParseFloat(p.Format.Duration, 64)
	if err != nil || math.Abs(got-want) > 0.2 {
		t.Errorf("duration = %q, want %.1f ± 0.2 s", p.Format.Duration, want)
	}
}

// keyframes returns the times of the keyframe packets (needs -show_packets).
func (p probed) keyframes() []float64 {
	var ks []float64
	for _, pk := range p.Packets {
		if strings.HasPrefix(pk.Flags, "K") {
			f, _ := strconv.ParseFloat(pk.PTSTime, 64)
			ks = append(ks, f)
		}
	}
	return ks
}
