package plex

import (
	"crypto/sha1"
	"encoding/hex"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/walros/walros/core"
)

// kindInfo is how Plex names a kind of item: the XML element, the type and its number (the
// type= of queries and of timeline notifications).
type kindInfo struct {
	tag, typ string
	num      int
	leaf     bool // played itself (key is the item); others list children (key ends in /children)
}

var kinds = map[core.ItemKind]kindInfo{
	core.KindMovie:      {"Video", "movie", 1, true},
	core.KindSeries:     {"Directory", "show", 2, false},
	core.KindSeason:     {"Directory", "season", 3, false},
	core.KindEpisode:    {"Video", "episode", 4, true},
	core.KindArtist:     {"Directory", "artist", 8, false},
	core.KindAlbum:      {"Directory", "album", 9, false},
	core.KindTrack:      {"Track", "track", 10, true},
	core.KindVideo:      {"Video", "clip", 12, true},
	core.KindCollection: {"Directory", "collection", 18, false},
}

// kindsOfType maps a query's type= number onto Walros kinds.
func kindsOfType(n int) (core.ItemKind, bool) {
	for k, ki := range kinds {
		if ki.num == n {
			return k, true
		}
	}
	return "", false
}

// sectionType is a library's Plex section type, agent and scanner.
func sectionType(t core.LibraryType) (typ, agent, scanner string) {
	switch t {
	case core.LibraryShows:
		return "show", "tv.plex.agents.series", "Plex TV Series"
	case core.LibraryMusic:
		return "artist", "tv.plex.agents.music", "Plex Music"
	}
	return "movie", "tv.plex.agents.movie", "Plex Movie"
}

// sectionKind is what a section lists at its top.
func sectionKind(t core.LibraryType) core.ItemKind {
	switch t {
	case core.LibraryShows:
		return core.KindSeries
	case core.LibraryMusic:
		return core.KindArtist
	}
	return core.KindMovie
}

func metadataKey(it core.Item) string { return "/library/metadata/" + strconv.FormatInt(it.Key, 10) }

// plexGUID is an item's plex:// guid: Overseerr and Kometa read the Guid children only of items
// with that scheme. Its 24 hex digits come from the item's id, so they never change.
func plexGUID(it core.Item) string {
	sum := sha1.Sum([]byte(it.ID))
	return "plex://" + kinds[it.Kind].typ + "/" + hex.EncodeToString(sum[:12])
}

// guidSchemes are the provider ids Plex clients read from Guid children, in Plex's order.
var guidSchemes = []string{"imdb", "tmdb", "tvdb"}

// itemView is what an item's node shows besides the item.
type itemView struct {
	meta      core.Metadata
	hasMeta   bool
	files     []core.MediaFile
	data      *core.UserData
	children  int
	parent    *core.Item
	grand     *core.Item
	section   core.Library
	detail    bool // the whole item: streams, credits, every tag
	withGuids bool
}

