package naming

import (
	"strconv"
	"strings"
	"unicode"
)

// tagKind says which Result field a release tag fills.
type tagKind uint8

const (
	kindNone tagKind = iota
	kindResolution
	kindSource
	kindCodec
	kindHDR
	kindEdition
	kindPart
	kindJunk // release information with no field: audio, bit depth, language, PROPER...
)

// anchor says how surely a tag marks the end of a title; 0 means not at all.
type anchor uint8

const (
	// anchorHard tags (1080p, BluRay, x264) never occur in titles: they end the
	// title and the search for its year.
	anchorHard anchor = iota + 1
	// anchorSoft tags (Director's Cut, cd1) end the title, but a year may follow.
	anchorSoft
	// anchorWeakEnd tags (Extended, PROPER) are cut from the end of a title when
	// an anchor or the end of the name follows them.
	anchorWeakEnd
	// anchorWeak tags (FRENCH, AMZN) are cut from the end of a title only when
	// an anchor follows them.
	anchorWeak
	// anchorAfter tags (WEB, CAM, DV) are also common words: they count only
	// once the title has ended.
	anchorAfter
)

// tagInfo describes one recognised tag.
type tagInfo struct {
	kind   tagKind
	anchor anchor
	value  string
	// caps tags count only when written in capitals (FRENCH, PROPER), so that
	// "The French Dispatch" or "Proper Manors" keep their titles.
	caps bool
	// words is how many tokens the tag spans (Dolby.Vision, Director's.Cut).
	words int
}

func tag(k tagKind, a anchor, v string) tagInfo { return tagInfo{kind: k, anchor: a, value: v} }

func capsTag(k tagKind, a anchor, v string) tagInfo {
	return tagInfo{kind: k, anchor: a, value: v, caps: true}
}

// singleTags maps a normalised token (lower case, no '-' or apostrophe) to its tag.
var singleTags = map[string]tagInfo{}

// languages are the language words among the tags, spelt out: "german", not "ger".
var languages = map[string]bool{}

