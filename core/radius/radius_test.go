package radius_test

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"layeh.com/radius"
	"layeh.com/radius/rfc2865"

	"github.com/securityinfo/securityinfo/core"
	sradius "github.com/securityinfo/securityinfo/core/radius"
)

const wait = 10 * time.Second // for an answer that must come
const silence = time.Second   // for one that must not

// TestRadiusChallengeWithApp: the password, then an Access-Challenge for
// the app's code, then the code with the State: accepted, with the
// person's role; audited with the client's name, NAS-IP-Address and
// Calling-Station-Id. The same State again is refused.
func TestRadiusChallengeWithApp(t *testing.T) {
	r := newRig(t)
	alice := r.person("alice@contoso.com", core.RoleAdmin)
	app := r.app(alice)
	addr := r.serve(r.svc, vpn(false))

	res := exchange(t, addr, request{name: "alice@contoso.com", password: password}, wait)
	if codeOf(res) != radius.CodeAccessChallenge {
		t.Fatalf("password: %v, want Access-Challenge", codeOf(res))
	}
	if msg := rfc2865.ReplyMessage_GetString(res); msg != "Enter the code from your authenticator app" {
		t.Errorf("Reply-Message = %q", msg)
	}
	state := rfc2865.State_Get(res)
	res = exchange(t, addr, request{name: "alice@contoso.com", password: r.code(app), state: state}, wait)
	if codeOf(res) != radius.CodeAccessAccept {
		t.Fatalf("code: %v, want Access-Accept", codeOf(res))
	}
	if c := string(rfc2865.Class_Get(res)); c != "role=admin" {
		t.Errorf("Class = %q", c)
	}
	if f := rfc2865.FilterID_GetString(res); f != "vpn-admins" {
		t.Errorf("Filter-Id = %q", f)
	}
	accepted := r.events(core.ActionVerifyAccepted)
	if len(accepted) != 1 || accepted[0].ActorName != "vpn" || accepted[0].Source != "radius" || accepted[0].AccountName != "alice@contoso.com" ||
		!strings.Contains(accepted[0].Detail, "NAS 10.1.2.3") || !strings.Contains(accepted[0].Detail, "station 203.0.113.9") {
		t.Errorf("accepted events: %+v", accepted)
	}
	// A replayed State (a new packet, the same code) is refused.
	res = exchange(t, addr, request{name: "alice@contoso.com", password: r.code(app), state: state}, wait)
	if codeOf(res) != radius.CodeAccessReject {
		t.Fatalf("replayed State: %v, want Access-Reject", codeOf(res))
	}
	if len(res.Attributes.Get(rfc2865.ReplyMessage_Type)) != 0 {
		t.Errorf("the reject says why: %q", rfc2865.ReplyMessage_GetString(res))
	}
	rejected := r.events(core.ActionVerifyRejected)
	if len(rejected) != 1 || rejected[0].AccountName != "alice@contoso.com" || rejected[0].ActorName != "vpn" || !strings.Contains(rejected[0].Reason, "Start again") {
		t.Errorf("the replayed State is not audited: %+v", rejected)
	}
}

// TestRadiusTextedCode: a person whose default is a phone is texted a
// code, and the challenge says where, masked.
func TestRadiusTextedCode(t *testing.T) {
	r := newRig(t)
	bob := r.person("bob@contoso.com", core.RoleUser)
	r.phone(bob, "+442079460958")
	addr := r.serve(r.svc, vpn(false))
	res := exchange(t, addr, request{name: "bob@contoso.com", password: password}, wait)
	if codeOf(res) != radius.CodeAccessChallenge {
		t.Fatalf("password: %v, want Access-Challenge", codeOf(res))
	}
	if msg := rfc2865.ReplyMessage_GetString(res); msg != "We texted a code to +XX XXXXXXXX58" {
		t.Errorf("Reply-Message = %q", msg)
	}
	state := rfc2865.State_Get(res)
	// A wrong code is refused; the right one then accepted (5 tries a code).
	if res := exchange(t, addr, request{name: "bob@contoso.com", password: "000000", state: state}, wait); codeOf(res) != radius.CodeAccessReject {
		t.Fatalf("wrong code: %v", codeOf(res))
	}
	res = exchange(t, addr, request{name: "bob@contoso.com", password: r.lastCode(), state: state}, wait)
	if codeOf(res) != radius.CodeAccessAccept {
		t.Fatalf("texted code: %v, want Access-Accept", codeOf(res))
	}
	if len(res.Attributes.Get(rfc2865.FilterID_Type)) != 0 {
		t.Errorf("a user got the admins' Filter-Id: %q %q", rfc2865.FilterID_GetString(res), rfc2865.Class_Get(res))
	}
	if got := len(r.events(core.ActionVerifyCodeSent)); got != 1 {
		t.Errorf("%d code-sent events", got)
	}
}

