package replicatest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Request is one request to Google as the audit trail records it: the
// pending entry written before it left, completed with its outcome.
type Request struct {
	Seq  int64
	Time time.Time
	// User is the email of the user whose token or grant it used.
	User    string
	Event   audit.Event
	Method  string
	Scope   string
	Outcome audit.Outcome
	Reason  string
}

// Trail is what the checks read of the audit trail.
type Trail struct {
	// Requests are the entries of requests to Google, in chain order.
	Requests []Request
	// Revoked and Suspended are, by email, the seq of the first entry
	// that revoked the user or suspended one of their scopes.
	Revoked, Suspended map[string]int64
	// Entries counts every stored entry.
	Entries int
	// Emails are the users' emails by id.
	Emails map[string]string
}

// googleMethod maps an entry's method to the fake's method id: the two
// OAuth endpoints are named differently, the APIs' methods alike.
func googleMethod(m string) string {
	switch m {
	case "oauth2.token":
		return "oauth.token"
	case "oauth2.revoke":
		return "oauth.revoke"
	}
	return m
}

// ReadTrail reads the whole trail of db; emails maps user ids to emails.
func ReadTrail(ctx context.Context, db *sqldb.DB, emails map[string]string) (*Trail, error) {
	tr := &Trail{Revoked: map[string]int64{}, Suspended: map[string]int64{}, Emails: emails}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries`).Scan(&tr.Entries); err != nil {
		return nil, fmt.Errorf("replicatest: counting the audit entries: %w", err)
	}
	t := audit.New(db, audit.Options{})
	for e, err := range t.Entries(ctx, audit.Filter{Limit: audit.MaxLimit}) {
		if err != nil {
			return nil, fmt.Errorf("replicatest: reading the audit trail: %w", err)
		}
		user := emails[e.ActorID]
		if e.SubjectID != "" {
			user = emails[e.SubjectID]
		}
		switch {
		case e.Event == audit.EventRevoke && e.MethodName == "" && tr.Revoked[user] == 0:
			tr.Revoked[user] = e.Seq
		case e.Event == audit.EventSuspend && tr.Suspended[user] == 0:
			tr.Suspended[user] = e.Seq
		}
		if e.MethodName == "" || e.APIName == "transcribe" || e.Event == audit.EventDeny {
			continue
		}
		tr.Requests = append(tr.Requests, Request{Seq: e.Seq, Time: e.Time, User: user, Event: e.Event,
			Method: googleMethod(e.MethodName), Scope: e.Scope, Outcome: e.Outcome, Reason: e.ErrorReason})
	}
	return tr, nil
}

// CheckAudited reports every request the fake served without an entry
// written before it: per method, the n-th request the fake served must
// find at least n entries written no later, and per user and method as
// many entries as requests. Code exchanges (flows, in all) are not
// requests the door makes (they carry no token and are audited as
// authorize after the fact), so the token endpoint is checked by count:
// at least as many refresh entries as token requests beyond the flows.
func CheckAudited(served []googletest.RequestRecord, tr *Trail, flows int) []string {
	type key struct{ user, method string }
	fake, audited := map[string][]time.Time{}, map[string][]time.Time{}
	fakeBy, auditedBy := map[key]int{}, map[key]int{}
	for _, r := range served {
		if !carriesGrant(r.MethodID) {
			continue
		}
		fake[r.MethodID] = append(fake[r.MethodID], r.Time)
		if r.User != "" {
			fakeBy[key{r.User, r.MethodID}]++
		}
	}
	for _, r := range tr.Requests {
		audited[r.Method] = append(audited[r.Method], r.Time)
		auditedBy[key{r.User, r.Method}]++
	}
	var fails []string
	for method, times := range fake {
		entries := audited[method]
		if method == "oauth.token" {
			if refreshes := len(times) - flows; len(entries) < refreshes {
				fails = append(fails, fmt.Sprintf("audit: Google served %d refresh grants (%d token requests, %d code exchanges), the trail has %d refresh entries",
					refreshes, len(times), flows, len(entries)))
			}
			continue
		}
		if i, at := firstUnaudited(times, entries); i >= 0 {
			fails = append(fails, fmt.Sprintf("audit: %s: Google served request %d of %d at %s, when the trail had only %d entries of it written before",
				method, i+1, len(times), at.Format(time.RFC3339Nano), i))
		}
	}
	for k, n := range fakeBy {
		if k.method != "oauth.token" && auditedBy[k] < n {
			fails = append(fails, fmt.Sprintf("audit: Google served %d %s requests for %s, the trail has %d", n, k.method, k.user, auditedBy[k]))
		}
	}
	sort.Strings(fails)
	return fails
}

// carriesGrant reports whether a request the fake logged used a user's
// token or grant: every API call, refresh and revocation. The consent
// pages, the code exchange's keys and the signing keys do not.
func carriesGrant(method string) bool {
	switch method {
	case "", "oauth.authorize", "oauth.consent", "oauth.discovery", "oauth.certs", "oauth.tokeninfo":
		return false
	}
	return !strings.HasPrefix(method, "oauth.") || method == "oauth.token" || method == "oauth.revoke" || method == "oauth.userinfo"
}

// firstUnaudited returns the index and time of the first request (in
// time order) that finds fewer entries written at or before it than
// requests up to it, or -1.
func firstUnaudited(requests, entries []time.Time) (int, time.Time) {
	sort.Slice(requests, func(i, j int) bool { return requests[i].Before(requests[j]) })
	sort.Slice(entries, func(i, j int) bool { return entries[i].Before(entries[j]) })
	n := 0
	for i, at := range requests {
		for n < len(entries) && !entries[n].After(at) {
			n++
		}
		if n < i+1 {
			return i, at
		}
	}
	return -1, time.Time{}
}
