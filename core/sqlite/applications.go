package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/securityinfo/securityinfo/core"
)

const applicationColumns = `id, name, secret_hash, created_at, created_by`

func scanApplication(r interface{ Scan(...any) error }) (*core.Application, error) {
	var a core.Application
	var created string
	if err := r.Scan(&a.ID, &a.Name, &a.SecretHash, &created, &a.CreatedBy); err != nil {
		return nil, err
	}
	var err error
	a.CreatedAt, err = parseTime(created)
	return &a, err
}

func (t *tx) CreateApplication(a *core.Application) error {
	_, err := t.exec(`INSERT INTO applications (`+applicationColumns+`) VALUES (?,?,?,?,?)`,
		a.ID, a.Name, a.SecretHash, formatTime(a.CreatedAt), a.CreatedBy)
	if isUnique(err) {
		return core.Errorf(core.ECONFLICT, "An application named %q already exists.", a.Name)
	}
	if err != nil {
		return fmt.Errorf("create application: %w", err)
	}
	return nil
}

func (t *tx) Application(id string) (*core.Application, error) {
	a, err := scanApplication(t.queryRow(`SELECT `+applicationColumns+` FROM applications WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.ENOTFOUND, "No such application.")
	}
	if err != nil {
		return nil, fmt.Errorf("read application: %w", err)
	}
	return a, nil
}

func (t *tx) Applications() ([]*core.Application, error) {
	rows, err := t.query(`SELECT ` + applicationColumns + ` FROM applications ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	defer rows.Close()
	var out []*core.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, fmt.Errorf("list applications: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) DeleteApplication(id string) error {
	res, err := t.exec(`DELETE FROM applications WHERE id = ?`, id)
	return mustAffect(res, err, "Application")
}
