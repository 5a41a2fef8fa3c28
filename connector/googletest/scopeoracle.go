package googletest

import (
	"net/http"
	"slices"
	"sync"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
)

// oracleMethod is one method the fake serves, with the scopes that Google's
// API reference page for it lists as accepted.
type oracleMethod struct {
	// ID is Google's method id, such as "calendar.events.list".
	ID string
	// API is the API the method belongs to, such as "calendar".
	API string
	// Pattern is the method and full path the fake serves it at, in
	// http.ServeMux syntax.
	Pattern string
	// Scopes are the OAuth scopes any one of which allows the method.
	Scopes []string
}

// Scope names used by the oracle, spelled out rather than taken from
// package scopes so that the table stays a second, independent opinion.
const (
	auth = "https://www.googleapis.com/auth/"

	contacts               = auth + "contacts"
	contactsOtherReadonly  = auth + "contacts.other.readonly"
	contactsReadonly       = auth + "contacts.readonly"
	directoryReadonly      = auth + "directory.readonly"
	userAddressesRead      = auth + "user.addresses.read"
	userBirthdayRead       = auth + "user.birthday.read"
	userEmailsRead         = auth + "user.emails.read"
	userGenderRead         = auth + "user.gender.read"
	userOrganizationRead   = auth + "user.organization.read"
	userPhonenumbersRead   = auth + "user.phonenumbers.read"
	userinfoEmail          = auth + "userinfo.email"
	userinfoProfile        = auth + "userinfo.profile"
	calendarAll            = auth + "calendar"
	calendarACLs           = auth + "calendar.acls"
	calendarACLsReadonly   = auth + "calendar.acls.readonly"
	calendarAppCreated     = auth + "calendar.app.created"
	calendarCalendarlist   = auth + "calendar.calendarlist"
	calendarCalendarlistRO = auth + "calendar.calendarlist.readonly"
	calendarCalendars      = auth + "calendar.calendars"
	calendarCalendarsRO    = auth + "calendar.calendars.readonly"
	calendarEvents         = auth + "calendar.events"
	calendarEventsFreebusy = auth + "calendar.events.freebusy"
	calendarEventsOwned    = auth + "calendar.events.owned"
	calendarEventsOwnedRO  = auth + "calendar.events.owned.readonly"
	calendarEventsPublicRO = auth + "calendar.events.public.readonly"
	calendarEventsReadonly = auth + "calendar.events.readonly"
	calendarReadonly       = auth + "calendar.readonly"
	calendarSettingsRO     = auth + "calendar.settings.readonly"
	driveAll               = auth + "drive"
	driveAppdata           = auth + "drive.appdata"
	driveFile              = auth + "drive.file"
	driveMeetReadonly      = auth + "drive.meet.readonly"
	driveMetadata          = auth + "drive.metadata"
	driveMetadataReadonly  = auth + "drive.metadata.readonly"
	drivePhotosReadonly    = auth + "drive.photos.readonly"
	driveReadonly          = auth + "drive.readonly"
)

// Scope lists shared by several methods, as their reference pages give them.
var (
	// peopleGetScopes: https://developers.google.com/people/api/rest/v1/people/get
	peopleGetScopes = []string{contacts, contactsOtherReadonly, contactsReadonly, directoryReadonly,
		userAddressesRead, userBirthdayRead, userEmailsRead, userGenderRead, userOrganizationRead,
		userPhonenumbersRead, userinfoEmail, userinfoProfile}
	// eventReadScopes: https://developers.google.com/workspace/calendar/api/v3/reference/events/list,
	// …/events/get and …/events/watch.
	eventReadScopes = []string{calendarAll, calendarAppCreated, calendarEvents, calendarEventsFreebusy,
		calendarEventsOwned, calendarEventsOwnedRO, calendarEventsPublicRO, calendarEventsReadonly, calendarReadonly}
	// driveReadScopes: https://developers.google.com/workspace/drive/api/reference/rest/v3/files/list,
	// …/files/get, …/changes/list and …/changes/getStartPageToken.
	driveReadScopes = []string{driveAll, driveAppdata, driveFile, driveMeetReadonly, driveMetadata,
		driveMetadataReadonly, drivePhotosReadonly, driveReadonly}
)

