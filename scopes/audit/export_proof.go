package audit

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// A signed export is JSON Lines: a first line {"checkpoint": the latest
// signed checkpoint note}, then one line per entry, the fields of a JSON
// Lines export and "proof", the base64 hashes of the tlog record proof that
// the entry is a leaf of the checkpoint's tree. Entries appended after the
// checkpoint have no proof. VerifyExport checks such a file offline with
// the public key alone.

// exportHeader is a signed export's first line.
type exportHeader struct {
	Checkpoint string `json:"checkpoint"`
}

// provenRecord is an entry line of a signed export.
type provenRecord struct {
	record
	Proof []string `json:"proof,omitempty"`
}

// proofCache bounds how many tree hashes ExportSigned keeps between
// entries.
const proofCache = 1 << 16

// ExportSigned writes the entries that match f as a signed export,
// streaming: the latest note checkpoint first, then each entry with its
// record proof in that checkpoint's tree. Entries are exported as stored
// (f.Raw), since that is what was hashed. It returns ErrNoCheckpoint when
// the trail has no note checkpoint yet. It reports each entry written to
// ctx's WithProgress.
func (t *Trail) ExportSigned(ctx context.Context, w io.Writer, f Filter) error {
	f.Raw = true // each entry as it was hashed
	cp, ok, err := latestCheckpoint(ctx, t.db)
	if err != nil {
		return fmt.Errorf("exporting the audit trail: %w", err)
	}
	if !ok {
		return fmt.Errorf("exporting the audit trail: %w", ErrNoCheckpoint)
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(exportHeader{Checkpoint: cp.Note}); err != nil {
		return fmt.Errorf("exporting the audit trail: %w", err)
	}
	r := newTreeReader(ctx, t.db)
	report := t.exportProgress(ctx)
	for e, err := range t.Entries(ctx, f) {
		if err != nil {
			return fmt.Errorf("exporting the audit trail: %w", err)
		}
		pr := provenRecord{record: newRecord(e)}
		if e.Seq <= cp.Seq {
			if len(r.mem) > proofCache {
				r.mem = map[int64]tlog.Hash{}
			}
			p, err := tlog.ProveRecord(cp.Seq, e.Seq-1, r)
			if err != nil {
				return fmt.Errorf("exporting the audit trail: proving entry %d: %w", e.Seq, err)
			}
			for _, h := range p {
				pr.Proof = append(pr.Proof, h.String())
			}
			if pr.Proof == nil {
				pr.Proof = []string{}
			}
		}
		if err := enc.Encode(pr); err != nil {
			return fmt.Errorf("exporting the audit trail: %w", err)
		}
		if report != nil {
			report(e.Seq)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("exporting the audit trail: %w", err)
	}
	return nil
}

// ErrNoCheckpoint means a signed export was asked of a trail that has no
// signed note checkpoint yet.
var ErrNoCheckpoint = errors.New("audit: no signed checkpoint yet")

// ExportReport is the result of VerifyExport.
type ExportReport struct {
	// Checkpoint is the export's checkpoint, verified.
	Checkpoint Checkpoint
	// Entries is how many entry lines were read; Proven how many of them
	// are proven leaves of the checkpoint's tree; Unsigned how many come
	// after the checkpoint, and so are not proven.
	Entries, Proven, Unsigned int64
	// FirstBad is the first entry that is not what the trail signed, nil
	// when there is none.
	FirstBad *Problem
}

// maxExportLine bounds one line of a signed export.
const maxExportLine = 1 << 20

// VerifyExport checks a signed export offline against pub: the checkpoint
// note's signature, then for each entry that its fields hash to its hash,
// in the checkpoint's chain, and that its record proof leads to the
// checkpoint's tree hash. Entries that do not are reported in FirstBad;
// the error is for a file that is not a signed export.
func VerifyExport(r io.Reader, pub ed25519.PublicKey) (ExportReport, error) {
	var rep ExportReport
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, maxExportLine)
	if !sc.Scan() {
		return rep, fmt.Errorf("audit: reading the export: %w", errors.Join(sc.Err(), errors.New("it is empty")))
	}
	var h exportHeader
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Checkpoint == "" {
		return rep, errors.New("audit: the export does not start with a checkpoint: export it signed (--signed)")
	}
	b, err := openCheckpoint([]byte(h.Checkpoint), pub)
	if err != nil {
		return rep, fmt.Errorf("audit: the export's checkpoint: %w", err)
	}
	rep.Checkpoint = Checkpoint{Seq: b.Size, Hash: b.Head, Time: b.Time, KeyID: KeyID(pub), Number: b.Number, Root: encodeHash(b.Root), Note: h.Checkpoint}
	for line := 2; sc.Scan(); line++ {
		var pr provenRecord
		if err := json.Unmarshal(sc.Bytes(), &pr); err != nil {
			return rep, fmt.Errorf("audit: reading the export: line %d: %w", line, err)
		}
		rep.Entries++
		if rep.FirstBad != nil {
			continue
		}
		if p := checkProven(&pr, b); p != nil {
			rep.FirstBad = p
			continue
		}
		if pr.Seq > b.Size {
			rep.Unsigned++
		} else {
			rep.Proven++
		}
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("audit: reading the export: %w", err)
	}
	return rep, nil
}

// checkProven checks one exported entry against the checkpoint b.
func checkProven(pr *provenRecord, b checkpointBody) *Problem {
	e, err := pr.entry()
	if err != nil {
		return &Problem{Seq: pr.Seq, Kind: KindEdited, Detail: fmt.Sprintf("entry %d cannot be read: %v", pr.Seq, err)}
	}
	if h, err := entryHash(formatVersion(&e), b.ChainID, &e); err != nil || h != e.Hash {
		return &Problem{Seq: pr.Seq, Kind: KindEdited, Detail: fmt.Sprintf("entry %d's fields do not hash to its hash", pr.Seq)}
	}
	if pr.Seq > b.Size {
		return nil
	}
	proof := make(tlog.RecordProof, len(pr.Proof))
	for i, s := range pr.Proof {
		if proof[i], err = tlog.ParseHash(s); err != nil {
			return &Problem{Seq: pr.Seq, Kind: KindEdited, Detail: fmt.Sprintf("entry %d's proof cannot be read", pr.Seq)}
		}
	}
	if pr.Proof == nil || tlog.CheckRecord(proof, b.Size, b.Root, pr.Seq-1, tlog.RecordHash(leafData(e.Hash))) != nil {
		return &Problem{Seq: pr.Seq, Kind: KindEdited, Detail: fmt.Sprintf(
			"entry %d is not the entry %d of the tree that checkpoint %d signed", pr.Seq, pr.Seq, b.Number)}
	}
	return nil
}

// entry is the exported record as an Entry, to hash it again: every field
// that entryHash covers must be read back here.
func (r *record) entry() (Entry, error) {
	at, err := time.Parse(time.RFC3339Nano, r.Time)
	if err != nil {
		return Entry{}, err
	}
	return Entry{
		Seq: r.Seq, ID: r.ID, Time: at.UTC(), ActorID: r.ActorID, ActorEmail: r.ActorEmail, ClientID: r.ClientID,
		Event: Event(r.Event), APIName: r.APIName, MethodName: r.MethodName, Scope: r.Scope, Purpose: r.Purpose,
		Resource: r.Resource, HTTPStatus: r.HTTPStatus, ErrorReason: r.ErrorReason, Outcome: Outcome(r.Outcome),
		NumResponseBytes: r.NumResponseBytes, Items: r.Items, Latency: time.Duration(r.LatencyMicros) * time.Microsecond,
		RequestID: r.RequestID, Replica: r.Replica, RefSeq: r.RefSeq, PrevHash: r.PrevHash, Hash: r.Hash,
		Host: r.Host, BytesSent: r.BytesSent, AudioDuration: time.Duration(r.AudioMicros) * time.Microsecond,
		SubjectID: r.SubjectID, SubjectEmail: r.SubjectEmail,
	}, nil
}
