package fakeapi_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/people/v1"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

const profile = "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE"

// listAll pages through listDirectoryPeople and returns the resource names
// and the final sync token.
func listAll(t *testing.T, svc *people.Service, call func() *people.PeopleListDirectoryPeopleCall) ([]*people.Person, string) {
	t.Helper()
	var all []*people.Person
	tok := ""
	for page := 0; ; page++ {
		resp, err := call().PageToken(tok).Do()
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		all = append(all, resp.People...)
		if resp.NextPageToken != "" && resp.NextSyncToken != "" {
			t.Fatalf("page %d has both a page and a sync token", page)
		}
		if resp.NextPageToken == "" {
			return all, resp.NextSyncToken
		}
		tok = resp.NextPageToken
	}
}

func names(ps []*people.Person) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ResourceName)
	}
	return out
}

func TestListDirectoryPeople(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.people(t, ada)
	all, syncTok := listAll(t, svc, func() *people.PeopleListDirectoryPeopleCall {
		return svc.People.ListDirectoryPeople().ReadMask("names,emailAddresses").Sources(profile).PageSize(2)
	})
	if diff := cmp.Diff([]string{"people/c001", "people/c002", "people/c003"}, names(all)); diff != "" {
		t.Errorf("people (-want +got):\n%s", diff)
	}
	if syncTok != "" {
		t.Errorf("sync token %q without requestSyncToken", syncTok)
	}
	ada := all[0]
	if len(ada.Names) != 1 || ada.Names[0].DisplayName != "Ada Lovelace" || !ada.Names[0].Metadata.Primary {
		t.Errorf("names = %+v", ada.Names)
	}
	if len(ada.EmailAddresses) != 1 || ada.EmailAddresses[0].Value != "ada@acme.test" {
		t.Errorf("emailAddresses = %+v", ada.EmailAddresses)
	}
	if ada.Photos != nil || ada.Organizations != nil || ada.PhoneNumbers != nil || ada.Metadata != nil {
		t.Errorf("fields outside the readMask: %+v", ada)
	}

	full, err := svc.People.ListDirectoryPeople().ReadMask("photos,organizations,phoneNumbers,metadata").Sources(profile).Do()
	if err != nil {
		t.Fatal(err)
	}
	p := full.People[0]
	if p.Names != nil || p.Photos[0].Url == "" || p.Organizations[0].Title != "Engineer" || p.PhoneNumbers[0].Value == "" ||
		p.Metadata.Sources[0].Type != "DOMAIN_PROFILE" {
		t.Errorf("person = %+v", p)
	}

	contacts, err := svc.People.ListDirectoryPeople().ReadMask("names").Sources("DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT").Do()
	if err != nil || len(contacts.People) != 0 {
		t.Errorf("domain contacts = %v, %v; want none", contacts, err)
	}
}

// apiError returns the *googleapi.Error of err.
func apiError(t *testing.T, err error) *googleapi.Error {
	t.Helper()
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		t.Fatalf("error %v is not a *googleapi.Error", err)
	}
	return ge
}

func TestListDirectoryPeopleErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.people(t, ada)
	first, err := svc.People.ListDirectoryPeople().ReadMask("names").Sources(profile).PageSize(1).Do()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call *people.PeopleListDirectoryPeopleCall
		code int
		body string
	}{
		{"no readMask", svc.People.ListDirectoryPeople().Sources(profile), 400, "readMask is required"},
		{"bad readMask", svc.People.ListDirectoryPeople().ReadMask("names,shoeSize").Sources(profile), 400, "shoeSize"},
		{"no sources", svc.People.ListDirectoryPeople().ReadMask("names"), 400, "sources is required"},
		{"bad source", svc.People.ListDirectoryPeople().ReadMask("names").Sources("DIRECTORY_SOURCE_TYPE_UNSPECIFIED"), 400, "sources"},
		{"page too big", svc.People.ListDirectoryPeople().ReadMask("names").Sources(profile).PageSize(1001), 400, "pageSize"},
		{"token with other mask", svc.People.ListDirectoryPeople().ReadMask("emailAddresses").Sources(profile).PageSize(1).
			PageToken(first.NextPageToken), 400, "Page token"},
		{"forged token", svc.People.ListDirectoryPeople().ReadMask("names").Sources(profile).PageSize(1).
			PageToken(first.NextPageToken + "x"), 400, "Page token"},
		{"bad sync token", svc.People.ListDirectoryPeople().ReadMask("names").Sources(profile).SyncToken("garbage"), 400, "Sync token"},
		{"outside the domain", f.people(t, "eve@elsewhere.test").People.ListDirectoryPeople().ReadMask("names").Sources(profile),
			400, "FAILED_PRECONDITION"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.call.Do()
			ge := apiError(t, err)
			if ge.Code != tt.code || !strings.Contains(ge.Body, tt.body) {
				t.Errorf("got %d %s, want %d containing %q", ge.Code, ge.Body, tt.code, tt.body)
			}
		})
	}
}

