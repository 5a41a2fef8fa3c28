package fakeapi

// Field schemas of the Calendar responses, from the discovery document
// calendar/v3/calendar-api.json, for validating `fields` selectors. Nested
// objects accept any sub-selection.
var (
	// eventSchema is the Event schema.
	eventSchema = objectSchema(map[string]*schema{
		"attachments": openObject, "attendees": openObject, "birthdayProperties": openObject, "conferenceData": openObject,
		"creator": openObject, "end": openObject, "extendedProperties": openObject, "focusTimeProperties": openObject,
		"gadget": openObject, "organizer": openObject, "originalStartTime": openObject, "outOfOfficeProperties": openObject,
		"reminders": openObject, "source": openObject, "start": openObject, "workingLocationProperties": openObject,
	},
		"anyoneCanAddSelf", "attendeesOmitted", "colorId", "created", "description", "endTimeUnspecified", "etag",
		"eventLabelId", "eventType", "guestsCanInviteOthers", "guestsCanModify", "guestsCanSeeOtherGuests", "hangoutLink",
		"htmlLink", "iCalUID", "id", "kind", "location", "locked", "privateCopy", "recurrence", "recurringEventId",
		"sequence", "status", "summary", "transparency", "updated", "visibility")

	// eventsSchema is the Events schema.
	eventsSchema = objectSchema(map[string]*schema{"items": eventSchema, "defaultReminders": openObject},
		"accessRole", "description", "etag", "kind", "nextPageToken", "nextSyncToken", "summary", "timeZone", "updated")

	// calendarListSchema is the CalendarList schema.
	calendarListSchema = objectSchema(map[string]*schema{"items": openObject},
		"etag", "kind", "nextPageToken", "nextSyncToken")
)
