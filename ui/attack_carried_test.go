package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// TestAttackTypedPasswordStaysWithItsSignIn: the password typed on the
// sign-in screen is carried to the must-change screen of that sign-in
// only. A person who types theirs, gets the second step and goes another
// way (the pass sign-in, then back to the account picker) leaves it
// behind; another person who then picks their own kept session, whose
// password must change, must be asked for their current password, not
// be handed the first person's in a hidden field (sent as their current
// password, counted as a wrong one toward their lockout).
func TestAttackTypedPasswordStaysWithItsSignIn(t *testing.T) {
	h := newHarness(t, "en")
	h.sessions = &keptTokens{m: map[string]string{}}
	h.withAccount()
	uma := deskOn(h)
	h.verifyUma()
	h.tap("Reset password")
	h.tap("Yes")
	tmp := h.shownPass()
	h.tap("Done")
	h.u.signOut("")
	h.advance(time.Minute)
	h.toForm()
	h.entry("Account name, for example alice@contoso.com").SetText(uma.Name)
	test.Type(h.entry("Password"), tmp)
	h.tap("Sign in")
	h.shows("The help desk set a temporary password for you. Choose your own password before you go on.")
	// Uma leaves her session kept, her password still to change.
	h.u.switchAccount()

	// The agent types theirs, gets the second step and goes another way.
	h.toForm()
	h.entry("Account name, for example alice@contoso.com").SetText("hd@contoso.com")
	test.Type(h.entry("Password"), alicePassword)
	h.tap("Sign in")
	h.tap("Sign in another way")
	h.tap("I don't have any of these")
	h.tap("Use a Temporary Access Pass")
	h.tap("Choose another of your accounts")

	// Uma picks her kept session.
	h.tap("Uma Thurman (uma@contoso.com)")
	h.shows("enter the temporary one as the current password")
	var pw []*field
	for _, o := range h.objects() {
		if f, ok := o.(*field); ok && f.Password && visible(f) {
			if f.Text != "" {
				h.fatalf("a password field holds %q", f.Text)
			}
			pw = append(pw, f)
		}
	}
	if len(pw) != 3 {
		h.fatalf("%d password fields shown, want the current one, the new one and its confirmation", len(pw))
	}
}
