package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// untranscribedRecording returns a demo account and a Meet recording of
// theirs whose meeting has no Meet transcript, so that the engine must
// transcribe it.
func untranscribedRecording(t *testing.T) (email, fileID string) {
	t.Helper()
	ws, err := demoWorkspace(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ws.People() {
		if p.Deleted {
			continue
		}
		var docs []string
		for _, f := range ws.FilesFor(p.Email) {
			if f.CreatedByMeet && f.MimeType == workspace.MimeDocument {
				docs = append(docs, f.EventID)
			}
		}
		for _, f := range ws.FilesFor(p.Email) {
			if f.CreatedByMeet && f.MimeType == workspace.MimeMP4 && f.Owner == p.Email && !f.Trashed && !f.Deleted &&
				f.EventID != "" && !slices.Contains(docs, f.EventID) {
				return p.Email, f.ID
			}
		}
	}
	t.Fatal("no demo recording lacks a Meet transcript")
	return "", ""
}

// TestTranscriptionEndToEnd is the whole program: a member links their
// calendars and recordings in the demo, whose Meet recordings speak
// LibriVox clips; one without a Meet transcript is found, downloaded,
// decoded and transcribed by PocketSphinx; its meeting page shows the
// text, the search finds a word of it, the audit trail holds the
// transcription (host local); `scopetrail transcribe` transcribes it again
// from the command line, and revoking the member removes the transcript
// and its search index.
func TestTranscriptionEndToEnd(t *testing.T) {
	if len(demoSpeech()) == 0 {
		t.Fatal("the demo has no speech: install ffmpeg and pocketsphinx-testdata")
	}
	who, fileID := untranscribedRecording(t)
	a := startAppWith(t, "", map[string]string{"RECORDING_RETENTION": "forever", "TRANSCRIBE_ENGINE": "pocketsphinx"})
	b := browser.New(t)
	as := browser.Answer{Account: who}
	dash := b.Consent(b.Submit(b.Get(a.base+"/"), `form[action="/auth/signin"]`, nil), as)
	dash = b.Consent(b.Submit(dash, `form[action="/link/calendars"]`, nil), as)
	b.Consent(b.Submit(dash, `form[action="/link/recordings"]`, nil), as)
	cals := b.Get(a.base + "/calendars")
	var ids []string
	for _, in := range cals.FindAll(`input[name="calendar"]`) {
		ids = append(ids, browser.Attr(in, "value"))
	}
	b.Submit(cals, `form[action="/calendars"]`, url.Values{"calendar": ids})

	rec := waitForState(t, a, b, fileID, "transcribed", 2*time.Minute)
	link := rec.Find(`a[id="meeting"]`)
	if link == nil {
		t.Fatalf("the recording's page links no meeting:\n%s", rec.Content)
	}
	meeting := b.Get(a.base + browser.Attr(link, "href"))
	section := `section[id="transcript-` + fileID + `"]`
	if meeting.Find(section) == nil || !strings.Contains(meeting.Content, "PocketSphinx, on this server") {
		t.Fatalf("the meeting page shows no PocketSphinx transcript of %s:\n%s", fileID, meeting.Content)
	}
	var said []string
	for _, n := range meeting.FindAll(section + ` span[class="said"]`) {
		said = append(said, strings.Fields(browser.Text(n))...)
	}
	word := longest(said)
	if len(word) < 3 {
		t.Fatalf("the transcript says %q; want words", said)
	}
	hits := b.Get(a.base + "/transcripts?q=" + url.QueryEscape(word))
	if !strings.Contains(hits.Content, `#`+fileID+`-t`) {
		t.Errorf("searching %q finds no moment of %s:\n%s", word, fileID, hits.Content)
	}
	if err := a.stop(); err != nil {
		t.Fatalf("realMain: %v", err)
	}

	userID := transcribeEntries(t, who, fileID, 2)
	out, err := cli(t, "transcribe", "--user", who, "--file", fileID)
	if err != nil || !strings.Contains(out, "transcribed") {
		t.Fatalf("scopetrail transcribe: %v\n%s", err, out)
	}
	transcribeEntries(t, who, fileID, 4)
	if _, err := cli(t, "transcribe", "--user", "nobody@acme.test"); err == nil || !strings.Contains(err.Error(), "no user has the email") {
		t.Errorf("transcribe for an unknown email: %v", err)
	}

	if out, err := cli(t, "revoke", "--user", who); err != nil && !errors.Is(err, errRevokePending) {
		t.Fatalf("scopetrail revoke: %v\n%s", err, out)
	}
	db := openTestDB(t)
	var segments, indexed int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM transcript_segments WHERE user_id = ?`, userID).Scan(&segments); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM transcript_search WHERE transcript_search MATCH ?`, word).Scan(&indexed); err != nil {
		t.Fatal(err)
	}
	if segments != 0 || indexed != 0 {
		t.Errorf("after revoke: %d segments and %d index hits for %q remain", segments, indexed, word)
	}
}

// waitForState polls a recording's page until its state is want, and
// returns the page; it fails the test when the recording fails or after
// limit.
func waitForState(t *testing.T, a *app, b *browser.Browser, fileID, want string, limit time.Duration) *browser.Page {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		p := b.Get(a.base + "/recordings/" + url.PathEscape(fileID))
		state := ""
		if p.StatusCode == http.StatusOK {
			state = strings.TrimSpace(p.TextOf(t, `dd[id="state"]`))
		}
		switch {
		case state == want:
			return p
		case state == "failed" || time.Now().After(deadline):
			t.Fatalf("recording %s is %q, want %s:\n%s\nlogs:\n%s", fileID, state, want, p.Content, a.stderr)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// longest returns the longest of words, lower case, without punctuation.
func longest(words []string) string {
	best := ""
	for _, w := range words {
		w = strings.ToLower(strings.Trim(w, ".,;:!?\"'"))
		if len(w) > len(best) {
			best = w
		}
	}
	return best
}

// openTestDB opens the test's DATABASE_URL until the test ends.
func openTestDB(t *testing.T) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// transcribeEntries checks that the audit trail holds want transcribe
// entries of the member's about the file, and that each of the member's
// names PocketSphinx on the local host; it returns the member's id.
func transcribeEntries(t *testing.T, email, fileID string, want int) string {
	t.Helper()
	db := openTestDB(t)
	ctx := context.Background()
	u, err := identity.NewStore(db, time.Now).UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for e, err := range audit.New(db, audit.Options{}).Entries(ctx, audit.Filter{UserID: u.ID, Event: audit.EventTranscribe, Raw: true}) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Host != "local" || e.MethodName != "pocketsphinx" {
			t.Errorf("transcribe entry %d: host %q, engine %q; want local pocketsphinx", e.Seq, e.Host, e.MethodName)
		}
		if e.Resource == "fileId="+fileID {
			n++
		}
	}
	if n != want {
		t.Errorf("%d transcribe entries about %s, want %d (a begin and an outcome per transcription)", n, fileID, want)
	}
	return u.ID
}
