package fakeapi_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
)

// listFiles pages through files.list and returns the file ids.
func listFiles(t *testing.T, call *drive.FilesListCall) []string {
	t.Helper()
	var ids []string
	err := call.Pages(t.Context(), func(l *drive.FileList) error {
		for _, f := range l.Files {
			ids = append(ids, f.Id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// sorted returns ids in order, for comparing sets.
func sorted(ids ...string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids
}

func TestFilesListQuery(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	folder := workspace.MeetRecordingsFolderID(ada)
	tests := []struct {
		user, q string
		want    []string
	}{
		{ada, "", []string{folder, fileBigDoc, fileTranscr, fileNotes, fileRecording, fileTrashed}},
		{ada, "trashed = false", []string{folder, fileBigDoc, fileTranscr, fileNotes, fileRecording}},
		{ada, "trashed != false", []string{fileTrashed}},
		{ada, "mimeType = 'video/mp4'", []string{fileRecording, fileTrashed}},
		{ada, "'" + folder + "' in parents and mimeType = 'video/mp4' and trashed = false", []string{fileRecording}},
		{ada, "'" + folder + "' in parents and (mimeType = 'video/mp4' or mimeType = 'application/vnd.google-apps.document') " +
			"and modifiedTime > '2025-03-04T00:00:00Z'", []string{fileBigDoc, fileTranscr, fileRecording}},
		{ada, "mimeType = 'application/vnd.google-apps.folder' and name = 'Meet Recordings' and 'me' in owners and trashed = false",
			[]string{folder}},
		{ada, "name contains 'transcript'", []string{fileBigDoc, fileTranscr}},
		{ada, "name contains 'ranscript'", nil},
		{ada, "not name contains 'Transcript' and 'ada@acme.test' in owners", []string{folder, fileNotes, fileRecording, fileTrashed}},
		{ada, "'bob@acme.test' in owners", nil},
		{ada, "createdTime <= '2025-03-02T00:00:00Z'", []string{folder, fileTrashed}},
		{ada, "createdTime < '2025-03-02T00:00:00'", []string{folder}},
		{ada, "modifiedTime = '2025-03-09T00:00:00.000Z'", []string{fileNotes}},
		{ada, "modifiedTime != '2025-03-09T00:00:00Z' and modifiedTime >= '2025-03-05T00:00:00Z'", []string{fileBigDoc}},
		{ada, "name = 'notes.txt' OR name = 'O\\'Brien'", []string{fileNotes}},
		{ada, "mimeType contains 'GOOGLE-APPS'", []string{folder, fileBigDoc, fileTranscr}},
		{ada, "sharedWithMe = true", nil},
		{ada, "NOT (trashed = true or sharedWithMe = false)", nil},
		{bob, "", []string{fileBobs, fileRecording}},
		{bob, "sharedWithMe = true and mimeType = 'video/mp4' and name contains 'Weekly sync'", []string{fileRecording}},
		{bob, "'me' in owners", []string{fileBobs}},
		{cy, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.user+": "+tt.q, func(t *testing.T) {
			got := listFiles(t, f.drive(t, tt.user).Files.List().Q(tt.q).PageSize(2))
			if diff := cmp.Diff(sorted(tt.want...), sorted(got...)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFilesListQueryRejected(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.drive(t, ada)
	for _, q := range []string{
		"fullText contains 'x'", "name = notes", "'x' in readers", "'x' in", "name <", "name ~ 'a'",
		"name = 'unterminated", "name = 'bad \\x escape'", "(name = 'a'", "name = 'a')", "name = 'a' and", "and",
		"starred = true", "trashed = 'false'", "trashed = maybe", "modifiedTime > 'yesterday'", "modifiedTime contains '2025'",
		"name", "properties has { key='a' and value='b' }", "size > 10", "'a' 'b'", "not", "name != 'a' or ()",
	} {
		t.Run(q, func(t *testing.T) {
			_, err := svc.Files.List().Q(q).Do()
			ge := apiError(t, err)
			if ge.Code != 400 || ge.Errors[0].Reason != "invalid" || !strings.Contains(ge.Message, "Invalid query: ") ||
				!strings.Contains(ge.Body, `"location":"q"`) {
				t.Errorf("got %d %s", ge.Code, ge.Body)
			}
		})
	}
}

func TestFilesListFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.drive(t, ada)
	def, err := svc.Files.List().Q("mimeType = 'video/mp4' and trashed = false").Do()
	if err != nil {
		t.Fatal(err)
	}
	if def.Kind != "drive#fileList" || len(def.Files) != 1 {
		t.Fatalf("list = %+v", def)
	}
	if r := def.Files[0]; r.Kind != "drive#file" || r.Id != fileRecording || r.Name == "" || r.MimeType != "video/mp4" ||
		r.Size != 0 || r.Owners != nil || r.ModifiedTime != "" || r.Parents != nil {
		t.Errorf("default fields = %+v", r)
	}

	masked, err := svc.Files.List().Q("mimeType = 'video/mp4' and trashed = false").
		Fields("nextPageToken", "files(id,size,md5Checksum,owners(emailAddress),capabilities/canDownload,parents)").Do()
	if err != nil {
		t.Fatal(err)
	}
	file, _ := f.ws.File(fileRecording)
	r := masked.Files[0]
	if masked.Kind != "" || r.Kind != "" || r.Name != "" || r.Size != recordingSize || r.Md5Checksum != file.Checksum() ||
		r.Owners[0].EmailAddress != ada || r.Owners[0].DisplayName != "" || !r.Capabilities.CanDownload || r.Capabilities.CanEdit ||
		r.Parents[0] != workspace.MeetRecordingsFolderID(ada) {
		t.Errorf("masked = %+v owners %+v", r, r.Owners)
	}

	all, err := svc.Files.Get(fileTranscr).Fields("*").Do()
	if err != nil {
		t.Fatal(err)
	}
	if all.Kind != "drive#file" || all.Size != 0 || all.Md5Checksum != "" || all.ExportLinks["text/plain"] == "" ||
		all.Owners[0].DisplayName != "Ada Lovelace" || !all.OwnedByMe || all.WebViewLink == "" || all.Version == 0 {
		t.Errorf("all fields = %+v", all)
	}
	get, err := svc.Files.Get(fileNotes).Do()
	if err != nil || get.Kind != "drive#file" || get.Name != "notes.txt" || get.Size != 0 || get.CreatedTime != "" {
		t.Errorf("default get = %+v, %v", get, err)
	}

	for _, fields := range []string{"files(id,bogus)", "files(id", "files()", "nextPageToken/x", "kind,*(id)", "files(owners(nick))"} {
		t.Run(fields, func(t *testing.T) {
			_, err := svc.Files.List().Fields(googleapi.Field(fields)).Do()
			ge := apiError(t, err)
			if ge.Code != 400 || !strings.Contains(ge.Body, `"location":"fields"`) {
				t.Errorf("got %d %s", ge.Code, ge.Body)
			}
		})
	}
}

func TestFilesListPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.drive(t, ada)
	tests := []struct {
		orderBy string
		want    []string
	}{
		{"name desc", []string{fileTranscr, fileRecording, fileTrashed, fileNotes, workspace.MeetRecordingsFolderID(ada), fileBigDoc}},
		{"createdTime", []string{workspace.MeetRecordingsFolderID(ada), fileTrashed, fileRecording, fileTranscr, fileBigDoc, fileNotes}},
		{"folder,modifiedTime desc", []string{workspace.MeetRecordingsFolderID(ada), fileNotes, fileBigDoc, fileTranscr, fileRecording, fileTrashed}},
	}
	for _, tt := range tests {
		t.Run(tt.orderBy, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, listFiles(t, svc.Files.List().OrderBy(tt.orderBy).PageSize(4))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	first, err := svc.Files.List().PageSize(1).Do()
	if err != nil || first.NextPageToken == "" {
		t.Fatalf("first page = %v, %v", first, err)
	}
	for name, call := range map[string]*drive.FilesListCall{
		"token of another query": svc.Files.List().Q("trashed = false").PageSize(1).PageToken(first.NextPageToken),
		"forged token":           svc.Files.List().PageSize(1).PageToken("AAAA"),
		"bad orderBy":            svc.Files.List().OrderBy("size"),
		"bad corpora":            svc.Files.List().Corpora("everything"),
		"negative pageSize":      svc.Files.List().PageSize(-1),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := call.Do()
			if ge := apiError(t, err); ge.Code != 400 || ge.Errors[0].Reason != "invalid" {
				t.Errorf("got %d %v", ge.Code, ge.Errors)
			}
		})
	}
	all, err := svc.Files.List().Corpora("allDrives").IncludeItemsFromAllDrives(true).SupportsAllDrives(true).Spaces("drive").PageSize(5000).Do()
	if err != nil || len(all.Files) != 6 {
		t.Errorf("allDrives list = %v, %v", all, err)
	}
}

func TestDriveMeetReadonly(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	svc := f.drive(t, ada, scopes.DriveMeetReadonly)
	got := listFiles(t, svc.Files.List())
	want := []string{workspace.MeetRecordingsFolderID(ada), fileBigDoc, fileTranscr, fileRecording, fileTrashed}
	if diff := cmp.Diff(sorted(want...), sorted(got...)); diff != "" {
		t.Errorf("meet-only listing (-want +got):\n%s", diff)
	}
	if _, err := svc.Files.Get(fileNotes).Do(); apiError(t, err).Code != 404 {
		t.Errorf("non-Meet file visible: %v", err)
	}
	both := f.drive(t, ada, scopes.DriveMeetReadonly, scopes.DriveReadonly)
	if _, err := both.Files.Get(fileNotes).Do(); err != nil {
		t.Errorf("drive.readonly with drive.meet.readonly: %v", err)
	}
}
