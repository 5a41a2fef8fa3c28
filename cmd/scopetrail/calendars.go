package main

import (
	"context"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/web"
)

// The calendars connector, the job runner and the recordings service
// satisfy the web package's interfaces for the calendars and meetings pages.
var (
	_ web.Calendars       = (*calendars.Syncer)(nil)
	_ web.Meetings        = (*calendars.Store)(nil)
	_ web.CalendarSyncs   = (*jobs.Runner)(nil)
	_ web.RecordingStatus = (*recordings.Service)(nil)
)

// calendarsApp is the calendars connector as the app wires it: the store
// of linked calendars and meetings, and the syncer that fills it.
type calendarsApp struct {
	store  *calendars.Store
	syncer *calendars.Syncer
}

// newCalendars builds the calendars connector on db. Its Google requests
// leave through clients (the audited door) to the Calendar API at endpoint
// ("" for Google's).
func newCalendars(db *sqldb.DB, clients calendars.Clients, grants calendars.Grants, endpoint string) (*calendarsApp, error) {
	store := calendars.NewStore(db, time.Now)
	syncer, err := calendars.NewSyncer(calendars.Options{Store: store, Clients: clients, Grants: grants, Endpoint: endpoint})
	if err != nil {
		return nil, fmt.Errorf("calendars.NewSyncer: %w", err)
	}
	return &calendarsApp{store: store, syncer: syncer}, nil
}

// sync is the calendar sync job's worker (jobs.Workers.SyncCalendars).
func (a *calendarsApp) sync(ctx context.Context, userID string) error {
	_, err := a.syncer.Sync(ctx, userID)
	return err
}
