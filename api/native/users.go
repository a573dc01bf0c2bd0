package native

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

func (h *Handler) me(c *gin.Context) {
	u, err := h.Users.Me(c.Request.Context(), callerOf(c))
	h.respond(c, http.StatusOK, u, err)
}

// playbackPatch is the playback object of a user PATCH: the fields given change.
type playbackPatch struct {
	AudioLanguage    *string `json:"audioLanguage"`
	SubtitleLanguage *string `json:"subtitleLanguage"`
	SubtitleMode     *string `json:"subtitleMode"`
	PlayDefaultAudio *bool   `json:"playDefaultAudio"`
}

func (p *playbackPatch) core() core.PlaybackPatch {
	if p == nil {
		return core.PlaybackPatch{}
	}
	return core.PlaybackPatch{AudioLanguage: p.AudioLanguage, SubtitleLanguage: p.SubtitleLanguage,
		SubtitleMode: p.SubtitleMode, PlayDefaultAudio: p.PlayDefaultAudio}
}

func (h *Handler) updateMe(c *gin.Context) {
	var req struct {
		DisplayName     *string        `json:"displayName"`
		CurrentPassword string         `json:"currentPassword"`
		NewPassword     *string        `json:"newPassword"`
		PIN             *string        `json:"pin"`
		Playback        *playbackPatch `json:"playback"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	u, err := h.Users.UpdateMe(c.Request.Context(), callerOf(c), core.SelfPatch{DisplayName: req.DisplayName,
		CurrentPassword: req.CurrentPassword, NewPassword: req.NewPassword, PIN: req.PIN, Playback: req.Playback.core()})
	h.respond(c, http.StatusOK, u, err)
}

// publicUserDTO is a user as the anonymous sign-in list shows them: nothing more than a picker
// needs.
type publicUserDTO struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	HasPassword bool   `json:"hasPassword"`
	HasPIN      bool   `json:"hasPin"`
}

// publicUsers is GET /users/public: the enabled users not hidden from the sign-in screen, for
// anyone, when the server's public user list is on (auth.public_users); else an empty list.
func (h *Handler) publicUsers(c *gin.Context) {
	list, err := h.Users.Public(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, mapList(list, func(u core.User) publicUserDTO {
		return publicUserDTO{ID: string(u.ID), Name: u.Username, HasPassword: u.HasPassword(), HasPIN: u.HasPIN()}
	}))
}

func (h *Handler) listUsers(c *gin.Context) {
	list, err := h.Users.List(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, mapList(list, toUser))
}

func (h *Handler) createUser(c *gin.Context) {
	req := struct {
		Username     string   `json:"username"`
		Password     string   `json:"password"`
		Passwordless bool     `json:"passwordless"`
		DisplayName  string   `json:"displayName"`
		Admin        bool     `json:"admin"`
		AllLibraries *bool    `json:"allLibraries"`
		LibraryIDs   []string `json:"libraryIds"`
		Hidden       *bool    `json:"hidden"`
		PIN          string   `json:"pin"`
		MaxBitrate   int64    `json:"maxBitrate"`
		Downloads    *bool    `json:"allowDownloads"`
	}{}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	all := req.AllLibraries == nil || *req.AllLibraries // like Jellyfin, a new user sees every library by default
	u, err := h.Users.Create(c.Request.Context(), callerOf(c), core.NewUser{Username: req.Username, Password: req.Password,
		Passwordless: req.Passwordless, DisplayName: req.DisplayName, Admin: req.Admin, AllLibraries: all,
		LibraryIDs: libraryIDs(req.LibraryIDs), Hidden: req.Hidden, PIN: req.PIN, MaxBitrate: req.MaxBitrate,
		NoDownloads: req.Downloads != nil && !*req.Downloads})
	h.respond(c, http.StatusCreated, u, err)
}

func (h *Handler) getUser(c *gin.Context) {
	u, err := h.Users.Get(c.Request.Context(), callerOf(c), core.UserID(c.Param("id")))
	h.respond(c, http.StatusOK, u, err)
}

func (h *Handler) updateUser(c *gin.Context) {
	var req struct {
		Username     *string        `json:"username"`
		DisplayName  *string        `json:"displayName"`
		Password     *string        `json:"password"`
		Passwordless bool           `json:"passwordless"`
		Admin        *bool          `json:"admin"`
		Disabled     *bool          `json:"disabled"`
		AllLibraries *bool          `json:"allLibraries"`
		LibraryIDs   *[]string      `json:"libraryIds"`
		Hidden       *bool          `json:"hidden"`
		PIN          *string        `json:"pin"`
		MaxBitrate   *int64         `json:"maxBitrate"`
		Downloads    *bool          `json:"allowDownloads"`
		Playback     *playbackPatch `json:"playback"`
		Parental     *parentalDTO   `json:"parentalControls"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	p := core.UserPatch{Username: req.Username, DisplayName: req.DisplayName, Password: req.Password, RemovePassword: req.Passwordless,
		Admin: req.Admin, Disabled: req.Disabled, AllLibraries: req.AllLibraries, Hidden: req.Hidden, PIN: req.PIN,
		MaxBitrate: req.MaxBitrate, Playback: req.Playback.core()}
	if req.Downloads != nil {
		p.NoDownloads = new(!*req.Downloads)
	}
	if req.Parental != nil {
		parental, err := req.Parental.toCore()
		if err != nil {
			h.fail(c, err)
			return
		}
		p.Parental = &parental
	}
	if req.LibraryIDs != nil {
		ids := libraryIDs(*req.LibraryIDs)
		p.LibraryIDs = &ids
	}
	u, err := h.Users.Update(c.Request.Context(), callerOf(c), core.UserID(c.Param("id")), p)
	h.respond(c, http.StatusOK, u, err)
}

func (h *Handler) deleteUser(c *gin.Context) {
	if err := h.Users.Delete(c.Request.Context(), callerOf(c), core.UserID(c.Param("id"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) respond(c *gin.Context, status int, u core.User, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(status, toUser(u))
}

func libraryIDs(ids []string) []core.LibraryID {
	out := make([]core.LibraryID, len(ids))
	for i, id := range ids {
		out[i] = core.LibraryID(id)
	}
	return out
}
