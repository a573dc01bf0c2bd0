package spotify

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zmb3/spotify/v2"

	"github.com/walros/walros/core"
	"github.com/walros/walros/core/metadata/match"
)

// threshold is the lowest score a search candidate needs: an exact name alone scores 0.85.
const threshold = 0.6

// ambiguity is how close the runner-up may come before an admin should confirm the match.
const ambiguity = 0.05

// artistFloor is how close one of an album's artists must be to the query's album artist for
// the album to be a candidate: "Greatest Hits" by someone else is not a match.
const artistFloor = 0.6

// lookupArtist finds an artist by id, else by name.
func (p *Provider) lookupArtist(ctx context.Context, q core.LookupQuery) (core.Match, error) {
	if id, ok := knownID(q.ProviderIDs, "artist"); ok {
		a, err := p.api.GetArtist(ctx, id)
		err = classify(err)
		if err == nil {
			return core.Match{Metadata: artistMetadata(a), Score: 1}, nil
		}
		if !fallBack(err, q.Title) {
			return core.Match{}, fmt.Errorf("spotify artist %s: %w", id, err)
		}
	}
	if strings.TrimSpace(q.Title) == "" {
		return core.Match{}, fmt.Errorf("spotify artist: no id nor name to look up: %w", core.ErrNotFound)
	}
	res, err := p.api.Search(ctx, searchText(q.Title), spotify.SearchTypeArtist, spotify.Limit(searchLimit))
	if err != nil {
		return core.Match{}, fmt.Errorf("spotify search artist %q: %w", q.Title, classify(err))
	}
	var found []spotify.FullArtist
	if res.Artists != nil {
		found = res.Artists.Artists
	}
	// Artists have no year to agree on; namesakes tie and keep Spotify's order (popularity).
	best, score, ambiguous := match.Pick(q.Title, 0, found, func(a spotify.FullArtist) match.Candidate {
		return match.Candidate{Titles: []string{a.Name}}
	}, match.Options{Threshold: threshold, Margin: ambiguity})
	if best.ID == "" {
		return core.Match{}, fmt.Errorf("spotify search artist %q: no good match: %w", q.Title, core.ErrNotFound)
	}
	// Search results are full artist objects: no second request.
	return core.Match{Metadata: artistMetadata(&best), Score: score, Ambiguous: ambiguous}, nil
}

// lookupAlbum finds an album by id, else by title (q.Title), album artist (q.SeriesTitle) and
// year, then fetches its full record.
func (p *Provider) lookupAlbum(ctx context.Context, q core.LookupQuery) (core.Match, error) {
	if id, ok := knownID(q.ProviderIDs, "album"); ok {
		a, err := p.album(ctx, id)
		if err == nil {
			return p.albumMatch(ctx, a, 1, false)
		}
		if !fallBack(err, q.Title) {
			return core.Match{}, err
		}
	}
	if strings.TrimSpace(q.Title) == "" {
		return core.Match{}, fmt.Errorf("spotify album: no id nor title to look up: %w", core.ErrNotFound)
	}
	text := "album:" + searchText(q.Title)
	if strings.TrimSpace(q.SeriesTitle) != "" {
		text += " artist:" + searchText(q.SeriesTitle)
	}
	res, err := p.api.Search(ctx, text, spotify.SearchTypeAlbum, spotify.Limit(searchLimit))
	if err != nil {
		return core.Match{}, fmt.Errorf("spotify search album %q: %w", q.Title, classify(err))
	}
	var found []spotify.SimpleAlbum
	if res.Albums != nil {
		for _, a := range res.Albums.Albums {
			if byArtist(a, q.SeriesTitle) {
				found = append(found, a)
			}
		}
	}
	best, score, ambiguous := match.Pick(q.Title, q.Year, found, func(a spotify.SimpleAlbum) match.Candidate {
		return match.Candidate{Titles: []string{a.Name}, Year: releaseYear(a.ReleaseDate)}
	}, match.Options{Threshold: threshold, Margin: ambiguity})
	if best.ID == "" {
		return core.Match{}, fmt.Errorf("spotify search album %q by %q (%d): no good match: %w",
			q.Title, q.SeriesTitle, q.Year, core.ErrNotFound)
	}
	a, err := p.album(ctx, best.ID)
	if err != nil {
		return core.Match{}, err
	}
	return p.albumMatch(ctx, a, score, ambiguous)
}

