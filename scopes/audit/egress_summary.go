package audit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// EgressSummary sums what one transcription engine sent to one destination
// host, from the trail's transcribe entries and its refusals of them.
type EgressSummary struct {
	// Engine is the engine's name (the entries' MethodName); Host where the
	// audio went, "local" for an engine on this machine.
	Engine, Host string
	// Begun counts the transcriptions begun; OK and Failed those whose
	// outcome was recorded as a success or not. Begun minus both are the
	// ones whose outcome is unknown: the audio may have gone.
	Begun, OK, Failed int64
	// BytesSent and Audio sum the bytes and the duration of audio sent, as
	// recorded with the outcomes.
	BytesSent int64
	Audio     time.Duration
	// Refused counts transcriptions refused before any audio was sent,
	// such as to a host not allowed.
	Refused int64
	// Last is the time of the latest entry.
	Last time.Time
}

// Unknown counts the transcriptions begun whose outcome is not recorded.
func (e EgressSummary) Unknown() int64 { return max(e.Begun-e.OK-e.Failed, 0) }

// Egress sums the transcription egress since a time by engine and host,
// sorted by engine and host, in one pass over the entries: transcribe
// entries (APIName "transcribe"), begun and completed, and deny entries of
// the same API.
func (t *Trail) Egress(ctx context.Context, since time.Time) ([]EgressSummary, error) {
	rows, err := t.db.Query(ctx, egressQuery, egressArgs(since)...)
	if err != nil {
		return nil, fmt.Errorf("summing transcription egress: %w", err)
	}
	defer rows.Close()
	var out []EgressSummary
	for rows.Next() {
		var e EgressSummary
		var audio, last int64
		if err := rows.Scan(&e.Engine, &e.Host, &e.Begun, &e.OK, &e.Failed, &e.BytesSent, &audio, &e.Refused, &last); err != nil {
			return nil, fmt.Errorf("summing transcription egress: %w", err)
		}
		e.Audio, e.Last = time.Duration(audio)*time.Microsecond, sqldb.FromMicros(last)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("summing transcription egress: %w", err)
	}
	slices.SortFunc(out, func(a, b EgressSummary) int {
		return cmp.Or(cmp.Compare(a.Engine, b.Engine), cmp.Compare(a.Host, b.Host))
	})
	return out, nil
}

// apiTranscribe is the APIName of transcription entries.
const apiTranscribe = "transcribe"

// egressQuery sums the transcription entries since a time, read through
// the partial index audit_entries_egress, which holds only them: the
// api_name condition is written out as the index's is, so that both
// databases know the index applies, and the cost of the summary does not
// grow with the other entries of the trail.
const egressQuery = `SELECT method_name, host,
		SUM(CASE WHEN event = ? AND ref_seq = 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN event = ? AND ref_seq > 0 AND outcome = ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN event = ? AND ref_seq > 0 AND outcome <> ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN event = ? AND ref_seq > 0 THEN bytes_sent ELSE 0 END),
		SUM(CASE WHEN event = ? AND ref_seq > 0 THEN audio_us ELSE 0 END),
		SUM(CASE WHEN event = ? THEN 1 ELSE 0 END),
		MAX(time_us)
		FROM audit_entries WHERE api_name = '` + apiTranscribe + `' AND time_us >= ? AND event IN (?, ?)
		GROUP BY method_name, host`

// egressArgs are the arguments of egressQuery.
func egressArgs(since time.Time) []any {
	tr, deny, ok := string(EventTranscribe), string(EventDeny), string(OutcomeOK)
	return []any{tr, tr, ok, tr, ok, tr, tr, deny, since.UnixMicro(), tr, deny}
}
