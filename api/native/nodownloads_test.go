package native

import (
	"testing"
)

// TestDownloadsTurnedOff: an admin turns a user's downloads off (Jellyfin's
// EnableContentDownloading); the user may still stream the file but not download it, nor list
// what to download, until the admin turns them on again.
func TestDownloadsTurnedOff(t *testing.T) {
	e := newEnv(t)
	id, _ := e.scanOne("Heat (1995)/Heat (1995).mkv", []byte("not really a film, but bytes"))
	var u userDTO
	e.decode(e.want(201, e.as(e.admin, "POST", "/api/v1/users", map[string]any{"username": "dora", "password": "dora-password",
		"allowDownloads": false})), &u)
	if u.Downloads {
		t.Fatalf("created with downloads on: %+v", u)
	}
	dora := e.login("dora", "dora-password")
	for _, path := range []string{"/download", "/download?quality=original", "/downloads"} {
		e.want(403, e.as(dora, "GET", "/api/v1/items/"+id+path, nil))
	}
	e.want(403, e.as(dora, "GET", "/api/v1/items/no-such-item/download", nil)) // before the lookup: tells nothing
	e.want(200, e.as(dora, "GET", "/api/v1/items/"+id+"/stream", nil))
	var me userDTO
	e.decode(e.want(200, e.as(dora, "GET", "/api/v1/users/me", nil)), &me)
	if me.Downloads {
		t.Fatal("the user is told their downloads are on")
	}

	e.decode(e.want(200, e.as(e.admin, "PATCH", "/api/v1/users/"+u.ID, map[string]any{"allowDownloads": true})), &u)
	if !u.Downloads {
		t.Fatalf("patched: %+v", u)
	}
	// Media routes trust a checked credential for 2 s (core.mediaCacheTTL): a new one sees the change at once.
	dora = e.login("dora", "dora-password")
	e.want(200, e.as(dora, "GET", "/api/v1/items/"+id+"/download", nil))
	e.want(200, e.as(dora, "GET", "/api/v1/items/"+id+"/downloads", nil))
	// Someone whose downloads were never touched may download (the default).
	bob, _ := e.addUser("bob")
	e.want(200, e.as(bob, "GET", "/api/v1/items/"+id+"/download", nil))
}
