// Command scopetrail runs ScopeTrail, the Google Workspace connector that
// records every use of every Google scope.
//
// Usage:
//
//	scopetrail [serve]        run the web app (the demo when GOOGLE_CLIENT_ID is empty)
//	scopetrail fakegoogle     run the fake Google on its own (see -h)
//	scopetrail keys generate  print fresh keys for .env
//	scopetrail keys rotate    re-seal every stored token under the newest TOKEN_KEYS key
//	scopetrail audit ...      verify, export, tail the audit trail; print its public key
//	scopetrail revoke --user EMAIL [--reason TEXT]
//	                          revoke a user's access at Google and locally
//	scopetrail suspend|resume --user EMAIL --scope SCOPE
//	                          suspend or resume one scope of a user
//	scopetrail transcribe --user EMAIL [--file ID]
//	                          transcribe a member's recordings again
//
// Configuration comes from the environment and from .env; .env.example
// describes every variable.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/scopetrail/scopetrail/connector/googletest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := realMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "scopetrail:", err)
		os.Exit(1)
	}
}

// usage is printed by `scopetrail help`.
const usage = `usage: scopetrail [command]

commands:
  serve          run the web app (default); the demo when GOOGLE_CLIENT_ID is empty
  fakegoogle     run the fake Google on its own (scopetrail fakegoogle -h)
  keys generate  print fresh keys for .env
  keys rotate    re-seal every stored token under the newest TOKEN_KEYS key
  audit          verify, export or tail the audit trail, or print its public key (scopetrail audit)
  revoke --user EMAIL [--reason TEXT]
                 revoke a user's access: at Google, tokens, sessions, fetched data
  suspend --user EMAIL --scope SCOPE
  resume --user EMAIL --scope SCOPE
                 suspend or resume one scope of a user, such as drive.readonly
  transcribe --user EMAIL [--file ID]
                 transcribe a member's recordings (or one) again, with a
                 progress bar on a terminal
  help           print this text

Configuration comes from the environment and from .env; see .env.example.
`

// realMain runs one command until it finishes or ctx ends. serve prints
// "listening on http://HOST:PORT" to stdout once it accepts connections.
func realMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd, rest := "serve", args
	if len(args) > 0 {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		if len(rest) > 0 {
			return fmt.Errorf("serve takes no arguments; configure it with environment variables (see .env.example)")
		}
		return serve(ctx, stdout, stderr)
	case "fakegoogle":
		return googletest.Run(ctx, rest, stdout)
	case "keys":
		return runKeys(ctx, rest, stdout)
	case "revoke":
		return runRevoke(ctx, rest, stdout, stderr)
	case "suspend", "resume":
		return runScopeChange(ctx, cmd, rest, stdout, stderr)
	case "transcribe":
		return runTranscribe(ctx, rest, stdout, stderr)
	case "audit":
		return runAudit(ctx, rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		_, err := io.WriteString(stdout, usage)
		return err
	}
	return fmt.Errorf("unknown command %q; run `scopetrail help`", cmd)
}
