package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// fixtureEntries is the size of the tamper suite's trail, checkpointed
// (and witnessed) at 1000 and 2000: entries 2001 to 2306 are its unsigned
// tail.
const fixtureEntries = 2306

// Who detects a tampering, from the weakest means to the strongest.
type detector int

const (
	// byDB: Verify with the public key and the database alone, as an
	// outside reviewer runs it.
	byDB detector = iota
	// byWitness: the same, given the witness's notes.
	byWitness
	// byKey: only the holder of the signing key (the app's own Verify, and
	// its appender, which refuses to append): the head's seal.
	byKey
)

func (d detector) String() string { return [...]string{"database alone", "witness", "signing key"}[d] }

// tamperCase tampers with the fixture trail; want is the first bad entry
// that the weakest detector that finds it reports, and by says which that
// is: every weaker one must find nothing. (Stronger ones are not run: each
// sees all that the weaker ones see.)
type tamperCase struct {
	name   string
	tamper func(t *testing.T, f *tamperFixture)
	by     detector
	want   *Problem
}

// tamperCases are the 32 tamperings of issue 10, and the intact trail.
var tamperCases = []tamperCase{
	{name: "intact", tamper: func(*testing.T, *tamperFixture) {}},
	{name: "field edited before the last checkpoint", by: byDB, want: &Problem{Seq: 500, Kind: KindEdited}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "UPDATE audit_entries SET resource = 'fileId=other' WHERE seq = 500")
	}},
	{name: "field edited after the last checkpoint", by: byDB, want: &Problem{Seq: 2200, Kind: KindEdited}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "UPDATE audit_entries SET outcome = 'error', http_status = 500 WHERE seq = 2200")
	}},
	{name: "hash column edited", by: byDB, want: &Problem{Seq: 2306, Kind: KindEdited}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "UPDATE audit_entries SET hash = '"+strings.Repeat("0", 64)+"' WHERE seq = 2306")
	}},
	{name: "entry edited and rehashed alone", by: byDB, want: &Problem{Seq: 500, Kind: KindEdited}, tamper: func(t *testing.T, f *tamperFixture) {
		f.rewrite(t, 500, 500, func(r *stored) { r.Resource = "fileId=other" })
	}},
	{name: "edit and rehash to the head before the last checkpoint", by: byDB, want: &Problem{Seq: 1000, Kind: KindEdited}, tamper: func(t *testing.T, f *tamperFixture) {
		f.rewrite(t, 500, fixtureEntries, func(r *stored) {
			if r.Seq == 500 {
				r.Resource = "fileId=other"
			}
		})
	}},
	{name: "edit and rehash to the head after the last checkpoint", by: byKey, want: &Problem{Seq: 2001, Kind: KindHeadMoved}, tamper: func(t *testing.T, f *tamperFixture) {
		f.rewrite(t, 2200, fixtureEntries, func(r *stored) {
			if r.Seq == 2200 {
				r.Resource = "fileId=other"
			}
		})
	}},
	{name: "middle entry deleted", by: byDB, want: &Problem{Seq: 500, Kind: KindDeleted}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_entries WHERE seq = 500")
	}},
	{name: "head entry deleted", by: byDB, want: &Problem{Seq: 2306, Kind: KindTruncated}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_entries WHERE seq = 2306")
	}},
	{name: "tail deleted, head left", by: byDB, want: &Problem{Seq: 2201, Kind: KindTruncated}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_entries WHERE seq > 2200")
	}},
	{name: "entry deleted and later entries renumbered", by: byDB, want: &Problem{Seq: 2250, Kind: KindDeleted}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_entries WHERE seq = 2250",
			"UPDATE audit_entries SET seq = seq + 10000 WHERE seq > 2250",
			"UPDATE audit_entries SET seq = seq - 10001 WHERE seq > 10000")
	}},
	{name: "deleted, renumbered, rehashed and head moved", by: byKey, want: &Problem{Seq: 2001, Kind: KindHeadMoved}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_entries WHERE seq = 2250",
			"UPDATE audit_entries SET seq = seq + 10000 WHERE seq > 2250",
			"UPDATE audit_entries SET seq = seq - 10001 WHERE seq > 10000")
		f.rewrite(t, 2250, fixtureEntries-1, func(*stored) {})
	}},
	{name: "entries swapped before the last checkpoint", by: byDB, want: &Problem{Seq: 500, Kind: KindReordered}, tamper: func(t *testing.T, f *tamperFixture) {
		f.swap(t, 500)
	}},
	{name: "entries swapped after the last checkpoint", by: byDB, want: &Problem{Seq: 2200, Kind: KindReordered}, tamper: func(t *testing.T, f *tamperFixture) {
		f.swap(t, 2200)
	}},
	{name: "entries swapped and rehashed after the last checkpoint", by: byKey, want: &Problem{Seq: 2001, Kind: KindHeadMoved}, tamper: func(t *testing.T, f *tamperFixture) {
		f.swap(t, 2200)
		f.rewrite(t, 2200, fixtureEntries, func(*stored) {})
	}},
	{name: "forged entry inserted in the middle", by: byDB, want: &Problem{Seq: 500, Kind: KindInserted}, tamper: func(t *testing.T, f *tamperFixture) {
		forged := storedAt(t, f.db, 500)
		f.sql(t, "UPDATE audit_entries SET seq = seq + 10000 WHERE seq >= 500", "UPDATE audit_entries SET seq = seq - 9999 WHERE seq >= 10000")
		forged.ID, forged.Hash = "forged", strings.Repeat("0", 64)
		put(t, f.db, forged)
	}},
	{name: "hashed forgery inserted in the middle", by: byDB, want: &Problem{Seq: 500, Kind: KindInserted}, tamper: func(t *testing.T, f *tamperFixture) {
		forged := storedAt(t, f.db, 500)
		f.sql(t, "UPDATE audit_entries SET seq = seq + 10000 WHERE seq >= 500", "UPDATE audit_entries SET seq = seq - 9999 WHERE seq >= 10000")
		forged.ID, forged.Resource = "forged", "fileId=forged"
		rehash(t, &forged)
		put(t, f.db, forged)
	}},
	{name: "row inserted past the head", by: byDB, want: &Problem{Seq: 2307, Kind: KindPastHead}, tamper: func(t *testing.T, f *tamperFixture) {
		r := storedAt(t, f.db, 2306)
		r.Seq, r.ID, r.Hash = 2307, "forged", "bogus"
		put(t, f.db, r)
	}},
	{name: "hashed row inserted past the head", by: byDB, want: &Problem{Seq: 2307, Kind: KindPastHead}, tamper: func(t *testing.T, f *tamperFixture) {
		f.forge(t, false)
	}},
	{name: "row copied past the head", by: byDB, want: &Problem{Seq: 2307, Kind: KindPastHead}, tamper: func(t *testing.T, f *tamperFixture) {
		r := storedAt(t, f.db, 2200)
		r.Seq = 2307
		put(t, f.db, r)
	}},
	{name: "forged entry appended, head moved", by: byKey, want: &Problem{Seq: 2001, Kind: KindHeadMoved}, tamper: func(t *testing.T, f *tamperFixture) {
		f.forge(t, true)
	}},
	{name: "truncated behind the last checkpoint, head moved", by: byDB, want: &Problem{Seq: 1501, Kind: KindTruncated}, tamper: func(t *testing.T, f *tamperFixture) {
		f.truncate(t, 1500)
	}},
	{name: "truncated after the last checkpoint, head left", by: byDB, want: &Problem{Seq: 2001, Kind: KindTruncated}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_entries WHERE seq > 2000")
	}},
	{name: "truncated after the last checkpoint, head moved", by: byKey, want: &Problem{Seq: 2001, Kind: KindHeadMoved}, tamper: func(t *testing.T, f *tamperFixture) {
		f.truncate(t, 2000)
	}},
	{name: "truncated with its checkpoints", by: byWitness, want: &Problem{Seq: 1501, Kind: KindTruncated}, tamper: func(t *testing.T, f *tamperFixture) {
		f.truncate(t, 1500)
		f.sql(t, "DELETE FROM audit_checkpoints WHERE seq > 1500")
	}},
	{name: "first checkpoint deleted", by: byDB, want: &Problem{Seq: 1000, Kind: KindCheckpointMissing}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_checkpoints WHERE seq = 1000")
	}},
	{name: "last checkpoint deleted", by: byWitness, want: &Problem{Seq: 2000, Kind: KindCheckpointMissing}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_checkpoints WHERE seq = 2000")
	}},
	{name: "all checkpoints deleted", by: byWitness, want: &Problem{Seq: 1000, Kind: KindCheckpointMissing}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_checkpoints")
	}},
	{name: "all checkpoints deleted and entry 10 rewritten", by: byWitness, want: &Problem{Seq: 1, Kind: KindEdited}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_checkpoints")
		f.rewrite(t, 10, fixtureEntries, func(r *stored) {
			if r.Seq == 10 {
				r.Resource = "fileId=other"
			}
		})
	}},
	{name: "checkpoint note edited", by: byDB, want: &Problem{Seq: 1000, Kind: KindBadSignature}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "UPDATE audit_checkpoints SET note = REPLACE(note, 'number 1', 'number 7') WHERE seq = 1000")
	}},
	{name: "checkpoint replaced by another", by: byDB, want: &Problem{Seq: 2000, Kind: KindCheckpointReplaced}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "UPDATE audit_checkpoints SET note = (SELECT note FROM audit_checkpoints WHERE seq = 1000) WHERE seq = 2000")
	}},
	{name: "checkpoints reordered", by: byDB, want: &Problem{Seq: 1000, Kind: KindCheckpointReplaced}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "UPDATE audit_checkpoints SET seq = 99999, number = -2 WHERE seq = 2000",
			"UPDATE audit_checkpoints SET seq = 2000, number = 2 WHERE seq = 1000",
			"UPDATE audit_checkpoints SET seq = 1000, number = 1 WHERE seq = 99999")
	}},
	{name: "checkpoint signed with another key", by: byDB, want: &Problem{Seq: 1000, Kind: KindBadSignature}, tamper: func(t *testing.T, f *tamperFixture) {
		var msg string
		if err := f.db.QueryRow(context.Background(), "SELECT note FROM audit_checkpoints WHERE seq = 1000").Scan(&msg); err != nil {
			t.Fatal(err)
		}
		b, err := openCheckpoint([]byte(msg), testKey().Public().(ed25519.PublicKey))
		if err != nil {
			t.Fatal(err)
		}
		forged, err := signBody(ed25519.NewKeyFromSeed(make([]byte, 32)), b)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.Exec(context.Background(), "UPDATE audit_checkpoints SET note = ? WHERE seq = 1000", string(forged)); err != nil {
			t.Fatal(err)
		}
	}},
	{name: "chain id changed", by: byDB, want: &Problem{Seq: 1, Kind: KindSpliced}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "UPDATE audit_chain SET chain_id = 'another'")
	}},
	{name: "entries and head emptied, checkpoints left", by: byDB, want: &Problem{Seq: 1, Kind: KindTruncated}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_entries", "DELETE FROM audit_chain")
	}},
	{name: "all audit tables emptied", by: byWitness, want: &Problem{Seq: 1, Kind: KindTruncated}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_entries", "DELETE FROM audit_chain", "DELETE FROM audit_checkpoints", "DELETE FROM audit_tree")
	}},
	{name: "trail replaced by another signed with the same key", by: byWitness, want: &Problem{Seq: 1, Kind: KindSpliced}, tamper: func(t *testing.T, f *tamperFixture) {
		f.sql(t, "DELETE FROM audit_entries", "DELETE FROM audit_chain", "DELETE FROM audit_checkpoints", "DELETE FROM audit_tree")
		f.other.load(t, f.db)
	}},
}

