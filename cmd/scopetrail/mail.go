package main

import "github.com/scopetrail/scopetrail/connector/invite"

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
