// Package seal keeps each issuing org's signing keys (电子印章的密钥): an SM2
// key pair per org made on first use, its private half stored encrypted at
// rest, rotation that keeps old public keys for verification, and SM2-with-SM3
// signatures (GB/T 32918.2, default user ID 1234567812345678).
package seal

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
)

// Signature algorithms. Stored in the database, published and written into
// signed files: never change a value.
const (
	// AlgSM2SM3 is SM2 signatures over SM3 with Z_A of DefaultUID (GB/T
	// 32918.2); the default.
	AlgSM2SM3 = "SM2-SM3"
	// AlgEd25519 is pure Ed25519 (RFC 8032), for installations that choose
	// it (YIWANG_SEAL_ALG=ed25519).
	AlgEd25519 = "Ed25519"
)

// DefaultUID is the SM2 signer ID of GM/T 0009-2012 used for every signature.
const DefaultUID = "1234567812345678"

// Key is one signing key of an org.
type Key struct {
	ID           string // first 16 hex characters of SM3 of the public key's DER
	OrgID        string
	Alg          string
	PublicKeyPEM string // PEM "PUBLIC KEY" (SubjectPublicKeyInfo)
	// PrivateSealed is the PKCS#8 DER of the private key, encrypted by the
	// Sealer. The plaintext never leaves this package.
	PrivateSealed []byte
	CreatedAt     time.Time
	RetiredAt     time.Time // zero while the key is current
}

// Current reports whether k is the org's key for new signatures.
func (k Key) Current() bool { return k.RetiredAt.IsZero() }

// Store is what seal needs from storage.
type Store interface {
	// CurrentSealKey returns the org's current key, or ENOTFOUND.
	CurrentSealKey(ctx context.Context, orgID string) (Key, error)
	// AddSealKey stores k as the org's current key with its audit entry.
	// With retire, the current key (if any) is retired at k.CreatedAt in
	// the same transaction; without, an org that already has a current key
	// makes it fail with ECONFLICT.
	AddSealKey(ctx context.Context, k Key, retire bool, e audit.Entry) error
	// SealKeys returns every org's keys, current and retired, with org
	// names, oldest first.
	SealKeys(ctx context.Context) ([]Published, error)
}

// Sealer encrypts private keys at rest; pii.Protector satisfies it.
type Sealer interface {
	SealBytes(b []byte) []byte
	OpenBytes(b []byte) ([]byte, error)
}

// Service makes, rotates and uses org keys.
type Service struct {
	Store  Store
	Sealer Sealer
	Clock  yiwang.Clock
	// Alg is the algorithm of new keys: AlgSM2SM3 (also when "") or
	// AlgEd25519. Keys keep the algorithm they were made with.
	Alg string
}

// KeyFor returns the org's current key, making one on first use. Two callers
// racing on an org's first use get the same key.
func (s *Service) KeyFor(ctx context.Context, orgID string) (Key, error) {
	k, err := s.Store.CurrentSealKey(ctx, orgID)
	if yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
		return k, err
	}
	k, err = s.newKey(orgID)
	if err != nil {
		return Key{}, err
	}
	err = s.Store.AddSealKey(ctx, k, false, s.entry("seal.key.create", k))
	if yiwang.ErrorCode(err) == yiwang.ECONFLICT {
		return s.Store.CurrentSealKey(ctx, orgID)
	}
	if err != nil {
		return Key{}, fmt.Errorf("add seal key of org %s: %w", orgID, err)
	}
	return k, nil
}

// Rotate makes a new current key for the org and retires the old one, which
// stays published for verifying what it signed.
func (s *Service) Rotate(ctx context.Context, orgID string) (Key, error) {
	k, err := s.newKey(orgID)
	if err != nil {
		return Key{}, err
	}
	if err := s.Store.AddSealKey(ctx, k, true, s.entry("seal.key.rotate", k)); err != nil {
		return Key{}, fmt.Errorf("rotate seal key of org %s: %w", orgID, err)
	}
	return k, nil
}

