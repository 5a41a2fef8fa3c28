package fakeapi_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rawJSON returns the JSON form of a decoded response as generic maps.
func rawJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPeopleFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.people(t, ada)
	t.Run("listDirectoryPeople", func(t *testing.T) {
		resp, err := svc.People.ListDirectoryPeople().ReadMask("names,emailAddresses").Sources(profile).PageSize(2).
			Fields("nextPageToken,people(emailAddresses/value)").Do()
		if err != nil {
			t.Fatal(err)
		}
		if resp.NextPageToken == "" || len(resp.People) != 2 {
			t.Fatalf("page = %+v, want two people and a page token", resp)
		}
		for _, p := range resp.People {
			got := rawJSON(t, p)
			want := map[string]any{"emailAddresses": []any{map[string]any{"value": p.EmailAddresses[0].Value}}}
			if diff := cmp.Diff(want, got); diff != "" || p.EmailAddresses[0].Value == "" {
				t.Errorf("person beyond the fields selection (-want +got):\n%s", diff)
			}
		}
		resp, err = svc.People.ListDirectoryPeople().ReadMask("names").Sources(profile).RequestSyncToken(true).
			Fields("nextSyncToken").Do()
		if err != nil || len(resp.People) != 0 || resp.NextSyncToken == "" {
			t.Errorf("fields=nextSyncToken: %+v, %v; want only a sync token", resp, err)
		}
	})
	t.Run("searchDirectoryPeople", func(t *testing.T) {
		resp, err := svc.People.SearchDirectoryPeople().Query("Ada").ReadMask("names").Sources(profile).Fields("totalSize").Do()
		if err != nil || len(resp.People) != 0 || resp.TotalSize != 1 {
			t.Errorf("fields=totalSize: %+v, %v; want only totalSize 1", resp, err)
		}
	})
	t.Run("get", func(t *testing.T) {
		p, err := svc.People.Get("people/me").PersonFields("names,emailAddresses").Fields("names(displayName)").Do()
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"names": []any{map[string]any{"displayName": "Ada Lovelace"}}}
		if diff := cmp.Diff(want, rawJSON(t, p)); diff != "" {
			t.Errorf("people.get beyond the fields selection (-want +got):\n%s", diff)
		}
	})
	t.Run("unknown field", func(t *testing.T) {
		_, err := svc.People.ListDirectoryPeople().ReadMask("names").Sources(profile).Fields("people(nosuch)").Do()
		if ge := apiError(t, err); ge.Code != 400 {
			t.Errorf("fields=people(nosuch): %d, want 400", ge.Code)
		}
	})
}
