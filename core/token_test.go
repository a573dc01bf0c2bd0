package core

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func testSigner() signer {
	return signer{key: []byte(strings.Repeat("k", MinSigningKeyLen)), issuer: "walros", ttl: 15 * time.Minute}
}

// mint signs claims as an attacker or a buggy client could, with any method and key.
func mint(t *testing.T, m jwt.SigningMethod, key any, claims jwt.Claims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// goodClaims are what sign would write at now.
func goodClaims(now time.Time) accessClaims {
	return accessClaims{SessionID: "s1", RegisteredClaims: jwt.RegisteredClaims{
		Issuer: "walros", Subject: "u1", IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(15 * time.Minute))}}
}

func TestSignVerify(t *testing.T) {
	s := testSigner()
	tok, err := s.sign("u1", "s1", t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Duration{0, time.Minute, s.ttl, s.ttl + 4*time.Second} { // 5s of leeway
		uid, sid, err := s.verify(tok, t0.Add(at))
		if err != nil || uid != "u1" || sid != "s1" {
			t.Errorf("verify at +%v = %q, %q, %v; want u1, s1", at, uid, sid, err)
		}
	}
	// A token minted by hand with the same claims verifies too, so the rejections below test one change each.
	if _, _, err := s.verify(mint(t, jwt.SigningMethodHS256, s.key, goodClaims(t0)), t0); err != nil {
		t.Fatalf("hand-made token: %v", err)
	}
}

func TestVerifyRejects(t *testing.T) {
	s := testSigner()
	signed, err := s.sign("u1", "s1", t0)
	if err != nil {
		t.Fatal(err)
	}
	with := func(change func(c *accessClaims)) accessClaims {
		c := goodClaims(t0)
		change(&c)
		return c
	}
	other := []byte(strings.Repeat("o", MinSigningKeyLen))
	for _, tc := range []struct {
		name  string
		token string
		at    time.Time
	}{
		{"expired", signed, t0.Add(s.ttl + 6*time.Second)},
		{"issued in the future", signed, t0.Add(-time.Minute)},
		{"nbf in the future", mint(t, jwt.SigningMethodHS256, s.key,
			with(func(c *accessClaims) { c.NotBefore = jwt.NewNumericDate(t0.Add(time.Minute)) })), t0},
		{"wrong issuer", mint(t, jwt.SigningMethodHS256, s.key, with(func(c *accessClaims) { c.Issuer = "jellyfin" })), t0},
		{"no issuer", mint(t, jwt.SigningMethodHS256, s.key, with(func(c *accessClaims) { c.Issuer = "" })), t0},
		{"wrong key", mint(t, jwt.SigningMethodHS256, other, goodClaims(t0)), t0},
		{"alg none", mint(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, goodClaims(t0)), t0},
		{"HS384 with the right key", mint(t, jwt.SigningMethodHS384, s.key, goodClaims(t0)), t0},
		{"HS512 with the right key", mint(t, jwt.SigningMethodHS512, s.key, goodClaims(t0)), t0},
		{"missing sid", mint(t, jwt.SigningMethodHS256, s.key, with(func(c *accessClaims) { c.SessionID = "" })), t0},
		{"missing sub", mint(t, jwt.SigningMethodHS256, s.key, with(func(c *accessClaims) { c.Subject = "" })), t0},
		{"missing exp", mint(t, jwt.SigningMethodHS256, s.key, with(func(c *accessClaims) { c.ExpiresAt = nil })), t0},
		{"missing nbf", mint(t, jwt.SigningMethodHS256, s.key, with(func(c *accessClaims) { c.NotBefore = nil })), t0},
		{"tampered payload", tamper(t, signed), t0},
		{"signature stripped", signed[:strings.LastIndexByte(signed, '.')+1], t0},
		{"empty", "", t0},
		{"garbage", "not.a.jwt", t0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			uid, sid, err := s.verify(tc.token, tc.at)
			if !errors.Is(err, ErrUnauthenticated) || uid != "" || sid != "" {
				t.Fatalf("verify = %q, %q, %v; want ErrUnauthenticated", uid, sid, err)
			}
		})
	}
}

// tamper swaps the subject inside a signed token and keeps the old signature.
func tamper(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	forged := mint(t, jwt.SigningMethodHS256, []byte("any key will do for the payload!"), accessClaims{SessionID: "s1",
		RegisteredClaims: jwt.RegisteredClaims{Issuer: "walros", Subject: "admin", IssuedAt: jwt.NewNumericDate(t0),
			NotBefore: jwt.NewNumericDate(t0), ExpiresAt: jwt.NewNumericDate(t0.Add(time.Hour))}})
	return parts[0] + "." + strings.Split(forged, ".")[1] + "." + parts[2]
}

func TestRandomTokenAndHash(t *testing.T) {
	a, b := randomToken(), randomToken()
	if a == b || len(a) != 43 || strings.ContainsAny(a, "+/=") {
		t.Fatalf("randomToken = %q, %q: want two different 43-character base64url strings", a, b)
	}
	if h := tokenHash(a); len(h) != 64 || h != tokenHash(a) || h == tokenHash(b) {
		t.Fatalf("tokenHash(%q) = %q", a, h)
	}
	if k := NewSigningKey(); len(k) != MinSigningKeyLen {
		t.Fatalf("NewSigningKey: %d bytes", len(k))
	}
}
