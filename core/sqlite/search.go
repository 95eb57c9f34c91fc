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
		q = `SELECT ` + prefixed("a.", accountColumns) + ` FROM accounts a WHERE a.name > ? AND EXISTS (SELECT 1 FROM methods m
			WHERE m.account_id = a.id AND m.kind IN ('phone', 'alternatePhone', 'officePhone') AND m.detail LIKE ?)
			ORDER BY a.name LIMIT ?`
		args = []any{after, "%" + digits, limit}
	} else {
		end := text + "\U0010FFFF"
		q = `SELECT ` + accountColumns + ` FROM accounts WHERE name > ? AND ((name >= ? AND name < ?)
			OR (lower(display_name) >= ? AND lower(display_name) < ?)) ORDER BY name LIMIT ?`
		args = []any{after, text, end, text, end, limit}
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
