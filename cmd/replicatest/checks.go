package replicatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// Check is one invariant a run must keep: its name, and a description of
// each way the run broke it.
type Check struct {
	Name     string
	Failures []string
}

// Checks checks every invariant of a run against base, the data a
// fault-free run synced.
func (o *Outcome) Checks(base Synced) []Check {
	return []Check{
		{"every request Google served has its audit entry, written before it", CheckAudited(o.Served, o.Trail, o.Flows)},
		{"the synced data equals a fault-free run's", o.checkSynced(base)},
		{"every download is whole on the shared spool, with Drive's MD5", o.Spool},
		{"no job is stuck, none was dropped for a transient fault", o.checkJobs()},
		{"no refresh token was invalidated by a race, nobody revoked but the five", o.checkRefresh()},
		{"no request for a revoked user after the revocation began", o.checkRevoked()},
		{"no drive.readonly request after the suspension began", o.checkSuspended()},
		{"the audit chain verifies", o.Verify},
		{"the replicas stop gracefully on SIGTERM", o.Stops},
	}
}

// checkSynced compares each user's meetings, recordings and directory with
// base: all of them for the members nobody changed and for the admin;
// meetings for the suspended members (calendars are not suspended);
// nothing at all for the revoked, whose data is purged.
func (o *Outcome) checkSynced(base Synced) []string {
	var fails []string
	diff := func(what, email string, want, got []string) {
		if d := cmp.Diff(want, got); d != "" {
			fails = append(fails, fmt.Sprintf("%s of %s differ from the fault-free run's (-want +got):\n%s", what, email, d))
		}
	}
	for _, email := range o.Members {
		if _, revoked := o.Revoked[email]; revoked {
			if n := len(o.Synced.Meetings[email]) + len(o.Synced.Recordings[email]); n > 0 {
				fails = append(fails, fmt.Sprintf("%s was revoked, yet %d meetings and recordings of theirs are kept", email, n))
			}
			continue
		}
		if len(base.Meetings[email]) == 0 {
			fails = append(fails, fmt.Sprintf("the fault-free run synced no meeting of %s: the comparison proves nothing", email))
		}
		diff("meetings", email, base.Meetings[email], o.Synced.Meetings[email])
		if _, suspended := o.Suspended[email]; !suspended {
			diff("recordings", email, base.Recordings[email], o.Synced.Recordings[email])
		}
	}
	for owner, people := range base.Directory {
		if want := o.Options.Workspace.Directory; len(people) != want {
			fails = append(fails, fmt.Sprintf("the fault-free run synced %d people into %s's directory, the workspace has %d", len(people), owner, want))
		}
		diff("the directory", owner, people, o.Synced.Directory[owner])
	}
	if len(base.Directory) == 0 {
		fails = append(fails, "the fault-free run synced no directory")
	}
	return fails
}

// checkJobs reports the jobs the killed replica left running past the
// rescue bound, those that never ended, those discarded after their
// attempts, and those cancelled for a user nobody changed.
func (o *Outcome) checkJobs() []string {
	var fails []string
	for _, j := range o.Stuck {
		fails = append(fails, fmt.Sprintf("job %d (%s) was running when its replica was killed and still was %s later, not taken up again", j.ID, j.Kind, o.Options.Recover))
	}
	changed := map[string]bool{}
	for _, email := range o.Members {
		_, r := o.Revoked[email]
		_, s := o.Suspended[email]
		changed[email] = r || s
	}
	ids := o.Trail.Emails
	for _, j := range o.Jobs {
		switch {
		case slices.Contains(busyStates, j.State):
			fails = append(fails, fmt.Sprintf("job %d (%s for %s) is still %s %s after the faults ended, after %d attempts, due at %s: %s",
				j.ID, j.Kind, ids[j.UserID], j.State, o.Options.Settle, j.Attempt, j.ScheduledAt.Format("15:04:05"), lastError(j.Errors)))
		case j.State == "discarded":
			fails = append(fails, fmt.Sprintf("job %d (%s for %s) was discarded after %d attempts: %s", j.ID, j.Kind, ids[j.UserID], j.Attempt, lastError(j.Errors)))
		case j.State == "cancelled" && !changed[ids[j.UserID]]:
			fails = append(fails, fmt.Sprintf("job %d (%s for %s, whom nobody revoked or suspended) was cancelled: %s", j.ID, j.Kind, ids[j.UserID], lastError(j.Errors)))
		}
	}
	return fails
}

