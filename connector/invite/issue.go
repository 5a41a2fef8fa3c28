package invite

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Invite issues an invitation, from the admin by, to each address in
// emails, except those that already have a pending one, which it reports
// as skipped. With a Mailer it sends each one; a failed email is recorded on
// the invitation (SendError) and does not fail the call. It returns
// ErrInvalidEmail, naming the address, or ErrTooMany before issuing any.
func (s *Service) Invite(ctx context.Context, by identity.User, emails []string) (Batch, error) {
	list, err := normalize(emails)
	if err != nil {
		return Batch{}, err
	}
	var b Batch
	now := s.now()
	err = s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		for _, email := range list {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM invitations WHERE email = ? AND status = ? AND expires_at > ?",
				email, StatusPending, now.UnixMicro()).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				b.Skipped = append(b.Skipped, email)
				continue
			}
			token, hash := newToken()
			inv := Invitation{ID: newID(), Email: email, InvitedBy: by.ID, InvitedByEmail: by.Email, CreatedAt: now.UTC(),
				ExpiresAt: now.Add(s.ttl).UTC(), Status: StatusPending}
			if _, err := tx.Exec(ctx, `INSERT INTO invitations (id, email, token_hash, invited_by, invited_by_email, created_at,
				expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, inv.ID, inv.Email, hash, inv.InvitedBy, inv.InvitedByEmail,
				inv.CreatedAt.UnixMicro(), inv.ExpiresAt.UnixMicro(), inv.Status); err != nil {
				return err
			}
			b.Issued = append(b.Issued, Issued{Invitation: inv, Link: s.link(token)})
		}
		return nil
	})
	if err != nil {
		return Batch{}, fmt.Errorf("issuing invitations: %w", err)
	}
	for i := range b.Issued {
		if err := s.recordAbout(ctx, audit.EventInvite, by.ID, by.Email, b.Issued[i].ID, b.Issued[i].Email, audit.OutcomeOK, ""); err != nil {
			return b, err
		}
		if err := s.send(ctx, by, &b.Issued[i]); err != nil {
			return b, err
		}
	}
	return b, nil
}

// Renew gives a pending or expired invitation a new link that expires
// after the full TTL, which ends the old link, and sends it with a Mailer.
// It returns ErrNotFound, or ErrNotPending for an accepted or withdrawn
// invitation.
func (s *Service) Renew(ctx context.Context, by identity.User, id string) (Issued, error) {
	var out Issued
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		inv, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if inv.Status != StatusPending && inv.Status != StatusExpired {
			return fmt.Errorf("renewing invitation %s: %w", id, ErrNotPending)
		}
		token, hash := newToken()
		inv.ExpiresAt, inv.Status = s.now().Add(s.ttl).UTC(), StatusPending
		if _, err := tx.Exec(ctx, "UPDATE invitations SET token_hash = ?, expires_at = ? WHERE id = ?",
			hash, inv.ExpiresAt.UnixMicro(), id); err != nil {
			return fmt.Errorf("renewing invitation %s: %w", id, err)
		}
		out = Issued{Invitation: inv, Link: s.link(token)}
		return nil
	})
	if err != nil {
		return Issued{}, err
	}
	if err := s.recordAbout(ctx, audit.EventInviteRenew, by.ID, by.Email, id, out.Email, audit.OutcomeOK, ""); err != nil {
		return out, err
	}
	return out, s.send(ctx, by, &out)
}

// send emails an issued invitation when a Mailer is configured, and
// records and audits the outcome. Only a failure to record is returned.
func (s *Service) send(ctx context.Context, by identity.User, iss *Issued) error {
	if s.mailer == nil {
		return nil
	}
	sendErr := s.mailer.Send(ctx, compose(by, iss))
	if err := s.markSent(ctx, iss.ID, sendErr); err != nil {
		return err
	}
	if sendErr != nil {
		iss.SendError = sendErr.Error()
		return s.recordAbout(ctx, audit.EventInviteSent, by.ID, by.Email, iss.ID, iss.Email, audit.OutcomeError, "send_failed")
	}
	iss.SentAt, iss.SendError = s.now().UTC(), ""
	return s.recordAbout(ctx, audit.EventInviteSent, by.ID, by.Email, iss.ID, iss.Email, audit.OutcomeOK, "")
}

// link is the invitation link for a token.
func (s *Service) link(token string) string {
	return s.baseURL + "/invite/" + token
}

// normalize lower-cases, trims and de-duplicates addresses, and checks that
// each is a plain email address.
func normalize(emails []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	var bad []error
	for _, e := range emails {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" || seen[e] {
			continue
		}
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e || a.Name != "" {
			bad = append(bad, fmt.Errorf("%q: %w", e, ErrInvalidEmail))
			continue
		}
		seen[e] = true
		out = append(out, e)
	}
	if len(bad) > 0 {
		return nil, errors.Join(bad...)
	}
	if len(out) > MaxBatch {
		return nil, fmt.Errorf("%d addresses, at most %d: %w", len(out), MaxBatch, ErrTooMany)
	}
	return out, nil
}
