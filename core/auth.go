package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// AuthConfig sets token lifetimes and login throttling.
type AuthConfig struct {
	SigningKey []byte        // HMAC key for access tokens, at least MinSigningKeyLen bytes
	Issuer     string        // "walros" when empty
	AccessTTL  time.Duration // short: revocation is also checked on every request
	RefreshTTL time.Duration // how long a device stays signed in without using the server
	Throttle   ThrottleConfig
	Password   PasswordParams
}

// AuthDeps are what Auth needs.
type AuthDeps struct {
	Users    UserStore
	Sessions SessionStore
	Keys     APIKeyStore
	// Links keeps tokens of other services that admins linked to users (linked.go); nil for none.
	Links LinkedTokenStore
	Now   Clock
	NewID func() string
}

// Auth signs users in and out and turns credentials into a Caller.
type Auth struct {
	users    UserStore
	sessions SessionStore
	keys     APIKeyStore
	links    LinkedTokenStore
	now      Clock
	newID    func() string
	sign     signer
	cfg      AuthConfig
	throttle *throttle
	hasher   *hasher
	dummy    string // a hash to check when the user does not exist, so timing does not tell
	media    callerCache
	devices  sessionCache
}

// Tokens is what a login or refresh returns.
type Tokens struct {
	Access  string
	Refresh string
	// Device is the opaque device token of a LoginDevice: it works until the session ends.
	Device string
	// Images is the session's image token (see ImageToken).
	Images    string
	ExpiresIn time.Duration
	User      User
	Session   Session
}

// touchEvery limits last-seen writes to one per session or key per minute.
const touchEvery = time.Minute

// NewAuth returns the authentication service.
func NewAuth(cfg AuthConfig, d AuthDeps) (*Auth, error) {
	if len(cfg.SigningKey) < MinSigningKeyLen {
		return nil, fmt.Errorf("auth: signing key has %d bytes, need at least %d", len(cfg.SigningKey), MinSigningKeyLen)
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "walros"
	}
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = 15 * time.Minute
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = 30 * 24 * time.Hour
	}
	dummy, err := hashPassword(randomToken(), cfg.Password)
	if err != nil {
		return nil, err
	}
	return &Auth{users: d.Users, sessions: d.Sessions, keys: d.Keys, links: d.Links, now: d.Now, newID: d.NewID, cfg: cfg,
		sign: signer{key: cfg.SigningKey, issuer: cfg.Issuer, ttl: cfg.AccessTTL}, throttle: newThrottle(cfg.Throttle),
		hasher: newHasher(cfg.Password), dummy: dummy}, nil
}

// AccessTTL is how long an access token lives.
func (a *Auth) AccessTTL() time.Duration { return a.cfg.AccessTTL }

// Login checks a username and password and opens a session for the device. Wrong credentials give
// ErrUnauthenticated, too many of them ErrThrottled; a disabled user cannot tell it apart from a wrong password.
func (a *Auth) Login(ctx context.Context, username, password string, dev Device) (Tokens, error) {
	return a.login(ctx, username, password, dev, false)
}

func (a *Auth) login(ctx context.Context, username, password string, dev Device, device bool) (Tokens, error) {
	dev, err := cleanDevice(dev)
	if err != nil {
		return Tokens{}, err
	}
	now := a.now()
	// An invalid name (too long, control characters...) is counted under one shared key: it cannot
	// match a user, and must not buy a fresh throttle budget per variant.
	name, nameErr := validateUsername(username)
	key := strings.ToLower(name)
	if nameErr != nil {
		key = "\x00invalid"
	}
	at, err := a.throttle.acquire(ctx, a.now, a.throttle.loginKeys(key, dev.Address))
	if err != nil {
		return Tokens{}, err
	}
	defer at.done()
	var u User
	hash := a.dummy // checked even for unknown users, so timing does not tell who exists
	if nameErr == nil {
		switch found, err := a.users.UserByName(ctx, name); {
		case err == nil && !found.HasPassword():
			// A passwordless user is a profile, reached only by switching on a signed-in device
			// (profile.go): signing in needs a password, so the dummy's check fails.
			u = found
		case err == nil:
			u, hash = found, found.PasswordHash
		case !errors.Is(err, ErrNotFound):
			return Tokens{}, err
		}
	}
	ok, err := a.hasher.check(ctx, hash, password)
	if err != nil {
		return Tokens{}, fmt.Errorf("check password of %q: %w", name, err)
	}
	if !ok || u.ID == "" || u.Disabled || !u.HasPassword() {
		at.fail(now)
		return Tokens{}, fmt.Errorf("login %q: %w", name, ErrUnauthenticated)
	}
	at.succeed()
	t, err := a.openSession(ctx, u, dev, device)
	if err != nil {
		return Tokens{}, fmt.Errorf("login %q: %w", name, err)
	}
	return t, nil
}