// TestRadiusAppendedCode: for a client that cannot show a challenge, the
// app's code after the password; a wrong or replayed code is refused.
func TestRadiusAppendedCode(t *testing.T) {
	r := newRig(t)
	alice := r.person("alice@contoso.com", core.RoleUser)
	app := r.app(alice)
	addr := r.serve(r.svc, vpn(true))
	code := r.code(app)
	if res := exchange(t, addr, request{name: "alice@contoso.com", password: password + code}, wait); codeOf(res) != radius.CodeAccessAccept {
		t.Fatalf("password and code: %v, want Access-Accept", codeOf(res))
	}
	if res := exchange(t, addr, request{name: "alice@contoso.com", password: password + code}, wait); codeOf(res) != radius.CodeAccessReject {
		t.Fatalf("the same code again: %v, want Access-Reject", codeOf(res))
	}
	wrong := []byte(r.code(app))
	wrong[0] = '0' + (wrong[0]-'0'+1)%10
	if res := exchange(t, addr, request{name: "alice@contoso.com", password: password + string(wrong)}, wait); codeOf(res) != radius.CodeAccessReject {
		t.Fatalf("a wrong code: %v, want Access-Reject", codeOf(res))
	}
	if res := exchange(t, addr, request{name: "alice@contoso.com", password: password}, wait); codeOf(res) != radius.CodeAccessReject {
		t.Fatalf("no code: %v, want Access-Reject", codeOf(res))
	}
	rejected := r.events(core.ActionVerifyRejected) // the replayed, the wrong and the missing code
	if len(rejected) != 3 {
		t.Fatalf("rejections audited: %+v", rejected)
	}
}

// TestRadiusRefusals: a wrong password, a made-up name, a person without
// a method and one with only a security key all get the same bare
// Access-Reject; the audit log says which it was.
func TestRadiusRefusals(t *testing.T) {
	r := newRig(t)
	alice := r.person("alice@contoso.com", core.RoleUser)
	r.app(alice)
	r.person("nomethod@contoso.com", core.RoleUser)
	r.key(r.person("keyonly@contoso.com", core.RoleUser))
	addr := r.serve(r.svc, vpn(false))
	for _, req := range []request{
		{name: "alice@contoso.com", password: "not the password"},
		{name: "nobody@contoso.com", password: password},
		{name: "nomethod@contoso.com", password: password},
		{name: "keyonly@contoso.com", password: password},
	} {
		res := exchange(t, addr, req, wait)
		if codeOf(res) != radius.CodeAccessReject || len(res.Attributes) != 1 { // the Message-Authenticator alone
			t.Errorf("%s: %v with %d attributes, want a bare Access-Reject", req.name, codeOf(res), len(res.Attributes))
		}
	}
	why := map[string]string{}
	for _, e := range r.events(core.ActionVerifyRejected) {
		why[e.AccountName] = e.Reason
	}
	if why["nomethod@contoso.com"] != "no sign-in method" || !strings.Contains(why["keyonly@contoso.com"], "security key") ||
		!strings.Contains(why["alice@contoso.com"], "incorrect") {
		t.Errorf("audited reasons: %q", why)
	}
}

// TestRadiusLockedPerson: after the policy's failed sign-ins the name is
// locked for RADIUS as for the window, even with the right password.
func TestRadiusLockedPerson(t *testing.T) {
	r := newRig(t)
	alice := r.person("alice@contoso.com", core.RoleUser)
	r.app(alice)
	addr := r.serve(r.svc, vpn(false))
	for range 10 {
		exchange(t, addr, request{name: "alice@contoso.com", password: "not the password"}, wait)
	}
	if res := exchange(t, addr, request{name: "alice@contoso.com", password: password}, wait); codeOf(res) != radius.CodeAccessReject {
		t.Fatalf("locked person: %v, want Access-Reject", codeOf(res))
	}
	if _, err := r.svc.SignIn(t.Context(), "alice@contoso.com", password); core.ErrorCode(err) != core.ELOCKED {
		t.Errorf("the window's sign-in is not locked: %v", err)
	}
	if len(r.events(core.ActionSignInLocked)) != 1 {
		t.Errorf("the lock is not audited")
	}
}

