package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/seal"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// makeOrg stores a department named name and returns its ID.
func makeOrg(t *testing.T, db *sqlstore.DB, name string, at time.Time) string {
	t.Helper()
	o := org.Org{ID: yiwang.NewID(), Kind: org.KindDepartment, Level: org.LevelCounty, Name: name,
		Version: 1, CreatedAt: at, UpdatedAt: at}
	e := audit.New(yiwang.Actor{AccountID: "test", Name: "测试"}, at, "org.create", "org:"+o.ID, audit.ResultOK, "")
	if err := db.CreateOrg(context.Background(), o, e); err != nil {
		t.Fatal(err)
	}
	return o.ID
}

// TestSealKeys: signatures round-trip and tampering is caught, rotation
// keeps old keys verifiable, first use makes exactly one key even when
// raced, and no row holds the private key in plaintext.
func TestSealKeys(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			clock := yiwangtest.NewClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
			svc := &seal.Service{Store: db, Sealer: yiwangtest.Protector(t), Clock: clock}
			market := makeOrg(t, db, "雨山区市场监督管理局", clock.Now())
			hrss := makeOrg(t, db, "雨山区人力资源和社会保障局", clock.Now())

			// First use, raced: one key.
			var wg sync.WaitGroup
			ids := make([]string, 8)
			for i := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					k, err := svc.KeyFor(ctx, market)
					if err != nil {
						t.Error(err)
					}
					ids[i] = k.ID
				}()
			}
			wg.Wait()
			for _, id := range ids {
				if id != ids[0] || len(id) != 16 {
					t.Fatalf("racing first uses made different keys: %v", ids)
				}
			}

			msg := []byte(`{"id":"1.2.156.3005.2.x","holder_name":"张三"}`)
			sig, kid, err := svc.Sign(ctx, market, msg)
			if err != nil || kid != ids[0] {
				t.Fatalf("sign: %s %v", kid, err)
			}
			keys, err := svc.Keys(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := seal.Verify(keys.PEMs(), kid, msg, sig); err != nil {
				t.Fatalf("verify: %v", err)
			}
			tampered := bytes.Replace(msg, []byte("张三"), []byte("李四"), 1)
			if err := seal.Verify(keys.PEMs(), kid, tampered, sig); !errors.Is(err, seal.ErrBadSignature) {
				t.Fatalf("tampered message: %v", err)
			}
			badSig := bytes.Clone(sig)
			badSig[len(badSig)-1] ^= 1
			if err := seal.Verify(keys.PEMs(), kid, msg, badSig); !errors.Is(err, seal.ErrBadSignature) {
				t.Fatalf("tampered signature: %v", err)
			}
			if err := seal.Verify(keys.PEMs(), "0000000000000000", msg, sig); !errors.Is(err, seal.ErrUnknownKey) {
				t.Fatalf("unknown key: %v", err)
			}

			// Another org's key does not verify this org's signature.
			_, otherKID, err := svc.Sign(ctx, hrss, msg)
			if err != nil {
				t.Fatal(err)
			}
			keys, _ = svc.Keys(ctx)
			if err := seal.Verify(keys.PEMs(), otherKID, msg, sig); !errors.Is(err, seal.ErrBadSignature) {
				t.Fatalf("wrong org's key: %v", err)
			}

			// Rotation: new signatures use the new key; the old one stays
			// published, marked retired, and still verifies.
			clock.Advance(time.Hour)
			nk, err := svc.Rotate(ctx, market)
			if err != nil || nk.ID == kid {
				t.Fatalf("rotate: %+v %v", nk, err)
			}
			sig2, kid2, err := svc.Sign(ctx, market, msg)
			if err != nil || kid2 != nk.ID {
				t.Fatalf("sign after rotation: %s %v", kid2, err)
			}
			keys, _ = svc.Keys(ctx)
			if len(keys.Keys) != 3 {
				t.Fatalf("published keys: %+v", keys.Keys)
			}
			old, ok := keys.Find(kid)
			if !ok || old.RetiredAt == nil || !old.RetiredAt.Equal(clock.Now()) || old.OrgName != "雨山区市场监督管理局" || old.Alg != seal.AlgSM2SM3 {
				t.Fatalf("old key after rotation: %+v", old)
			}
			if cur, _ := keys.Find(kid2); cur.RetiredAt != nil || !cur.CreatedAt.Equal(clock.Now()) {
				t.Fatalf("new key: %+v", cur)
			}
			for _, c := range []struct {
				kid string
				sig []byte
			}{{kid, sig}, {kid2, sig2}} {
				if err := seal.Verify(keys.PEMs(), c.kid, msg, c.sig); err != nil {
					t.Fatalf("verify with %s after rotation: %v", c.kid, err)
				}
			}
			if k, _ := svc.KeyFor(ctx, market); k.ID != kid2 {
				t.Fatalf("current key after rotation: %s", k.ID)
			}

			// The rows never hold a private key in plaintext: neither its
			// PKCS#8 DER (raw or base64), nor its scalar, nor a PEM.
			rows, err := db.SQL().Query(`SELECT id, org_id, alg, public_key_pem, private_sealed FROM seal_keys`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var id, orgID, alg, pub, sealed string
				if err := rows.Scan(&id, &orgID, &alg, &pub, &sealed); err != nil {
					t.Fatal(err)
				}
				n++
				row := strings.Join([]string{id, orgID, alg, pub, sealed}, "|")
				if strings.Contains(row, "PRIVATE KEY") {
					t.Fatalf("key %s: a PEM private key is stored", id)
				}
				raw, err := base64.StdEncoding.DecodeString(sealed)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := smx509.ParsePKCS8PrivateKey(raw); err == nil {
					t.Fatalf("key %s: private_sealed is a plaintext PKCS#8 key", id)
				}
				der, err := yiwangtest.Protector(t).OpenBytes(raw)
				if err != nil {
					t.Fatalf("key %s: private_sealed does not open with the data key: %v", id, err)
				}
				priv, err := smx509.ParsePKCS8PrivateKey(der)
				if err != nil {
					t.Fatal(err)
				}
				scalar := priv.(*sm2.PrivateKey).D.FillBytes(make([]byte, 32))
				for _, secret := range [][]byte{der, scalar} {
					for _, enc := range []string{string(secret), base64.StdEncoding.EncodeToString(secret),
						base64.RawStdEncoding.EncodeToString(secret), hex.EncodeToString(secret)} {
						if strings.Contains(row, enc) {
							t.Fatalf("key %s: the private key appears in the row", id)
						}
					}
				}
			}
			if n != 3 {
				t.Fatalf("%d rows", n)
			}
			// Each key's creation is audited, and the chain holds.
			var created, rotated int
			if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'seal.key.create'`).Scan(&created); err != nil {
				t.Fatal(err)
			}
			_ = db.SQL().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'seal.key.rotate'`).Scan(&rotated)
			if created != 2 || rotated != 1 {
				t.Fatalf("audit: %d created, %d rotated", created, rotated)
			}
			if r, err := audit.Verify(ctx, db); err != nil || !r.OK() {
				t.Fatalf("audit chain: %v %v", r, err)
			}
		})
	}
}
