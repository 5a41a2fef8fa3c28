package audit

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

func TestAppendBeginComplete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		tr := New(db, Options{Replica: "r1", Signer: testKey(), Now: func() time.Time { return now }})
		a, err := tr.Append(ctx, Entry{ActorID: "u1", Event: EventAuthorize, Scope: "openid"})
		if err != nil {
			t.Fatalf("Append: %v", err)
		}
		if a.Seq != 1 || len(a.ID) != 32 || a.Outcome != OutcomeOK || a.Replica != "r1" || len(a.Hash) != 64 || a.PrevHash == "" ||
			!a.Time.Equal(now) {
			t.Fatalf("Append filled in %+v", a)
		}
		at := time.Date(2026, 2, 1, 0, 0, 0, 123456789, time.UTC)
		if e, err := tr.Append(ctx, Entry{ActorID: "u1", Event: EventSignIn, Time: at, Replica: "r2"}); err != nil || !e.Time.Equal(at.Truncate(time.Microsecond)) || e.Replica != "r2" || e.PrevHash != a.Hash {
			t.Fatalf("Append with time and replica = %+v, %v", e, err)
		}
		b, err := tr.Begin(ctx, Entry{ActorID: "u1", Event: EventRefresh, Outcome: OutcomeOK})
		if err != nil || b.Outcome != OutcomePending || b.Seq != 3 {
			t.Fatalf("Begin = %+v, %v", b, err)
		}
		done, err := tr.Complete(ctx, b, Result{Event: EventRefreshFailed, Outcome: OutcomeError, HTTPStatus: 400, ErrorReason: "invalid_grant", Latency: 1500 * time.Nanosecond})
		if err != nil {
			t.Fatalf("Complete: %v", err)
		}
		want := Entry{Seq: 4, ActorID: "u1", Event: EventRefreshFailed, Outcome: OutcomeError, HTTPStatus: 400, ErrorReason: "invalid_grant",
			Latency: time.Microsecond, Replica: "r1", RefSeq: 3, PrevHash: b.Hash}
		if diff := cmp.Diff(want, done, ignoreAssigned); diff != "" {
			t.Errorf("Complete (-want +got):\n%s", diff)
		}
		for _, tc := range []struct {
			name string
			err  error
			want error // nil: any error
		}{
			{"Complete of a non-pending entry", second(tr.Complete(ctx, a, Result{Outcome: OutcomeOK})), ErrNotPending},
			{"Complete of an unsaved entry", second(tr.Complete(ctx, Entry{Outcome: OutcomePending}, Result{Outcome: OutcomeOK})), ErrNotPending},
			{"Complete with outcome unknown", second(tr.Complete(ctx, b, Result{Outcome: OutcomeUnknown})), ErrInvalidEntry},
			{"Append without an event", second(tr.Append(ctx, Entry{ActorID: "u1"})), ErrInvalidEntry},
			{"Begin after cancel", second(tr.Begin(cancelled(), sample(0))), context.Canceled},
			{"Checkpoint without a signer", second(New(db, Options{}).Checkpoint(ctx)), ErrNoSigner},
			{"Query with a bad cursor", second(tr.Query(ctx, Filter{Cursor: "x"})), ErrBadCursor},
			{"Export in an unknown format", tr.Export(ctx, io.Discard, "xml", Filter{}), nil},
			{"Verify without a key", second(tr.Verify(ctx, nil)), nil},
		} {
			if tc.err == nil || (tc.want != nil && !errors.Is(tc.err, tc.want)) {
				t.Errorf("%s: error %v, want %v", tc.name, tc.err, tc.want)
			}
		}
		rep, err := tr.Verify(ctx, tr.PublicKey())
		if err != nil || !rep.OK() || rep.VerifiedUpTo != 4 {
			t.Fatalf("Verify = %+v, %v", rep, err)
		}
	})
}

// ignoreAssigned ignores the fields Append assigns at random or from the
// clock.
var ignoreAssigned = cmp.FilterPath(func(p cmp.Path) bool {
	switch p.Last().String() {
	case ".ID", ".Time", ".Hash":
		return true
	}
	return false
}, cmp.Ignore())

func second[T any](_ T, err error) error { return err }

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestCheckpoint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		tr := New(db, Options{Signer: testKey(), CheckpointEvery: -1, Now: newClock().Now})
		if _, err := tr.Checkpoint(ctx); !errors.Is(err, ErrEmpty) {
			t.Fatalf("Checkpoint of an empty trail = %v, want ErrEmpty", err)
		}
		fill(t, tr, 3)
		cp, err := tr.Checkpoint(ctx)
		if err != nil || cp.Seq != 3 || cp.KeyID != KeyID(tr.PublicKey()) {
			t.Fatalf("Checkpoint = %+v, %v", cp, err)
		}
		again, err := tr.Checkpoint(ctx)
		if err != nil {
			t.Fatalf("second Checkpoint: %v", err)
		}
		if diff := cmp.Diff(cp, again); diff != "" {
			t.Errorf("second Checkpoint differs (-first +second):\n%s", diff)
		}
		fill(t, tr, 2)
		rep, err := tr.Verify(ctx, tr.PublicKey())
		if err != nil || !rep.OK() || rep.VerifiedUpTo != 5 || rep.Checkpoint == nil || rep.Checkpoint.Seq != 3 {
			t.Fatalf("Verify = %+v, %v", rep, err)
		}
	})
}

func TestKeys(t *testing.T) {
	t.Parallel()
	key := testKey()
	pub := key.Public().(ed25519.PublicKey)
	pemText, err := EncodePublicKey(pub)
	if err != nil {
		t.Fatalf("EncodePublicKey: %v", err)
	}
	for _, tc := range []struct {
		name, text string
		parse      func(string) (crypto.PublicKey, error)
		ok         bool
	}{
		{"seed in hex", "73636f7065747261696c2d61756469742d746573742d736565642d3332627974", parseSeed, true},
		{"seed in base64", "c2NvcGV0cmFpbC1hdWRpdC10ZXN0LXNlZWQtMzJieXQ=", parseSeed, true},
		{"seed in unpadded base64 with spaces", " c2NvcGV0cmFpbC1hdWRpdC10ZXN0LXNlZWQtMzJieXQ\n", parseSeed, true},
		{"short seed", "abcd", parseSeed, false},
		{"public key in PEM", pemText, parsePublic, true},
		{"public key in base64", base64.StdEncoding.EncodeToString(pub), parsePublic, true},
		{"short public key", "MCowBQYDK2VwAyEA", parsePublic, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.parse(tc.text)
			if !tc.ok {
				if err == nil {
					t.Fatalf("parsing %q succeeded", tc.text)
				}
				return
			}
			if err != nil || !pub.Equal(got) {
				t.Fatalf("parsing %q = %v, %v; want the test key", tc.text, got, err)
			}
		})
	}
}

func parseSeed(s string) (crypto.PublicKey, error) {
	k, err := ParseSeed(s)
	if err != nil {
		return nil, err
	}
	return k.Public(), nil
}

func parsePublic(s string) (crypto.PublicKey, error) { return ParsePublicKey(s) }

func TestClosedDatabase(t *testing.T) {
	t.Parallel()
	db := sqldbtest.SQLite(t)
	tr := newTrail(db)
	db.Close()
	if _, err := tr.Begin(context.Background(), sample(0)); err == nil {
		t.Fatal("Begin on a closed database succeeded")
	}
}
