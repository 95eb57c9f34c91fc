package postgres

import "github.com/securityinfo/securityinfo/core"

// Isolation is the transaction's isolation level and whether it is read
// only, as PostgreSQL reports them ("serializable/off").
func Isolation(t core.Tx) string {
	var level, ro string
	if err := t.(*tx).queryRow(`SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')`).Scan(&level, &ro); err != nil {
		return err.Error()
	}
	return level + "/" + ro
}

// Defer queues a deferred write in t (lazyTx.Defer).
func Defer(t core.Tx, sql string, args ...any) { t.(*tx).tx.Defer(sql, args...) }
