package auditcli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// stamp writes a time for people, in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// tailLine writes one stored entry on one line: what always is, then
// key=value for what is set.
func tailLine(e audit.Entry) string {
	who := e.ActorEmail
	if who == "" {
		who = e.ActorID
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s %s %s %s", e.Seq, stamp(e.Time), e.Event, e.Outcome, who)
	for _, kv := range []struct{ k, v string }{
		{"subject", e.SubjectName()}, {"method", e.MethodName}, {"scope", shortScope(e.Scope)}, {"purpose", e.Purpose}, {"resource", e.Resource},
		{"status", nonZero(int64(e.HTTPStatus))}, {"reason", e.ErrorReason}, {"bytes", nonZero(e.NumResponseBytes)},
		{"items", nonZero(e.Items)}, {"latency", nonZeroDuration(e.Latency)}, {"ref", nonZero(e.RefSeq)},
		{"replica", e.Replica},
	} {
		switch {
		case kv.v == "":
		case strings.ContainsAny(kv.v, " \t\n\"="):
			fmt.Fprintf(&b, " %s=%q", kv.k, kv.v)
		default:
			fmt.Fprintf(&b, " %s=%s", kv.k, kv.v)
		}
	}
	return b.String()
}

// shortScope is a scope's short name, or the scope as given when unknown.
func shortScope(scope string) string {
	if s, ok := scopes.Lookup(scope); ok {
		return s.Short
	}
	return scope
}

// nonZero writes n, or "" for 0.
func nonZero(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// nonZeroDuration writes d, or "" for 0.
func nonZeroDuration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}
