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
	jwt.RegisteredClaims
}

type signer struct {
	key    []byte
	issuer string
	ttl    time.Duration
}

func (s signer) sign(user UserID, session SessionID, now time.Time) (string, error) {
	c := accessClaims{SessionID: string(session), RegisteredClaims: jwt.RegisteredClaims{
		Issuer:    s.issuer,
		Subject:   string(user),
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(s.ttl)),
	}}
	tok, err := jwt.NewWithClaims(jwt.GetSigningMethod(jwtAlg), c).SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return tok, nil
}

// verify checks signature, algorithm, issuer, exp and nbf, and returns the user and session.
func (s signer) verify(token string, now time.Time) (UserID, SessionID, error) {
	var c accessClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.key, nil },
		jwt.WithValidMethods([]string{jwtAlg}), jwt.WithIssuer(s.issuer), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithTimeFunc(func() time.Time { return now }), jwt.WithLeeway(5*time.Second))
	if err != nil {
		return "", "", fmt.Errorf("access token: %w: %w", ErrUnauthenticated, err)
	}
	if c.Subject == "" || c.SessionID == "" || c.NotBefore == nil {
		return "", "", fmt.Errorf("access token: %w: missing claims", ErrUnauthenticated)
	}
	return UserID(c.Subject), SessionID(c.SessionID), nil
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
