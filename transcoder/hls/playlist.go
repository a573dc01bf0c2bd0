package hls

import (
	"context"
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafov/m3u8"
	"github.com/walros/walros/core"
)

// MediaPlaylist returns the VOD media playlist of a rendition. uri maps "init.mp4" and "N.m4s" to
// the URLs the client should fetch (adding a token, say).
func (m *Manager) MediaPlaylist(ctx context.Context, src Source, spec Spec, uri func(name string) string) ([]byte, error) {
	r, err := m.rendition(ctx, src, spec)
	if err != nil {
		return nil, err
	}
	n := r.count()
	p, err := m3u8.NewMediaPlaylist(0, uint(n))
	if err != nil {
		return nil, err
	}
	p.MediaType = m3u8.VOD
	if spec.TS {
		p.SetVersion(3)
	} else {
		p.SetVersion(7)
		p.SetDefaultMap(uri("init.mp4"), 0, 0)
	}
	longest := 0.0
	for i := range n {
		s, e := r.span(i)
		d := (e - s).Seconds()
		longest = max(longest, d)
		if err := p.Append(uri(strconv.Itoa(i)+spec.ext()), d, ""); err != nil {
			return nil, err
		}
	}
	p.TargetDuration = math.Ceil(longest)
	p.Close()
	return p.Encode().Bytes(), nil
}

// AudioTrack is an audio rendition offered in a master playlist.
type AudioTrack struct {
	Spec     Spec
	Name     string
	Language string
	Default  bool
}

// SubtitleTrack is a WebVTT rendition offered in a master playlist.
type SubtitleTrack struct {
	URI      string // its media playlist
	Name     string
	Language string
	Default  bool
	Forced   bool
}

// Master returns a master playlist: a variant per video spec, each with the audio and subtitle
// groups. uri maps a rendition to its media playlist URL.
func (m *Manager) Master(ctx context.Context, src Source, videos []Spec, audios []AudioTrack, subs []SubtitleTrack,
	uri func(Spec) string) ([]byte, error) {
	tl, err := m.Timeline(ctx, src)
	if err != nil {
		return nil, err
	}
	p := m3u8.NewMasterPlaylist()
	p.SetVersion(7)
	p.SetIndependentSegments(true)
	var alts []*m3u8.Alternative
	audioBitrate, audioCodec := int64(0), ""
	for _, a := range audios {
		if err := m.Check(src, tl, a.Spec); err != nil {
			return nil, err
		}
		alts = append(alts, &m3u8.Alternative{Type: "AUDIO", GroupId: "audio", Name: a.Name, Language: a.Language,
			Default: a.Default, Autoselect: "YES", URI: uri(a.Spec)})
		audioBitrate, audioCodec = max(audioBitrate, a.Spec.Bitrate), "mp4a.40.2"
	}
	for _, s := range subs {
		forced := "NO"
		if s.Forced {
			forced = "YES"
		}
		alts = append(alts, &m3u8.Alternative{Type: "SUBTITLES", GroupId: "subs", Name: s.Name, Language: s.Language,
			Default: s.Default, Autoselect: "YES", Forced: forced, URI: s.URI})
	}
	v := videoStream(src.Info)
	for _, spec := range videos {
		if err := m.Check(src, tl, spec); err != nil {
			return nil, err
		}
		params := m3u8.VariantParams{Alternatives: alts}
		codecs := []string{}
		w, h, bitrate := spec.Width, spec.Height, spec.Bitrate
		if spec.Copy {
			w, h = v.Width, v.Height
			bitrate = v.Bitrate
			if bitrate == 0 {
				bitrate = src.Info.Bitrate
			}
			codecs = append(codecs, codecString(*v))
		} else {
			codecs = append(codecs, "avc1.6400"+h264LevelHex(spec.Height))
		}
		if v.FrameRate > 0 {
			params.FrameRate = math.Round(v.FrameRate*1000) / 1000
		}
		switch {
		case spec.TS:
			codecs = append(codecs, "mp4a.40.2")
			bitrate += spec.AudioBitrate
			params.Alternatives = slices.DeleteFunc(slices.Clone(alts), func(a *m3u8.Alternative) bool { return a.Type == "AUDIO" })
		case audioCodec != "":
			codecs = append(codecs, audioCodec)
			params.Audio = "audio"
		}
		if len(subs) > 0 {
			params.Subtitles = "subs"
		}
		params.Codecs = strings.Join(codecs, ",")
		params.Resolution = fmt.Sprintf("%dx%d", w, h)
		params.Bandwidth = uint32(min(math.MaxUint32, max(bitrate, 100_000)*11/10+audioBitrate))
		params.AverageBandwidth = uint32(min(math.MaxUint32, max(bitrate, 100_000)+audioBitrate))
		p.Append(uri(spec), nil, params)
	}
	if len(videos) == 0 { // music: the audio renditions are the variants
		for _, a := range audios {
			p.Append(uri(a.Spec), nil, m3u8.VariantParams{Codecs: "mp4a.40.2", Bandwidth: uint32(a.Spec.Bitrate * 11 / 10)})
		}
	}
	return p.Encode().Bytes(), nil
}

