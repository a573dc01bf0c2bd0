package jellyfin

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

func (h *Handler) userRoutes(r *router) {
	r.add("POST", "/Users/AuthenticateByName", anonymous, h.authenticateByName)
	r.add("GET", "/Users/Public", anonymous, h.publicUsers)
	r.add("GET", "/Users", user, h.listUsers)
	r.add("GET", "/Users/Me", user, h.me)
	r.add("GET", "/Users/{userId}", user, h.getUser)
	// Literal paths before {userId}: the router tries routes in the order they were added.
	r.add("POST", "/Users/New", user, h.admin, h.createUser)
	r.add("POST", "/Users/Configuration", user, h.updateConfiguration)
	r.add("POST", "/Users/Password", user, h.updatePassword)
	r.add("POST", "/Users", user, h.updateUser)
	r.add("POST", "/Users/{userId}", user, h.updateUser)
	r.add("DELETE", "/Users/{userId}", user, h.admin, h.deleteUser)
	r.add("POST", "/Users/{userId}/Configuration", user, h.updateConfiguration)
	r.add("POST", "/Users/{userId}/Policy", user, h.admin, h.updatePolicy)
	r.add("POST", "/Users/{userId}/Password", user, h.updatePassword)
	r.add("POST", "/Sessions/Logout", user, h.logout)
	r.add("GET", "/Auth/Keys", user, h.admin, h.listKeys)
	r.add("POST", "/Auth/Keys", user, h.admin, h.createKey)
	r.add("DELETE", "/Auth/Keys/{key}", user, h.admin, h.revokeKey)
}

// userDto is Jellyfin's UserDto with the configuration and policy clients read.
type userDto struct {
	Name                      string
	ServerId                  string
	ServerName                string
	Id                        string
	HasPassword               bool
	HasConfiguredPassword     bool
	HasConfiguredEasyPassword bool
	EnableAutoLogin           bool
	LastLoginDate             *jfTime `json:",omitempty"`
	LastActivityDate          *jfTime `json:",omitempty"`
	Configuration             userConfiguration
	Policy                    userPolicy
}

type userConfiguration struct {
	AudioLanguagePreference    string `json:",omitempty"`
	PlayDefaultAudioTrack      bool
	SubtitleLanguagePreference string
	DisplayMissingEpisodes     bool
	GroupedFolders             []string
	SubtitleMode               string
	DisplayCollectionsView     bool
	EnableLocalPassword        bool
	OrderedViews               []string
	LatestItemsExcludes        []string
	MyMediaExcludes            []string
	HidePlayedInLatest         bool
	RememberAudioSelections    bool
	RememberSubtitleSelections bool
	EnableNextEpisodeAutoPlay  bool
	CastReceiverId             string
}

type userPolicy struct {
	IsAdministrator            bool
	IsHidden                   bool
	EnableCollectionManagement bool
	EnableSubtitleManagement   bool
	EnableLyricManagement      bool
	IsDisabled                 bool
	// The parental fields come from the user's parental controls (parental.go).
	MaxParentalRating                *int `json:",omitempty"`
	MaxParentalSubRating             *int `json:",omitempty"`
	BlockedTags                      []string
	AllowedTags                      []string
	EnableUserPreferenceAccess       bool
	AccessSchedules                  []accessSchedule
	BlockUnratedItems                []string
	EnableRemoteControlOfOtherUsers  bool
	EnableSharedDeviceControl        bool
	EnableRemoteAccess               bool
	EnableLiveTvManagement           bool
	EnableLiveTvAccess               bool
	EnableMediaPlayback              bool
	EnableAudioPlaybackTranscoding   bool
	EnableVideoPlaybackTranscoding   bool
	EnablePlaybackRemuxing           bool
	ForceRemoteSourceTranscoding     bool
	EnableContentDeletion            bool
	EnableContentDeletionFromFolders []string
	EnableContentDownloading         bool
	EnableSyncTranscoding            bool
	EnableMediaConversion            bool
	EnabledDevices                   []string
	EnableAllDevices                 bool
	EnabledChannels                  []string
	EnableAllChannels                bool
	EnabledFolders                   []string
	EnableAllFolders                 bool
	InvalidLoginAttemptCount         int
	LoginAttemptsBeforeLockout       int
	MaxActiveSessions                int
	EnablePublicSharing              bool
	BlockedMediaFolders              []string
	BlockedChannels                  []string
	RemoteClientBitrateLimit         int
	AuthenticationProviderId         string
	PasswordResetProviderId          string
	SyncPlayAccess                   string
}

