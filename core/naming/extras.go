package naming

import (
	"regexp"
	"strings"
)

// Extra types, as Jellyfin and Plex name their folders and suffixes.
const (
	ExtraTrailer         = "trailer"
	ExtraFeaturette      = "featurette"
	ExtraBehindTheScenes = "behindthescenes"
	ExtraDeleted         = "deleted"
	ExtraInterview       = "interview"
	ExtraScene           = "scene"
	ExtraShort           = "short"
	ExtraSample          = "sample"
	ExtraOther           = "other"
)

// extraFolders maps a folded folder name to the type of the extras it holds.
var extraFolders = map[string]string{
	"trailers": ExtraTrailer, "trailer": ExtraTrailer,
	"featurettes": ExtraFeaturette, "featurette": ExtraFeaturette,
	"behind the scenes": ExtraBehindTheScenes, "behindthescenes": ExtraBehindTheScenes, "making of": ExtraBehindTheScenes,
	"deleted scenes": ExtraDeleted, "deleted": ExtraDeleted, "deletedscenes": ExtraDeleted,
	"interviews": ExtraInterview, "interview": ExtraInterview,
	"scenes":  ExtraScene,
	"shorts":  ExtraShort,
	"samples": ExtraSample, "sample": ExtraSample,
	"extras": ExtraOther, "extra": ExtraOther, "other": ExtraOther, "others": ExtraOther, "bonus": ExtraOther,
	"bonus features": ExtraOther, "special features": ExtraOther, "clips": ExtraOther, "backdrops": ExtraOther,
}

// extraWords maps the word of a "-trailer" suffix, or a whole file name such
// as "trailer.mkv", to its extra type.
var extraWords = map[string]string{
	"trailer": ExtraTrailer, "sample": ExtraSample, "featurette": ExtraFeaturette,
	"behindthescenes": ExtraBehindTheScenes, "deleted": ExtraDeleted, "deletedscene": ExtraDeleted,
	"deletedscenes": ExtraDeleted, "interview": ExtraInterview, "scene": ExtraScene, "short": ExtraShort,
	"other": ExtraOther, "extra": ExtraOther, "clip": ExtraOther,
}

// extraSuffixes are the words of extraWords, longest first, so that
// "-deletedscene" is not read as "-scene".
var extraSuffixes = []string{"behindthescenes", "deletedscenes", "deletedscene", "featurette", "interview", "trailer",
	"deleted", "sample", "extra", "other", "scene", "short", "clip"}

var reSamplePre = regexp.MustCompile(`(?i)^sample[-._ ]`)

// extraFolder returns the extra type of the files in a folder named dir.
func extraFolder(dir string) string {
	return extraFolders[fold(dir)]
}

// cutExtraSuffix removes the extra suffix of a file name ("Movie (2010)-trailer")
// and returns what is left and the extra type. "-word" works for every type;
// ".trailer", "_sample" and " trailer" only for trailers and samples, since
// "The.Interview" and "Short Term 12" are films. A name that is only the word
// ("trailer.mkv") is an extra too, and leaves nothing.
func cutExtraSuffix(base string) (rest, extra string) {
	if t, ok := extraWords[strings.ToLower(strings.TrimSpace(strings.TrimRight(base, " 0123456789")))]; ok {
		return "", t
	}
	if loc := reSamplePre.FindStringIndex(base); loc != nil && loc[1] < len(base) {
		return base[loc[1]:], ExtraSample
	}
	end := len(base)
	for end > 0 && len(base)-end < 2 && isDigit(base[end-1]) {
		end-- // -trailer2
	}
	for _, w := range extraSuffixes {
		if end < len(w) || !strings.EqualFold(base[end-len(w):end], w) {
			continue
		}
		i := end - len(w)
		for i > 0 && base[i-1] == ' ' {
			i--
		}
		sep := byte(' ')
		switch {
		case i > 0 && strings.IndexByte("-._", base[i-1]) >= 0:
			sep = base[i-1]
			for i--; i > 0 && base[i-1] == ' '; i-- {
			}
		case i == end-len(w):
			return base, "" // glued to a word: "Movietrailer"
		}
		if i == 0 || sep != '-' && w != "trailer" && w != "sample" {
			return base, ""
		}
		return base[:i], extraWords[w]
	}
	return base, ""
}
