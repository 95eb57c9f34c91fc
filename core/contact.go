package core

import (
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Phone is a parsed phone number.
type Phone struct {
	E164        string // +442079460958
	Extension   string // digits, office phones only
	CountryCode int    // 44
	Region      string // GB
}

// MaxExtensionLength is the longest office extension accepted.
const MaxExtensionLength = 10

// ParsePhone parses a number typed by a person. A number starting with + (or
// 00) is read as international; any other is read as a national number of
// region (ISO 3166 code such as "GB"). Only an office phone may carry an
// extension, given apart or typed after "x"/"ext". The number must be valid
// for its country and, when the policy lists country codes, of one of them.
// Returns EINVALID with a message naming the country.
func ParsePhone(number, region, extension string, kind MethodKind, p *Policy) (Phone, error) {
	number = strings.TrimSpace(number)
	region = strings.ToUpper(strings.TrimSpace(region))
	extension = strings.TrimSpace(extension)
	if number == "" {
		return Phone{}, Errorf(EINVALID, "Enter a phone number.")
	}
	if len(number) > 40 {
		return Phone{}, Errorf(EINVALID, "That is too long to be a phone number.")
	}
	if strings.HasPrefix(number, "00") {
		number = "+" + number[2:]
	}
	if !strings.HasPrefix(number, "+") && region == "" {
		return Phone{}, Errorf(EINVALID, "Choose a country, or type the number with + and its country code, such as +44 20 7946 0958.")
	}
	if region != "" && phonenumbers.GetCountryCodeForRegion(region) == 0 {
		return Phone{}, Errorf(EINVALID, "%q is not a country code such as GB or US.", region)
	}
	for _, r := range number {
		if !strings.ContainsRune("+0123456789 ()-./xXeEtT#", r) {
			return Phone{}, Errorf(EINVALID, "A phone number can contain only digits, spaces and + ( ) - . characters; %q is not allowed.", r)
		}
	}
	num, err := phonenumbers.Parse(number, region)
	if err != nil {
		if region != "" && !strings.HasPrefix(number, "+") {
			return Phone{}, Errorf(EINVALID, "This number is not a valid phone number for %s.", CountryLabel(region))
		}
		return Phone{}, Errorf(EINVALID, "This is not a phone number. Type it with + and the country code, such as +44 20 7946 0958.")
	}
	cc := int(num.GetCountryCode())
	rg := phonenumbers.GetRegionCodeForNumber(num)
	if rg == "" || rg == "ZZ" {
		rg = phonenumbers.GetRegionCodeForCountryCode(cc)
	}
	if !phonenumbers.IsValidNumber(num) {
		return Phone{}, Errorf(EINVALID, "This number is not a valid phone number for %s.", CountryLabel(rg))
	}
	if p != nil && len(p.AllowedCountryCodes) > 0 && !slices.Contains(p.AllowedCountryCodes, cc) {
		allowed := make([]string, len(p.AllowedCountryCodes))
		for i, c := range p.AllowedCountryCodes {
			allowed[i] = fmt.Sprintf("+%d", c)
		}
		return Phone{}, Errorf(EINVALID, "Your organization does not allow phone numbers in %s. Allowed country codes: %s.",
			CountryLabel(rg), strings.Join(allowed, ", "))
	}
	if ext := num.GetExtension(); ext != "" {
		if extension != "" && extension != ext {
			return Phone{}, Errorf(EINVALID, "The number already carries extension %s; leave the extension field empty or remove it from the number.", ext)
		}
		extension = ext
	}
	if extension != "" {
		if kind != KindOfficePhone {
			return Phone{}, Errorf(EINVALID, "Only an office phone can have an extension.")
		}
		if len(extension) > MaxExtensionLength || strings.Trim(extension, "0123456789") != "" {
			return Phone{}, Errorf(EINVALID, "An extension is up to %d digits.", MaxExtensionLength)
		}
	}
	return Phone{
		E164:        phonenumbers.Format(num, phonenumbers.E164),
		Extension:   extension,
		CountryCode: cc,
		Region:      rg,
	}, nil
}

// Country is one entry of a phone country selector.
type Country struct {
	Region string // ISO 3166 code, "GB"
	Name   string // "United Kingdom"
	Code   int    // calling code, 44
}

// Label is "United Kingdom (+44)".
func (c Country) Label() string { return fmt.Sprintf("%s (+%d)", c.Name, c.Code) }

// Countries lists the regions phone numbers can be in, named in lang
// ("en" or "de"), sorted by name, keeping only the policy's allowed
// calling codes when it lists some.
func Countries(lang string, p *Policy) []Country {
	namer := display.English.Regions()
	if lang == "de" {
		namer = display.German.Regions()
	}
	var out []Country
	for region := range phonenumbers.GetSupportedRegions() {
		cc := phonenumbers.GetCountryCodeForRegion(region)
		if cc == 0 || p != nil && len(p.AllowedCountryCodes) > 0 && !slices.Contains(p.AllowedCountryCodes, cc) {
			continue
		}
		name := region
		if r, err := language.ParseRegion(region); err == nil {
			if n := namer.Name(r); n != "" {
				name = n
			}
		}
		out = append(out, Country{Region: region, Name: name, Code: cc})
	}
	slices.SortFunc(out, func(a, b Country) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// CountryLabel returns "United Kingdom (+44)" for "GB".
func CountryLabel(region string) string {
	name := region
	if r, err := language.ParseRegion(region); err == nil {
		if n := display.English.Regions().Name(r); n != "" {
			name = n
		}
	}
	if cc := phonenumbers.GetCountryCodeForRegion(region); cc != 0 {
		return fmt.Sprintf("%s (+%d)", name, cc)
	}
	return name
}

// MainCountry is the country a number is shown under when it is changed:
// the main country of its calling code ("GB" for every +44 number, also
// one in a Guernsey range; "US" for +1), "" when it is not a number.
func MainCountry(e164 string) string {
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return ""
	}
	return mainRegion(int(num.GetCountryCode()))
}

// TypedCountry is the main country of the calling code typed so far
// ("+44 79" is "GB"), so the country list follows a typed code; "" until
// a whole code is typed, or for a national number.
func TypedCountry(number string) string {
	number = strings.TrimSpace(number)
	switch {
	case strings.HasPrefix(number, "+"):
		number = number[1:]
	case strings.HasPrefix(number, "00"):
		number = number[2:]
	default:
		return ""
	}
	digits := ""
	for _, r := range number {
		if r >= '0' && r <= '9' {
			digits += string(r)
		} else if r != ' ' && r != '(' && r != '-' {
			break
		}
		if len(digits) == 3 {
			break
		}
	}
	// Calling codes are prefix-free: the first known one is the code.
	for n := 1; n <= len(digits); n++ {
		cc, _ := strconv.Atoi(digits[:n])
		if r := mainRegion(cc); r != "" {
			return r
		}
	}
	return ""
}

func mainRegion(cc int) string {
	r := phonenumbers.GetRegionCodeForCountryCode(cc)
	if r == "ZZ" || r == "001" {
		return ""
	}
	return r
}

func knownCountryCode(cc int) bool {
	r := phonenumbers.GetRegionCodeForCountryCode(cc)
	return r != "" && r != "ZZ"
}

// FormatPhone shows an E.164 number to its owner in international format,
// with the extension: "+44 20 7946 0958 ext. 123".
func FormatPhone(e164, extension string) string {
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return e164
	}
	s := phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
	if extension != "" {
		s += " ext. " + extension
	}
	return s
}

// MaskPhone hides all but the last two digits of a number, as shown before
// full sign-in: "+XX XXXXXXXX58".
func MaskPhone(e164 string) string {
	digits := strings.TrimPrefix(e164, "+")
	cc := 0
	if num, err := phonenumbers.Parse(e164, ""); err == nil {
		cc = len(fmt.Sprint(num.GetCountryCode()))
	}
	if cc == 0 || cc >= len(digits) {
		cc = 1
	}
	if len(digits) <= 2 {
		return strings.Repeat("X", len(digits))
	}
	national := digits[cc:]
	if len(national) < 2 {
		return "+" + strings.Repeat("X", len(digits))
	}
	return "+" + strings.Repeat("X", cc) + " " + strings.Repeat("X", len(national)-2) + national[len(national)-2:]
}

// MaxEmailLength is the longest address accepted (RFC 5321 path limit).
const MaxEmailLength = 254

// ParseEmail checks an address typed by a person: one bare address
// (no display name), a domain with a dot, and not in one of the
// organisation's own domains, since the address must work when the person
// cannot sign in. Returns the address with its domain lower-cased, or
// EINVALID saying what is wrong.
func ParseEmail(address string, p *Policy) (string, error) {
	s := strings.TrimSpace(address)
	if s == "" {
		return "", Errorf(EINVALID, "Enter an email address, for example alain@gmail.com.")
	}
	if len(s) > MaxEmailLength {
		return "", Errorf(EINVALID, "An email address can be at most %d characters long.", MaxEmailLength)
	}
	if strings.ContainsAny(s, ",;") {
		return "", Errorf(EINVALID, "Enter one email address only.")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", Errorf(EINVALID, "%q is not an email address. Type it like alain@gmail.com.", s)
	}
	at := strings.LastIndexByte(a.Address, '@')
	local, domain := a.Address[:at], strings.ToLower(a.Address[at+1:])
	if strings.HasPrefix(domain, "[") || !validDomain(strings.TrimSuffix(domain, ".")) || strings.HasSuffix(domain, ".") {
		return "", Errorf(EINVALID, "The domain %q of this address is not complete. Type it like alain@gmail.com.", domain)
	}
	if p != nil && p.IsOrganizationDomain(domain) {
		return "", Reason(EINVALID, "email.workAddress", map[string]any{"Domain": domain})
	}
	return local + "@" + domain, nil
}

// MaskEmail shows only the first two characters of an address and its
// domain, as shown before full sign-in: "al*****@gmail.com".
func MaskEmail(address string) string {
	at := strings.LastIndexByte(address, '@')
	if at < 0 {
		return "*****"
	}
	local := []rune(address[:at])
	if len(local) > 2 {
		local = local[:2]
	}
	return string(local) + "*****" + address[at:]
}
