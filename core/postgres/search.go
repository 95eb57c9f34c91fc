package postgres

import (
	"fmt"
	"strings"
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
		out, err = collect(t, []*core.Account{}, scanAccount, `SELECT `+prefixed("a.", accountColumns)+` FROM accounts a
			WHERE a.name > $1 AND EXISTS (SELECT 1 FROM methods m WHERE m.account_id = a.id
			AND m.kind IN ('phone', 'alternatePhone', 'officePhone') AND m.detail LIKE $2)
			ORDER BY a.name LIMIT $3`, after, "%"+digits, limit)
	} else {
		end := text + "\U0010FFFF"
		out, err = collect(t, []*core.Account{}, scanAccount, `SELECT `+accountColumns+` FROM accounts
			WHERE name > $1 AND ((name >= $2 AND name < $3) OR (lower(display_name) COLLATE "C" >= $2 AND lower(display_name) COLLATE "C" < $3))
			ORDER BY name LIMIT $4`, after, text, end, limit)
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

// prefixed qualifies each column of a column list with p ("a.").
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
