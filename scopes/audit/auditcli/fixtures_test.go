package auditcli

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

var update = flag.Bool("update", false, "rewrite the tampered audit chains in testdata/audit")

// fixtureDir holds the audit chains, intact and tampered, that `audit
// verify` is tested on.
const fixtureDir = "../../../testdata/audit"

// fixtureSeed is the Ed25519 seed that signed the fixtures' checkpoints.
var fixtureSeed = []byte("scopetrail-audit-fixture-seed-32")

// fixtureKey is AUDIT_SIGNING_KEY for the fixtures.
var fixtureKey = base64.StdEncoding.EncodeToString(fixtureSeed)

// fixtureCases are the chains written to testdata/audit: 12 entries,
// checkpointed at 5 and 10, then tampered with. want is what `audit
// verify` must print (intact) or fail with.
var fixtureCases = []struct {
	name, about, want string
	tamper            func(t *testing.T, db, other *sqldb.DB)
}{
	{"intact", "an intact chain", "verified 12 entries in ", nil},
	{"edited", "entry 7's resource edited", "entry 7: edited (", func(t *testing.T, db, _ *sqldb.DB) {
		execAll(t, db, "UPDATE audit_entries SET resource = 'fileId=other' WHERE seq = 7")
	}},
	{"deleted", "entry 7 deleted", "entry 7: deleted (", func(t *testing.T, db, _ *sqldb.DB) {
		execAll(t, db, "DELETE FROM audit_entries WHERE seq = 7")
	}},
	{"inserted", "a forged entry inserted at 7, the later entries moved up", "entry 7: inserted (", func(t *testing.T, db, _ *sqldb.DB) {
		execAll(t, db, "UPDATE audit_entries SET seq = seq + 1000 WHERE seq >= 7",
			"UPDATE audit_entries SET seq = seq - 999 WHERE seq >= 1000",
			`INSERT INTO audit_entries SELECT 7, 'forged', version, chain_id, time_us, actor_id, actor_email, client_id,
				event, api_name, method_name, scope, purpose, 'fileId=forged', http_status, error_reason, outcome,
				num_response_bytes, items, latency_us, request_id, replica, ref_seq, prev_hash, '`+strings.Repeat("0", 64)+`'
				FROM audit_entries WHERE seq = 8`)
	}},
	{"reordered", "entries 7 and 8 swapped", "entry 7: reordered (", func(t *testing.T, db, _ *sqldb.DB) {
		execAll(t, db, "UPDATE audit_entries SET seq = 1007 WHERE seq = 7", "UPDATE audit_entries SET seq = 7 WHERE seq = 8",
			"UPDATE audit_entries SET seq = 8 WHERE seq = 1007")
	}},
	{"truncated", "entries after 8 deleted and the chain head moved back; the checkpoint at 10 remains",
		"entry 9: truncated (", func(t *testing.T, db, _ *sqldb.DB) {
			execAll(t, db, "DELETE FROM audit_entries WHERE seq > 8",
				"UPDATE audit_chain SET head_seq = 8, head_hash = (SELECT hash FROM audit_entries WHERE seq = 8)")
		}},
	{"spliced", "entries 4 to 6 replaced by those of another database's chain", "entry 4: spliced (", func(t *testing.T, db, other *sqldb.DB) {
		execAll(t, db, "DELETE FROM audit_entries WHERE seq BETWEEN 4 AND 6")
		var rows strings.Builder
		dumpTable(t, other, "audit_entries", "WHERE seq BETWEEN 4 AND 6", &rows)
		execAll(t, db, strings.Split(strings.TrimSpace(rows.String()), "\n")...)
	}},
}

// TestAuditFixtures rewrites testdata/audit when run with -update:
// `go test ./scopes/audit/auditcli -run TestAuditFixtures -update`.
func TestAuditFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/audit")
	}
	if err := os.MkdirAll(fixtureDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, fc := range fixtureCases {
		db, other := sqldbtest.SQLite(t), sqldbtest.SQLite(t)
		fillFixture(t, db)
		fillFixture(t, other)
		if fc.tamper != nil {
			fc.tamper(t, db, other)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "-- Audit chain fixture: %s. Written by TestAuditFixtures (-update); load it into a\n", fc.about)
		fmt.Fprintf(&b, "-- migrated database and run `scopetrail audit verify` with AUDIT_SIGNING_KEY=%s.\n", fixtureKey)
		fmt.Fprintf(&b, "-- want: %s\n", fc.want)
		for _, table := range []string{"audit_chain", "audit_entries", "audit_checkpoints"} {
			dumpTable(t, db, table, "", &b)
		}
		if err := os.WriteFile(filepath.Join(fixtureDir, fc.name+".sql"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fillFixture appends 12 entries, six requests begun and completed, at
// fixed times, checkpointed every 5 entries.
func fillFixture(t *testing.T, db *sqldb.DB) {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		at = at.Add(time.Second)
		return at
	}
	trail := audit.New(db, audit.Options{Replica: "fixture", Signer: ed25519.NewKeyFromSeed(fixtureSeed), CheckpointEvery: 5, Now: clock})
	for i := range 6 {
		b, err := trail.Begin(ctx, audit.Entry{ActorID: "u-" + strconv.Itoa(i%2), ActorEmail: fmt.Sprintf("user%d@example.com", i%2),
			ClientID: "client-1", Event: audit.EventActivity, APIName: "drive", MethodName: "drive.files.get",
			Scope: scopes.DriveReadonly, Purpose: string(scopes.PurposeRecordings), Resource: fmt.Sprintf("fileId=f%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := trail.Complete(ctx, b, audit.Result{Outcome: audit.OutcomeOK, HTTPStatus: 200, NumResponseBytes: 2048}); err != nil {
			t.Fatal(err)
		}
	}
}

// dumpTable writes the rows of a table, as selected by where, as INSERT
// statements, one a line, that load unchanged on SQLite and PostgreSQL.
func dumpTable(t *testing.T, db *sqldb.DB, table, where string, b *strings.Builder) {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT * FROM "+table+" "+where+" ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lits := make([]string, len(vals))
		for i, v := range vals {
			switch v := v.(type) {
			case int64:
				lits[i] = strconv.FormatInt(v, 10)
			case string:
				lits[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
			case []byte:
				lits[i] = "'" + strings.ReplaceAll(string(v), "'", "''") + "'"
			default:
				t.Fatalf("%s: unexpected value %T", table, v)
			}
		}
		fmt.Fprintf(b, "INSERT INTO %s (%s) VALUES (%s);\n", table, strings.Join(cols, ", "), strings.Join(lits, ", "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// execAll runs statements on db.
func execAll(t *testing.T, db *sqldb.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// fixture is one chain of testdata/audit.
type fixture struct {
	name, want string
	stmts      []string
}

// readFixtures reads every chain of testdata/audit.
func readFixtures(t *testing.T) []fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.sql"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in %s (%v); run go test ./scopes/audit/auditcli -run TestAuditFixtures -update", fixtureDir, err)
	}
	var out []fixture
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		fx := fixture{name: strings.TrimSuffix(filepath.Base(p), ".sql")}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if want, ok := strings.CutPrefix(line, "-- want: "); ok {
				fx.want = want
			} else if line != "" && !strings.HasPrefix(line, "--") {
				fx.stmts = append(fx.stmts, strings.TrimSuffix(line, ";"))
			}
		}
		f.Close()
		if err := sc.Err(); err != nil || fx.want == "" {
			t.Fatalf("%s: no want line (%v)", p, err)
		}
		out = append(out, fx)
	}
	return out
}
