package tokens_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// BenchmarkLockRefresh measures what the refresh lock adds to a refresh:
// taking and releasing one user's lock, on each backend, with parallel
// callers spread over 16 users.
func BenchmarkLockRefresh(b *testing.B) {
	for _, backend := range []struct {
		name string
		open func(testing.TB) *sqldb.DB
	}{{"sqlite", sqldbtest.SQLite}, {"postgres", sqldbtest.Postgres}} {
		b.Run(backend.name, func(b *testing.B) {
			store := tokens.NewStore(backend.open(b), keyring(b, "k1:"+tokens.GenerateKey()), clock)
			ctx := context.Background()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i++
					if err := store.LockRefresh(ctx, fmt.Sprintf("u%d", i%16), func(context.Context) error { return nil }); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
