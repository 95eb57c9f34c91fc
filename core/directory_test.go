package core_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/securityinfo/securityinfo/assets"
	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/directory"
	"github.com/securityinfo/securityinfo/core/directory/ldaptest"
)

// dirFixture is a fixture whose service takes its people from a real
// OpenLDAP tree (scripts/with-ldap).
type dirFixture struct {
	*fixture
	tree *ldaptest.Tree
	dir  *directory.Directory
}

func newDirectoryFixture(t testing.TB) *dirFixture {
	t.Helper()
	f := newFixture(t)
	tree := ldaptest.New(t)
	d, err := directory.New(tree.Config())
	if err != nil {
		t.Fatal(err)
	}
	df := &dirFixture{fixture: f, tree: tree, dir: d}
	f.svc = df.serviceOn(d)
	return df
}

// serviceOn is the fixture's service with a directory.
func (f *dirFixture) serviceOn(d core.Directory) *core.Local {
	log := slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return core.NewLocal(f.store, f.keys, core.Options{Sender: core.SenderFunc(func(ctx context.Context, m core.Message) error {
		return f.outbox.Send(ctx, m)
	}), Texts: assets.Default, Log: log, Now: f.clock.Now, Rand: rand.Reader, Background: func(fn func()) { fn() }, Directory: d})
}

// person adds a directory person uid with mail uid@contoso.test.
func (f *dirFixture) person(t testing.TB, uid, password string, more map[string][]string) string {
	t.Helper()
	return f.tree.Person(t, uid, uid+"@contoso.test", strings.ToUpper(uid[:1])+uid[1:]+" Example", password, more)
}

// TestDirectorySignIn: a person defined only in the directory signs in
// with the directory's password and is added at once, with the role of
// their groups; a wrong password, a disabled person, one outside the
// filter and a made-up name all get the same answer.
func TestDirectorySignIn(t *testing.T) {
	f := newDirectoryFixture(t)
	ctx := context.Background()
	f.person(t, "dora", "Dora-pass-1", map[string][]string{"mobile": {"+44 20 7946 0958"}})
	boss := f.person(t, "boss", "Boss-pass-1", nil)
	f.tree.Join(t, f.tree.AdminGroup, boss)
	locked := f.person(t, "lena", "Lena-pass-1", nil)
	f.tree.Modify(t, locked, func(r *ldap.ModifyRequest) { r.Replace("pwdAccountLockedTime", []string{"000001010000Z"}) })
	f.tree.Add(t, "cn=kiosk,"+f.tree.People, map[string][]string{"objectClass": {"device", "simpleSecurityObject"}, "cn": {"kiosk"}, "userPassword": {"Kiosk-pass-1"}})

	if need, err := f.svc.NeedsFirstAccount(ctx); err != nil || need {
		t.Fatalf("NeedsFirstAccount with a directory = %v, %v", need, err)
	}
	step, err := f.svc.SignIn(ctx, "Dora@contoso.test", "Dora-pass-1")
	if err != nil || step.Session == nil || step.Account.Name != "dora@contoso.test" || step.Account.Role != core.RoleUser ||
		step.Account.DisplayName != "Dora Example" {
		t.Fatalf("first sign-in = %+v, %v", step, err)
	}
	dora := step.Account
	as := core.WithActor(ctx, core.SessionActor(step.Session, dora, "desktop"))
	info, err := f.svc.SecurityInfo(as, dora.ID)
	if err != nil || info.Directory == nil || info.Directory.Mobile != "+44 20 7946 0958" || !info.OrganizationPassword {
		t.Fatalf("the directory's phones on the page: %+v, %v", info, err)
	}

	// The administrator's role comes from the group, and two steps are
	// still needed for admin powers.
	step, err = f.svc.SignIn(ctx, "boss@contoso.test", "Boss-pass-1")
	if err != nil || step.Account.Role != core.RoleAdmin {
		t.Fatalf("admin sign-in = %+v, %v", step, err)
	}
	bossAs := core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "desktop"))
	if _, err := f.svc.Accounts(bossAs); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("an admin with one step lists accounts: %v", err)
	}

	wrong := func(name, pw string) {
		t.Helper()
		step, err := f.svc.SignIn(ctx, name, pw)
		if step != nil || core.ErrorKey(err) != "signin.wrong" || core.ErrorMessage(err) != "Your account name or password is incorrect." {
			t.Fatalf("SignIn(%s) = %+v, %v; want the words of a wrong password", name, step, err)
		}
	}
	wrong("dora@contoso.test", "dora-pass-1")
	wrong("lena@contoso.test", "Lena-pass-1") // disabled in the directory
	wrong("kiosk", "Kiosk-pass-1")            // outside the filter
	wrong("nobody@contoso.test", "Dora-pass-1")
	wrong("dora@contoso.test", "")
	// The local account made before the directory signs in no more with
	// its own password: the directory decides.
	wrong("alice@contoso.com", alicePassword)
	if strings.Contains(f.log.String(), "Dora-pass-1") {
		t.Fatal("a directory password is in the log")
	}
}

