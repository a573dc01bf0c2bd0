package core

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// FuzzCheckPassword mutates encoded hashes. checkPassword must not panic, must fail only with
// errBadHash, and must accept nothing but the one string hashPassword made for the one password.
func FuzzCheckPassword(f *testing.F) {
	const password = "fuzzing password"
	// hashPassword salts at random, and each fuzz worker builds the seeds again: fix the salt instead.
	salt := []byte("fixed fuzz salt!")
	valid := encodeHash(cheap, salt, argon2.IDKey([]byte(password), salt, cheap.Time, cheap.Memory, cheap.Threads, keyLen))
	f.Add(valid, password)
	f.Add(valid, "")
	f.Add(strings.Replace(valid, "argon2id", "argon2i", 1), password)
	f.Add(strings.Replace(valid, "v=19", "v=16", 1), password)
	f.Add(strings.Replace(valid, "m=64,t=1,p=1", "m=64,t=0,p=1", 1), password)
	f.Add(strings.Replace(valid, "m=64,t=1,p=1", "m=8,t=2,p=3", 1), password)
	f.Add(valid+"$", password)
	f.Add("$argon2id$v=19$m=64,t=1,p=1$$", password)
	f.Add("", password)
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		if costly(encoded) {
			t.Skip("a valid but costly hash: cost is not what this target checks")
		}
		ok, err := checkPassword(encoded, pw)
		switch {
		case err != nil && !errors.Is(err, errBadHash):
			t.Fatalf("checkPassword(%q) error %v, want errBadHash", encoded, err)
		case err != nil && ok:
			t.Fatalf("checkPassword(%q) = true with error %v", encoded, err)
		case ok && (encoded != valid || pw != password):
			t.Fatalf("checkPassword(%q, %q) = true; only %q with %q may match", encoded, pw, valid, password)
		}
	})
}

// costly reports whether checking encoded would take more than a few milliseconds: checkPassword
// trusts the stored cost, with memory capped at 2 GiB and passes not capped at all.
func costly(encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 {
		return false
	}
	var p PasswordParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	mem := max(uint64(p.Memory), 8*uint64(p.Threads)) // argon2 raises memory to 8 KiB per lane
	return mem*uint64(p.Time) > 1<<14 || p.Threads > 16 || len(parts[5]) > 4096
}
