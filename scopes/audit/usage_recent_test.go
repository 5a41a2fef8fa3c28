package audit

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUsageWindowsAndLastUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t0 := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	calls := []struct {
		user, scope, method string
		ago                 time.Duration
		event               Event
	}{
		{"u1", "s1", "m1", 1 * day, EventActivity},
		{"u1", "s1", "m1", 10 * day, EventActivity},
		{"u1", "s1", "m1", 40 * day, EventActivity},
		{"u1", "s2", "m2", 50 * day, EventActivity},
		{"u2", "s1", "m1", 3 * day, EventActivity},
		{"u2", "s1", "m1", 2 * day, EventDeny},
		{"u2", "", "", 2 * day, EventSignIn},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			tr := New(b.open(t), Options{})
			for _, c := range calls {
				e := Entry{Time: t0.Add(-c.ago), ActorID: c.user, Scope: c.scope, MethodName: c.method, Event: c.event}
				if c.event == EventActivity {
					begun, err := tr.Begin(ctx, e)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := tr.Complete(ctx, begun, Result{Outcome: OutcomeOK}); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if _, err := tr.Append(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			got, err := tr.UsageWindows(ctx, t0.Add(-30*day), t0.Add(-7*day))
			if err != nil {
				t.Fatal(err)
			}
			want := []WindowUsage{
				{Usage: Usage{Scope: "s1", Method: "m1", UserID: "u1", Calls: 2, Last: t0.Add(-day)}, Recent: 1},
				{Usage: Usage{Scope: "s1", Method: "m1", UserID: "u2", Calls: 1, Last: t0.Add(-3 * day)}, Recent: 1},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("UsageWindows (-want +got):\n%s", diff)
			}
			for _, tt := range []struct {
				user, scope string
				want        time.Time
			}{
				{"u1", "s1", t0.Add(-day)}, {"u1", "s2", t0.Add(-50 * day)}, {"u2", "s2", time.Time{}}, {"u3", "s1", time.Time{}},
			} {
				if got, err := tr.LastUse(ctx, tt.user, tt.scope); err != nil || !got.Equal(tt.want) {
					t.Errorf("LastUse(%s, %s) = %v, %v; want %v", tt.user, tt.scope, got, err, tt.want)
				}
			}
		})
	}
}
