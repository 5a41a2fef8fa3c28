package audit

import (
	"context"
	"crypto/ed25519"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestWithProgress checks what Verify and the exports report under
// WithProgress: how far they have read of the chain head's entries, up to
// the head.
func TestWithProgress(t *testing.T) {
	tr := newTrail(sqldbtest.SQLite(t))
	fill(t, tr, 11)
	type step struct{ Done, Total int64 }
	follow := func() (context.Context, *[]step) {
		var got []step
		return WithProgress(context.Background(), func(done, total int64) { got = append(got, step{done, total}) }), &got
	}
	ctx, got := follow()
	if rep, err := tr.Verify(ctx, testKey().Public().(ed25519.PublicKey)); err != nil || !rep.OK() {
		t.Fatalf("Verify: %+v, %v", rep, err)
	}
	if diff := cmp.Diff([]step{{11, 11}}, *got); diff != "" {
		t.Errorf("Verify reported (-want +got):\n%s", diff)
	}
	ctx, got = follow()
	if err := tr.Export(ctx, io.Discard, FormatJSONL, Filter{Raw: true, Limit: 4}); err != nil {
		t.Fatal(err)
	}
	var want []step
	for seq := range int64(11) {
		want = append(want, step{seq + 1, 11})
	}
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("Export reported (-want +got):\n%s", diff)
	}
	ctx, got = follow()
	if err := tr.ExportSigned(ctx, io.Discard, Filter{Scope: "https://www.googleapis.com/auth/drive.readonly"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]step{{3, 11}, {4, 11}, {9, 11}, {10, 11}}, *got); diff != "" {
		t.Errorf("ExportSigned of drive's entries reported (-want +got):\n%s", diff)
	}
}

// TestVerifyProgressAcrossWindows checks that Verify of a trail of several
// windows reports each window as the walk finishes it, in order, up to the
// head.
func TestVerifyProgressAcrossWindows(t *testing.T) {
	t.Parallel()
	const n = 2*verifyPage + 100
	db := sqldbtest.SQLite(t)
	seedChain(t, db, n)
	var got []int64
	ctx := WithProgress(context.Background(), func(done, total int64) {
		if total != n {
			t.Errorf("reported %d of %d, want of %d", done, total, n)
		}
		got = append(got, done)
	})
	if rep, err := New(db, Options{}).Verify(ctx, testKey().Public().(ed25519.PublicKey)); err != nil || !rep.OK() {
		t.Fatalf("Verify: %+v, %v", rep, err)
	}
	if diff := cmp.Diff([]int64{verifyPage, 2 * verifyPage, n}, got); diff != "" {
		t.Errorf("Verify reported (-want +got):\n%s", diff)
	}
}