// openSession opens a session for u on dev, replacing the user's older session on that device,
// with a device token too when device is set.
func (a *Auth) openSession(ctx context.Context, u User, dev Device, device bool) (Tokens, error) {
	now := a.now()
	if !u.Parental.AllowedAt(now.Local()) {
		return Tokens{}, fmt.Errorf("user %s: %w", u.ID, ErrOutsideHours)
	}
	if dev.DeviceID != "" {
		if err := a.sessions.DeleteDeviceSessions(ctx, u.ID, dev.DeviceID); err != nil {
			return Tokens{}, err
		}
		a.devices.clear()
		a.media.clear() // the replaced session's credentials must stop working at once
	}
	refresh, deviceToken := randomToken(), ""
	s := Session{ID: SessionID(a.newID()), UserID: u.ID, Client: dev.Client, DeviceID: dev.DeviceID,
		DeviceName: dev.DeviceName, Address: dev.Address, RefreshHash: tokenHash(refresh),
		CreatedAt: now.UTC(), LastSeenAt: now.UTC(), ExpiresAt: now.Add(a.cfg.RefreshTTL).UTC()}
	if device {
		deviceToken = newDeviceToken()
		s.DeviceTokenHash = tokenHash(deviceToken)
	}
	if err := a.sessions.CreateSession(ctx, s); err != nil {
		return Tokens{}, err
	}
	// An admin may have reset the password or disabled the user while the hash was being checked;
	// their change deleted every session, but not this one, made just after.
	if cur, err := a.users.User(ctx, u.ID); err != nil || cur.PasswordHash != u.PasswordHash || cur.Disabled {
		if derr := a.sessions.DeleteSession(ctx, s.ID); derr != nil && !errors.Is(derr, ErrNotFound) {
			return Tokens{}, derr
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Tokens{}, err
		}
		return Tokens{}, fmt.Errorf("the account changed during login: %w", ErrUnauthenticated)
	}
	last := now.UTC()
	if err := a.users.SetLastLogin(ctx, u.ID, last); err != nil {
		return Tokens{}, err
	}
	u.LastLoginAt = &last
	t, err := a.tokens(u, s, refresh, now)
	t.Device = deviceToken
	return t, err
}

// refreshGrace is how long the previous refresh token is refused without ending the session: two
// tabs or requests refreshing at once are normal, and only the first one wins.
const refreshGrace = 30 * time.Second

// Refresh trades a refresh token for new tokens. The old refresh token stops working; presenting it
// again later than refreshGrace means it was stolen, and ends the session.
func (a *Auth) Refresh(ctx context.Context, refresh string, address string) (Tokens, error) {
	now := a.now()
	address = cleanAddress(address)
	at, err := a.throttle.acquire(ctx, a.now, a.throttle.refreshKeys(address))
	if err != nil {
		return Tokens{}, err
	}
	defer at.done()
	hash := tokenHash(refresh)
	s, err := a.sessions.SessionByRefresh(ctx, hash)
	if errors.Is(err, ErrNotFound) {
		at.fail(now)
		return Tokens{}, fmt.Errorf("refresh: %w", ErrUnauthenticated)
	} else if err != nil {
		return Tokens{}, err
	}
	at.done()                  // a real token, even an old one, is not a guess; it does not clear the address's failures
	if s.RefreshHash != hash { // the previous token, already rotated
		if now.Sub(s.RotatedAt) < refreshGrace {
			return Tokens{}, fmt.Errorf("refresh: session %s was just refreshed by another request: %w", s.ID, ErrUnauthenticated)
		}
		a.media.clear()
		a.devices.clear()
		if err := a.sessions.DeleteSession(ctx, s.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return Tokens{}, err
		}
		return Tokens{}, fmt.Errorf("refresh: reused token ended session %s: %w", s.ID, ErrUnauthenticated)
	}
	if !now.Before(s.ExpiresAt) {
		return Tokens{}, fmt.Errorf("refresh: session %s expired: %w", s.ID, ErrUnauthenticated)
	}
	u, err := a.activeUser(ctx, s.UserID)
	if err != nil {
		return Tokens{}, err
	}
	next := randomToken()
	s.PrevRefreshHash, s.RefreshHash = s.RefreshHash, tokenHash(next)
	s.LastSeenAt, s.RotatedAt, s.ExpiresAt, s.Address = now.UTC(), now.UTC(), now.Add(a.cfg.RefreshTTL).UTC(), address
	err = a.sessions.RotateRefresh(ctx, s.ID, hash, s.RefreshHash, s.LastSeenAt, s.ExpiresAt, s.Address)
	if errors.Is(err, ErrConflict) { // a concurrent refresh with the same token won
		return Tokens{}, fmt.Errorf("refresh: concurrent use of one token: %w", ErrUnauthenticated)
	} else if err != nil {
		return Tokens{}, err
	}
	return a.tokens(u, s, next, now)
}