func TestTamperSuite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			base, other := buildFixture(t, b.open), buildFixture(t, b.open)
			for _, tc := range tamperCases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					f := &tamperFixture{db: base.clone(t, b.open), other: other}
					tc.tamper(t, f)
					keyed := New(f.db, Options{Signer: testKey(), Now: newClock().Now})
					outsider := New(f.db, Options{})
					pub := keyed.PublicKey()
					last := tc.by
					if tc.want == nil {
						last = byKey
					}
					for d := byDB; d <= last; d++ {
						var rep Report
						var err error
						switch d {
						case byDB:
							rep, err = outsider.Verify(ctx, pub)
						case byWitness:
							rep, err = outsider.VerifyWitnessed(ctx, pub, base.witnessed)
						case byKey:
							rep, err = keyed.Verify(ctx, pub)
						}
						if err != nil {
							t.Fatalf("verify with the %s: %v", d, err)
						}
						switch {
						case tc.want == nil || d < tc.by:
							if rep.FirstBad != nil {
								t.Errorf("verify with the %s found %v; want it found only with the %s", d, rep.FirstBad, tc.by)
							}
						case d == tc.by:
							if rep.FirstBad == nil || rep.FirstBad.Seq != tc.want.Seq || rep.FirstBad.Kind != tc.want.Kind || rep.FirstBad.Detail == "" {
								t.Errorf("verify with the %s found %v; want entry %d: %s", d, rep.FirstBad, tc.want.Seq, tc.want.Kind)
							} else {
								t.Logf("%s: %v", d, rep.FirstBad)
							}
						}
					}
					if tc.want == nil {
						rep, _ := outsider.VerifyWitnessed(ctx, pub, base.witnessed)
						if rep.VerifiedUpTo != fixtureEntries || rep.Checkpoint == nil || rep.Checkpoint.Number != 2 ||
							rep.Witnessed == nil || rep.Witnessed.Seq != 2000 {
							t.Errorf("intact report: %+v", rep)
						}
					}
				})
			}
		})
	}
}

