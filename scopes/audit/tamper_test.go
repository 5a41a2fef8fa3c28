package audit

import (
	"context"
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// tamperCase tampers with a trail of 12 entries, checkpointed at 5 and 10,
// and says what Verify must find. other, when asked for, is a second
// database with a chain of its own, signed with the same key.
type tamperCase struct {
	name      string
	other     bool
	tamper    func(t *testing.T, db, other *sqldb.DB)
	pub       ed25519.PublicKey
	want      *Problem
	wantUpTo  int64
	wantCheck int64 // seq of the latest verified checkpoint
}

var tamperCases = []tamperCase{
	{name: "intact", tamper: func(*testing.T, *sqldb.DB, *sqldb.DB) {}, wantUpTo: 12, wantCheck: 10},
	{name: "field edited", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		tamperSQL(t, db, "UPDATE audit_entries SET resource = 'fileId=other' WHERE seq = 7")
	}, want: &Problem{Seq: 7, Kind: KindEdited}, wantUpTo: 6, wantCheck: 5},
	{name: "outcome edited", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		tamperSQL(t, db, "UPDATE audit_entries SET outcome = 'error', http_status = 500 WHERE seq = 8")
	}, want: &Problem{Seq: 8, Kind: KindEdited}, wantUpTo: 7, wantCheck: 5},
	{name: "field edited and entry rehashed", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		r := storedAt(t, db, 7)
		r.Resource = "fileId=other"
		rehash(t, &r)
		put(t, db, r)
	}, want: &Problem{Seq: 7, Kind: KindEdited}, wantUpTo: 6, wantCheck: 5},
	{name: "chain rewritten after an edit", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		prev := storedAt(t, db, 6).Hash
		for seq := int64(7); seq <= 12; seq++ {
			r := storedAt(t, db, seq)
			if seq == 7 {
				r.Resource = "fileId=other"
			}
			r.PrevHash = prev
			rehash(t, &r)
			put(t, db, r)
			prev = r.Hash
		}
		tamperSQL(t, db, "UPDATE audit_chain SET head_hash = '"+prev+"'")
	}, want: &Problem{Seq: 10, Kind: KindEdited}, wantUpTo: 5, wantCheck: 5},
	{name: "entry deleted", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		tamperSQL(t, db, "DELETE FROM audit_entries WHERE seq = 7")
	}, want: &Problem{Seq: 7, Kind: KindDeleted}, wantUpTo: 6, wantCheck: 5},
	{name: "entry deleted and later entries renumbered", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		tamperSQL(t, db, "DELETE FROM audit_entries WHERE seq = 7",
			"UPDATE audit_entries SET seq = seq + 1000 WHERE seq > 7",
			"UPDATE audit_entries SET seq = seq - 1001 WHERE seq > 1000")
	}, want: &Problem{Seq: 7, Kind: KindDeleted}, wantUpTo: 6, wantCheck: 5},
	{name: "forged entry inserted", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		forged := storedAt(t, db, 7)
		tamperSQL(t, db, "UPDATE audit_entries SET seq = seq + 1000 WHERE seq >= 7",
			"UPDATE audit_entries SET seq = seq - 999 WHERE seq >= 1000")
		forged.ID, forged.Hash = "forged", strings.Repeat("0", 64)
		put(t, db, forged)
	}, want: &Problem{Seq: 7, Kind: KindInserted}, wantUpTo: 6, wantCheck: 5},
	{name: "linked and hashed forgery inserted", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		forged := storedAt(t, db, 7)
		tamperSQL(t, db, "UPDATE audit_entries SET seq = seq + 1000 WHERE seq >= 7",
			"UPDATE audit_entries SET seq = seq - 999 WHERE seq >= 1000")
		forged.ID, forged.Resource = "forged", "fileId=forged"
		rehash(t, &forged)
		put(t, db, forged)
	}, want: &Problem{Seq: 7, Kind: KindInserted}, wantUpTo: 6, wantCheck: 5},
	{name: "entries reordered", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		tamperSQL(t, db, "UPDATE audit_entries SET seq = 1007 WHERE seq = 7",
			"UPDATE audit_entries SET seq = 7 WHERE seq = 8",
			"UPDATE audit_entries SET seq = 8 WHERE seq = 1007")
	}, want: &Problem{Seq: 7, Kind: KindReordered}, wantUpTo: 6, wantCheck: 5},
	{name: "tail truncated and head moved back", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		h := storedAt(t, db, 8).Hash
		tamperSQL(t, db, "DELETE FROM audit_entries WHERE seq > 8",
			"UPDATE audit_chain SET head_seq = 8, head_hash = '"+h+"'")
	}, want: &Problem{Seq: 9, Kind: KindTruncated}, wantUpTo: 8, wantCheck: 5},
	{name: "tail truncated", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		tamperSQL(t, db, "DELETE FROM audit_entries WHERE seq > 11")
	}, want: &Problem{Seq: 12, Kind: KindTruncated}, wantUpTo: 11, wantCheck: 10},
	{name: "chain spliced from another database", other: true, tamper: func(t *testing.T, db, other *sqldb.DB) {
		tamperSQL(t, db, "DELETE FROM audit_entries")
		for seq := int64(1); seq <= 12; seq++ {
			put(t, db, storedAt(t, other, seq))
		}
	}, want: &Problem{Seq: 1, Kind: KindSpliced}, wantUpTo: 0},
	{name: "entries spliced from another database", other: true, tamper: func(t *testing.T, db, other *sqldb.DB) {
		for seq := int64(4); seq <= 6; seq++ {
			put(t, db, storedAt(t, other, seq))
		}
	}, want: &Problem{Seq: 4, Kind: KindSpliced}, wantUpTo: 3},
	{name: "signature replaced", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		tamperSQL(t, db, "UPDATE audit_checkpoints SET signature = (SELECT signature FROM audit_checkpoints WHERE seq = 10) WHERE seq = 5")
	}, want: &Problem{Seq: 5, Kind: KindBadSignature}, wantUpTo: 4},
	{name: "checkpoint hash edited", tamper: func(t *testing.T, db, _ *sqldb.DB) {
		tamperSQL(t, db, "UPDATE audit_checkpoints SET hash = '"+strings.Repeat("1", 64)+"' WHERE seq = 10")
	}, want: &Problem{Seq: 10, Kind: KindBadSignature}, wantUpTo: 9, wantCheck: 5},
	{name: "verified with another key", tamper: func(*testing.T, *sqldb.DB, *sqldb.DB) {},
		pub:  ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey),
		want: &Problem{Seq: 5, Kind: KindBadSignature}, wantUpTo: 4},
}

