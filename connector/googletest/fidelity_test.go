package googletest_test

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"
	"google.golang.org/api/people/v1"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
)

// The fidelity tests drive the real generated clients end to end through
// tokens obtained with golang.org/x/oauth2 from the fake's consent flow.

func TestPeopleThroughOAuth(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{people: 30})
	svc := f.people(t, f.login(t, f.users[0], f.config(scopes.DirectoryReadonly)))
	var listed []string
	err := svc.People.ListDirectoryPeople().ReadMask("names,emailAddresses").Sources("DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE").
		PageSize(7).Pages(t.Context(), func(resp *people.ListDirectoryPeopleResponse) error {
		for _, p := range resp.People {
			listed = append(listed, p.EmailAddresses[0].Value)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listDirectoryPeople: %v", err)
	}
	want := append(slices.Clone(f.users), "mallory@example.test")
	slices.Sort(want)
	slices.Sort(listed)
	if diff := cmp.Diff(want, listed); diff != "" {
		t.Errorf("listed people (-want +got):\n%s", diff)
	}
	p, _ := f.ws.Person(f.users[3])
	found, err := svc.People.SearchDirectoryPeople().Query(p.GivenName).ReadMask("emailAddresses").
		Sources("DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE").Do()
	if err != nil || !slices.ContainsFunc(found.People, func(x *people.Person) bool { return x.EmailAddresses[0].Value == p.Email }) {
		t.Errorf("searchDirectoryPeople(%q) = %v, %v; want %s among them", p.GivenName, found, err, p.Email)
	}
	me, err := svc.People.Get("people/" + p.ID).PersonFields("names").Do()
	if err != nil || me.Names[0].DisplayName != p.DisplayName {
		t.Errorf("people.get = %v, %v", me, err)
	}
}

func TestCalendarThroughOAuth(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	user := f.users[0]
	svc := f.calendar(t, f.login(t, user, f.config(scopes.CalendarReadonly)))
	list, err := svc.CalendarList.List().Do()
	if err != nil {
		t.Fatalf("calendarList.list: %v", err)
	}
	if !slices.ContainsFunc(list.Items, func(c *calendar.CalendarListEntry) bool { return c.Id == user && c.Primary }) {
		t.Errorf("calendarList lacks the primary calendar %s", user)
	}
	events, err := svc.Events.List("primary").SingleEvents(true).Do()
	if err != nil {
		t.Fatalf("events.list: %v", err)
	}
	if len(events.Items) == 0 || events.NextSyncToken == "" {
		t.Fatalf("events.list gave %d events, sync token %q", len(events.Items), events.NextSyncToken)
	}
	ev, err := svc.Events.Get("primary", events.Items[0].Id).Do()
	if err != nil || ev.Id != events.Items[0].Id {
		t.Errorf("events.get = %v, %v", ev, err)
	}
	t.Run("expired sync token", func(t *testing.T) {
		if _, err := svc.Events.List("primary").SingleEvents(true).SyncToken(events.NextSyncToken).Do(); err != nil {
			t.Fatalf("incremental sync: %v", err)
		}
		f.AddFault(googletest.Fault{Method: "calendar.events.list", User: user, Kind: googletest.FaultExpireSyncTokens, Count: 1})
		_, err := svc.Events.List("primary").SingleEvents(true).SyncToken(events.NextSyncToken).Do()
		assertAPIError(t, err, 410, "fullSyncRequired")
	})
}

func TestDriveThroughOAuth(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{recordingSize: 300_000})
	rec := f.recording(t)
	svc := f.drive(t, f.login(t, rec.Owner, f.config(scopes.DriveReadonly)))
	list, err := svc.Files.List().Q("mimeType = 'video/mp4' and 'me' in owners and trashed = false").
		Fields("nextPageToken", "files(id,name,size,md5Checksum,parents)").Do()
	if err != nil {
		t.Fatalf("files.list: %v", err)
	}
	if !slices.ContainsFunc(list.Files, func(x *drive.File) bool { return x.Id == rec.ID && x.Size == rec.Size }) {
		t.Errorf("files.list lacks the recording %s", rec.ID)
	}
	resp, err := svc.Files.Get(rec.ID).Download()
	if err != nil {
		t.Fatalf("files.get alt=media: %v", err)
	}
	sum := md5.New()
	n, err := io.Copy(sum, resp.Body)
	resp.Body.Close()
	if err != nil || n != rec.Size || hex.EncodeToString(sum.Sum(nil)) != rec.Checksum() {
		t.Errorf("download: %d bytes (want %d), md5 ok %v, err %v", n, rec.Size, hex.EncodeToString(sum.Sum(nil)) == rec.Checksum(), err)
	}
	t.Run("range", func(t *testing.T) {
		call := svc.Files.Get(rec.ID)
		call.Header().Set("Range", "bytes=100-199")
		resp, err := call.Download()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusPartialContent || len(b) != 100 || !strings.HasPrefix(resp.Header.Get("Content-Range"), "bytes 100-199/") {
			t.Errorf("range download: %d, %d bytes, Content-Range %q", resp.StatusCode, len(b), resp.Header.Get("Content-Range"))
		}
	})
	t.Run("transcript export", func(t *testing.T) {
		doc := f.fileOf(t, rec.Owner, workspace.MimeDocument)
		resp, err := svc.Files.Export(doc.ID, "text/plain").Download()
		if doc.ExportText != nil && doc.ExportText.Size() > 10<<20 {
			assertAPIError(t, err, 403, "exportSizeLimitExceeded")
			return
		}
		if err != nil {
			t.Fatalf("files.export: %v", err)
		}
		defer resp.Body.Close()
		if b, _ := io.ReadAll(resp.Body); len(b) == 0 {
			t.Error("empty export")
		}
	})
}

// fileOf returns a file of mimeType owned by owner.
func (f *fake) fileOf(t *testing.T, owner, mimeType string) *workspace.File {
	t.Helper()
	for _, file := range f.ws.Files() {
		if file.Owner == owner && file.MimeType == mimeType && !file.Trashed && !file.Deleted {
			return file
		}
	}
	t.Fatalf("%s owns no %s", owner, mimeType)
	return nil
}

func TestTokenSourceRefreshesForClients(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.DriveReadonly)
	tok := f.login(t, f.users[0], cfg, oauth2.AccessTypeOffline)
	f.clock.Advance(2 * time.Hour)
	tok.Expiry = time.Now().Add(-time.Minute)
	svc, err := drive.NewService(t.Context(), option.WithTokenSource(cfg.TokenSource(t.Context(), tok)), option.WithEndpoint(f.urls.DriveBase))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Files.List().Do(); err != nil {
		t.Errorf("files.list with a refreshing token source: %v", err)
	}
	var refreshes int
	for _, rec := range f.Requests() {
		if rec.MethodID == "oauth.token" {
			refreshes++
		}
	}
	if refreshes != 2 {
		t.Errorf("%d token requests, want the exchange and one refresh", refreshes)
	}
}
