package nfo

import (
	"strings"
	"time"

	"github.com/walros/walros/core"
)

// builder gathers what the elements of an NFO file say. The first valid value of an element wins;
// finish settles the precedence between elements that say the same thing.
type builder struct {
	m    core.Metadata
	kind Kind

	altTitle, sortName, outline string // fallbacks for Title, SortTitle and Overview
	mpaa, certification         string
	rating                      float64 // the plain <rating>, 0 when absent
	ratings                     []rating
	criticSet                   bool          // <criticrating> gave CriticScore
	duration                    time.Duration // from <fileinfo>, when <runtime> is missing
	ids, legacy                 map[string]string
	seen                        map[string]bool // genres, studios, tags, credits and images already added
	actors                      int
}

// rating is one <rating> of a Kodi v17+ <ratings> block.
type rating struct {
	name       string
	value, top float64 // top is the max attribute: 10, 5 or 100
	isDefault  bool
}

// fill maps the root element of an NFO file of the given kind to Metadata.
func fill(root *node, kind Kind) core.Metadata {
	b := builder{kind: kind, seen: map[string]bool{}}
	for _, e := range root.elems() {
		b.element(e)
	}
	return b.finish()
}

func (b *builder) element(e *node) {
	m := &b.m
	switch e.name {
	case "title":
		setOnce(&m.Title, e.value())
	case "localtitle", "name": // Jellyfin's <localtitle>, the <name> of artist.nfo
		setOnce(&b.altTitle, e.value())
	case "originaltitle":
		setOnce(&m.OriginalTitle, e.value())
	case "sorttitle":
		setOnce(&m.SortTitle, e.value())
	case "sortname":
		setOnce(&b.sortName, e.value())
	case "plot", "biography", "review": // the last two in artist.nfo and album.nfo
		setOnce(&m.Overview, e.value())
	case "outline":
		setOnce(&b.outline, e.value())
	case "tagline":
		setOnce(&m.Tagline, e.value())
	case "year":
		if y, ok := number(e.value()); ok && y >= 1800 && y <= 9999 && m.Year == 0 {
			m.Year = y
		}
	case "premiered", "aired", "releasedate", "formed":
		if t, ok := date(e.value()); ok && m.Premiere.IsZero() {
			m.Premiere = t
		}
	case "rating":
		if v, ok := decimal(e.value()); ok && v > 0 && v <= 10 && b.rating == 0 {
			b.rating = v
		}
	case "ratings":
		b.addRatings(e)
	case "criticrating":
		if v, ok := decimal(e.value()); ok && v > 0 && v <= 100 && !b.criticSet {
			m.CriticScore, b.criticSet = v, true
		}
	case "mpaa":
		setOnce(&b.mpaa, officialRating(e.value()))
	case "certification":
		setOnce(&b.certification, officialRating(e.value()))
	case "runtime":
		if n, ok := number(e.value()); ok && n > 0 && n <= 10_000 && m.Runtime == 0 {
			m.Runtime = time.Duration(n) * time.Minute
		}
	case "fileinfo":
		if d := durationOf(e); d > 0 && b.duration == 0 {
			b.duration = d
		}
	case "genre":
		b.add(&m.Genres, "genre", split(e.value())...)
	case "studio", "label": // an album's label is its studio
		b.add(&m.Studios, "studio", e.value())
	case "tag", "style":
		b.add(&m.Tags, "tag", e.value())
	case "set":
		name := e.childValue("name") // Kodi v17+: <set><name>…</name><overview>…</overview></set>
		if len(e.elems()) == 0 {
			name = e.value()
		}
		setOnce(&m.Collection, name)
		b.legacyID("tmdbcollection", e.attr("tmdbcolid"))
	case "actor":
		b.actor(e)
	case "director":
		b.people(e, core.PersonDirector)
	case "credits", "writer":
		b.people(e, core.PersonWriter)
	case "producer":
		b.people(e, core.PersonProducer)
	case "composer":
		b.people(e, core.PersonComposer)
	case "uniqueid":
		if k := providerKey(e.attr("type")); k != "" {
			if v, ok := providerValue(k, e.value()); ok && b.ids[k] == "" {
				b.ids = put(b.ids, k, v)
			}
		}
	case "id":
		b.id(e)
	case "episodeguide":
		b.episodeGuide(e.value())
	case "thumb":
		b.thumb(e, false, "")
	case "fanart":
		for _, t := range e.elems() {
			if t.name == "thumb" {
				b.thumb(t, true, e.attr("url"))
			}
		}
	case "season": // tvshow.nfo has a <season> too: a count, not a number
		if b.kind == KindEpisode {
			index(&m.Season, e.value())
		}
	case "seasonnumber":
		if b.kind == KindSeason {
			index(&m.Season, e.value())
		}
	case "episode":
		if b.kind == KindEpisode {
			index(&m.Episode, e.value())
		}
	case "lockdata":
		m.Locked = truthy(e.value())
	default:
		if k, ok := legacyIDs[e.name]; ok {
			b.legacyID(k, e.value())
		}
	}
}