func (h *Handler) toUser(u core.User) userDto {
	folders := make([]string, len(u.LibraryIDs))
	for i, l := range u.LibraryIDs {
		folders[i] = jid(l)
	}
	parental := toParentalPolicy(u.Parental)
	d := userDto{Name: u.Username, ServerId: h.ServerID, ServerName: h.ServerName, Id: jid(u.ID), HasPassword: u.HasPassword(),
		HasConfiguredPassword: u.HasPassword(), HasConfiguredEasyPassword: u.HasPIN(), LastLoginDate: timePtrOf(u.LastLoginAt),
		LastActivityDate: timePtrOf(u.LastLoginAt),
		Configuration: userConfiguration{AudioLanguagePreference: u.Playback.AudioLanguage,
			PlayDefaultAudioTrack: u.Playback.PlayDefaultAudio, SubtitleLanguagePreference: u.Playback.SubtitleLanguage,
			GroupedFolders: []string{}, SubtitleMode: subtitleModeName(u.Playback.SubtitleMode),
			DisplayCollectionsView: true, OrderedViews: []string{}, LatestItemsExcludes: []string{}, MyMediaExcludes: []string{},
			HidePlayedInLatest: true, RememberAudioSelections: true, RememberSubtitleSelections: true, EnableNextEpisodeAutoPlay: true},
		Policy: userPolicy{IsAdministrator: u.Admin, IsHidden: u.Hidden, IsDisabled: u.Disabled, EnableCollectionManagement: u.Admin,
			BlockedTags: parental.BlockedTags, AllowedTags: parental.AllowedTags, MaxParentalRating: parental.MaxParentalRating,
			EnableUserPreferenceAccess: true, AccessSchedules: parental.AccessSchedules, BlockUnratedItems: parental.BlockUnratedItems,
			EnableRemoteControlOfOtherUsers: u.Admin, EnableSharedDeviceControl: true,
			EnableRemoteAccess: true, EnableMediaPlayback: true, EnableAudioPlaybackTranscoding: true,
			EnableVideoPlaybackTranscoding: true, EnablePlaybackRemuxing: true, EnableContentDeletion: false,
			EnableContentDeletionFromFolders: []string{}, EnableContentDownloading: !u.NoDownloads, EnableSyncTranscoding: true,
			EnableMediaConversion: true, EnabledDevices: []string{}, EnableAllDevices: true, EnabledChannels: []string{},
			EnableAllChannels: true, EnabledFolders: folders, EnableAllFolders: u.Admin || u.AllLibraries,
			LoginAttemptsBeforeLockout: -1, EnablePublicSharing: true, BlockedMediaFolders: []string{}, BlockedChannels: []string{},
			RemoteClientBitrateLimit: int(u.MaxBitrate),
			AuthenticationProviderId: "Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider",
			PasswordResetProviderId:  "Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider",
			SyncPlayAccess:           "None"},
	}
	return d
}

func timePtrOf(t *time.Time) *jfTime {
	if t == nil {
		return nil
	}
	return timePtr(*t)
}

// sessionInfo is Jellyfin's SessionInfoDto.
type sessionInfo struct {
	Id                    string
	UserId                string
	UserName              string `json:",omitempty"`
	Client                string
	DeviceName            string
	DeviceId              string
	ApplicationVersion    string
	RemoteEndPoint        string
	LastActivityDate      jfTime
	PlayableMediaTypes    []string
	SupportedCommands     []string
	IsActive              bool
	SupportsMediaControl  bool
	SupportsRemoteControl bool
	NowPlayingQueue       []any
	HasCustomDeviceName   bool
	ServerId              string
	AdditionalUsers       []any
	PlayState             playState
}

