package main

import (
	"context"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/web"
)

// The directory syncer, the invitation service and the job runner satisfy
// the web package's interfaces for the directory and invitations pages.
var (
	_ web.Directory      = (*directory.Syncer)(nil)
	_ web.Invitations    = (*invite.Service)(nil)
	_ web.DirectorySyncs = (*jobs.Runner)(nil)
)

// MailConfig is the SMTP server that sends invitations. With SMTP_HOST
// empty, no email is sent and admins copy each invitation link.
type MailConfig struct {
	Host string `env:"SMTP_HOST"`
	// Port defaults by TLS mode: 25 for none, 587 for starttls, 465 for tls.
	Port     int    `env:"SMTP_PORT"`
	Username string `env:"SMTP_USERNAME"`
	Password string `env:"SMTP_PASSWORD"`
	From     string `env:"SMTP_FROM"`
	// TLS is none, starttls or tls.
	TLS string `env:"SMTP_TLS" envDefault:"starttls"`
}

// smtp returns the mailer's configuration.
func (m MailConfig) smtp() invite.SMTPConfig {
	return invite.SMTPConfig{Host: m.Host, Port: m.Port, Username: m.Username, Password: m.Password, From: m.From,
		TLS: invite.TLSMode(m.TLS)}
}

// mailer returns the SMTP mailer, or nil when SMTP_HOST is empty. It
// reports every problem of the SMTP variables at once.
func (m MailConfig) mailer() (invite.Mailer, error) {
	if m.Host == "" {
		if m.Username != "" || m.Password != "" || m.From != "" || m.Port != 0 {
			return nil, &ConfigError{Problems: []string{"SMTP_HOST: empty while other SMTP_ variables are set; name the mail server, or unset them all to copy invitation links by hand"}}
		}
		return nil, nil
	}
	if p := m.smtp().Problems(); len(p) > 0 {
		return nil, &ConfigError{Problems: p}
	}
	mailer, err := invite.NewSMTPMailer(m.smtp())
	if err != nil {
		return nil, err // names itself
	}
	return mailer, nil
}

// directoryApp is the directory copy and the invitations as the app wires
// them.
type directoryApp struct {
	syncer  *directory.Syncer
	invites *invite.Service
}

// newDirectory builds the directory syncer, whose Google requests leave
// through door to the People API at endpoint ("" for Google's), and the
// invitation service, whose links start at baseURL and which sends them
// through the SMTP server of mail, if any.
func newDirectory(db *sqldb.DB, door directory.Door, endpoint string, trail *audit.Trail, baseURL string, mail MailConfig) (*directoryApp, error) {
	syncer, err := directory.New(directory.Options{DB: db, Door: door, Endpoint: endpoint})
	if err != nil {
		return nil, err // names itself
	}
	mailer, err := mail.mailer()
	if err != nil {
		return nil, err
	}
	invites, err := invite.New(invite.Options{DB: db, Audit: trail, BaseURL: baseURL, Mailer: mailer, Now: time.Now})
	if err != nil {
		return nil, err // names itself
	}
	return &directoryApp{syncer: syncer, invites: invites}, nil
}

// sync is the directory sync job's worker (jobs.Workers.SyncDirectory).
func (a *directoryApp) sync(ctx context.Context, userID string) error {
	if _, err := a.syncer.Sync(ctx, userID); err != nil {
		return fmt.Errorf("syncing the directory: %w", err)
	}
	return nil
}
