package core

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// jwtAlg is the only signing algorithm accepted: pinning it defeats alg:none and key-confusion tricks.
const jwtAlg = "HS256"

// MinSigningKeyLen is the shortest HMAC key accepted, in bytes.
const MinSigningKeyLen = 32

type accessClaims struct {
	SessionID string `json:"sid"`
	// Scope is set on media tokens (with Item: the media routes of one item) and image tokens
	// (the image routes of every item the user may see).
	Scope string `json:"scope,omitempty"`
	Item  string `json:"item,omitempty"`
	jwt.RegisteredClaims
}

// The scopes of limited tokens.
const (
	scopeMedia  = "media"
	scopeImages = "images"
)

type signer struct {
	key    []byte
	issuer string
	ttl    time.Duration
}

func (s signer) sign(user UserID, session SessionID, now time.Time) (string, error) {
	return s.signClaims(accessClaims{SessionID: string(session)}, user, now, s.ttl)
}

// signMedia signs a media token: the media routes of one item, for ttl.
func (s signer) signMedia(user UserID, session SessionID, item ItemID, now time.Time, ttl time.Duration) (string, error) {
	return s.signClaims(accessClaims{SessionID: string(session), Scope: scopeMedia, Item: string(item)}, user, now, ttl)
}

// signImages signs an image token. Its times are those of the window now falls in, so every
// token of a session signed within one window is the same string (HS256 is deterministic): image
// URLs stay the same and the browser's cache keeps working across access-token refreshes.
func (s signer) signImages(user UserID, session SessionID, now time.Time) (string, error) {
	start := now.Truncate(ImageTokenWindow)
	return s.signClaims(accessClaims{SessionID: string(session), Scope: scopeImages}, user, start, ImageTokenTTL)
}

func (s signer) signClaims(c accessClaims, user UserID, now time.Time, ttl time.Duration) (string, error) {
	c.RegisteredClaims = jwt.RegisteredClaims{
		Issuer:    s.issuer,
		Subject:   string(user),
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}
	tok, err := jwt.NewWithClaims(jwt.GetSigningMethod(jwtAlg), c).SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return tok, nil
}

// verify checks signature, algorithm, issuer, exp and nbf of an access token, and returns the
// user and session. Media tokens are refused.
func (s signer) verify(token string, now time.Time) (UserID, SessionID, error) {
	u, sid, c, err := s.verifyAny(token, now)
	if err == nil && c.Scope != "" {
		return "", "", fmt.Errorf("access token: %w: a %s token", ErrUnauthenticated, c.Scope)
	}
	return u, sid, err
}

// verifyAny checks a token of either kind and returns its claims.
func (s signer) verifyAny(token string, now time.Time) (UserID, SessionID, accessClaims, error) {
	var c accessClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.key, nil },
		jwt.WithValidMethods([]string{jwtAlg}), jwt.WithIssuer(s.issuer), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithTimeFunc(func() time.Time { return now }), jwt.WithLeeway(5*time.Second))
	if err != nil {
		return "", "", c, fmt.Errorf("access token: %w: %w", ErrUnauthenticated, err)
	}
	if c.Subject == "" || c.SessionID == "" || c.NotBefore == nil {
		return "", "", c, fmt.Errorf("access token: %w: missing claims", ErrUnauthenticated)
	}
	return UserID(c.Subject), SessionID(c.SessionID), c, nil
}

// newDeviceToken returns a device token: 128 random bits as 32 lower-case hex digits, the form of
// Jellyfin's access tokens, which some clients check.
func newDeviceToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// isDeviceToken tells a device token from an access token (a JWT, with dots) and an API key.
func isDeviceToken(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// randomToken returns 256 random bits, base64url-encoded.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Errorf("crypto/rand failed: %w", err)) // the kernel's RNG does not fail on Linux ≥ 3.17
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenHash is how refresh tokens and API keys are stored: they carry 256 random bits, so a plain
// SHA-256 is enough (no salt or stretching needed, unlike passwords).
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewSigningKey returns a fresh random HMAC key for access tokens.
func NewSigningKey() []byte {
	b := make([]byte, MinSigningKeyLen)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Errorf("crypto/rand failed: %w", err))
	}
	return b
}
