package native

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/walros/walros/core"
)

// parentalDTO is a user's parental controls on the wire.
type parentalDTO struct {
	// MaxRatingLevel is the highest rating level allowed (0 to 21, an age: PG-13 is 13); null
	// allows any. A request may name a rating in MaxRating instead ("PG-13", "FSK 12").
	MaxRatingLevel *int        `json:"maxRatingLevel"`
	MaxRating      string      `json:"maxRating,omitempty"`
	BlockUnrated   []string    `json:"blockUnrated"`
	BlockedTags    []string    `json:"blockedTags"`
	Schedule       []windowDTO `json:"schedule"`
}

type windowDTO struct {
	Day   string  `json:"day"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

func toParental(p core.ParentalControls) parentalDTO {
	out := parentalDTO{MaxRatingLevel: p.MaxLevel, BlockUnrated: []string{}, BlockedTags: p.BlockedTags, Schedule: []windowDTO{}}
	if out.BlockedTags == nil {
		out.BlockedTags = []string{}
	}
	for _, k := range p.BlockUnrated {
		out.BlockUnrated = append(out.BlockUnrated, string(k))
	}
	for _, w := range p.Schedule {
		out.Schedule = append(out.Schedule, windowDTO{Day: string(w.Day), Start: w.Start, End: w.End})
	}
	return out
}

// toCore reads a request's parental controls; a rating name must be one Walros knows.
func (d parentalDTO) toCore() (core.ParentalControls, error) {
	out := core.ParentalControls{MaxLevel: d.MaxRatingLevel, BlockedTags: d.BlockedTags}
	if d.MaxRating != "" {
		level, ok := core.RatingLevel(d.MaxRating)
		if !ok {
			return out, core.Invalid("parentalControls.maxRating", "unknown rating %q", d.MaxRating)
		}
		out.MaxLevel = &level
	}
	for _, k := range d.BlockUnrated {
		out.BlockUnrated = append(out.BlockUnrated, core.UnratedKind(k))
	}
	for _, w := range d.Schedule {
		out.Schedule = append(out.Schedule, core.AccessWindow{Day: core.Day(w.Day), Start: w.Start, End: w.End})
	}
	return out, nil
}

// listRatings answers the rating scale's common names, for a client's parental controls form.
func (h *Handler) listRatings(c *gin.Context) {
	type rating struct {
		Name  string `json:"name"`
		Level int    `json:"level"`
	}
	out := []rating{}
	for _, r := range core.RatingNames() {
		out = append(out, rating{r.Name, r.Level})
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}
