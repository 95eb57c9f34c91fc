package core_test

import (
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// ms builds methods from kinds; phones get numbers, apps names.
func ms(kinds ...core.MethodKind) []*core.Method {
	var out []*core.Method
	for i, k := range kinds {
		m := &core.Method{ID: string(rune('a' + i)), Kind: k}
		switch k {
		case core.KindPhone:
			m.Detail, m.Channel = "+14255550112", core.ChannelSMS
		case core.KindAlternatePhone:
			m.Detail, m.Channel = "+442079460958", core.ChannelVoice
		case core.KindOfficePhone:
			m.Detail, m.Extension, m.Channel = "+4930901820", "123", core.ChannelVoice
		case core.KindEmail:
			m.Detail, m.Channel = "alain@gmail.com", core.ChannelEmail
		case core.KindAuthenticatorApp:
			m.Name, m.Channel = "Pixel", core.ChannelApp
		case core.KindSecurityKey:
			m.Name, m.Channel = "YubiKey", core.ChannelKey
		}
		out = append(out, m)
	}
	return out
}

func TestStrongestChoice(t *testing.T) {
	tests := []struct {
		name        string
		methods     []*core.Method
		wantID      string
		wantChannel core.Channel
		wantOK      bool
	}{
		{"none", nil, "", "", false},
		{"reset only methods cannot be default", ms(core.KindEmail, core.KindSecurityQuestions), "", "", false},
		{"temporary access pass is never default", ms(core.KindTemporaryAccessPass), "", "", false},
		{"office phone alone", ms(core.KindEmail, core.KindOfficePhone), "b", core.ChannelVoice, true},
		{"alternate beats office", ms(core.KindOfficePhone, core.KindAlternatePhone), "b", core.ChannelVoice, true},
		{"phone text beats alternate", ms(core.KindAlternatePhone, core.KindPhone), "b", core.ChannelSMS, true},
		{"app beats phone", ms(core.KindPhone, core.KindAuthenticatorApp), "b", core.ChannelApp, true},
		{"key beats app", ms(core.KindAuthenticatorApp, core.KindSecurityKey, core.KindPhone), "b", core.ChannelKey, true},
		{"first of two apps", ms(core.KindAuthenticatorApp, core.KindAuthenticatorApp), "a", core.ChannelApp, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := core.StrongestChoice(tt.methods)
			if ok != tt.wantOK || c.MethodID != tt.wantID || c.Channel != tt.wantChannel {
				t.Fatalf("StrongestChoice = %+v, %v; want %s/%s, %v", c, ok, tt.wantID, tt.wantChannel, tt.wantOK)
			}
		})
	}
}

func TestDefaultChoicesLabels(t *testing.T) {
	got := core.DefaultChoices(ms(core.KindPhone, core.KindAuthenticatorApp, core.KindOfficePhone, core.KindEmail))
	want := []string{
		"Authenticator app or hardware token - code",
		"Phone - text (+1 425-555-0112)",
		"Phone - call (+1 425-555-0112)",
		"Office phone - call (+49 30 901820 ext. 123)",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d choices %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Label != want[i] {
			t.Errorf("choice %d = %q, want %q", i, got[i].Label, want[i])
		}
	}
}

func TestDefaultAfterAdd(t *testing.T) {
	phone := ms(core.KindPhone)[0]
	email := ms(core.KindEmail)[0]
	tests := []struct {
		name    string
		current *core.DefaultChoice
		added   *core.Method
		wantID  string
		wantOK  bool
	}{
		{"first sign-in method becomes default", nil, phone, "a", true},
		{"reset-only method does not", nil, email, "", false},
		{"existing default stays", &core.DefaultChoice{MethodID: "z", Channel: core.ChannelApp}, phone, "z", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := core.DefaultAfterAdd(tt.current, tt.added)
			if ok != tt.wantOK || c.MethodID != tt.wantID {
				t.Fatalf("DefaultAfterAdd = %+v, %v; want %q, %v", c, ok, tt.wantID, tt.wantOK)
			}
		})
	}
}

func TestFindChoice(t *testing.T) {
	methods := ms(core.KindPhone, core.KindEmail, core.KindAlternatePhone)
	tests := []struct {
		name     string
		id       string
		channel  core.Channel
		wantCode string
		want     core.Channel
	}{
		{"phone by text", "a", core.ChannelSMS, "", core.ChannelSMS},
		{"phone by call", "a", core.ChannelVoice, "", core.ChannelVoice},
		{"phone own channel", "a", "", "", core.ChannelSMS},
		{"email cannot be default", "b", "", core.ECONFLICT, ""},
		{"alternate phone cannot text", "c", core.ChannelSMS, core.ECONFLICT, ""},
		{"unknown method", "zz", "", core.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := core.FindChoice(methods, tt.id, tt.channel)
			if core.ErrorCode(err) != tt.wantCode {
				t.Fatalf("err = %v, want code %q", err, tt.wantCode)
			}
			if err == nil && c.Channel != tt.want {
				t.Fatalf("channel = %q, want %q", c.Channel, tt.want)
			}
		})
	}
}

