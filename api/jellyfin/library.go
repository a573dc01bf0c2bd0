package jellyfin

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

func (h *Handler) libraryRoutes(r *router) {
	r.add("GET", "/Library/MediaFolders", user, h.admin, h.mediaFolders)
	r.add("GET", "/Library/VirtualFolders", user, h.admin, h.virtualFolders)
	r.add("POST", "/Library/Refresh", user, h.admin, h.refreshLibraries)
	r.add("POST", "/Library/Media/Updated", user, h.admin, h.mediaUpdated)
}

// mediaFolders is GET /Library/MediaFolders (admin): every library as a view. Jellyseerr lists
// libraries with it.
func (h *Handler) mediaFolders(c *gin.Context) {
	h.viewsAsItems(c, callerOf(c))
}

// virtualFolderInfo is Jellyfin's VirtualFolderInfo.
type virtualFolderInfo struct {
	Name               string
	Locations          []string
	CollectionType     string `json:",omitempty"`
	LibraryOptions     struct{}
	ItemId             string
	PrimaryImageItemId string
	RefreshStatus      string
}

// virtualFolders is GET /Library/VirtualFolders (admin): the libraries with their folders, and
// whether a scan is running.
func (h *Handler) virtualFolders(c *gin.Context) {
	caller := callerOf(c)
	libs, err := h.Libraries.List(c.Request.Context(), caller)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]virtualFolderInfo, len(libs))
	for i, l := range libs {
		state := "Idle"
		if p, err := h.Scans.Status(caller, l.ID); err == nil && p.Finished.IsZero() {
			state = "Active"
		}
		out[i] = virtualFolderInfo{Name: l.Name, Locations: append([]string{}, l.Paths...), CollectionType: collectionType(l.Type),
			ItemId: jid(l.ID), PrimaryImageItemId: jid(l.ID), RefreshStatus: state}
	}
	writeJSON(c, http.StatusOK, out)
}

// refreshLibraries is POST /Library/Refresh (admin): scan every library, in the background.
func (h *Handler) refreshLibraries(c *gin.Context) {
	caller := callerOf(c)
	libs, err := h.Libraries.List(c.Request.Context(), caller)
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, l := range libs {
		if _, err := h.Scans.Start(c.Request.Context(), caller, l.ID); err != nil {
			h.fail(c, err)
			return
		}
	}
	c.Status(http.StatusNoContent)
}

// refreshItem is POST /Items/{itemId}/Refresh (admin): rescan the item's library, which picks up
// its new files and sidecars (the scanner keeps unchanged files, so this is cheap).
func (h *Handler) refreshItem(c *gin.Context) {
	id, ok := itemParam(c)
	if !ok {
		return
	}
	caller := callerOf(c)
	it, err := h.Items.Get(c.Request.Context(), caller, id)
	if err == nil {
		_, err = h.Scans.Start(c.Request.Context(), caller, it.LibraryID)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// mediaUpdated is POST /Library/Media/Updated (admin): Sonarr and Radarr report the folders they
// changed, {"Updates":[{"Path":"/tv/Show","UpdateType":"Created|Modified|Deleted"}]}. Each
// library holding a path (or held by it) is rescanned. Jellyfin rescans just that folder; a
// library scan is the targeted rescan Walros has, and it costs little since unchanged files are
// not probed again. Paths outside every library are ignored.
func (h *Handler) mediaUpdated(c *gin.Context) {
	var body struct {
		Updates []struct{ Path, UpdateType string }
	}
	if err := bind(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	caller := callerOf(c)
	libs, err := h.Libraries.List(c.Request.Context(), caller)
	if err != nil {
		h.fail(c, err)
		return
	}
	started := map[core.LibraryID]bool{}
	for _, u := range body.Updates {
		for _, l := range libs {
			if started[l.ID] || !holds(l, u.Path) {
				continue
			}
			if err := h.startScan(c.Request.Context(), caller, l.ID); err != nil {
				h.fail(c, err)
				return
			}
			started[l.ID] = true
		}
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) startScan(ctx context.Context, caller core.Caller, id core.LibraryID) error {
	_, err := h.Scans.Start(ctx, caller, id)
	return err
}

// holds reports whether path is in one of the library's folders, or is a folder above one.
func holds(l core.Library, path string) bool {
	path = strings.TrimSpace(path)
	if path == "" || !filepath.IsAbs(path) {
		return false
	}
	path = filepath.Clean(path)
	for _, root := range l.Paths {
		root = filepath.Clean(root)
		if within(path, root) || within(root, path) {
			return true
		}
	}
	return false
}

// within reports whether p is dir or inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
