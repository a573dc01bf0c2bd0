package jellyfin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// preferencesService is what the handlers need from core.Preferences.
type preferencesService interface {
	Get(ctx context.Context, c core.Caller, key, client string) ([]byte, error)
	Put(ctx context.Context, c core.Caller, key, client string, value []byte) error
}

// displayPreferencesDto is Jellyfin's DisplayPreferencesDto. jellyfin-web keeps its home screen
// sections, themes and per-view settings in CustomPrefs.
type displayPreferencesDto struct {
	Id                 string
	ViewType           string `json:",omitempty"`
	SortBy             string
	IndexBy            string `json:",omitempty"`
	RememberIndexing   bool
	PrimaryImageHeight int
	PrimaryImageWidth  int
	CustomPrefs        map[string]any
	ScrollDirection    string
	ShowBackdrop       bool
	RememberSorting    bool
	SortOrder          string
	ShowSidebar        bool
	Client             string
}

// defaultDisplayPreferences is what Jellyfin answers for preferences never saved.
func defaultDisplayPreferences(id, client string) displayPreferencesDto {
	return displayPreferencesDto{Id: id, SortBy: "SortName", PrimaryImageHeight: 250, PrimaryImageWidth: 250,
		CustomPrefs: map[string]any{}, ScrollDirection: "Horizontal", ShowBackdrop: true, SortOrder: "Ascending", Client: client}
}

// getDisplayPreferences is GET /DisplayPreferences/{displayPreferencesId}?userId=&client=: the
// stored preferences, or the defaults (also for an API key, which has none).
func (h *Handler) getDisplayPreferences(c *gin.Context) {
	caller, ok := h.userCaller(c, str(c, "userId"))
	if !ok {
		return
	}
	id, client := c.Param("displayPreferencesId"), str(c, "client")
	if h.Preferences == nil { // a facade wired without them: the defaults, which the web accepts
		writeJSON(c, http.StatusOK, defaultDisplayPreferences(id, client))
		return
	}
	b, err := h.Preferences.Get(c.Request.Context(), caller, id, client)
	switch {
	case errors.Is(err, core.ErrNotFound):
		writeJSON(c, http.StatusOK, defaultDisplayPreferences(id, client))
	case err != nil:
		h.fail(c, err)
	default:
		c.Data(http.StatusOK, "application/json; charset=utf-8", b)
	}
}

// putDisplayPreferences is POST /DisplayPreferences/{displayPreferencesId}: it stores the body
// (at most core.MaxPreferencesSize bytes; 413 beyond), over the defaults for fields left out.
func (h *Handler) putDisplayPreferences(c *gin.Context) {
	caller, ok := h.userCaller(c, str(c, "userId"))
	if !ok {
		return
	}
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, core.MaxPreferencesSize+1))
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(body) > core.MaxPreferencesSize {
		status(c, http.StatusRequestEntityTooLarge)
		return
	}
	id, client := c.Param("displayPreferencesId"), str(c, "client")
	prefs := defaultDisplayPreferences(id, client)
	if err := json.Unmarshal(body, &prefs); err != nil {
		status(c, http.StatusBadRequest)
		return
	}
	prefs.Id, prefs.Client = id, client // the key it is stored under, whatever the body says
	if prefs.CustomPrefs == nil {
		prefs.CustomPrefs = map[string]any{} // jellyfin-web indexes it without checking
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<" stays one byte, so a body under the limit stays under it
	if err := enc.Encode(prefs); err != nil {
		h.fail(c, err)
		return
	}
	b := bytes.TrimRight(buf.Bytes(), "\n")
	if len(b) > core.MaxPreferencesSize {
		status(c, http.StatusRequestEntityTooLarge)
		return
	}
	if h.Preferences == nil {
		status(c, http.StatusServiceUnavailable)
		return
	}
	if err := h.Preferences.Put(c.Request.Context(), caller, id, client, b); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
