package fakeapi

// Field schemas of the People responses, from the discovery document
// people/v1/people-api.json, for validating `fields` selectors. The fields
// of a person's lists (names, emailAddresses, …) accept any sub-selection.
var (
	// personSchema is the Person schema.
	personSchema = objectSchema(map[string]*schema{
		"addresses": openObject, "ageRanges": openObject, "biographies": openObject, "birthdays": openObject,
		"braggingRights": openObject, "calendarUrls": openObject, "clientData": openObject, "coverPhotos": openObject,
		"emailAddresses": openObject, "events": openObject, "externalIds": openObject, "fileAses": openObject,
		"genders": openObject, "imClients": openObject, "interests": openObject, "locales": openObject,
		"locations": openObject, "memberships": openObject, "metadata": openObject, "miscKeywords": openObject,
		"names": openObject, "nicknames": openObject, "occupations": openObject, "organizations": openObject,
		"phoneNumbers": openObject, "photos": openObject, "relations": openObject, "relationshipInterests": openObject,
		"relationshipStatuses": openObject, "residences": openObject, "sipAddresses": openObject, "skills": openObject,
		"taglines": openObject, "urls": openObject, "userDefined": openObject,
	}, "ageRange", "etag", "resourceName")

	// listDirectoryPeopleSchema is the ListDirectoryPeopleResponse schema.
	listDirectoryPeopleSchema = objectSchema(map[string]*schema{"people": personSchema}, "nextPageToken", "nextSyncToken")

	// searchDirectoryPeopleSchema is the SearchDirectoryPeopleResponse schema.
	searchDirectoryPeopleSchema = objectSchema(map[string]*schema{"people": personSchema}, "nextPageToken", "totalSize")
)
