package googletest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/scopes"
)

func TestFaultsOverHTTP(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	svc := f.drive(t, f.login(t, f.users[0], f.config(scopes.DriveReadonly)))
	post := func(body string) (int, string) {
		resp, err := http.Post(f.base+"/_fake/faults", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, answer := post(`{"method":"drive.files.list","kind":"too_many_requests","count":1,"retry_after":"3s"}`)
	var created struct{ ID string }
	if err := json.Unmarshal([]byte(answer), &created); status != http.StatusCreated || err != nil || created.ID == "" {
		t.Fatalf("POST /_fake/faults: %d %s", status, answer)
	}
	if status, list := f.getList(t, "/_fake/faults"); status != 200 || len(list) != 1 || list[0]["retry_after"] != "3s" || list[0]["id"] != created.ID {
		t.Errorf("GET /_fake/faults: %d %v", status, list)
	}
	_, err := svc.Files.List().Do()
	if ge := assertAPIError(t, err, 429, "rateLimitExceeded"); ge.Header.Get("Retry-After") != "3" {
		t.Errorf("Retry-After = %q, want 3", ge.Header.Get("Retry-After"))
	}
	for _, bad := range []struct{ body, says string }{
		{`{"kind":"meteor"}`, `kind "meteor"`},
		{`{"kind":"latency","method":"drive.files.fly"}`, `method "drive.files.fly"`},
		{`{"kind":"latency","method":"drive.files.download"}`, `method "drive.files.download"`}, // real, but not served
		{`{"kind":"latency","delay":"soon"}`, `delay "soon"`},
		{`{"kind":"latency","probability":2}`, "probability"},
		{`{"kind":"latency","colour":"red"}`, "unknown field"},
	} {
		if status, answer := post(bad.body); status != http.StatusBadRequest || !strings.Contains(answer, bad.says) {
			t.Errorf("POST %s: %d %q, want 400 saying %q", bad.body, status, answer, bad.says)
		}
	}
	post(`{"kind":"backend_error"}`)
	req, _ := http.NewRequest(http.MethodDelete, f.base+"/_fake/faults", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := svc.Files.List().Do(); err != nil {
		t.Errorf("after DELETE /_fake/faults: %v", err)
	}
}

// getList gets a JSON array from the fake.
func (f *fake) getList(t *testing.T, path string) (int, []map[string]any) {
	t.Helper()
	resp, err := http.Get(f.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, out
}

func TestExpireSyncTokensOverHTTP(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	svc := f.people(t, f.login(t, f.users[0], f.config(scopes.DirectoryReadonly)))
	list := func(syncToken string) (string, error) {
		resp, err := svc.People.ListDirectoryPeople().ReadMask("names").Sources("DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE").
			PageSize(1000).RequestSyncToken(true).SyncToken(syncToken).Do()
		if err != nil {
			return "", err
		}
		return resp.NextSyncToken, nil
	}
	token, err := list("")
	if err != nil || token == "" {
		t.Fatalf("full sync: token %q, %v", token, err)
	}
	resp, err := http.Post(f.base+"/_fake/expire-sync-tokens?email="+f.users[0], "", nil)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST /_fake/expire-sync-tokens: %v %v", resp, err)
	}
	resp.Body.Close()
	_, err = list(token)
	assertAPIError(t, err, 400, "EXPIRED_SYNC_TOKEN")
}