// lastError returns the last failure River recorded for a job, from its
// errors as JSON.
func lastError(errors string) string {
	var list []struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(errors), &list); err != nil || len(list) == 0 {
		return errors
	}
	return list[len(list)-1].Error
}

// checkRefresh reports token requests Google refused with invalid_grant,
// refreshes the trail records as failed with it, and grants revoked other
// than the five the admin revoked.
func (o *Outcome) checkRefresh() []string {
	var fails []string
	for _, r := range o.Served {
		if r.MethodID == "oauth.token" && r.Status == http.StatusBadRequest {
			fails = append(fails, fmt.Sprintf("Google refused a token request (400, invalid_grant) for %q at %s", r.User, r.Time.Format("15:04:05.000")))
		}
	}
	for _, r := range o.Trail.Requests {
		if r.Event == audit.EventRefreshFailed && r.Reason == "invalid_grant" {
			fails = append(fails, fmt.Sprintf("the refresh of entry %d for %s failed with invalid_grant", r.Seq, r.User))
		}
	}
	for email, status := range o.Grants {
		if _, ok := o.Revoked[email]; !ok && strings.HasPrefix(status, "revoked") {
			fails = append(fails, fmt.Sprintf("the grant of %s, whom nobody revoked, is %s", email, status))
		}
	}
	for email := range o.Revoked {
		if !strings.HasPrefix(o.Grants[email], "revoked") {
			fails = append(fails, fmt.Sprintf("%s was revoked by the admin, yet the grant is %q", email, o.Grants[email]))
		}
	}
	return fails
}

// checkRevoked reports requests for a revoked user that the trail shows
// begun after the revocation's entry, requests Google served for them
// after the admin's page answered, and API requests Google refused for a
// revoked token. The revocation's own call to Google is allowed.
func (o *Outcome) checkRevoked() []string {
	var fails []string
	for email, win := range o.Revoked {
		seq := o.Trail.Revoked[email]
		if seq == 0 {
			fails = append(fails, fmt.Sprintf("the trail has no revoke entry for %s", email))
			continue
		}
		for _, r := range o.Trail.Requests {
			if r.User == email && r.Seq > seq && r.Method != "oauth.revoke" {
				fails = append(fails, fmt.Sprintf("entry %d: %s %s for %s began after the revocation (entry %d), outcome %s", r.Seq, r.Event, r.Method, email, seq, r.Outcome))
			}
		}
		for _, r := range o.Served {
			if r.User == email && r.Time.After(win.Done) && r.MethodID != "oauth.revoke" {
				fails = append(fails, fmt.Sprintf("Google served %s for %s at %s, after the revocation ended at %s",
					r.MethodID, email, r.Time.Format("15:04:05.000"), win.Done.Format("15:04:05.000")))
			}
		}
	}
	for _, r := range o.Served {
		if r.Status == http.StatusUnauthorized && carriesGrant(r.MethodID) {
			fails = append(fails, fmt.Sprintf("Google answered 401 to %s at %s: a revoked token was used", r.MethodID, r.Time.Format("15:04:05.000")))
		}
	}
	return fails
}

// checkSuspended reports drive.readonly requests for a suspended user
// begun after the suspension's entry, and Drive requests Google served for
// them after the admin's page answered.
func (o *Outcome) checkSuspended() []string {
	var fails []string
	for email, win := range o.Suspended {
		seq := o.Trail.Suspended[email]
		if seq == 0 {
			fails = append(fails, fmt.Sprintf("the trail has no suspend entry for %s", email))
			continue
		}
		for _, r := range o.Trail.Requests {
			if r.User == email && r.Seq > seq && strings.HasSuffix(r.Scope, "/drive.readonly") {
				fails = append(fails, fmt.Sprintf("entry %d: %s with drive.readonly for %s began after the suspension (entry %d), outcome %s", r.Seq, r.Method, email, seq, r.Outcome))
			}
		}
		for _, r := range o.Served {
			if r.User == email && r.Time.After(win.Done) && strings.HasPrefix(r.MethodID, "drive.") {
				fails = append(fails, fmt.Sprintf("Google served %s for %s at %s, after drive.readonly was suspended at %s",
					r.MethodID, email, r.Time.Format("15:04:05.000"), win.Done.Format("15:04:05.000")))
			}
		}
	}
	return fails
}
