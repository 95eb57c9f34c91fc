package core

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Policy is the organisation's rules for security info. Its JSON field names
// are the keys of `securityinfoctl policy set KEY=VALUE`.
type Policy struct {
	EnabledMethods              []MethodKind `json:"enabledMethods"`
	OrganizationDomains         []string     `json:"organizationDomains"`
	AllowedCountryCodes         []int        `json:"allowedCountryCodes"` // empty: every country
	MethodsRequiredForReset     int          `json:"methodsRequiredForReset"`
	SecurityQuestionsToRegister int          `json:"securityQuestionsToRegister"`
	SecurityQuestionsToReset    int          `json:"securityQuestionsToReset"`
	CustomQuestions             []string     `json:"customQuestions"`
	RequireRegistration         bool         `json:"requireRegistration"`
	// RecoveryCodesCountForRegistration: a set of recovery codes meets
	// the registration's sign-in requirement (off: they are a way back,
	// not a daily method).
	RecoveryCodesCountForRegistration bool `json:"recoveryCodesCountForRegistration"`
	RegistrationSnoozes               int  `json:"registrationSnoozes"` // times "Keep your account secure" may be put off
	ReconfirmationDays                int  `json:"reconfirmationDays"`  // 0: never

	CodeLength              int `json:"codeLength"`
	CodeLifetimeMinutes     int `json:"codeLifetimeMinutes"`
	CodeMaxTries            int `json:"codeMaxTries"`
	ResendSeconds           int `json:"resendSeconds"`
	SendsPerDestinationHour int `json:"sendsPerDestinationHour"`
	SendsPerDestinationDay  int `json:"sendsPerDestinationDay"`
	SendsPerAccountDay      int `json:"sendsPerAccountDay"`

	Issuer string `json:"issuer"`
	// RelyingPartyID is the domain security keys are registered for (a
	// WebAuthn relying party ID); "" means the domain of each account's
	// sign-in name.
	RelyingPartyID    string `json:"relyingPartyId"`
	TOTPDigits        int    `json:"totpDigits"`
	TOTPPeriodSeconds int    `json:"totpPeriodSeconds"`
	TOTPSkewSteps     int    `json:"totpSkewSteps"`

	MethodLockoutThreshold int `json:"methodLockoutThreshold"`
	MethodLockoutMinutes   int `json:"methodLockoutMinutes"`
	SignInLockoutThreshold int `json:"signInLockoutThreshold"`
	SignInLockoutMinutes   int `json:"signInLockoutMinutes"`

	SessionIdleMinutes int `json:"sessionIdleMinutes"`
	SessionMaxHours    int `json:"sessionMaxHours"`

	// Temporary Access Pass: its shortest length, default and longest
	// lifetime, and whether every pass is one-time (false: reusable
	// unless the agent asks for one-time).
	TAPLength             int  `json:"tapLength"`
	TAPLifetimeMinutes    int  `json:"tapLifetimeMinutes"`
	TAPMaxLifetimeMinutes int  `json:"tapMaxLifetimeMinutes"`
	TAPOneTime            bool `json:"tapOneTime"`
	// What one help-desk agent may do in an hour, against social
	// engineering: identity verifications started, passes created.
	HelpdeskVerificationsPerHour int `json:"helpdeskVerificationsPerHour"`
	HelpdeskPassesPerHour        int `json:"helpdeskPassesPerHour"`
	// Searches by a phone's last digits one agent may make in an hour
	// (each is audited).
	HelpdeskPhoneSearchesPerHour int `json:"helpdeskPhoneSearchesPerHour"`
}

// DefaultPolicy returns the policy of a new store: the numbers of DESIGN
// section 5, every kind but the security key (which needs hardware support)
// enabled.
func DefaultPolicy() *Policy {
	return &Policy{
		EnabledMethods: []MethodKind{KindAuthenticatorApp, KindPhone, KindAlternatePhone, KindOfficePhone,
			KindEmail, KindSecurityQuestions, KindTemporaryAccessPass, KindRecoveryCodes},
		OrganizationDomains:         []string{},
		AllowedCountryCodes:         []int{},
		MethodsRequiredForReset:     1,
		SecurityQuestionsToRegister: 3,
		SecurityQuestionsToReset:    3,
		CustomQuestions:             []string{},
		RequireRegistration:         true,
		RegistrationSnoozes:         3,
		ReconfirmationDays:          180,
		CodeLength:                  6,
		CodeLifetimeMinutes:         10,
		CodeMaxTries:                5,
		ResendSeconds:               30,
		SendsPerDestinationHour:     5,
		SendsPerDestinationDay:      10,
		SendsPerAccountDay:          20,
		Issuer:                      "Security info",
		TOTPDigits:                  6,
		TOTPPeriodSeconds:           30,
		TOTPSkewSteps:               1,
		MethodLockoutThreshold:      10,
		MethodLockoutMinutes:        15,
		SignInLockoutThreshold:      10,
		SignInLockoutMinutes:        15,
		SessionIdleMinutes:          60,
		SessionMaxHours:             24,

		TAPLength:                    8,
		TAPLifetimeMinutes:           60,
		TAPMaxLifetimeMinutes:        480,
		TAPOneTime:                   true,
		HelpdeskVerificationsPerHour: 20,
		HelpdeskPassesPerHour:        10,
		HelpdeskPhoneSearchesPerHour: 30,
	}
}

