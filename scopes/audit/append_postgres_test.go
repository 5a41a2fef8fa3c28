package audit

import (
	"context"
	"errors"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestWriteAfterKnownHead: on PostgreSQL a batch goes in with one statement
// after the head the trail last left, and only then: not after another
// trail moved the head, nor over a row someone put in the way, nor after
// someone rewrote the head; the next append reports the last two.
func TestWriteAfterKnownHead(t *testing.T) {
	t.Parallel()
	url := sqldbtest.PostgresURL(t)
	ctx := context.Background()
	db := openURL(t, url)
	one, two := newTrail(db), newTrail(openURL(t, url))
	batch := func(i int) []*pending { return []*pending{{in: sample(i)}, {in: sample(i + 1)}} }
	if _, err := one.Append(ctx, sample(0)); err != nil {
		t.Fatal(err)
	}
	if b := batch(1); !afterKnown(t, one, b) || b[1].out.Seq != 3 || b[0].out.PrevHash == "" {
		t.Fatalf("after the head it left, the trail wrote %+v", b[1].out)
	}
	if _, err := two.Append(ctx, sample(3)); err != nil {
		t.Fatal(err)
	}
	if afterKnown(t, one, batch(4)) {
		t.Fatal("a batch went in after a head that another trail had moved")
	}
	if e, err := one.Append(ctx, sample(4)); err != nil || e.Seq != 5 {
		t.Fatalf("Append after another trail's = %d, %v; want entry 5", e.Seq, err)
	}
	inWay := storedAt(t, db, 5)
	inWay.Seq, inWay.ID = 6, "in-the-way"
	put(t, db, inWay)
	if afterKnown(t, one, batch(5)) {
		t.Fatal("a batch went in over a row in the way")
	}
	if _, err := one.Append(ctx, sample(5)); !errors.Is(err, ErrInconsistent) {
		t.Fatalf("Append over a row in the way = %v, want ErrInconsistent", err)
	}
	tamperSQL(t, db, "DELETE FROM audit_entries WHERE seq = 6")
	tamperSQL(t, db, "UPDATE audit_chain SET head_hash = 'forged'")
	if afterKnown(t, one, batch(5)) {
		t.Fatal("a batch went in after a rewritten head")
	}
	if _, err := one.Append(ctx, sample(5)); !errors.Is(err, ErrInconsistent) {
		t.Fatalf("Append after the head was rewritten = %v, want ErrInconsistent", err)
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_entries").Scan(&n); err != nil || n != 5 {
		t.Fatalf("%d entries stored, %v; want 5", n, err)
	}
}

// afterKnown runs writeAfterKnown, which must not fail.
func afterKnown(t *testing.T, tr *Trail, batch []*pending) bool {
	t.Helper()
	done, err := tr.writeAfterKnown(context.Background(), batch)
	if err != nil {
		t.Fatalf("writeAfterKnown: %v", err)
	}
	return done
}