// albumMatch maps a, borrowing its first artist's genres when Spotify gives the album none (it
// nearly never does). Failing to fetch them costs the genres, not the match.
func (p *Provider) albumMatch(ctx context.Context, a *fullAlbum, score float64, ambiguous bool) (core.Match, error) {
	m := albumMetadata(a)
	if len(m.Genres) == 0 && len(a.Artists) > 0 {
		artist, err := p.api.GetArtist(ctx, a.Artists[0].ID)
		switch {
		case err == nil:
			m.Genres = genres(artist.Genres)
		case ctx.Err() != nil:
			return core.Match{}, fmt.Errorf("spotify artist %s: %w", a.Artists[0].ID, err)
		}
	}
	return core.Match{Metadata: m, Score: score, Ambiguous: ambiguous}, nil
}

// byArtist reports whether one of a's artists is close to artist (any, when artist is empty).
func byArtist(a spotify.SimpleAlbum, artist string) bool {
	if strings.TrimSpace(artist) == "" {
		return true
	}
	for _, ar := range a.Artists {
		if match.Similarity(ar.Name, artist, nil) >= artistFloor {
			return true
		}
	}
	return false
}

// searchText turns a title into search words: Spotify reads "field:" filters and quotes in q,
// so a title such as `AC/DC: "Back (In) Black"` must not carry them.
func searchText(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer(":", " ", `"`, " ").Replace(s)), " ")
}

func artistMetadata(a *spotify.FullArtist) core.Metadata {
	return core.Metadata{Title: a.Name, Genres: genres(a.Genres), Images: primary(a.Images),
		ProviderIDs: map[string]string{"spotify": string(a.ID)}}
}

func albumMetadata(a *fullAlbum) core.Metadata {
	m := core.Metadata{Title: a.Name, Genres: genres(a.Genres), Images: primary(a.Images),
		ProviderIDs: map[string]string{"spotify": string(a.ID)}}
	m.Year = releaseYear(a.ReleaseDate)
	m.Premiere = releaseDate(a.ReleaseDate, a.ReleaseDatePrecision)
	if l := strings.TrimSpace(a.Label); l != "" {
		m.Studios = []string{l}
	}
	return m
}

// genres drops empty names; Spotify's are already lower-case words ("hard rock").
func genres(gs []string) []string {
	var out []string
	for _, g := range gs {
		if g = strings.TrimSpace(g); g != "" {
			out = append(out, g)
		}
	}
	return out
}

// primary returns the largest image as the primary one: Spotify lists 640, 300 and 64 px
// sizes, usually largest first, but does not promise the order.
func primary(imgs []spotify.Image) []core.Image {
	best := -1
	for i, img := range imgs {
		if img.URL != "" && (best < 0 || img.Width*img.Height > imgs[best].Width*imgs[best].Height) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	return []core.Image{{Kind: core.ImagePrimary, URL: imgs[best].URL}}
}

// releaseYear reads the year of a release_date ("1980", "1980-07" or "1980-07-25").
func releaseYear(date string) int {
	if len(date) < 4 {
		return 0
	}
	y, _ := strconv.Atoi(date[:4])
	return y
}

// releaseDate reads a release_date at its precision. A month-precise date is dated the first
// of the month; a year alone gives no date, only Year, rather than inventing 1 January.
func releaseDate(date, precision string) time.Time {
	layout := map[string]string{"day": "2006-01-02", "month": "2006-01"}[precision]
	if layout == "" {
		return time.Time{}
	}
	t, err := time.Parse(layout, date)
	if err != nil {
		return time.Time{}
	}
	return t
}
