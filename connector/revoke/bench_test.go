package revoke_test

import (
	"context"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// BenchmarkRevoke measures one whole revocation against the fake Google:
// mark, Google's revoke endpoint, tokens, sessions, purge and audit.
func BenchmarkRevoke(b *testing.B) {
	for _, backend := range []struct {
		name string
		open func(testing.TB) *sqldb.DB
	}{{"sqlite", sqldbtest.SQLite}, {"postgres", sqldbtest.Postgres}} {
		b.Run(backend.name, func(b *testing.B) {
			g := startGoogle(b)
			r := newReplica(b, backend.open(b), g, "bench")
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				u := r.signUp(b, 0)
				b.StartTimer()
				if _, err := r.svc.Revoke(ctx, u.ID, admin, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
