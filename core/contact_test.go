package core_test

import (
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

func TestParsePhone(t *testing.T) {
	p := core.DefaultPolicy()
	ukOnly := core.DefaultPolicy()
	ukOnly.AllowedCountryCodes = []int{44}
	tests := []struct {
		name            string
		number, region  string
		ext             string
		kind            core.MethodKind
		policy          *core.Policy
		wantE164, wantX string
		wantErr         string // substring of the message
	}{
		{"international", "+44 20 7946 0958", "", "", core.KindPhone, p, "+442079460958", "", ""},
		{"00 prefix", "0044 20 7946 0958", "", "", core.KindPhone, p, "+442079460958", "", ""},
		{"national with region", "020 7946 0958", "GB", "", core.KindPhone, p, "+442079460958", "", ""},
		{"US punctuation", "(425) 555-0112", "US", "", core.KindPhone, p, "+14255550112", "", ""},
		{"office extension apart", "+49 30 901820", "", "123", core.KindOfficePhone, p, "+4930901820", "123", ""},
		{"office extension in number", "+1 425 555 0112 ext. 42", "", "", core.KindOfficePhone, p, "+14255550112", "42", ""},
		{"invalid for region", "020 7946", "GB", "", core.KindPhone, p, "", "", "not a valid phone number for United Kingdom (+44)"},
		{"invalid international", "+44 12", "", "", core.KindPhone, p, "", "", "not a valid phone number for United Kingdom (+44)"},
		{"no country", "020 7946 0958", "", "", core.KindPhone, p, "", "", "Choose a country"},
		{"letters", "+44 20 CALL ME", "", "", core.KindPhone, p, "", "", "can contain only digits"},
		{"empty", "  ", "GB", "", core.KindPhone, p, "", "", "Enter a phone number"},
		{"extension on mobile", "+44 20 7946 0958", "", "12", core.KindPhone, p, "", "", "Only an office phone"},
		{"extension not digits", "+49 30 901820", "", "12a", core.KindOfficePhone, p, "", "", "up to 10 digits"},
		{"country not allowed", "+1 425 555 0112", "", "", core.KindPhone, ukOnly, "", "", "does not allow phone numbers in United States (+1)"},
		{"country allowed", "+44 20 7946 0958", "", "", core.KindPhone, ukOnly, "+442079460958", "", ""},
		{"unknown region", "12345", "QQ", "", core.KindPhone, p, "", "", "not a country code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := core.ParsePhone(tt.number, tt.region, tt.ext, tt.kind, tt.policy)
			if tt.wantErr != "" {
				if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want EINVALID containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if got.E164 != tt.wantE164 || got.Extension != tt.wantX {
				t.Fatalf("got %+v, want %s ext %q", got, tt.wantE164, tt.wantX)
			}
		})
	}
}

func TestFormatPhone(t *testing.T) {
	if got := core.FormatPhone("+442079460958", ""); got != "+44 20 7946 0958" {
		t.Errorf("FormatPhone = %q", got)
	}
	if got := core.FormatPhone("+4930901820", "123"); got != "+49 30 901820 ext. 123" {
		t.Errorf("FormatPhone with extension = %q", got)
	}
}

func TestParseEmail(t *testing.T) {
	p := core.DefaultPolicy()
	p.OrganizationDomains = []string{"contoso.com"}
	tests := []struct {
		in, want, wantErr string
	}{
		{"alain@gmail.com", "alain@gmail.com", ""},
		{"  Alain@GMail.COM ", "Alain@gmail.com", ""},
		{"a.b+tag@sub.example.org", "a.b+tag@sub.example.org", ""},
		{"alice@contoso.com", "", "can't be your work or school email"},
		{"alice@eu.contoso.com", "", "can't be your work or school email"},
		{"alice@notcontoso.com", "alice@notcontoso.com", ""},
		{"", "", "Enter an email address"},
		{"alain", "", "is not an email address"},
		{"alain@localhost", "", "is not complete"},
		{"Alain <alain@gmail.com>", "", "is not an email address"},
		{"a@gmail.com, b@gmail.com", "", "one email address only"},
		{"a@[127.0.0.1]", "", "is not complete"},
		{strings.Repeat("a", 250) + "@x.com", "", "at most 254"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := core.ParseEmail(tt.in, p)
			if tt.wantErr != "" {
				if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want EINVALID containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseEmail = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// FuzzParsePhone checks that whatever is typed, a number accepted is E.164,
// parses again to itself and masks to its last two digits.
func FuzzParsePhone(f *testing.F) {
	for _, s := range []struct{ n, r, x string }{
		{"+44 20 7946 0958", "", ""}, {"020 7946 0958", "GB", ""}, {"(425) 555-0112", "US", ""},
		{"+1 425 555 0112 ext. 42", "", ""}, {"0044", "", ""}, {"+", "DE", "1"}, {"+49 30 901820", "", "123"},
		{"00000000000000000000", "FR", ""}, {"+999 1234", "", ""}, {"tel:+1-425-555-0112", "", ""},
	} {
		f.Add(s.n, s.r, s.x)
	}
	p := core.DefaultPolicy()
	f.Fuzz(func(t *testing.T, number, region, ext string) {
		got, err := core.ParsePhone(number, region, ext, core.KindOfficePhone, p)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || core.ErrorMessage(err) == "" {
				t.Fatalf("error %v is not a message a person can act on", err)
			}
			return
		}
		if !strings.HasPrefix(got.E164, "+") || strings.Trim(got.E164[1:], "0123456789") != "" || len(got.E164) > 16 {
			t.Fatalf("%q parsed to non-E.164 %q", number, got.E164)
		}
		again, err := core.ParsePhone(got.E164, "", got.Extension, core.KindOfficePhone, p)
		if err != nil || again.E164 != got.E164 || again.Extension != got.Extension {
			t.Fatalf("%q -> %+v does not parse again to itself: %+v, %v", number, got, again, err)
		}
		if m := core.MaskPhone(got.E164); !strings.HasSuffix(m, got.E164[len(got.E164)-2:]) || strings.Count(m, "X") != len(got.E164)-3 {
			t.Fatalf("MaskPhone(%q) = %q", got.E164, m)
		}
	})
}

// FuzzParseEmail checks that an address accepted parses again to itself and
// is never in the organisation's domain.
func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"alain@gmail.com", "a@b.co", "Alain <a@b.co>", "a@contoso.com", "\"a b\"@x.org",
		"a@b", "@x.com", "a@x..com", "a@-x.com", "ü@ö.de", "a@x.com.", "a@sub.contoso.com"} {
		f.Add(s)
	}
	p := core.DefaultPolicy()
	p.OrganizationDomains = []string{"contoso.com"}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := core.ParseEmail(in, p)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || core.ErrorMessage(err) == "" {
				t.Fatalf("error %v is not a message a person can act on", err)
			}
			return
		}
		again, err := core.ParseEmail(got, p)
		if err != nil || again != got {
			t.Fatalf("%q -> %q does not parse again to itself: %q, %v", in, got, again, err)
		}
		if _, domain, _ := strings.Cut(got, "@"); p.IsOrganizationDomain(domain) {
			t.Fatalf("%q accepted in the organisation's domain", got)
		}
	})
}

