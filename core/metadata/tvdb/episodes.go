package tvdb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/fetch"
)

// maxPages bounds the walk through an episode list. TVDB pages hold 500 episodes, so this
// covers the longest-running daily shows; a list that never ends is a broken answer.
const maxPages = 50

// episodeKeep are the people of an episode worth listing: the series' regulars belong to the
// series.
var episodeKeep = map[string]bool{"Guest Star": true, "Director": true, "Writer": true}

// lookupEpisode finds the series, then the episode in the list of the order its numbers follow:
// season and episode in the configured order (aired or DVD), or an absolute number alone (anime
// such as "One Piece - 1001") in TVDB's absolute order. The episode's details come from its
// extended record.
func (p *Provider) lookupEpisode(ctx context.Context, q core.LookupQuery, lang string) (core.Match, error) {
	var (
		seasonType string
		want       func(episodeRecord) bool
		numbers    string // for errors
	)
	switch {
	case q.Season != nil && q.Episode != nil:
		s, e := *q.Season, *q.Episode
		seasonType, numbers = p.order, fmt.Sprintf("S%02dE%02d", s, e)
		want = func(ep episodeRecord) bool { return ep.SeasonNumber == s && ep.Number == e }
	case q.Season == nil && q.Absolute != nil:
		abs := *q.Absolute
		seasonType, numbers = "absolute", fmt.Sprintf("absolute %d", abs)
		// Specials sit in season 0 of the absolute order too, numbered on their own.
		want = func(ep episodeRecord) bool { return ep.SeasonNumber > 0 && ep.Number == abs }
	default:
		return core.Match{}, fmt.Errorf("tvdb episode of %q: no season and episode numbers, nor an absolute one: %w",
			q.SeriesTitle, core.ErrNotFound)
	}
	r, err := p.resolveSeries(ctx, q)
	if err != nil {
		return core.Match{}, err
	}
	ep, listed, err := p.findEpisode(ctx, r.id, seasonType, want)
	switch {
	case err != nil && (seasonType == "default" || !errors.Is(err, core.ErrNotFound)):
		return core.Match{}, err
	case ep == nil && seasonType == "absolute":
		// Series without an absolute order still carry absolute numbers in the aired one.
		abs := *q.Absolute
		ep, _, err = p.findEpisode(ctx, r.id, "default", func(e episodeRecord) bool { return e.AbsoluteNumber == abs })
	case ep == nil && seasonType == "dvd" && listed == 0:
		// Most series have no DVD order: their DVDs follow the aired one.
		ep, _, err = p.findEpisode(ctx, r.id, "default", want)
	}
	if err != nil {
		return core.Match{}, err
	}
	if ep == nil {
		return core.Match{}, fmt.Errorf("tvdb series %s has no episode %s in its %s order: %w", r.id, numbers, seasonType, core.ErrNotFound)
	}
	d, err := p.episodeRecord(ctx, ep.ID)
	if err != nil {
		return core.Match{}, err
	}
	m := p.episodeMetadata(d, lang, country(q.Language))
	season, episode := ep.SeasonNumber, ep.Number
	if seasonType == "absolute" {
		// An absolute number has no field of its own: report where the episode aired.
		season, episode = d.SeasonNumber, d.Number
	}
	m.Season, m.Episode = &season, &episode
	return core.Match{Metadata: m, Score: r.score, Ambiguous: r.ambiguous}, nil
}

// findEpisode walks the series' episode list of seasonType page by page until want accepts an
// episode. It returns nil when none does, and how many episodes the list holds up to there.
func (p *Provider) findEpisode(ctx context.Context, seriesID, seasonType string, want func(episodeRecord) bool) (*episodeRecord, int, error) {
	path := "/series/" + url.PathEscape(seriesID) + "/episodes/" + seasonType
	listed := 0
	for page := range maxPages {
		var res envelope[episodeList]
		if err := p.get(ctx, path, url.Values{"page": {strconv.Itoa(page)}}, &res); err != nil {
			return nil, listed, fmt.Errorf("tvdb series %s %s episodes, page %d: %w", seriesID, seasonType, page, err)
		}
		for i, e := range res.Data.Episodes {
			if want(e) {
				return &res.Data.Episodes[i], listed + i + 1, nil
			}
		}
		listed += len(res.Data.Episodes)
		if res.Links.Next == "" || len(res.Data.Episodes) == 0 {
			return nil, listed, nil
		}
	}
	return nil, listed, fmt.Errorf("tvdb series %s %s episodes: %w: more than %d pages", seriesID, seasonType, fetch.ErrMalformed, maxPages)
}

// episodeRecord fetches an episode's extended record with its translations.
func (p *Provider) episodeRecord(ctx context.Context, id int) (episodeExtended, error) {
	var res envelope[episodeExtended]
	path := "/episodes/" + strconv.Itoa(id) + "/extended"
	if err := p.get(ctx, path, url.Values{"meta": {"translations"}}, &res); err != nil {
		return episodeExtended{}, fmt.Errorf("tvdb episode %d: %w", id, err)
	}
	if res.Data.ID == 0 {
		return episodeExtended{}, fmt.Errorf("tvdb episode %d: %w: no record in the answer", id, fetch.ErrMalformed)
	}
	return res.Data, nil
}

// episodeMetadata maps an episode's extended record, with its texts in lang.
func (p *Provider) episodeMetadata(d episodeExtended, lang, country string) core.Metadata {
	m := core.Metadata{
		Title:          translated(d.Translations.Names, lang, func(t translation) string { return t.Name }, d.Name),
		Overview:       translated(d.Translations.Overviews, lang, func(t translation) string { return t.Overview }, d.Overview),
		Premiere:       parseDate(d.Aired),
		Year:           cmp.Or(yearOf(d.Aired), yearOf(string(d.Year))),
		Runtime:        time.Duration(d.Runtime) * time.Minute,
		Credits:        p.credits(d.Characters, episodeKeep),
		ProviderIDs:    providerIDs(d.ID, d.RemoteIDs),
		OfficialRating: rating(d.ContentRatings, country),
	}
	if d.Name != m.Title {
		m.OriginalTitle = d.Name
	}
	if d.Image != "" {
		m.Images = []core.Image{{Kind: core.ImageThumb, URL: p.image(d.Image)}}
	}
	return m
}
