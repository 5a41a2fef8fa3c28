package invite

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSMode is how an SMTPMailer protects its connection.
type TLSMode string

// TLS modes, as SMTP_TLS names them.
const (
	// TLSNone sends in clear text, for a relay on the same host or network.
	TLSNone TLSMode = "none"
	// TLSStartTLS upgrades the connection with STARTTLS and refuses to send
	// when the server does not offer it (usually port 587).
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (usually port 465).
	TLSImplicit TLSMode = "tls"
)

// sendTimeout bounds one delivery to the mail server.
const sendTimeout = 30 * time.Second

// SMTPConfig says how to reach the mail server.
type SMTPConfig struct {
	Host string
	// Port defaults to 25 for TLSNone, 587 for TLSStartTLS and 465 for
	// TLSImplicit.
	Port int
	// Username and Password log in when Username is set: with the
	// strongest mechanism the server offers over TLS, and without TLS with
	// PLAIN, to a server on the loopback interface only.
	Username, Password string
	// From is the sender, such as "ScopeTrail <scopetrail@example.com>".
	From string
	TLS  TLSMode
	// TLSConfig, when set, replaces the default TLS settings, for example
	// to trust a private CA.
	TLSConfig *tls.Config
}

// LogValue keeps the password out of logs.
func (c SMTPConfig) LogValue() slog.Value {
	return slog.GroupValue(slog.String("host", c.Host), slog.Int("port", c.Port), slog.String("tls", string(c.TLS)),
		slog.Bool("auth", c.Username != ""))
}

// Problems lists what is wrong with the configuration, each naming the
// environment variable to fix; none when it is usable.
func (c SMTPConfig) Problems() []string {
	var p []string
	if c.Host == "" {
		p = append(p, "SMTP_HOST: empty; name the mail server, or leave every SMTP_ variable empty to copy invitation links by hand")
	}
	if c.Port < 0 || c.Port > 65535 {
		p = append(p, fmt.Sprintf("SMTP_PORT: %d is not a port number; use 587 for starttls, 465 for tls or 25 for none", c.Port))
	}
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		p = append(p, fmt.Sprintf("SMTP_TLS: %q is not none, starttls or tls", c.TLS))
	}
	if a, err := mail.ParseAddress(c.From); err != nil || a.Address == "" {
		p = append(p, fmt.Sprintf("SMTP_FROM: %q is not an email address; write for example ScopeTrail <scopetrail@example.com>", c.From))
	}
	if c.Username == "" && c.Password != "" {
		p = append(p, "SMTP_PASSWORD: set without SMTP_USERNAME; set both to log in, or neither")
	}
	return p
}

// SMTPMailer sends email through an SMTP server with go-mail. It is safe
// for concurrent use: each Send opens its own connection.
type SMTPMailer struct {
	cfg  SMTPConfig
	from *mail.Address
}

var _ Mailer = (*SMTPMailer)(nil)

// NewSMTPMailer returns a mailer, or an error listing every problem of the
// configuration.
func NewSMTPMailer(c SMTPConfig) (*SMTPMailer, error) {
	if p := c.Problems(); len(p) > 0 {
		errs := make([]error, len(p))
		for i, s := range p {
			errs[i] = errors.New(s)
		}
		return nil, fmt.Errorf("invite.NewSMTPMailer: %w", errors.Join(errs...))
	}
	from, _ := mail.ParseAddress(c.From)
	if c.Port == 0 {
		c.Port = map[TLSMode]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}[c.TLS]
	}
	return &SMTPMailer{cfg: c, from: from}, nil
}

// Send delivers m to the server. Errors never include the password.
func (m *SMTPMailer) Send(ctx context.Context, msg Message) error {
	opts := []gomail.Option{gomail.WithPort(m.cfg.Port), gomail.WithTimeout(sendTimeout)}
	switch m.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if m.cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(m.cfg.TLSConfig))
	}
	if m.cfg.Username != "" {
		// Over TLS, the strongest mechanism the server offers; in clear
		// text, PLAIN, which go-mail only sends to a loopback server.
		auth := gomail.SMTPAuthAutoDiscover
		if m.cfg.TLS == TLSNone {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(m.cfg.Username), gomail.WithPassword(m.cfg.Password))
	}
	client, err := gomail.NewClient(m.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("configuring the mail client for %s: %w", m.cfg.Host, err)
	}
	out := gomail.NewMsg()
	out.FromMailAddress(m.from)
	if err := out.To(msg.To); err != nil {
		return fmt.Errorf("addressing an invitation: %w", err)
	}
	out.Subject(msg.Subject)
	out.SetDate()
	out.SetMessageID()
	out.SetBodyString(gomail.TypeTextPlain, msg.Body)
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, out); err != nil {
		return fmt.Errorf("sending through %s:%d: %w", m.cfg.Host, m.cfg.Port, err)
	}
	return nil
}
