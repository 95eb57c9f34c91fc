package ui

import "testing"

// viaServer makes the harness's window use the service through the
// central service's API and the remote client (set only by
// TestWindowThroughTheServer, which runs its tests one after another).
var viaServer bool

// TestWindowThroughTheServer runs the window's flows again with the window
// talking to the service over HTTP through core/remote, as it does with
// --server, and the service on PostgreSQL: the same screens and answers
// both ways.
func TestWindowThroughTheServer(t *testing.T) {
	viaServer = true
	t.Cleanup(func() { viaServer = false })
	for name, test := range map[string]func(*testing.T){
		"FirstAccountOnEmptyStore":             TestFirstAccountOnEmptyStore,
		"SignInTwoStepAndAnotherWay":           TestSignInTwoStepAndAnotherWay,
		"SignInLockedMessage":                  TestSignInLockedMessage,
		"SessionEndsAfterAnHourIdle":           TestSessionEndsAfterAnHourIdle,
		"ForgotPassword":                       TestForgotPassword,
		"ForgotPasswordUnknownAccount":         TestForgotPasswordUnknownAccount,
		"SecurityInfoPageEmptyAndWithMethods":  TestSecurityInfoPageEmptyAndWithMethods,
		"PhoneWizard":                          TestPhoneWizard,
		"OfficePhoneByCall":                    TestOfficePhoneByCall,
		"WrongCodeTriesAndResendCountdown":     TestWrongCodeTriesAndResendCountdown,
		"EmailWizard":                          TestEmailWizard,
		"AuthenticatorWizard":                  TestAuthenticatorWizard,
		"QuestionsWizard":                      TestQuestionsWizard,
		"DeleteWithConfirmation":               TestDeleteWithConfirmation,
		"ChangeDefault":                        TestChangeDefault,
		"KeyboardOnlyPhone":                    TestKeyboardOnlyPhone,
		"GermanWindow":                         TestGermanWindow,
		"RecentActivityAndOverview":            TestRecentActivityAndOverview,
		"KeepYourAccountSecure":                TestKeepYourAccountSecure,
		"VerifyYourSecurityInfo":               TestVerifyYourSecurityInfo,
		"KeptSessionResumes":                   TestKeptSessionResumes,
		"DevicesPage":                          TestDevicesPage,
		"HelpdeskPage":                         TestHelpdeskPage,
		"HelpdeskPageResetsThePassword":        TestHelpdeskPageResetsThePassword,
		"HelpdeskPageReregistersAndDeletes":    TestHelpdeskPageReregistersAndDeletes,
		"HelpdeskPageApprovals":                TestHelpdeskPageApprovals,
		"WalkUpRegistration":                   TestWalkUpRegistration,
		"SignInWithAPass":                      TestSignInWithAPass,
		"AddASecurityKey":                      TestAddASecurityKey,
		"SignInWithASecurityKey":               TestSignInWithASecurityKey,
		"ResetWithASecurityKey":                TestResetWithASecurityKey,
		"AttackLateKeyAnswerDoesNotMoveAReset": TestAttackLateKeyAnswerDoesNotMoveAReset,
		"AccountPicker":                        TestAccountPicker,
		"CodeScreenRecoveryPaths":              TestCodeScreenRecoveryPaths,
		"ChangeAPhone":                         TestChangeAPhone,
		"OutboxShowsOnlyOwnMessages":           TestOutboxShowsOnlyOwnMessages,
		"OwnAccessPass":                        TestOwnAccessPass,
		"OwnAccessPassAlreadyGone":             TestOwnAccessPassAlreadyGone,
		"HelpdeskSummaryShowsThePass":          TestHelpdeskSummaryShowsThePass,
	} {
		t.Run(name, test)
	}
}
