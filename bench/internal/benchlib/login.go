package benchlib

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// JellyfinAuth is the Authorization header jellyfin-web sends before it has a token; with
// `, Token="…"` appended it carries one.
const JellyfinAuth = `MediaBrowser Client="bench", Device="bench", DeviceId="bench-1", Version="1.0"`

// Login signs the admin in on the device of JellyfinAuth with POST /Users/AuthenticateByName at
// base and returns the access token (a device token, long-lived as a Plex token is) and the
// user's id.
func Login(ctx context.Context, hc *http.Client, base string) (token, userID string, err error) {
	body, _ := json.Marshal(map[string]string{"Username": AdminUser, "Pw": AdminPassword})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/Users/AuthenticateByName", bytes.NewReader(body))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", JellyfinAuth+`, Token=""`)
	resp, err := hc.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("POST /Users/AuthenticateByName: %s: %.200s", resp.Status, b)
	}
	var out struct {
		AccessToken string
		User        struct {
			ID string `json:"Id"`
		}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return "", "", fmt.Errorf("POST /Users/AuthenticateByName: %w", err)
	}
	if out.AccessToken == "" || out.User.ID == "" {
		return "", "", fmt.Errorf("POST /Users/AuthenticateByName: no AccessToken or User.Id in %.200s", b)
	}
	return out.AccessToken, out.User.ID, nil
}
