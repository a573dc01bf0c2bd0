package tvdb

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
	"github.com/walros/walros/core/metadata/fetch"
)

// maxActors is how many of the billed cast are kept: the rest are extras nobody browses.
const maxActors = 20

// maxImages is how many images of each kind are kept, best first.
const maxImages = 10

// artworkKinds maps TVDB's series artwork type ids (GET /artwork/types) to image kinds.
var artworkKinds = map[int]core.ImageKind{
	1:  core.ImageBanner,
	2:  core.ImagePrimary, // poster
	3:  core.ImageBackdrop,
	22: core.ImageArt,  // clearart
	23: core.ImageLogo, // clearlogo
}

// artworkOrder is the order of image kinds in Metadata.Images.
var artworkOrder = []core.ImageKind{core.ImagePrimary, core.ImageBackdrop, core.ImageBanner, core.ImageLogo, core.ImageArt}

// personKinds maps TVDB's people types to person kinds; the others (crew, host...) are dropped.
var personKinds = map[string]core.PersonKind{
	"Actor":      core.PersonActor,
	"Guest Star": core.PersonGuestStar,
	"Director":   core.PersonDirector,
	"Writer":     core.PersonWriter,
	"Producer":   core.PersonProducer,
}

// seriesRecord fetches a series' extended record with its translations, characters and artwork.
func (p *Provider) seriesRecord(ctx context.Context, id string) (seriesRecord, error) {
	var res envelope[seriesRecord]
	params := url.Values{"meta": {"translations"}, "short": {"false"}}
	if err := p.get(ctx, "/series/"+url.PathEscape(id)+"/extended", params, &res); err != nil {
		return seriesRecord{}, fmt.Errorf("tvdb series %s: %w", id, err)
	}
	if res.Data.ID == 0 {
		return seriesRecord{}, fmt.Errorf("tvdb series %s: %w: no record in the answer", id, fetch.ErrMalformed)
	}
	return res.Data, nil
}

// seriesMetadata maps a series record, with its texts in lang and its rating in country.
// TVDB's score measures popularity, not quality: CommunityScore stays unknown.
func (p *Provider) seriesMetadata(d seriesRecord, lang, country string) core.Metadata {
	m := core.Metadata{
		Title:          translated(d.Translations.Names, lang, func(t translation) string { return t.Name }, d.Name),
		Overview:       translated(d.Translations.Overviews, lang, func(t translation) string { return t.Overview }, d.Overview),
		Premiere:       parseDate(d.FirstAired),
		Year:           cmp.Or(yearOf(string(d.Year)), yearOf(d.FirstAired)),
		Runtime:        time.Duration(d.AverageRuntime) * time.Minute,
		Genres:         genreNames(d.Genres),
		Studios:        studios(d.OriginalNetwork, d.Companies),
		Credits:        p.credits(d.Characters, map[string]bool{"Actor": true}),
		Images:         p.artwork(d.Image, d.Artworks, lang),
		ProviderIDs:    providerIDs(d.ID, d.RemoteIDs),
		OfficialRating: rating(d.ContentRatings, country),
	}
	if d.Name != m.Title {
		m.OriginalTitle = d.Name
	}
	return m
}

// translated returns the text of the translation in lang, else in English, else fallback (the
// original language's). Aliases are other names, not translations.
func translated(ts []translation, lang string, text func(translation) string, fallback string) string {
	for _, l := range []string{lang, "eng"} {
		for _, t := range ts {
			if t.Language == l && !t.IsAlias && strings.TrimSpace(text(t)) != "" {
				return strings.TrimSpace(text(t))
			}
		}
	}
	return strings.TrimSpace(fallback)
}

