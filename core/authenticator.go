package core

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"image/png"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/skip2/go-qrcode"
)

// TOTPSecretSize is the size of an authenticator app's secret (RFC 4226
// recommends 160 bits).
const TOTPSecretSize = 20

// EnrolmentLifetime is how long a person has to scan the QR code and type
// the first code.
const EnrolmentLifetime = 30 * time.Minute

// Enrolment is what a person needs to add an authenticator app: the
// otpauth URI (shown as a QR code) and the same secret as text.
type Enrolment struct {
	VerificationID string    `json:"verificationId"`
	Secret         string    `json:"secret"` // Base32, no padding
	URI            string    `json:"uri"`
	AccountName    string    `json:"accountName"`
	Issuer         string    `json:"issuer"`
	Digits         int       `json:"digits"` // of the app's codes (policy)
	ExpiresAt      time.Time `json:"expiresAt"`
}

// SecretGroups shows a secret in groups of four for "Can't scan image?".
func SecretGroups(secret string) string {
	var groups []string
	for len(secret) > 4 {
		groups = append(groups, secret[:4])
		secret = secret[4:]
	}
	return strings.Join(append(groups, secret), " ")
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// TOTPURI builds the otpauth URI of Google Authenticator's Key Uri Format:
// otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30.
func TOTPURI(issuer, account string, secret []byte, digits, period int) string {
	// Spaces are %20, not +: some apps show a + literally.
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account,
		RawQuery: fmt.Sprintf("secret=%s&issuer=%s&algorithm=SHA1&digits=%d&period=%d", b32.EncodeToString(secret), esc(issuer), digits, period)}
	return u.String()
}

// ParseTOTPURI reads back issuer, account and secret from an otpauth URI.
// Returns EINVALID for anything else.
func ParseTOTPURI(uri string) (issuer, account string, secret []byte, err error) {
	k, err := otp.NewKeyFromURL(uri)
	if err != nil || k.Type() != "totp" {
		return "", "", nil, Errorf(EINVALID, "This is not an authenticator (otpauth://totp/) link.")
	}
	secret, err = b32.DecodeString(strings.ToUpper(strings.TrimRight(k.Secret(), "=")))
	if err != nil || len(secret) == 0 {
		return "", "", nil, Errorf(EINVALID, "The link's secret is not Base32.")
	}
	return k.Issuer(), k.AccountName(), secret, nil
}

