package web

import (
	"context"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// suspensionLookback bounds the suspend entries of a user read to find
// the one that suspended a scope.
const suspensionLookback = 20

// suspension says who suspended a scope, when and why, as far as the audit
// trail tells; its fields are blank when it is not wired or holds no entry.
type suspension struct {
	By     string
	At     time.Time
	Reason string
}

// suspensionOf finds, in the audit trail, the latest suspension of a
// user's scope.
func (s *Server) suspensionOf(ctx context.Context, userID, scope string) (suspension, error) {
	if s.deps.Audit == nil {
		return suspension{}, nil
	}
	page, err := s.deps.Audit.Query(ctx, audit.Filter{UserID: userID, Scope: scope, Event: audit.EventSuspend, Desc: true, Limit: suspensionLookback})
	if err != nil {
		return suspension{}, fmt.Errorf("reading the suspension of %s: %w", scope, err)
	}
	for _, e := range page.Entries {
		if e.Resource == userID && e.Scope == scope { // not a suspension this user made of another's scope
			return suspension{By: e.ActorEmail, At: e.Time, Reason: e.ErrorReason}, nil
		}
	}
	return suspension{}, nil
}