// TestRadiusDropsWhatItCannotTrust: an unknown address, a wrong shared
// secret and a request without Message-Authenticator get no answer at
// all, and decide nothing.
func TestRadiusDropsWhatItCannotTrust(t *testing.T) {
	r := newRig(t)
	alice := r.person("alice@contoso.com", core.RoleUser)
	app := r.app(alice)
	other := sradius.Client{Name: "wifi", Address: netip.MustParsePrefix("10.0.0.0/24"), Secret: []byte(secret)}
	elsewhere := r.serve(r.svc, other)
	here := r.serve(r.svc, vpn(true))
	for name, try := range map[string]struct {
		addr string
		req  request
	}{
		"unknown address":               {elsewhere, request{name: "alice@contoso.com", password: password + r.code(app)}},
		"wrong shared secret":           {here, request{name: "alice@contoso.com", password: password + r.code(app), secret: "a guessed shared secret"}},
		"missing Message-Authenticator": {here, request{name: "alice@contoso.com", password: password + r.code(app), unsigned: true}},
	} {
		if res := exchange(t, try.addr, try.req, silence); res != nil {
			t.Errorf("%s: answered %v", name, res.Code)
		}
	}
	if n := len(r.events(core.ActionVerifyStarted)) + len(r.events(core.ActionVerifyRejected)); n != 0 {
		t.Errorf("%d decisions audited for packets that should have been dropped", n)
	}
	if res := exchange(t, here, request{name: "alice@contoso.com", password: password + r.code(app)}, wait); codeOf(res) != radius.CodeAccessAccept {
		t.Fatalf("the code was used up by a dropped packet: %v", codeOf(res))
	}
}

// TestRadiusStateOfAnotherName: a State cannot be finished under another
// person's name.
func TestRadiusStateOfAnotherName(t *testing.T) {
	r := newRig(t)
	alice := r.person("alice@contoso.com", core.RoleUser)
	app := r.app(alice)
	r.app(r.person("mallory@contoso.com", core.RoleUser))
	addr := r.serve(r.svc, vpn(false))
	res := exchange(t, addr, request{name: "alice@contoso.com", password: password}, wait)
	state := rfc2865.State_Get(res)
	if res := exchange(t, addr, request{name: "mallory@contoso.com", password: r.code(app), state: state}, wait); codeOf(res) != radius.CodeAccessReject {
		t.Fatalf("alice's State under mallory's name: %v", codeOf(res))
	}
}

// TestRadiusRetransmission: a NAS that resends an Access-Request (the
// same packet, its answer lost) gets the same answer again, not a second
// decision: the code's retransmission must not turn an accept into a
// reject for a used State.
func TestRadiusRetransmission(t *testing.T) {
	r := newRig(t)
	alice := r.person("alice@contoso.com", core.RoleUser)
	app := r.app(alice)
	addr := r.serve(r.svc, vpn(false))
	res := exchange(t, addr, request{name: "alice@contoso.com", password: password}, wait)
	p := radius.New(radius.CodeAccessRequest, []byte(secret))
	rfc2865.UserName_SetString(p, "alice@contoso.com")
	rfc2865.UserPassword_SetString(p, r.code(app))
	rfc2865.State_Set(p, rfc2865.State_Get(res))
	if err := sradius.SignRequest(p); err != nil {
		t.Fatal(err)
	}
	raw, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var answers [][]byte
	for range 2 {
		if _, err := conn.Write(raw); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(wait))
		buf := make([]byte, 4096)
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, buf[:n])
	}
	if radius.Code(answers[0][0]) != radius.CodeAccessAccept || !bytes.Equal(answers[0], answers[1]) {
		t.Fatalf("answers %v and %v differ, or are not an accept", radius.Code(answers[0][0]), radius.Code(answers[1][0]))
	}
	if n := len(r.events(core.ActionVerifyAccepted)) + len(r.events(core.ActionVerifyRejected)); n != 1 {
		t.Errorf("%d decisions for one request sent twice", n)
	}
}

// TestRadiusStatusServer: a NAS's Status-Server (RFC 5997) with a
// Message-Authenticator is answered, signed; without one it is dropped.
func TestRadiusStatusServer(t *testing.T) {
	r := newRig(t)
	addr := r.serve(r.svc, vpn(false))
	for _, signed := range []bool{true, false} {
		p := radius.New(radius.CodeStatusServer, []byte(secret))
		if signed {
			if err := sradius.SignRequest(p); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), silence)
		res, err := (&radius.Client{Retry: 0}).Exchange(ctx, p, addr)
		cancel()
		switch {
		case signed && (err != nil || res.Code != radius.CodeAccessAccept):
			t.Fatalf("signed Status-Server: %v %v", res, err)
		case signed:
			raw, _ := res.MarshalBinary()
			if !sradius.CheckResponse(raw, p) {
				t.Error("the Status-Server answer is not signed")
			}
		case err == nil:
			t.Fatalf("unsigned Status-Server answered %v", res.Code)
		}
	}
}
