// Package scopes is ScopeTrail's lowest layer: the registry of the Google
// OAuth scopes the app may ask for, the purposes each one is granted for, and
// the table, generated from Google's discovery documents, that maps every API
// request to the method it calls and the scopes that allow it.
//
// Package scopes imports nothing else of ScopeTrail's.
package scopes

import (
	"slices"
	"strings"
)

// Google OAuth scope strings used by ScopeTrail.
const (
	OpenID  = "openid"
	Email   = "email"
	Profile = "profile"

	DirectoryReadonly      = "https://www.googleapis.com/auth/directory.readonly"
	CalendarReadonly       = "https://www.googleapis.com/auth/calendar.readonly"
	CalendarEventsReadonly = "https://www.googleapis.com/auth/calendar.events.readonly"
	DriveReadonly          = "https://www.googleapis.com/auth/drive.readonly"

	// DriveMeetReadonly is not requested by ScopeTrail; the registry knows it
	// so that the least-privilege report can name it as a narrower choice.
	DriveMeetReadonly = "https://www.googleapis.com/auth/drive.meet.readonly"

	// UserinfoEmail and UserinfoProfile are the long forms Google may return
	// in a token response for the email and profile sign-in scopes.
	UserinfoEmail   = "https://www.googleapis.com/auth/userinfo.email"
	UserinfoProfile = "https://www.googleapis.com/auth/userinfo.profile"
)

// Purpose is why ScopeTrail uses a scope. Every Google request carries one,
// and the policy refuses a request whose purpose was not declared for the
// scope it would use.
type Purpose string

// Purposes declared in DESIGN.md.
const (
	PurposeSignIn     Purpose = "signin"
	PurposeInvite     Purpose = "invite"
	PurposeMeetings   Purpose = "meetings"
	PurposeRecordings Purpose = "recordings"
)

// Tier is Google's classification of a scope.
type Tier string

// Google's scope tiers.
const (
	TierNonSensitive Tier = "non-sensitive"
	TierSensitive    Tier = "sensitive"
	TierRestricted   Tier = "restricted"
)

// Feature is a part of the app that a user turns on by granting its scopes.
type Feature string

// Features, one per linking button.
const (
	FeatureInvite     Feature = "invite"
	FeatureCalendars  Feature = "calendars"
	FeatureRecordings Feature = "recordings"
)

// Scope describes one OAuth scope.
type Scope struct {
	// Name is the full scope string Google uses.
	Name string
	// Short is the last path element, as people write it: "drive.readonly".
	Short string
	Tier  Tier
	// Description says in plain words what the scope lets the app do.
	Description string
	// Purposes are the purposes the scope is granted for.
	Purposes []Purpose
	// Requested reports whether ScopeTrail ever asks for the scope.
	Requested bool
	// Breadth orders scopes of one API from narrow (small) to broad; the
	// policy prefers the narrowest granted scope that allows a method.
	Breadth int
	// NarrowerAlternative names a narrower scope that could serve the same
	// purpose, for the least-privilege report. Empty when there is none.
	NarrowerAlternative string
}

var registry = []Scope{
	{Name: OpenID, Short: "openid", Tier: TierNonSensitive, Description: "Sign you in with your Google account.", Purposes: []Purpose{PurposeSignIn}, Requested: true},
	{Name: Email, Short: "email", Tier: TierNonSensitive, Description: "See your primary Google account email address.", Purposes: []Purpose{PurposeSignIn}, Requested: true},
	{Name: Profile, Short: "profile", Tier: TierNonSensitive, Description: "See your name and profile picture.", Purposes: []Purpose{PurposeSignIn}, Requested: true},
	{Name: DirectoryReadonly, Short: "directory.readonly", Tier: TierSensitive, Description: "See and download your organization's Google Workspace directory, to find colleagues to invite.", Purposes: []Purpose{PurposeInvite}, Requested: true, Breadth: 10},
	{Name: CalendarEventsReadonly, Short: "calendar.events.readonly", Tier: TierSensitive, Description: "View events on your calendars, to list meetings on your primary calendar.", Purposes: []Purpose{PurposeMeetings}, Requested: true, Breadth: 10},
	{Name: CalendarReadonly, Short: "calendar.readonly", Tier: TierSensitive, Description: "See and download any calendar you can access, to list your calendars and their meetings.", Purposes: []Purpose{PurposeMeetings}, Requested: true, Breadth: 20},
	{Name: DriveMeetReadonly, Short: "drive.meet.readonly", Tier: TierRestricted, Description: "See and download Drive files created or edited by Google Meet.", Purposes: []Purpose{PurposeRecordings}, Breadth: 10},
	{Name: DriveReadonly, Short: "drive.readonly", Tier: TierRestricted, Description: "See and download all your Google Drive files, to find, download and transcribe Meet recordings and transcripts.", Purposes: []Purpose{PurposeRecordings}, Requested: true, Breadth: 20, NarrowerAlternative: DriveMeetReadonly},
}

// All returns every scope in the registry, sign-in scopes first.
func All() []Scope { return slices.Clone(registry) }

// Lookup returns the registry entry for a scope string. It accepts the long
// userinfo forms of the sign-in scopes.
func Lookup(name string) (Scope, bool) {
	name = Canonical(name)
	for _, s := range registry {
		if s.Name == name {
			return s, true
		}
	}
	return Scope{}, false
}

// Canonical maps the alternative spellings Google may return for a scope to
// the spelling in the registry.
func Canonical(name string) string {
	switch name {
	case UserinfoEmail:
		return Email
	case UserinfoProfile:
		return Profile
	}
	return name
}

// SignIn is the set of scopes requested at sign-in.
var SignIn = []string{OpenID, Email, Profile}

// FeatureScopes returns the scopes a feature asks for.
func FeatureScopes(f Feature) []string {
	switch f {
	case FeatureInvite:
		return []string{DirectoryReadonly}
	case FeatureCalendars:
		return []string{CalendarReadonly, CalendarEventsReadonly}
	case FeatureRecordings:
		return []string{DriveReadonly}
	}
	return nil
}

// Features lists the features in the order the UI shows them.
var Features = []Feature{FeatureInvite, FeatureCalendars, FeatureRecordings}

// FeatureEnabled reports whether the granted scopes are enough to use a
// feature. Calendars work with either calendar scope (calendar.events.readonly
// alone limits the feature to the primary calendar).
func FeatureEnabled(f Feature, granted []string) bool {
	has := func(s string) bool { return slices.Contains(granted, s) }
	switch f {
	case FeatureInvite:
		return has(DirectoryReadonly)
	case FeatureCalendars:
		return has(CalendarReadonly) || has(CalendarEventsReadonly)
	case FeatureRecordings:
		return has(DriveReadonly)
	}
	return false
}

// Missing returns the scopes a feature asks for that are not in granted.
func Missing(f Feature, granted []string) []string {
	var out []string
	for _, s := range FeatureScopes(f) {
		if !slices.Contains(granted, s) {
			out = append(out, s)
		}
	}
	return out
}

// Parse splits a space-separated scope list, as found in a token response,
// into canonical scope strings, sorted and without duplicates.
func Parse(list string) []string {
	var out []string
	for _, f := range strings.Fields(list) {
		out = append(out, Canonical(f))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
