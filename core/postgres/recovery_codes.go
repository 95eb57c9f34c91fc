package postgres

import (
	"fmt"
	"time"
)

func (t *tx) SaveRecoveryCodes(methodID string, hashes []string) error {
	if _, err := t.exec(`DELETE FROM recovery_codes WHERE method_id = $1`, methodID); err != nil {
		return fmt.Errorf("replace recovery codes: %w", err)
	}
	for i, h := range hashes {
		if _, err := t.exec(`INSERT INTO recovery_codes (method_id, position, hash) VALUES ($1,$2,$3)`, methodID, i, h); err != nil {
			return fmt.Errorf("store recovery codes: %w", err)
		}
	}
	return nil
}

func (t *tx) RecoveryCodesLeft(methodID string) (left, total int, err error) {
	err = t.queryRow(`SELECT count(*) FILTER (WHERE used_at IS NULL), count(*) FROM recovery_codes WHERE method_id = $1`,
		methodID).Scan(&left, &total)
	if err != nil {
		return 0, 0, fmt.Errorf("count recovery codes: %w", err)
	}
	return left, total, nil
}

func (t *tx) UseRecoveryCode(methodID, hash string, at time.Time) (bool, error) {
	tag, err := t.exec(`UPDATE recovery_codes SET used_at = $1 WHERE method_id = $2 AND hash = $3 AND used_at IS NULL`,
		tsArg(at), methodID, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