// Sign signs msg with the org's current key (made on first use) and returns
// the signature and the key's ID; SignAlg also says the key's algorithm.
func (s *Service) Sign(ctx context.Context, orgID string, msg []byte) (sig []byte, keyID string, err error) {
	sig, keyID, _, err = s.SignAlg(ctx, orgID, msg)
	return sig, keyID, err
}

// SignAlg signs msg with the org's current key: for SM2, SM2 with SM3 and
// Z_A of DefaultUID, ASN.1 DER of (r, s); for Ed25519, the 64-byte RFC 8032
// signature.
func (s *Service) SignAlg(ctx context.Context, orgID string, msg []byte) (sig []byte, keyID, alg string, err error) {
	k, err := s.KeyFor(ctx, orgID)
	if err != nil {
		return nil, "", "", err
	}
	der, err := s.Sealer.OpenBytes(k.PrivateSealed)
	if err != nil {
		return nil, "", "", fmt.Errorf("open seal key %s: %w", k.ID, err)
	}
	priv, err := smx509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, "", "", fmt.Errorf("seal key %s: %w", k.ID, err)
	}
	switch priv := priv.(type) {
	case *sm2.PrivateKey:
		sig, err = priv.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts)
		if err != nil {
			return nil, "", "", fmt.Errorf("sign with seal key %s: %w", k.ID, err)
		}
		return sig, k.ID, AlgSM2SM3, nil
	case ed25519.PrivateKey:
		return ed25519.Sign(priv, msg), k.ID, AlgEd25519, nil
	}
	return nil, "", "", fmt.Errorf("seal key %s: unsupported private key %T", k.ID, priv)
}

// Keys returns every org's published keys.
func (s *Service) Keys(ctx context.Context) (KeySet, error) {
	keys, err := s.Store.SealKeys(ctx)
	if err != nil {
		return KeySet{}, err
	}
	if keys == nil {
		keys = []Published{}
	}
	return KeySet{Keys: keys}, nil
}

// entry records a key's creation: by the platform itself, on first use or
// on an operator's rotation. It names the key, never its private half.
func (s *Service) entry(action string, k Key) audit.Entry {
	return audit.New(yiwang.System("seal"), k.CreatedAt, action, "org:"+k.OrgID, audit.ResultOK, "key_id="+k.ID)
}

func (s *Service) newKey(orgID string) (Key, error) {
	var priv, pub any
	alg := AlgSM2SM3
	switch s.Alg {
	case "", AlgSM2SM3:
		k, err := sm2.GenerateKey(rand.Reader)
		if err != nil {
			return Key{}, fmt.Errorf("generate SM2 key: %w", err)
		}
		priv, pub = k, &k.PublicKey
	case AlgEd25519:
		p, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return Key{}, fmt.Errorf("generate Ed25519 key: %w", err)
		}
		priv, pub, alg = k, p, AlgEd25519
	default:
		return Key{}, fmt.Errorf("seal: unknown key algorithm %q", s.Alg)
	}
	der, err := smx509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return Key{}, fmt.Errorf("marshal %s key: %w", alg, err)
	}
	pubPEM, id, err := PublicKeyPEM(pub)
	if err != nil {
		return Key{}, err
	}
	return Key{ID: id, OrgID: orgID, Alg: alg, PublicKeyPEM: pubPEM,
		PrivateSealed: s.Sealer.SealBytes(der), CreatedAt: s.Clock.Now().UTC()}, nil
}

// PublicKeyPEM returns the PEM SubjectPublicKeyInfo of an SM2 or Ed25519
// public key and its key ID.
func PublicKeyPEM(pub any) (pemText, keyID string, err error) {
	der, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", "", fmt.Errorf("marshal public key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), KeyID(der), nil
}

// KeyID returns the ID of the public key whose SubjectPublicKeyInfo DER is
// der: the first 16 hex characters of its SM3 hash.
func KeyID(der []byte) string {
	h := sm3.Sum(der)
	return hex.EncodeToString(h[:8])
}
