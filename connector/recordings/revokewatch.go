package recordings

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// How often a download in progress reads its member's grant again: the
// door reads it before each request, but a long body streams for minutes,
// and another replica may revoke the member meanwhile.
const (
	revocationCheckEvery = 2 * time.Second
	revocationCheckBytes = 8 << 20
)

// ReasonRevokedDuringDownload is the ErrorReason of the audit entry of a
// download cut because the member's grant was revoked while it streamed.
const ReasonRevokedDuringDownload = "revoked_during_download"

// revocationWatch reads the grant of a download's member every
// revocationCheckEvery or revocationCheckBytes, whichever comes first, and
// cuts the download when it is revoked. It is not safe for concurrent use.
type revocationWatch struct {
	s            *Service
	ctx          context.Context
	userID       string
	fileID       string
	lastAt       time.Time
	sinceChecked int64
	total        int64
}

// watchRevocation starts a revocationWatch of r's download.
func (s *Service) watchRevocation(ctx context.Context, r Recording) *revocationWatch {
	return &revocationWatch{s: s, ctx: ctx, userID: r.UserID, fileID: r.FileID, lastAt: time.Now()}
}

// spooled counts n more bytes spooled and, when a check is due, returns an
// error wrapping grant.ErrRevoked if the member's grant is revoked, after
// auditing the cut. A failed read of the grant only delays the check.
func (w *revocationWatch) spooled(n int) error {
	if w == nil {
		return nil
	}
	w.sinceChecked += int64(n)
	w.total += int64(n)
	if w.sinceChecked < revocationCheckBytes && time.Since(w.lastAt) < revocationCheckEvery {
		return nil
	}
	w.sinceChecked, w.lastAt = 0, time.Now()
	var st grant.Status
	err := w.s.o.DB.QueryRow(w.ctx, `SELECT status FROM grants WHERE user_id = ?`, w.userID).Scan(&st)
	if err != nil || st != grant.StatusRevoked { // no grant, or not readable now: checked again later
		return nil
	}
	cut := fmt.Errorf("downloading %s: cut after %d bytes: %w", w.fileID, w.total, grant.ErrRevoked)
	if w.s.o.Audit == nil {
		return cut
	}
	e := audit.Entry{ActorID: w.userID, Event: audit.EventDeny, Outcome: audit.OutcomeDenied, ErrorReason: ReasonRevokedDuringDownload,
		APIName: "drive", MethodName: "drive.files.get", Purpose: string(scopes.PurposeRecordings),
		Resource: "fileId=" + w.fileID, NumResponseBytes: w.total}
	if _, err := w.s.o.Audit.Append(context.WithoutCancel(w.ctx), e); err != nil {
		return errors.Join(cut, fmt.Errorf("auditing the cut download of %s: %w", w.fileID, err))
	}
	return cut
}
