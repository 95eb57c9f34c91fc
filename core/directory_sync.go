package core

import (
	"context"
	"fmt"
)

// DirectorySync is what a sync did (or, in a dry run, would do).
type DirectorySync struct {
	DryRun    bool `json:"dryRun"`
	Listed    int  `json:"listed"`    // people in the directory
	Added     int  `json:"added"`     // accounts created for them
	Updated   int  `json:"updated"`   // role or display name changed
	Disabled  int  `json:"disabled"`  // accounts whose access ended: gone from the directory, or disabled there
	Unchanged int  `json:"unchanged"` // nothing to do
	// Changes lists each add, update and disable, by account name.
	Changes []DirectoryChange `json:"changes"`
}

// DirectoryChange is one change of a sync.
type DirectoryChange struct {
	Name   string `json:"name"`
	Change string `json:"change"` // "add", "update" or "disable"
	Detail string `json:"detail,omitempty"`
}

// maxSyncChanges bounds the changes a sync reports one by one (the
// counts are always whole), so a first sync of a large directory holds
// no list of every person.
const maxSyncChanges = 1000

func (r *DirectorySync) note(name, change, detail string) {
	if len(r.Changes) < maxSyncChanges {
		r.Changes = append(r.Changes, DirectoryChange{Name: name, Change: change, Detail: detail})
	}
}

