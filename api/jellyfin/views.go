package jellyfin

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// viewDto is a library as Jellyfin shows it: a CollectionFolder whose id is the library's. Walros
// has no library pictures, so ImageTags is empty and clients draw their placeholder.
func (h *Handler) viewDto(lib core.Library) baseItemDto {
	return baseItemDto{Name: lib.Name, ServerId: h.ServerID, Id: jid(lib.ID), Etag: imageTag(core.Image{Path: string(lib.ID), URL: lib.UpdatedAt.String()}),
		DateCreated: timePtr(lib.CreatedAt), CanDelete: ptr(false), CanDownload: ptr(false), SortName: strings.ToLower(lib.Name),
		ExternalUrls: []externalURL{}, EnableMediaSourceDisplay: ptr(true), PlayAccess: "Full", RemoteTrailers: []any{},
		ProviderIds: map[string]string{}, IsFolder: true, Type: "CollectionFolder", People: []baseItemPerson{},
		Studios: []nameGuidPair{}, GenreItems: []nameGuidPair{}, Genres: []string{}, Taglines: []string{},
		LocalTrailerCount: ptr(0), SpecialFeatureCount: ptr(0), DisplayPreferencesId: jid(lib.ID), Tags: []string{},
		CollectionType: collectionType(lib.Type), ImageTags: map[string]string{}, BackdropImageTags: []string{},
		LocationType: "FileSystem", MediaType: "Unknown", LockedFields: []string{}, LockData: ptr(false)}
}

// views returns the viewer's libraries as views.
func (h *Handler) views(c *gin.Context, viewer core.Caller) ([]baseItemDto, bool) {
	libs, err := h.Libraries.List(c.Request.Context(), viewer)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	out := make([]baseItemDto, len(libs))
	for i, l := range libs {
		out[i] = h.viewDto(l)
	}
	// As Jellyfin, a Playlists view once the user has playlists.
	if h.Playlists != nil {
		ps, err := h.Playlists.List(c.Request.Context(), viewer)
		if err != nil {
			h.fail(c, err)
			return nil, false
		}
		if len(ps) > 0 {
			out = append(out, h.playlistsView(len(ps)))
		}
	}
	return out, true
}

// playlistsViewID is the id of the Playlists view, the same for every user.
func (h *Handler) playlistsViewID() string { return nameID("root", "playlists:"+h.ServerID) }

// playlistsView is the view that lists the user's playlists.
func (h *Handler) playlistsView(n int) baseItemDto {
	id := h.playlistsViewID()
	return baseItemDto{Name: "Playlists", ServerId: h.ServerID, Id: id, Type: "ManualPlaylistsFolder", CollectionType: "playlists",
		IsFolder: true, ChildCount: ptr(n), DisplayPreferencesId: id, SortName: "playlists", LocationType: "FileSystem",
		MediaType: "Unknown", PlayAccess: "Full", ImageTags: map[string]string{}, BackdropImageTags: []string{}, LockedFields: []string{}}
}

// userViews is GET /UserViews and /Users/{userId}/Views.
func (h *Handler) userViews(c *gin.Context) {
	if viewer, ok := h.viewer(c); ok {
		h.viewsAsItems(c, viewer)
	}
}

// viewsAsItems answers with the viewer's views as a QueryResult.
func (h *Handler) viewsAsItems(c *gin.Context, viewer core.Caller) {
	out, ok := h.views(c, viewer)
	if !ok {
		return
	}
	writeJSON(c, http.StatusOK, queryResult[baseItemDto]{Items: out, TotalRecordCount: len(out)})
}

// rootFolderID is the id of the user's root folder ("Media Folders"), which holds the views.
func (h *Handler) rootFolderID() string { return nameID("root", h.ServerID) }

// root is GET /Items/Root and /Users/{userId}/Items/Root.
func (h *Handler) root(c *gin.Context) {
	viewer, ok := h.viewer(c)
	if !ok {
		return
	}
	libs, err := h.Libraries.List(c.Request.Context(), viewer)
	if err != nil {
		h.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, baseItemDto{Name: "Media Folders", ServerId: h.ServerID, Id: h.rootFolderID(),
		Type: "UserRootFolder", IsFolder: true, ChildCount: ptr(len(libs)), LocationType: "FileSystem",
		MediaType: "Unknown", ImageTags: map[string]string{}, BackdropImageTags: []string{}, PlayAccess: "Full"})
}

// itemCounts is Jellyfin's ItemCounts.
type itemCounts struct {
	MovieCount, SeriesCount, EpisodeCount, ArtistCount, ProgramCount, TrailerCount, SongCount, AlbumCount,
	MusicVideoCount, BoxSetCount, BookCount, ItemCount int
}

// counts is GET /Items/Counts: how many items of each kind the viewer may see.
func (h *Handler) counts(c *gin.Context) {
	ctx := c.Request.Context()
	viewer, ok := h.viewer(c)
	if !ok {
		return
	}
	var out itemCounts
	for _, k := range []struct {
		kind core.ItemKind
		dst  *int
	}{{core.KindMovie, &out.MovieCount}, {core.KindSeries, &out.SeriesCount}, {core.KindEpisode, &out.EpisodeCount},
		{core.KindArtist, &out.ArtistCount}, {core.KindTrack, &out.SongCount}, {core.KindAlbum, &out.AlbumCount},
		{core.KindCollection, &out.BoxSetCount}} {
		_, n, err := h.Items.List(ctx, viewer, core.ItemQuery{Kinds: []core.ItemKind{k.kind}, Favorite: boolean(c, "isFavorite"), Limit: 1})
		if err != nil {
			h.fail(c, err)
			return
		}
		*k.dst = n
	}
	out.ItemCount = out.MovieCount + out.SeriesCount + out.EpisodeCount + out.ArtistCount + out.SongCount + out.AlbumCount + out.BoxSetCount
	writeJSON(c, http.StatusOK, out)
}