func TestTamperEvidence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range tamperCases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					db := b.open(t)
					tr := newTrail(db)
					fill(t, tr, 12)
					var other *sqldb.DB
					if tc.other {
						other = b.open(t)
						fill(t, newTrail(other), 12)
					}
					tc.tamper(t, db, other)
					pub := tc.pub
					if pub == nil {
						pub = tr.PublicKey()
					}
					rep, err := tr.Verify(ctx, pub)
					if err != nil {
						t.Fatalf("Verify: %v", err)
					}
					if diff := cmp.Diff(tc.want, rep.FirstBad, cmpopts.IgnoreFields(Problem{}, "Detail")); diff != "" {
						t.Errorf("FirstBad (-want +got):\n%s\n(got %v)", diff, rep.FirstBad)
					}
					var gotCheck int64
					if rep.Checkpoint != nil {
						gotCheck = rep.Checkpoint.Seq
					}
					if rep.VerifiedUpTo != tc.wantUpTo || gotCheck != tc.wantCheck {
						t.Errorf("VerifiedUpTo %d, checkpoint %d; want %d, %d", rep.VerifiedUpTo, gotCheck, tc.wantUpTo, tc.wantCheck)
					}
					t.Logf("report: %+v, first bad: %v", rep, rep.FirstBad)
					if rep.FirstBad != nil && rep.FirstBad.Detail == "" {
						t.Error("the problem has no detail")
					}
				})
			}
		})
	}
}

// backends open a fresh, migrated database of each kind.
var backends = []struct {
	name string
	open func(testing.TB) *sqldb.DB
}{
	{"sqlite", sqldbtest.SQLite},
	{"postgres", sqldbtest.Postgres},
}