// codecString is the RFC 6381 codecs parameter of a copied video stream.
func codecString(s core.Stream) string {
	switch s.Codec {
	case "h264":
		profile := map[string]string{"baseline": "42", "constrained baseline": "42", "main": "4d", "high": "64",
			"high 10": "6e", "high 4:2:2": "7a", "high 4:4:4 predictive": "f4"}[strings.ToLower(s.Profile)]
		if profile == "" {
			profile = "64"
		}
		constraint := "00"
		if strings.EqualFold(s.Profile, "constrained baseline") {
			constraint = "e0"
		}
		return fmt.Sprintf("avc1.%s%s%02x", profile, constraint, max(10, min(s.Level, 255)))
	case "hevc":
		profile, compat := "1", "6"
		if strings.Contains(strings.ToLower(s.Profile), "10") {
			profile, compat = "2", "4"
		}
		level := s.Level
		if level <= 0 {
			level = 120
		}
		return fmt.Sprintf("hvc1.%s.%s.L%d.B0", profile, compat, level)
	case "av1":
		depth := max(8, s.BitDepth)
		return fmt.Sprintf("av01.0.%02dM.%02d", max(0, s.Level), depth)
	case "vp9":
		depth := max(8, s.BitDepth)
		return fmt.Sprintf("vp09.00.%02d.%02d", max(10, s.Level), depth)
	}
	return s.Codec
}

// h264LevelHex is the level byte of avc1 codec strings for the levels h264Level picks.
func h264LevelHex(height int) string {
	return map[string]string{"3.1": "1f", "4.0": "28", "4.2": "2a", "5.1": "33", "5.2": "34"}[h264Level(height)]
}

// DASH manifest, MPEG-DASH ISO/IEC 23009-1, static (on-demand) profile, over the same CMAF
// segments as HLS.
type mpd struct {
	XMLName                   xml.Name `xml:"urn:mpeg:dash:schema:mpd:2011 MPD"`
	Profiles                  string   `xml:"profiles,attr"`
	Type                      string   `xml:"type,attr"`
	MediaPresentationDuration string   `xml:"mediaPresentationDuration,attr"`
	MinBufferTime             string   `xml:"minBufferTime,attr"`
	Period                    period   `xml:"Period"`
}

type period struct {
	ID             string          `xml:"id,attr"`
	Start          string          `xml:"start,attr"`
	AdaptationSets []adaptationSet `xml:"AdaptationSet"`
}

type adaptationSet struct {
	ID               int              `xml:"id,attr"`
	ContentType      string           `xml:"contentType,attr"`
	MimeType         string           `xml:"mimeType,attr"`
	Lang             string           `xml:"lang,attr,omitempty"`
	SegmentAlignment bool             `xml:"segmentAlignment,attr"`
	Label            string           `xml:"Label,omitempty"`
	Roles            []descriptor     `xml:"Role,omitempty"`
	Representations  []representation `xml:"Representation"`
}

type descriptor struct {
	SchemeIDURI string `xml:"schemeIdUri,attr"`
	Value       string `xml:"value,attr"`
}

type representation struct {
	ID                string           `xml:"id,attr"`
	Codecs            string           `xml:"codecs,attr,omitempty"`
	Bandwidth         int64            `xml:"bandwidth,attr"`
	BaseURL           string           `xml:"BaseURL,omitempty"`
	Width             int              `xml:"width,attr,omitempty"`
	Height            int              `xml:"height,attr,omitempty"`
	FrameRate         string           `xml:"frameRate,attr,omitempty"`
	AudioSamplingRate int              `xml:"audioSamplingRate,attr,omitempty"`
	AudioChannels     *descriptor      `xml:"AudioChannelConfiguration,omitempty"`
	SegmentTemplate   *segmentTemplate `xml:"SegmentTemplate,omitempty"`
}

type segmentTemplate struct {
	Timescale      int64           `xml:"timescale,attr"`
	Initialization string          `xml:"initialization,attr"`
	Media          string          `xml:"media,attr"`
	StartNumber    int             `xml:"startNumber,attr"`
	Timeline       segmentTimeline `xml:"SegmentTimeline"`
}

type segmentTimeline struct {
	S []timelineEntryXML `xml:"S"`
}

type timelineEntryXML struct {
	T *int64 `xml:"t,attr,omitempty"`
	D int64  `xml:"d,attr"`
	R int    `xml:"r,attr,omitempty"`
}

