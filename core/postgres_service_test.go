package core_test

import "testing"

// TestServiceOnPostgres runs the service's tests again with the fixture on
// a fresh PostgreSQL database per test (scripts/with-postgres gives make
// test one), so every rule holds on both stores. Left out: the tests that
// edit or reopen the SQLite file itself.
func TestServiceOnPostgres(t *testing.T) {
	onPostgres = true
	t.Cleanup(func() { onPostgres = false })
	for name, test := range map[string]func(*testing.T){
		"HelpdeskCannotTakeOverAnAdministrator":                TestHelpdeskCannotTakeOverAnAdministrator,
		"PasswordChangeEndsEveryOtherSession":                  TestPasswordChangeEndsEveryOtherSession,
		"EndedSessionCannotAct":                                TestEndedSessionCannotAct,
		"ParallelGuessesCannotPassTheLockout":                  TestParallelGuessesCannotPassTheLockout,
		"OthersCannotUseUpTheSignInCodes":                      TestOthersCannotUseUpTheSignInCodes,
		"CodesAreBoundToTheirFlow":                             TestCodesAreBoundToTheirFlow,
		"BearerIDsHaveAtLeast128Bits":                          TestBearerIDsHaveAtLeast128Bits,
		"TheFirstAccountIsTheCoresChoice":                      TestTheFirstAccountIsTheCoresChoice,
		"AProofRacingTheEndOfAResetCannotBringItBack":          TestAProofRacingTheEndOfAResetCannotBringItBack,
		"NamesCannotHideOrImitate":                             TestNamesCannotHideOrImitate,
		"SessionsCannotBeEndedAcrossAccounts":                  TestSessionsCannotBeEndedAcrossAccounts,
		"ResetWithOneMethod":                                   TestResetWithOneMethod,
		"ResetWithTwoMethods":                                  TestResetWithTwoMethods,
		"ResetUnknownAccountLooksTheSame":                      TestResetUnknownAccountLooksTheSame,
		"ResetWithQuestionsAndApp":                             TestResetWithQuestionsAndApp,
		"ResetWithTooFewMethods":                               TestResetWithTooFewMethods,
		"ResetAnswersBeforeDelivery":                           TestResetAnswersBeforeDelivery,
		"SignInWithoutMethodsGivesSession":                     TestSignInWithoutMethodsGivesSession,
		"TwoStepSignIn":                                        TestTwoStepSignIn,
		"SignInLockoutSameForUnknownAccount":                   TestSignInLockoutSameForUnknownAccount,
		"SecondFactorFailuresCountTowardLockout":               TestSecondFactorFailuresCountTowardLockout,
		"SessionExpiry":                                        TestSessionExpiry,
		"SignInWithEachPhoneKind":                              TestSignInWithEachPhoneKind,
		"AddPhoneEndToEnd":                                     TestAddPhoneEndToEnd,
		"AddEachCodeKind":                                      TestAddEachCodeKind,
		"WrongCodesTriesAndExpiry":                             TestWrongCodesTriesAndExpiry,
		"ResendWait":                                           TestResendWait,
		"SendLimits":                                           TestSendLimits,
		"LockoutAfterTenFailures":                              TestLockoutAfterTenFailures,
		"ConcurrentConfirm":                                    TestConcurrentConfirm,
		"FailedDeliveryAddsNothing":                            TestFailedDeliveryAddsNothing,
		"QueuedDeliveryNeverHoldsARequest":                     TestQueuedDeliveryNeverHoldsARequest,
		"QueuedDeliveryIsRetriedWithBackoff":                   TestQueuedDeliveryIsRetriedWithBackoff,
		"QueuedCodeIsGivenUpWhenItExpires":                     TestQueuedCodeIsGivenUpWhenItExpires,
		"ACrashLosesNoMessage":                                 TestACrashLosesNoMessage,
		"NoticesAreQueuedWithTheirChange":                      TestNoticesAreQueuedWithTheirChange,
		"TwoWorkersDeliverEachMessageOnce":                     TestTwoWorkersDeliverEachMessageOnce,
		"QueuedAuditIsChainedInBatches":                        TestQueuedAuditIsChainedInBatches,
		"HelpdeskProvesIdentityThenCreatesAPass":               TestHelpdeskProvesIdentityThenCreatesAPass,
		"HelpdeskRefusals":                                     TestHelpdeskRefusals,
		"IdentityCheckByAppAndThreeFailures":                   TestIdentityCheckByAppAndThreeFailures,
		"PassRacesAndGuesses":                                  TestPassRacesAndGuesses,
		"UnlockAndSignOutEverywhere":                           TestUnlockAndSignOutEverywhere,
		"EditedQueuedAuditEventIsRecorded":                     TestEditedQueuedAuditEventIsRecorded,
		"AuthenticatorLockout":                                 TestAuthenticatorLockout,
		"ProveExistingMethod":                                  TestProveExistingMethod,
		"NoticesToOtherMethods":                                TestNoticesToOtherMethods,
		"NoSecretsInLogs":                                      TestNoSecretsInLogs,
		"SecurityQuestions":                                    TestSecurityQuestions,
		"FirstAccountIsAdmin":                                  TestFirstAccountIsAdmin,
		"DeleteMovesDefaultAndAudits":                          TestDeleteMovesDefaultAndAudits,
		"RemovingLastInfoIsScheduled":                          TestRemovingLastInfoIsScheduled,
		"SetDefaultAndRename":                                  TestSetDefaultAndRename,
		"PolicyThroughService":                                 TestPolicyThroughService,
		"ChangePassword":                                       TestChangePassword,
		"RegistrationAndSnoozeLimit":                           TestRegistrationAndSnoozeLimit,
		"ReconfirmationWindow":                                 TestReconfirmationWindow,
		"AttackFixedMethodLockoutTellsRealFromDecoy":           TestAttackFixedMethodLockoutTellsRealFromDecoy,
		"AttackFixedCrossChannelCodeTellsRealFromDecoy":        TestAttackFixedCrossChannelCodeTellsRealFromDecoy,
		"AttackFixedDecoyStateEvictionTellsRealFromDecoy":      TestAttackFixedDecoyStateEvictionTellsRealFromDecoy,
		"AttackFixedQuestionOrderTellsRealFromDecoy":           TestAttackFixedQuestionOrderTellsRealFromDecoy,
		"AttackFixedOptionSetsNoDecoyShows":                    TestAttackFixedOptionSetsNoDecoyShows,
		"AttackFixedSignInRacingPasswordChangeKeepsASession":   TestAttackFixedSignInRacingPasswordChangeKeepsASession,
		"AttackFixedSignInLoopRacingPasswordChange":            TestAttackFixedSignInLoopRacingPasswordChange,
		"AttackFixedChangePasswordIsAnUnlimitedPasswordOracle": TestAttackFixedChangePasswordIsAnUnlimitedPasswordOracle,
		"AttackFixedLookalikeSmallCapitals":                    TestAttackFixedLookalikeSmallCapitals,
		"AttackHeldOtherAccountsAndForgedActors":               TestAttackHeldOtherAccountsAndForgedActors,
		"AttackHeldRaces":                                      TestAttackHeldRaces,
	} {
		t.Run(name, test)
	}
}
