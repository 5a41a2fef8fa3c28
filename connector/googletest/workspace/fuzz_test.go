package workspace_test

import (
	"os"
	"testing"
	"testing/fstest"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

func FuzzLoad(f *testing.F) {
	acme, err := os.ReadFile(acmePath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(acme)
	f.Add([]byte(minimal + "}"))
	f.Add([]byte(`{"domain": "t.test", "people": [{"email": "a@t.test"}], "files": [{"id": "f", "name": "n", "mimeType": "application/vnd.google-apps.document", "owner": "a@t.test", "createdTime": "2026-11-01T00:00:00Z", "createdByMeet": true, "exportText": {"generatedText": {"size": 300}}}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		fsys := fstest.MapFS{
			"ws.json":                                {Data: doc},
			"recordings/demo-meeting.mp4":            {Data: []byte("\x00\x00\x00\x18ftypmp42")},
			"recordings/demo-meeting-transcript.txt": {Data: []byte("Speaker 1: hello\n")},
		}
		w, err := workspace.LoadFS(fsys, "ws.json")
		if err != nil {
			return
		}
		// A loaded workspace is consistent: every item is reachable by its
		// key, and small bodies read back at their declared size.
		for _, p := range w.People() {
			if _, ok := w.PersonByID(p.ID); !ok {
				t.Fatalf("person %q not found by id", p.ID)
			}
		}
		for _, c := range w.Calendars() {
			for _, e := range w.Events(c.ID) {
				if e.CalendarID != c.ID {
					t.Fatalf("event %q of calendar %q lists calendar %q", e.ID, c.ID, e.CalendarID)
				}
			}
		}
		for _, f := range w.Files() {
			if f.Body != nil && f.Size != f.Body.Size() {
				t.Fatalf("file %q: Size %d, body %d", f.ID, f.Size, f.Body.Size())
			}
			if f.Body != nil && f.Size < 1<<16 && len(readAll(t, f.Body, 512)) != int(f.Size) {
				t.Fatalf("file %q: body does not read back at its size", f.ID)
			}
		}
	})
}
