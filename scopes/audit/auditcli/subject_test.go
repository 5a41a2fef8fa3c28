package auditcli

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestAuditTailSubject checks that tail prints an entry's subject, and that
// --user, given an email as a reviewer types it, selects what others did to
// that user, the same as the audit page.
func TestAuditTailSubject(t *testing.T) {
	url := sqliteURL(t)
	db := sqldbtest.Migrated(t, url)
	ctx := t.Context()
	users := identity.NewStore(db, nil)
	admin, err := users.SignIn(ctx, "s-admin", "admin@example.com", "Admin", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	zoe, err := users.SignIn(ctx, "s-zoe", "zoe@example.com", "Zoë", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := audit.New(db, audit.Options{})
	for _, e := range []audit.Entry{
		{Event: audit.EventActivity, ActorID: admin.ID, ActorEmail: admin.Email, Scope: scopes.DriveReadonly},
		{Event: audit.EventSuspend, ActorID: admin.ID, ActorEmail: admin.Email, SubjectID: zoe.ID, SubjectEmail: zoe.Email,
			Scope: scopes.DriveReadonly, ErrorReason: "left the team"},
		{Event: audit.EventActivity, ActorID: zoe.ID, ActorEmail: zoe.Email, Resource: `=HYPERLINK("http://evil.test")`},
	} {
		if _, err := tr.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	out, err := runCLI(t, url, "tail", "--user", "zoe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2", "3"}, seqsOf(out)); diff != "" {
		t.Errorf("tail --user zoe (-want +got):\n%s", diff)
	}
	if row := strings.Fields(strings.Split(out, "\n")[1]); len(row) < 8 || row[3] != "admin@example.com" || row[4] != "zoe@example.com" ||
		row[6] != "suspend" || !strings.Contains(out, " ok (left the team) ") {
		t.Errorf("tail row %q lacks the actor, the subject or the reason", row)
	}

	// The CLI's CSV export neutralises a cell a spreadsheet would run.
	out, err = runCLI(t, url, "export", "-format", "csv", "--user", "zoe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv %q: %v", out, err)
	}
	col := slices.Index(rows[0], "resource")
	if got := rows[2][col]; got != `'=HYPERLINK("http://evil.test")` {
		t.Errorf("exported resource %q, want it behind a quote", got)
	}
	if got := rows[1][slices.Index(rows[0], "subject_email")]; got != zoe.Email {
		t.Errorf("exported subject_email %q, want %s", got, zoe.Email)
	}
}
