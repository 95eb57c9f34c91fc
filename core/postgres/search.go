package postgres

import (
	"fmt"
	"time"

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

// LastSignIn implements core.Tx.
func (t *tx) LastSignIn(accountID string) (time.Time, error) {
	var at pgtype.Timestamptz
	if err := t.queryRow(`SELECT max(created_at) FROM sessions WHERE account_id = $1`, accountID).Scan(&at); err != nil || !at.Valid {
		return time.Time{}, err
	}
	return at.Time.UTC(), nil
}
