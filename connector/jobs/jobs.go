// Package jobs runs ScopeTrail's background work as durable River jobs on
// the application's own database, SQLite or PostgreSQL.
//
// It knows no feature: each feature declares its own kinds of job (their
// arguments, worker, timeout, queue, follow-ups and period) with Register,
// in a file of its own (connector/directory/jobs.go,
// connector/calendars/jobs.go, connector/recordings/jobs.go), and enqueues
// through the Queue it gets back. Who a periodic re-sync visits is decided
// here, once, by UsersGranted.
//
// Jobs survive restarts and are shared between replicas: they live in
// River's tables, created by River's own migrations when a Runner opens.
// A running job records a heartbeat in its River row four times every
// Options.RescueAfter (one minute by default); every started Runner puts
// back, for any replica to run, a job whose heartbeats stopped for that
// long, because its process was killed or its machine lost. Jobs are
// therefore written to be run again: a download resumes its temporary
// file, a sync applies each batch with its sync token in one transaction.
// A job's arguments carry only ids. A job whose user's access was refused
// by the audited door (revoked, suspended, no token), or whose results a
// store refused to keep because the grant was revoked meanwhile
// (grant.ErrRevoked), is cancelled at once, not retried; other failures are
// retried by River with backoff, up to a bound. googlehttp.Classify decides
// which is which, and River keeps the failure's code and redacted detail,
// never the error's text, for the admin Jobs page.
package jobs

import (
	"errors"
	"time"
)

// ErrNotWired is the error of a job whose kind has nothing to do it with,
// such as a re-sync with no lister of users; the job is cancelled.
var ErrNotWired = errors.New("jobs: no worker wired for this kind of job")

// Info describes a job for the admin Jobs page. It holds no secret and no
// error text: the last failure is a code and a redacted detail.
type Info struct {
	ID   int64
	Kind string
	// Label names the kind for people; the kind itself when this process
	// did not register it.
	Label       string
	UserID      string
	RecordingID string
	// State is River's state: available, scheduled, running, retryable,
	// completed, cancelled, discarded or pending.
	State       string
	Attempt     int
	MaxAttempts int
	// LastErrorCode is the googlehttp.Failure code of the last failed
	// attempt ("" when none), CodeNotWired, or googlehttp.CodeUnknown for
	// a failure recorded by River itself or by an older version;
	// LastErrorDetail says more, redacted; LastErrorAt is when it failed.
	LastErrorCode   string
	LastErrorDetail string
	LastErrorAt     time.Time
	CreatedAt       time.Time
	ScheduledAt     time.Time
	// AttemptedAt is when the last attempt started, FinishedAt when the job
	// completed, was cancelled or was discarded; zero when it did not.
	AttemptedAt time.Time
	FinishedAt  time.Time
	// AliveAt is when a running job was last known alive: its last
	// heartbeat, or the start of its attempt. Stalled is true when that is
	// longer ago than the Runner's RescueAfter: its process stopped
	// answering, and a rescue puts it back within RescueAfter/4.
	AliveAt time.Time
	Stalled bool
}
