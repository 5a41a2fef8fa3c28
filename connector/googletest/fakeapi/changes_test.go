package fakeapi_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
)

// change is what the tests compare of a Drive change.
type change struct {
	ID               string
	Removed, Trashed bool
	HasFile          bool
}

// listChanges pages through changes.list from tok and returns the changes
// and the new start page token.
func listChanges(t *testing.T, call func(tok string) *drive.ChangesListCall, tok string) ([]change, string) {
	t.Helper()
	var out []change
	for {
		resp, err := call(tok).Do()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range resp.Changes {
			ch := change{ID: c.FileId, Removed: c.Removed, HasFile: c.File != nil}
			if c.File != nil {
				ch.Trashed = c.File.Trashed
			}
			out = append(out, ch)
		}
		if (resp.NextPageToken == "") == (resp.NewStartPageToken == "") {
			t.Fatalf("want exactly one of nextPageToken and newStartPageToken: %+v", resp)
		}
		if resp.NextPageToken == "" {
			return out, resp.NewStartPageToken
		}
		tok = resp.NextPageToken
	}
}

func TestChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.drive(t, ada)
	start, err := svc.Changes.GetStartPageToken().Do()
	if err != nil || start.Kind != "drive#startPageToken" || start.StartPageToken == "" {
		t.Fatalf("start = %+v, %v", start, err)
	}
	if err := f.ws.TrashFile(fileNotes); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Hour)
	f.ws.PutFile(&workspace.File{ID: "1new", Name: "New - Recording", MimeType: workspace.MimeMP4, Owner: ada,
		SharedWith: []string{bob}, CreatedTime: now, ModifiedTime: now, CreatedByMeet: true, Body: workspace.BytesBody([]byte("x"))})
	gone, _ := f.ws.File(fileTranscr)
	removed := *gone
	removed.Deleted = true
	f.ws.PutFile(&removed)
	f.ws.PutFile(&workspace.File{ID: "1other", Name: "theirs", MimeType: "text/plain", Owner: cy, CreatedTime: now, ModifiedTime: now})

	const fields googleapi.Field = "kind,nextPageToken,newStartPageToken,changes(fileId,removed,file(id,trashed))"
	all := []change{{fileNotes, false, true, true}, {"1new", false, false, true}, {fileTranscr, true, false, false}}
	tests := []struct {
		name     string
		svc      *drive.Service
		mod      func(*drive.ChangesListCall) *drive.ChangesListCall
		want     []change
		defaults bool // without a fields mask, trashed is not returned
	}{
		{"default fields", svc, nil, []change{{fileNotes, false, false, true}, {"1new", false, false, true}, {fileTranscr, true, false, false}}, true},
		{"owner", svc, nil, all, false},
		{"without removals", svc, func(c *drive.ChangesListCall) *drive.ChangesListCall { return c.IncludeRemoved(false) }, all[:2], false},
		{"shared with", f.drive(t, bob), nil, []change{{"1new", false, false, true}}, false},
		{"meet only", f.drive(t, ada, scopes.DriveMeetReadonly), nil, all[1:], false},
		{"my drive", f.drive(t, bob), func(c *drive.ChangesListCall) *drive.ChangesListCall { return c.RestrictToMyDrive(true) }, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := func(tok string) *drive.ChangesListCall {
				c := tt.svc.Changes.List(tok).PageSize(1)
				if tt.mod != nil {
					c = tt.mod(c)
				}
				if !tt.defaults {
					c = c.Fields(fields)
				}
				return c
			}
			got, next := listChanges(t, call, start.StartPageToken)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			again, _ := listChanges(t, call, next)
			if len(again) != 0 {
				t.Errorf("changes after the new start token: %v", again)
			}
		})
	}
	for _, tok := range []string{"", "abc", "0"} {
		t.Run("token "+tok, func(t *testing.T) {
			if _, err := svc.Changes.List(tok).Do(); apiError(t, err).Code != 400 {
				t.Errorf("pageToken %q accepted: %v", tok, err)
			}
		})
	}
}
