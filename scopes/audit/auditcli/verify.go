package auditcli

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// witnessFetchTimeout bounds reading a witness URL.
const witnessFetchTimeout = 30 * time.Second

// auditVerify checks the whole trail, or a signed export. It prints
// "verified N entries in T s, chain intact up to checkpoint #C", how far
// the chain is intact and what the check cannot rule out when the trail is
// intact, and fails naming the first bad entry otherwise. On a terminal it
// draws a progress bar meanwhile.
func auditVerify(ctx context.Context, e *auditEnv, args []string) error {
	fs := e.flags("verify")
	pubFile := fs.String("pubkey", "", "verify with the public key in `FILE` (PEM), as downloaded from the chain page")
	witness := fs.String("witness", "", "check the trail against the checkpoints a witness holds: a witness `FILE` or URL")
	export := fs.String("export", "", "check the signed export in `FILE` offline, instead of the database")
	if err := parse(fs, args); err != nil {
		return err
	}
	var wl audit.WitnessLog
	if *witness != "" {
		var err error
		if wl, err = readWitness(ctx, *witness); err != nil {
			return err
		}
		if wl.Notes == nil {
			wl.Notes = [][]byte{}
		}
	}
	pub, err := e.verifyKey(*pubFile, wl.PublicKey, *export == "")
	if err != nil {
		return err
	}
	if *export != "" {
		return verifyExport(e, *export, pub)
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	start := e.now()
	pctx, p := e.withProgress(ctx, "verifying")
	rep, err := e.trail.VerifyWitnessed(pctx, pub, wl.Notes)
	p.finish()
	if err != nil {
		return err
	}
	took := e.now().Sub(start)
	if p := rep.FirstBad; p != nil {
		intact := "no entry is intact"
		switch {
		case rep.VerifiedUpTo > 0 && !rep.VerifiedTime.IsZero():
			intact = fmt.Sprintf("the chain is intact up to entry %d at %s", rep.VerifiedUpTo, stamp(rep.VerifiedTime))
		case rep.VerifiedUpTo > 0:
			intact = fmt.Sprintf("the chain is intact up to entry %d", rep.VerifiedUpTo)
		}
		return &brokenChain{first: *p, intact: intact}
	}
	if rep.Entries == 0 {
		msg := "the audit trail is empty: nothing to verify\n"
		if *witness != "" {
			msg = "the audit trail is empty, and the witness holds no checkpoint of it\n"
		}
		_, err = io.WriteString(e.stdout, msg)
		return err
	}
	upTo := fmt.Sprintf("entry %s", count(rep.VerifiedUpTo))
	checkpoint := "no checkpoint is signed yet"
	if cp := rep.Checkpoint; cp != nil {
		upTo = fmt.Sprintf("the checkpoint of entry %s", count(cp.Seq))
		if cp.Number > 0 {
			upTo = fmt.Sprintf("checkpoint #%d", cp.Number)
		}
		checkpoint = fmt.Sprintf("%s signs entries 1 to %s, signed at %s with key %s", upTo, count(cp.Seq), stamp(cp.Time), cp.KeyID)
	}
	_, err = fmt.Fprintf(e.stdout, "verified %s in %s, chain intact up to %s\nthe chain is intact up to entry %s at %s; %s\n%s\n",
		entries(rep.Entries), seconds(took), upTo, count(rep.VerifiedUpTo), stamp(rep.VerifiedTime), checkpoint, rep.Limits())
	return err
}

// verifyKey picks the key that verifies: --pubkey's file, the key the
// witness recorded, or, when allowed, the configured signing key.
func (e *auditEnv) verifyKey(pubFile string, witnessed ed25519.PublicKey, configured bool) (ed25519.PublicKey, error) {
	switch {
	case pubFile != "":
		text, err := os.ReadFile(pubFile)
		if err != nil {
			return nil, fmt.Errorf("reading the public key: %w", err)
		}
		pub, err := audit.ParsePublicKey(string(text))
		if err != nil {
			return nil, fmt.Errorf("reading the public key in %s: %w", pubFile, err)
		}
		if witnessed != nil && !witnessed.Equal(pub) {
			return nil, fmt.Errorf("the witness recorded key %s, not the key in %s (%s)", audit.KeyID(witnessed), pubFile, audit.KeyID(pub))
		}
		return pub, nil
	case witnessed != nil:
		return witnessed, nil
	case configured:
		key, err := e.signingKey()
		if err != nil {
			return nil, fmt.Errorf("%w; give the public key with --pubkey FILE, or a witness file with --witness FILE", err)
		}
		return key.Public().(ed25519.PublicKey), nil
	}
	return nil, fmt.Errorf("checking an export needs the public key: --pubkey FILE")
}

// readWitness reads a witness file, or the latest note a witness URL
// answers.
func readWitness(ctx context.Context, src string) (audit.WitnessLog, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		f, err := os.Open(src)
		if err != nil {
			return audit.WitnessLog{}, fmt.Errorf("reading the witness: %w", err)
		}
		defer f.Close()
		return audit.ReadWitness(f)
	}
	ctx, cancel := context.WithTimeout(ctx, witnessFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return audit.WitnessLog{}, fmt.Errorf("reading the witness: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return audit.WitnessLog{}, fmt.Errorf("reading the witness: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return audit.WitnessLog{}, fmt.Errorf("reading the witness: %s answered %s", src, resp.Status)
	}
	return audit.ReadWitness(resp.Body)
}

// verifyExport checks a signed export offline.
func verifyExport(e *auditEnv, path string, pub ed25519.PublicKey) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading the export: %w", err)
	}
	defer f.Close()
	rep, err := audit.VerifyExport(f, pub)
	if err != nil {
		return err
	}
	if p := rep.FirstBad; p != nil {
		return &brokenChain{first: *p, intact: fmt.Sprintf("%d entries of the export are proven in checkpoint %d", rep.Proven, rep.Checkpoint.Number)}
	}
	_, err = fmt.Fprintf(e.stdout, "verified %d entries of %s: each is in the tree of checkpoint %d (entry %d at %s, key %s)\n",
		rep.Proven, path, rep.Checkpoint.Number, rep.Checkpoint.Seq, stamp(rep.Checkpoint.Time), rep.Checkpoint.KeyID)
	if err == nil && rep.Unsigned > 0 {
		_, err = fmt.Fprintf(e.stdout, "%d entries come after that checkpoint: their fields match their hashes, but no signature covers them yet\n", rep.Unsigned)
	}
	return err
}

// auditPubkey prints the checkpoints' public key.
func auditPubkey(ctx context.Context, e *auditEnv, args []string) error {
	if err := parse(e.flags("pubkey"), args); err != nil {
		return err
	}
	key, err := e.signingKey()
	if err != nil {
		return err
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	pem, err := audit.EncodePublicKey(key.Public().(ed25519.PublicKey))
	if err != nil {
		return err
	}
	_, err = io.WriteString(e.stdout, pem)
	return err
}