// DASH returns a static MPD over the renditions' CMAF segments. template maps a rendition to its
// segment URL template, with "$Number$" for the segment number and "init.mp4" for the init.
func (m *Manager) DASH(ctx context.Context, src Source, videos []Spec, audios []AudioTrack, subs []SubtitleTrack,
	template func(spec Spec, name string) string) ([]byte, error) {
	tl, err := m.Timeline(ctx, src)
	if err != nil {
		return nil, err
	}
	doc := mpd{Profiles: "urn:mpeg:dash:profile:isoff-live:2011", Type: "static",
		MediaPresentationDuration: isoDuration(src.Info.Duration), MinBufferTime: "PT2S",
		Period: period{ID: "0", Start: "PT0S"}}
	v := videoStream(src.Info)
	if len(videos) > 0 {
		set := adaptationSet{ID: 0, ContentType: "video", MimeType: "video/mp4", SegmentAlignment: true}
		for _, spec := range videos {
			r, err := m.rendition(ctx, src, spec)
			if err != nil {
				return nil, err
			}
			rep := representation{ID: spec.ID(), Width: spec.Width, Height: spec.Height, Bandwidth: spec.Bitrate,
				Codecs: "avc1.6400" + h264LevelHex(spec.Height), SegmentTemplate: m.template(r, 90000, template)}
			if spec.Copy {
				rep.Width, rep.Height, rep.Codecs = v.Width, v.Height, codecString(*v)
				rep.Bandwidth = max(v.Bitrate, src.Info.Bitrate, 100_000)
			}
			if v.FrameRate > 0 {
				rep.FrameRate = fmt.Sprintf("%g", math.Round(v.FrameRate*1000)/1000)
			}
			set.Representations = append(set.Representations, rep)
		}
		doc.Period.AdaptationSets = append(doc.Period.AdaptationSets, set)
	}
	for i, a := range audios {
		if err := m.Check(src, tl, a.Spec); err != nil {
			return nil, err
		}
		r, err := m.rendition(ctx, src, a.Spec)
		if err != nil {
			return nil, err
		}
		set := adaptationSet{ID: i + 1, ContentType: "audio", MimeType: "audio/mp4", Lang: a.Language,
			SegmentAlignment: true, Label: a.Name}
		if a.Default {
			set.Roles = []descriptor{{SchemeIDURI: "urn:mpeg:dash:role:2011", Value: "main"}}
		} else {
			set.Roles = []descriptor{{SchemeIDURI: "urn:mpeg:dash:role:2011", Value: "alternate"}}
		}
		set.Representations = []representation{{ID: a.Spec.ID(), Codecs: "mp4a.40.2", Bandwidth: a.Spec.Bitrate,
			AudioSamplingRate: r.audio.SampleRate,
			AudioChannels: &descriptor{SchemeIDURI: "urn:mpeg:dash:23003:3:audio_channel_configuration:2011",
				Value: fmt.Sprint(a.Spec.Channels)},
			SegmentTemplate: m.template(r, int64(r.audio.SampleRate), template)}}
		doc.Period.AdaptationSets = append(doc.Period.AdaptationSets, set)
	}
	for i, sub := range subs { // WebVTT files, one per text subtitle, URI being the file's URL
		role := "subtitle"
		if sub.Forced {
			role = "forced-subtitle"
		}
		doc.Period.AdaptationSets = append(doc.Period.AdaptationSets, adaptationSet{ID: 100 + i, ContentType: "text",
			MimeType: "text/vtt", Lang: sub.Language, Label: sub.Name,
			Roles:           []descriptor{{SchemeIDURI: "urn:mpeg:dash:role:2011", Value: role}},
			Representations: []representation{{ID: fmt.Sprintf("sub-%d", i), Bandwidth: 256, BaseURL: sub.URI}}})
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// template is a rendition's SegmentTemplate with its timeline in timescale units, run-length coded.
func (m *Manager) template(r *rendition, timescale int64, tmpl func(Spec, string) string) *segmentTemplate {
	st := &segmentTemplate{Timescale: timescale, Initialization: tmpl(r.spec, "init.mp4"),
		Media: tmpl(r.spec, "$Number$.m4s"), StartNumber: 0}
	conv := func(d time.Duration) int64 { return int64(math.Round(d.Seconds() * float64(timescale))) }
	for i := range r.count() {
		s, e := r.span(i)
		d := conv(e) - conv(s)
		if i == 0 {
			t := conv(s)
			st.Timeline.S = append(st.Timeline.S, timelineEntryXML{T: &t, D: d})
			continue
		}
		last := &st.Timeline.S[len(st.Timeline.S)-1]
		if last.D == d {
			last.R++
		} else {
			st.Timeline.S = append(st.Timeline.S, timelineEntryXML{D: d})
		}
	}
	return st
}

// isoDuration formats d as an xs:duration ("PT1H2M3.500S").
func isoDuration(d time.Duration) string {
	return fmt.Sprintf("PT%.3fS", d.Seconds())
}