// TestDirectoryLockout: wrong directory passwords count toward the same
// lockout; a directory that cannot be reached says so, counts nothing,
// and never lets a local password in.
func TestDirectoryLockout(t *testing.T) {
	f := newDirectoryFixture(t)
	ctx := context.Background()
	f.person(t, "olga", "Olga-pass-1", nil)
	c := f.tree.Config()
	c.URL = "ldap://127.0.0.1:1"
	gone, err := directory.New(c)
	if err != nil {
		t.Fatal(err)
	}
	down := f.serviceOn(gone)
	for range 12 {
		if _, err := down.SignIn(ctx, "olga@contoso.test", "Olga-pass-1"); core.ErrorKey(err) != "directory.unreachable" || core.ErrorCode(err) != core.EUNAVAILABLE {
			t.Fatalf("unreachable: %v", err)
		}
	}
	if _, err := down.SignIn(ctx, "alice@contoso.com", alicePassword); core.ErrorKey(err) != "directory.unreachable" {
		t.Fatalf("a local password while the directory is down: %v", err)
	}
	if _, err := f.svc.SignIn(ctx, "olga@contoso.test", "Olga-pass-1"); err != nil {
		t.Fatalf("an outage locked the person out: %v", err)
	}
	for range 10 {
		f.svc.SignIn(ctx, "olga@contoso.test", "wrong-pass")
	}
	if _, err := f.svc.SignIn(ctx, "olga@contoso.test", "Olga-pass-1"); core.ErrorCode(err) != core.ELOCKED {
		t.Fatalf("after 10 wrong directory passwords: %v", err)
	}
}

