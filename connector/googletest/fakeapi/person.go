package fakeapi

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// personMask is a People readMask: a bit per person field this fake fills.
type personMask uint8

// Person fields the fake fills.
const (
	maskNames personMask = 1 << iota
	maskEmailAddresses
	maskPhotos
	maskOrganizations
	maskPhoneNumbers
	maskMetadata
)

// personFields maps every readMask path Google accepts to the bit of the
// field the fake fills, 0 for fields a directory profile here never has.
var personFields = map[string]personMask{
	"names": maskNames, "emailAddresses": maskEmailAddresses, "photos": maskPhotos,
	"organizations": maskOrganizations, "phoneNumbers": maskPhoneNumbers, "metadata": maskMetadata,
	"addresses": 0, "ageRanges": 0, "biographies": 0, "birthdays": 0, "calendarUrls": 0, "clientData": 0,
	"coverPhotos": 0, "events": 0, "externalIds": 0, "genders": 0, "imClients": 0, "interests": 0,
	"locales": 0, "locations": 0, "memberships": 0, "miscKeywords": 0, "nicknames": 0, "occupations": 0,
	"relations": 0, "sipAddresses": 0, "skills": 0, "urls": 0, "userDefined": 0,
}

// parsePersonMask parses a comma-separated field mask such as
// "names,emailAddresses" given as parameter param. A "person." prefix on
// each path is accepted, as people.get's requestMask.includeField uses it.
func parsePersonMask(param, s string) (personMask, error) {
	if strings.TrimSpace(s) == "" {
		return 0, Error{Code: 400, Reason: "badRequest", Message: param + " is required. Please specify one or more valid paths. " +
			"Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get."}
	}
	var m personMask
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimPrefix(strings.TrimSpace(p), "person.")
		bit, ok := personFields[p]
		if !ok {
			return 0, Error{Code: 400, Reason: "badRequest", Message: fmt.Sprintf("Invalid %s path: %q. "+
				"Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.", param, p)}
		}
		m |= bit
	}
	return m, nil
}

// Person JSON, as in the discovery schemas Person, PersonMetadata, Source,
// FieldMetadata, Name, EmailAddress, Photo, Organization and PhoneNumber.
type (
	personJSON struct {
		ResourceName   string              `json:"resourceName"`
		Etag           string              `json:"etag"`
		Metadata       *personMetadataJSON `json:"metadata,omitempty"`
		Names          []nameJSON          `json:"names,omitempty"`
		EmailAddresses []emailJSON         `json:"emailAddresses,omitempty"`
		Photos         []photoJSON         `json:"photos,omitempty"`
		Organizations  []organizationJSON  `json:"organizations,omitempty"`
		PhoneNumbers   []phoneJSON         `json:"phoneNumbers,omitempty"`
	}

	personMetadataJSON struct {
		Sources    []sourceJSON `json:"sources"`
		ObjectType string       `json:"objectType,omitempty"`
		Deleted    bool         `json:"deleted,omitempty"`
	}

	sourceJSON struct {
		Type            string               `json:"type"`
		ID              string               `json:"id"`
		Etag            string               `json:"etag,omitempty"`
		ProfileMetadata *profileMetadataJSON `json:"profileMetadata,omitempty"`
	}

	profileMetadataJSON struct {
		ObjectType string   `json:"objectType"`
		UserTypes  []string `json:"userTypes"`
	}

	fieldMetadataJSON struct {
		Primary  bool       `json:"primary,omitempty"`
		Verified bool       `json:"verified,omitempty"`
		Source   sourceJSON `json:"source"`
	}

	nameJSON struct {
		Metadata             fieldMetadataJSON `json:"metadata"`
		DisplayName          string            `json:"displayName,omitempty"`
		FamilyName           string            `json:"familyName,omitempty"`
		GivenName            string            `json:"givenName,omitempty"`
		DisplayNameLastFirst string            `json:"displayNameLastFirst,omitempty"`
		UnstructuredName     string            `json:"unstructuredName,omitempty"`
	}

	emailJSON struct {
		Metadata fieldMetadataJSON `json:"metadata"`
		Value    string            `json:"value"`
	}

	photoJSON struct {
		Metadata fieldMetadataJSON `json:"metadata"`
		URL      string            `json:"url"`
		Default  bool              `json:"default,omitempty"`
	}

	organizationJSON struct {
		Metadata   fieldMetadataJSON `json:"metadata"`
		Type       string            `json:"type"`
		Domain     string            `json:"domain,omitempty"`
		Title      string            `json:"title,omitempty"`
		Department string            `json:"department,omitempty"`
		Current    bool              `json:"current"`
	}

	phoneJSON struct {
		Metadata fieldMetadataJSON `json:"metadata"`
		Value    string            `json:"value"`
		Type     string            `json:"type"`
	}
)

