package sqlite

import (
	"fmt"
	"strings"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

// SearchAccounts implements core.Tx: names and display names starting
// with text (ranges on indexes), or phones ending with digits.
func (t *tx) SearchAccounts(text, digits, after string, limit int) ([]*core.Account, error) {
	var q string
	var args []any
	if digits != "" {
		// The phones' reversed numbers start with the reversed digits.
		rev := core.Reverse(digits)
		q = `SELECT ` + prefixed("a.", accountColumns) + ` FROM phone_suffixes p JOIN accounts a ON a.id = p.account_id
			WHERE p.rev >= ? AND p.rev < ? AND a.name > ? GROUP BY a.id ORDER BY a.name LIMIT ?`
		args = []any{rev, rev + "\U0010FFFF", after, limit}
	} else {
		// Names and display names are two ranges on two indexes, each
		// read in the index's order (so a page stops early); display
		// names only on the first page.
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
		return mergeAccounts(byName, byDisplay, limit), nil
	}
	rows, err := t.tx.QueryContext(t.ctx, q, args...)
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

// LastSignIn implements core.Tx.
func (t *tx) LastSignIn(accountID string) (time.Time, error) {
	var s *string
	if err := t.tx.QueryRowContext(t.ctx, `SELECT max(created_at) FROM sessions WHERE account_id = ?`, accountID).Scan(&s); err != nil || s == nil {
		return time.Time{}, err
	}
	return parseTime(*s)
}

// prefixed qualifies each column of a column list with p ("a.").
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// accountsWhere lists the accounts matching a WHERE clause.
func (t *tx) accountsWhere(where string, args ...any) ([]*core.Account, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+accountColumns+` FROM accounts WHERE `+where, args...)
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

// mergeAccounts appends to a the accounts of b it lacks, up to limit.
func mergeAccounts(a, b []*core.Account, limit int) []*core.Account {
	seen := map[string]bool{}
	for _, x := range a {
		seen[x.ID] = true
	}
	for _, x := range b {
		if len(a) >= limit {
			break
		}
		if !seen[x.ID] {
			a = append(a, x)
		}
	}
	return a
}
