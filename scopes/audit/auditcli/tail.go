package auditcli

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// pendingWait is how long tail -f waits for a request's outcome before it
// prints the request as pending; its outcome, when it comes, prints the
// row again.
const pendingWait = 5 * time.Second

// tailColumns are the headings of tail's table.
var tailColumns = []string{"#", "TIME (UTC)", "WHO", "WHOSE DATA", "SCOPE", "METHOD", "PURPOSE", "OUTCOME", "BYTES"}

// tailRight marks tail's columns of numbers, aligned to the right.
var tailRight = []bool{0: true, 8: true}

// auditTail prints the latest requests that match the filters as a table,
// oldest first, one row per request, and with -f keeps polling for new ones
// until interrupted.
func auditTail(ctx context.Context, e *auditEnv, args []string) error {
	fs := e.flags("tail")
	n := fs.Int("n", 20, "print the last `N` requests")
	follow := fs.Bool("f", false, "keep printing new requests as they are appended")
	every := fs.Duration("interval", time.Second, "how often -f polls for new entries")
	ff := addFilterFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *n < 0 || *n > audit.MaxLimit || *every <= 0 {
		return fmt.Errorf("-n must be 0 to %d and -interval positive", audit.MaxLimit)
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	f, err := ff.filter(ctx, e)
	if err != nil {
		return err
	}
	f.Raw = true
	// A request is at most two entries, so twice as many entries as rows
	// hold the last n requests whole.
	var read []audit.Entry
	for x, err := range e.trail.Tail(ctx, f, max(min(2**n, audit.MaxLimit), 1), 0) {
		if err != nil {
			return err
		}
		read = append(read, x)
	}
	reqs := newRequests()
	rows := reqs.batch(read, e.now())
	rows = rows[max(len(rows)-*n, 0):]
	if len(rows) == 0 && !*follow {
		_, err := fmt.Fprintln(e.stdout, "no audit entries match")
		return err
	}
	head := make([]cell, len(tailColumns))
	for i, c := range tailColumns {
		head[i] = cell{text: c}
	}
	out := &table{w: e.stdout, right: tailRight}
	if err := out.write(append([][]cell{head}, e.cells(rows)...)); err != nil || !*follow {
		return err
	}
	f.Cursor = ""
	if len(read) > 0 {
		f.Cursor = strconv.FormatInt(read[len(read)-1].Seq, 10)
	}
	return e.follow(ctx, f, reqs, out, *every)
}

// follow prints the requests appended after f.Cursor as they come, polling
// every interval, until ctx ends, which ends it quietly.
func (e *auditEnv) follow(ctx context.Context, f audit.Filter, reqs *requests, out *table, every time.Duration) error {
	f.Desc, f.Prev, f.Limit = false, "", audit.MaxLimit
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		var rows []audit.Entry
		for x, err := range e.trail.Entries(ctx, f) {
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				return err
			}
			f.Cursor = strconv.FormatInt(x.Seq, 10)
			if row, ok := reqs.next(x, e.now()); ok {
				rows = append(rows, row)
			}
		}
		rows = append(rows, reqs.stale(e.now(), pendingWait)...)
		if err := out.write(e.cells(rows)); err != nil {
			return err
		}
	}
}

// cells writes each row's cells, its outcome coloured on a terminal.
func (e *auditEnv) cells(rows []audit.Entry) [][]cell {
	out := make([][]cell, len(rows))
	for i, r := range rows {
		whose := r.SubjectName()
		if whose == "" && r.Scope != "" {
			whose = "self" // the actor's own grant, or data fetched with their token
		}
		size := r.NumResponseBytes
		if r.BytesSent > 0 {
			size = r.BytesSent // audio sent to a transcription engine
		}
		outcome := cell{text: string(r.Outcome)}
		if r.ErrorReason != "" {
			outcome.text += " (" + r.ErrorReason + ")"
		}
		if e.opener.Terminal.Color {
			outcome.color = outcomeColor(r.Outcome)
		}
		out[i] = []cell{
			{text: strconv.FormatInt(r.Seq, 10)}, {text: r.Time.UTC().Format(time.DateTime)},
			{text: orDash(cmp.Or(r.ActorEmail, r.ActorID))}, {text: orDash(whose)}, {text: orDash(shortScopes(r.Scope))},
			{text: cmp.Or(r.MethodName, string(r.Event))}, {text: orDash(r.Purpose)}, outcome, {text: orDash(byteSize(size))},
		}
	}
	return out
}

// outcomeColor is the colour of an outcome: green for ok, red for a
// failure or a refusal, yellow for a request whose outcome is not known.
func outcomeColor(o audit.Outcome) string {
	switch o {
	case audit.OutcomeOK:
		return green
	case audit.OutcomeError, audit.OutcomeDenied:
		return red
	}
	return yellow
}

// shortScopes writes a scope, or the space-separated scopes a consent
// lists, by their short names, separated by commas.
func shortScopes(list string) string {
	fields := strings.Fields(list)
	for i, s := range fields {
		fields[i] = shortScope(s)
	}
	return strings.Join(fields, ",")
}

// orDash is s, or "-" for an empty cell.
func orDash(s string) string { return cmp.Or(s, "-") }
