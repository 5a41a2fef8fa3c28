package auditcli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// auditExport streams the entries that match the filters.
func auditExport(ctx context.Context, e *auditEnv, args []string) error {
	fs := e.flags("export")
	format := fs.String("format", "", "csv or jsonl (required)")
	out := fs.String("o", "", "write to `FILE` instead of stdout")
	signed := fs.Bool("signed", false, "with jsonl: start with the latest signed checkpoint and give each entry its proof in the checkpoint's tree, for `audit verify --export`")
	ff := addFilterFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	f, err := audit.ParseFormat(*format)
	if err != nil {
		return err
	}
	if *signed && f != audit.FormatJSONL {
		return fmt.Errorf("--signed needs --format jsonl")
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	filter, err := ff.filter(ctx, e)
	if err != nil {
		return err
	}
	filter.Limit = audit.MaxLimit
	export := func(w io.Writer) error { return e.trail.Export(ctx, w, f, filter) }
	if *signed {
		export = func(w io.Writer) error { return e.trail.ExportSigned(ctx, w, filter) }
	}
	if *out == "" {
		return export(e.stdout)
	}
	file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = export(file)
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
	f.Raw = true
	interval := time.Duration(0)
	if *follow {
		interval = *every
	}
	for x, err := range e.trail.Tail(ctx, f, *n, interval) {
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintln(e.stdout, tailLine(x)); err != nil {
			return err
		}
	}
	return nil
}
