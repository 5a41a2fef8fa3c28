package invite

// Config is the SMTP server that sends invitations, as the environment
// names it. With SMTP_HOST empty, no email is sent and admins copy each
// invitation link.
type Config struct {
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
func (c Config) smtp() SMTPConfig {
	return SMTPConfig{Host: c.Host, Port: c.Port, Username: c.Username, Password: c.Password, From: c.From,
		TLS: TLSMode(c.TLS)}
}

// Problems returns every problem of the configuration, each naming its
// variable and how to fix it; none when no SMTP variable is set.
func (c Config) Problems() []string {
	if c.Host == "" {
		if c.Username != "" || c.Password != "" || c.From != "" || c.Port != 0 {
			return []string{"SMTP_HOST: empty while other SMTP_ variables are set; name the mail server, or unset them all to copy invitation links by hand"}
		}
		return nil
	}
	return c.smtp().Problems()
}

// Mailer returns the SMTP mailer, or nil when SMTP_HOST is empty. Check
// Problems first: its error lists them.
func (c Config) Mailer() (Mailer, error) {
	if c.Host == "" {
		return nil, nil
	}
	m, err := NewSMTPMailer(c.smtp())
	if err != nil {
		return nil, err // names itself
	}
	return m, nil
}
