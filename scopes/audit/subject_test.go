package audit

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestEncodingV3 checks that only an entry with a subject is written in
// version 3, that versions 1 and 2 refuse a subject, and that version 3
// covers both subject fields.
func TestEncodingV3(t *testing.T) {
	t.Parallel()
	plain := Entry{Seq: 1, ID: "id-1", Event: EventSuspend, ActorID: "u-admin", Scope: driveScope}
	egress := plain
	egress.Host = "api.example.com"
	for _, tc := range []struct {
		name string
		e    Entry
		want int
	}{
		{"no subject", plain, formatV1},
		{"egress", egress, formatV2},
		{"subject id", Entry{Event: EventSuspend, SubjectID: "u-zoe"}, formatV3},
		{"subject email", Entry{Event: EventInvite, SubjectEmail: "zoe@example.com"}, formatV3},
		{"both", Entry{Event: EventTranscribe, Host: "local", SubjectID: "u-zoe"}, formatV3},
	} {
		if got := formatVersion(&tc.e); got != tc.want {
			t.Errorf("%s: version %d, want %d", tc.name, got, tc.want)
		}
	}
	e := plain
	e.SubjectID, e.SubjectEmail = "u-zoe", "zoe@example.com"
	for _, v := range []int{formatV1, formatV2} {
		if _, err := entryHash(v, "chain-1", &e); err == nil {
			t.Errorf("version %d hashed an entry with a subject; want an error", v)
		}
	}
	h, err := entryHash(formatV3, "chain-1", &e)
	if err != nil {
		t.Fatal(err)
	}
	for _, edit := range []func(*Entry){
		func(e *Entry) { e.SubjectID = "u-other" },
		func(e *Entry) { e.SubjectEmail = "other@example.com" },
		// Moving a byte between the two fields changes the hash too.
		func(e *Entry) { e.SubjectID, e.SubjectEmail = "u-zoez", "oe@example.com" },
	} {
		x := e
		edit(&x)
		if h2, _ := entryHash(formatV3, "chain-1", &x); h2 == h {
			t.Errorf("editing the subject to %q/%q kept the hash", x.SubjectID, x.SubjectEmail)
		}
	}
	v1, _ := entryHash(formatV1, "chain-1", &plain)
	if v3, _ := entryHash(formatV3, "chain-1", &plain); v3 == v1 {
		t.Error("versions 1 and 3 hash an entry alike; want a domain separation")
	}
}

// TestSubjectStoredAndVerified appends entries of every version, reads the
// subject back through Query and Export, verifies the mixed chain, and
// detects an edited subject.
func TestSubjectStoredAndVerified(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		tr := newTrail(db)
		fill(t, tr, 2)
		s, err := tr.Append(ctx, Entry{Event: EventSuspend, ActorID: "u-admin", ActorEmail: "admin@example.com",
			SubjectID: "u-zoe", SubjectEmail: "zoe@example.com", Scope: driveScope, ErrorReason: "left the team"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Append(ctx, Entry{Event: EventTranscribe, ActorID: "u1", Host: "local"}); err != nil {
			t.Fatal(err)
		}
		if r := storedAt(t, db, s.Seq); r.version != formatV3 || r.SubjectID != "u-zoe" || r.SubjectEmail != "zoe@example.com" {
			t.Errorf("stored suspend entry: version %d, subject %q %q; want 3, u-zoe zoe@example.com", r.version, r.SubjectID, r.SubjectEmail)
		}
		if r := storedAt(t, db, 1); r.version != formatV1 {
			t.Errorf("an entry without subject or egress is version %d, want 1", r.version)
		}
		for _, raw := range []bool{false, true} {
			p, err := tr.Query(ctx, Filter{Event: EventSuspend, Raw: raw})
			if err != nil || len(p.Entries) != 1 {
				t.Fatalf("Query(raw=%v) = %+v, %v", raw, p, err)
			}
			if got := p.Entries[0]; got.SubjectID != "u-zoe" || got.SubjectEmail != "zoe@example.com" || got.SubjectName() != "zoe@example.com" {
				t.Errorf("Query(raw=%v) subject %q %q", raw, got.SubjectID, got.SubjectEmail)
			}
		}
		rep, err := tr.Verify(ctx, tr.PublicKey())
		if err != nil || !rep.OK() || rep.VerifiedUpTo != 4 {
			t.Fatalf("Verify = %+v, %v; want the mixed chain intact up to 4", rep, err)
		}
		tamperSQL(t, db, "UPDATE audit_entries SET subject_email = 'someone@example.com' WHERE seq = 3")
		rep, err = tr.Verify(ctx, tr.PublicKey())
		if err != nil || rep.OK() || rep.FirstBad.Seq != 3 {
			t.Errorf("Verify after editing the subject = %+v, %v; want entry 3 bad", rep.FirstBad, err)
		}
	})
}

