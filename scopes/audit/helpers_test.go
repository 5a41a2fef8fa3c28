package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// testSeed is the fixed seed of the test signing key.
var testSeed = []byte("scopetrail-audit-test-seed-32byt")

func testKey() ed25519.PrivateKey { return ed25519.NewKeyFromSeed(testSeed) }

// clock is a test clock that moves one second each time it is read.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// newTrail returns a trail on db that checkpoints every 5 entries.
func newTrail(db *sqldb.DB) *Trail {
	return New(db, Options{Replica: "r1", Signer: testKey(), CheckpointEvery: 5, Now: newClock().Now})
}

// sample returns the i-th entry of a deterministic mix of users, scopes,
// methods and purposes.
func sample(i int) Entry {
	users := []string{"u1", "u2", "u3"}
	methods := []struct{ api, method, scope, purpose string }{
		{"calendar", "calendar.events.list", "https://www.googleapis.com/auth/calendar.events.readonly", "meetings"},
		{"drive", "drive.files.get", "https://www.googleapis.com/auth/drive.readonly", "recordings"},
		{"people", "people.people.listDirectoryPeople", "https://www.googleapis.com/auth/directory.readonly", "invite"},
	}
	m := methods[i%len(methods)]
	u := users[i%len(users)]
	return Entry{
		ActorID: u, ActorEmail: u + "@example.com", ClientID: "client-1", Event: EventActivity,
		APIName: m.api, MethodName: m.method, Scope: m.scope, Purpose: m.purpose,
		Resource: fmt.Sprintf("fileId=f%d", i), RequestID: fmt.Sprintf("req-%d", i),
	}
}

// fill appends n entries: activity requests, each begun and completed;
// when n is odd, the last request is left pending.
func fill(t testing.TB, tr *Trail, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i += 2 {
		b, err := tr.Begin(ctx, sample(i/2))
		if err != nil {
			t.Fatalf("Begin: %v", err)
		}
		if i+1 == n {
			break
		}
		r := Result{Outcome: OutcomeOK, HTTPStatus: 200, NumResponseBytes: int64(100 * i), Items: int64(i), Latency: time.Millisecond}
		if _, err := tr.Complete(ctx, b, r); err != nil {
			t.Fatalf("Complete: %v", err)
		}
	}
}

// tamperSQL runs tampering statements on db.
func tamperSQL(t testing.TB, db *sqldb.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// storedAt reads the stored entry at seq.
func storedAt(t testing.TB, db *sqldb.DB, seq int64) stored {
	t.Helper()
	r, err := scanStored(db.QueryRow(context.Background(), "SELECT "+storedColumns+" FROM audit_entries WHERE seq = ?", seq))
	if err != nil {
		t.Fatalf("reading entry %d: %v", seq, err)
	}
	return r
}

// put writes a stored entry as is, replacing any entry at its seq.
func put(t testing.TB, db *sqldb.DB, r stored) {
	t.Helper()
	ctx := context.Background()
	tamperSQL(t, db, fmt.Sprintf("DELETE FROM audit_entries WHERE seq = %d", r.Seq))
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO audit_entries (seq, id, version, chain_id, time_us, actor_id, actor_email,
			client_id, event, api_name, method_name, scope, purpose, resource, http_status, error_reason, outcome,
			num_response_bytes, items, latency_us, request_id, replica, ref_seq, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Seq, r.ID, r.version, r.chainID, r.Time.UnixMicro(), r.ActorID, r.ActorEmail, r.ClientID, r.Event,
			r.APIName, r.MethodName, r.Scope, r.Purpose, r.Resource, r.HTTPStatus, r.ErrorReason, r.Outcome,
			r.NumResponseBytes, r.Items, r.Latency.Microseconds(), r.RequestID, r.Replica, r.RefSeq, r.PrevHash, r.Hash)
		return err
	})
	if err != nil {
		t.Fatalf("writing entry %d: %v", r.Seq, err)
	}
}

// rehash recomputes a stored entry's hash, as an attacker who knows the
// encoding would.
func rehash(t testing.TB, r *stored) {
	t.Helper()
	h, err := entryHash(r.version, r.chainID, &r.Entry)
	if err != nil {
		t.Fatal(err)
	}
	r.Hash = h
}

// readTable reads every row of a table.
func readTable(t testing.TB, db *sqldb.DB, table string) *tableRows {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT * FROM "+table+" ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	out := &tableRows{cols: cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out.rows = append(out.rows, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// readWitnessFile reads the notes a file witness holds.
func readWitnessFile(t testing.TB, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wl, err := ReadWitness(f)
	if err != nil {
		t.Fatal(err)
	}
	if !wl.PublicKey.Equal(testKey().Public()) {
		t.Fatalf("the witness file records key %x, not the signing key's", wl.PublicKey)
	}
	return wl.Notes
}
