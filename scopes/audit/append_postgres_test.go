package audit

import (
	"context"
	"errors"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestWriteAfterKnownHead: on PostgreSQL a batch goes in with one statement
// after the head the trail last left, and only then: not after another
// trail moved the head, nor after someone rewrote it, which the next
// append reports.
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
	if b := batch(1); !one.writeAfterKnown(ctx, b) || b[1].out.Seq != 3 || b[0].out.PrevHash == "" {
		t.Fatalf("after the head it left, the trail wrote %+v", b[1].out)
	}
	if _, err := two.Append(ctx, sample(3)); err != nil {
		t.Fatal(err)
	}
	if one.writeAfterKnown(ctx, batch(4)) {
		t.Fatal("a batch went in after a head that another trail had moved")
	}
	if e, err := one.Append(ctx, sample(4)); err != nil || e.Seq != 5 {
		t.Fatalf("Append after another trail's = %d, %v; want entry 5", e.Seq, err)
	}
	tamperSQL(t, db, "UPDATE audit_chain SET head_hash = 'forged'")
	if one.writeAfterKnown(ctx, batch(5)) {
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
