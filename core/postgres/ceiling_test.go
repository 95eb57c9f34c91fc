package postgres

import (
	"os"
	"strings"
	"testing"
)

// TestVerifyCeilingSendsTheStoresStatements: scripts/verify-ceiling copies
// a verification's statements (the preload join's columns, the failure
// counter's subject, the step's write); a change here that the script
// does not follow would make its figures say nothing of the store.
func TestVerifyCeilingSendsTheStoresStatements(t *testing.T) {
	b, err := os.ReadFile("../../scripts/verify-ceiling")
	if err != nil {
		t.Fatal(err)
	}
	script := string(b)
	cols := func(alias, columns string) string {
		var out []string
		for _, c := range strings.Split(columns, ",") {
			out = append(out, alias+"."+strings.TrimSpace(c))
		}
		return strings.Join(out, ", ")
	}
	for name, want := range map[string]string{
		"the account's columns": `A="` + cols("a", accountColumns) + `"`,
		"the session's columns": `S="` + cols("s", sessionColumns) + `"`,
		"the method's columns":  `M="` + cols("m", methodColumns) + `"`,
		"the policy's key":      dialect.PolicyKey,
		"the counter's subject": `f.subject = 'method:' || p.method_id`,
		"the step's write":      `UPDATE methods SET last_step = last_step + 1, last_used_at = now() WHERE id = (SELECT method_id FROM pick WHERE n = :n) AND last_step < last_step + 1`,
		"the isolation":         `BEGIN ISOLATION LEVEL SERIALIZABLE`,
	} {
		if !strings.Contains(script, want) {
			t.Errorf("scripts/verify-ceiling does not send %s as the store does: %s", name, want)
		}
	}
	// The step's write above is the store's, with the script's values.
	if got := advanceStatement; got != `UPDATE methods SET last_step = $1, last_used_at = $3 WHERE id = $2 AND last_step < $1` {
		t.Errorf("the store's step write changed (%s): change scripts/verify-ceiling with it", got)
	}
}
