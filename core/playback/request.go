package playback

import (
	"slices"
	"strings"

	"github.com/walros/walros/core"
)

// Request is one play of one file: the file, the streams asked for and the user's limits.
type Request struct {
	// Path is the file's path; its extension tells ambiguous containers apart.
	Path string
	Info core.MediaInfo
	// AudioStream is the index of the audio stream to play; nil (or an index that is not an
	// audio stream) picks one by AudioLanguages, then the default flag, then the first.
	AudioStream *int
	// SubtitleStream is the index of the subtitle stream to show; a negative index shows none
	// (Jellyfin's -1), and nil leaves the choice to SubtitleMode.
	SubtitleStream *int
	// AudioLanguages are the user's languages in order of preference, ISO 639 codes ("fre",
	// "fra" and "fr" are the same).
	AudioLanguages []string
	// PreferDefaultAudio picks the audio stream the file flags default before AudioLanguages
	// (Jellyfin's PlayDefaultAudioTrack).
	PreferDefaultAudio bool
	// SubtitleMode picks a subtitle when SubtitleStream is nil, by SubtitleLanguages (in order of
	// preference) and the streams' flags; "" picks none, like core.SubtitlesNone.
	SubtitleMode      core.SubtitleMode
	SubtitleLanguages []string
	// MaxBitrate and MaxHeight are the user's limits (a quality setting, a remote-access cap);
	// 0 means none. The client's own limits apply as well.
	MaxBitrate int64
	MaxHeight  int
	// MaxAudioChannels is the client's request for this play (Jellyfin's MaxAudioChannels,
	// Plex's audioChannelCount); 0 means none.
	MaxAudioChannels int
	// DisableDirectPlay, DisableVideoCopy and DisableAudioCopy turn options off for this play
	// (Jellyfin's EnableDirectPlay and Allow*StreamCopy, Plex's directPlay and directStream).
	DisableDirectPlay bool
	DisableVideoCopy  bool
	DisableAudioCopy  bool
}

// ForFile starts a request for a probed media file, with every choice left to Decide.
func ForFile(f core.MediaFile) Request {
	info := f.Info
	if info.Size == 0 {
		info.Size = f.Size
	}
	return Request{Path: f.Path, Info: info}
}

// ForUser applies a user's preferences and limits to the request: their languages and subtitle
// mode choose the streams the client left open, and their bitrate cap lowers MaxBitrate. Call it
// after setting the client's own limits.
func (r Request) ForUser(u core.User) Request {
	p := u.Playback
	r.AudioLanguages, r.SubtitleLanguages = nil, nil
	if p.AudioLanguage != "" {
		r.AudioLanguages = []string{p.AudioLanguage}
	}
	if p.SubtitleLanguage != "" {
		r.SubtitleLanguages = []string{p.SubtitleLanguage}
	}
	r.PreferDefaultAudio, r.SubtitleMode = p.PlayDefaultAudio, p.SubtitleMode
	r.MaxBitrate = minLimit(r.MaxBitrate, u.MaxBitrate)
	return r
}

// DefaultStreams returns the indexes of the audio and subtitle streams the request plays, -1 for
// none: Jellyfin's DefaultAudioStreamIndex and DefaultSubtitleStreamIndex.
func (r Request) DefaultStreams() (audio, subtitle int) {
	audio, subtitle = -1, -1
	if s := r.audioStream(); s != nil {
		audio = s.Index
	}
	if s := r.subtitleStream(); s != nil {
		subtitle = s.Index
	}
	return audio, subtitle
}

// Subtitle returns the subtitle stream the request shows, or nil.
func (r Request) Subtitle() *core.Stream { return r.subtitleStream() }

// videoStream returns the first video stream; cover art is an attachment, not video.
func (r Request) videoStream() *core.Stream {
	for i := range r.Info.Streams {
		if r.Info.Streams[i].Kind == core.StreamVideo {
			return &r.Info.Streams[i]
		}
	}
	return nil
}

// audioStream returns the stream AudioStream asks for, or else the first audio stream in the
// first preferred language (a default-flagged one before others), or else the default audio
// stream, or else the first.
func (r Request) audioStream() *core.Stream {
	streams := r.Info.Streams
	if r.AudioStream != nil {
		if s := byIndex(streams, *r.AudioStream, core.StreamAudio); s != nil {
			return s
		}
	}
	if r.PreferDefaultAudio {
		// The first default-flagged stream in order of language preference.
		var flagged []*core.Stream
		for i := range streams {
			if streams[i].Kind == core.StreamAudio && streams[i].Default {
				flagged = append(flagged, &streams[i])
			}
		}
		for _, lang := range r.AudioLanguages {
			for _, s := range flagged {
				if want := language(lang); want != "" && language(s.Language) == want {
					return s
				}
			}
		}
		if len(flagged) > 0 {
			return flagged[0]
		}
	}
	for _, lang := range r.AudioLanguages {
		want := language(lang)
		if want == "" {
			continue
		}
		var first *core.Stream
		for i := range streams {
			s := &streams[i]
			if s.Kind != core.StreamAudio || language(s.Language) != want {
				continue
			}
			if s.Default {
				return s
			}
			if first == nil {
				first = s
			}
		}
		if first != nil {
			return first
		}
	}
	var first *core.Stream
	for i := range streams {
		s := &streams[i]
		if s.Kind != core.StreamAudio {
			continue
		}
		if s.Default {
			return s
		}
		if first == nil {
			first = s
		}
	}
	return first
}

