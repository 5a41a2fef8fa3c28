package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// testWitness is an HTTP witness as HTTPWitness expects one: it accepts a
// checkpoint only if its note verifies and, after the first, its proof
// shows that it extends the last one accepted; GET answers the latest
// note. It refuses the first POST, as a witness that is down would.
type testWitness struct {
	pub      ed25519.PublicKey
	mu       sync.Mutex
	posts    int
	accepted []checkpointBody
	proofs   int
	latest   []byte
}

func (w *testWitness) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if r.Method == http.MethodGet {
		rw.Write(w.latest)
		return
	}
	w.posts++
	if w.posts == 1 {
		http.Error(rw, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	var body httpWitnessBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	b, err := openCheckpoint([]byte(body.Note), w.pub)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	if n := len(w.accepted); n > 0 {
		last := w.accepted[n-1]
		proof := make(tlog.TreeProof, len(body.Proof))
		for i, s := range body.Proof {
			proof[i], _ = tlog.ParseHash(s)
		}
		if body.OldSize != last.Size || tlog.CheckTree(proof, b.Size, b.Root, last.Size, last.Root) != nil {
			http.Error(rw, "does not extend the last checkpoint", http.StatusConflict)
			return
		}
		w.proofs++
	}
	w.accepted = append(w.accepted, b)
	w.latest = []byte(body.Note)
}

// TestRunCheckpoints checkpoints on a timer, and only when there are new
// entries, and hands each checkpoint to a file, an HTTP and a log witness;
// the HTTP witness is down at first, and gets the next checkpoint with a
// consistency proof from the last one it accepted. Verify against each
// witness then finds the trail intact and witnessed.
func TestRunCheckpoints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := backends[0].open(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "witness.jsonl")
	fw, err := NewFileWitness(file)
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close()
	hw := &testWitness{pub: testKey().Public().(ed25519.PublicKey)}
	srv := httptest.NewServer(hw)
	defer srv.Close()
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	tr := New(db, Options{Signer: testKey(), CheckpointEvery: -1, CheckpointInterval: 20 * time.Millisecond, Logger: logger,
		Witnesses: []Witness{fw, NewHTTPWitness(srv.URL, srv.Client()), NewLogWitness(logger)}})
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { tr.RunCheckpoints(rctx); close(done) }()

	for _, upTo := range []int64{3, 5, 9} {
		st, _ := tr.Status(ctx)
		for st.HeadSeq < upTo {
			if _, err := tr.Append(ctx, sample(int(st.HeadSeq))); err != nil {
				t.Fatal(err)
			}
			st.HeadSeq++
		}
		waitFor(t, func() bool {
			st, err := tr.Status(ctx)
			return err == nil && st.Checkpoint != nil && st.Checkpoint.Seq == upTo
		})
	}
	before, _ := tr.Status(ctx)
	time.Sleep(100 * time.Millisecond) // several ticks without new entries
	st, err := tr.Status(ctx)
	if err != nil || st.Checkpoint.Number != before.Checkpoint.Number || !st.NextCheckpoint.IsZero() || st.HeadTime.IsZero() {
		t.Errorf("Status after idle ticks: %+v, %v; want checkpoint %d still, nothing due", st, err, before.Checkpoint.Number)
	}
	number := st.Checkpoint.Number
	cancel()
	<-done

	hw.mu.Lock()
	if n := len(hw.accepted); n == 0 || int64(n) != number-1 || hw.proofs != n-1 || hw.accepted[n-1].Size != 9 {
		t.Errorf("the HTTP witness accepted %d checkpoints with %d proofs (%d posts); want all but the first of %d, each with a proof but the first", n, hw.proofs, hw.posts, number)
	}
	hw.mu.Unlock()
	if !strings.Contains(logs.String(), `"msg":"audit checkpoint not witnessed; the next checkpoint tries again"`) ||
		!strings.Contains(logs.String(), `"size":9,"root":`) {
		t.Errorf("log:\n%s", logs.String())
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("witness file: %v, %v; want mode 0600", fi, err)
	}
	wl := readWitnessFile(t, file)
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := ReadWitness(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	for name, notes := range map[string][][]byte{"file": wl, "url": latest.Notes} {
		rep, err := New(db, Options{}).VerifyWitnessed(ctx, tr.PublicKey(), notes)
		if err != nil || !rep.OK() || rep.Witnessed == nil || rep.Witnessed.Seq != 9 || rep.Witnessed.Number != number {
			t.Errorf("verify against the %s witness: %+v, %v", name, rep, err)
		}
	}
	if int64(len(wl)) != number {
		t.Errorf("the file witness holds %d checkpoints, want %d", len(wl), number)
	}
}

// TestDeadWitnessDoesNotStopAppends appends while the only witness hangs:
// appends and count checkpoints go on.
func TestDeadWitnessDoesNotStopAppends(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	tr := New(backends[0].open(t), Options{Signer: testKey(), CheckpointEvery: 5, CheckpointInterval: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Witnesses: []Witness{NewHTTPWitness(srv.URL, srv.Client())}})
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go tr.RunCheckpoints(rctx)
	start := time.Now()
	fill(t, tr, 20)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("20 appends took %s with a hanging witness", d)
	}
	st, err := tr.Status(ctx)
	if err != nil || st.Checkpoint == nil || st.Checkpoint.Seq != 20 {
		t.Errorf("Status: %+v, %v; want a checkpoint at 20", st, err)
	}
}

