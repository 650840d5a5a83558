// Package pii protects personal data at rest: SM4-GCM encryption of field
// values with a key kept outside the database, and a keyed SM3 hash (HMAC-SM3)
// so that encrypted values can still be found by exact match.
package pii

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// KeySize is the length in bytes of the master key.
const KeySize = 32

// Protector encrypts, decrypts and hashes personal data with one master key.
type Protector struct {
	aead cipher.AEAD
	mac  []byte
}

// New returns a Protector for a 32-byte master key. The encryption and
// hashing keys are derived from it separately, so neither reveals the other.
func New(master []byte) (*Protector, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("pii: master key must be %d bytes, got %d", KeySize, len(master))
	}
	encKey := derive(master, "yiwang-pii-enc")
	block, err := sm4.NewCipher(encKey[:16])
	if err != nil {
		return nil, fmt.Errorf("pii: sm4: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("pii: gcm: %w", err)
	}
	macKey := derive(master, "yiwang-pii-mac")
	return &Protector{aead: aead, mac: macKey[:]}, nil
}

func derive(master []byte, label string) [sm3.Size]byte {
	m := hmac.New(sm3.New, master)
	m.Write([]byte(label))
	var out [sm3.Size]byte
	copy(out[:], m.Sum(nil))
	return out
}

// Seal encrypts a value for storage. The empty string stays empty so that
// optional fields need no special case.
func (p *Protector) Seal(plain string) string {
	if plain == "" {
		return ""
	}
	return base64.RawStdEncoding.EncodeToString(p.SealBytes([]byte(plain)))
}

// SealBytes encrypts b; the result is nonce followed by ciphertext and tag.
func (p *Protector) SealBytes(b []byte) []byte {
	nonce := make([]byte, p.aead.NonceSize(), p.aead.NonceSize()+len(b)+p.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("pii: no randomness: " + err.Error())
	}
	return p.aead.Seal(nonce, nonce, b, nil)
}

// Open decrypts a value made by Seal. It fails if the value was changed or
// sealed with another key.
func (p *Protector) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil {
		return "", fmt.Errorf("pii: decode: %w", err)
	}
	b, err := p.OpenBytes(raw)
	return string(b), err
}

// OpenBytes decrypts bytes made by SealBytes.
func (p *Protector) OpenBytes(raw []byte) ([]byte, error) {
	n := p.aead.NonceSize()
	if len(raw) < n+p.aead.Overhead() {
		return nil, errors.New("pii: sealed value too short")
	}
	b, err := p.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return nil, fmt.Errorf("pii: open: %w", err)
	}
	return b, nil
}

// Hash returns the keyed hash of a value of the given kind ("idcard",
// "mobile", …), hex-encoded, for exact-match lookups. The same value of two
// kinds hashes differently.
func (p *Protector) Hash(kind, value string) string {
	m := hmac.New(sm3.New, p.mac)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}
