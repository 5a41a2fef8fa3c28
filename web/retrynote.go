package web

import (
	"net/url"
	"strconv"
	"time"

	"github.com/scopetrail/scopetrail/connector/recordings"
)

// jobWords name a file's jobs in the notes of the Retry button.
var jobWords = map[string]string{
	recordings.JobDownload:   "a download of this recording",
	recordings.JobTranscribe: "a transcription of this recording",
	recordings.JobTranscript: "an import of this transcript",
}

// retryQuery carries what Retry did to the page it redirects to: the
// status, the kind of the job that waits or runs, and since when.
func retryQuery(q recordings.Queued) url.Values {
	v := url.Values{"retry": {string(q.Status)}}
	if q.Status != recordings.QueuedNow {
		v.Set("job", q.Job)
		v.Set("since", strconv.FormatInt(q.Since.Unix(), 10))
	}
	return v
}

// retryNote says in words what Retry did, from the query retryQuery wrote;
// queued is true when a job was queued. It is "" for any other query: the
// words come from this table, never from the query.
func retryNote(v url.Values) (note string, queued bool) {
	status := recordings.QueueStatus(v.Get("retry"))
	if status == recordings.QueuedNow {
		return "Done or queued; reload in a moment to see the result.", true
	}
	what, ok := jobWords[v.Get("job")]
	secs, err := strconv.ParseInt(v.Get("since"), 10, 64)
	if !ok || err != nil {
		return "", false
	}
	since := time.Unix(secs, 0).UTC().Format("15:04 UTC on 2 January")
	switch status {
	case recordings.QueuedWaiting:
		return "Nothing new was queued: " + what + " is already waiting to run, due at " + since + ".", false
	case recordings.QueuedRunning:
		return "Nothing new was queued: " + what + " is already running, on this or another replica, since " + since +
			". Reload in a moment to see the result.", false
	case recordings.QueuedStalled:
		return "Nothing new was queued: " + what + " was running on a replica that stopped answering at " + since +
			"; it is taken up again within a minute.", false
	}
	return "", false
}