// subtitleStream returns the stream SubtitleStream asks for, or else the one SubtitleMode picks,
// or nil.
func (r Request) subtitleStream() *core.Stream {
	if r.SubtitleStream != nil {
		return byIndex(r.Info.Streams, *r.SubtitleStream, core.StreamSubtitle)
	}
	if r.SubtitleMode == "" || r.SubtitleMode == core.SubtitlesNone {
		return nil
	}
	audioLang := ""
	if a := r.audioStream(); a != nil {
		audioLang = language(a.Language)
	}
	preferred := func(s *core.Stream) bool {
		for _, l := range r.SubtitleLanguages {
			if want := language(l); want != "" && language(s.Language) == want {
				return true
			}
		}
		return false
	}
	// Jellyfin's order (MediaStreamSelector): sidecar files first, then forced streams in the
	// audio's language, other forced ones, default-flagged ones, the preferred languages.
	var subs []*core.Stream
	for i := range r.Info.Streams {
		if r.Info.Streams[i].Kind == core.StreamSubtitle {
			subs = append(subs, &r.Info.Streams[i])
		}
	}
	rank := func(s *core.Stream) int {
		n := 0
		for i, on := range []bool{s.External != "", s.Forced && audioLang != "" && language(s.Language) == audioLang,
			s.Forced, s.Default, preferred(s)} {
			if on {
				n |= 1 << (4 - i)
			}
		}
		return n
	}
	slices.SortStableFunc(subs, func(a, b *core.Stream) int { return rank(b) - rank(a) })
	first := func(ok func(*core.Stream) bool) *core.Stream {
		for _, s := range subs {
			if ok(s) {
				return s
			}
		}
		return nil
	}
	flagged := func(s *core.Stream) bool { return s.External != "" || s.Forced || s.Default }
	forced := func(s *core.Stream) bool { return s.Forced }
	switch r.SubtitleMode {
	case core.SubtitlesDefault:
		return first(flagged)
	case core.SubtitlesAlways:
		if s := first(func(s *core.Stream) bool { return !s.Forced && preferred(s) }); s != nil {
			return s
		}
		return first(flagged)
	case core.SubtitlesOnlyForced:
		return first(forced)
	case core.SubtitlesSmart:
		understood := false
		for _, l := range r.SubtitleLanguages {
			understood = understood || audioLang != "" && language(l) == audioLang
		}
		if understood {
			return first(forced)
		}
		if s := first(preferred); s != nil {
			return s
		}
		return first(flagged)
	}
	return nil
}

// byIndex returns the stream of that index and kind, or nil.
func byIndex(streams []core.Stream, index int, kind core.StreamKind) *core.Stream {
	for i := range streams {
		if streams[i].Index == index && streams[i].Kind == kind {
			return &streams[i]
		}
	}
	return nil
}

// languageCodes lists ISO 639-2/B codes, each followed by its 639-1 code and 639-2/T code where
// they exist: the languages audio tracks come in. Other codes compare as they are.
const languageCodes = `eng en
fre fr fra
ger de deu
spa es
ita it
por pt
dut nl nld
swe sv
nor no
nob nb
nno nn
dan da
fin fi
ice is isl
pol pl
cze cs ces
slo sk slk
hun hu
rum ro ron
gre el ell
tur tr
rus ru
ukr uk
bul bg
srp sr
hrv hr
slv sl
heb he
ara ar
per fa fas
hin hi
ben bn
tam ta
tel te
tha th
vie vi
ind id
may ms msa
chi zh zho
jpn ja
kor ko
fil tl tgl
cat ca
baq eu eus
glg gl
wel cy cym
gle ga
lit lt
lav lv
est et`

// languageAliases maps every code of languageCodes to its 639-2/B code.
var languageAliases = func() map[string]string {
	m := map[string]string{}
	for line := range strings.Lines(languageCodes) {
		codes := strings.Fields(line)
		for _, c := range codes {
			m[c] = codes[0]
		}
	}
	return m
}()

// language normalises a language code for comparison: lower case, region dropped ("pt-BR"),
// and ISO 639-1 and 639-2/T codes turned into 639-2/B. It returns "" for none and "und".
func language(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	if code == "und" {
		return ""
	}
	if c, ok := languageAliases[code]; ok {
		return c
	}
	return code
}