// defaultPhotoURL is the silhouette Google serves for people without a photo.
const defaultPhotoURL = "https://lh3.googleusercontent.com/a/default-user=s100"

// personRenderer renders a page of people, allocating the field lists of the
// whole page in one backing array each.
type personRenderer struct {
	mask   personMask
	domain string
	out    []personJSON
	names  []nameJSON
	emails []emailJSON
	photos []photoJSON
	orgs   []organizationJSON
	phones []phoneJSON
	meta   []personMetadataJSON
	srcs   []sourceJSON
}

// newPersonRenderer returns a renderer for up to n people.
func newPersonRenderer(mask personMask, domain string, n int) *personRenderer {
	pr := &personRenderer{mask: mask, domain: domain, out: make([]personJSON, 0, n),
		meta: make([]personMetadataJSON, 0, n), srcs: make([]sourceJSON, 0, n)}
	if mask&maskNames != 0 {
		pr.names = make([]nameJSON, 0, n)
	}
	if mask&maskEmailAddresses != 0 {
		pr.emails = make([]emailJSON, 0, n)
	}
	if mask&maskPhotos != 0 {
		pr.photos = make([]photoJSON, 0, n)
	}
	if mask&maskOrganizations != 0 {
		pr.orgs = make([]organizationJSON, 0, n)
	}
	if mask&maskPhoneNumbers != 0 {
		pr.phones = make([]phoneJSON, 0, n)
	}
	return pr
}

// add renders p, as a tombstone when it is deleted.
func (pr *personRenderer) add(p *workspace.Person) {
	etag := personEtag(p)
	src := sourceJSON{Type: "DOMAIN_PROFILE", ID: p.ID}
	j := personJSON{ResourceName: "people/" + p.ID, Etag: etag}
	if p.Deleted || pr.mask&maskMetadata != 0 {
		meta := sourceJSON{Type: src.Type, ID: p.ID, Etag: "#" + etag[1:],
			ProfileMetadata: &profileMetadataJSON{ObjectType: "PERSON", UserTypes: []string{"GOOGLE_APPS_USER"}}}
		pr.srcs = append(pr.srcs, meta)
		pr.meta = append(pr.meta, personMetadataJSON{Sources: pr.srcs[len(pr.srcs)-1:], ObjectType: "PERSON", Deleted: p.Deleted})
		j.Metadata = &pr.meta[len(pr.meta)-1]
	}
	if p.Deleted {
		pr.out = append(pr.out, j)
		return
	}
	primary := fieldMetadataJSON{Primary: true, Source: src}
	if pr.mask&maskNames != 0 {
		display := p.DisplayName
		if display == "" {
			display = strings.TrimSpace(p.GivenName + " " + p.FamilyName)
		}
		lastFirst := p.FamilyName
		if p.GivenName != "" && p.FamilyName != "" {
			lastFirst += ", "
		}
		lastFirst += p.GivenName
		pr.names = append(pr.names, nameJSON{Metadata: primary, DisplayName: display, FamilyName: p.FamilyName,
			GivenName: p.GivenName, DisplayNameLastFirst: lastFirst, UnstructuredName: display})
		j.Names = pr.names[len(pr.names)-1:]
	}
	if pr.mask&maskEmailAddresses != 0 && p.Email != "" {
		verified := primary
		verified.Verified = true
		pr.emails = append(pr.emails, emailJSON{Metadata: verified, Value: p.Email})
		j.EmailAddresses = pr.emails[len(pr.emails)-1:]
	}
	if pr.mask&maskPhotos != 0 {
		ph := photoJSON{Metadata: fieldMetadataJSON{Primary: true, Source: sourceJSON{Type: "PROFILE", ID: p.ID}}, URL: p.PhotoURL}
		if ph.URL == "" {
			ph.URL, ph.Default = defaultPhotoURL, true
		}
		pr.photos = append(pr.photos, ph)
		j.Photos = pr.photos[len(pr.photos)-1:]
	}
	if pr.mask&maskOrganizations != 0 && (p.Title != "" || p.Department != "") {
		pr.orgs = append(pr.orgs, organizationJSON{Metadata: primary, Type: "work", Domain: pr.domain,
			Title: p.Title, Department: p.Department, Current: true})
		j.Organizations = pr.orgs[len(pr.orgs)-1:]
	}
	if pr.mask&maskPhoneNumbers != 0 && p.Phone != "" {
		pr.phones = append(pr.phones, phoneJSON{Metadata: primary, Value: p.Phone, Type: "work"})
		j.PhoneNumbers = pr.phones[len(pr.phones)-1:]
	}
	pr.out = append(pr.out, j)
}

// personEtag derives a person's etag from its change sequence.
func personEtag(p *workspace.Person) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(p.Seq))
	return "%" + base64.RawStdEncoding.EncodeToString(append([]byte(p.ID), b[:]...))
}
