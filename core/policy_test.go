package core_test

import (
	"strings"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

func TestPolicyApply(t *testing.T) {
	tests := []struct {
		name    string
		pairs   []string
		wantErr string
		check   func(p *core.Policy) bool
	}{
		{"code length 8", []string{"codeLength=8"}, "", func(p *core.Policy) bool { return p.CodeLength == 8 }},
		{"code length 7", []string{"codeLength=7"}, "codeLength must be 6 or 8", nil},
		{"reset methods 2", []string{"methodsRequiredForReset=2"}, "", func(p *core.Policy) bool { return p.MethodsRequiredForReset == 2 }},
		{"reset methods 3", []string{"methodsRequiredForReset=3"}, "from 1 to 2", nil},
		{"questions to register 6", []string{"securityQuestionsToRegister=6"}, "from 3 to 5", nil},
		{"reset more than registered", []string{"securityQuestionsToRegister=3", "securityQuestionsToReset=4"}, "cannot be more than", nil},
		{"questions 5 and 4", []string{"securityQuestionsToRegister=5", "securityQuestionsToReset=4"}, "", func(p *core.Policy) bool {
			return p.SecurityQuestionsToRegister == 5 && p.SecurityQuestionsToReset == 4
		}},
		{"enabled methods", []string{"enabledMethods=phone, email,phone"}, "", func(p *core.Policy) bool {
			return len(p.EnabledMethods) == 2 && p.Enabled(core.KindPhone) && !p.Enabled(core.KindAuthenticatorApp)
		}},
		{"enabled methods unknown", []string{"enabledMethods=phone,pigeon"}, `"pigeon" is not a method kind`, nil},
		{"enabled methods empty", []string{"enabledMethods="}, "at least one", nil},
		{"domains", []string{"organizationDomains=Contoso.com,fabrikam.net."}, "", func(p *core.Policy) bool {
			return len(p.OrganizationDomains) == 2 && p.IsOrganizationDomain("mail.CONTOSO.com") && !p.IsOrganizationDomain("notcontoso.com")
		}},
		{"bad domain", []string{"organizationDomains=contoso"}, "not a domain name", nil},
		{"require registration", []string{"requireRegistration=false"}, "", func(p *core.Policy) bool { return !p.RequireRegistration }},
		{"require registration yes", []string{"requireRegistration=yes"}, "true or false", nil},
		{"reconfirmation", []string{"reconfirmationDays=0"}, "", func(p *core.Policy) bool { return p.ReconfirmationDays == 0 }},
		{"reconfirmation negative", []string{"reconfirmationDays=-1"}, "from 0 to 730", nil},
		{"issuer", []string{"issuer=Contoso IT"}, "", func(p *core.Policy) bool { return p.Issuer == "Contoso IT" }},
		{"issuer colon", []string{"issuer=a:b"}, "without a colon", nil},
		{"country codes", []string{"allowedCountryCodes=+44,1"}, "", func(p *core.Policy) bool { return len(p.AllowedCountryCodes) == 2 }},
		{"country code unknown", []string{"allowedCountryCodes=999"}, "not a country calling code", nil},
		{"unknown key", []string{"colour=blue"}, `"colour" is not a policy key`, nil},
		{"not a pair", []string{"codeLength"}, "is not KEY=VALUE", nil},
		{"custom questions", []string{"customQuestions=What was the name of your first boss?|Where did you meet your partner?"}, "", func(p *core.Policy) bool {
			return len(p.CustomQuestions) == 2
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := core.DefaultPolicy()
			got, err := base.Apply(tt.pairs)
			if tt.wantErr != "" {
				if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want EINVALID containing %q", err, tt.wantErr)
				}
				if base.CodeLength != 6 || len(base.EnabledMethods) != len(core.DefaultPolicy().EnabledMethods) {
					t.Fatalf("a refused Apply changed the policy")
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if !tt.check(got) {
				t.Fatalf("policy after %v: %+v", tt.pairs, got)
			}
		})
	}
}

func TestDefaultPolicyIsValid(t *testing.T) {
	if err := core.DefaultPolicy().Validate(); err != nil {
		t.Fatal(err)
	}
	p := core.DefaultPolicy()
	if p.CodeLength != 6 || p.CodeLifetimeMinutes != 10 || p.CodeMaxTries != 5 || p.ResendSeconds != 30 ||
		p.SendsPerDestinationHour != 5 || p.SendsPerDestinationDay != 10 || p.SendsPerAccountDay != 20 ||
		p.TOTPDigits != 6 || p.TOTPPeriodSeconds != 30 || p.TOTPSkewSteps != 1 ||
		p.MethodLockoutThreshold != 10 || p.MethodLockoutMinutes != 15 || p.SignInLockoutThreshold != 10 {
		t.Fatalf("default policy numbers differ from DESIGN section 5: %+v", p)
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name    string
		pw      string
		second  bool
		wantErr string
	}{
		{"long enough single factor", "a long enough passphrase", false, ""},
		{"14 chars single factor", "abcdefghijklmn", false, "at least 15"},
		{"8 chars with second factor", "k8#mQz!v", true, ""},
		{"7 chars with second factor", "k8#mQz!", true, "at least 8"},
		{"too long", strings.Repeat("x", 257), true, "at most 256"},
		{"common", "password1234", true, "common passwords"},
		{"common ignoring case and spaces", "Correct Horse Battery Staple", true, "common passwords"},
		{"contains name", "my-alice-password-99", true, "account name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := core.ValidatePassword(tt.pw, "alice@contoso.com", tt.second)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
				t.Fatalf("ValidatePassword = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestNormalizeAccountName(t *testing.T) {
	tests := []struct{ in, want, wantErr string }{
		{"Alice@Contoso.com", "alice@contoso.com", ""},
		{" bob ", "bob", ""},
		{"", "", "Enter an account name"},
		{"a b@contoso.com", "", "cannot contain"},
		{"a@b@contoso.com", "", "at most one @"},
		{"alice@contoso", "", "not a complete account name"},
		{"@contoso.com", "", "not a complete account name"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := core.NormalizeAccountName(tt.in)
			if tt.wantErr != "" {
				if !strings.Contains(core.ErrorMessage(err), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestNormalizeLanguage(t *testing.T) {
	for in, want := range map[string]string{"": "en", "de-DE": "de", "de_AT.UTF-8": "de", "EN": "en"} {
		if got, err := core.NormalizeLanguage(in); err != nil || got != want {
			t.Errorf("NormalizeLanguage(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := core.NormalizeLanguage("fr"); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("fr accepted: %v", err)
	}
}