type playState struct {
	CanSeek       bool
	IsPaused      bool
	IsMuted       bool
	RepeatMode    string
	PlaybackOrder string
}

// sessionID is Jellyfin's session id: MD5 of client and device id.
func sessionID(client, deviceID string) string {
	sum := md5.Sum([]byte(client + deviceID))
	return hex.EncodeToString(sum[:])
}

func (h *Handler) toSession(s core.Session, name, version string) sessionInfo {
	return sessionInfo{Id: sessionID(s.Client, s.DeviceID), UserId: jid(s.UserID), UserName: name, Client: s.Client,
		DeviceName: s.DeviceName, DeviceId: s.DeviceID, ApplicationVersion: version, RemoteEndPoint: s.Address,
		LastActivityDate: jfTime(s.LastSeenAt), PlayableMediaTypes: []string{"Audio", "Video"}, SupportedCommands: []string{},
		IsActive: true, NowPlayingQueue: []any{}, ServerId: h.ServerID, AdditionalUsers: []any{},
		PlayState: playState{CanSeek: false, RepeatMode: "RepeatNone", PlaybackOrder: "Default"}}
}

// authenticateByName is POST /Users/AuthenticateByName. The Authorization header must name the
// client and device, which the session is keyed by; logging in again from a device replaces its
// token, as in Jellyfin.
func (h *Handler) authenticateByName(c *gin.Context) {
	var body struct {
		Username string
		Pw       string
		Password string // 10.8 and older
	}
	if err := bind(c, &body); err != nil {
		h.fail(c, err)
		return
	}
	a := authOf(c)
	if a.Client == "" || a.DeviceID == "" || a.Device == "" || a.Version == "" {
		status(c, http.StatusBadRequest)
		return
	}
	pw := body.Pw
	if pw == "" {
		pw = body.Password
	}
	tok, err := h.Auth.LoginDevice(c.Request.Context(), body.Username, pw, a.device(c.ClientIP()))
	if err != nil {
		h.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, h.authResult(tok, a.Version))
}

type authenticationResult struct {
	User        userDto
	SessionInfo sessionInfo
	AccessToken string
	ServerId    string
}

func (h *Handler) authResult(tok core.Tokens, version string) authenticationResult {
	return authenticationResult{User: h.toUser(tok.User), SessionInfo: h.toSession(tok.Session, tok.User.Username, version),
		AccessToken: tok.Device, ServerId: h.ServerID}
}

// subtitleModeName is Jellyfin's name of a subtitle mode.
func subtitleModeName(m core.SubtitleMode) string {
	switch m {
	case core.SubtitlesAlways:
		return "Always"
	case core.SubtitlesOnlyForced:
		return "OnlyForced"
	case core.SubtitlesNone:
		return "None"
	case core.SubtitlesSmart:
		return "Smart"
	}
	return "Default"
}

// publicUsers is GET /Users/Public: the enabled users not hidden (Policy.IsHidden, true for a
// new user as in Jellyfin, so the list is usually empty and the login page asks for a name), as
// full UserDtos like Jellyfin's; empty when the server's public list is off.
func (h *Handler) publicUsers(c *gin.Context) {
	us, err := h.Users.Public(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]userDto, len(us))
	for i, u := range us {
		out[i] = h.toUser(u)
	}
	writeJSON(c, http.StatusOK, out)
}

