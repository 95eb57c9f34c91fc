package sqlite

import (
	"database/sql"
	"errors"
	"time"

	"github.com/securityinfo/securityinfo/core"
)

func (t *tx) ClearFailureCounters(accountID string) error {
	_, err := t.exec(`DELETE FROM failure_counters WHERE account_id = ?`, accountID)
	return err
}

func (t *tx) IdentityProof(agentID, accountID string) (*core.IdentityProof, error) {
	p := &core.IdentityProof{AgentID: agentID, AccountID: accountID}
	var until string
	err := t.tx.QueryRowContext(t.ctx, `SELECT verified_until, how, failures FROM identity_proofs WHERE agent_id = ? AND account_id = ?`,
		agentID, accountID).Scan(&until, &p.How, &p.Failures)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	p.VerifiedUntil, err = parseTime(until)
	return p, err
}

func (t *tx) SaveIdentityProof(p *core.IdentityProof) error {
	_, err := t.exec(`INSERT INTO identity_proofs (agent_id, account_id, verified_until, how, failures) VALUES (?,?,?,?,?)
		ON CONFLICT (agent_id, account_id) DO UPDATE SET verified_until = excluded.verified_until, how = excluded.how, failures = excluded.failures`,
		p.AgentID, p.AccountID, formatTime(p.VerifiedUntil), p.How, p.Failures)
	return err
}

func (t *tx) AccessPass(accountID string) (*core.AccessPass, error) {
	p := &core.AccessPass{AccountID: accountID}
	var created, expires, used string
	err := t.tx.QueryRowContext(t.ctx, `SELECT hash, created_by, created_at, expires_at, one_time, used_at FROM access_passes WHERE account_id = ?`,
		accountID).Scan(&p.Hash, &p.CreatedBy, &created, &expires, &p.OneTime, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "This account has no Temporary Access Pass.")
	}
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		s string
		t *time.Time
	}{{created, &p.CreatedAt}, {expires, &p.ExpiresAt}, {used, &p.UsedAt}} {
		if *f.t, err = parseTime(f.s); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (t *tx) SaveAccessPass(p *core.AccessPass) error {
	_, err := t.exec(`INSERT INTO access_passes (account_id, hash, created_by, created_at, expires_at, one_time, used_at) VALUES (?,?,?,?,?,?,?)
		ON CONFLICT (account_id) DO UPDATE SET hash = excluded.hash, created_by = excluded.created_by, created_at = excluded.created_at,
		expires_at = excluded.expires_at, one_time = excluded.one_time, used_at = excluded.used_at`,
		p.AccountID, p.Hash, p.CreatedBy, formatTime(p.CreatedAt), formatTime(p.ExpiresAt), p.OneTime, formatTime(p.UsedAt))
	return err
}

func (t *tx) DeleteAccessPass(accountID string) error {
	_, err := t.exec(`DELETE FROM access_passes WHERE account_id = ?`, accountID)
	return err
}

func (t *tx) UseAccessPass(accountID string, at time.Time) (bool, error) {
	res, err := t.exec(`UPDATE access_passes SET used_at = ? WHERE account_id = ? AND used_at = ''`, formatTime(at), accountID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
