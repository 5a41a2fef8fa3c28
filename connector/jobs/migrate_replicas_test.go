package jobs_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestReplicasOpenAtOnce opens runners at the same time on a new, empty
// PostgreSQL schema, as replicas started together do: each one's River
// migration succeeds.
func TestReplicasOpenAtOnce(t *testing.T) {
	t.Parallel()
	url := sqldbtest.PostgresURL(t)
	ctx := context.Background()
	const replicas = 4
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() {
			db, err := sqldb.Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			r, err := jobs.Open(ctx, jobs.Options{DB: db, URL: url, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				errs[i] = err
				return
			}
			errs[i] = r.Stop(ctx)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
}
