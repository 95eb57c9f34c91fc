package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/securityinfo/securityinfo/core"
)

// TestScreenshotsRecoveryCodes walks the recovery codes' states (issue
// 25): the codes shown once, the row with the warning at 2 left, "Get new
// codes" asking first, and "Use a recovery code" at sign-in.
func TestScreenshotsRecoveryCodes(t *testing.T) {
	s := newShooter(t, "en")
	h := s.h
	var alice *core.Account
	var set *core.RecoveryCodes
	s.do(func() {
		alice = h.withPhoneAndSession()
		h.addMethod("Recovery codes")
	})
	s.shot("recovery_codes")
	s.do(func() {
		h.tap("Done")
		for _, m := range h.methods(alice) {
			if m.Kind == core.KindRecoveryCodes {
				set = &core.RecoveryCodes{MethodID: m.ID}
			}
		}
		// Eight codes used elsewhere: the page warns.
		codes, err := h.svc.NewRecoveryCodes(h.as(alice), alice.ID)
		if err != nil {
			h.fatal(err)
		}
		h.useCodes(alice, set, codes.Codes[:8])
		set.Codes = codes.Codes
		h.u.reloadAll()
	})
	s.shot("page_recovery_codes")
	s.do(func() { h.tap("Get new codes") })
	s.shot("recovery_codes_new")
	s.do(func() {
		h.tap("Cancel")
		h.u.signOut("")
		h.pickFirst()
		test.Type(h.entry("Password"), alicePassword)
		h.tap("Sign in")
		h.tap("Sign in another way")
	})
	s.shot("signin_another_way_codes")
	s.do(func() { h.tap("Use a recovery code") })
	s.shot("signin_recovery_code")
	s.do(func() {
		h.tap("Sign in another way")
		h.tap("I don't have any of these")
	})
	s.shot("signin_no_methods_codes")
}