// finish applies the fallbacks and returns the Metadata.
func (b *builder) finish() core.Metadata {
	m := b.m
	setOnce(&m.Title, b.altTitle)
	setOnce(&m.SortTitle, b.sortName)
	setOnce(&m.Overview, b.outline)
	setOnce(&m.OfficialRating, b.mpaa)
	setOnce(&m.OfficialRating, b.certification)
	if m.Year == 0 && !m.Premiere.IsZero() {
		m.Year = m.Premiere.Year()
	}
	if m.Runtime == 0 {
		m.Runtime = b.duration
	}
	m.CommunityScore = b.communityScore()
	if !b.criticSet {
		for _, r := range b.ratings {
			if v, ok := r.scaled(100); ok && isCritic(r.name) {
				m.CriticScore = v
				break
			}
		}
	}
	for k, v := range b.legacy {
		if b.ids[k] == "" { // <uniqueid> wins over the older elements
			b.ids = put(b.ids, k, v)
		}
	}
	m.ProviderIDs = b.ids
	return m
}

// addRatings reads a <ratings> block: <rating name="imdb" max="10" default="true"><value>7.9</value>.
func (b *builder) addRatings(e *node) {
	for _, r := range e.elems() {
		if r.name != "rating" {
			continue
		}
		text := r.childValue("value")
		if r.child("value") == nil {
			text = r.value() // <rating name="imdb">7.9</rating>
		}
		v, ok := decimal(text)
		top, topOK := 10.0, true
		if s := r.attr("max"); s != "" {
			top, topOK = decimal(s)
		}
		if ok && topOK && top > 0 {
			b.ratings = append(b.ratings, rating{strings.ToLower(r.attr("name")), v, top, truthy(r.attr("default"))})
		}
	}
}

// communityScore picks the default rating of <ratings>, then the plain <rating>, then the first
// rating of <ratings>, skipping critics and audience scores on other scales.
func (b *builder) communityScore() float64 {
	var first float64
	for _, r := range b.ratings {
		v, ok := r.scaled(10)
		if !ok || isCritic(r.name) || strings.Contains(r.name, "tomato") {
			continue
		}
		if r.isDefault {
			return v
		}
		if first == 0 {
			first = v
		}
	}
	if b.rating > 0 {
		return b.rating
	}
	return first
}

// scaled returns r on a scale from 0 to top. A zero rating is Kodi's "not rated".
func (r rating) scaled(top float64) (float64, bool) {
	if r.value <= 0 || r.value > r.top {
		return 0, false
	}
	return r.value * top / r.top, true
}

// isCritic reports whether a named rating is a critics' score: Rotten Tomatoes' tomatometer or
// Metacritic. Kodi's scrapers name them "tomatometerallcritics" and "metacritic".
func isCritic(name string) bool {
	return name == "metacritic" ||
		strings.Contains(name, "tomato") && strings.Contains(name, "critic") && !strings.Contains(name, "avg")
}

