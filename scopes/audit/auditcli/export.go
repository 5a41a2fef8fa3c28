package auditcli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// auditExport streams the entries that match the filters. With -o it
// writes them to a new file, with a progress bar on a terminal, and says
// how many entries and bytes it wrote.
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
	export := func(ctx context.Context, w io.Writer) error { return e.trail.Export(ctx, w, f, filter) }
	if *signed {
		export = func(ctx context.Context, w io.Writer) error { return e.trail.ExportSigned(ctx, w, filter) }
	}
	if *out == "" {
		return export(ctx, e.stdout)
	}
	file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	pctx, p := e.withProgress(ctx, "exporting")
	w := &countingWriter{w: file}
	err = export(pctx, w)
	p.finish()
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out) // a partial export must not pass for a whole one
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "exported %s (%s) to %s\n", entries(p.reports), cmp.Or(byteSize(w.n), "0 B"), *out)
	return err
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

// Write writes p and counts what was written.
func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
