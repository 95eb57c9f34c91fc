package sqlite

import (
	"fmt"
	"strings"

	"github.com/securityinfo/securityinfo/core"
)

// SearchAccounts implements core.Tx: names and display names starting
// with text (ranges on indexes), or phones ending with digits.
func (t *tx) SearchAccounts(text, digits, after string, limit int) ([]*core.Account, error) {
	if digits != "" {
		// The phones' reversed numbers start with the reversed digits.
		rev := core.Reverse(digits)
		// Joined from the suffixes (the measured plan: a range on their
		// index, then the few accounts sorted).
		return t.accountsFrom(`phone_suffixes p JOIN accounts a ON a.id = p.account_id
			WHERE p.rev >= ? AND p.rev < ? AND a.name > ? GROUP BY a.id ORDER BY a.name LIMIT ?`, "a.", rev, rev+"\U0010FFFF", after, limit)
	}
	// Names and display names are two ranges on two indexes, each read in
	// the index's order (so a page stops early); display names only on
	// the first page.
	end := text + "\U0010FFFF"
	// One lower bound, so that the planner starts the range there.
	lower, from := "name >= ?", text
	if after >= text {
		lower, from = "name > ?", after
	}
	byName, err := t.accountsWhere(lower+` AND name < ? ORDER BY name LIMIT ?`, from, end, limit)
	if err != nil || after != "" || len(byName) >= limit {
		return byName, err
	}
	byDisplay, err := t.accountsWhere(`lower(display_name) >= ? AND lower(display_name) < ? ORDER BY lower(display_name) LIMIT ?`,
		text, end, limit)
	if err != nil {
		return nil, err
	}
	return core.MergeAccounts(byName, byDisplay, limit), nil
}

// AccountDetails implements core.Tx: in-process, a query per account
// costs next to nothing.
func (t *tx) AccountDetails(accts []*core.Account) (map[string]*core.AccountDetail, error) {
	out := make(map[string]*core.AccountDetail, len(accts))
	for _, a := range accts {
		d := &core.AccountDetail{}
		var err error
		if d.Methods, err = t.Methods(a.ID); err != nil {
			return nil, err
		}
		var last *string
		if err := t.queryRow(`SELECT max(created_at) FROM sessions WHERE account_id = ?`, a.ID).Scan(&last); err != nil {
			return nil, err
		}
		if last != nil {
			if d.LastSignIn, err = parseTime(*last); err != nil {
				return nil, err
			}
		}
		c, err := t.SignInCounter(a.Name)
		if err != nil {
			return nil, err
		}
		d.LockedUntil = c.LockedUntil
		if d.AccessPass, err = t.AccessPass(a.ID); core.ErrorCode(err) == core.ENOTFOUND {
			d.AccessPass = nil
		} else if err != nil {
			return nil, err
		}
		out[a.ID] = d
	}
	return out, nil
}

// accountsWhere lists the accounts matching a WHERE clause.
func (t *tx) accountsWhere(where string, args ...any) ([]*core.Account, error) {
	return t.accountsFrom("accounts WHERE "+where, "", args...)
}

// accountsFrom lists the accounts of a FROM clause whose accounts table
// is named by alias ("a." or "").
func (t *tx) accountsFrom(from, alias string, args ...any) ([]*core.Account, error) {
	cols := strings.Split(accountColumns, ",")
	for i, c := range cols {
		cols[i] = alias + strings.TrimSpace(c)
	}
	rows, err := t.query(`SELECT `+strings.Join(cols, ", ")+` FROM `+from, args...)
	if err != nil {
		return nil, fmt.Errorf("search accounts: %w", err)
	}
	defer rows.Close()
	out := []*core.Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("search accounts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
