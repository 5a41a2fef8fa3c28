package main

import (
	"context"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/scopetrail/scopetrail/scopes/audit/auditcli"
)

// runAudit runs `scopetrail audit ...` on the configured database, with
// colour and progress bars where a person watches.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	open := openAuditReadOnly
	open.Terminal = auditTerminal(stdout, stderr, os.Getenv("NO_COLOR"))
	return auditcli.Run(ctx, args, stdout, stderr, open)
}

// auditTerminal says which of stdout and stderr are terminals: tail colours
// its outcomes on a terminal unless NO_COLOR is set to anything but ""
// (https://no-color.org), and verify and export draw progress bars on a
// terminal's stderr.
func auditTerminal(stdout, stderr io.Writer, noColor string) auditcli.Terminal {
	return auditcli.Terminal{Color: terminal(stdout) && noColor == "", Progress: terminal(stderr)}
}

// terminal reports whether w is a terminal.
func terminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
