package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/joho/godotenv"
	"golang.org/x/net/html"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestTokenOutageDuringCalendarSync boots the demo, links the calendars
// and lets them sync; then the stored access token expires and the fake's
// token endpoint answers 503 once, during the next full calendar sync. The
// sync retries the refresh and completes with every meeting, and the
// calendars page does not ask the member to link their calendars again.
func TestTokenOutageDuringCalendarSync(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testTokenOutageDuringCalendarSync(t, "") })
	t.Run("postgres", func(t *testing.T) { testTokenOutageDuringCalendarSync(t, sqldbtest.PostgresURL(t)) })
}

func testTokenOutageDuringCalendarSync(t *testing.T, databaseURL string) {
	// One request per refresh, as Google takes the credentials: with
	// auto-detection the library's second try would hide the outage.
	a := startAppWith(t, databaseURL, map[string]string{"GOOGLE_TOKEN_AUTH": "post"})
	fake := fakeURL(t, a)
	b := browser.New(t)
	dash := b.Consent(b.Submit(b.Get(a.base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{})
	b.Consent(b.Submit(dash, `form[action="/link/calendars"]`, nil), browser.Answer{})
	cals := b.Get(a.base + "/calendars")
	var ids []string
	for _, in := range cals.FindAll(`input[name="calendar"]`) {
		ids = append(ids, browser.Attr(in, "value"))
	}
	b.Submit(cals, `form[action="/calendars"]`, url.Values{"calendar": ids})
	waitCalendarSyncs(t, a, b, 1)
	before := meetingTitles(t, b.Get(a.base+"/meetings"))
	if len(before) == 0 {
		t.Fatalf("the first sync stored no meetings")
	}

	email := expireStoredToken(t)
	postFake(t, fake+"/_fake/expire-sync-tokens?email="+url.QueryEscape(email), nil)
	clearFakeRequests(t, fake)
	postFake(t, fake+"/_fake/faults", googletestFault{Method: googletest.MethodToken, User: email, Kind: googletest.FaultUnavailable, Count: 1})
	b.Submit(b.Get(a.base+"/meetings"), `form[action="/meetings/sync"]`, nil)
	job := waitCalendarSyncs(t, a, b, 2)
	if state := browser.Text(browser.FindIn(job, "td.state")); state != "completed" {
		t.Errorf("the calendar sync that met the outage is %q, want completed:\n%s\nlogs:\n%s", state, browser.Text(job), a.stderr)
	}

	var answers []int
	for _, r := range fakeRequests(t, fake) {
		if r.MethodID == "oauth.token" && r.User == email {
			answers = append(answers, r.Status)
		}
	}
	if !slices.Equal(answers, []int{http.StatusServiceUnavailable, http.StatusOK}) {
		t.Errorf("after the token expired the token endpoint answered %v for %s, want 503 then 200", answers, email)
	}
	if after := meetingTitles(t, b.Get(a.base+"/meetings")); !slices.Equal(before, after) {
		t.Errorf("after the outage the meetings are %v, want %v", after, before)
	}
	cals = b.Get(a.base + "/calendars")
	if cals.Find(`#no-access`) != nil || cals.Find(`.sync .error`) != nil || strings.Contains(cals.Content, "on again") {
		t.Errorf("after a token endpoint outage the calendars page asks for action:\n%s", cals.Content)
	}
	dash = b.Get(a.base + "/")
	if strings.Contains(dash.Content, "Reconnect") || dash.Find(`#revoked`) != nil {
		t.Errorf("after a token endpoint outage the dashboard asks to reconnect:\n%s", dash.Content)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
}

// googletestFault is a fault as the fake's /_fake/faults takes it.
type googletestFault struct {
	Method string               `json:"method,omitempty"`
	User   string               `json:"user,omitempty"`
	Kind   googletest.FaultKind `json:"kind"`
	Count  int                  `json:"count,omitempty"`
}

var fakeAt = regexp.MustCompile(`a fake Google runs in-process at (\S+?)\.\s`)

// fakeURL returns the base URL of the demo's fake Google, which the demo
// prints after it reports its address.
func fakeURL(t *testing.T, a *app) string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := fakeAt.FindStringSubmatch(a.stdout.String()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("the demo did not say where its fake Google runs:\n%s", a.stdout)
	return ""
}

// postFake posts v as JSON (or nothing, when nil) to a control endpoint of
// the fake.
func postFake(t *testing.T, u string, v any) {
	t.Helper()
	var body bytes.Buffer
	if v != nil {
		if err := json.NewEncoder(&body).Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	res, err := http.Post(u, "application/json", &body)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("POST %s: %s", u, res.Status)
	}
}

// clearFakeRequests empties the fake's request log.
func clearFakeRequests(t *testing.T, fake string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, fake+"/_fake/requests", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

// fakeRequests returns the fake's request log.
func fakeRequests(t *testing.T, fake string) []googletest.RequestRecord {
	t.Helper()
	res, err := http.Get(fake + "/_fake/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out []googletest.RequestRecord
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r googletest.RequestRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("the fake's request log: %v", err)
		}
		out = append(out, r)
	}
	return out
}

// expireStoredToken makes the only stored token of the demo's database
// expired, as an hour's wait would, and returns its user's email.
func expireStoredToken(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	keys, err := godotenv.Read(os.Getenv("DEMO_KEYS_FILE"))
	if err != nil {
		t.Fatal(err)
	}
	kr, err := tokens.ParseKeyring(keys["TOKEN_KEYS"])
	if err != nil {
		t.Fatal(err)
	}
	var userID, email string
	if err := db.QueryRow(ctx, "SELECT t.user_id, u.email FROM tokens t JOIN users u ON u.id = t.user_id").Scan(&userID, &email); err != nil {
		t.Fatalf("finding the stored token: %v", err)
	}
	store := tokens.NewStore(db, kr, nil)
	tok, err := store.Load(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	tok.Expiry = time.Now().Add(-time.Minute)
	if err := store.Save(ctx, userID, tok); err != nil {
		t.Fatal(err)
	}
	return email
}

// waitCalendarSyncs waits until n calendar sync jobs exist and the newest
// has ended, and returns that job's row on the admin's Jobs page.
func waitCalendarSyncs(t *testing.T, a *app, b *browser.Browser, n int) *html.Node {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p := b.Get(a.base + "/admin/jobs")
		var syncs []*html.Node
		for _, row := range p.FindAll(`tr[id^="job-"]`) {
			if browser.Text(browser.FindIn(row, "td.kind")) == "Calendar sync" {
				syncs = append(syncs, row)
			}
		}
		if len(syncs) >= n {
			switch browser.Text(browser.FindIn(syncs[0], "td.state")) {
			case "completed", "cancelled", "discarded":
				return syncs[0]
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d calendar syncs have not ended after 20s:\n%s\nlogs:\n%s", n, p.Content, a.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// meetingTitles returns the titles the meetings page lists.
func meetingTitles(t *testing.T, p *browser.Page) []string {
	t.Helper()
	var out []string
	for _, a := range p.FindAll(`a[class="title"]`) {
		out = append(out, browser.Text(a))
	}
	return out
}
