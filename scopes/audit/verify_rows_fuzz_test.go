package audit

import (
	"database/sql"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// FuzzRawEntryHash checks Verify's fast path against entryHash on rows as
// anyone who can write the database may store them: a row hashes by the
// fast path exactly when entryHash of the row read by scanStored gives its
// stored hash, and the fast path reads the row back as scanStored would.
func FuzzRawEntryHash(f *testing.F) {
	f.Add(int64(1), int64(7), "chain", "id", int64(1772359200000000), "u1", "", int64(200), int64(1500), "", int64(0), int64(0), "", "", true)
	f.Add(int64(1), int64(8), "chain", "id", int64(0), "u1", "local", int64(0), int64(-1), "", int64(10), int64(3), "", "", true)
	f.Add(int64(2), int64(9), "c", "", int64(5), "", "", int64(-7), int64(1<<61), "", int64(0), int64(1<<61), "s", "", true)
	f.Add(int64(3), int64(1), "c", "x", int64(5), "a", "h", int64(1), int64(9), "p", int64(1), int64(2), "", "e@x", false)
	f.Add(int64(3), int64(4), "c", "x", int64(5), "a", "", int64(1), int64(9), "p", int64(0), int64(0), "u2", "e@x", true)
	f.Add(int64(2), int64(1), "c", "x", int64(5), "a", "", int64(1), int64(9), "p", int64(0), int64(0), "sub", "", true)
	f.Add(int64(4), int64(1), "c", "x", int64(5), "a", "", int64(1), int64(9), "p", int64(0), int64(0), "", "", true)
	f.Fuzz(func(t *testing.T, version, seq int64, chainID, id string, at int64, actor, host string, status, latency int64,
		prev string, sent, audio int64, subject, subjectEmail string, rehashed bool) {
		s := stored{version: int(version), chainID: chainID, Entry: Entry{Seq: seq, ID: id, Time: sqldb.FromMicros(at),
			ActorID: actor, ActorEmail: actor + "@example.com", ClientID: "client", Event: EventActivity, APIName: "drive",
			MethodName: "drive.files.get", Scope: "s", Purpose: "recordings", Resource: "fileId=" + id, HTTPStatus: int(status),
			ErrorReason: "", Outcome: OutcomeOK, NumResponseBytes: status * 3, Items: -status, Latency: time.Duration(latency) * time.Microsecond,
			RequestID: "r", Replica: "r1", RefSeq: seq - 1, PrevHash: prev, Host: host, BytesSent: sent,
			AudioDuration: time.Duration(audio) * time.Microsecond, SubjectID: subject, SubjectEmail: subjectEmail}}
		s.Hash = "not a hash"
		if h, err := entryHash(s.version, chainID, &s.Entry); err == nil && rehashed {
			s.Hash = h
		}
		c := rawColumns{seq: seq, version: version, at: at, status: status, respBytes: s.NumResponseBytes, items: s.Items,
			latency: latency, ref: s.RefSeq, sent: sent, audio: audio}
		for dst, src := range map[*sql.RawBytes]string{&c.id: id, &c.chainID: chainID, &c.actor: actor, &c.email: s.ActorEmail,
			&c.client: s.ClientID, &c.event: string(s.Event), &c.api: s.APIName, &c.method: s.MethodName, &c.scope: s.Scope,
			&c.purpose: s.Purpose, &c.resource: s.Resource, &c.errReason: s.ErrorReason, &c.outcome: string(s.Outcome),
			&c.requestID: s.RequestID, &c.replica: s.Replica, &c.prevHash: prev, &c.hash: s.Hash, &c.host: host,
			&c.subjectID: subject, &c.subjectEmail: subjectEmail} {
			*dst = sql.RawBytes(src)
		}
		var p rawPage
		p.add(&c)
		p.fix()
		r := &p.rows[0]
		if got, want := r.hashes(), s.hashes(chainID, seq); got != want {
			t.Errorf("the fast path says the row hashes: %v; entryHash: %v", got, want)
		}
		if diff := cmp.Diff(s, r.stored(), cmp.AllowUnexported(stored{})); diff != "" {
			t.Errorf("the row read back (-scanStored +fast path):\n%s", diff)
		}
		if string(r.chainID) != chainID || string(r.prevHash) != prev || string(r.hash) != s.Hash || r.seq != seq {
			t.Errorf("the row's chain id, links or seq: %q %q %q %d", r.chainID, r.prevHash, r.hash, r.seq)
		}
	})
}
