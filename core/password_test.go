package core

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// cheap keeps argon2 fast in tests; DefaultPasswordParams get one test of their own.
var cheap = PasswordParams{Memory: 64, Time: 1, Threads: 1}

func mustHash(t testing.TB, password string, p PasswordParams) string {
	t.Helper()
	h, err := hashPassword(password, p)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// encodeHash builds a PHC string by hand, so tests can choose every part of it.
func encodeHash(p PasswordParams, salt, key []byte) string {
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key))
}

func TestHashPasswordRoundTrip(t *testing.T) {
	for _, pw := range []string{"correct horse", "pässwörd ✓", strings.Repeat("x", maxPasswordLen), ""} {
		h := mustHash(t, pw, cheap)
		if ok, err := checkPassword(h, pw); err != nil || !ok {
			t.Errorf("checkPassword(hash of %.20q, same) = %v, %v; want true, nil", pw, ok, err)
		}
		if ok, err := checkPassword(h, pw+"x"); err != nil || ok {
			t.Errorf("checkPassword(hash of %.20q, other) = %v, %v; want false, nil", pw, ok, err)
		}
	}
}

func TestHashPasswordSaltsEachHash(t *testing.T) {
	a, b := mustHash(t, "same password", cheap), mustHash(t, "same password", cheap)
	if a == b {
		t.Fatalf("two hashes of one password are equal: %s", a)
	}
}

