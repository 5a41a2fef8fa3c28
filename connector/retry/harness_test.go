package retry_test

import (
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
)

// harness is a fake Google, a door to it, and one signed-in user.
type harness struct {
	*connectortest.Env
	userID string
}

// newHarness starts a fake workspace and signs its first person in with
// every scope, through the fake's consent page.
func newHarness(t *testing.T) *harness {
	t.Helper()
	e := connectortest.New(t, connectortest.Options{
		Generate: workspace.GenerateOptions{Seed: 11, People: 8, CalendarsPerPerson: 1, MeetingsPerCalendar: 2}})
	all := []string{scopes.OpenID, scopes.Email, scopes.DirectoryReadonly, scopes.CalendarReadonly, scopes.DriveReadonly}
	return &harness{Env: e, userID: e.Authorize(t, e.People[0], all...)}
}
