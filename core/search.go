package core

import (
	"context"
	"strings"
	"time"
)

// AccountSearch is what the help desk looks a person up by: the start of
// a sign-in name or display name, or the last digits of a phone. Results
// come by name, Limit at a time, after the name After.
type AccountSearch struct {
	Text  string `json:"text"`
	Limit int    `json:"limit"`
	After string `json:"after"`
}

// MaskedMethod is a method as the help desk sees it before the person is
// verified: its kind and masked detail.
type MaskedMethod struct {
	ID     string     `json:"id"`
	Kind   MethodKind `json:"kind"`
	Detail string     `json:"detail"`
}

// AccountSummary is one search result.
type AccountSummary struct {
	ID             string         `json:"id"`
	Name           string         `json:"name"`
	DisplayName    string         `json:"displayName"`
	Role           Role           `json:"role"`
	Methods        []MaskedMethod `json:"methods"`
	LastSignInAt   *time.Time     `json:"lastSignInAt"`
	Locked         bool           `json:"locked"`
	PendingRemoval bool           `json:"pendingRemoval"`
	// AccessPass is the person's active Temporary Access Pass, if any.
	AccessPass *AccessPassView `json:"accessPass"`
}

// AccountDetail is what a search result shows of an account besides the
// account itself (Tx.AccountDetails).
type AccountDetail struct {
	Methods     []*Method
	LastSignIn  time.Time
	LockedUntil time.Time
}

// searchLimit bounds one page of results.
const searchLimit = 50

// SearchAccounts implements HelpdeskService: the help desk and
// administrators (two steps) find people; methods are shown masked.
func (s *Local) SearchAccounts(ctx context.Context, q AccountSearch) ([]AccountSummary, error) {
	if _, err := s.staff(ctx); err != nil {
		return nil, err
	}
	text := strings.ToLower(strings.TrimSpace(q.Text))
	if text == "" {
		return nil, Errorf(EINVALID, "Type the start of a name, or the last digits of a phone number.")
	}
	limit := q.Limit
	if limit <= 0 || limit > searchLimit {
		limit = searchLimit
	}
	digits := ""
	if strings.Trim(text, "0123456789 +-()") == "" {
		digits = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, text)
		if len(digits) < 2 {
			return nil, Errorf(EINVALID, "Type at least the last 2 digits of the phone number.")
		}
	}
	var out []AccountSummary
	err := s.store.View(ctx, func(tx Tx) error {
		accts, err := tx.SearchAccounts(text, digits, q.After, limit)
		if err != nil {
			return err
		}
		details, err := tx.AccountDetails(accts)
		if err != nil {
			return err
		}
		now := s.clock()
		for _, acct := range accts {
			d := details[acct.ID]
			sum := AccountSummary{ID: acct.ID, Name: acct.Name, DisplayName: acct.DisplayName, Role: acct.Role,
				PendingRemoval: !acct.RemovalAt.IsZero(), Methods: []MaskedMethod{}, Locked: now.Before(d.LockedUntil)}
			for _, m := range d.Methods {
				sum.Methods = append(sum.Methods, MaskedMethod{ID: m.ID, Kind: m.Kind, Detail: MaskedDetail(m)})
			}
			if last := d.LastSignIn; !last.IsZero() {
				sum.LastSignInAt = &last
			}
			if sum.AccessPass, err = activePass(tx, acct.ID, now); err != nil {
				return err
			}
			out = append(out, sum)
		}
		return nil
	})
	return out, err
}

// MergeAccounts appends to a the accounts of b it lacks, up to limit: the
// stores' search merges its name and display-name ranges with it.
func MergeAccounts(a, b []*Account, limit int) []*Account {
	seen := map[string]bool{}
	for _, x := range a {
		seen[x.ID] = true
	}
	for _, x := range b {
		if len(a) >= limit {
			break
		}
		if !seen[x.ID] {
			a = append(a, x)
		}
	}
	return a
}