// waitFor waits up to 10 seconds for cond.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestParseVerifierKeyWithPlus reads back verifier keys whose base64 key
// data holds a '+', as many keys' do.
func TestParseVerifierKeyWithPlus(t *testing.T) {
	found := 0
	for i := byte(0); found < 3 && i < 200; i++ {
		pub := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{i}, ed25519.SeedSize)).Public().(ed25519.PublicKey)
		vkey, err := VerifierKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(vkey, "+") < 3 {
			continue
		}
		found++
		got, err := parseVerifierKey(vkey)
		if err != nil || !got.Equal(pub) {
			t.Errorf("parseVerifierKey(%q) = %x, %v; want %x", vkey, got, err, pub)
		}
	}
	if found == 0 {
		t.Fatal("no seed gave a key with a '+' in its data")
	}
}

// TestHTTPWitnessKeepsCredentialsOutOfErrors posts to a witness URL that
// carries a password and a token to a port that refuses: neither the
// witness's name nor its error quotes them.
func TestHTTPWitnessKeepsCredentialsOutOfErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	w := NewHTTPWitness("http://ops:hunter2@"+addr+"/witness?token=s3cret#frag", nil)
	err := w.Witness(context.Background(), WitnessRequest{Note: []byte("n"), Number: 1, Size: 1})
	if err == nil {
		t.Fatal("posting to a closed port succeeded")
	}
	for _, text := range []string{w.String(), err.Error()} {
		if strings.Contains(text, "hunter2") || strings.Contains(text, "s3cret") || strings.Contains(text, "ops") {
			t.Errorf("%q quotes the URL's credentials", text)
		}
	}
	if want := "url:http://" + addr + "/witness"; w.String() != want {
		t.Errorf("String() = %q, want %q", w.String(), want)
	}
}

// TestHTTPWitnessAfterRestart witnesses a checkpoint, then restarts the
// process, as a deploy does: the new process's witness first reads the
// size the witness holds, so that its next checkpoint comes with the
// consistency proof the witness insists on, and is accepted.
func TestHTTPWitnessAfterRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := backends[0].open(t)
	hw := &testWitness{pub: testKey().Public().(ed25519.PublicKey)}
	srv := httptest.NewServer(hw)
	defer srv.Close()
	open := func() *Trail {
		return New(db, Options{Signer: testKey(), CheckpointEvery: -1, Witnesses: []Witness{NewHTTPWitness(srv.URL, srv.Client())}})
	}
	first := open()
	fill(t, first, 4)
	for range 2 { // the test witness refuses its first post
		if _, err := first.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		fill(t, first, 2)
	}
	restarted := open()
	fill(t, restarted, 2)
	if _, err := restarted.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	hw.mu.Lock()
	defer hw.mu.Unlock()
	if len(hw.accepted) != 2 || hw.proofs != 1 {
		t.Errorf("the witness accepted %d checkpoints with %d proofs, want 2 with 1: the restarted process's was refused", len(hw.accepted), hw.proofs)
	}
}