// itemNode builds an item's element.
func itemNode(it core.Item, v itemView) *node {
	ki := kinds[it.Kind]
	n := item(ki.tag)
	n.set("ratingKey", strconv.FormatInt(it.Key, 10))
	if ki.leaf {
		n.set("key", metadataKey(it))
	} else {
		n.set("key", metadataKey(it)+"/children")
	}
	n.set("guid", plexGUID(it)).set("type", ki.typ).set("title", it.Title)
	if v.section.Key != 0 {
		n.set("librarySectionID", v.section.Key).set("librarySectionTitle", v.section.Name).
			set("librarySectionKey", "/library/sections/"+strconv.FormatInt(v.section.Key, 10))
	}
	if v.parent != nil {
		n.set("parentRatingKey", strconv.FormatInt(v.parent.Key, 10)).set("parentKey", metadataKey(*v.parent)).
			set("parentTitle", v.parent.Title).set("parentGuid", plexGUID(*v.parent))
		if v.parent.IndexNumber != nil {
			n.set("parentIndex", *v.parent.IndexNumber)
		}
	} else if it.ParentIndex != nil && it.Kind == core.KindEpisode {
		n.set("parentIndex", *it.ParentIndex)
	}
	if v.grand != nil {
		n.set("grandparentRatingKey", strconv.FormatInt(v.grand.Key, 10)).set("grandparentKey", metadataKey(*v.grand)).
			set("grandparentTitle", v.grand.Title).set("grandparentGuid", plexGUID(*v.grand))
	}
	m := v.meta
	if sorted := it.Kind == core.KindMovie || it.Kind == core.KindSeries || it.Kind == core.KindArtist || it.Kind == core.KindAlbum; sorted &&
		it.SortTitle != "" && it.SortTitle != strings.ToLower(it.Title) {
		n.set("titleSort", it.SortTitle)
	}
	n.opt("originalTitle", it.OriginalTitle)
	summary := it.Overview
	if v.hasMeta && m.Overview != "" {
		summary = m.Overview
	}
	n.set("summary", summary)
	if it.IndexNumber != nil {
		n.set("index", *it.IndexNumber)
	}
	n.opt("year", it.Year)
	if v.hasMeta {
		n.opt("thumb", imageURL(it, "thumb", m)).opt("art", imageURL(it, "art", m))
		n.opt("tagline", m.Tagline).opt("contentRating", m.OfficialRating)
		if m.CommunityScore > 0 {
			n.set("rating", m.CommunityScore)
		}
		if len(m.Studios) > 0 {
			n.set("studio", m.Studios[0])
		}
		if !m.Premiere.IsZero() {
			n.set("originallyAvailableAt", m.Premiere.Format(time.DateOnly))
		}
	}
	if it.AirDate != "" && !v.hasMeta {
		n.set("originallyAvailableAt", it.AirDate)
	}
	if d := duration(it, v.files); d > 0 {
		n.set("duration", d.Milliseconds())
	}
	n.set("addedAt", it.CreatedAt.Unix()).set("updatedAt", it.UpdatedAt.Unix())
	if v.data != nil {
		d := v.data
		if d.Position > 0 && !d.Played {
			n.set("viewOffset", d.Position.Milliseconds())
		}
		if d.PlayCount > 0 || d.Played {
			n.set("viewCount", max(d.PlayCount, 1))
		}
		if d.LastPlayedAt != nil {
			n.set("lastViewedAt", d.LastPlayedAt.Unix())
		}
		if d.Rating != nil {
			n.set("userRating", *d.Rating)
		}
	}
	if !ki.leaf {
		n.set("childCount", v.children)
		if it.Kind == core.KindSeason || it.Kind == core.KindAlbum {
			n.set("leafCount", v.children)
			if v.data != nil && v.data.UnplayedCount != nil {
				n.set("viewedLeafCount", max(v.children-*v.data.UnplayedCount, 0))
			}
		}
	}
	if v.hasMeta {
		tags(n, "Genre", m.Genres, v.detail)
		if v.detail {
			for _, c := range m.Credits {
				n.add(newNode(creditTag(c.Kind)).set("tag", c.Name).opt("role", c.Role))
			}
		}
		if v.detail || v.withGuids {
			for _, s := range guidSchemes {
				if id := m.ProviderIDs[s]; id != "" {
					n.add(newNode("Guid").set("id", s+"://"+id))
				}
			}
		}
	}
	for _, media := range mediaNodes(v.files, v.detail) {
		n.add(media)
	}
	return n
}

// creditTag is the element Plex lists a credit in.
func creditTag(k core.PersonKind) string {
	switch k {
	case core.PersonDirector:
		return "Director"
	case core.PersonWriter:
		return "Writer"
	case core.PersonProducer:
		return "Producer"
	}
	return "Role"
}

// tags adds one element per name; lists show the first few, as Plex does.
func tags(n *node, tag string, names []string, all bool) {
	for i, name := range names {
		if !all && i == 3 {
			break
		}
		n.add(newNode(tag).set("tag", name))
	}
}

// duration is an item's runtime: its metadata's, else its first file's.
func duration(it core.Item, files []core.MediaFile) time.Duration {
	if it.Runtime > 0 {
		return it.Runtime
	}
	for _, f := range files {
		if f.Info.Duration > 0 {
			return f.Info.Duration
		}
	}
	return 0
}

// mediaVersions groups files into Plex Media (a version) and their Parts (the files of a
// multi-part version, in order): the mediaIndex and partIndex of a transcode request.
func mediaVersions(files []core.MediaFile) [][]core.MediaFile {
	var out [][]core.MediaFile
	byVersion := map[string]int{}
	for _, f := range files {
		if f.ProbeError != "" || f.Key == 0 {
			continue
		}
		i, ok := byVersion[f.Version]
		if !ok || f.Part == 0 {
			i = len(out)
			out = append(out, nil)
			if f.Part > 0 {
				byVersion[f.Version] = i
			}
		}
		out[i] = append(out[i], f)
	}
	return out
}

// mediaNodes writes the versions of files as Media elements with their Parts. A Media's id is the
// key of its first part.
func mediaNodes(files []core.MediaFile, detail bool) []*node {
	var out []*node
	for _, parts := range mediaVersions(files) {
		media := mediaNode(parts[0])
		for _, f := range parts {
			media.add(partNode(f, detail))
		}
		out = append(out, media)
	}
	return out
}

func mediaNode(f core.MediaFile) *node {
	n := newNode("Media").set("id", f.Key)
	if f.Info.Duration > 0 {
		n.set("duration", f.Info.Duration.Milliseconds())
	}
	if f.Info.Bitrate > 0 {
		n.set("bitrate", int(f.Info.Bitrate/1000))
	}
	var video, audio *core.Stream
	for i := range f.Info.Streams {
		s := &f.Info.Streams[i]
		switch {
		case s.Kind == core.StreamVideo && video == nil:
			video = s
		case s.Kind == core.StreamAudio && (audio == nil || s.Default && !audio.Default):
			audio = s
		}
	}
	if video != nil {
		n.set("width", video.Width).set("height", video.Height)
		if video.Height > 0 {
			n.set("aspectRatio", float64(int(float64(video.Width)/float64(video.Height)*100+0.5))/100)
		}
		n.set("videoCodec", video.Codec).set("videoResolution", resolution(video.Height))
		n.opt("videoFrameRate", frameRate(video.FrameRate)).opt("videoProfile", strings.ToLower(video.Profile))
	}
	if audio != nil {
		n.set("audioChannels", audio.Channels).set("audioCodec", audio.Codec)
	}
	n.set("container", container(f))
	return n
}

