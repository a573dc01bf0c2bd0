package native

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

type loginRequest struct {
	Username   string `json:"username"`
	Password   string `json:"password"`
	DeviceID   string `json:"deviceId"`
	DeviceName string `json:"deviceName"`
	Client     string `json:"client"`
}

type tokenResponse struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	// ImageToken opens the image routes only, and stays the same for hours: what clients put in
	// <img> URLs so that the browser's cache holds across refreshes.
	ImageToken string  `json:"imageToken,omitempty"`
	TokenType  string  `json:"tokenType"`
	ExpiresIn  int     `json:"expiresIn"`
	User       userDTO `json:"user"`
}

func (h *Handler) login(c *gin.Context) {
	var req loginRequest
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if req.Username == "" || req.Password == "" {
		h.fail(c, core.Invalid("", "username and password are required"))
		return
	}
	if req.Client == "" {
		req.Client = c.GetHeader("User-Agent")
	}
	dev := core.Device{Client: truncate(req.Client, 200), DeviceID: req.DeviceID, DeviceName: req.DeviceName, Address: c.ClientIP()}
	t, err := h.Auth.Login(c.Request.Context(), req.Username, req.Password, dev)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.tokens(c, t)
}

func (h *Handler) refresh(c *gin.Context) {
	var req struct {
		RefreshToken string `json:"refreshToken"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if req.RefreshToken == "" {
		h.fail(c, core.Invalid("refreshToken", "is required"))
		return
	}
	t, err := h.Auth.Refresh(c.Request.Context(), req.RefreshToken, c.ClientIP())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.tokens(c, t)
}

// switchUser is POST /auth/switch: the device signed in with the caller's session changes to
// another user, with that user's PIN or password (none for a user without either). The caller's
// session ends; the answer is the new user's tokens.
func (h *Handler) switchUser(c *gin.Context) {
	var req struct {
		UserID   string `json:"userId"`
		PIN      string `json:"pin"`
		Password string `json:"password"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if req.UserID == "" {
		h.fail(c, core.Invalid("userId", "is required"))
		return
	}
	t, err := h.Auth.Switch(c.Request.Context(), callerOf(c), core.SwitchRequest{User: core.UserID(req.UserID),
		PIN: req.PIN, Password: req.Password, Address: c.ClientIP()})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.tokens(c, t)
}

func (h *Handler) tokens(c *gin.Context, t core.Tokens) {
	c.Header("Cache-Control", "no-store") // RFC 6749 §5.1
	c.JSON(http.StatusOK, tokenResponse{AccessToken: t.Access, RefreshToken: t.Refresh, ImageToken: t.Images, TokenType: "Bearer",
		ExpiresIn: int(t.ExpiresIn.Seconds()), User: toUser(t.User)})
}

func (h *Handler) logout(c *gin.Context) {
	if err := h.Auth.Logout(c.Request.Context(), callerOf(c)); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) listSessions(c *gin.Context) {
	all, ok := h.boolQuery(c, "all")
	if !ok {
		return
	}
	caller := callerOf(c)
	list, err := h.Auth.Sessions(c.Request.Context(), caller, all)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, mapList(list, func(s core.Session) sessionDTO {
		return sessionDTO{ID: string(s.ID), UserID: string(s.UserID), Client: s.Client, DeviceID: s.DeviceID,
			DeviceName: s.DeviceName, Address: s.Address, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt,
			Current: s.ID == caller.SessionID}
	}))
}

func (h *Handler) revokeSession(c *gin.Context) {
	if err := h.Auth.RevokeSession(c.Request.Context(), callerOf(c), core.SessionID(c.Param("id"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) listAPIKeys(c *gin.Context) {
	keys, err := h.Auth.APIKeys(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, mapList(keys, toAPIKey))
}

func (h *Handler) createAPIKey(c *gin.Context) {
	var req struct {
		Name string `json:"name"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	k, secret, err := h.Auth.CreateAPIKey(c.Request.Context(), callerOf(c), req.Name)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, struct {
		apiKeyDTO
		Key string `json:"key"`
	}{toAPIKey(k), secret})
}

func (h *Handler) revokeAPIKey(c *gin.Context) {
	if err := h.Auth.RevokeAPIKey(c.Request.Context(), callerOf(c), core.APIKeyID(c.Param("id"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) listLinkedTokens(c *gin.Context) {
	ts, err := h.Auth.LinkedTokens(c.Request.Context(), callerOf(c), core.UserID(c.Param("id")))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, mapList(ts, toLinkedToken))
}

// linkToken maps another service's token (a plex.tv account's, for Overseerr in Plex mode) to
// the user: requests with it act as them.
func (h *Handler) linkToken(c *gin.Context) {
	var req struct {
		Label string `json:"label"`
		Token string `json:"token"`
	}
	if err := bind(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	t, err := h.Auth.LinkToken(c.Request.Context(), callerOf(c), core.UserID(c.Param("id")), req.Label, req.Token)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toLinkedToken(t))
}

func (h *Handler) unlinkToken(c *gin.Context) {
	if err := h.Auth.UnlinkToken(c.Request.Context(), callerOf(c), core.LinkedTokenID(c.Param("id"))); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// truncate cuts s to at most n characters, never inside one.
func truncate(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
