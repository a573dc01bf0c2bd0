package jellyfin

import (
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// fieldSet is what a list asked for with Fields=: list items carry the basic set that every
// client reads plus these (DtoService.cs), and a detail (GET /Items/{id}) carries everything.
// Names are lower case; unknown names (BasicSyncInfo from old clients) are simply never read.
type fieldSet struct {
	all   bool
	names map[string]bool
}

// allFields is the field set of an item's detail.
var allFields = fieldSet{all: true}

// fieldsOf reads Fields (comma list or repeated keys).
func fieldsOf(c *gin.Context) fieldSet {
	fs := fieldSet{names: map[string]bool{}}
	for _, f := range list(c, "fields") {
		fs.names[strings.ToLower(f)] = true
	}
	return fs
}

// has reports whether the field was asked for (any of names). It runs a dozen times per item of a
// list: names are lowered into a stack buffer, which the map lookup does not copy.
func (fs fieldSet) has(names ...string) bool {
	if fs.all {
		return true
	}
	if len(fs.names) == 0 {
		return false
	}
	var buf [32]byte
	for _, n := range names {
		if len(n) > len(buf) {
			if fs.names[strings.ToLower(n)] {
				return true
			}
			continue
		}
		b := buf[:len(n)]
		for i := range len(n) {
			c := n[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		if fs.names[string(b)] {
			return true
		}
	}
	return false
}

// needsFiles reports whether the DTOs need the items' media files (and then say what the first
// one holds: Container, HasSubtitles, VideoType). Path counts: a movie's or an episode's Path is
// its file's, as in Jellyfin (Radarr matches on it). MediaSourceCount alone needs only a count.
func (fs fieldSet) needsFiles() bool {
	return fs.has("MediaSources", "MediaStreams", "Width", "Height", "IsHD", "Path", "Chapters", "Etag")
}

// dtoOptions shape the DTOs of one response.
type dtoOptions struct {
	fields    fieldSet
	userData  bool // enableUserData (default true)
	images    bool // enableImages (default true): image tags, own and inherited, and the aspect ratio
	blurHash  bool // compute ImageBlurHashes: details only, since a first hash decodes the picture
	childInfo bool // ChildCount and RecursiveItemCount
	// noDownloads is the caller's: CanDownload is false for all. It is set from the caller by
	// listOptions and loadPage, and is part of cardKey when CanDownload is asked for.
	noDownloads bool
}

// listOptions reads the shaping parameters every list takes: fields, enableUserData, enableImages.
func listOptions(c *gin.Context) dtoOptions {
	o := dtoOptions{fields: fieldsOf(c), userData: true, images: true, noDownloads: callerOf(c).NoDownloads}
	if b := boolean(c, "enableUserData"); b != nil {
		o.userData = *b
	}
	if b := boolean(c, "enableImages"); b != nil {
		o.images = *b
	}
	o.childInfo = o.fields.has("ChildCount", "RecursiveItemCount", "ItemCounts")
	return o
}

// detailOptions are those of a single item: every field.
func detailOptions() dtoOptions {
	return dtoOptions{fields: allFields, userData: true, images: true, blurHash: true, childInfo: true}
}

// batchParts is what core must load for DTOs of these options: nothing a list did not ask for.
func (o dtoOptions) batchParts() core.BatchParts {
	p := core.BatchParts{Files: o.fields.needsFiles(), FileCounts: o.fields.has("MediaSourceCount"), Ancestors: true,
		ChildCounts: o.childInfo, Metadata: core.MetaColumns}
	if o.images {
		p.Metadata |= core.MetaImages
	}
	if o.fields.has("Genres", "Studios", "Tags") {
		p.Metadata |= core.MetaTags
	}
	if o.fields.has("People") {
		p.Metadata |= core.MetaCredits
	}
	return p
}

// gated fills the fields a list returns only when asked, and a detail always.
func (h *Handler) gated(d *baseItemDto, it core.Item, m core.Metadata, p *page) {
	fs := p.opts.fields
	if fs.has("Overview") {
		d.Overview = m.Overview
		if d.Overview == "" {
			d.Overview = it.Overview
		}
	}
	if fs.has("OriginalTitle") {
		d.OriginalTitle = it.OriginalTitle
	}
	if fs.has("SortName") {
		d.SortName = it.SortTitle
	}
	if fs.has("DateCreated") {
		d.DateCreated = timePtr(it.CreatedAt)
	}
	if fs.has("ParentId") {
		d.ParentId = jid(it.ParentID)
		if it.ParentID == "" {
			d.ParentId = jid(it.LibraryID) // the top of a library sits in its collection folder
		}
	}
	if fs.has("Path") {
		d.Path = it.Path
	}
	if fs.has("Genres") {
		d.Genres = orEmpty(m.Genres)
		d.GenreItems = namePairs(nameGenre, m.Genres)
	}
	if fs.has("Studios") {
		d.Studios = namePairs(nameStudio, m.Studios)
	}
	if fs.has("Tags") {
		d.Tags = orEmpty(m.Tags)
	}
	if fs.has("Taglines") && m.Tagline != "" {
		d.Taglines = []string{m.Tagline}
	}
	if fs.has("ProviderIds") {
		d.ProviderIds = providerIDs(m.ProviderIDs)
		if len(m.ProviderIDs) == 0 {
			d.ProviderIds = providerIDs(it.ProviderIDs)
		}
	}
	if fs.has("ExternalUrls") {
		ids := m.ProviderIDs
		if len(ids) == 0 {
			ids = it.ProviderIDs
		}
		d.ExternalUrls = externalURLs(it.Kind, ids)
	}
	if fs.has("People") {
		d.People = []baseItemPerson{}
		for _, c := range m.Credits {
			bp := baseItemPerson{Name: c.Name, Id: nameID(namePerson, c.Name), Role: c.Role, Type: string(c.Kind)}
			if c.Thumb != "" {
				bp.PrimaryImageTag = imageTag(core.Image{Kind: core.ImagePrimary, Path: c.Thumb})
			}
			d.People = append(d.People, bp)
		}
	}
	if fs.has("PlayAccess") {
		d.PlayAccess = "Full"
	}
	if fs.has("CanDownload") {
		d.CanDownload = ptr(it.Kind.Playable() && !p.opts.noDownloads)
	}
	if fs.has("CanDelete") {
		d.CanDelete = ptr(false)
	}
	if fs.all {
		d.Etag = imageTag(core.Image{Path: string(it.ID), URL: it.UpdatedAt.String()})
		d.DisplayPreferencesId = jid(it.ID)
		d.EnableMediaSourceDisplay = ptr(true)
		d.LockData, d.LockedFields = ptr(m.Locked), orEmpty(m.LockedFields)
		d.ProductionLocations, d.RemoteTrailers = []string{}, []any{}
		d.LocalTrailerCount, d.SpecialFeatureCount = ptr(0), ptr(0)
	}
}

// mediaFields fills what comes from an item's files: its versions (media sources), the streams and
// chapters of the first, its size and its path.
func mediaFields(d *baseItemDto, it core.Item, files []core.MediaFile, fs fieldSet) {
	var versions []core.MediaFile
	parts := 0
	for _, f := range files {
		if f.Part <= 1 { // the other parts of a multi-part movie play after the first
			versions = append(versions, f)
		}
		if f.Part > 0 {
			parts++
		}
	}
	if len(versions) == 0 {
		return
	}
	first := versions[0]
	src := toMediaSource(first, first.Version)
	d.Container, d.HasSubtitles = src.Container, ptr(false)
	if src.VideoType != "" {
		d.VideoType = src.VideoType
	}
	for _, s := range first.Info.Streams {
		if s.Kind == core.StreamSubtitle {
			d.HasSubtitles = ptr(true)
		}
		if s.Kind == core.StreamVideo && d.Width == nil && fs.has("Width", "Height", "IsHD") {
			d.Width, d.Height, d.IsHD = ptr(s.Width), ptr(s.Height), ptr(s.Height >= 720)
		}
	}
	if fs.has("Path") && it.Kind.Playable() {
		d.Path = first.Path
	}
	if fs.has("MediaSources") {
		d.MediaSources = make([]mediaSourceInfo, len(versions))
		for i, f := range versions {
			d.MediaSources[i] = toMediaSource(f, f.Version) // Id is the file's, as PlaybackInfo gives it
		}
	}
	if fs.has("MediaStreams") {
		d.MediaStreams = src.MediaStreams
	}
	if fs.has("MediaSourceCount") || fs.all {
		d.MediaSourceCount = ptr(len(versions))
	}
	if parts > 1 {
		d.PartCount = ptr(parts)
	}
	if fs.has("Chapters") {
		d.Chapters = []chapterInfo{}
		for _, ch := range first.Info.Chapters {
			d.Chapters = append(d.Chapters, chapterInfo{StartPositionTicks: toTicks(ch.Start), Name: ch.Title})
		}
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// namePairs maps genre or studio names to NameGuidPairs.
func namePairs(kind nameKind, names []string) []nameGuidPair {
	out := make([]nameGuidPair, len(names))
	for i, n := range names {
		out[i] = nameGuidPair{Name: n, Id: nameID(kind, n)}
	}
	return out
}
