package invite

import (
	"cmp"
	"context"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes/identity"
)

// Message is one plain-text email.
type Message struct {
	To, Subject, Body string
}

// Mailer sends email. SMTPMailer is one.
type Mailer interface {
	// Send delivers m to the mail server, or returns why it could not.
	Send(ctx context.Context, m Message) error
}

// compose writes the invitation email for an issued invitation.
func compose(by identity.User, iss *Issued) Message {
	who := cmp.Or(by.Name, by.Email)
	return Message{
		To:      iss.Email,
		Subject: who + " invited you to ScopeTrail",
		Body: fmt.Sprintf(`Hello,

%s invited you to ScopeTrail, where your team keeps track of what the apps it
connects to Google may do.

To accept, open this link and sign in with your Google account %s:

%s

The link can be used once and works until %s.

If you did not expect this invitation, you can ignore this email.
`, who, iss.Email, iss.Link, iss.ExpiresAt.UTC().Format("Monday 2 January 2006, 15:04 MST")),
	}
}