func init() {
	add := func(info tagInfo, keys ...string) {
		for _, k := range keys {
			singleTags[k] = info
		}
	}
	add(tag(kindSource, anchorHard, "BluRay"), "bluray", "bdrip", "brrip", "bd25", "bd50", "bdmv", "uhdbluray", "bdiso")
	add(tag(kindSource, anchorAfter, "BluRay"), "bd")
	add(tag(kindSource, anchorHard, "Remux"), "remux", "bdremux")
	add(tag(kindSource, anchorHard, "WEB-DL"), "webdl", "webhd")
	add(tag(kindSource, anchorAfter, "WEB-DL"), "web")
	add(tag(kindSource, anchorHard, "WEBRip"), "webrip", "webdlrip")
	add(tag(kindSource, anchorHard, "HDTV"), "hdtv", "pdtv", "sdtv", "hdtvrip", "tvrip", "dsr", "dsrip", "satrip", "dthrip")
	add(tag(kindSource, anchorHard, "DVD"), "dvd", "dvdrip", "dvd5", "dvd9", "dvdr", "dvdfull")
	add(tag(kindSource, anchorAfter, "DVD"), "pal", "ntsc")
	add(tag(kindSource, anchorHard, "Screener"), "dvdscr", "screener", "bdscr")
	add(tag(kindSource, anchorAfter, "Screener"), "scr")
	add(tag(kindSource, anchorHard, "CAM"), "camrip", "hdcam")
	add(tag(kindSource, anchorAfter, "CAM"), "cam")
	add(tag(kindSource, anchorHard, "TS"), "telesync", "hdts")
	add(tag(kindSource, anchorAfter, "TS"), "ts")
	add(tag(kindSource, anchorHard, "TC"), "telecine", "hdtc")
	add(tag(kindSource, anchorAfter, "TC"), "tc")
	add(tag(kindSource, anchorHard, "HDRip"), "hdrip")
	add(tag(kindSource, anchorHard, "VHS"), "vhsrip")
	add(tag(kindJunk, anchorHard, ""), "r5") // a retail-DVD early release: Movie.R5.LiNE.XviD
	add(tag(kindSource, anchorHard, "HD-DVD"), "hddvd")

	add(tag(kindResolution, anchorHard, "2160p"), "4k", "uhd")
	add(tag(kindResolution, anchorHard, "4320p"), "8k")
	add(tag(kindResolution, anchorHard, "1080p"), "fhd")

	for k, v := range map[string]string{
		"x264": "x264", "h264": "h264", "avc": "h264", "x265": "x265", "h265": "hevc", "hevc": "hevc",
		"av1": "av1", "vp9": "vp9", "xvid": "xvid", "divx": "divx", "mpeg2": "mpeg2", "vc1": "vc1",
	} {
		add(tag(kindCodec, anchorHard, v), k)
	}

	add(tag(kindHDR, anchorHard, "HDR"), "hdr")
	add(tag(kindHDR, anchorHard, "HDR10"), "hdr10")
	add(tag(kindHDR, anchorHard, "HDR10+"), "hdr10+", "hdr10plus")
	add(tag(kindHDR, anchorHard, "DV"), "dovi", "dolbyvision")
	add(tag(kindHDR, anchorAfter, "DV"), "dv")
	add(tag(kindHDR, anchorHard, "HLG"), "hlg")

	add(tag(kindJunk, anchorHard, ""), "atmos", "hi10p", "hi10", "hsbs", "hou", "dtshd", "dtsma", "dtshdma", "truehd",
		"ddplus", "aac", "ac3", "eac3", "ddp", "dd+", "dts", "dtsx", "flac", "opus", "lpcm", "pcm", "mp3")
	add(tag(kindJunk, anchorAfter, ""), "hd", "sd", "ma", "hc", "dl", "it", "sub", "subs", "dub", "rip", "ws", "fs", "sdr", "dd")
	add(tag(kindJunk, anchorWeak, ""), "3d", "vostfr", "vff", "vfq", "vf2", "subfrench", "truefrench", "multisubs",
		"multisub", "dualaudio", "dublado", "legendado", "subbed", "dubbed", "hardsub", "hardsubbed", "korsub",
		"amzn", "dsnp", "dsny", "hmax", "atvp", "pcok", "pmtp", "pmnt", "crav", "nf", "nflx", "aptv", "itvx")
	for _, k := range []string{"amc", "hbo", "starz", "bbc", "cbs", "nbc", "fox", "abc", "itv", "sho", "roku", "max"} {
		add(capsTag(kindJunk, anchorWeak, ""), k) // networks: "Saul.Gone.AMC.WEB-DL"
	}
	for _, k := range []string{
		"french", "german", "italian", "spanish", "english", "russian", "japanese", "korean", "chinese", "hindi",
		"tamil", "telugu", "polish", "dutch", "swedish", "danish", "norwegian", "finnish", "portuguese",
		"castellano", "latino", "nordic", "multi", "dual", "ita", "eng", "fre", "fra", "ger", "spa", "rus",
		"jpn", "kor", "chi", "hulu", "stan", "anime", // ANiME: German scene releases of anime
	} {
		add(capsTag(kindJunk, anchorWeak, ""), k)
		if len(k) > 4 && k != "dual" && k != "multi" {
			languages[k] = true
		}
	}
	add(tag(kindJunk, anchorWeakEnd, ""), "repack", "rerip", "readnfo", "nfofix", "dirfix", "syncfix", "subfix")
	for _, k := range []string{"proper", "real", "internal", "limited", "complete", "festival", "hybrid", "uncensored", "restored", "ppv", "boxset"} {
		add(capsTag(kindJunk, anchorWeakEnd, ""), k)
	}
	for k, v := range map[string]string{
		"extended": "Extended", "unrated": "Unrated", "theatrical": "Theatrical", "remastered": "Remastered",
		"uncut": "Uncut", "imax": "IMAX", "criterion": "Criterion",
	} {
		add(tag(kindEdition, anchorWeakEnd, v), k)
	}
}

// phraseTag is a tag written as several tokens.
type phraseTag struct {
	words []string
	info  tagInfo
}

// phraseTags holds the phrases by their first word.
var phraseTags = map[string][]phraseTag{}