// Logout ends the caller's session. API keys have no session and are revoked by an admin instead.
func (a *Auth) Logout(ctx context.Context, c Caller) error {
	if c.SessionID == "" {
		return Invalid("", "API keys cannot log out; revoke the key instead")
	}
	defer a.media.clear()
	defer a.devices.clear()
	return a.sessions.DeleteSession(ctx, c.SessionID)
}

// Authenticate turns a bearer credential (an access token, a device token or an API key) into a
// Caller. It checks the session and the user on every call, so logout, revocation and disabling
// take effect at once; the session of a device token is read at most every mediaCacheTTL
// (authenticateDevice), and signing out and revoking clear that at once.
func (a *Auth) Authenticate(ctx context.Context, credential, address string) (Caller, error) {
	return a.authenticate(ctx, credential, address, nil)
}

// AuthenticateMedia is Authenticate for the media routes of one item (streams, playlists,
// segments, images): it also accepts a media token for that item (see MediaToken).
// A credential checked here is trusted for mediaCacheTTL without the database.
func (a *Auth) AuthenticateMedia(ctx context.Context, credential, address string, item ItemID) (Caller, error) {
	return a.authenticateFor(ctx, credential, address, &resource{item: item})
}

// AuthenticateImage is Authenticate for the image routes: it also accepts the session's image
// token (see ImageToken), and a media token for the item whose image it is (item; "" for an
// image that belongs to no item, such as a person's).
func (a *Auth) AuthenticateImage(ctx context.Context, credential, address string, item ItemID) (Caller, error) {
	return a.authenticateFor(ctx, credential, address, &resource{item: item, image: true})
}

// resource is what a limited token must open: the media routes of an item, or an image.
type resource struct {
	item  ItemID
	image bool
}

// opens tells whether a limited token with claims c opens r.
func (r *resource) opens(c accessClaims) bool {
	switch {
	case r == nil:
		return false
	case c.Scope == scopeMedia:
		return r.item != "" && c.Item == string(r.item)
	case c.Scope == scopeImages:
		return r.image
	}
	return false
}

func (a *Auth) authenticateFor(ctx context.Context, credential, address string, r *resource) (Caller, error) {
	now := a.now()
	if c, ok := a.media.get(credential, r, now); ok {
		return c, nil
	}
	c, err := a.authenticate(ctx, credential, address, r)
	if err == nil && credential != "" {
		e := cachedCaller{caller: c, until: now.Add(mediaCacheTTL)}
		if _, _, claims, err := a.sign.verifyAny(credential, now); err == nil && claims.Scope != "" {
			e.claims = &claims
		}
		a.media.put(credential, e)
	}
	return c, err
}

// MediaTokenTTL is how long a media token lasts: long enough for a film and its pauses.
const MediaTokenTTL = 24 * time.Hour

// MediaToken returns a token that opens only the media routes of one item, for MediaTokenTTL:
// what playlists put in their URLs for players that cannot send headers, since an access token
// expires within minutes. It is bound to the caller's session, so signing out revokes it. An API
// key caller gets "", as its key does not expire.
func (a *Auth) MediaToken(c Caller, item ItemID) (string, error) {
	if c.SessionID == "" || c.UserID == "" {
		return "", nil
	}
	return a.sign.signMedia(c.UserID, c.SessionID, item, a.now(), MediaTokenTTL)
}

// ImageTokenWindow and ImageTokenTTL shape image tokens: every one signed within a window of
// ImageTokenWindow is the same string and lasts ImageTokenTTL from the window's start, so it
// has between 24 and 36 hours left when handed out.
const (
	ImageTokenWindow = 12 * time.Hour
	ImageTokenTTL    = 36 * time.Hour
)

// ImageToken returns a token that opens only the image routes, of every item the session's user
// may see: what a client puts in <img> URLs. Unlike an access token, which changes at every
// refresh, it stays the same for ImageTokenWindow, so the browser's cache of posters holds. It is
// bound to the session like a media token. An API key caller gets "".
func (a *Auth) ImageToken(c Caller) (string, error) {
	if c.SessionID == "" || c.UserID == "" {
		return "", nil
	}
	return a.sign.signImages(c.UserID, c.SessionID, a.now())
}

