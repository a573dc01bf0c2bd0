package jellyfin

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/walros/walros/core"
)

// Parental controls in Jellyfin's words: UserPolicy's MaxParentalRating (Jellyfin 10.9 and later
// use the same age scale as core.RatingLevel), BlockUnratedItems, BlockedTags and AccessSchedules.

// parentalRating is Jellyfin's ParentalRating.
type parentalRating struct {
	Name        string      `json:"Name"`
	Value       int         `json:"Value"`
	RatingScore ratingScore `json:"RatingScore"`
}

type ratingScore struct {
	Score    int  `json:"score"`
	SubScore *int `json:"subScore"`
}

// parentalRatings answers /Localization/ParentalRatings: the choices of the parental control form.
func parentalRatings(c *gin.Context) {
	out := []parentalRating{}
	for _, r := range core.RatingNames() {
		out = append(out, parentalRating{Name: r.Name, Value: r.Level, RatingScore: ratingScore{Score: r.Level}})
	}
	writeJSON(c, http.StatusOK, out)
}

// accessSchedule is Jellyfin's AccessSchedule.
type accessSchedule struct {
	DayOfWeek string  `json:"DayOfWeek"`
	StartHour float64 `json:"StartHour"`
	EndHour   float64 `json:"EndHour"`
}

// unratedItems maps Jellyfin's UnratedItem names to core's groups; Jellyfin's other names
// (Trailer, Book, LiveTvChannel...) name things Walros does not have.
var unratedItems = map[string]core.UnratedKind{"Movie": core.UnratedMovie, "Series": core.UnratedSeries,
	"Music": core.UnratedMusic, "Other": core.UnratedOther, "Video": core.UnratedVideo}

// parentalPolicy is the parental part of Jellyfin's UserPolicy.
type parentalPolicy struct {
	MaxParentalRating *int             `json:"MaxParentalRating"`
	BlockUnratedItems []string         `json:"BlockUnratedItems"`
	BlockedTags       []string         `json:"BlockedTags"`
	AllowedTags       []string         `json:"AllowedTags"`
	AccessSchedules   []accessSchedule `json:"AccessSchedules"`
}

func toParentalPolicy(p core.ParentalControls) parentalPolicy {
	out := parentalPolicy{MaxParentalRating: p.MaxLevel, BlockUnratedItems: []string{}, BlockedTags: slices.Clone(p.BlockedTags),
		AllowedTags: []string{}, AccessSchedules: []accessSchedule{}}
	if out.BlockedTags == nil {
		out.BlockedTags = []string{}
	}
	for name, k := range unratedItems {
		if slices.Contains(p.BlockUnrated, k) {
			out.BlockUnratedItems = append(out.BlockUnratedItems, name)
		}
	}
	slices.Sort(out.BlockUnratedItems)
	for _, w := range p.Schedule {
		day := string(w.Day)
		out.AccessSchedules = append(out.AccessSchedules, accessSchedule{DayOfWeek: strings.ToUpper(day[:1]) + day[1:],
			StartHour: w.Start, EndHour: w.End})
	}
	return out
}

// parental reads the policy's parental controls; unknown unrated groups are ignored, as Walros has
// no such items.
func (p parentalPolicy) parental() core.ParentalControls {
	out := core.ParentalControls{MaxLevel: p.MaxParentalRating, BlockedTags: p.BlockedTags}
	for _, name := range p.BlockUnratedItems {
		if k, ok := unratedItems[name]; ok {
			out.BlockUnrated = append(out.BlockUnrated, k)
		}
	}
	for _, s := range p.AccessSchedules {
		out.Schedule = append(out.Schedule, core.AccessWindow{Day: core.Day(s.DayOfWeek), Start: s.StartHour, End: s.EndHour})
	}
	return out
}
