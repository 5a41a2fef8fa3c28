// Package auditcli is `scopetrail audit`: the commands that verify the
// audit trail, export it, follow its tail and print the public key that
// verifies its checkpoints. They only read: the database comes from an
// Opener, which opens it read-only and never migrates it.
package auditcli

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// auditUsage lists the audit subcommands.
const auditUsage = `usage: scopetrail audit <command> [flags]

commands:
  verify [--pubkey FILE] [--witness FILE|URL]
                           check every row, the hash chain and the signed checkpoints, and the trail
                           against a witness; exit 1 naming the first bad entry. Needs only the
                           database and the public key or the witness file
  verify --export FILE --pubkey FILE
                           check a signed export offline: every entry is in the signed tree
  export --format csv|jsonl [--signed] [filters] [-o FILE]
                           stream the entries that match the filters, to stdout or FILE;
                           --signed (jsonl) adds the checkpoint and each entry's proof
  tail [-n 20] [-f] [filters]
                           print the latest requests as a table, one row per request (its
                           entry written before it left joined with the one recording its
                           outcome); -f keeps printing new ones
  pubkey                   print the public key that verifies the checkpoints, in PEM

On a terminal, verify and export -o draw a progress bar on stderr, and tail colours
outcomes unless NO_COLOR is set.

filters: --user ID|EMAIL --scope SCOPE --method ID --purpose P --event E --outcome O
         --since T --until T (RFC 3339, a date and time in UTC as 2026-03-01T09:00, a date,
         or a duration back from now such as 24h); the same filters as the web page's
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

// Opener opens what the commands read. DB opens the database read-only and
// without migrating it (see sqldb.OpenReadOnly); Run calls it at most
// once, after the command's flags are read, and closes the database. Key,
// which may be nil, returns the key that signs the trail's checkpoints:
// only pubkey needs it, and verify when given neither --pubkey nor
// --witness (it then also checks the chain head's seal).
//
// Terminal says which of the outputs a person watches.
type Opener struct {
	DB       func(ctx context.Context) (*sqldb.DB, error)
	Key      func() (ed25519.PrivateKey, error)
	Terminal Terminal
}

// Terminal says what only a person at a terminal should see; the zero
// value, for pipes, files and tests, shows neither.
type Terminal struct {
	// Color colours tail's outcomes: stdout is a terminal and NO_COLOR is
	// unset.
	Color bool
	// Progress draws a progress bar on stderr while verify and export -o
	// run: stderr is a terminal.
	Progress bool
}

// Run runs `scopetrail audit verify|export|tail|pubkey` with args, the
// words after "audit", until it finishes or ctx ends. A chain found broken
// is an error that names the first bad entry.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, open Opener) error {
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
	env := &auditEnv{stdout: stdout, stderr: stderr, now: time.Now, opener: open}
	defer env.close()
	if err := run(ctx, env, rest); err != nil {
		return fmt.Errorf("audit %s: %w", cmd, err)
	}
	return nil
}

// auditEnv is what an audit command works with: the trail of the database
// the opener opens, on first use.
type auditEnv struct {
	stdout, stderr io.Writer
	now            func() time.Time
	opener         Opener
	db             *sqldb.DB
	trail          *audit.Trail
	key            ed25519.PrivateKey
}

// open opens the database and its trail, with the signing key if
// signingKey was called first.
func (e *auditEnv) open(ctx context.Context) error {
	db, err := e.opener.DB(ctx)
	if errors.Is(err, sqldb.ErrNotMigrated) {
		return fmt.Errorf("%w; the audit commands never migrate the database they read: start `scopetrail serve` on it once", err)
	}
	if err != nil {
		return err
	}
	e.db = db
	e.trail = audit.New(db, audit.Options{Signer: e.key})
	return nil
}

// signingKey loads the configured signing key.
func (e *auditEnv) signingKey() (ed25519.PrivateKey, error) {
	if e.opener.Key == nil {
		return nil, errors.New("no signing key is configured here")
	}
	key, err := e.opener.Key()
	if err != nil {
		return nil, fmt.Errorf("loading the signing key: %w", err)
	}
	if key == nil {
		return nil, errors.New("no signing key is configured here (AUDIT_SIGNING_KEY)")
	}
	e.key = key
	return key, nil
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