// scopeOracle is every method the fake serves and the scopes it accepts,
// written by hand from Google's API reference pages (the "Authorization
// scopes" section of each), not from the discovery documents that package
// scopes generates its table from: a wrong mapping there must not pass the
// fake too. A test compares the two and every disagreement is a finding.
var scopeOracle = []oracleMethod{
	// https://developers.google.com/people/api/rest/v1/people/listDirectoryPeople
	{ID: "people.people.listDirectoryPeople", API: fakeapi.APIPeople, Pattern: "GET /v1/people:listDirectoryPeople",
		Scopes: []string{directoryReadonly}},
	// https://developers.google.com/people/api/rest/v1/people/searchDirectoryPeople
	{ID: "people.people.searchDirectoryPeople", API: fakeapi.APIPeople, Pattern: "GET /v1/people:searchDirectoryPeople",
		Scopes: []string{directoryReadonly}},
	{ID: "people.people.get", API: fakeapi.APIPeople, Pattern: "GET /v1/people/{peopleId}", Scopes: peopleGetScopes},

	// https://developers.google.com/workspace/calendar/api/v3/reference/calendarList/list
	{ID: "calendar.calendarList.list", API: fakeapi.APICalendar, Pattern: "GET /calendar/v3/users/me/calendarList",
		Scopes: []string{calendarAll, calendarCalendarlist, calendarCalendarlistRO, calendarReadonly}},
	{ID: "calendar.events.list", API: fakeapi.APICalendar, Pattern: "GET /calendar/v3/calendars/{calendarId}/events",
		Scopes: eventReadScopes},
	{ID: "calendar.events.get", API: fakeapi.APICalendar, Pattern: "GET /calendar/v3/calendars/{calendarId}/events/{eventId}",
		Scopes: eventReadScopes},
	{ID: "calendar.events.watch", API: fakeapi.APICalendar, Pattern: "POST /calendar/v3/calendars/{calendarId}/events/watch",
		Scopes: eventReadScopes},
	// https://developers.google.com/workspace/calendar/api/v3/reference/channels/stop
	// lists no scopes at all; any Calendar scope that can have made a
	// channel may stop it. The discovery document differs (see the test).
	{ID: "calendar.channels.stop", API: fakeapi.APICalendar, Pattern: "POST /calendar/v3/channels/stop",
		Scopes: []string{calendarAll, calendarACLs, calendarACLsReadonly, calendarAppCreated, calendarCalendarlist,
			calendarCalendarlistRO, calendarCalendars, calendarCalendarsRO, calendarEvents, calendarEventsFreebusy,
			calendarEventsOwned, calendarEventsOwnedRO, calendarEventsPublicRO, calendarEventsReadonly,
			calendarReadonly, calendarSettingsRO}},

	{ID: "drive.files.list", API: fakeapi.APIDrive, Pattern: "GET /drive/v3/files", Scopes: driveReadScopes},
	{ID: "drive.files.get", API: fakeapi.APIDrive, Pattern: "GET /drive/v3/files/{fileId}", Scopes: driveReadScopes},
	// https://developers.google.com/workspace/drive/api/reference/rest/v3/files/export
	{ID: "drive.files.export", API: fakeapi.APIDrive, Pattern: "GET /drive/v3/files/{fileId}/export",
		Scopes: []string{driveAll, driveFile, driveMeetReadonly, driveReadonly}},
	{ID: "drive.changes.getStartPageToken", API: fakeapi.APIDrive, Pattern: "GET /drive/v3/changes/startPageToken",
		Scopes: driveReadScopes},
	{ID: "drive.changes.list", API: fakeapi.APIDrive, Pattern: "GET /drive/v3/changes", Scopes: driveReadScopes},
}

// oracleRouter finds the oracle entry of a request by the same path rules
// as the handlers behind the gate.
var oracleRouter = sync.OnceValue(func() *http.ServeMux {
	mux := http.NewServeMux()
	for _, m := range scopeOracle {
		mux.Handle(m.Pattern, http.NotFoundHandler())
	}
	return mux
})

// oracleByPattern indexes scopeOracle by Pattern.
var oracleByPattern = sync.OnceValue(func() map[string]oracleMethod {
	out := make(map[string]oracleMethod, len(scopeOracle))
	for _, m := range scopeOracle {
		out[m.Pattern] = m
	}
	return out
})

// servesMethod reports whether id names a method of the oracle.
func servesMethod(id string) bool {
	return slices.ContainsFunc(scopeOracle, func(m oracleMethod) bool { return m.ID == id })
}

// oracleMatch returns the oracle entry of the method r calls.
func oracleMatch(r *http.Request) (oracleMethod, bool) {
	_, pattern := oracleRouter().Handler(r)
	m, ok := oracleByPattern()[pattern]
	return m, ok
}