func TestPreviewDelete(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	p := core.DefaultPolicy()
	p2 := core.DefaultPolicy()
	p2.MethodsRequiredForReset = 2
	def := func(id string, c core.Channel) *core.DefaultChoice {
		return &core.DefaultChoice{MethodID: id, Channel: c}
	}
	tests := []struct {
		name          string
		methods       []*core.Method
		cur           *core.DefaultChoice
		del           string
		policy        *core.Policy
		wantNewID     string // "" none
		wasDefault    bool
		signIn, reset bool
		scheduled     bool
		wantCode      string
	}{
		{"default moves to strongest", ms(core.KindPhone, core.KindOfficePhone, core.KindAuthenticatorApp), def("c", core.ChannelApp), "c", p, "a", true, true, true, false, ""},
		{"non-default keeps default", ms(core.KindPhone, core.KindEmail), def("a", core.ChannelSMS), "b", p, "a", false, true, true, false, ""},
		{"no sign-in left", ms(core.KindPhone, core.KindEmail), def("a", core.ChannelSMS), "a", p, "", true, false, true, false, ""},
		{"reset not met with 2 required", ms(core.KindPhone, core.KindEmail), def("a", core.ChannelSMS), "b", p2, "a", false, true, false, false, ""},
		{"last info is scheduled", ms(core.KindEmail), nil, "a", p, "", false, false, false, true, ""},
		{"last info beside a pass is scheduled", ms(core.KindPhone, core.KindTemporaryAccessPass), def("a", core.ChannelSMS), "a", p, "", true, false, false, true, ""},
		{"unknown method", ms(core.KindEmail), nil, "x", p, "", false, false, false, false, core.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pv, err := core.PreviewDelete(tt.methods, tt.cur, tt.del, tt.policy, now)
			if core.ErrorCode(err) != tt.wantCode {
				t.Fatalf("err = %v, want %q", err, tt.wantCode)
			}
			if err != nil {
				return
			}
			gotNew := ""
			if pv.NewDefault != nil {
				gotNew = pv.NewDefault.MethodID
			}
			if gotNew != tt.wantNewID || pv.WasDefault != tt.wasDefault || pv.Requirements.SignInMet != tt.signIn ||
				pv.Requirements.ResetMet != tt.reset || pv.Scheduled != tt.scheduled {
				t.Fatalf("preview = new %q wasDefault %v signIn %v reset %v scheduled %v; want %q %v %v %v %v",
					gotNew, pv.WasDefault, pv.Requirements.SignInMet, pv.Requirements.ResetMet, pv.Scheduled,
					tt.wantNewID, tt.wasDefault, tt.signIn, tt.reset, tt.scheduled)
			}
			if tt.scheduled && !pv.EffectiveAt.Equal(now.Add(30*24*time.Hour)) {
				t.Fatalf("effective %v, want 30 days after %v", pv.EffectiveAt, now)
			}
		})
	}
}

func TestCanAddAndAvailableKinds(t *testing.T) {
	p := core.DefaultPolicy()
	five := ms(core.KindAuthenticatorApp, core.KindAuthenticatorApp, core.KindAuthenticatorApp, core.KindAuthenticatorApp, core.KindAuthenticatorApp)
	tests := []struct {
		name     string
		methods  []*core.Method
		kind     core.MethodKind
		wantCode string
	}{
		{"first phone", nil, core.KindPhone, ""},
		{"second phone", ms(core.KindPhone), core.KindPhone, core.ECONFLICT},
		{"fifth app", five[:4], core.KindAuthenticatorApp, ""},
		{"sixth app", five, core.KindAuthenticatorApp, core.ECONFLICT},
		{"disabled kind", nil, core.KindSecurityKey, core.EFORBIDDEN},
		{"unknown kind", nil, core.MethodKind("pigeon"), core.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := core.CanAdd(tt.methods, tt.kind, p); core.ErrorCode(err) != tt.wantCode {
				t.Fatalf("CanAdd = %v, want code %q", err, tt.wantCode)
			}
		})
	}
	got := core.AvailableKinds(ms(core.KindPhone, core.KindEmail), p)
	want := []core.MethodKind{core.KindAuthenticatorApp, core.KindAlternatePhone, core.KindOfficePhone, core.KindSecurityQuestions, core.KindRecoveryCodes}
	if len(got) != len(want) {
		t.Fatalf("AvailableKinds = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("AvailableKinds = %v, want %v", got, want)
		}
	}
}

func TestMasking(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+442079460958", "+XX XXXXXXXX58"},
		{"+14255550112", "+X XXXXXXXX12"},
		{"+4930901820", "+XX XXXXXX20"},
	}
	for _, tt := range tests {
		if got := core.MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	emails := []struct{ in, want string }{
		{"alain@gmail.com", "al*****@gmail.com"},
		{"j@x.org", "j*****@x.org"},
		{"éric@exemple.fr", "ér*****@exemple.fr"},
	}
	for _, tt := range emails {
		if got := core.MaskEmail(tt.in); got != tt.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
