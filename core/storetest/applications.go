package storetest

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/securityinfo/securityinfo/core"
)

// testApplications: applications are created, read, listed by name and
// deleted; a taken ID or name is ECONFLICT, a missing one ENOTFOUND.
func testApplications(t *testing.T, s core.Store) {
	b := &core.Application{ID: "app-b", Name: "intranet", SecretHash: "hash-b", CreatedAt: t0, CreatedBy: "alice@contoso.com"}
	a := &core.Application{ID: "app-a", Name: "wiki", SecretHash: "hash-a", CreatedAt: t0}
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateApplication(a); err != nil {
			return err
		}
		return tx.CreateApplication(b)
	})
	for _, dup := range []*core.Application{{ID: "app-a", Name: "other", SecretHash: "h", CreatedAt: t0}, {ID: "app-c", Name: "wiki", SecretHash: "h", CreatedAt: t0}} {
		err := s.Update(context.Background(), func(tx core.Tx) error { return tx.CreateApplication(dup) })
		if core.ErrorCode(err) != core.ECONFLICT {
			t.Errorf("duplicate %+v: %v, want %s", dup, err, core.ECONFLICT)
		}
	}
	view(t, s, func(tx core.Tx) error {
		got, err := tx.Application("app-b")
		if err != nil || *got != *b {
			return fmt.Errorf("app-b read back as %+v, %v; want %+v", got, err, b)
		}
		all, err := tx.Applications()
		if err != nil || len(all) != 2 || all[0].Name != "intranet" || all[1].Name != "wiki" {
			return fmt.Errorf("list = %+v, %v", all, err)
		}
		if _, err := tx.Application("app-x"); core.ErrorCode(err) != core.ENOTFOUND {
			return fmt.Errorf("missing application: %v", err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error { return tx.DeleteApplication("app-a") })
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.DeleteApplication("app-a") })
	if core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("deleting twice: %v", err)
	}
}

// testRaceCreateApplication: 32 creations of one name at once make one
// application; the others are ECONFLICT.
func testRaceCreateApplication(t *testing.T, s core.Store) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			app := &core.Application{ID: "app-" + strconv.Itoa(i), Name: "intranet", SecretHash: "h", CreatedAt: t0}
			err := s.Update(context.Background(), func(tx core.Tx) error { return tx.CreateApplication(app) })
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case core.ErrorCode(err) != core.ECONFLICT:
				t.Errorf("creation %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if created != 1 {
		t.Fatalf("%d applications named intranet created", created)
	}
}
