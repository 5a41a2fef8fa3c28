package googletest_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes"
)

func TestRequestLog(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	user := f.users[0]
	tok := f.login(t, user, f.config(scopes.OpenID, scopes.CalendarReadonly, scopes.CalendarEventsReadonly, scopes.DriveReadonly), oauth2.AccessTypeOffline)
	if _, err := f.calendar(t, tok).Events.List("primary").Do(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.calendar(t, tok).CalendarList.List().Do(); err != nil {
		t.Fatal(err)
	}
	f.AddFault(googletest.Fault{Method: "drive.files.list", Kind: googletest.FaultRateLimit, Count: 1})
	if _, err := f.drive(t, tok).Files.List().Do(); err == nil {
		t.Fatal("files.list succeeded despite the rate-limit fault")
	}

	type row struct {
		User, ClientID, MethodID, Scope string
		Status                          int
		HTTPMethod                      string
	}
	var got []row
	for _, rec := range f.Requests() {
		if rec.Time.IsZero() || rec.Path == "" || (rec.Status == 200 && rec.Bytes == 0 && rec.HTTPMethod == "GET") {
			t.Errorf("incomplete record %+v", rec)
		}
		got = append(got, row{rec.User, rec.ClientID, rec.MethodID, rec.Scope, rec.Status, rec.HTTPMethod})
	}
	want := []row{
		{"", clientID, "oauth.authorize", "", 200, "GET"},
		{user, clientID, "oauth.consent", "", 302, "POST"},
		{user, clientID, "oauth.token", "", 200, "POST"},
		{user, clientID, "calendar.events.list", scopes.CalendarEventsReadonly, 200, "GET"},
		{user, clientID, "calendar.calendarList.list", scopes.CalendarReadonly, 200, "GET"},
		{user, clientID, "drive.files.list", scopes.DriveReadonly, 403, "GET"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request log (-want +got):\n%s", diff)
	}

	t.Run("JSON Lines", func(t *testing.T) {
		resp, err := http.Get(f.base + "/_fake/requests")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		for _, secret := range []string{tok.AccessToken, tok.RefreshToken, clientSecret} {
			if strings.Contains(string(raw), secret) {
				t.Error("the request log holds a token or secret")
			}
		}
		var lines []googletest.RequestRecord
		sc := bufio.NewScanner(strings.NewReader(string(raw)))
		for sc.Scan() {
			var rec googletest.RequestRecord
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			lines = append(lines, rec)
		}
		if diff := cmp.Diff(f.Requests(), lines); diff != "" {
			t.Errorf("JSON Lines differ from Requests() (-want +got):\n%s", diff)
		}
	})
	t.Run("reset", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodDelete, f.base+"/_fake/requests", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if n := len(f.Requests()); resp.StatusCode != http.StatusNoContent || n != 0 {
			t.Errorf("after DELETE: status %d, %d records left", resp.StatusCode, n)
		}
	})
}
