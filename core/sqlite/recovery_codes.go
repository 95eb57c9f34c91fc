package sqlite

import (
	"fmt"
	"time"
)

func (t *tx) SaveRecoveryCodes(methodID string, hashes []string) error {
	if _, err := t.exec(`DELETE FROM recovery_codes WHERE method_id = ?`, methodID); err != nil {
		return fmt.Errorf("replace recovery codes: %w", err)
	}
	for i, h := range hashes {
		if _, err := t.exec(`INSERT INTO recovery_codes (method_id, position, hash) VALUES (?,?,?)`, methodID, i, h); err != nil {
			return fmt.Errorf("store recovery codes: %w", err)
		}
	}
	return nil
}

func (t *tx) RecoveryCodesLeft(methodID string) (left, total int, err error) {
	err = t.tx.QueryRowContext(t.ctx, `SELECT COALESCE(SUM(used_at = ''), 0), COUNT(*) FROM recovery_codes WHERE method_id = ?`,
		methodID).Scan(&left, &total)
	if err != nil {
		return 0, 0, fmt.Errorf("count recovery codes: %w", err)
	}
	return left, total, nil
}

func (t *tx) UseRecoveryCode(methodID, hash string, at time.Time) (bool, error) {
	res, err := t.exec(`UPDATE recovery_codes SET used_at = ? WHERE method_id = ? AND hash = ? AND used_at = ''`,
		formatTime(at), methodID, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
