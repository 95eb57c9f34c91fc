package radius_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"layeh.com/radius"
	"layeh.com/radius/rfc2865"

	"github.com/securityinfo/securityinfo/core"
	"github.com/securityinfo/securityinfo/core/remote"
)

// seed adds n people with the rig's password (hashed once, not n times)
// and an authenticator app each, straight into the store, and returns
// their names and app secrets. The clock is then past every enrolment's
// time step, so each person's code is good once.
func (r *rig) seed(n int) (names, apps []string) {
	r.t.Helper()
	hash, err := core.HashSecret(password, rand.Reader)
	if err != nil {
		r.t.Fatal(err)
	}
	for i := range n {
		a := &core.Account{ID: fmt.Sprintf("%032x", i+1), Name: fmt.Sprintf("p%d@contoso.com", i), Role: core.RoleUser, Language: "en",
			CreatedAt: r.clock.Now(), PasswordHash: hash, PasswordChangedAt: r.clock.Now()}
		if err := r.store.Update(context.Background(), func(tx core.Tx) error { return tx.CreateAccount(a) }); err != nil {
			r.t.Fatal(err)
		}
		en, err := r.svc.BeginAuthenticator(r.own(a), a.ID, "Pixel")
		if err != nil {
			r.t.Fatal(err)
		}
		if _, err := r.svc.Confirm(r.own(a), a.ID, en.VerificationID, r.code(en.Secret)); err != nil {
			r.t.Fatal(err)
		}
		names, apps = append(names, a.Name), append(apps, en.Secret)
	}
	r.clock.Advance(30e9)
	return names, apps
}

// BenchmarkVerify measures a person's whole two-step check from another
// system, one per op, each person once (every code is good once): RADIUS
// with the code appended to the password (one Access-Request), RADIUS
// with the challenge (two), and the verify API over HTTP (start and
// finish); and, for the ceiling, the argon2id check of a password alone,
// which each of them does once. Run with a fixed count, as each op
// needs a person of its own:
//
//	go test ./core/radius -run '^$' -bench Verify -benchtime 200x
func BenchmarkVerify(b *testing.B) {
	b.Run("argon2id", func(b *testing.B) {
		hash, err := core.HashSecret(password, rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if !core.VerifySecret(hash, password) {
					b.Error("the password does not match")
				}
			}
		})
	})
	b.Run("radius-appended", func(b *testing.B) { benchRadius(b, true) })
	b.Run("radius-challenge", func(b *testing.B) { benchRadius(b, false) })
	b.Run("http-verify-api", benchHTTP)
}

func benchRadius(b *testing.B, appendCode bool) {
	r := newRig(b)
	names, apps := r.seed(b.N)
	addr := r.serve(r.svc, vpn(appendCode))
	var next atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			code := r.code(apps[i])
			if appendCode {
				if res := exchange(b, addr, request{name: names[i], password: password + code}, wait); codeOf(res) != radius.CodeAccessAccept {
					b.Errorf("%s: %v", names[i], codeOf(res))
				}
				continue
			}
			res := exchange(b, addr, request{name: names[i], password: password}, wait)
			if codeOf(res) != radius.CodeAccessChallenge {
				b.Errorf("%s: %v", names[i], codeOf(res))
				continue
			}
			if res := exchange(b, addr, request{name: names[i], password: code, state: rfc2865.State_Get(res)}, wait); codeOf(res) != radius.CodeAccessAccept {
				b.Errorf("%s: %v", names[i], codeOf(res))
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
}

func benchHTTP(b *testing.B) {
	r := newRig(b)
	names, apps := r.seed(b.N)
	app, err := r.svc.CreateApplication(r.admin, "bench")
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(remote.NewServer(r.svc, nil))
	b.Cleanup(srv.Close)
	ac, err := remote.NewAppClient(srv.URL, app.ID, app.Secret, nil)
	if err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			i := next.Add(1) - 1
			step, err := ac.StartVerify(ctx, names[i], password)
			if err != nil {
				b.Errorf("%s: %v", names[i], err)
				continue
			}
			if _, err := ac.FinishVerify(ctx, step.SignInID, step.Options[0].MethodID, "", r.code(apps[i])); err != nil {
				b.Errorf("%s: %v", names[i], err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
}
