package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/recordings/transcribecli"
)

// demoGoogleUnreachable is the Google the transcribe command reaches in
// the demo: none. The demo's fake Google lives inside `scopetrail serve`,
// so the command transcribes the audio still spooled, and a recording whose
// audio is gone fails with a refused connection, never a request to the
// real Google with the demo's tokens.
const demoGoogleUnreachable = "http://127.0.0.1:1"

// runTranscribe is `scopetrail transcribe --user EMAIL [--file ID]`: it
// builds only what transcription needs (the database, the core's stores,
// trail and door, and the recordings service with its engine; no job
// runner, no other feature, no web server) and transcribes the member's
// recordings again.
func runTranscribe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("transcribe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("user", "", "the email of the member whose recordings to transcribe (required)")
	file := fs.String("file", "", "the Drive id of the one recording to transcribe; all of the member's when empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || fs.NArg() > 0 {
		return errors.New("usage: scopetrail transcribe --user EMAIL [--file ID]")
	}
	cfg, k, db, err := openConfigured(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	oauth, bases, _ := commandGoogle(cfg)
	if cfg.DemoMode() {
		e := &oauth.Endpoints
		for _, u := range []*string{&e.AuthURL, &e.TokenURL, &e.RevokeURL, &e.UserinfoURL, &e.JWKSURL, &bases.People, &bases.Calendar, &bases.Drive} {
			*u = demoGoogleUnreachable
		}
	}
	c, err := newCore(ctx, appOptions{db: db, keys: k, oauth: oauth, bases: bases, timeouts: cfg.Google.Timeouts, secure: true, replica: cfg.Server.replica(), log: newLogger(cfg.Log, stderr)})
	if err != nil {
		return err
	}
	u, err := findByEmail(ctx, c.users, *email)
	if err != nil {
		return err
	}
	engine, err := cfg.Transcribe.NewEngine()
	if err != nil {
		return err
	}
	svc, err := recordings.New(recordings.Options{DB: db, Door: c.door, DriveURL: bases.Drive, SpoolDir: cfg.Recordings.SpoolDir,
		Engine: engine, Audit: c.trail, AllowedHost: cfg.Transcribe.Allowed})
	if err != nil {
		return err // recordings.New names itself
	}
	out, isFile := stdout.(*os.File)
	return transcribecli.Run(ctx, svc, transcribecli.Options{UserID: u.ID, FileID: *file, Out: stdout,
		Terminal: isFile && term.IsTerminal(int(out.Fd()))})
}
