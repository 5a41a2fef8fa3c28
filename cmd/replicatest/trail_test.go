package replicatest

import (
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// TestCheckAudited checks the matching of Google's request log with the
// trail: an entry must exist for each request, written before it.
func TestCheckAudited(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	served := func(user, method string, ms int) googletest.RequestRecord {
		return googletest.RequestRecord{Time: at(ms), User: user, MethodID: method, Status: 200}
	}
	entry := func(user, method string, ms int) Request {
		return Request{Time: at(ms), User: user, Event: audit.EventActivity, Method: method}
	}
	refresh := func(ms int) Request {
		return Request{Time: at(ms), User: "ana@x.test", Event: audit.EventRefresh, Method: "oauth.token"}
	}
	tests := []struct {
		name    string
		served  []googletest.RequestRecord
		entries []Request
		flows   int
		fails   int
	}{
		{"each request audited first", []googletest.RequestRecord{served("ana@x.test", "drive.files.list", 10), served("ana@x.test", "drive.files.list", 20)},
			[]Request{entry("ana@x.test", "drive.files.list", 5), entry("ana@x.test", "drive.files.list", 15)}, 0, 0},
		{"an entry written after its request", []googletest.RequestRecord{served("ana@x.test", "drive.files.list", 10)},
			[]Request{entry("ana@x.test", "drive.files.list", 11)}, 0, 1},
		{"one entry for two requests", []googletest.RequestRecord{served("ana@x.test", "drive.files.get", 10), served("ana@x.test", "drive.files.get", 30)},
			[]Request{entry("ana@x.test", "drive.files.get", 5)}, 0, 2},
		{"another user's entry", []googletest.RequestRecord{served("ana@x.test", "calendar.events.list", 10)},
			[]Request{entry("bo@x.test", "calendar.events.list", 5)}, 0, 1},
		{"requests Google never saw", nil, []Request{entry("ana@x.test", "drive.files.list", 5)}, 0, 0},
		{"consent pages are not the door's", []googletest.RequestRecord{served("ana@x.test", "oauth.consent", 10)}, nil, 0, 0},
		{"code exchanges are not refreshes", []googletest.RequestRecord{served("ana@x.test", "oauth.token", 10), served("ana@x.test", "oauth.token", 20)},
			[]Request{refresh(15)}, 1, 0},
		{"a refresh unaudited", []googletest.RequestRecord{served("ana@x.test", "oauth.token", 10), served("ana@x.test", "oauth.token", 20)},
			[]Request{refresh(15)}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := CheckAudited(tt.served, &Trail{Requests: tt.entries}, tt.flows)
			if len(got) != tt.fails {
				t.Errorf("CheckAudited = %q, want %d failures", got, tt.fails)
			}
		})
	}
}
