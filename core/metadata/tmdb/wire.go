package tmdb

// Wire shapes of TMDb API v3 answers, as documented at developer.themoviedb.org. Only the fields
// Walros uses are declared. TMDb sends null for unknown strings and numbers, which decode as zero.

type named struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// searchResult is one entry of /search/movie, /search/tv or /find: movies have title and
// release_date, series name and first_air_date.
type searchResult struct {
	ID            int     `json:"id"`
	Title         string  `json:"title"`
	OriginalTitle string  `json:"original_title"`
	Name          string  `json:"name"`
	OriginalName  string  `json:"original_name"`
	ReleaseDate   string  `json:"release_date"`
	FirstAirDate  string  `json:"first_air_date"`
	Popularity    float64 `json:"popularity"`
}

func (r searchResult) titles() []string {
	return []string{r.Title, r.OriginalTitle, r.Name, r.OriginalName}
}

func (r searchResult) year() int {
	if r.ReleaseDate != "" {
		return yearOf(r.ReleaseDate)
	}
	return yearOf(r.FirstAirDate)
}

type searchResponse struct {
	Page         int            `json:"page"`
	Results      []searchResult `json:"results"`
	TotalResults int            `json:"total_results"`
}

type findResponse struct {
	MovieResults []searchResult `json:"movie_results"`
	TVResults    []searchResult `json:"tv_results"`
}

type castMember struct {
	Name        string `json:"name"`
	Character   string `json:"character"`
	Order       int    `json:"order"`
	ProfilePath string `json:"profile_path"`
}

type crewMember struct {
	Name        string `json:"name"`
	Job         string `json:"job"`
	Department  string `json:"department"`
	ProfilePath string `json:"profile_path"`
}

type credits struct {
	Cast []castMember `json:"cast"`
	Crew []crewMember `json:"crew"`
}

type imageFile struct {
	FilePath    string  `json:"file_path"`
	Language    string  `json:"iso_639_1"`
	VoteAverage float64 `json:"vote_average"`
}

type images struct {
	Backdrops []imageFile `json:"backdrops"`
	Logos     []imageFile `json:"logos"`
	Posters   []imageFile `json:"posters"`
}

// externalIDs is the external_ids appendix. tvdb_id is a number; imdb_id a string such as "tt0076759".
type externalIDs struct {
	IMDbID string `json:"imdb_id"`
	TVDBID int    `json:"tvdb_id"`
}

type releaseDate struct {
	Certification string `json:"certification"`
	Type          int    `json:"type"` // 1 premiere, 2 limited, 3 theatrical, 4 digital, 5 physical, 6 TV
}

type countryReleases struct {
	Country      string        `json:"iso_3166_1"`
	ReleaseDates []releaseDate `json:"release_dates"`
}

type movieDetails struct {
	ID                  int         `json:"id"`
	IMDbID              string      `json:"imdb_id"`
	Title               string      `json:"title"`
	OriginalTitle       string      `json:"original_title"`
	Overview            string      `json:"overview"`
	Tagline             string      `json:"tagline"`
	ReleaseDate         string      `json:"release_date"`
	Runtime             int         `json:"runtime"` // minutes
	VoteAverage         float64     `json:"vote_average"`
	Genres              []named     `json:"genres"`
	ProductionCompanies []named     `json:"production_companies"`
	BelongsToCollection *named      `json:"belongs_to_collection"`
	PosterPath          string      `json:"poster_path"`
	BackdropPath        string      `json:"backdrop_path"`
	Credits             credits     `json:"credits"`
	Images              images      `json:"images"`
	ExternalIDs         externalIDs `json:"external_ids"`
	ReleaseDates        struct {
		Results []countryReleases `json:"results"`
	} `json:"release_dates"`
}

type contentRating struct {
	Country string `json:"iso_3166_1"`
	Rating  string `json:"rating"`
}

type seriesDetails struct {
	ID                  int         `json:"id"`
	Name                string      `json:"name"`
	OriginalName        string      `json:"original_name"`
	Overview            string      `json:"overview"`
	Tagline             string      `json:"tagline"`
	FirstAirDate        string      `json:"first_air_date"`
	EpisodeRunTime      []int       `json:"episode_run_time"`
	VoteAverage         float64     `json:"vote_average"`
	Genres              []named     `json:"genres"`
	Networks            []named     `json:"networks"`
	ProductionCompanies []named     `json:"production_companies"`
	PosterPath          string      `json:"poster_path"`
	BackdropPath        string      `json:"backdrop_path"`
	Credits             credits     `json:"credits"`
	Images              images      `json:"images"`
	ExternalIDs         externalIDs `json:"external_ids"`
	ContentRatings      struct {
		Results []contentRating `json:"results"`
	} `json:"content_ratings"`
}

type seasonDetails struct {
	ID           int         `json:"id"`
	Name         string      `json:"name"`
	Overview     string      `json:"overview"`
	AirDate      string      `json:"air_date"`
	SeasonNumber int         `json:"season_number"`
	PosterPath   string      `json:"poster_path"`
	VoteAverage  float64     `json:"vote_average"`
	ExternalIDs  externalIDs `json:"external_ids"`
}

type episodeDetails struct {
	ID            int          `json:"id"`
	Name          string       `json:"name"`
	Overview      string       `json:"overview"`
	AirDate       string       `json:"air_date"`
	SeasonNumber  int          `json:"season_number"`
	EpisodeNumber int          `json:"episode_number"`
	Runtime       int          `json:"runtime"`
	VoteAverage   float64      `json:"vote_average"`
	StillPath     string       `json:"still_path"`
	GuestStars    []castMember `json:"guest_stars"`
	Crew          []crewMember `json:"crew"`
	ExternalIDs   externalIDs  `json:"external_ids"`
}