func init() {
	edition := func(v string, phrases ...string) {
		for _, p := range phrases {
			w := strings.Fields(p)
			phraseTags[w[0]] = append(phraseTags[w[0]], phraseTag{w, tagInfo{kind: kindEdition, anchor: anchorSoft, value: v}})
		}
	}
	edition("Director's Cut", "directors cut", "director cut")
	edition("Extended", "extended cut", "extended edition", "extended version")
	edition("Theatrical", "theatrical cut", "theatrical edition", "theatrical version", "theatrical release")
	edition("Unrated", "unrated cut", "unrated edition", "unrated version")
	edition("Ultimate Cut", "ultimate cut")
	edition("Ultimate Edition", "ultimate edition")
	edition("Special Edition", "special edition")
	edition("Collector's Edition", "collectors edition")
	edition("Anniversary Edition", "anniversary edition")
	edition("Final Cut", "final cut")
	edition("Criterion", "criterion collection", "criterion edition")
	edition("IMAX", "imax edition", "imax enhanced")
	edition("Open Matte", "open matte")
	edition("Limited Edition", "limited edition")
	edition("Alternate Cut", "alternate cut", "alternative cut")
	hard := func(k tagKind, v string, phrases ...string) {
		for _, p := range phrases {
			w := strings.Fields(p)
			phraseTags[w[0]] = append(phraseTags[w[0]], phraseTag{w, tag(k, anchorHard, v)})
		}
	}
	hard(kindHDR, "DV", "dolby vision")
	hard(kindCodec, "h264", "h 264")
	hard(kindCodec, "hevc", "h 265")
	hard(kindSource, "WEB-DL", "web dl")
	hard(kindSource, "WEBRip", "web rip")
	hard(kindSource, "BluRay", "blu ray")
	hard(kindJunk, "", "dts hd", "dts x")
	// A release of a film's extras disc: Movie.Extras.Only.2022.1080p. The
	// title ends, and its year may follow.
	phraseTags["extras"] = append(phraseTags["extras"], phraseTag{[]string{"extras", "only"}, tag(kindJunk, anchorSoft, "")})
}

// heights are the resolutions worth reporting.
var heights = map[int]bool{360: true, 480: true, 540: true, 576: true, 720: true, 1080: true, 1440: true, 2160: true, 4320: true}

// audioNames are the audio codecs that may carry channels: DDP5, AAC2, DTS6ch.
var audioNames = map[string]bool{
	"aac": true, "ac": true, "eac": true, "ddp": true, "dd+": true, "dd": true, "dts": true, "dtsx": true,
	"truehd": true, "flac": true, "opus": true, "lpcm": true, "pcm": true, "mp": true,
}

// shape splits a normalised token into letters, digits and letters: "x264" is
// ("x", "264", ""), "1080p" is ("", "1080", "p"). ok is false for other shapes.
func shape(norm string) (pre, num, post string, ok bool) {
	i := 0
	for i < len(norm) && (isLetter(norm[i]) || norm[i] == '+') {
		i++
	}
	j := i
	for j < len(norm) && isDigit(norm[j]) {
		j++
	}
	k := j
	for k < len(norm) && isLetter(norm[k]) {
		k++
	}
	return norm[:i], norm[i:j], norm[j:], k == len(norm) && j > i
}

