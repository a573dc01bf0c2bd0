package tmdb

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

// maxActors is how many of the billed cast are kept: the rest are extras nobody browses.
const maxActors = 20

// maxImages is how many images of each kind are kept, best first.
const maxImages = 10

// movie fetches a movie's details with credits, images, external ids and release dates in one
// request (append_to_response).
func (p *Provider) movie(ctx context.Context, id, lang string) (core.Metadata, error) {
	var d movieDetails
	params := url.Values{
		"append_to_response":     {"credits,images,external_ids,release_dates"},
		"include_image_language": {imageLanguages(lang)},
	}
	if err := p.get(ctx, "/movie/"+url.PathEscape(id), params, lang, &d); err != nil {
		return core.Metadata{}, fmt.Errorf("tmdb movie %s: %w", id, err)
	}
	premiere := parseDate(d.ReleaseDate)
	m := core.Metadata{
		Title:          d.Title,
		OriginalTitle:  d.OriginalTitle,
		Overview:       d.Overview,
		Tagline:        d.Tagline,
		Premiere:       premiere,
		Year:           yearOf(d.ReleaseDate),
		CommunityScore: d.VoteAverage,
		Runtime:        time.Duration(d.Runtime) * time.Minute,
		Genres:         names(d.Genres),
		Studios:        names(d.ProductionCompanies),
		Credits:        p.credits(d.Credits.Cast, d.Credits.Crew, core.PersonActor),
		Images:         p.artwork(d.PosterPath, d.BackdropPath, d.Images),
		ProviderIDs:    map[string]string{"tmdb": strconv.Itoa(d.ID)},
		OfficialRating: certification(d.ReleaseDates.Results, region(lang)),
	}
	if d.BelongsToCollection != nil {
		m.Collection = d.BelongsToCollection.Name
	}
	if imdb := cmp.Or(d.ExternalIDs.IMDbID, d.IMDbID); imdb != "" {
		m.ProviderIDs["imdb"] = imdb
	}
	return m, nil
}

// certification returns the movie's rating in country, else in the US: the theatrical release's
// when it has one, since re-releases and TV airings are often re-rated.
func certification(results []countryReleases, country string) string {
	for _, c := range []string{country, "US"} {
		for _, r := range results {
			if r.Country != c {
				continue
			}
			best := ""
			for _, d := range r.ReleaseDates {
				if d.Certification == "" {
					continue
				}
				if d.Type == 3 {
					return d.Certification
				}
				if best == "" {
					best = d.Certification
				}
			}
			if best != "" {
				return best
			}
		}
	}
	return ""
}

// credits maps cast (as actors or guest stars, by billing order, the first maxActors) and the
// crew jobs Walros shows. A person credited twice for one kind ("Screenplay" and "Writer") is
// listed once.
func (p *Provider) credits(cast []castMember, crew []crewMember, actorKind core.PersonKind) []core.Credit {
	cast = slices.Clone(cast)
	slices.SortStableFunc(cast, func(a, b castMember) int { return a.Order - b.Order })
	var out []core.Credit
	for i, c := range cast[:min(len(cast), maxActors)] {
		out = append(out, core.Credit{Name: c.Name, Kind: actorKind, Role: c.Character, Order: i,
			Thumb: p.image(c.ProfilePath)})
	}
	seen := map[string]bool{}
	for _, c := range crew {
		kind, ok := crewKinds[c.Job]
		if !ok || seen[string(kind)+"\x00"+c.Name] {
			continue
		}
		seen[string(kind)+"\x00"+c.Name] = true
		out = append(out, core.Credit{Name: c.Name, Kind: kind, Order: len(out), Thumb: p.image(c.ProfilePath)})
	}
	return out
}

// crewKinds maps TMDb crew jobs to person kinds.
var crewKinds = map[string]core.PersonKind{
	"Director":                core.PersonDirector,
	"Screenplay":              core.PersonWriter,
	"Writer":                  core.PersonWriter,
	"Teleplay":                core.PersonWriter,
	"Producer":                core.PersonProducer,
	"Original Music Composer": core.PersonComposer,
}

// artwork lists the main poster and backdrop first, then TMDb's other images of each kind.
func (p *Provider) artwork(poster, backdrop string, im images) []core.Image {
	var out []core.Image
	add := func(kind core.ImageKind, first string, more []imageFile) {
		paths := []string{first}
		for _, f := range more {
			paths = append(paths, f.FilePath)
		}
		n := 0
		seen := map[string]bool{}
		for _, path := range paths {
			if path == "" || seen[path] || n == maxImages {
				continue
			}
			seen[path] = true
			n++
			out = append(out, core.Image{Kind: kind, URL: p.image(path)})
		}
	}
	add(core.ImagePrimary, poster, im.Posters)
	add(core.ImageBackdrop, backdrop, im.Backdrops)
	add(core.ImageLogo, "", im.Logos)
	return out
}

// imageLanguages asks for images in the language and for those without text: TMDb otherwise
// filters appended images by the language alone.
func imageLanguages(lang string) string {
	base, _, _ := strings.Cut(lang, "-")
	if base == "" || base == "en" {
		return "en,null"
	}
	return base + ",en,null"
}

// region returns the country of a BCP 47 tag ("US" for "en-US"), US when it has none.
func region(lang string) string {
	if _, r, ok := strings.Cut(lang, "-"); ok && len(r) == 2 {
		return strings.ToUpper(r)
	}
	return "US"
}

func names(ns []named) []string {
	var out []string
	for _, n := range ns {
		if n.Name != "" {
			out = append(out, n.Name)
		}
	}
	return out
}

// parseDate reads TMDb's "2006-01-02" dates; an empty or odd one is unknown.
func parseDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func yearOf(s string) int {
	if len(s) < 4 {
		return 0
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil {
		return 0
	}
	return y
}
