package sqlite

import (
	"database/sql"
	"errors"
	"strings"
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
	err := t.queryRow(`SELECT verified_until, how, failures FROM identity_proofs WHERE agent_id = ? AND account_id = ?`,
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

func (t *tx) EndIdentityProofs(accountID string) error {
	_, err := t.exec(`UPDATE identity_proofs SET verified_until = '' WHERE account_id = ?`, accountID)
	return err
}

func (t *tx) AccessPass(accountID string) (*core.AccessPass, error) {
	p := &core.AccessPass{AccountID: accountID}
	var created, expires, used string
	err := t.queryRow(`SELECT hash, created_by, created_at, expires_at, one_time, used_at FROM access_passes WHERE account_id = ?`,
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

const approvalColumns = `id, account_id, kind, requested_by, reason, created_at, expires_at, approved_by, approved_at`

func scanApproval(row interface{ Scan(...any) error }) (*core.Approval, error) {
	a := &core.Approval{}
	var created, expires, approved string
	if err := row.Scan(&a.ID, &a.AccountID, &a.Kind, &a.RequestedBy, &a.Reason, &created, &expires, &a.ApprovedBy, &approved); err != nil {
		return nil, err
	}
	var err error
	for _, f := range []struct {
		s string
		t *time.Time
	}{{created, &a.CreatedAt}, {expires, &a.ExpiresAt}, {approved, &a.ApprovedAt}} {
		if *f.t, err = parseTime(f.s); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (t *tx) SaveApproval(a *core.Approval) error {
	_, err := t.exec(`INSERT INTO approvals (`+approvalColumns+`) VALUES (?,?,?,?,?,?,?,?,?)`,
		a.ID, a.AccountID, a.Kind, a.RequestedBy, a.Reason, formatTime(a.CreatedAt), formatTime(a.ExpiresAt), a.ApprovedBy, formatTime(a.ApprovedAt))
	return err
}

func (t *tx) Approval(id string) (*core.Approval, error) {
	a, err := scanApproval(t.queryRow(`SELECT `+approvalColumns+` FROM approvals WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Reason(core.ENOTFOUND, "approval.notFound", nil)
	}
	return a, err
}

func (t *tx) PendingApprovals(f core.ApprovalFilter) ([]*core.Approval, error) {
	where, args := []string{"p.approved_by = ''", "p.expires_at > ?"}, []any{formatTime(f.Now)}
	if f.RequestedBy != "" {
		where, args = append(where, "p.requested_by = ?"), append(args, f.RequestedBy)
	}
	if f.NotRequestedBy != "" {
		where, args = append(where, "p.requested_by <> ?"), append(args, f.NotRequestedBy)
	}
	if f.NotAccount != "" {
		where, args = append(where, "p.account_id <> ?"), append(args, f.NotAccount)
	}
	if f.Roles != nil {
		where = append(where, "a.role IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.Roles)), ",")+")")
		for _, r := range f.Roles {
			args = append(args, r)
		}
		if len(f.Roles) == 0 {
			where[len(where)-1] = "0"
		}
	}
	cols := "p." + strings.ReplaceAll(approvalColumns, ", ", ", p.")
	rows, err := t.query(`SELECT `+cols+` FROM approvals p JOIN accounts a ON a.id = p.account_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY p.created_at, p.id LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*core.Approval{}
	for rows.Next() {
		a, err := scanApproval(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) Approve(id, approver string, at, until time.Time) (bool, error) {
	res, err := t.exec(`UPDATE approvals SET approved_by = ?, approved_at = ?, expires_at = ? WHERE id = ? AND approved_by = '' AND expires_at > ?`,
		approver, formatTime(at), formatTime(until), id, formatTime(at))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *tx) ApprovedFor(agentID, accountID string, kind core.ApprovalKind, now time.Time) (*core.Approval, error) {
	a, err := scanApproval(t.queryRow(`SELECT `+approvalColumns+` FROM approvals
		WHERE requested_by = ? AND account_id = ? AND kind = ? AND approved_by <> '' AND expires_at > ? ORDER BY approved_at DESC LIMIT 1`,
		agentID, accountID, kind, formatTime(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Reason(core.ENOTFOUND, "approval.none", nil)
	}
	return a, err
}
