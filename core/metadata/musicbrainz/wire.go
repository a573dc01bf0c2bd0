package musicbrainz

// Wire shapes of MusicBrainz WS/2 JSON answers (fmt=json), as musicbrainz.org/doc/MusicBrainz_API
// describes them. Only the fields Walros uses are declared; MusicBrainz omits or nulls what it
// does not know, which decodes as zero.

// lifeSpan dates are partial: "1973", "1973-11" or "1973-11-05".
type lifeSpan struct {
	Begin string `json:"begin"`
	End   string `json:"end"`
	Ended bool   `json:"ended"`
}

// genre is a genre or a folksonomy tag, with how many editors voted for it.
type genre struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type alias struct {
	Name     string `json:"name"`
	SortName string `json:"sort-name"`
}

// relation is a relationship; with inc=url-rels its target is a URL.
type relation struct {
	Type       string `json:"type"` // "discogs", "wikidata", "free streaming"...
	TargetType string `json:"target-type"`
	URL        struct {
		Resource string `json:"resource"`
	} `json:"url"`
}

// artist is an artist in search results (with score) and in GET /artist/{mbid}.
type artist struct {
	ID             string     `json:"id"`
	Score          int        `json:"score"` // search only: 0-100, the best result 100
	Name           string     `json:"name"`
	SortName       string     `json:"sort-name"`
	Disambiguation string     `json:"disambiguation"`
	Type           string     `json:"type"`
	Country        string     `json:"country"`
	LifeSpan       lifeSpan   `json:"life-span"`
	Aliases        []alias    `json:"aliases"`
	Genres         []genre    `json:"genres"`
	Relations      []relation `json:"relations"`
}

// credit is one name of an artist credit: "Simon" " & " "Garfunkel".
type credit struct {
	Name       string `json:"name"`
	JoinPhrase string `json:"joinphrase"`
	Artist     artist `json:"artist"`
}

// releaseGroup is an album, single or EP across its editions.
type releaseGroup struct {
	ID               string     `json:"id"`
	Score            int        `json:"score"`
	Title            string     `json:"title"`
	FirstReleaseDate string     `json:"first-release-date"`
	PrimaryType      string     `json:"primary-type"`
	SecondaryTypes   []string   `json:"secondary-types"`
	Disambiguation   string     `json:"disambiguation"`
	ArtistCredit     []credit   `json:"artist-credit"`
	Genres           []genre    `json:"genres"`
	Relations        []relation `json:"relations"`
}

// release is one edition; Kodi and Jellyfin NFOs name it musicbrainzalbumid.
type release struct {
	ID           string       `json:"id"`
	Title        string       `json:"title"`
	ReleaseGroup releaseGroup `json:"release-group"`
}

// recording is a track's recording; Picard and Kodi name it musicbrainztrackid.
type recording struct {
	ID               string   `json:"id"`
	Title            string   `json:"title"`
	Length           int      `json:"length"` // milliseconds
	FirstReleaseDate string   `json:"first-release-date"`
	ArtistCredit     []credit `json:"artist-credit"`
	Genres           []genre  `json:"genres"`
}

// artistSearch is GET /artist?query=.
type artistSearch struct {
	Count   int      `json:"count"`
	Artists []artist `json:"artists"`
}

// releaseGroupSearch is GET /release-group?query=.
type releaseGroupSearch struct {
	Count         int            `json:"count"`
	ReleaseGroups []releaseGroup `json:"release-groups"`
}
