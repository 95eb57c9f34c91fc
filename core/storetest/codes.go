package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// testSendsByPurpose: sends are counted by destination, account and
// purpose, each optional.
func testSendsByPurpose(t *testing.T, s core.Store) {
	sends := []core.Send{
		{AccountID: "a1", Destination: "+442079460958", Channel: core.ChannelSMS, Purpose: core.SendSignIn, At: t0},
		{AccountID: "b1", Destination: "+442079460958", Channel: core.ChannelSMS, Purpose: core.SendAdd, At: t0.Add(time.Second)},
		{AccountID: "a1", Destination: "+442079460958", Channel: core.ChannelSMS, Purpose: core.SendReset, At: t0.Add(2 * time.Second)},
		{AccountID: "decoy:x", Destination: "decoy:y", Channel: core.ChannelSMS, Purpose: core.SendReset, At: t0.Add(3 * time.Second)},
	}
	update(t, s, func(tx core.Tx) error {
		for _, x := range sends {
			if err := tx.RecordSend(x); err != nil {
				return err
			}
		}
		return tx.DeleteSend(sends[2])
	})
	view(t, s, func(tx core.Tx) error {
		for _, c := range []struct {
			f    core.SendFilter
			want int
		}{
			{core.SendFilter{Destination: "+442079460958"}, 2},
			{core.SendFilter{Destination: "+442079460958", Purpose: core.SendAdd}, 1},
			{core.SendFilter{AccountID: "a1", Destination: "+442079460958", Purpose: core.SendSignIn}, 1},
			{core.SendFilter{AccountID: "a1", Purpose: core.SendReset}, 0},
			{core.SendFilter{AccountID: "decoy:x", Purpose: core.SendReset}, 1},
			{core.SendFilter{Destination: "+442079460958", Since: t0}, 1},
		} {
			if c.f.Since.IsZero() {
				c.f.Since = t0.Add(-time.Hour)
			}
			times, err := tx.SendTimes(c.f)
			if err != nil || len(times) != c.want {
				return fmt.Errorf("sends matching %+v = %v, %v; want %d", c.f, times, err, c.want)
			}
		}
		return nil
	})
}

// testRaceUseVerification: of many uses of one code at once, exactly one
// succeeds.
func testRaceUseVerification(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.CreateVerification(&core.Verification{ID: "v1", AccountID: "a1", Purpose: core.VerifySignIn, Kind: core.KindPhone,
			CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
	})
	used := race(t, s, func(tx core.Tx, i int) (bool, error) {
		return tx.UseVerification("v1", t0.Add(time.Duration(i+1)*time.Second))
	})
	if n := count(used); n != 1 {
		t.Fatalf("%d of %d uses of one verification succeeded, want 1", n, racers)
	}
	winner := t0.Add(time.Duration(slices.Index(used, true)+1) * time.Second)
	view(t, s, func(tx core.Tx) error {
		if v, err := tx.Verification("v1"); err != nil || !v.UsedAt.Equal(winner) {
			return fmt.Errorf("verification = %+v, %v; want used at %v, by the use that succeeded", v, err, winner)
		}
		return nil
	})
}

// testRaceVerificationTries: wrong codes typed at once are all counted
// (read, +1, write in one Update).
func testRaceVerificationTries(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateAccount(account("a1", "alice@contoso.com")); err != nil {
			return err
		}
		return tx.CreateVerification(&core.Verification{ID: "v1", AccountID: "a1", Purpose: core.VerifyAdd, Kind: core.KindEmail,
			CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
	})
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		v, err := tx.Verification("v1")
		if err != nil {
			return struct{}{}, err
		}
		v.Tries++
		return struct{}{}, tx.UpdateVerification(v)
	})
	view(t, s, func(tx core.Tx) error {
		if v, err := tx.Verification("v1"); err != nil || v.Tries != racers {
			return fmt.Errorf("verification = %+v, %v; want %d tries", v, err, racers)
		}
		return nil
	})
}

// testRaceFailureCounter: failures counted at once are all counted, from
// a counter that does not exist yet.
func testRaceFailureCounter(t *testing.T, s core.Store) {
	update(t, s, func(tx core.Tx) error { return tx.CreateAccount(account("a1", "alice@contoso.com")) })
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		c, err := tx.FailureCounter("a1", "m1")
		if err != nil {
			return struct{}{}, err
		}
		c.Failures++
		if c.Failures == racers {
			c.LockedUntil = t0.Add(time.Hour)
		}
		return struct{}{}, tx.SaveFailureCounter(c)
	})
	view(t, s, func(tx core.Tx) error {
		if c, err := tx.FailureCounter("a1", "m1"); err != nil || c.Failures != racers || !c.LockedUntil.Equal(t0.Add(time.Hour)) {
			return fmt.Errorf("failure counter = %+v, %v; want %d failures and locked", c, err, racers)
		}
		return nil
	})
}

// testRaceRecordSend: sends recorded at once are all counted, oldest first.
func testRaceRecordSend(t *testing.T, s core.Store) {
	race(t, s, func(tx core.Tx, i int) (struct{}, error) {
		return struct{}{}, tx.RecordSend(core.Send{AccountID: "a1", Destination: "+442079460958", Channel: core.ChannelSMS,
			Purpose: core.SendSignIn, At: t0.Add(time.Duration(i) * time.Millisecond)})
	})
	view(t, s, func(tx core.Tx) error {
		times, err := tx.SendTimes(core.SendFilter{AccountID: "a1", Destination: "+442079460958", Purpose: core.SendSignIn,
			Since: t0.Add(-time.Hour)})
		if err != nil || len(times) != racers {
			return fmt.Errorf("sends = %d, %v; want %d", len(times), err, racers)
		}
		for i, at := range times {
			if !at.Equal(t0.Add(time.Duration(i) * time.Millisecond)) {
				return fmt.Errorf("send %d at %v, want oldest first", i, at)
			}
		}
		return nil
	})
}