// QRPNG encodes uri as a QR code PNG of size pixels square.
func QRPNG(uri string, size int) ([]byte, error) {
	q, err := qrcode.New(uri, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	q.DisableBorder = false
	var b bytes.Buffer
	if err := png.Encode(&b, q.Image(size)); err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return b.Bytes(), nil
}

// QRBitmap returns the QR code of uri as modules (true is dark), with its
// quiet zone, so a window can draw it crisp at any scale.
func QRBitmap(uri string) ([][]bool, error) {
	q, err := qrcode.New(uri, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return q.Bitmap(), nil
}

// totpOpts are the pquerna/otp options of a policy.
func totpOpts(p *Policy) totp.ValidateOpts {
	d := otp.DigitsSix
	if p.TOTPDigits == 8 {
		d = otp.DigitsEight
	}
	return totp.ValidateOpts{Period: uint(p.TOTPPeriodSeconds), Digits: d, Algorithm: otp.AlgorithmSHA1}
}

// TOTPCode is the code an authenticator app with secret shows at t under
// the policy p: for tools that act as the app (the load generator).
func TOTPCode(secret []byte, t time.Time, p *Policy) (string, error) {
	return totp.GenerateCodeCustom(b32.EncodeToString(secret), t, totpOpts(p))
}

// MatchTOTP returns the time step whose code is code, among the steps
// now-skew..now+skew that are above last (a step is accepted once only),
// and false when none matches.
func MatchTOTP(secret []byte, code string, now time.Time, p *Policy, last int64) (int64, bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != p.TOTPDigits {
		return 0, false
	}
	opts := totpOpts(p)
	enc := b32.EncodeToString(secret)
	cur := now.Unix() / int64(p.TOTPPeriodSeconds)
	for d := -int64(p.TOTPSkewSteps); d <= int64(p.TOTPSkewSteps); d++ {
		step := cur + d
		if step <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(enc, time.Unix(step*int64(p.TOTPPeriodSeconds), 0), opts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// BeginAuthenticator implements Service: it makes a new secret and returns
// what the app needs. Nothing is added until Confirm gets a code from it.
func (s *Local) BeginAuthenticator(ctx context.Context, accountID, name string) (*Enrolment, error) {
	var e *Enrolment
	err := s.change(ctx, accountID, func(tx Tx, a Actor, acct *Account, p *Policy) error {
		methods, err := tx.Methods(accountID)
		if err != nil {
			return err
		}
		if err := CanAdd(methods, KindAuthenticatorApp, p); err != nil {
			return err
		}
		if name == "" {
			name = defaultAppName(methods)
		}
		if name, err = ValidateMethodName(name); err != nil {
			return err
		}
		secret := make([]byte, TOTPSecretSize)
		if _, err := io.ReadFull(s.rand, secret); err != nil {
			return fmt.Errorf("totp secret: %w", err)
		}
		id, err := s.newID()
		if err != nil {
			return err
		}
		sealed, err := s.keys.Seal(secret, "verification:"+id)
		if err != nil {
			return err
		}
		now := s.clock()
		v := &Verification{ID: id, AccountID: accountID, Purpose: VerifyAdd, Kind: KindAuthenticatorApp, Channel: ChannelApp,
			Name: name, Language: acct.Language, Secret: sealed, CreatedAt: now, ExpiresAt: now.Add(EnrolmentLifetime)}
		if err := tx.DeleteExpiredVerifications(now.Add(-24 * time.Hour)); err != nil {
			return err
		}
		if err := tx.CreateVerification(v); err != nil {
			return err
		}
		e = &Enrolment{VerificationID: id, Secret: b32.EncodeToString(secret), AccountName: acct.Name, Issuer: p.Issuer,
			URI: TOTPURI(p.Issuer, acct.Name, secret, p.TOTPDigits, p.TOTPPeriodSeconds), Digits: p.TOTPDigits, ExpiresAt: v.ExpiresAt}
		return nil
	})
	return e, err
}

func defaultAppName(methods []*Method) string {
	n := 1
	for _, m := range methods {
		if m.Kind == KindAuthenticatorApp {
			n++
		}
	}
	if n == 1 {
		return "Authenticator app"
	}
	return fmt.Sprintf("Authenticator app %d", n)
}

// checkEnrolment checks the first code from a new app. It returns the
// matched step, the error for the person, and an internal error.
func (s *Local) checkEnrolment(tx Tx, v *Verification, code string, p *Policy, now time.Time) (int64, error, error) {
	c, lockErr := checkLock(tx, v.AccountID, "enrol:"+v.ID, now)
	if lockErr != nil {
		if c == nil {
			return 0, nil, lockErr
		}
		return 0, lockErr, nil
	}
	switch {
	case !v.UsedAt.IsZero():
		return 0, Errorf(ECONFLICT, "This app was already added."), nil
	case !now.Before(v.ExpiresAt):
		return 0, Errorf(EEXPIRED, "This set-up has expired. Start adding the app again."), nil
	}
	secret, err := s.keys.Open(v.Secret, "verification:"+v.ID)
	if err != nil {
		return 0, nil, fmt.Errorf("open enrolment secret: %w", err)
	}
	step, ok := MatchTOTP(secret, code, now, p, 0)
	if ok {
		return step, nil, succeed(tx, c)
	}
	locked, err := s.fail(tx, c, p, now)
	if err != nil {
		return 0, nil, err
	}
	if locked {
		return 0, Errorf(ELOCKED, "Too many wrong codes. Try again after %s.", clockTime(c.LockedUntil, now)), nil
	}
	return 0, Errorf(EWRONGCODE, "That code is wrong. Type the %d-digit code the app shows now for %s; check that the phone's clock is right.", p.TOTPDigits, p.Issuer), nil
}

// VerifyAuthenticator implements Service: it proves an existing app with a
// code, each time step once only, counting failures toward its lockout.
func (s *Local) VerifyAuthenticator(ctx context.Context, accountID, methodID, code string) error {
	var userErr error
	pre := Preload{MethodID: methodID, Subject: "method:" + methodID}
	err := s.onAccountReading(ctx, accountID, prove, pre, func(tx Tx, _ Actor, acct *Account, p *Policy) error {
		userErr = nil // a transaction run again starts over
		m, err := ownMethod(tx, accountID, methodID)
		if err != nil {
			return err
		}
		if m.Kind != KindAuthenticatorApp {
			return Errorf(EINVALID, "This method is not an authenticator app.")
		}
		now := s.clock()
		c, lockErr := checkLock(tx, accountID, "method:"+m.ID, now)
		if lockErr != nil {
			if c == nil {
				return lockErr
			}
			userErr = lockErr
			return nil
		}
		secret, err := s.keys.Open(m.Secret, "method:"+m.ID)
		if err != nil {
			return fmt.Errorf("open app secret: %w", err)
		}
		if step, ok := MatchTOTP(secret, code, now, p, m.LastStep); ok {
			advanced, err := tx.AdvanceTOTPStep(m.ID, step, now) // its last use too: one write
			if err != nil {
				return err
			}
			if advanced {
				return succeed(tx, c)
			}
		}
		// A replayed code (its step already used) fails like a wrong one.
		locked, err := s.fail(tx, c, p, now)
		if err != nil {
			return err
		}
		if locked {
			userErr = Reason(ELOCKED, "app.locked", map[string]any{"Until": clockTime(c.LockedUntil, now)})
		} else if _, replay := MatchTOTP(secret, code, now, p, -1<<62); replay {
			userErr = Reason(EWRONGCODE, "app.replayed", nil)
		} else {
			userErr = wrongAppCode()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return userErr
}

// wrongAppCode is the answer to a wrong code from an app (a reset's decoy
// app answers it too).
func wrongAppCode() error {
	return Reason(EWRONGCODE, "app.wrong", nil)
}