// SyncDirectory brings the accounts to the directory: a person of the
// directory without an account is added, one whose role or display name
// changed is updated, and an account whose person is gone from the
// directory (or outside its filter, or disabled there) has every access
// ended: sessions, pending sign-ins, resets and the Temporary Access
// Pass, audited as the directory's. Such an account stays (its history
// and methods with it) but cannot sign in while the directory does not
// have the person: every sign-in asks the directory. With dryRun nothing
// is written. progress, if not nil, is called with the count of people
// read so far, every so often.
//
// It is the central service's (every sync_interval) and the local
// administrator's (`securityinfoctl directory sync`): the caller must be
// the local administrator (no actor's session) or an administrator
// signed in with two steps. EUNAVAILABLE without a directory or when it
// cannot be reached (nothing is disabled then: a listing cut short is
// never taken as people leaving).
func (s *Local) SyncDirectory(ctx context.Context, dryRun bool, progress func(int)) (*DirectorySync, error) {
	if s.dir == nil {
		return nil, Errorf(EUNAVAILABLE, "No directory is configured: set [directory] in securityinfo.toml.")
	}
	if err := s.syncAllowed(ctx); err != nil {
		return nil, err
	}
	r := &DirectorySync{DryRun: dryRun, Changes: []DirectoryChange{}}
	seen := map[string]bool{}
	batch := make([]*DirectoryPerson, 0, syncBatch)
	flush := func() error {
		err := s.syncBatch(ctx, r, batch)
		batch = batch[:0]
		return err
	}
	err := s.dir.People(ctx, func(p *DirectoryPerson) error {
		r.Listed++
		if progress != nil && r.Listed%syncBatch == 0 {
			progress(r.Listed)
		}
		if p.Disabled || seen[p.Name] {
			return nil
		}
		seen[p.Name] = true
		if batch = append(batch, p); len(batch) == syncBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return nil, err
	}
	if progress != nil {
		progress(r.Listed)
	}
	if err := s.syncGone(ctx, r, seen); err != nil {
		return nil, err
	}
	return r, nil
}

// syncBatch is how many people a sync writes in one transaction: a
// directory of 100,000 is 200 commits, not 100,000, and a batch is all a
// sync holds of the people besides their names.
const syncBatch = 500

// syncAllowed lets the local administrator (an actor without a session,
// or none: the service's own timer) and two-step administrators sync.
func (s *Local) syncAllowed(ctx context.Context) error {
	if _, ok := ActorFrom(ctx); !ok {
		return nil
	}
	a, sess, err := s.caller(ctx)
	if err != nil {
		return err
	}
	if sess == nil {
		return nil
	}
	return requireRole(a, sess, RoleAdmin)
}

// syncBatch adds or updates the accounts of a batch of people in one
// transaction (only reads in a dry run). What it did is counted apart and
// added to r once the transaction is done, since a store may run it again.
func (s *Local) syncBatch(ctx context.Context, r *DirectorySync, batch []*DirectoryPerson) error {
	if len(batch) == 0 {
		return nil
	}
	var done DirectorySync
	run := func(tx Tx) error {
		done = DirectorySync{}
		for _, p := range batch {
			if err := s.syncPerson(tx, &done, p, r.DryRun); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	if r.DryRun {
		err = s.store.View(ctx, run)
	} else {
		err = s.store.Update(ctx, run)
	}
	if err != nil {
		return err
	}
	r.Added += done.Added
	r.Updated += done.Updated
	r.Unchanged += done.Unchanged
	for _, c := range done.Changes {
		r.note(c.Name, c.Change, c.Detail)
	}
	return nil
}

// syncPerson adds or updates one person's account, counting it in done.
func (s *Local) syncPerson(tx Tx, done *DirectorySync, p *DirectoryPerson, dryRun bool) error {
	a, err := tx.AccountByName(p.Name)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		if !dryRun {
			if _, err := s.addPerson(tx, p); err != nil {
				return err
			}
		}
		done.Added++
		done.note(p.Name, "add", "role "+string(p.Role))
		return nil
	case err != nil:
		return err
	}
	before := *a
	if !s.updatePerson(a, p) {
		done.Unchanged++
		return nil
	}
	detail := changeDetail(&before, a)
	done.Updated++
	done.note(p.Name, "update", detail)
	if dryRun {
		return nil
	}
	if err := tx.UpdateAccount(a); err != nil {
		return err
	}
	return s.audit(tx, directoryActor, a, ActionDirectoryUpdated, "", detail, "")
}

// changeDetail says what a sync changed.
func changeDetail(before, after *Account) string {
	d := ""
	if before.Role != after.Role {
		d = fmt.Sprintf("role %s to %s", before.Role, after.Role)
	}
	if before.DisplayName != after.DisplayName {
		if d != "" {
			d += "; "
		}
		d += "display name changed"
	}
	return d
}

// syncGone ends the access of every account the directory no longer has.
// An account is counted (and audited) when there was access to end, so
// a person gone long ago is not audited at every sync.
func (s *Local) syncGone(ctx context.Context, r *DirectorySync, seen map[string]bool) error {
	var accounts []*Account
	if err := s.store.View(ctx, func(tx Tx) (err error) { accounts, err = tx.Accounts(); return err }); err != nil {
		return err
	}
	for _, a := range accounts {
		if seen[a.Name] {
			continue
		}
		live := false
		do := s.store.Update
		if r.DryRun {
			do = s.store.View
		}
		err := do(ctx, func(tx Tx) (err error) {
			if live, err = hasAccess(tx, a.ID); err != nil || r.DryRun {
				return err
			}
			// Pending sign-ins and resets end too, even with no session
			// or pass to count (a second step begun before the person
			// left would otherwise still open a session).
			if err := s.endOtherAccess(tx, directoryActor, a, "", "", s.clock()); err != nil || !live {
				return err
			}
			return s.audit(tx, directoryActor, a, ActionDirectoryDisabled, "", "sessions, pending sign-ins, resets and passes ended", "")
		})
		if err != nil {
			return err
		}
		if live {
			r.Disabled++
			r.note(a.Name, "disable", "not in the directory, or disabled there")
		}
	}
	return nil
}

// hasAccess reports whether an account has anything a sync ending its
// access would end: a live session or a Temporary Access Pass. (Pending
// sign-ins and resets need the directory's yes to finish, and are ended
// with them.)
func hasAccess(tx Tx, accountID string) (bool, error) {
	sessions, err := tx.Sessions(accountID)
	if err != nil {
		return false, err
	}
	if len(sessions) > 0 {
		return true, nil
	}
	if _, err := tx.AccessPass(accountID); err == nil {
		return true, nil
	} else if ErrorCode(err) != ENOTFOUND {
		return false, err
	}
	return false, nil
}
