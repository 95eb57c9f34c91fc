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
	// ProvesIdentity says the help desk may check who is asking with it
	// (BeginIdentityCheck): a phone, an email address or an app.
	ProvesIdentity bool `json:"provesIdentity"`
	// FromDirectory: a number from the organization's directory (ID
	// DirectoryMobileID or DirectoryOfficeID), which the help desk can
	// call back but not delete.
	FromDirectory bool `json:"fromDirectory,omitempty"`
	// CodesLeft of CodesTotal: a recovery-code set's count, all the
	// help desk learns of it (CodesTotal 0 for other kinds).
	CodesLeft  int `json:"codesLeft,omitempty"`
	CodesTotal int `json:"codesTotal,omitempty"`
}

// AccountSummary is one search result.
type AccountSummary struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	DisplayName  string         `json:"displayName"`
	Role         Role           `json:"role"`
	Methods      []MaskedMethod `json:"methods"`
	LastSignInAt *time.Time     `json:"lastSignInAt"`
	Locked       bool           `json:"locked"`
	// LockedUntil is when sign-in under the name opens again (nil when
	// it is not locked).
	LockedUntil    *time.Time `json:"lockedUntil,omitempty"`
	PendingRemoval bool       `json:"pendingRemoval"`
	// AccessPass is the person's active Temporary Access Pass, if any.
	AccessPass *AccessPassView `json:"accessPass"`
}

// AccountDetail is what a search result shows of an account besides the
// account itself (Tx.AccountDetails).
type AccountDetail struct {
	Methods     []*Method
	LastSignIn  time.Time
	LockedUntil time.Time
	AccessPass  *AccessPass // nil without one
}

// searchLimit bounds one page of results.
const searchLimit = 50

// SearchAccounts implements Service: the help desk and administrators
// (two steps) find people; methods are shown masked. The help desk finds
// only accounts ranked below it (mayRead). A search by a phone's digits
// takes exactly its last phoneSearchDigits digits, so that searches
// cannot recover a whole number digit by digit, and is counted per agent
// (helpdeskPhoneSearchesPerHour) and audited.
func (s *Local) SearchAccounts(ctx context.Context, q AccountSearch) ([]AccountSummary, error) {
	a, err := s.staff(ctx)
	if err != nil {
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
		if len(digits) != phoneSearchDigits {
			return nil, Errorf(EINVALID, "Type the last %d digits of the phone number.", phoneSearchDigits)
		}
		if err := s.countPhoneSearch(ctx, a, digits); err != nil {
			return nil, err
		}
	}
	var out []AccountSummary
	err = s.store.View(ctx, func(tx Tx) error {
		var accts []*Account
		// Pages of the store's matches, less the accounts the actor may
		// not read, until limit are found or the matches run out.
		for after := q.After; len(accts) < limit; {
			page, err := tx.SearchAccounts(text, digits, after, limit)
			if err != nil {
				return err
			}
			for _, acct := range page {
				if mayRead(a, acct) && len(accts) < limit {
					accts = append(accts, acct)
				}
			}
			if len(page) < limit || len(accts) == limit {
				break
			}
			after = page[len(page)-1].Name
		}
		details, err := tx.AccountDetails(accts)
		if err != nil {
			return err
		}
		now := s.clock()
		for _, acct := range accts {
			out = append(out, summarize(acct, details[acct.ID], now))
		}
		return nil
	})
	return out, err
}

// summarize is what the help desk sees of acct at now: its methods
// masked, its last sign-in, its lockout, its active pass.
func summarize(acct *Account, d *AccountDetail, now time.Time) AccountSummary {
	sum := AccountSummary{ID: acct.ID, Name: acct.Name, DisplayName: acct.DisplayName, Role: acct.Role,
		PendingRemoval: !acct.RemovalAt.IsZero(), Methods: []MaskedMethod{}, Locked: now.Before(d.LockedUntil)}
	if sum.Locked {
		until := d.LockedUntil
		sum.LockedUntil = &until
	}
	for _, m := range d.Methods {
		mm := MaskedMethod{ID: m.ID, Kind: m.Kind, Detail: MaskedDetail(m), ProvesIdentity: provesIdentity(m.Kind)}
		if m.Kind == KindRecoveryCodes {
			mm.CodesLeft, mm.CodesTotal = codesCount(m)
		}
		sum.Methods = append(sum.Methods, mm)
	}
	if last := d.LastSignIn; !last.IsZero() {
		sum.LastSignInAt = &last
	}
	sum.AccessPass = d.AccessPass.View(now)
	return sum
}

// phoneSearchDigits is how many of a phone's last digits a search takes:
// two more than a masked number shows.
const phoneSearchDigits = 4

// countPhoneSearch counts and audits a search by a phone's digits,
// refusing it past the agent's hourly limit.
func (s *Local) countPhoneSearch(ctx context.Context, a Actor, digits string) error {
	if IsLocalAdministrator(a) {
		return nil // whoever holds the data folder reads it all anyway
	}
	var limited error
	err := s.store.Update(ctx, func(tx Tx) error {
		p, err := tx.Policy()
		if err != nil {
			return err
		}
		now := s.clock()
		if limited, err = s.limitAgent(tx, a, nil, sendAgentSearch, p.HelpdeskPhoneSearchesPerHour, now); err != nil || limited != nil {
			return err
		}
		return s.audit(tx, a, nil, ActionPhoneSearched, KindPhone, "ending "+digits, "")
	})
	if err != nil {
		return err
	}
	return limited
}

// mayRead says whether staff actor a may read acct: an administrator
// (and the local one) reads every account, the help desk only those
// ranked below it, the accounts it may act on.
func mayRead(a Actor, acct *Account) bool {
	return IsLocalAdministrator(a) || a.Role == RoleAdmin || rank(acct.Role) < rank(a.Role)
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
