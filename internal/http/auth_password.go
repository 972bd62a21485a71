package http

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id cost parameters of new password hashes.
// Stored hashes carry their own parameters, so raising the cost affects
// only hashes made afterwards.
type PasswordParams struct {
	// Memory in KiB, Time in passes over it, Threads in lanes.
	Memory  uint32
	Time    uint32
	Threads uint8
}

// DefaultPasswordParams are OWASP's recommended argon2id settings for
// interactive sign-in (2023): 19 MiB, 2 passes, 1 lane; about 25 ms on
// the development machine.
func DefaultPasswordParams() PasswordParams {
	return PasswordParams{Memory: 19 * 1024, Time: 2, Threads: 1}
}

const (
	saltLen = 16
	keyLen  = 32
	// maxPasswordMemory bounds the memory a stored hash may ask for, so a
	// tampered row cannot make sign-in allocate without limit.
	maxPasswordMemory = 1 << 20 // 1 GiB in KiB
	// maxPasswordLen bounds the input to the hash.
	maxPasswordLen = 1024
	minPasswordLen = 12
)

// HashPassword returns the argon2id hash of password in the PHC string
// format: $argon2id$v=19$m=…,t=…,p=…$salt$key, base64 without padding.
// The salt comes from random.
func HashPassword(password string, p PasswordParams, random io.Reader) (string, error) {
	if p == (PasswordParams{}) {
		p = DefaultPasswordParams()
	}
	if len(password) > maxPasswordLen {
		return "", fmt.Errorf("hash password: longer than %d bytes", maxPasswordLen)
	}
	salt := make([]byte, saltLen)
	if _, err := io.ReadFull(random, salt); err != nil {
		return "", fmt.Errorf("hash password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the encoded hash,
// comparing in constant time. A malformed hash is an error.
func VerifyPassword(encoded, password string) (bool, error) {
	p, salt, key, err := parsePasswordHash(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > maxPasswordLen {
		return false, nil
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func parsePasswordHash(encoded string) (PasswordParams, []byte, []byte, error) {
	var p PasswordParams
	bad := func(why string) (PasswordParams, []byte, []byte, error) {
		return p, nil, nil, fmt.Errorf("password hash: %s", why)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return bad("not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return bad("unsupported version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return bad("bad parameters")
	}
	if p.Memory < 8 || p.Memory > maxPasswordMemory || p.Time < 1 || p.Time > 100 || p.Threads < 1 {
		return bad("parameters out of range")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return bad("bad salt")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return bad("bad key")
	}
	return p, salt, key, nil
}
