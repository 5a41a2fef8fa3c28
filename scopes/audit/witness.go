package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/tlog"
)

// Witness keeps checkpoints where the database's writer cannot rewrite
// them. A trail hands each checkpoint it makes to its witnesses from
// RunCheckpoints, never from an append: a witness that fails or hangs
// (each call is bounded by ten seconds) is logged at warning level and
// tried again with the next checkpoint, and appends, and so Google calls,
// go on. Verify with the witnessed notes (VerifyWitnessed) then detects a
// trail truncated, emptied or rewritten behind them.
type Witness interface {
	Witness(ctx context.Context, r WitnessRequest) error
}

// WitnessRequest is one checkpoint to witness.
type WitnessRequest struct {
	// Note is the signed checkpoint note.
	Note []byte
	// Number and Size are the checkpoint's number and tree size, as the
	// note says.
	Number, Size int64
	// VerifierKey is the signed-note verifier key of the note's signer
	// (see VerifierKey).
	VerifierKey string
	// Prove returns the tlog consistency proof that the tree of Size
	// entries extends the tree of old entries (old < Size), for a witness
	// that checks that each checkpoint extends the one it saw last.
	Prove func(ctx context.Context, old int64) (tlog.TreeProof, error)
}

// witnessLine is one line of a witness file.
type witnessLine struct {
	Number int64  `json:"number"`
	Size   int64  `json:"size"`
	Key    string `json:"key,omitempty"`
	Note   string `json:"note"`
}

// FileWitness appends each checkpoint to a file as one JSON line, {"number",
// "size", "key", "note"}, and syncs it: the file only grows. The key is the
// note's verifier key, so that the file alone lets a reviewer verify. Put it where the
// database's writer cannot write, or ship it elsewhere.
type FileWitness struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

// NewFileWitness opens, or creates with mode 0600, the witness file at
// path, for appending.
func NewFileWitness(path string) (*FileWitness, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the audit witness file: %w", err)
	}
	return &FileWitness{path: path, f: f}, nil
}

// Witness appends the checkpoint and syncs the file.
func (w *FileWitness) Witness(_ context.Context, r WitnessRequest) error {
	line, err := json.Marshal(witnessLine{Number: r.Number, Size: r.Size, Key: r.VerifierKey, Note: string(r.Note)})
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("writing %s: %w", w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", w.path, err)
	}
	return nil
}

// Close closes the file.
func (w *FileWitness) Close() error { return w.f.Close() }

// String names the witness in log lines.
func (w *FileWitness) String() string { return "file:" + w.path }

// HTTPWitness POSTs each checkpoint as JSON to a URL: {"note": the signed
// note, "old_size": the size of the last checkpoint it accepted, "proof":
// the base64 hashes of the consistency proof from old_size}. Any 2xx answer
// accepts it. A GET of the same URL is expected to answer the latest
// witnessed note, which `scopetrail audit verify --witness URL` reads and
// which the witness itself reads before its first post and after a refused
// one, so that after a restart, or a post by another replica, its proof
// starts from the size the witness holds.
type HTTPWitness struct {
	url    string
	client *http.Client
	mu     sync.Mutex
	// old is the size of the last checkpoint the witness accepted; synced
	// is true once it was read back from the witness, as it must be after
	// a restart or when another replica posted since.
	old    int64
	synced bool
}

// NewHTTPWitness returns a witness that posts to url with client, or
// http.DefaultClient when client is nil.
func NewHTTPWitness(url string, client *http.Client) *HTTPWitness {
	if client == nil {
		client = http.DefaultClient
	}
	return &HTTPWitness{url: url, client: client}
}

// httpWitnessBody is what HTTPWitness posts.
type httpWitnessBody struct {
	Note    string   `json:"note"`
	OldSize int64    `json:"old_size"`
	Proof   []string `json:"proof"`
}

