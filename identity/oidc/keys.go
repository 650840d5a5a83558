package oidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// AlgRS256 is the algorithm of ID token signatures.
const AlgRS256 = "RS256"

// signingKey is the private key that signs ID tokens.
type signingKey struct {
	id   string
	priv *rsa.PrivateKey
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *signingKey) Key() any                                    { return k.priv }
func (k *signingKey) ID() string                                  { return k.id }

// publicKey is a key published at the JWKS endpoint.
type publicKey struct {
	id  string
	pub any
}

func (k publicKey) ID() string                         { return k.id }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.pub }

// signingKey returns the current signing key, made (RSA 2048) and stored
// sealed the first time any instance needs one. Two instances racing to
// make the first key both end up with the one that was stored.
func (p *Provider) signingKey(ctx context.Context) (*signingKey, error) {
	p.keyMu.Lock()
	defer p.keyMu.Unlock()
	if p.key != nil {
		return p.key, nil
	}
	for range 2 {
		keys, err := p.Store.OIDCSigningKeys(ctx)
		if err != nil {
			return nil, err
		}
		if len(keys) > 0 {
			k, err := p.openKey(keys[0])
			if err != nil {
				return nil, err
			}
			p.key = k
			return k, nil
		}
		k, err := p.newKey()
		if err != nil {
			return nil, err
		}
		e := audit.New(yiwang.System("oidc"), k.CreatedAt, "oidc.signing_key.create", "oidc_key:"+k.ID, audit.ResultOK,
			"生成统一身份认证的 ID 令牌签名密钥（RS256）")
		err = p.Store.AddOIDCSigningKey(ctx, k, e)
		if err != nil && yiwang.ErrorCode(err) != yiwang.ECONFLICT {
			return nil, err
		}
	}
	return nil, errors.New("OIDC signing key: stored but not found")
}

func (p *Provider) newKey() (SigningKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return SigningKey{}, fmt.Errorf("make OIDC signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return SigningKey{}, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return SigningKey{}, err
	}
	sum := sha256.Sum256(pub)
	return SigningKey{ID: hex.EncodeToString(sum[:8]), Alg: AlgRS256, PublicDER: pub,
		PrivateSealed: p.Sealer.SealBytes(der), CreatedAt: p.Clock.Now()}, nil
}

func (p *Provider) openKey(k SigningKey) (*signingKey, error) {
	der, err := p.Sealer.OpenBytes(k.PrivateSealed)
	if err != nil {
		return nil, fmt.Errorf("open OIDC signing key %s: %w", k.ID, err)
	}
	priv, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("OIDC signing key %s: %w", k.ID, err)
	}
	rk, ok := priv.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("OIDC signing key %s is not RSA", k.ID)
	}
	return &signingKey{id: k.ID, priv: rk}, nil
}

// SigningKey returns the key that signs ID tokens.
func (s *storage) SigningKey(ctx context.Context) (op.SigningKey, error) { return s.p.signingKey(ctx) }

// SignatureAlgorithms lists RS256, the one algorithm used.
func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

// KeySet returns every stored public key, making the first key if needed,
// so the JWKS is never empty.
func (s *storage) KeySet(ctx context.Context) ([]op.Key, error) {
	if _, err := s.p.signingKey(ctx); err != nil {
		return nil, err
	}
	keys, err := s.p.Store.OIDCSigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]op.Key, 0, len(keys))
	for _, k := range keys {
		pub, err := x509.ParsePKIXPublicKey(k.PublicDER)
		if err != nil {
			return nil, fmt.Errorf("OIDC public key %s: %w", k.ID, err)
		}
		out = append(out, publicKey{id: k.ID, pub: pub})
	}
	return out, nil
}
