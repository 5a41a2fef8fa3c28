package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// auditUsage lists the audit subcommands.
const auditUsage = `usage: scopetrail audit <command> [flags]

commands:
  verify [--pubkey FILE]   check the hash chain and the signed checkpoints; exit 1 naming the first bad entry
  export --format csv|jsonl [filters] [-o FILE]
                           stream the entries that match the filters, to stdout or FILE
  tail [-n 20] [-f] [filters]
                           print the latest stored entries; -f keeps printing new ones
  pubkey                   print the public key that verifies the checkpoints, in PEM

filters: --user ID|EMAIL --scope SCOPE --method ID --purpose P --event E --outcome O
         --since T --until T (RFC 3339, a date, or a duration back from now such as 24h)
`

// brokenChain is verify's failure: the first bad entry and how far the
// chain is intact.
type brokenChain struct {
	first  audit.Problem
	intact string
}

// Error names the first bad entry, as "entry 42: edited (...)".
func (e *brokenChain) Error() string {
	return fmt.Sprintf("entry %d: %s (%s); %s", e.first.Seq, e.first.Kind, e.first.Detail, e.intact)
}

// runAudit is `scopetrail audit verify|export|tail|pubkey`.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		_, _ = io.WriteString(stderr, auditUsage)
		return errors.New("audit: want a command: verify, export, tail or pubkey")
	}
	cmd, rest := args[0], args[1:]
	run, ok := map[string]func(context.Context, *auditEnv, []string) error{
		"verify": auditVerify, "export": auditExport, "tail": auditTail, "pubkey": auditPubkey,
	}[cmd]
	if !ok {
		return fmt.Errorf("audit: unknown command %q; want verify, export, tail or pubkey", cmd)
	}
	env := &auditEnv{stdout: stdout, stderr: stderr, now: time.Now}
	defer env.close()
	if err := run(ctx, env, rest); err != nil {
		return fmt.Errorf("audit %s: %w", cmd, err)
	}
	return nil
}

// auditEnv is what an audit command works with: the trail of the database
// the configuration names, opened on first use.
type auditEnv struct {
	stdout, stderr io.Writer
	now            func() time.Time
	db             *sqldb.DB
	trail          *audit.Trail
	key            ed25519.PrivateKey
}

// open loads the configuration as serve does and opens its database's
// trail.
func (e *auditEnv) open(ctx context.Context) error {
	cfg, k, err := loadConfig()
	if err != nil {
		return err
	}
	if e.db, err = openDatabase(ctx, cfg.Database.URL); err != nil {
		return err
	}
	replica, _ := os.Hostname()
	e.key = k.audit
	e.trail = audit.New(e.db, audit.Options{Replica: replica, Signer: k.audit})
	return nil
}

// close closes the database, if it was opened.
func (e *auditEnv) close() {
	if e.db != nil {
		e.db.Close()
	}
}

// flags returns a flag set for a command that writes its errors to stderr.
func (e *auditEnv) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("scopetrail audit "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parse parses a command's flags and refuses arguments left over.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q; see `scopetrail audit`", fs.Arg(0))
	}
	return nil
}

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

// auditExport streams the entries that match the filters.
func auditExport(ctx context.Context, e *auditEnv, args []string) error {
	fs := e.flags("export")
	format := fs.String("format", "", "csv or jsonl (required)")
	out := fs.String("o", "", "write to `FILE` instead of stdout")
	ff := addFilterFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	f, err := audit.ParseFormat(*format)
	if err != nil {
		return err
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	filter, err := ff.filter(ctx, e)
	if err != nil {
		return err
	}
	filter.Limit = audit.MaxLimit
	if *out == "" {
		return e.trail.Export(ctx, e.stdout, f, filter)
	}
	file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = e.trail.Export(ctx, file, f, filter)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out) // a partial export must not pass for a whole one
	}
	return err
}

// auditTail prints the latest stored entries that match the filters, oldest
// first, and with -f keeps polling for new ones until interrupted.
func auditTail(ctx context.Context, e *auditEnv, args []string) error {
	fs := e.flags("tail")
	n := fs.Int("n", 20, "print the last `N` entries")
	follow := fs.Bool("f", false, "keep printing new entries as they are appended")
	every := fs.Duration("interval", time.Second, "how often -f polls for new entries")
	ff := addFilterFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *n < 0 || *n > audit.MaxLimit || *every <= 0 {
		return fmt.Errorf("-n must be 0 to %d and -interval positive", audit.MaxLimit)
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	f, err := ff.filter(ctx, e)
	if err != nil {
		return err
	}
	f.Raw, f.Desc, f.Limit = true, true, max(*n, 1)
	last, err := e.trail.Query(ctx, f)
	if err != nil {
		return err
	}
	f.Desc, f.Limit = false, audit.MaxLimit
	if len(last.Entries) > 0 {
		f.Cursor = strconvSeq(last.Entries[0])
	}
	shown := last.Entries[:min(*n, len(last.Entries))]
	slices.Reverse(shown)
	for _, x := range shown {
		if _, err := fmt.Fprintln(e.stdout, tailLine(x)); err != nil {
			return err
		}
	}
	if !*follow {
		return nil
	}
	tick := time.NewTicker(*every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		for x, err := range e.trail.Entries(ctx, f) {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintln(e.stdout, tailLine(x)); err != nil {
				return err
			}
			f.Cursor = strconvSeq(x)
		}
	}
}
