package fakeapi_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/drive/v3"
)

func TestChangesReportShareTakenAway(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	bobSvc, adaSvc := f.drive(t, bob), f.drive(t, ada)
	start, err := bobSvc.Changes.GetStartPageToken().Do()
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := f.ws.File(fileRecording)
	unshared := *rec
	unshared.SharedWith = nil
	f.ws.PutFile(&unshared)

	list := func(svc *drive.Service, includeRemoved bool) ([]change, string) {
		return listChanges(t, func(tok string) *drive.ChangesListCall {
			return svc.Changes.List(tok).IncludeRemoved(includeRemoved).Fields("nextPageToken,newStartPageToken,changes(kind,changeType,time,fileId,removed,file(id,trashed))")
		}, start.StartPageToken)
	}
	got, next := list(bobSvc, true)
	if diff := cmp.Diff([]change{{ID: fileRecording, Removed: true}}, got); diff != "" {
		t.Errorf("changes of the reader taken off (-want +got):\n%s", diff)
	}
	resp, err := bobSvc.Changes.List(start.StartPageToken).Fields("changes(kind,changeType,time,fileId,removed)").Do()
	if err != nil || len(resp.Changes) != 1 {
		t.Fatalf("changes.list = %+v, %v", resp, err)
	}
	if c := resp.Changes[0]; c.Kind != "drive#change" || c.ChangeType != "file" || c.Time == "" {
		t.Errorf("removal change = %+v, want kind, changeType and time", c)
	}
	if again, _ := listChanges(t, func(tok string) *drive.ChangesListCall { return bobSvc.Changes.List(tok) }, next); len(again) != 0 {
		t.Errorf("changes after the new start token: %v", again)
	}
	if got, _ := list(bobSvc, false); len(got) != 0 {
		t.Errorf("with includeRemoved=false: %v, want none", got)
	}
	if got, _ := list(adaSvc, true); !cmp.Equal([]change{{ID: fileRecording, HasFile: true}}, got) {
		t.Errorf("changes of the owner = %v, want the file itself", got)
	}
}
