package playback

import (
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
	// SubtitleStream is the index of the subtitle stream to show; nil shows none.
	SubtitleStream *int
	// AudioLanguages are the user's languages in order of preference, ISO 639 codes ("fre",
	// "fra" and "fr" are the same).
	AudioLanguages []string
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

// subtitleStream returns the stream SubtitleStream asks for, or nil.
func (r Request) subtitleStream() *core.Stream {
	if r.SubtitleStream == nil {
		return nil
	}
	return byIndex(r.Info.Streams, *r.SubtitleStream, core.StreamSubtitle)
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
