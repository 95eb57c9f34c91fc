package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/securityinfo/securityinfo/core"
)

const applicationColumns = `id, name, secret_hash, created_at, created_by`

func scanApplication(r pgx.Row) (*core.Application, error) {
	var a core.Application
	if err := r.Scan(&a.ID, &a.Name, &a.SecretHash, &a.CreatedAt, &a.CreatedBy); err != nil {
		return nil, err
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, nil
}

func (t *tx) CreateApplication(a *core.Application) error {
	_, err := t.exec(`INSERT INTO applications (`+applicationColumns+`) VALUES ($1,$2,$3,$4,$5)`,
		a.ID, a.Name, a.SecretHash, a.CreatedAt, a.CreatedBy)
	if pgCode(err) == uniqueViolation {
		return core.Errorf(core.ECONFLICT, "An application named %q already exists.", a.Name)
	}
	if err != nil {
		return fmt.Errorf("create application: %w", err)
	}
	return nil
}

func (t *tx) Application(id string) (*core.Application, error) {
	a, err := scanApplication(t.queryRow(`SELECT `+applicationColumns+` FROM applications WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "No such application.")
	}
	if err != nil {
		return nil, fmt.Errorf("read application: %w", err)
	}
	return a, nil
}

func (t *tx) Applications() ([]*core.Application, error) {
	out, err := collect(t, []*core.Application(nil), scanApplication, `SELECT `+applicationColumns+` FROM applications ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	return out, nil
}

func (t *tx) DeleteApplication(id string) error {
	tag, err := t.exec(`DELETE FROM applications WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete application: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.ENOTFOUND, "Application not found.")
	}
	return nil
}
