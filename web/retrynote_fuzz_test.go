package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzRetryNote reads any query as the note of the Retry button: the note
// is empty or one of the page's own sentences, never text of the query
// other than a time it parsed.
func FuzzRetryNote(f *testing.F) {
	f.Add("queued", "", "")
	f.Add("running", "recording_download", "1796389380")
	f.Add("stalled", "recording_transcribe", "-62135596800")
	f.Add("waiting", "<script>", "1")
	f.Add("running", "recording_download", "9223372036854775807")
	f.Fuzz(func(t *testing.T, status, job, since string) {
		note, queued := retryNote(url.Values{"retry": {status}, "job": {job}, "since": {since}})
		switch {
		case note == "":
			if queued {
				t.Fatal("queued without a note")
			}
		case queued:
			if !strings.HasPrefix(note, "Done or queued") {
				t.Fatalf("queued note %q", note)
			}
		default:
			what, ok := jobWords[job]
			if !ok || !strings.HasPrefix(note, "Nothing new was queued: "+what+" ") {
				t.Fatalf("note %q for job %q", note, job)
			}
		}
	})
}
