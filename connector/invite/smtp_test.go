package invite_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestSMTPDelivery sends invitations through a real SMTP server started by
// the test, in each TLS mode, and checks that each message arrived with its
// link and that the sending was audited.
func TestSMTPDelivery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode           invite.TLSMode
		user, password string
	}{
		{invite.TLSNone, "", ""},
		{invite.TLSNone, "relay", "s3cret-relay"},
		{invite.TLSStartTLS, "relay", "s3cret-relay"},
		{invite.TLSImplicit, "relay", "s3cret-relay"},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode)+"/"+tt.user, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			ms, clientTLS := startMailServer(t, tt.mode, tt.user, tt.password)
			mailer, err := invite.NewSMTPMailer(ms.config(tt.mode, clientTLS))
			if err != nil {
				t.Fatalf("NewSMTPMailer: %v", err)
			}
			f := newFixture(t, sqldbtest.SQLite(t), mailer)
			if !f.svc.Mailing() {
				t.Error("Mailing() with a Mailer = false")
			}
			b, err := f.svc.Invite(ctx, admin, []string{"zoe@example.test"})
			if err != nil {
				t.Fatalf("Invite: %v", err)
			}
			iss := b.Issued[0]
			if iss.SentAt.IsZero() || iss.SendError != "" {
				t.Errorf("issued invitation: sent %v, error %q; want sent", iss.SentAt, iss.SendError)
			}
			got := ms.received()
			if len(got) != 1 {
				t.Fatalf("the server received %d messages, want 1", len(got))
			}
			d := got[0]
			if d.From != "scopetrail@example.test" || !cmp.Equal(d.To, []string{"zoe@example.test"}) || d.User != tt.user || d.TLS != (tt.mode != invite.TLSNone) {
				t.Errorf("delivery from %q to %q, user %q, TLS %v", d.From, d.To, d.User, d.TLS)
			}
			body := strings.ReplaceAll(d.Data, "=\r\n", "") // undo quoted-printable soft breaks
			for _, want := range []string{iss.Link, "Subject: Ann Admin invited you to ScopeTrail", "To: <zoe@example.test>"} {
				if !strings.Contains(body, want) {
					t.Errorf("the message lacks %q:\n%s", want, d.Data)
				}
			}
			wantEvents := []string{"invite u-admin>zoe@example.test invitation=" + iss.ID + " ok", "invite_sent u-admin>zoe@example.test invitation=" + iss.ID + " ok"}
			if diff := cmp.Diff(wantEvents, f.events(t, "zoe@example.test")); diff != "" {
				t.Errorf("audit trail (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSMTPFailure sends to a port where nothing listens: the invitation is
// issued anyway, with the failure recorded and audited, and a new link can
// be sent once the server is back.
func TestSMTPFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	mailer, err := invite.NewSMTPMailer(invite.SMTPConfig{Host: "127.0.0.1", Port: port, From: "scopetrail@example.test", TLS: invite.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, sqldbtest.SQLite(t), mailer)
	b, err := f.svc.Invite(ctx, admin, []string{"zoe@example.test"})
	if err != nil {
		t.Fatalf("Invite with the mail server down: %v", err)
	}
	iss := b.Issued[0]
	if iss.SendError == "" || !iss.SentAt.IsZero() {
		t.Errorf("issued invitation: sent %v, error %q; want the failure", iss.SentAt, iss.SendError)
	}
	list, err := f.svc.List(ctx)
	if err != nil || len(list) != 1 || list[0].SendError == "" {
		t.Errorf("List = %+v, %v; want the failure recorded", list, err)
	}
	wantEvents := []string{"invite u-admin>zoe@example.test invitation=" + iss.ID + " ok", "invite_sent u-admin>zoe@example.test invitation=" + iss.ID + " error"}
	if diff := cmp.Diff(wantEvents, f.events(t, "zoe@example.test")); diff != "" {
		t.Errorf("audit trail (-want +got):\n%s", diff)
	}
}

// TestSMTPConfigProblems checks that every problem is reported at once,
// naming its variable.
func TestSMTPConfigProblems(t *testing.T) {
	t.Parallel()
	good := invite.SMTPConfig{Host: "smtp.example.test", From: "ScopeTrail <st@example.test>", TLS: invite.TLSStartTLS}
	tests := []struct {
		name string
		edit func(*invite.SMTPConfig)
		want []string
	}{
		{"good", func(*invite.SMTPConfig) {}, nil},
		{"everything wrong", func(c *invite.SMTPConfig) {
			*c = invite.SMTPConfig{Port: 70000, TLS: "ssl", From: "nobody", Password: "x"}
		}, []string{"SMTP_HOST", "SMTP_PORT", "SMTP_TLS", "SMTP_FROM", "SMTP_PASSWORD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := good
			tt.edit(&c)
			var got []string
			for _, p := range c.Problems() {
				name, _, _ := strings.Cut(p, ":")
				got = append(got, name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if _, err := invite.NewSMTPMailer(c); (err != nil) != (len(tt.want) > 0) {
				t.Errorf("NewSMTPMailer error = %v, want one only for problems", err)
			}
		})
	}
}
