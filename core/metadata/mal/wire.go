package mal

// Wire shapes of Jikan API v4 answers, as its OpenAPI document (docs.api.jikan.moe) describes
// them. Only the fields Walros uses are declared. Jikan sends null for unknown scalars, which
// decode as zero, and empty arrays for unknown lists.

// entity is a studio, genre or theme: Jikan's mal_url resource.
type entity struct {
	MalID int    `json:"mal_id"`
	Type  string `json:"type"`
	Name  string `json:"name"`
}

// title is one of an anime's titles; its type is "Default", "Synonym", "Japanese", "English", or
// another language's name ("French", "German", "Spanish").
type title struct {
	Type  string `json:"type"`
	Title string `json:"title"`
}

type dateParts struct {
	Day   int `json:"day"`
	Month int `json:"month"`
	Year  int `json:"year"`
}

type dateRange struct {
	From string `json:"from"` // ISO 8601 in UTC: "1999-10-20T00:00:00+00:00"
	Prop struct {
		From dateParts `json:"from"`
	} `json:"prop"`
}

// anime is Jikan's anime resource, in search results and in GET /anime/{id}/full.
type anime struct {
	MalID  int `json:"mal_id"`
	Images struct {
		JPG struct {
			ImageURL      string `json:"image_url"`
			LargeImageURL string `json:"large_image_url"`
		} `json:"jpg"`
	} `json:"images"`
	Titles        []title   `json:"titles"`
	Title         string    `json:"title"` // the default, usually romanized, title
	TitleEnglish  string    `json:"title_english"`
	TitleJapanese string    `json:"title_japanese"`
	TitleSynonyms []string  `json:"title_synonyms"`
	Type          string    `json:"type"` // TV, Movie, OVA, Special, ONA, Music
	Episodes      int       `json:"episodes"`
	Aired         dateRange `json:"aired"`
	Duration      string    `json:"duration"` // "24 min per ep", "2 hr 4 min"
	Rating        string    `json:"rating"`   // "PG-13 - Teens 13 or older"
	Score         float64   `json:"score"`    // 0-10, 0 when unknown
	Synopsis      string    `json:"synopsis"`
	Year          int       `json:"year"` // the season's year, when it aired in one
	Studios       []entity  `json:"studios"`
	Genres        []entity  `json:"genres"`
	Themes        []entity  `json:"themes"`
}

type pagination struct {
	LastVisiblePage int  `json:"last_visible_page"`
	HasNextPage     bool `json:"has_next_page"`
}

// searchResponse is GET /anime?q=.
type searchResponse struct {
	Data       []anime    `json:"data"`
	Pagination pagination `json:"pagination"`
}

// fullResponse is GET /anime/{id}/full.
type fullResponse struct {
	Data anime `json:"data"`
}

// episode is an entry of GET /anime/{id}/episodes; its mal_id is its number in the anime.
type episode struct {
	MalID         int    `json:"mal_id"`
	Title         string `json:"title"`
	TitleJapanese string `json:"title_japanese"`
	TitleRomanji  string `json:"title_romanji"`
	Aired         string `json:"aired"`
}

// episodesResponse is a page of GET /anime/{id}/episodes: 100 episodes.
type episodesResponse struct {
	Data       []episode  `json:"data"`
	Pagination pagination `json:"pagination"`
}