// TestUserFilterMatchesSubject checks that filtering by a user shows what
// others did to them: filtering by Zoë shows the admin suspending Zoë's
// drive scope, besides Zoë's own calls, and nobody else's.
func TestUserFilterMatchesSubject(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		tr := newTrail(db)
		add := func(e Entry) {
			t.Helper()
			if _, err := tr.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		add(Entry{Event: EventActivity, ActorID: "u-zoe", ActorEmail: "zoe@example.com", Scope: driveScope, MethodName: "drive.files.list"})
		add(Entry{Event: EventActivity, ActorID: "u-bob", Scope: driveScope, MethodName: "drive.files.list"})
		add(Entry{Event: EventSuspend, ActorID: "u-admin", ActorEmail: "admin@example.com", SubjectID: "u-zoe",
			SubjectEmail: "zoe@example.com", Scope: driveScope, ErrorReason: "left the team"})
		add(Entry{Event: EventSuspend, ActorID: "u-admin", SubjectID: "u-bob", Scope: driveScope})
		// An invitation sent to Zoë before she signed in names her by email.
		add(Entry{Event: EventInvite, ActorID: "u-admin", SubjectEmail: "zoe@example.com", Resource: "invitation=i1"})
		for _, tc := range []struct {
			f    Filter
			want []int64
		}{
			{Filter{UserID: "u-zoe"}, []int64{1, 3}},
			{Filter{UserID: "u-zoe", UserEmail: "zoe@example.com"}, []int64{1, 3, 5}},
			{Filter{UserID: "u-zoe", Event: EventSuspend}, []int64{3}},
			{Filter{UserID: "u-zoe", Scope: "https://www.googleapis.com/auth/drive.readonly", Raw: true}, []int64{1, 3}},
			{Filter{UserID: "u-admin"}, []int64{3, 4, 5}},
			{Filter{UserID: "u-bob"}, []int64{2, 4}},
		} {
			if got := matching(t, tr, tc.f); !cmp.Equal(got, tc.want) {
				t.Errorf("%+v: entries %v, want %v", tc.f, got, tc.want)
			}
		}
	})
}

// TestScopeFilterMatchesConsent checks that a scope filter also selects the
// consent entries that granted or refused it among others, and no entry
// that only names a scope with it as a prefix.
func TestScopeFilterMatchesConsent(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		tr := newTrail(db)
		const cal = "https://www.googleapis.com/auth/calendar.readonly"
		const calEvents = "https://www.googleapis.com/auth/calendar.events.readonly"
		add := func(e Entry) {
			t.Helper()
			if _, err := tr.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		add(Entry{Event: EventSignIn, ActorID: "u1", Scope: "openid email profile"})                              // 1
		add(Entry{Event: EventAuthorize, ActorID: "u1", Scope: "openid " + cal + " " + driveScope})               // 2
		add(Entry{Event: EventDeny, ActorID: "u1", Scope: calEvents + " " + driveScope, ErrorReason: "unticked"}) // 3
		add(Entry{Event: EventActivity, ActorID: "u1", Scope: driveScope})                                        // 4
		add(Entry{Event: EventActivity, ActorID: "u1", Scope: cal})                                               // 5
		// Not a consent event: a list in Scope does not make it match.
		add(Entry{Event: EventActivity, ActorID: "u1", Scope: cal + " " + driveScope}) // 6
		add(Entry{Event: EventAuthorize, ActorID: "u1", Scope: calEvents})             // 7
		for _, tc := range []struct {
			scope string
			want  []int64
		}{
			{driveScope, []int64{2, 3, 4}},
			{cal, []int64{2, 5}},
			{calEvents, []int64{3, 7}},
			{"email", []int64{1}},
			{"https://www.googleapis.com/auth/calendar", nil},
			{"https://www.googleapis.com/auth/%", nil},
		} {
			if got := matching(t, tr, Filter{Scope: tc.scope}); !cmp.Equal(got, tc.want) {
				t.Errorf("scope %s: entries %v, want %v", tc.scope, got, tc.want)
			}
		}
	})
}

// TestRecordConfig checks the start-up config entry: its settings in order,
// quoted where needed, and its refusals.
func TestRecordConfig(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		tr := newTrail(db)
		e, err := tr.RecordConfig(ctx, []Setting{{"GOOGLE_DRIVE_URL", "https://www.googleapis.com/drive/v3/"},
			{"ALLOWED_DOMAINS", "acme.test,example.com"}, {"SMTP_HOST", ""}, {"NOTE", `a b="c"`}})
		if err != nil {
			t.Fatal(err)
		}
		want := `GOOGLE_DRIVE_URL=https://www.googleapis.com/drive/v3/ ALLOWED_DOMAINS=acme.test,example.com SMTP_HOST="" NOTE="a b=\"c\""`
		if e.Event != EventConfig || e.ActorID != ActorSystem || e.Resource != want || e.Outcome != OutcomeOK {
			t.Errorf("config entry = %s %s %q %s; want config system %q ok", e.Event, e.ActorID, e.Resource, e.Outcome, want)
		}
		if got := matching(t, tr, Filter{Event: EventConfig}); !cmp.Equal(got, []int64{1}) {
			t.Errorf("config entries %v, want [1]", got)
		}
		for _, bad := range [][]Setting{{{"", "x"}}, {{"A B", "x"}}, {{"A", strings.Repeat("x", maxConfigResource)}}} {
			if _, err := tr.RecordConfig(ctx, bad); !errors.Is(err, ErrInvalidEntry) {
				t.Errorf("RecordConfig(%.40v) = %v; want ErrInvalidEntry", bad, err)
			}
		}
	})
}

// matching returns the seqs of every entry that matches f.
func matching(t *testing.T, tr *Trail, f Filter) []int64 {
	t.Helper()
	var out []int64
	f.Limit = 2 // several pages, to cover the cursors too
	for e, err := range tr.Entries(context.Background(), f) {
		if err != nil {
			t.Fatalf("Entries(%+v): %v", f, err)
		}
		out = append(out, e.Seq)
	}
	return out
}
