package tmdb

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/walros/walros/core"
)

// series fetches a series' details with credits, external ids, content ratings and images.
func (p *Provider) series(ctx context.Context, id, lang string) (core.Metadata, error) {
	var d seriesDetails
	params := url.Values{
		"append_to_response":     {"credits,external_ids,content_ratings,images"},
		"include_image_language": {imageLanguages(lang)},
	}
	if err := p.get(ctx, "/tv/"+url.PathEscape(id), params, lang, &d); err != nil {
		return core.Metadata{}, fmt.Errorf("tmdb series %s: %w", id, err)
	}
	m := core.Metadata{
		Title:          d.Name,
		OriginalTitle:  d.OriginalName,
		Overview:       d.Overview,
		Tagline:        d.Tagline,
		Premiere:       parseDate(d.FirstAirDate),
		Year:           yearOf(d.FirstAirDate),
		CommunityScore: d.VoteAverage,
		Genres:         names(d.Genres),
		Studios:        names(d.Networks),
		Credits:        p.credits(d.Credits.Cast, d.Credits.Crew, core.PersonActor),
		Images:         p.artwork(d.PosterPath, d.BackdropPath, d.Images),
		ProviderIDs:    externalIDMap(d.ID, d.ExternalIDs),
		OfficialRating: contentRatingFor(d.ContentRatings.Results, region(lang)),
	}
	if len(m.Studios) == 0 { // web series often have no network
		m.Studios = names(d.ProductionCompanies)
	}
	if len(d.EpisodeRunTime) > 0 {
		m.Runtime = time.Duration(d.EpisodeRunTime[0]) * time.Minute
	}
	return m, nil
}

// contentRatingFor returns the series' rating in country, else in the US.
func contentRatingFor(ratings []contentRating, country string) string {
	for _, c := range []string{country, "US"} {
		for _, r := range ratings {
			if r.Country == c && r.Rating != "" {
				return r.Rating
			}
		}
	}
	return ""
}

// lookupSeason finds the series, then fetches the season.
func (p *Provider) lookupSeason(ctx context.Context, q core.LookupQuery, lang string) (core.Match, error) {
	if q.Season == nil {
		return core.Match{}, fmt.Errorf("tmdb season of %q: no season number: %w", q.SeriesTitle, core.ErrNotFound)
	}
	r, err := p.resolveSeries(ctx, q, lang)
	if err != nil {
		return core.Match{}, err
	}
	var d seasonDetails
	path := fmt.Sprintf("/tv/%s/season/%d", url.PathEscape(r.id), *q.Season)
	if err := p.get(ctx, path, url.Values{"append_to_response": {"external_ids"}}, lang, &d); err != nil {
		return core.Match{}, fmt.Errorf("tmdb series %s season %d: %w", r.id, *q.Season, err)
	}
	season := d.SeasonNumber
	m := core.Metadata{
		Title:          d.Name,
		Overview:       d.Overview,
		Premiere:       parseDate(d.AirDate),
		Year:           yearOf(d.AirDate),
		CommunityScore: d.VoteAverage,
		ProviderIDs:    externalIDMap(d.ID, d.ExternalIDs),
		Season:         &season,
	}
	if d.PosterPath != "" {
		m.Images = []core.Image{{Kind: core.ImagePrimary, URL: p.image(d.PosterPath)}}
	}
	return core.Match{Metadata: m, Score: r.score, Ambiguous: r.ambiguous}, nil
}

// lookupEpisode finds the series, then fetches the episode by season and number. TMDb numbers
// episodes within seasons only: an absolute number alone cannot be looked up here.
func (p *Provider) lookupEpisode(ctx context.Context, q core.LookupQuery, lang string) (core.Match, error) {
	if q.Season == nil || q.Episode == nil {
		return core.Match{}, fmt.Errorf("tmdb episode of %q: no season and episode numbers: %w", q.SeriesTitle, core.ErrNotFound)
	}
	r, err := p.resolveSeries(ctx, q, lang)
	if err != nil {
		return core.Match{}, err
	}
	var d episodeDetails
	path := fmt.Sprintf("/tv/%s/season/%d/episode/%d", url.PathEscape(r.id), *q.Season, *q.Episode)
	if err := p.get(ctx, path, url.Values{"append_to_response": {"external_ids"}}, lang, &d); err != nil {
		return core.Match{}, fmt.Errorf("tmdb series %s episode S%02dE%02d: %w", r.id, *q.Season, *q.Episode, err)
	}
	season, episode := d.SeasonNumber, d.EpisodeNumber
	m := core.Metadata{
		Title:          d.Name,
		Overview:       d.Overview,
		Premiere:       parseDate(d.AirDate),
		Year:           yearOf(d.AirDate),
		CommunityScore: d.VoteAverage,
		Runtime:        time.Duration(d.Runtime) * time.Minute,
		Credits:        p.credits(d.GuestStars, d.Crew, core.PersonGuestStar),
		ProviderIDs:    externalIDMap(d.ID, d.ExternalIDs),
		Season:         &season,
		Episode:        &episode,
	}
	if d.StillPath != "" {
		m.Images = []core.Image{{Kind: core.ImageThumb, URL: p.image(d.StillPath)}}
	}
	return core.Match{Metadata: m, Score: r.score, Ambiguous: r.ambiguous}, nil
}

// resolveSeries finds the TMDb id of the series a season or episode belongs to. The query's own
// title and year are the episode's, not the series', so the search uses neither.
func (p *Provider) resolveSeries(ctx context.Context, q core.LookupQuery, lang string) (resolved, error) {
	return p.resolve(ctx, series, q.SeriesProviderIDs, q.SeriesTitle, 0, lang)
}

// externalIDMap returns the provider ids of a TMDb object.
func externalIDMap(id int, ext externalIDs) map[string]string {
	ids := map[string]string{"tmdb": strconv.Itoa(id)}
	if ext.IMDbID != "" {
		ids["imdb"] = ext.IMDbID
	}
	if ext.TVDBID > 0 {
		ids["tvdb"] = strconv.Itoa(ext.TVDBID)
	}
	return ids
}
