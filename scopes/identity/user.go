package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// User is a person who can sign in to ScopeTrail.
type User struct {
	// ID is ScopeTrail's random id for the user.
	ID string
	// Email is the Google account's email address, lowercased.
	Email string
	// Name and Picture come from the Google profile at the last sign-in.
	Name, Picture string
	// Subject is the Google account's stable id (the ID token's "sub").
	Subject    string
	Role       Role
	CreatedAt  time.Time
	LastSignIn time.Time
	// BlockedAt is when an admin revoked the user's access, which keeps them
	// from signing in until an admin re-admits them; zero otherwise.
	// BlockedBy names who did it.
	BlockedAt time.Time
	BlockedBy string
}

// Blocked reports whether an admin shut the user out.
func (u User) Blocked() bool { return !u.BlockedAt.IsZero() }

const userColumns = "id, email, name, picture, subject, role, created_at, last_sign_in, blocked_at, blocked_by_email"

// insertColumns are the columns a new user is written with; they start
// unblocked.
const insertColumns = "id, email, name, picture, subject, role, created_at, last_sign_in"

// firstUserSetting names the settings row claimed by the first user ever
// created.
const firstUserSetting = "identity.first_user"

// SignIn records a sign-in by the Google account sub with the given profile,
// admitting any account: it is SignInAdmitted with no admission check.
// creating the user on first sign-in and updating email, name, picture and
// last sign-in otherwise. A user whose email is in adminEmails becomes an
// admin. When adminEmails is empty, the first user ever created becomes an
// admin. Everybody else starts as a member, and existing users keep their
// role.
//
// A user created before their first sign-in (with no subject yet) is bound
// to sub. SignIn returns ErrSubjectMismatch if the email already belongs to
// a user bound to a different Google account.
func (s *Store) SignIn(ctx context.Context, sub, email, name, picture string, adminEmails []string) (User, error) {
	return s.SignInAdmitted(ctx, Profile{Subject: sub, Email: email, Name: name, Picture: picture}, adminEmails, nil)
}

// SignInAdmitted is SignIn that lets admit refuse the account: admit runs
// in the sign-in's transaction once the user is created or updated, and an
// error from it rolls the sign-in back, so that a refused account leaves no
// user behind. A nil admit admits everyone.
func (s *Store) SignInAdmitted(ctx context.Context, p Profile, adminEmails []string, admit Admission) (User, error) {
	sub, name, picture := p.Subject, p.Name, p.Picture
	email := normalizeEmail(p.Email)
	if sub == "" || email == "" {
		return User{}, errors.New("identity: sign-in needs a subject and an email")
	}
	isAdmin := slices.ContainsFunc(adminEmails, func(e string) bool { return normalizeEmail(e) == email })
	now := s.clock()
	var u User
	err := s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE subject = ?", sub))
		if errors.Is(err, ErrNotFound) {
			u, err = scanUser(tx.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", email))
			if err == nil && u.Subject != "" {
				return fmt.Errorf("signing in %s: %w", email, ErrSubjectMismatch)
			}
		}
		switch {
		case errors.Is(err, ErrNotFound):
			u = User{ID: newID(), Email: email, Name: name, Picture: picture, Subject: sub, Role: RoleMember, CreatedAt: now, LastSignIn: now}
			if err := createUser(ctx, tx, &u, isAdmin, len(adminEmails) == 0); err != nil {
				return err
			}
			return admit.check(ctx, tx, u, false)
		case err != nil:
			return err
		}
		u.Email, u.Name, u.Picture, u.Subject, u.LastSignIn = email, name, picture, sub, now
		if isAdmin {
			u.Role = RoleAdmin
		}
		_, err = tx.Exec(ctx, "UPDATE users SET email = ?, name = ?, picture = ?, subject = ?, role = ?, last_sign_in = ? WHERE id = ?",
			u.Email, u.Name, u.Picture, u.Subject, string(u.Role), sqldb.Micros(now), u.ID)
		if err != nil {
			return fmt.Errorf("updating user %s: %w", u.ID, err)
		}
		return admit.check(ctx, tx, u, true)
	})
	if err != nil {
		return User{}, fmt.Errorf("identity: sign-in: %w", err)
	}
	return u, nil
}

// createUser inserts u, making it an admin if isAdmin is set, or if
// firstIsAdmin is set and u is the first user ever created: the first user
// claims a settings row, so concurrent sign-ins agree on who was first.
func createUser(ctx context.Context, tx *sqldb.Tx, u *User, isAdmin, firstIsAdmin bool) error {
	res, err := tx.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", firstUserSetting, u.ID)
	if err != nil {
		return fmt.Errorf("claiming first user: %w", err)
	}
	first, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("claiming first user: %w", err)
	}
	if isAdmin || (firstIsAdmin && first == 1) {
		u.Role = RoleAdmin
	}
	_, err = tx.Exec(ctx, "INSERT INTO users ("+insertColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		u.ID, u.Email, u.Name, u.Picture, u.Subject, string(u.Role), sqldb.Micros(u.CreatedAt), sqldb.Micros(u.LastSignIn))
	if err != nil {
		return fmt.Errorf("inserting user: %w", err)
	}
	return nil
}

// User returns the user with the given id, or ErrNotFound.
func (s *Store) User(ctx context.Context, id string) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if err != nil {
		return User{}, fmt.Errorf("identity: user %s: %w", id, err)
	}
	return u, nil
}

// UserByEmail returns the user with the given email (in any case), or
// ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", normalizeEmail(email)))
	if err != nil {
		return User{}, fmt.Errorf("identity: user %s: %w", email, err)
	}
	return u, nil
}

// Users returns every user, sorted by email.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.Query(ctx, "SELECT "+userColumns+" FROM users ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("identity: listing users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("identity: listing users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("identity: listing users: %w", err)
	}
	return out, nil
}

// scanner is what *sql.Row and *sql.Rows offer.
type scanner interface{ Scan(dest ...any) error }

// scanUser reads one row of userColumns. It returns ErrNotFound for
// sql.ErrNoRows.
func scanUser(row scanner) (User, error) {
	var u User
	var role string
	var created, last, blocked int64
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Picture, &u.Subject, &role, &created, &last, &blocked, &u.BlockedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("reading user: %w", err)
	}
	u.Role, u.CreatedAt, u.LastSignIn = Role(role), sqldb.FromMicros(created), sqldb.FromMicros(last)
	u.BlockedAt = sqldb.FromMicros(blocked)
	return u, nil
}

// normalizeEmail returns the form emails are stored and compared in.
func normalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
