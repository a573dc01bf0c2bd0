package jellyfin

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// User management: the routes jellyfin-web's dashboard and profile pages call. Jellyfin takes
// whole UserDto, UserConfiguration and UserPolicy objects; Walros applies the fields it keeps
// (the account, playback preferences, library access, hiding, the bitrate cap) and leaves the
// others as they are.

// userConfigurationIn is the part of a posted UserConfiguration that Walros keeps. A field left
// out, or null, stays as it is.
type userConfigurationIn struct {
	AudioLanguagePreference    *string
	PlayDefaultAudioTrack      *bool
	SubtitleLanguagePreference *string
	SubtitleMode               *string
}

func (in *userConfigurationIn) patch() core.PlaybackPatch {
	if in == nil {
		return core.PlaybackPatch{}
	}
	return core.PlaybackPatch{AudioLanguage: in.AudioLanguagePreference, SubtitleLanguage: in.SubtitleLanguagePreference,
		SubtitleMode: in.SubtitleMode, PlayDefaultAudio: in.PlayDefaultAudioTrack}
}

// userPolicyIn is the part of a posted UserPolicy that Walros applies; the rest (remote control,
// Live TV, deletion, devices...) has no Walros counterpart. The parental fields go together, as
// the dashboard's parental control page posts them: when any is there, they replace the user's
// parental controls (a null or absent MaxParentalRating then means no limit).
type userPolicyIn struct {
	IsAdministrator          *bool
	IsHidden                 *bool
	IsDisabled               *bool
	EnableAllFolders         *bool
	EnabledFolders           *[]string
	RemoteClientBitrateLimit *int64
	EnableContentDownloading *bool
	MaxParentalRating        *int
	BlockedTags              *[]string
	BlockUnratedItems        *[]string
	AccessSchedules          *[]accessSchedule
}

// parental returns the posted parental controls, or nil when the policy carries none.
func (in userPolicyIn) parental() *core.ParentalControls {
	if in.MaxParentalRating == nil && in.BlockedTags == nil && in.BlockUnratedItems == nil && in.AccessSchedules == nil {
		return nil
	}
	p := parentalPolicy{MaxParentalRating: in.MaxParentalRating}
	if in.BlockedTags != nil {
		p.BlockedTags = *in.BlockedTags
	}
	if in.BlockUnratedItems != nil {
		p.BlockUnratedItems = *in.BlockUnratedItems
	}
	if in.AccessSchedules != nil {
		p.AccessSchedules = *in.AccessSchedules
	}
	out := p.parental()
	return &out
}

// targetUser is the user a management route is about: {userId}, else ?userId=, else the caller.
func targetUser(c *gin.Context) (core.UserID, bool) {
	s := c.Param("userId")
	if s == "" {
		s = str(c, "userId")
	}
	if s == "" {
		return callerOf(c).UserID, callerOf(c).IsUser()
	}
	id, ok := parseID(s)
	return core.UserID(id), ok
}