// studios lists the original network, then the other networks and studios, once each.
func studios(network company, cs []company) []string {
	var out []string
	add := func(name string) {
		if name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	add(network.Name)
	for _, kind := range []int{companyNetwork, companyStudio} {
		for _, c := range cs {
			if c.PrimaryCompanyType == kind {
				add(c.Name)
			}
		}
	}
	return out
}

// credits maps the people whose type keep accepts, by TVDB's sort order, at most maxActors
// actors and guest stars. Their headshot is the picture, else their character's.
func (p *Provider) credits(cs []character, keep map[string]bool) []core.Credit {
	cs = slices.Clone(cs)
	slices.SortStableFunc(cs, func(a, b character) int { return cmp.Compare(a.Sort, b.Sort) })
	var out []core.Credit
	cast := 0
	for _, c := range cs {
		kind, ok := personKinds[c.PeopleType]
		if !ok || !keep[c.PeopleType] || c.PersonName == "" {
			continue
		}
		if kind == core.PersonActor || kind == core.PersonGuestStar {
			if cast == maxActors {
				continue
			}
			cast++
		}
		out = append(out, core.Credit{Name: c.PersonName, Kind: kind, Role: c.Name, Order: len(out),
			Thumb: p.image(cmp.Or(c.PersonImgURL, c.Image))})
	}
	return out
}

// artwork lists images by kind (artworkOrder), the record's own poster first; within a kind,
// those in lang, then those without text, then English ones, each by TVDB's score.
func (p *Provider) artwork(poster string, as []artwork, lang string) []core.Image {
	rank := func(a artwork) int {
		switch a.Language {
		case lang:
			return 0
		case "":
			return 1
		case "eng":
			return 2
		}
		return 3
	}
	as = slices.Clone(as)
	slices.SortStableFunc(as, func(a, b artwork) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(b.Score, a.Score))
	})
	var out []core.Image
	for _, kind := range artworkOrder {
		var urls []string
		if kind == core.ImagePrimary && poster != "" {
			urls = append(urls, p.image(poster))
		}
		for _, a := range as {
			if artworkKinds[a.Type] == kind && a.Image != "" && !slices.Contains(urls, p.image(a.Image)) {
				urls = append(urls, p.image(a.Image))
			}
		}
		for _, u := range urls[:min(len(urls), maxImages)] {
			out = append(out, core.Image{Kind: kind, URL: u})
		}
	}
	return out
}

// providerIDs returns the tvdb id and the IMDb and TMDb ids among the remote ids. TVDB names
// their sources "IMDB" (type 2) and "TheMovieDB.com" (type 12).
func providerIDs(id int, remote []remoteID) map[string]string {
	ids := map[string]string{"tvdb": strconv.Itoa(id)}
	for _, r := range remote {
		v := strings.TrimSpace(string(r.ID))
		switch {
		case v == "":
		case strings.EqualFold(r.SourceName, "IMDB") || r.Type == 2:
			ids["imdb"] = v
		case strings.EqualFold(r.SourceName, "TheMovieDB.com") || r.Type == 12:
			ids["tmdb"] = v
		}
	}
	return ids
}

// rating returns the content rating in country, else in the US.
func rating(rs []contentRating, country string) string {
	for _, c := range []string{country, "usa"} {
		for _, r := range rs {
			if strings.EqualFold(r.Country, c) && r.Name != "" {
				return r.Name
			}
		}
	}
	return ""
}

// lookupSeason finds the series, then the season among its seasons of the configured order.
func (p *Provider) lookupSeason(ctx context.Context, q core.LookupQuery) (core.Match, error) {
	if q.Season == nil {
		return core.Match{}, fmt.Errorf("tvdb season of %q: no season number: %w", q.SeriesTitle, core.ErrNotFound)
	}
	r, err := p.resolveSeries(ctx, q)
	if err != nil {
		return core.Match{}, err
	}
	d, err := p.seriesRecord(ctx, r.id)
	if err != nil {
		return core.Match{}, err
	}
	want := "official" // the season type named "default" in episode paths
	if p.order == "dvd" {
		want = "dvd"
	}
	for _, s := range d.Seasons {
		if s.Type.Type != want || s.Number != *q.Season {
			continue
		}
		n := s.Number
		m := core.Metadata{Title: s.Name, Year: yearOf(string(s.Year)), Season: &n,
			ProviderIDs: map[string]string{"tvdb": strconv.Itoa(s.ID)}}
		if m.Title == "" {
			m.Title = "Season " + strconv.Itoa(n)
			if n == 0 {
				m.Title = "Specials"
			}
		}
		if s.Image != "" {
			m.Images = []core.Image{{Kind: core.ImagePrimary, URL: p.image(s.Image)}}
		}
		return core.Match{Metadata: m, Score: r.score, Ambiguous: r.ambiguous}, nil
	}
	return core.Match{}, fmt.Errorf("tvdb series %s has no %s season %d: %w", r.id, want, *q.Season, core.ErrNotFound)
}

func genreNames(gs []named) []string {
	var out []string
	for _, g := range gs {
		if g.Name != "" {
			out = append(out, g.Name)
		}
	}
	return out
}

// parseDate reads TVDB's "2006-01-02" dates; an empty or odd one is unknown.
func parseDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
