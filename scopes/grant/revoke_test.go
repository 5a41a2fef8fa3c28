package grant_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// recorded is a row of revocations, as Revoke leaves it.
type recorded struct {
	Reason        string
	RevokedAt     int64
	Google, Local int
	NextAt        int64
}

// revocationOf reads the revocation recorded for a user; ok is false when
// there is none.
func revocationOf(t *testing.T, db *sqldb.DB, userID string) (r recorded, ok bool) {
	t.Helper()
	rows, err := db.Query(context.Background(),
		"SELECT reason, revoked_at, google_pending, local_pending, next_at FROM revocations WHERE user_id = ?", userID)
	if err != nil {
		t.Fatalf("reading revocations: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(&r.Reason, &r.RevokedAt, &r.Google, &r.Local, &r.NextAt); err != nil {
			t.Fatal(err)
		}
		ok = true
	}
	return r, ok
}

// TestRevokeRecordsTheRevocation: marking a grant revoked records, in the
// same transaction, a revocation whose local steps are left and due at
// once, so that it is completed even if the process stops right after.
func TestRevokeRecordsTheRevocation(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, clock := newStore(t, db)
		if _, err := s.Record(ctx, "u1", "client", []string{scopes.CalendarEventsReadonly}); err != nil {
			t.Fatal(err)
		}
		if err := s.Revoke(ctx, "u-none", "invalid_grant"); !errors.Is(err, grant.ErrNotFound) {
			t.Errorf("Revoke of a user without a grant: %v, want ErrNotFound", err)
		}
		if r, ok := revocationOf(t, db, "u-none"); ok {
			t.Errorf("a revocation was recorded for a user without a grant: %+v", r)
		}

		if err := s.Revoke(ctx, "u1", "invalid_grant"); err != nil {
			t.Fatalf("Revoke: %v", err)
		}
		now := t0.UnixMicro()
		r, _ := revocationOf(t, db, "u1")
		if diff := cmp.Diff(recorded{Reason: "invalid_grant", RevokedAt: now, Local: 1, NextAt: now}, r); diff != "" {
			t.Errorf("revocation (-want +got):\n%s", diff)
		}

		// A revocation already recorded keeps its time and steps; waiting
		// only for local steps, it is due now.
		hour := int64(time.Hour / time.Microsecond)
		if _, err := db.Exec(ctx, "UPDATE revocations SET local_pending = 0, next_at = ?", now+hour); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		later := clock.Now().UnixMicro()
		if err := s.Revoke(ctx, "u1", "again"); err != nil {
			t.Fatalf("second Revoke: %v", err)
		}
		r, _ = revocationOf(t, db, "u1")
		if diff := cmp.Diff(recorded{Reason: "again", RevokedAt: now, Local: 1, NextAt: later}, r); diff != "" {
			t.Errorf("revocation after the second Revoke (-want +got):\n%s", diff)
		}

		// Waiting for Google, it keeps its schedule: the attempt that holds
		// it, or the next one, does the local steps too.
		if _, err := db.Exec(ctx, "UPDATE revocations SET google_pending = 1, local_pending = 0, next_at = ?", now+hour); err != nil {
			t.Fatal(err)
		}
		if err := s.Revoke(ctx, "u1", "third"); err != nil {
			t.Fatalf("third Revoke: %v", err)
		}
		r, _ = revocationOf(t, db, "u1")
		if diff := cmp.Diff(recorded{Reason: "third", RevokedAt: now, Google: 1, Local: 1, NextAt: now + hour}, r); diff != "" {
			t.Errorf("revocation after the third Revoke (-want +got):\n%s", diff)
		}
	})
}
