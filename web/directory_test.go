package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/policy"
)

// fakeDirectory serves a fixed copy and fixed search results.
type fakeDirectory struct {
	mu       sync.Mutex
	status   directory.Status
	copy     []directory.Person
	found    []directory.Person
	err      error    // returned by Search
	searched []string // queries Search was asked
}

var (
	_ Directory      = (*fakeDirectory)(nil)
	_ DirectorySyncs = (*fakeDirectorySyncs)(nil)
)

func (f *fakeDirectory) Status(context.Context, string) (directory.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status, nil
}

func (f *fakeDirectory) People(_ context.Context, _, query string, limit int) ([]directory.Person, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []directory.Person
	for _, p := range f.copy {
		if strings.Contains(strings.ToLower(p.Name+" "+p.Email), strings.ToLower(query)) && (limit <= 0 || len(out) < limit) {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f *fakeDirectory) Search(_ context.Context, _, query string) ([]directory.Person, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.searched = append(f.searched, query)
	return f.found, f.err
}

// fakeDirectorySyncs records the syncs queued.
type fakeDirectorySyncs struct {
	mu     sync.Mutex
	queued []string
}

func (f *fakeDirectorySyncs) EnqueueDirectorySync(_ context.Context, userID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queued = append(f.queued, userID)
	return nil
}

// directoryHarness is a harness whose server has the directory and
// invitation pages wired to fakes.
type directoryHarness struct {
	*harness
	dir     *fakeDirectory
	syncs   *fakeDirectorySyncs
	invites *fakeInvitations
}

// newDirectoryHarness starts it; edit may add to its Deps.
func newDirectoryHarness(t *testing.T, edit ...func(*Deps)) *directoryHarness {
	t.Helper()
	h := newHarness(t)
	d := &directoryHarness{harness: h, dir: &fakeDirectory{}, syncs: &fakeDirectorySyncs{}, invites: newFakeInvitations()}
	deps := h.deps()
	deps.Directory = &DirectoryPages{Directory: d.dir, Syncs: d.syncs, Invitations: d.invites}
	for _, e := range edit {
		e(&deps)
	}
	h.serve(h.config(), deps)
	return d
}

// grantDirectory lets alice's grant read the directory.
func (d *directoryHarness) grantDirectory() {
	d.grants.put(grant.Grant{UserID: alice.ID, Scopes: []string{scopes.OpenID, scopes.Email, scopes.DirectoryReadonly}, Status: grant.StatusActive})
}

// rows returns the name, email, checkbox and invitation of each result.
func rows(r *browser.Page) [][]string {
	var out [][]string
	for _, tr := range r.FindAll("table.directory tr.person") {
		box := "-"
		if in := browser.FindAllIn(tr, "input[name=email]"); len(in) > 0 {
			box = browser.Attr(in[0], "value")
		}
		cell := func(sel string) string { return strings.TrimSpace(browser.Text(browser.FindAllIn(tr, sel)[0])) }
		out = append(out, []string{cell("td.name .person-name"), cell("td.name .email"), box, cell("td.invitation")})
	}
	return out
}

var (
	ada   = directory.Person{ResourceName: "people/1", Name: "Ada Lovelace", Email: "ada@example.com"}
	grace = directory.Person{ResourceName: "people/2", Name: "Grace Hopper", Email: "grace@example.com"}
	alan  = directory.Person{ResourceName: "people/3", Name: "Alan Turing", Email: "alan@example.com"}
)

func TestDirectoryPage(t *testing.T) {
	t.Parallel()
	synced := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name      string
		granted   bool
		query     string
		searchErr error
		status    directory.Status
		want      [][]string
		searched  int
		present   []string // selectors that must match
		absent    []string // selectors that must not match
		heading   string
	}{
		{name: "copy", granted: true, status: directory.Status{Synced: true, People: 3, LastSync: synced, LastFull: synced},
			want:    [][]string{{"Ada Lovelace", "ada@example.com", "-", "invited"}, {"Grace Hopper", "grace@example.com", "grace@example.com", ""}, {"Alan Turing", "alan@example.com", "alan@example.com", ""}},
			present: []string{`form[action="/admin/directory/sync"] button`, `form[action="/admin/invitations"] button.primary`, "td.name span.avatar.c0, td.name span.avatar.c1, td.name span.avatar.c2, td.name span.avatar.c3, td.name span.avatar.c4, td.name span.avatar.c5, td.name span.avatar.c6, td.name span.avatar.c7", `nav a[href="/admin/directory"]`, `nav a[href="/admin/invitations"]`},
			absent:  []string{"#grant-needed", "#sync-error", "#search-fallback"},
			heading: "Your copy"},
		{name: "live search", granted: true, query: "gr",
			want: [][]string{{"Grace Hopper", "grace@example.com", "grace@example.com", ""}}, searched: 1,
			present: []string{`a[href="/admin/directory"]#clear-search`},
			absent:  []string{"#search-fallback"}, heading: "Google's directory: matches for “gr”"},
		{name: "search refused", granted: true, query: "alan",
			searchErr: &googlehttp.DeniedError{Reason: policy.Reason("suspended"), Scope: scopes.DirectoryReadonly},
			want:      [][]string{{"Alan Turing", "alan@example.com", "alan@example.com", ""}}, searched: 1,
			present: []string{"#search-fallback"}, heading: "Your copy: matches for “alan”"},
		{name: "not granted", query: "alan", status: directory.Status{LastError: "denied.scope_not_granted", LastErrorAt: synced},
			want:    [][]string{{"Alan Turing", "alan@example.com", "alan@example.com", ""}},
			present: []string{"#grant-needed", `form[action="/link/invite"]`, "#sync-error"}, heading: "Your copy: matches for “alan”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDirectoryHarness(t)
			if tt.granted {
				d.grantDirectory()
			}
			d.dir.status, d.dir.copy, d.dir.found, d.dir.err = tt.status, []directory.Person{ada, grace, alan}, []directory.Person{grace}, tt.searchErr
			d.invites.put(invite.Invitation{ID: "inv-1", Email: ada.Email, Status: invite.StatusPending})
			d.signIn(alice)
			r := d.get("/admin/directory?q=" + url.QueryEscape(tt.query))
			d.expectStatus(r, http.StatusOK)
			if diff := cmp.Diff(tt.want, rows(r)); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if got := r.TextOf(t, "#results"); got != tt.heading {
				t.Errorf("heading = %q, want %q", got, tt.heading)
			}
			if len(d.dir.searched) != tt.searched {
				t.Errorf("Google was searched %d times, want %d", len(d.dir.searched), tt.searched)
			}
			for _, sel := range tt.present {
				if r.Find(sel) == nil {
					t.Errorf("no element matches %q", sel)
				}
			}
			for _, sel := range tt.absent {
				if r.Find(sel) != nil {
					t.Errorf("an element matches %q", sel)
				}
			}
		})
	}
}

