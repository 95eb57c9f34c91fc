package core

import "time"

// RenewLeasesEvery makes delivery leases renew every d and calls renewed
// after each renewal, until the returned restore is called.
func RenewLeasesEvery(d time.Duration, renewed func(id string)) (restore func()) {
	every, was := leaseRenewal, leaseRenewed
	leaseRenewal, leaseRenewed = d, renewed
	return func() { leaseRenewal, leaseRenewed = every, was }
}
