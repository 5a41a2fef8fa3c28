package web

import (
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/connector/jobs"
)

// jobClock is how the Jobs page writes a moment: the time of day, UTC,
// with the date when it is not today's.
func jobClock(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	if t.Format(time.DateOnly) == now.Format(time.DateOnly) {
		return t.Format("15:04:05 UTC")
	}
	return t.Format("2006-01-02 15:04:05 UTC")
}

// spell writes a duration for people: "35 ms", "0.4 s", "12 s", "4 min 5 s",
// "3 h 12 min", "2 d 3 h".
func spell(d time.Duration) string {
	d = max(d, 0)
	switch {
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min %d s", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%d d %d h", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

// jobTimes says when a job was queued and how long it waited and ran, or
// has been waiting or running: "queued 09:30:00 UTC", "waited 0.4 s",
// "ran 3.2 s", "finished 09:30:04 UTC"; or "waiting 12 s", "running for
// 5 s", "next attempt in 40 s".
func jobTimes(j jobs.Info, now time.Time) []string {
	var out []string
	if queued := firstSet(j.CreatedAt, j.ScheduledAt); !queued.IsZero() {
		out = append(out, "queued "+jobClock(queued, now))
	}
	started := !j.AttemptedAt.IsZero()
	switch j.State {
	case "available", "pending":
		out = append(out, "waiting "+spell(now.Sub(firstSet(j.ScheduledAt, j.CreatedAt))))
	case "scheduled":
		out = append(out, dueIn("runs", j.ScheduledAt, now))
	case "retryable":
		if started {
			out = append(out, "attempt "+fmt.Sprint(j.Attempt)+" failed at "+jobClock(firstSet(j.LastErrorAt, j.AttemptedAt), now))
		}
		out = append(out, dueIn("next attempt", j.ScheduledAt, now))
	case "running":
		if started {
			out = append(out, "running for "+spell(now.Sub(j.AttemptedAt)))
		}
	default:
		if started && !j.ScheduledAt.IsZero() && !j.AttemptedAt.Before(j.ScheduledAt) {
			out = append(out, "waited "+spell(j.AttemptedAt.Sub(j.ScheduledAt)))
		}
		if started && !j.FinishedAt.IsZero() {
			out = append(out, "ran "+spell(j.FinishedAt.Sub(j.AttemptedAt)))
		}
		if !j.FinishedAt.IsZero() {
			out = append(out, "finished "+jobClock(j.FinishedAt, now))
		}
	}
	return out
}

// dueIn says when a waiting job runs, after what: "next attempt in 40 s",
// or "next attempt waiting 3 s" when its time has come and it waits for a
// worker.
func dueIn(what string, at, now time.Time) string {
	if at.After(now) {
		return what + " in " + spell(at.Sub(now))
	}
	return what + " waiting " + spell(now.Sub(at))
}

// firstSet returns the first time that is not zero.
func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
