package googlehttp_test

import (
	"context"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// allScopes are the scopes a test user grants unless told otherwise.
var allScopes = connectortest.AllScopes()

// harness is a fake Google, a database, and a door to the fake.
type harness struct {
	*connectortest.Env
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	h := &harness{}
	h.Env = connectortest.New(t, connectortest.Options{
		Generate: workspace.GenerateOptions{Seed: 7, People: 12, CalendarsPerPerson: 1, MeetingsPerCalendar: 3,
			MeetShare: 1, RecordingShare: 1, TranscriptShare: 1, RecordingSize: 100 << 10},
	})
	return h
}

// expire makes the user's stored access token expired.
func (h *harness) expire(t testing.TB, userID string) {
	t.Helper()
	tok, err := h.Tokens.Load(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	tok.Expiry = h.Clock.Now().Add(-time.Minute)
	if err := h.Tokens.Save(context.Background(), userID, tok); err != nil {
		t.Fatal(err)
	}
}