// TestDirectoryResetAndChange: the whole flow of the issue on OpenLDAP: a
// directory person signs in, has a method, resets the password
// self-service, and the directory then takes the new password; a refusal
// changes nothing; the help desk's temporary password is marked "must
// change" in the directory too, and the person's own change clears it.
func TestDirectoryResetAndChange(t *testing.T) {
	f := newDirectoryFixture(t)
	ctx := context.Background()
	dn := f.person(t, "uma", "Uma-pass-1", nil)
	step, err := f.svc.SignIn(ctx, "uma@contoso.test", "Uma-pass-1")
	if err != nil {
		t.Fatal(err)
	}
	uma := step.Account
	// She registers a phone through her own session, as in the window.
	umaFirst := core.WithActor(ctx, core.SessionActor(step.Session, uma, "desktop"))
	pc, err := f.svc.BeginPhone(umaFirst, uma.ID, core.PhoneRequest{Kind: core.KindPhone, Number: "+442079460958"})
	if err != nil {
		t.Fatal(err)
	}
	phone, err := f.svc.Confirm(umaFirst, uma.ID, pc.VerificationID, f.lastCode(t))
	if err != nil {
		t.Fatalf("register a phone: %v", err)
	}
	f.clock.Advance(31 * time.Second)

	st, err := f.svc.StartReset(ctx, "uma@contoso.test")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := f.svc.ResetSendCode(ctx, st.ResetID, st.Options[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = f.svc.ResetVerify(ctx, st.ResetID, st.Options[0].ID, ch.VerificationID, f.lastCode(t)); err != nil || !st.Ready() {
		t.Fatalf("verify = %+v, %v", st, err)
	}
	// The directory's policy refuses: nothing changes, the reset goes on.
	if err := f.svc.ResetPassword(ctx, st.ResetID, "Ab1-"); core.ErrorKey(err) != "directory.passwordQuality" {
		t.Fatalf("a too short password: %v", err)
	}
	if !f.tree.Bind(t, dn, "Uma-pass-1") {
		t.Fatal("a refused reset changed the directory's password")
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "Uma-pass-2"); err != nil {
		t.Fatalf("reset: %v", err)
	}
	if !f.tree.Bind(t, dn, "Uma-pass-2") || f.tree.Bind(t, dn, "Uma-pass-1") {
		t.Fatal("the directory does not take the reset's password, or still takes the old one")
	}
	if _, err := f.signInWith(t, "uma@contoso.test", "Uma-pass-2"); err != nil {
		t.Fatalf("sign in with the reset password: %v", err)
	}

	// The help desk's reset.
	agentDN := f.person(t, "hd", "Hd-pass-1", nil)
	f.tree.Join(t, f.tree.HelpdeskGroup, agentDN)
	step, err = f.svc.SignIn(ctx, "hd@contoso.test", "Hd-pass-1")
	if err != nil || step.Account.Role != core.RoleHelpdesk {
		t.Fatalf("agent: %+v, %v", step, err)
	}
	agent := step.Account
	f.add(t, agent, phoneOf("agentphone", "+442079460001"))
	agentAs := f.sessionWith(t, "hd@contoso.test", "Hd-pass-1")
	ic, err := f.svc.BeginIdentityCheck(agentAs, uma.ID, phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FinishIdentityCheck(agentAs, uma.ID, ic.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	tmp, err := f.svc.ResetPasswordForPerson(agentAs, uma.ID, "INC-21 forgot password")
	if err != nil || !tmp.MustChange {
		t.Fatalf("desk reset: %+v, %v", tmp, err)
	}
	if !f.tree.Bind(t, dn, tmp.Password) || f.tree.Attribute(t, dn, "pwdReset") != "TRUE" {
		t.Fatal("the temporary password or its must-change did not reach the directory")
	}
	if strings.Contains(f.log.String(), tmp.Password) {
		t.Fatal("the temporary password is in the log")
	}
	step, err = f.signInWith(t, "uma@contoso.test", tmp.Password)
	if err != nil || !step.Account.PasswordMustChange {
		t.Fatalf("sign-in with the temporary password: %+v, %v", step, err)
	}
	umaAs := core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "desktop"))
	if err := f.svc.ChangePassword(umaAs, uma.ID, "not it", "Uma-pass-5"); core.ErrorCode(err) != core.EWRONGCODE {
		t.Fatalf("change with a wrong current password: %v", err)
	}
	if err := f.svc.ChangePassword(umaAs, uma.ID, tmp.Password, "Uma-pass-2"); core.ErrorKey(err) != "directory.passwordHistory" {
		t.Fatalf("change to a recent password: %v", err)
	}
	if err := f.svc.ChangePassword(umaAs, uma.ID, tmp.Password, "Uma-pass-5"); err != nil {
		t.Fatalf("change: %v", err)
	}
	if !f.tree.Bind(t, dn, "Uma-pass-5") || f.tree.Attribute(t, dn, "pwdReset") != "" {
		t.Fatal("the person's change did not reach the directory, or left must-change")
	}
}

// sessionWith signs in with a password and the first option's code.
func (f *dirFixture) sessionWith(t *testing.T, name, password string) context.Context {
	t.Helper()
	step, err := f.signInWith(t, name, password)
	if err != nil || step.Session == nil {
		t.Fatalf("sign in %s: %+v, %v", name, step, err)
	}
	return core.WithActor(context.Background(), core.SessionActor(step.Session, step.Account, "desktop"))
}

// TestDirectoryFirstAccountRefused: with a directory, administrators come
// from its group; no one creates a first account or a local one.
func TestDirectoryFirstAccountRefused(t *testing.T) {
	f := newDirectoryFixture(t)
	if _, err := f.svc.CreateFirstAccount(core.WithThisMachine(context.Background()), core.NewAccount{Name: "root@contoso.test", Password: "a long enough passphrase"}); core.ErrorKey(err) != "directory.firstAccount" {
		t.Fatalf("first account with a directory: %v", err)
	}
	if _, err := f.svc.CreateAccount(f.ctx, core.NewAccount{Name: "eve@contoso.test", Password: "a long enough passphrase"}); core.ErrorKey(err) != "directory.managed" {
		t.Fatalf("local account with a directory: %v", err)
	}
}

// TestDirectorySync: people are added and updated; a person who leaves
// the directory (or is disabled there) loses every access, audited; a dry
// run changes nothing.
func TestDirectorySync(t *testing.T) {
	f := newDirectoryFixture(t)
	ctx := context.Background()
	f.person(t, "ann", "Ann-pass-1", nil)
	ben := f.person(t, "ben", "Ben-pass-1", nil)
	cat := f.person(t, "cat", "Cat-pass-1", nil)

	dry, err := f.svc.SyncDirectory(f.ctx, true, nil)
	if err != nil || dry.Added != 3 || dry.Listed != 3 {
		t.Fatalf("dry run = %+v, %v", dry, err)
	}
	if _, err := f.svc.AccountByName(f.ctx, "ann@contoso.test"); core.ErrorCode(err) != core.ENOTFOUND {
		t.Fatalf("a dry run added: %v", err)
	}
	r, err := f.svc.SyncDirectory(f.ctx, false, nil)
	// alice, made before the directory, has no session: nothing to end.
	if err != nil || r.Added != 3 || r.Disabled != 0 {
		t.Fatalf("first sync = %+v, %v", r, err)
	}
	r, err = f.svc.SyncDirectory(f.ctx, false, nil)
	if err != nil || r.Added != 0 || r.Updated != 0 || r.Unchanged != 3 {
		t.Fatalf("second sync = %+v, %v", r, err)
	}

	// Ben becomes help desk; Cat leaves while signed in and holding a
	// pass; Ann is disabled in the directory.
	f.tree.Join(t, f.tree.HelpdeskGroup, ben)
	step, err := f.svc.SignIn(ctx, "cat@contoso.test", "Cat-pass-1")
	if err != nil {
		t.Fatal(err)
	}
	catAs := core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "desktop"))
	f.tree.Delete(t, cat)
	r, err = f.svc.SyncDirectory(f.ctx, false, nil)
	if err != nil || r.Updated != 1 || r.Disabled != 1 {
		t.Fatalf("sync after changes = %+v, %v", r, err)
	}
	if b, _ := f.svc.AccountByName(f.ctx, "ben@contoso.test"); b.Role != core.RoleHelpdesk {
		t.Fatalf("ben's role = %s", b.Role)
	}
	if _, err := f.svc.SecurityInfo(catAs, step.Account.ID); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("cat's session after she left: %v", err)
	}
	if _, err := f.svc.SignIn(ctx, "cat@contoso.test", "Cat-pass-1"); core.ErrorKey(err) != "signin.wrong" {
		t.Fatalf("cat signs in after she left: %v", err)
	}
	events, err := f.svc.AuditLog(f.ctx, core.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range events {
		found = found || e.Action == core.ActionDirectoryDisabled && e.AccountName == "cat@contoso.test"
	}
	if !found {
		t.Fatal("the end of cat's access is not audited")
	}
	// Nothing more to end: not audited again.
	if r, err = f.svc.SyncDirectory(f.ctx, false, nil); err != nil || r.Disabled != 0 {
		t.Fatalf("third sync = %+v, %v", r, err)
	}
}