// Witness posts the checkpoint with the proof that it extends the last one
// the witness accepted.
func (w *HTTPWitness) Witness(ctx context.Context, r WitnessRequest) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.synced {
		w.old, w.synced = w.latestSize(ctx, r.VerifierKey), true
	}
	body := httpWitnessBody{Note: string(r.Note), OldSize: w.old, Proof: []string{}}
	if w.old > 0 && w.old < r.Size && r.Prove != nil {
		p, err := r.Prove(ctx, w.old)
		if err != nil {
			return fmt.Errorf("proving checkpoint %d extends size %d: %w", r.Number, w.old, err)
		}
		for _, h := range p {
			body.Proof = append(body.Proof, h.String())
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("posting to the audit witness %s: its URL does not parse", w)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		// The client's error quotes the whole URL: name the witness instead.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("posting to the audit witness %s: %w", w, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		// The witness may hold a checkpoint this process did not post:
		// read its size again before the next post.
		w.synced = false
		return fmt.Errorf("the audit witness answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	w.old = r.Size
	return nil
}

// latestSize reads the size of the latest checkpoint the witness holds,
// from the note a GET of its URL answers, checked against the verifier key
// vkey; 0 when it holds none or cannot say, and the next post then carries
// no proof.
func (w *HTTPWitness) latestSize(ctx context.Context, vkey string) int64 {
	pub, err := parseVerifierKey(vkey)
	if err != nil {
		return 0
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.url, nil)
	if err != nil {
		return 0
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0
	}
	msg, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return 0
	}
	b, err := openCheckpoint(msg, pub)
	if err != nil {
		return 0
	}
	return b.Size
}

// String names the witness in log lines, without the URL's user
// information, query or fragment, which may hold credentials.
func (w *HTTPWitness) String() string {
	u, err := url.Parse(w.url)
	if err != nil {
		return "url:(unreadable)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return "url:" + u.String()
}

// LogWitness writes each checkpoint as one structured log line, message
// "audit checkpoint", with its number, size, tree hash and signed note, for
// operators who ship the process log elsewhere. It never fails.
type LogWitness struct{ log *slog.Logger }

// NewLogWitness returns a witness that logs to l, or slog.Default() when
// l is nil.
func NewLogWitness(l *slog.Logger) *LogWitness {
	if l == nil {
		l = slog.Default()
	}
	return &LogWitness{log: l}
}

// Witness logs the checkpoint.
func (w *LogWitness) Witness(ctx context.Context, r WitnessRequest) error {
	w.log.InfoContext(ctx, "audit checkpoint", "number", r.Number, "size", r.Size, "root", noteRoot(string(r.Note)), "note", string(r.Note))
	return nil
}

// String names the witness in log lines.
func (w *LogWitness) String() string { return "log" }

// maxNote bounds one witnessed note.
const maxNote = 64 << 10

// WitnessLog is what a witness holds.
type WitnessLog struct {
	// Notes are the witnessed checkpoint notes, not yet verified.
	Notes [][]byte
	// PublicKey is the key that the witness recorded with the notes, nil
	// when it recorded none (a bare note).
	PublicKey ed25519.PublicKey
}

// ReadWitness reads what a witness holds: a witness file (JSON lines as
// FileWitness writes them), or one signed note as it stands, as an HTTP
// witness answers. Lines without a note are skipped. Lines that record
// different keys are refused.
func ReadWitness(r io.Reader) (WitnessLog, error) {
	var wl WitnessLog
	br := bufio.NewReader(r)
	first, err := br.Peek(1)
	if err == io.EOF {
		return wl, nil
	}
	if err != nil {
		return wl, fmt.Errorf("reading the witness: %w", err)
	}
	if first[0] != '{' {
		b, err := io.ReadAll(io.LimitReader(br, maxNote+1))
		if err != nil {
			return wl, fmt.Errorf("reading the witness: %w", err)
		}
		if len(b) > maxNote {
			return wl, fmt.Errorf("reading the witness: a note is at most %d bytes", maxNote)
		}
		wl.Notes = [][]byte{b}
		return wl, nil
	}
	var key string
	sc := bufio.NewScanner(br)
	sc.Buffer(nil, 2*maxNote)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l witnessLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return wl, fmt.Errorf("reading the witness: line %d: %w", n, err)
		}
		if l.Note == "" {
			continue
		}
		if l.Key != "" && key != "" && l.Key != key {
			return wl, fmt.Errorf("reading the witness: line %d records key %q, not %q", n, l.Key, key)
		}
		if l.Key != "" {
			key = l.Key
		}
		wl.Notes = append(wl.Notes, []byte(l.Note))
	}
	if err := sc.Err(); err != nil {
		return wl, fmt.Errorf("reading the witness: %w", err)
	}
	if key != "" {
		if wl.PublicKey, err = parseVerifierKey(key); err != nil {
			return wl, fmt.Errorf("reading the witness: %w", err)
		}
	}
	return wl, nil
}

// parseVerifierKey reads an Ed25519 verifier key written by VerifierKey.
func parseVerifierKey(vkey string) (ed25519.PublicKey, error) {
	// name+hash+data, where only data, in standard base64, may hold a '+'.
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return nil, fmt.Errorf("%q is not an Ed25519 verifier key", vkey)
	}
	b, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(b) != 1+ed25519.PublicKeySize || b[0] != 1 {
		return nil, fmt.Errorf("%q is not an Ed25519 verifier key", vkey)
	}
	pub := ed25519.PublicKey(b[1:])
	if want, err := VerifierKey(pub); err != nil || want != vkey {
		return nil, fmt.Errorf("%q is not a verifier key of %s", vkey, NoteKeyName)
	}
	return pub, nil
}