// classifyWord recognises one token on its own. norm is normalise(text).
func classifyWord(text, norm string, bracket bool) tagInfo {
	if info, ok := singleTags[norm]; ok {
		if info.caps && !hasInnerUpper(text) {
			return tagInfo{}
		}
		return info
	}
	if w, h, ok := strings.Cut(norm, "x"); ok && len(w) >= 3 && len(w) <= 4 && isDigits(w) && len(h) >= 3 && len(h) <= 4 && isDigits(h) {
		return tag(kindResolution, anchorHard, frameHeight(atoi(w), atoi(h))) // 1920x1080
	}
	if bracket && len(norm) == 8 && isHex(norm) && !isDigits(norm) && strings.ContainsAny(norm, "0123456789") {
		return tag(kindJunk, anchorHard, "") // the CRC32 anime releases end with
	}
	if x := strings.IndexByte(norm, 'x'); x > 0 && x <= 2 && isDigits(norm[:x]) {
		if info := singleTags[norm[x+1:]]; info.kind == kindSource && info.anchor == anchorHard {
			return info // 3xDVD9, 2xBD50: a set of discs
		}
	}
	pre, num, post, ok := shape(norm)
	if !ok {
		return tagInfo{}
	}
	n := atoi(num)
	switch {
	case pre == "" && (post == "p" || post == "i") && len(num) >= 3 && len(num) <= 4:
		if heights[n] {
			return tag(kindResolution, anchorHard, strconv.Itoa(n)+"p")
		}
	case post == "" && len(num) <= 2 && (pre == "cd" || pre == "disc" || pre == "disk" || pre == "part" || pre == "pt" || pre == "dvd" && n != 5 && n != 9):
		return tag(kindPart, anchorSoft, strconv.Itoa(n))
	case pre == "" && (post == "bit" || post == "bits") && (n == 10 || n == 12 || n == 8 && !strings.Contains(text, "-")), // not 8-Bit.Christmas
		audioNames[pre] && (post == "" || post == "ch") && len(num) <= 2,
		pre == "" && post == "ch" && len(num) <= 2:
		return tag(kindJunk, anchorHard, "")
	case pre == "" && len(num) <= 3 && (post == "st" || post == "nd" || post == "rd" || post == "th"):
		return tag(kindJunk, anchorWeak, "") // the 25th of 25th Anniversary Edition
	}
	return tagInfo{}
}

// frameHeight names the resolution of a frame size such as 1920x1080.
func frameHeight(w, h int) string {
	switch {
	case w >= 3800 || h >= 2100:
		return "2160p"
	case w >= 1900 || h >= 1000:
		return "1080p"
	case w >= 1200 || h >= 700:
		return "720p"
	}
	return "480p"
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && (s[i] < 'a' || s[i] > 'f') {
			return false
		}
	}
	return true
}

// classify recognises the tag starting at toks[i], trying phrases first.
// A token such as "x264-GRP" is recognised by what comes before its hyphens.
func classify(toks []token, i int) tagInfo {
	t := toks[i]
	if t.norm == "" {
		return tagInfo{}
	}
	for _, p := range phraseTags[t.norm] {
		if i+len(p.words) > len(toks) {
			continue
		}
		ok := true
		for j, w := range p.words[1:] {
			if next := toks[i+1+j]; next.norm != w && next.head != w {
				ok = false
				break
			}
		}
		if ok {
			info := p.info
			info.words = len(p.words)
			return info
		}
	}
	if next := i + 1; next < len(toks) && isDigits(toks[next].norm) && len(toks[next].norm) <= 2 {
		switch t.norm {
		case "cd", "disc", "disk":
			return tagInfo{kind: kindPart, anchor: anchorSoft, value: toks[next].norm, words: 2}
		case "part", "pt":
			return tagInfo{kind: kindPart, anchor: anchorAfter, value: toks[next].norm, words: 2}
		}
	}
	if info, ok := singleTags[t.norm]; ok && info.caps && info.anchor == anchorWeak && i+1 < len(toks) {
		if n := toks[i+1].norm; n == "dl" || n == "dubbed" || n == "subbed" {
			info.words = 1
			return info // German.DL, French.Dubbed: a language in any case
		}
	}
	if info := classifyWord(t.text, t.norm, t.bracket); info.kind != kindNone {
		info.words = 1
		return info
	}
	if strings.Contains(t.text, "-") && len(t.text) <= 64 {
		for _, cut := range []int{strings.LastIndexByte(t.text, '-'), strings.IndexByte(t.text, '-')} {
			if cut <= 0 {
				continue
			}
			pre := t.text[:cut]
			if info := classifyWord(pre, normalise(pre), t.bracket); info.kind != kindNone {
				info.words = 1
				return info
			}
		}
	}
	return tagInfo{}
}

// normalise lowers a token and drops hyphens and apostrophes, so that WEB-DL,
// Blu-ray and Director's match their table entries. Long tokens are no tag.
func normalise(s string) string {
	s = strings.Trim(s, "-")
	if len(s) > 32 || s == "" {
		return ""
	}
	var buf [32]byte
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return strings.Map(func(r rune) rune {
				if r == '-' || r == '\'' || r == '’' {
					return -1
				}
				return unicode.ToLower(r)
			}, s)
		case c == '-' || c == '\'':
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
