package sqldb_test

import (
	"context"
	"sync"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestReplicasMigrateAtOnce starts replicas at the same time on a new,
// empty PostgreSQL schema, as a deployment that starts them together does:
// each one's migration succeeds, and the schema ends migrated once.
func TestReplicasMigrateAtOnce(t *testing.T) {
	url := sqldbtest.PostgresURL(t)
	ctx := context.Background()
	const replicas = 3
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
			errs[i] = db.Migrate(ctx)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
	db := sqldbtest.Migrated(t, url)
	var applied, distinct int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0").Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	if applied != distinct {
		t.Errorf("goose recorded %d migrations, %d distinct: some ran twice", applied, distinct)
	}
}