// tamperFixture is one case's copy of the fixture trail, and another
// database's trail, signed with the same key.
type tamperFixture struct {
	db    *sqldb.DB
	other *fixtureTrail
}

func (f *tamperFixture) sql(t *testing.T, stmts ...string) { t.Helper(); tamperSQL(t, f.db, stmts...) }

// rewrite changes entries from to to with change, relinks and rehashes
// them, as an attacker who knows the encoding but not the signing key
// would, and when to is the last entry moves the head to it.
func (f *tamperFixture) rewrite(t *testing.T, from, to int64, change func(*stored)) {
	t.Helper()
	prev := storedAt(t, f.db, from-1).Hash
	if from == 1 {
		prev = storedAt(t, f.db, 1).PrevHash
	}
	var rows []stored
	for r, err := range (&Trail{db: f.db}).storedAfter(context.Background(), from-1, to) {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	entries := make([]Entry, len(rows))
	for i, r := range rows {
		change(&r)
		r.PrevHash = prev
		rehash(t, &r)
		entries[i], prev = r.Entry, r.Hash
	}
	ctx := context.Background()
	err := f.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM audit_entries WHERE seq >= ? AND seq <= ?", from, to); err != nil {
			return err
		}
		for i := 0; i < len(entries); i += maxBatch {
			if err := insertEntries(ctx, tx, rows[0].chainID, entries[i:min(i+maxBatch, len(entries))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("rewriting entries %d to %d: %v", from, to, err)
	}
	if r, err := scanStored(f.db.QueryRow(context.Background(), "SELECT "+storedColumns+" FROM audit_entries ORDER BY seq DESC LIMIT 1")); err != nil || r.Seq == to {
		f.sql(t, fmt.Sprintf("UPDATE audit_chain SET head_seq = %d, head_hash = '%s'", to, prev))
	}
}

// swap swaps entries seq and seq+1.
func (f *tamperFixture) swap(t *testing.T, seq int64) {
	t.Helper()
	f.sql(t, fmt.Sprintf("UPDATE audit_entries SET seq = 99999 WHERE seq = %d", seq),
		fmt.Sprintf("UPDATE audit_entries SET seq = %d WHERE seq = %d", seq, seq+1),
		fmt.Sprintf("UPDATE audit_entries SET seq = %d WHERE seq = 99999", seq+1))
}

// forge appends a correctly linked and hashed entry 2307, and moves the
// head to it when moveHead.
func (f *tamperFixture) forge(t *testing.T, moveHead bool) {
	t.Helper()
	last := storedAt(t, f.db, fixtureEntries)
	r := last
	r.Seq, r.ID, r.PrevHash, r.Resource = fixtureEntries+1, "forged", last.Hash, "fileId=forged"
	rehash(t, &r)
	put(t, f.db, r)
	if moveHead {
		f.sql(t, fmt.Sprintf("UPDATE audit_chain SET head_seq = %d, head_hash = '%s'", r.Seq, r.Hash))
	}
}

// truncate deletes the entries after seq and moves the head back to it.
func (f *tamperFixture) truncate(t *testing.T, seq int64) {
	t.Helper()
	h := storedAt(t, f.db, seq).Hash
	f.sql(t, fmt.Sprintf("DELETE FROM audit_entries WHERE seq > %d", seq),
		fmt.Sprintf("UPDATE audit_chain SET head_seq = %d, head_hash = '%s'", seq, h))
}

// fixtureTrail is the rows of a built trail and what its file witness
// holds.
type fixtureTrail struct {
	tables    map[string]*tableRows
	witnessed [][]byte
	// sqliteFile is a copy of a SQLite fixture's database.
	sqliteFile string
}

// tableRows are a table's columns and rows.
type tableRows struct {
	cols []string
	rows [][]any
}

// fixtureTables are the audit tables, in the order they load. Verify never
// reads audit_tree, so the cases go without it.
var fixtureTables = []string{"audit_chain", "audit_entries", "audit_checkpoints"}

// buildFixture writes the fixture trail as the appender does, in batches,
// checkpointed every 1000 entries and witnessed in a file, and returns its
// rows.
func buildFixture(t *testing.T, open func(testing.TB) *sqldb.DB) *fixtureTrail {
	t.Helper()
	ctx := context.Background()
	db := open(t)
	file := filepath.Join(t.TempDir(), "witness.jsonl")
	fw, err := NewFileWitness(file)
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close()
	tr := New(db, Options{Replica: "r1", Signer: testKey(), CheckpointEvery: 1000, Now: newClock().Now, Witnesses: []Witness{fw}})
	for i := 0; i < fixtureEntries; i += maxBatch {
		batch := make([]*pending, min(maxBatch, fixtureEntries-i))
		for j := range batch {
			batch[j] = &pending{in: sample(i + j)}
			batch[j].in.Outcome = OutcomeOK
		}
		if err := tr.write(ctx, batch); err != nil {
			t.Fatal(err)
		}
		tr.checkpointBatch(ctx, batch[0].out.Seq, batch[len(batch)-1].out.Seq)
		tr.drainWitness(ctx)
	}
	f := &fixtureTrail{tables: map[string]*tableRows{}}
	f.witnessed = readWitnessFile(t, file)
	if len(f.witnessed) != 2 {
		t.Fatalf("the witness holds %d checkpoints, want 2", len(f.witnessed))
	}
	for _, table := range fixtureTables {
		f.tables[table] = readTable(t, db, table)
	}
	if db.Dialect == sqldb.SQLite {
		f.sqliteFile = filepath.Join(t.TempDir(), "fixture.db")
		tamperSQL(t, db, "VACUUM INTO '"+f.sqliteFile+"'")
	}
	return f
}

// clone returns a copy of the fixture trail in a database of its own: a
// copy of the SQLite file, or a fresh database from open loaded with the
// rows.
func (f *fixtureTrail) clone(t *testing.T, open func(testing.TB) *sqldb.DB) *sqldb.DB {
	t.Helper()
	if f.sqliteFile == "" {
		db := open(t)
		f.load(t, db)
		return db
	}
	b, err := os.ReadFile(f.sqliteFile)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sqldb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// load writes the fixture's rows into db, a fresh migrated database.
func (f *fixtureTrail) load(t *testing.T, db *sqldb.DB) {
	t.Helper()
	ctx := context.Background()
	for _, table := range fixtureTables {
		tr := f.tables[table]
		const per = 200
		for i := 0; i < len(tr.rows); i += per {
			part := tr.rows[i:min(i+per, len(tr.rows))]
			one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(tr.cols)), ", ") + ")"
			var args []any
			for _, r := range part {
				args = append(args, r...)
			}
			q := "INSERT INTO " + table + " (" + strings.Join(tr.cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", len(part)), ", ")
			if _, err := db.Exec(ctx, q, args...); err != nil {
				t.Fatalf("loading %s: %v", table, err)
			}
		}
	}
}

// backends open a fresh, migrated database of each kind.
var backends = []struct {
	name string
	open func(testing.TB) *sqldb.DB
}{
	{"sqlite", sqldbtest.SQLite},
	{"postgres", sqldbtest.Postgres},
}
