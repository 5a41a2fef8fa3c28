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

// AcceptInTx accepts, inside tx, every pending, unexpired invitation to the
// user's email and returns them; each is accepted once, by the first
// transaction to commit. Sign-in calls it in its own transaction, so that an
// account admitted by its invitation and the invitation's acceptance commit
// together. Accepting leaves the user's role as it is. The caller audits the
// acceptances with RecordAccepted once tx has committed.
func (s *Service) AcceptInTx(ctx context.Context, tx *sqldb.Tx, user identity.User) ([]Invitation, error) {
	email := strings.ToLower(user.Email)
	now := s.now()
	rows, err := tx.Query(ctx, "SELECT "+columns+" FROM invitations WHERE email = ? AND status = ? AND expires_at > ?",
		email, StatusPending, now.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("accepting the invitations of %s: %w", user.ID, err)
	}
	var pending []Invitation
	for rows.Next() {
		inv, err := scan(rows, now)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("accepting the invitations of %s: %w", user.ID, err)
		}
		pending = append(pending, inv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accepting the invitations of %s: %w", user.ID, err)
	}
	var accepted []Invitation
	for _, inv := range pending {
		res, err := tx.Exec(ctx, "UPDATE invitations SET status = ?, accepted_by = ?, closed_at = ? WHERE id = ? AND status = ?",
			StatusAccepted, user.ID, now.UnixMicro(), inv.ID, StatusPending)
		if err != nil {
			return nil, fmt.Errorf("accepting invitation %s: %w", inv.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("accepting invitation %s: %w", inv.ID, err)
		} else if n == 1 {
			inv.Status, inv.AcceptedBy, inv.ClosedAt = StatusAccepted, user.ID, now.UTC()
			accepted = append(accepted, inv)
		}
	}
	return accepted, nil
}

// RecordAccepted writes an invite_accept audit entry for each invitation
// the user accepted.
func (s *Service) RecordAccepted(ctx context.Context, user identity.User, accepted []Invitation) error {
	for _, inv := range accepted {
		if err := s.record(ctx, audit.EventInviteAccept, user.ID, user.Email, inv.ID, audit.OutcomeOK, ""); err != nil {
			return err
		}
	}
	return nil
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
