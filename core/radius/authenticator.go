package radius

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/binary"
	"errors"

	"layeh.com/radius"
)

// typeMessageAuthenticator is RFC 3579's Message-Authenticator (80).
const typeMessageAuthenticator = 80

// errNoAuthenticator is a request without a valid Message-Authenticator:
// dropped, whatever else it holds (Blast-RADIUS, CVE-2024-3596).
var errNoAuthenticator = errors.New("no valid Message-Authenticator")

// checkMessageAuthenticator verifies the Message-Authenticator of a raw
// request as RFC 3579 section 3.2 says: HMAC-MD5 keyed with the shared
// secret over the whole packet, the attribute's own value taken as 16
// zero bytes. A request with none, with more than one, or with a wrong
// one fails. layeh.com/radius does not check it, so this does.
func checkMessageAuthenticator(raw, secret []byte) error {
	if len(raw) < 20 {
		return errNoAuthenticator
	}
	length := int(binary.BigEndian.Uint16(raw[2:4]))
	if length < 20 || length > len(raw) {
		return errNoAuthenticator
	}
	raw = raw[:length]
	at := -1
	for i := 20; i < length; {
		if i+2 > length || raw[i+1] < 2 || i+int(raw[i+1]) > length {
			return errNoAuthenticator // malformed attributes
		}
		if raw[i] == typeMessageAuthenticator {
			if at >= 0 || raw[i+1] != 18 {
				return errNoAuthenticator
			}
			at = i + 2
		}
		i += int(raw[i+1])
	}
	if at < 0 {
		return errNoAuthenticator
	}
	got := append([]byte(nil), raw[at:at+16]...)
	zeroed := append([]byte(nil), raw...)
	clear(zeroed[at : at+16])
	mac := hmac.New(md5.New, secret)
	mac.Write(zeroed)
	if !hmac.Equal(mac.Sum(nil), got) {
		return errNoAuthenticator
	}
	return nil
}

// encodeResponse encodes an answer to a request with its
// Message-Authenticator first among the attributes (as the Blast-RADIUS
// advisory recommends), computed over the answer with the request's
// authenticator in place (RFC 3579 section 3.2), and then the Response
// Authenticator over all of it.
func encodeResponse(p *radius.Packet) ([]byte, error) {
	p.Attributes = append(radius.Attributes{{Type: typeMessageAuthenticator, Attribute: make(radius.Attribute, 16)}}, p.Attributes...)
	b, err := p.MarshalBinary() // the authenticator field holds the request's
	if err != nil {
		return nil, err
	}
	mac := hmac.New(md5.New, p.Secret)
	mac.Write(b)
	copy(p.Attributes[0].Attribute, mac.Sum(nil))
	return p.Encode()
}

// SignRequest sets the Message-Authenticator of an Access-Request packet
// (adding it when missing), so that layeh's client can talk to this
// server: for tests, the benchmark and other Go clients.
func SignRequest(p *radius.Packet) error {
	p.Attributes.Del(typeMessageAuthenticator)
	p.Attributes = append(p.Attributes, &radius.AVP{Type: typeMessageAuthenticator, Attribute: make(radius.Attribute, 16)})
	b, err := p.MarshalBinary()
	if err != nil {
		return err
	}
	mac := hmac.New(md5.New, p.Secret)
	mac.Write(b)
	copy(p.Attributes[len(p.Attributes)-1].Attribute, mac.Sum(nil))
	return nil
}

// CheckResponse reports whether a raw answer to request carries a right
// Message-Authenticator (computed with the request's authenticator) and
// Response Authenticator: what a client should check of this server.
func CheckResponse(raw []byte, request *radius.Packet) bool {
	req, err := request.MarshalBinary()
	if err != nil || !radius.IsAuthenticResponse(raw, req, request.Secret) {
		return false
	}
	b := append([]byte(nil), raw...)
	copy(b[4:20], request.Authenticator[:])
	return checkMessageAuthenticator(b, request.Secret) == nil
}