func (a *Auth) authenticate(ctx context.Context, credential, address string, r *resource) (Caller, error) {
	if credential == "" {
		return Caller{}, fmt.Errorf("no credentials: %w", ErrUnauthenticated)
	}
	if strings.HasPrefix(credential, apiKeyPrefix) {
		c, err := a.authenticateKey(ctx, credential)
		if errors.Is(err, ErrNotFound) {
			return Caller{}, fmt.Errorf("api key: %w", ErrUnauthenticated)
		}
		return c, err
	}
	if isDeviceToken(credential) {
		return a.authenticateDevice(ctx, credential, address)
	}
	if a.links != nil && !strings.Contains(credential, ".") { // not a JWT: maybe a linked token
		return a.authenticateLinked(ctx, credential)
	}
	now := a.now()
	uid, sid, claims, err := a.sign.verifyAny(credential, now)
	if err != nil {
		return Caller{}, err
	}
	if claims.Scope != "" && !r.opens(claims) {
		return Caller{}, fmt.Errorf("a %s token for another resource: %w", claims.Scope, ErrUnauthenticated)
	}
	s, err := a.sessions.Session(ctx, sid)
	if errors.Is(err, ErrNotFound) || err == nil && s.UserID != uid {
		return Caller{}, fmt.Errorf("session %s: %w", sid, ErrUnauthenticated)
	} else if err != nil {
		return Caller{}, err
	}
	u, err := a.activeUser(ctx, uid)
	if err != nil {
		return Caller{}, err
	}
	if addr := cleanAddress(address); now.Sub(s.LastSeenAt) > touchEvery || addr != s.Address {
		if err := a.sessions.TouchSession(ctx, s.ID, now.UTC(), addr); err != nil {
			return Caller{}, err
		}
	}
	return CallerOf(u, s.ID), nil
}

// Sessions lists the caller's sessions, or everyone's when all is set and the caller is an admin.
func (a *Auth) Sessions(ctx context.Context, c Caller, all bool) ([]Session, error) {
	switch {
	case all && !c.Admin:
		return nil, ErrForbidden
	case all:
		return a.sessions.Sessions(ctx, "")
	case !c.IsUser():
		return []Session{}, nil
	}
	return a.sessions.Sessions(ctx, c.UserID)
}

// RevokeSession ends one session: the caller's own, or anyone's for an admin.
func (a *Auth) RevokeSession(ctx context.Context, c Caller, id SessionID) error {
	s, err := a.sessions.Session(ctx, id)
	if err != nil {
		return err
	}
	if s.UserID != c.UserID && !c.Admin {
		return fmt.Errorf("session %s: %w", id, ErrNotFound)
	}
	defer a.media.clear()
	defer a.devices.clear()
	return a.sessions.DeleteSession(ctx, id)
}

// PruneSessions deletes sessions whose refresh token has expired.
func (a *Auth) PruneSessions(ctx context.Context) (int, error) {
	return a.sessions.DeleteExpiredSessions(ctx, a.now().UTC())
}

func (a *Auth) activeUser(ctx context.Context, id UserID) (User, error) {
	u, err := a.users.User(ctx, id)
	if errors.Is(err, ErrNotFound) || err == nil && u.Disabled {
		return User{}, fmt.Errorf("user %s: %w", id, ErrUnauthenticated)
	}
	if err == nil && !u.Parental.AllowedAt(a.now().Local()) {
		return User{}, fmt.Errorf("user %s: %w", id, ErrOutsideHours)
	}
	return u, err
}

func (a *Auth) tokens(u User, s Session, refresh string, now time.Time) (Tokens, error) {
	access, err := a.sign.sign(u.ID, s.ID, now)
	if err != nil {
		return Tokens{}, err
	}
	images, err := a.sign.signImages(u.ID, s.ID, now)
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{Access: access, Refresh: refresh, Images: images, ExpiresIn: a.cfg.AccessTTL, User: u, Session: s}, nil
}

// cleanDevice bounds what clients may write into a session row.
func cleanDevice(d Device) (Device, error) {
	for _, f := range []struct {
		name string
		v    *string
	}{{"client", &d.Client}, {"deviceId", &d.DeviceID}, {"deviceName", &d.DeviceName}} {
		*f.v = strings.TrimSpace(*f.v)
		if utf8.RuneCountInString(*f.v) > 200 || !utf8.ValidString(*f.v) {
			return Device{}, Invalid(f.name, "must be valid UTF-8 of at most 200 characters")
		}
	}
	d.Address = cleanAddress(d.Address)
	return d, nil
}

func cleanAddress(a string) string {
	if len(a) > 64 {
		return a[:64]
	}
	return a
}
