package recordings_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// inFlight is how long the fake holds the request a revocation races with.
const inFlight = time.Second

// TestRevokedWhileInFlight revokes a member while a Drive request of theirs
// is in flight, after the door let it out: the revocation marks the grant
// revoked and purges the recordings, rows and spool, as revoke.Service
// does, and when the discovery or the download returns nothing is stored
// for the member, in the database or in the spool, on both databases.
func TestRevokedWhileInFlight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method string
		// nth is the request of method that the revocation races with: the
		// last one, so that the door refuses none after it.
		nth int
		// run does what races with the revocation, after discovering the
		// member's files when discover is set.
		discover bool
		run      func(s *recordings.Service, userID, fileID string) error
	}{
		{
			// Without meetings, discovery lists the folder, then its files.
			name: "discovery", method: "drive.files.list", nth: 2,
			run: func(s *recordings.Service, userID, _ string) error {
				_, err := s.Discover(context.Background(), userID)
				return err
			},
		},
		{
			name: "download", method: "drive.files.get", nth: 1, discover: true,
			run: func(s *recordings.Service, userID, fileID string) error {
				return s.Download(context.Background(), userID, fileID)
			},
		},
		{
			name: "transcript import", method: "drive.files.export", nth: 1, discover: true,
			run: func(s *recordings.Service, userID, fileID string) error {
				return s.ImportTranscript(context.Background(), userID, fileID)
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
				ctx := context.Background()
				h := newHarnessOn(t, db, options{})
				spool := t.TempDir()
				s := h.service(func(o *recordings.Options) {
					o.SpoolDir = spool
					if !tc.discover {
						o.Meetings = nil
					}
				})
				fileID := ""
				if tc.discover {
					rec, doc := firstRecording(t, h, s)
					fileID = rec.FileID
					if tc.method == "drive.files.export" {
						fileID = doc.FileID
					}
				}
				if tc.nth > 1 { // Let the requests before the nth through at once.
					h.fake.AddFault(googletest.Fault{Method: tc.method, User: h.email, Kind: googletest.FaultLatency, Count: tc.nth - 1})
				}
				h.fake.AddFault(googletest.Fault{Method: tc.method, User: h.email, Kind: googletest.FaultLatency, Count: 1, Delay: inFlight})
				err := revokeDuring(t, db, tc.method, tc.nth, func() error { return tc.run(s, h.userID, fileID) }, func() {
					if err := grant.NewStore(db, nil).Revoke(ctx, h.userID, "test"); err != nil {
						t.Errorf("Revoke: %v", err)
					}
					if _, err := s.Purge(ctx, h.userID); err != nil {
						t.Errorf("Purge: %v", err)
					}
				})
				if !errors.Is(err, grant.ErrRevoked) {
					t.Errorf("%s = %v, want an error wrapping grant.ErrRevoked", tc.name, err)
				}
				if n := count(t, db, "SELECT COUNT(*) FROM recordings WHERE user_id = ?", h.userID); n != 0 {
					t.Errorf("%d recordings left for the revoked member", n)
				}
				if entries, err := os.ReadDir(spool); err != nil || len(entries) != 0 {
					t.Errorf("spool after the revocation: %v, %v; want it empty", entries, err)
				}
			})
		})
	}
}

// newHarnessOn is newHarness on the database db.
func newHarnessOn(t *testing.T, db *sqldb.DB, o options) *harness {
	t.Helper()
	ws, err := workspace.Generate(workspace.GenerateOptions{Seed: 5, Domain: "example.test", People: 6,
		CalendarsPerPerson: 1, MeetingsPerCalendar: 8, MeetShare: 1, RecordingShare: 0.8, TranscriptShare: 0.8,
		RecordingSize: 300 << 10, Now: time.Now()})
	if err != nil {
		t.Fatalf("workspace.Generate: %v", err)
	}
	fake, base, err := googletest.Start(googletest.Options{Workspace: ws, Seed: o.seed})
	if err != nil {
		t.Fatalf("googletest.Start: %v", err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.RegisterClient(googletest.Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURI}})
	h := &harness{t: t, ws: ws, fake: fake, urls: googletest.Endpoints(base), db: db, email: busiestOrganizer(ws),
		sent: &sentLog{}, tokens: &memTokens{toks: map[string]oauth2.Token{}}}
	h.userID = "u-" + h.email
	grants := grant.NewStore(db, nil)
	h.door, err = googlehttp.New(googlehttp.Options{
		Bases:  map[string]string{"people": h.urls.PeopleBase, "calendar": h.urls.CalendarBase, "drive": h.urls.DriveBase},
		OAuth2: h.config(), RevokeURL: h.urls.RevokeURL, Grants: grants, Tokens: h.tokens,
		Trail: audit.New(db, audit.Options{Replica: "test", CheckpointEvery: -1}), Base: h.sent,
	})
	if err != nil {
		t.Fatalf("googlehttp.New: %v", err)
	}
	tok := h.authorize([]string{scopes.OpenID, scopes.Email, scopes.DriveReadonly})
	if _, err := grants.Record(context.Background(), h.userID, clientID, scopes.Parse(tok.Extra("scope").(string))); err != nil {
		t.Fatalf("Record: %v", err)
	}
	if err := h.tokens.Save(context.Background(), h.userID, tok); err != nil {
		t.Fatal(err)
	}
	return h
}

// revokeDuring runs run, waits until the audited door has sent the nth
// request of method (its write-ahead audit entry exists; the fake holds the
// request for inFlight), runs revoke, and returns what run returned.
func revokeDuring(t *testing.T, db *sqldb.DB, method string, nth int, run func() error, revoke func()) error {
	t.Helper()
	q := "SELECT COUNT(*) FROM audit_entries WHERE method_name = ? AND outcome = 'pending'"
	before := count(t, db, q, method)
	done := make(chan error, 1)
	go func() { done <- run() }()
	deadline := time.Now().Add(10 * time.Second)
	for count(t, db, q, method) < before+int64(nth) {
		select {
		case err := <-done:
			t.Fatalf("returned before sending %s: %v", method, err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s request was sent", method)
		}
		time.Sleep(5 * time.Millisecond)
	}
	revoke()
	return <-done
}

// count runs a COUNT query.
func count(t *testing.T, db *sqldb.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