// Enabled reports whether the policy allows registering kind k.
func (p *Policy) Enabled(k MethodKind) bool { return slices.Contains(p.EnabledMethods, k) }

// IsOrganizationDomain reports whether domain is one of the organisation's
// domains or a subdomain of one.
func (p *Policy) IsOrganizationDomain(domain string) bool {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	for _, d := range p.OrganizationDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// ForAccount is p as it applies to the account named name: the domain of
// the sign-in name always counts among the organisation's domains, so a
// person's work address is refused even when the policy lists none.
func (p *Policy) ForAccount(name string) *Policy {
	at := strings.LastIndexByte(name, '@')
	if at < 0 {
		return p
	}
	domain := strings.ToLower(name[at+1:])
	if domain == "" || p.IsOrganizationDomain(domain) {
		return p
	}
	q := p.Clone()
	q.OrganizationDomains = append(q.OrganizationDomains, domain)
	return q
}

// intRange is the allowed range of an integer policy key.
type intRange struct{ min, max int }

// policyInts maps each integer key to its field and range.
func (p *Policy) policyInts() map[string]struct {
	v *int
	r intRange
} {
	type f = struct {
		v *int
		r intRange
	}
	return map[string]f{
		"methodsRequiredForReset":      {&p.MethodsRequiredForReset, intRange{1, 2}},
		"securityQuestionsToRegister":  {&p.SecurityQuestionsToRegister, intRange{3, 5}},
		"securityQuestionsToReset":     {&p.SecurityQuestionsToReset, intRange{1, 5}},
		"reconfirmationDays":           {&p.ReconfirmationDays, intRange{0, 730}},
		"registrationSnoozes":          {&p.RegistrationSnoozes, intRange{0, 3}},
		"codeLength":                   {&p.CodeLength, intRange{6, 8}},
		"codeLifetimeMinutes":          {&p.CodeLifetimeMinutes, intRange{1, 60}},
		"codeMaxTries":                 {&p.CodeMaxTries, intRange{1, 10}},
		"resendSeconds":                {&p.ResendSeconds, intRange{10, 600}},
		"sendsPerDestinationHour":      {&p.SendsPerDestinationHour, intRange{1, 20}},
		"sendsPerDestinationDay":       {&p.SendsPerDestinationDay, intRange{1, 50}},
		"sendsPerAccountDay":           {&p.SendsPerAccountDay, intRange{1, 100}},
		"totpDigits":                   {&p.TOTPDigits, intRange{6, 8}},
		"totpPeriodSeconds":            {&p.TOTPPeriodSeconds, intRange{30, 60}},
		"totpSkewSteps":                {&p.TOTPSkewSteps, intRange{0, 2}},
		"methodLockoutThreshold":       {&p.MethodLockoutThreshold, intRange{3, 50}},
		"methodLockoutMinutes":         {&p.MethodLockoutMinutes, intRange{1, 1440}},
		"signInLockoutThreshold":       {&p.SignInLockoutThreshold, intRange{3, 50}},
		"signInLockoutMinutes":         {&p.SignInLockoutMinutes, intRange{1, 1440}},
		"sessionIdleMinutes":           {&p.SessionIdleMinutes, intRange{5, 1440}},
		"sessionMaxHours":              {&p.SessionMaxHours, intRange{1, 168}},
		"tapLength":                    {&p.TAPLength, intRange{8, 48}},
		"tapLifetimeMinutes":           {&p.TAPLifetimeMinutes, intRange{10, 43200}},
		"tapMaxLifetimeMinutes":        {&p.TAPMaxLifetimeMinutes, intRange{10, 43200}},
		"helpdeskVerificationsPerHour": {&p.HelpdeskVerificationsPerHour, intRange{1, 200}},
		"helpdeskPassesPerHour":        {&p.HelpdeskPassesPerHour, intRange{1, 100}},
		"helpdeskPhoneSearchesPerHour": {&p.HelpdeskPhoneSearchesPerHour, intRange{1, 500}},
	}
}

// PolicyKeys returns every key Set accepts, sorted.
func PolicyKeys() []string {
	var keys []string
	p := DefaultPolicy()
	for k := range p.otherSetters() {
		keys = append(keys, k)
	}
	for k := range p.policyInts() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Set changes one key from its text form, as typed after KEY= on the command
// line. Lists are comma-separated (customQuestions: separated by "|"). It
// checks the value alone; Validate checks the keys against each other.
// Returns EINVALID naming the allowed values.
func (p *Policy) Set(key, value string) error {
	value = strings.TrimSpace(value)
	if f, ok := p.policyInts()[key]; ok {
		n, err := strconv.Atoi(value)
		if err != nil || n < f.r.min || n > f.r.max || !allowedInt(key, n) {
			return Errorf(EINVALID, "%s must be %s; %q is not allowed.", key, describeRange(key, f.r), value)
		}
		*f.v = n
		return nil
	}
	if set, ok := p.otherSetters()[key]; ok {
		return set(value)
	}
	return Errorf(EINVALID, "%q is not a policy key. Use one of: %s.", key, strings.Join(PolicyKeys(), ", "))
}

// otherSetters are the setters of the keys that are not whole numbers.
func (p *Policy) otherSetters() map[string]func(string) error {
	return map[string]func(string) error{
		"enabledMethods":      p.setEnabledMethods,
		"organizationDomains": p.setOrganizationDomains,
		"allowedCountryCodes": p.setAllowedCountryCodes,
		"customQuestions":     p.setCustomQuestions,
		"requireRegistration": func(v string) error { return setBool("requireRegistration", v, &p.RequireRegistration) },
		"tapOneTime":          func(v string) error { return setBool("tapOneTime", v, &p.TAPOneTime) },
		"recoveryCodesCountForRegistration": func(v string) error {
			return setBool("recoveryCodesCountForRegistration", v, &p.RecoveryCodesCountForRegistration)
		},
		"issuer":         p.setIssuer,
		"relyingPartyId": p.setRelyingPartyID,
	}
}

func setBool(key, value string, to *bool) error {
	b, err := strconv.ParseBool(value)
	if err != nil {
		return Errorf(EINVALID, "%s must be true or false; %q is not allowed.", key, value)
	}
	*to = b
	return nil
}

func (p *Policy) setEnabledMethods(value string) error {
	var ks []MethodKind
	for _, s := range splitList(value, ",") {
		k, err := ParseKind(s)
		if err != nil {
			return Errorf(EINVALID, "enabledMethods: %s", ErrorMessage(err))
		}
		if !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	p.EnabledMethods = ks
	return nil
}

func (p *Policy) setOrganizationDomains(value string) error {
	ds := []string{}
	for _, s := range splitList(value, ",") {
		d := strings.ToLower(strings.TrimSuffix(s, "."))
		if !validDomain(d) {
			return Errorf(EINVALID, "organizationDomains: %q is not a domain name such as contoso.com.", s)
		}
		if !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	p.OrganizationDomains = ds
	return nil
}

func (p *Policy) setAllowedCountryCodes(value string) error {
	cs := []int{}
	for _, s := range splitList(value, ",") {
		n, err := strconv.Atoi(strings.TrimPrefix(s, "+"))
		if err != nil || n < 1 || n > 999 || !knownCountryCode(n) {
			return Errorf(EINVALID, "allowedCountryCodes: %q is not a country calling code such as 44 or 1.", s)
		}
		if !slices.Contains(cs, n) {
			cs = append(cs, n)
		}
	}
	p.AllowedCountryCodes = cs
	return nil
}

func (p *Policy) setCustomQuestions(value string) error {
	qs := []string{}
	for _, s := range splitList(value, "|") {
		q, err := NormalizeQuestionText(s)
		if err != nil {
			return Errorf(EINVALID, "customQuestions: %s", ErrorMessage(err))
		}
		qs = append(qs, q)
	}
	p.CustomQuestions = qs
	return nil
}

func (p *Policy) setIssuer(value string) error {
	v, err := NormalizeText("issuer", value)
	if err != nil {
		return err
	}
	if n := utf8.RuneCountInString(v); n < 1 || n > 64 || strings.Contains(v, ":") {
		return Errorf(EINVALID, "issuer must be 1 to 64 characters without a colon; %q is not allowed.", value)
	}
	p.Issuer = v
	return nil
}

func (p *Policy) setRelyingPartyID(value string) error {
	d := strings.ToLower(strings.TrimSuffix(value, "."))
	if d != "" && !validDomain(d) {
		return Errorf(EINVALID, "relyingPartyId: %q is not a domain name such as contoso.com.", value)
	}
	p.RelyingPartyID = d
	return nil
}

// allowedInt checks the keys whose whole numbers are a choice of two.
func allowedInt(key string, n int) bool {
	switch key {
	case "codeLength", "totpDigits":
		return n == 6 || n == 8
	case "totpPeriodSeconds":
		return n == 30 || n == 60
	}
	return true
}

func describeRange(key string, r intRange) string {
	switch key {
	case "codeLength", "totpDigits":
		return "6 or 8"
	case "totpPeriodSeconds":
		return "30 or 60"
	}
	return fmt.Sprintf("a whole number from %d to %d", r.min, r.max)
}

// Validate checks the policy as a whole. Returns EINVALID.
func (p *Policy) Validate() error {
	q := *p
	for key, f := range q.policyInts() {
		if err := q.Set(key, strconv.Itoa(*f.v)); err != nil {
			return err
		}
	}
	if len(p.EnabledMethods) == 0 {
		return Errorf(EINVALID, "enabledMethods must name at least one method kind.")
	}
	for _, k := range p.EnabledMethods {
		if !k.Valid() {
			return Errorf(EINVALID, "enabledMethods: %q is not a method kind.", k)
		}
	}
	if p.SecurityQuestionsToReset > p.SecurityQuestionsToRegister {
		return Errorf(EINVALID, "securityQuestionsToReset (%d) cannot be more than securityQuestionsToRegister (%d).",
			p.SecurityQuestionsToReset, p.SecurityQuestionsToRegister)
	}
	if p.Issuer == "" {
		return Errorf(EINVALID, "issuer must not be empty.")
	}
	if p.TAPLifetimeMinutes > p.TAPMaxLifetimeMinutes {
		return Errorf(EINVALID, "tapLifetimeMinutes (%d) cannot be more than tapMaxLifetimeMinutes (%d).",
			p.TAPLifetimeMinutes, p.TAPMaxLifetimeMinutes)
	}
	if p.SendsPerDestinationHour > p.SendsPerDestinationDay {
		return Errorf(EINVALID, "sendsPerDestinationHour (%d) cannot be more than sendsPerDestinationDay (%d).",
			p.SendsPerDestinationHour, p.SendsPerDestinationDay)
	}
	return nil
}

// Apply sets each KEY=VALUE pair in order on a copy of p and validates the
// result, so that a bad pair changes nothing. Returns EINVALID.
func (p *Policy) Apply(pairs []string) (*Policy, error) {
	q := p.Clone()
	for _, pair := range pairs {
		key, value, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, Errorf(EINVALID, "%q is not KEY=VALUE, for example codeLength=8.", pair)
		}
		if err := q.Set(strings.TrimSpace(key), value); err != nil {
			return nil, err
		}
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return q, nil
}

// Clone returns a deep copy of p.
func (p *Policy) Clone() *Policy {
	q := *p
	q.EnabledMethods = slices.Clone(p.EnabledMethods)
	q.OrganizationDomains = slices.Clone(p.OrganizationDomains)
	q.AllowedCountryCodes = slices.Clone(p.AllowedCountryCodes)
	q.CustomQuestions = slices.Clone(p.CustomQuestions)
	return &q
}

func splitList(s, sep string) []string {
	var out []string
	for _, part := range strings.Split(s, sep) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// Policy implements Service.
func (s *Local) Policy(ctx context.Context) (*Policy, error) {
	var p *Policy
	err := s.store.View(ctx, func(tx Tx) (err error) {
		p, err = tx.Policy()
		return err
	})
	return p, err
}

// SetPolicy implements Service.
func (s *Local) SetPolicy(ctx context.Context, pairs []string) (*Policy, error) {
	a, sess, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := requireRole(a, sess, RoleAdmin); err != nil {
		return nil, err
	}
	var out *Policy
	err = s.store.Update(ctx, func(tx Tx) error {
		p, err := tx.Policy()
		if err != nil {
			return err
		}
		if out, err = p.Apply(pairs); err != nil {
			return err
		}
		if err := tx.SavePolicy(out); err != nil {
			return err
		}
		return s.audit(tx, a, nil, ActionPolicyChanged, "", strings.Join(pairs, " "), "")
	})
	return out, err
}
