package audit

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Format is an export format.
type Format string

// Export formats.
const (
	FormatCSV   Format = "csv"
	FormatJSONL Format = "jsonl"
)

// ParseFormat reads a format name: "csv", or "jsonl" (also "ndjson").
func ParseFormat(s string) (Format, error) {
	switch s {
	case "csv":
		return FormatCSV, nil
	case "jsonl", "ndjson":
		return FormatJSONL, nil
	}
	return "", fmt.Errorf("audit: unknown export format %q (want csv or jsonl)", s)
}

// record is an entry as exported, with the field names of DESIGN.md.
type record struct {
	Seq              int64  `json:"seq"`
	ID               string `json:"id"`
	Time             string `json:"time"`
	ActorID          string `json:"actor_id"`
	ActorEmail       string `json:"actor_email"`
	ClientID         string `json:"client_id"`
	Event            string `json:"event"`
	APIName          string `json:"api_name"`
	MethodName       string `json:"method_name"`
	Scope            string `json:"scope"`
	Purpose          string `json:"purpose"`
	Resource         string `json:"resource"`
	HTTPStatus       int    `json:"http_status"`
	ErrorReason      string `json:"error_reason"`
	Outcome          string `json:"outcome"`
	NumResponseBytes int64  `json:"num_response_bytes"`
	Items            int64  `json:"items"`
	LatencyMicros    int64  `json:"latency_us"`
	RequestID        string `json:"request_id"`
	Replica          string `json:"replica"`
	RefSeq           int64  `json:"ref_seq"`
	PrevHash         string `json:"prev_hash"`
	Hash             string `json:"hash"`
	Host             string `json:"host"`
	BytesSent        int64  `json:"bytes_sent"`
	AudioMicros      int64  `json:"audio_us"`
	SubjectID        string `json:"subject_id"`
	SubjectEmail     string `json:"subject_email"`
}

// csvHeader names the CSV columns, in the order of record's fields.
var csvHeader = []string{"seq", "id", "time", "actor_id", "actor_email", "client_id", "event", "api_name",
	"method_name", "scope", "purpose", "resource", "http_status", "error_reason", "outcome", "num_response_bytes",
	"items", "latency_us", "request_id", "replica", "ref_seq", "prev_hash", "hash",
	"host", "bytes_sent", "audio_us", "subject_id", "subject_email"}

func newRecord(e Entry) record {
	return record{
		Seq: e.Seq, ID: e.ID, Time: e.Time.UTC().Format(time.RFC3339Nano), ActorID: e.ActorID, ActorEmail: e.ActorEmail,
		ClientID: e.ClientID, Event: string(e.Event), APIName: e.APIName, MethodName: e.MethodName, Scope: e.Scope,
		Purpose: e.Purpose, Resource: e.Resource, HTTPStatus: e.HTTPStatus, ErrorReason: e.ErrorReason,
		Outcome: string(e.Outcome), NumResponseBytes: e.NumResponseBytes, Items: e.Items,
		LatencyMicros: e.Latency.Microseconds(), RequestID: e.RequestID, Replica: e.Replica, RefSeq: e.RefSeq,
		PrevHash: e.PrevHash, Hash: e.Hash, Host: e.Host, BytesSent: e.BytesSent,
		AudioMicros: e.AudioDuration.Microseconds(), SubjectID: e.SubjectID, SubjectEmail: e.SubjectEmail,
	}
}

// csv returns the record's CSV row, each cell safe to open in a
// spreadsheet (see SafeCell).
func (r record) csv() []string {
	row := r.csvCells()
	for k, cell := range row {
		row[k] = SafeCell(cell)
	}
	return row
}

// csvCells returns the record's CSV row as stored, before SafeCell.
func (r record) csvCells() []string {
	i := strconv.FormatInt
	return []string{i(r.Seq, 10), r.ID, r.Time, r.ActorID, r.ActorEmail, r.ClientID, r.Event, r.APIName,
		r.MethodName, r.Scope, r.Purpose, r.Resource, strconv.Itoa(r.HTTPStatus), r.ErrorReason, r.Outcome,
		i(r.NumResponseBytes, 10), i(r.Items, 10), i(r.LatencyMicros, 10), r.RequestID, r.Replica, i(r.RefSeq, 10),
		r.PrevHash, r.Hash, r.Host, i(r.BytesSent, 10), i(r.AudioMicros, 10), r.SubjectID, r.SubjectEmail}
}

// SafeCell neutralises a CSV cell that a spreadsheet would read as a
// formula, following OWASP's rule on CSV injection: a cell that starts with
// =, +, -, @, a tab or a carriage return gets a single quote in front, so
// that it shows as the text it is. Every other cell is returned as it is.
// Numbers the trail writes are never negative, so no number is changed.
func SafeCell(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// Export writes every entry that matches f to w, streaming a page at a time
// in constant memory. CSV starts with a header row, and its cells are
// neutralised for spreadsheets (SafeCell); JSON Lines writes one object per
// line, every value exactly as stored. f.Limit is the page size; all pages are written.
// It reports each entry written to ctx's WithProgress.
func (t *Trail) Export(ctx context.Context, w io.Writer, format Format, f Filter) error {
	var write func(record) error
	var flush func() error
	switch format {
	case FormatCSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(csvHeader); err != nil {
			return fmt.Errorf("exporting the audit trail: %w", err)
		}
		write = func(r record) error { return cw.Write(r.csv()) }
		flush = func() error { cw.Flush(); return cw.Error() }
	case FormatJSONL:
		bw := bufio.NewWriter(w)
		enc := json.NewEncoder(bw)
		write = func(r record) error { return enc.Encode(r) }
		flush = bw.Flush
	default:
		return fmt.Errorf("exporting the audit trail: unknown format %q", format)
	}
	report := t.exportProgress(ctx)
	for e, err := range t.Entries(ctx, f) {
		if err != nil {
			return fmt.Errorf("exporting the audit trail: %w", err)
		}
		if err := write(newRecord(e)); err != nil {
			return fmt.Errorf("exporting the audit trail: %w", err)
		}
		if report != nil {
			report(e.Seq)
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("exporting the audit trail: %w", err)
	}
	return nil
}