func TestHashPasswordFormat(t *testing.T) {
	parts := strings.Split(mustHash(t, "password", cheap), "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" || parts[3] != "m=64,t=1,p=1" {
		t.Fatalf("hash parts = %q", parts)
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) != saltLen || len(key) != keyLen {
		t.Fatalf("salt %d bytes (%v), key %d bytes (%v)", len(salt), err1, len(key), err2)
	}
}

func TestHashPasswordZeroParamsMeanDefault(t *testing.T) {
	h := mustHash(t, "password", PasswordParams{})
	want := fmt.Sprintf("$m=%d,t=%d,p=%d$", DefaultPasswordParams.Memory, DefaultPasswordParams.Time, DefaultPasswordParams.Threads)
	if !strings.Contains(h, want) {
		t.Fatalf("hash %s does not carry the default parameters %s", h, want)
	}
	if ok, err := checkPassword(h, "password"); !ok || err != nil {
		t.Fatalf("checkPassword = %v, %v", ok, err)
	}
}

// TestCheckPasswordHonoursParams checks that the cost and key length come from the string, so that
// hashes made with older parameters keep working after the defaults change.
func TestCheckPasswordHonoursParams(t *testing.T) {
	salt := []byte("0123456789abcdef")
	p := PasswordParams{Memory: 128, Time: 2, Threads: 2}
	for _, n := range []uint32{16, 32, 64} {
		key := argon2.IDKey([]byte("pw"), salt, p.Time, p.Memory, p.Threads, n)
		if ok, err := checkPassword(encodeHash(p, salt, key), "pw"); !ok || err != nil {
			t.Errorf("%d-byte key with m=128,t=2,p=2: checkPassword = %v, %v; want true", n, ok, err)
		}
	}
	key := argon2.IDKey([]byte("pw"), salt, p.Time, p.Memory, p.Threads, keyLen)
	for _, other := range []PasswordParams{
		{Memory: 64, Time: 2, Threads: 2},
		{Memory: 128, Time: 1, Threads: 2},
		{Memory: 128, Time: 2, Threads: 1},
	} {
		if ok, err := checkPassword(encodeHash(other, salt, key), "pw"); ok || err != nil {
			t.Errorf("key made with %+v accepted under %+v: %v, %v", p, other, ok, err)
		}
	}
	if ok, err := checkPassword(encodeHash(p, []byte("fedcba9876543210"), key), "pw"); ok || err != nil {
		t.Errorf("key accepted with another salt: %v, %v", ok, err)
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	valid := mustHash(t, "password", cheap)
	parts := strings.Split(valid, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for name, encoded := range map[string]string{
		"empty":              "",
		"dollars only":       "$$$$$",
		"bcrypt":             "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"plain text":         "password",
		"too few parts":      strings.Join(parts[:5], "$"),
		"too many parts":     valid + "$extra",
		"no leading dollar":  strings.TrimPrefix(valid, "$"),
		"argon2i":            with(1, "argon2i"),
		"argon2d":            with(1, "argon2d"),
		"upper-case alg":     with(1, "ARGON2ID"),
		"version 16":         with(2, "v=16"),
		"no version":         with(2, ""),
		"version not a num":  with(2, "v=x"),
		"no params":          with(3, ""),
		"params reordered":   with(3, "t=1,m=64,p=1"),
		"time zero":          with(3, "m=64,t=0,p=1"),
		"threads zero":       with(3, "m=64,t=1,p=0"),
		"threads overflow":   with(3, "m=64,t=1,p=256"),
		"memory negative":    with(3, "m=-1,t=1,p=1"),
		"memory overflow":    with(3, "m=4294967296,t=1,p=1"),
		"memory over 2 GiB":  with(3, fmt.Sprintf("m=%d,t=1,p=1", 1<<21+1)),
		"params missing p":   with(3, "m=64,t=1"),
		"time over 100":      with(3, "m=64,t=101,p=1"),
		"memory under lanes": with(3, "m=15,t=1,p=2"),
		// Non-canonical spellings of the right parameters: only hashPassword's form is accepted.
		"junk after version": with(2, "v=19junk"),
		"version with sign":  with(2, "v=+19"),
		"version with space": with(2, "v= 19"),
		"version zero-led":   with(2, "v=019"),
		"junk after params":  with(3, "m=64,t=1,p=1junk"),
		"params with spaces": with(3, "m= 64,t= 1,p= 1"),
		"params zero-led":    with(3, "m=064,t=1,p=1"),
		"salt not base64":    with(4, "!!!!"),
		"salt padded":        with(4, parts[4]+"=="),
		"salt url base64":    with(4, "-_-_-_-_-_-_-_-_-_-_-w"),
		"hash not base64":    with(5, "%%%%"),
		"hash empty":         with(5, ""),
		"hash padded":        with(5, parts[5]+"="),
		"hash one char":      with(5, "A"),
		"nul bytes":          with(5, "\x00\x00\x00\x00"),
	} {
		t.Run(name, func(t *testing.T) {
			ok, err := checkPassword(encoded, "password")
			if ok || !errors.Is(err, errBadHash) {
				t.Fatalf("checkPassword(%q) = %v, %v; want false, errBadHash", encoded, ok, err)
			}
		})
	}
}

// TestCheckPasswordRejectsNonCanonicalHash: only strings hashPassword makes verify; text before the
// first "$" and base64 with unused low bits set in the last character are refused.
func TestCheckPasswordRejectsNonCanonicalHash(t *testing.T) {
	salt := []byte("0123456789abcdef")                    // 16 bytes: 22 characters, the last with 4 unused bits
	key := argon2.IDKey([]byte("pw"), salt, 1, 64, 1, 32) // 32 bytes: 43 characters, the last with 2 unused bits
	valid := encodeHash(cheap, salt, key)
	parts := strings.Split(valid, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	flipLow := func(s string) string { // set an unused bit: another character, the same bytes
		i := strings.IndexByte(base64Alphabet, s[len(s)-1])
		return s[:len(s)-1] + string(base64Alphabet[i^1])
	}
	for name, encoded := range map[string]string{
		"text before $":   "0" + valid,
		"name before $":   "bcrypt" + valid,
		"salt unused bit": with(4, flipLow(parts[4])),
		"key unused bit":  with(5, flipLow(parts[5])),
	} {
		t.Run(name, func(t *testing.T) {
			if encoded == valid {
				t.Fatal("test bug: the variant equals the valid hash")
			}
			if ok, err := checkPassword(encoded, "pw"); ok || !errors.Is(err, errBadHash) {
				t.Errorf("checkPassword(%q) = %v, %v; want false, errBadHash: only %q encodes this hash",
					encoded, ok, err, valid)
			}
		})
	}
}

func TestValidatePassword(t *testing.T) {
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"", false},
		{"1234567", false},
		{"12345678", true},
		{strings.Repeat("x", maxPasswordLen), true},
		{strings.Repeat("x", maxPasswordLen+1), false},
	} {
		err := validatePassword("password", tc.pw)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("validatePassword(%d bytes) = %v, want ok=%v", len(tc.pw), err, tc.ok)
		}
	}
}

// TestCheckPasswordRejectsShortKeyAndSalt: a key under 16 bytes would accept wrong passwords by
// chance (one in 256 for a 1-byte key, found by FuzzCheckPassword), and argon2 needs 8 bytes of salt.
func TestCheckPasswordRejectsShortKeyAndSalt(t *testing.T) {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("right password"), salt, 1, 64, 1, 1)
	short := encodeHash(cheap, salt, key)
	guess := ""
	for i := 0; i < 10_000 && guess == ""; i++ {
		if g := fmt.Sprintf("guess %d", i); bytes.Equal(argon2.IDKey([]byte(g), salt, 1, 64, 1, 1), key) {
			guess = g
		}
	}
	if guess == "" {
		t.Fatal("test bug: no colliding guess in 10000 tries")
	}
	noSalt := encodeHash(cheap, nil, argon2.IDKey([]byte("pw"), nil, 1, 64, 1, keyLen))
	for _, tc := range []struct{ name, encoded, pw string }{
		{"1-byte key, wrong password", short, guess},
		{"empty salt", noSalt, "pw"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if ok, err := checkPassword(tc.encoded, tc.pw); ok || !errors.Is(err, errBadHash) {
				t.Errorf("checkPassword(%q, %q) = %v, %v; want false, errBadHash", tc.encoded, tc.pw, ok, err)
			}
		})
	}
}

func TestHasher(t *testing.T) {
	h := newHasher(cheap)
	ctx := context.Background()
	enc, err := h.hash(ctx, "password")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.check(ctx, enc, "password"); !ok || err != nil {
		t.Fatalf("check = %v, %v", ok, err)
	}
	for range cap(h.slots) { // every slot busy: the next hash must wait, and give up with its context
		h.slots <- struct{}{}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := h.hash(cctx, "password"); !errors.Is(err, context.Canceled) {
		t.Fatalf("hash with every slot busy = %v, want context.Canceled", err)
	}
	if ok, err := h.check(cctx, enc, "password"); ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("check with every slot busy = %v, %v", ok, err)
	}
	<-h.slots
	if ok, err := h.check(ctx, enc, "password"); !ok || err != nil || len(h.slots) != cap(h.slots)-1 {
		t.Fatalf("check after a slot freed = %v, %v; %d slots taken", ok, err, len(h.slots))
	}
}