// officialRating cleans a certification: "Rated PG-13" (old IMDb scrapers), "US:PG-13" and
// tinyMediaManager's "US:PG-13 / US:PG13" all become "PG-13".
func officialRating(s string) string {
	s, _, _ = strings.Cut(clean(s), " / ")
	if len(s) > 6 && strings.EqualFold(s[:6], "rated ") {
		s, _, _ = strings.Cut(s[6:], " for ") // "Rated R for sci-fi violence and brief language"
	}
	if country, rest, ok := strings.Cut(s, ":"); ok && rest != "" && isCountry(country) {
		s = rest
	}
	return clean(s)
}

// isCountry reports whether s is a two-letter country code, or "USA".
func isCountry(s string) bool {
	if strings.EqualFold(s, "usa") {
		return true
	}
	return len(s) == 2 && strings.IndexFunc(s, func(r rune) bool { return (r|0x20) < 'a' || (r|0x20) > 'z' }) < 0
}

// actor adds an <actor>: name, role, order, thumb, and the type Jellyfin writes for guest stars.
func (b *builder) actor(e *node) {
	name := e.childValue("name")
	if len(e.elems()) == 0 {
		name = e.value()
	}
	if name == "" {
		return
	}
	order := b.actors // without <order>, billing follows the file
	if n, ok := number(e.childValue("order")); ok && n >= 0 {
		order = n
	}
	b.actors++
	kind := core.PersonActor
	for _, k := range []core.PersonKind{core.PersonGuestStar, core.PersonDirector, core.PersonWriter, core.PersonProducer, core.PersonComposer} {
		if strings.EqualFold(strings.ReplaceAll(e.childValue("type"), " ", ""), string(k)) {
			kind = k
		}
	}
	b.credit(core.Credit{Name: name, Kind: kind, Role: e.childValue("role"), Order: order, Thumb: e.childValue("thumb")})
}

// people adds the persons of a <director>, <credits>, <producer>...: a name, a list such as
// "Lana Wachowski / Lilly Wachowski", or tinyMediaManager's <producer><name/><role/></producer>.
func (b *builder) people(e *node, kind core.PersonKind) {
	if len(e.elems()) > 0 {
		b.credit(core.Credit{Name: e.childValue("name"), Kind: kind, Role: e.childValue("role"), Thumb: e.childValue("thumb")})
		return
	}
	for _, name := range split(e.value()) {
		b.credit(core.Credit{Name: name, Kind: kind})
	}
}

func (b *builder) credit(c core.Credit) {
	if key := "credit\x00" + string(c.Kind) + "\x00" + c.Name + "\x00" + c.Role; c.Name != "" && !b.seen[key] {
		b.seen[key] = true
		b.m.Credits = append(b.m.Credits, c)
	}
}

// add appends the values to list, skipping empty ones and those already there in any case.
func (b *builder) add(list *[]string, what string, values ...string) {
	for _, v := range values {
		if key := what + "\x00" + strings.ToLower(v); v != "" && !b.seen[key] {
			b.seen[key] = true
			*list = append(*list, v)
		}
	}
}

// durationOf reads <fileinfo><streamdetails><video><durationinseconds>, which Kodi writes from
// the file itself.
func durationOf(fileinfo *node) time.Duration {
	for _, sd := range fileinfo.elems() {
		for _, v := range sd.elems() {
			if sd.name == "streamdetails" && v.name == "video" {
				if n, ok := number(v.childValue("durationinseconds")); ok && n > 0 && n < 1_000_000 {
					return time.Duration(n) * time.Second
				}
			}
		}
	}
	return 0
}

// index sets an episode or season number once; Kodi writes -1 for unknown.
func index(dst **int, s string) {
	if n, ok := number(s); ok && n >= 0 && n <= 100_000 && *dst == nil {
		*dst = &n
	}
}

func setOnce(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func put(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}