// listUsers is GET /Users (admin), which Jellyfin filters by isHidden and isDisabled.
func (h *Handler) listUsers(c *gin.Context) {
	us, err := h.Users.List(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	hidden, disabled := boolean(c, "isHidden"), boolean(c, "isDisabled")
	out := make([]userDto, 0, len(us))
	for _, u := range us {
		if hidden != nil && *hidden != u.Hidden || disabled != nil && *disabled != u.Disabled {
			continue
		}
		out = append(out, h.toUser(u))
	}
	writeJSON(c, http.StatusOK, out)
}

func (h *Handler) me(c *gin.Context) {
	u, err := h.Users.Me(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, h.toUser(u))
}

func (h *Handler) getUser(c *gin.Context) {
	id, ok := parseID(c.Param("userId"))
	if !ok {
		status(c, http.StatusNotFound)
		return
	}
	var (
		u   core.User
		err error
	)
	if caller := callerOf(c); core.UserID(id) == caller.UserID {
		u, err = h.Users.Me(c.Request.Context(), caller) // jellyfin-web reads its own user at start
	} else {
		u, err = h.Users.Get(c.Request.Context(), caller, core.UserID(id))
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, h.toUser(u))
}

func (h *Handler) logout(c *gin.Context) {
	if err := h.Auth.Logout(c.Request.Context(), callerOf(c)); err != nil {
		h.fail(c, err)
		return
	}
	h.live.endSession(callerOf(c).SessionID) // its sockets close now, not at their next check
	c.Status(http.StatusNoContent)
}

// authenticationInfo is one API key as /Auth/Keys lists it. Walros shows the key itself only when
// it is made: it stores a hash. Jellyseerr reads AccessToken right after POST /Auth/Keys, so the
// secret of a key made by this facade is remembered in memory for that moment.
type authenticationInfo struct {
	Id               int64
	AccessToken      string
	DeviceId         string
	AppName          string
	AppVersion       string
	DeviceName       string
	UserId           string
	IsActive         bool
	DateCreated      jfTime
	DateRevoked      *jfTime `json:",omitempty"`
	DateLastActivity *jfTime `json:",omitempty"`
	UserName         string
}

func (h *Handler) listKeys(c *gin.Context) {
	keys, err := h.Auth.APIKeys(c.Request.Context(), callerOf(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]authenticationInfo, len(keys))
	for i, k := range keys {
		token := k.Prefix + "…"
		if s, ok := h.newKeys.Load(k.ID); ok {
			token = s.(string)
		}
		out[i] = authenticationInfo{Id: int64(i + 1), AccessToken: token, AppName: k.Name, IsActive: true,
			DateCreated: jfTime(k.CreatedAt), DateLastActivity: timePtrOf(k.LastUsedAt), UserId: jid(k.CreatedBy)}
	}
	writeJSON(c, http.StatusOK, queryResult[authenticationInfo]{Items: out, TotalRecordCount: len(out)})
}

func (h *Handler) createKey(c *gin.Context) {
	k, secret, err := h.Auth.CreateAPIKey(c.Request.Context(), callerOf(c), str(c, "App"))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.newKeys.Store(k.ID, secret)
	time.AfterFunc(10*time.Minute, func() { h.newKeys.Delete(k.ID) })
	c.Status(http.StatusNoContent)
}

// revokeKey is DELETE /Auth/Keys/{key}: the key's secret, or the prefix /Auth/Keys showed.
func (h *Handler) revokeKey(c *gin.Context) {
	ctx, caller := c.Request.Context(), callerOf(c)
	want := c.Param("key")
	k, err := h.Auth.APIKeyBySecret(ctx, caller, want)
	if errors.Is(err, core.ErrNotFound) {
		// Not a whole secret: the shortened form /Auth/Keys lists, when exactly one key has it.
		k, err = h.keyByPrefix(ctx, caller, strings.TrimSuffix(want, "…"))
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.Auth.RevokeAPIKey(ctx, caller, k.ID); err != nil {
		h.fail(c, err)
		return
	}
	h.newKeys.Delete(k.ID)
	c.Status(http.StatusNoContent)
}

// keyByPrefix finds the one key whose shown prefix is prefix.
func (h *Handler) keyByPrefix(ctx context.Context, caller core.Caller, prefix string) (core.APIKey, error) {
	keys, err := h.Auth.APIKeys(ctx, caller)
	if err != nil {
		return core.APIKey{}, err
	}
	var found []core.APIKey
	for _, k := range keys {
		if prefix != "" && k.Prefix == prefix {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		return core.APIKey{}, fmt.Errorf("%d keys shown as %q: %w", len(found), prefix, core.ErrNotFound)
	}
	return found[0], nil
}