func TestCountries(t *testing.T) {
	all := core.Countries("en", core.DefaultPolicy())
	if len(all) < 200 {
		t.Fatalf("%d countries", len(all))
	}
	found := false
	for _, c := range all {
		if c.Region == "GB" {
			found = c.Label() == "United Kingdom (+44)"
		}
	}
	if !found {
		t.Fatal("United Kingdom (+44) missing")
	}
	p := core.DefaultPolicy()
	p.AllowedCountryCodes = []int{49}
	de := core.Countries("de", p)
	if len(de) != 1 || de[0].Label() != "Deutschland (+49)" {
		t.Fatalf("German, +49 only: %+v", de)
	}
}

// TestCountryOfANumber: the country shown for a number is the main
// country of its calling code, also for a range libphonenumber gives to a
// territory; a code typed so far names its country once it is whole.
func TestCountryOfANumber(t *testing.T) {
	for n, want := range map[string]string{"+447911123456": "GB", "+442079460958": "GB", "+14165550123": "US", "+4915112345678": "DE", "not a number": ""} {
		if got := core.MainCountry(n); got != want {
			t.Errorf("MainCountry(%q) = %q, want %q", n, got, want)
		}
	}
	for typed, want := range map[string]string{"+": "", "+4": "", "+44": "GB", "+44 79": "GB", "0044 20": "GB", "+1": "US", "+35": "", "+353 1": "IE", "+49(151)": "DE", "020 7946": "", "+999": ""} {
		if got := core.TypedCountry(typed); got != want {
			t.Errorf("TypedCountry(%q) = %q, want %q", typed, got, want)
		}
	}
}
