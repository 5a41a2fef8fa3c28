package audit

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestTail reads the last entries that match, oldest first, then follows
// the entries appended after them until its context ends.
func TestTail(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		tr := newPagedTrail(t, db, 10) // users take turns: u1 has 1, 4, 7, 10
		ctx := context.Background()
		for _, tc := range []struct {
			name string
			f    Filter
			n    int
			want []int64
		}{
			{"last three", Filter{}, 3, []int64{8, 9, 10}},
			{"more than there are", Filter{UserID: "u1"}, 20, []int64{1, 4, 7, 10}},
			{"none", Filter{}, 0, []int64{}},
		} {
			got := []int64{}
			for e, err := range tr.Tail(ctx, tc.f, tc.n, 0) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, e.Seq)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.name, diff)
			}
		}

		fctx, cancel := context.WithCancel(ctx)
		defer cancel()
		seen := make(chan int64)
		done := make(chan error, 1)
		go func() {
			defer close(seen)
			for e, err := range tr.Tail(fctx, Filter{UserID: "u1"}, 1, 10*time.Millisecond) {
				if err != nil {
					done <- err
					return
				}
				seen <- e.Seq
			}
			done <- nil
		}()
		if s := <-seen; s != 10 {
			t.Fatalf("first entry %d, want 10", s)
		}
		for i := 10; i < 13; i++ { // seqs 11, 12, 13: users u2, u3, u1
			if _, err := tr.Append(ctx, sample(i)); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case s := <-seen:
			if s != 13 {
				t.Errorf("followed entry %d, want 13", s)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the appended entry was not followed")
		}
		cancel()
		for range seen {
		}
		if err := <-done; err != nil {
			t.Errorf("Tail ended with %v after its context", err)
		}
	})
}