// TestDirectoryActiveDirectory: the flow of the issue on Samba's AD: a
// person of the domain signs in, resets the password self-service (a
// unicodePwd replace over LDAPS), the domain takes the new one; the help
// desk's temporary password sets pwdLastSet=0 and the person's change
// clears it.
func TestDirectoryActiveDirectory(t *testing.T) {
	f := newFixture(t)
	ad := ldaptest.NewAD(t)
	d, err := directory.New(ad.Config())
	if err != nil {
		t.Fatal(err)
	}
	df := &dirFixture{fixture: f, dir: d}
	f.svc = df.serviceOn(d)
	ctx := context.Background()
	dn := ad.Person(t, "vic", "Vic Example", "Vic-pass-1x", nil)
	agentDN := ad.Person(t, "hd", "Hd Example", "Hd-pass-1x", nil)
	ad.Join(t, ad.HelpdeskGroup, agentDN)

	step, err := f.svc.SignIn(ctx, "vic@contoso.test", "Vic-pass-1x")
	if err != nil || step.Account.DisplayName != "Vic Example" {
		t.Fatalf("sign-in: %+v, %v", step, err)
	}
	vic := step.Account
	f.add(t, vic, phoneOf("vicphone", "+442079460958"))
	st, err := f.svc.StartReset(ctx, "vic@contoso.test")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := f.svc.ResetSendCode(ctx, st.ResetID, st.Options[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if st, err = f.svc.ResetVerify(ctx, st.ResetID, st.Options[0].ID, ch.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "simple"); core.ErrorKey(err) != "directory.passwordQuality" {
		t.Fatalf("a simple password: %v", err)
	}
	if err := f.svc.ResetPassword(ctx, st.ResetID, "Vic-pass-2x"); err != nil {
		t.Fatalf("reset: %v", err)
	}
	if !ad.Bind(t, dn, "Vic-pass-2x") || ad.Bind(t, dn, "Vic-pass-1x") {
		t.Fatal("the domain does not take the reset's password, or still takes the old one")
	}

	step, err = f.svc.SignIn(ctx, "hd@contoso.test", "Hd-pass-1x")
	if err != nil || step.Account.Role != core.RoleHelpdesk {
		t.Fatalf("agent: %+v, %v", step, err)
	}
	f.add(t, step.Account, phoneOf("hdphone", "+442079460001"))
	agentAs := df.sessionWith(t, "hd@contoso.test", "Hd-pass-1x")
	ic, err := f.svc.BeginIdentityCheck(agentAs, vic.ID, "vicphone")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FinishIdentityCheck(agentAs, vic.ID, ic.VerificationID, f.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	tmp, err := f.svc.ResetPasswordForPerson(agentAs, vic.ID, "INC-21")
	if err != nil {
		t.Fatalf("desk reset: %v", err)
	}
	if got := ad.Attribute(t, dn, "pwdLastSet"); got != "0" {
		t.Fatalf("pwdLastSet after the desk's reset = %q", got)
	}
	step, err = f.signInWith(t, "vic@contoso.test", tmp.Password)
	if err != nil || !step.Account.PasswordMustChange {
		t.Fatalf("sign-in with the temporary password: %+v, %v", step, err)
	}
	vicAs := core.WithActor(ctx, core.SessionActor(step.Session, step.Account, "desktop"))
	if err := f.svc.ChangePassword(vicAs, vic.ID, tmp.Password, "Vic-pass-3x"); err != nil {
		t.Fatalf("change: %v", err)
	}
	if !ad.Bind(t, dn, "Vic-pass-3x") || ad.Attribute(t, dn, "pwdLastSet") == "0" {
		t.Fatal("the change did not reach the domain, or left must change")
	}
}