func TestDirectorySync(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.people(t, ada)
	call := func() *people.PeopleListDirectoryPeopleCall {
		return svc.People.ListDirectoryPeople().ReadMask("names").Sources(profile).RequestSyncToken(true).PageSize(1)
	}
	_, tok := listAll(t, svc, call)
	if tok == "" {
		t.Fatal("no nextSyncToken on the last page")
	}
	f.ws.PutPerson(workspace.Person{ID: "c005", Email: "eve@acme.test", GivenName: "Eve"})
	f.ws.PutPerson(workspace.Person{ID: "c001", Email: ada, GivenName: "Ada", FamilyName: "King", DisplayName: "Ada King"})
	if err := f.ws.DeletePerson("c003"); err != nil {
		t.Fatal(err)
	}
	changed, tok2 := listAll(t, svc, func() *people.PeopleListDirectoryPeopleCall { return call().SyncToken(tok) })
	if diff := cmp.Diff([]string{"people/c005", "people/c001", "people/c003"}, names(changed)); diff != "" {
		t.Errorf("changes in sequence order (-want +got):\n%s", diff)
	}
	if tomb := changed[2]; tomb.Metadata == nil || !tomb.Metadata.Deleted || tomb.Names != nil {
		t.Errorf("tombstone = %+v", tomb)
	}
	if changed[1].Names[0].FamilyName != "King" || changed[1].Metadata != nil {
		t.Errorf("updated person = %+v", changed[1])
	}
	none, tok3 := listAll(t, svc, func() *people.PeopleListDirectoryPeopleCall { return call().SyncToken(tok2) })
	if len(none) != 0 || tok3 == "" {
		t.Errorf("quiet sync = %v, token %q", names(none), tok3)
	}
	_, err := svc.People.ListDirectoryPeople().ReadMask("emailAddresses").Sources(profile).SyncToken(tok3).Do()
	if ge := apiError(t, err); ge.Code != http.StatusBadRequest {
		t.Errorf("sync token with another readMask: %d", ge.Code)
	}
}

func TestDirectorySyncExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		expire func(f *fixture)
	}{
		{"ExpireSyncTokens for the user", func(f *fixture) { f.api.ExpireSyncTokens(ada) }},
		{"ExpireSyncTokens for everyone", func(f *fixture) { f.api.ExpireSyncTokens("") }},
		{"older than seven days", func(f *fixture) { f.clock.Advance(7*24*time.Hour + time.Second) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, nil)
			svc := f.people(t, ada)
			resp, err := svc.People.ListDirectoryPeople().ReadMask("names").Sources(profile).RequestSyncToken(true).Do()
			if err != nil {
				t.Fatal(err)
			}
			tt.expire(f)
			_, err = svc.People.ListDirectoryPeople().ReadMask("names").Sources(profile).SyncToken(resp.NextSyncToken).Do()
			ge := apiError(t, err)
			if ge.Code != 400 || !strings.Contains(ge.Body, `"reason":"EXPIRED_SYNC_TOKEN"`) ||
				!strings.Contains(ge.Body, `"status":"FAILED_PRECONDITION"`) {
				t.Errorf("got %d %s", ge.Code, ge.Body)
			}
			fresh, err := svc.People.ListDirectoryPeople().ReadMask("names").Sources(profile).RequestSyncToken(true).Do()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.People.ListDirectoryPeople().ReadMask("names").Sources(profile).SyncToken(fresh.NextSyncToken).Do(); err != nil {
				t.Errorf("a token issued after the expiry: %v", err)
			}
		})
	}
}

func TestSearchDirectoryPeople(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.people(t, ada)
	tests := []struct {
		query string
		want  []string
	}{
		{"ada", []string{"people/c001"}},
		{"LOVE", []string{"people/c001"}},
		{"bob@acme", []string{"people/c002"}},
		{"zoë ün", []string{"people/c003"}},
		{"<script>", []string{"people/c002"}},
		{"dee", nil},
		{"velace", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, err := svc.People.SearchDirectoryPeople().Query(tt.query).ReadMask("names").Sources(profile).Do()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, names(resp.People)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if int(resp.TotalSize) != len(tt.want) {
				t.Errorf("totalSize = %d", resp.TotalSize)
			}
		})
	}
	t.Run("paging", func(t *testing.T) {
		f := newFixture(t, nil)
		for _, id := range []string{"c010", "c011", "c012"} {
			f.ws.PutPerson(workspace.Person{ID: id, Email: id + "@acme.test", GivenName: "Pat", FamilyName: id})
		}
		svc := f.people(t, ada)
		var got []string
		call := svc.People.SearchDirectoryPeople().Query("pat").ReadMask("names").Sources(profile).PageSize(1)
		err := call.Pages(t.Context(), func(r *people.SearchDirectoryPeopleResponse) error {
			got = append(got, names(r.People)...)
			return nil
		})
		if err != nil || len(got) != 3 {
			t.Errorf("pages = %v, %v", got, err)
		}
	})
	for name, call := range map[string]*people.PeopleSearchDirectoryPeopleCall{
		"no query":     svc.People.SearchDirectoryPeople().ReadMask("names").Sources(profile),
		"page too big": svc.People.SearchDirectoryPeople().Query("a").ReadMask("names").Sources(profile).PageSize(501),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := call.Do()
			if ge := apiError(t, err); ge.Code != 400 {
				t.Errorf("code = %d", ge.Code)
			}
		})
	}
}

func TestGetPerson(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.people(t, bob)
	tests := []struct {
		resource, fields string
		code             int
		want             string
	}{
		{"people/me", "names,emailAddresses", 200, "people/c002"},
		{"people/c003", "names", 200, "people/c003"},
		{"people/c004", "names", 404, ""},
		{"people/c999", "names", 404, ""},
		{"people/me", "", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.resource+"?"+tt.fields, func(t *testing.T) {
			p, err := svc.People.Get(tt.resource).PersonFields(tt.fields).Do()
			if tt.code != 200 {
				if ge := apiError(t, err); ge.Code != tt.code {
					t.Errorf("code = %d, want %d", ge.Code, tt.code)
				}
				return
			}
			if err != nil || p.ResourceName != tt.want {
				t.Errorf("got %v, %v; want %s", p, err, tt.want)
			}
		})
	}
}
