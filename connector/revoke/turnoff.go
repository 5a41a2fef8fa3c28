package revoke

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// Sentinel errors of TurnOff and TurnOn.
var (
	// ErrUnknownFeature means a feature is not one of scopes.Features.
	ErrUnknownFeature = errors.New("revoke: not a feature")
	// ErrSuspendedByAdmin means an admin suspended a scope of the feature:
	// only an admin's resumption lifts it.
	ErrSuspendedByAdmin = errors.New("revoke: an admin suspended this feature's access")
)

// featureData is what a feature fetched: the purgers that hold it, and the
// purpose its purge is audited under.
type featureData struct {
	purgers []string
	purpose scopes.Purpose
}

// featureStores names, for each feature, the purgers that hold the data
// fetched for it: the directory copy for invite, the calendars and their
// meetings for calendars, the recordings and their transcripts for
// recordings. Invitations stay: they are the admin's own records, not data
// fetched from Google.
var featureStores = map[scopes.Feature]featureData{
	scopes.FeatureInvite:     {[]string{"directory"}, scopes.PurposeInvite},
	scopes.FeatureCalendars:  {[]string{"calendars"}, scopes.PurposeMeetings},
	scopes.FeatureRecordings: {[]string{"recordings"}, scopes.PurposeRecordings},
}

// TurnOffReport says what turning a feature off did.
type TurnOffReport struct {
	Feature scopes.Feature
	// Dropped are the scopes suspended now; scopes already suspended, by
	// the user or an admin, stay as they were.
	Dropped []string
	// Purged gives the rows each of the feature's purgers removed;
	// PurgedRows is their sum.
	Purged     map[string]int64
	PurgedRows int64
}

// TurnOff turns one feature of a user off without touching the others.
// Google's revoke endpoint revokes the whole grant and has no way to drop a
// single scope, so nothing is asked of Google: each granted scope of the
// feature is suspended locally, by the user (audited as a suspend entry
// whose reason names the feature), so that the door refuses every use of
// it in every replica from then on; then the data fetched for the feature
// is purged (a purge entry whose Purpose is the feature's). Google still
// lists the permission until the user revokes all access, or removes
// ScopeTrail from their Google account. TurnOn turns the feature on again.
//
// TurnOff is idempotent and completes even if ctx is cancelled midway. It
// returns ErrUnknownFeature for a feature that is not one, and errors
// wrapping grant's; the purge runs even when a suspension fails.
func (s *Service) TurnOff(ctx context.Context, userID string, f scopes.Feature, by Actor) (TurnOffReport, error) {
	ctx = context.WithoutCancel(ctx)
	r := TurnOffReport{Feature: f}
	data, ok := featureStores[f]
	if !ok {
		return r, fmt.Errorf("%w: %q", ErrUnknownFeature, f)
	}
	g, err := s.o.Grants.Get(ctx, userID)
	if err != nil && !errors.Is(err, grant.ErrNotFound) {
		return r, fmt.Errorf("turning %s off for %s: %w", f, userID, err)
	}
	var errs []error
	for _, sc := range scopes.FeatureScopes(f) {
		if g.Status == grant.StatusRevoked || !g.Has(sc) || g.IsSuspended(sc) {
			continue
		}
		if err := s.Suspend(ctx, userID, sc, by, "turned off: "+string(f)); err != nil {
			errs = append(errs, err)
			continue
		}
		r.Dropped = append(r.Dropped, sc)
	}
	var purgers []Purger
	for _, p := range s.purgers {
		if slices.Contains(data.purgers, p.PurgeName()) {
			purgers = append(purgers, p)
		}
	}
	var perr error
	r.Purged, r.PurgedRows, perr = s.purgeWith(ctx, userID, by, purgers, data.purpose)
	if err := errors.Join(append(errs, perr)...); err != nil {
		return r, fmt.Errorf("turning %s off for %s: %w", f, userID, err)
	}
	return r, nil
}

// TurnOn lifts the suspensions the user made by turning a feature off, each
// audited as a resume entry; the data comes back with the feature's next
// sync. When an admin suspended one of the feature's scopes it changes
// nothing and returns ErrSuspendedByAdmin. It returns the scopes resumed,
// ErrUnknownFeature for a feature that is not one, and errors wrapping
// grant's.
func (s *Service) TurnOn(ctx context.Context, userID string, f scopes.Feature, by Actor) ([]string, error) {
	if _, ok := featureStores[f]; !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownFeature, f)
	}
	g, err := s.o.Grants.Get(ctx, userID)
	if errors.Is(err, grant.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("turning %s on for %s: %w", f, userID, err)
	}
	notes, err := s.Suspensions(ctx, userID)
	if err != nil {
		return nil, err
	}
	var mine []string
	for _, sc := range scopes.FeatureScopes(f) {
		if !g.IsSuspended(sc) {
			continue
		}
		if n, ok := notes[sc]; !ok || !n.ByUser() {
			return nil, fmt.Errorf("turning %s on for %s: %s: %w", f, userID, sc, ErrSuspendedByAdmin)
		}
		mine = append(mine, sc)
	}
	for i, sc := range mine {
		if err := s.Resume(ctx, userID, sc, by, "turned on: "+string(f)); err != nil {
			return mine[:i], fmt.Errorf("turning %s on for %s: %w", f, userID, err)
		}
	}
	return mine, nil
}
