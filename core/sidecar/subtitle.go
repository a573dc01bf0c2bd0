package sidecar

import (
	"strings"
	"unicode"

	"github.com/walros/walros/core"
)

// Subtitle is an external subtitle file of a media file.
type Subtitle struct {
	Path string
	// Format is srt, ass, ssa, vtt, sup (PGS), sub (VobSub: Path is the .idx, its .sub lies
	// beside it), smi (SAMI) or ttml (TTML and DFXP).
	Format string
	// Language is an ISO 639-2/B code ("eng", "fre", "por"), or "" when the name tells none.
	Language string
	// Title is what the name says beyond language and flags: "commentary", "Brazilian" for
	// pt-BR, a region tag as written ("en-US") when no friendlier name is known.
	Title           string
	Forced          bool
	Default         bool
	HearingImpaired bool
}

// subtitleFormats maps an extension to the Subtitle format. A .sub counts only through its .idx.
var subtitleFormats = map[string]string{
	"srt": "srt", "ass": "ass", "ssa": "ssa", "vtt": "vtt", "sup": "sup", "idx": "sub",
	"smi": "smi", "sami": "smi", "ttml": "ttml", "dfxp": "ttml",
}

// codecs are ffmpeg's decoder names for the formats, as core.Stream.Codec holds them.
var codecs = map[string]string{
	"srt": "subrip", "ass": "ass", "ssa": "ssa", "vtt": "webvtt", "sup": "hdmv_pgs_subtitle",
	"sub": "dvd_subtitle", "smi": "sami", "ttml": "ttml",
}

// Stream describes s as a subtitle stream of its media file, External set to its path. Index is
// left 0: an external stream has no place in the container, and the caller numbers it.
func (s Subtitle) Stream() core.Stream {
	return core.Stream{Kind: core.StreamSubtitle, Codec: codecs[s.Format], Language: s.Language,
		Title: s.Title, Default: s.Default, Forced: s.Forced, HearingImpaired: s.HearingImpaired,
		External: s.Path}
}

// flagWords are the flags Jellyfin documents for external files; Plex and Bazarr write the same.
var flagWords = map[string]bool{"forced": true, "foreign": true, "default": true, "sdh": true,
	"cc": true, "hi": true}

// parseFlags reads the dot-separated words between a basename and a subtitle extension: a
// language, flags, and anything else, which becomes the Title. When several words name a
// language, the last one wins, as in Jellyfin. "hi" is both Hindi's code and Bazarr's
// hearing-impaired flag: it is the flag when another word names the language ("Movie.en.hi.srt"),
// Hindi otherwise ("Movie.hi.srt").
func parseFlags(words []string) Subtitle {
	var expanded []string
	for _, w := range words {
		expanded = append(expanded, splitLanguageFlags(strings.TrimSpace(w))...)
	}
	otherLang := false
	for _, w := range expanded {
		if _, ok := ParseLanguage(w); ok && !strings.EqualFold(w, "hi") {
			otherLang = true
		}
	}
	var sub Subtitle
	var title []string
	for _, w := range expanded {
		switch lw := strings.ToLower(w); {
		case w == "":
		case lw == "forced" || lw == "foreign":
			sub.Forced = true
		case lw == "default":
			sub.Default = true
		case lw == "sdh" || lw == "cc" || lw == "hi" && otherLang:
			sub.HearingImpaired = true
		default:
			code, variant, ok := parseTag(w)
			switch {
			case !ok:
				title = append(title, w)
			case code != "": // "und" says nothing
				sub.Language = code
			}
			if variant != "" {
				title = append(title, variant)
			}
		}
	}
	sub.Title = cleanTitle(strings.Join(title, " "))
	return sub
}

// splitLanguageFlags splits "en-sdh" and "eng_forced" into their language and flags; other
// words come back whole.
func splitLanguageFlags(w string) []string {
	parts := strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) < 2 {
		return []string{w}
	}
	if _, ok := ParseLanguage(parts[0]); !ok {
		return []string{w}
	}
	for _, p := range parts[1:] {
		if !flagWords[strings.ToLower(p)] {
			return []string{w}
		}
	}
	return parts
}

// maxTitle caps a Title, in bytes: names can be 255 bytes and a listing can be hostile.
const maxTitle = 200

// cleanTitle makes a Title safe to show: valid UTF-8, no control characters or line breaks,
// single spaces, at most maxTitle bytes cut between runes.
func cleanTitle(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxTitle {
		end := 0
		for i := range s {
			if i > maxTitle {
				break
			}
			end = i
		}
		s = strings.TrimSpace(s[:end])
	}
	return s
}
