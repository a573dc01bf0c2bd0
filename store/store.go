package store

import "github.com/google/uuid"

// Stores bundles every repository over one DB, for wiring.
type Stores struct {
	Users       *Users
	Libraries   *Libraries
	Sessions    *Sessions
	APIKeys     *APIKeys
	Items       *Items
	Media       *Media
	Metadata    *Metadata
	UserData    *UserData
	Preferences *Preferences
	Playlists   *Playlists
	History     *History
	Stats       *Stats
	Links       *LinkedTokens
	BoxSets     *BoxSets
	Lists       *Lists
	Transfer    *Transfer
}

// Stores returns the repositories backed by db.
func (db *DB) Stores() Stores {
	return Stores{Users: &Users{db}, Libraries: &Libraries{db}, Sessions: &Sessions{db}, APIKeys: &APIKeys{db}, Items: &Items{db}, Media: &Media{db},
		Metadata: &Metadata{db: db, newID: func() string { return uuid.Must(uuid.NewV7()).String() }}, UserData: &UserData{db}, Preferences: &Preferences{db}, Playlists: &Playlists{db}, History: &History{db}, Stats: &Stats{db: db, titles: &titleIndex{}}, Links: &LinkedTokens{db},
		BoxSets: &BoxSets{db}, Lists: &Lists{db}, Transfer: &Transfer{db}}
}
