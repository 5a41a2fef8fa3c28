package audit

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestQueryPagesBothWays walks pages forwards with Next to the last page
// and back with Prev to the first, in both orders and with a filter: the
// pages split the entries the same both ways, the first page has no Prev,
// the last no Next, and no empty page follows a full one.
func TestQueryPagesBothWays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		tr := queryFixture(t, db)
		for _, tc := range []struct {
			name string
			f    Filter
			want [][]int64
		}{
			{"oldest first", Filter{Limit: 3}, [][]int64{{1, 3, 5}, {7, 9, 11}, {12, 13}}},
			{"newest first", Filter{Limit: 3, Desc: true}, [][]int64{{13, 12, 11}, {9, 7, 5}, {3, 1}}},
			{"full pages", Filter{Limit: 4}, [][]int64{{1, 3, 5, 7}, {9, 11, 12, 13}}},
			{"one user, newest first", Filter{UserID: "u1", Limit: 2, Desc: true}, [][]int64{{12, 7}, {1}}},
			{"raw, one page", Filter{Raw: true, Event: EventRefreshFailed}, [][]int64{{14}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var pages [][]int64
				var p Page
				for f := tc.f; ; f.Cursor = p.Next {
					var err error
					if p, err = tr.Query(ctx, f); err != nil {
						t.Fatal(err)
					}
					if (p.Prev == "") != (len(pages) == 0) {
						t.Errorf("page %d: Prev %q", len(pages)+1, p.Prev)
					}
					pages = append(pages, seqs(p.Entries))
					if p.Next == "" {
						break
					}
				}
				if diff := cmp.Diff(tc.want, pages); diff != "" {
					t.Fatalf("pages forwards (-want +got):\n%s", diff)
				}
				back := [][]int64{pages[len(pages)-1]}
				for f := tc.f; p.Prev != ""; {
					f.Prev = p.Prev
					var err error
					if p, err = tr.Query(ctx, f); err != nil {
						t.Fatal(err)
					}
					if p.Next == "" {
						t.Errorf("page %v read back has no Next", seqs(p.Entries))
					}
					back = append([][]int64{seqs(p.Entries)}, back...)
				}
				if diff := cmp.Diff(tc.want, back); diff != "" {
					t.Errorf("pages backwards (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("past the ends", func(t *testing.T) {
			for _, f := range []Filter{{Cursor: "13"}, {Prev: "1"}, {Desc: true, Cursor: "1"}, {Desc: true, Prev: "14"}} {
				p, err := tr.Query(ctx, f)
				if err != nil || len(p.Entries) != 0 || p.Prev != "" || p.Next != "" {
					t.Errorf("Query(%+v) = %+v, %v; want an empty page without cursors", f, p, err)
				}
			}
		})
		t.Run("bad cursors", func(t *testing.T) {
			for _, f := range []Filter{{Prev: "x"}, {Prev: "-1"}, {Cursor: "3", Prev: "9"}} {
				if _, err := tr.Query(ctx, f); !errors.Is(err, ErrBadCursor) {
					t.Errorf("Query(%+v): %v; want ErrBadCursor", f, err)
				}
			}
		})
	})
}

// newPagedTrail is a trail of n entries on db, for the tail tests.
func newPagedTrail(t *testing.T, db *sqldb.DB, n int) *Trail {
	t.Helper()
	tr := newTrail(db)
	for i := range n {
		if _, err := tr.Append(context.Background(), sample(i)); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}
