// Package audit is ScopeTrail's tamper-evident trail of every use of every
// Google scope.
//
// Entries form one hash chain per database: each entry's hash covers a
// canonical, versioned encoding of all its fields, its sequence number, the
// chain's random id and the previous entry's hash. The entries are also the
// leaves of a Merkle tree (golang.org/x/mod/sumdb/tlog). Checkpoints, made
// every CheckpointEvery entries and every CheckpointInterval, are numbered,
// chained C2SP tlog-checkpoint notes signed with an Ed25519 key
// (golang.org/x/mod/sumdb/note), also handed to Witnesses outside the
// database. They let a reviewer prove that the trail was not edited,
// reordered, truncated, emptied or spliced; Verify names the first bad
// entry. The chain head is sealed with a key derived from the signing key,
// and an append that finds the stored trail inconsistent fails with
// ErrInconsistent instead of writing.
//
// The trail is write-ahead: Begin records a request, with outcome "pending",
// before it leaves the process, and Complete appends a second entry that
// records its outcome and points back at the first. The chain stays
// append-only; a request whose outcome was never recorded (the process died
// while it was in flight) reads as outcome "unknown".
//
// Entries never hold content: no event titles, names or transcript text.
package audit

import (
	"errors"
	"time"
)

// Event is what an entry records, named after Google's token audit events
// where one exists.
type Event string

// Events.
const (
	EventActivity      Event = "activity"
	EventAuthorize     Event = "authorize"
	EventRefresh       Event = "refresh"
	EventRefreshFailed Event = "refresh_failed"
	EventRevoke        Event = "revoke"
	EventSuspend       Event = "suspend"
	EventResume        Event = "resume"
	EventDeny          Event = "deny"
	EventPurge         Event = "purge"
	EventSignIn        Event = "signin"
	// EventTranscribe records audio sent to a transcription engine, local
	// or remote: APIName "transcribe", MethodName the engine's name,
	// Resource "fileId=ID", Host where the audio went.
	EventTranscribe Event = "transcribe"
)

// Outcome is how an audited action ended.
type Outcome string

// Outcomes.
const (
	OutcomeOK    Outcome = "ok"
	OutcomeError Outcome = "error"
	// OutcomeDenied is the outcome of a refusal by the policy.
	OutcomeDenied Outcome = "denied"
	// OutcomePending is stored on an entry written before a request leaves.
	OutcomePending Outcome = "pending"
	// OutcomeUnknown is how a pending entry without a recorded outcome
	// reads: the request may or may not have reached Google.
	OutcomeUnknown Outcome = "unknown"
)

// Sentinel errors.
var (
	// ErrInvalidEntry means an entry lacks a required field.
	ErrInvalidEntry = errors.New("audit: invalid entry")
	// ErrNotPending means Complete was given an entry that is not a stored
	// pending entry.
	ErrNotPending = errors.New("audit: entry is not pending")
	// ErrNoSigner means a checkpoint was asked for but the trail has no
	// signing key.
	ErrNoSigner = errors.New("audit: no signing key")
	// ErrEmpty means the trail has no entries yet.
	ErrEmpty = errors.New("audit: trail is empty")
	// ErrBadCursor means a pagination cursor could not be read.
	ErrBadCursor = errors.New("audit: bad cursor")
)

// Entry is one audit record. Its fields follow Google's token audit events.
type Entry struct {
	// Seq is the entry's position in the chain, from 1.
	Seq int64
	// ID is a random, unique id.
	ID   string
	Time time.Time

	ActorID, ActorEmail, ClientID string
	Event                         Event

	// SubjectID and SubjectEmail name the user whose grant or data the
	// entry concerns when that is not the actor, as the member whose scope
	// an admin suspended; both are empty when the entry concerns its actor
	// alone. SubjectEmail may be set without SubjectID, for someone who is
	// not a user yet, such as an invitee.
	SubjectID, SubjectEmail string

	// APIName is "people", "calendar" or "drive"; MethodName is Google's
	// method id, such as "calendar.events.list".
	APIName, MethodName string
	// Scope is the scope the request used; Purpose why it was made.
	Scope, Purpose string
	// Resource names what was touched, such as "calendarId=primary", never
	// its content.
	Resource string

	HTTPStatus int
	// ErrorReason is Google's error reason, or the policy's refusal reason.
	ErrorReason      string
	Outcome          Outcome
	NumResponseBytes int64
	Items            int64
	Latency          time.Duration

	RequestID, Replica string

	// Host, BytesSent and AudioDuration describe data sent to a third party
	// other than Google, on transcribe entries: the destination host, or
	// "local" for an engine on this machine; the bytes of audio sent; the
	// duration of that audio. They are zero on every other entry.
	Host          string
	BytesSent     int64
	AudioDuration time.Duration

	// RefSeq, on an entry that records an outcome, is the Seq of the pending
	// entry it completes; 0 otherwise.
	RefSeq int64

	PrevHash, Hash string
}

// Result is the outcome of a request begun with Trail.Begin.
type Result struct {
	// Event replaces the begin entry's event when set, as refresh becomes
	// refresh_failed.
	Event            Event
	Outcome          Outcome
	HTTPStatus       int
	ErrorReason      string
	NumResponseBytes int64
	Items            int64
	Latency          time.Duration
	// BytesSent and AudioDuration, when not zero, replace the begin
	// entry's: they are known only once the audio has gone.
	BytesSent     int64
	AudioDuration time.Duration
}
