// Package parentaltest holds what the facades' parental-control tests share: two small libraries
// whose NFO sidecars rate and tag their items, the controls of a restricted user, and a check
// that a response shows nothing the controls block.
package parentaltest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/walros/walros/core"
)

// MovieFiles and ShowFiles are the libraries' files, relative to their roots. Video files are
// placeholders: the facades' tests probe them with a fake prober. NFO sidecars give ratings,
// genres, tags and credits; each movie and series has a poster.
var (
	MovieFiles = map[string]string{
		"Family Film (2001)/Family Film (2001).mkv":   "",
		"Family Film (2001)/movie.nfo":                movieNFO("Family Film", "G", "Kidgenre", "", "Kind Actor"),
		"Grim Film (2002)/Grim Film (2002).mkv":       "",
		"Grim Film (2002)/movie.nfo":                  movieNFO("Grim Film", "R", "Grimgenre", "", "Grim Actor"),
		"Unrated Film (2003)/Unrated Film (2003).mkv": "",
		"Scary Film (2004)/Scary Film (2004).mkv":     "",
		"Scary Film (2004)/movie.nfo":                 movieNFO("Scary Film", "PG", "Scarygenre", "Horror", "Scary Actor"),
	}
	ShowFiles = map[string]string{
		"Adult Show/tvshow.nfo":                     showNFO("Adult Show", "TV-MA"),
		"Adult Show/Season 1/Adult Show S01E01.mkv": "",
		"Adult Show/Season 1/Adult Show S01E02.mkv": "",
		"Kid Show/tvshow.nfo":                       showNFO("Kid Show", "TV-Y"),
		"Kid Show/Season 1/Kid Show S01E01.mkv":     "",
		"Kid Show/Season 1/Kid Show S01E02.mkv":     "",
	}
)

// BlockedTitles are the movies and series Controls hide (with everything under them): over the
// level, unrated, tagged.
var BlockedTitles = []string{"Grim Film", "Unrated Film", "Scary Film", "Adult Show"}

// AllowedTitles are those it leaves.
var AllowedTitles = []string{"Family Film", "Kid Show"}

// BlockedNames are genres and people only blocked items have.
var BlockedNames = []string{"Grimgenre", "Scarygenre", "Grim Actor", "Scary Actor"}

// Controls are the restricted user's: PG at most, no unrated movie, nothing tagged horror.
func Controls() core.ParentalControls {
	ten := 10
	return core.ParentalControls{MaxLevel: &ten, BlockUnrated: []core.UnratedKind{core.UnratedMovie}, BlockedTags: []string{"horror"}}
}

func movieNFO(title, rating, genre, tag, actor string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<movie><title>%s</title><mpaa>%s</mpaa><genre>%s</genre><tag>%s</tag><actor><name>%s</name><role>Lead</role></actor></movie>`,
		title, rating, genre, tag, actor)
}

func showNFO(title, rating string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><tvshow><title>%s</title><mpaa>%s</mpaa></tvshow>`, title, rating)
}

