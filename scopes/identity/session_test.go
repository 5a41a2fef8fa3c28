package identity_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/clocktest"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

func TestSessions(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, _ *sqldb.DB, s *identity.Store, clk *clocktest.Clock) {
		ctx := context.Background()
		ada := signIn(t, s, "1", "ada@example.com", "Ada")
		bob := signIn(t, s, "2", "bob@example.com", "Bob")
		create := func(u identity.User, ttl time.Duration) identity.Session {
			t.Helper()
			sess, err := s.CreateSession(ctx, u.ID, ttl)
			if err != nil {
				t.Fatalf("CreateSession: %v", err)
			}
			return sess
		}
		short := create(ada, time.Minute)
		long1 := create(ada, time.Hour)
		long2 := create(ada, time.Hour)
		bobs := create(bob, time.Hour)

		want := identity.Session{ID: long1.ID, UserID: ada.ID, CreatedAt: clk.Now(), ExpiresAt: clk.Now().Add(time.Hour)}
		gotSess, gotUser, err := s.Session(ctx, long1.ID)
		if err != nil {
			t.Fatalf("Session: %v", err)
		}
		if diff := cmp.Diff(want, gotSess); diff != "" {
			t.Errorf("Session (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(ada, gotUser); diff != "" {
			t.Errorf("Session user (-want +got):\n%s", diff)
		}

		clk.Advance(time.Minute)
		if _, _, err := s.Session(ctx, short.ID); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("expired session: error %v, want ErrNotFound", err)
		}
		if err := s.EndSession(ctx, long2.ID); err != nil {
			t.Fatalf("EndSession: %v", err)
		}
		if err := s.EndSession(ctx, long2.ID); err != nil {
			t.Errorf("EndSession twice: %v", err)
		}
		if _, _, err := s.Session(ctx, long2.ID); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("ended session: error %v, want ErrNotFound", err)
		}
		n, err := s.EndUserSessions(ctx, ada.ID)
		if err != nil || n != 1 {
			t.Errorf("EndUserSessions = %d, %v; want 1 live session ended", n, err)
		}
		if _, _, err := s.Session(ctx, long1.ID); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("session after EndUserSessions: error %v, want ErrNotFound", err)
		}
		if _, _, err := s.Session(ctx, bobs.ID); err != nil {
			t.Errorf("another user's session was ended: %v", err)
		}
		if _, _, err := s.Session(ctx, "forged"); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("unknown session: error %v, want ErrNotFound", err)
		}
	})
}

func TestSessionIDsAreNotStored(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, db *sqldb.DB, s *identity.Store, _ *clocktest.Clock) {
		ctx := context.Background()
		u := signIn(t, s, "1", "ada@example.com", "Ada")
		sess, err := s.CreateSession(ctx, u.ID, time.Hour)
		if err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
		if len(sess.ID) != 43 {
			t.Errorf("session id has %d characters, want 43 (256 bits in base64)", len(sess.ID))
		}
		var stored string
		if err := db.QueryRow(ctx, "SELECT id_hash FROM sessions").Scan(&stored); err != nil {
			t.Fatalf("reading sessions: %v", err)
		}
		if strings.Contains(stored, sess.ID) {
			t.Errorf("the sessions table holds the session id")
		}
		for _, s := range []string{sess.String(), fmt.Sprint(sess), slogText(sess)} {
			if strings.Contains(s, sess.ID) {
				t.Errorf("formatted session %q shows its id", s)
			}
		}
	})
}

func TestCreateSessionErrors(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, _ *sqldb.DB, s *identity.Store, _ *clocktest.Clock) {
		ctx := context.Background()
		u := signIn(t, s, "1", "ada@example.com", "Ada")
		if _, err := s.CreateSession(ctx, u.ID, 0); err == nil {
			t.Error("CreateSession with zero lifetime succeeded")
		}
		if _, err := s.CreateSession(ctx, "unknown", time.Hour); err == nil {
			t.Error("CreateSession for an unknown user succeeded")
		}
	})
}

func slogText(v any) string {
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "session", v)
	return b.String()
}
