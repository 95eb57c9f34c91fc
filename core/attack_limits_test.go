package core_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

// TestAddressLimitCountsFailuresOnly: through the core, on either store,
// 35 right sign-ins from one address in a minute all pass (each is
// counted before its password is checked and taken back when right),
// while 30 wrong ones use the address's minute up and the 31st is
// refused before its password is hashed; another IPv6 address of the same
// /64 shares the count, one of the next /64 does not.
func TestAddressLimitCountsFailuresOnly(t *testing.T) {
	f := newFixture(t)
	office := core.WithClient(context.Background(), "203.0.113.9")
	for i := range 35 {
		if _, err := f.svc.SignIn(office, f.alice.Name, alicePassword); err != nil {
			t.Fatalf("right sign-in %d: %v", i+1, err)
		}
	}
	v6 := func(addr string) context.Context { return core.WithClient(context.Background(), addr) }
	for i := range 30 {
		if _, err := f.svc.SignIn(v6(fmt.Sprintf("2001:db8:1:2::%x", i+1)), fmt.Sprintf("junk%d@contoso.com", i), "wrong password"); core.ErrorCode(err) == core.ELIMITED {
			t.Fatalf("wrong sign-in %d refused early", i+1)
		}
	}
	before := core.Hashing().Total
	if _, err := f.svc.SignIn(v6("2001:db8:1:2:ffff::1"), "junk@contoso.com", "wrong password"); core.ErrorCode(err) != core.ELIMITED {
		t.Fatalf("the 31st from the same /64: %v", err)
	}
	if n := core.Hashing().Total - before; n != 0 {
		t.Fatalf("a refused sign-in hashed %d times", n)
	}
	if _, err := f.svc.SignIn(v6("2001:db8:1:3::1"), f.alice.Name, alicePassword); err != nil {
		t.Fatalf("the next /64: %v", err)
	}
}
