package postgres

import (
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/securityinfo/securityinfo/core"
)

func (t *tx) ClearFailureCounters(accountID string) error {
	_, err := t.exec(`DELETE FROM failure_counters WHERE account_id = $1`, accountID)
	return err
}

func (t *tx) IdentityProof(agentID, accountID string) (*core.IdentityProof, error) {
	p := &core.IdentityProof{AgentID: agentID, AccountID: accountID}
	var until pgtype.Timestamptz
	err := t.queryRow(`SELECT verified_until, how, failures FROM identity_proofs WHERE agent_id = $1 AND account_id = $2`,
		agentID, accountID).Scan(&until, &p.How, &p.Failures)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	if until.Valid {
		p.VerifiedUntil = until.Time.UTC()
	}
	return p, nil
}

func (t *tx) SaveIdentityProof(p *core.IdentityProof) error {
	_, err := t.exec(`INSERT INTO identity_proofs (agent_id, account_id, verified_until, how, failures) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (agent_id, account_id) DO UPDATE SET verified_until = excluded.verified_until, how = excluded.how, failures = excluded.failures`,
		p.AgentID, p.AccountID, tsArg(p.VerifiedUntil), p.How, p.Failures)
	return err
}

func (t *tx) EndIdentityProofs(accountID string) error {
	_, err := t.exec(`UPDATE identity_proofs SET verified_until = NULL WHERE account_id = $1`, accountID)
	return err
}

func (t *tx) AccessPass(accountID string) (*core.AccessPass, error) {
	p := &core.AccessPass{AccountID: accountID}
	var used pgtype.Timestamptz
	err := t.queryRow(`SELECT hash, created_by, created_at, expires_at, one_time, used_at FROM access_passes WHERE account_id = $1`,
		accountID).Scan(&p.Hash, &p.CreatedBy, &p.CreatedAt, &p.ExpiresAt, &p.OneTime, &used)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "This account has no Temporary Access Pass.")
	}
	if err != nil {
		return nil, err
	}
	p.CreatedAt, p.ExpiresAt = p.CreatedAt.UTC(), p.ExpiresAt.UTC()
	if used.Valid {
		p.UsedAt = used.Time.UTC()
	}
	return p, nil
}

func (t *tx) SaveAccessPass(p *core.AccessPass) error {
	_, err := t.exec(`INSERT INTO access_passes (account_id, hash, created_by, created_at, expires_at, one_time, used_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
		ON CONFLICT (account_id) DO UPDATE SET hash = excluded.hash, created_by = excluded.created_by, created_at = excluded.created_at,
		expires_at = excluded.expires_at, one_time = excluded.one_time, used_at = excluded.used_at`,
		p.AccountID, p.Hash, p.CreatedBy, p.CreatedAt, p.ExpiresAt, p.OneTime, tsArg(p.UsedAt))
	return err
}

func (t *tx) DeleteAccessPass(accountID string) error {
	_, err := t.exec(`DELETE FROM access_passes WHERE account_id = $1`, accountID)
	return err
}

func (t *tx) UseAccessPass(accountID string, at time.Time) (bool, error) {
	tag, err := t.exec(`UPDATE access_passes SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL`, accountID, at)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

const approvalColumns = `id, account_id, kind, requested_by, reason, created_at, expires_at, approved_by, approved_at`

func scanApproval(r pgx.Row) (*core.Approval, error) {
	a := &core.Approval{}
	var approved pgtype.Timestamptz
	if err := r.Scan(&a.ID, &a.AccountID, &a.Kind, &a.RequestedBy, &a.Reason, &a.CreatedAt, &a.ExpiresAt, &a.ApprovedBy, &approved); err != nil {
		return nil, err
	}
	a.CreatedAt, a.ExpiresAt = a.CreatedAt.UTC(), a.ExpiresAt.UTC()
	if approved.Valid {
		a.ApprovedAt = approved.Time.UTC()
	}
	return a, nil
}

func (t *tx) SaveApproval(a *core.Approval) error {
	_, err := t.exec(`INSERT INTO approvals (`+approvalColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		a.ID, a.AccountID, a.Kind, a.RequestedBy, a.Reason, a.CreatedAt, a.ExpiresAt, a.ApprovedBy, tsArg(a.ApprovedAt))
	return err
}

func (t *tx) Approval(id string) (*core.Approval, error) {
	a, err := scanApproval(t.queryRow(`SELECT `+approvalColumns+` FROM approvals WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.Reason(core.ENOTFOUND, "approval.notFound", nil)
	}
	return a, err
}

func (t *tx) PendingApprovals(f core.ApprovalFilter) ([]*core.Approval, error) {
	var roles []string
	for _, r := range f.Roles {
		roles = append(roles, string(r))
	}
	if f.Roles != nil && roles == nil {
		roles = []string{}
	}
	cols := "p." + strings.ReplaceAll(approvalColumns, ", ", ", p.")
	return collect(t, []*core.Approval{}, scanApproval, `SELECT `+cols+` FROM approvals p JOIN accounts a ON a.id = p.account_id
		WHERE p.approved_by = '' AND p.expires_at > $1
		AND ($2 = '' OR p.requested_by = $2) AND ($3 = '' OR p.requested_by <> $3) AND ($4 = '' OR p.account_id <> $4)
		AND ($5::text[] IS NULL OR a.role = ANY($5))
		ORDER BY p.created_at, p.id LIMIT $6`, f.Now, f.RequestedBy, f.NotRequestedBy, f.NotAccount, roles, f.Limit)
}

func (t *tx) Approve(id, approver string, at, until time.Time) (bool, error) {
	tag, err := t.exec(`UPDATE approvals SET approved_by = $2, approved_at = $3, expires_at = $4
		WHERE id = $1 AND approved_by = '' AND expires_at > $3`, id, approver, at, until)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

func (t *tx) ApprovedFor(agentID, accountID string, kind core.ApprovalKind, now time.Time) (*core.Approval, error) {
	a, err := scanApproval(t.queryRow(`SELECT `+approvalColumns+` FROM approvals
		WHERE requested_by = $1 AND account_id = $2 AND kind = $3 AND approved_by <> '' AND expires_at > $4
		ORDER BY approved_at DESC LIMIT 1`, agentID, accountID, kind, now))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.Reason(core.ENOTFOUND, "approval.none", nil)
	}
	return a, err
}
