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

func (h *Handler) updateMe(c *gin.Context) {
	var req struct {
		DisplayName     *string `json:"displayName"`
		CurrentPassword string  `json:"currentPassword"`
		NewPassword     *string `json:"newPassword"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	u, err := h.Users.UpdateMe(c.Request.Context(), callerOf(c), core.SelfPatch{DisplayName: req.DisplayName,
		CurrentPassword: req.CurrentPassword, NewPassword: req.NewPassword})
	h.respond(c, http.StatusOK, u, err)
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
		DisplayName  string   `json:"displayName"`
		Admin        bool     `json:"admin"`
		AllLibraries *bool    `json:"allLibraries"`
		LibraryIDs   []string `json:"libraryIds"`
	}{}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	all := req.AllLibraries == nil || *req.AllLibraries // like Jellyfin, a new user sees every library by default
	u, err := h.Users.Create(c.Request.Context(), callerOf(c), core.NewUser{Username: req.Username, Password: req.Password,
		DisplayName: req.DisplayName, Admin: req.Admin, AllLibraries: all, LibraryIDs: libraryIDs(req.LibraryIDs)})
	h.respond(c, http.StatusCreated, u, err)
}

func (h *Handler) getUser(c *gin.Context) {
	u, err := h.Users.Get(c.Request.Context(), callerOf(c), core.UserID(c.Param("id")))
	h.respond(c, http.StatusOK, u, err)
}

func (h *Handler) updateUser(c *gin.Context) {
	var req struct {
		DisplayName  *string      `json:"displayName"`
		Password     *string      `json:"password"`
		Admin        *bool        `json:"admin"`
		Disabled     *bool        `json:"disabled"`
		AllLibraries *bool        `json:"allLibraries"`
		LibraryIDs   *[]string    `json:"libraryIds"`
		Parental     *parentalDTO `json:"parentalControls"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	p := core.UserPatch{DisplayName: req.DisplayName, Password: req.Password, Admin: req.Admin, Disabled: req.Disabled,
		AllLibraries: req.AllLibraries}
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
