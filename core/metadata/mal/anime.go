package mal

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/walros/walros/core"
)

// perPage is how many episodes a page of GET /anime/{id}/episodes holds.
const perPage = 100

// maxPagesAhead bounds the walk past the page an episode number points to: MyAnimeList numbers
// episodes from 1 without gaps, so the first page is nearly always the right one.
const maxPagesAhead = 2

// titleTypes maps the language of a BCP 47 tag to the type of its title in titles[].
var titleTypes = map[string]string{"en": "English", "ja": "Japanese", "fr": "French", "de": "German", "es": "Spanish"}

// metadata maps an anime, titled in lang.
func metadata(a anime, lang string) core.Metadata {
	m := core.Metadata{
		Title:          titleIn(a, lang),
		Overview:       synopsis(a.Synopsis),
		Premiere:       parseTime(a.Aired.From),
		Year:           a.year(),
		CommunityScore: a.Score,
		OfficialRating: ratingCode(a.Rating),
		Runtime:        parseDuration(a.Duration),
		Genres:         names(a.Genres, a.Themes),
		Studios:        names(a.Studios),
		ProviderIDs:    map[string]string{"mal": strconv.Itoa(a.MalID)},
	}
	if a.TitleJapanese != m.Title {
		m.OriginalTitle = a.TitleJapanese
	}
	if img := cmp.Or(a.Images.JPG.LargeImageURL, a.Images.JPG.ImageURL); img != "" {
		m.Images = []core.Image{{Kind: core.ImagePrimary, URL: img}}
	}
	return m
}

// titleIn returns a's title in lang, else its default (romanized) title.
func titleIn(a anime, lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	typ := titleTypes[base]
	switch typ {
	case "English":
		if a.TitleEnglish != "" {
			return a.TitleEnglish
		}
	case "Japanese":
		if a.TitleJapanese != "" {
			return a.TitleJapanese
		}
	}
	def := a.Title
	for _, t := range a.Titles {
		switch {
		case typ != "" && t.Type == typ && t.Title != "":
			return t.Title
		case t.Type == "Default" && def == "":
			def = t.Title
		}
	}
	return def
}

// synopsis drops MyAnimeList's credit line ("[Written by MAL Rewrite]") from a synopsis.
func synopsis(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "[Written by "); i >= 0 && strings.HasSuffix(s, "]") {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// ratingCode returns the code of a MyAnimeList rating: "PG-13" for "PG-13 - Teens 13 or older".
func ratingCode(s string) string {
	code, _, _ := strings.Cut(s, " - ")
	return strings.TrimSpace(code)
}

// parseDuration reads MyAnimeList durations: "24 min per ep", "2 hr 4 min", "45 sec per ep".
func parseDuration(s string) time.Duration {
	var d time.Duration
	fields := strings.Fields(s)
	for i := 0; i+1 < len(fields); i++ {
		n, err := strconv.Atoi(fields[i])
		if err != nil {
			continue
		}
		switch unit := strings.TrimSuffix(strings.ToLower(fields[i+1]), "."); {
		case strings.HasPrefix(unit, "hr"), strings.HasPrefix(unit, "hour"):
			d += time.Duration(n) * time.Hour
		case strings.HasPrefix(unit, "min"):
			d += time.Duration(n) * time.Minute
		case strings.HasPrefix(unit, "sec"):
			d += time.Duration(n) * time.Second
		}
	}
	return d
}

// parseTime reads Jikan's ISO 8601 times; an empty or odd one is unknown.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// names lists the names of entities, once each.
func names(lists ...[]entity) []string {
	var out []string
	for _, l := range lists {
		for _, e := range l {
			if e.Name != "" && !slices.Contains(out, e.Name) {
				out = append(out, e.Name)
			}
		}
	}
	return out
}

// lookupEpisode finds the anime, then the episode by its number within it. MyAnimeList numbers
// the episodes of each entry from 1, and gives each season of most anime an entry of its own, so
// only an absolute number, or an episode of season 1, can be looked up.
func (p *Provider) lookupEpisode(ctx context.Context, q core.LookupQuery) (core.Match, error) {
	var n int
	switch {
	case q.Absolute != nil:
		n = *q.Absolute
	case q.Episode != nil && (q.Season == nil || *q.Season == 1):
		n = *q.Episode
	default:
		return core.Match{}, fmt.Errorf("mal episode of %q: no absolute number nor episode of season 1: %w", q.SeriesTitle, core.ErrNotFound)
	}
	if n < 1 {
		return core.Match{}, fmt.Errorf("mal episode %d of %q: %w", n, q.SeriesTitle, core.ErrNotFound)
	}
	r, err := p.resolve(ctx, "tv", q.SeriesProviderIDs, q.SeriesTitle, 0)
	if err != nil {
		return core.Match{}, err
	}
	ep, err := p.findEpisode(ctx, r.id, n)
	if err != nil {
		return core.Match{}, err
	}
	m := core.Metadata{Title: ep.Title, Premiere: parseTime(ep.Aired), Episode: &n}
	if !m.Premiere.IsZero() {
		m.Year = m.Premiere.Year()
	}
	if ep.TitleJapanese != ep.Title {
		m.OriginalTitle = ep.TitleJapanese
	}
	if q.Season != nil {
		season := *q.Season
		m.Season = &season
	}
	return core.Match{Metadata: m, Score: r.score, Ambiguous: r.ambiguous}, nil
}

// findEpisode fetches the page where episode n should be, and the next ones while the numbers
// stay below n.
func (p *Provider) findEpisode(ctx context.Context, id string, n int) (episode, error) {
	first := (n-1)/perPage + 1
	for page := first; page <= first+maxPagesAhead; page++ {
		var res episodesResponse
		u := p.base + "/anime/" + url.PathEscape(id) + "/episodes?" + url.Values{"page": {strconv.Itoa(page)}}.Encode()
		if err := p.client.GetJSON(ctx, u, nil, &res); err != nil {
			return episode{}, fmt.Errorf("mal anime %s episodes, page %d: %w", id, page, err)
		}
		last := 0
		for _, e := range res.Data {
			if e.MalID == n {
				return e, nil
			}
			last = max(last, e.MalID)
		}
		if len(res.Data) == 0 || !res.Pagination.HasNextPage || last > n {
			break
		}
	}
	return episode{}, fmt.Errorf("mal anime %s has no episode %d: %w", id, n, core.ErrNotFound)
}
