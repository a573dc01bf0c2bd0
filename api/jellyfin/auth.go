package jellyfin

import (
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/walros/walros/core"
)

// authInfo is what a request says about its client and credentials, read as Jellyfin's
// AuthorizationContext does.
type authInfo struct {
	Client, Device, DeviceID, Version string
	Token                             string
}

// readAuth parses the Authorization header (or X-Emby-Authorization when Authorization is empty)
// of the form `MediaBrowser Client="…", Device="…", DeviceId="…", Version="…", Token="…"` in any
// order, with URL-encoded values; then, when no token came with it, X-Emby-Token,
// X-MediaBrowser-Token and the ApiKey / api_key query parameters. Every form is accepted
// unconditionally: Sonarr, Jellyseerr, Infuse and the old web socket depend on the legacy ones.
func readAuth(c *gin.Context) authInfo {
	var a authInfo
	h := c.GetHeader("Authorization")
	if h == "" {
		h = c.GetHeader("X-Emby-Authorization")
	}
	if scheme, params, ok := strings.Cut(strings.TrimSpace(h), " "); ok &&
		(strings.EqualFold(scheme, "MediaBrowser") || strings.EqualFold(scheme, "Emby")) {
		for k, v := range authParams(params) {
			switch strings.ToLower(k) {
			case "client":
				a.Client = v
			case "device":
				a.Device = v
			case "deviceid":
				a.DeviceID = v
			case "version":
				a.Version = v
			case "token":
				a.Token = v
			}
		}
	}
	for _, t := range []string{c.GetHeader("X-Emby-Token"), c.GetHeader("X-MediaBrowser-Token"), str(c, "ApiKey"), str(c, "api_key")} {
		if a.Token == "" {
			a.Token = strings.TrimSpace(t)
		}
	}
	if a.DeviceID == "" {
		a.DeviceID = str(c, "deviceId")
	}
	return a
}

// authParams splits `Key="Value", Key=Value` pairs; commas inside quotes belong to the value.
func authParams(s string) map[string]string {
	out := map[string]string{}
	for len(s) > 0 {
		var pair string
		inQuote := false
		i := 0
		for ; i < len(s); i++ {
			if s[i] == '"' {
				inQuote = !inQuote
			} else if s[i] == ',' && !inQuote {
				break
			}
		}
		pair, s = s[:i], s[min(i+1, len(s)):]
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		out[strings.TrimSpace(k)] = v
	}
	return out
}

func (a authInfo) device(address string) core.Device {
	return core.Device{Client: a.Client, DeviceID: a.DeviceID, DeviceName: a.Device, Address: address}
}

const (
	callerKey = "jellyfin.caller"
	authKey   = "jellyfin.auth"
)

// authenticate admits a request with a valid device token, access token or API key, and answers
// 401 otherwise. Routes of one item's media (playlists, segments, streams) use the media check,
// which also takes media tokens and trusts a checked credential for a moment.
func (h *Handler) authenticate(c *gin.Context, item core.ItemID) bool {
	a := readAuth(c)
	c.Set(authKey, a)
	var (
		caller core.Caller
		err    error
	)
	if item != "" {
		caller, err = h.Auth.AuthenticateMedia(c.Request.Context(), a.Token, c.ClientIP(), item)
	} else {
		caller, err = h.Auth.Authenticate(c.Request.Context(), a.Token, c.ClientIP())
	}
	if err != nil {
		h.fail(c, err)
		return false
	}
	c.Set(callerKey, caller)
	return true
}

func callerOf(c *gin.Context) core.Caller {
	v, _ := c.Get(callerKey)
	caller, _ := v.(core.Caller)
	return caller
}

func authOf(c *gin.Context) authInfo {
	if v, ok := c.Get(authKey); ok {
		return v.(authInfo)
	}
	a := readAuth(c)
	c.Set(authKey, a)
	return a
}
