package tvdb

import (
	"bytes"
	"encoding/json"
)

// Wire shapes of TheTVDB API v4 answers, as its swagger (github.com/thetvdb/v4-api) documents
// them. Only the fields Walros uses are declared. Every answer wraps its record in "data".

type envelope[T any] struct {
	Status string `json:"status"`
	Data   T      `json:"data"`
	Links  links  `json:"links"`
}

// links pages a list; next is null, or the URL of the next page.
type links struct {
	Next string `json:"next"`
}

// flexString decodes a JSON string or number: the swagger types remote ids and years as
// strings, but some answers carry bare numbers.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		return nil
	case len(b) > 0 && b[0] == '"':
		var v string
		err := json.Unmarshal(b, &v)
		*s = flexString(v)
		return err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*s = flexString(n.String())
	return nil
}

// searchResult is one entry of GET /search.
type searchResult struct {
	TVDBID       flexString        `json:"tvdb_id"`
	Name         string            `json:"name"`
	Aliases      []string          `json:"aliases"`
	Translations map[string]string `json:"translations"` // language code → name
	Year         flexString        `json:"year"`
	FirstAirTime string            `json:"first_air_time"`
}

type named struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// company is a network, studio or production company. Its type ids come from /companies/types.
type company struct {
	ID                 int    `json:"id"`
	Name               string `json:"name"`
	PrimaryCompanyType int    `json:"primaryCompanyType"`
}

// The company types Walros lists as studios.
const (
	companyNetwork = 1
	companyStudio  = 2
)

// character is a person in a series or episode: an actor with the part they play, or a
// director, writer, guest star... named by peopleType.
type character struct {
	Name         string `json:"name"` // the character
	PersonName   string `json:"personName"`
	Image        string `json:"image"`        // the character's picture
	PersonImgURL string `json:"personImgURL"` // the person's headshot
	PeopleType   string `json:"peopleType"`
	Sort         int    `json:"sort"`
}

// artwork is one image; its type ids come from /artwork/types.
type artwork struct {
	Image    string  `json:"image"`
	Language string  `json:"language"`
	Type     int     `json:"type"`
	Score    float64 `json:"score"`
}

type remoteID struct {
	ID         flexString `json:"id"`
	Type       int        `json:"type"`
	SourceName string     `json:"sourceName"`
}

type contentRating struct {
	Name    string `json:"name"`    // "TV-MA"
	Country string `json:"country"` // ISO 3166-1 alpha-3, lower case: "usa"
}

type translation struct {
	Language string `json:"language"`
	Name     string `json:"name"`
	Overview string `json:"overview"`
	IsAlias  bool   `json:"isAlias"`
}

// translations is what meta=translations adds to an extended record.
type translations struct {
	Names     []translation `json:"nameTranslations"`
	Overviews []translation `json:"overviewTranslations"`
}

type seasonType struct {
	ID   int    `json:"id"`
	Type string `json:"type"` // official (aired), dvd, absolute, alternate, regional, altdvd
	Name string `json:"name"`
}

type season struct {
	ID     int        `json:"id"`
	Number int        `json:"number"`
	Name   string     `json:"name"`
	Image  string     `json:"image"`
	Year   flexString `json:"year"`
	Type   seasonType `json:"type"`
}

// seriesRecord is GET /series/{id}/extended?meta=translations&short=false. Its name and overview
// are in the series' original language; translations carry the others.
type seriesRecord struct {
	ID              int             `json:"id"`
	Name            string          `json:"name"`
	Overview        string          `json:"overview"`
	Image           string          `json:"image"`
	FirstAired      string          `json:"firstAired"`
	Year            flexString      `json:"year"`
	AverageRuntime  int             `json:"averageRuntime"` // minutes
	Genres          []named         `json:"genres"`
	Companies       []company       `json:"companies"`
	OriginalNetwork company         `json:"originalNetwork"`
	Characters      []character     `json:"characters"`
	Artworks        []artwork       `json:"artworks"`
	RemoteIDs       []remoteID      `json:"remoteIds"`
	ContentRatings  []contentRating `json:"contentRatings"`
	Seasons         []season        `json:"seasons"`
	Translations    translations    `json:"translations"`
}

// episodeRecord is an entry of GET /series/{id}/episodes/{season-type}, where seasonNumber and
// number follow the season type asked for, and absoluteNumber is the default order's.
type episodeRecord struct {
	ID             int    `json:"id"`
	Name           string `json:"name"`
	SeasonNumber   int    `json:"seasonNumber"`
	Number         int    `json:"number"`
	AbsoluteNumber int    `json:"absoluteNumber"`
	Aired          string `json:"aired"`
}

type episodeList struct {
	Episodes []episodeRecord `json:"episodes"`
}

// episodeExtended is GET /episodes/{id}/extended?meta=translations. Its numbers are those of
// the series' default (aired) order.
type episodeExtended struct {
	ID             int             `json:"id"`
	Name           string          `json:"name"`
	Overview       string          `json:"overview"`
	Aired          string          `json:"aired"`
	Year           flexString      `json:"year"`
	Runtime        int             `json:"runtime"`
	SeasonNumber   int             `json:"seasonNumber"`
	Number         int             `json:"number"`
	Image          string          `json:"image"`
	Characters     []character     `json:"characters"`
	RemoteIDs      []remoteID      `json:"remoteIds"`
	ContentRatings []contentRating `json:"contentRatings"`
	Translations   translations    `json:"translations"`
}
