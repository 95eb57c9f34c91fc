package postgres

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/securityinfo/securityinfo/core"
)

// SearchAccounts implements core.Tx: names and display names starting
// with text (ranges on indexes), or phones ending with digits.
func (t *tx) SearchAccounts(text, digits, after string, limit int) ([]*core.Account, error) {
	var out []*core.Account
	var err error
	if digits != "" {
		// The phones' reversed numbers start with the reversed digits.
		rev := core.Reverse(digits)
		out, err = collect(t, []*core.Account{}, scanAccount, `SELECT `+accountColumns+` FROM accounts
			WHERE name > $3 AND id IN (SELECT account_id FROM phone_suffixes WHERE rev >= $1 AND rev < $2)
			ORDER BY name LIMIT $4`, rev, rev+"\U0010FFFF", after, limit)
	} else {
		// Names and display names are two ranges on two indexes, each
		// read in the index's order (so a page stops early); display
		// names only on the first page.
		end := text + "\U0010FFFF"
		// One lower bound, so that the planner starts the range there.
		lower, from := "name >= $1", text
		if after >= text {
			lower, from = "name > $1", after
		}
		out, err = collect(t, []*core.Account{}, scanAccount, `SELECT `+accountColumns+` FROM accounts
			WHERE `+lower+` AND name < $2 ORDER BY name LIMIT $3`, from, end, limit)
		if err != nil || after != "" || len(out) >= limit {
			return out, err
		}
		var byDisplay []*core.Account
		byDisplay, err = collect(t, []*core.Account{}, scanAccount, `SELECT `+accountColumns+` FROM accounts
			WHERE lower(display_name) COLLATE "C" >= $1 AND lower(display_name) COLLATE "C" < $2
			ORDER BY lower(display_name) COLLATE "C" LIMIT $3`, text, end, limit)
		out = core.MergeAccounts(out, byDisplay, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("search accounts: %w", err)
	}
	return out, nil
}

// AccountDetails implements core.Tx: four queries for the whole page.
func (t *tx) AccountDetails(accts []*core.Account) (map[string]*core.AccountDetail, error) {
	out := make(map[string]*core.AccountDetail, len(accts))
	ids, names := make([]string, len(accts)), make([]string, len(accts))
	byName := map[string]*core.AccountDetail{}
	for i, a := range accts {
		ids[i], names[i] = a.ID, a.Name
		out[a.ID] = &core.AccountDetail{}
		byName[a.Name] = out[a.ID]
	}
	methods, err := collect(t, []*core.Method{}, scanMethod, `SELECT `+methodColumns+` FROM methods WHERE account_id = ANY($1)
		ORDER BY account_id, created_at NULLS FIRST, id COLLATE "C"`, ids)
	if err != nil {
		return nil, fmt.Errorf("search details: %w", err)
	}
	for _, m := range methods {
		out[m.AccountID].Methods = append(out[m.AccountID].Methods, m)
	}
	type last struct {
		id string
		at time.Time
	}
	lasts, err := collect(t, []last{}, func(r pgx.Row) (last, error) {
		var l last
		err := r.Scan(&l.id, &l.at)
		return l, err
	}, `SELECT account_id, max(created_at) FROM sessions WHERE account_id = ANY($1) GROUP BY account_id`, ids)
	if err != nil {
		return nil, fmt.Errorf("search details: %w", err)
	}
	for _, l := range lasts {
		out[l.id].LastSignIn = l.at.UTC()
	}
	type lock struct {
		name  string
		until time.Time
	}
	locks, err := collect(t, []lock{}, func(r pgx.Row) (lock, error) {
		var l lock
		var nanos int16
		err := r.Scan(&l.name, ts(&l.until), &nanos)
		l.until = withNanos(l.until, nanos)
		return l, err
	}, `SELECT name, locked_until, locked_until_nanos FROM signin_failures WHERE name = ANY($1)`, names)
	if err != nil {
		return nil, fmt.Errorf("search details: %w", err)
	}
	for _, l := range locks {
		byName[l.name].LockedUntil = l.until
	}
	passes, err := collect(t, []*core.AccessPass{}, func(r pgx.Row) (*core.AccessPass, error) {
		p := &core.AccessPass{}
		var used pgtype.Timestamptz
		if err := r.Scan(&p.AccountID, &p.CreatedBy, &p.CreatedAt, &p.ExpiresAt, &p.OneTime, &used); err != nil {
			return nil, err
		}
		p.CreatedAt, p.ExpiresAt = p.CreatedAt.UTC(), p.ExpiresAt.UTC()
		if used.Valid {
			p.UsedAt = used.Time.UTC()
		}
		return p, nil
	}, `SELECT account_id, created_by, created_at, expires_at, one_time, used_at FROM access_passes WHERE account_id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("search details: %w", err)
	}
	for _, p := range passes {
		out[p.AccountID].AccessPass = p
	}
	return out, nil
}
