package recordings_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// outcome is what a run of Sync leaves: each file's row, the md5 of each
// spooled recording and each transcript's text.
type outcome struct {
	Rows        map[string]recordings.Recording
	Spooled     map[string]string
	Transcripts map[string]string
}

// run syncs the member with a fresh database and spool and returns what it
// left.
func run(t *testing.T, h *harness) outcome {
	t.Helper()
	spool := t.TempDir()
	s := h.service(func(o *recordings.Options) { o.DB, o.SpoolDir = sqldbtest.SQLite(t), spool })
	ctx := context.Background()
	if err := s.Sync(ctx, h.userID); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	list, err := s.List(ctx, h.userID)
	if err != nil {
		t.Fatal(err)
	}
	out := outcome{Rows: map[string]recordings.Recording{}, Spooled: map[string]string{}, Transcripts: map[string]string{}}
	for _, r := range list {
		if out.Transcripts[r.FileID], err = s.Transcript(ctx, h.userID, r.FileID); err != nil {
			t.Fatal(err)
		}
		// Times of the runs differ; the rest must not.
		r.FoundAt, r.UpdatedAt, r.Path = time.Time{}, time.Time{}, filepath.Base(r.Path)
		out.Rows[r.FileID] = r
	}
	for _, path := range spooled(t, spool) {
		out.Spooled[filepath.Base(path)] = fileMD5(t, path)
	}
	return out
}

// TestSyncUnderFaults syncs once without faults, then again with 20% of
// Drive requests failing with a seeded mix of 403 and 429 rate limits, 500
// and 503 errors and bodies cut in the middle. Both runs must end with the
// same files, states, checksums and transcripts.
func TestSyncUnderFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{seed: 2026, meetings: 30})
	clean := run(t, h)
	if len(clean.Spooled) < 3 || len(clean.Transcripts) < 3 {
		t.Fatalf("the clean run spooled %d recordings and %d transcripts; the workspace is too small", len(clean.Spooled), len(clean.Transcripts))
	}

	kinds := []googletest.FaultKind{googletest.FaultRateLimit, googletest.FaultTooManyRequests, googletest.FaultUserRateLimit,
		googletest.FaultBackendError, googletest.FaultUnavailable, googletest.FaultCutBody}
	// The first fault that fires wins: give each kind an equal share of 20%.
	share := 0.2 / float64(len(kinds))
	for i, k := range kinds {
		h.Fake.AddFault(googletest.Fault{Kind: k, Probability: share / (1 - float64(i)*share)})
	}
	h.Fake.ResetRequests()
	faulty := run(t, h)

	requests, failed := 0, 0
	for _, r := range h.Fake.Requests() {
		requests++
		if r.Status >= 400 {
			failed++
		}
	}
	t.Logf("%d files; the faulty run sent %d requests, %d answered with an error status (cut bodies not counted)",
		len(clean.Rows), requests, failed)
	if failed < requests/10 {
		t.Errorf("only %d of %d requests failed", failed, requests)
	}

	if diff := cmp.Diff(clean, faulty); diff != "" {
		t.Errorf("the faulty run differs (-clean +faulty):\n%s", diff)
	}
}
