package auditcli

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"os"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// auditVerify checks the whole chain. It prints "verified up to entry N at
// T" when the chain is intact and fails naming the first bad entry
// otherwise.
func auditVerify(ctx context.Context, e *auditEnv, args []string) error {
	fs := e.flags("verify")
	pubFile := fs.String("pubkey", "", "verify with the public key in `FILE` (PEM), as downloaded from the chain page, instead of AUDIT_SIGNING_KEY's")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	pub := e.key.Public().(ed25519.PublicKey)
	if *pubFile != "" {
		text, err := os.ReadFile(*pubFile)
		if err != nil {
			return fmt.Errorf("reading the public key: %w", err)
		}
		if pub, err = audit.ParsePublicKey(string(text)); err != nil {
			return fmt.Errorf("reading the public key in %s: %w", *pubFile, err)
		}
	}
	rep, err := e.trail.Verify(ctx, pub)
	if err != nil {
		return err
	}
	if p := rep.FirstBad; p != nil {
		intact := "no entry is intact"
		if rep.VerifiedUpTo > 0 {
			intact = fmt.Sprintf("the chain is intact up to entry %d at %s", rep.VerifiedUpTo, stamp(rep.VerifiedTime))
		}
		return &brokenChain{first: *p, intact: intact}
	}
	if rep.Entries == 0 {
		_, err = fmt.Fprintln(e.stdout, "the audit trail is empty: nothing to verify")
		return err
	}
	checkpoint := "no signed checkpoint yet"
	if cp := rep.Checkpoint; cp != nil {
		checkpoint = fmt.Sprintf("latest signed checkpoint: entry %d at %s, key %s", cp.Seq, stamp(cp.Time), cp.KeyID)
	}
	_, err = fmt.Fprintf(e.stdout, "verified up to entry %d at %s\n%d entries read; %s\n",
		rep.VerifiedUpTo, stamp(rep.VerifiedTime), rep.Entries, checkpoint)
	return err
}

// auditPubkey prints the checkpoints' public key.
func auditPubkey(ctx context.Context, e *auditEnv, args []string) error {
	if err := parse(e.flags("pubkey"), args); err != nil {
		return err
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	pem, err := audit.EncodePublicKey(e.key.Public().(ed25519.PublicKey))
	if err != nil {
		return err
	}
	_, err = io.WriteString(e.stdout, pem)
	return err
}