func partNode(f core.MediaFile, detail bool) *node {
	n := newNode("Part").set("id", f.Key).set("key", partKey(f))
	if f.Info.Duration > 0 {
		n.set("duration", f.Info.Duration.Milliseconds())
	}
	n.set("file", f.Path).set("size", f.Size).set("container", container(f))
	if !detail {
		return n
	}
	audioSelected := false
	for i, s := range f.Info.Streams[:min(len(f.Info.Streams), 1000)] { // stream ids hold 1000 per part
		st := streamNode(f, i, s)
		if st == nil {
			continue
		}
		if s.Kind == core.StreamAudio && !audioSelected {
			st.set("selected", true)
			audioSelected = true
		}
		n.add(st)
	}
	return n
}

// partKey is where a part's bytes are: /library/parts/{id}/{changestamp}/file.{ext}.
func partKey(f core.MediaFile) string {
	return "/library/parts/" + strconv.FormatInt(f.Key, 10) + "/" + strconv.FormatInt(f.UpdatedAt.Unix(), 10) + "/file." + ext(f)
}

func ext(f core.MediaFile) string {
	if e := strings.TrimPrefix(strings.ToLower(filepath.Ext(f.Path)), "."); e != "" {
		return e
	}
	return "bin"
}

// container is the Plex name of a file's container: ffprobe's list names them all.
func container(f core.MediaFile) string {
	switch c := f.Info.Container; {
	case strings.Contains(c, "matroska"):
		if ext(f) == "webm" {
			return "webm"
		}
		return "mkv"
	case strings.HasPrefix(c, "mov,mp4"):
		if e := ext(f); e == "mov" || e == "m4a" {
			return e
		}
		return "mp4"
	case c == "mpegts":
		return "mpegts"
	case c == "":
		return ext(f)
	default:
		return strings.SplitN(c, ",", 2)[0]
	}
}

// streamTypes are Plex's numbers for stream kinds.
var streamTypes = map[core.StreamKind]int{core.StreamVideo: 1, core.StreamAudio: 2, core.StreamSubtitle: 3}

// streamNode is one stream of a part; its id is unique on the server: the part's key, then the index.
func streamNode(f core.MediaFile, i int, s core.Stream) *node {
	typ, ok := streamTypes[s.Kind]
	if !ok {
		return nil
	}
	n := newNode("Stream").set("id", f.Key*1000+int64(i)).set("streamType", typ).set("index", s.Index).set("codec", s.Codec)
	if s.Default {
		n.set("default", true)
	}
	if s.Forced {
		n.set("forced", true)
	}
	n.opt("language", s.Language).opt("languageCode", s.Language).opt("title", s.Title)
	if s.Bitrate > 0 {
		n.set("bitrate", int(s.Bitrate/1000))
	}
	switch s.Kind {
	case core.StreamVideo:
		n.set("width", s.Width).set("height", s.Height).opt("frameRate", s.FrameRate).opt("bitDepth", s.BitDepth).
			opt("profile", strings.ToLower(s.Profile)).opt("level", s.Level)
	case core.StreamAudio:
		n.set("channels", s.Channels).opt("samplingRate", s.SampleRate).opt("audioChannelLayout", s.ChannelLayout)
	case core.StreamSubtitle:
		if s.External != "" { // Plex lists a key for sidecars; embedded ones are in the part
			n.set("key", "/library/streams/"+strconv.FormatInt(f.Key*1000+int64(i), 10)).set("format", subtitleFormat(s.Codec))
		}
	}
	n.set("displayTitle", displayTitle(s))
	return n
}

// subtitleFormat is Plex's name of a subtitle codec.
func subtitleFormat(codec string) string {
	switch codec {
	case "subrip":
		return "srt"
	case "webvtt":
		return "vtt"
	}
	return codec
}

func displayTitle(s core.Stream) string {
	parts := []string{}
	if s.Language != "" {
		parts = append(parts, s.Language)
	}
	parts = append(parts, strings.ToUpper(s.Codec))
	if s.Kind == core.StreamVideo && s.Height > 0 {
		parts = append(parts, resolution(s.Height))
	}
	return strings.Join(parts, " ")
}

// resolution is Plex's videoResolution: "sd", "480", "720", "1080", "4k".
func resolution(h int) string {
	switch {
	case h >= 1600:
		return "4k"
	case h >= 900:
		return "1080"
	case h >= 700:
		return "720"
	case h >= 480:
		return "480"
	}
	return "sd"
}

func frameRate(fps float64) string {
	switch {
	case fps <= 0:
		return ""
	case fps < 26:
		return "24p"
	case fps < 40:
		return "30p"
	}
	return "60p"
}
