package googletest

import (
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// TestGenerateKeepsDefaultsForKeysNotGiven checks that a --generate spec
// overrides only the keys it names: people=30 still gets the default
// meetings, Meet links and recordings.
func TestGenerateKeepsDefaultsForKeysNotGiven(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	ws, err := openWorkspace("", "people=30", now)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(ws.People()); got != 30 {
		t.Errorf("people = %d, want 30", got)
	}
	want, err := openWorkspace("", defaultGenerate+",people=30", now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := count(ws), count(want); got != want {
		t.Errorf("people=30 gave %+v, want the defaults with 30 people: %+v", got, want)
	}
	if count(ws).files == 0 {
		t.Error("people=30 has no recordings or transcripts")
	}
}

// counts are the sizes of a workspace.
type counts struct{ calendars, events, files int }

func count(ws *workspace.Workspace) counts {
	c := counts{calendars: len(ws.Calendars()), files: len(ws.Files())}
	for _, cal := range ws.Calendars() {
		c.events += len(ws.Events(cal.ID))
	}
	return c
}
