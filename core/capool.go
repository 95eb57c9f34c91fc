package core

import (
	"crypto/x509"
	"errors"
	"os"
)

// CAPool reads the PEM certificates of a private CA from path, for the
// adapters that reach a server through TLS (SMTP, the directory, the
// central service). what names the setting in the message of a file that
// can't be read or holds no certificate ("[smtp] ca_file"); EINVALID.
func CAPool(what, path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		if u := errors.Unwrap(err); u != nil {
			err = u
		}
		return nil, Errorf(EINVALID, "%s %s can't be read: %v.", what, path, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, Errorf(EINVALID, "%s %s holds no PEM certificate.", what, path)
	}
	return pool, nil
}