// Write writes files under root, with a real JPEG poster in every folder that holds a video.
func Write(t testing.TB, root string, files map[string]string) {
	t.Helper()
	poster := jpegBytes(t)
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if content == "" {
			content = "not really media"
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".mkv") && strings.Count(name, "/") == 1 {
			if err := os.WriteFile(filepath.Join(filepath.Dir(p), "poster.jpg"), poster, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if strings.HasSuffix(name, "tvshow.nfo") {
			if err := os.WriteFile(filepath.Join(filepath.Dir(p), "poster.jpg"), poster, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func jpegBytes(t testing.TB) []byte {
	m := image.NewRGBA(image.Rect(0, 0, 8, 12))
	for x := range 8 {
		for y := range 12 {
			m.Set(x, y, color.RGBA{uint8(x * 30), uint8(y * 20), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Split sorts every item (as an unrestricted caller lists them) into blocked and allowed by title:
// an item is blocked when it or an ancestor has a blocked title. It fails the test when the
// libraries do not hold what the fixture expects, or when Controls disagree with the titles.
func Split(t testing.TB, all []core.Item) (blocked, allowed []core.Item) {
	t.Helper()
	byID := map[core.ItemID]core.Item{}
	for _, it := range all {
		byID[it.ID] = it
	}
	isBlocked := func(it core.Item) bool {
		for cur, ok := it, true; ok; cur, ok = byID[cur.ParentID] {
			for _, b := range BlockedTitles {
				if cur.Title == b {
					return true
				}
			}
		}
		return false
	}
	p := Controls()
	for _, it := range all {
		if isBlocked(it) {
			blocked = append(blocked, it)
		} else {
			allowed = append(allowed, it)
		}
		if isBlocked(it) == p.Allows(it) {
			t.Errorf("%s %q (level %v, tags %q): the controls and the fixture's titles disagree", it.Kind, it.Title, level(it), it.ParentalTags)
		}
	}
	// 4 movies, 2 series with a season and 2 episodes each.
	if len(all) < 12 || len(blocked) < 7 {
		t.Fatalf("the fixture holds %d items, %d blocked: the scan did not make what it should", len(all), len(blocked))
	}
	return blocked, allowed
}

func level(it core.Item) string {
	if it.RatingLevel == nil {
		return "unrated"
	}
	return fmt.Sprint(*it.RatingLevel)
}

// Markers returns what must not appear in a restricted user's responses: the blocked items' ids
// (as UUIDs with and without dashes) and titles, and the names only they carry. keys, when set,
// gives each item's other wire ids (Plex's ratingKey paths).
func Markers(blocked []core.Item, keys func(core.Item) []string) []string {
	var out []string
	for _, it := range blocked {
		id := string(it.ID)
		out = append(out, id, strings.ReplaceAll(id, "-", ""))
		if it.Kind == core.KindMovie || it.Kind == core.KindSeries {
			out = append(out, it.Title)
		}
		if keys != nil {
			out = append(out, keys(it)...)
		}
	}
	return append(out, BlockedNames...)
}

// Leak returns the first marker found in body, ignoring case, or "".
func Leak(body []byte, markers []string) string {
	low := bytes.ToLower(body)
	for _, m := range markers {
		if bytes.Contains(low, []byte(strings.ToLower(m))) {
			return m
		}
	}
	return ""
}

// Response is what a walk needs of an answer.
type Response struct {
	Code        int // 0: the request was not sent
	ContentType string
	Body        []byte
}

// Walk sends every request as the restricted user and fails the test when an answer shows a
// marker, serves the media of an item whose marker is in the path, or fails with a 5xx on such a
// path (the check must come before any work). It then walks as the admin and fails when, for one
// of the wanted categories, no answer met a blocked item: the walk must reach what it guards.
// A request is "METHOD /path?query"; category names the kind of route a path is.
func Walk(t testing.TB, reqs, markers []string, restricted, admin func(req string) Response, category func(req string) string, want []string) {
	t.Helper()
	walk := func(do func(string) Response, report bool) map[string]int {
		seen := map[string]int{}
		for _, r := range reqs {
			res := do(r)
			if res.Code == 0 {
				continue
			}
			path, _, _ := strings.Cut(r, "?")
			ok := res.Code >= 200 && res.Code < 300
			leak := Leak(res.Body, markers)
			blockedPath := Leak([]byte(path), markers) != ""
			ct := res.ContentType
			binary := ok && len(res.Body) > 0 && !strings.Contains(ct, "json") && !strings.Contains(ct, "xml") &&
				!strings.HasPrefix(ct, "text/plain")
			if ok && leak != "" || blockedPath && binary {
				seen[category(r)]++
			}
			if !report {
				continue
			}
			switch {
			case res.Code >= 500 && blockedPath:
				t.Errorf("%s: status %d: %.300s", r, res.Code, res.Body)
			case ok && leak != "":
				t.Errorf("%s shows %q to the restricted user: %.300s", r, leak, res.Body)
			case blockedPath && binary:
				t.Errorf("%s serves %s of a blocked item to the restricted user", r, ct)
			}
		}
		return seen
	}
	walk(restricted, true)
	seen := walk(admin, false)
	for _, c := range want {
		if seen[c] == 0 {
			t.Errorf("the admin's walk met no blocked item in %s routes (%v): the walk proves nothing there", c, seen)
		}
	}
	t.Logf("%d requests per walk; the admin met blocked items in %v", len(reqs), seen)
}

// Expand fills a route pattern's {parameters} with every value subst gives; a pattern with a
// parameter subst lacks expands to nothing.
func Expand(pattern string, subst map[string][]string) []string {
	i := strings.IndexByte(pattern, '{')
	if i < 0 {
		return []string{pattern}
	}
	j := strings.IndexByte(pattern[i:], '}') + i
	values, ok := subst[pattern[i+1:j]]
	if !ok {
		return nil
	}
	var out []string
	for _, v := range values {
		out = append(out, Expand(pattern[:i]+url.PathEscape(v)+pattern[j+1:], subst)...)
	}
	return out
}

// Parents returns the blocked items that hold or head others (movies, series, seasons): the
// values a walk puts in parent and series filters, where every blocked item goes in item
// parameters.
func Parents(blocked []core.Item) []core.Item {
	var out []core.Item
	for _, it := range blocked {
		if it.Kind != core.KindEpisode && it.Kind != core.KindTrack {
			out = append(out, it)
		}
	}
	return out
}
