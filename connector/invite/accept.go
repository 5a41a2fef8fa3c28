package invite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Check returns the invitation a link's token belongs to, if it can still
// be accepted. It returns ErrNotFound for an unknown token (or one replaced
// by a new link), and ErrExpired, ErrWithdrawn or ErrAccepted for an
// invitation that can no longer be used.
func (s *Service) Check(ctx context.Context, token string) (Invitation, error) {
	inv, err := scan(s.db.QueryRow(ctx, "SELECT "+columns+" FROM invitations WHERE token_hash = ?", hashToken(token)), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return Invitation{}, fmt.Errorf("checking an invitation link: %w", ErrNotFound)
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("checking an invitation link: %w", err)
	}
	switch inv.Status {
	case StatusExpired:
		return inv, fmt.Errorf("invitation %s: %w", inv.ID, ErrExpired)
	case StatusWithdrawn:
		return inv, fmt.Errorf("invitation %s: %w", inv.ID, ErrWithdrawn)
	case StatusAccepted:
		return inv, fmt.Errorf("invitation %s: %w", inv.ID, ErrAccepted)
	}
	return inv, nil
}

// AcceptForEmail is called when a user has signed in: it accepts every
// pending, unexpired invitation to the user's email, which makes the
// invitee a member, and returns them. A user with no invitation gets none
// and no error. Sign-in itself creates the user, as a member unless they
// were made an admin, and accepting leaves their role as it is.
func (s *Service) AcceptForEmail(ctx context.Context, user identity.User) ([]Invitation, error) {
	email := strings.ToLower(user.Email)
	now := s.now()
	var accepted []Invitation
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+columns+" FROM invitations WHERE email = ? AND status = ? AND expires_at > ?",
			email, StatusPending, now.UnixMicro())
		if err != nil {
			return err
		}
		for rows.Next() {
			inv, err := scan(rows, now)
			if err != nil {
				rows.Close()
				return err
			}
			accepted = append(accepted, inv)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range accepted {
			inv := &accepted[i]
			inv.Status, inv.AcceptedBy, inv.ClosedAt = StatusAccepted, user.ID, now.UTC()
			if _, err := tx.Exec(ctx, "UPDATE invitations SET status = ?, accepted_by = ?, closed_at = ? WHERE id = ? AND status = ?",
				inv.Status, inv.AcceptedBy, now.UnixMicro(), inv.ID, StatusPending); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("accepting the invitations of %s: %w", user.ID, err)
	}
	for _, inv := range accepted {
		if err := s.record(ctx, audit.EventInviteAccept, user.ID, user.Email, inv.ID, audit.OutcomeOK, ""); err != nil {
			return accepted, err
		}
	}
	return accepted, nil
}

// Withdraw withdraws a pending or expired invitation, so that its link no
// longer works. It returns ErrNotFound, or ErrNotPending for an accepted or
// withdrawn invitation.
func (s *Service) Withdraw(ctx context.Context, by identity.User, id string) error {
	var invitee string
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		inv, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		invitee = inv.Email
		if inv.Status != StatusPending && inv.Status != StatusExpired {
			return fmt.Errorf("withdrawing invitation %s: %w", id, ErrNotPending)
		}
		if _, err := tx.Exec(ctx, "UPDATE invitations SET status = ?, closed_at = ? WHERE id = ?",
			StatusWithdrawn, s.now().UnixMicro(), id); err != nil {
			return fmt.Errorf("withdrawing invitation %s: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.recordAbout(ctx, audit.EventInviteWithdraw, by.ID, by.Email, id, invitee, audit.OutcomeOK, "")
}