// createUser is POST /Users/New (admin): {Name, Password}. Without a password the user is
// passwordless, as in Jellyfin; Walros then reaches them only by switching users on a signed-in
// device (decision 0020).
func (h *Handler) createUser(c *gin.Context) {
	var body struct {
		Name     string
		Password *string
	}
	if err := bind(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	pw := ""
	if body.Password != nil {
		pw = *body.Password
	}
	u, err := h.Users.Create(c.Request.Context(), callerOf(c), core.NewUser{Username: body.Name, Password: pw,
		Passwordless: pw == "", AllLibraries: true})
	if err != nil {
		h.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, h.toUser(u))
}

// updateUser is POST /Users/{userId} and POST /Users?userId=: a UserDto whose Name renames the
// user (admins only) and whose Configuration, when present, updates the preferences.
func (h *Handler) updateUser(c *gin.Context) {
	id, ok := targetUser(c)
	if !ok {
		status(c, http.StatusNotFound)
		return
	}
	var body struct {
		Name          *string
		Configuration *userConfigurationIn
	}
	if err := bind(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	var (
		u   core.User
		err error
	)
	if id == caller.UserID {
		u, err = h.Users.Me(ctx, caller)
	} else {
		u, err = h.Users.Get(ctx, caller, id)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if body.Name != nil && strings.TrimSpace(*body.Name) == "" {
		status(c, http.StatusBadRequest)
		return
	}
	rename := body.Name != nil && *body.Name != u.Username
	switch {
	case id == caller.UserID && !rename:
		_, err = h.Users.UpdateMe(ctx, caller, core.SelfPatch{Playback: body.Configuration.patch()})
	default: // another user, or a rename: an admin's change
		p := core.UserPatch{Playback: body.Configuration.patch()}
		if rename {
			p.Username = body.Name
		}
		_, err = h.Users.Update(ctx, caller, id, p)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// updateConfiguration is POST /Users/{userId}/Configuration and POST /Users/Configuration?userId=:
// the user's own, or anyone's for an admin.
func (h *Handler) updateConfiguration(c *gin.Context) {
	id, ok := targetUser(c)
	if !ok {
		status(c, http.StatusNotFound)
		return
	}
	var body userConfigurationIn
	if err := bind(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	var err error
	if id == caller.UserID {
		_, err = h.Users.UpdateMe(ctx, caller, core.SelfPatch{Playback: body.patch()})
	} else {
		_, err = h.Users.Update(ctx, caller, id, core.UserPatch{Playback: body.patch()})
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// updatePolicy is POST /Users/{userId}/Policy (admin): administrator, disabled, hidden, the
// libraries (EnableAllFolders, EnabledFolders), the bitrate cap (RemoteClientBitrateLimit, which
// Walros applies to every client, not only remote ones), downloads (EnableContentDownloading) and
// the parental controls.
func (h *Handler) updatePolicy(c *gin.Context) {
	id, ok := targetUser(c)
	if !ok {
		status(c, http.StatusNotFound)
		return
	}
	var body userPolicyIn
	if err := bind(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	p := core.UserPatch{Admin: body.IsAdministrator, Disabled: body.IsDisabled, Hidden: body.IsHidden,
		AllLibraries: body.EnableAllFolders, MaxBitrate: body.RemoteClientBitrateLimit, Parental: body.parental()}
	if body.EnableContentDownloading != nil {
		p.NoDownloads = new(!*body.EnableContentDownloading)
	}
	if body.EnabledFolders != nil && (body.EnableAllFolders == nil || !*body.EnableAllFolders) {
		libs := make([]core.LibraryID, 0, len(*body.EnabledFolders))
		for _, f := range *body.EnabledFolders {
			lid, ok := parseID(f)
			if !ok {
				h.fail(c, core.Invalid("EnabledFolders", "%q is not a library id", f))
				return
			}
			libs = append(libs, core.LibraryID(lid))
		}
		p.LibraryIDs = &libs
	}
	if _, err := h.Users.Update(c.Request.Context(), callerOf(c), id, p); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// updatePassword is POST /Users/{userId}/Password and POST /Users/Password?userId=:
// {CurrentPw, NewPw, ResetPassword}. Users change their own with the current one (a wrong one is
// 403, as in Jellyfin); an admin sets anyone else's, or resets it: the user becomes passwordless.
func (h *Handler) updatePassword(c *gin.Context) {
	id, ok := targetUser(c)
	if !ok {
		status(c, http.StatusNotFound)
		return
	}
	var body struct {
		CurrentPw       *string
		CurrentPassword *string // older clients
		NewPw           string
		ResetPassword   bool
	}
	if err := bind(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	current := ""
	for _, p := range []*string{body.CurrentPw, body.CurrentPassword} {
		if p != nil && current == "" {
			current = *p
		}
	}
	ctx, caller := c.Request.Context(), callerOf(c)
	var err error
	switch {
	case id == caller.UserID && body.ResetPassword:
		err = core.ErrForbidden // an admin would lock themselves out; others may not
	case body.ResetPassword:
		_, err = h.Users.Update(ctx, caller, id, core.UserPatch{RemovePassword: true})
	case id == caller.UserID:
		_, err = h.Users.UpdateMe(ctx, caller, core.SelfPatch{CurrentPassword: current, NewPassword: &body.NewPw})
		var fe *core.FieldError
		if errors.As(err, &fe) && fe.Field == "currentPassword" {
			err = core.ErrForbidden
		}
	default:
		_, err = h.Users.Update(ctx, caller, id, core.UserPatch{Password: &body.NewPw})
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// deleteUser is DELETE /Users/{userId} (admin).
func (h *Handler) deleteUser(c *gin.Context) {
	id, ok := targetUser(c)
	if !ok {
		status(c, http.StatusNotFound)
		return
	}
	if err := h.Users.Delete(c.Request.Context(), callerOf(c), id); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
