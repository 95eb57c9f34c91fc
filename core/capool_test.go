package core_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// TestCAPool: a private CA's file is read; a file that is missing or
// holds no certificate is refused, naming the setting and the file.
func TestCAPool(t *testing.T) {
	dir := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Contoso CA"}, IsCA: true,
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, junk := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "junk.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(junk, []byte("not a certificate"), 0o600)
	if pool, err := core.CAPool("[smtp] ca_file", ca); err != nil || pool == nil {
		t.Fatalf("a CA file: %v", err)
	}
	for path, want := range map[string]string{filepath.Join(dir, "none.pem"): "can't be read", junk: "holds no PEM certificate"} {
		_, err := core.CAPool("[smtp] ca_file", path)
		if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), "[smtp] ca_file "+path+" "+want) {
			t.Errorf("%s: %v", path, err)
		}
	}
}
