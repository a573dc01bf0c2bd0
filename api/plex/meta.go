package plex

import (
	"strconv"

	"github.com/walros/walros/core"
)

// The Meta block (includeMeta=1) lists, per type a section holds, the sorts, filters and fields
// it takes: python-plexapi loads it before any search with a sort or a filter and refuses a sort
// it does not list (section.recentlyAdded() sorts by addedAt).

// sectionTypes are the kinds a section lists, the first being its own.
func sectionTypes(t core.LibraryType) []core.ItemKind {
	switch t {
	case core.LibraryShows:
		return []core.ItemKind{core.KindSeries, core.KindSeason, core.KindEpisode}
	case core.LibraryMusic:
		return []core.ItemKind{core.KindArtist, core.KindAlbum, core.KindTrack}
	case core.LibraryMixed:
		return []core.ItemKind{core.KindMovie, core.KindSeries, core.KindEpisode}
	}
	return []core.ItemKind{core.KindMovie, core.KindCollection}
}

// metaSorts are the sorts sortQuery understands, with Plex's titles and default directions.
var metaSorts = []struct{ key, title, dir string }{
	{"titleSort", "Title", "asc"},
	{"addedAt", "Date Added", "desc"},
	{"year", "Year", "desc"},
	{"originallyAvailableAt", "Release Date", "desc"},
	{"lastViewedAt", "Last Viewed", "desc"},
	{"viewCount", "Plays", "desc"},
	{"index", "Index", "asc"},
}

// metaNode is the Meta block of a section.
func metaNode(l core.Library) *node {
	section := "/library/sections/" + strconv.FormatInt(l.Key, 10)
	meta := object("Meta", newNode("Meta"))
	for i, k := range sectionTypes(l.Type) {
		ki := kinds[k]
		typ := newNode("Type").set("key", section+"/all?type="+strconv.Itoa(ki.num)).set("type", ki.typ).
			set("title", ki.typ).set("active", i == 0)
		typ.add(
			newNode("Filter").set("filter", "genre").set("filterType", "string").set("key", section+"/genre").set("title", "Genre").set("type", "filter"),
			newNode("Filter").set("filter", "year").set("filterType", "integer").set("key", section+"/year").set("title", "Year").set("type", "filter"),
			newNode("Filter").set("filter", "unwatched").set("filterType", "boolean").set("key", section+"/unwatched").set("title", "Unplayed").set("type", "filter"),
		)
		for _, s := range metaSorts {
			typ.add(newNode("Sort").set("default", s.dir).set("defaultDirection", s.dir).set("descKey", s.key+":desc").
				set("firstCharacterKey", "").set("key", s.key).set("title", s.title))
		}
		typ.add(
			newNode("Field").set("key", "title").set("title", "Title").set("type", "string"),
			newNode("Field").set("key", "year").set("title", "Year").set("type", "integer"),
			newNode("Field").set("key", "addedAt").set("title", "Date Added").set("type", "date"),
		)
		meta.add(typ)
	}
	for _, ft := range []struct {
		typ string
		ops [][2]string
	}{
		{"string", [][2]string{{"=", "contains"}}},
		{"integer", [][2]string{{"=", "is"}}},
		{"boolean", [][2]string{{"=", "is true"}}},
		{"date", [][2]string{}},
	} {
		n := newNode("FieldType").set("type", ft.typ)
		for _, op := range ft.ops {
			n.add(newNode("Operator").set("key", op[0]).set("title", op[1]))
		}
		meta.add(n)
	}
	return meta
}
