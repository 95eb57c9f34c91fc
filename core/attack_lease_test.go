package core_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/securitykey"
	"github.com/securityinfo/securityinfo/core/securitykey/softkey"
)

// TestABlockedProviderIsNotSentTwice: a provider call that blocks past
// the 2-minute lease (one that ignores its context) keeps its claim: a
// second server's worker, running after the lease would have run out,
// does not take the message over, and it is sent once.
func TestABlockedProviderIsNotSentTwice(t *testing.T) {
	f := newFixture(t)
	renewed := make(chan string, 64)
	defer core.RenewLeasesEvery(5*time.Millisecond, func(id string) {
		select {
		case renewed <- id:
		default:
		}
	})()
	var sends atomic.Int32
	entered, release := make(chan struct{}), make(chan struct{})
	blocking := core.SenderFunc(func(ctx context.Context, m core.Message) error {
		sends.Add(1)
		close(entered)
		<-release // as a provider that ignores ctx
		return nil
	})
	other := core.SenderFunc(func(ctx context.Context, m core.Message) error { sends.Add(1); return nil })
	a, b := f.serviceWith(f.store, blocking, true), f.serviceWith(f.store, other, true)
	if _, err := a.BeginEmail(f.own, f.alice.ID, "alice@gmail.com", ""); err != nil {
		t.Fatal(err)
	}
	done := make(chan int)
	go func() { done <- deliverDue(t, a) }()
	<-entered
	f.clock.Advance(3 * time.Minute) // past the lease of the claim
	// Two renewals after the clock moved: the second began after it.
	for range 3 {
		select {
		case <-renewed:
		case <-time.After(10 * time.Second):
			t.Fatal("the lease of a delivery being sent is not renewed")
		}
	}
	if n := deliverDue(t, b); n != 0 {
		t.Fatalf("the second server took over a delivery being sent (%d)", n)
	}
	close(release)
	if n := <-done; n != 1 {
		t.Fatalf("first server tried %d", n)
	}
	if n := sends.Load(); n != 1 || f.queued(t) != 0 {
		t.Fatalf("sent %d times, %d left", n, f.queued(t))
	}
}

// TestAFailedKeyRegistrationUsesUpItsChallenge: an answer to a key
// registration challenge that does not verify uses the challenge up, so
// it cannot be tried again with another answer (a forged attestation
// after a wrong one, say).
func TestAFailedKeyRegistrationUsesUpItsChallenge(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.SetPolicy(f.ctx, []string{"enabledMethods=authenticatorApp,phone,email,securityKey"}); err != nil {
		t.Fatal(err)
	}
	key := softkey.New()
	key.SetPIN("1234")
	ch, err := f.svc.BeginSecurityKey(f.own, f.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	rp := securitykey.RelyingParty{ID: ch.RelyingPartyID}
	wrong := rp.ClientData(true, make([]byte, len(ch.Challenge))) // another challenge's client data
	id, att, err := key.MakeCredential(rp.ID, securitykey.ClientDataHash(wrong), "1234", "packed")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ConfirmSecurityKey(f.own, f.alice.ID, ch.VerificationID, core.KeyRegistration{CredentialID: id, ClientData: wrong, AttestationObject: att, Name: "Key"}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("a wrong answer: %v", err)
	}
	right := rp.ClientData(true, ch.Challenge)
	id, att, err = key.MakeCredential(rp.ID, securitykey.ClientDataHash(right), "1234", "packed")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ConfirmSecurityKey(f.own, f.alice.ID, ch.VerificationID, core.KeyRegistration{CredentialID: id, ClientData: right, AttestationObject: att, Name: "Key"}); core.ErrorCode(err) != core.EEXPIRED {
		t.Fatalf("the same challenge after a failed answer: %v", err)
	}
	if info := f.info(t); len(info.Methods) != 0 {
		t.Fatalf("a key was added: %+v", info.Methods)
	}
}
