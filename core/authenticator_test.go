package core_test

import (
	"bytes"
	"encoding/base32"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/securityinfo/securityinfo/core"
)

// TestRFC6238Vectors checks code generation and matching against the SHA-1
// rows of RFC 6238 Appendix B (8 digits, 30-second steps, T0 = 0).
func TestRFC6238Vectors(t *testing.T) {
	secret := []byte("12345678901234567890")
	p := core.DefaultPolicy()
	p.TOTPDigits, p.TOTPSkewSteps = 8, 0
	vectors := []struct {
		unix int64
		code string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	for _, v := range vectors {
		at := time.Unix(v.unix, 0)
		step, ok := core.MatchTOTP(secret, v.code, at, p, 0)
		if !ok || step != v.unix/30 {
			t.Errorf("T=%d: code %s matched=%v step=%d, want step %d", v.unix, v.code, ok, step, v.unix/30)
		}
		wrong := []byte(v.code)
		wrong[7] = '0' + (wrong[7]-'0'+1)%10
		if _, ok := core.MatchTOTP(secret, string(wrong), at, p, 0); ok {
			t.Errorf("T=%d: wrong code %s matched", v.unix, wrong)
		}
	}
}

// codeAt is what an authenticator app shows at t.
func codeAt(t testing.TB, secret []byte, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret), at,
		totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTOTPDriftWindow(t *testing.T) {
	secret := []byte("0123456789abcdefghij")
	p := core.DefaultPolicy()
	now := time.Unix(1_800_000_000, 0) // a step boundary plus 0 s
	cur := now.Unix() / 30
	tests := []struct {
		name   string
		offset time.Duration
		last   int64
		ok     bool
	}{
		{"now", 0, 0, true},
		{"one step behind (T-1)", -30 * time.Second, 0, true},
		{"one step ahead (T+1)", 30 * time.Second, 0, true},
		{"two steps behind (T-2)", -60 * time.Second, 0, false},
		{"two steps ahead (T+2)", 60 * time.Second, 0, false},
		{"last second of T-1", -1 * time.Second, 0, true},
		{"step already used", 0, cur, false},
		{"earlier step than the last used", -30 * time.Second, cur - 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok := core.MatchTOTP(secret, codeAt(t, secret, now.Add(tt.offset)), now, p, tt.last)
			if ok != tt.ok {
				t.Fatalf("matched = %v, want %v", ok, tt.ok)
			}
		})
	}
	if _, ok := core.MatchTOTP(secret, "12345", now, p, 0); ok {
		t.Fatal("a 5-digit code matched")
	}
}

func TestTOTPURIAndQRRoundTrip(t *testing.T) {
	secret := []byte("0123456789abcdefghij")
	uri := core.TOTPURI("Contoso IT", "alice@contoso.com", secret, 6, 30)
	want := "otpauth://totp/Contoso%20IT:alice@contoso.com?secret=GAYTEMZUGU3DOOBZMFRGGZDFMZTWQ2LK&issuer=Contoso%20IT&algorithm=SHA1&digits=6&period=30"
	if uri != want {
		t.Fatalf("uri = %s\nwant  %s", uri, want)
	}
	pngBytes, err := core.QRPNG(uri, 256)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	if res.GetText() != uri {
		t.Fatalf("QR holds %q, want %q", res.GetText(), uri)
	}
	issuer, account, got, err := core.ParseTOTPURI(res.GetText())
	if err != nil || issuer != "Contoso IT" || account != "alice@contoso.com" || !bytes.Equal(got, secret) {
		t.Fatalf("parsed %q %q %x %v", issuer, account, got, err)
	}
	if got := core.SecretGroups("GAYTEMZUGU3DOOBZMFRGGZDFMZTWQ2LK"); got != "GAYT EMZU GU3D OOBZ MFRG GZDF MZTW Q2LK" {
		t.Fatalf("groups %q", got)
	}
}

// FuzzTOTPURI checks that any issuer, account and secret survive the trip
// through the otpauth URI.
func FuzzTOTPURI(f *testing.F) {
	f.Add("Security info", "alice@contoso.com", []byte("0123456789abcdefghij"))
	f.Add("Contoso & Co", "bob+x@fabrikam.com", []byte{0, 1, 2})
	f.Add("Ä Ö Ü", "名前@例え.jp", []byte{255, 254})
	f.Add("a?b=c", "d#e%f", []byte("x"))
	f.Fuzz(func(t *testing.T, issuer, account string, secret []byte) {
		if issuer == "" || account == "" || len(secret) == 0 || strings.ContainsAny(issuer, ":") || strings.ContainsAny(account, ":") ||
			strings.TrimSpace(issuer) != issuer || strings.TrimSpace(account) != account || !validUTF8(issuer+account) {
			return
		}
		uri := core.TOTPURI(issuer, account, secret, 6, 30)
		gi, ga, gs, err := core.ParseTOTPURI(uri)
		if err != nil {
			t.Fatalf("%s does not parse: %v", uri, err)
		}
		if gi != issuer || ga != account || !bytes.Equal(gs, secret) {
			t.Fatalf("round trip of (%q, %q, %x) gave (%q, %q, %x) via %s", issuer, account, secret, gi, ga, gs, uri)
		}
	})
}

func validUTF8(s string) bool {
	return strings.ToValidUTF8(s, "\uFFFD") == s && !strings.ContainsRune(s, '\uFFFD')
}
