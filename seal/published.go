package seal

import "time"

// WellKnownPath is where the platform publishes every org's public keys.
const WellKnownPath = "/.well-known/yiwang-seal-keys.json"

// Published is one public key as published at WellKnownPath.
type Published struct {
	KeyID        string     `json:"key_id"`
	OrgID        string     `json:"org_id"`
	OrgName      string     `json:"org_name"`
	OrgCode      string     `json:"org_code"` // the org's 统一社会信用代码: a license's issuer_code must equal it
	Alg          string     `json:"alg"`
	PublicKeyPEM string     `json:"public_key_pem"`
	CreatedAt    time.Time  `json:"created_at"`
	RetiredAt    *time.Time `json:"retired_at"`
}

// KeySet is the document at WellKnownPath.
type KeySet struct {
	Keys []Published `json:"keys"`
}

// PEMs returns the set as key ID → PEM, for Verify.
func (ks KeySet) PEMs() map[string]string {
	m := make(map[string]string, len(ks.Keys))
	for _, k := range ks.Keys {
		m[k.KeyID] = k.PublicKeyPEM
	}
	return m
}

// Find returns the published key with the given ID.
func (ks KeySet) Find(keyID string) (Published, bool) {
	for _, k := range ks.Keys {
		if k.KeyID == keyID {
			return k, true
		}
	}
	return Published{}, false
}