func TestDirectoryStatus(t *testing.T) {
	t.Parallel()
	d := newDirectoryHarness(t)
	d.grantDirectory()
	at := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	d.dir.status = directory.Status{Synced: true, People: 1234, LastSync: at, LastFull: at.Add(-time.Hour),
		LastError: "transient.backendError", LastErrorDetail: "Google answered 503 backendError (after 6 attempts)", LastErrorAt: at.Add(time.Minute)}
	d.signIn(alice)
	r := d.get("/admin/directory")
	d.expectStatus(r, http.StatusOK)
	checks := map[string]string{
		"#sync-summary": "1,234 people, synced 2026-11-20 09:30 UTC (last full sync 2026-11-20 08:30 UTC).",
		"#sync-error":   "The last sync failed at 2026-11-20 09:31 UTC: Google did not answer properly. Google answered 503 backendError (after 6 attempts)",
		"#no-people":    "Your copy is empty: sync it, or search Google's directory above.",
	}
	for sel, want := range checks {
		if got := r.TextOf(t, sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
}

// TestDirectorySyncNow: "Sync now" queues a sync and says so; the page then
// shows the sync's progress, in words without JavaScript and through the
// progress endpoint with it, and once the sync ended, its result instead.
func TestDirectorySyncNow(t *testing.T) {
	t.Parallel()
	d := newDirectoryHarness(t)
	d.grantDirectory()
	d.signIn(alice)
	r := d.post("/admin/directory/sync", nil)
	d.expectStatus(r, http.StatusSeeOther)
	if !cmp.Equal(d.syncs.queued, []string{alice.ID}) {
		t.Errorf("queued syncs = %q, want alice's", d.syncs.queued)
	}
	d.setStatus(directory.Status{Queued: true})
	r = d.get(r.Location())
	d.expectText(r, map[string]string{".flash.ok": "A sync of your copy of the directory is queued.",
		"#sync-progress [data-progress-text]": "Sync queued"})
	if got := browser.Attr(r.Find("#sync-progress"), "data-progress"); got != "/admin/directory/sync/progress" {
		t.Errorf("the progress polls %q", got)
	}
	if got := r.TextOf(t, `form[action="/admin/directory/sync"] button`); got != "Sync again when this one ends" {
		t.Errorf("while a sync is queued the sync button says %q", got)
	}

	at := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	steps := []struct {
		status directory.Status
		want   progressReport
	}{
		{directory.Status{Queued: true}, progressReport{Text: "Sync queued: it starts as soon as a worker is free…"}},
		{directory.Status{Running: true}, progressReport{Text: "Syncing: asking Google for the directory…"}},
		{directory.Status{Running: true, Fetched: 2000}, progressReport{Text: "Syncing: 2,000 people listed so far…"}},
		{directory.Status{Running: true, Fetched: 2000, Expected: 5000}, progressReport{Percent: percentOf(40, 100), Text: "Syncing: 2,000 of about 5,000 people listed…"}},
		{directory.Status{Running: true, Fetched: 5100, Expected: 5000}, progressReport{Percent: percentOf(99, 100), Text: "Syncing: 5,100 of about 5,000 people listed…"}},
		{directory.Status{Synced: true, People: 1234, LastSync: at, LastFull: at, LastTook: 3200 * time.Millisecond}, progressReport{Done: true}},
	}
	for _, st := range steps {
		d.setStatus(st.status)
		var got progressReport
		r := d.get("/admin/directory/sync/progress")
		d.expectStatus(r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.Content), &got); err != nil {
			t.Fatalf("progress %s: %v", r.Content, err)
		}
		if !cmp.Equal(got, st.want) {
			t.Errorf("progress of %+v = %+v, want %+v", st.status, got, st.want)
		}
	}
	d.setStatus(directory.Status{Running: true, Fetched: 2000, Expected: 5000})
	r = d.get("/admin/directory")
	if bar := r.Find("#sync-progress progress"); bar == nil || browser.Attr(bar, "value") != "40" || browser.Text(bar) != "40%" {
		t.Errorf("without JavaScript the running sync's bar is not at 40%%:\n%s", r.Content)
	}
	d.setStatus(steps[len(steps)-1].status)
	r = d.get("/admin/directory")
	d.expectText(r, map[string]string{"#sync-result": "Synced 1,234 people in 3 s."})
	if r.Find("#sync-progress") != nil || r.Find(`form[action="/admin/directory/sync"] button`) == nil {
		t.Error("after the sync the page still shows progress, or no Sync now button")
	}

	d.setStatus(directory.Status{Synced: true, People: 1234, LastSync: at, LastFull: at, LastTook: time.Minute,
		LastError: "denied.scope_suspended", LastErrorAt: at.Add(time.Hour)})
	r = d.get("/admin/directory")
	if r.Find("#sync-result") != nil || r.Find("#sync-error") == nil {
		t.Error("a failed sync is shown as a success, or its failure is not shown")
	}
}

// setStatus sets the status of the fake directory copy.
func (d *directoryHarness) setStatus(st directory.Status) {
	d.dir.mu.Lock()
	defer d.dir.mu.Unlock()
	d.dir.status = st
}

func TestDirectoryAdminsOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/admin/directory", http.StatusForbidden},
		{http.MethodPost, "/admin/directory/sync", http.StatusForbidden},
		{http.MethodGet, "/admin/invitations", http.StatusForbidden},
		{http.MethodPost, "/admin/invitations", http.StatusForbidden},
		{http.MethodPost, "/admin/invitations/inv-1/withdraw", http.StatusForbidden},
		{http.MethodPost, "/admin/invitations/inv-1/renew", http.StatusForbidden},
	}
	d := newDirectoryHarness(t)
	d.signIn(bob)
	for _, tt := range tests {
		var r *browser.Page
		if tt.method == http.MethodGet {
			r = d.get(tt.path)
		} else {
			r = d.post(tt.path, url.Values{"email": {"x@example.com"}})
		}
		if r.StatusCode != tt.want {
			t.Errorf("%s %s as a member: %d, want %d", tt.method, tt.path, r.StatusCode, tt.want)
		}
	}
	if len(d.syncs.queued) != 0 || len(d.invites.list()) != 0 {
		t.Error("a member's request had an effect")
	}
}
