package jellyfin

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
)

func TestQuickConnect(t *testing.T) {
	e := newEnv(t)
	bob, bobID := e.addUser("bob")
	tv := clientAuth("living-room-tv", "")
	e.want(http.StatusOK, e.do("GET", "/QuickConnect/Enabled", "", nil))
	// The new device asks for a code, without credentials.
	e.want(http.StatusBadRequest, e.do("POST", "/QuickConnect/Initiate", "", nil, "Authorization", `MediaBrowser Client="x"`))
	var req quickConnectResult
	e.decode(e.want(http.StatusOK, e.do("POST", "/QuickConnect/Initiate", "", nil, "Authorization", tv)), &req)
	if !regexp.MustCompile(`^\d{6}$`).MatchString(req.Code) || len(req.Secret) != 64 || req.Authenticated || req.DeviceId != "living-room-tv" {
		t.Fatalf("initiate = %+v", req)
	}
	// Before approval, the secret gives no token.
	e.want(http.StatusUnauthorized, e.do("POST", "/Users/AuthenticateWithQuickConnect", "", map[string]string{"Secret": req.Secret}, "Authorization", tv))
	// Another user cannot approve for bob; an unknown code is 404.
	carol, _ := e.addUser("carol")
	e.want(http.StatusForbidden, e.do("POST", "/QuickConnect/Authorize?code="+req.Code+"&userId="+bobID, carol, nil))
	e.want(http.StatusNotFound, e.do("POST", "/QuickConnect/Authorize?code=abcdef", bob, nil))
	e.want(http.StatusOK, e.do("POST", "/QuickConnect/Authorize?Code="+req.Code, bob, nil))
	var polled quickConnectResult
	e.decode(e.want(http.StatusOK, e.do("GET", "/QuickConnect/Connect?secret="+req.Secret, "", nil)), &polled)
	if !polled.Authenticated {
		t.Fatalf("after approval: %+v", polled)
	}
	var res authenticationResult
	e.decode(e.want(http.StatusOK, e.do("POST", "/Users/AuthenticateWithQuickConnect", "", map[string]string{"Secret": req.Secret}, "Authorization", tv)), &res)
	if res.User.Id != bobID || len(res.AccessToken) != 32 || res.SessionInfo.DeviceId != "living-room-tv" {
		t.Fatalf("authenticate = %+v", res)
	}
	e.want(http.StatusOK, e.do("GET", "/Users/Me", res.AccessToken, nil))
	// The secret works once.
	e.want(http.StatusUnauthorized, e.do("POST", "/Users/AuthenticateWithQuickConnect", "", map[string]string{"Secret": req.Secret}, "Authorization", tv))
	e.want(http.StatusNotFound, e.do("GET", "/QuickConnect/Connect?secret="+req.Secret, "", nil))
}

func TestQuickConnectBounds(t *testing.T) {
	e := newEnv(t)
	bob, _ := e.addUser("bob")
	// One address may keep only a few requests pending; their codes differ.
	codes := map[string]bool{}
	for i := range qcPerAddress {
		var r quickConnectResult
		e.decode(e.want(http.StatusOK, e.do("POST", "/QuickConnect/Initiate", "", nil, "Authorization", clientAuth(fmt.Sprint("tv-", i), ""))), &r)
		codes[r.Code] = true
	}
	if len(codes) != qcPerAddress {
		t.Fatalf("codes %v: want %d different", codes, qcPerAddress)
	}
	e.want(http.StatusTooManyRequests, e.do("POST", "/QuickConnect/Initiate", "", nil, "Authorization", clientAuth("tv-x", "")))
	// Guessing codes is cut short.
	for range qcWrongPerUser {
		e.want(http.StatusNotFound, e.do("POST", "/QuickConnect/Authorize?code=not-a-code", bob, nil))
	}
	e.want(http.StatusTooManyRequests, e.do("POST", "/QuickConnect/Authorize?code=not-a-code", bob, nil))
}
